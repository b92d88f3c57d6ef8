package dev.fp4sim.verification.datapath;

import dev.fp4sim.sim.datapath.OutputRounding;
import dev.fp4sim.sim.profile.ResultOverflow;
import dev.fp4sim.verification.exact.Exact;
import org.apache.commons.numbers.fraction.BigFraction;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The integer normalise-and-round step against exact rational rounding (numerics.md §2, output
 * rounding), over random sums and every exponent from deep subnormal to overflow.
 */
class OutputRoundingTest {

    private static void check(OutputRounding r, long s, int lsb) {
        BigFraction x = BigFraction.of(s).multiply(Exact.pow2(lsb));
        int expected = switch (r) {
            case RZ_F32 -> Exact.rzF32(x);
            case RZ_E8M13 -> Exact.rzE8m13(x);
            case RNE_F16 -> Exact.rneF16(x);
            case RZ_F16 -> Exact.rzF16(x);
        };
        int actual = r.round(s, lsb, ResultOverflow.INFINITY);
        assertEquals(Integer.toHexString(expected), Integer.toHexString(actual), r + " of " + s + " * 2^" + lsb);
    }

    @Test
    void randomSumsOverAllExponentsMatchExactRounding() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (OutputRounding r : OutputRounding.values()) {
            int lo = r.f16() ? -80 : -230;
            int hi = r.f16() ? 20 : 130;
            for (int lsb = lo; lsb <= hi; lsb++) {
                for (int i = 0; i < 150; i++) {
                    int bits = 1 + rnd.nextInt(50);
                    long s = rnd.nextLong() >> (64 - bits);
                    check(r, s, lsb - bits);
                }
            }
        }
    }

    @Test
    void tiesAndCarriesOfRneF16() {
        // 1 + 2^-11 is a tie at 10 fractional bits: stays 1; 1 + 3·2^-11 rounds up to 1 + 2^-9·... etc.
        for (long s = 2040; s <= 2056; s++) {
            check(OutputRounding.RNE_F16, s, -11);
        }
        check(OutputRounding.RNE_F16, 65520, 0);    // rounds to 65536: Inf
        check(OutputRounding.RNE_F16, 65519, 0);    // 65504
        check(OutputRounding.RNE_F16, 1, -25);      // half of the smallest subnormal: tie to 0
        check(OutputRounding.RNE_F16, 3, -26);      // 0.75 of it: rounds to 2^-24
        check(OutputRounding.RNE_F16, -3, -26);
        check(OutputRounding.RNE_F16, 0x7FF, -25);  // just below the smallest normal 2^-14: rounds up to it
    }

    @Test
    void overflowFollowsTheAssumption() {
        assertEquals(0x7F800000, OutputRounding.RZ_F32.round(1, 128, ResultOverflow.INFINITY));
        assertEquals(0xFF7FFFFF, OutputRounding.RZ_F32.round(-1, 128, ResultOverflow.SATURATE));
        assertEquals(0x7F7FFFFF, OutputRounding.RZ_F32.round((1L << 25) - 1, 103, ResultOverflow.INFINITY),
                "just below 2^128 truncates to MAX_FLOAT");
    }
}
