package dev.fp4sim.sim.datapath;

import dev.fp4sim.sim.profile.ResultOverflow;

/**
 * The single normalise-and-round step that ends every fused dot-add (numerics.md §2, "Then the
 * result is rounded to the output format"). Input: an exact value {@code s · 2^lsbExponent}
 * with {@code s} a signed integer. All of it is integer arithmetic.
 */
public enum OutputRounding {
    /** f32 output: round toward zero to 24 significant bits; subnormals on the 2^−149 grid. */
    RZ_F32(23, -126, false, false),
    /** Hopper/Ada FP8 with f32 output ("f32_e8m13"): toward zero to 14 significant bits. */
    RZ_E8M13(13, -126, false, false),
    /** f16 output: round to nearest, ties to even, at 10 fractional bits, emin −14. */
    RNE_F16(10, -14, true, true),
    /** Toward zero to f16; no hardware output uses it, only the {@code scale-input-d} alternative. */
    RZ_F16(10, -14, true, false);

    private final int fractionBits;
    private final int emin;
    private final boolean f16;
    private final boolean nearestEven;

    OutputRounding(int fractionBits, int emin, boolean f16, boolean nearestEven) {
        this.fractionBits = fractionBits;
        this.emin = emin;
        this.f16 = f16;
        this.nearestEven = nearestEven;
    }

    /** Whether the output is f16 (else f32 bits). */
    public boolean f16() {
        return f16;
    }

    /** Canonical NaN of the output format: 0x7FFFFFFF or 0x7FFF (numerics.md §3.2). */
    public int canonicalNaN() {
        return f16 ? 0x7FFF : 0x7FFFFFFF;
    }

    public int infinity(boolean negative) {
        return f16 ? (negative ? 0xFC00 : 0x7C00) : (negative ? 0xFF800000 : 0x7F800000);
    }

    private int maxFinite(boolean negative) {
        if (f16) {
            return negative ? 0xFBFF : 0x7BFF;
        }
        int max = this == RZ_E8M13 ? 0x7F7FFC00 : 0x7F7FFFFF;
        return negative ? max | 0x80000000 : max;
    }

    /**
     * Rounds {@code s · 2^lsbExponent} to the output format and returns its bits.
     * A result that is zero, or rounds to zero, is +0 (numerics.md §2).
     */
    public int round(long s, int lsbExponent, ResultOverflow overflow) {
        if (s == 0) {
            return 0;
        }
        boolean negative = s < 0;
        long mag = negative ? -s : s;
        int bitLength = 64 - Long.numberOfLeadingZeros(mag);
        int msbExponent = bitLength - 1 + lsbExponent;
        int keep = fractionBits + 1;
        long sig;
        int exponent;
        if (msbExponent >= emin) {
            sig = shiftRound(mag, keep - bitLength, negative);
            exponent = msbExponent;
            if (sig == (1L << keep)) {
                sig >>= 1;
                exponent++;
            }
        } else {
            // Subnormal range: fixed grid 2^(emin − fractionBits).
            sig = shiftRound(mag, lsbExponent - (emin - fractionBits), negative);
            exponent = sig >= (1L << fractionBits) ? emin : emin - 1;
            if (sig == 0) {
                return 0;
            }
        }
        int maxExponent = f16 ? 15 : 127;
        if (exponent > maxExponent) {
            return overflow == ResultOverflow.INFINITY ? infinity(negative) : maxFinite(negative);
        }
        int bits;
        if (f16) {
            int biased = exponent < emin ? 0 : exponent + 15;
            bits = (biased << 10) | (int) (sig & 0x3FF);
            return negative ? bits | 0x8000 : bits;
        }
        int biased = exponent < emin ? 0 : exponent + 127;
        long mantissa = sig & ((1L << fractionBits) - 1);
        bits = (biased << 23) | (int) (mantissa << (23 - fractionBits));
        return negative ? bits | 0x80000000 : bits;
    }

    /** mag · 2^shift, rounded by this mode (toward zero or nearest-even). */
    private long shiftRound(long mag, int shift, boolean negative) {
        if (shift >= 0) {
            return mag << shift;
        }
        int r = -shift;
        if (r >= 64) {
            return 0;
        }
        long kept = mag >>> r;
        if (!nearestEven) {
            return kept;
        }
        long rem = mag & ((1L << r) - 1);
        long half = 1L << (r - 1);
        if (rem > half || (rem == half && (kept & 1) == 1)) {
            kept++;
        }
        return kept;
    }
}
