package dev.fp4sim.sim.mma;

import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.format.FloatFormat;

/**
 * Reads element codes out of an operand image in the golden-vector bit layout: element i occupies
 * bits [i·w, (i+1)·w) of the little-endian bit stream (golden-format.md). Sub-byte formats in
 * 8-bit containers keep their value in the low bits; the rest of the container is ignored.
 */
final class OperandImage {

    private OperandImage() {
    }

    static int[] codes(byte[] image, int k, int widthBits, ElementFormat format, boolean negate) {
        int[] out = new int[k];
        int mask = format.storageBits() >= 32 ? -1 : (1 << format.storageBits()) - 1;
        int signBit = negate && format instanceof FloatFormat f && f.signed() ? 1 << (f.storageBits() - 1) : 0;
        for (int i = 0; i < k; i++) {
            int v;
            switch (widthBits) {
                case 4 -> v = (image[i >>> 1] >>> ((i & 1) << 2)) & 0xF;
                case 8 -> v = image[i] & 0xFF;
                case 16 -> v = (image[2 * i] & 0xFF) | (image[2 * i + 1] & 0xFF) << 8;
                case 32 -> v = (image[4 * i] & 0xFF) | (image[4 * i + 1] & 0xFF) << 8
                        | (image[4 * i + 2] & 0xFF) << 16 | (image[4 * i + 3] & 0xFF) << 24;
                default -> throw new IllegalArgumentException("element width " + widthBits);
            }
            out[i] = (v & mask) ^ signBit;
        }
        return out;
    }
}
