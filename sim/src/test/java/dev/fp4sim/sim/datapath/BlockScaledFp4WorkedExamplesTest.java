package dev.fp4sim.sim.datapath;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import dev.fp4sim.sim.profile.InfiniteAccumulator;
import dev.fp4sim.sim.profile.ResultOverflow;
import dev.fp4sim.sim.profile.Ue4m3SignBit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Hand-derived cases of numerics.md §3.1. Each expected value is worked out in the comment from
 * the spec text, independently of the code.
 */
class BlockScaledFp4WorkedExamplesTest {

    private static final BlockScaledProfile P = BlockScaledProfile.BLACKWELL;

    /** e2m1 codes: 0→0, 1→.5, 2→1, 3→1.5, 4→2, 5→3, 6→4, 7→6; |8 negates. */
    private static byte[] packed(int... codes) {
        byte[] out = new byte[32];
        for (int i = 0; i < codes.length; i++) {
            out[i >>> 1] |= (byte) ((codes[i] & 0xF) << ((i & 1) * 4));
        }
        return out;
    }

    private static int f32(float f) {
        return Float.floatToRawIntBits(f);
    }

    /**
     * numerics-sources §2.9 (paper Table 8 through FPy), GST row: with ue8m0 scales, group 0 is
     * (−4·4)·2^11·2^8 = −2^23 (exponent 19), group 1 is (−1·1 − 1·0.5 − 0.5·0.5)·1·2^−1 = −0.875
     * (exponent −1), groups 2–3 are zero (−139), C = 2^23 (exponent 23). E = 23, the grid is
     * 2^(23−35) = 2^−12, nothing is truncated, and D = 2^23 − 2^23 − 0.875 = −0.875 exactly.
     */
    @Test
    void table8GstExample() {
        byte[] a = packed(0xE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0xA, 0xA, 0x9);
        byte[] b = packed(0x6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0x2, 0x1, 0x1);
        byte[] sfa = {(byte) (127 + 11), (byte) 127, 127, 127};
        byte[] sfb = {(byte) (127 + 8), (byte) (127 - 1), 127, 127};
        BlockScaledFp4 unit = new BlockScaledFp4(FloatFormat.UE8M0, 16, P);
        assertEquals(f32(-0.875f), unit.mma(a, 0, b, 0, sfa, 0, sfb, 0, f32(0x1p23f)));
        // With F = 25 (the unscaled kinds' width) the grid is 2^−2: −0.875 truncates toward zero to −0.75.
        BlockScaledFp4 narrow = new BlockScaledFp4(FloatFormat.UE8M0, 16, P.withFractionalBits(25));
        assertEquals(f32(-0.75f), narrow.mma(a, 0, b, 0, sfa, 0, sfb, 0, f32(0x1p23f)));
    }

    /**
     * The alignment is set by the scale exponents, not by the product magnitudes (numerics.md §2):
     * group 0 holds the single product 0.5·0.5 = 0.25 with ue4m3 scales 448·448 (exponent 8+8 = 16),
     * so E = 16 and the grid is 2^(16−35) = 2^−19, although the term's value is only 0.25·448² = 50176.
     * C = 2^−20 lies below the grid and truncates to 0: D = 50176 exactly, whereas an
     * exact sum would be 50176 + 2^−20.
     */
    @Test
    void scaleExponentsSetTheGrid() {
        byte[] a = packed(0x1);
        byte[] b = packed(0x1);
        byte[] sf = {0x7E, 0x7E, 0x7E, 0x7E};
        BlockScaledFp4 unit = new BlockScaledFp4(FloatFormat.UE4M3, 16, P);
        assertEquals(f32(50176f), unit.mma(a, 0, b, 0, sf, 0, sf, 0, f32(0x1p-20f)));
        // 2^−19 is on the grid and survives: 50176 + 2^−19 needs 35 bits, so RZ to f32 drops it again.
        assertEquals(f32(50176f), unit.mma(a, 0, b, 0, sf, 0, sf, 0, f32(0x1p-19f)));
        // A C large enough to matter: 50176 + 2 = 50178.
        assertEquals(f32(50178f), unit.mma(a, 0, b, 0, sf, 0, sf, 0, f32(2f)));
    }

    /**
     * Zero terms enter at e_zero = −139 and a subnormal C at f32's emin −126 (numerics.md §2,
     * sig_exp). All products zero and C = 2^−140 (a subnormal: significand 2^−14, exponent −126):
     * E = max(−139, −139, −139, −139, −126) = −126, the grid is 2^−161 and C is kept: D = 2^−140.
     * The same holds for the smallest subnormal 2^−149 (bits 0x00000001). C = −0 with nothing else
     * sums to exactly zero, and a zero result is +0.
     */
    @Test
    void zeroTermsAndSubnormalC() {
        byte[] zeros = packed();
        byte[] sf = {0x38, 0x38, 0x38, 0x38};
        BlockScaledFp4 unit = new BlockScaledFp4(FloatFormat.UE4M3, 16, P);
        assertEquals(f32(0x1p-140f), unit.mma(zeros, 0, zeros, 0, sf, 0, sf, 0, f32(0x1p-140f)));
        assertEquals(1, unit.mma(zeros, 0, zeros, 0, sf, 0, sf, 0, 1));
        // −0 C with nothing else: the sum is exactly zero, and a zero result is +0.
        assertEquals(0, unit.mma(zeros, 0, zeros, 0, sf, 0, sf, 0, 0x80000000));
    }

    /**
     * A group that cancels to zero keeps its scale exponent (numerics.md §2): group 0 is
     * 1·1 + (−1)·1 = 0 with ue8m0 scales 2^60·2^60 (exponent 120); C = 1.5 (exponent 0). E = 120,
     * the grid is 2^85, and C truncates to 0: D = +0. If the group were all-zero instead, it would
     * enter at −139, E = 0, and D = 1.5.
     */
    @Test
    void cancellingGroupKeepsItsScaleExponent() {
        byte[] cancel = packed(0x2, 0xA);
        byte[] ones = packed(0x2, 0x2);
        byte[] zeros = packed();
        byte[] sf = {(byte) (127 + 60), 127, 127, 127};
        BlockScaledFp4 unit = new BlockScaledFp4(FloatFormat.UE8M0, 16, P);
        assertEquals(0, unit.mma(cancel, 0, ones, 0, sf, 0, sf, 0, f32(1.5f)));
        assertEquals(f32(1.5f), unit.mma(zeros, 0, ones, 0, sf, 0, sf, 0, f32(1.5f)));
    }

    /**
     * Block 32: one scale covers two groups, which are still truncated separately (numerics.md §3.1,
     * "group size stays 16"). Group 0: 0.5·0.5 = 0.25, group 1: 6·6 = 36, scales 2^0; C = 2^30
     * (exponent 30): grid 2^−5; 0.25 = 8·2^−5 survives, D = RZ(2^30 + 36.25) = 2^30 + 0 (f32 spacing 128).
     */
    @Test
    void block32SharesScalesAcrossTwoGroups() {
        int[] codes = new int[32];
        codes[0] = 0x1;
        codes[16] = 0x7;
        byte[] a = packed(codes);
        byte[] sf = {127, 127};
        BlockScaledFp4 unit = new BlockScaledFp4(FloatFormat.UE8M0, 32, P);
        assertEquals(f32(0x1p30f), unit.mma(a, 0, a, 0, sf, 0, sf, 0, f32(0x1p30f)));
        assertEquals(f32(36.25f), unit.mma(a, 0, a, 0, sf, 0, sf, 0, 0));
    }

    /** Step 1: NaN scales (ue4m3 0x7F and, with bit 7 ignored, 0xFF; ue8m0 0xFF) and NaN C give 0x7FFFFFFF. */
    @Test
    void nanInputs() {
        byte[] ones = packed(0x2);
        BlockScaledFp4 ue4m3 = new BlockScaledFp4(FloatFormat.UE4M3, 16, P);
        byte[] ok = {0x38, 0x38, 0x38, 0x38};
        assertEquals(0x7FFFFFFF, ue4m3.mma(ones, 0, ones, 0, new byte[] {0x38, 0x38, 0x38, 0x7F}, 0, ok, 0, 0));
        assertEquals(0x7FFFFFFF, ue4m3.mma(ones, 0, ones, 0, ok, 0, new byte[] {(byte) 0xFF, 0x38, 0x38, 0x38}, 0, 0));
        assertEquals(0x7FFFFFFF, ue4m3.mma(ones, 0, ones, 0, ok, 0, ok, 0, 0xFFC00001));
        BlockScaledFp4 ue8m0 = new BlockScaledFp4(FloatFormat.UE8M0, 32, P);
        assertEquals(0x7FFFFFFF, ue8m0.mma(ones, 0, ones, 0, new byte[] {127, (byte) 0xFF}, 0, new byte[] {127, 127}, 0, 0));
    }

    /**
     * ue4m3 bit 7 (an assumption): ignored by default, so 0xB8 reads as 0x38 = 1.0 and D = 1·1 = 1;
     * under the NEGATES alternative the scale is −1 and D = −1.
     */
    @Test
    void ue4m3SignBitAssumption() {
        byte[] ones = packed(0x2);
        byte[] sfa = {(byte) 0xB8, 0x38, 0x38, 0x38};
        byte[] sfb = {0x38, 0x38, 0x38, 0x38};
        assertEquals(f32(1f), new BlockScaledFp4(FloatFormat.UE4M3, 16, P).mma(ones, 0, ones, 0, sfa, 0, sfb, 0, 0));
        BlockScaledProfile negates = P.withUe4m3SignBit(Ue4m3SignBit.NEGATES);
        assertEquals(f32(-1f), new BlockScaledFp4(FloatFormat.UE4M3, 16, negates).mma(ones, 0, ones, 0, sfa, 0, sfb, 0, 0));
    }

    /**
     * Uncharacterised cases, as documented assumptions: 6·6·2^127·2^127 = 36·2^254 overflows f32 →
     * +Inf by default (RZ notwithstanding), +MAX_FLOAT under SATURATE; C = −Inf propagates by default,
     * NaN under the alternative.
     */
    @Test
    void uncharacterisedCasesFollowTheNamedAssumptions() {
        byte[] six = packed(0x7);
        byte[] big = {(byte) 0xFE, 127};
        BlockScaledFp4 unit = new BlockScaledFp4(FloatFormat.UE8M0, 32, P);
        assertEquals(0x7F800000, unit.mma(six, 0, six, 0, big, 0, big, 0, 0));
        BlockScaledFp4 sat = new BlockScaledFp4(FloatFormat.UE8M0, 32, P.withResultOverflow(ResultOverflow.SATURATE));
        assertEquals(0x7F7FFFFF, sat.mma(six, 0, six, 0, big, 0, big, 0, 0));
        byte[] one = {127, 127};
        assertEquals(0xFF800000, unit.mma(six, 0, six, 0, one, 0, one, 0, 0xFF800000));
        BlockScaledFp4 nan = new BlockScaledFp4(FloatFormat.UE8M0, 32, P.withInfiniteC(InfiniteAccumulator.NAN));
        assertEquals(0x7FFFFFFF, nan.mma(six, 0, six, 0, one, 0, one, 0, 0xFF800000));
    }

    /**
     * Chains (numerics.md §3.3): two instructions, each rounding. Instruction 1: 6·6·2^24 (ue8m0
     * scales 2^12·2^12) + C = 1 → E = 24, 1 survives on the 2^−11 grid, sum 36·2^24 + 1 = 603979777,
     * RZ to 24 bits → 603979776 (spacing 64). Instruction 2 adds 1·1 → E = 29 (C's exponent),
     * 603979777 again → 603979776. One instruction with both would give the same here; the order
     * matters only through the per-instruction rounding, checked by the property suites.
     */
    @Test
    void chainRoundsOncePerInstruction() {
        byte[] a = new byte[64];
        byte[] b = new byte[64];
        a[0] = 0x7;
        b[0] = 0x7;
        a[32] = 0x2;
        b[32] = 0x2;
        byte[] sf = {(byte) (127 + 12), 127, 127, 127, 127, 127, 127, 127};
        BlockScaledFp4 unit = new BlockScaledFp4(FloatFormat.UE8M0, 16, P);
        assertEquals(f32(603979776f), unit.chain(a, 0, b, 0, sf, 0, sf, 0, f32(1f), 128));
    }
}
