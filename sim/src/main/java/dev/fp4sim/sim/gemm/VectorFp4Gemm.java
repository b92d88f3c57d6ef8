package dev.fp4sim.sim.gemm;

import dev.fp4sim.sim.datapath.BlockScaledFp4;

/**
 * The fast engine's Vector API kernels (docs/performance.md), bit-identical to {@link ReferenceFp4Gemm}.
 *
 * <p>Why a second set of kernels: on JDK 17 the JIT vectorises neither a register-blocked loop nest
 * (phase 1 stays load/store-bound at one k step per pass) nor the float→double conversions and
 * lane selects of the fuse (phase 2 stays scalar). {@code jdk.incubator.vector} expresses both
 * directly. It is an incubator module, resolved only when the JVM starts with
 * {@code --add-modules jdk.incubator.vector}; without it {@link FastFp4Gemm} runs its scalar kernels.
 * This class never touches the incubator API itself, so it loads on every JVM; the kernels live in
 * {@link VectorGemmKernels}, loaded only when the module is present.
 */
public final class VectorFp4Gemm {

    private static final String MODULE = "jdk.incubator.vector";
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule(MODULE).isPresent();

    private VectorFp4Gemm() {
    }

    /** Whether this JVM resolved {@code jdk.incubator.vector} (started with {@code --add-modules jdk.incubator.vector}). */
    public static boolean available() {
        return AVAILABLE;
    }

    /** One line for users: which kernels {@code --engine fast} uses in this JVM, and how to get the faster ones. */
    public static String describe() {
        return AVAILABLE ? "Vector API kernels (" + VectorGemmKernels.shape() + ")"
                : "scalar kernels (start the JVM with --add-modules " + MODULE
                + ", e.g. FP4SIM_JAVA_OPTS='--add-modules " + MODULE + "', for the Vector API kernels)";
    }

    /**
     * D bits, M × N row-major; same contract as {@link ReferenceFp4Gemm#run}.
     *
     * @throws IllegalStateException when the module is absent ({@link #available()})
     */
    public static int[] run(BlockScaledFp4 unit, Fp4Operands ops, int threads, Progress progress) {
        if (!AVAILABLE) {
            throw new IllegalStateException("the Vector API kernels need --add-modules " + MODULE);
        }
        if (ops.blockSize() != unit.blockSize()) {
            throw new IllegalArgumentException("operands use block size " + ops.blockSize()
                    + " but the datapath is configured for " + unit.blockSize());
        }
        if (!FastFp4Gemm.supports(unit)) {
            return ReferenceFp4Gemm.run(unit, ops, threads, progress);
        }
        return VectorGemmKernels.run(unit, ops, threads, progress);
    }
}
