package dev.fp4sim.isa.format;

import org.apache.commons.numbers.fraction.BigFraction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Encoding (PTX {@code cvt}) checked against an independent reference: the sorted table of all
 * representable values from {@link SpecValues}, the neighbours of each input found by search,
 * the rounding decision made with exact rationals, and the PTX special-value rules applied
 * from the spec text (numerics.md §1, §4; PTX §9.7.9.21). Inputs: every representable value,
 * every midpoint between neighbours and the doubles just around them, both signs, every mode,
 * with and without satfinite.
 */
class FloatFormatEncodeTest {

    /** Sorted non-negative finite magnitudes of a format, with their codes. */
    private record Table(FloatFormat f, double[] mags, int[] codes) {

        static Table of(FloatFormat f) {
            List<double[]> rows = new ArrayList<>();
            for (int i = 0; i < f.codeCount(); i++) {
                int code = f.codeAt(i);
                BigFraction v = SpecValues.value(f, code);
                if (v == null || v == SpecValues.INF || v == SpecValues.NEG_INF || v.signum() < 0) {
                    continue;
                }
                if (v.signum() == 0 && code != 0) {
                    continue; // keep +0 only
                }
                rows.add(new double[] {v.doubleValue(), code});
            }
            rows.sort((x, y) -> Double.compare(x[0], y[0]));
            double[] mags = new double[rows.size()];
            int[] codes = new int[rows.size()];
            for (int i = 0; i < mags.length; i++) {
                mags[i] = rows.get(i)[0];
                codes[i] = (int) rows.get(i)[1];
            }
            return new Table(f, mags, codes);
        }
    }

    private static int negate(FloatFormat f, int code) {
        return code | (1 << (f.storageBits() - 1));
    }

    private static int canonicalNaN(FloatFormat f) {
        return switch (f) {
            case F32, TF32 -> 0x7FFFFFFF;
            case F16, BF16 -> 0x7FFF;
            case E5M2, E4M3, UE4M3 -> 0x7F;
            case UE8M0 -> 0xFF;
            case E2M1, E2M3, E3M2 -> -1;
        };
    }

    private static int maxCode(Table t, boolean negative) {
        int c = t.codes[t.codes.length - 1];
        return negative && t.f.signed() ? negate(t.f, c) : c;
    }

    /** PTX: NaN → NaN, or +MAX_NORM for the FP4/FP6 destinations that have no NaN. */
    private static int nanResult(Table t) {
        int nan = canonicalNaN(t.f);
        return nan >= 0 ? nan : maxCode(t, false);
    }

    /** Overflow past the largest finite value. */
    private static int overflowResult(Table t, boolean negative, boolean satfinite) {
        if (satfinite) {
            return maxCode(t, negative);
        }
        return switch (t.f.specials()) {
            case IEEE -> negative ? negate(t.f, t.f.codeAt(0) | infBits(t.f)) : infBits(t.f);
            case FN_NAN_ALL_ONES, UE4M3, UE8M0 -> canonicalNaN(t.f);
            case NONE -> maxCode(t, negative);
        };
    }

    private static int infBits(FloatFormat f) {
        return switch (f) {
            case F32, TF32 -> 0x7F800000;
            case F16 -> 0x7C00;
            case BF16 -> 0x7F80;
            case E5M2 -> 0x7C;
            default -> throw new IllegalStateException();
        };
    }

    /** The reference conversion. */
    static int reference(Table t, double x, Rounding mode, boolean sat) {
        FloatFormat f = t.f;
        if (Double.isNaN(x)) {
            return nanResult(t);
        }
        boolean negative = x < 0 || (x == 0 && 1 / x < 0 && f.signed());
        if (!f.signed() && negative && x != 0) {
            return nanResult(t);
        }
        boolean neg = negative && f.signed();
        if (Double.isInfinite(x)) {
            return overflowResult(t, neg, sat);
        }
        double a = Math.abs(x);
        double[] mags = t.mags;
        int n = mags.length;
        boolean hasZero = mags[0] == 0;
        // lo = largest magnitude <= a (index, -1 for a virtual zero below ue8m0's minimum), hi = index or n (beyond max)
        int lo = -1;
        int lowIdx = 0;
        int highIdx = n - 1;
        while (lowIdx <= highIdx) {
            int mid = (lowIdx + highIdx) >>> 1;
            if (mags[mid] <= a) {
                lo = mid;
                lowIdx = mid + 1;
            } else {
                highIdx = mid - 1;
            }
        }
        int chosen;
        if (lo >= 0 && mags[lo] == a) {
            chosen = lo;
        } else {
            int hi = lo + 1;
            BigFraction loV = lo >= 0 ? BigFraction.from(mags[lo]) : BigFraction.ZERO;
            BigFraction hiV = hi < n ? BigFraction.from(mags[hi]) : SpecValues.beyondMax(f);
            BigFraction midV = loV.add(hiV).divide(2);
            int cmp = BigFraction.from(a).compareTo(midV);
            boolean loEven = lo < 0 || (t.codes[lo] >>> (f == FloatFormat.TF32 ? 13 : 0) & 1) == 0;
            boolean up = switch (mode) {
                case RZ -> false;
                case RU -> !negative;
                case RD -> negative;
                case RNA -> cmp >= 0;
                case RNE -> cmp > 0 || (cmp == 0 && !loEven);
            };
            chosen = up ? hi : lo;
        }
        if (chosen == n) {
            return overflowResult(t, neg, sat);
        }
        if (chosen < 0) {
            // below ue8m0's smallest value, which has no zero
            return sat ? 0x00 : canonicalNaN(f);
        }
        int code = t.codes[chosen];
        if (mags[chosen] == 0 && !hasZero) {
            throw new IllegalStateException();
        }
        return neg ? negate(f, code) : code;
    }

    private static List<Double> inputs(Table t) {
        List<Double> xs = new ArrayList<>();
        double[] m = t.mags;
        for (int i = 0; i < m.length; i++) {
            double v = m[i];
            double next = i + 1 < m.length ? m[i + 1] : SpecValues.beyondMax(t.f).doubleValue();
            double mid = (v + next) / 2; // exact: neighbours differ in few bits
            for (double x : new double[] {v, Math.nextUp(v), Math.nextDown(v), mid, Math.nextUp(mid), Math.nextDown(mid)}) {
                if (x >= 0) {
                    xs.add(x);
                    xs.add(-x);
                }
            }
        }
        double[] extremes = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-300, Double.MAX_VALUE, -Double.MAX_VALUE,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 1e300, -1e300};
        for (double x : extremes) {
            xs.add(x);
        }
        return xs;
    }

    private static void checkAll(FloatFormat f, List<Double> xs, Table t) {
        for (double x : xs) {
            for (Rounding mode : Rounding.values()) {
                for (boolean sat : new boolean[] {false, true}) {
                    int expected = reference(t, x, mode, sat);
                    int actual = f.encode(x, mode, sat);
                    if (expected != actual) {
                        assertEquals(hex(expected), hex(actual), f + " encode(" + x + " = " + Double.toHexString(x)
                                + ", " + mode + (sat ? ", satfinite" : "") + ")");
                    }
                }
            }
        }
    }

    private static String hex(int code) {
        return "0x" + Integer.toHexString(code);
    }

    @ParameterizedTest
    @EnumSource(value = FloatFormat.class, names = {"E2M1", "E2M3", "E3M2", "E4M3", "E5M2", "UE4M3", "UE8M0", "F16", "BF16"})
    void everyValueMidpointAndNeighbourRoundsLikeTheReference(FloatFormat f) {
        Table t = Table.of(f);
        checkAll(f, inputs(t), t);
    }

    /** tf32 has 2^19 codes; the full table is built, and a large random sample of inputs is checked. */
    @Test
    void tf32RoundsLikeTheReference() {
        Table t = Table.of(FloatFormat.TF32);
        List<Double> all = inputs(t);
        List<Double> sample = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(19);
        for (int i = 0; i < 60_000; i++) {
            sample.add(all.get(rnd.nextInt(all.size())));
        }
        // every binade boundary region exhaustively: the smallest and largest 4096 magnitudes
        for (int i = 0; i < 4096 * 12; i++) {
            sample.add(all.get(i));
            sample.add(all.get(all.size() - 1 - i));
        }
        checkAll(FloatFormat.TF32, sample, t);
    }

    /** f32 from f64 with RNE and no satfinite is Java's (float) cast: an independent oracle. */
    @Test
    void f32RneMatchesTheJavaNarrowingConversion() {
        SplittableRandom rnd = new SplittableRandom(32);
        for (int i = 0; i < 200_000; i++) {
            double x = Double.longBitsToDouble(rnd.nextLong());
            if (i % 3 == 0) {
                x = Math.scalb(rnd.nextDouble() * 2 - 1, rnd.nextInt(-160, 140));
            }
            float jdk = (float) x;
            int expected = Float.isNaN(jdk) ? 0x7FFFFFFF : Float.floatToRawIntBits(jdk);
            assertEquals(hex(expected), hex(FloatFormat.F32.encode(x, Rounding.RNE, false)), "x = " + Double.toHexString(x));
        }
    }

    /** Hand-derived from numerics-sources §1.1 and §5: the e2m1 RNE boundaries TE and ModelOpt use. */
    @Test
    void e2m1RoundToNearestEvenBoundaries() {
        double[][] cases = {{0.25, 0}, {0.2500001, 0.5}, {0.75, 1.0}, {1.25, 1.0}, {1.75, 2.0}, {2.5, 2.0},
                {3.5, 4.0}, {5.0, 4.0}, {5.0000001, 6.0}, {7.0, 6.0}, {1e9, 6.0}, {-0.25, -0.0}, {-2.5, -2.0}};
        for (double[] c : cases) {
            int code = FloatFormat.E2M1.encode(c[0], Rounding.RNE, true);
            assertEquals(c[1], FloatFormat.E2M1.toDouble(code), "e2m1(" + c[0] + ")");
        }
        assertEquals(0x7, FloatFormat.E2M1.encode(Double.NaN, Rounding.RNE, true), "PTX: NaN becomes +MAX_NORM");
        assertEquals(0xF, FloatFormat.E2M1.encode(Double.NEGATIVE_INFINITY, Rounding.RNE, true));
    }

    /** ml_dtypes issue #260: 464 → 448 and 465 → NaN without saturation; 448 with satfinite. */
    @Test
    void e4m3OverflowBoundary() {
        assertEquals(0x7E, FloatFormat.E4M3.encode(464.0, Rounding.RNE, false));
        assertEquals(0x7F, FloatFormat.E4M3.encode(465.0, Rounding.RNE, false));
        assertEquals(0x7E, FloatFormat.E4M3.encode(465.0, Rounding.RNE, true));
        assertEquals(0x7E, FloatFormat.E4M3.encode(1e6, Rounding.RZ, false), "RZ never overflows to a special");
        assertEquals(0xFE, FloatFormat.E4M3.encode(-1e6, Rounding.RNE, true));
    }

    /** ue8m0: cvt.rz / cvt.rp exist for MX scales (numerics-sources §4.1). */
    @Test
    void ue8m0DirectedRounding() {
        assertEquals(127, FloatFormat.UE8M0.encode(1.5, Rounding.RZ, true));
        assertEquals(128, FloatFormat.UE8M0.encode(1.5, Rounding.RU, true));
        assertEquals(0xFE, FloatFormat.UE8M0.encode(Double.MAX_VALUE, Rounding.RZ, true));
        assertEquals(0xFE, FloatFormat.UE8M0.encode(Double.POSITIVE_INFINITY, Rounding.RU, true), "satfinite: +MAX_NORM");
        assertEquals(0xFF, FloatFormat.UE8M0.encode(Double.NaN, Rounding.RZ, true));
        assertEquals(0x00, FloatFormat.UE8M0.encode(0.0, Rounding.RU, true), "no zero: saturates to 2^-127");
        assertEquals(0xFF, FloatFormat.UE8M0.encode(0.0, Rounding.RZ, false), "no zero: NaN without satfinite");
    }
}
