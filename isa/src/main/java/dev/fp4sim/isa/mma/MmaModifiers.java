package dev.fp4sim.isa.mma;

/**
 * Per-instruction settings that change the arithmetic but not the variant: negate A/B (instruction
 * descriptor bits 13/14, PTX Table 42–44; not for kind::i8) and {@code scale-input-d}
 * (D = A·B + D·2^−s, s in [0, 15], kind::f16 and kind::tf32 only; PTX §9.7.16.10.9.1).
 */
public record MmaModifiers(boolean negateA, boolean negateB, int scaleInputD) {

    public static final MmaModifiers NONE = new MmaModifiers(false, false, 0);

    public MmaModifiers {
        if (scaleInputD < 0 || scaleInputD > 15) {
            throw new IllegalArgumentException("scale-input-d must be in [0, 15], got " + scaleInputD);
        }
    }
}
