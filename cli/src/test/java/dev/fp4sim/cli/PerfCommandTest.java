package dev.fp4sim.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.fp4sim.cli.CliTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The perf commands' output contract (JSON fields, files written) and their one-line errors. */
class PerfCommandTest {

    @Test
    void gemmJsonHasTheDocumentedFields() {
        var r = run("perf", "gemm", "--gpu", "b200", "--m", "4096", "--n", "4096", "--k", "4096", "--json");
        assertEquals(0, r.exit(), r.err());
        for (String f : new String[] {"\"seconds\"", "\"tflops\"", "\"bottleneck\"", "\"joules\"", "\"watts\""}) {
            assertTrue(r.out().contains(f), f + " missing: " + r.out());
        }
    }

    @Test
    void peakMatchesTheDatasheetFp8Rate() {
        // HGX B200 datasheet: 4.5 PFLOPS dense FP8 (timing.md)
        var r = run("perf", "peak", "--gpu", "b200", "--format", "fp8", "--json");
        assertTrue(r.out().contains("\"tflops\": 4500"), r.out());
    }

    @Test
    void whatifWritesCsvMarkdownAndPng(@TempDir Path dir) throws Exception {
        String prefix = dir.resolve("sweep").toString();
        var r = run("perf", "whatif", "--gpu", "b200", "--gemm", "4096x4096x4096", "--vary", "tmem_columns=256,512", "--vary",
                "format=nvfp4,fp8", "--out", prefix);
        assertEquals(0, r.exit(), r.err());
        assertEquals(5, Files.readAllLines(Path.of(prefix + ".csv")).size());
        assertTrue(Files.size(Path.of(prefix + ".png")) > 1000);
        assertTrue(Files.readString(Path.of(prefix + ".md")).startsWith("| tmem_columns | format |"));
    }

    @Test
    void badInputIsOneLine() {
        var r = run("perf", "gemm", "--gpu", "b900", "--m", "1", "--n", "1", "--k", "1");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("'b900' is neither a built-in GPU"), r.err());
        var f = run("perf", "gemm", "--gpu", "h100", "--m", "64", "--n", "64", "--k", "64", "--format", "nvfp4");
        assertEquals(2, f.exit());
        assertTrue(f.err().contains("h100 has no nvfp4 tensor-core path"), f.err());
        var v = run("perf", "whatif", "--gemm", "8x8", "--vary", "clock_mhz=1");
        assertEquals(2, v.exit());
    }
}
