package dev.fp4sim.verification.cuda;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The open-question experiments are ready to run: each design separates every pair of hypotheses,
 * the verdict picks out the one whose bits were observed, and end to end the independent emulator
 * (emulate.cu --cpu) standing in for a GPU with F = 34 is recognised as F = 34.
 */
class OpenQuestionsTest {

    @Test
    void everyDesignSeparatesEveryPairAndTheVerdictFindsTheSource() {
        for (OpenQuestions.Experiment e : OpenQuestions.experiments()) {
            OpenQuestions.Design d = OpenQuestions.design(e, 7, 3, 200_000);
            List<OpenQuestions.Hypothesis> hs = e.hypotheses();
            for (int i = 0; i < hs.size(); i++) {
                for (int j = i + 1; j < hs.size(); j++) {
                    int[] x = d.predictions().get(hs.get(i).name());
                    int[] y = d.predictions().get(hs.get(j).name());
                    int differ = 0;
                    for (int c = 0; c < x.length; c++) {
                        differ += x[c] != y[c] ? 1 : 0;
                    }
                    assertTrue(differ >= 3, e.key() + ": " + hs.get(i).name() + " vs " + hs.get(j).name() + " separated by " + differ);
                }
            }
            for (OpenQuestions.Hypothesis h : hs) {
                String v = OpenQuestions.verdict(d, d.predictions().get(h.name()));
                assertTrue(v.contains("verdict: " + h.name() + " (the others are refuted)"), v);
            }
            assertTrue(d.cases().size() <= 60, e.key() + " needed " + d.cases().size() + " cases: not minimal enough");
        }
    }

    @Test
    void theEmulatorWithF34IsRecognisedAsF34() throws Exception {
        CudaPath p = CudaTestSupport.requireNvcc();
        OpenQuestions.Experiment e = OpenQuestions.experiments().get(0);
        assertEquals("fp4-frac-bits", e.key());
        OpenQuestions.Design d = OpenQuestions.design(e, 11, 3, 200_000);
        List<CudaBatch.Case> batch = d.cases().stream().map(CudaCompare::record).toList();
        int[] f34 = p.runEmulateOnCpu(e.variant(), 64, new CudaBatch.Options(0, 34, 0), batch);
        assertTrue(OpenQuestions.verdict(d, f34).contains("verdict: F=34 "), OpenQuestions.verdict(d, f34));
        int[] spec = p.runEmulateOnCpu(e.variant(), 64, CudaBatch.Options.NONE, batch);
        assertTrue(OpenQuestions.verdict(d, spec).contains("verdict: F=35 "), OpenQuestions.verdict(d, spec));
    }
}
