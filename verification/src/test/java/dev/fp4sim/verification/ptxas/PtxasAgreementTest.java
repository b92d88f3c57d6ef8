package dev.fp4sim.verification.ptxas;

import dev.fp4sim.isa.ptx.PtxError;
import dev.fp4sim.isa.ptx.PtxParser;
import dev.fp4sim.isa.ptx.PtxSyntaxException;
import dev.fp4sim.isa.ptx.PtxTarget;
import dev.fp4sim.isa.ptx.PtxValidator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our validator's verdict on every corpus line, for every target, equals NVIDIA ptxas's (run live).
 * The corpus (src/test/resources/ptxas/corpus.txt) holds the tcgen05 family in every kind, form and
 * qualifier combination, the synchronisation instructions around it, and random mutations of them
 * (dropped, repeated, reordered and foreign qualifiers; wrong operand kinds and counts).
 */
class PtxasAgreementTest {

    static List<String> corpus() throws Exception {
        try (InputStream in = PtxasAgreementTest.class.getResourceAsStream("/ptxas/corpus.txt")) {
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")).filter(l -> !l.isBlank()).toList();
        }
    }

    static boolean ours(String line, PtxTarget t) {
        try {
            List<PtxError> errors = PtxValidator.validate(PtxParser.parse(line), t);
            return errors.isEmpty();
        } catch (PtxSyntaxException e) {
            return false;
        }
    }

    @Test
    void everyCorpusLineGetsPtxassVerdict(@TempDir Path dir) throws Exception {
        var ptxas = Ptxas.find();
        Assumptions.assumeTrue(ptxas.isPresent(), "ptxas not found (PATH, $CUDA_HOME/bin, /usr/local/cuda/bin): agreement not checked");
        List<String> lines = corpus();
        assertTrue(lines.size() > 900, "corpus too small: " + lines.size());
        StringBuilder disagreements = new StringBuilder();
        int checked = 0;
        int valid = 0;
        for (PtxTarget t : PtxTarget.values()) {
            boolean[] want = ptxas.get().verdicts(lines, t.ptxName(), dir);
            for (int i = 0; i < lines.size(); i++) {
                checked++;
                valid += want[i] ? 1 : 0;
                if (ours(lines.get(i), t) != want[i]) {
                    disagreements.append("\n  ").append(t.ptxName()).append(": ptxas ").append(want[i] ? "accepts" : "rejects")
                            .append(", we ").append(want[i] ? "reject" : "accept").append(": ").append(lines.get(i));
                }
            }
        }
        System.out.println("ptxas agreement: " + lines.size() + " lines x " + PtxTarget.values().length + " targets = " + checked
                + " verdicts (" + valid + " valid) with " + ptxas.get().version());
        assertEquals("", disagreements.toString(), "verdicts differ from ptxas");
    }
}
