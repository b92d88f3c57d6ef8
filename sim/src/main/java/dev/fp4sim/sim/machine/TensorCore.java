package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.desc.InstrDescriptor;
import dev.fp4sim.isa.desc.SmemDescriptor;
import dev.fp4sim.isa.desc.SmemLayout;
import dev.fp4sim.isa.desc.TmemAddress;
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

/**
 * Executes one {@code tcgen05.mma.cta_group::1} (SS form: A and B from shared memory) the way the
 * hardware fetches it: the instruction descriptor gives kind, types and shape; the SMEM descriptors
 * and the canonical layouts (isa.md §3) give every operand element's bits; scale factors come from
 * TMEM (isa.md §5.2); C from D in TMEM when enable-input-d, and D goes back in layout D (M = 128) or
 * F (M = 64). The arithmetic is the bit-exact datapath of the variant.
 */
public final class TensorCore {

    private final Assumptions assumptions;

    public TensorCore(Assumptions assumptions) {
        this.assumptions = assumptions;
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

    /** The operand image of row r (golden-vector layout: 4-bit packed FP4, 8-bit containers, 16/32-bit). */
    private static byte[] gather(SharedMemory smem, SmemDescriptor desc, boolean mnMajor, MmaVariant v, ElementFormat f, int r, int k) {
        SmemLayout.Element e = element(v.kind(), f);
        int w = v.elementBits(f);
        byte[] img = new byte[(k * w + 7) / 8];
        for (int i = 0; i < k; i++) {
            int bits = f == FloatFormat.TF32 ? 32 : e.bits();
            int code = smem.readBits(SmemLayout.bitAddress(desc, mnMajor ? SmemLayout.Major.MN : SmemLayout.Major.K, e, r, i), bits);
            for (int b = 0; b < w && b < 32; b++) {
                if (((code >>> b) & 1) != 0) {
                    img[(i * w + b) >>> 3] |= (byte) (1 << ((i * w + b) & 7));
                }
            }
        }
        return img;
    }

    /**
     * D[m][n] = A·B (+ D) for one instruction.
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
        InstrDescriptor d;
        try {
            d = InstrDescriptor.decode(idesc, kind);
        } catch (IllegalArgumentException e) {
            throw new MachineException("tcgen05.mma", "instruction descriptor: " + e.getMessage());
        }
        if (d.m() != 128 && d.m() != 64) {
            throw new MachineException("tcgen05.mma", "M = " + d.m() + " needs cta_group::2 or .ws, not modelled here");
        }
        int k = kPerInstruction(d);
        ElementFormat acc = d.dType();
        MmaVariant v = new MmaVariant(arch, InstructionFamily.TCGEN05_MMA, kind, d.aType(), d.bType(), acc, acc, k,
                kind.blockScaled() ? d.scaleType() : null, kind.blockScaled() ? (scaleBlock != 0 ? scaleBlock : blockSize(kind, d)) : 0,
                d.saturate());
        ElementMma mma;
        try {
            mma = Datapaths.forVariant(v, assumptions, new MmaModifiers(d.negateA(), d.negateB(), 0));
        } catch (UnsupportedVariantException e) {
            throw new MachineException("tcgen05.mma", e.getMessage());
        }
        SmemDescriptor a = SmemDescriptor.decode(aDesc);
        SmemDescriptor b = SmemDescriptor.decode(bDesc);
        TmemAddress dBase = TmemAddress.decode(dTmem);
        byte[][] aRows = new byte[d.m()][];
        for (int m = 0; m < d.m(); m++) {
            aRows[m] = gather(smem, a, d.transposeA(), v, d.aType(), m, k);
        }
        int blocks = kind.blockScaled() ? k / v.blockSize() : 0;
        TmemAddress sfa = TmemAddress.decode(sfaTmem);
        TmemAddress sfb = TmemAddress.decode(sfbTmem);
        for (int n = 0; n < d.n(); n++) {
            byte[] bCol = gather(smem, b, d.transposeB(), v, d.bType(), n, k);
            byte[] sb = new byte[blocks];
            for (int j = 0; j < blocks; j++) {
                TmemLayouts.Cell c = TmemLayouts.scale(n, j, d.sfbId());
                sb[j] = (byte) (tmem.read("tcgen05.mma [scale-B]", sfb.lane() + c.lane(), sfb.column() + c.column()) >>> (8 * c.byte_()));
            }
            for (int m = 0; m < d.m(); m++) {
                byte[] sa = new byte[blocks];
                for (int j = 0; j < blocks; j++) {
                    TmemLayouts.Cell c = TmemLayouts.scale(m, j, d.sfaId());
                    // replicated in every lane quarter: row m reads the copy in its own quarter
                    sa[j] = (byte) (tmem.read("tcgen05.mma [scale-A]", sfa.lane() + c.lane() + 32 * (m / 32 % 4), sfa.column() + c.column()) >>> (8 * c.byte_()));
                }
                TmemLayouts.Cell dc = TmemLayouts.d(m, n, d.m(), dBase.lane() == 16 ? 1 : 0);
                int lane = (d.m() == 64 ? 0 : dBase.lane()) + dc.lane();
                int col = dBase.column() + dc.column();
                int c = enableInputD ? tmem.read("tcgen05.mma [d]", lane, col) : 0;
                int out = mma.compute(aRows[m], bCol, sa, sb, acc == FloatFormat.F16 ? c & 0xFFFF : c, k);
                tmem.write("tcgen05.mma [d]", lane, col, out);
            }
        }
    }

    /** TEMPORARY: cta_group::1 SS only; replaced by the full implementation. */
    public void execute(MmaOp op, TensorMemory[] tmem, SharedMemory[] smem) {
        if (op.ctaGroup() != 1 || op.aFromTmem()) {
            throw new MachineException("tcgen05.mma", "form not modelled yet");
        }
        mma(tmem[0], smem[0], op.arch(), op.kind(), op.scaleBlock(), op.dTmem(), op.a(), op.bDesc(), op.idesc(), op.sfaTmem(), op.sfbTmem(), op.enableInputD());
    }

    /** TEMPORARY footprint: D rect, SF rects, SMEM bytes. */
    public Footprint footprint(MmaOp op) {
        InstrDescriptor d = InstrDescriptor.decode(op.idesc(), op.kind());
        int k = kPerInstruction(d);
        java.util.BitSet bytes = new java.util.BitSet();
        SmemLayout.Element ea = element(op.kind(), d.aType());
        SmemLayout.Element eb = element(op.kind(), d.bType());
        SmemDescriptor a = SmemDescriptor.decode(op.a());
        SmemDescriptor b = SmemDescriptor.decode(op.bDesc());
        for (int kk = 0; kk < k; kk++) {
            for (int m = 0; m < d.m(); m++) {
                bytes.set((int) (SmemLayout.bitAddress(a, d.transposeA() ? SmemLayout.Major.MN : SmemLayout.Major.K, ea, m, kk) / 8));
            }
            for (int n = 0; n < d.n(); n++) {
                bytes.set((int) (SmemLayout.bitAddress(b, d.transposeB() ? SmemLayout.Major.MN : SmemLayout.Major.K, eb, n, kk) / 8));
            }
        }
        TmemAddress dt = TmemAddress.decode(op.dTmem());
        java.util.List<Footprint.TmemRect> reads = new java.util.ArrayList<>();
        Footprint.TmemRect dr = new Footprint.TmemRect(0, dt.lane(), d.m(), dt.column(), d.n());
        if (op.enableInputD()) {
            reads.add(dr);
        }
        if (op.kind().blockScaled()) {
            TmemAddress sa = TmemAddress.decode(op.sfaTmem() & 0x3FFFFFFF);
            TmemAddress sb = TmemAddress.decode(op.sfbTmem() & 0x3FFFFFFF);
            reads.add(new Footprint.TmemRect(0, 0, 128, sa.column(), (d.m() + 31) / 32));
            reads.add(new Footprint.TmemRect(0, 0, 32, sb.column(), (d.n() + 31) / 32));
        }
        return new Footprint(new java.util.BitSet[] {bytes}, reads, java.util.List.of(dr));
    }

    private static int blockSize(MmaKind kind, InstrDescriptor d) {
        if (kind == MmaKind.MXF8F6F4 || kind == MmaKind.MXF4) {
            return 32;
        }
        return d.scaleType() == FloatFormat.UE4M3 ? 16 : 32;   // mxf4nvf4: the qualifier decides; ue4m3 is block16 only
    }
}
