package dev.fp4sim.isa.ptx;

import dev.fp4sim.isa.ptx.PtxStatement.Instruction;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks PTX statements for one target: qualifier sets, operand shapes and register widths, and the
 * per-target features of the tcgen05 family (isa.md §1–4, §8; PTX ISA §9.7.16). Every rule here was
 * cross-checked with NVIDIA's ptxas (see {@code PtxasAgreementTest}); messages say what would be valid.
 */
public final class PtxValidator {

    private static final Set<String> MMA_KINDS = Set.of("f16", "tf32", "f8f6f4", "i8", "mxf8f6f4", "mxf4", "mxf4nvf4");
    private static final Set<String> LD_SHAPES = Set.of("32x32b", "16x64b", "16x128b", "16x256b", "16x32bx2");
    private static final Set<String> CP_SHAPES = Set.of("128x256b", "4x256b", "128x128b", "64x128b", "32x128b");
    private static final Set<String> GENERIC = Set.of("mov", "add", "sub", "mul", "mad", "setp", "selp", "bra", "ret", "exit",
            "bar", "barrier", "fence", "ld", "st", "cvt", "cvta", "and", "or", "xor", "not", "shl", "shr", "elect", "membar",
            "min", "max", "neg", "abs", "div", "rem", "shfl", "vote", "activemask", "prmt", "lop3", "brev", "popc", "clz",
            "atom", "red", "griddepcontrol", "nanosleep", "mma", "wgmma", "ldmatrix", "stmatrix", "cp");

    private final PtxTarget target;
    private final Registers regs;
    private final List<PtxError> errors = new ArrayList<>();

    private PtxValidator(PtxTarget target, Registers regs) {
        this.target = target;
        this.regs = regs;
    }

    /** Validates a parsed module or list of lines; register names follow its .reg directives, or nvcc's conventions if none. */
    public static List<PtxError> validate(List<PtxStatement> statements, PtxTarget target) {
        Registers r = Registers.conventional();
        for (PtxStatement s : statements) {
            if (s instanceof PtxStatement.Directive d && d.name().equals(".reg")) {
                r.declare(d.text());
            }
        }
        PtxValidator v = new PtxValidator(target, r);
        Instruction firstGroup = null;
        for (PtxStatement s : statements) {
            if (s instanceof PtxStatement.Directive d && (d.text().contains(".entry") || d.text().contains(".func"))) {
                firstGroup = null;
            }
            if (s instanceof Instruction i) {
                int before = v.errors.size();
                v.check(i);
                String cg = i.opcode().startsWith("tcgen05.") ? Qualifiers.value(i.qualifiers(), "cta_group::") : null;
                if (cg == null || v.errors.size() != before) {
                    continue;
                }
                // isa.md §1.1: all tcgen05 instructions of a kernel use one .cta_group (ptxas: "uses single
                // CTA (.cta_group::1) and CTA pair granularity (.cta_group::2) and that is not allowed").
                if (firstGroup == null) {
                    firstGroup = i;
                } else if (!cg.equals(Qualifiers.value(firstGroup.qualifiers(), "cta_group::"))) {
                    v.error(i, ".cta_group::" + cg + " in a function that already uses .cta_group::"
                            + Qualifiers.value(firstGroup.qualifiers(), "cta_group::") + " (line " + firstGroup.pos().line()
                            + "): a kernel's tcgen05 instructions all use the same .cta_group");
                }
            }
        }
        return List.copyOf(v.errors);
    }

    private void error(Instruction i, String msg) {
        errors.add(new PtxError(i.pos(), i.opcode() + ": " + msg));
    }

    private void check(Instruction i) {
        if (i.guard() != null && regs.widthOf(i.guard().name()) != Registers.PRED) {
            error(i, "the guard " + i.guard().print() + " is not a predicate register");
        }
        if (i.opcode().startsWith("tcgen05.") && !target.tcgen05()) {
            error(i, "not supported on " + target.ptxName() + " (tcgen05 needs sm_100a, sm_100f, sm_103a or sm_110a; sm_120a has mma.sync)");
            return;
        }
        if (i instanceof PtxStatement.Tcgen05Mma m) {
            checkMma(m);
        } else if (i instanceof PtxStatement.Tcgen05Alloc a) {
            checkAlloc(a);
        } else if (i instanceof PtxStatement.Tcgen05LdSt l) {
            checkLdSt(l);
        } else if (i instanceof PtxStatement.Tcgen05Cp c) {
            checkCp(c);
        } else if (i instanceof PtxStatement.Tcgen05Sync s) {
            checkSync(s);
        } else if (i instanceof PtxStatement.Mbarrier m) {
            checkMbarrier(m);
        } else if (i instanceof PtxStatement.TmaLoad t) {
            checkTma(t);
        } else if (i instanceof PtxStatement.Generic g) {
            checkGeneric(g);
        }
    }

    // ----- operand shapes

    private int width(Operand o) {
        return o instanceof Operand.Reg r ? regs.widthOf(r.name()) : -1;
    }

    private boolean reg(Operand o, int w) {
        return o instanceof Operand.Reg r && !r.negated() && regs.widthOf(r.name()) == w;
    }

    /** An integer-valued operand (count, descriptor, state): an immediate or a register usable as .u{w} (not a float register). */
    private boolean regOrImm(Operand o, int w) {
        return o instanceof Operand.Imm || intReg(o, w);
    }

    /** A data operand: an immediate or any register of the width (ptxas takes .f32 registers here). */
    private boolean dataOrImm(Operand o, int w) {
        return o instanceof Operand.Imm || reg(o, w);
    }

    private boolean intReg(Operand o, int w) {
        return reg(o, w) && Registers.compatible(regs.typeOf(((Operand.Reg) o).name()), "u" + w);
    }

    /** A [reg] address whose register has one of the widths and an integer or bit type (or a symbol). */
    private boolean addr(Operand o, int... widths) {
        if (!(o instanceof Operand.Addr a) || a.coordinates() != null) {
            return false;
        }
        if (a.base() instanceof Operand.Sym) {
            return true;
        }
        int w = width(a.base());
        for (int x : widths) {
            if (w == x) {
                return Registers.compatible(regs.typeOf(((Operand.Reg) a.base()).name()), "u" + w);
            }
        }
        return false;
    }

    /**
     * A tensor-memory address operand of tcgen05.mma ([d-tmem], [a-tmem], [sp-meta-tmem], [scale-*-tmem]):
     * ptxas 13.0 takes only a .b32 register here (a .u32 or .s32 one is an "Arguments mismatch", though
     * tcgen05.ld/st/cp accept them for their taddr).
     */
    private boolean mmaTmem(Operand o) {
        return addr(o, 32) && ((Operand.Addr) o).base() instanceof Operand.Reg r && "b32".equals(regs.typeOf(r.name()));
    }

    private boolean pred(Operand o) {
        return o instanceof Operand.Imm || (o instanceof Operand.Reg r && regs.widthOf(r.name()) == Registers.PRED);
    }

    private boolean unknownQualifiers(Instruction i, Set<String> allowedExact, String... allowedPrefixes) {
        for (String q : i.qualifiers()) {
            if (allowedExact.contains(q)) {
                continue;
            }
            boolean ok = false;
            for (String p : allowedPrefixes) {
                ok |= q.startsWith(p);
            }
            if (!ok) {
                error(i, "unknown or misplaced qualifier '." + q + "'");
                return true;
            }
        }
        return false;
    }

    private boolean duplicates(Instruction i) {
        for (int a = 0; a < i.qualifiers().size(); a++) {
            for (int b = a + 1; b < i.qualifiers().size(); b++) {
                // ptxas 13.0 tolerates a repeated .sync (seen on tcgen05.alloc) but no other repeat
                if (i.qualifiers().get(a).equals(i.qualifiers().get(b)) && !i.qualifiers().get(a).equals("sync")) {
                    error(i, "qualifier '." + i.qualifiers().get(a) + "' given twice");
                    return true;
                }
            }
        }
        return false;
    }

    private String ctaGroup(Instruction i) {
        String cg = Qualifiers.value(i.qualifiers(), "cta_group::");
        if (Qualifiers.count(i.qualifiers(), "cta_group::") > 1) {
            error(i, "give one .cta_group");
            return null;
        }
        if (cg == null) {
            error(i, ".cta_group::1 or .cta_group::2 is required");
            return null;
        }
        if (!cg.equals("1") && !cg.equals("2")) {
            error(i, "'.cta_group::" + cg + "' is not valid (use .cta_group::1 or .cta_group::2)");
            return null;
        }
        return cg;
    }

    // ----- tcgen05.mma (isa.md §1)

    private void checkMma(PtxStatement.Tcgen05Mma m) {
        if (m.opcode().equals("tcgen05.mma.sp.ws")) {
            error(m, "write .ws before .sp (tcgen05.mma.ws.sp)");
            return;
        }
        List<String> q = m.qualifiers();
        if (duplicates(m) || unknownQualifiers(m, Set.of("sp", "block_scale", "ashift", "block16", "block32",
                "scale_vec::1X", "scale_vec::2X", "scale_vec::4X"), "cta_group::", "kind::", "collector::")) {
            return;
        }
        String cg = ctaGroup(m);
        if (cg == null) {
            return;
        }
        String kind = m.kind();
        if (Qualifiers.count(q, "kind::") > 1) {
            error(m, "give one .kind");
            return;
        }
        if (kind == null) {
            error(m, ".kind is required (.kind::f16, tf32, f8f6f4, i8, mxf8f6f4, mxf4, mxf4nvf4)");
            return;
        }
        if (!MMA_KINDS.contains(kind)) {
            error(m, "'.kind::" + kind + "' is not a tcgen05 kind (f16, tf32, f8f6f4, i8, mxf8f6f4, mxf4, mxf4nvf4)");
            return;
        }
        boolean mx = kind.startsWith("mx");
        boolean bs = m.blockScale();
        String vec = q.contains("block16") ? "block16" : q.contains("block32") ? "block32" : Qualifiers.value(q, "scale_vec::");
        if (Qualifiers.count(q, "scale_vec::") + (q.contains("block16") ? 1 : 0) + (q.contains("block32") ? 1 : 0) > 1) {
            error(m, "give one scale vector size (.scale_vec::NX or .block16/.block32)");
            return;
        }
        if (!mx && (bs || vec != null)) {
            error(m, "'.kind::" + kind + "' has no block scaling (.block_scale needs kind::mxf8f6f4, mxf4 or mxf4nvf4)");
            return;
        }
        if (mx && !bs) {
            error(m, "'.kind::" + kind + "' needs .block_scale");
            return;
        }
        if (mx) {
            String v = vec == null ? null : vec.startsWith("block") ? vec : "scale_vec::" + vec;
            Set<String> ok = switch (kind) {
                case "mxf8f6f4" -> Set.of("scale_vec::1X", "block32");
                case "mxf4" -> Set.of("scale_vec::2X", "block32");
                default -> Set.of("scale_vec::2X", "scale_vec::4X", "block16", "block32");
            };
            if (v == null && kind.equals("mxf4nvf4")) {
                error(m, "kind::mxf4nvf4 needs an explicit scale vector size (.block16, .block32, .scale_vec::2X or ::4X)");
                return;
            }
            if (v != null && !ok.contains(v)) {
                error(m, "'." + v + "' is not valid with kind::" + kind + " (valid: ." + String.join(", .", ok) + ")");
                return;
            }
            if (v != null && v.startsWith("scale_vec") && !target.scaleVecNx()) {
                error(m, "'." + v + "' is not supported on " + target.ptxName() + " (use ." + (v.endsWith("4X") ? "block16" : "block32") + ")");
                return;
            }
        }
        if (kind.equals("i8") && !target.kindI8()) {
            error(m, "kind::i8 is not supported on " + target.ptxName() + " (sm_100a, sm_110a)");
            return;
        }
        if (m.sparse() && kind.startsWith("mxf4") && !target.sparseFp4()) {
            error(m, "sparse kind::" + kind + " is not supported on " + target.ptxName());
            return;
        }
        String collector = Qualifiers.value(q, "collector::");
        boolean ashift = q.contains("ashift");
        if (m.ws()) {
            if (!cg.equals("1")) {
                error(m, ".ws allows only .cta_group::1");
                return;
            }
            if (mx) {
                error(m, ".ws is not valid with block-scaled kinds");
                return;
            }
            if (ashift) {
                error(m, ".ashift is not valid with .ws");
                return;
            }
            if (collector != null && !collector.matches("b[0-3]::(fill|use|lastuse|discard)")) {
                error(m, "'.collector::" + collector + "' is not valid with .ws (collector::b0..b3::fill|use|lastuse|discard)");
                return;
            }
        } else if (collector != null && !collector.matches("a::(fill|use|lastuse|discard)")) {
            error(m, "'.collector::" + collector + "' is not valid (collector::a::fill|use|lastuse|discard; the b buffers need .ws)");
            return;
        }
        if (ashift && (mx || (collector != null && (collector.endsWith("fill") || collector.endsWith("::use"))))) {
            error(m, mx ? ".ashift is not valid with block-scaled kinds" : ".ashift cannot be combined with .collector::a::fill or ::use");
            return;
        }
        // operands: [d], a, b, ([sp-meta]), idesc, ...
        List<Operand> ops = m.operands();
        int base = m.sparse() ? 5 : 4;
        if (ops.size() < base + 1) {
            error(m, "too few operands (" + ops.size() + ")");
            return;
        }
        boolean aTmem = ops.get(1) instanceof Operand.Addr;
        if (!mmaTmem(ops.get(0)) || !(aTmem ? mmaTmem(ops.get(1)) : regOrImm(ops.get(1), 64)) || !regOrImm(ops.get(2), 64)
                || (m.sparse() && !mmaTmem(ops.get(3))) || !regOrImm(ops.get(base - 1), 32)) {
            error(m, "operands must be [d-tmem] (.b32 register), a-desc (64-bit) or [a-tmem], b-desc (64-bit)"
                    + (m.sparse() ? ", [sp-meta-tmem]" : "") + ", idesc (32-bit integer)");
            return;
        }
        if (ashift && !aTmem) {
            error(m, ".ashift needs A in tensor memory ([a-tmem])");
            return;
        }
        List<Operand> rest = ops.subList(base, ops.size());
        if (mx) {
            if (rest.size() != 3 || !mmaTmem(rest.get(0)) || !mmaTmem(rest.get(1)) || !pred(rest.get(2))) {
                error(m, "block-scaled forms end with [scale-A-tmem], [scale-B-tmem] (.b32 registers), enable-input-d");
            }
            return;
        }
        if (m.ws()) {
            // The zero-column mask descriptor may also be an immediate (any value: ptxas 13.0 does not range-check it).
            if (rest.size() < 1 || rest.size() > 2 || !pred(rest.get(0)) || (rest.size() == 2 && !regOrImm(rest.get(1), 64))) {
                error(m, ".ws forms end with enable-input-d {, zero-column-mask-desc (64-bit register or immediate)}");
            }
            return;
        }
        int k = 0;
        if (rest.get(0) instanceof Operand.Vec v) {
            int need = cg.equals("1") ? 4 : 8;
            if (v.elements().size() != need || !v.elements().stream().allMatch(e -> reg(e, 32))) {
                error(m, "disable-output-lane needs " + need + " 32-bit registers with .cta_group::" + cg);
                return;
            }
            k++;
        }
        if (k >= rest.size() || !pred(rest.get(k))) {
            error(m, "expected enable-input-d (a predicate) after idesc" + (k == 1 ? " and disable-output-lane" : ""));
            return;
        }
        boolean lanes = k == 1;
        k++;
        // ptxas 13.0 accepts up to two trailing immediates after enable-input-d without a
        // disable-output-lane vector, one with it (PTX ISA §9.7.16.10.9 documents one, scale-input-d):
        // kind::f16/tf32 need them in 0..15 and a target with scale-input-d; kind::i8 takes any value.
        // kind::i8: seven operands at most in all (so one trailing value fewer in the .sp form), and the
        // first trailing value may also be a predicate (negated or not) when enable-input-d is a predicate
        // register and there is no disable-output-lane vector (probed with ptxas 13.0).
        boolean i8 = kind.equals("i8");
        int maxImm = (lanes ? 1 : 2) - (i8 && m.sparse() ? 1 : 0);
        for (int j = 0; j < maxImm && k < rest.size(); j++, k++) {
            Operand s = rest.get(k);
            if (i8 && j == 0 && !lanes && rest.get(k - 1) instanceof Operand.Reg && s instanceof Operand.Reg r
                    && regs.widthOf(r.name()) == Registers.PRED) {
                continue;
            }
            if (!(s instanceof Operand.Imm imm)) {
                error(m, "scale-input-d must be an immediate in 0..15");
                return;
            }
            if (kind.equals("i8")) {
                continue;
            }
            if (!kind.equals("f16") && !kind.equals("tf32")) {
                error(m, "scale-input-d is only valid with kind::f16 and kind::tf32");
                return;
            }
            if (imm.value() < 0 || imm.value() > 15) {
                error(m, "scale-input-d must be an immediate in 0..15");
                return;
            }
            if (!target.scaleInputD()) {
                error(m, "scale-input-d is not supported on " + target.ptxName());
                return;
            }
        }
        if (k != rest.size()) {
            error(m, "too many operands");
        }
    }

    // ----- alloc / dealloc / relinquish (isa.md §4.2)

    private void checkAlloc(PtxStatement.Tcgen05Alloc a) {
        List<String> q = a.qualifiers();
        boolean relinquish = a.opcode().endsWith("relinquish_alloc_permit");
        boolean alloc = a.opcode().endsWith(".alloc");
        Set<String> allowed = relinquish ? Set.of("sync", "aligned") : alloc ? Set.of("sync", "aligned", "shared::cta", "b32") : Set.of("sync", "aligned", "b32");
        if (duplicates(a) || unknownQualifiers(a, allowed, "cta_group::") || ctaGroup(a) == null) {
            return;
        }
        if (!q.contains("sync") || !q.contains("aligned")) {
            error(a, ".sync.aligned is required");
            return;
        }
        if (!relinquish && !q.contains("b32")) {
            error(a, ".b32 is required");
            return;
        }
        List<Operand> o = a.operands();
        if (relinquish) {
            if (!o.isEmpty()) {
                error(a, "takes no operands");
            }
            return;
        }
        if (o.size() != 2 || !(alloc ? addr(o.get(0), 32, 64) : intReg(o.get(0), 32)) || !regOrImm(o.get(1), 32)) {
            error(a, alloc ? "operands are [dst] (shared address) and nCols" : "operands are taddr (32-bit register) and nCols");
            return;
        }
        // PTX ISA §9.7.16.7.1 asks for a power of 2 in 32..512 in both; ptxas 13.0 enforces that on alloc
        // but checks only "a multiple of 32" on dealloc (96, 0, 2048 assemble). The verdict follows ptxas;
        // a dealloc that does not match an allocation is the machine model's error at run time.
        if (alloc && o.get(1) instanceof Operand.Imm n && (n.value() < 32 || n.value() > 512 || Long.bitCount(n.value()) != 1)) {
            error(a, "nCols " + n.value() + " must be a power of 2 in 32..512");
        } else if (!alloc && o.get(1) instanceof Operand.Imm n && n.value() % 32 != 0) {
            error(a, "nCols " + n.value() + " must be a multiple of 32 (and should be the power of 2 in 32..512 that was allocated)");
        }
    }

    // ----- tcgen05.ld / st (isa.md §4.3)

    private void checkLdSt(PtxStatement.Tcgen05LdSt l) {
        List<String> q = l.qualifiers();
        boolean ld = l.load();
        if (duplicates(l) || unknownQualifiers(l, ld ? Set.of("sync", "aligned", "b32", "pack::16b") : Set.of("sync", "aligned", "b32", "unpack::16b"),
                "x", "32x", "16x")) {
            return;
        }
        if (!q.contains("sync")) {
            error(l, ".sync is required (.aligned is optional)");
            return;
        }
        if (q.stream().filter(LD_SHAPES::contains).count() > 1 || q.stream().filter(x -> x.matches("x\\d+")).count() > 1) {
            error(l, "give one shape and one .num");
            return;
        }
        String shape = q.stream().filter(LD_SHAPES::contains).findFirst().orElse(null);
        if (shape == null) {
            error(l, "a shape is required (.32x32b, .16x64b, .16x128b, .16x256b, .16x32bx2)");
            return;
        }
        String num = q.stream().filter(s -> s.matches("x\\d+")).findFirst().orElse(null);
        int n = num == null ? -1 : Integer.parseInt(num.substring(1));
        if (n < 1 || n > 128 || Integer.bitCount(n) != 1) {
            error(l, (num == null ? "a .num is required" : "'." + num + "' is not valid") + " (.x1, .x2, .x4, ... .x128)");
            return;
        }
        int per = shape.equals("16x128b") ? 2 : shape.equals("16x256b") ? 4 : 1;
        if (n * per > 128) {
            error(l, "." + num + " is too large for ." + shape + " (at most ." + "x" + 128 / per + ")");
            return;
        }
        if (!q.contains("b32")) {
            error(l, ".b32 is required");
            return;
        }
        boolean split = shape.equals("16x32bx2");
        List<Operand> o = l.operands();
        int expect = split ? 3 : 2;
        if (o.size() != expect) {
            error(l, "expected " + expect + " operands" + (split ? " (the 16x32bx2 shape takes an immediate half-split offset)" : ""));
            return;
        }
        Operand vec = ld ? o.get(0) : o.get(o.size() - 1);
        Operand taddr = ld ? o.get(1) : o.get(0);
        if (!(vec instanceof Operand.Vec v)) {
            error(l, "the registers must be a vector {...}");
            return;
        }
        if (v.elements().size() != n * per || !v.elements().stream().allMatch(e -> reg(e, 32))) {
            error(l, "." + shape + "." + num + " needs " + n * per + " 32-bit registers, found " + v.elements().size());
            return;
        }
        if (!addr(taddr, 32)) {
            error(l, "taddr must be a [32-bit register] tensor-memory address");
            return;
        }
        if (split && !(o.get(ld ? 2 : 1) instanceof Operand.Imm)) {
            error(l, "the half-split offset of .16x32bx2 must be an immediate");
        }
    }

    // ----- tcgen05.cp (isa.md §4.4)

    private void checkCp(PtxStatement.Tcgen05Cp c) {
        List<String> q = c.qualifiers();
        if (duplicates(c) || unknownQualifiers(c, Set.of("warpx4", "warpx2::02_13", "warpx2::01_23", "b8x16", "b4x16_p64", "b6x16_p32"),
                "cta_group::", "128x", "4x", "64x", "32x") || ctaGroup(c) == null) {
            return;
        }
        String shape = q.stream().filter(CP_SHAPES::contains).findFirst().orElse(null);
        if (shape == null) {
            error(c, "a shape is required (.128x256b, .4x256b, .128x128b, .64x128b, .32x128b)");
            return;
        }
        boolean x2 = q.contains("warpx2::02_13") || q.contains("warpx2::01_23");
        boolean x4 = q.contains("warpx4");
        if (shape.equals("64x128b") != x2 || shape.equals("32x128b") != x4 || (x2 && x4)) {
            error(c, ".64x128b needs .warpx2::02_13 or ::01_23, .32x128b needs .warpx4, and other shapes take neither");
            return;
        }
        boolean dst = q.contains("b8x16");
        long src = (q.contains("b4x16_p64") ? 1 : 0) + (q.contains("b6x16_p32") ? 1 : 0);
        if (dst && src == 1 && q.indexOf("b8x16") > Math.max(q.indexOf("b4x16_p64"), q.indexOf("b6x16_p32"))) {
            error(c, "write the destination format first: .b8x16.b4x16_p64 or .b8x16.b6x16_p32");
            return;
        }
        if ((dst ? 1 : 0) != src || src > 1) {
            error(c, "decompression needs .b8x16 with exactly one of .b4x16_p64 or .b6x16_p32");
            return;
        }
        List<Operand> o = c.operands();
        if (o.size() != 2 || !addr(o.get(0), 32) || !regOrImm(o.get(1), 64)) {
            error(c, "operands are [taddr] (32-bit register) and s-desc (64-bit)");
        }
    }

    // ----- shift, commit, wait, fence (isa.md §4.5, §8)

    private void checkSync(PtxStatement.Tcgen05Sync s) {
        List<String> q = s.qualifiers();
        List<Operand> o = s.operands();
        switch (s.opcode()) {
            case "tcgen05.shift" -> {
                if (duplicates(s) || unknownQualifiers(s, Set.of("down"), "cta_group::") || ctaGroup(s) == null) {
                    return;
                }
                if (!q.contains("down")) {
                    error(s, ".down is required");
                } else if (!target.shift()) {
                    error(s, "not supported on " + target.ptxName());
                } else if (o.size() != 1 || !addr(o.get(0), 32)) {
                    error(s, "the operand is [taddr] (32-bit register)");
                }
            }
            case "tcgen05.commit" -> {
                if (duplicates(s) || unknownQualifiers(s, Set.of("mbarrier::arrive::one", "shared::cluster", "multicast::cluster", "b64"),
                        "cta_group::") || ctaGroup(s) == null) {
                    return;
                }
                if (!q.contains("mbarrier::arrive::one")) {
                    error(s, ".mbarrier::arrive::one is required");
                } else if (!q.contains("b64")) {
                    error(s, ".b64 is required");
                } else {
                    boolean mc = q.contains("multicast::cluster");
                    if (o.size() != (mc ? 2 : 1) || !addr(o.get(0), 32, 64) || (mc && !regOrImm(o.get(1), 16))) {
                        error(s, mc ? "multicast commit takes [mbar] and a 16-bit ctaMask" : "the operand is [mbar]");
                    }
                }
            }
            case "tcgen05.wait::ld", "tcgen05.wait::st" -> {
                if (!unknownQualifiers(s, Set.of("sync", "aligned")) && (!q.contains("sync") || !q.contains("aligned"))) {
                    error(s, ".sync.aligned is required");
                } else if (!o.isEmpty()) {
                    error(s, "takes no operands");
                }
            }
            case "tcgen05.fence::before_thread_sync", "tcgen05.fence::after_thread_sync" -> {
                if (!q.isEmpty()) {
                    error(s, "takes no qualifiers");
                } else if (!o.isEmpty()) {
                    error(s, "takes no operands");
                }
            }
            default -> error(s, "unknown tcgen05 instruction (alloc, dealloc, relinquish_alloc_permit, mma, cp, ld, st, shift, commit, "
                    + "wait::ld, wait::st, fence::before_thread_sync, fence::after_thread_sync)");
        }
    }

    // ----- mbarrier, TMA, generic

    private static final Set<String> MBARRIER_OPS = Set.of("mbarrier.init", "mbarrier.arrive", "mbarrier.arrive_drop",
            "mbarrier.expect_tx", "mbarrier.complete_tx", "mbarrier.try_wait", "mbarrier.test_wait", "mbarrier.inval",
            "mbarrier.pending_count");
    private static final Set<String> MBARRIER_QUALS = Set.of("b64", "shared", "shared::cta", "shared::cluster", "release",
            "acquire", "relaxed", "cta", "cluster", "expect_tx", "parity", "noComplete");

    /** mbarrier (PTX ISA §9.7.13.15; isa.md §8): the forms a tcgen05 kernel uses, as ptxas 13.0 reads them. */
    private void checkMbarrier(PtxStatement.Mbarrier m) {
        if (!MBARRIER_OPS.contains(m.opcode())) {
            error(m, "unknown instruction (mbarrier.init, arrive, arrive_drop, expect_tx, complete_tx, try_wait, test_wait, inval)");
            return;
        }
        List<String> q = m.qualifiers();
        if (duplicates(m) || unknownQualifiers(m, MBARRIER_QUALS)) {
            return;
        }
        if (q.stream().filter(x -> Registers.width(x) > 0).count() != 1 || !q.contains("b64")) {
            error(m, "exactly one type, .b64, is required (mbarrier objects are 64-bit)");
            return;
        }
        if (q.stream().filter(x -> x.startsWith("shared")).count() > 1) {
            error(m, "give at most one state space (.shared, .shared::cta or .shared::cluster)");
            return;
        }
        String op = m.opcode().substring("mbarrier.".length());
        boolean arrive = op.startsWith("arrive");
        boolean wait = op.endsWith("_wait");
        for (String v : new String[] {"expect_tx", "parity"}) {
            boolean allowed = v.equals("expect_tx") ? arrive : wait;
            if (q.contains(v) && (!allowed || q.indexOf(v) != 0)) {
                error(m, allowed ? "." + v + " must directly follow " + m.opcode()
                        : "'." + v + "' is not valid on " + m.opcode() + " (it goes with mbarrier." + (v.equals("parity") ? "try_wait" : "arrive") + ")");
                return;
            }
        }
        if (q.contains("noComplete") && !arrive) {
            error(m, "'.noComplete' is only valid on mbarrier.arrive");
            return;
        }
        // Memory order and scope come as a pair (ptxas: "requires scope" / "requires order"); which orders
        // each operation takes was probed with ptxas 13.0 (PTX ISA §9.7.13.15.12-16).
        long sems = q.stream().filter(x -> Set.of("release", "acquire", "relaxed").contains(x)).count();
        long scopes = q.stream().filter(x -> Set.of("cta", "cluster").contains(x)).count();
        Set<String> orders = op.equals("init") || op.equals("inval") ? Set.of() : arrive ? Set.of("release", "relaxed")
                : wait ? Set.of("acquire", "relaxed") : Set.of("relaxed");
        String sem = q.stream().filter(x -> Set.of("release", "acquire", "relaxed").contains(x)).findFirst().orElse(null);
        if (sem != null && !orders.contains(sem)) {
            error(m, "'." + sem + "' is not valid on " + m.opcode() + (orders.isEmpty() ? "" : " (valid: ." + String.join(", .", orders) + ")"));
            return;
        }
        if (sems > 1 || scopes > 1 || sems != scopes) {
            error(m, "give a memory order and a scope together (e.g. ." + (orders.isEmpty() ? "relaxed" : orders.iterator().next()) + ".cta) or neither");
            return;
        }
        if (op.equals("init") && q.contains("shared::cluster")) {
            error(m, "mbarrier.init takes .shared or .shared::cta, not .shared::cluster");
            return;
        }
        List<Operand> o = m.operands();
        switch (op) {
            case "init" -> {
                if (o.size() != 2 || !addr(o.get(0), 32, 64) || !regOrImm(o.get(1), 32)) {
                    error(m, "operands are [mbar] and the expected arrival count (immediate or 32-bit register)");
                }
            }
            case "arrive", "arrive_drop" -> {
                boolean tx = q.contains("expect_tx");
                boolean sink = o.size() > 0 && o.get(0) instanceof Operand.Sym sym && sym.name().equals("_");
                if (o.size() < 2 || o.size() > 3 || (tx && o.size() != 3) || !(sink || intReg(o.get(0), 64)) || !addr(o.get(1), 32, 64)
                        || (o.size() == 3 && !regOrImm(o.get(2), 32))) {
                    error(m, "operands are state (64-bit register or _), [mbar]" + (tx ? ", tx-count" : " {, count}"));
                }
            }
            case "expect_tx", "complete_tx" -> {
                if (o.size() != 2 || !addr(o.get(0), 32, 64) || !regOrImm(o.get(1), 32)) {
                    error(m, "operands are [mbar], tx-count");
                }
            }
            case "inval" -> {
                if (o.size() != 1 || !addr(o.get(0), 32, 64)) {
                    error(m, "the operand is [mbar]");
                }
            }
            case "try_wait", "test_wait" -> {
                if (o.size() < 3 || o.size() > 4 || !reg(o.get(0), Registers.PRED) || !addr(o.get(1), 32, 64)
                        || !(q.contains("parity") ? regOrImm(o.get(2), 32) : intReg(o.get(2), 64)) || (o.size() == 4 && !regOrImm(o.get(3), 32))) {
                    error(m, "operands are a predicate, [mbar], state or phase parity {, suspend-time hint}");
                }
            }
            default -> {
            }
        }
    }

    private static final Set<String> TMA_QUALS = Set.of("shared::cluster", "shared::cta", "global", "tile",
            "mbarrier::complete_tx::bytes", "cta_group::1", "cta_group::2", "multicast::cluster", "L2::cache_hint");

    /** cp.async.bulk.tensor, global to shared (PTX ISA §9.7.9.25.5.1): an opaque TMA load. */
    private void checkTma(PtxStatement.TmaLoad t) {
        List<String> q = t.qualifiers();
        String dim = q.stream().filter(s -> s.matches("[1-5]d")).findFirst().orElse(null);
        if (dim == null) {
            error(t, "a dimension .1d .. .5d is required");
            return;
        }
        for (String x : q) {
            if (!x.equals(dim) && !TMA_QUALS.contains(x)) {
                error(t, "unknown or misplaced qualifier '." + x + "' (a TMA load is cp.async.bulk.tensor." + dim
                        + ".shared::cluster.global.mbarrier::complete_tx::bytes{.multicast::cluster}{.L2::cache_hint})");
                return;
            }
        }
        if (duplicates(t)) {
            return;
        }
        int dst = Math.max(q.indexOf("shared::cluster"), q.indexOf("shared::cta"));
        if (dst < 0 || !q.contains("global") || q.indexOf("global") < dst || (q.contains("shared::cluster") && q.contains("shared::cta"))) {
            error(t, "a TMA load names the destination space (.shared::cluster or .shared::cta) and then .global");
            return;
        }
        if (q.stream().anyMatch(x -> x.startsWith("cta_group::")) && !target.tcgen05()) {
            error(t, ".cta_group is not supported on " + target.ptxName() + " (it needs a tcgen05 target)");
            return;
        }
        if (!q.contains("mbarrier::complete_tx::bytes")) {
            error(t, ".mbarrier::complete_tx::bytes (the completion mechanism) is required");
            return;
        }
        int d = dim.charAt(0) - '0';
        int expect = 3 + (q.contains("multicast::cluster") ? 1 : 0) + (q.contains("L2::cache_hint") ? 1 : 0);
        if (t.operands().size() != expect) {
            error(t, "expected " + expect + " operands ([dst], [tensor-map, {coordinates}], [mbar]"
                    + (expect > 3 ? ", plus ctaMask / cache hint as the qualifiers say" : "") + ")");
            return;
        }
        List<Operand> o = t.operands();
        if (!(o.get(1) instanceof Operand.Addr map) || map.coordinates() == null) {
            error(t, "the second operand is [tensor-map, {coordinates}]");
            return;
        }
        if (map.coordinates().size() != d) {
            error(t, "." + dim + " needs " + d + " coordinates, found " + map.coordinates().size());
            return;
        }
        if (!map.coordinates().stream().allMatch(c -> dataOrImm(c, 32))) {
            error(t, "coordinates are 32-bit registers or immediates");
            return;
        }
        // ptxas 13.0: the coordinates' types must agree with each other (an immediate counts as an
        // integer), and the vector must be an integer or bit one ({%f0, %r1} with a .b32 %r1 assembles).
        List<String> ct = map.coordinates().stream().map(c -> c instanceof Operand.Reg r ? regs.typeOf(r.name()) : "s32").toList();
        for (int i = 0; i < ct.size(); i++) {
            for (int j = i + 1; j < ct.size(); j++) {
                if (!Registers.compatible(ct.get(i), ct.get(j))) {
                    error(t, "the coordinates mix ." + ct.get(i) + " and ." + ct.get(j) + " registers (use 32-bit integer registers)");
                    return;
                }
            }
        }
        if (ct.stream().noneMatch(x -> x.startsWith("b")) && !Registers.compatible(ct.get(0), "u32")) {
            error(t, "coordinates are 32-bit integer registers, not ." + ct.get(0));
            return;
        }
        if (!addr(o.get(0), 32, 64) || !addr(o.get(2), 32, 64)) {
            error(t, "[dst] and [mbar] are shared-memory addresses ([register] or [symbol])");
        }
    }

    private static final Set<String> TYPES = Set.of("b16", "b32", "b64", "u16", "u32", "u64", "s16", "s32", "s64", "f16", "f32", "f64", "pred");
    private static final Set<String> CMP = Set.of("eq", "ne", "lt", "le", "gt", "ge", "lo", "ls", "hi", "hs", "equ", "neu", "ltu",
            "leu", "gtu", "geu", "num", "nan");

    /** Qualifier sets of the common non-tensor instructions (PTX ISA §9.7.1, §9.7.3, §9.7.13). */
    private boolean genericQualifiersOk(PtxStatement.Generic g) {
        List<String> q = g.qualifiers();
        String bad = null;
        switch (g.opcode()) {
            case "mov" -> {
                if (q.size() != 1 || !TYPES.contains(q.get(0))) {
                    bad = "mov takes exactly one type (.b32, .u64, ...)";
                }
            }
            case "add", "sub" -> {
                long types = q.stream().filter(TYPES::contains).count();
                if (types != 1 || !q.stream().allMatch(x -> TYPES.contains(x) || Set.of("sat", "cc", "rn", "rz", "rm", "rp", "ftz").contains(x))) {
                    bad = g.opcode() + " takes one type and optional .sat/.cc/rounding/.ftz";
                }
            }
            case "setp" -> {
                if (q.stream().filter(CMP::contains).count() != 1 || q.stream().filter(TYPES::contains).count() != 1
                        || !q.stream().allMatch(x -> CMP.contains(x) || TYPES.contains(x) || Set.of("ftz", "and", "or", "xor").contains(x))) {
                    bad = "setp takes a comparison and a type (e.g. setp.eq.u32)";
                }
            }
            case "bar", "barrier" -> {
                List<Operand> bo = g.operands();
                if (g.opcode().equals("barrier") && q.contains("cluster")) {
                    // barrier.cluster.arrive{.release|.relaxed}{.aligned} / barrier.cluster.wait{.acquire}{.aligned}: no operands
                    boolean arrive = q.contains("arrive");
                    boolean ok = (arrive ^ q.contains("wait")) && bo.isEmpty() && q.stream().allMatch(x -> Set.of("cluster", "aligned").contains(x)
                            || (arrive && (x.equals("arrive") || x.equals("release") || x.equals("relaxed"))) || (!arrive && (x.equals("wait") || x.equals("acquire"))));
                    if (!ok) {
                        bad = "barrier.cluster takes .arrive{.release|.relaxed}{.aligned} or .wait{.acquire}{.aligned}, without operands";
                    }
                } else if (!bo.isEmpty() && bo.get(0) instanceof Operand.Imm id && (id.value() < 0 || id.value() > 15)) {
                    bad = "barrier number " + id.value() + " is out of range 0..15";
                } else if (bo.size() > 1 && !q.contains("red") && bo.get(1) instanceof Operand.Imm n && n.value() % 32 != 0) {
                    bad = "the thread count " + n.value() + " must be a multiple of the warp size (32)";
                } else if (!g.operands().stream().allMatch(o -> regOrImm(o, 32)
                        || (q.contains("red") && o instanceof Operand.Reg r && regs.widthOf(r.name()) == Registers.PRED))) {
                    bad = "bar operands are a barrier id and an optional thread count (immediates or 32-bit registers)";
                } else if (!q.stream().allMatch(x -> Set.of("sync", "arrive", "red", "cta", "aligned", "popc", "and", "or", "u32", "pred").contains(x))) {
                    bad = "bar takes .sync, .arrive or .red (with .cta/.aligned)";
                } else if (q.stream().filter(x -> Set.of("sync", "arrive", "red").contains(x)).distinct().count() != 1) {
                    // PTX ISA §9.7.13.1; ptxas 13.0 tolerates a repeated .sync but not two different operations
                    bad = g.opcode() + " takes exactly one of .sync, .arrive, .red";
                } else if (q.contains("cta") && !q.get(0).equals("cta")) {
                    bad = ".cta comes first (" + g.opcode() + ".cta.sync)";
                } else if (g.opcode().equals("bar") && q.contains("aligned")) {
                    bad = "bar is always aligned: write bar.sync, or barrier.sync.aligned";
                } else if (q.contains("arrive") && bo.size() != 2) {
                    bad = g.opcode() + ".arrive takes a barrier id and a thread count";
                }
            }
            case "fence" -> {
                if (q.isEmpty()) {
                    bad = "fence needs a kind (.proxy.async, .sc, .acq_rel, ...)";
                } else if (q.contains("proxy") && !q.get(0).equals("proxy")) {
                    bad = "write fence.proxy.<kind> (.proxy comes first)";
                } else if (q.contains("proxy")) {
                    long kinds = q.stream().filter(x -> Set.of("async", "alias", "tensormap::generic").contains(x)).count();
                    long spaces = q.stream().filter(x -> Set.of("global", "shared::cta", "shared::cluster", "release", "acquire").contains(x)).count();
                    if (kinds != 1 || spaces > 1 || 1 + kinds + spaces != q.size()) {
                        bad = "fence.proxy.async takes at most one state space (.global, .shared::cta, .shared::cluster)";
                    }
                } else if (!Set.of("sc", "acq_rel", "mbarrier_init", "cluster", "release", "acquire").contains(q.get(0))) {
                    bad = "unknown fence kind '." + q.get(0) + "'";
                }
            }
            case "ret", "exit", "bra" -> {
                if (!q.stream().allMatch("uni"::equals)) {
                    bad = g.opcode() + " takes only .uni";
                }
            }
            case "cp" -> {
                if (q.contains("tensor") || (q.contains("bulk") && !(q.size() > 1 && q.get(0).equals("async") && q.get(1).equals("bulk")))) {
                    bad = "write cp.async.bulk.tensor.<dim>... in this order";
                } else if (q.size() > 2 && q.get(0).equals("async") && q.get(1).equals("bulk") && q.get(2).matches("[1-5]d")) {
                    bad = "tensor copies are cp.async.bulk.tensor." + q.get(2);
                }
            }
            default -> {
            }
        }
        if (bad != null) {
            error(g, bad);
            return false;
        }
        return true;
    }

    private void checkGeneric(PtxStatement.Generic g) {
        String op = g.opcode();
        if (!GENERIC.contains(op)) {
            error(g, "unknown instruction");
            return;
        }
        if (!genericQualifiersOk(g)) {
            return;
        }
        int[] count = switch (op) {
            case "mov" -> new int[] {2, 2};
            case "add", "sub" -> new int[] {3, 3};
            case "setp" -> g.qualifiers().stream().anyMatch(x -> Set.of("and", "or", "xor").contains(x)) ? new int[] {4, 4} : new int[] {3, 3};
            case "fence", "ret", "exit" -> new int[] {0, 0};
            case "bra" -> new int[] {1, 1};
            case "bar", "barrier" -> g.qualifiers().contains("cluster") ? new int[] {0, 0} : g.qualifiers().contains("red") ? new int[] {3, 4} : new int[] {1, 2};
            default -> null;
        };
        if (count != null && (g.operands().size() < count[0] || g.operands().size() > count[1])) {
            error(g, "expected " + (count[0] == count[1] ? String.valueOf(count[0]) : count[0] + " or " + count[1]) + " operands, found "
                    + g.operands().size() + (op.equals("setp") && g.operands().size() == 4 ? " (a fourth operand needs .and/.or/.xor)" : ""));
            return;
        }
        String type = g.qualifiers().isEmpty() ? null : g.qualifiers().get(g.qualifiers().size() - 1);
        int w = type == null ? -1 : Registers.width(type);
        List<Operand> o = g.operands();
        if ((op.equals("mov") || op.equals("add") || op.equals("sub")) && w > 1) {
            for (Operand x : o) {
                if (x instanceof Operand.Reg r && !Registers.compatible(regs.typeOf(r.name()), type)) {
                    error(g, "register " + r.name() + (regs.typeOf(r.name()) == null ? " is not declared" : " (." + regs.typeOf(r.name()) + ")")
                            + " does not match ." + type);
                    return;
                }
            }
        }
        if (op.equals("setp") && w > 1) {
            if (o.isEmpty() || !reg(o.get(0), Registers.PRED)) {
                error(g, "the destination of setp is a predicate");
                return;
            }
            boolean boolOp = o.size() == 4;
            if (boolOp && !(o.get(3) instanceof Operand.Reg c && regs.widthOf(c.name()) == Registers.PRED)) {
                error(g, "the fourth operand of setp.<cmp>.<and|or|xor> is a predicate");
                return;
            }
            for (Operand x : o.subList(1, boolOp ? 3 : o.size())) {
                if (x instanceof Operand.Reg r && !Registers.compatible(regs.typeOf(r.name()), type)) {
                    error(g, "register " + r.name() + (regs.typeOf(r.name()) == null ? " is not declared" : " (." + regs.typeOf(r.name()) + ")")
                            + " does not match ." + type);
                    return;
                }
            }
        }
    }
}
