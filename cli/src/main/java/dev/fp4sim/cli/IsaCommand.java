package dev.fp4sim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fp4sim isa}: the architectural contract — check PTX, decode and build descriptors. */
@Command(name = "isa",
        description = {"The ISA layer: validate tcgen05 PTX against a target and decode or build the",
                "instruction and shared-memory descriptors (docs/isa.md).", "",
                "Examples:",
                "  fp4sim isa check kernel.ptx --target sm_100a",
                "  fp4sim isa idesc 0x08400480 --kind mxf4nvf4",
                "  fp4sim isa idesc --kind mxf4nvf4 --a e2m1 --b e2m1 --scale ue4m3 --m 128 --n 256",
                "  fp4sim isa sdesc 0x4000404000010040"},
        subcommands = {IsaCheckCommand.class, IsaIdescCommand.class, IsaSdescCommand.class})
final class IsaCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
