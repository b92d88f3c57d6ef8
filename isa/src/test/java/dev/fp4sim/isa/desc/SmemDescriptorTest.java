package dev.fp4sim.isa.desc;

import dev.fp4sim.isa.desc.SmemLayout.Element;
import dev.fp4sim.isa.desc.SmemLayout.Major;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Table 40 (isa.md §3.1), the canonical layouts (§3.3–3.5), and the address map as a bijection. */
class SmemDescriptorTest {

    @Test
    void workedExampleOfIsaMd() {
        // K-major SW128, SBO = 1024, tile at 0x400, LBO field 1 (ignored for swizzled K-major)
        SmemDescriptor d = new SmemDescriptor(0x400, 16, 1024, 0, false, Swizzle.B128);
        assertEquals(0x4000404000010040L, d.encode());
        assertEquals(d, SmemDescriptor.decode(0x4000404000010040L));
    }

    @Test
    void ptxLboSboExamples() {
        // K-major, no swizzle, tf32: LBO = 64·4 B -> field 16; SBO = 32·4 B -> field 8
        long w = new SmemDescriptor(0, 256, 128, 0, false, Swizzle.NONE).encode();
        assertEquals(16, (w >>> 16) & 0x3FFF);
        assertEquals(8, (w >>> 32) & 0x3FFF);
        // MN-major, 64B swizzle, bf16: LBO = 256·2 B -> 32; SBO = 512·2 B -> 64
        long v = new SmemDescriptor(0, 512, 1024, 0, false, Swizzle.B64).encode();
        assertEquals(32, (v >>> 16) & 0x3FFF);
        assertEquals(64, (v >>> 32) & 0x3FFF);
        assertEquals(4, v >>> 61);
    }

    @Test
    void invalidWordsNameTheField() {
        long good = 0x4000404000010040L;
        assertEquals("version (bits 46-48)", assertThrows(DescriptorException.class, () -> SmemDescriptor.decode(good & ~(1L << 46))).field());
        assertEquals("swizzle (bits 61-63)", assertThrows(DescriptorException.class, () -> SmemDescriptor.decode(good & ~(7L << 61) | 3L << 61)).field());
        assertEquals("reserved bits", assertThrows(DescriptorException.class, () -> SmemDescriptor.decode(good | 1L << 55)).field());
        assertThrows(DescriptorException.class, () -> new SmemDescriptor(8, 0, 0, 0, false, Swizzle.NONE));
    }

    @Test
    void randomWordsRoundTripOrFail() {
        SplittableRandom rnd = new SplittableRandom(2);
        int ok = 0;
        for (int i = 0; i < 100_000; i++) {
            long w = rnd.nextLong() & ~(0xFFL << 53) & ~(3L << 14) & ~(3L << 30) & ~(7L << 46) | 1L << 46;
            w = (w & ~(7L << 61)) | (long) new int[] {0, 1, 2, 4, 6}[rnd.nextInt(5)] << 61;
            try {
                SmemDescriptor d = SmemDescriptor.decode(w);
                assertEquals(Long.toHexString(w), Long.toHexString(d.encode()));
                ok++;
            } catch (DescriptorException e) {
                assertTrue(e.getMessage().contains("absolute LBO"), e.getMessage());
            }
        }
        assertTrue(ok > 50_000);
    }

    /**
     * For every valid (major, element, swizzle): a tile with dense strides maps its elements one to one
     * onto the data bits of its bytes (padding bits of FP4/FP6 stay untouched), starting on the swizzle repeat.
     */
    @Test
    void addressMapIsABijectionOntoTheTile() {
        int combos = 0;
        for (Major major : Major.values()) {
            for (Element e : Element.values()) {
                for (Swizzle s : Swizzle.values()) {
                    if (SmemLayout.invalidReason(major, e, s) != null) {
                        continue;
                    }
                    combos++;
                    int start = 2 * 1024;
                    int rows;
                    int ks;
                    SmemDescriptor d;
                    int tileBytes;
                    if (major == Major.K) {
                        rows = 32;
                        int chunksPerRow = s == Swizzle.NONE ? 2 : s.bytes() / 16;
                        ks = chunksPerRow * e.perChunk();
                        tileBytes = rows * chunksPerRow * 16;
                        d = s == Swizzle.NONE
                                ? new SmemDescriptor(start, 128, 128 * chunksPerRow, 0, false, s)
                                : new SmemDescriptor(start, 16, 8 * s.bytes(), 0, false, s);
                    } else {
                        int rowBytes = s == Swizzle.NONE ? 16 : s == Swizzle.B128_ATOM32 ? 128 : s.bytes();
                        int kRows = s == Swizzle.B128_ATOM32 ? 4 : 8;
                        int rowsPerAtom = rowBytes * 8 / e.bits();
                        rows = 2 * rowsPerAtom;
                        ks = 2 * kRows;
                        int atom = kRows * rowBytes;
                        tileBytes = rows * ks * e.bits() / 8;
                        d = s == Swizzle.NONE
                                ? new SmemDescriptor(start, 128 * (rows / e.perChunk()), 128, 0, false, s)
                                : new SmemDescriptor(start, atom, atom * (rows / rowsPerAtom), 0, false, s);
                    }
                    BitSet used = new BitSet();
                    for (int r = 0; r < rows; r++) {
                        for (int k = 0; k < ks; k++) {
                            long bit = SmemLayout.bitAddress(d, major, e, r, k);
                            long rel = bit - start * 8L;
                            String where = major + " " + e + " " + s + " (" + r + ", " + k + ")";
                            assertTrue(rel >= 0 && rel + e.bits() <= tileBytes * 8L, where + " outside the tile");
                            for (int b = 0; b < e.bits(); b++) {
                                assertFalse(used.get((int) rel + b), where + " overlaps another element");
                                used.set((int) rel + b);
                            }
                        }
                    }
                    long dataBits = (long) rows * ks * e.bits();
                    assertEquals(dataBits, used.cardinality());
                    if (e != Element.FP4_PADDED && e != Element.FP6_PADDED) {
                        assertEquals(tileBytes * 8L, dataBits, major + " " + e + " " + s + ": every bit of the tile is data");
                    } else {
                        // padded forms: 16 elements per 16-byte chunk, padding at the top of each chunk
                        assertEquals(tileBytes / 16 * 16L * e.bits(), dataBits);
                    }
                }
            }
        }
        assertEquals(6 * 4 + 2 * 4 + 1, combos, "K-major: 6 element kinds x 4 swizzles; MN-major: 8/16-bit x 4, 32-bit x 1");
    }

    @Test
    void lowNibbleHoldsTheEvenElement() {
        SmemDescriptor d = new SmemDescriptor(0, 128, 256, 0, false, Swizzle.NONE);
        assertEquals(0, SmemLayout.bitAddress(d, Major.K, Element.FP4_PACKED, 0, 0));
        assertEquals(4, SmemLayout.bitAddress(d, Major.K, Element.FP4_PACKED, 0, 1));
        assertEquals(8 * 16, SmemLayout.bitAddress(d, Major.K, Element.FP4_PACKED, 1, 0)); // next row of the core matrix
        assertEquals(8 * 128, SmemLayout.bitAddress(d, Major.K, Element.FP4_PACKED, 0, 32)); // next K chunk at LBO
    }
}
