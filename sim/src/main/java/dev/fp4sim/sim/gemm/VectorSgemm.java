package dev.fp4sim.sim.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The f32 yardstick with the Vector API ({@link Sgemm#run} uses it when {@code jdk.incubator.vector}
 * is resolved): C = A·Bᵀ with B packed k-major in panels of 256 columns, K blocked by 256 so that the
 * B slice stays in L2, and an 8-row × one-vector register-blocked FMA micro-kernel — the same
 * technique as the FP4 engine's phase 1, over the whole K. A fair "what a user's own f32 emulation in
 * this JVM would cost"; not used for results.
 */
final class VectorSgemm {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int PANEL = 256;
    private static final int KC = 256;
    private static final int ROWS = 8;
    private static final int ROWS_PER_TASK = 64;

    private VectorSgemm() {
    }

    static float[] run(float[] a, float[] b, int m, int n, int k, int threads) throws Exception {
        int panels = (n + PANEL - 1) / PANEL;
        // bp[p][((j / L) · k + kk) · L + j % L]: the k run of one vector of columns is contiguous, so
        // the micro-kernel streams whole cache lines (a column-panel stride would alias in L1/L2)
        int fl = F.length();
        float[][] bp = new float[panels][k * PANEL];
        for (int j = 0; j < n; j++) {
            float[] dst = bp[j / PANEL];
            int jj = j % PANEL;
            int base = (jj / fl) * k * fl + jj % fl;
            for (int kk = 0; kk < k; kk++) {
                dst[base + kk * fl] = b[j * k + kk];
            }
        }
        float[] c = new float[m * n];
        int tasks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            int t;
            while ((t = next.getAndIncrement()) < tasks) {
                int r0 = t * ROWS_PER_TASK;
                int r1 = Math.min(m, r0 + ROWS_PER_TASK);
                for (int p = 0; p < panels; p++) {
                    int width = Math.min(PANEL, n - p * PANEL);
                    for (int k0 = 0; k0 < k; k0 += KC) {
                        int k1 = Math.min(k, k0 + KC);
                        int r = r0;
                        for (; r + ROWS <= r1; r += ROWS) {
                            block8(a, bp[p], c, r, k, n, p, width, k0, k1);
                        }
                        for (; r < r1; r++) {
                            block1(a, bp[p], c, r, k, n, p, width, k0, k1);
                        }
                    }
                }
            }
        };
        int workers = Math.max(1, Math.min(threads, tasks));
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                fs.add(pool.submit(worker));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return c;
    }

    /** c[r..r+7][panel] += a[r..r+7][k0..k1) · bp[k0..k1)[panel]. */
    private static void block8(float[] a, float[] bp, float[] c, int r, int k, int n, int p, int width,
                               int k0, int k1) {
        int fl = F.length();
        int c0 = r * n + p * PANEL;
        int j = 0;
        for (; j + fl <= width; j += fl) {
            FloatVector s0 = FloatVector.fromArray(F, c, c0 + j);
            FloatVector s1 = FloatVector.fromArray(F, c, c0 + n + j);
            FloatVector s2 = FloatVector.fromArray(F, c, c0 + 2 * n + j);
            FloatVector s3 = FloatVector.fromArray(F, c, c0 + 3 * n + j);
            FloatVector s4 = FloatVector.fromArray(F, c, c0 + 4 * n + j);
            FloatVector s5 = FloatVector.fromArray(F, c, c0 + 5 * n + j);
            FloatVector s6 = FloatVector.fromArray(F, c, c0 + 6 * n + j);
            FloatVector s7 = FloatVector.fromArray(F, c, c0 + 7 * n + j);
            int a0 = r * k;
            for (int kk = k0; kk < k1; kk++) {
                FloatVector v = FloatVector.fromArray(F, bp, (j * k) + kk * fl);
                s0 = v.fma(FloatVector.broadcast(F, a[a0 + kk]), s0);
                s1 = v.fma(FloatVector.broadcast(F, a[a0 + k + kk]), s1);
                s2 = v.fma(FloatVector.broadcast(F, a[a0 + 2 * k + kk]), s2);
                s3 = v.fma(FloatVector.broadcast(F, a[a0 + 3 * k + kk]), s3);
                s4 = v.fma(FloatVector.broadcast(F, a[a0 + 4 * k + kk]), s4);
                s5 = v.fma(FloatVector.broadcast(F, a[a0 + 5 * k + kk]), s5);
                s6 = v.fma(FloatVector.broadcast(F, a[a0 + 6 * k + kk]), s6);
                s7 = v.fma(FloatVector.broadcast(F, a[a0 + 7 * k + kk]), s7);
            }
            s0.intoArray(c, c0 + j);
            s1.intoArray(c, c0 + n + j);
            s2.intoArray(c, c0 + 2 * n + j);
            s3.intoArray(c, c0 + 3 * n + j);
            s4.intoArray(c, c0 + 4 * n + j);
            s5.intoArray(c, c0 + 5 * n + j);
            s6.intoArray(c, c0 + 6 * n + j);
            s7.intoArray(c, c0 + 7 * n + j);
        }
        for (int rr = 0; rr < ROWS; rr++) {
            tail(a, bp, c, r + rr, k, n, p, j, width, k0, k1);
        }
    }

    private static void block1(float[] a, float[] bp, float[] c, int r, int k, int n, int p, int width,
                               int k0, int k1) {
        int fl = F.length();
        int c0 = r * n + p * PANEL;
        int j = 0;
        for (; j + fl <= width; j += fl) {
            FloatVector s0 = FloatVector.fromArray(F, c, c0 + j);
            for (int kk = k0; kk < k1; kk++) {
                s0 = FloatVector.fromArray(F, bp, (j * k) + kk * fl).fma(FloatVector.broadcast(F, a[r * k + kk]), s0);
            }
            s0.intoArray(c, c0 + j);
        }
        tail(a, bp, c, r, k, n, p, j, width, k0, k1);
    }

    private static void tail(float[] a, float[] bp, float[] c, int r, int k, int n, int p, int j0, int width,
                             int k0, int k1) {
        int fl = F.length();
        for (int j = j0; j < width; j++) {
            int base = (j / fl) * k * fl + j % fl;
            float s = c[r * n + p * PANEL + j];
            for (int kk = k0; kk < k1; kk++) {
                s = Math.fma(a[r * k + kk], bp[base + kk * fl], s);
            }
            c[r * n + p * PANEL + j] = s;
        }
    }
}
