package dev.fp4sim.sim.profile;

import java.util.List;

/**
 * Parameters of the block-scaled FP4 datapath ({@code kind::mxf4}, {@code kind::mxf4nvf4},
 * K = 64), numerics.md §3.1: F fractional bits, group size, the zero-term exponent, and the
 * named assumptions for what the sources leave open.
 *
 * @param name            a label shown to users (e.g. {@code sm_100a})
 * @param fractionalBits  F of the fused sum (35 on Blackwell, MMA-Sim GST-FDPA)
 * @param groupSize       products summed exactly before scaling (16, also for 32-wide blocks)
 * @param eZero           exponent of zero terms under {@link ZeroTermRule#E_ZERO} (−139)
 */
public record BlockScaledProfile(
        String name,
        int fractionalBits,
        int groupSize,
        int eZero,
        ZeroTermRule zeroTermRule,
        Ue4m3SignBit ue4m3SignBit,
        Ue8m0Code0 ue8m0Code0,
        ResultOverflow resultOverflow,
        InfiniteAccumulator infiniteC) {

    /** Blackwell {@code tcgen05.mma} (sm_100a/sm_103a) and sm_120 {@code mma.sync} block-scaled FP4. */
    public static final BlockScaledProfile BLACKWELL = new BlockScaledProfile(
            "blackwell", 35, 16, -139,
            ZeroTermRule.E_ZERO, Ue4m3SignBit.IGNORED, Ue8m0Code0.EXPONENT_M127,
            ResultOverflow.INFINITY, InfiniteAccumulator.PROPAGATE);

    public BlockScaledProfile {
        if (groupSize <= 0 || 64 % groupSize != 0 || groupSize > 16) {
            throw new IllegalArgumentException("groupSize must divide 16 (got " + groupSize + ")");
        }
        if (fractionalBits < 1 || fractionalBits > 40) {
            throw new IllegalArgumentException("fractionalBits must be in [1, 40] to fit the 64-bit sum (got " + fractionalBits + ")");
        }
    }

    public BlockScaledProfile withZeroTermRule(ZeroTermRule r) {
        return new BlockScaledProfile(name, fractionalBits, groupSize, eZero, r, ue4m3SignBit, ue8m0Code0, resultOverflow, infiniteC);
    }

    public BlockScaledProfile withEZero(int e) {
        return new BlockScaledProfile(name, fractionalBits, groupSize, e, zeroTermRule, ue4m3SignBit, ue8m0Code0, resultOverflow, infiniteC);
    }

    public BlockScaledProfile withFractionalBits(int f) {
        return new BlockScaledProfile(name, f, groupSize, eZero, zeroTermRule, ue4m3SignBit, ue8m0Code0, resultOverflow, infiniteC);
    }

    public BlockScaledProfile withUe4m3SignBit(Ue4m3SignBit s) {
        return new BlockScaledProfile(name, fractionalBits, groupSize, eZero, zeroTermRule, s, ue8m0Code0, resultOverflow, infiniteC);
    }

    public BlockScaledProfile withUe8m0Code0(Ue8m0Code0 c) {
        return new BlockScaledProfile(name, fractionalBits, groupSize, eZero, zeroTermRule, ue4m3SignBit, c, resultOverflow, infiniteC);
    }

    public BlockScaledProfile withResultOverflow(ResultOverflow o) {
        return new BlockScaledProfile(name, fractionalBits, groupSize, eZero, zeroTermRule, ue4m3SignBit, ue8m0Code0, o, infiniteC);
    }

    public BlockScaledProfile withInfiniteC(InfiniteAccumulator i) {
        return new BlockScaledProfile(name, fractionalBits, groupSize, eZero, zeroTermRule, ue4m3SignBit, ue8m0Code0, resultOverflow, i);
    }

    /** The named assumptions in force, for display. */
    public List<Assumption> assumptions() {
        return List.of(zeroTermRule, ue4m3SignBit, ue8m0Code0, resultOverflow, infiniteC);
    }
}
