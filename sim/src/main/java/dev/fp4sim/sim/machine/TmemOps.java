package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.desc.DescriptorException;
import dev.fp4sim.isa.desc.SmemDescriptor;
import dev.fp4sim.isa.desc.SmemLayout;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;

/**
 * The data movement of tcgen05 (isa.md §4.3–§4.5) as pure functions over {@link TensorMemory} and
 * {@link SharedMemory}: tcgen05.ld/st between a warp's registers and TMEM, tcgen05.cp from SMEM
 * (with the b4/b6 decompression), tcgen05.shift.down, and the footprint of each for the executor's
 * hazard checks. Every TMEM access goes through {@link TensorMemory#read}/{@link TensorMemory#write}
 * with the instruction's name, so allocation errors name the instruction. Operations that write
 * check every cell and SMEM byte before the first write, so a failing instruction leaves memory as
 * it was. Choices the spec leaves open are listed in docs/machine.md, "Assumptions (TMEM data movement)".
 */
public final class TmemOps {

    private static final int WARP = 32;

    private TmemOps() {
    }

    /** Registers of one repetition (.x1) per thread; isa.md §4.3, Tables 49/50. */
    private static int regsPerRepetition(String shape) {
        return switch (shape) {
            case "32x32b", "16x64b", "16x32bx2" -> 1;
            case "16x128b" -> 2;
            case "16x256b" -> 4;
            default -> throw new IllegalArgumentException("tcgen05.ld/st shape ." + shape
                    + " is not one of .32x32b, .16x64b, .16x128b, .16x256b, .16x32bx2");
        };
    }

    /** 32-bit columns one repetition covers in each lane, without packing (the "size" of lanes × size, isa.md §4.3). */
    private static int columnsPerRepetition(String shape) {
        return switch (shape) {
            case "32x32b", "16x32bx2" -> 1;
            case "16x64b" -> 2;
            case "16x128b" -> 4;
            case "16x256b" -> 8;
            default -> throw new IllegalArgumentException("shape ." + shape);
        };
    }

    private static int lanesOf(String shape) {
        return shape.equals("32x32b") ? 32 : 16;
    }

    /**
     * Registers per thread of tcgen05.ld/st (isa.md §4.3 table). .num is a power of two in 1..128 and
     * the register count may not pass 128, which caps .16x128b at .x64 and .16x256b at .x32.
     * .pack::16b/.unpack::16b do not change the count: each register then carries two 16-bit values,
     * so the instruction covers twice the columns (CUTLASS's 16b variants keep the register arrays of
     * the plain ones).
     */
    public static int regsPerThread(String shape, int num, boolean pack16) {
        int per = regsPerRepetition(shape);
        String form = "." + shape + ".x" + num + (pack16 ? " with .pack::16b/.unpack::16b" : "");
        if (num < 1 || num > 128 || Integer.bitCount(num) != 1) {
            throw new IllegalArgumentException("tcgen05.ld/st " + form + ": .num must be a power of 2 in x1..x128");
        }
        if (per * num > 128) {
            throw new IllegalArgumentException("tcgen05.ld/st " + form + ": " + per * num
                    + " registers per thread; the largest .num for ." + shape + " is .x" + 128 / per);
        }
        return per * num;
    }

    private static void checkImmediate(String op, String shape, int num, boolean pack16, int halfSplitoff) {
        if (!shape.equals("16x32bx2")) {
            if (halfSplitoff != 0) {
                throw new IllegalArgumentException(op + " ." + shape + ": immHalfSplitoff belongs to .16x32bx2 only (got " + halfSplitoff + ")");
            }
            return;
        }
        if (halfSplitoff < 0 || halfSplitoff >= TensorMemory.COLUMNS) {
            throw new IllegalArgumentException(op + " .16x32bx2: immHalfSplitoff " + halfSplitoff + " is not a column offset in 0..511");
        }
    }

    private static int laneBase(int taddr) {
        return taddr >>> 16;
    }

    private static int columnBase(int taddr) {
        return taddr & 0xFFFF;
    }

    /** isa.md §4.1: warp w of a warpgroup reaches lanes 32w..32w+31 only. */
    private static void checkWarp(String op, int l0, String shape, int warpInGroup) {
        if (warpInGroup < 0 || warpInGroup > 3) {
            throw new IllegalArgumentException(op + ": warp index within the warpgroup " + warpInGroup + " is not in 0..3");
        }
        int last = l0 + lanesOf(shape) - 1;
        if (l0 < 32 * warpInGroup || last > 32 * warpInGroup + 31) {
            throw new MachineException(op, "." + shape + " at lane " + l0 + " touches lanes " + l0 + ".." + last + ", but warp "
                    + warpInGroup + " of its warpgroup (warp id % 4) may access lanes " + 32 * warpInGroup + ".."
                    + (32 * warpInGroup + 31) + " only");
        }
    }

    /**
     * The first of the (one or two) cells of thread t's register i, relative to taddr. With packing the
     * map of isa.md §4.3 counts 32-bit packed elements, each made of two adjacent columns, so its
     * column doubles; the .16x32bx2 immediate is added afterwards because it is a plain column offset
     * on the address, not a count of packed elements.
     */
    private static int[] cellOf(String shape, int t, int i, boolean pack16, int halfSplitoff) {
        TmemLayouts.Cell c = TmemLayouts.ld(shape, t, i, 0);
        int column = pack16 ? 2 * c.column() : c.column();
        if (shape.equals("16x32bx2") && t >= 16) {
            column += halfSplitoff;
        }
        return new int[] {c.lane(), column};
    }

    /**
     * tcgen05.ld for one warp (isa.md §4.3): result[t][i] = register i of lane t. With .pack::16b,
     * bits 0–15 of a register are the low 16 bits of the lower column and bits 16–31 those of the next.
     */
    public static int[][] ld(TensorMemory tmem, int taddr, String shape, int num, boolean pack16, int halfSplitoff, int warpInGroup) {
        String op = "tcgen05.ld";
        int regs = regsPerThread(shape, num, pack16);
        checkImmediate(op, shape, num, pack16, halfSplitoff);
        int l0 = laneBase(taddr);
        int c0 = columnBase(taddr);
        checkWarp(op, l0, shape, warpInGroup);
        int[][] out = new int[WARP][regs];
        for (int t = 0; t < WARP; t++) {
            for (int i = 0; i < regs; i++) {
                int[] c = cellOf(shape, t, i, pack16, halfSplitoff);
                int lane = l0 + c[0];
                int col = c0 + c[1];
                out[t][i] = pack16
                        ? (tmem.read(op, lane, col) & 0xFFFF) | tmem.read(op, lane, col + 1) << 16
                        : tmem.read(op, lane, col);
            }
        }
        return out;
    }

    /**
     * tcgen05.st, the inverse of {@link #ld}. With .unpack::16b each half of a register goes to its
     * own cell zero-extended to 32 bits (the spec says only "inverse of pack"; the simulator's choice,
     * docs/machine.md). Two threads may not write one cell: a .16x32bx2 whose halves overlap is
     * rejected because the spec does not say which value wins.
     */
    public static void st(TensorMemory tmem, int taddr, String shape, int num, boolean unpack16, int halfSplitoff, int warpInGroup, int[][] regs) {
        String op = "tcgen05.st";
        int n = regsPerThread(shape, num, unpack16);
        checkImmediate(op, shape, num, unpack16, halfSplitoff);
        if (regs.length != WARP) {
            throw new IllegalArgumentException(op + ": " + regs.length + " threads of registers, a warp has 32");
        }
        for (int t = 0; t < WARP; t++) {
            if (regs[t].length != n) {
                throw new IllegalArgumentException(op + " ." + shape + ".x" + num + ": thread " + t + " passes " + regs[t].length
                        + " registers, the shape needs " + n);
            }
        }
        int l0 = laneBase(taddr);
        int c0 = columnBase(taddr);
        checkWarp(op, l0, shape, warpInGroup);
        int span = num * (unpack16 ? 2 : 1);
        if (shape.equals("16x32bx2") && halfSplitoff < span) {
            throw new MachineException(op, ".16x32bx2.x" + num + " with immHalfSplitoff " + halfSplitoff + ": the two half-warps would both write columns "
                    + (c0 + halfSplitoff) + ".." + (c0 + span - 1) + " of the same lanes (the result is not defined)");
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int t = 0; t < WARP; t++) {
                for (int i = 0; i < n; i++) {
                    int[] c = cellOf(shape, t, i, unpack16, halfSplitoff);
                    int lane = l0 + c[0];
                    int col = c0 + c[1];
                    int v = regs[t][i];
                    if (pass == 0) {
                        tmem.read(op, lane, col);
                        if (unpack16) {
                            tmem.read(op, lane, col + 1);
                        }
                    } else if (unpack16) {
                        tmem.write(op, lane, col, v & 0xFFFF);
                        tmem.write(op, lane, col + 1, v >>> 16);
                    } else {
                        tmem.write(op, lane, col, v);
                    }
                }
            }
        }
    }

    /**
     * TMEM cells a tcgen05.ld of this form reads, as rectangles in CTA 0 (isa.md §4.3): 32 or 16 lanes
     * from taddr's lane by the columns the registers cover; .16x32bx2 has a second column block at the
     * immediate, merged with the first when they touch. A tcgen05.st writes the same cells: see
     * {@link #stFootprint}.
     */
    public static Footprint ldStFootprint(int taddr, String shape, int num, boolean pack16, int halfSplitoff) {
        return new Footprint(new BitSet[] {new BitSet()}, ldStRects(taddr, shape, num, pack16, halfSplitoff), List.of());
    }

    /** {@link #ldStFootprint} with the rectangles as writes, for tcgen05.st. */
    public static Footprint stFootprint(int taddr, String shape, int num, boolean unpack16, int halfSplitoff) {
        return new Footprint(new BitSet[] {new BitSet()}, List.of(), ldStRects(taddr, shape, num, unpack16, halfSplitoff));
    }

    private static List<Footprint.TmemRect> ldStRects(int taddr, String shape, int num, boolean pack16, int halfSplitoff) {
        regsPerThread(shape, num, pack16);
        checkImmediate("tcgen05.ld/st", shape, num, pack16, halfSplitoff);
        int l0 = laneBase(taddr);
        int c0 = columnBase(taddr);
        int lanes = lanesOf(shape);
        int cols = columnsPerRepetition(shape) * num * (pack16 ? 2 : 1);
        if (!shape.equals("16x32bx2")) {
            return List.of(new Footprint.TmemRect(0, l0, lanes, c0, cols));
        }
        if (halfSplitoff <= cols) {
            return List.of(new Footprint.TmemRect(0, l0, lanes, c0, Math.max(cols, halfSplitoff + cols)));
        }
        return List.of(new Footprint.TmemRect(0, l0, lanes, c0, cols), new Footprint.TmemRect(0, l0, lanes, c0 + halfSplitoff, cols));
    }

    /** One tcgen05.cp form: source rows × bytes per row, and the TMEM lanes (relative to taddr) each row lands in. */
    private record CpForm(int rows, int rowBytes, int[][] lanesOfRow) {
    }

    /**
     * The shapes and multicasts of isa.md §4.4. Shapes count destination lanes × destination bits per
     * lane. 4x256b puts its rows at lanes +0, +32, +64, +96 (CUTLASS's model). For .64x128b, each warp
     * of a pair receives half of the data: ::02_13 pairs warps (0,2) and (1,3), so rows 0–31 go to
     * lane quarters 0 and 1 and rows 32–63 to quarters 2 and 3; ::01_23 pairs (0,1) and (2,3), so rows
     * 0–31 go to quarters 0 and 2 and rows 32–63 to 1 and 3. .32x128b.warpx4 repeats its 32 rows in
     * all four quarters.
     */
    private static CpForm cpForm(String shape, String multicast) {
        String op = "tcgen05.cp";
        String expected = switch (shape) {
            case "128x256b", "128x128b", "4x256b" -> null;
            case "64x128b" -> "warpx2::02_13 or warpx2::01_23";
            case "32x128b" -> "warpx4";
            default -> throw new MachineException(op, "shape ." + shape + " is not one of .128x256b, .4x256b, .128x128b, .64x128b, .32x128b");
        };
        boolean ok = expected == null ? multicast == null
                : shape.equals("64x128b") ? "warpx2::02_13".equals(multicast) || "warpx2::01_23".equals(multicast)
                : "warpx4".equals(multicast);
        if (!ok) {
            throw new MachineException(op, "." + shape + (multicast == null ? " without a multicast qualifier" : " with ." + multicast)
                    + ": " + (expected == null ? "this shape takes no multicast qualifier" : "this shape needs ." + expected));
        }
        int rows = Integer.parseInt(shape.substring(0, shape.indexOf('x')));
        int rowBytes = shape.endsWith("256b") ? 32 : 16;
        int[][] lanes = new int[rows][];
        for (int r = 0; r < rows; r++) {
            lanes[r] = switch (shape) {
                case "128x256b", "128x128b" -> new int[] {r};
                case "4x256b" -> new int[] {32 * r};
                case "32x128b" -> new int[] {r, r + 32, r + 64, r + 96};
                default -> {
                    int half = r / 32;
                    int l = r % 32;
                    yield multicast.equals("warpx2::02_13")
                            ? new int[] {l + 64 * half, l + 64 * half + 32}
                            : new int[] {l + 32 * half, l + 32 * half + 64};
                }
            };
        }
        return new CpForm(rows, rowBytes, lanes);
    }

    private static void checkSrcFmt(String srcFmt) {
        if (srcFmt != null && !srcFmt.equals("b4x16_p64") && !srcFmt.equals("b6x16_p32")) {
            throw new MachineException("tcgen05.cp", "source format ." + srcFmt + " is not .b4x16_p64 or .b6x16_p32 (destination .b8x16)");
        }
    }

    private static SmemDescriptor decodeDescriptor(long sdesc) {
        try {
            return SmemDescriptor.decode(sdesc);
        } catch (DescriptorException e) {
            throw new MachineException("tcgen05.cp", "s-desc " + String.format("0x%016X", sdesc) + ": " + e.getMessage());
        }
    }

    /**
     * SMEM byte address of byte b of source row r: the K-major canonical layout read as 8-bit data
     * (isa.md §3.4, §4.4): row r is the r-th row, bytes run along K, so a 32-byte row has a second
     * 16-byte chunk where the layout puts it (LBO apart without swizzle).
     */
    private static int sourceByte(SmemDescriptor d, int r, int b) {
        return (int) (SmemLayout.bitAddress(d, SmemLayout.Major.K, SmemLayout.Element.B8, r, b) >>> 3);
    }

    private static void checkTaddrLanes(String op, int l0, CpForm f, String shape) {
        for (int[] ls : f.lanesOfRow) {
            for (int l : ls) {
                if (l0 + l >= TensorMemory.LANES) {
                    throw new MachineException(op, "." + shape + " at lane " + l0 + " reaches lane " + (l0 + l)
                            + " (this shape needs taddr lane " + (shape.equals("4x256b") ? "0..31" : "0") + ")");
                }
            }
        }
    }

    /**
     * One 16-byte source chunk to 16 destination bytes (isa.md §4.4, §3.6). b4x16_p64: value i is
     * nibble i of the first 8 bytes, low nibble first; b6x16_p32: value i is bits 6i..6i+5 of the first
     * 12 bytes read as a little-endian bit stream. The value lands in the low bits of its byte, upper
     * bits zero (the spec's figures were not available: isa.md §11.6, docs/machine.md).
     */
    static byte[] decompress(byte[] chunk, String srcFmt) {
        if (srcFmt == null) {
            return chunk.clone();
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 16; i++) {
            if (srcFmt.equals("b4x16_p64")) {
                out[i] = (byte) ((chunk[i >> 1] >> (4 * (i & 1))) & 0xF);
            } else {
                int v = 0;
                for (int k = 0; k < 6; k++) {
                    int bit = 6 * i + k;
                    v |= ((chunk[bit >> 3] >> (bit & 7)) & 1) << k;
                }
                out[i] = (byte) v;
            }
        }
        return out;
    }

    /**
     * tcgen05.cp (isa.md §4.4). tmem/smem have one entry per CTA of the group (index = rank in the
     * pair). With cta_group::2 each CTA's TMEM receives the data read from its own SMEM at the
     * descriptor's address (isa.md §11.4: the spec does not say which SMEM; the simulator's choice).
     * TMEM (lane of row r, column C0 + c, byte j) = destination byte 4c + j of row r, the destination
     * row being the source row, decompressed chunk by chunk when srcFmt is set (16 source bytes, padding
     * included, give 16 destination bytes, so the shape's bits per lane count source and destination
     * alike).
     */
    public static void cp(TensorMemory[] tmem, SharedMemory[] smem, int taddr, long sdesc, String shape, String multicast, String srcFmt) {
        String op = "tcgen05.cp";
        if (tmem.length != smem.length || tmem.length < 1 || tmem.length > 2) {
            throw new IllegalArgumentException(op + ": " + tmem.length + " TMEMs and " + smem.length + " SMEMs; cta_group::1 has one of each, cta_group::2 two");
        }
        CpForm f = cpForm(shape, multicast);
        checkSrcFmt(srcFmt);
        SmemDescriptor d = decodeDescriptor(sdesc);
        int l0 = laneBase(taddr);
        int c0 = columnBase(taddr);
        checkTaddrLanes(op, l0, f, shape);
        int cols = f.rowBytes / 4;
        int[][][] cells = new int[tmem.length][f.rows][cols];
        for (int v = 0; v < tmem.length; v++) {
            for (int r = 0; r < f.rows; r++) {
                byte[] row = new byte[f.rowBytes];
                for (int q = 0; q < f.rowBytes / 16; q++) {
                    byte[] chunk = new byte[16];
                    for (int b = 0; b < 16; b++) {
                        int a = sourceByte(d, r, 16 * q + b);
                        if (a < 0 || a >= smem[v].size()) {
                            throw new MachineException(op, "source row " + r + " byte " + (16 * q + b) + " is at shared-memory address " + a
                                    + ", outside the " + smem[v].size() + "-byte shared memory" + (tmem.length == 2 ? " of CTA " + v + " of the pair" : ""));
                        }
                        chunk[b] = (byte) smem[v].readBits(8L * a, 8);
                    }
                    System.arraycopy(decompress(chunk, srcFmt), 0, row, 16 * q, 16);
                }
                for (int c = 0; c < cols; c++) {
                    cells[v][r][c] = (row[4 * c] & 0xFF) | (row[4 * c + 1] & 0xFF) << 8 | (row[4 * c + 2] & 0xFF) << 16 | (row[4 * c + 3] & 0xFF) << 24;
                }
            }
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int v = 0; v < tmem.length; v++) {
                for (int r = 0; r < f.rows; r++) {
                    for (int l : f.lanesOfRow[r]) {
                        for (int c = 0; c < cols; c++) {
                            if (pass == 0) {
                                tmem[v].read(op, l0 + l, c0 + c);
                            } else {
                                tmem[v].write(op, l0 + l, c0 + c, cells[v][r][c]);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * What tcgen05.cp reads and writes: per CTA, the SMEM bytes of every source chunk (the padding of
     * b4x16_p64/b6x16_p32 included: it is part of the 16-byte source element), and the TMEM lanes ×
     * columns written, as runs of consecutive lanes.
     */
    public static Footprint cpFootprint(int ctaGroup, int taddr, long sdesc, String shape, String multicast, String srcFmt) {
        String op = "tcgen05.cp";
        if (ctaGroup != 1 && ctaGroup != 2) {
            throw new IllegalArgumentException(op + ": cta_group::" + ctaGroup + " (1 or 2)");
        }
        CpForm f = cpForm(shape, multicast);
        checkSrcFmt(srcFmt);
        SmemDescriptor d = decodeDescriptor(sdesc);
        int l0 = laneBase(taddr);
        int c0 = columnBase(taddr);
        checkTaddrLanes(op, l0, f, shape);
        BitSet bytes = new BitSet();
        TreeSet<Integer> lanes = new TreeSet<>();
        for (int r = 0; r < f.rows; r++) {
            for (int b = 0; b < f.rowBytes; b++) {
                bytes.set(sourceByte(d, r, b));
            }
            for (int l : f.lanesOfRow[r]) {
                lanes.add(l0 + l);
            }
        }
        BitSet[] reads = new BitSet[ctaGroup];
        List<Footprint.TmemRect> writes = new ArrayList<>();
        for (int v = 0; v < ctaGroup; v++) {
            reads[v] = (BitSet) bytes.clone();
            writes.addAll(laneRuns(v, lanes, c0, f.rowBytes / 4));
        }
        return new Footprint(reads, List.of(), writes);
    }

    private static List<Footprint.TmemRect> laneRuns(int cta, TreeSet<Integer> lanes, int c0, int cols) {
        List<Footprint.TmemRect> out = new ArrayList<>();
        int start = -1;
        int prev = -2;
        for (int l : lanes) {
            if (l != prev + 1) {
                if (start >= 0) {
                    out.add(new Footprint.TmemRect(cta, start, prev - start + 1, c0, cols));
                }
                start = l;
            }
            prev = l;
        }
        if (start >= 0) {
            out.add(new Footprint.TmemRect(cta, start, prev - start + 1, c0, cols));
        }
        return out;
    }

    /** Columns one tcgen05.shift moves: one 32-byte element per row (the implicit .31x256b shape, PTX §9.7.16.2.3). */
    private static final int SHIFT_COLUMNS = 8;

    private static void checkShiftLane(int l0) {
        if (l0 % 32 != 0 || l0 >= TensorMemory.LANES) {
            throw new MachineException("tcgen05.shift", "taddr lane " + l0 + " must be one of 0, 32, 64, 96 (32-aligned, isa.md §4.5)");
        }
    }

    /**
     * tcgen05.shift.down (isa.md §4.5): in the 32 lanes from taddr's lane, the 32-byte element
     * (columns C0..C0+7) of every row but the last moves one row down, row L0+r to row L0+r+1 for
     * r = 0..30 (the implicit shape .31x256b is those 31 rows). Row L0 keeps its old contents (nothing
     * moves into it) and the old contents of row L0+31 are overwritten. With cta_group::2 both CTAs'
     * TMEM shift.
     */
    public static void shift(TensorMemory[] tmem, int taddr) {
        String op = "tcgen05.shift";
        if (tmem.length < 1 || tmem.length > 2) {
            throw new IllegalArgumentException(op + ": " + tmem.length + " TMEMs; cta_group::1 has one, cta_group::2 two");
        }
        int l0 = laneBase(taddr);
        int c0 = columnBase(taddr);
        checkShiftLane(l0);
        int[][][] old = new int[tmem.length][31][SHIFT_COLUMNS];
        for (int v = 0; v < tmem.length; v++) {
            for (int r = 0; r < 31; r++) {
                for (int c = 0; c < SHIFT_COLUMNS; c++) {
                    old[v][r][c] = tmem[v].read(op, l0 + r, c0 + c);
                }
            }
        }
        for (int v = 0; v < tmem.length; v++) {
            for (int r = 0; r < 31; r++) {
                for (int c = 0; c < SHIFT_COLUMNS; c++) {
                    tmem[v].write(op, l0 + r + 1, c0 + c, old[v][r][c]);
                }
            }
        }
    }

    /** tcgen05.shift reads rows L0..L0+30 and writes rows L0+1..L0+31 of columns C0..C0+7, in each CTA of the group. */
    public static Footprint shiftFootprint(int ctaGroup, int taddr) {
        if (ctaGroup != 1 && ctaGroup != 2) {
            throw new IllegalArgumentException("tcgen05.shift: cta_group::" + ctaGroup + " (1 or 2)");
        }
        int l0 = laneBase(taddr);
        int c0 = columnBase(taddr);
        checkShiftLane(l0);
        BitSet[] smem = new BitSet[ctaGroup];
        List<Footprint.TmemRect> reads = new ArrayList<>();
        List<Footprint.TmemRect> writes = new ArrayList<>();
        for (int v = 0; v < ctaGroup; v++) {
            smem[v] = new BitSet();
            reads.add(new Footprint.TmemRect(v, l0, 31, c0, SHIFT_COLUMNS));
            writes.add(new Footprint.TmemRect(v, l0 + 1, 31, c0, SHIFT_COLUMNS));
        }
        return new Footprint(smem, reads, writes);
    }
}
