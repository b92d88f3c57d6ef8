package dev.fp4sim.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.fp4sim.cli.CliTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worked values of isa.md §2 and §3.1 through the command line, and check's exit codes. */
class IsaCommandTest {

    @Test
    void idescWorkedValues() {
        var r = run("isa", "idesc", "--kind", "mxf4nvf4", "--a", "e2m1", "--b", "e2m1", "--scale", "ue4m3", "--m", "128", "--n", "256");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("0x08400480"), r.out());
        var d = run("isa", "idesc", "0x08C01680", "--kind", "mxf8f6f4");
        assertTrue(d.out().contains("A=e2m1 B=e2m1") && d.out().contains("scale=ue8m0"), d.out());
        var bad = run("isa", "idesc", "0x08400480", "--kind", "f16");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().startsWith("fp4sim: error: instruction descriptor: "), bad.err());
    }

    @Test
    void sdescWorkedValue() {
        var r = run("isa", "sdesc", "--start", "0x400", "--lbo", "16", "--sbo", "1024", "--swizzle", "128B");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("0x4000404000010040"), r.out());
    }

    /**
     * Hand derivation from isa.md §3.3-3.4: K-major, 128B swizzle, start 0x400, SBO 1024, packed FP4
     * (32 per 16-byte chunk). (1, 0): offset 1·128 = 0x80, address 0x480, XOR ((0x480 >> 7) & 7) << 4 =
     * 0x10 gives 0x490. (9, 33): row 9 = group 1, row-in-group 1, chunk 1, odd element (high nibble):
     * 128 + 1024 + 16 = 0x490 + 0x400 = 0x890, XOR ((0x890 >> 7) & 7) << 4 = 0x10 gives 0x880, bits 4-7.
     */
    @Test
    void sdescPrintsElementAddresses() {
        var r = run("isa", "sdesc", "0x4000404000010040", "--element", "fp4", "--at", "1,0", "--at", "9,33");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("(row 1, k 0): byte 0x00490, bits 0-3"), r.out());
        assertTrue(r.out().contains("(row 9, k 33): byte 0x00880, bits 4-7"), r.out());
        var bad = run("isa", "sdesc", "0x4000404000010040", "--element", "fp4", "--major", "MN", "--at", "0,0");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("must be K-major"), bad.err());
        assertEquals(2, run("isa", "sdesc", "0x4000404000010040", "--at", "3").exit());
    }

    @Test
    void checkReportsLineColumnAndExitStatus(@TempDir Path dir) throws Exception {
        Path ok = dir.resolve("ok.ptx");
        Files.writeString(ok, "tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16 [%r1], %rd1, %rd2, %r3, [%r4], [%r5], %p1;\n");
        assertEquals(0, run("isa", "check", ok.toString(), "--target", "sm_100f").exit());
        var bad = run("isa", "check", ok.toString(), "--target", "sm_120a");
        assertEquals(1, bad.exit());
        assertTrue(bad.out().contains(":1:1: tcgen05.mma: not supported on sm_120a"), bad.out());
        assertEquals(2, run("isa", "check", dir.resolve("none.ptx").toString()).exit());
    }

    /**
     * Several files in one run: each file's .target decides unless --arch overrides; a syntax error
     * ends only its own file; one summary line per file. Verdicts from ptxas 13.0 (the mma with
     * .scale_vec::4X needs an arch-specific target, so sm_100f rejects it; isa.md §1.3).
     */
    @Test
    void checkManyFilesWithPerFileSummaries(@TempDir Path dir) throws Exception {
        String body = ".visible .entry k(\n  .param .u64 k_p0\n)\n{\n  .reg .b32 %t<8>;\n  .reg .b64 %d<4>;\n  .reg .pred %q<2>;\n"
                + "  tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.scale_vec::4X [%t1], %d1, %d2, %t3, [%t4], [%t5], %q1;\n  ret;\n}\n";
        Path a = dir.resolve("a.ptx");
        Path f = dir.resolve("f.ptx");
        Path s = dir.resolve("s.ptx");
        Files.writeString(a, ".version 9.0\n.target sm_100a\n.address_size 64\n" + body);
        Files.writeString(f, ".version 9.0\n.target sm_100f\n.address_size 64\n" + body);
        Files.writeString(s, "tcgen05.wait::ld.sync.aligned\n");
        var r = run("isa", "check", a.toString(), f.toString(), s.toString());
        assertEquals(1, r.exit(), r.out());
        String[] lines = r.out().strip().split("\n");
        assertEquals(a + ": OK", lines[0]);
        assertTrue(lines[1].startsWith(f + ":11:3: tcgen05.mma: '.scale_vec::4X' is not supported on sm_100f"), lines[1]);
        assertEquals(f + ": 1 error", lines[2]);
        assertTrue(lines[3].startsWith(s + ":1:1: "), lines[3]);
        assertEquals(s + ": 1 error", lines[4]);
        assertEquals("3 files: 1 OK, 2 with errors", lines[5]);
        var forced = run("isa", "check", a.toString(), "--arch", "sm_100f");
        assertEquals(1, forced.exit());
        assertEquals(2, run("isa", "check", a.toString(), "--arch", "sm_90a").exit());
    }
}
