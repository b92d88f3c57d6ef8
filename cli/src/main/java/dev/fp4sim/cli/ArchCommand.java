package dev.fp4sim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fp4sim arch}: the architecture profiles as data a user can read. */
@Command(name = "arch",
        description = {
                "Architecture profiles: which MMA forms each target supports and the datapath parameters",
                "(fractional bits F, fused terms L, zero exponent, output rounding) and named assumptions",
                "each one computes with. Sources: docs/numerics.md §3 and §7.",
                "",
                "Examples:",
                "  fp4sim arch list",
                "  fp4sim arch show sm_100a",
                "  fp4sim arch show sm_90a --kind f8"},
        subcommands = {ArchListCommand.class, ArchShowCommand.class})
final class ArchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
