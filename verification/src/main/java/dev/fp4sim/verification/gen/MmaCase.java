package dev.fp4sim.verification.gen;

import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.mma.MmaModifiers;
import dev.fp4sim.isa.mma.MmaVariant;

import java.util.Arrays;

/**
 * One output element of an unscaled or ST-scaled MMA chain (every kind but the packed FP4 ones):
 * element codes of A and B in k order, ue8m0 block scales (kind::mxf8f6f4 only), the C bits and the
 * instruction-descriptor modifiers.
 *
 * @param a, b       element codes (tf32: full f32 bits; sub-byte formats: the code in the low bits)
 * @param modifiers  negate A/B and the scale-input-d shift
 */
public record MmaCase(MmaVariant variant, int[] a, int[] b, byte[] sfa, byte[] sfb, int c, int k, MmaModifiers modifiers) {

    /** The operand image of A in the golden-vector layout (golden-format.md, field {@code a}). */
    public byte[] imageA() {
        return image(a, variant.aFormat());
    }

    public byte[] imageB() {
        return image(b, variant.bFormat());
    }

    private byte[] image(int[] codes, ElementFormat f) {
        int bytes = variant.elementBits(f) / 8;
        byte[] out = new byte[codes.length * bytes];
        for (int i = 0; i < codes.length; i++) {
            for (int j = 0; j < bytes; j++) {
                out[i * bytes + j] = (byte) (codes[i] >>> (8 * j));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return variant + " k=" + k + " " + modifiers + " a=" + Arrays.toString(a) + " b=" + Arrays.toString(b)
                + " sfa=" + Arrays.toString(sfa) + " sfb=" + Arrays.toString(sfb) + " c=0x" + Integer.toHexString(c);
    }
}
