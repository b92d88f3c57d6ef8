package dev.fp4sim.cli;

import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.sim.timing.GpuSpec;
import dev.fp4sim.sim.timing.Tcgen05Timing;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fp4sim perf mma}: the instruction-level model of one tcgen05.mma (docs/timing.md, "Instruction level"). */
@Command(name = "mma", description = {
        "Initiation interval, latency, pipeline depth and bound of one tcgen05.mma on a tcgen05 GPU:",
        "the datapath takes N/2 cycles per 128 rows in every kind; SS mode also streams A and B from SMEM",
        "at the machine's smem_read_b_clk, TS mode (A in TMEM) only B, cta_group::2 halves B per SM.",
        "",
        "Example:",
        "  fp4sim perf mma --gpu b200 --kind mxf4nvf4 --m 128 --n 64 --cta-group 1 --mode ss   (SMEM-bound)",
        "  fp4sim perf mma --gpu b200 --kind mxf4nvf4 --m 256 --n 256 --cta-group 2 --mode ss  (full rate)"})
final class PerfMmaCommand implements Callable<Integer> {

    @Option(names = "--gpu", defaultValue = "b200", description = "built-in GPU or a JSON file (default ${DEFAULT-VALUE})") String gpu;
    @Option(names = "--kind", defaultValue = "mxf4nvf4", description = "f16, tf32, f8f6f4, i8, mxf8f6f4, mxf4, mxf4nvf4 (default ${DEFAULT-VALUE})")
    String kind;
    @Option(names = "--m", defaultValue = "128", description = "M of the instruction (whole pair for cta_group 2)") int m;
    @Option(names = "--n", defaultValue = "256") int n;
    @Option(names = "--cta-group", defaultValue = "1", description = "1 or 2") int ctaGroup;
    @Option(names = "--mode", defaultValue = "ss", description = "ss (A and B in SMEM) or ts (A in TMEM)") String mode;
    @Option(names = "--json", description = "one JSON object") boolean json;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        GpuSpec g = PerfCommand.gpu(gpu);
        MmaKind k = MmaKind.byName(kind).orElseThrow(() -> new UserError("--kind " + kind + ": expected one of " + MmaKind.allNames()));
        Tcgen05Timing.Mode md;
        try {
            md = Tcgen05Timing.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--mode " + mode + ": expected ss or ts");
        }
        Tcgen05Timing.Mma i = new Tcgen05Timing.Mma(k, m, n, ctaGroup, md);
        Tcgen05Timing.MmaTiming t;
        try {
            t = Tcgen05Timing.mma(g, i);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.printf(Locale.ROOT, "{\"gpu\": \"%s\", \"instruction\": \"%s\", \"k\": %d, \"ii_cycles\": %.2f, \"tensor_cycles\": %.2f, "
                            + "\"smem_cycles\": %.2f, \"latency_cycles\": %.1f, \"depth\": %d, \"mac_per_clk_per_sm\": %.1f, \"bound\": \"%s\"}%n",
                    g.name(), i, t.k(), t.ii(), t.tensorCycles(), t.smemCycles(), t.latency(), t.depth(), t.macPerClkPerSm(), t.bound());
        } else {
            o.printf(Locale.ROOT, "%s on %s (K = %d)%n", i, g.name(), t.k());
            o.printf(Locale.ROOT, "  initiation interval  %.1f cycles (datapath %.1f, SMEM operand reads %.1f) -> %s-bound%n", t.ii(),
                    t.tensorCycles(), t.smemCycles(), t.bound());
            o.printf(Locale.ROOT, "  latency              %.0f cycles; %d in flight to saturate the pipe%n", t.latency(), t.depth());
            o.printf(Locale.ROOT, "  sustained            %.0f MAC/clk per SM (%.0f%% of the %s rate)%n", t.macPerClkPerSm(),
                    100 * t.macPerClkPerSm() / Tcgen05Timing.macPerClk(g, k), k.ptxName());
        }
        o.flush();
        return 0;
    }
}
