package dev.fp4sim.verification.ptxas;

import dev.fp4sim.isa.ptx.PtxParser;
import dev.fp4sim.isa.ptx.PtxSyntaxException;
import dev.fp4sim.isa.ptx.PtxTarget;
import dev.fp4sim.isa.ptx.PtxValidator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Whole modules from {@link KernelGenerator} (their own register names, .shared buffers, guards,
 * labels, several statements, random breakage), none of them in the line corpus the validator was
 * developed on: each is assembled by ptxas for its .target, and our verdict must be the same.
 */
class HeldOutAgreementTest {

    static final long SEED = Long.getLong("fp4sim.heldout.seed", 20261123L);
    static final int MODULES = Integer.getInteger("fp4sim.heldout.modules", 600);

    static boolean ours(String text, PtxTarget t, StringBuilder why) {
        try {
            var errors = PtxValidator.validate(PtxParser.parse(text), t);
            errors.forEach(e -> why.append(e).append("; "));
            return errors.isEmpty();
        } catch (PtxSyntaxException e) {
            why.append(e.getMessage());
            return false;
        }
    }

    @Test
    void generatedModulesGetPtxassVerdict(@TempDir Path dir) throws Exception {
        var ptxas = Ptxas.find();
        Assumptions.assumeTrue(ptxas.isPresent(), "ptxas not found (PATH, $CUDA_HOME/bin, /usr/local/cuda/bin): held-out agreement not checked");
        KernelGenerator gen = new KernelGenerator(SEED, 0.35);
        String dump = System.getProperty("fp4sim.heldout.dump");
        StringBuilder disagreements = new StringBuilder();
        int valid = 0;
        int differ = 0;
        for (int i = 0; i < MODULES; i++) {
            String target = KernelGenerator.TARGETS.get(i % KernelGenerator.TARGETS.size());
            String text = gen.module(i, target);
            Path file = (dump != null ? Path.of(dump) : dir).resolve(String.format("gen%04d.ptx", i));
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            StringBuilder log = new StringBuilder();
            boolean want = ptxas.get().accepts(file, target, log);
            valid += want ? 1 : 0;
            StringBuilder why = new StringBuilder();
            if (ours(text, PtxTarget.byName(target).orElseThrow(), why) != want) {
                differ++;
                disagreements.append("\n  ").append(file.getFileName()).append(" (").append(target).append("): ptxas ")
                        .append(want ? "accepts" : "rejects: " + log.toString().strip().replace('\n', ' '))
                        .append("; we ").append(want ? "reject: " + why : "accept").append("\n").append(body(text));
            }
        }
        System.out.println("held-out agreement: " + MODULES + " modules (" + valid + " valid), " + differ + " differ, seed " + SEED);
        assertEquals("", disagreements.toString(), differ + " of " + MODULES + " verdicts differ from ptxas");
    }

    private static String body(String text) {
        StringBuilder sb = new StringBuilder();
        boolean in = false;
        for (String l : text.split("\n")) {
            if (l.contains(".shared .align")) {
                in = true;
                continue;
            }
            if (in && !l.isBlank() && !l.contains("ret;") && !l.equals("}")) {
                sb.append("      ").append(l.strip()).append('\n');
            }
        }
        return sb.toString();
    }
}
