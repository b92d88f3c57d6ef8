package dev.fp4sim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fp4sim bench}: speed measurements, reported rather than asserted (docs/performance.md). */
@Command(name = "bench",
        description = {"Measure how fast the simulator runs on this machine.", "",
                "Example:", "  fp4sim bench gemm --m 4096 --n 4096 --k 4096"},
        subcommands = {BenchGemmCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
