package dev.fp4sim.sim.profile;

/** Alignment exponent of e2m1/e2m3/e3m2 subnormals under the unscaled kinds (kind::f8f6f4, mxf8f6f4). */
public enum SubByteEmin implements Assumption {
    /** The format's emin: e2m1 0, e2m3 0, e3m2 −2 (the paper's Exp(x) = max(logb x, emin)). */
    FORMAT_EMIN("subnormal e2m1/e2m3/e3m2 operands align at the format's emin (e2m1 0, e2m3 0, e3m2 -2)"),
    /** Subnormals normalised to their own binade (as converting through f16 would, e.g. 0.5 at −1). */
    NORMALIZED("subnormal e2m1/e2m3/e3m2 operands are normalised (e2m1 0.5 aligns at -1)");

    private final String meaning;

    SubByteEmin(String meaning) {
        this.meaning = meaning;
    }

    @Override
    public String key() {
        return "sub-byte-emin";
    }

    @Override
    public String meaning() {
        return meaning;
    }

    @Override
    public String evidence() {
        return "not characterised by MMA-Sim (no FP6, e2m1 unscaled path not runnable there); numerics.md §3.2 names the emin an assumption (numerics-sources §2.6)";
    }
}
