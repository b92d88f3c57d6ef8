package dev.fp4sim.sim.profile;

/** How the ue8m0 code 0x00 (2^−127, an f32 subnormal) enters the alignment. */
public enum Ue8m0Code0 implements Assumption {
    /** Significand 1, exponent −127 (the format's own reading; MMA-Sim's dtype_min_exponent). */
    EXPONENT_M127("code 0x00 enters as 1 * 2^-127 (alignment exponent -127)"),
    /** Significand 0.5, exponent −126 (as an f32 subnormal would). */
    SUBNORMAL_M126("code 0x00 enters as 0.5 * 2^-126 (alignment exponent -126)");

    private final String meaning;

    Ue8m0Code0(String meaning) {
        this.meaning = meaning;
    }

    @Override
    public String key() {
        return "ue8m0-code0";
    }

    @Override
    public String meaning() {
        return meaning;
    }

    @Override
    public String evidence() {
        return "numerics.md §1 (ue8m0 emin -127) and MMA-Sim arithmetic.py dtype_min_exponent; the -126 reading is unconfirmed (numerics-sources §1.3)";
    }
}
