package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.format.IntFormat;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.gemm.Fp4Operands;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.gemm.ReferenceFp4Gemm;
import dev.fp4sim.sim.profile.Assumptions;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

/**
 * Every modelled tcgen05.mma form through {@link TensorCore#execute}: operands placed by {@link MmaRig}
 * with its own layout formulas, D read back at the isa.md §5.1 positions, compared with the datapath
 * GEMM of the plain arrays.
 */
class TensorCoreFormsTest {

    static final FloatFormat E4M3 = FloatFormat.E4M3;
    static final FloatFormat E5M2 = FloatFormat.E5M2;
    static final FloatFormat E2M3 = FloatFormat.E2M3;
    static final FloatFormat E3M2 = FloatFormat.E3M2;
    static final FloatFormat E2M1 = FloatFormat.E2M1;
    static final FloatFormat F32 = FloatFormat.F32;
    static final FloatFormat F16 = FloatFormat.F16;

    /** kind, A, B, D, scale, block. */
    record Cfg(MmaKind kind, ElementFormat a, ElementFormat b, ElementFormat d, FloatFormat sf, int block) {
    }

    static final Cfg[] KINDS = {
        new Cfg(MmaKind.F16, F16, F16, F32, null, 0),
        new Cfg(MmaKind.F16, FloatFormat.BF16, FloatFormat.BF16, F32, null, 0),
        new Cfg(MmaKind.F16, F16, F16, F16, null, 0),
        new Cfg(MmaKind.TF32, FloatFormat.TF32, FloatFormat.TF32, F32, null, 0),
        new Cfg(MmaKind.F8F6F4, E4M3, E2M1, F32, null, 0),
        new Cfg(MmaKind.F8F6F4, E3M2, E5M2, F32, null, 0),
        new Cfg(MmaKind.F8F6F4, E2M1, E2M3, F16, null, 0),
        new Cfg(MmaKind.I8, IntFormat.S8, IntFormat.U8, IntFormat.S32, null, 0),
        new Cfg(MmaKind.MXF8F6F4, E2M3, E4M3, F32, FloatFormat.UE8M0, 32),
        new Cfg(MmaKind.MXF8F6F4, E2M1, E3M2, F32, FloatFormat.UE8M0, 32),
        new Cfg(MmaKind.MXF4, E2M1, E2M1, F32, FloatFormat.UE8M0, 32),
        new Cfg(MmaKind.MXF4NVF4, E2M1, E2M1, F32, FloatFormat.UE4M3, 16),
        new Cfg(MmaKind.MXF4NVF4, E2M1, E2M1, F32, FloatFormat.UE8M0, 32),
    };

    static MmaRig rig(Cfg c, int m, int n, int g, long seed) {
        return new MmaRig(c.kind(), c.a(), c.b(), c.d(), c.sf(), c.block(), m, n, g, seed);
    }

    /** A legal N for the kind and cta_group from a uniform pick. */
    static int legalN(MmaKind kind, int g, int pick) {
        if (g == 2) {
            int step = kind == MmaKind.I8 ? 32 : 16;
            return step * (1 + pick % (256 / step));
        }
        if (kind == MmaKind.I8) {
            int[] small = {8, 16, 24, 32};
            int i = pick % (4 + 14);
            return i < 4 ? small[i] : 32 + 16 * (i - 3);
        }
        return 8 * (1 + pick % 32);
    }

    static long idx(Cfg c) {
        return java.util.Arrays.asList(KINDS).indexOf(c) * 1009L + 17;
    }

    static TensorCore core() {
        return new TensorCore(Assumptions.DEFAULTS);
    }

    static void assertAll(MmaRig r, int[][] want, String what) {
        for (int row = 0; row < r.m; row++) {
            for (int col = 0; col < r.n; col++) {
                int[] at = r.dAt(row, col);
                int exp = r.disabled(at[0], at[1]) ? r.cCell[row][col] : want[row][col];
                int got = r.readD(row, col);
                if (exp != got) {
                    assertEquals(Integer.toHexString(exp), Integer.toHexString(got), what + " at (" + row + ", " + col + ")");
                }
            }
        }
    }

    static void runAndCheck(MmaRig r, long poison, String what) throws Exception {
        r.place(poison);
        core().execute(r.op(), r.tmem, r.smem);
        assertAll(r, r.expected(), what);
    }

    @Test
    void everyKindSsMatchesTheDatapathGemm() {
        qt().withFixedSeed(6).withExamples(60).forAll(SourceDSL.integers().between(0, KINDS.length - 1),
                SourceDSL.integers().between(0, 1000), SourceDSL.integers().between(0, 7), SourceDSL.longs().all())
                .checkAssert((ci, pick, flags, seed) -> {
                    Cfg c = KINDS[ci];
                    boolean m64 = !c.kind().blockScaled() && (flags & 1) != 0;
                    MmaRig r = rig(c, m64 ? 64 : 128, legalN(c.kind(), 1, pick), 1, seed);
                    r.sw128 = (flags & 2) != 0;
                    r.dLane = m64 && (flags & 4) != 0 ? 16 : 0;
                    r.enableInputD = (flags & 4) == 0 || m64;
                    if (c.kind() == MmaKind.MXF8F6F4) {
                        r.sfaId = pick % 4;
                        r.sfbId = (pick / 4) % 4;
                    } else if (c.kind().blockScaled() && c.block() == 32) {
                        r.sfaId = 2 * (pick % 2);
                        r.sfbId = 2 * ((pick / 2) % 2);
                    }
                    try {
                        runAndCheck(r, seed + 1, c + " M=" + r.m + " N=" + r.n + " sw128=" + r.sw128 + " lane=" + r.dLane);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
    }

    @Test
    void everyKindRunsAtItsExtremeN() throws Exception {
        for (Cfg c : KINDS) {
            for (int n : new int[] {8, 256}) {
                runAndCheck(rig(c, 128, n, 1, n * 31L + idx(c)), 5, c + " N=" + n);
            }
        }
    }

    @Test
    void disabledOutputLanesAreLeftUnchanged() throws Exception {
        SplittableRandom rnd = new SplittableRandom(3);
        for (Cfg c : new Cfg[] {KINDS[0], KINDS[3], KINDS[6], KINDS[7]}) {
            for (int m : new int[] {64, 128}) {
                MmaRig r = rig(c, m, legalN(c.kind(), 1, rnd.nextInt(100)), 1, rnd.nextLong());
                r.disable = new int[] {rnd.nextInt(), rnd.nextInt(), rnd.nextInt(), rnd.nextInt()};
                r.dLane = m == 64 ? 16 : 0;
                runAndCheck(r, 9, c + " M=" + m + " with disable-output-lane");
                int off = 0;
                for (int lane = 0; lane < 128; lane++) {
                    off += r.disabled(0, lane) ? 1 : 0;
                }
                assertTrue(off > 20, "the mask disables some lanes");
            }
        }
        // all lanes disabled: D untouched everywhere
        MmaRig r = rig(KINDS[0], 128, 64, 1, 44);
        r.disable = new int[] {-1, -1, -1, -1};
        r.place(1);
        core().execute(r.op(), r.tmem, r.smem);
        for (int row = 0; row < 128; row++) {
            for (int col = 0; col < 64; col++) {
                assertEquals(r.cCell[row][col], r.readD(row, col));
            }
        }
    }

    @Test
    void disableOutputLaneOnTheCtaPairCoversBothCtas() throws Exception {
        MmaRig r = rig(KINDS[0], 256, 64, 2, 71);
        r.disable = new int[] {0, 0, 0, 0, 0xFFFF, 0, 0, 0x80000000};   // CTA 1: lanes 0-15 and 127
        runAndCheck(r, 2, "cta_group::2 disable-output-lane");
        assertEquals(r.c[128][5], r.readD(128, 5), "CTA 1 lane 0 unchanged");
        assertEquals(r.c[255][5], r.readD(255, 5), "CTA 1 lane 127 unchanged");
        assertNotEquals(r.c[0][5], r.readD(0, 5), "CTA 0 lane 0 written");
    }

    @Test
    void enableInputDFalseIgnoresTheOldD() throws Exception {
        for (Cfg c : KINDS) {
            MmaRig r = rig(c, 128, 32, 1, idx(c));
            r.enableInputD = false;
            for (int[] row : r.c) {
                java.util.Arrays.fill(row, 0x7FC00000);   // a NaN in D would poison any use of it
            }
            runAndCheck(r, 3, c + " without input D");
        }
        // by hand: f16, A row 0 = [1.0, 0...], B column 0 = [2.0, 0...], old D = 1000.0 -> D = 2.0
        MmaRig h = rig(KINDS[0], 128, 8, 1, 1);
        for (int[] row : h.a) {
            java.util.Arrays.fill(row, 0);
        }
        for (int[] col : h.b) {
            java.util.Arrays.fill(col, 0);
        }
        h.a[0][0] = 0x3C00;
        h.b[0][0] = 0x4000;
        h.c[0][0] = Float.floatToRawIntBits(1000f);
        h.enableInputD = false;
        h.place(4);
        core().execute(h.op(), h.tmem, h.smem);
        assertEquals(2.0f, Float.intBitsToFloat(h.readD(0, 0)));
        h.enableInputD = true;
        h.place(4);
        core().execute(h.op(), h.tmem, h.smem);
        assertEquals(1002.0f, Float.intBitsToFloat(h.readD(0, 0)));
    }

    @Test
    void scaleInputDScalesTheAccumulator() throws Exception {
        // by hand: A·B = 1.0 · 1.0 = 1, old D = 8.0, s = 3 -> D = 1 + 8 · 2^-3 = 2.0; tf32 likewise with 3.0 · 0.5 + 64 · 2^-5 = 3.5
        MmaRig h = rig(KINDS[0], 128, 8, 1, 1);
        for (int[] row : h.a) {
            java.util.Arrays.fill(row, 0);
        }
        for (int[] col : h.b) {
            java.util.Arrays.fill(col, 0);
        }
        h.a[7][3] = 0x3C00;
        h.b[5][3] = 0x3C00;
        h.c[7][5] = Float.floatToRawIntBits(8f);
        h.scaleInputD = 3;
        h.place(8);
        core().execute(h.op(), h.tmem, h.smem);
        assertEquals(2.0f, Float.intBitsToFloat(h.readD(7, 5)));
        MmaRig t = rig(KINDS[3], 128, 16, 1, 1);
        for (int[] row : t.a) {
            java.util.Arrays.fill(row, 0);
        }
        for (int[] col : t.b) {
            java.util.Arrays.fill(col, 0);
        }
        t.a[0][0] = Float.floatToRawIntBits(3f);
        t.b[0][0] = Float.floatToRawIntBits(0.5f);
        t.c[0][0] = Float.floatToRawIntBits(64f);
        t.scaleInputD = 5;
        t.place(8);
        core().execute(t.op(), t.tmem, t.smem);
        assertEquals(3.5f, Float.intBitsToFloat(t.readD(0, 0)));
        // random operands, every s, against the datapath with the same scale-input-d
        for (int s = 0; s <= 15; s += 5) {
            for (Cfg c : new Cfg[] {KINDS[0], KINDS[1], KINDS[2], KINDS[3]}) {
                MmaRig r = rig(c, 128, 48, 1, 100 + s);
                r.scaleInputD = s;
                runAndCheck(r, 6, c + " scale-input-d " + s);
            }
        }
    }

    @Test
    void aFromTmemEqualsAFromSmem() throws Exception {
        for (Cfg c : KINDS) {
            for (int m : c.kind().blockScaled() ? new int[] {128} : new int[] {64, 128}) {
                long seed = idx(c) * 7L + m;
                MmaRig ss = rig(c, m, 64, 1, seed);
                ss.dLane = m == 64 ? 16 : 0;
                runAndCheck(ss, 11, c + " SS M=" + m);
                MmaRig ts = rig(c, m, 64, 1, seed);
                ts.dLane = ss.dLane;
                ts.aFromTmem = true;
                runAndCheck(ts, 12, c + " TS M=" + m);
                for (int row = 0; row < m; row++) {
                    for (int col = 0; col < 64; col++) {
                        assertEquals(ss.readD(row, col), ts.readD(row, col));
                    }
                }
            }
        }
    }

    @Test
    void fp4InTmemContainersFollowTheChosenPosition() throws Exception {
        Cfg c = KINDS[4];   // e4m3 x e2m1: put e2m1 as A
        Cfg fp4a = new Cfg(MmaKind.F8F6F4, E2M1, E4M3, F32, null, 0);
        for (boolean low : new boolean[] {false, true}) {
            MmaRig r = rig(fp4a, 128, 32, 1, 5);
            r.aFromTmem = true;
            r.fp4LowBits = low;
            r.place(1);
            new TensorCore(Assumptions.DEFAULTS, TensorCore.PairSfb.EACH_CTA_ALL_COLUMNS,
                    low ? TensorCore.SubByteInTmem.LOW_BITS : TensorCore.SubByteInTmem.MMA_SYNC_POSITION).execute(r.op(), r.tmem, r.smem);
            assertAll(r, r.expected(), "e2m1 A in TMEM, low bits " + low);
        }
        // reading a bits-2..5 placement as low bits gives a different D (the choice is observable)
        MmaRig r = rig(fp4a, 128, 32, 1, 5);
        r.aFromTmem = true;
        r.place(1);
        new TensorCore(Assumptions.DEFAULTS, TensorCore.PairSfb.EACH_CTA_ALL_COLUMNS, TensorCore.SubByteInTmem.LOW_BITS)
                .execute(r.op(), r.tmem, r.smem);
        int[][] want = r.expected();
        boolean differs = false;
        for (int row = 0; row < 128 && !differs; row++) {
            for (int col = 0; col < 32; col++) {
                differs |= want[row][col] != r.readD(row, col);
            }
        }
        assertTrue(differs, c + ": the container position matters");
    }

    @Test
    void ctaPairMatchesTheGemmOfTheWholeProblem() {
        qt().withFixedSeed(8).withExamples(16).forAll(SourceDSL.integers().between(0, KINDS.length - 1),
                SourceDSL.integers().between(0, 1000), SourceDSL.integers().between(0, 7), SourceDSL.longs().all())
                .checkAssert((ci, pick, flags, seed) -> {
                    Cfg c = KINDS[ci];
                    int m = (flags & 1) != 0 ? 256 : 128;
                    MmaRig r = rig(c, m, legalN(c.kind(), 2, pick), 2, seed);
                    r.sw128 = (flags & 2) != 0;
                    r.aFromTmem = (flags & 4) != 0;
                    try {
                        runAndCheck(r, seed ^ 5, c + " cta_group::2 M=" + m + " N=" + r.n + " TS=" + r.aFromTmem);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
    }

    @Test
    void nvfp4CtaPairEqualsReferenceFp4Gemm() {
        for (int m : new int[] {128, 256}) {
            for (int n : new int[] {16, 96, 256}) {
                MmaRig r = rig(KINDS[11], m, n, 2, m * 1000L + n);
                r.place(77);
                core().execute(r.op(), r.tmem, r.smem);
                byte[] a = new byte[m * 32];
                byte[] b = new byte[n * 32];
                byte[] sfa = new byte[m * 4];
                byte[] sfb = new byte[n * 4];
                int[] cc = new int[m * n];
                for (int row = 0; row < m; row++) {
                    for (int i = 0; i < 64; i++) {
                        a[row * 32 + i / 2] |= (byte) (r.a[row][i] << (4 * (i & 1)));
                    }
                    for (int j = 0; j < 4; j++) {
                        sfa[row * 4 + j] = (byte) r.sfa[row][j];
                    }
                    for (int col = 0; col < n; col++) {
                        cc[row * n + col] = r.c[row][col];
                    }
                }
                for (int col = 0; col < n; col++) {
                    for (int i = 0; i < 64; i++) {
                        b[col * 32 + i / 2] |= (byte) (r.b[col][i] << (4 * (i & 1)));
                    }
                    for (int j = 0; j < 4; j++) {
                        sfb[col * 4 + j] = (byte) r.sfb[col][j];
                    }
                }
                int[] want = ReferenceFp4Gemm.run(new BlockScaledFp4(FloatFormat.UE4M3, 16, BlockScaledProfile.BLACKWELL),
                        new Fp4Operands(m, n, 64, 16, a, b, sfa, sfb, cc), 1, Progress.NONE);
                for (int row = 0; row < m; row++) {
                    for (int col = 0; col < n; col++) {
                        assertEquals(Integer.toHexString(want[row * n + col]), Integer.toHexString(r.readD(row, col)),
                                "M=" + m + " N=" + n + " at (" + row + ", " + col + ")");
                    }
                }
            }
        }
    }

    @Test
    void ctaPairSfbFromTheOwnerOfTheBColumnsIsSelectable() throws Exception {
        for (int m : new int[] {128, 256}) {
            MmaRig r = rig(KINDS[11], m, 128, 2, 9 + m);
            r.sfbOwnerOnly = true;   // each CTA holds SFB only for its own B columns; the rest is random bits
            r.place(13);
            new TensorCore(Assumptions.DEFAULTS, TensorCore.PairSfb.OWNER_OF_B_COLUMN, TensorCore.SubByteInTmem.MMA_SYNC_POSITION)
                    .execute(r.op(), r.tmem, r.smem);
            assertAll(r, r.expected(), "SFB from the owner of the B column, M=" + m);
            // the default (each CTA reads all N columns from its own TMEM) sees the random bits instead
            r.place(13);
            core().execute(r.op(), r.tmem, r.smem);
            int[][] want = r.expected();
            boolean differs = false;
            for (int row = 0; row < m; row++) {
                for (int col = 0; col < 128; col++) {
                    differs |= want[row][col] != r.readD(row, col);
                }
            }
            assertTrue(differs, "the two SFB choices are distinguishable, M=" + m);
        }
    }

    @Test
    void weightStationaryFormsWriteLayoutsGEAndD() throws Exception {
        int ex = 0;
        for (int ci : new int[] {0, 1, 2, 3, 4, 5, 6, 7}) {
            for (int m : new int[] {32, 64, 128}) {
                for (int n : new int[] {64, 128, 256}) {
                    MmaRig r = rig(KINDS[ci], m, n, 1, 1000L * ci + m + n);
                    r.ws = true;
                    r.aFromTmem = (ex & 1) != 0;
                    r.sw128 = (ex & 2) != 0;
                    r.enableInputD = (ex % 3) != 0;
                    runAndCheck(r, ex++, KINDS[ci] + " .ws M=" + m + " N=" + n + " TS=" + r.aFromTmem);
                }
            }
        }
    }

    @Test
    void mnMajorOperands() throws Exception {
        // 8- and 16-bit types may be MN-major (idesc bits 15/16); A from SMEM on both cta_groups
        int ex = 0;
        for (int ci : new int[] {0, 1, 7}) {
            for (int g : new int[] {1, 2}) {
                for (int t = 1; t < 4; t++) {
                    MmaRig r = rig(KINDS[ci], g == 1 ? 128 : 256, g == 1 ? 48 : 64, g, 300L * ci + 10 * g + t);
                    r.mnA = (t & 1) != 0;
                    r.mnB = (t & 2) != 0;
                    runAndCheck(r, ex++, KINDS[ci] + " cta_group::" + g + " MN-major A " + r.mnA + " B " + r.mnB);
                }
            }
        }
        MmaRig e = rig(new Cfg(MmaKind.F8F6F4, E4M3, E5M2, F32, null, 0), 64, 80, 1, 8);
        e.mnA = true;
        e.mnB = true;
        runAndCheck(e, 1, "e4m3 x e5m2 MN-major");
    }

    @Test
    void oldMmaEntryPointStillWorks() throws Exception {
        MmaRig r = rig(KINDS[11], 128, 64, 1, 123);
        r.place(1);
        MmaOp op = r.op();
        core().mma(r.tmem[0], r.smem[0], "sm_100a", op.kind(), 16, op.dTmem(), op.a(), op.bDesc(), op.idesc(), op.sfaTmem(), op.sfbTmem(), true);
        assertAll(r, r.expected(), "mma(...)");
    }
}
