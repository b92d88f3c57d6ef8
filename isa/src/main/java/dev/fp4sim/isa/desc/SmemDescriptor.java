package dev.fp4sim.isa.desc;

/**
 * The 64-bit shared-memory matrix descriptor of {@code tcgen05.mma} and {@code tcgen05.cp}
 * (PTX ISA §9.7.16.4.1, Table 40; isa.md §3.1). Addresses and offsets are in bytes here; the word
 * stores them as {@code (x & 0x3FFFF) >> 4}.
 *
 * @param startAddress shared-memory byte address, 16-byte aligned, below 2^18
 * @param lbo          leading-dimension byte offset (or, with {@code lboAbsolute}, an absolute address)
 * @param sbo          stride-dimension byte offset
 * @param baseOffset   matrix base offset (bits 49–51): {@code (pattern start >> 7) & 7} when the tile does not start on the swizzle repeat
 * @param lboAbsolute  bit 52: LBO is an absolute address (sm_103a only)
 */
public record SmemDescriptor(int startAddress, int lbo, int sbo, int baseOffset, boolean lboAbsolute, Swizzle swizzle) {

    public SmemDescriptor {
        check("start address", startAddress);
        check("LBO", lbo);
        check("SBO", sbo);
        if (baseOffset < 0 || baseOffset > 7) {
            throw new DescriptorException("base offset (bits 49-51)", baseOffset + " is not in 0..7");
        }
    }

    private static void check(String field, int v) {
        if (v < 0 || v >= 1 << 18 || v % 16 != 0) {
            throw new DescriptorException(field, v + " must be a 16-byte aligned shared-memory offset below 256 KiB");
        }
    }

    public long encode() {
        return ((long) (startAddress >> 4) & 0x3FFF)
                | ((long) (lbo >> 4) & 0x3FFF) << 16
                | ((long) (sbo >> 4) & 0x3FFF) << 32
                | 1L << 46
                | (long) baseOffset << 49
                | (lboAbsolute ? 1L : 0L) << 52
                | (long) swizzle.code() << 61;
    }

    public static SmemDescriptor decode(long w) {
        if (((w >>> 46) & 7) != 1) {
            throw new DescriptorException("version (bits 46-48)", "must be 0b001, found 0b" + Long.toBinaryString((w >>> 46) & 7)
                    + String.format(" (word 0x%016X)", w));
        }
        if (((w >>> 14) & 3) != 0 || ((w >>> 30) & 3) != 0 || ((w >>> 53) & 0xFF) != 0) {
            throw new DescriptorException("reserved bits", String.format("0x%016X sets bits 14-15, 30-31 or 53-60", w));
        }
        Swizzle s = Swizzle.fromCode((int) (w >>> 61));
        boolean abs = ((w >>> 52) & 1) == 1;
        if (abs && s != Swizzle.B128) {
            throw new DescriptorException("LBO mode (bit 52)", "absolute LBO needs 128B swizzle (isa.md §3.2)");
        }
        return new SmemDescriptor((int) (w & 0x3FFF) << 4, (int) ((w >>> 16) & 0x3FFF) << 4, (int) ((w >>> 32) & 0x3FFF) << 4,
                (int) ((w >>> 49) & 7), abs, s);
    }

    public String describe() {
        return String.format("start 0x%05X  LBO %d B%s  SBO %d B  base offset %d  swizzle %s", startAddress, lbo,
                lboAbsolute ? " (absolute address)" : "", sbo, baseOffset, swizzle.label());
    }
}
