package dev.fp4sim.sim.gemm;

import dev.fp4sim.sim.datapath.BlockScaledFp4;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Vector API kernels of {@link VectorFp4Gemm}; loaded only when {@code jdk.incubator.vector} is
 * resolved. Same two phases and the same decoded operands as {@link FastFp4Gemm}:
 *
 * <ul>
 * <li>Phase 1, group sums: 8 rows × one 16-element group at a time, register-blocked — 16 B vectors
 * are loaded once and each feeds 8 exact FMAs (twice-values are integers ≤ 12 in magnitude, group
 * sums in quarters ≤ 2304: every FMA is exact, so the order is free).</li>
 * <li>Phase 2, fuse: per lane of {@code DoubleVector} width the conservative-exponent test of
 * {@code FastFp4Gemm.fuseRow} decides that no term loses bits to the 2^(E − F) grid
 * (numerics.md §3.1 step 2); then the fused sum is the exact sum (< 48 bits, exact in double) and D
 * is its RZ-to-f32: a nearest conversion stepped one ulp toward zero where it rounded away. Lanes
 * that fail (specials, truncation, overflow) go through {@code FastFp4Gemm.fuseGeneral}, the
 * step-by-step restatement of {@link BlockScaledFp4#mma}.</li>
 * </ul>
 */
final class VectorGemmKernels {

    /** Phase 1 lanes: the widest float vector. */
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Phase 2 lanes: the widest double vector, with int and float species of the same lane count. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(D.length() * 32));
    private static final VectorSpecies<Float> FD = VectorSpecies.of(float.class, VectorShape.forBitSize(D.length() * 32));
    private static final int PANEL = FastFp4Gemm.PANEL;
    /** Rows per phase-1 pass: 8 accumulators + 1 B vector + broadcasts fit the 32 AVX-512 registers. */
    private static final int ROWS = 8;
    /** Rows per task: the B slice of one instruction (64 × PANEL floats, L2) is reused by this many rows. */
    private static final int ROWS_PER_TASK = 128;
    /** ebMin of a column whose B scales of the instruction include a NaN: fails every exactness test. */
    private static final int NAN_SENTINEL = -1_000_000;

    private VectorGemmKernels() {
    }

    static String shape() {
        return F.length() + " floats / " + D.length() + " doubles per vector";
    }

    static int[] run(BlockScaledFp4 unit, Fp4Operands ops, int threads, Progress progress) {
        int m = ops.m();
        int n = ops.n();
        int tasks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        int workers = Math.max(1, Math.min(threads, tasks));
        ExecutorService pool = workers == 1 ? null : Executors.newFixedThreadPool(workers, r -> {
            Thread th = new Thread(r, "fp4sim-vector-gemm");
            th.setDaemon(true);
            return th;
        });
        try {
            // decoding is serial work (≈ 5% at 4096³): pack B on a worker while this thread decodes A and the scales
            Future<float[][]> packed = pool == null ? null : pool.submit(() -> packB(ops.b(), n, ops.k()));
            FastFp4Gemm.Decoded dec = new FastFp4Gemm.Decoded(unit, ops, false);
            int instrs = ops.k() / BlockScaledFp4.K;
            int[] ebMinN = new int[instrs * n];
            for (int i = 0; i < ebMinN.length; i++) {
                ebMinN[i] = dec.nanB[i] ? NAN_SENTINEL : dec.ebMin[i];
            }
            int[] d = new int[m * n];
            if (ops.c() != null) {
                System.arraycopy(ops.c(), 0, d, 0, d.length);
            }
            float[][] bv = packed == null ? packB(ops.b(), n, ops.k()) : packed.get();
            AtomicInteger next = new AtomicInteger();
            AtomicLong rowsDone = new AtomicLong();
            Runnable worker = () -> {
                float[][] acc = new float[4 * ROWS][PANEL];
                // fuseGeneral reads the group sums of row-in-block rr at acc[rr], acc[4+rr], acc[8+rr], acc[12+rr]
                float[][][] views = new float[ROWS][16][];
                for (int rr = 0; rr < ROWS; rr++) {
                    for (int g = 0; g < 4; g++) {
                        views[rr][4 * g] = acc[g * ROWS + rr];
                    }
                }
                int[] rowOff = new int[ROWS];
                int t;
                while ((t = next.getAndIncrement()) < tasks) {
                    int r0 = t * ROWS_PER_TASK;
                    int r1 = Math.min(m, r0 + ROWS_PER_TASK);
                    computeRows(dec, bv, d, r0, r1, acc, views, rowOff, ebMinN);
                    progress.update(rowsDone.addAndGet(r1 - r0), m);
                }
            };
            if (pool == null) {
                worker.run();
                return d;
            }
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                futures.add(pool.submit(worker));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            return d;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("GEMM interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("GEMM worker failed: " + e.getCause(), e.getCause());
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /**
     * B twice-values per panel of {@code PANEL} columns, laid out [column vector][k][lane]: the 16 k
     * steps of one group for one vector of columns are 1 KiB of consecutive cache lines. (One array
     * per (k, panel) puts consecutive k steps a panel row apart, and those strides alias in L1/L2:
     * measured 5x slower on the f32 GEMM of the same structure.)
     */
    private static float[][] packB(byte[] packed, int n, int k) {
        float[] twice = new float[16];
        for (int c = 0; c < 16; c++) {
            twice[c] = (float) (dev.fp4sim.isa.format.FloatFormat.E2M1.toDouble(c) * 2);
        }
        int fl = F.length();
        int panels = (n + PANEL - 1) / PANEL;
        float[][] bv = new float[panels][k * PANEL];
        int rowBytes = k / 2;
        for (int col = 0; col < n; col++) {
            float[] dst = bv[col / PANEL];
            int jj = col % PANEL;
            int base = (jj / fl) * k * fl + jj % fl;
            for (int byteIdx = 0; byteIdx < rowBytes; byteIdx++) {
                int two = packed[col * rowBytes + byteIdx];
                // element 2i is the low nibble (Fp4Operands, isa.md §6)
                dst[base + 2 * byteIdx * fl] = twice[two & 0xF];
                dst[base + (2 * byteIdx + 1) * fl] = twice[(two >>> 4) & 0xF];
            }
        }
        return bv;
    }

    private static void computeRows(FastFp4Gemm.Decoded dec, float[][] bv, int[] d, int r0, int r1, float[][] acc,
                                    float[][][] views, int[] rowOff, int[] ebMinN) {
        int n = dec.n;
        int k = dec.k;
        int instrs = k / BlockScaledFp4.K;
        for (int j0 = 0; j0 < n; j0 += PANEL) {
            int width = Math.min(PANEL, n - j0);
            for (int i = 0; i < instrs; i++) {
                for (int r = r0; r < r1; r += ROWS) {
                    int rows = Math.min(ROWS, r1 - r);
                    for (int rr = 0; rr < ROWS; rr++) {
                        // rows past the end repeat the last row; their sums are never fused
                        rowOff[rr] = Math.min(r + rr, r1 - 1) * k;
                    }
                    groupSums(dec, bv[j0 / PANEL], rowOff, i, acc);
                    for (int rr = 0; rr < rows; rr++) {
                        fuseRow(dec, d, r + rr, rr, i, j0, width, acc, views[rr], ebMinN);
                    }
                }
            }
        }
    }

    /** acc[g·8 + rr][j] = group g's sum of instruction {@code instr}, in quarter units, for 8 rows. */
    private static void groupSums(FastFp4Gemm.Decoded dec, float[] bp, int[] rowOff, int instr, float[][] acc) {
        float[] a2 = dec.a2;
        int k = dec.k;
        int fl = F.length();
        for (int g = 0; g < 4; g++) {
            int k0 = instr * BlockScaledFp4.K + g * 16;
            int o0 = rowOff[0] + k0;
            int o1 = rowOff[1] + k0;
            int o2 = rowOff[2] + k0;
            int o3 = rowOff[3] + k0;
            int o4 = rowOff[4] + k0;
            int o5 = rowOff[5] + k0;
            int o6 = rowOff[6] + k0;
            int o7 = rowOff[7] + k0;
            for (int j = 0; j < PANEL; j += fl) {
                int b0 = j * k + k0 * fl;
                FloatVector s0 = FloatVector.zero(F);
                FloatVector s1 = s0;
                FloatVector s2 = s0;
                FloatVector s3 = s0;
                FloatVector s4 = s0;
                FloatVector s5 = s0;
                FloatVector s6 = s0;
                FloatVector s7 = s0;
                for (int e = 0; e < 16; e++) {
                    FloatVector v = FloatVector.fromArray(F, bp, b0 + e * fl);
                    s0 = v.fma(FloatVector.broadcast(F, a2[o0 + e]), s0);
                    s1 = v.fma(FloatVector.broadcast(F, a2[o1 + e]), s1);
                    s2 = v.fma(FloatVector.broadcast(F, a2[o2 + e]), s2);
                    s3 = v.fma(FloatVector.broadcast(F, a2[o3 + e]), s3);
                    s4 = v.fma(FloatVector.broadcast(F, a2[o4 + e]), s4);
                    s5 = v.fma(FloatVector.broadcast(F, a2[o5 + e]), s5);
                    s6 = v.fma(FloatVector.broadcast(F, a2[o6 + e]), s6);
                    s7 = v.fma(FloatVector.broadcast(F, a2[o7 + e]), s7);
                }
                int y = g * ROWS;
                s0.intoArray(acc[y], j);
                s1.intoArray(acc[y + 1], j);
                s2.intoArray(acc[y + 2], j);
                s3.intoArray(acc[y + 3], j);
                s4.intoArray(acc[y + 4], j);
                s5.intoArray(acc[y + 5], j);
                s6.intoArray(acc[y + 6], j);
                s7.intoArray(acc[y + 7], j);
            }
        }
    }

    private static DoubleVector widen(float[] p, int j) {
        return (DoubleVector) FloatVector.fromArray(FD, p, j).convertShape(VectorOperators.F2D, D, 0);
    }

    /** Phase 2 for one row of the panel: the lanes of {@code FastFp4Gemm.fuseRow}'s test and exact sum. */
    private static void fuseRow(FastFp4Gemm.Decoded dec, int[] d, int row, int rr, int instr, int j0, int width,
                                float[][] acc, float[][] view, int[] ebMinN) {
        int n = dec.n;
        int instrs = dec.k / BlockScaledFp4.K;
        if (dec.nanA[row * instrs + instr]) {
            for (int j = 0; j < width; j++) {
                FastFp4Gemm.fuseGeneral(dec, d, row, 0, instr, j0, width, view, j);
            }
            return;
        }
        int spr = dec.scalesPerRow;
        int gpb = dec.groupsPerBlock;
        int f = dec.fractionalBits;
        int eZero = dec.eZero;
        int g0 = instr * 4;
        int blk0 = g0 / gpb;
        int eaMin = Integer.MAX_VALUE;
        int eaMax = Integer.MIN_VALUE;
        for (int s = blk0; s < blk0 + 4 / gpb; s++) {
            eaMin = Math.min(eaMin, dec.expA[row * spr + s]);
            eaMax = Math.max(eaMax, dec.expA[row * spr + s]);
        }
        int lsbA = eaMin + dec.scaleLsb;
        double sa0 = dec.saQ[row * spr + g0 / gpb];
        double sa1 = dec.saQ[row * spr + (g0 + 1) / gpb];
        double sa2 = dec.saQ[row * spr + (g0 + 2) / gpb];
        double sa3 = dec.saQ[row * spr + (g0 + 3) / gpb];
        double[] sbD = dec.sbD;
        int sb0 = (g0 / gpb) * n;
        int sb1 = ((g0 + 1) / gpb) * n;
        int sb2 = ((g0 + 2) / gpb) * n;
        int sb3 = ((g0 + 3) / gpb) * n;
        int[] ebMax = dec.ebMax;
        int ib = instr * n;
        float[] p0 = acc[rr];
        float[] p1 = acc[ROWS + rr];
        float[] p2 = acc[2 * ROWS + rr];
        float[] p3 = acc[3 * ROWS + rr];
        int dl = D.length();
        int j = 0;
        for (; j + dl <= width; j += dl) {
            int col = j0 + j;
            int idx = row * n + col;
            IntVector c = IntVector.fromArray(I, d, idx);
            IntVector cAbs = c.and(0x7FFFFFFF);
            IntVector cField = cAbs.lanewise(VectorOperators.LSHR, 23);
            VectorMask<Integer> cZero = cAbs.eq(0);
            // f32 subnormals align at −126, like exponent field 1 (numerics.md §3.1 step 1)
            IntVector cAlign = cField.max(1).sub(127);
            IntVector eP = IntVector.fromArray(I, ebMax, ib + col).add(eaMax)
                    .max(cAlign.blend(eZero, cZero)).max(eZero);
            IntVector lim = eP.sub(f);
            VectorMask<Integer> ok = IntVector.fromArray(I, ebMinN, ib + col).add(lsbA).compare(VectorOperators.GE, lim)
                    .and(cField.compare(VectorOperators.NE, 0xFF))
                    .and(cAlign.sub(23).compare(VectorOperators.GE, lim).or(cZero));
            DoubleVector sum = widen(p0, j).mul(sa0).mul(DoubleVector.fromArray(D, sbD, sb0 + col))
                    .add(widen(p1, j).mul(sa1).mul(DoubleVector.fromArray(D, sbD, sb1 + col)))
                    .add(widen(p2, j).mul(sa2).mul(DoubleVector.fromArray(D, sbD, sb2 + col)))
                    .add(widen(p3, j).mul(sa3).mul(DoubleVector.fromArray(D, sbD, sb3 + col)))
                    .add((DoubleVector) c.reinterpretAsFloats().convertShape(VectorOperators.F2D, D, 0));
            // RZ to f32 by truncation: clearing the 29 low significand bits of the (exact) double
            // leaves a value with a 24-bit significand, which then converts to float exactly. That
            // holds where the result is a normal float; sums below 2^−126 (subnormal results) and at
            // or above 2^128 (overflow rule) go through the general path, as do zero sums
            // (numerics.md §3.1 step 4, OutputRounding.RZ_F32).
            IntVector bits = ((FloatVector) sum.reinterpretAsLongs().and(~0x1FFFFFFFL).reinterpretAsDoubles()
                    .convertShape(VectorOperators.D2F, FD, 0)).reinterpretAsInts();
            IntVector mag = bits.and(0x7FFFFFFF);
            ok = ok.and(mag.compare(VectorOperators.GE, 0x00800000)).and(mag.compare(VectorOperators.LT, 0x7F800000));
            c.blend(bits, ok).intoArray(d, idx);
            if (!ok.allTrue()) {
                for (int l = 0; l < dl; l++) {
                    if (!ok.laneIsSet(l)) {
                        FastFp4Gemm.fuseGeneral(dec, d, row, 0, instr, j0, width, view, j + l);
                    }
                }
            }
        }
        for (; j < width; j++) {
            FastFp4Gemm.fuseGeneral(dec, d, row, 0, instr, j0, width, view, j);
        }
    }
}
