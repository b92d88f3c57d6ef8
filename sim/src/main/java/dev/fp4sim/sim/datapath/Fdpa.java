package dev.fp4sim.sim.datapath;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.sim.profile.DatapathParams;
import dev.fp4sim.sim.profile.ResultOverflow;
import dev.fp4sim.sim.profile.ScaleInputD;
import dev.fp4sim.sim.profile.SubByteEmin;
import dev.fp4sim.sim.profile.ZeroTermRule;

/**
 * One fused dot-add step of the unscaled kinds (T-FDPA) and of kind::mxf8f6f4 (ST-FDPA):
 * numerics.md §3.2 on primitive ints and longs. Terms: one product per k, (sig_a·sig_b[·scales],
 * exp_a + exp_b [+ scale exponents]), and C. Before anything, NaN/Inf inputs are resolved by IEEE
 * rules (NaN, Inf·0, +Inf with −Inf → canonical NaN; otherwise any Inf → that Inf).
 * Immutable and thread-safe.
 */
public final class Fdpa {

    private final DatapathParams params;
    private final FloatFormat aFormat;
    private final FloatFormat bFormat;
    private final FloatFormat cFormat;
    private final ResultOverflow overflow;
    private final boolean legacyZeros;
    private final boolean normalizeSubByte;
    private final ScaleInputD scaleInputD;

    public Fdpa(DatapathParams params, FloatFormat aFormat, FloatFormat bFormat, FloatFormat cFormat,
                ResultOverflow overflow, ZeroTermRule zeroTermRule, SubByteEmin subByteEmin, ScaleInputD scaleInputD) {
        this.params = params;
        this.aFormat = aFormat;
        this.bFormat = bFormat;
        this.cFormat = cFormat;
        this.overflow = overflow;
        this.legacyZeros = zeroTermRule == ZeroTermRule.FIRST_RELEASE;
        this.normalizeSubByte = subByteEmin == SubByteEmin.NORMALIZED;
        this.scaleInputD = scaleInputD;
    }

    public DatapathParams params() {
        return params;
    }

    private boolean subByte(FloatFormat f) {
        return f == FloatFormat.E2M1 || f == FloatFormat.E2M3 || f == FloatFormat.E3M2;
    }

    /**
     * D = Σ a_k·b_k·2^(scale) + C·2^−cShift over {@code n} terms from {@code off}.
     *
     * @param a, b        element codes in {@code aFormat}, {@code bFormat}
     * @param scaleSig    product of the two block-scale significands (1 when unscaled)
     * @param scaleExp    sum of the two block-scale exponents (0 when unscaled)
     * @param scaleFb     fraction bits of {@code scaleSig}
     * @param cBits       accumulator bits in {@code cFormat}
     * @param cShift      scale-input-d: C is scaled by 2^−cShift (0 for none)
     * @return D bits in the output format (f32 or f16)
     */
    public int compute(int[] a, int[] b, int off, int n, int scaleSig, int scaleExp, int scaleFb, int cBits, int cShift) {
        OutputRounding rounding = params.rounding();
        // IEEE special-value pre-pass (numerics.md §3.2 "Before anything").
        boolean nan = false;
        boolean posInf = false;
        boolean negInf = false;
        for (int k = off; k < off + n; k++) {
            int ca = a[k];
            int cb = b[k];
            boolean aNaN = aFormat.isNaN(ca);
            boolean bNaN = bFormat.isNaN(cb);
            if (aNaN || bNaN) {
                nan = true;
                continue;
            }
            boolean aInf = aFormat.isInfinite(ca);
            boolean bInf = bFormat.isInfinite(cb);
            if (aInf || bInf) {
                if ((aInf ? bFormat.isZero(cb) : aFormat.isZero(ca)) || scaleSig == 0) {
                    nan = true;
                } else if (aFormat.signBit(ca) ^ bFormat.signBit(cb) ^ (scaleSig < 0)) {
                    negInf = true;
                } else {
                    posInf = true;
                }
            }
        }
        if (cFormat.isNaN(cBits)) {
            nan = true;
        } else if (cFormat.isInfinite(cBits)) {
            if (cFormat.signBit(cBits)) {
                negInf = true;
            } else {
                posInf = true;
            }
        }
        if (nan || (posInf && negInf)) {
            return rounding.canonicalNaN();
        }
        if (posInf || negInf) {
            return rounding.infinity(negInf);
        }

        final int F = params.fractionalBits();
        final int zeroExp = legacyZeros ? -126 : params.eZero();
        long[] mag = new long[n + 1];
        int[] lsb = new int[n + 1];
        int[] align = new int[n + 1];
        int mA = aFormat.mantissaBits();
        int mB = bFormat.mantissaBits();
        for (int t = 0; t < n; t++) {
            int ca = a[off + t];
            int cb = b[off + t];
            int sa = aFormat.significand(ca);
            int sb = bFormat.significand(cb);
            if (sa == 0 || sb == 0 || scaleSig == 0) {
                align[t] = zeroExp;
                continue;
            }
            int ea = aFormat.exponent(ca);
            int eb = bFormat.exponent(cb);
            if (normalizeSubByte) {
                while (subByte(aFormat) && sa < (1 << mA)) {
                    sa <<= 1;
                    ea--;
                }
                while (subByte(bFormat) && sb < (1 << mB)) {
                    sb <<= 1;
                    eb--;
                }
            }
            long m = (long) sa * sb * scaleSig;
            mag[t] = (aFormat.signBit(ca) ^ bFormat.signBit(cb)) ? -m : m;
            align[t] = ea + eb + scaleExp;
            lsb[t] = align[t] - mA - mB - scaleFb;
        }
        // C, scaled by 2^−cShift (scale-input-d).
        int c = n;
        if (cShift != 0 && scaleInputD == ScaleInputD.ROUNDED_FIRST && !cFormat.isZero(cBits)) {
            int s = cFormat.significand(cBits);
            OutputRounding toC = cFormat == FloatFormat.F16 ? OutputRounding.RZ_F16 : OutputRounding.RZ_F32;
            cBits = toC.round(cFormat.signBit(cBits) ? -s : s, cFormat.exponent(cBits) - cFormat.mantissaBits() - cShift, overflow);
            cShift = 0;
        }
        if (cFormat.isZero(cBits)) {
            align[c] = zeroExp;
        } else {
            int s = cFormat.significand(cBits);
            mag[c] = cFormat.signBit(cBits) ? -s : s;
            align[c] = cFormat.exponent(cBits) - cShift;
            lsb[c] = align[c] - cFormat.mantissaBits();
        }
        int e = Integer.MIN_VALUE;
        for (int t = 0; t <= n; t++) {
            e = Math.max(e, align[t]);
        }
        long sum = 0;
        for (int t = 0; t <= n; t++) {
            if (mag[t] != 0) {
                sum += Alignment.truncShift(mag[t], lsb[t] + F - e);
            }
        }
        return rounding.round(sum, e - F, overflow);
    }
}
