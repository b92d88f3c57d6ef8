package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.desc.SmemDescriptor;
import dev.fp4sim.isa.desc.Swizzle;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tcgen05.ld/st/cp/shift against the maps of isa.md §4.3–§4.5 written out here by hand (with / and %
 * from the tables, or as literal cells), not against the code's own output.
 */
class TmemOpsTest {

    static final String[] LD_SHAPES = {"32x32b", "16x64b", "16x128b", "16x256b", "16x32bx2"};

    /** A cell value whose low 16 bits name the cell (lane·512 + column) and whose high bits are noise the packed forms must drop. */
    static int enc(int lane, int col) {
        return 0xA5000000 ^ (lane * 7 + col) << 16 | (lane * 512 + col);
    }

    static TensorMemory filled() {
        TensorMemory t = new TensorMemory();
        t.alloc(512);
        for (int l = 0; l < 128; l++) {
            for (int c = 0; c < 512; c++) {
                t.write("test", l, c, enc(l, c));
            }
        }
        return t;
    }

    static int taddr(int lane, int col) {
        return lane << 16 | col;
    }

    /** The isa.md §4.3 table, written out: {lane, column} relative to taddr of thread t, register j (no packing). */
    static int[] table(String shape, int t, int j, int imm) {
        return switch (shape) {
            case "32x32b" -> new int[] {t, j};
            case "16x64b" -> new int[] {t / 4 + 8 * (t % 2), 2 * j + (t / 2) % 2};
            case "16x128b" -> new int[] {t / 4 + 8 * (j % 2), 4 * (j / 2) + t % 4};
            case "16x256b" -> new int[] {t / 4 + 8 * ((j % 4) / 2), 8 * (j / 4) + 2 * (t % 4) + j % 2};
            case "16x32bx2" -> new int[] {t % 16, j + (t >= 16 ? imm : 0)};
            default -> throw new AssertionError(shape);
        };
    }

    static int regsX1(String shape) {
        return shape.equals("16x128b") ? 2 : shape.equals("16x256b") ? 4 : 1;
    }

    static int colsX1(String shape) {
        return switch (shape) {
            case "16x64b" -> 2;
            case "16x128b" -> 4;
            case "16x256b" -> 8;
            default -> 1;
        };
    }

    @Test
    void registersPerThreadFollowTheTable() {
        assertEquals(1, TmemOps.regsPerThread("32x32b", 1, false));
        assertEquals(128, TmemOps.regsPerThread("32x32b", 128, false));
        assertEquals(128, TmemOps.regsPerThread("16x64b", 128, true));
        assertEquals(64, TmemOps.regsPerThread("16x32bx2", 64, false));
        assertEquals(2, TmemOps.regsPerThread("16x128b", 1, false));
        assertEquals(128, TmemOps.regsPerThread("16x128b", 64, false));
        assertEquals(4, TmemOps.regsPerThread("16x256b", 1, true));
        assertEquals(128, TmemOps.regsPerThread("16x256b", 32, false));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TmemOps.regsPerThread("16x128b", 128, false)).getMessage().contains("x64"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TmemOps.regsPerThread("16x256b", 64, false)).getMessage().contains("x32"));
        assertThrows(IllegalArgumentException.class, () -> TmemOps.regsPerThread("32x32b", 3, false));
        assertThrows(IllegalArgumentException.class, () -> TmemOps.regsPerThread("32x32b", 0, false));
        assertThrows(IllegalArgumentException.class, () -> TmemOps.regsPerThread("32x32b", 256, false));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TmemOps.regsPerThread("32x64b", 1, false)).getMessage().contains("32x64b"));
    }

    @Test
    void literalCellsOfEachShape() {
        TensorMemory tm = filled();
        // {shape, t, register, imm, expected lane, expected column}, derived by hand from the isa.md §4.3 table with taddr (0, 0).
        int[][] cases = {
                {0, 7, 5, 0, 7, 5},
                {1, 6, 0, 0, 1, 1},
                {1, 3, 2, 0, 8, 5},
                {1, 31, 1, 0, 15, 3},
                {2, 7, 3, 0, 9, 7},
                {2, 0, 0, 0, 0, 0},
                {3, 10, 6, 0, 10, 12},
                {3, 31, 3, 0, 15, 7},
                {4, 20, 1, 8, 4, 9},
                {4, 15, 1, 8, 15, 1},
        };
        for (int[] k : cases) {
            String shape = LD_SHAPES[k[0]];
            int[][] r = TmemOps.ld(tm, taddr(0, 0), shape, 8, false, k[3], 0);
            assertEquals(enc(k[4], k[5]), r[k[1]][k[2]], shape + " t=" + k[1] + " r" + k[2]);
        }
    }

    /** Every shape × .num × packing, at a lane and column base: register = the cell(s) the table names. */
    @Test
    void ldReadsTheTableCellsForEveryForm() {
        TensorMemory tm = filled();
        for (String shape : LD_SHAPES) {
            for (int num = 1; num <= 128 / regsX1(shape); num *= 2) {
                for (boolean pack : new boolean[] {false, true}) {
                    int span = colsX1(shape) * num * (pack ? 2 : 1);
                    int imm = shape.equals("16x32bx2") ? Math.min(span + num % 3, 512 - span) : 0;
                    int width = shape.equals("16x32bx2") ? imm + span : span;
                    int c0 = (512 - width) / 3;
                    int warp = num % 4;
                    int l0 = 32 * warp + (shape.equals("32x32b") ? 0 : 16 * (num % 2));
                    int[][] r = TmemOps.ld(tm, taddr(l0, c0), shape, num, pack, imm, warp);
                    for (int t = 0; t < 32; t++) {
                        for (int j = 0; j < regsX1(shape) * num; j++) {
                            int[] e = table(shape, t, j, 0);
                            int lane = l0 + e[0];
                            int extra = shape.equals("16x32bx2") && t >= 16 ? imm : 0;
                            int expected;
                            if (pack) {
                                int col = c0 + 2 * e[1] + extra;
                                expected = (lane * 512 + col) | (lane * 512 + col + 1) << 16;
                            } else {
                                expected = enc(lane, c0 + e[1] + extra);
                            }
                            assertEquals(expected, r[t][j], shape + ".x" + num + (pack ? ".pack" : "") + " t=" + t + " r" + j);
                        }
                    }
                }
            }
        }
    }

    /** Each cell of the footprint is read by exactly one (thread, register[, half]); nothing outside it. */
    @Test
    void ldCoversItsFootprintExactlyOnce() {
        TensorMemory tm = filled();
        for (String shape : LD_SHAPES) {
            for (int num = 1; num <= 128 / regsX1(shape); num *= 2) {
                for (boolean pack : new boolean[] {false, true}) {
                    int span = colsX1(shape) * num * (pack ? 2 : 1);
                    for (int imm : shape.equals("16x32bx2") ? new int[] {span, span + 5} : new int[] {0}) {
                        if (imm + span > 512) {
                            continue;
                        }
                        int[][] r = TmemOps.ld(tm, taddr(32, 0), shape, num, pack, imm, 1);
                        Map<Long, Integer> hits = new HashMap<>();
                        for (int[] regs : r) {
                            for (int v : regs) {
                                for (int h : pack ? new int[] {v & 0xFFFF, v >>> 16} : new int[] {v & 0xFFFF}) {
                                    hits.merge((long) h, 1, Integer::sum);
                                }
                            }
                        }
                        Set<Long> rectCells = new HashSet<>();
                        Footprint f = TmemOps.ldStFootprint(taddr(32, 0), shape, num, pack, imm);
                        assertEquals(1, f.smemReads().length);
                        assertTrue(f.smemReads()[0].isEmpty());
                        assertTrue(f.tmemWrites().isEmpty());
                        for (Footprint.TmemRect q : f.tmemReads()) {
                            assertEquals(0, q.cta());
                            for (int l = q.lane0(); l < q.lane0() + q.lanes(); l++) {
                                for (int c = q.col0(); c < q.col0() + q.cols(); c++) {
                                    assertTrue(rectCells.add((long) (l * 512 + c)), "rectangles overlap");
                                }
                            }
                        }
                        String what = shape + ".x" + num + (pack ? ".pack" : "") + " imm " + imm;
                        assertEquals(rectCells, hits.keySet(), what);
                        hits.values().forEach(n -> assertEquals(1, n, what));
                        Footprint s = TmemOps.stFootprint(taddr(32, 0), shape, num, pack, imm);
                        assertEquals(f.tmemReads(), s.tmemWrites());
                        assertTrue(s.tmemReads().isEmpty());
                    }
                }
            }
        }
    }

    @Test
    void stThenLdIsTheIdentityAndWritesOnlyTheFootprint() {
        SplittableRandom rnd = new SplittableRandom(6);
        for (String shape : LD_SHAPES) {
            for (int num = 1; num <= 128 / regsX1(shape); num *= 2) {
                for (boolean pack : new boolean[] {false, true}) {
                    int span = colsX1(shape) * num * (pack ? 2 : 1);
                    int imm = shape.equals("16x32bx2") ? span : 0;
                    int c0 = shape.equals("16x32bx2") ? 512 - 2 * span : 512 - span;
                    int l0 = 64 + (shape.equals("32x32b") ? 0 : 16);
                    TensorMemory tm = filled();
                    int[][] regs = new int[32][regsX1(shape) * num];
                    for (int[] row : regs) {
                        for (int i = 0; i < row.length; i++) {
                            row[i] = rnd.nextInt();
                        }
                    }
                    TmemOps.st(tm, taddr(l0, c0), shape, num, pack, imm, 2, regs);
                    String what = shape + ".x" + num + (pack ? ".unpack" : "");
                    int[][] back = TmemOps.ld(tm, taddr(l0, c0), shape, num, pack, imm, 2);
                    for (int t = 0; t < 32; t++) {
                        assertArrayEquals(regs[t], back[t], what + " t=" + t);
                    }
                    Set<Long> in = new HashSet<>();
                    for (Footprint.TmemRect q : TmemOps.ldStFootprint(taddr(l0, c0), shape, num, pack, imm).tmemReads()) {
                        for (int l = q.lane0(); l < q.lane0() + q.lanes(); l++) {
                            for (int c = q.col0(); c < q.col0() + q.cols(); c++) {
                                in.add((long) (l * 512 + c));
                                if (pack) {
                                    assertEquals(0, tm.read("test", l, c) >>> 16, "unpack zero-extends: " + what);
                                }
                            }
                        }
                    }
                    for (int l = 0; l < 128; l++) {
                        for (int c = 0; c < 512; c++) {
                            if (!in.contains((long) (l * 512 + c))) {
                                assertEquals(enc(l, c), tm.read("test", l, c), what + " wrote outside its footprint");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void unpackPutsTheLowHalfInTheLowerColumn() {
        TensorMemory tm = filled();
        int[][] regs = new int[32][1];
        for (int t = 0; t < 32; t++) {
            regs[t][0] = 0xBEEF0000 | t;
        }
        TmemOps.st(tm, taddr(0, 10), "32x32b", 1, true, 0, 0, regs);
        for (int t = 0; t < 32; t++) {
            assertEquals(t, tm.read("test", t, 10));
            assertEquals(0xBEEF, tm.read("test", t, 11));
            assertEquals(enc(t, 12), tm.read("test", t, 12));
        }
    }

    @Test
    void aWarpReachesOnlyItsLaneQuarter() {
        TensorMemory tm = filled();
        MachineException e = assertThrows(MachineException.class, () -> TmemOps.ld(tm, taddr(0, 0), "32x32b", 1, false, 0, 1));
        assertTrue(e.getMessage().startsWith("tcgen05.ld"), e.getMessage());
        assertTrue(e.getMessage().contains("32..63"), e.getMessage());
        assertThrows(MachineException.class, () -> TmemOps.ld(tm, taddr(33, 0), "32x32b", 1, false, 0, 1));
        assertThrows(MachineException.class, () -> TmemOps.ld(tm, taddr(17, 0), "16x64b", 1, false, 0, 0));
        TmemOps.ld(tm, taddr(16, 0), "16x64b", 1, false, 0, 0);
        TmemOps.ld(tm, taddr(112, 0), "16x256b", 1, false, 0, 3);
        MachineException s = assertThrows(MachineException.class,
                () -> TmemOps.st(tm, taddr(96, 0), "16x128b", 1, false, 0, 2, new int[32][2]));
        assertTrue(s.getMessage().startsWith("tcgen05.st"), s.getMessage());
        assertEquals(enc(96, 0), tm.read("test", 96, 0));
    }

    @Test
    void accessesOutsideTheAllocationNameTheInstruction() {
        TensorMemory tm = new TensorMemory();
        tm.alloc(32);
        MachineException e = assertThrows(MachineException.class, () -> TmemOps.ld(tm, taddr(0, 30), "32x32b", 4, false, 0, 0));
        assertTrue(e.getMessage().startsWith("tcgen05.ld:"), e.getMessage());
        int[][] regs = new int[32][4];
        for (int[] r : regs) {
            java.util.Arrays.fill(r, 7);
        }
        MachineException s = assertThrows(MachineException.class, () -> TmemOps.st(tm, taddr(0, 30), "32x32b", 4, false, 0, 0, regs));
        assertTrue(s.getMessage().startsWith("tcgen05.st:"), s.getMessage());
        assertEquals(0, tm.read("test", 0, 30), "a failing st writes nothing");
        assertThrows(MachineException.class, () -> TmemOps.st(tm, taddr(0, 0), "16x32bx2", 4, false, 2, 0, regs));
        assertThrows(IllegalArgumentException.class, () -> TmemOps.ld(tm, taddr(0, 0), "32x32b", 1, false, 4, 0));
    }

    // ---- tcgen05.cp

    static SharedMemory randomSmem(long seed, int size) {
        SharedMemory s = new SharedMemory(size);
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        s.write(0, b);
        return s;
    }

    static int smemByte(SharedMemory s, int a) {
        return s.readBits(8L * a, 8);
    }

    static int tmemByte(TensorMemory t, int lane, int col, int b) {
        return (t.read("test", lane, col) >>> (8 * b)) & 0xFF;
    }

    static TensorMemory zeroTmem() {
        TensorMemory t = new TensorMemory();
        t.alloc(512);
        return t;
    }

    /** isa.md §5.2: DeepGEMM's SF copy, SWIZZLE_NONE, SBO = 128: TMEM (l + 32p, C + c, byte b) = SMEM byte start + 16l + 4c + b. */
    @Test
    void cp32x128bWarpx4ReplicatesTheDeepGemmScaleBlock() {
        SharedMemory s = randomSmem(1, 4096);
        TensorMemory t = zeroTmem();
        int start = 1024;
        long desc = new SmemDescriptor(start, 0, 128, 0, false, Swizzle.NONE).encode();
        TmemOps.cp(new TensorMemory[] {t}, new SharedMemory[] {s}, taddr(0, 200), desc, "32x128b", "warpx4", null);
        for (int p = 0; p < 4; p++) {
            for (int l = 0; l < 32; l++) {
                for (int c = 0; c < 4; c++) {
                    for (int b = 0; b < 4; b++) {
                        assertEquals(smemByte(s, start + 16 * l + 4 * c + b), tmemByte(t, l + 32 * p, 200 + c, b));
                    }
                }
                assertEquals(0, t.read("test", l + 32 * p, 204));
                assertEquals(0, t.read("test", l + 32 * p, 199));
            }
        }
        Footprint f = TmemOps.cpFootprint(1, taddr(0, 200), desc, "32x128b", "warpx4", null);
        BitSet want = new BitSet();
        want.set(start, start + 512);
        assertEquals(want, f.smemReads()[0]);
        assertEquals(List.of(new Footprint.TmemRect(0, 0, 128, 200, 4)), f.tmemWrites());
        assertTrue(f.tmemReads().isEmpty());
    }

    /** K-major no swizzle: row r byte b at start + (r%8)·16 + (r/8)·SBO + (b/16)·LBO + b%16 (isa.md §3.4). */
    @Test
    void cp128x256bRowsFollowTheCanonicalLayout() {
        SharedMemory s = randomSmem(2, 16384);
        TensorMemory t = zeroTmem();
        int start = 256;
        int lbo = 128;
        int sbo = 256;
        long desc = new SmemDescriptor(start, lbo, sbo, 0, false, Swizzle.NONE).encode();
        TmemOps.cp(new TensorMemory[] {t}, new SharedMemory[] {s}, taddr(0, 40), desc, "128x256b", null, null);
        BitSet read = new BitSet();
        for (int r = 0; r < 128; r++) {
            for (int c = 0; c < 8; c++) {
                for (int j = 0; j < 4; j++) {
                    int b = 4 * c + j;
                    int a = start + (r % 8) * 16 + (r / 8) * sbo + (b / 16) * lbo + b % 16;
                    read.set(a);
                    assertEquals(smemByte(s, a), tmemByte(t, r, 40 + c, j), "row " + r + " byte " + b);
                }
            }
            assertEquals(0, t.read("test", r, 48));
        }
        Footprint f = TmemOps.cpFootprint(1, taddr(0, 40), desc, "128x256b", null, null);
        assertEquals(read, f.smemReads()[0]);
        assertEquals(List.of(new Footprint.TmemRect(0, 0, 128, 40, 8)), f.tmemWrites());
    }

    /** 128B swizzle: row r byte b at swz(start + (r%8)·128 + (r/8)·SBO + b), swz(a) = a ^ ((a >> 7) & 7) << 4. */
    @Test
    void cp128x128bThrough128ByteSwizzle() {
        SharedMemory s = randomSmem(3, 32768);
        TensorMemory t = zeroTmem();
        int start = 2048;
        long desc = new SmemDescriptor(start, 16, 1024, 0, false, Swizzle.B128).encode();
        TmemOps.cp(new TensorMemory[] {t}, new SharedMemory[] {s}, taddr(0, 0), desc, "128x128b", null, null);
        for (int r = 0; r < 128; r++) {
            for (int b = 0; b < 16; b++) {
                int a = start + (r % 8) * 128 + (r / 8) * 1024 + b;
                a ^= ((a >> 7) & 7) << 4;
                assertEquals(smemByte(s, a), tmemByte(t, r, b / 4, b % 4));
            }
        }
    }

    @Test
    void cp4x256bWritesOneLanePerQuarter() {
        SharedMemory s = randomSmem(4, 4096);
        TensorMemory t = zeroTmem();
        long desc = new SmemDescriptor(512, 64, 128, 0, false, Swizzle.NONE).encode();
        TmemOps.cp(new TensorMemory[] {t}, new SharedMemory[] {s}, taddr(5, 16), desc, "4x256b", null, null);
        for (int l = 0; l < 128; l++) {
            for (int c = 16; c < 24; c++) {
                if ((l - 5) % 32 == 0 && l >= 5) {
                    int r = (l - 5) / 32;
                    for (int j = 0; j < 4; j++) {
                        int b = 4 * (c - 16) + j;
                        assertEquals(smemByte(s, 512 + 16 * r + (b / 16) * 64 + b % 16), tmemByte(t, l, c, j));
                    }
                } else {
                    assertEquals(0, t.read("test", l, c), "lane " + l);
                }
            }
        }
        Footprint f = TmemOps.cpFootprint(1, taddr(5, 16), desc, "4x256b", null, null);
        assertEquals(List.of(new Footprint.TmemRect(0, 5, 1, 16, 8), new Footprint.TmemRect(0, 37, 1, 16, 8),
                new Footprint.TmemRect(0, 69, 1, 16, 8), new Footprint.TmemRect(0, 101, 1, 16, 8)), f.tmemWrites());
        MachineException e = assertThrows(MachineException.class,
                () -> TmemOps.cp(new TensorMemory[] {t}, new SharedMemory[] {s}, taddr(32, 0), desc, "4x256b", null, null));
        assertTrue(e.getMessage().startsWith("tcgen05.cp"), e.getMessage());
    }

    /** The documented reading of "each warp of a pair receives half of the data" (docs/machine.md), as literal lanes. */
    @Test
    void cp64x128bWarpx2SplitsRowsBetweenTheWarpsOfAPair() {
        SharedMemory s = randomSmem(5, 4096);
        long desc = new SmemDescriptor(0, 0, 128, 0, false, Swizzle.NONE).encode();
        // {row, lanes under ::02_13, lanes under ::01_23}
        int[][][] cases = {
                {{0}, {0, 32}, {0, 64}},
                {{31}, {31, 63}, {31, 95}},
                {{32}, {64, 96}, {32, 96}},
                {{33}, {65, 97}, {33, 97}},
                {{63}, {95, 127}, {63, 127}},
        };
        for (int m = 0; m < 2; m++) {
            String mc = m == 0 ? "warpx2::02_13" : "warpx2::01_23";
            TensorMemory t = zeroTmem();
            TmemOps.cp(new TensorMemory[] {t}, new SharedMemory[] {s}, taddr(0, 8), desc, "64x128b", mc, null);
            for (int[][] k : cases) {
                int r = k[0][0];
                for (int lane : k[1 + m]) {
                    for (int b = 0; b < 16; b++) {
                        assertEquals(smemByte(s, 16 * r + b), tmemByte(t, lane, 8 + b / 4, b % 4), mc + " row " + r + " lane " + lane);
                    }
                }
            }
            Set<Integer> lanesFromRows = new HashSet<>();
            for (int r = 0; r < 64; r++) {
                int half = r / 32;
                int[] q = m == 0 ? new int[] {2 * half, 2 * half + 1} : new int[] {half, half + 2};
                for (int p : q) {
                    assertTrue(lanesFromRows.add(r % 32 + 32 * p));
                    for (int b = 0; b < 16; b++) {
                        assertEquals(smemByte(s, 16 * r + b), tmemByte(t, r % 32 + 32 * p, 8 + b / 4, b % 4));
                    }
                }
            }
            assertEquals(128, lanesFromRows.size());
            assertEquals(List.of(new Footprint.TmemRect(0, 0, 128, 8, 4)), TmemOps.cpFootprint(1, taddr(0, 8), desc, "64x128b", mc, null).tmemWrites());
        }
    }

    @Test
    void cpCtaPairReadsEachCtasOwnSmem() {
        SharedMemory s0 = randomSmem(6, 2048);
        SharedMemory s1 = randomSmem(7, 2048);
        TensorMemory t0 = zeroTmem();
        TensorMemory t1 = zeroTmem();
        long desc = new SmemDescriptor(0, 0, 128, 0, false, Swizzle.NONE).encode();
        TmemOps.cp(new TensorMemory[] {t0, t1}, new SharedMemory[] {s0, s1}, taddr(0, 0), desc, "32x128b", "warpx4", null);
        for (int l = 0; l < 128; l++) {
            for (int b = 0; b < 16; b++) {
                assertEquals(smemByte(s0, 16 * (l % 32) + b), tmemByte(t0, l, b / 4, b % 4));
                assertEquals(smemByte(s1, 16 * (l % 32) + b), tmemByte(t1, l, b / 4, b % 4));
            }
        }
        Footprint f = TmemOps.cpFootprint(2, taddr(0, 0), desc, "32x128b", "warpx4", null);
        assertEquals(2, f.smemReads().length);
        assertEquals(f.smemReads()[0], f.smemReads()[1]);
        assertEquals(List.of(new Footprint.TmemRect(0, 0, 128, 0, 4), new Footprint.TmemRect(1, 0, 128, 0, 4)), f.tmemWrites());
    }

    /** Bytes outside the footprint do not influence the result, and (uncompressed) every byte inside does. */
    @Test
    void cpFootprintIsExactlyTheBytesRead() {
        Object[][] forms = {{"128x256b", null}, {"128x128b", null}, {"4x256b", null}, {"64x128b", "warpx2::01_23"}, {"32x128b", "warpx4"}};
        long[] descs = {new SmemDescriptor(384, 2048, 512, 0, false, Swizzle.NONE).encode(),
                new SmemDescriptor(1024, 16, 256, 0, false, Swizzle.B32).encode()};
        for (Object[] form : forms) {
            for (long desc : descs) {
                String shape = (String) form[0];
                String mc = (String) form[1];
                int size = 12288;
                SharedMemory s = randomSmem(8, size);
                BitSet fp = TmemOps.cpFootprint(1, 0, desc, shape, mc, null).smemReads()[0];
                int[] before = snapshotCp(s, desc, shape, mc, null);
                SharedMemory other = randomSmem(9, size);
                for (int a = 0; a < size; a++) {
                    if (!fp.get(a)) {
                        s.writeBits(8L * a, 8, smemByte(other, a));
                    }
                }
                assertArrayEquals(before, snapshotCp(s, desc, shape, mc, null), shape + ": a byte outside the footprint was read");
                for (int a = fp.nextSetBit(0); a >= 0; a = fp.nextSetBit(a + 1)) {
                    int old = smemByte(s, a);
                    s.writeBits(8L * a, 8, old ^ 0x5A);
                    assertTrue(!java.util.Arrays.equals(before, snapshotCp(s, desc, shape, mc, null)), shape + ": footprint byte " + a + " is not read");
                    s.writeBits(8L * a, 8, old);
                }
            }
        }
    }

    static int[] snapshotCp(SharedMemory s, long desc, String shape, String mc, String fmt) {
        TensorMemory t = zeroTmem();
        TmemOps.cp(new TensorMemory[] {t}, new SharedMemory[] {s}, 0, desc, shape, mc, fmt);
        int[] out = new int[128 * 8];
        for (int l = 0; l < 128; l++) {
            for (int c = 0; c < 8; c++) {
                out[l * 8 + c] = t.read("test", l, c);
            }
        }
        return out;
    }

    /** b4x16_p64: value i in nibble i (low first) of the first 8 bytes → byte i; every code at every position. */
    @Test
    void b4DecompressionAllCodesAllPositions() {
        SharedMemory s = new SharedMemory(4096);
        byte[] rows = new byte[16 * 16];
        for (int k = 0; k < 16; k++) {
            for (int i = 0; i < 16; i += 2) {
                int lo = (i + k) % 16;
                int hi = (i + 1 + k) % 16;
                rows[16 * k + i / 2] = (byte) (hi << 4 | lo);
            }
            for (int p = 8; p < 16; p++) {
                rows[16 * k + p] = (byte) 0xEE;
            }
        }
        assertEquals((byte) 0x10, rows[0]);
        assertEquals((byte) 0xFE, rows[7]);
        s.write(0, rows);
        TensorMemory t = zeroTmem();
        long desc = new SmemDescriptor(0, 0, 128, 0, false, Swizzle.NONE).encode();
        TmemOps.cp(new TensorMemory[] {t}, new SharedMemory[] {s}, 0, desc, "32x128b", "warpx4", "b4x16_p64");
        for (int k = 0; k < 16; k++) {
            for (int i = 0; i < 16; i++) {
                assertEquals((i + k) % 16, tmemByte(t, k + 64, i / 4, i % 4), "row " + k + " value " + i);
            }
        }
        assertEquals(0x03020100, t.read("test", 0, 0));
        assertEquals(0x0F0E0D0C, t.read("test", 0, 3));
        BitSet fp = TmemOps.cpFootprint(1, 0, desc, "32x128b", "warpx4", "b4x16_p64").smemReads()[0];
        BitSet want = new BitSet();
        want.set(0, 512);
        assertEquals(want, fp, "padding bytes count as read");
    }

    /** b6x16_p32: 16 six-bit values as a little-endian bit stream in 12 bytes → byte i; all 64 codes at every position. */
    @Test
    void b6DecompressionAllCodesAllPositions() {
        SharedMemory s = new SharedMemory(8192);
        byte[] data = new byte[64 * 16];
        for (int k = 0; k < 64; k++) {
            BigInteger stream = BigInteger.ZERO;
            for (int i = 0; i < 16; i++) {
                stream = stream.add(BigInteger.valueOf((i + k) % 64).shiftLeft(6 * i));
            }
            for (int j = 0; j < 12; j++) {
                data[16 * k + j] = stream.shiftRight(8 * j).byteValue();
            }
            for (int p = 12; p < 16; p++) {
                data[16 * k + p] = (byte) 0xC3;
            }
        }
        // values 0, 1, 2, 3: 0 | 1 << 6 | 2 << 12 | 3 << 18 = 0x0C2040
        assertEquals((byte) 0x40, data[0]);
        assertEquals((byte) 0x20, data[1]);
        assertEquals((byte) 0x0C, data[2]);
        s.write(0, data);
        long desc = new SmemDescriptor(0, 0, 128, 0, false, Swizzle.NONE).encode();
        TensorMemory t = zeroTmem();
        TmemOps.cp(new TensorMemory[] {t}, new SharedMemory[] {s}, 0, desc, "64x128b", "warpx2::02_13", "b6x16_p32");
        for (int k = 0; k < 64; k++) {
            int lane = k % 32 + 64 * (k / 32);
            for (int i = 0; i < 16; i++) {
                assertEquals((i + k) % 64, tmemByte(t, lane, i / 4, i % 4), "row " + k + " value " + i);
            }
        }
    }

    /** Two source chunks per 256-bit row, each decompressed to its own 16 destination bytes (chunk 1 at LBO). */
    @Test
    void b4DecompressionOf256BitRows() {
        SharedMemory s = new SharedMemory(8192);
        long desc = new SmemDescriptor(0, 2048, 128, 0, false, Swizzle.NONE).encode();
        for (int r = 0; r < 128; r++) {
            for (int q = 0; q < 2; q++) {
                int a = 16 * (r % 8) + 128 * (r / 8) + 2048 * q;
                for (int j = 0; j < 8; j++) {
                    int v = (r + q + j) & 7;
                    s.writeBits(8L * a + 8 * j, 8, (v + 8) << 4 | v);
                }
            }
        }
        TensorMemory t = zeroTmem();
        TmemOps.cp(new TensorMemory[] {t}, new SharedMemory[] {s}, 0, desc, "128x256b", null, "b4x16_p64");
        for (int r = 0; r < 128; r++) {
            for (int q = 0; q < 2; q++) {
                for (int i = 0; i < 16; i++) {
                    int v = (r + q + i / 2) & 7;
                    int expected = i % 2 == 0 ? v : v + 8;
                    int dst = 16 * q + i;
                    assertEquals(expected, tmemByte(t, r, dst / 4, dst % 4));
                }
            }
        }
    }

    @Test
    void cpRejectsIllegalForms() {
        SharedMemory s = randomSmem(10, 4096);
        TensorMemory t = zeroTmem();
        TensorMemory[] tm = {t};
        SharedMemory[] sm = {s};
        long desc = new SmemDescriptor(0, 0, 128, 0, false, Swizzle.NONE).encode();
        String[][] bad = {
                {"64x128b", null, null},
                {"32x128b", "warpx2::02_13", null},
                {"32x128b", null, null},
                {"128x256b", "warpx4", null},
                {"4x256b", "warpx2::01_23", null},
                {"128x64b", null, null},
                {"128x128b", null, "b4x16_p32"},
        };
        for (String[] b : bad) {
            MachineException e = assertThrows(MachineException.class, () -> TmemOps.cp(tm, sm, 0, desc, b[0], b[1], b[2]));
            assertTrue(e.getMessage().startsWith("tcgen05.cp:"), e.getMessage());
            assertThrows(MachineException.class, () -> TmemOps.cpFootprint(1, 0, desc, b[0], b[1], b[2]));
        }
        assertThrows(MachineException.class, () -> TmemOps.cp(tm, sm, taddr(1, 0), desc, "128x128b", null, null));
        assertThrows(MachineException.class, () -> TmemOps.cp(tm, sm, taddr(32, 0), desc, "32x128b", "warpx4", null));
        MachineException far = assertThrows(MachineException.class,
                () -> TmemOps.cp(tm, sm, 0, new SmemDescriptor(4000, 0, 128, 0, false, Swizzle.NONE).encode(), "128x128b", null, null));
        assertTrue(far.getMessage().startsWith("tcgen05.cp:") && far.getMessage().contains("outside"), far.getMessage());
        assertThrows(MachineException.class, () -> TmemOps.cp(tm, sm, 0, 0L, "128x128b", null, null));
        TensorMemory small = new TensorMemory();
        small.alloc(32);
        MachineException alloc = assertThrows(MachineException.class,
                () -> TmemOps.cp(new TensorMemory[] {small}, sm, taddr(0, 30), desc, "128x128b", null, null));
        assertTrue(alloc.getMessage().startsWith("tcgen05.cp:"), alloc.getMessage());
        for (int l = 0; l < 128; l++) {
            assertEquals(0, small.read("test", l, 30), "a failing cp writes nothing");
            assertEquals(0, small.read("test", l, 31));
        }
    }

    // ---- tcgen05.shift

    @Test
    void shiftMovesEachRowOfTheQuarterDownOne() {
        TensorMemory t = filled();
        TensorMemory u = filled();
        TmemOps.shift(new TensorMemory[] {t, u}, taddr(32, 100));
        for (TensorMemory m : new TensorMemory[] {t, u}) {
            for (int l = 0; l < 128; l++) {
                for (int c = 0; c < 512; c++) {
                    boolean moved = l >= 33 && l <= 63 && c >= 100 && c < 108;
                    assertEquals(moved ? enc(l - 1, c) : enc(l, c), m.read("test", l, c), "lane " + l + " column " + c);
                }
            }
        }
        Footprint f = TmemOps.shiftFootprint(2, taddr(32, 100));
        assertEquals(List.of(new Footprint.TmemRect(0, 32, 31, 100, 8), new Footprint.TmemRect(1, 32, 31, 100, 8)), f.tmemReads());
        assertEquals(List.of(new Footprint.TmemRect(0, 33, 31, 100, 8), new Footprint.TmemRect(1, 33, 31, 100, 8)), f.tmemWrites());
        assertEquals(2, f.smemReads().length);
        assertTrue(f.smemReads()[0].isEmpty() && f.smemReads()[1].isEmpty());
        MachineException e = assertThrows(MachineException.class, () -> TmemOps.shift(new TensorMemory[] {t}, taddr(16, 0)));
        assertTrue(e.getMessage().startsWith("tcgen05.shift:"), e.getMessage());
        TensorMemory small = new TensorMemory();
        small.alloc(32);
        assertTrue(assertThrows(MachineException.class, () -> TmemOps.shift(new TensorMemory[] {small}, taddr(0, 28)))
                .getMessage().startsWith("tcgen05.shift:"));
    }
}
