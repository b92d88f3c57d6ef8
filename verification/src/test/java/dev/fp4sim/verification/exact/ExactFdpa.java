package dev.fp4sim.verification.exact;

import org.apache.commons.numbers.fraction.BigFraction;

import java.math.BigInteger;

/**
 * T-FDPA and ST-FDPA (numerics.md §3.2, numerics-sources §2.2–2.5) restated in exact rationals from
 * the spec text, without the simulator's code: special values first (NaN anywhere, Inf·0 or +Inf with
 * −Inf → NaN; otherwise an Inf wins), then every product and C is aligned to the largest alignment
 * exponent E (zero terms at e_zero), truncated toward zero onto the grid 2^(E − F), summed exactly
 * and rounded once to the output format. An instruction of K > L runs as K/L such steps.
 *
 * @param f         fractional bits F
 * @param chunk     L: products per fused step
 * @param eZero     alignment exponent of zero terms
 * @param output    "rz-f32", "rz-e8m13" or "rne-f16"
 */
public record ExactFdpa(int f, int chunk, int eZero, String output) {

    /** Outcome of one step: D bits and whether any term lost bits to the grid. */
    public record Step(int d, boolean truncated, BigFraction exactSum) {
    }

    private boolean f16Out() {
        return output.equals("rne-f16");
    }

    private int nan() {
        return f16Out() ? 0x7FFF : 0x7FFFFFFF;
    }

    private int round(BigFraction x) {
        return switch (output) {
            case "rz-f32" -> Exact.rzF32(x);
            case "rz-e8m13" -> Exact.rzE8m13(x);
            case "rne-f16" -> Exact.rneF16(x);
            default -> throw new IllegalArgumentException(output);
        };
    }

    /**
     * One fused step over terms {@code [off, off + n)}.
     *
     * @param scaleExp  ST-FDPA: exponent of the product of the two ue8m0 block scales (0 if unscaled);
     *                  {@code Integer.MIN_VALUE} when a scale is NaN
     * @param negA      negate A (instruction descriptor bit 13): every A value changes sign
     * @param cShift    scale-input-d: C enters as C·2^−s, its alignment exponent lowered by s
     */
    public Step step(ExactFormats.Spec sa, int[] a, ExactFormats.Spec sb, int[] b, int off, int n, int scaleExp,
                     boolean negA, boolean negB, ExactFormats.Spec sc, int cBits, int cShift) {
        boolean nan = scaleExp == Integer.MIN_VALUE;
        boolean pos = false;
        boolean neg = false;
        ExactFormats.Value[] va = new ExactFormats.Value[n];
        ExactFormats.Value[] vb = new ExactFormats.Value[n];
        for (int t = 0; t < n; t++) {
            va[t] = ExactFormats.decode(sa, a[off + t]);
            vb[t] = ExactFormats.decode(sb, b[off + t]);
            if (va[t].nan() || vb[t].nan()) {
                nan = true;
            } else if (!va[t].finite() || !vb[t].finite()) {
                int sx = va[t].finite() ? va[t].value().signum() : va[t].inf();
                int sy = vb[t].finite() ? vb[t].value().signum() : vb[t].inf();
                int s = sx * sy * (negA ? -1 : 1) * (negB ? -1 : 1);
                if (s == 0) {
                    nan = true;
                } else if (s > 0) {
                    pos = true;
                } else {
                    neg = true;
                }
            }
        }
        ExactFormats.Value vc = ExactFormats.decode(sc, cBits);
        if (vc.nan()) {
            nan = true;
        } else if (vc.inf() > 0) {
            pos = true;
        } else if (vc.inf() < 0) {
            neg = true;
        }
        if (nan || (pos && neg)) {
            return new Step(nan(), false, null);
        }
        if (pos || neg) {
            int inf = f16Out() ? 0x7C00 : 0x7F800000;
            return new Step(neg ? inf | (f16Out() ? 0x8000 : 0x80000000) : inf, false, null);
        }
        BigFraction[] value = new BigFraction[n + 1];
        int[] exp = new int[n + 1];
        BigFraction scale = Exact.pow2(scaleExp);
        for (int t = 0; t < n; t++) {
            BigFraction x = va[t].value();
            BigFraction y = vb[t].value();
            value[t] = x.multiply(y).multiply(scale);
            if (negA) {
                value[t] = value[t].negate();
            }
            if (negB) {
                value[t] = value[t].negate();
            }
            exp[t] = value[t].signum() == 0 ? eZero
                    : ExactFormats.alignExponent(sa, x) + ExactFormats.alignExponent(sb, y) + scaleExp;
        }
        BigFraction c = vc.value().multiply(Exact.pow2(-cShift));
        value[n] = c;
        exp[n] = c.signum() == 0 ? eZero : ExactFormats.alignExponent(sc, vc.value()) - cShift;
        int e = Integer.MIN_VALUE;
        for (int x : exp) {
            e = Math.max(e, x);
        }
        BigFraction grid = Exact.pow2(e - f);
        BigInteger sum = BigInteger.ZERO;
        BigFraction exact = BigFraction.ZERO;
        boolean truncated = false;
        for (BigFraction v : value) {
            BigFraction q = v.divide(grid);
            truncated |= !q.getDenominator().equals(BigInteger.ONE);
            sum = sum.add(Exact.truncate(q));
            exact = exact.add(v);
        }
        return new Step(round(BigFraction.of(sum).multiply(grid)), truncated, exact);
    }
}
