package dev.fp4sim.isa.format;

import org.apache.commons.numbers.fraction.BigFraction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every code of every format of 16 bits or fewer (and all 2^19 tf32 codes), decoded and checked
 * against the exact value written from the spec tables (ml_dtypes-style exhaustive testing).
 */
class FloatFormatDecodeTest {

    @ParameterizedTest
    @EnumSource(value = FloatFormat.class, names = {"E2M1", "E2M3", "E3M2", "E4M3", "E5M2", "UE4M3", "UE8M0", "F16", "BF16", "TF32"})
    void everyCodeDecodesToItsSpecValue(FloatFormat f) {
        int nan = 0;
        int inf = 0;
        for (int i = 0; i < f.codeCount(); i++) {
            int code = f.codeAt(i);
            BigFraction expected = SpecValues.value(f, code);
            if (expected == null) {
                assertTrue(f.isNaN(code), () -> f + " code " + Integer.toHexString(code) + " should be NaN");
                assertEquals(FpClass.NAN, f.classify(code));
                assertTrue(Double.isNaN(f.toDouble(code)));
                nan++;
                continue;
            }
            assertFalse(f.isNaN(code), () -> f + " code " + Integer.toHexString(code) + " is not NaN");
            if (expected == SpecValues.INF || expected == SpecValues.NEG_INF) {
                assertTrue(f.isInfinite(code));
                assertEquals(expected == SpecValues.INF ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY, f.toDouble(code));
                inf++;
                continue;
            }
            BigFraction actual = BigFraction.from(f.toDouble(code));
            assertEquals(0, expected.compareTo(actual), () -> f + " code 0x" + Integer.toHexString(code)
                    + ": expected " + expected + ", got " + actual);
            // (significand, exponent) is the datapath's sig_exp pair (numerics.md §2).
            BigFraction fromParts = BigFraction.of(f.significand(code))
                    .multiply(SpecValues.pow2(f.exponent(code) - f.mantissaBits()));
            assertEquals(0, expected.abs().compareTo(fromParts), () -> f + " 0x" + Integer.toHexString(code) + " sig/exp");
            if (expected.signum() != 0) {
                int floorLog2 = floorLog2(expected.abs());
                assertEquals(Math.max(floorLog2, f.emin()), f.exponent(code), () -> f + " exponent of 0x" + Integer.toHexString(code));
                assertEquals(floorLog2 < f.emin() ? FpClass.SUBNORMAL : FpClass.NORMAL, f.classify(code));
            } else {
                assertEquals(FpClass.ZERO, f.classify(code));
                assertTrue(f.isZero(code));
            }
        }
        Map<FloatFormat, int[]> specials = Map.of(
                FloatFormat.E2M1, new int[] {0, 0}, FloatFormat.E2M3, new int[] {0, 0}, FloatFormat.E3M2, new int[] {0, 0},
                FloatFormat.E4M3, new int[] {2, 0}, FloatFormat.E5M2, new int[] {6, 2}, FloatFormat.UE4M3, new int[] {1, 0},
                FloatFormat.UE8M0, new int[] {1, 0}, FloatFormat.F16, new int[] {2046, 2},
                FloatFormat.BF16, new int[] {254, 2}, FloatFormat.TF32, new int[] {2046, 2});
        assertEquals(specials.get(f)[0], nan, f + " NaN count");
        assertEquals(specials.get(f)[1], inf, f + " Inf count");
    }

    /** The "max finite" column of numerics.md §1. */
    @Test
    void maxFiniteValuesMatchTheSpecTable() {
        assertEquals(6.0, FloatFormat.E2M1.maxFinite());
        assertEquals(7.5, FloatFormat.E2M3.maxFinite());
        assertEquals(28.0, FloatFormat.E3M2.maxFinite());
        assertEquals(448.0, FloatFormat.E4M3.maxFinite());
        assertEquals(57344.0, FloatFormat.E5M2.maxFinite());
        assertEquals(448.0, FloatFormat.UE4M3.maxFinite());
        assertEquals(Math.scalb(1.0, 127), FloatFormat.UE8M0.maxFinite());
        assertEquals(65504.0, FloatFormat.F16.maxFinite());
        assertEquals(Float.MAX_VALUE, (float) FloatFormat.F32.maxFinite());
    }

    /** numerics.md §1: e2m1 values 0, .5, 1, 1.5, 2, 3, 4, 6 and negatives. */
    @Test
    void e2m1ValueTable() {
        double[] table = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
        for (int code = 0; code < 16; code++) {
            double v = table[code & 7];
            assertEquals((code & 8) != 0 ? -v : v, FloatFormat.E2M1.toDouble(code), "code " + code);
        }
    }

    /** numerics.md §1: ue8m0 value = 2^(bits − 127), so 0x00 = 2^−127; 0xFF = NaN. */
    @Test
    void ue8m0IsAPureExponent() {
        assertEquals(Math.scalb(1.0, -127), FloatFormat.UE8M0.toDouble(0x00));
        assertEquals(1.0, FloatFormat.UE8M0.toDouble(0x7F));
        assertTrue(FloatFormat.UE8M0.isNaN(0xFF));
        assertFalse(FloatFormat.UE8M0.isZero(0x00));
    }

    /** The ue4m3 container's bit 7 is padding (PTX §5.2.3); the format ignores it. */
    @Test
    void ue4m3IgnoresBitSevenOfTheContainer() {
        for (int code = 0; code < 128; code++) {
            double low = FloatFormat.UE4M3.toDouble(code);
            double high = FloatFormat.UE4M3.toDouble(code | 0x80);
            assertEquals(Double.doubleToLongBits(low), Double.doubleToLongBits(high));
        }
    }

    /** f32 has 2^32 codes: check the exact value of a structured sample against the JDK's float decoding. */
    @Test
    void f32MatchesJavaFloatOnEveryExponentAndBoundaryMantissa() {
        int[] mantissas = {0, 1, 2, 0x3FFFFF, 0x400000, 0x400001, 0x7FFFFE, 0x7FFFFF, 0x2AAAAA, 0x555555};
        for (int e = 0; e < 256; e++) {
            for (int m : mantissas) {
                for (int s = 0; s < 2; s++) {
                    int bits = (s << 31) | (e << 23) | m;
                    float jdk = Float.intBitsToFloat(bits);
                    double ours = FloatFormat.F32.toDouble(bits);
                    if (Float.isNaN(jdk)) {
                        assertTrue(Double.isNaN(ours));
                    } else {
                        assertEquals((double) jdk, ours, "bits " + Integer.toHexString(bits));
                    }
                }
            }
        }
    }

    /** tf32 ignores the low 13 bits of its f32 container (numerics.md §1). */
    @Test
    void tf32TruncatesItsContainer() {
        assertEquals(1.0, FloatFormat.TF32.toDouble(0x3F801FFF));
        assertEquals(1.0 + 1.0 / 1024, FloatFormat.TF32.toDouble(0x3F802000));
        assertTrue(FloatFormat.TF32.isInfinite(0x7F800001), "a NaN whose payload lies only in the ignored bits reads as Inf");
    }

    static int floorLog2(BigFraction x) {
        int e = x.getNumerator().bitLength() - x.getDenominator().bitLength();
        if (x.compareTo(SpecValues.pow2(e)) < 0) {
            e--;
        }
        return e;
    }
}
