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
}
