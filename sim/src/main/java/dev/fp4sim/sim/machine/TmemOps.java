package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.desc.SmemDescriptor;
import dev.fp4sim.isa.desc.SmemLayout;
import dev.fp4sim.isa.desc.TmemAddress;

import java.util.BitSet;
import java.util.List;

/** TEMPORARY minimal stand-in (32x32b ld/st, 32x128b.warpx4 / 128x128b / 128x256b cp); replaced by the full implementation. */
public final class TmemOps {

    private TmemOps() {
    }

    public static int regsPerThread(String shape, int num, boolean pack16) {
        if (!shape.equals("32x32b")) {
            throw new IllegalArgumentException("shape " + shape);
        }
        return pack16 ? num / 2 : num;
    }

    public static int[][] ld(TensorMemory tmem, int taddr, String shape, int num, boolean pack16, int halfSplitoff, int warpInGroup) {
        TmemAddress a = TmemAddress.decode(taddr);
        if (a.lane() / 32 != warpInGroup) {
            throw new MachineException("tcgen05.ld", "warp " + warpInGroup + " of its warpgroup may access only lanes " + 32 * warpInGroup + ".." + (32 * warpInGroup + 31));
        }
        int[][] r = new int[32][num];
        for (int t = 0; t < 32; t++) {
            for (int i = 0; i < num; i++) {
                r[t][i] = tmem.read("tcgen05.ld", a.lane() + t, a.column() + i);
            }
        }
        return r;
    }

    public static void st(TensorMemory tmem, int taddr, String shape, int num, boolean unpack16, int halfSplitoff, int warpInGroup, int[][] regs) {
        TmemAddress a = TmemAddress.decode(taddr);
        for (int t = 0; t < 32; t++) {
            for (int i = 0; i < num; i++) {
                tmem.write("tcgen05.st", a.lane() + t, a.column() + i, regs[t][i]);
            }
        }
    }

    public static Footprint ldStFootprint(int taddr, String shape, int num, boolean pack16, int halfSplitoff) {
        TmemAddress a = TmemAddress.decode(taddr);
        Footprint.TmemRect r = new Footprint.TmemRect(0, a.lane(), 32, a.column(), num);
        return new Footprint(new BitSet[] {new BitSet()}, List.of(r), List.of(r));
    }

    private static int rows(String shape) {
        return Integer.parseInt(shape.substring(0, shape.indexOf('x')));
    }

    private static int cols(String shape) {
        return Integer.parseInt(shape.substring(shape.indexOf('x') + 1, shape.length() - 1)) / 32;
    }

    public static void cp(TensorMemory[] tmem, SharedMemory[] smem, int taddr, long sdesc, String shape, String multicast, String srcFmt) {
        TmemAddress a = TmemAddress.decode(taddr);
        SmemDescriptor d = SmemDescriptor.decode(sdesc);
        int rows = rows(shape);
        int cols = cols(shape);
        int copies = "warpx4".equals(multicast) ? 4 : 1;
        for (int c = 0; c < tmem.length; c++) {
            for (int r = 0; r < rows; r++) {
                for (int col = 0; col < cols; col++) {
                    int w = 0;
                    for (int b = 0; b < 4; b++) {
                        long bit = SmemLayout.bitAddress(d, SmemLayout.Major.K, SmemLayout.Element.B8, r, 4 * col + b);
                        w |= smem[c].readBits(bit, 8) << (8 * b);
                    }
                    for (int p = 0; p < copies; p++) {
                        tmem[c].write("tcgen05.cp", a.lane() + r + 32 * p, a.column() + col, w);
                    }
                }
            }
        }
    }

    public static Footprint cpFootprint(int ctaGroup, int taddr, long sdesc, String shape, String multicast, String srcFmt) {
        TmemAddress a = TmemAddress.decode(taddr);
        SmemDescriptor d = SmemDescriptor.decode(sdesc);
        BitSet[] reads = new BitSet[ctaGroup];
        BitSet b = new BitSet();
        for (int r = 0; r < rows(shape); r++) {
            for (int k = 0; k < cols(shape) * 4; k++) {
                b.set((int) (SmemLayout.bitAddress(d, SmemLayout.Major.K, SmemLayout.Element.B8, r, k) / 8));
            }
        }
        java.util.Arrays.fill(reads, b);
        int lanes = "warpx4".equals(multicast) ? 128 : rows(shape);
        List<Footprint.TmemRect> w = new java.util.ArrayList<>();
        for (int c = 0; c < ctaGroup; c++) {
            w.add(new Footprint.TmemRect(c, a.lane(), lanes, a.column(), cols(shape)));
        }
        return new Footprint(reads, List.of(), w);
    }

    public static void shift(TensorMemory[] tmem, int taddr) {
        throw new MachineException("tcgen05.shift", "not modelled yet");
    }

    public static Footprint shiftFootprint(int ctaGroup, int taddr) {
        throw new MachineException("tcgen05.shift", "not modelled yet");
    }
}
