package dev.fp4sim.sim.mma;

import dev.fp4sim.isa.format.IntFormat;
import dev.fp4sim.isa.mma.MmaVariant;

/**
 * kind::i8: D = C + Σ a·b in exact integer arithmetic per instruction, then wrapped to 32 bits,
 * or clamped to the s32 range when the instruction saturates (idesc bit 3 / {@code .satfinite};
 * PTX §9.7.16.10, isa.md §2.1). Chains saturate or wrap once per instruction.
 */
final class IntegerMma implements ElementMma {

    private final MmaVariant variant;

    IntegerMma(MmaVariant variant) {
        this.variant = variant;
    }

    @Override
    public MmaVariant variant() {
        return variant;
    }

    @Override
    public int compute(byte[] a, byte[] b, byte[] sfa, byte[] sfb, int cBits, int k) {
        int kpi = variant.kPerInstruction();
        if (k <= 0 || k % kpi != 0) {
            throw new IllegalArgumentException("k must be a positive multiple of " + kpi + ", not " + k);
        }
        IntFormat fa = (IntFormat) variant.aFormat();
        IntFormat fb = (IntFormat) variant.bFormat();
        int d = cBits;
        for (int i = 0; i < k / kpi; i++) {
            long sum = d;
            for (int j = i * kpi; j < (i + 1) * kpi; j++) {
                sum += fa.value(a[j]) * fb.value(b[j]);
            }
            d = variant.saturate() ? (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, sum)) : (int) sum;
        }
        return d;
    }
}
