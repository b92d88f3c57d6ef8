package dev.fp4sim.sim.timing;

import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.sim.timing.Tcgen05Timing.Mma;
import dev.fp4sim.sim.timing.Tcgen05Timing.Mode;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

/**
 * The instruction-level model against the published B200 microbenchmarks (SemiAnalysis
 * microbench-blackwell {@code umma_throughput} and {@code umma_latency}, as tabulated in
 * shared/spec/timing-sources.md §2.1-2.2) and against the datasheet peaks (timing.md).
 */
class Tcgen05TimingTest {

    static GpuSpec b200() throws Exception {
        return GpuSpecs.load("b200");
    }

    /** kind, mode, cta_group, M, N, measured cycles per MMA (timing-sources.md §2.1). */
    static final Object[][] THROUGHPUT = {
            {MmaKind.F16, Mode.SS, 1, 128, 64, 48.56},
            {MmaKind.F16, Mode.SS, 1, 128, 128, 64.62},
            {MmaKind.F16, Mode.SS, 1, 128, 256, 128.61},
            {MmaKind.F16, Mode.TS, 1, 128, 64, 32.49},
            {MmaKind.F16, Mode.SS, 1, 64, 256, 128.5},
            {MmaKind.F16, Mode.SS, 2, 128, 64, 25.67},
            {MmaKind.F16, Mode.TS, 2, 128, 128, 32.65},
            {MmaKind.F16, Mode.SS, 2, 256, 64, 43.70},
            {MmaKind.F16, Mode.SS, 2, 256, 128, 64.75},
            {MmaKind.F16, Mode.SS, 2, 256, 256, 128.75},
            {MmaKind.F8F6F4, Mode.SS, 1, 128, 64, 48.28},
            {MmaKind.F8F6F4, Mode.TS, 1, 128, 256, 128.25},
            {MmaKind.F8F6F4, Mode.SS, 2, 256, 256, 128.37},
            {MmaKind.MXF8F6F4, Mode.SS, 2, 256, 256, 128.38},
            {MmaKind.I8, Mode.TS, 1, 128, 256, 128.24},
    };

    @Test
    void initiationIntervalMatchesTheMicrobenchmarks() throws Exception {
        GpuSpec g = b200();
        double worst = 0;
        for (Object[] r : THROUGHPUT) {
            Mma i = new Mma((MmaKind) r[0], (int) r[3], (int) r[4], (int) r[2], (Mode) r[1]);
            double ii = Tcgen05Timing.mma(g, i).ii();
            double err = Math.abs(ii / (double) r[5] - 1);
            worst = Math.max(worst, err);
            // The 2-SM M=256 N=64 SS point carries ~3 cycles of pair overhead the model leaves out (§2.1).
            assertTrue(err <= 0.08, i + ": model II " + ii + " vs measured " + r[5]);
        }
        assertTrue(worst > 0, "the comparison must be non-trivial");
    }

    @Test
    void ssWithSmallNIsSmemBoundAndTsOrTwoCtaRelievesIt() throws Exception {
        // timing-sources.md §2.1/§2.3, isa.md §10: SS N<128 is SMEM-bound at 128 B/clk; TS and 2-SM are not.
        GpuSpec g = b200();
        assertEquals("smem", Tcgen05Timing.mma(g, new Mma(MmaKind.MXF4NVF4, 128, 64, 1, Mode.SS)).bound());
        assertEquals("tensor", Tcgen05Timing.mma(g, new Mma(MmaKind.MXF4NVF4, 128, 64, 1, Mode.TS)).bound());
        assertEquals("tensor", Tcgen05Timing.mma(g, new Mma(MmaKind.MXF4NVF4, 256, 128, 2, Mode.SS)).bound());
        // 1-SM SS N=64 FP4: 6 KiB over 32 cycles of math -> 48 cycles, 67% of peak (§2.3)
        assertEquals(48.0, Tcgen05Timing.mma(g, new Mma(MmaKind.MXF4NVF4, 128, 64, 1, Mode.SS)).smemCycles(), 1e-9);
    }

    @Test
    void latencyAndSaturatingDepthMatchTheMicrobenchmarks() throws Exception {
        GpuSpec g = b200();
        // {mode, cta_group, M, N, measured latency, measured saturating depth} (timing-sources.md §2.2)
        Object[][] rows = {
                {Mode.SS, 1, 128, 64, 168.0, 4}, {Mode.SS, 1, 128, 128, 200.0, 4}, {Mode.SS, 1, 128, 256, 264.0, 3},
                {Mode.TS, 1, 128, 64, 136.0, 5}, {Mode.TS, 1, 128, 128, 168.0, 3}, {Mode.TS, 1, 128, 256, 232.0, 2},
                {Mode.SS, 2, 256, 64, 202.0, 5}, {Mode.SS, 2, 256, 128, 234.0, 4}, {Mode.SS, 2, 256, 256, 298.0, 3},
                {Mode.TS, 2, 256, 64, 170.0, 6}, {Mode.TS, 2, 256, 128, 202.0, 4}, {Mode.TS, 2, 256, 256, 266.0, 3},
                {Mode.SS, 2, 128, 128, 197.0, 7}, {Mode.SS, 2, 128, 256, 229.0, 4},
        };
        int depthMisses = 0;
        for (Object[] r : rows) {
            Mma i = new Mma(MmaKind.F16, (int) r[2], (int) r[3], (int) r[1], (Mode) r[0]);
            var t = Tcgen05Timing.mma(g, i);
            assertEquals((double) r[4], t.latency(), 0.05 * (double) r[4], i + " latency");
            if (Math.abs(t.depth() - (int) r[5]) > 1) {
                depthMisses++;
            }
        }
        assertTrue(depthMisses <= 2, depthMisses + " saturating depths off by more than one");
        // block-scaled kinds: same II, a few cycles more latency (§0.3: mxf8f6f4 2-SM SS M=256 N=64 205 vs 202)
        var mx = Tcgen05Timing.mma(g, new Mma(MmaKind.MXF8F6F4, 256, 64, 2, Mode.SS));
        var f8 = Tcgen05Timing.mma(g, new Mma(MmaKind.F8F6F4, 256, 64, 2, Mode.SS));
        assertEquals(f8.ii(), mx.ii());
        assertEquals(205.0, mx.latency(), 0.05 * 205);
    }

    @Test
    void sameInstructionTimeInEveryKindAndFp4ThroughF8f6f4AtTheFp8Rate() throws Exception {
        // timing.md: an M=128 x N=256 MMA takes 128 clk whatever the kind; mxf4nvf4 K=64 has 2x the MACs of f8f6f4 K=32.
        GpuSpec g = b200();
        for (MmaKind kind : new MmaKind[] {MmaKind.F16, MmaKind.TF32, MmaKind.F8F6F4, MmaKind.MXF8F6F4, MmaKind.MXF4, MmaKind.MXF4NVF4}) {
            assertEquals(128.0, Tcgen05Timing.mma(g, new Mma(kind, 128, 256, 1, Mode.TS)).tensorCycles(), 1e-9, kind.name());
        }
        var f4 = Tcgen05Timing.mma(g, new Mma(MmaKind.MXF4NVF4, 256, 256, 2, Mode.SS));
        var f8 = Tcgen05Timing.mma(g, new Mma(MmaKind.F8F6F4, 256, 256, 2, Mode.SS));
        assertEquals(64, f4.k());
        assertEquals(32, f8.k());
        assertEquals(2.0, f4.macPerClkPerSm() / f8.macPerClkPerSm(), 1e-12);
        // sm_103 packed FP4: K = 96 (isa.md §1.2), still N/2 cycles but 1.5x the SMEM bytes (timing-sources §2.3)
        GpuSpec b300 = GpuSpecs.load("b300");
        var u = Tcgen05Timing.mma(b300, new Mma(MmaKind.MXF4NVF4, 128, 256, 1, Mode.SS));
        assertEquals(96, u.k());
        assertEquals(128.0, u.tensorCycles(), 1e-9);
        assertEquals((128 + 256) * 48 / 128.0, u.smemCycles(), 1e-9);
        assertEquals("smem", u.bound(), "§2.3: 1-SM N=256 FP4 on sm_103 needs 144 B/clk > 128");
    }

    @Test
    void datasheetPeaksComeOutOfTheInstructionModelWithin2Percent() throws Exception {
        // timing.md "Datasheet peaks" (dense): {gpu, kind, PFLOPS}
        Object[][] peaks = {
                {"b200", MmaKind.MXF4NVF4, 9.0}, {"b200", MmaKind.F8F6F4, 4.5}, {"b200", MmaKind.F16, 2.25},
                {"b200", MmaKind.TF32, 1.1}, {"gb200", MmaKind.MXF4NVF4, 10.0}, {"gb200", MmaKind.F8F6F4, 5.0},
                {"gb200", MmaKind.F16, 2.5}, {"gb200", MmaKind.TF32, 1.25}, {"b300", MmaKind.MXF4NVF4, 13.5},
                {"b300", MmaKind.F8F6F4, 4.5}, {"b300", MmaKind.F16, 2.25},
        };
        for (Object[] p : peaks) {
            double model = Tcgen05Timing.peakFlops(GpuSpecs.load((String) p[0]), (MmaKind) p[1]) / 1e15;
            double err = Math.abs(model / (double) p[2] - 1);
            assertTrue(err <= 0.02, p[0] + " " + p[1] + ": " + model + " PF vs datasheet " + p[2]);
        }
    }

    @Test
    void neverFasterThanTheMacRateAndMonotoneInN() throws Exception {
        GpuSpec g = b200();
        MmaKind[] kinds = {MmaKind.F16, MmaKind.F8F6F4, MmaKind.MXF4NVF4};
        qt().withFixedSeed(11).withExamples(300).forAll(SourceDSL.integers().between(0, 2), SourceDSL.integers().between(1, 15),
                SourceDSL.integers().between(1, 2), SourceDSL.booleans().all()).checkAssert((ki, n16, cg, ts) -> {
            MmaKind kind = kinds[ki];
            Mode mode = ts ? Mode.TS : Mode.SS;
            int n = n16 * 16;
            if (mode == Mode.TS && cg == 2 && n % 32 != 0) {
                return;
            }
            var t = Tcgen05Timing.mma(g, new Mma(kind, 128 * cg, n, cg, mode));
            assertTrue(t.macPerClkPerSm() <= Tcgen05Timing.macPerClk(g, kind) + 1e-9, "above the datapath rate");
            int n2 = n + (mode == Mode.TS && cg == 2 ? 32 : 16);
            var bigger = Tcgen05Timing.mma(g, new Mma(kind, 128 * cg, n2, cg, mode));
            assertTrue(bigger.ii() >= t.ii() && bigger.latency() >= t.latency(), "not monotone in N");
            // TS never slower than SS; the 2-CTA pair never less efficient per SM than one SM at N >= 128 (isa.md §10)
            var ss = Tcgen05Timing.mma(g, new Mma(kind, 128 * cg, n, cg, Mode.SS));
            assertTrue(t.ii() <= ss.ii() + 1e-9);
        });
    }

    @Test
    void illegalShapesAndOtherMachinesAreRejectedWithAReason() throws Exception {
        GpuSpec g = b200();
        var e = assertThrows(IllegalArgumentException.class, () -> Tcgen05Timing.mma(g, new Mma(MmaKind.MXF4NVF4, 64, 128, 1, Mode.SS)));
        assertTrue(e.getMessage().contains("M must be 128"), e.getMessage());
        var n = assertThrows(IllegalArgumentException.class, () -> Tcgen05Timing.mma(g, new Mma(MmaKind.F16, 256, 24, 2, Mode.SS)));
        assertTrue(n.getMessage().contains("steps of 16"), n.getMessage());
        var h = assertThrows(IllegalArgumentException.class,
                () -> Tcgen05Timing.mma(GpuSpecs.load("h100"), new Mma(MmaKind.F16, 128, 128, 1, Mode.SS)));
        assertTrue(h.getMessage().contains("no tcgen05"), h.getMessage());
    }

    @Test
    void cpLdAndTmaCosts() throws Exception {
        GpuSpec g = b200();
        // 128 lanes x 256 bits = 4 KiB through a 128 B/clk port: 32 cycles (isa.md §4.4 shape, §2 port width)
        assertEquals(32.0, Tcgen05Timing.cpCycles(g, "128x256b"), 1e-9);
        assertEquals(1.0, Tcgen05Timing.cpCycles(g, "4x256b"), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Tcgen05Timing.cpCycles(g, "128x64b"));
        assertTrue(Tcgen05Timing.ldCycles(32) > Tcgen05Timing.ldCycles(1));
        assertThrows(IllegalArgumentException.class, () -> Tcgen05Timing.ldCycles(3));
        // SemiAnalysis TMA medians (§2.4): 16 KiB 3600 cycles, 64 KiB 5400
        assertEquals(3600, Tcgen05Timing.tmaLatency(16384), 1e-9);
        assertEquals(5400, Tcgen05Timing.tmaLatency(65536), 1e-9);
    }
}
