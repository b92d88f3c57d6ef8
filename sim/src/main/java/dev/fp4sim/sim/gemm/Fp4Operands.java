package dev.fp4sim.sim.gemm;

/**
 * The operands of a block-scaled FP4 GEMM D = A·B + C, in the byte layouts a kernel hands to
 * cuBLAS/CUTLASS for the TN case (isa.md §3.6, §6): A is M rows × K/2 bytes (K-major, element
 * 2i in the low nibble), B is N rows × K/2 bytes (Bᵀ, K-major), SFA is M × K/block bytes and
 * SFB is N × K/block bytes (plain row-major; the tiled cuBLAS layout is converted elsewhere),
 * C is M × N f32 bit patterns row-major, or null for C = +0.
 */
public record Fp4Operands(int m, int n, int k, int blockSize, byte[] a, byte[] b, byte[] sfa, byte[] sfb, int[] c) {

    public Fp4Operands {
        if (m <= 0 || n <= 0 || k <= 0) {
            throw new IllegalArgumentException("M, N and K must be positive (got " + m + "x" + n + "x" + k + ")");
        }
        if (k % 64 != 0) {
            throw new IllegalArgumentException("K must be a multiple of 64, the K of one instruction (got " + k + ")");
        }
        check("A", a, (long) m * k / 2);
        check("B", b, (long) n * k / 2);
        check("SFA", sfa, (long) m * (k / blockSize));
        check("SFB", sfb, (long) n * (k / blockSize));
        if (c != null && c.length != (long) m * n) {
            throw new IllegalArgumentException("C has " + c.length + " elements, expected M*N = " + (long) m * n);
        }
    }

    private static void check(String what, byte[] data, long expected) {
        if (data == null || data.length != expected) {
            throw new IllegalArgumentException(what + " has " + (data == null ? "no" : data.length)
                    + " bytes, expected " + expected);
        }
    }

    public int rowBytes() {
        return k / 2;
    }

    public int scalesPerRow() {
        return k / blockSize;
    }

    public int cBits(int row, int col) {
        return c == null ? 0 : c[row * n + col];
    }
}
