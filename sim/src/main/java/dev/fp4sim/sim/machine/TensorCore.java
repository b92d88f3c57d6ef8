package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.desc.DescriptorException;
import dev.fp4sim.isa.desc.InstrDescriptor;
import dev.fp4sim.isa.desc.SmemDescriptor;
import dev.fp4sim.isa.desc.SmemLayout;
import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaModifiers;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.sim.mma.Datapaths;
import dev.fp4sim.sim.mma.ElementMma;
import dev.fp4sim.sim.mma.UnsupportedVariantException;
import dev.fp4sim.sim.profile.Assumptions;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Executes one {@code tcgen05.mma} the way the hardware fetches it (docs/machine.md "The tensor core"):
 * the instruction descriptor gives kind, types and shape; A comes from shared memory through its
 * descriptor and the canonical layouts (isa.md §3) or from tensor memory ([a-tmem], isa.md §3.6);
 * B always from shared memory; scale factors from TMEM (isa.md §5.2); C from D in TMEM when
 * enable-input-d; D goes back in the data-path layout of the shape (isa.md §5.1: D for M = 128,
 * F for M = 64 (lane offset 0 or 16), A for cta_group::2 M = 256, B for cta_group::2 M = 128). The
 * arithmetic is the bit-exact datapath of the variant ({@link Datapaths}).
 *
 * {@code .ws} (cta_group::1, M = 32/64/128) writes layouts G/E/D; its zero-column mask is not an
 * operand of {@link MmaOp}, so no B column is masked. Forms not modelled ({@code .sp}, K = 96) throw
 * {@link MachineException} "... is not modelled yet" rather than computing something unconfirmed.
 */
public final class TensorCore {

    private static final String OP = "tcgen05.mma";

    /**
     * Which CTA of a cta_group::2 pair supplies the scale factors of B column n (isa.md §11.4, unconfirmed).
     */
    public enum PairSfb {
        /**
         * Each CTA reads the scale factors of all N columns from its own TMEM (both CTAs hold the same
         * copy). Evidence: CUTLASS loads SFB for the whole MMA N into each CTA (its scale-factor MMA view
         * of a 2-SM atom is a 1-SM atom with the full N) and copies it with tcgen05.cp.cta_group::2.
         */
        EACH_CTA_ALL_COLUMNS,
        /**
         * Like B itself: the CTA that supplies B column n (rank ⌊n / (N/2)⌋) supplies its scale factors,
         * from its own TMEM, at the position the layout gives column n.
         */
        OWNER_OF_B_COLUMN
    }

    /**
     * Where an FP4 (e2m1) or FP6 (e2m3, e3m2) element sits inside its 8-bit TMEM container when A of
     * kind::f8f6f4 / mxf8f6f4 comes from TMEM (isa.md §3.6 and §11.6, unconfirmed).
     */
    public enum SubByteInTmem {
        /** As sm_120 mma.sync f8f6f4 registers (PTX, confirmed there): e2m1 in bits 2–5, FP6 in bits 0–5. */
        MMA_SYNC_POSITION,
        /** The code in the low bits of the byte (e2m1 in bits 0–3, FP6 in bits 0–5). */
        LOW_BITS
    }

    private final Assumptions assumptions;
    private final PairSfb pairSfb;
    private final SubByteInTmem subByteInTmem;

    public TensorCore(Assumptions assumptions) {
        this(assumptions, PairSfb.EACH_CTA_ALL_COLUMNS, SubByteInTmem.MMA_SYNC_POSITION);
    }

    /** With the alternatives of the unconfirmed tensor-core points selectable (docs/machine.md, "Assumptions (tensor core)"). */
    public TensorCore(Assumptions assumptions, PairSfb pairSfb, SubByteInTmem subByteInTmem) {
        this.assumptions = assumptions;
        this.pairSfb = pairSfb;
        this.subByteInTmem = subByteInTmem;
    }

    /** K of one instruction (isa.md §1.2): 256 bits of A per row. */
    public static int kPerInstruction(InstrDescriptor d) {
        return switch (d.kind()) {
            case F16 -> 16;
            case TF32 -> 8;
            case MXF4, MXF4NVF4 -> d.k96() ? 96 : 64;
            default -> 32;
        };
    }

    static SmemLayout.Element element(MmaKind kind, ElementFormat f) {
        if (f == FloatFormat.E2M1) {
            return kind.packedFp4() ? SmemLayout.Element.FP4_PACKED : SmemLayout.Element.FP4_PADDED;
        }
        if (f == FloatFormat.E2M3 || f == FloatFormat.E3M2) {
            return SmemLayout.Element.FP6_PADDED;
        }
        return switch (f.storageBits()) {
            case 16 -> SmemLayout.Element.B16;
            case 32 -> SmemLayout.Element.B32;
            default -> SmemLayout.Element.B8;
        };
    }

    // ------------------------------------------------------------------------------------------------
    // the old single-CTA entry points

    /**
     * D[m][n] = A·B (+ D) for one cta_group::1 SS instruction.
     *
     * @param sfaTmem, sfbTmem scale-factor TMEM addresses (block-scaled kinds; ignored otherwise)
     */
    public void mma(TensorMemory tmem, SharedMemory smem, String arch, MmaKind kind, int dTmem, long aDesc, long bDesc, int idesc,
                    int sfaTmem, int sfbTmem, boolean enableInputD) {
        mma(tmem, smem, arch, kind, 0, dTmem, aDesc, bDesc, idesc, sfaTmem, sfbTmem, enableInputD);
    }

    /** @param scaleBlock 16 or 32 from the .block16/.block32 (scale_vec) qualifier; 0 = the kind's only choice */
    public void mma(TensorMemory tmem, SharedMemory smem, String arch, MmaKind kind, int scaleBlock, int dTmem, long aDesc, long bDesc,
                    int idesc, int sfaTmem, int sfbTmem, boolean enableInputD) {
        MmaOp op = new MmaOp(arch, kind, 1, scaleBlock, false, false, dTmem, false, aDesc, bDesc, idesc,
                kind.blockScaled() ? sfaTmem : 0, kind.blockScaled() ? sfbTmem : 0, 0, enableInputD, 0, null);
        execute(op, new TensorMemory[] {tmem}, new SharedMemory[] {smem});
    }

    // ------------------------------------------------------------------------------------------------
    // the executor's entry points

    /** Executes one tcgen05.mma. tmem/smem have length op.ctaGroup(): index = rank in the CTA pair (0 = even CTA). */
    public void execute(MmaOp op, TensorMemory[] tmem, SharedMemory[] smem) {
        if (tmem == null || smem == null || tmem.length != op.ctaGroup() || smem.length != op.ctaGroup()) {
            throw new MachineException(OP, "cta_group::" + op.ctaGroup() + " needs the tensor and shared memories of "
                    + op.ctaGroup() + " CTA(s), got " + (tmem == null ? 0 : tmem.length) + " and " + (smem == null ? 0 : smem.length));
        }
        run(plan(op, true), new Access() {
            @Override
            public int smemBits(int cta, long bitAddress, int bits) {
                return smem[cta].readBits(bitAddress, bits);
            }

            @Override
            public int tmemRead(int cta, String what, int lane, int column) {
                return tmem[cta].read(OP + " [" + what + "]", lane, column);
            }

            @Override
            public void tmemWrite(int cta, int lane, int column, int value) {
                tmem[cta].write(OP + " [d]", lane, column, value);
            }
        });
    }

    /**
     * What the op reads (SMEM bytes per CTA; TMEM rectangles of A-tmem, scale factors and D when
     * enable-input-d) and writes (the D cells of lanes not disabled), without touching memory. The
     * rectangles cover exactly the cells accessed.
     */
    public Footprint footprint(MmaOp op) {
        Plan p = plan(op, false);
        int g = op.ctaGroup();
        BitSet[] smemBytes = new BitSet[g];
        BitSet[] reads = new BitSet[g];
        BitSet[] writes = new BitSet[g];
        for (int i = 0; i < g; i++) {
            smemBytes[i] = new BitSet();
            reads[i] = new BitSet();
            writes[i] = new BitSet();
        }
        run(p, new Access() {
            @Override
            public int smemBits(int cta, long bitAddress, int bits) {
                long first = bitAddress >>> 3;
                long last = (bitAddress + bits - 1) >>> 3;
                if (first < 0 || last >= SharedMemory.MAX_BYTES) {
                    throw new MachineException(OP, "an operand descriptor reaches byte " + (first < 0 ? first : last)
                            + ", outside shared memory");
                }
                smemBytes[cta].set((int) first, (int) last + 1);
                return 0;
            }

            @Override
            public int tmemRead(int cta, String what, int lane, int column) {
                checkCell(what, lane, column);
                reads[cta].set(lane * TensorMemory.COLUMNS + column);
                return 0;
            }

            @Override
            public void tmemWrite(int cta, int lane, int column, int value) {
                checkCell("d", lane, column);
                writes[cta].set(lane * TensorMemory.COLUMNS + column);
            }
        });
        List<Footprint.TmemRect> r = new ArrayList<>();
        List<Footprint.TmemRect> w = new ArrayList<>();
        for (int i = 0; i < g; i++) {
            r.addAll(rects(i, reads[i]));
            w.addAll(rects(i, writes[i]));
        }
        return new Footprint(smemBytes, List.copyOf(r), List.copyOf(w));
    }

    private static void checkCell(String what, int lane, int column) {
        if (lane < 0 || lane >= TensorMemory.LANES || column < 0 || column >= TensorMemory.COLUMNS) {
            throw new MachineException(OP + " [" + what + "]", "lane " + lane + ", column " + column + " is outside tensor memory (128 x 512)");
        }
    }

    /** Exact cover of a cell set (index lane · 512 + column) by rectangles: column runs merged over consecutive lanes. */
    static List<Footprint.TmemRect> rects(int cta, BitSet cells) {
        List<Footprint.TmemRect> out = new ArrayList<>();
        List<int[]> open = new ArrayList<>();   // {lane0, col0, cols, lastLane}
        for (int lane = 0; lane < TensorMemory.LANES; lane++) {
            List<int[]> runs = new ArrayList<>();
            int base = lane * TensorMemory.COLUMNS;
            int c = cells.nextSetBit(base);
            while (c >= 0 && c < base + TensorMemory.COLUMNS) {
                int end = Math.min(cells.nextClearBit(c), base + TensorMemory.COLUMNS);
                runs.add(new int[] {c - base, end - c});
                c = cells.nextSetBit(end);
            }
            List<int[]> next = new ArrayList<>();
            for (int[] run : runs) {
                int[] match = null;
                for (int[] o : open) {
                    if (o[1] == run[0] && o[2] == run[1] && o[3] == lane - 1) {
                        match = o;
                        break;
                    }
                }
                if (match != null) {
                    open.remove(match);
                    match[3] = lane;
                    next.add(match);
                } else {
                    next.add(new int[] {lane, run[0], run[1], lane});
                }
            }
            for (int[] o : open) {
                out.add(new Footprint.TmemRect(cta, o[0], o[3] - o[0] + 1, o[1], o[2]));
            }
            open = next;
        }
        for (int[] o : open) {
            out.add(new Footprint.TmemRect(cta, o[0], o[3] - o[0] + 1, o[1], o[2]));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------
    // decoding and checking

    /** Memory as the instruction sees it: the machine's, or a recorder for the footprint. */
    private interface Access {
        int smemBits(int cta, long bitAddress, int bits);

        int tmemRead(int cta, String what, int lane, int column);

        void tmemWrite(int cta, int lane, int column, int value);
    }

    /** Data-path layout of D (isa.md §5.1). */
    enum DLayout { A, B, D, E, F, G }

    /** Everything decoded from the op, validated. */
    private record Plan(MmaOp op, InstrDescriptor d, MmaVariant v, ElementMma mma, int k, int blocks, DLayout layout,
                        int rowsPerCta, int colsPerCta, int dLane0, int dCol0, int aLane0, int aCol0,
                        int sfaLane0, int sfaCol0, int sfbLane0, int sfbCol0) {
    }

    private Plan plan(MmaOp op, boolean withDatapath) {
        if (op.ctaGroup() != 1 && op.ctaGroup() != 2) {
            throw new MachineException(OP, ".cta_group::" + op.ctaGroup() + " does not exist (1 or 2)");
        }
        MmaKind kind = op.kind();
        InstrDescriptor d;
        try {
            d = InstrDescriptor.decode(op.idesc(), kind);
        } catch (IllegalArgumentException e) {
            throw new MachineException(OP, "instruction descriptor: " + e.getMessage());
        }
        String shape = shapeProblem(op, d);
        if (shape != null) {
            throw new MachineException(OP, shape);
        }
        if (op.sparse() != d.sparse()) {
            throw new MachineException(OP, "the .sp qualifier and the sparsity bit (idesc bit 2) disagree");
        }
        if (op.scaleInputD() < 0 || op.scaleInputD() > 15) {
            throw new MachineException(OP, "scale-input-d " + op.scaleInputD() + " is not in 0..15");
        }
        if (op.scaleInputD() != 0 && kind != MmaKind.F16 && kind != MmaKind.TF32) {
            throw new MachineException(OP, "scale-input-d exists only for kind::f16 and kind::tf32, not kind::" + kind.ptxName());
        }
        if (op.disableOutputLane() != null) {
            if (kind.blockScaled()) {
                throw new MachineException(OP, "disable-output-lane does not exist in the block-scaled forms (kind::" + kind.ptxName() + ")");
            }
            if (op.disableOutputLane().length != 4 * op.ctaGroup()) {
                throw new MachineException(OP, "disable-output-lane has " + 4 * op.ctaGroup() + " words with cta_group::" + op.ctaGroup()
                        + ", not " + op.disableOutputLane().length);
            }
        }
        if (op.ws() && op.disableOutputLane() != null) {
            throw new MachineException(OP, "the .ws forms have no disable-output-lane operand");
        }
        if (op.ws() && op.scaleInputD() != 0) {
            throw new MachineException(OP, "the .ws forms have no scale-input-d operand");
        }
        if (op.sparse()) {
            throw new MachineException(OP, ".sp (sparse A) is not modelled yet");
        }
        if (d.k96()) {
            throw new MachineException(OP, "K = 96 (idesc bit 31, sm_103a) is not modelled yet");
        }
        int k = kPerInstruction(d);
        int block = 0;
        if (kind.blockScaled()) {
            block = op.scaleBlock() != 0 ? op.scaleBlock() : defaultBlock(kind, d);
            String bad = blockProblem(kind, d, block);
            if (bad != null) {
                throw new MachineException(OP, bad);
            }
        } else if (op.scaleBlock() != 0) {
            throw new MachineException(OP, "kind::" + kind.ptxName() + " takes no scale vector size (.block" + op.scaleBlock() + ")");
        }
        int blocks = kind.blockScaled() ? k / block : 0;
        if (kind.blockScaled()) {
            int sfMax = Math.max(d.sfaId(), d.sfbId()) + blocks;
            if (sfMax > 4) {
                throw new MachineException(OP, "SF_ID " + Math.max(d.sfaId(), d.sfbId()) + " with " + blocks
                        + " scale factors per row runs past the 32-bit TMEM word (with block" + block + " the ID must be "
                        + (blocks == 4 ? "0" : blocks == 2 ? "0 or 2" : "0..3") + ")");
            }
        }
        ElementFormat acc = d.dType();
        MmaVariant v = new MmaVariant(op.arch(), InstructionFamily.TCGEN05_MMA, kind, d.aType(), d.bType(), acc, acc, k,
                kind.blockScaled() ? d.scaleType() : null, block, d.saturate());
        ElementMma mma = null;
        if (withDatapath) {
            try {
                mma = Datapaths.forVariant(v, assumptions, new MmaModifiers(d.negateA(), d.negateB(), op.scaleInputD()));
            } catch (UnsupportedVariantException | IllegalArgumentException e) {
                throw new MachineException(OP, e.getMessage());
            }
        }
        DLayout layout = op.ws() ? (d.m() == 32 ? DLayout.G : d.m() == 64 ? DLayout.E : DLayout.D)
                : op.ctaGroup() == 1 ? (d.m() == 64 ? DLayout.F : DLayout.D) : (d.m() == 256 ? DLayout.A : DLayout.B);
        int rows = d.m() / op.ctaGroup();
        int cols = d.n() / op.ctaGroup();
        int dLane = (op.dTmem() >>> 16);
        int dCol = op.dTmem() & 0xFFFF;
        if (layout == DLayout.F ? dLane != 0 && dLane != 16 : dLane != 0) {
            throw new MachineException(OP, "d-tmem lane " + dLane + ": layout " + layout + " (M = " + d.m() + ", cta_group::" + op.ctaGroup()
                    + ") needs lane alignment " + (layout == DLayout.F ? "0 or 16" : "0"));
        }
        int aLane = 0;
        int aCol = 0;
        if (op.aFromTmem()) {
            if ((op.a() >>> 32) != 0) {
                throw new MachineException(OP, "a-tmem is a 32-bit TMEM address, got 0x" + Long.toHexString(op.a()));
            }
            aLane = (int) (op.a() >>> 16) & 0xFFFF;
            aCol = (int) op.a() & 0xFFFF;
            if (aLane != (layout == DLayout.F ? dLane : 0)) {
                throw new MachineException(OP, "a-tmem lane " + aLane + ": A in TMEM must have the lane alignment of D ("
                        + (layout == DLayout.F ? dLane : 0) + ") for layout " + layout);
            }
            if (d.transposeA()) {
                throw new MachineException(OP, "A from TMEM cannot be transposed (idesc bit 15 must be 0)");
            }
        }
        int sfaLane = 0;
        int sfaCol = 0;
        int sfbLane = 0;
        int sfbCol = 0;
        if (kind.blockScaled()) {
            sfaLane = sfLane(op.sfaTmem(), d.sfaId(), "scale-A-tmem");
            sfaCol = op.sfaTmem() & 0xFFFF;
            sfbLane = sfLane(op.sfbTmem(), d.sfbId(), "scale-B-tmem");
            sfbCol = op.sfbTmem() & 0xFFFF;
        }
        return new Plan(op, d, v, mma, k, blocks, layout, rows, cols, dLane, dCol, aLane, aCol, sfaLane, sfaCol, sfbLane, sfbCol);
    }

    /**
     * Lane of a scale-factor TMEM address: bits 30–31 may hold CUTLASS's byte index (isa.md §4.1) and are
     * not lane bits; the byte comes from the idesc SF_ID. A byte index that disagrees with SF_ID is
     * rejected, because which of the two the hardware honours is not known (docs/machine.md).
     */
    private static int sfLane(int address, int sfId, String what) {
        int byteIndex = address >>> 30;
        if (byteIndex != 0 && byteIndex != sfId) {
            throw new MachineException(OP, String.format("%s 0x%08X carries byte index %d in bits 30-31 but the idesc SF_ID is %d",
                    what, address, byteIndex, sfId));
        }
        int lane = (address >>> 16) & 0x3FFF;
        if (lane != 0) {
            throw new MachineException(OP, String.format("%s 0x%08X: scale factors start at lane 0 (they fill all four lane quarters), not lane %d",
                    what, address, lane));
        }
        return lane;
    }

    /** Table 39 per cta_group and .ws; null if legal. */
    static String shapeProblem(MmaOp op, InstrDescriptor d) {
        int g = op.ctaGroup();
        int m = d.m();
        int n = d.n();
        MmaKind kind = op.kind();
        String where = "kind::" + kind.ptxName() + " cta_group::" + g + (op.ws() ? " .ws" : "");
        if (d.transposeB() && d.bType().storageBits() == 8 && n % (8 * g * 2) != 0) {
            return "N = " + n + ": a transposed (N-major) 8-bit B needs N to be a multiple of " + 16 * g + " with cta_group::" + g + " (Table 52)";
        }
        if (op.ws()) {
            if (g != 1) {
                return ".ws exists only with cta_group::1";
            }
            if (kind.blockScaled()) {
                return ".ws is invalid with the block-scaled kind::" + kind.ptxName();
            }
            if (m != 32 && m != 64 && m != 128) {
                return "M = " + m + " is not a .ws shape (32, 64, 128)";
            }
            if (n != 64 && n != 128 && (n != 256 || d.sparse())) {
                return "N = " + n + " is not a .ws shape (64, 128" + (d.sparse() ? " when sparse)" : ", 256)");
            }
            return null;
        }
        if (g == 1) {
            if (kind.blockScaled() ? m != 128 : m != 64 && m != 128) {
                return "M = " + m + " is not legal for " + where + " (" + (kind.blockScaled() ? "128" : "64, 128")
                        + (m == 256 ? "; M = 256 needs cta_group::2" : m == 32 ? "; M = 32 needs .ws" : "") + ")";
            }
            if (kind == MmaKind.I8 && n > 32 && n % 16 != 0) {
                return "N = " + n + " is not legal for " + where + " (8, 16, 24, 32, then multiples of 16 up to 256)";
            }
            return null;
        }
        if (m != 128 && m != 256) {
            return "M = " + m + " is not legal for " + where + " (128, 256)";
        }
        int step = kind == MmaKind.I8 ? 32 : 16;
        if (n % step != 0) {
            return "N = " + n + " is not legal for " + where + " (multiples of " + step + " in " + step + "..256)";
        }
        return null;
    }

    private static int defaultBlock(MmaKind kind, InstrDescriptor d) {
        if (kind == MmaKind.MXF8F6F4 || kind == MmaKind.MXF4) {
            return 32;
        }
        return d.scaleType() == FloatFormat.UE4M3 ? 16 : 32;   // mxf4nvf4: the qualifier decides; ue4m3 is block16 only
    }

    private static String blockProblem(MmaKind kind, InstrDescriptor d, int block) {
        if (block != 16 && block != 32) {
            return "scale vector size block" + block + " does not exist (16 or 32)";
        }
        if (block == 16 && kind != MmaKind.MXF4NVF4) {
            return ".block16 / .scale_vec::4X exists only for kind::mxf4nvf4 (Table 56)";
        }
        if (d.scaleType() == FloatFormat.UE4M3 && block != 16) {
            return "ue4m3 scale factors need .block16 / .scale_vec::4X (Table 57)";
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------
    // the instruction

    /** Position of D element (local row r, column n) in its CTA relative to d-tmem (isa.md §5.1): {lane, column}. */
    static int[] dCell(DLayout layout, int r, int n, int nTotal) {
        return switch (layout) {
            case D, A -> new int[] {r, n};
            case F -> new int[] {(r & 15) + 32 * (r >> 4), n};
            case B, E -> new int[] {r + (n >= nTotal / 2 ? 64 : 0), n % (nTotal / 2)};
            case G -> new int[] {r + 32 * (n / (nTotal / 4)), n % (nTotal / 4)};
        };
    }

    private void run(Plan p, Access mem) {
        MmaOp op = p.op();
        InstrDescriptor d = p.d();
        MmaVariant v = p.v();
        int g = op.ctaGroup();
        int n = d.n();
        // A rows per CTA, B columns from the CTA that holds them (isa.md §1.1)
        byte[][][] aRows = new byte[g][p.rowsPerCta()][];
        for (int cta = 0; cta < g; cta++) {
            for (int r = 0; r < p.rowsPerCta(); r++) {
                aRows[cta][r] = op.aFromTmem() ? aFromTmem(p, mem, cta, r) : gatherSmem(p, mem, cta, op.a(), d.transposeA(), d.aType(), r);
            }
        }
        byte[][] bCols = new byte[n][];
        for (int col = 0; col < n; col++) {
            bCols[col] = gatherSmem(p, mem, col / p.colsPerCta(), op.bDesc(), d.transposeB(), d.bType(), col % p.colsPerCta());
        }
        // all inputs before any output
        int[][][] out = new int[g][p.rowsPerCta()][n];
        boolean[][] enabled = new boolean[g][TensorMemory.LANES];
        for (int cta = 0; cta < g; cta++) {
            for (int lane = 0; lane < TensorMemory.LANES; lane++) {
                int[] mask = op.disableOutputLane();
                int bit = 128 * cta + lane;
                enabled[cta][lane] = mask == null || ((mask[bit >>> 5] >>> (bit & 31)) & 1) == 0;
            }
        }
        for (int cta = 0; cta < g; cta++) {
            for (int r = 0; r < p.rowsPerCta(); r++) {
                for (int col = 0; col < n; col++) {
                    int[] cell = dCell(p.layout(), r, col, n);
                    int lane = p.dLane0() + cell[0];
                    int column = p.dCol0() + cell[1];
                    if (!enabled[cta][lane]) {
                        continue;
                    }
                    int quarter = lane / 32;
                    byte[] sa = null;
                    byte[] sb = null;
                    if (p.blocks() > 0) {
                        sa = new byte[p.blocks()];
                        sb = new byte[p.blocks()];
                        for (int j = 0; j < p.blocks(); j++) {
                            // replicated in every lane quarter: each datapath quarter reads the copy in its own lanes
                            sa[j] = (byte) (mem.tmemRead(cta, "scale-A", p.sfaLane0() + r % 32 + 32 * quarter, p.sfaCol0() + r / 32)
                                    >>> (8 * (d.sfaId() + j)));
                            int idx = p.layout() == DLayout.B ? col % (n / 2) : col;
                            int src = pairSfb == PairSfb.OWNER_OF_B_COLUMN ? col / p.colsPerCta() : cta;
                            sb[j] = (byte) (mem.tmemRead(src, "scale-B", p.sfbLane0() + idx % 32 + 32 * quarter, p.sfbCol0() + idx / 32)
                                    >>> (8 * (d.sfbId() + j)));
                        }
                    }
                    int c = 0;
                    if (op.enableInputD()) {
                        c = mem.tmemRead(cta, "d", lane, column);
                        if (d.dType() == FloatFormat.F16) {
                            c &= 0xFFFF;
                        }
                    }
                    out[cta][r][col] = p.mma() == null ? 0 : p.mma().compute(aRows[cta][r], bCols[col], sa, sb, c, p.k());
                }
            }
        }
        for (int cta = 0; cta < g; cta++) {
            for (int r = 0; r < p.rowsPerCta(); r++) {
                for (int col = 0; col < n; col++) {
                    int[] cell = dCell(p.layout(), r, col, n);
                    int lane = p.dLane0() + cell[0];
                    if (enabled[cta][lane]) {
                        mem.tmemWrite(cta, lane, p.dCol0() + cell[1], out[cta][r][col]);
                    }
                }
            }
        }
    }

    /** The operand image (golden-vector layout) of row r of A or column r of B, from the SMEM of one CTA. */
    private static byte[] gatherSmem(Plan p, Access mem, int cta, long descWord, boolean mnMajor, ElementFormat f, int r) {
        SmemDescriptor desc;
        try {
            desc = SmemDescriptor.decode(descWord);
        } catch (DescriptorException e) {
            throw new MachineException(OP, "shared-memory descriptor: " + e.getMessage());
        }
        MmaVariant v = p.v();
        SmemLayout.Element e = element(v.kind(), f);
        int w = v.elementBits(f);
        int bits = f == FloatFormat.TF32 ? 32 : e.bits();
        byte[] img = new byte[(p.k() * w + 7) / 8];
        for (int i = 0; i < p.k(); i++) {
            long at;
            try {
                at = SmemLayout.bitAddress(desc, mnMajor ? SmemLayout.Major.MN : SmemLayout.Major.K, e, r, i);
            } catch (IllegalArgumentException ex) {
                throw new MachineException(OP, "shared-memory layout: " + ex.getMessage());
            }
            put(img, i, w, mem.smemBits(cta, at, bits));
        }
        return img;
    }

    /**
     * Row r (local to the CTA) of A from TMEM (isa.md §3.6): in the lane the row's D occupies for column
     * half 0, the 256 bits of the row in 8 consecutive columns from a-tmem, element k at bit k·w of the
     * row (w = 16 for f16/bf16, 32 for tf32, 8 for 8-bit types and for FP6/FP4 in 8-bit containers under
     * kind::f8f6f4/mxf8f6f4, 4 for packed e2m1 under kind::mxf4/mxf4nvf4).
     */
    private byte[] aFromTmem(Plan p, Access mem, int cta, int r) {
        MmaVariant v = p.v();
        ElementFormat f = v.aFormat();
        int w = v.elementBits(f);
        int lane = p.aLane0() + dCell(p.layout(), r, 0, p.d().n())[0];
        int[] words = new int[8];
        for (int c = 0; c < 8; c++) {
            words[c] = mem.tmemRead(cta, "a", lane, p.aCol0() + c);
        }
        byte[] img = new byte[(p.k() * w + 7) / 8];
        int fieldBits = Math.min(f.storageBits(), 32);
        for (int i = 0; i < p.k(); i++) {
            int bit = i * w;
            long word = words[bit >>> 5] & 0xFFFFFFFFL;
            int container = (int) (w == 32 ? word : (word >>> (bit & 31)) & ((1L << w) - 1));
            int code = container;
            if (w == 8 && fieldBits < 8) {
                int shift = f == FloatFormat.E2M1 && subByteInTmem == SubByteInTmem.MMA_SYNC_POSITION ? 2 : 0;
                code = (container >>> shift) & ((1 << fieldBits) - 1);
            }
            put(img, i, w, code);
        }
        return img;
    }

    private static void put(byte[] img, int i, int w, int code) {
        for (int b = 0; b < w && b < 32; b++) {
            if (((code >>> b) & 1) != 0) {
                img[(i * w + b) >>> 3] |= (byte) (1 << ((i * w + b) & 7));
            }
        }
    }
}
