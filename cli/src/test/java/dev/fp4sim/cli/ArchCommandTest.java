package dev.fp4sim.cli;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.fp4sim.cli.CliTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The profiles as printed for users. Expected parameters are read off the per-architecture table of
 * numerics-sources §2.5 (MMA-Sim / FPy Table 4) by hand; the lists of forms off the issue's scope and
 * PTX shape tables (isa.md §1, §7).
 */
class ArchCommandTest {

    private static long lines(String out, String... parts) {
        return Arrays.stream(out.split("\n")).filter(l -> Arrays.stream(parts).allMatch(l::contains)).count();
    }

    private static String row(String out, String... parts) {
        var rows = Arrays.stream(out.split("\n")).filter(l -> Arrays.stream(parts).allMatch(l::contains)).toList();
        assertEquals(1, rows.size(), () -> "expected exactly one row with " + Arrays.toString(parts) + " in\n" + out);
        return rows.get(0);
    }

    @Test
    void listNamesEveryProfileAndTheSameAsAssumptions() {
        var r = run("arch", "list");
        assertEquals(0, r.exit(), r.err());
        for (String arch : new String[] {"sm_80", "sm_89", "sm_90a", "sm_100a", "sm_103a", "sm_110a", "sm_120a"}) {
            assertTrue(r.out().contains("\n" + arch + " "), arch + " missing:\n" + r.out());
        }
        assertTrue(row(r.out(), "sm_103a").contains("assumed same arithmetic as sm_100a"));
    }

    @Test
    void parametersFollowTheArchitectureTable() {
        String ada = run("arch", "show", "sm_89").out();
        assertTrue(row(ada, "mma.sync", " f8 ", "e4m3  x e4m3", "-> f32")
                .endsWith("T-FDPA F=13 L=16 e_zero=-132 RZ-E8M13"));
        String hopper = run("arch", "show", "sm_90a").out();
        assertTrue(row(hopper, "wgmma", "f16   x f16", "-> f16").endsWith("F=25 L=16 e_zero=-133 RNE-F16"));
        assertTrue(row(hopper, "mma.sync", "f16   x f16", "-> f16").endsWith("F=25 L=16 e_zero=-22 RNE-F16"));
        assertTrue(row(hopper, "wgmma", "e5m2  x e4m3", "-> f32").endsWith("F=13 L=32 e_zero=-133 RZ-E8M13"));
        assertTrue(row(hopper, "wgmma", "tf32").endsWith("F=25 L=8 e_zero=-133 RZ-F32"));
        String ampere = run("arch", "show", "sm_80").out();
        assertTrue(row(ampere, "tf32", "m16n8k8").endsWith("F=24 L=4 e_zero=-132 RZ-F32"));
        assertTrue(row(ampere, "bf16", "m16n8k16").endsWith("F=24 L=8 e_zero=-132 RZ-F32"));
        String bw = run("arch", "show", "sm_100a").out();
        assertTrue(row(bw, "mxf8f6f4", "e3m2  x e2m3").endsWith("ST-FDPA F=25 L=32 e_zero=-133 RZ-F32"));
        assertTrue(row(bw, "ue4m3/block16").endsWith("GST-FDPA F=35 L=64 e_zero=-139 RZ-F32"));
        String rtx = run("arch", "show", "sm_120a").out();
        assertTrue(row(rtx, "f8f6f4", "e2m1  x e4m3", "-> f16").endsWith("F=25 L=32 e_zero=-22 RNE-F16"));
        assertTrue(row(rtx, "mxf4nvf4", "ue4m3/block16").contains("m16n8k64"));
    }

    @Test
    void blackwellListsEveryKindOfTheIssue() {
        String bw = run("arch", "show", "sm_100a").out();
        // f8f6f4: every (A, B) of e4m3, e5m2, e2m3, e3m2, e2m1, with f32 and with f16 D
        assertEquals(25, lines(bw, "tcgen05.mma", " f8f6f4 ", "-> f32"));
        assertEquals(25, lines(bw, "tcgen05.mma", " f8f6f4 ", "-> f16"));
        assertEquals(25, lines(bw, "tcgen05.mma", "mxf8f6f4", "ue8m0/block32"));
        assertEquals(4, lines(bw, "tcgen05.mma", " i8 ", "-> s32", "exact integer"));
        assertEquals(2, lines(bw, "tcgen05.mma", " f16 ", "f16   x f16"));
        assertEquals(1, lines(bw, "tcgen05.mma", " f16 ", "bf16  x bf16", "-> f32"));
        assertEquals(1, lines(bw, "tcgen05.mma", " tf32 "));
        assertEquals(1, lines(bw, " mxf4 ", "ue8m0/block32"));
        assertEquals(3, lines(bw, " mxf4nvf4 "));
    }

    @Test
    void assumptionsAreListedAndSwitchable() {
        var r = run("arch", "show", "sm_100a", "--kind", "mxf4nvf4", "--assume", "result-overflow=saturate");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("result-overflow = saturate (switched)"), r.out());
        assertTrue(r.out().contains("sub-byte-emin = format-emin (default)"), r.out());
        assertTrue(r.out().contains("evidence: "), r.out());
    }

    @Test
    void badInputIsOneLine() {
        var r = run("arch", "show", "sm_75");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("fp4sim: error: unknown target 'sm_75'"), r.err());
        assertEquals(1, r.err().strip().split("\n").length);
        var bad = run("arch", "show", "sm_100a", "--assume", "result-overflow=wrap");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("valid: infinity, saturate"), bad.err());
        var kind = run("arch", "show", "sm_80", "--kind", "mxf4");
        assertEquals(2, kind.exit());
    }
}
