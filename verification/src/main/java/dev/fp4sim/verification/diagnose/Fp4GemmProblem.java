package dev.fp4sim.verification.diagnose;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.layout.ScaleFactorLayout;
import dev.fp4sim.isa.layout.TiledScaleLayout;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.gemm.Fp4GemmEngine;
import dev.fp4sim.sim.gemm.Fp4Operands;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.profile.Assumptions;

/**
 * A block-scaled FP4 GEMM as a kernel sees it (TN, cuBLAS convention; isa.md §3.6, §6): A uint8
 * (M, K/2), B uint8 (N, K/2) = Bᵀ K-major, element 2i in the low nibble; scales as stored in the
 * given layout; optional f32 C. {@link #operands()} gives the simulator's plain-row-major view.
 */
public record Fp4GemmProblem(int m, int n, int k, FloatFormat scaleFormat, int blockSize, byte[] a, byte[] b,
                             byte[] sfa, byte[] sfb, ScaleFactorLayout layout, int[] c) {

    public Fp4GemmProblem {
        if (k % 64 != 0) {
            throw new IllegalArgumentException("K = " + k + " must be a multiple of 64 (one instruction)");
        }
        check("A", a.length, (long) m * k / 2);
        check("B", b.length, (long) n * k / 2);
        check("SFA", sfa.length, scaleBytes(m, k / blockSize, layout));
        check("SFB", sfb.length, scaleBytes(n, k / blockSize, layout));
        if (c != null && c.length != m * n) {
            throw new IllegalArgumentException("C has " + c.length + " elements, expected M*N = " + m * n);
        }
    }

    private static void check(String what, long have, long want) {
        if (have != want) {
            throw new IllegalArgumentException(what + " has " + have + " bytes, expected " + want);
        }
    }

    /** Bytes of a scale matrix in a layout: rows·kBlocks (linear) or the padded 128×4 tiled size. */
    public static long scaleBytes(int rows, int kBlocks, ScaleFactorLayout layout) {
        return layout == ScaleFactorLayout.LINEAR ? (long) rows * kBlocks : new TiledScaleLayout(rows, kBlocks).sizeBytes();
    }

    public static byte[] toLinear(byte[] sf, int rows, int kBlocks, ScaleFactorLayout layout) {
        return layout == ScaleFactorLayout.LINEAR ? sf : new TiledScaleLayout(rows, kBlocks).toLinear(sf);
    }

    public Fp4Operands operands() {
        int kb = k / blockSize;
        return new Fp4Operands(m, n, k, blockSize, a, b, toLinear(sfa, m, kb, layout), toLinear(sfb, n, kb, layout), c);
    }

    public Fp4GemmProblem with(byte[] newA, byte[] newB, byte[] newSfa, byte[] newSfb, ScaleFactorLayout newLayout) {
        return new Fp4GemmProblem(m, n, k, scaleFormat, blockSize, newA, newB, newSfa, newSfb, newLayout, c);
    }

    public int[] run(Fp4GemmEngine engine, Assumptions assumptions, int threads, Progress progress) {
        BlockScaledFp4 unit = new BlockScaledFp4(scaleFormat, blockSize, assumptions.blockScaled("oracle", 35, -139));
        return engine.run(unit, operands(), threads, progress);
    }
}
