package dev.fp4sim.sim.machine;

/**
 * Where data sits in TMEM (isa.md §4.3, §5): the D data-path layouts of tcgen05.mma, the scale-factor
 * layout, and the thread ↔ (lane, column) maps of tcgen05.ld/st. Maps come from CUTLASS layout
 * algebra where the PTX figures were not available (isa.md §11 items 1–3): named assumptions.
 */
public final class TmemLayouts {

    /** A TMEM position: lane, column and byte within the 32-bit cell. */
    public record Cell(int lane, int column, int byte_) {
    }

    private TmemLayouts() {
    }

    /**
     * Element (m, n) of an f32 D relative to d-tmem (isa.md §5.1): M=128 cta_group::1 → layout D
     * (lane m, column n); M=64 → layout F (lanes 0-15, 32-47, ... plus 16 if aligned at 16).
     */
    public static Cell d(int m, int n, int rows, int laneOffset16) {
        if (rows == 128) {
            return new Cell(m, n, 0);
        }
        if (rows == 64) {
            return new Cell((m & 15) + 32 * (m >> 4) + 16 * laneOffset16, n, 0);
        }
        throw new IllegalArgumentException("D layout for M=" + rows + " (cta_group::1) is not modelled");
    }

    /**
     * Scale factor of row r (of A, M=128) or column r (of B) for K-block j of one MMA (isa.md §5.2):
     * lane r % 32 (replicated in all four lane quarters; this returns quarter 0), column r / 32,
     * byte sfId + j.
     */
    public static Cell scale(int r, int j, int sfId) {
        return new Cell(r % 32, r / 32, sfId + j);
    }

    /** Thread t's register i of tcgen05.ld/st with a shape (isa.md §4.3), relative to taddr. */
    public static Cell ld(String shape, int t, int reg) {
        if (shape.equals("16x32bx2")) {
            throw new IllegalArgumentException("shape .16x32bx2 needs its immHalfSplitoff: use ld(shape, t, reg, halfSplitoff)");
        }
        return ld(shape, t, reg, 0);
    }

    /**
     * As {@link #ld(String, int, int)}, plus .16x32bx2 (isa.md §4.3): lane t & 15, column reg for
     * threads 0–15 and halfSplitoff + reg for threads 16–31 (the immediate counts 32-bit columns).
     * For the other shapes halfSplitoff is ignored.
     */
    public static Cell ld(String shape, int t, int reg, int halfSplitoff) {
        return switch (shape) {
            case "16x32bx2" -> new Cell(t & 15, (t < 16 ? 0 : halfSplitoff) + reg, 0);
            case "32x32b" -> new Cell(t, reg, 0);
            case "16x64b" -> new Cell((t >> 2) + 8 * (t & 1), 2 * reg + ((t >> 1) & 1), 0);
            case "16x128b" -> new Cell((t >> 2) + 8 * (reg & 1), 4 * (reg >> 1) + (t & 3), 0);
            case "16x256b" -> new Cell((t >> 2) + 8 * ((reg >> 1) & 1), 8 * (reg >> 2) + 2 * (t & 3) + (reg & 1), 0);
            default -> throw new IllegalArgumentException("shape ." + shape + " (32x32b, 16x64b, 16x128b, 16x256b, 16x32bx2)");
        };
    }
}
