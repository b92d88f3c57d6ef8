package dev.fp4sim.isa.format;

/** Integer element formats of {@code kind::i8} (operands) and its s32 accumulator. */
public enum IntFormat implements ElementFormat {
    S8("s8", 8, true),
    U8("u8", 8, false),
    S32("s32", 32, true);

    private final String ptxName;
    private final int bits;
    private final boolean signed;

    IntFormat(String ptxName, int bits, boolean signed) {
        this.ptxName = ptxName;
        this.bits = bits;
        this.signed = signed;
    }

    @Override
    public String ptxName() {
        return ptxName;
    }

    @Override
    public int storageBits() {
        return bits;
    }

    public boolean signed() {
        return signed;
    }

    /** The integer value of a code (two's complement for signed formats). */
    public long value(long code) {
        long mask = bits == 64 ? -1L : (1L << bits) - 1;
        long v = code & mask;
        if (signed && (v >>> (bits - 1)) != 0) {
            v -= 1L << bits;
        }
        return v;
    }
}
