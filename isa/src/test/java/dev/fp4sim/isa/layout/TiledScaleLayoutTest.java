package dev.fp4sim.isa.layout;

import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * The 128x4 tiled layout against the worked examples of isa.md §6 and against an independent
 * restatement: the reshape/permute that vLLM applies ({@code reshape(M/128, 4, 32, K/4, 4)
 * .permute(0, 3, 2, 1, 4)}, ecosystem.md §2.2), evaluated here as generic index arithmetic on
 * a 5-d array rather than through the offset formula.
 */
class TiledScaleLayoutTest {

    @Test
    void workedExamplesOfIsaSection6() {
        // M = 128, K = 128, NVFP4: 8 K-blocks (isa.md §6, from the nvmath docstring).
        TiledScaleLayout l = new TiledScaleLayout(128, 128 / 16);
        assertEquals(82, l.offset(5, 2));
        assertEquals(593, l.offset(5, 5));
        assertEquals(new TiledScaleLayout.Coordinate(5, 2), l.coordinate(82));
        assertEquals(new TiledScaleLayout.Coordinate(5, 5), l.coordinate(593));
    }

    @Test
    void paddingRules() {
        TiledScaleLayout l = new TiledScaleLayout(200, 6);
        assertEquals(256, l.paddedRows());
        assertEquals(8, l.paddedKBlocks());
        assertEquals(256 * 8, l.sizeBytes());
        assertTrue(l.isPadding(new TiledScaleLayout.Coordinate(200, 0)));
        assertTrue(l.isPadding(new TiledScaleLayout.Coordinate(0, 6)));
        assertFalse(l.isPadding(new TiledScaleLayout.Coordinate(199, 5)));
        assertThrows(IndexOutOfBoundsException.class, () -> l.offset(256, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> l.coordinate(256 * 8));
    }

    /** Offset via the vLLM permutation: output axes (mt, kt, s, g, kk) of input axes (mt, g, s, kt, kk). */
    private static int permutedOffset(int r, int kb, int paddedKBlocks) {
        int mt = r / 128;
        int g = (r % 128) / 32;
        int s = r % 32;
        int kt = kb / 4;
        int kk = kb % 4;
        int[] outShape = {Integer.MAX_VALUE, paddedKBlocks / 4, 32, 4, 4};
        int[] idx = {mt, kt, s, g, kk};
        int off = 0;
        for (int d = 0; d < 5; d++) {
            off = d == 0 ? idx[0] : off * outShape[d] + idx[d];
        }
        return off;
    }

    @Test
    void agreesWithTheReshapePermuteRestatement() {
        qt().forAll(integers().between(1, 700), integers().between(1, 40)).checkAssert((rows, kBlocks) -> {
            TiledScaleLayout l = new TiledScaleLayout(rows, kBlocks);
            for (int r = 0; r < l.paddedRows(); r += 7) {
                for (int kb = 0; kb < l.paddedKBlocks(); kb++) {
                    assertEquals(permutedOffset(r, kb, l.paddedKBlocks()), l.offset(r, kb), "r=" + r + " kb=" + kb);
                }
            }
        });
    }

    @Test
    void offsetIsABijectionOntoThePaddedBuffer() {
        for (int rows : new int[] {1, 31, 128, 129, 300}) {
            for (int kBlocks : new int[] {1, 3, 4, 5, 9}) {
                TiledScaleLayout l = new TiledScaleLayout(rows, kBlocks);
                BitSet seen = new BitSet(l.sizeBytes());
                for (int r = 0; r < l.paddedRows(); r++) {
                    for (int kb = 0; kb < l.paddedKBlocks(); kb++) {
                        int off = l.offset(r, kb);
                        assertFalse(seen.get(off), "offset " + off + " twice");
                        seen.set(off);
                        assertEquals(new TiledScaleLayout.Coordinate(r, kb), l.coordinate(off));
                    }
                }
                assertEquals(l.sizeBytes(), seen.cardinality());
            }
        }
    }

    @Test
    void linearRoundTripAndPadding() {
        TiledScaleLayout l = new TiledScaleLayout(130, 5);
        byte[] linear = new byte[130 * 5];
        for (int i = 0; i < linear.length; i++) {
            linear[i] = (byte) (i * 31 + 7);
        }
        byte[] tiled = l.fromLinear(linear, (byte) 0x55);
        assertEquals(256 * 8, tiled.length);
        assertArrayEquals(linear, l.toLinear(tiled));
        // row 129, k-block 4: band 1, K-tile 1, sub-row 1, group 0, kb 0 -> (1*2 + 1)*512 + 16
        assertEquals(linear[129 * 5 + 4], tiled[3 * 512 + 16]);
        // a padding byte: row 200
        assertEquals((byte) 0x55, tiled[l.offset(200, 0)]);
        assertThrows(IllegalArgumentException.class, () -> l.fromLinear(new byte[3], (byte) 0));
    }

    @Test
    void layoutNames() {
        assertEquals(ScaleFactorLayout.CUBLAS, ScaleFactorLayout.byName("cuBLAS").orElseThrow());
        assertEquals(ScaleFactorLayout.LINEAR, ScaleFactorLayout.byName("linear").orElseThrow());
        assertTrue(ScaleFactorLayout.byName("swizzle").isEmpty());
    }
}
