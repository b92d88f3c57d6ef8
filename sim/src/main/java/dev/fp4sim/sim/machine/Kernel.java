package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.ptx.Operand;
import dev.fp4sim.isa.ptx.PtxParser;
import dev.fp4sim.isa.ptx.PtxStatement;
import dev.fp4sim.isa.ptx.PtxSyntaxException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code .entry} of a PTX module prepared for the executor: its parameters (name, size, offset),
 * its static shared variables (name → offset in the CTA's shared memory), its instructions with
 * labels resolved and registers numbered. Errors name the file line.
 */
public final class Kernel {

    /** A kernel parameter: {@code .param .u64 a} is (a, 8 bytes, offset). */
    public record Param(String name, String type, int size, int offset) {
    }

    /** A static shared variable. */
    public record SharedVar(String name, int offset, int size) {
    }

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_$][\\w$]*)\\s*\\((.*)\\)(.*)", Pattern.DOTALL);
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(?:\\.align\\s+(\\d+)\\s+)?\\.(\\w+)\\s+([A-Za-z_$][\\w$]*)(?:\\s*\\[(\\d+)\\])?");
    private static final Pattern SHARED = Pattern.compile("\\.shared\\s+(?:\\.align\\s+(\\d+)\\s+)?\\.(\\w+)\\s+([A-Za-z_$][\\w$]*)(?:\\s*\\[(\\d+)\\])?\\s*;");
    private static final Pattern CLUSTER = Pattern.compile("\\.reqnctapercluster\\s+(\\d+)(?:\\s*,\\s*(\\d+))?(?:\\s*,\\s*(\\d+))?");
    private static final Pattern NTID = Pattern.compile("\\.reqntid\\s+(\\d+)(?:\\s*,\\s*(\\d+))?(?:\\s*,\\s*(\\d+))?");

    private final String name;
    private final String target;
    private final List<Param> params;
    private final Map<String, SharedVar> shared;
    private final int sharedBytes;
    private final List<PtxStatement.Instruction> code;
    private final Map<String, Integer> labels;
    private final Map<String, Integer> registers;
    private final int[] reqCluster;
    private final int[] reqNtid;
    private final Map<String, String> gemmAnnotation;

    private Kernel(String name, String target, List<Param> params, Map<String, SharedVar> shared, int sharedBytes,
                   List<PtxStatement.Instruction> code, Map<String, Integer> labels, Map<String, Integer> registers, int[] reqCluster, int[] reqNtid,
                   Map<String, String> gemmAnnotation) {
        this.gemmAnnotation = gemmAnnotation;
        this.name = name;
        this.target = target;
        this.params = params;
        this.shared = shared;
        this.sharedBytes = sharedBytes;
        this.code = code;
        this.labels = labels;
        this.registers = registers;
        this.reqCluster = reqCluster;
        this.reqNtid = reqNtid;
    }

    /**
     * Loads the kernel {@code entry} (null: the module must have exactly one) from PTX text.
     *
     * @throws KernelError with the line and reason for anything the executor cannot run
     */
    public static Kernel load(String ptx, String entry) {
        List<PtxStatement> stmts;
        try {
            stmts = PtxParser.parse(ptx);
        } catch (PtxSyntaxException e) {
            throw new KernelError(e.getMessage());
        }
        String target = "sm_100a";
        List<String> entries = new ArrayList<>();
        for (PtxStatement s : stmts) {
            if (s instanceof PtxStatement.Directive d && d.name().equals(".target")) {
                target = d.text().replace(".target", "").replace(";", "").strip().split("[\\s,]+")[0];
            }
            if (s instanceof PtxStatement.Directive d) {
                Matcher m = ENTRY.matcher(d.text());
                if (m.find()) {
                    entries.add(m.group(1));
                }
            }
        }
        if (entries.isEmpty()) {
            throw new KernelError("the module has no .entry (a kernel)");
        }
        String want = entry;
        if (want == null) {
            if (entries.size() > 1) {
                throw new KernelError("the module has " + entries.size() + " kernels " + entries + ": choose one with --kernel");
            }
            want = entries.get(0);
        } else if (!entries.contains(want)) {
            throw new KernelError("no kernel '" + want + "' in the module; it has " + entries);
        }
        List<Param> params = new ArrayList<>();
        Map<String, SharedVar> shared = new LinkedHashMap<>();
        int smem = 0;
        List<PtxStatement.Instruction> code = new ArrayList<>();
        Map<String, Integer> labels = new HashMap<>();
        Map<String, Integer> regs = new HashMap<>();
        int[] cluster = null;
        int[] ntid = null;
        boolean inside = false;
        int depth = 0;
        for (PtxStatement s : stmts) {
            if (s instanceof PtxStatement.Directive d) {
                Matcher m = ENTRY.matcher(d.text());
                if (m.find()) {
                    if (m.group(1).equals(want)) {
                        inside = true;
                        int off = 0;
                        Matcher p = PARAM.matcher(m.group(2));
                        while (p.find()) {
                            int size = typeBytes(p.group(2)) * (p.group(4) == null ? 1 : Integer.parseInt(p.group(4)));
                            int align = p.group(1) != null ? Integer.parseInt(p.group(1)) : typeBytes(p.group(2));
                            off = (off + align - 1) / align * align;
                            params.add(new Param(p.group(3), p.group(2), size, off));
                            off += size;
                        }
                        cluster = dims(CLUSTER.matcher(m.group(3)));
                        ntid = dims(NTID.matcher(m.group(3)));
                    } else if (inside) {
                        break;
                    }
                    continue;
                }
                if (d.name().equals(".reqnctapercluster") || d.name().equals(".reqntid")) {
                    if (inside && depth == 0) {
                        int[] v = dims((d.name().equals(".reqntid") ? NTID : CLUSTER).matcher(d.text()));
                        if (d.name().equals(".reqntid")) {
                            ntid = v;
                        } else {
                            cluster = v;
                        }
                    }
                    continue;
                }
                if (d.name().equals("{")) {
                    depth += inside ? 1 : 0;
                    continue;
                }
                if (d.name().equals("}")) {
                    if (inside && --depth == 0) {
                        inside = false;
                    }
                    continue;
                }
                Matcher sh = SHARED.matcher(d.text());
                if (sh.find() && !d.text().contains(".extern")) {
                    if (!inside && !d.text().startsWith(".shared")) {
                        continue;
                    }
                    int align = sh.group(1) != null ? Integer.parseInt(sh.group(1)) : typeBytes(sh.group(2));
                    int size = typeBytes(sh.group(2)) * (sh.group(4) == null ? 1 : Integer.parseInt(sh.group(4)));
                    smem = (smem + align - 1) / align * align;
                    shared.put(sh.group(3), new SharedVar(sh.group(3), smem, size));
                    smem += size;
                } else if (d.text().contains(".extern") && d.text().contains(".shared") && inside) {
                    throw new KernelError(d.pos() + ": dynamic (.extern) shared memory is not modelled; declare static .shared arrays");
                }
                continue;
            }
            if (!inside) {
                continue;
            }
            if (s instanceof PtxStatement.Label l) {
                labels.put(l.name(), code.size());
            } else if (s instanceof PtxStatement.Instruction in) {
                code.add(in);
                collectRegisters(in, regs);
            }
        }
        if (smem > SharedMemory.MAX_BYTES) {
            throw new KernelError("the kernel declares " + smem + " bytes of shared memory; a CTA has at most " + SharedMemory.MAX_BYTES);
        }
        for (PtxStatement.Instruction in : code) {
            if (in.opcode().equals("bra")) {
                Operand t = in.operands().get(0);
                if (!(t instanceof Operand.Sym sym) || !labels.containsKey(sym.name())) {
                    throw new KernelError(in.pos() + ": bra to an unknown label " + t.print());
                }
            }
        }
        Map<String, String> ann = new LinkedHashMap<>();
        for (String line : ptx.split("\n")) {
            String l = line.strip();
            if (l.startsWith("// fp4sim-gemm:")) {
                for (String kv : l.substring("// fp4sim-gemm:".length()).strip().split("\\s+")) {
                    String[] p = kv.split("=", 2);
                    if (p.length == 2) {
                        ann.put(p[0], p[1]);
                    }
                }
            }
        }
        return new Kernel(want, target, List.copyOf(params), shared, Math.max(smem, 16), List.copyOf(code), labels, regs, cluster, ntid, Map.copyOf(ann));
    }

    private static int[] dims(Matcher m) {
        if (!m.find()) {
            return null;
        }
        return new int[] {Integer.parseInt(m.group(1)), m.group(2) == null ? 1 : Integer.parseInt(m.group(2)), m.group(3) == null ? 1 : Integer.parseInt(m.group(3))};
    }

    private static void collectRegisters(PtxStatement.Instruction in, Map<String, Integer> regs) {
        if (in.guard() != null) {
            regs.putIfAbsent(in.guard().name(), regs.size());
        }
        for (Operand o : in.operands()) {
            collect(o, regs);
        }
    }

    private static void collect(Operand o, Map<String, Integer> regs) {
        if (o instanceof Operand.Reg r && !Registers.isSpecial(r.name())) {
            regs.putIfAbsent(r.name(), regs.size());
        } else if (o instanceof Operand.Vec v) {
            v.elements().forEach(e -> collect(e, regs));
        } else if (o instanceof Operand.Addr a) {
            collect(a.base(), regs);
            if (a.coordinates() != null) {
                a.coordinates().forEach(e -> collect(e, regs));
            }
        }
    }

    static int typeBytes(String t) {
        return switch (t) {
            case "b8", "u8", "s8" -> 1;
            case "b16", "u16", "s16", "f16", "bf16" -> 2;
            case "b32", "u32", "s32", "f32" -> 4;
            case "b64", "u64", "s64", "f64" -> 8;
            case "b128" -> 16;
            default -> throw new KernelError("type ." + t + " of a parameter or shared variable is not modelled");
        };
    }

    public String name() {
        return name;
    }

    public String target() {
        return target;
    }

    public List<Param> params() {
        return params;
    }

    public Map<String, SharedVar> shared() {
        return shared;
    }

    public int sharedBytes() {
        return sharedBytes;
    }

    public List<PtxStatement.Instruction> code() {
        return code;
    }

    public Map<String, Integer> labels() {
        return labels;
    }

    public Map<String, Integer> registers() {
        return registers;
    }

    /** {@code .reqnctapercluster} or null. */
    public int[] reqCluster() {
        return reqCluster;
    }

    /** Keys of the {@code // fp4sim-gemm:} comment line (examples/README.md), empty when absent. */
    public Map<String, String> gemmAnnotation() {
        return gemmAnnotation;
    }

    /** {@code .reqntid} or null. */
    public int[] reqNtid() {
        return reqNtid;
    }

    /** Special registers the executor provides (read-only). */
    static final class Registers {
        private Registers() {
        }

        static boolean isSpecial(String n) {
            return n.startsWith("%tid") || n.startsWith("%ntid") || n.startsWith("%ctaid") || n.startsWith("%nctaid") || n.equals("%laneid")
                    || n.equals("%warpid") || n.equals("%cluster_ctarank") || n.equals("%cluster_nctarank") || n.startsWith("%cluster_ctaid")
                    || n.startsWith("%cluster_nctaid") || n.startsWith("%clusterid") || n.startsWith("%nclusterid") || n.equals("%nwarpid")
                    || n.equals("%is_explicit_cluster");
        }
    }
}
