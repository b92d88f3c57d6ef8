package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.sim.machine.TensorCoreFormsTest.Cfg;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import static dev.fp4sim.sim.machine.TensorCoreFormsTest.KINDS;
import static dev.fp4sim.sim.machine.TensorCoreFormsTest.assertAll;
import static dev.fp4sim.sim.machine.TensorCoreFormsTest.core;
import static dev.fp4sim.sim.machine.TensorCoreFormsTest.rig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TensorCore#footprint}: the SMEM bytes and TMEM cells it names are exactly what the instruction
 * depends on (memory outside is poisoned and the result does not move; a byte inside moves it), and
 * the D rectangles cover exactly the D cells of the isa.md §5.1 layout. Plus the errors of
 * {@link TensorCore#execute}.
 */
class TensorCoreFootprintTest {

    /** The rig configurations the footprint is checked on: kind index, M, N, cta_group, A from TMEM, flags. */
    record Case(int kind, int m, int n, int g, boolean ts, boolean sw128, boolean enableD, boolean mask, int lane, boolean ws) {
        Case(int kind, int m, int n, int g, boolean ts, boolean sw128, boolean enableD, boolean mask, int lane) {
            this(kind, m, n, g, ts, sw128, enableD, mask, lane, false);
        }
    }

    static final Case[] CASES = {
        new Case(0, 128, 64, 1, false, false, true, false, 0),
        new Case(0, 64, 40, 1, false, true, true, true, 16),
        new Case(3, 128, 24, 1, true, false, false, false, 0),
        new Case(4, 128, 32, 1, false, true, true, false, 0),
        new Case(5, 64, 16, 1, true, false, true, false, 0),
        new Case(7, 128, 48, 1, false, false, false, true, 0),
        new Case(8, 128, 32, 1, false, true, true, false, 0),
        new Case(11, 128, 64, 1, false, false, true, false, 0),
        new Case(11, 128, 96, 1, true, true, false, false, 0),
        new Case(10, 256, 32, 2, false, true, true, false, 0),
        new Case(11, 128, 64, 2, false, false, true, false, 0),
        new Case(1, 128, 32, 2, true, false, true, true, 0),
        new Case(9, 256, 64, 2, true, true, false, false, 0),
        new Case(0, 32, 128, 1, false, false, true, false, 0, true),
        new Case(6, 64, 64, 1, true, true, true, false, 0, true),
        new Case(7, 32, 256, 1, true, false, false, false, 0, true),
    };

    static MmaRig rigFor(Case c, long seed) {
        MmaRig r = rig(KINDS[c.kind()], c.m(), c.n(), c.g(), seed);
        r.aFromTmem = c.ts();
        r.sw128 = c.sw128();
        r.enableInputD = c.enableD();
        r.dLane = c.lane();
        r.ws = c.ws();
        if (c.mask()) {
            SplittableRandom rnd = new SplittableRandom(seed);
            r.disable = new int[4 * c.g()];
            for (int i = 0; i < r.disable.length; i++) {
                r.disable[i] = rnd.nextInt();
            }
        }
        return r;
    }

    static BitSet cells(List<Footprint.TmemRect> rects, int cta) {
        BitSet s = new BitSet();
        for (Footprint.TmemRect t : rects) {
            if (t.cta() == cta) {
                for (int l = t.lane0(); l < t.lane0() + t.lanes(); l++) {
                    s.set(l * 512 + t.col0(), l * 512 + t.col0() + t.cols());
                }
            }
        }
        return s;
    }

    static int area(List<Footprint.TmemRect> rects) {
        return rects.stream().mapToInt(t -> t.lanes() * t.cols()).sum();
    }

    /** D cells of the problem per CTA by the rig's layout formula, lanes not disabled. */
    static BitSet[] dCells(MmaRig r) {
        BitSet[] s = new BitSet[r.g];
        for (int v = 0; v < r.g; v++) {
            s[v] = new BitSet();
        }
        for (int row = 0; row < r.m; row++) {
            for (int col = 0; col < r.n; col++) {
                int[] at = r.dAt(row, col);
                if (!r.disabled(at[0], at[1])) {
                    s[at[0]].set(at[1] * 512 + at[2]);
                }
            }
        }
        return s;
    }

    @Test
    void dRectanglesCoverExactlyTheDCells() {
        for (Case c : CASES) {
            MmaRig r = rigFor(c, 1);
            Footprint f = core().footprint(r.op());
            BitSet[] want = dCells(r);
            int total = 0;
            for (int v = 0; v < r.g; v++) {
                assertEquals(want[v], cells(f.tmemWrites(), v), c + ": D cells of CTA " + v);
                total += want[v].cardinality();
                if (r.enableInputD) {
                    BitSet reads = cells(f.tmemReads(), v);
                    BitSet missing = (BitSet) want[v].clone();
                    missing.andNot(reads);
                    assertTrue(missing.isEmpty(), c + ": enable-input-d reads every D cell written");
                }
            }
            assertEquals(total, area(f.tmemWrites()), c + ": the write rectangles do not overlap");
            assertEquals(r.g, f.smemReads().length);
        }
    }

    @Test
    void scaleFactorsAreReadFromEveryLaneQuarter() {
        // isa.md §5.2: scale factors are duplicated in all four lane quarters; each datapath quarter (the lanes of
        // its D rows) reads its own copy: every quarter needs all SFB columns, and the SFA column of its own rows
        MmaRig r = rigFor(CASES[7], 1);
        BitSet reads = cells(core().footprint(r.op()).tmemReads(), 0);
        for (int lane = 0; lane < 128; lane++) {
            for (int col = 0; col < 4; col++) {
                // row m (lane m of D) needs SFA column m / 32; its quarter m / 32 holds a copy there
                assertEquals(col == lane / 32, reads.get(lane * 512 + MmaRig.SFA_COL + col), "SFA lane " + lane + " column " + col);
            }
            for (int col = 0; col < 2; col++) {
                assertTrue(reads.get(lane * 512 + MmaRig.SFB_COL + col), "SFB lane " + lane + " column " + col);
            }
            assertTrue(!reads.get(lane * 512 + MmaRig.SFB_COL + 2), "N = 64 uses two SFB columns");
        }
    }

    @Test
    void memoryOutsideTheFootprintDoesNotMatter() throws Exception {
        for (Case c : CASES) {
            MmaRig r = rigFor(c, 2);
            Footprint f = core().footprint(r.op());
            r.place(3);
            SplittableRandom junk = new SplittableRandom(99);
            BitSet[] d = dCells(r);
            BitSet[] off = disabledDCells(r);
            for (int v = 0; v < r.g; v++) {
                BitSet reads = cells(f.tmemReads(), v);
                for (int cell = 0; cell < 128 * 512; cell++) {
                    // D cells stay (they are checked afterwards); everything else not read becomes junk
                    if (!reads.get(cell) && !d[v].get(cell) && !off[v].get(cell)) {
                        r.tmem[v].write("st", cell / 512, cell % 512, junk.nextInt());
                    }
                }
                BitSet bytes = f.smemReads()[v];
                byte[] one = new byte[1];
                for (int i = 0; i < SharedMemory.MAX_BYTES; i++) {
                    if (!bytes.get(i)) {
                        one[0] = (byte) junk.nextInt();
                        r.smem[v].write(i, one);
                    }
                }
            }
            core().execute(r.op(), r.tmem, r.smem);
            assertAll(r, r.expected(), c + " with memory outside the footprint poisoned");
        }
    }

    /** D cells of disabled lanes (kept: they must come back unchanged). */
    static BitSet[] disabledDCells(MmaRig r) {
        BitSet[] s = new BitSet[r.g];
        for (int v = 0; v < r.g; v++) {
            s[v] = new BitSet();
        }
        for (int row = 0; row < r.m; row++) {
            for (int col = 0; col < r.n; col++) {
                int[] at = r.dAt(row, col);
                if (r.disabled(at[0], at[1])) {
                    s[at[0]].set(at[1] * 512 + at[2]);
                }
            }
        }
        return s;
    }

    @Test
    void aByteInsideTheFootprintMatters() throws Exception {
        // 8-bit and wider types: every operand byte read is part of one element whose partners are non-zero
        for (Case c : new Case[] {CASES[0], CASES[3], CASES[11], CASES[5]}) {
            MmaRig r = rigFor(c, 4);
            Footprint f = core().footprint(r.op());
            int[][] want = r.expected();
            SplittableRandom pick = new SplittableRandom(5);
            for (int trial = 0; trial < 6; trial++) {
                int v = pick.nextInt(r.g);
                BitSet bytes = f.smemReads()[v];
                int at = bytes.nextSetBit(pick.nextInt(bytes.length()));
                if (at < 0) {
                    at = bytes.nextSetBit(0);
                }
                r.place(3);
                r.smem[v].write(at, new byte[] {(byte) (r.smem[v].readBits(8L * at, 8) ^ 0xFF)});
                core().execute(r.op(), r.tmem, r.smem);
                boolean moved = false;
                for (int row = 0; row < r.m && !moved; row++) {
                    for (int col = 0; col < r.n; col++) {
                        int[] cell = r.dAt(row, col);
                        if (!r.disabled(cell[0], cell[1]) && r.readD(row, col) != want[row][col]) {
                            moved = true;
                            break;
                        }
                    }
                }
                assertTrue(moved, c + ": flipping SMEM byte " + at + " of CTA " + v + " changes D");
            }
        }
    }

    @Test
    void paddingOfFp4InF8f6f4IsNotRead() {
        // e2m1 under kind::f8f6f4 (isa.md §3.6): 8 bytes of nibbles then 8 bytes of padding per 16-byte chunk
        MmaRig r = rig(new Cfg(MmaKind.F8F6F4, FloatFormat.E2M1, FloatFormat.E2M1, FloatFormat.F32, null, 0), 128, 8, 1, 1);
        Footprint f = core().footprint(r.op());
        BitSet a = f.smemReads()[0].get(MmaRig.A_SMEM, MmaRig.A_SMEM + 128 * 32);
        // no swizzle, LBO 128, SBO 256: row 0 chunk 0 = bytes 0..15, chunk 1 = bytes 128..143
        for (int b = 0; b < 8; b++) {
            assertTrue(a.get(b) && a.get(128 + b), "nibble byte " + b);
            assertTrue(!a.get(8 + b) && !a.get(136 + b), "padding byte " + (8 + b));
        }
        assertEquals(128 * 2 * 8, a.cardinality(), "16 bytes of nibbles per row");
    }

    // ------------------------------------------------------------------------------------ errors

    static MachineException fails(MmaOp op, int g) {
        TensorMemory[] t = new TensorMemory[g];
        SharedMemory[] s = new SharedMemory[g];
        for (int i = 0; i < g; i++) {
            t[i] = new TensorMemory();
            t[i].alloc(512);
            s[i] = new SharedMemory(SharedMemory.MAX_BYTES);
        }
        MachineException e = assertThrows(MachineException.class, () -> core().execute(op, t, s));
        assertTrue(e.getMessage().startsWith("tcgen05.mma"), e.getMessage());
        return e;
    }

    static MmaOp with(MmaOp o, int ctaGroup, int idesc) {
        return new MmaOp(o.arch(), o.kind(), ctaGroup, o.scaleBlock(), o.ws(), o.sparse(), o.dTmem(), o.aFromTmem(), o.a(), o.bDesc(),
                idesc, o.sfaTmem(), o.sfbTmem(), o.spMetaTmem(), o.enableInputD(), o.scaleInputD(), o.disableOutputLane());
    }

    static void contains(MachineException e, String s) {
        assertTrue(e.getMessage().contains(s), e.getMessage());
    }

    @Test
    void badInstructionDescriptorsAndShapes() {
        MmaOp f16 = rig(KINDS[0], 128, 64, 1, 1).op();
        contains(fails(with(f16, 1, f16.idesc() | 1 << 6), 1), "instruction descriptor");
        contains(fails(with(f16, 1, f16.idesc() | 3 << 4), 1), "dtype");
        MmaOp m256 = rig(KINDS[0], 256, 64, 2, 1).op();
        contains(fails(with(m256, 1, m256.idesc()), 1), "needs cta_group::2");
        MmaOp n8 = rig(KINDS[0], 128, 8, 1, 1).op();
        contains(fails(with(n8, 2, n8.idesc()), 2), "N = 8 is not legal");
        MmaOp m64 = rig(KINDS[0], 64, 64, 1, 1).op();
        contains(fails(with(m64, 2, m64.idesc()), 2), "M = 64 is not legal");
        MmaOp i8 = rig(KINDS[7], 128, 32, 1, 1).op();
        int n40 = (i8.idesc() & ~(0x3F << 17)) | (40 >> 3) << 17;
        contains(fails(with(i8, 1, n40), 1), "N = 40 is not legal");
        MmaOp i8pair = rig(KINDS[7], 256, 32, 2, 1).op();
        contains(fails(with(i8pair, 2, (i8pair.idesc() & ~(0x3F << 17)) | (48 >> 3) << 17), 2), "multiples of 32");
        MmaRig tb = rig(KINDS[7], 128, 32, 1, 1);
        tb.mnB = true;
        MmaOp t8 = tb.op();
        contains(fails(with(t8, 1, (t8.idesc() & ~(0x3F << 17)) | (24 >> 3) << 17), 1), "Table 52");
        MachineException three = assertThrows(MachineException.class, () -> core().footprint(with(f16, 3, f16.idesc())));
        contains(three, "cta_group::3");
        MachineException mem = assertThrows(MachineException.class,
                () -> core().execute(f16, new TensorMemory[] {new TensorMemory(), new TensorMemory()}, new SharedMemory[] {new SharedMemory(16)}));
        contains(mem, "needs the tensor and shared memories of 1");
    }

    @Test
    void operandRulesAreChecked() {
        MmaRig nv = rig(KINDS[11], 128, 64, 1, 1);
        MmaOp o = nv.op();
        contains(fails(new MmaOp(o.arch(), o.kind(), 1, 16, false, false, o.dTmem(), false, o.a(), o.bDesc(), o.idesc(), o.sfaTmem(), o.sfbTmem(),
                0, true, 0, new int[4]), 1), "disable-output-lane does not exist");
        contains(fails(new MmaOp(o.arch(), o.kind(), 1, 32, false, false, o.dTmem(), false, o.a(), o.bDesc(), o.idesc(), o.sfaTmem(), o.sfbTmem(),
                0, true, 0, null), 1), "ue4m3 scale factors need .block16");
        MmaOp i8 = rig(KINDS[7], 128, 32, 1, 1).op();
        contains(fails(new MmaOp(i8.arch(), i8.kind(), 1, 0, false, false, i8.dTmem(), false, i8.a(), i8.bDesc(), i8.idesc(), 0, 0, 0, true, 3, null), 1),
                "scale-input-d exists only");
        MmaOp f16 = rig(KINDS[0], 128, 64, 1, 1).op();
        contains(fails(new MmaOp(f16.arch(), f16.kind(), 1, 0, false, false, f16.dTmem(), false, f16.a(), f16.bDesc(), f16.idesc(), 0, 0, 0, true, 0,
                new int[8]), 1), "4 words");
        contains(fails(new MmaOp(f16.arch(), f16.kind(), 1, 0, false, false, 32 << 16, false, f16.a(), f16.bDesc(), f16.idesc(), 0, 0, 0, true, 0,
                null), 1), "lane alignment");
        // not modelled yet
        contains(fails(new MmaOp(f16.arch(), f16.kind(), 1, 0, false, true, f16.dTmem(), false, f16.a(), f16.bDesc(), f16.idesc() | 1 << 2, 0, 0, 0,
                true, 0, null), 1), ".sp (sparse A) is not modelled yet");
        contains(fails(with(o, 1, o.idesc() | 1 << 31), 1), "K = 96");
        // .ws: cta_group::1, non-block-scaled, N in {64, 128, 256}, no disable-output-lane
        contains(fails(new MmaOp(o.arch(), o.kind(), 1, 16, true, false, o.dTmem(), false, o.a(), o.bDesc(), o.idesc(), o.sfaTmem(), o.sfbTmem(),
                0, true, 0, null), 1), "invalid with the block-scaled");
        MmaRig ws = rig(KINDS[0], 32, 64, 1, 1);
        ws.ws = true;
        MmaOp w = ws.op();
        contains(fails(with(w, 1, (w.idesc() & ~(0x3F << 17)) | (96 >> 3) << 17), 1), "not a .ws shape");
        contains(fails(new MmaOp(w.arch(), w.kind(), 1, 0, true, false, w.dTmem(), false, w.a(), w.bDesc(), w.idesc(), 0, 0, 0, true, 0,
                new int[4]), 1), "no disable-output-lane");
        MmaOp m32 = with(w, 1, w.idesc());
        contains(fails(new MmaOp(m32.arch(), m32.kind(), 1, 0, false, false, m32.dTmem(), false, m32.a(), m32.bDesc(), m32.idesc(), 0, 0, 0, true, 0,
                null), 1), "M = 32 needs .ws");
    }

    @Test
    void scaleFactorAddresses() throws Exception {
        // outside the allocation
        MmaRig r = rig(KINDS[11], 128, 64, 1, 1);
        r.place(1);
        r.tmem[0].dealloc(0, 512);
        r.tmem[0].alloc(256);
        MachineException e = assertThrows(MachineException.class, () -> core().execute(r.op(), r.tmem, r.smem));
        contains(e, "tcgen05.mma [scale-A]");
        contains(e, "outside every allocation");
        MmaOp o = r.op();
        MachineException far = assertThrows(MachineException.class, () -> core().footprint(new MmaOp(o.arch(), o.kind(), 1, 16, false, false,
                o.dTmem(), false, o.a(), o.bDesc(), o.idesc(), 510, o.sfbTmem(), 0, true, 0, null)));
        contains(far, "outside tensor memory");
        // CUTLASS's byte index in bits 30-31: equal to SF_ID it is just masked off; different, it is rejected
        MmaRig mx = rig(KINDS[10], 128, 64, 1, 2);   // mxf4, SF IDs 2 / 2
        mx.sfaId = 2;
        mx.sfbId = 2;
        mx.place(1);
        MmaOp p = mx.op();
        MmaOp tagged = new MmaOp(p.arch(), p.kind(), 1, 32, false, false, p.dTmem(), false, p.a(), p.bDesc(), p.idesc(),
                p.sfaTmem() | 2 << 30, p.sfbTmem() | 2 << 30, 0, true, 0, null);
        core().execute(tagged, mx.tmem, mx.smem);
        assertAll(mx, mx.expected(), "SF addresses with byte index 2 = SF_ID");
        MmaOp wrong = new MmaOp(p.arch(), p.kind(), 1, 32, false, false, p.dTmem(), false, p.a(), p.bDesc(), p.idesc(),
                p.sfaTmem() | 1 << 30, p.sfbTmem(), 0, true, 0, null);
        contains(fails(wrong, 1), "byte index 1");
        MmaOp laned = new MmaOp(p.arch(), p.kind(), 1, 32, false, false, p.dTmem(), false, p.a(), p.bDesc(), p.idesc(),
                p.sfaTmem() | 32 << 16, p.sfbTmem(), 0, true, 0, null);
        contains(fails(laned, 1), "start at lane 0");
    }
}
