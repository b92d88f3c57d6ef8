package dev.fp4sim.verification.gen;

import dev.fp4sim.isa.format.FloatFormat;

import java.util.HexFormat;

/**
 * One D element of a block-scaled FP4 MMA chain: k packed e2m1 elements of an A row and a B
 * column (element 2i in the low nibble), one scale byte per block, and C as f32 bits.
 */
public record Fp4Case(FloatFormat scaleFormat, int blockSize, int k, byte[] a, byte[] b, byte[] sfa, byte[] sfb, int c) {

    /** The e2m1 code of element {@code i} of an operand. */
    public static int code(byte[] packed, int i) {
        return (packed[i >>> 1] >>> ((i & 1) << 2)) & 0xF;
    }

    public static void setCode(byte[] packed, int i, int code) {
        int shift = (i & 1) << 2;
        packed[i >>> 1] = (byte) ((packed[i >>> 1] & ~(0xF << shift)) | ((code & 0xF) << shift));
    }

    public Fp4Case withC(int newC) {
        return new Fp4Case(scaleFormat, blockSize, k, a, b, sfa, sfb, newC);
    }

    public Fp4Case withOperands(byte[] newA, byte[] newB, byte[] newSfa, byte[] newSfb) {
        return new Fp4Case(scaleFormat, blockSize, k, newA, newB, newSfa, newSfb, c);
    }

    @Override
    public String toString() {
        HexFormat h = HexFormat.of();
        return "Fp4Case{" + scaleFormat + " block" + blockSize + " k=" + k + " a=" + h.formatHex(a) + " b=" + h.formatHex(b)
                + " sfa=" + h.formatHex(sfa) + " sfb=" + h.formatHex(sfb) + " c=" + String.format("%08x", c) + "}";
    }
}
