package dev.fp4sim.cli;

import org.junit.jupiter.api.Test;

import static dev.fp4sim.cli.CliTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code fp4sim cuda}: status always answers; experiments list every open question; bad input is one line. */
class CudaCommandTest {

    @Test
    void statusSaysWhatWasFound() {
        var r = run("cuda", "status");
        assertEquals(0, r.exit(), r.err());
        for (String field : new String[]{"nvcc:", "ptxas:", "GPU:", "cache dir:", "probe_sm100", "mvn verify -Pcuda"}) {
            assertTrue(r.out().contains(field), field + " missing:\n" + r.out());
        }
        // Either a version or a reason, never an empty answer.
        String nvcc = r.out().lines().filter(l -> l.startsWith("nvcc:")).findFirst().orElseThrow();
        assertTrue(nvcc.contains("release") || nvcc.contains("not found"), nvcc);
    }

    @Test
    void experimentsListTheOpenQuestions() {
        var r = run("cuda", "experiments", "--per-pair", "2");
        assertEquals(0, r.exit(), r.err());
        for (String key : new String[]{"fp4-frac-bits", "fp4-group-size", "ue4m3-sign", "zero-terms", "ue8m0-code0"}) {
            assertTrue(r.out().contains(key + ":"), key + " missing:\n" + r.out());
        }
        assertTrue(r.out().contains("F=34, F=36, F=37") || r.out().contains("F=35, F=34"), r.out());
    }

    @Test
    void badPerPairIsAUserError() {
        var r = run("cuda", "experiments", "--per-pair", "0");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--per-pair"), r.err());
        assertTrue(r.err().strip().lines().count() == 1, r.err());
    }
}
