package dev.fp4sim.isa.format;

import org.apache.commons.numbers.fraction.BigFraction;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The value of every code of every format, written from the spec tables (numerics.md §1,
 * PTX ISA §5.2.3) in exact rationals, without using the code under test. Returns null for
 * NaN and ±Inf are signalled through {@link #INF}/{@link #NEG_INF}.
 */
final class SpecValues {

    static final BigFraction INF = BigFraction.of(Long.MAX_VALUE);
    static final BigFraction NEG_INF = BigFraction.of(Long.MIN_VALUE);

    private SpecValues() {
    }

    record Layout(int signBits, int expBits, int manBits, int bias, int lowPadding) {
    }

    static Layout layout(FloatFormat f) {
        return switch (f) {
            case E2M1 -> new Layout(1, 2, 1, 1, 0);
            case E2M3 -> new Layout(1, 2, 3, 1, 0);
            case E3M2 -> new Layout(1, 3, 2, 3, 0);
            case E4M3 -> new Layout(1, 4, 3, 7, 0);
            case E5M2 -> new Layout(1, 5, 2, 15, 0);
            case UE4M3 -> new Layout(0, 4, 3, 7, 0);
            case UE8M0 -> new Layout(0, 8, 0, 127, 0);
            case F16 -> new Layout(1, 5, 10, 15, 0);
            case BF16 -> new Layout(1, 8, 7, 127, 0);
            case TF32 -> new Layout(1, 8, 10, 127, 13);
            case F32 -> new Layout(1, 8, 23, 127, 0);
        };
    }

    static BigFraction pow2(int e) {
        return e >= 0 ? BigFraction.of(BigInteger.ONE.shiftLeft(e)) : BigFraction.of(BigInteger.ONE, BigInteger.ONE.shiftLeft(-e));
    }

    /** Exact value of {@code code}; null for NaN; INF/NEG_INF for infinities. */
    static BigFraction value(FloatFormat f, int code) {
        Layout l = layout(f);
        int mant = (code >>> l.lowPadding()) & ((1 << l.manBits()) - 1);
        int exp = (code >>> (l.lowPadding() + l.manBits())) & ((1 << l.expBits()) - 1);
        boolean neg = l.signBits() == 1 && ((code >>> (l.lowPadding() + l.manBits() + l.expBits())) & 1) == 1;
        int expOnes = (1 << l.expBits()) - 1;
        int manOnes = (1 << l.manBits()) - 1;
        switch (f) {
            case F32, F16, BF16, TF32, E5M2 -> {
                if (exp == expOnes) {
                    return mant == 0 ? (neg ? NEG_INF : INF) : null;
                }
            }
            case E4M3, UE4M3 -> {
                if (exp == expOnes && mant == manOnes) {
                    return null;
                }
            }
            case UE8M0 -> {
                if (exp == 0xFF) {
                    return null;
                }
                return pow2(exp - 127);
            }
            default -> {
                // e2m1, e2m3, e3m2: no specials
            }
        }
        BigFraction v;
        if (exp == 0) {
            v = BigFraction.of(mant).multiply(pow2(1 - l.bias() - l.manBits()));
        } else {
            v = BigFraction.of(mant + (1 << l.manBits())).multiply(pow2(exp - l.bias() - l.manBits()));
        }
        return neg ? v.negate() : v;
    }

    /** Every finite code in increasing order of value, the larger code first among equal values (±0). */
    static List<int[]> finiteCodesByValue(FloatFormat f) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < f.codeCount(); i++) {
            int code = f.codeAt(i);
            BigFraction v = value(f, code);
            if (v != null && v != INF && v != NEG_INF) {
                out.add(new int[] {code});
            }
        }
        out.sort((x, y) -> value(f, x[0]).compareTo(value(f, y[0])));
        return out;
    }

    /**
     * The value just above the largest finite one that rounding "as if the exponent range were
     * unbounded" would produce: max + one unit in its last place. Hand-derived from the table in
     * numerics.md §1: e2m1 6 → 8, e2m3 7.5 → 8, e3m2 28 → 32, e4m3 448 → 480, e5m2 57344 → 65536,
     * ue8m0 2^127 → 2^128, f16 65504 → 65536, bf16/tf32/f32 → 2^128.
     */
    static BigFraction beyondMax(FloatFormat f) {
        return switch (f) {
            case E2M1, E2M3 -> BigFraction.of(8);
            case E3M2 -> BigFraction.of(32);
            case E4M3, UE4M3 -> BigFraction.of(480);
            case E5M2, F16 -> BigFraction.of(65536);
            case UE8M0, BF16, TF32, F32 -> pow2(128);
        };
    }
}
