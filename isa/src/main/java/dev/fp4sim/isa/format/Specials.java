package dev.fp4sim.isa.format;

/**
 * Everything about NaN, infinity and saturation, in one place (the SoftFloat "specialize"
 * layer): which encodings are special, what NaN a conversion produces, and what an overflow
 * becomes. Sources: PTX ISA §5.2.3 (format definitions) and §9.7.9.21 ({@code cvt},
 * {@code .satfinite}); see docs/numerics.md §1.
 */
public enum Specials {
    /** IEEE 754 style: all-ones exponent is Inf (mantissa 0) or NaN. f32, bf16, f16, tf32, e5m2. */
    IEEE,
    /** OCP "fn" e4m3: no infinity; only S.1111.111 is NaN, so the largest finite is 1.75·2^8 = 448. */
    FN_NAN_ALL_ONES,
    /** No specials at all: e2m1, e2m3, e3m2. Every code is a finite number. */
    NONE,
    /** ue4m3: e4m3 without the sign bit (bit 7 is container padding); NaN = 0x7F, no infinity. */
    UE4M3,
    /** ue8m0: a biased exponent only; 0xFF = NaN, no zero, no infinity. */
    UE8M0;

    boolean isNaN(FloatFormat f, int expField, int mantField) {
        int expOnes = (1 << f.exponentBits()) - 1;
        int mantOnes = (1 << f.mantissaBits()) - 1;
        return switch (this) {
            case IEEE -> expField == expOnes && mantField != 0;
            case FN_NAN_ALL_ONES, UE4M3 -> expField == expOnes && mantField == mantOnes;
            case UE8M0 -> expField == expOnes;
            case NONE -> false;
        };
    }

    boolean isInfinite(FloatFormat f, int expField, int mantField) {
        return this == IEEE && expField == (1 << f.exponentBits()) - 1 && mantField == 0;
    }

    boolean hasInfinity() {
        return this == IEEE;
    }

    boolean hasNaN() {
        return this != NONE;
    }

    /** Largest biased exponent field that holds finite values. */
    int maxFiniteExpField(FloatFormat f) {
        int expOnes = (1 << f.exponentBits()) - 1;
        return switch (this) {
            case IEEE, UE8M0 -> expOnes - 1;
            case FN_NAN_ALL_ONES, UE4M3, NONE -> expOnes;
        };
    }

    /** Largest mantissa field at {@link #maxFiniteExpField}. */
    int maxFiniteMantField(FloatFormat f) {
        int mantOnes = (1 << f.mantissaBits()) - 1;
        return (this == FN_NAN_ALL_ONES || this == UE4M3) ? mantOnes - 1 : mantOnes;
    }

    /**
     * The NaN a conversion produces. PTX gives the canonical NaNs 0x7FFFFFFF (f32/tf32) and
     * 0x7FFF (f16/bf16); for 8-bit formats we use the positive all-ones code (0x7F; ue8m0 0xFF).
     * Formats without NaN have no answer: -1.
     */
    int canonicalNaN(FloatFormat f) {
        return switch (this) {
            case NONE -> -1;
            case UE8M0 -> 0xFF;
            case UE4M3 -> 0x7F;
            case FN_NAN_ALL_ONES -> 0x7F;
            case IEEE -> f.storageBits() == 32 ? 0x7FFFFFFF : (f.storageBits() == 16 ? 0x7FFF : 0x7F);
        };
    }

    /**
     * Encoding of a NaN input. PTX {@code .satfinite} (§9.7.9.21): "NaN results are converted to
     * positive MAX_NORM" for FP6/FP4 destinations, which have no NaN; formats with a NaN keep it.
     * FP4/FP6 conversions require {@code .satfinite} in PTX, so without it we apply the same rule.
     */
    int onNaN(FloatFormat f) {
        int nan = canonicalNaN(f);
        return nan >= 0 ? nan : f.maxFiniteCode(false);
    }

    /**
     * Encoding of a result whose magnitude is beyond the largest finite value after rounding
     * (or an infinite input). {@code towardInfinity} says whether IEEE rounding would produce an
     * infinity (RNE/RNA always; RU for positive, RD for negative) or the largest finite value.
     * With {@code .satfinite}: sign-preserved MAX_NORM (positive for unsigned formats).
     * Without it: Inf where the format has one, else NaN where an infinity was due and the
     * format has a NaN (e4m3: 465 -> NaN, as ml_dtypes' non-saturating cast), else MAX_NORM.
     */
    int onOverflow(FloatFormat f, boolean negative, boolean towardInfinity, boolean satfinite) {
        if (satfinite || !towardInfinity) {
            return f.maxFiniteCode(negative);
        }
        if (hasInfinity()) {
            return f.infinityCode(negative);
        }
        return hasNaN() ? canonicalNaN(f) : f.maxFiniteCode(negative);
    }
}
