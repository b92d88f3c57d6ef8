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

    @Test
    void mmaReportsTheSmemBoundOfSmallNInSsMode() {
        // timing-sources.md §2.1: 1-SM SS M=128 N=64 is SMEM-bound at (128+64) x 32 B / 128 B/clk = 48 cycles
        var r = run("perf", "mma", "--gpu", "b200", "--kind", "mxf4nvf4", "--m", "128", "--n", "64", "--json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\"smem_cycles\": 48.00") && r.out().contains("\"bound\": \"smem\""), r.out());
        var bad = run("perf", "mma", "--kind", "mxf4", "--m", "64", "--n", "64");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("M must be 128"), bad.err());
        var h = run("perf", "mma", "--gpu", "h100", "--kind", "f16");
        assertEquals(2, h.exit());
        assertTrue(h.err().contains("no tcgen05"), h.err());
    }

    @Test
    void gemmTileAndScaleBlockOptions() {
        var r = run("perf", "gemm", "--m", "4096", "--n", "4096", "--k", "4096", "--tile", "128x128", "--scale-block", "32", "--json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\"tile\": \"128x128x256") && r.out().contains("\"energy_joules\": {\"mac\""), r.out());
        var bad = run("perf", "gemm", "--m", "64", "--n", "64", "--k", "64", "--tile", "big");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--tile big: expected BMxBN"), bad.err());
        var none = run("perf", "gemm", "--m", "64", "--n", "64", "--k", "64", "--tile", "512x512");
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("no kernel configuration 512x512"), none.err());
    }

    @Test
    void whatifTileAxisAndValidationChart(@TempDir Path dir) throws Exception {
        String prefix = dir.resolve("t").toString();
        var r = run("perf", "whatif", "--gemm", "2048x2048x2048", "--vary", "clock=1000,2000", "--vary", "tile=128x256,256x256",
                "--out", prefix);
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.size(Path.of(prefix + ".png")) > 1000);
        var lines = Files.readAllLines(Path.of(prefix + ".csv"));
        assertEquals(5, lines.size());
        // a higher clock is never slower (same tile)
        double slow = Double.parseDouble(lines.get(1).split(",")[2]);
        double fast = Double.parseDouble(lines.get(3).split(",")[2]);
        assertTrue(fast <= slow, lines.toString());
        Path png = dir.resolve("charts/validation.png");
        var v = run("perf", "validate", "--out", png.toString());
        assertEquals(0, v.exit(), v.err());
        assertTrue(v.out().contains("MAPE") && Files.size(png) > 1000);
        var bad = run("perf", "whatif", "--gemm", "64x64x64", "--vary", "scale_block=0");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("scale_block"), bad.err());
    }
}
