package dev.fp4sim.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fp4sim bench gemm: a tiny run completes with its self-check against the reference datapath, bad
 * sizes are input errors. Speed itself is measured, never asserted (CONTRIBUTING.md, docs/performance.md).
 */
class BenchCommandTest {

    @Test
    void tinyRunChecksItselfAgainstTheReference() {
        for (String format : new String[] {"nvfp4", "mxfp4", "nvfp4-ue8m0"}) {
            CliTestSupport.Result r = CliTestSupport.run("bench", "gemm", "--m", "20", "--n", "24", "--k", "128",
                    "--runs", "1", "--format", format);
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains("sample check: 2000 random D elements vs the reference datapath: 0 mismatches"), r.out());
            assertTrue(r.out().contains("bit-exact/f32 ratio"), r.out());
        }
    }

    @Test
    void kNotAMultipleOf64IsAnInputError() {
        CliTestSupport.Result r = CliTestSupport.run("bench", "gemm", "--m", "8", "--n", "8", "--k", "100");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--k"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    @Test
    void unknownEngineIsAnInputError() {
        CliTestSupport.Result r = CliTestSupport.run("bench", "gemm", "--k", "64", "--engine", "warp");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--engine"), r.err());
    }
}
