package dev.fp4sim.sim.mma;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand expansions of the metadata patterns of isa.md §1.4 (PTX §9.7.16.10.8). */
class SparseATest {

    @Test
    void twoOfFour() {
        // 0b1001: positions 1 and 2; 0b1100: positions 0 and 3; 0b0110: positions 2 and 1.
        int[] dense = SparseA.expand(SparseA.Pattern.TWO_OF_FOUR, new int[] {7, 8, 5, 6, 3, 4}, new int[] {0b1001, 0b1100, 0b0110}, 12, 0);
        assertArrayEquals(new int[] {0, 7, 8, 0, 5, 0, 0, 6, 0, 4, 3, 0}, dense);
    }

    @Test
    void pairedFourOfEight() {
        // 0b1101: pairs 1 and 3 of 8 elements: elements 2,3 and 6,7.
        int[] dense = SparseA.expand(SparseA.Pattern.PAIRED_FOUR_OF_EIGHT, new int[] {1, 2, 3, 4}, new int[] {0b1101}, 8, 0);
        assertArrayEquals(new int[] {0, 0, 1, 2, 0, 0, 3, 4}, dense);
    }

    @Test
    void oneOfTwoForTf32() {
        int[] dense = SparseA.expand(SparseA.Pattern.ONE_OF_TWO, new int[] {9, 5}, new int[] {0b0100, 0b1110}, 4, 0);
        assertArrayEquals(new int[] {9, 0, 0, 5}, dense);
    }

    @Test
    void undefinedMetadataIsRejectedWithTheValidSet() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SparseA.expand(SparseA.Pattern.TWO_OF_FOUR, new int[] {1, 2}, new int[] {0b0101}, 4, 0));
        assertTrue(e.getMessage().contains("0b0101") && e.getMessage().contains("meaningful"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SparseA.expand(SparseA.Pattern.ONE_OF_TWO, new int[] {1}, new int[] {0b1000}, 2, 0));
        assertThrows(IllegalArgumentException.class,
                () -> SparseA.expand(SparseA.Pattern.TWO_OF_FOUR, new int[] {1}, new int[] {0b0100}, 4, 0));
    }
}
