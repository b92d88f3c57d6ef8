package dev.fp4sim.isa.desc;

/**
 * A Tensor Memory address (PTX ISA §9.7.16.1; isa.md §4.1): bits 31–16 lane, bits 15–0 column;
 * 128 lanes × 512 columns of 32-bit cells per CTA on sm_100.
 */
public record TmemAddress(int lane, int column) {

    public static final int LANES = 128;
    public static final int COLUMNS = 512;

    public TmemAddress {
        if (lane < 0 || lane >= 1 << 16 || column < 0 || column >= 1 << 16) {
            throw new DescriptorException("TMEM address", "lane and column are 16-bit fields");
        }
    }

    public int encode() {
        return lane << 16 | column;
    }

    public static TmemAddress decode(int word) {
        return new TmemAddress(word >>> 16, word & 0xFFFF);
    }

    /** Whether the address lies inside the 128 × 512 array of one CTA. */
    public boolean inBounds() {
        return lane < LANES && column < COLUMNS;
    }

    public TmemAddress offset(int lanes, int columns) {
        return new TmemAddress(lane + lanes, column + columns);
    }

    @Override
    public String toString() {
        return String.format("lane %d, column %d (0x%08X)", lane, column, encode());
    }
}
