package dev.fp4sim.verification.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generator finds, for every open question, inputs that tell every pair of hypotheses apart, and the
 * verdict logic names a hypothesis exactly when the results match its predictions.
 */
class OpenQuestionProbesTest {

    @Test
    void everyQuestionGetsSeparatingProbesAndAVerdict() {
        for (var q : OpenQuestionProbes.all(8)) {
            assertTrue(q.probes().size() >= 8, q.id() + ": not enough separating inputs");
            assertTrue(OpenQuestionProbes.separatesAll(q.probes()), q.id() + ": some hypotheses are never told apart");
            for (var p : q.probes()) {
                assertTrue(p.predictions().values().stream().distinct().count() > 1, q.id());
            }
            for (String h : q.probes().get(0).predictions().keySet()) {
                int[] asIf = q.probes().stream().mapToInt(p -> p.predictions().get(h)).toArray();
                assertEquals(h, q.verdict(asIf), q.id());
                asIf[0] ^= 1;   // a result no hypothesis predicts
                assertTrue(q.verdict(asIf) == null, q.id());
            }
        }
    }
}
