package dev.fp4sim.isa.layout;

/**
 * The global-memory scale-factor layout that cuBLAS, CUTLASS, TensorRT-LLM, vLLM and torchao use
 * for block-scaled GEMMs on Blackwell (isa.md §6; CUTLASS {@code Sm1xxBlockScaledBasicChunk}
 * {@code SfKMajorAtom}, nvmath {@code _scales_2d_matrix_tiled_layout}): for a scale matrix of
 * {@code rows} × {@code kBlocks} (rows = M for SFA, N for SFB; kBlocks = K / block size),
 * <pre>
 * offset(r, kb) = ((r / 128) · nKT + kb / 4) · 512     // 512-byte atoms, K-tiles fastest
 *               + (r % 32) · 16                         // 32 sub-rows of 16 bytes
 *               + ((r % 128) / 32) · 4                  // 4 row groups of 32 interleaved in 16 bytes
 *               + kb % 4                                // 4 consecutive K-blocks contiguous
 * </pre>
 * with {@code nKT = ceil(kBlocks / 4)}; rows are padded to a multiple of 128 and K-blocks to a
 * multiple of 4. One atom holds exactly what one {@code tcgen05.cp.32x128b.warpx4} moves into
 * TMEM (isa.md §5.2), which is why the hardware wants this order.
 *
 * <p>The same formula serves the MN-major atom of CUTLASS ({@code SfMNMajorAtom}, used for the
 * scale factors of an MN-major output): there the roles are swapped, {@code rows} counts along
 * the non-vector dimension and {@code kBlocks} counts scale vectors along M or N.
 *
 * @param rows    logical rows (M or N), before padding
 * @param kBlocks logical scale blocks per row (K / block size), before padding
 */
public record TiledScaleLayout(int rows, int kBlocks) {

    /** Rows of one atom. */
    public static final int ATOM_ROWS = 128;
    /** K-blocks of one atom. */
    public static final int ATOM_K_BLOCKS = 4;
    /** Bytes of one atom. */
    public static final int ATOM_BYTES = ATOM_ROWS * ATOM_K_BLOCKS;

    public TiledScaleLayout {
        if (rows <= 0 || kBlocks <= 0) {
            throw new IllegalArgumentException("rows and K-blocks must be positive (got " + rows + " x " + kBlocks + ")");
        }
        if ((long) roundUp(rows, ATOM_ROWS) * roundUp(kBlocks, ATOM_K_BLOCKS) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("scale matrix " + rows + " x " + kBlocks + " is too large for one buffer");
        }
    }

    /** Rows after padding to a multiple of 128. */
    public int paddedRows() {
        return roundUp(rows, ATOM_ROWS);
    }

    /** K-blocks after padding to a multiple of 4. */
    public int paddedKBlocks() {
        return roundUp(kBlocks, ATOM_K_BLOCKS);
    }

    /** 4-wide K tiles per 128-row band ({@code nKT} of isa.md §6). */
    public int kTiles() {
        return paddedKBlocks() / ATOM_K_BLOCKS;
    }

    /** Bytes of the padded buffer: {@code paddedRows · paddedKBlocks}. */
    public int sizeBytes() {
        return paddedRows() * paddedKBlocks();
    }

    /** Byte offset of SF[r][kb]; valid for padded coordinates too. */
    public int offset(int r, int kb) {
        if (r < 0 || r >= paddedRows() || kb < 0 || kb >= paddedKBlocks()) {
            throw new IndexOutOfBoundsException("(row " + r + ", k-block " + kb + ") outside the padded "
                    + paddedRows() + " x " + paddedKBlocks() + " scale matrix");
        }
        return ((r / ATOM_ROWS) * kTiles() + kb / ATOM_K_BLOCKS) * ATOM_BYTES
                + (r % 32) * 16
                + ((r % ATOM_ROWS) / 32) * 4
                + kb % ATOM_K_BLOCKS;
    }

    /** The (row, k-block) stored at a byte offset: the inverse of {@link #offset}. */
    public Coordinate coordinate(int offset) {
        if (offset < 0 || offset >= sizeBytes()) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside the " + sizeBytes() + "-byte buffer");
        }
        int atom = offset / ATOM_BYTES;
        int within = offset % ATOM_BYTES;
        int band = atom / kTiles();
        int kTile = atom % kTiles();
        int subRow = within / 16;
        int group = (within % 16) / 4;
        int kb = within % 4;
        return new Coordinate(band * ATOM_ROWS + group * 32 + subRow, kTile * ATOM_K_BLOCKS + kb);
    }

    /** Whether a coordinate lies in the padding rather than the logical matrix. */
    public boolean isPadding(Coordinate c) {
        return c.row() >= rows || c.kBlock() >= kBlocks;
    }

    /**
     * Row-major {@code rows × kBlocks} bytes to the tiled layout; padding bytes get {@code pad}
     * (cuBLAS does not read them for the logical problem, but a kernel with a bug might: zero
     * is the conventional fill, TensorRT-LLM and torchao pad with zeros).
     */
    public byte[] fromLinear(byte[] linear, byte pad) {
        checkLength("linear", linear, (long) rows * kBlocks);
        byte[] tiled = new byte[sizeBytes()];
        if (pad != 0) {
            java.util.Arrays.fill(tiled, pad);
        }
        for (int r = 0; r < rows; r++) {
            for (int kb = 0; kb < kBlocks; kb++) {
                tiled[offset(r, kb)] = linear[r * kBlocks + kb];
            }
        }
        return tiled;
    }

    /** The tiled layout back to row-major {@code rows × kBlocks}; padding is dropped. */
    public byte[] toLinear(byte[] tiled) {
        checkLength("tiled", tiled, sizeBytes());
        byte[] linear = new byte[rows * kBlocks];
        for (int r = 0; r < rows; r++) {
            for (int kb = 0; kb < kBlocks; kb++) {
                linear[r * kBlocks + kb] = tiled[offset(r, kb)];
            }
        }
        return linear;
    }

    private static void checkLength(String what, byte[] data, long expected) {
        if (data.length != expected) {
            throw new IllegalArgumentException("the " + what + " scale buffer has " + data.length
                    + " bytes, expected " + expected);
        }
    }

    static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    /** A scale-matrix coordinate: row (M or N index) and K-block. */
    public record Coordinate(int row, int kBlock) {
        @Override
        public String toString() {
            return "(row " + row + ", k-block " + kBlock + ")";
        }
    }
}
