package dev.fp4sim.sim.datapath;

/**
 * Aligning one term to the fused-sum grid (numerics.md §2: {@code trunc(sig · 2^(F + exp − E))}).
 * Truncation is toward zero in sign-magnitude, not a two's-complement floor
 * (numerics-sources §2.1, "Sign of the truncation").
 */
public final class Alignment {

    private Alignment() {
    }

    /**
     * {@code m · 2^shift} truncated toward zero. Callers guarantee that a left shift cannot
     * overflow; right shifts of 63 or more give 0 (Java would reduce the count mod 64).
     */
    public static long truncShift(long m, int shift) {
        if (shift >= 0) {
            return m << shift;
        }
        if (shift <= -63) {
            return 0;
        }
        return m < 0 ? -((-m) >> -shift) : m >> -shift;
    }
}
