package dev.fp4sim.verification.exact;

import org.apache.commons.numbers.fraction.BigFraction;

/**
 * Element formats restated from their definitions (numerics.md §1, numerics-sources §1.2–1.4, OCP
 * OFP8/MX, IEEE 754) as exact rationals, without the simulator's format code: the test-side decoder.
 */
public final class ExactFormats {

    /** How a format spends its top exponent code. */
    public enum Specials { IEEE, E4M3_NAN_ONLY, NONE }

    /** A binary floating-point format: sign bit, {@code e} exponent bits, {@code m} mantissa bits. */
    public record Spec(String name, int e, int m, int bias, Specials specials) {

        public int bits() {
            return 1 + e + m;
        }

        /** Smallest normal exponent: the alignment exponent of every subnormal (numerics.md §2). */
        public int emin() {
            return 1 - bias;
        }

        public int maxExpField() {
            return (1 << e) - 1;
        }
    }

    /** A decoded code: NaN, ±Inf, or a finite exact value. */
    public record Value(boolean nan, int inf, BigFraction value) {

        public boolean finite() {
            return !nan && inf == 0;
        }
    }

    private ExactFormats() {
    }

    public static Spec spec(String name) {
        return switch (name) {
            case "f32" -> new Spec("f32", 8, 23, 127, Specials.IEEE);
            case "tf32" -> new Spec("tf32", 8, 10, 127, Specials.IEEE);
            case "f16" -> new Spec("f16", 5, 10, 15, Specials.IEEE);
            case "bf16" -> new Spec("bf16", 8, 7, 127, Specials.IEEE);
            case "e5m2" -> new Spec("e5m2", 5, 2, 15, Specials.IEEE);
            case "e4m3" -> new Spec("e4m3", 4, 3, 7, Specials.E4M3_NAN_ONLY);
            case "e3m2" -> new Spec("e3m2", 3, 2, 3, Specials.NONE);
            case "e2m3" -> new Spec("e2m3", 2, 3, 1, Specials.NONE);
            case "e2m1" -> new Spec("e2m1", 2, 1, 1, Specials.NONE);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * Decodes a code of {@code spec.bits()} bits. tf32 codes are given as full f32 bits whose low 13
     * mantissa bits the hardware ignores (golden-format.md), so they are dropped first.
     */
    public static Value decode(Spec s, int code) {
        if (s.name().equals("tf32")) {
            code = code >>> 13;
        }
        int sign = (code >>> (s.e() + s.m())) & 1;
        int exp = (code >>> s.m()) & s.maxExpField();
        int man = code & ((1 << s.m()) - 1);
        boolean top = exp == s.maxExpField();
        if (s.specials() == Specials.IEEE && top) {
            return man == 0 ? new Value(false, sign == 1 ? -1 : 1, null) : new Value(true, 0, null);
        }
        if (s.specials() == Specials.E4M3_NAN_ONLY && top && man == (1 << s.m()) - 1) {
            return new Value(true, 0, null);
        }
        BigFraction v = exp == 0
                ? BigFraction.of(man).multiply(Exact.pow2(s.emin() - s.m()))
                : BigFraction.of((1 << s.m()) + man).multiply(Exact.pow2(exp - s.bias() - s.m()));
        return new Value(false, 0, sign == 1 ? v.negate() : v);
    }

    /** The alignment exponent of a non-zero finite value: max(floor(log2 |x|), emin) (numerics.md §2). */
    public static int alignExponent(Spec s, BigFraction x) {
        return Math.max(Exact.floorLog2(x.abs()), s.emin());
    }
}
