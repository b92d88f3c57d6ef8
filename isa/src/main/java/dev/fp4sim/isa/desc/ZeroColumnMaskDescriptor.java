package dev.fp4sim.isa.desc;

/**
 * The 64-bit zero-column mask descriptor of {@code tcgen05.mma.ws} (PTX ISA §9.7.16.4.3; isa.md §1.5):
 * four start counts, four first-span bits, the non-zero-mask bit, two span lengths and a column shift.
 * The PTX text's descriptions of the two spans are swapped relative to their names (isa.md §1.5, "?"):
 * fields are kept under their bit-position names and both readings are documented.
 */
public record ZeroColumnMaskDescriptor(int[] startCounts, int firstSpanBits, boolean nonZeroMask, int skipSpan,
                                       int useSpan, int columnShift) {

    public ZeroColumnMaskDescriptor {
        if (startCounts.length != 4) {
            throw new DescriptorException("start counts", "need 4 (sc0..sc3)");
        }
        for (int c : startCounts) {
            if (c < 0 || c > 255) {
                throw new DescriptorException("start count", c + " is not an 8-bit value");
            }
        }
        if (firstSpanBits < 0 || firstSpanBits > 15 || skipSpan < 0 || skipSpan > 255 || useSpan < 0 || useSpan > 255
                || columnShift < 0 || columnShift > 32) {
            throw new DescriptorException("span fields", "first-span bits 0..15, spans 0..255, column shift 0..32");
        }
        startCounts = startCounts.clone();
    }

    public long encode() {
        long w = 0;
        for (int i = 0; i < 4; i++) {
            w |= (long) startCounts[i] << (8 * i);
        }
        return w | (long) firstSpanBits << 32 | (nonZeroMask ? 1L : 0L) << 39 | (long) skipSpan << 40
                | (long) useSpan << 48 | (long) columnShift << 56;
    }

    public static ZeroColumnMaskDescriptor decode(long w) {
        if (((w >>> 36) & 7) != 0 || (w >>> 62) != 0) {
            throw new DescriptorException("reserved bits", String.format("0x%016X sets bits 36-38 or 62-63", w));
        }
        int[] sc = new int[4];
        for (int i = 0; i < 4; i++) {
            sc[i] = (int) ((w >>> (8 * i)) & 0xFF);
        }
        return new ZeroColumnMaskDescriptor(sc, (int) ((w >>> 32) & 15), ((w >>> 39) & 1) == 1, (int) ((w >>> 40) & 0xFF),
                (int) ((w >>> 48) & 0xFF), (int) ((w >>> 56) & 0x3F));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZeroColumnMaskDescriptor z && java.util.Arrays.equals(startCounts, z.startCounts)
                && firstSpanBits == z.firstSpanBits && nonZeroMask == z.nonZeroMask && skipSpan == z.skipSpan
                && useSpan == z.useSpan && columnShift == z.columnShift;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(startCounts) * 31 + (int) encode();
    }
}
