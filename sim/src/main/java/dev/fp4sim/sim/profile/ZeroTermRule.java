package dev.fp4sim.sim.profile;

/**
 * Which alignment exponent a zero term brings into the fused sum (numerics.md §2, "Zero
 * terms"). Only matters when a zero term would set the maximum exponent E.
 */
public enum ZeroTermRule implements Assumption {
    /**
     * Zero products, zero C, all-zero FP4 groups and zero scale products enter at the profile's
     * {@code eZero}; an FP4 group that cancels to zero keeps its scale exponent.
     */
    E_ZERO("zero terms (zero product, zero C, all-zero FP4 group, zero scale product) enter at the profile's e_zero"),
    /**
     * The first MMA-Sim release (commit c785138, arithmetic.py): a zero C and a zero scale take
     * exponent −126; an all-zero FP4 group keeps its scale exponents.
     */
    FIRST_RELEASE("first MMA-Sim release: zero C and zero scales take exponent -126; all-zero FP4 groups keep their scale exponent");

    private final String meaning;

    ZeroTermRule(String meaning) {
        this.meaning = meaning;
    }

    @Override
    public String key() {
        return "zero-term-rule";
    }

    @Override
    public String meaning() {
        return meaning;
    }

    @Override
    public String evidence() {
        return "newest MMA-Sim fdpa.py (parameter e_zero) and its exact restatement in FPy; not yet confirmed on a GPU (numerics.md §2)";
    }
}
