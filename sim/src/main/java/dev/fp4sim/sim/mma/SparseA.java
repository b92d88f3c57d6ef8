package dev.fp4sim.sim.mma;

import java.util.Arrays;

/**
 * Structured sparsity of operand A ({@code tcgen05.mma.sp}, isa.md §1.4, PTX §9.7.16.10.8): A is
 * stored compressed (K/2 values per row) with 4-bit metadata, and the instruction computes exactly
 * the dense instruction on the expanded row (zeros elsewhere). This class does the expansion; the
 * datapath then runs unchanged.
 * <ul>
 * <li>2:4 (f16, f8f6f4, mxf8f6f4, i8): per 4 dense elements, 2 values and one nibble holding two
 *     2-bit positions (low bits: the first value's position).</li>
 * <li>4:8 in pairs (mxf4, mxf4nvf4): per 8 dense elements = 4 pairs, 4 values (2 pairs) and one
 *     nibble holding the two pair positions.</li>
 * <li>1:2 (tf32): per 2 dense elements, 1 value; the nibble names the 16-bit halves it occupies:
 *     0b0100 = element 0, 0b1110 = element 1.</li>
 * </ul>
 * Only the metadata values the PTX ISA calls meaningful are accepted; anything else is undefined
 * on hardware and rejected here with the valid set.
 */
public final class SparseA {

    /** The sparsity pattern of a kind. */
    public enum Pattern {
        ONE_OF_TWO(2, 1, 1), TWO_OF_FOUR(4, 2, 1), PAIRED_FOUR_OF_EIGHT(8, 4, 2);

        final int denseChunk;
        final int valuesPerChunk;
        final int unit;

        Pattern(int denseChunk, int valuesPerChunk, int unit) {
            this.denseChunk = denseChunk;
            this.valuesPerChunk = valuesPerChunk;
            this.unit = unit;
        }
    }

    private static final int[] MEANINGFUL = {0b0100, 0b1000, 0b1100, 0b1001, 0b1101, 0b0110, 0b1110};

    private SparseA() {
    }

    /**
     * Expands one row of compressed element codes.
     *
     * @param values    compressed codes, {@code k · valuesPerChunk / denseChunk} of them
     * @param metadata  one nibble per dense chunk, in k order
     * @param zeroCode  the code of +0 in the element format
     * @return the dense row of {@code k} codes
     */
    public static int[] expand(Pattern p, int[] values, int[] metadata, int k, int zeroCode) {
        if (k % p.denseChunk != 0) {
            throw new IllegalArgumentException("K = " + k + " is not a multiple of the sparsity chunk " + p.denseChunk);
        }
        int chunks = k / p.denseChunk;
        if (metadata.length != chunks || values.length != chunks * p.valuesPerChunk) {
            throw new IllegalArgumentException("sparse A needs " + chunks * p.valuesPerChunk + " values and " + chunks
                    + " metadata nibbles for K = " + k + ", got " + values.length + " and " + metadata.length);
        }
        int[] dense = new int[k];
        Arrays.fill(dense, zeroCode);
        for (int c = 0; c < chunks; c++) {
            int m = metadata[c] & 0xF;
            int base = c * p.denseChunk;
            if (p == Pattern.ONE_OF_TWO) {
                if (m != 0b0100 && m != 0b1110) {
                    throw new IllegalArgumentException(bad(c, m, "0b0100, 0b1110 (tf32)"));
                }
                dense[base + (m == 0b0100 ? 0 : 1)] = values[c];
                continue;
            }
            if (Arrays.stream(MEANINGFUL).noneMatch(v -> v == m)) {
                throw new IllegalArgumentException(bad(c, m, "0b0100, 0b1000, 0b1100, 0b1001, 0b1101, 0b0110, 0b1110"));
            }
            int first = m & 3;
            int second = m >>> 2;
            for (int u = 0; u < p.unit; u++) {
                dense[base + first * p.unit + u] = values[c * p.valuesPerChunk + u];
                dense[base + second * p.unit + u] = values[c * p.valuesPerChunk + p.unit + u];
            }
        }
        return dense;
    }

    private static String bad(int chunk, int m, String valid) {
        return "sparse metadata nibble " + chunk + " is 0b" + String.format("%4s", Integer.toBinaryString(m)).replace(' ', '0')
                + ", which the PTX ISA leaves undefined (meaningful: " + valid + ")";
    }
}
