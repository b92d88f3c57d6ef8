package dev.fp4sim.sim.gemm;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.sim.datapath.Alignment;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.datapath.OutputRounding;
import dev.fp4sim.sim.datapath.ScaleTable;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import dev.fp4sim.sim.profile.InfiniteAccumulator;
import dev.fp4sim.sim.profile.ZeroTermRule;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fast block-scaled FP4 GEMM, bit-identical to {@link ReferenceFp4Gemm} (docs/performance.md).
 *
 * <p>Why it can be fast and exact: inside one 16-element group the products of two e2m1 values are
 * multiples of 1/4 no larger than 36 in magnitude, so a group sum is an integer of at most 12 bits
 * in quarter units — exact in float arithmetic in any order. Only the per-instruction fused sum
 * (numerics.md §3.1 steps 2–4: alignment to the largest exponent, truncation at F = 35, RZ to f32)
 * needs the careful integer path, and it runs once per (row, column, instruction) on 4 group sums.
 *
 * <p>Phase 1 computes the group sums as a blocked float GEMM on twice-values (e2m1 · 2 is an integer
 * in [−12, 12]) in outer-product form (vectorised by the JIT over columns, 4 rows per pass, a panel
 * of columns kept in cache). Phase 2 fuses them with the decoded scales and the running D. Whether a
 * group has any non-zero product (the zero-term rule) comes from 16-bit masks of non-zero elements.
 * Profiles this path does not cover (group size other than 16, the first-release zero rule) run on
 * the reference engine.
 */
public final class FastFp4Gemm {

    /** Columns per panel: 4 rows × 4 groups × 256 floats of accumulators stay in L1. */
    static final int PANEL = 256;
    /** Rows per task: the B slice of one instruction (64 × PANEL floats) is reused by this many rows. */
    private static final int ROWS_PER_TASK = 128;
    private static final int F32_NAN = 0x7FFFFFFF;
    /** 2^x as doubles for x in [−POW2_BIAS, POW2_BIAS): every term exponent of the fast path (|x| ≤ 300). */
    private static final int POW2_BIAS = 400;
    private static final double[] POW2 = new double[2 * POW2_BIAS];

    static {
        for (int i = 0; i < POW2.length; i++) {
            POW2[i] = Math.scalb(1.0, i - POW2_BIAS);
        }
    }

    private FastFp4Gemm() {
    }

    /** Whether this engine computes the profile natively (otherwise it delegates to the reference). */
    public static boolean supports(BlockScaledFp4 unit) {
        BlockScaledProfile p = unit.profile();
        return p.groupSize() == 16 && p.zeroTermRule() == ZeroTermRule.E_ZERO;
    }

    /**
     * D bits, M × N row-major; same contract as {@link ReferenceFp4Gemm#run}. Uses the Vector API
     * kernels ({@link VectorFp4Gemm}) when the JVM was started with {@code --add-modules
     * jdk.incubator.vector}, otherwise the JIT-vectorised scalar kernels ({@link #runScalar}).
     */
    public static int[] run(BlockScaledFp4 unit, Fp4Operands ops, int threads, Progress progress) {
        return VectorFp4Gemm.available() ? VectorFp4Gemm.run(unit, ops, threads, progress)
                : runScalar(unit, ops, threads, progress);
    }

    /** The kernels without the Vector API: plain loops the JIT vectorises (phase 1) and a scalar fuse. */
    public static int[] runScalar(BlockScaledFp4 unit, Fp4Operands ops, int threads, Progress progress) {
        if (ops.blockSize() != unit.blockSize()) {
            throw new IllegalArgumentException("operands use block size " + ops.blockSize()
                    + " but the datapath is configured for " + unit.blockSize());
        }
        if (!supports(unit)) {
            return ReferenceFp4Gemm.run(unit, ops, threads, progress);
        }
        Decoded dec = new Decoded(unit, ops);
        int m = ops.m();
        int n = ops.n();
        int[] d = new int[m * n];
        if (ops.c() != null) {
            System.arraycopy(ops.c(), 0, d, 0, d.length);
        }
        int tasks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        int workers = Math.max(1, Math.min(threads, tasks));
        AtomicInteger next = new AtomicInteger();
        AtomicLong rowsDone = new AtomicLong();
        Runnable worker = () -> {
            float[][] acc = new float[16][PANEL];
            int t;
            while ((t = next.getAndIncrement()) < tasks) {
                int r0 = t * ROWS_PER_TASK;
                int r1 = Math.min(m, r0 + ROWS_PER_TASK);
                computeRows(dec, d, r0, r1, acc);
                progress.update(rowsDone.addAndGet(r1 - r0), m);
            }
        };
        Workers.run(workers, "fp4sim-fast-gemm", worker);
        return d;
    }

    /**
     * Operands decoded once: twice-values of A (row-major) and B (k-major, so that a k step reads
     * consecutive columns), non-zero masks per group, and scales split into significand and exponent.
     */
    static final class Decoded {
        final int m;
        final int n;
        final int k;
        final int groupsPerRow;
        final int groupsPerBlock;
        final int scalesPerRow;
        final float[] a2;
        /** B twice-values: bPanels[kk · panels + p] holds columns [p·PANEL, (p+1)·PANEL) of step kk, zero-padded. */
        final float[][] bPanels;
        final int panels;
        final short[] maskA;
        short[] maskB;
        final int[] sigA;
        final int[] expA;
        int[] sigB;
        int[] expB;
        final boolean[] nanA;
        boolean[] nanB;
        /** Scale values as doubles: A per (row, block) times 1/4 (group sums are in quarters), B per (block, column). */
        final double[] saQ;
        double[] sbD;
        /** Per (instruction, column): smallest and largest B scale exponent of the instruction's blocks. */
        int[] ebMin;
        int[] ebMax;
        /** ebMin + 1024 (bits 0-11), ebMax + 1024 (bits 12-23), NaN scale (bit 31): one load in the hot loop. */
        int[] ebInfo;
        final int fractionalBits;
        final int eZero;
        final int scaleLsb;
        final boolean infinitePropagates;
        final BlockScaledProfile profile;

        Decoded(BlockScaledFp4 unit, Fp4Operands ops) {
            this(unit, ops, true);
        }

        /** @param bPanelsToo whether to build {@link #bPanels} (the scalar kernels' B layout; the vector kernels pack their own) */
        Decoded(BlockScaledFp4 unit, Fp4Operands ops, boolean bPanelsToo) {
            m = ops.m();
            n = ops.n();
            k = ops.k();
            profile = unit.profile();
            groupsPerRow = k / 16;
            groupsPerBlock = unit.blockSize() / 16;
            scalesPerRow = ops.scalesPerRow();
            ScaleTable scales = new ScaleTable(unit.scaleFormat(), profile);
            fractionalBits = profile.fractionalBits();
            eZero = profile.eZero();
            // lsb of a group term: quarter units (−2) and both scale significands' fraction bits.
            scaleLsb = -2 - 2 * scales.fractionBits();
            infinitePropagates = profile.infiniteC() == InfiniteAccumulator.PROPAGATE;
            float[] twice = new float[16];
            for (int c = 0; c < 16; c++) {
                twice[c] = (float) (FloatFormat.E2M1.toDouble(c) * 2);
            }
            a2 = new float[m * k];
            maskA = new short[m * groupsPerRow];
            decodeRows(ops.a(), m, k, twice, a2, maskA, false, 0);
            panels = (n + PANEL - 1) / PANEL;
            float[] b2t = bPanelsToo ? new float[k * panels * PANEL] : null;
            maskB = new short[n * groupsPerRow];
            decodeRows(ops.b(), n, k, twice, b2t, maskB, true, panels * PANEL);
            maskB = transpose(maskB, n, groupsPerRow);
            // Separate arrays per (k, panel): the JIT vectorises the column loop only when every array
            // is indexed from 0 (measured: offset-indexed sources ran 5x slower, docs/performance.md).
            bPanels = new float[bPanelsToo ? k * panels : 0][];
            for (int kk = 0; bPanelsToo && kk < k; kk++) {
                for (int p = 0; p < panels; p++) {
                    bPanels[kk * panels + p] = java.util.Arrays.copyOfRange(b2t, kk * panels * PANEL + p * PANEL,
                            kk * panels * PANEL + (p + 1) * PANEL);
                }
            }
            sigA = new int[m * scalesPerRow];
            expA = new int[m * scalesPerRow];
            nanA = new boolean[m * (k / BlockScaledFp4.K)];
            decodeScales(scales, ops.sfa(), m, sigA, expA, nanA);
            sigB = new int[n * scalesPerRow];
            expB = new int[n * scalesPerRow];
            nanB = new boolean[n * (k / BlockScaledFp4.K)];
            decodeScales(scales, ops.sfb(), n, sigB, expB, nanB);
            saQ = new double[m * scalesPerRow];
            for (int i = 0; i < saQ.length; i++) {
                saQ[i] = 0.25 * sigA[i] * Math.scalb(1.0, expA[i] - scales.fractionBits());
            }
            double[] sb = new double[n * scalesPerRow];
            for (int i = 0; i < sb.length; i++) {
                sb[i] = sigB[i] * Math.scalb(1.0, expB[i] - scales.fractionBits());
            }
            int instrs = k / BlockScaledFp4.K;
            int per = scalesPerRow / instrs;
            ebMin = new int[instrs * n];
            ebMax = new int[instrs * n];
            for (int c = 0; c < n; c++) {
                for (int i = 0; i < instrs; i++) {
                    int lo = Integer.MAX_VALUE;
                    int hi = Integer.MIN_VALUE;
                    for (int s = i * per; s < (i + 1) * per; s++) {
                        lo = Math.min(lo, expB[c * scalesPerRow + s]);
                        hi = Math.max(hi, expB[c * scalesPerRow + s]);
                    }
                    ebMin[i * n + c] = lo;
                    ebMax[i * n + c] = hi;
                }
            }
            // Column-contiguous B-side tables: phase 2 walks columns, so [index · n + column].
            sbD = transpose(sb, n, scalesPerRow);
            sigB = transpose(sigB, n, scalesPerRow);
            expB = transpose(expB, n, scalesPerRow);
            nanB = transpose(nanB, n, k / BlockScaledFp4.K);
            ebInfo = new int[ebMin.length];
            for (int i = 0; i < ebInfo.length; i++) {
                ebInfo[i] = (ebMin[i] + 1024) | (ebMax[i] + 1024) << 12 | (nanB[i] ? 1 << 31 : 0);
            }
        }

        private void decodeRows(byte[] packed, int rows, int k, float[] twice, float[] out, short[] mask,
                                boolean transpose, int n) {
            int rowBytes = k / 2;
            for (int r = 0; r < rows; r++) {
                for (int g = 0; g < groupsPerRow; g++) {
                    int bits = 0;
                    for (int e = 0; e < 16; e++) {
                        int kk = g * 16 + e;
                        int code = (packed[r * rowBytes + (kk >>> 1)] >>> ((kk & 1) << 2)) & 0xF;
                        float v = twice[code];
                        if (out == null) {
                            // masks only
                        } else if (transpose) {
                            out[kk * n + r] = v;
                        } else {
                            out[r * k + kk] = v;
                        }
                        if ((code & 7) != 0) {
                            bits |= 1 << e;
                        }
                    }
                    mask[r * groupsPerRow + g] = (short) bits;
                }
            }
        }

        private static short[] transpose(short[] x, int rows, int cols) {
            short[] t = new short[x.length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t[c * rows + r] = x[r * cols + c];
                }
            }
            return t;
        }

        private static int[] transpose(int[] x, int rows, int cols) {
            int[] t = new int[x.length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t[c * rows + r] = x[r * cols + c];
                }
            }
            return t;
        }

        private static double[] transpose(double[] x, int rows, int cols) {
            double[] t = new double[x.length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t[c * rows + r] = x[r * cols + c];
                }
            }
            return t;
        }

        private static boolean[] transpose(boolean[] x, int rows, int cols) {
            boolean[] t = new boolean[x.length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t[c * rows + r] = x[r * cols + c];
                }
            }
            return t;
        }

        private void decodeScales(ScaleTable scales, byte[] sf, int rows, int[] sig, int[] exp, boolean[] nan) {
            int perInstr = scalesPerRow / (k / BlockScaledFp4.K);
            int instrs = k / BlockScaledFp4.K;
            for (int r = 0; r < rows; r++) {
                for (int s = 0; s < scalesPerRow; s++) {
                    int code = sf[r * scalesPerRow + s];
                    sig[r * scalesPerRow + s] = scales.significand(code);
                    exp[r * scalesPerRow + s] = scales.exponent(code);
                    if (scales.isNaN(code)) {
                        nan[r * instrs + s / perInstr] = true;
                    }
                }
            }
        }
    }

    private static void computeRows(Decoded dec, int[] d, int r0, int r1, float[][] acc) {
        int n = dec.n;
        int instrs = dec.k / BlockScaledFp4.K;
        for (int j0 = 0; j0 < n; j0 += PANEL) {
            int width = Math.min(PANEL, n - j0);
            for (int i = 0; i < instrs; i++) {
                for (int r = r0; r < r1; r += 4) {
                    int rows = Math.min(4, r1 - r);
                    groupSums(dec, r, rows, i, j0 / PANEL, acc);
                    for (int rr = 0; rr < rows; rr++) {
                        fuseRow(dec, d, r + rr, rr, i, j0, width, acc);
                    }
                }
            }
        }
    }

    /** acc[g·4 + row][j] = group g's sum, in quarter units, of instruction i, for up to 4 rows. */
    private static void groupSums(Decoded dec, int r, int rows, int instr, int panel, float[][] acc) {
        int k = dec.k;
        float[] a2 = dec.a2;
        for (int g = 0; g < 4; g++) {
            float[] y0 = acc[g * 4];
            float[] y1 = acc[g * 4 + 1];
            float[] y2 = acc[g * 4 + 2];
            float[] y3 = acc[g * 4 + 3];
            int kStart = instr * 64 + g * 16;
            for (int kk = kStart; kk < kStart + 16; kk++) {
                float x0 = a2[r * k + kk];
                float x1 = rows > 1 ? a2[(r + 1) * k + kk] : 0f;
                float x2 = rows > 2 ? a2[(r + 2) * k + kk] : 0f;
                float x3 = rows > 3 ? a2[(r + 3) * k + kk] : 0f;
                float[] b = dec.bPanels[kk * dec.panels + panel];
                if (kk == kStart) {
                    set4(y0, y1, y2, y3, b, x0, x1, x2, x3);     // the first step writes: no zeroing pass
                } else {
                    axpy4(y0, y1, y2, y3, b, x0, x1, x2, x3);
                }
            }
        }
    }

    private static void set4(float[] y0, float[] y1, float[] y2, float[] y3, float[] b, float x0, float x1, float x2, float x3) {
        for (int j = 0; j < PANEL; j++) {
            float v = b[j];
            y0[j] = x0 * v;
            y1[j] = x1 * v;
            y2[j] = x2 * v;
            y3[j] = x3 * v;
        }
    }

    /** y_r += x_r · b over one panel. Every value is an integer below 2^12: exact in float, in any order. */
    private static void axpy4(float[] y0, float[] y1, float[] y2, float[] y3, float[] b, float x0, float x1, float x2, float x3) {
        for (int j = 0; j < PANEL; j++) {
            float v = b[j];
            y0[j] += x0 * v;
            y1[j] += x1 * v;
            y2[j] += x2 * v;
            y3[j] += x3 * v;
        }
    }

    /** The integer path for the rare elements whose terms lose bits to the grid (kept out of the hot loop). */
    private static int slowFuse(long t0, long t1, long t2, long t3, int s0, int s1, int s2, int s3, long cMag, int cShift, int lsb,
                                dev.fp4sim.sim.profile.ResultOverflow overflow) {
        long sum = Alignment.truncShift(t0, s0) + Alignment.truncShift(t1, s1) + Alignment.truncShift(t2, s2)
                + Alignment.truncShift(t3, s3) + Alignment.truncShift(cMag, cShift);
        return OutputRounding.RZ_F32.round(sum, lsb, overflow);
    }

    /**
     * numerics.md §3.1 steps 1–4 for one row of the panel: the same arithmetic as
     * {@link BlockScaledFp4#mma}, on pre-decoded operands (checked equal by the equivalence properties).
     */
    /**
     * Phase 2 for one row of the panel. The common case needs no integer alignment: if every group
     * term has its lowest bit at or above the grid 2^(E' − F) of a conservative E' ≥ E (largest possible
     * group exponent, C's exponent, e_zero), no term is truncated, the fused sum is the exact sum
     * (< 48 bits, exact in double) and D = RZ-f32 of it. Everything else — specials, truncating
     * terms, overflow — goes through {@link #fuseGeneral}, the step-by-step restatement of
     * {@link BlockScaledFp4#mma}.
     */
    private static void fuseRow(Decoded dec, int[] d, int row, int rr, int instr, int j0, int width, float[][] acc) {
        int n = dec.n;
        int instrs = dec.k / BlockScaledFp4.K;
        boolean rowNaN = dec.nanA[row * instrs + instr];
        int spr = dec.scalesPerRow;
        int gpb = dec.groupsPerBlock;
        int F = dec.fractionalBits;
        int eZero = dec.eZero;
        int lsb0 = dec.scaleLsb;
        int g0 = instr * 4;
        int blk0 = g0 / gpb;
        int per = 4 / gpb;
        int eaMin = Integer.MAX_VALUE;
        int eaMax = Integer.MIN_VALUE;
        for (int s = blk0; s < blk0 + per; s++) {
            eaMin = Math.min(eaMin, dec.expA[row * spr + s]);
            eaMax = Math.max(eaMax, dec.expA[row * spr + s]);
        }
        double sa0 = dec.saQ[row * spr + g0 / gpb];
        double sa1 = dec.saQ[row * spr + (g0 + 1) / gpb];
        double sa2 = dec.saQ[row * spr + (g0 + 2) / gpb];
        double sa3 = dec.saQ[row * spr + (g0 + 3) / gpb];
        double[] sbD = dec.sbD;
        int sb0 = (g0 / gpb) * n;
        int sb1 = ((g0 + 1) / gpb) * n;
        int sb2 = ((g0 + 2) / gpb) * n;
        int sb3 = ((g0 + 3) / gpb) * n;
        int[] ebInfo = dec.ebInfo;
        int ib = instr * n;
        float[] p0 = acc[rr];
        float[] p1 = acc[4 + rr];
        float[] p2 = acc[8 + rr];
        float[] p3 = acc[12 + rr];
        for (int j = 0; j < width; j++) {
            int col = j0 + j;
            int idx = row * n + col;
            int cBits = d[idx];
            int cAbs = cBits & 0x7FFFFFFF;
            int cField = cAbs >>> 23;
            boolean cZero = cAbs == 0;
            int cAlign = cField == 0 ? -126 : cField - 127;
            int info = ebInfo[ib + col];
            int eP = Math.max(Math.max(eaMax + ((info >>> 12) & 0xFFF) - 1024, cZero ? eZero : cAlign), eZero);
            boolean ok = !rowNaN & info >= 0 & cField != 0xFF & eaMin + (info & 0xFFF) - 1024 + lsb0 >= eP - F
                    & (cZero | cAlign - 23 >= eP - F);
            if (ok) {
                double sumD = p0[j] * sa0 * sbD[sb0 + col] + p1[j] * sa1 * sbD[sb1 + col]
                        + p2[j] * sa2 * sbD[sb2 + col] + p3[j] * sa3 * sbD[sb3 + col]
                        + (double) Float.intBitsToFloat(cBits);
                if (Math.abs(sumD) < 0x1p128) {
                    // RZ from the nearest conversion, without a data-dependent branch: one ulp back toward
                    // zero when the conversion rounded away
                    float f = (float) sumD;
                    int away = Math.abs((double) f) > Math.abs(sumD) ? 1 : 0;
                    int bits = Float.floatToRawIntBits(f) - away;
                    d[idx] = bits == 0x80000000 ? 0 : bits;
                    continue;
                }
            }
            fuseGeneral(dec, d, row, rr, instr, j0, width, acc, j);
        }
    }

    static void fuseGeneral(Decoded dec, int[] d, int row, int rr, int instr, int j0, int width, float[][] acc, int jOnly) {
        int n = dec.n;
        int instrs = dec.k / BlockScaledFp4.K;
        boolean rowNaN = dec.nanA[row * instrs + instr];
        int spr = dec.scalesPerRow;
        int gpr = dec.groupsPerRow;
        int gpb = dec.groupsPerBlock;
        int F = dec.fractionalBits;
        int eZero = dec.eZero;
        int lsb0 = dec.scaleLsb;
        int g0 = instr * 4;
        int sOff = row * spr + g0 / gpb;
        int sa0 = dec.sigA[sOff];
        int ea0 = dec.expA[sOff];
        int sa1 = dec.sigA[row * spr + (g0 + 1) / gpb];
        int ea1 = dec.expA[row * spr + (g0 + 1) / gpb];
        int sa2 = dec.sigA[row * spr + (g0 + 2) / gpb];
        int ea2 = dec.expA[row * spr + (g0 + 2) / gpb];
        int sa3 = dec.sigA[row * spr + (g0 + 3) / gpb];
        int ea3 = dec.expA[row * spr + (g0 + 3) / gpb];
        int ma0 = dec.maskA[row * gpr + g0];
        int ma1 = dec.maskA[row * gpr + g0 + 1];
        int ma2 = dec.maskA[row * gpr + g0 + 2];
        int ma3 = dec.maskA[row * gpr + g0 + 3];
        var overflow = dec.profile.resultOverflow();
        int[] sigB = dec.sigB;
        int[] expB = dec.expB;
        short[] maskB = dec.maskB;
        boolean[] nanB = dec.nanB;
        int sb0 = (g0 / gpb) * n;
        int sb1 = ((g0 + 1) / gpb) * n;
        int sb2 = ((g0 + 2) / gpb) * n;
        int sb3 = ((g0 + 3) / gpb) * n;
        int mb0 = g0 * n;
        float[] p0 = acc[rr];
        float[] p1 = acc[4 + rr];
        float[] p2 = acc[8 + rr];
        float[] p3 = acc[12 + rr];
        for (int j = jOnly; j <= jOnly; j++) {
            int col = j0 + j;
            int idx = row * n + col;
            int cBits = d[idx];
            if (rowNaN || nanB[instr * n + col] || (cBits & 0x7FFFFFFF) > 0x7F800000) {
                d[idx] = F32_NAN;
                continue;
            }
            if ((cBits & 0x7FFFFFFF) == 0x7F800000) {
                d[idx] = dec.infinitePropagates ? cBits : F32_NAN;
                continue;
            }
            int s0 = sa0 * sigB[sb0 + col];
            int s1 = sa1 * sigB[sb1 + col];
            int s2 = sa2 * sigB[sb2 + col];
            int s3 = sa3 * sigB[sb3 + col];
            int x0 = ea0 + expB[sb0 + col];
            int x1 = ea1 + expB[sb1 + col];
            int x2 = ea2 + expB[sb2 + col];
            int x3 = ea3 + expB[sb3 + col];
            int al0 = (ma0 & maskB[mb0 + col]) != 0 && s0 != 0 ? x0 : eZero;
            int al1 = (ma1 & maskB[mb0 + n + col]) != 0 && s1 != 0 ? x1 : eZero;
            int al2 = (ma2 & maskB[mb0 + 2 * n + col]) != 0 && s2 != 0 ? x2 : eZero;
            int al3 = (ma3 & maskB[mb0 + 3 * n + col]) != 0 && s3 != 0 ? x3 : eZero;
            long cMag;
            int cAlign;
            int cLsb;
            int cExpField = (cBits >>> 23) & 0xFF;
            int cFrac = cBits & 0x7FFFFF;
            if (cExpField == 0 && cFrac == 0) {
                cMag = 0;
                cAlign = eZero;
                cLsb = 0;
            } else {
                int sig = cExpField == 0 ? cFrac : cFrac | 0x800000;
                cAlign = cExpField == 0 ? -126 : cExpField - 127;
                cMag = cBits < 0 ? -sig : sig;
                cLsb = cAlign - 23;
            }
            int e = Math.max(Math.max(Math.max(al0, al1), Math.max(al2, al3)), cAlign);
            int sh = lsb0 + F - e;
            long t0 = (long) (int) p0[j] * s0;
            long t1 = (long) (int) p1[j] * s1;
            long t2 = (long) (int) p2[j] * s2;
            long t3 = (long) (int) p3[j] * s3;
            // Fast path (docs/performance.md): when no term has bits below the grid 2^(e − F), the
            // fused sum is the exact sum; it spans < 45 bits, so double addition is exact, and
            // RZ-to-f32 of it is a float conversion corrected toward zero.
            int lim = e - F - lsb0;
            boolean exact = (x0 >= lim | t0 == 0) & (x1 >= lim | t1 == 0) & (x2 >= lim | t2 == 0) & (x3 >= lim | t3 == 0)
                    & (cMag == 0 | cLsb >= e - F);
            if (exact) {
                double sumD = t0 * POW2[x0 + lsb0 + POW2_BIAS] + t1 * POW2[x1 + lsb0 + POW2_BIAS]
                        + t2 * POW2[x2 + lsb0 + POW2_BIAS] + t3 * POW2[x3 + lsb0 + POW2_BIAS]
                        + (double) Float.intBitsToFloat(cBits);
                if (Math.abs(sumD) < 0x1p128) {
                    // RZ from the nearest conversion, without a data-dependent branch: one ulp back toward
                    // zero when the conversion rounded away (also maps an overflow to Inf back to MAX_FLOAT)
                    float f = (float) sumD;
                    int away = Math.abs((double) f) > Math.abs(sumD) ? 1 : 0;
                    int bits = Float.floatToRawIntBits(f) - away;
                    d[idx] = bits == 0x80000000 ? 0 : bits;
                    continue;
                }
            }
            d[idx] = slowFuse(t0, t1, t2, t3, x0 + sh, x1 + sh, x2 + sh, x3 + sh, cMag, cLsb + F - e, e - F, overflow);
        }
    }
}
