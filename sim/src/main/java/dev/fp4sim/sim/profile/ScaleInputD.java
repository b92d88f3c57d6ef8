package dev.fp4sim.sim.profile;

/** Where {@code scale-input-d} (D = A·B + D·2^−s, kind::f16/tf32) scales the accumulator. */
public enum ScaleInputD implements Assumption {
    /** C·2^−s enters the fused sum exactly: only its alignment exponent drops by s. */
    EXACT("C * 2^-s enters the fused sum exactly (its exponent drops by s)"),
    /** C·2^−s is first rounded toward zero to the accumulator format (matters only when it becomes subnormal). */
    ROUNDED_FIRST("C * 2^-s is rounded toward zero to the accumulator format before the fused sum");

    private final String meaning;

    ScaleInputD(String meaning) {
        this.meaning = meaning;
    }

    @Override
    public String key() {
        return "scale-input-d";
    }

    @Override
    public String meaning() {
        return meaning;
    }

    @Override
    public String evidence() {
        return "PTX §9.7.16.10.9.1 defines D = A*B + D*2^-s but not where the scaling sits; not characterised by MMA-Sim (numerics-sources §2.6)";
    }
}
