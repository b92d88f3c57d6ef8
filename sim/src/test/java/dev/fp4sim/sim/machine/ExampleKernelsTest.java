package dev.fp4sim.sim.machine;

import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.profile.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The TMA-pipelined example kernels (examples/02, 04) run on the machine: for several shapes and
 * seeds, D read back through tcgen05.ld equals the datapath GEMM bit for bit, and the checker
 * reports no hazard in these correct kernels.
 */
class ExampleKernelsTest {

    static void check(String file, GemmProblem.Format f, int m, int n, int k, long seed) {
        Kernel kernel = Kernel.load(IsaFp4Gemm.resource(file), null);
        GemmProblem p = GemmProblem.random(f, m, n, k, seed);
        KernelGemm.Outcome out = KernelGemm.run(kernel, p, KernelGemm.shapeOf(kernel), Machine.Options.defaults());
        assertEquals(List.of(), out.result().hazards(), file);
        assertArrayEquals(p.reference(Assumptions.DEFAULTS, 2, Progress.NONE), out.d(), file + " " + m + "x" + n + "x" + k + " seed " + seed);
    }

    @Test
    void nvfp4GemmMainLoopMatchesTheDatapath() {
        check("02_nvfp4_gemm.ptx", GemmProblem.Format.NVFP4, 128, 256, 256, 11);
        check("02_nvfp4_gemm.ptx", GemmProblem.Format.NVFP4, 256, 256, 768, 12);   // 3 K steps: both stages reused
    }

    @Test
    void theCtaPairKernelMatchesTheDatapathOverTheWholeM256Problem() {
        check("03_nvfp4_2cta_mma.ptx", GemmProblem.Format.NVFP4, 256, 256, 64, 15);
        check("03_nvfp4_2cta_mma.ptx", GemmProblem.Format.NVFP4, 256, 256, 64, 16);
    }

    @Test
    void mxfp4AndFp8VariantsMatchTheDatapath() {
        check("04_mxfp4_gemm.ptx", GemmProblem.Format.MXFP4, 128, 256, 512, 13);
        check("04_fp8_gemm.ptx", GemmProblem.Format.FP8, 128, 256, 384, 14);
    }

    @Test
    void theIsaEngineMatchesTheReferenceEngineOnAPaddedShape() {
        // M and N not multiples of the 128 x 256 tile: the engine pads with zero rows and drops them again
        GemmProblem p = GemmProblem.random(GemmProblem.Format.NVFP4, 100, 200, 256, 21);
        dev.fp4sim.sim.datapath.BlockScaledFp4 unit = new dev.fp4sim.sim.datapath.BlockScaledFp4(dev.fp4sim.isa.format.FloatFormat.UE4M3, 16,
                dev.fp4sim.sim.profile.BlockScaledProfile.BLACKWELL);
        dev.fp4sim.sim.gemm.Fp4Operands ops = new dev.fp4sim.sim.gemm.Fp4Operands(100, 200, 256, 16, p.a(), p.b(), p.sfaRows(), p.sfbRows(), new int[100 * 200]);
        assertArrayEquals(dev.fp4sim.sim.gemm.Fp4GemmEngine.REFERENCE.run(unit, ops, 2, Progress.NONE),
                dev.fp4sim.sim.gemm.Fp4GemmEngine.ISA.run(unit, ops, 1, Progress.NONE));
    }
}
