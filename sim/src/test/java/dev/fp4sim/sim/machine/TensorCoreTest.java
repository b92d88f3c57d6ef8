package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.desc.InstrDescriptor;
import dev.fp4sim.isa.desc.SmemDescriptor;
import dev.fp4sim.isa.desc.SmemLayout;
import dev.fp4sim.isa.desc.Swizzle;
import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.gemm.Fp4Operands;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.gemm.ReferenceFp4Gemm;
import dev.fp4sim.sim.profile.Assumptions;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

/**
 * The machine path — operands written into shared memory through the canonical layouts (every
 * swizzle), scale factors into TMEM in the layout of isa.md §5.2, C into TMEM, a chain of
 * tcgen05.mma, D read back from TMEM — equals the datapath GEMM bit for bit.
 */
class TensorCoreTest {

    static long desc(int start, Swizzle s) {
        return s == Swizzle.NONE ? new SmemDescriptor(start, 128, 256, 0, false, s).encode()
                : new SmemDescriptor(start, 16, 8 * s.bytes(), 0, false, s).encode();
    }

    @Test
    void nvfp4ChainThroughTmemAndSmemEqualsTheDatapathGemm() {
        qt().withFixedSeed(17).withExamples(40).forAll(SourceDSL.integers().between(1, 32), SourceDSL.integers().between(1, 3),
                SourceDSL.integers().between(0, 3), SourceDSL.longs().all()).checkAssert((n8, instrs, sw, seed) -> {
            int m = 128;
            int n = 8 * n8;
            int k = 64 * instrs;
            Swizzle swz = new Swizzle[] {Swizzle.NONE, Swizzle.B32, Swizzle.B64, Swizzle.B128}[sw];
            SplittableRandom rnd = new SplittableRandom(seed);
            byte[] a = new byte[m * k / 2];
            byte[] b = new byte[n * k / 2];
            rnd.nextBytes(a);
            rnd.nextBytes(b);
            byte[] sfa = new byte[m * k / 16];
            byte[] sfb = new byte[n * k / 16];
            for (int i = 0; i < sfa.length; i++) {
                sfa[i] = (byte) (0x30 + rnd.nextInt(0x20));
            }
            for (int i = 0; i < sfb.length; i++) {
                sfb[i] = (byte) (0x30 + rnd.nextInt(0x20));
            }
            int[] c = new int[m * n];
            for (int i = 0; i < c.length; i++) {
                c[i] = Float.floatToRawIntBits((float) rnd.nextGaussian() * 64);
            }
            int[] want = ReferenceFp4Gemm.run(new BlockScaledFp4(FloatFormat.UE4M3, 16, BlockScaledProfile.BLACKWELL),
                    new Fp4Operands(m, n, k, 16, a, b, sfa, sfb, c), 1, Progress.NONE);

            TensorMemory tmem = new TensorMemory();
            int base = tmem.alloc(512);
            SharedMemory smem = new SharedMemory(SharedMemory.MAX_BYTES);
            int aStart = 0;
            int bStart = 64 * 1024;
            for (int lane = 0; lane < m; lane++) {
                for (int col = 0; col < n; col++) {
                    tmem.write("st", lane, col, c[lane * n + col]);
                }
            }
            int sfaCol = n;
            int sfbCol = n + 4;
            int idesc = InstrDescriptor.blockScaled(MmaKind.MXF4NVF4, FloatFormat.E2M1, FloatFormat.E2M1, FloatFormat.UE4M3, m, n).encode();
            TensorCore core = new TensorCore(Assumptions.DEFAULTS);
            for (int i = 0; i < instrs; i++) {
                long ad = desc(aStart, swz);
                long bd = desc(bStart, swz);
                for (int r = 0; r < m; r++) {
                    for (int kk = 0; kk < 64; kk++) {
                        int g = i * 64 + kk;
                        int code = (a[r * k / 2 + g / 2] >>> ((g & 1) * 4)) & 0xF;
                        smem.writeBits(SmemLayout.bitAddress(SmemDescriptor.decode(ad), SmemLayout.Major.K, SmemLayout.Element.FP4_PACKED, r, kk), 4, code);
                    }
                }
                for (int r = 0; r < n; r++) {
                    for (int kk = 0; kk < 64; kk++) {
                        int g = i * 64 + kk;
                        int code = (b[r * k / 2 + g / 2] >>> ((g & 1) * 4)) & 0xF;
                        smem.writeBits(SmemLayout.bitAddress(SmemDescriptor.decode(bd), SmemLayout.Major.K, SmemLayout.Element.FP4_PACKED, r, kk), 4, code);
                    }
                }
                // scale factors (isa.md §5.2): row r's 4 bytes of this instruction in lane r % 32 (+32p), column base + r / 32
                for (int r = 0; r < m; r++) {
                    int word = 0;
                    for (int j = 0; j < 4; j++) {
                        word |= (sfa[r * (k / 16) + i * 4 + j] & 0xFF) << (8 * j);
                    }
                    for (int p = 0; p < 4; p++) {
                        tmem.write("cp", r % 32 + 32 * p, sfaCol + r / 32, word);
                    }
                }
                for (int r = 0; r < n; r++) {
                    int word = 0;
                    for (int j = 0; j < 4; j++) {
                        word |= (sfb[r * (k / 16) + i * 4 + j] & 0xFF) << (8 * j);
                    }
                    for (int p = 0; p < 4; p++) {
                        tmem.write("cp", r % 32 + 32 * p, sfbCol + r / 32, word);
                    }
                }
                core.mma(tmem, smem, "sm_100a", MmaKind.MXF4NVF4, 16, base, ad, bd, idesc, base + sfaCol, base + sfbCol, true);
            }
            for (int r = 0; r < m; r++) {
                for (int col = 0; col < n; col++) {
                    assertEquals(Integer.toHexString(want[r * n + col]), Integer.toHexString(tmem.read("ld", r, col)),
                            swz + " N=" + n + " K=" + k + " at (" + r + ", " + col + ")");
                }
            }
            tmem.dealloc(base, 512);
            tmem.checkExit();
        });
    }

    @Test
    void allocationRulesOfThePtxIsa() {
        TensorMemory t = new TensorMemory();
        assertThrows(MachineException.class, () -> t.alloc(48), "not a power of two");
        assertThrows(MachineException.class, () -> t.alloc(16), "below 32");
        int a = t.alloc(256);
        int b = t.alloc(128);
        assertEquals(0, a);
        assertEquals(256, b, "first fit at a multiple of the size");
        var up = assertThrows(MachineException.class, () -> t.alloc(256));
        assertTrue(up.getMessage().contains("must not increase"), up.getMessage());
        assertThrows(MachineException.class, () -> t.read("tcgen05.ld", 0, 400), "outside every allocation");
        var exit = assertThrows(MachineException.class, t::checkExit);
        assertTrue(exit.getMessage().contains("still allocated"), exit.getMessage());
        assertThrows(MachineException.class, () -> t.dealloc(a, 128), "must match an allocation");
        t.dealloc(a, 256);
        t.dealloc(b, 128);
        t.relinquishAllocPermit();
        var after = assertThrows(MachineException.class, () -> t.alloc(32));
        assertTrue(after.getMessage().contains("relinquish"), after.getMessage());
        t.checkExit();
    }

    @Test
    void ld16x256bIsTheMmaSyncAccumulatorFragment() {
        // isa.md §4.3: the 16x256b map equals the m16n8 accumulator fragment (rows t/4 and t/4+8, columns 2(t%4)+{0,1})
        for (int t = 0; t < 32; t++) {
            assertEquals(new TmemLayouts.Cell(t / 4, 2 * (t % 4), 0), TmemLayouts.ld("16x256b", t, 0));
            assertEquals(new TmemLayouts.Cell(t / 4, 2 * (t % 4) + 1, 0), TmemLayouts.ld("16x256b", t, 1));
            assertEquals(new TmemLayouts.Cell(t / 4 + 8, 2 * (t % 4), 0), TmemLayouts.ld("16x256b", t, 2));
            assertEquals(new TmemLayouts.Cell(t, 5, 0), TmemLayouts.ld("32x32b", t, 5));
        }
    }
}
