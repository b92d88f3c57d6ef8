package dev.fp4sim.cli;

import dev.fp4sim.sim.profile.Assumptions;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --assume key=value} option shared by every command that computes: switches one named
 * assumption (docs/numerics.md §7) away from its documented default.
 */
final class AssumeOptions {

    @Option(names = "--assume", paramLabel = "KEY=VALUE",
            description = {"Switch a named assumption (repeatable), e.g. --assume result-overflow=saturate.",
                    "'fp4sim arch show ARCH' lists every key, its choices and the evidence for the default."})
    List<String> assume = new ArrayList<>();

    /** The defaults with every {@code --assume} applied; a bad key or value is a UserError. */
    Assumptions assumptions() {
        Assumptions a = Assumptions.DEFAULTS;
        for (String kv : assume) {
            int eq = kv.indexOf('=');
            if (eq <= 0 || eq == kv.length() - 1) {
                throw new UserError("--assume " + kv + ": expected KEY=VALUE, e.g. zero-term-rule=first-release");
            }
            try {
                a = a.with(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new UserError("--assume " + kv + ": " + e.getMessage());
            }
        }
        return a;
    }
}
