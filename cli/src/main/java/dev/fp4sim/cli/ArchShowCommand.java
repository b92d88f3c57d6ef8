package dev.fp4sim.cli;

import dev.fp4sim.sim.profile.ArchProfile;
import dev.fp4sim.sim.profile.ArchProfiles;
import dev.fp4sim.sim.profile.Assumption;
import dev.fp4sim.sim.profile.Assumptions;
import dev.fp4sim.sim.profile.InstructionForm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

@Command(name = "show",
        description = {
                "Show one profile (or all): every supported (instruction, kind, A, B, C/D) combination with",
                "K per instruction, scale format/block, PTX shape and datapath parameters, then every named",
                "assumption with its current choice, the alternatives and the evidence for the default.",
                "",
                "Parameters: T-FDPA/ST-FDPA/GST-FDPA = the fused dot-add algorithm (numerics.md §2-3);",
                "F = fractional bits kept after aligning to the largest exponent (then truncated);",
                "L = products fused per step (K > L runs as chained steps); e_zero = exponent of zero terms;",
                "RZ-F32 / RZ-E8M13 / RNE-F16 = the output rounding.",
                "",
                "Examples:",
                "  fp4sim arch show sm_100a",
                "  fp4sim arch show sm_100a --kind mxf4nvf4",
                "  fp4sim arch show sm_90a --assume sub-byte-emin=normalized"})
final class ArchShowCommand implements Runnable {

    @Parameters(arity = "0..1", paramLabel = "TARGET", description = "e.g. sm_100a, sm_103a, sm_120a, sm_90a, sm_89, sm_80 (default: all)")
    String target;

    @Option(names = "--kind", paramLabel = "KIND", description = "only forms of this kind, e.g. f16, tf32, f8f6f4, mxf4nvf4, i8")
    String kind;

    @Mixin
    AssumeOptions assume;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Assumptions assumptions = assume.assumptions();
        List<ArchProfile> profiles;
        if (target == null) {
            profiles = ArchProfiles.all();
        } else {
            profiles = List.of(ArchProfiles.forArch(target).orElseThrow(() -> new UserError(
                    "unknown target '" + target + "' (known: " + ArchProfiles.names() + "; see 'fp4sim arch list')")));
        }
        String k = kind == null ? null : kind.toLowerCase(Locale.ROOT).replace("kind::", "");
        if (k != null && profiles.stream().flatMap(p -> p.forms().stream()).noneMatch(f -> f.kind().ptxName().equals(k))) {
            throw new UserError("--kind " + kind + ": no form of that kind in " + (target == null ? "any profile" : target));
        }
        for (ArchProfile p : profiles) {
            out.println(p.arch() + ": " + p.name());
            if (!p.aliases().isEmpty()) {
                out.println("  aliases: " + String.join(", ", p.aliases()));
            }
            if (p.sameAs() != null) {
                out.println("  assumption: arithmetic identical to " + p.sameAs()
                        + " (no characterisation of this target published; numerics.md §7)");
            }
            out.println("  forms:");
            for (InstructionForm f : p.forms()) {
                if (k == null || f.kind().ptxName().equals(k)) {
                    out.println("    " + f.describe());
                }
            }
            out.println();
        }
        out.println("named assumptions (switch with --assume KEY=VALUE):");
        for (Assumption a : assumptions.all()) {
            boolean isDefault = Assumptions.DEFAULTS.all().contains(a);
            out.println("  " + a.key() + " = " + a.choice() + (isDefault ? " (default)" : " (switched)")
                    + "   choices: " + String.join(", ", a.alternatives()));
            out.println("      " + a.meaning());
            out.println("      evidence: " + a.evidence());
        }
        out.flush();
    }
}
