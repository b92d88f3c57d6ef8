package dev.fp4sim.isa.desc;

/**
 * Where element (row, k) of an MMA operand sits in shared memory, given its descriptor: the canonical
 * K-major and MN-major layouts of PTX §9.7.16.3.3 as addressing formulas (isa.md §3.4), for every
 * element width including the packed (mxf4) and padded (f8f6f4) FP4/FP6 forms. Returns a
 * <em>bit</em> address (byte · 8 + bit) so sub-byte elements are exact.
 */
public final class SmemLayout {

    /** How elements fill a 16-byte chunk. */
    public enum Element {
        /** e2m1 under kind::mxf4/mxf4nvf4: 32 per 16 bytes, element 2i in the low nibble. */
        FP4_PACKED(4, 32),
        /** e2m1 under kind::f8f6f4/mxf8f6f4: 16 nibbles in 8 bytes, then 8 bytes of padding (b4x16_p64). */
        FP4_PADDED(4, 16),
        /** e2m3/e3m2 under f8f6f4: 16 × 6 bits in 12 bytes, then 4 bytes of padding (b6x16_p32). */
        FP6_PADDED(6, 16),
        B8(8, 16),
        B16(16, 8),
        B32(32, 4);

        final int bits;
        final int perChunk;

        Element(int bits, int perChunk) {
            this.bits = bits;
            this.perChunk = perChunk;
        }

        public int bits() {
            return bits;
        }

        /** Elements per 16-byte chunk (T of isa.md §3.3 for unpadded types). */
        public int perChunk() {
            return perChunk;
        }
    }

    public enum Major { K, MN }

    private SmemLayout() {
    }

    /** Whether PTX allows this (major, element, swizzle) combination (Table 54, isa.md §3.5). */
    public static String invalidReason(Major major, Element e, Swizzle s) {
        if (major == Major.K) {
            return s == Swizzle.B128_ATOM32 ? "K-major operands cannot use 128B swizzle with 32B atom" : null;
        }
        if (e.bits < 8 || e == Element.FP4_PADDED || e == Element.FP6_PADDED) {
            return "FP4/FP6 operands must be K-major";
        }
        if (e == Element.B32) {
            return s == Swizzle.B128_ATOM32 ? null : "32-bit (tf32) MN-major operands need 128B swizzle with 32B atom";
        }
        return s == Swizzle.B128_ATOM32 ? "8- and 16-bit MN-major operands cannot use 128B swizzle with 32B atom" : null;
    }

    /** Bit address of element (row, k); row counts along M or N. */
    public static long bitAddress(SmemDescriptor d, Major major, Element e, int row, int k) {
        String bad = invalidReason(major, e, d.swizzle());
        if (bad != null) {
            throw new IllegalArgumentException(bad);
        }
        Swizzle s = d.swizzle();
        int w = s.bytes();
        long start = d.startAddress();
        if (major == Major.K) {
            int chunk = k / e.perChunk;
            int within = (k % e.perChunk) * e.bits;
            long off = s == Swizzle.NONE
                    ? (row % 8) * 16L + (long) (row / 8) * d.sbo() + (long) chunk * d.lbo()
                    : (row % 8) * (long) w + (long) (row / 8) * d.sbo() + chunk * 16L;
            return s.apply(start + off) * 8 + within;
        }
        int t = e.perChunk;
        long off;
        int withinBits;
        if (s == Swizzle.NONE) {
            off = (long) (row / t) * d.sbo() + (k % 8) * 16L + (long) (k / 8) * d.lbo();
            withinBits = (row % t) * e.bits;
        } else {
            int rowsPerAtomRow = (s == Swizzle.B128_ATOM32 ? 128 : w) * 8 / e.bits;
            int kRows = s == Swizzle.B128_ATOM32 ? 4 : 8;
            int rowBytes = s == Swizzle.B128_ATOM32 ? 128 : w;
            off = ((row % rowsPerAtomRow) / t) * 16L + (long) (row / rowsPerAtomRow) * d.lbo()
                    + (k % kRows) * (long) rowBytes + (long) (k / kRows) * d.sbo();
            withinBits = (row % t) * e.bits;
        }
        return s.apply(start + off) * 8 + withinBits;
    }
}
