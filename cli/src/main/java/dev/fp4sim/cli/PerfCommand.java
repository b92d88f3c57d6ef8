package dev.fp4sim.cli;

import dev.fp4sim.sim.timing.GemmEstimate;
import dev.fp4sim.sim.timing.GpuSpec;
import dev.fp4sim.sim.timing.GpuSpecs;
import dev.fp4sim.sim.timing.PerfFormat;
import dev.fp4sim.sim.timing.PerfModel;
import dev.fp4sim.sim.timing.PerfValidation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fp4sim perf}: the cycle-approximate timing and energy model (docs/timing.md). */
@Command(name = "perf",
        description = {"How long, and how many joules, a GEMM takes on a GPU: a cycle-approximate model of the",
                "tensor cores, SMEM, L2, HBM and the board power (docs/timing.md).", "",
                "Examples:",
                "  fp4sim perf gemm --gpu b200 --m 8192 --n 8192 --k 8192 --format nvfp4",
                "  fp4sim perf mma --gpu b200 --kind mxf4nvf4 --m 128 --n 64 --cta-group 1 --mode ss",
                "  fp4sim perf peak --gpu b200 --format fp8 --json",
                "  fp4sim perf whatif --gpu b200 --gemm 8192x8192x8192 --vary smem_read_b_clk=64,128,256 --vary format=nvfp4,fp8",
                "  fp4sim perf roofline --gpu b200 --format nvfp4 --out roofline.png"},
        subcommands = {PerfCommand.Gemm.class, PerfMmaCommand.class, PerfCommand.Peak.class, PerfCommand.Gpus.class, PerfCommand.Validate.class,
                WhatIfCommand.class, RooflineCommand.class})
final class PerfCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static GpuSpec gpu(String name) {
        try {
            return GpuSpecs.load(name);
        } catch (IllegalArgumentException e) {
            throw new UserError("--gpu: " + e.getMessage());
        } catch (IOException e) {
            throw new UserError("--gpu " + name + ": cannot read (" + e.getMessage() + ")");
        }
    }

    static PerfFormat format(String f) {
        return PerfFormat.byName(f).orElseThrow(() -> new UserError("--format " + f + ": expected one of " + PerfFormat.names()));
    }

    static GemmEstimate estimate(GpuSpec g, PerfFormat f, long m, long n, long k) {
        return estimate(g, f, m, n, k, PerfModel.Options.DEFAULT);
    }

    static GemmEstimate estimate(GpuSpec g, PerfFormat f, long m, long n, long k, PerfModel.Options o) {
        try {
            return PerfModel.gemm(g, f, m, n, k, o);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** "--tile 256x256" → "256x256" after checking the syntax; null stays null. */
    static String tile(String option, String t) {
        if (t != null && !t.matches("\\d+x\\d+")) {
            throw new UserError(option + " " + t + ": expected BMxBN, e.g. 256x256 (2-CTA on tcgen05) or 128x128");
        }
        return t;
    }

    /** Charts go where the user says (default under ./fp4sim-charts/); the directory is created when missing. */
    static java.nio.file.Path chartFile(String out) {
        try {
            java.nio.file.Path p = java.nio.file.Path.of(out.endsWith(".png") ? out : out + ".png").toAbsolutePath();
            java.nio.file.Files.createDirectories(p.getParent());
            return p;
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new UserError("--out " + out + ": cannot create its directory (" + e.getMessage() + ")");
        }
    }

    @Command(name = "gemm", description = {"Time, TFLOPS, bottleneck, utilisation and energy of one GEMM.", "",
            "Example:", "  fp4sim perf gemm --gpu b200 --m 8192 --n 8192 --k 8192 --format nvfp4"})
    static final class Gemm implements Callable<Integer> {
        @Option(names = "--gpu", defaultValue = "b200", description = "built-in GPU (fp4sim perf gpus) or a JSON file") String gpu;
        @Option(names = "--m", required = true) long m;
        @Option(names = "--n", required = true) long n;
        @Option(names = "--k", required = true) long k;
        @Option(names = "--format", defaultValue = "nvfp4", description = "nvfp4, mxfp4, fp4-f8f6f4, fp8, mxfp8, bf16, tf32") String format;
        @Option(names = "--tile", description = "fix the CTA tile BMxBN instead of the fastest: 128x64, 128x128, 128x256, "
                + "or on tcgen05 the 2-CTA 256x64, 256x128, 256x256") String tile;
        @Option(names = "--scale-block", defaultValue = "0", description = "elements per scale factor for a block-scaled format "
                + "(default: the format's own, 16 for nvfp4, 32 for mx formats)") int scaleBlock;
        @Option(names = "--json", description = "one JSON object") boolean json;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (m <= 0 || n <= 0 || k <= 0) {
                throw new UserError("--m/--n/--k: must be positive (got " + m + "x" + n + "x" + k + ")");
            }
            if (scaleBlock < 0) {
                throw new UserError("--scale-block " + scaleBlock + ": must be positive");
            }
            GemmEstimate e = estimate(gpu(gpu), format(format), m, n, k, new PerfModel.Options(tile("--tile", tile), scaleBlock));
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                StringBuilder parts = new StringBuilder();
                e.energy().asMap().forEach((c, j) -> parts.append(parts.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "\"%s\": %.6e", c, j)));
                StringBuilder util = new StringBuilder();
                e.utilisation().forEach((r, u) -> util.append(util.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "\"%s\": %.4f", r, u)));
                o.printf(Locale.ROOT, "{\"gpu\": \"%s\", \"format\": \"%s\", \"m\": %d, \"n\": %d, \"k\": %d, \"seconds\": %.6e, \"tflops\": %.2f, "
                                + "\"bottleneck\": \"%s\", \"clock_mhz\": %.0f, \"joules\": %.6e, \"watts\": %.1f, \"j_per_tflop\": %.4e, \"tile\": \"%s\", "
                                + "\"utilisation\": {%s}, \"energy_joules\": {%s}}%n",
                        e.gpu(), e.format().cliName(), m, n, k, e.seconds(), e.tflops(), e.bottleneck(), e.clockMhz(), e.joules(), e.watts(),
                        e.joulesPerTflop(), e.tile(), util, parts);
            } else {
                o.printf(Locale.ROOT, "%s %s GEMM %dx%dx%d%n", e.gpu(), e.format().cliName(), m, n, k);
                o.printf(Locale.ROOT, "  time        %.3f us   (%.1f TFLOPS)%n", e.seconds() * 1e6, e.tflops());
                o.printf(Locale.ROOT, "  bottleneck  %s%n", e.bottleneck());
                o.printf(Locale.ROOT, "  kernel      %s%n", e.tile());
                GpuSpec g = gpu(gpu);
                o.printf(Locale.ROOT, "  clock       %.0f MHz (%s)%n", e.clockMhz(), e.clockMhz() < g.get("max_clock_mhz") - 0.5
                        ? String.format(Locale.ROOT, "power-limited: %.0f MHz would exceed the %.0f W board power", g.get("max_clock_mhz"), g.get("board_w"))
                        : String.format(Locale.ROOT, "the maximum; the board power of %.0f W is not reached", g.get("board_w")));
                o.print("  utilisation");
                e.utilisation().forEach((r, u) -> o.printf(Locale.ROOT, "  %s %.0f%%", r, 100 * u));
                o.println();
                o.printf(Locale.ROOT, "  energy      %.3f mJ, %.0f W average, %.3f J/TFLOP%n", e.joules() * 1e3, e.watts(), e.joulesPerTflop());
                o.print("  joules by ");
                e.energy().asMap().forEach((c, j) -> o.printf(Locale.ROOT, "  %s %.0f%%", c, 100 * j / e.joules()));
                o.println();
            }
            o.flush();
            return 0;
        }
    }

    @Command(name = "peak", description = {"The dense peak the machine file implies (SMs x MAC/clk x 2 x clock)."})
    static final class Peak implements Callable<Integer> {
        @Option(names = "--gpu", defaultValue = "b200") String gpu;
        @Option(names = "--format", defaultValue = "nvfp4") String format;
        @Option(names = "--json") boolean json;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            GpuSpec g = gpu(gpu);
            PerfFormat f = format(format);
            double p = PerfModel.peakFlops(g, f) / 1e12;
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                o.printf(Locale.ROOT, "{\"gpu\": \"%s\", \"format\": \"%s\", \"tflops\": %.1f}%n", g.name(), f.cliName(), p);
            } else {
                o.printf(Locale.ROOT, "%s %s dense peak: %.1f TFLOPS (%.0f SMs x %.0f MAC/clk x 2 x %.0f MHz)%n", g.name(), f.cliName(), p,
                        g.get("sms"), g.macPerClk(f), g.get("clock_mhz"));
            }
            o.flush();
            return 0;
        }
    }

    @Command(name = "gpus", description = {"List the built-in machine files."})
    static final class Gpus implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter o = spec.commandLine().getOut();
            for (GpuSpec g : GpuSpecs.all()) {
                o.printf(Locale.ROOT, "%-30s %-8s %-9s %s%n", g.name(), g.arch(), g.api(), g.title());
            }
            o.println("Your own chip: copy a file from sim/src/main/resources/gpus/ and pass its path to --gpu.");
            o.flush();
            return 0;
        }
    }

    @Command(name = "validate", description = {"The model next to published peaks and measured GEMMs, with errors and the MAPE (Markdown),",
            "and a PNG of model vs published TFLOPS for the GEMM points.", "",
            "Example:", "  fp4sim perf validate --out fp4sim-charts/validation.png"})
    static final class Validate implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "fp4sim-charts/validation.png", description = "PNG to write (default ${DEFAULT-VALUE})")
        String out;
        @Option(names = "--no-chart", description = "print the table only") boolean noChart;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PerfValidation.Table t = PerfValidation.compute();
            spec.commandLine().getOut().print(t.markdown());
            if (!noChart) {
                java.nio.file.Path png = chartFile(out);
                PerfCharts.validation(t, png);
                spec.commandLine().getErr().println("wrote " + png);
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
