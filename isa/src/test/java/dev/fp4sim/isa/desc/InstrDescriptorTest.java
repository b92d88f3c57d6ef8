package dev.fp4sim.isa.desc;

import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.format.IntFormat;
import dev.fp4sim.isa.mma.MmaKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tables 42–44 of the PTX ISA (isa.md §2), the worked values of isa.md §2, and exhaustive round trips. */
class InstrDescriptorTest {

    @Test
    void workedValuesOfIsaMd() {
        assertEquals(0x08400480, InstrDescriptor.blockScaled(MmaKind.MXF4NVF4, FloatFormat.E2M1, FloatFormat.E2M1, FloatFormat.UE4M3, 128, 256).encode());
        assertEquals(0x08C00480, InstrDescriptor.blockScaled(MmaKind.MXF4NVF4, FloatFormat.E2M1, FloatFormat.E2M1, FloatFormat.UE8M0, 128, 256).encode());
        assertEquals(0x08C01680, InstrDescriptor.blockScaled(MmaKind.MXF8F6F4, FloatFormat.E2M1, FloatFormat.E2M1, FloatFormat.UE8M0, 128, 256).encode());
        assertEquals(0x08400490, InstrDescriptor.dense(MmaKind.F16, FloatFormat.F32, FloatFormat.BF16, FloatFormat.BF16, 128, 256).encode());
        InstrDescriptor d = InstrDescriptor.decode(0x08400480, MmaKind.MXF4NVF4);
        assertEquals(128, d.m());
        assertEquals(256, d.n());
        assertEquals(FloatFormat.UE4M3, d.scaleType());
    }

    @Test
    void deepGemmScaleFactorIdPatch() {
        // DeepGEMM: desc & 0x9FFFFFCF | sfa_id << 29 | sfb_id << 4 (isa.md §2.3)
        int base = 0x08C00480;
        int patched = base & 0x9FFFFFCF | 2 << 29 | 2 << 4;
        InstrDescriptor d = InstrDescriptor.decode(patched, MmaKind.MXF4);
        assertEquals(2, d.sfaId());
        assertEquals(2, d.sfbId());
    }

    @Test
    void invalidWordsNameTheField() {
        var e = assertThrows(DescriptorException.class, () -> InstrDescriptor.decode(0x08400480 | 1 << 12, MmaKind.MXF4NVF4));
        assertEquals("reserved bits", e.field());
        var n = assertThrows(DescriptorException.class, () -> InstrDescriptor.decode(0x08000480, MmaKind.MXF4NVF4));
        assertTrue(n.getMessage().startsWith("N>>3 (bits 17-22)"), n.getMessage());
        var t = assertThrows(DescriptorException.class, () -> InstrDescriptor.decode(0x08400480 | 1 << 15, MmaKind.MXF4NVF4));
        assertTrue(t.getMessage().startsWith("transpose"), t.getMessage());
        var u = assertThrows(DescriptorException.class, () -> InstrDescriptor.decode(0x08400080 | 1 << 10, MmaKind.MXF4));
        assertTrue(u.getMessage().startsWith("scale type: ue4m3"), u.getMessage());
        var i = assertThrows(DescriptorException.class, () -> InstrDescriptor.decode(0x08400020 | 1 << 13 | 1 << 7 | 1 << 10, MmaKind.I8));
        assertTrue(i.getMessage().startsWith("negate"), i.getMessage());
    }

    static List<ElementFormat> types(MmaKind k) {
        return switch (k) {
            case F16 -> List.of(FloatFormat.F16, FloatFormat.BF16);
            case TF32 -> List.of(FloatFormat.TF32);
            case I8 -> List.of(IntFormat.U8, IntFormat.S8);
            case MXF4, MXF4NVF4 -> List.of(FloatFormat.E2M1);
            default -> List.of(FloatFormat.E4M3, FloatFormat.E5M2, FloatFormat.E2M3, FloatFormat.E3M2, FloatFormat.E2M1);
        };
    }

    /** Every valid field combination encodes, decodes back to itself, and distinct ones give distinct words. */
    @Test
    void everyValidCombinationRoundTrips() {
        int count = 0;
        for (MmaKind k : MmaKind.values()) {
            if (k == MmaKind.F8) {
                continue;
            }
            java.util.Set<Integer> words = new java.util.HashSet<>();
            List<ElementFormat> ds = switch (k) {
                case F16, F8F6F4 -> List.of(FloatFormat.F16, FloatFormat.F32);
                case I8 -> List.of(IntFormat.S32);
                default -> List.of(FloatFormat.F32);
            };
            for (ElementFormat a : types(k)) {
                for (ElementFormat b : types(k)) {
                    for (ElementFormat d : ds) {
                        for (int flags = 0; flags < 64; flags++) {
                            for (int n = 8; n <= 256; n += 8) {
                                for (int m : k.blockScaled() ? new int[] {128, 256} : new int[] {32, 64, 128, 256}) {
                                    boolean sparse = (flags & 1) != 0;
                                    boolean negA = (flags & 2) != 0;
                                    boolean negB = (flags & 4) != 0;
                                    boolean trA = (flags & 8) != 0;
                                    boolean trB = (flags & 16) != 0;
                                    boolean extra = (flags & 32) != 0;
                                    InstrDescriptor desc = k.blockScaled()
                                            ? new InstrDescriptor(k, 0, sparse, false, d, a, b, negA, negB, trA, trB, n, m, 0,
                                            k == MmaKind.MXF4NVF4 && extra ? FloatFormat.UE4M3 : FloatFormat.UE8M0,
                                            extra ? 2 : 0, extra ? 0 : 2, k.packedFp4() && extra)
                                            : new InstrDescriptor(k, 0, sparse, extra && k == MmaKind.I8, d, a, b, negA, negB, trA, trB,
                                            n, m, extra ? 3 : 0, null, 0, 0, false);
                                    if (!desc.problems().isEmpty()) {
                                        continue;
                                    }
                                    int w = desc.encode();
                                    assertEquals(desc, InstrDescriptor.decode(w, k), () -> desc.toString());
                                    assertTrue(words.add(w), () -> "two combinations share word " + Integer.toHexString(w));
                                    count++;
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(count > 100_000, "combinations checked: " + count);
    }

    /** Any word: decoding either fails with a named field or re-encodes to the same word. */
    @Test
    void randomWordsDecodeToThemselvesOrFail() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int i = 0; i < 200_000; i++) {
            int w = rnd.nextInt();
            for (MmaKind k : new MmaKind[] {MmaKind.F16, MmaKind.TF32, MmaKind.F8F6F4, MmaKind.I8, MmaKind.MXF8F6F4, MmaKind.MXF4, MmaKind.MXF4NVF4}) {
                InstrDescriptor d;
                try {
                    d = InstrDescriptor.decode(w, k);
                } catch (DescriptorException e) {
                    assertTrue(e.field() != null && !e.getMessage().isBlank());
                    continue;
                }
                assertEquals(Integer.toHexString(w), Integer.toHexString(d.encode()), k + " " + d);
            }
        }
    }
}
