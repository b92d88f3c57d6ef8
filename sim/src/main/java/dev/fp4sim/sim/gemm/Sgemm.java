package dev.fp4sim.sim.gemm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain f32 GEMM (C = A·Bᵀ, A M×K row-major, B N×K row-major), blocked, vectorised and
 * multithreaded the same way as {@link FastFp4Gemm}: the yardstick of {@code fp4sim bench gemm} —
 * what a user's own non-exact emulation in the same JVM would cost. Not used for results.
 */
public final class Sgemm {

    private static final int PANEL = 256;
    private static final int ROWS_PER_TASK = 64;

    private Sgemm() {
    }

    public static float[] run(float[] a, float[] b, int m, int n, int k, int threads) throws Exception {
        int panels = (n + PANEL - 1) / PANEL;
        float[][] bp = new float[k * panels][PANEL];
        for (int j = 0; j < n; j++) {
            for (int kk = 0; kk < k; kk++) {
                bp[kk * panels + j / PANEL][j % PANEL] = b[j * k + kk];
            }
        }
        float[] c = new float[m * n];
        int tasks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            float[][] acc = new float[4][PANEL];
            int t;
            while ((t = next.getAndIncrement()) < tasks) {
                int r0 = t * ROWS_PER_TASK;
                int r1 = Math.min(m, r0 + ROWS_PER_TASK);
                for (int p = 0; p < panels; p++) {
                    for (int r = r0; r < r1; r += 4) {
                        int rows = Math.min(4, r1 - r);
                        for (float[] row : acc) {
                            java.util.Arrays.fill(row, 0f);
                        }
                        for (int kk = 0; kk < k; kk++) {
                            axpy4(acc[0], acc[1], acc[2], acc[3], bp[kk * panels + p], a[r * k + kk],
                                    rows > 1 ? a[(r + 1) * k + kk] : 0f, rows > 2 ? a[(r + 2) * k + kk] : 0f,
                                    rows > 3 ? a[(r + 3) * k + kk] : 0f);
                        }
                        int width = Math.min(PANEL, n - p * PANEL);
                        for (int rr = 0; rr < rows; rr++) {
                            System.arraycopy(acc[rr], 0, c, (r + rr) * n + p * PANEL, width);
                        }
                    }
                }
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < Math.max(1, threads); i++) {
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

    private static void axpy4(float[] y0, float[] y1, float[] y2, float[] y3, float[] b, float x0, float x1, float x2, float x3) {
        for (int j = 0; j < PANEL; j++) {
            float v = b[j];
            y0[j] += x0 * v;
            y1[j] += x1 * v;
            y2[j] += x2 * v;
            y3[j] += x3 * v;
        }
    }
}
