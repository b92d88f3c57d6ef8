package dev.fp4sim.verification.gen;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.format.IntFormat;
import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaModifiers;
import dev.fp4sim.isa.mma.MmaVariant;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

import java.util.List;

/**
 * Edge-biased cases for every non-FP4 kind (numerics.md §3.2), in the spirit of {@link Fp4Gens}:
 * exponents clustered around a per-case centre so that alignment and truncation interact, a
 * "narrow" mode in which no term loses bits (for the round-of-exact-sum property), zeros, signed
 * zeros, subnormals, maxima, NaN/Inf on request, chains of up to 4 instructions, negate A/B and
 * scale-input-d where the kind allows them, and s32 overflow for the integer kinds.
 */
public final class MmaGens {

    private MmaGens() {
    }

    private static int draw(RandomnessSource in, int lo, int hi) {
        return Generate.range(lo, hi).generate(in);
    }

    /** Cases for the given variants (picked uniformly). */
    public static Gen<MmaCase> cases(List<MmaVariant> variants, boolean specials) {
        return in -> generate(in, variants.get(draw(in, 0, variants.size() - 1)), specials, draw(in, 0, 3) == 0);
    }

    /** Single-instruction cases whose terms mostly fit the grid (exponents within a tiny window). */
    public static Gen<MmaCase> narrow(List<MmaVariant> variants) {
        return in -> generate(in, variants.get(draw(in, 0, variants.size() - 1)), false, true);
    }

    private static MmaCase generate(RandomnessSource in, MmaVariant v, boolean specials, boolean narrow) {
        int kpi = v.kPerInstruction();
        int k = narrow || draw(in, 0, 9) < 7 ? kpi : kpi << draw(in, 1, 2);
        if (v.kind() == MmaKind.I8) {
            return integerCase(in, v, k);
        }
        FloatFormat fa = (FloatFormat) v.aFormat();
        FloatFormat fb = (FloatFormat) v.bFormat();
        int centreA = draw(in, 1, Math.max(1, maxNormalField(fa)));
        int centreB = draw(in, 1, Math.max(1, maxNormalField(fb)));
        int spread = narrow ? 0 : draw(in, 0, 9) < 6 ? 3 : 40;
        int zeroPct = draw(in, 0, 3) == 0 ? 40 : 5;
        int[] a = new int[k];
        int[] b = new int[k];
        for (int i = 0; i < k; i++) {
            a[i] = element(in, fa, centreA, spread, narrow, zeroPct, specials);
            b[i] = element(in, fb, centreB, spread, narrow, zeroPct, specials);
        }
        byte[] sfa = new byte[0];
        byte[] sfb = new byte[0];
        if (v.scaleFormat() != null) {
            int blocks = k / v.blockSize();
            sfa = new byte[blocks];
            sfb = new byte[blocks];
            for (int i = 0; i < blocks; i++) {
                sfa[i] = (byte) scaleCode(in, specials);
                sfb[i] = (byte) scaleCode(in, specials);
            }
        }
        FloatFormat fc = (FloatFormat) v.cFormat();
        // C near the product magnitude: exponent of centreA·centreB mapped into C's bias.
        int productExp = (centreA - fa.bias()) + (centreB - fb.bias());
        int c = cBits(in, fc, productExp, narrow, specials);
        boolean negatable = v.kind() != MmaKind.I8;
        boolean scalable = v.family() == InstructionFamily.TCGEN05_MMA && (v.kind() == MmaKind.F16 || v.kind() == MmaKind.TF32);
        MmaModifiers mod = new MmaModifiers(negatable && draw(in, 0, 4) == 0, negatable && draw(in, 0, 4) == 0,
                scalable && draw(in, 0, 3) == 0 ? draw(in, 0, 15) : 0);
        return new MmaCase(v, a, b, sfa, sfb, c, k, mod);
    }

    /** The largest exponent field of a finite normal value. */
    static int maxNormalField(FloatFormat f) {
        int top = (1 << f.exponentBits()) - 1;
        return f.hasInfinity() ? top - 1 : top;
    }

    private static int code(FloatFormat f, int sign, int expField, int man) {
        int m = f.mantissaBits();
        int bits = (sign << (f.exponentBits() + m)) | (expField << m) | man;
        if (f == FloatFormat.E4M3 && expField == 15 && man == 7) {
            bits--; // 0x7F is NaN: take the largest finite value instead
        }
        return f == FloatFormat.TF32 ? bits << 13 : bits; // tf32 images carry full f32 bits (golden-format.md)
    }

    private static int element(RandomnessSource in, FloatFormat f, int centre, int spread, boolean narrow, int zeroPct,
                               boolean specials) {
        int sign = draw(in, 0, 1);
        int m = f.mantissaBits();
        int roll = draw(in, 0, 99);
        if (roll < zeroPct) {
            return code(f, sign, 0, 0);
        }
        if (specials && roll < zeroPct + 2 && f.hasNaN()) {
            return f == FloatFormat.E4M3 ? (sign << 7) | 0x7F : code(f, sign, maxNormalField(f) + 1, 1);
        }
        if (specials && roll < zeroPct + 4 && f.hasInfinity()) {
            return code(f, sign, maxNormalField(f) + 1, 0);
        }
        if (!narrow && roll < zeroPct + 10) {
            return code(f, sign, 0, draw(in, 1, (1 << m) - 1)); // subnormal
        }
        if (!narrow && roll < zeroPct + 13) {
            return code(f, sign, maxNormalField(f), (1 << m) - 1); // max finite
        }
        int field = Math.max(1, Math.min(maxNormalField(f), centre + draw(in, -spread, spread)));
        int man = narrow ? draw(in, 0, 3) << Math.max(0, m - 2) & ((1 << m) - 1) : draw(in, 0, (1 << m) - 1);
        return code(f, sign, field, man);
    }

    private static int scaleCode(RandomnessSource in, boolean specials) {
        int roll = draw(in, 0, 99);
        if (specials && roll < 2) {
            return 0xFF;
        }
        if (roll < 5) {
            return draw(in, 0, 1) == 0 ? 0 : 254;
        }
        return 127 + draw(in, -6, 6);
    }

    private static int cBits(RandomnessSource in, FloatFormat fc, int productExp, boolean narrow, boolean specials) {
        int sign = draw(in, 0, 1);
        int roll = draw(in, 0, 99);
        if (roll < 15) {
            return code(fc, sign, 0, 0);
        }
        if (specials && roll < 18) {
            return code(fc, sign, maxNormalField(fc) + 1, roll == 15 ? 0 : 1);
        }
        int m = fc.mantissaBits();
        if (!narrow && roll < 24) {
            return code(fc, sign, 0, draw(in, 1, (1 << Math.min(m, 30)) - 1));
        }
        int field = Math.max(1, Math.min(maxNormalField(fc), productExp + fc.bias() + draw(in, narrow ? -1 : -30, narrow ? 1 : 30)));
        int man = narrow ? draw(in, 0, 3) << (m - 2) : draw(in, 0, (1 << Math.min(m, 30)) - 1);
        return code(fc, sign, field, man);
    }

    private static MmaCase integerCase(RandomnessSource in, MmaVariant v, int k) {
        int[] a = new int[k];
        int[] b = new int[k];
        boolean extreme = draw(in, 0, 2) == 0;
        for (int i = 0; i < k; i++) {
            a[i] = intCode(in, (IntFormat) v.aFormat(), extreme);
            b[i] = intCode(in, (IntFormat) v.bFormat(), extreme);
        }
        int roll = draw(in, 0, 9);
        int c = roll < 3 ? draw(in, -1000, 1000)
                : roll < 6 ? Integer.MAX_VALUE - draw(in, 0, 1 << 20)
                : roll < 9 ? Integer.MIN_VALUE + draw(in, 0, 1 << 20) : draw(in, Integer.MIN_VALUE, Integer.MAX_VALUE);
        return new MmaCase(v, a, b, new byte[0], new byte[0], c, k, MmaModifiers.NONE);
    }

    private static int intCode(RandomnessSource in, IntFormat f, boolean extreme) {
        if (extreme) {
            int pick = draw(in, 0, 3);
            return switch (pick) {
                case 0 -> 0x7F;
                case 1 -> 0x80;
                case 2 -> 0xFF;
                default -> draw(in, 0, 255);
            };
        }
        return draw(in, 0, 255);
    }
}
