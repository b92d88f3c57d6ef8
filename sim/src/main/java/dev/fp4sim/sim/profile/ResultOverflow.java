package dev.fp4sim.sim.profile;

/** What a result of magnitude 2^128 or more becomes (after the RZ output conversion). */
public enum ResultOverflow implements Assumption {
    /** ±Inf, although the output rounding is toward zero. */
    INFINITY("a result >= 2^128 in magnitude becomes +-Inf"),
    /** ± the largest finite value, as IEEE round-toward-zero would give. */
    SATURATE("a result >= 2^128 in magnitude becomes +-MAX_FLOAT (IEEE RZ behaviour)");

    private final String meaning;

    ResultOverflow(String meaning) {
        this.meaning = meaning;
    }

    @Override
    public String key() {
        return "result-overflow";
    }

    @Override
    public String meaning() {
        return meaning;
    }

    @Override
    public String evidence() {
        return "FPy nv.py fdpa_round: 'hardware conversions overflow to infinity, never to the maximum finite value'; MMA-Sim gets the same via a float64->float32 cast; uncharacterised on hardware for block-scaled kinds (numerics.md §3.1)";
    }
}
