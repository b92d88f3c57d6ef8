package dev.fp4sim.verification.exact;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.verification.gen.Fp4Case;
import org.apache.commons.numbers.fraction.BigFraction;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * numerics.md §3.1 restated in exact rationals, written from the spec text without using the
 * simulator's code: the reference the datapath is compared with. Element and scale values are
 * decoded from the spec tables (numerics.md §1), C with the JDK's float decoding.
 */
public final class ExactBlockScaled {

    public static final int NAN = 0x7FFFFFFF;

    /** One term of the fused sum: its exact value and its alignment exponent. */
    public record Term(BigFraction value, int exponent, boolean zeroTerm) {
    }

    /** Which zero-term rule: the newest model's e_zero, or the first MMA-Sim release's. */
    public enum Zeros { E_ZERO, FIRST_RELEASE }

    private final int fractionalBits;
    private final int eZero;
    private final Zeros zeros;

    public ExactBlockScaled(int fractionalBits, int eZero, Zeros zeros) {
        this.fractionalBits = fractionalBits;
        this.eZero = eZero;
        this.zeros = zeros;
    }

    /** The Blackwell parameters: F = 35, e_zero = −139 (numerics.md §3.1). */
    public static ExactBlockScaled blackwell() {
        return new ExactBlockScaled(35, -139, Zeros.E_ZERO);
    }

    private static final double[] E2M1 = {0, 0.5, 1, 1.5, 2, 3, 4, 6};

    static BigFraction e2m1(int code) {
        BigFraction v = BigFraction.from(E2M1[code & 7]);
        return (code & 8) != 0 ? v.negate() : v;
    }

    /** Scale value from numerics.md §1; null for NaN. ue4m3 ignores bit 7 (the reference's assumption). */
    static BigFraction scale(FloatFormat f, int code) {
        if (f == FloatFormat.UE8M0) {
            return code == 0xFF ? null : Exact.pow2(code - 127);
        }
        int c = code & 0x7F;
        if (c == 0x7F) {
            return null;
        }
        int e = c >>> 3;
        int m = c & 7;
        return e == 0 ? BigFraction.of(m, 8).multiply(Exact.pow2(-6)) : BigFraction.of(8 + m, 8).multiply(Exact.pow2(e - 7));
    }

    /** sig_exp's exponent (numerics.md §2): max(floor(log2 x), emin); only for x != 0. */
    static int alignExponent(BigFraction x, int emin) {
        return Math.max(Exact.floorLog2(x), emin);
    }

    /** The terms of instruction {@code i} of a case with accumulator input cBits (finite, scales not NaN). */
    public List<Term> terms(Fp4Case c, int i, int cBits) {
        List<Term> terms = new ArrayList<>();
        int emin = c.scaleFormat() == FloatFormat.UE4M3 ? -6 : -127;
        for (int g = 0; g < 4; g++) {
            int k0 = i * 64 + g * 16;
            BigFraction p = BigFraction.ZERO;
            boolean any = false;
            for (int k = k0; k < k0 + 16; k++) {
                BigFraction prod = e2m1(Fp4Case.code(c.a(), k)).multiply(e2m1(Fp4Case.code(c.b(), k)));
                any |= prod.signum() != 0;
                p = p.add(prod);
            }
            int blk = k0 / c.blockSize();
            BigFraction sa = scale(c.scaleFormat(), c.sfa()[blk] & 0xFF);
            BigFraction sb = scale(c.scaleFormat(), c.sfb()[blk] & 0xFF);
            BigFraction value = p.multiply(sa).multiply(sb);
            boolean scaleZero = sa.signum() == 0 || sb.signum() == 0;
            int exponent;
            boolean zeroTerm;
            if (zeros == Zeros.E_ZERO) {
                zeroTerm = !any || scaleZero;
                exponent = zeroTerm ? eZero : alignExponent(sa, emin) + alignExponent(sb, emin);
            } else {
                // First MMA-Sim release: a zero scale reads exponent −126; all-zero groups keep the scales' exponents.
                zeroTerm = scaleZero;
                exponent = (sa.signum() == 0 ? -126 : alignExponent(sa, emin)) + (sb.signum() == 0 ? -126 : alignExponent(sb, emin));
            }
            terms.add(new Term(value, exponent, zeroTerm));
        }
        BigFraction cv = Exact.f32(cBits);
        if (cv.signum() == 0) {
            terms.add(new Term(BigFraction.ZERO, zeros == Zeros.E_ZERO ? eZero : -126, true));
        } else {
            terms.add(new Term(cv, alignExponent(cv, -126), false));
        }
        return terms;
    }

    public static int maxExponent(List<Term> terms) {
        return terms.stream().mapToInt(Term::exponent).max().orElseThrow();
    }

    /** Whether any term loses bits on the grid 2^(E − F). */
    public boolean anyTruncated(List<Term> terms) {
        BigFraction grid = Exact.pow2(maxExponent(terms) - fractionalBits);
        for (Term t : terms) {
            if (!t.value().divide(grid).getDenominator().equals(BigInteger.ONE)) {
                return true;
            }
        }
        return false;
    }

    /** The exact value of the fused sum after per-term truncation (numerics.md §2, fused_sum). */
    public BigFraction fusedSum(List<Term> terms) {
        BigFraction grid = Exact.pow2(maxExponent(terms) - fractionalBits);
        BigInteger s = BigInteger.ZERO;
        for (Term t : terms) {
            s = s.add(Exact.truncate(t.value().divide(grid)));
        }
        return BigFraction.of(s).multiply(grid);
    }

    /** Whether instruction i sees a NaN scale. */
    public static boolean nanScale(Fp4Case c, int i) {
        int per = 64 / c.blockSize();
        for (int j = i * per; j < (i + 1) * per; j++) {
            if (scale(c.scaleFormat(), c.sfa()[j] & 0xFF) == null || scale(c.scaleFormat(), c.sfb()[j] & 0xFF) == null) {
                return true;
            }
        }
        return false;
    }

    /** D of instruction i (f32 bits). */
    public int instruction(Fp4Case c, int i, int cBits) {
        if (nanScale(c, i) || Float.isNaN(Float.intBitsToFloat(cBits))) {
            return NAN;
        }
        if (Float.isInfinite(Float.intBitsToFloat(cBits))) {
            return cBits; // the default assumption: an infinite C propagates
        }
        return Exact.rzF32(fusedSum(terms(c, i, cBits)));
    }

    /** D of the whole chain. */
    public int chain(Fp4Case c) {
        int d = c.c();
        for (int i = 0; i < c.k() / 64; i++) {
            d = instruction(c, i, d);
        }
        return d;
    }
}
