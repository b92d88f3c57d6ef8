package dev.fp4sim.sim.profile;

/** What a block-scaled MMA does with C = ±Inf (the products cannot be infinite there). */
public enum InfiniteAccumulator implements Assumption {
    /** D = C: the infinity propagates, as in the IEEE special-value rules of the unscaled kinds. */
    PROPAGATE("C = +-Inf gives D = C (unless a scale is NaN)"),
    /** D = canonical NaN. */
    NAN("C = +-Inf gives the canonical NaN 0x7FFFFFFF");

    private final String meaning;

    InfiniteAccumulator(String meaning) {
        this.meaning = meaning;
    }

    @Override
    public String key() {
        return "infinite-c";
    }

    @Override
    public String meaning() {
        return meaning;
    }

    @Override
    public String evidence() {
        return "not characterised by the MMA-Sim study for block-scaled kinds; FPy dpa_special_values propagates an infinite C for the unscaled kinds (numerics.md §3.1)";
    }
}
