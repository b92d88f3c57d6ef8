package dev.fp4sim.verification.gen;

import dev.fp4sim.isa.format.FloatFormat;

import java.util.EnumSet;
import java.util.Set;

/** The edge regions a block-scaled FP4 case can hit; used to report generator coverage. */
public enum EdgeClass {
    ZERO_ELEMENT, NEGATIVE_ZERO_ELEMENT, MAX_ELEMENT,
    ALL_ZERO_GROUP, CANCELLING_GROUP,
    ZERO_SCALE, SUBNORMAL_SCALE, MAX_SCALE, MIN_UE8M0_SCALE, SIGN_BIT_SCALE, NAN_SCALE,
    POSITIVE_ZERO_C, NEGATIVE_ZERO_C, SUBNORMAL_C, HUGE_C, NAN_C, INFINITE_C,
    CHAIN;

    /** The edge classes one case hits (by inspecting its inputs only). */
    public static Set<EdgeClass> of(Fp4Case c) {
        Set<EdgeClass> hit = EnumSet.noneOf(EdgeClass.class);
        for (int i = 0; i < c.k(); i++) {
            int ca = Fp4Case.code(c.a(), i);
            int cb = Fp4Case.code(c.b(), i);
            for (int code : new int[] {ca, cb}) {
                if (code == 0) {
                    hit.add(ZERO_ELEMENT);
                } else if (code == 8) {
                    hit.add(NEGATIVE_ZERO_ELEMENT);
                } else if ((code & 7) == 7) {
                    hit.add(MAX_ELEMENT);
                }
            }
        }
        for (int g = 0; g < c.k() / 16; g++) {
            int sum = 0;
            boolean any = false;
            for (int i = g * 16; i < g * 16 + 16; i++) {
                int p = twice(Fp4Case.code(c.a(), i)) * twice(Fp4Case.code(c.b(), i));
                sum += p;
                any |= p != 0;
            }
            if (!any) {
                hit.add(ALL_ZERO_GROUP);
            } else if (sum == 0) {
                hit.add(CANCELLING_GROUP);
            }
        }
        for (byte[] sf : new byte[][] {c.sfa(), c.sfb()}) {
            for (byte s : sf) {
                int code = s & 0xFF;
                if (c.scaleFormat() == FloatFormat.UE4M3) {
                    int low = code & 0x7F;
                    if (low == 0x7F) {
                        hit.add(NAN_SCALE);
                    } else {
                        if ((code & 0x80) != 0) {
                            hit.add(SIGN_BIT_SCALE);
                        }
                        if (low == 0) {
                            hit.add(ZERO_SCALE);
                        } else if (low < 8) {
                            hit.add(SUBNORMAL_SCALE);
                        } else if (low == 0x7E) {
                            hit.add(MAX_SCALE);
                        }
                    }
                } else if (code == 0xFF) {
                    hit.add(NAN_SCALE);
                } else if (code == 0xFE) {
                    hit.add(MAX_SCALE);
                } else if (code == 0) {
                    hit.add(MIN_UE8M0_SCALE);
                }
            }
        }
        int c32 = c.c();
        int exp = (c32 >>> 23) & 0xFF;
        int man = c32 & 0x7FFFFF;
        if (exp == 0 && man == 0) {
            hit.add(c32 < 0 ? NEGATIVE_ZERO_C : POSITIVE_ZERO_C);
        } else if (exp == 0) {
            hit.add(SUBNORMAL_C);
        } else if (exp == 0xFF) {
            hit.add(man == 0 ? INFINITE_C : NAN_C);
        } else if (exp >= 230) {
            hit.add(HUGE_C);
        }
        if (c.k() > 64) {
            hit.add(CHAIN);
        }
        return hit;
    }

    private static int twice(int code) {
        int[] v = {0, 1, 2, 3, 4, 6, 8, 12};
        int m = v[code & 7];
        return (code & 8) != 0 ? -m : m;
    }
}
