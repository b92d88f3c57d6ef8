package dev.fp4sim.sim.gemm;

import dev.fp4sim.sim.datapath.BlockScaledFp4;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference GEMM: every D element is the chain of K/64 instructions computed by
 * {@link BlockScaledFp4#chain}, exactly as the tensor core issues them in k order
 * (numerics.md §3.3). Rows are shared among threads; the arithmetic is the datapath's.
 */
public final class ReferenceFp4Gemm {

    private static final int ROWS_PER_TASK = 4;

    private ReferenceFp4Gemm() {
    }

    /** D bits, M × N row-major. */
    public static int[] run(BlockScaledFp4 unit, Fp4Operands ops, int threads, Progress progress) {
        if (ops.blockSize() != unit.blockSize()) {
            throw new IllegalArgumentException("operands use block size " + ops.blockSize()
                    + " but the datapath is configured for " + unit.blockSize());
        }
        int[] d = new int[ops.m() * ops.n()];
        int workers = Math.max(1, Math.min(threads, (ops.m() + ROWS_PER_TASK - 1) / ROWS_PER_TASK));
        AtomicInteger nextRow = new AtomicInteger();
        AtomicLong rowsDone = new AtomicLong();
        Runnable worker = () -> {
            int r0;
            while ((r0 = nextRow.getAndAdd(ROWS_PER_TASK)) < ops.m()) {
                int r1 = Math.min(ops.m(), r0 + ROWS_PER_TASK);
                for (int row = r0; row < r1; row++) {
                    computeRow(unit, ops, row, d);
                }
                progress.update(rowsDone.addAndGet(r1 - r0), ops.m());
            }
        };
        Workers.run(workers, "fp4sim-gemm", worker);
        return d;
    }

    private static void computeRow(BlockScaledFp4 unit, Fp4Operands ops, int row, int[] d) {
        int rowBytes = ops.rowBytes();
        int spr = ops.scalesPerRow();
        for (int col = 0; col < ops.n(); col++) {
            d[row * ops.n() + col] = unit.chain(ops.a(), row * rowBytes, ops.b(), col * rowBytes,
                    ops.sfa(), row * spr, ops.sfb(), col * spr, ops.cBits(row, col), ops.k());
        }
    }
}
