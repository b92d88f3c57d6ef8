package dev.fp4sim.isa.desc;

/**
 * The swizzle/layout field (bits 61–63) of the shared-memory descriptor and the XOR it applies to
 * absolute byte addresses (isa.md §3.1, §3.3; CuTe {@code Swizzle<B,M,S>}).
 */
public enum Swizzle {
    NONE(0, 0, "none"),
    B128_ATOM32(1, 128, "128B with 32B atom"),
    B128(2, 128, "128B"),
    B64(4, 64, "64B"),
    B32(6, 32, "32B");

    private final int code;
    private final int bytes;
    private final String label;

    Swizzle(int code, int bytes, String label) {
        this.code = code;
        this.bytes = bytes;
        this.label = label;
    }

    public int code() {
        return code;
    }

    /** Width W of one swizzled row in bytes (0 for none). */
    public int bytes() {
        return bytes;
    }

    public String label() {
        return label;
    }

    /** Bytes after which the pattern repeats: the alignment at which base offset is 0. */
    public int repeatBytes() {
        return this == NONE ? 16 : this == B128_ATOM32 ? 512 : 8 * bytes;
    }

    /** The swizzled address: bits 4–6 (16-byte chunk) XOR the row bits above 7; the 32B-atom mode moves 32-byte units. */
    public long apply(long a) {
        return switch (this) {
            case NONE -> a;
            case B32 -> a ^ (((a >>> 7) & 1) << 4);
            case B64 -> a ^ (((a >>> 7) & 3) << 4);
            case B128 -> a ^ (((a >>> 7) & 7) << 4);
            case B128_ATOM32 -> a ^ (((a >>> 7) & 3) << 5);
        };
    }

    public static Swizzle fromCode(int code) {
        for (Swizzle s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new DescriptorException("swizzle (bits 61-63)", code + " is not a layout (0 none, 1 = 128B with 32B atom, 2 = 128B, 4 = 64B, 6 = 32B)");
    }
}
