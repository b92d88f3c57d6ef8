package dev.fp4sim.sim.datapath;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import dev.fp4sim.sim.profile.Ue4m3SignBit;
import dev.fp4sim.sim.profile.Ue8m0Code0;

/**
 * A block-scale byte decoded into the (significand, exponent) pair that enters the datapath
 * (numerics.md §3.1 step 2: {@code sig_exp} in the scale's format; ue4m3 uses emin −6,
 * ue8m0 emin −127). Value = sig · 2^(exp − fractionBits). Built once per (format, profile).
 */
public final class ScaleTable {

    private final FloatFormat format;
    private final int fractionBits;
    private final int[] sig = new int[256];
    private final int[] exp = new int[256];
    private final boolean[] nan = new boolean[256];

    public ScaleTable(FloatFormat format, BlockScaledProfile profile) {
        if (format != FloatFormat.UE4M3 && format != FloatFormat.UE8M0) {
            throw new IllegalArgumentException("block scales are ue4m3 or ue8m0, not " + format);
        }
        this.format = format;
        boolean code0Subnormal = format == FloatFormat.UE8M0 && profile.ue8m0Code0() == Ue8m0Code0.SUBNORMAL_M126;
        // ue8m0 gets one fraction bit so that the code-0 alternative (0.5 · 2^−126) is an integer.
        this.fractionBits = format == FloatFormat.UE4M3 ? 3 : 1;
        for (int code = 0; code < 256; code++) {
            if (format == FloatFormat.UE4M3) {
                int low = code & 0x7F;
                boolean negative = (code & 0x80) != 0 && profile.ue4m3SignBit() == Ue4m3SignBit.NEGATES;
                nan[code] = format.isNaN(low);
                int s = format.significand(low);
                sig[code] = negative ? -s : s;
                exp[code] = format.exponent(low);
            } else {
                nan[code] = format.isNaN(code);
                if (code == 0 && code0Subnormal) {
                    sig[code] = 1;
                    exp[code] = -126;
                } else {
                    sig[code] = 2;
                    exp[code] = format.exponent(code);
                }
            }
        }
    }

    public FloatFormat format() {
        return format;
    }

    /** Fraction bits of {@link #significand(int)}. */
    public int fractionBits() {
        return fractionBits;
    }

    public int significand(int code) {
        return sig[code & 0xFF];
    }

    public int exponent(int code) {
        return exp[code & 0xFF];
    }

    public boolean isNaN(int code) {
        return nan[code & 0xFF];
    }
}
