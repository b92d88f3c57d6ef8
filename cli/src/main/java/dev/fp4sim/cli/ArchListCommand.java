package dev.fp4sim.cli;

import dev.fp4sim.sim.profile.ArchProfile;
import dev.fp4sim.sim.profile.ArchProfiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

@Command(name = "list",
        description = {"List the architecture profiles: target, aliases, forms supported, and the profile",
                "whose arithmetic a target is assumed to share.", "", "Example:", "  fp4sim arch list"})
final class ArchListCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-8s %-6s %-32s %s%n", "target", "forms", "aliases", "description");
        for (ArchProfile p : ArchProfiles.all()) {
            String desc = p.name() + (p.sameAs() == null ? "" : " [assumed same arithmetic as " + p.sameAs() + "]");
            out.printf("%-8s %-6d %-32s %s%n", p.arch(), p.forms().size(), String.join(", ", p.aliases()), desc);
        }
        out.println();
        out.println("Details: fp4sim arch show TARGET");
        out.flush();
    }
}
