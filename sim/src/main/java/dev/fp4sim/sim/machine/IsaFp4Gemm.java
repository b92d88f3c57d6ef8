package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.gemm.Fp4Operands;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.profile.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@code isa} engine of {@code fp4sim gemm}: the GEMM runs as the example tcgen05 kernel
 * (examples/02_nvfp4_gemm.ptx, or 04_mxfp4_gemm.ptx for MXFP4) on the machine model — TMA into
 * swizzled shared memory, tcgen05.cp of the scale factors, chained tcgen05.mma into TMEM,
 * tcgen05.ld in the epilogue. M and N are padded with zero rows to the kernel's tile (the padding
 * never meets a kept element); K must be a multiple of the kernel's K step, and C must be +0 (the
 * kernel starts with enable-input-d = false), or the engine says so.
 */
public final class IsaFp4Gemm {

    private IsaFp4Gemm() {
    }

    static String resource(String name) {
        try (InputStream in = IsaFp4Gemm.class.getResourceAsStream("/examples/" + name)) {
            if (in == null) {
                throw new IllegalStateException("examples/" + name + " is not on the class path (sim's build copies examples/)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int[] run(BlockScaledFp4 unit, Fp4Operands ops, Progress progress) {
        // the unit's profile carries the user's --assume choices; the tensor core takes them as Assumptions
        var prof = unit.profile();
        Assumptions assumptions = Assumptions.DEFAULTS.with(prof.zeroTermRule()).with(prof.ue4m3SignBit()).with(prof.ue8m0Code0())
                .with(prof.resultOverflow()).with(prof.infiniteC());
        boolean nv = unit.scaleFormat() == FloatFormat.UE4M3;
        if (nv && ops.blockSize() != 16 || !nv && ops.blockSize() != 32) {
            throw new IllegalArgumentException("the isa engine runs NVFP4 (ue4m3, block 16) and MXFP4 (ue8m0, block 32) kernels, not "
                    + unit.scaleFormat() + " with block " + ops.blockSize());
        }
        if (ops.c() != null) {
            for (int c : ops.c()) {
                if (c != 0) {
                    throw new IllegalArgumentException("the isa engine's kernel starts from enable-input-d = false: C must be +0 (drop --c)");
                }
            }
        }
        Kernel kernel = Kernel.load(resource(nv ? "02_nvfp4_gemm.ptx" : "04_mxfp4_gemm.ptx"), null);
        KernelGemm.Shape s = KernelGemm.shapeOf(kernel);
        if (ops.k() % s.kStep() != 0) {
            throw new IllegalArgumentException("the isa engine's kernel " + kernel.name() + " consumes K in steps of " + s.kStep() + "; K = " + ops.k() + " is not a multiple");
        }
        int m = (ops.m() + s.tileM() - 1) / s.tileM() * s.tileM();
        int n = (ops.n() + s.tileN() - 1) / s.tileN() * s.tileN();
        int rb = ops.rowBytes();
        int kb = ops.k() / ops.blockSize();
        byte[] a = new byte[m * rb];
        byte[] b = new byte[n * rb];
        System.arraycopy(ops.a(), 0, a, 0, ops.a().length);
        System.arraycopy(ops.b(), 0, b, 0, ops.b().length);
        byte[] sfa = new byte[m * kb];
        byte[] sfb = new byte[n * kb];
        System.arraycopy(ops.sfa(), 0, sfa, 0, ops.sfa().length);
        System.arraycopy(ops.sfb(), 0, sfb, 0, ops.sfb().length);
        GemmProblem p = new GemmProblem(nv ? GemmProblem.Format.NVFP4 : GemmProblem.Format.MXFP4, m, n, ops.k(), a, b, sfa, sfb);
        KernelGemm.Outcome out = KernelGemm.run(kernel, p, s, new Machine.Options(assumptions, false, progress));
        int[] d = new int[ops.m() * ops.n()];
        for (int i = 0; i < ops.m(); i++) {
            System.arraycopy(out.d(), i * n, d, i * ops.n(), ops.n());
        }
        return d;
    }
}
