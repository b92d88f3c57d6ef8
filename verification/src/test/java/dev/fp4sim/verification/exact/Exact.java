package dev.fp4sim.verification.exact;

import org.apache.commons.numbers.fraction.BigFraction;

import java.math.BigInteger;

/** Exact rational helpers for reference models: powers of two, logarithms, directed rounding. */
public final class Exact {

    private Exact() {
    }

    public static BigFraction pow2(int e) {
        return e >= 0 ? BigFraction.of(BigInteger.ONE.shiftLeft(e)) : BigFraction.of(BigInteger.ONE, BigInteger.ONE.shiftLeft(-e));
    }

    /** floor(log2 |x|) for x != 0. */
    public static int floorLog2(BigFraction x) {
        BigFraction a = x.abs();
        int e = a.getNumerator().bitLength() - a.getDenominator().bitLength();
        if (a.compareTo(pow2(e)) < 0) {
            e--;
        }
        return e;
    }

    /** The integer part of x, toward zero. */
    public static BigInteger truncate(BigFraction x) {
        return x.getNumerator().divide(x.getDenominator());
    }

    /** The exact value of f32 bits (finite only). */
    public static BigFraction f32(int bits) {
        return BigFraction.from(Float.intBitsToFloat(bits));
    }

    /**
     * Round toward zero to f32 (24 significant bits, subnormals on 2^-149, numerics.md §2);
     * a zero result is +0; |x| >= 2^128 gives ±Inf (the default overflow assumption).
     */
    public static int rzF32(BigFraction x) {
        return roundToF32Grid(x, 23, 0x7F800000);
    }

    /** Round toward zero to 14 significant bits ("f32_e8m13"), subnormals on 2^-139. */
    public static int rzE8m13(BigFraction x) {
        return roundToF32Grid(x, 13, 0x7F800000);
    }

    private static int roundToF32Grid(BigFraction x, int fractionBits, int infBits) {
        if (x.signum() == 0) {
            return 0;
        }
        boolean negative = x.signum() < 0;
        BigFraction a = x.abs();
        int sign = negative ? 0x80000000 : 0;
        if (a.compareTo(pow2(128)) >= 0) {
            return sign | infBits;
        }
        int e = Math.max(floorLog2(a), -126);
        BigInteger q = truncate(a.multiply(pow2(fractionBits - e)));
        if (q.signum() == 0) {
            return 0;
        }
        int mantissa = q.intValue();
        int bits;
        if (floorLog2(a) < -126) {
            bits = mantissa << (23 - fractionBits);
        } else {
            bits = ((e + 127) << 23) | ((mantissa - (1 << fractionBits)) << (23 - fractionBits));
        }
        return sign | bits;
    }

    /** Round toward zero to f16 (11 significant bits, emin -14); >= 65536 gives Inf; zero is +0. */
    public static int rzF16(BigFraction x) {
        if (x.signum() == 0) {
            return 0;
        }
        BigFraction a = x.abs();
        int sign = x.signum() < 0 ? 0x8000 : 0;
        if (a.compareTo(pow2(16)) >= 0) {
            return sign | 0x7C00;
        }
        int e = Math.max(floorLog2(a), -14);
        int m = truncate(a.multiply(pow2(10 - e))).intValue();
        if (m == 0) {
            return 0;
        }
        return sign | (m < 1024 ? m : ((e + 15) << 10) | (m - 1024));
    }

    /** Round to nearest even to f16 (11 significant bits, emin -14); >= 65520 gives Inf; zero is +0. */
    public static int rneF16(BigFraction x) {
        if (x.signum() == 0) {
            return 0;
        }
        boolean negative = x.signum() < 0;
        BigFraction a = x.abs();
        int e = Math.max(floorLog2(a), -14);
        BigFraction scaled = a.multiply(pow2(10 - e));
        BigInteger q = truncate(scaled);
        BigFraction rem = scaled.subtract(BigFraction.of(q));
        int cmp = rem.compareTo(BigFraction.of(1, 2));
        if (cmp > 0 || (cmp == 0 && q.testBit(0))) {
            q = q.add(BigInteger.ONE);
        }
        if (q.signum() == 0) {
            return 0;
        }
        int sign = negative ? 0x8000 : 0;
        int m = q.intValue();
        if (m == 2048) {
            m = 1024;
            e++;
        }
        if (e > 15) {
            return sign | 0x7C00;
        }
        int bits = m < 1024 ? m : ((e + 15) << 10) | (m - 1024);
        return sign | bits;
    }
}
