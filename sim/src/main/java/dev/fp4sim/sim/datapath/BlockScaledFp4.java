package dev.fp4sim.sim.datapath;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import dev.fp4sim.sim.profile.InfiniteAccumulator;
import dev.fp4sim.sim.profile.ZeroTermRule;

/**
 * One D element of one block-scaled FP4 MMA instruction ({@code kind::mxf4nvf4} with ue4m3 or
 * ue8m0 scales and 16- or 32-element blocks, {@code kind::mxf4}), K = 64, f32 accumulate:
 * numerics.md §3.1 step for step, on primitive ints and longs.
 *
 * <p>Operands are packed e2m1 in k order, element 2i in the low nibble of byte i (isa.md §3.6):
 * 32 bytes of A-row and of B-column per instruction. Scale bytes are in k order, one per block
 * (4 for block16, 2 for block32). The object is immutable and thread-safe.
 */
public final class BlockScaledFp4 {

    /** K of one instruction. */
    public static final int K = 64;

    private static final int F32_NAN = 0x7FFFFFFF;
    /** Products of two e2m1 codes in units of 1/4 (e2m1 values are multiples of 1/2), index (a << 4) | b. */
    private static final int[] PRODUCT_QUARTERS = new int[256];

    static {
        for (int a = 0; a < 16; a++) {
            for (int b = 0; b < 16; b++) {
                int twiceA = (int) (FloatFormat.E2M1.toDouble(a) * 2);
                int twiceB = (int) (FloatFormat.E2M1.toDouble(b) * 2);
                PRODUCT_QUARTERS[(a << 4) | b] = twiceA * twiceB;
            }
        }
    }

    private final BlockScaledProfile profile;
    private final ScaleTable scales;
    private final int blockSize;
    private final int scalesPerInstruction;
    private final int groups;
    private final boolean legacyZeros;

    /**
     * @param scaleFormat ue4m3 or ue8m0
     * @param blockSize   16 ({@code .block16}/{@code scale_vec::4X}) or 32 ({@code .block32}/{@code scale_vec::2X})
     */
    public BlockScaledFp4(FloatFormat scaleFormat, int blockSize, BlockScaledProfile profile) {
        if (blockSize != 16 && blockSize != 32) {
            throw new IllegalArgumentException("block size must be 16 or 32, not " + blockSize);
        }
        if (blockSize % profile.groupSize() != 0) {
            throw new IllegalArgumentException("group size " + profile.groupSize() + " does not divide block size " + blockSize);
        }
        this.profile = profile;
        this.scales = new ScaleTable(scaleFormat, profile);
        this.blockSize = blockSize;
        this.scalesPerInstruction = K / blockSize;
        this.groups = K / profile.groupSize();
        this.legacyZeros = profile.zeroTermRule() == ZeroTermRule.FIRST_RELEASE;
    }

    public BlockScaledProfile profile() {
        return profile;
    }

    public FloatFormat scaleFormat() {
        return scales.format();
    }

    public int blockSize() {
        return blockSize;
    }

    /** Scale bytes per operand per instruction: 4 for block16, 2 for block32. */
    public int scalesPerInstruction() {
        return scalesPerInstruction;
    }

    /**
     * D = A·B + C for one output element of one K = 64 instruction.
     *
     * @param a     packed e2m1, 32 bytes from {@code aOff}
     * @param b     packed e2m1, 32 bytes from {@code bOff}
     * @param sfa   scale bytes of A, {@link #scalesPerInstruction()} from {@code sfaOff}
     * @param sfb   scale bytes of B, likewise
     * @param cBits f32 bits of the accumulator input
     * @return f32 bits of D
     */
    public int mma(byte[] a, int aOff, byte[] b, int bOff, byte[] sfa, int sfaOff, byte[] sfb, int sfbOff, int cBits) {
        // Step 1: NaN in any scale used, or in C, gives the canonical NaN.
        for (int i = 0; i < scalesPerInstruction; i++) {
            if (scales.isNaN(sfa[sfaOff + i]) || scales.isNaN(sfb[sfbOff + i])) {
                return F32_NAN;
            }
        }
        FloatFormat f32 = FloatFormat.F32;
        if (f32.isNaN(cBits)) {
            return F32_NAN;
        }
        if (f32.isInfinite(cBits)) {
            return profile.infiniteC() == InfiniteAccumulator.PROPAGATE ? cBits : F32_NAN;
        }
        final int F = profile.fractionalBits();
        final int groupSize = profile.groupSize();
        final int groupsPerBlock = blockSize / groupSize;
        final int scaleFb = 2 * scales.fractionBits();

        // Step 2: per group, the exact product sum (quarter units) and its alignment exponent.
        // Up to 16 groups when the profile's group size is smaller; 4 on real hardware.
        long[] mag = new long[groups + 1];
        int[] lsb = new int[groups + 1];
        int[] align = new int[groups + 1];
        for (int g = 0; g < groups; g++) {
            int sum = 0;
            boolean anyNonZero = false;
            int k0 = g * groupSize;
            for (int k = k0; k < k0 + groupSize; k++) {
                int ca = (a[aOff + (k >>> 1)] >>> ((k & 1) << 2)) & 0xF;
                int cb = (b[bOff + (k >>> 1)] >>> ((k & 1) << 2)) & 0xF;
                int p = PRODUCT_QUARTERS[(ca << 4) | cb];
                sum += p;
                anyNonZero |= p != 0;
            }
            int blk = g / groupsPerBlock;
            int sa = sfa[sfaOff + blk];
            int sb = sfb[sfbOff + blk];
            int sigProduct = scales.significand(sa) * scales.significand(sb);
            int ea = scales.exponent(sa);
            int eb = scales.exponent(sb);
            mag[g] = (long) sum * sigProduct;
            lsb[g] = ea + eb - 2 - scaleFb;
            if (legacyZeros) {
                // First MMA-Sim release: a zero scale reads exponent −126; all-zero groups keep theirs.
                align[g] = (scales.significand(sa) == 0 ? -126 : ea) + (scales.significand(sb) == 0 ? -126 : eb);
            } else {
                align[g] = (anyNonZero && sigProduct != 0) ? ea + eb : profile.eZero();
            }
        }
        // Step 3: C as one more term.
        int c = groups;
        if (f32.isZero(cBits)) {
            mag[c] = 0;
            lsb[c] = 0;
            align[c] = legacyZeros ? -126 : profile.eZero();
        } else {
            int s = f32.significand(cBits);
            mag[c] = f32.signBit(cBits) ? -s : s;
            align[c] = f32.exponent(cBits);
            lsb[c] = align[c] - 23;
        }
        // Step 4: fused sum on the grid set by the largest alignment exponent, then RZ to f32.
        int e = Integer.MIN_VALUE;
        for (int t = 0; t <= groups; t++) {
            e = Math.max(e, align[t]);
        }
        long sum = 0;
        for (int t = 0; t <= groups; t++) {
            sum += Alignment.truncShift(mag[t], lsb[t] + F - e);
        }
        return OutputRounding.RZ_F32.round(sum, e - F, profile.resultOverflow());
    }

    /**
     * A chain of {@code k / 64} instructions in k order, each using the previous D as C
     * (numerics.md §3.3; golden-format "Chains"). Operands hold k elements; scales k / block bytes.
     */
    public int chain(byte[] a, int aOff, byte[] b, int bOff, byte[] sfa, int sfaOff, byte[] sfb, int sfbOff,
                     int cBits, int k) {
        if (k <= 0 || k % K != 0) {
            throw new IllegalArgumentException("k must be a positive multiple of " + K + ", not " + k);
        }
        int d = cBits;
        for (int i = 0; i < k / K; i++) {
            d = mma(a, aOff + i * (K / 2), b, bOff + i * (K / 2),
                    sfa, sfaOff + i * scalesPerInstruction, sfb, sfbOff + i * scalesPerInstruction, d);
        }
        return d;
    }
}
