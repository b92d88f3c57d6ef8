package dev.fp4sim.sim.gemm;

import dev.fp4sim.sim.datapath.BlockScaledFp4;

import java.util.List;
import java.util.Locale;

/**
 * A block-scaled FP4 GEMM engine: D = chain of K/64 instructions per element, M × N row-major
 * f32 bits. Every engine must be bit-identical to {@link ReferenceFp4Gemm}; engines differ only
 * in speed. Users pick one by name ({@code --engine}).
 */
public interface Fp4GemmEngine {

    /** The name users type after {@code --engine}. */
    String name();

    /** One line for {@code --help}: how the engine computes and when to use it. */
    String description();

    int[] run(BlockScaledFp4 unit, Fp4Operands ops, int threads, Progress progress);

    /** The element-by-element reference engine. */
    Fp4GemmEngine REFERENCE = new Fp4GemmEngine() {
        @Override
        public String name() {
            return "reference";
        }

        @Override
        public String description() {
            return "element by element through the datapath; the slowest and simplest";
        }

        @Override
        public int[] run(BlockScaledFp4 unit, Fp4Operands ops, int threads, Progress progress) {
            return ReferenceFp4Gemm.run(unit, ops, threads, progress);
        }
    };

    /** Blocked float group sums plus one integer fuse per instruction; bit-identical to the reference. */
    Fp4GemmEngine FAST = new Fp4GemmEngine() {
        @Override
        public String name() {
            return "fast";
        }

        @Override
        public String description() {
            return "blocked, vectorised group sums and one exact fuse per instruction; bit-identical, the default";
        }

        @Override
        public int[] run(BlockScaledFp4 unit, Fp4Operands ops, int threads, Progress progress) {
            return FastFp4Gemm.run(unit, ops, threads, progress);
        }
    };

    /** The GEMM as the example tcgen05 kernel running on the machine model (docs/machine.md); bit-identical, slow. */
    Fp4GemmEngine ISA = new Fp4GemmEngine() {
        @Override
        public String name() {
            return "isa";
        }

        @Override
        public String description() {
            return "the example tcgen05 kernel (TMA, tcgen05.cp/mma/ld) on the machine model; bit-identical, for checking kernels";
        }

        @Override
        public int[] run(BlockScaledFp4 unit, Fp4Operands ops, int threads, Progress progress) {
            return dev.fp4sim.sim.machine.IsaFp4Gemm.run(unit, ops, progress);
        }
    };

    /** Every engine, default first. */
    static List<Fp4GemmEngine> all() {
        return List.of(FAST, REFERENCE, ISA);
    }

    /** The engine with this name, or an IllegalArgumentException that lists the valid names. */
    static Fp4GemmEngine byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return all().stream().filter(e -> e.name().equals(n)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown engine '" + name + "'; valid: "
                        + String.join(", ", all().stream().map(Fp4GemmEngine::name).toList())));
    }
}
