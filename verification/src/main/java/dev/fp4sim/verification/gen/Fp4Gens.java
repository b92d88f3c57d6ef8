package dev.fp4sim.verification.gen;

import dev.fp4sim.isa.format.FloatFormat;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/**
 * Edge-biased generators for block-scaled FP4 cases, in the TestFloat spirit: weighted mixtures
 * that reach every special region on purpose (zero codes, ±0, all-zero and cancelling groups,
 * zero/subnormal/max/NaN scales, scales with the ue4m3 sign bit, ±0/subnormal/huge/NaN/Inf C,
 * chains). {@link EdgeClass} says which edges one case hits; a test reports the hit rates.
 * Everything is drawn through QuickTheories' randomness source, so failures shrink.
 */
public final class Fp4Gens {

    private Fp4Gens() {
    }

    /** Cases for K = 64 (mostly) and chains up to K = 512, all three scale configurations. */
    public static Gen<Fp4Case> cases() {
        return in -> generate(in, true, true);
    }

    /** Cases without NaN or infinite inputs (for algebraic properties). */
    public static Gen<Fp4Case> finiteCases() {
        return in -> generate(in, false, true);
    }

    /** Cases of exactly one instruction (K = 64). */
    public static Gen<Fp4Case> singleInstruction(boolean specials) {
        return in -> generate(in, specials, false);
    }

    private static int draw(RandomnessSource in, int lo, int hi) {
        return Generate.range(lo, hi).generate(in);
    }

    private static Fp4Case generate(RandomnessSource in, boolean specials, boolean chains) {
        int config = draw(in, 0, 2);
        // Deep underflow: ue8m0 scales so small that every product term lies below e_zero (−139)
        // and C = ±0, so that zero terms set the alignment exponent (numerics.md §2, "Zero terms").
        boolean deep = draw(in, 0, 99) < 8;
        if (deep && config == 0) {
            config = 1 + draw(in, 0, 1);
        }
        FloatFormat sf = config == 0 ? FloatFormat.UE4M3 : FloatFormat.UE8M0;
        int block = config == 2 ? 32 : 16;
        int k = 64;
        if (chains && draw(in, 0, 9) < 2) {
            k = 64 << draw(in, 1, 3);
        }
        byte[] a = new byte[k / 2];
        byte[] b = new byte[k / 2];
        for (int g = 0; g < k / 16; g++) {
            fillGroup(in, a, b, g * 16);
        }
        byte[] sfa = new byte[k / block];
        byte[] sfb = new byte[k / block];
        // One exponent neighbourhood per case so that groups often share an alignment range.
        int centre = sf == FloatFormat.UE4M3 ? draw(in, 0x20, 0x58) : draw(in, 100, 154);
        for (int i = 0; i < sfa.length; i++) {
            sfa[i] = (byte) (deep ? draw(in, 0, 60) : scale(in, sf, centre, specials));
            sfb[i] = (byte) (deep ? draw(in, 0, 60) : scale(in, sf, centre, specials));
        }
        int c = deep ? draw(in, 0, 1) << 31 : accumulator(in, specials);
        return new Fp4Case(sf, block, k, a, b, sfa, sfb, c);
    }

    private static void fillGroup(RandomnessSource in, byte[] a, byte[] b, int k0) {
        int mode = draw(in, 0, 99);
        if (mode < 40) {
            for (int k = k0; k < k0 + 16; k++) {
                Fp4Case.setCode(a, k, draw(in, 0, 15));
                Fp4Case.setCode(b, k, draw(in, 0, 15));
            }
        } else if (mode < 55) {
            // sparse: mostly zero codes of both signs
            for (int k = k0; k < k0 + 16; k++) {
                Fp4Case.setCode(a, k, draw(in, 0, 3) == 0 ? draw(in, 0, 15) : (draw(in, 0, 1) << 3));
                Fp4Case.setCode(b, k, draw(in, 0, 15));
            }
        } else if (mode < 65) {
            // all products zero: one side all ±0
            boolean aZero = draw(in, 0, 1) == 0;
            for (int k = k0; k < k0 + 16; k++) {
                int z = draw(in, 0, 1) << 3;
                int v = draw(in, 0, 15);
                Fp4Case.setCode(a, k, aZero ? z : v);
                Fp4Case.setCode(b, k, aZero ? v : z);
            }
        } else if (mode < 77) {
            // cancels exactly: pairs (x, y), (-x, y) with non-zero products
            for (int k = k0; k < k0 + 16; k += 2) {
                int x = draw(in, 1, 7) | (draw(in, 0, 1) << 3);
                int y = draw(in, 1, 15);
                Fp4Case.setCode(a, k, x);
                Fp4Case.setCode(b, k, y);
                Fp4Case.setCode(a, k + 1, x ^ 8);
                Fp4Case.setCode(b, k + 1, y);
            }
        } else if (mode < 89) {
            // extremes: ±6, ±0.5, ±0
            int[] pool = {0x7, 0xF, 0x1, 0x9, 0x0, 0x8};
            for (int k = k0; k < k0 + 16; k++) {
                Fp4Case.setCode(a, k, pool[draw(in, 0, pool.length - 1)]);
                Fp4Case.setCode(b, k, pool[draw(in, 0, pool.length - 1)]);
            }
        } else {
            // a single non-zero product
            int at = k0 + draw(in, 0, 15);
            for (int k = k0; k < k0 + 16; k++) {
                Fp4Case.setCode(a, k, k == at ? draw(in, 1, 15) : 0);
                Fp4Case.setCode(b, k, k == at ? draw(in, 1, 15) : draw(in, 0, 15));
            }
            if ((Fp4Case.code(a, at) & 7) == 0) {
                Fp4Case.setCode(a, at, 1);
            }
        }
    }

    private static int scale(RandomnessSource in, FloatFormat sf, int centre, boolean specials) {
        int mode = draw(in, 0, 99);
        if (sf == FloatFormat.UE4M3) {
            if (mode < 45) {
                return clamp(centre + draw(in, -12, 12), 0, 0x7E);
            }
            if (mode < 60) {
                return draw(in, 0, 0x7E);
            }
            if (mode < 67) {
                return draw(in, 0, 1) == 0 ? 0x00 : 0x80; // zero scale (and with the sign bit)
            }
            if (mode < 77) {
                return draw(in, 1, 7); // subnormal scale
            }
            if (mode < 84) {
                return draw(in, 0, 1) == 0 ? 0x7E : 0x7D; // max and next to max
            }
            if (mode < 92) {
                return 0x80 | clamp(centre + draw(in, -8, 8), 0, 0x7E); // sign bit set
            }
            if (specials && mode < 95) {
                return draw(in, 0, 1) == 0 ? 0x7F : 0xFF; // NaN
            }
            return clamp(centre + draw(in, -3, 3), 0, 0x7E);
        }
        if (mode < 50) {
            return clamp(centre + draw(in, -12, 12), 0, 0xFE);
        }
        if (mode < 65) {
            return draw(in, 0, 0xFE);
        }
        if (mode < 75) {
            return draw(in, 0, 3); // the smallest scales, 2^-127..
        }
        if (mode < 85) {
            return 0xFE - draw(in, 0, 3); // the largest scales, ..2^127
        }
        if (specials && mode < 88) {
            return 0xFF; // NaN
        }
        return clamp(centre + draw(in, -2, 2), 0, 0xFE);
    }

    private static int accumulator(RandomnessSource in, boolean specials) {
        int mode = draw(in, 0, 99);
        int sign = draw(in, 0, 1) << 31;
        if (mode < 15) {
            return sign; // ±0
        }
        if (mode < 50) {
            return sign | (draw(in, 110, 150) << 23) | draw(in, 0, 0x7FFFFF); // typical magnitudes
        }
        if (mode < 65) {
            return sign | (draw(in, 1, 254) << 23) | draw(in, 0, 0x7FFFFF); // any normal
        }
        if (mode < 75) {
            return sign | draw(in, 1, 0x7FFFFF); // subnormal
        }
        if (mode < 82) {
            return sign | (draw(in, 1, 12) << 23) | draw(in, 0, 0x7FFFFF); // tiny normal, near e_zero
        }
        if (mode < 89) {
            return sign | (draw(in, 230, 254) << 23) | draw(in, 0, 0x7FFFFF); // huge
        }
        if (specials && mode < 93) {
            return 0x7F800000 | draw(in, 1, 0x7FFFFF) | sign; // NaN with any payload
        }
        if (specials && mode < 96) {
            return 0x7F800000 | sign; // ±Inf
        }
        return sign | (draw(in, 120, 135) << 23);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
