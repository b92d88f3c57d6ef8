package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.ptx.Operand;
import dev.fp4sim.isa.ptx.PtxStatement;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.profile.Assumptions;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a PTX kernel (a {@link Kernel}) for every thread of a grid, cluster by cluster, on the machine
 * model: per-CTA {@link SharedMemory}, {@link TensorMemory}, mbarriers; {@link GlobalMemory} with the
 * TMA stand-in; the {@link TensorCore} for tcgen05.mma and {@link TmemOps} for cp/ld/st/shift.
 *
 * <p>Asynchrony (isa.md §8). tcgen05.mma/cp/shift/commit and TMA loads enter one in-order queue per
 * cluster when issued; they complete <em>as late as possible</em>: only when no thread can run. This
 * is a legal schedule of the hardware and the one that exposes a missing synchronisation most
 * reliably: a kernel that reads D without waiting for the commit's mbarrier reads stale TMEM, and
 * the checking mode says so. tcgen05.ld/st move data when the warp issues them and stay "in flight"
 * for the checker until tcgen05.wait::ld/st.
 *
 * <p>Threads are interpreted one at a time (sequentially consistent), each until it blocks
 * (bar.sync, mbarrier.try_wait on an incomplete phase, barrier.cluster.wait, a warp-collective
 * .sync.aligned instruction the rest of the warp has not reached) or a time slice ends.
 */
public final class Machine {

    /** Grid, block or cluster dimensions. */
    public record Dim3(int x, int y, int z) {
        public Dim3 {
            if (x < 1 || y < 1 || z < 1) {
                throw new IllegalArgumentException("dimensions must be positive: " + x + "," + y + "," + z);
            }
        }

        public int count() {
            return x * y * z;
        }

        /** "X", "X,Y" or "X,Y,Z". */
        public static Dim3 parse(String s) {
            String[] p = s.strip().split("[,x]");
            if (p.length < 1 || p.length > 3) {
                throw new IllegalArgumentException("'" + s + "' is not X[,Y[,Z]]");
            }
            int[] v = {1, 1, 1};
            for (int i = 0; i < p.length; i++) {
                try {
                    v[i] = Integer.parseInt(p[i].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + s + "' is not X[,Y[,Z]] with positive integers");
                }
            }
            return new Dim3(v[0], v[1], v[2]);
        }

        @Override
        public String toString() {
            return "(" + x + "," + y + "," + z + ")";
        }
    }

    /** A hazard found in checking mode: what, where (PTX line), and which rule of isa.md §8 it breaks. */
    public record Hazard(String kind, int line, String message) {
        @Override
        public String toString() {
            return "line " + line + ": " + kind + ": " + message;
        }
    }

    /** What a launch did. */
    public record Result(List<Hazard> hazards, long instructions, long mmas, long tcgen05Copies, long tmaBytes,
                         double seconds, double tensorCoreSeconds, Map<String, Long> opcodeCounts) {
    }

    /** @param check report hazards (isa.md §8); off, only errors that make execution impossible stop the run */
    public record Options(Assumptions assumptions, boolean check, Progress progress) {
        public static Options defaults() {
            return new Options(Assumptions.DEFAULTS, true, Progress.NONE);
        }
    }

    private static final int SLICE = 512;
    private static final int MAX_HAZARDS = 50;
    private static final Set<String> TYPES = Set.of("b8", "b16", "b32", "b64", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
            "f16", "f32", "f64", "pred", "b128");

    private final Kernel kernel;
    private final GlobalMemory global;
    private final Options options;
    private final TensorCore tensorCore;
    private final List<PtxStatement.Instruction> code;
    private final String[] ops;
    private final String[] types;

    private final Map<String, Hazard> hazards = new LinkedHashMap<>();
    private final Map<String, Long> counts = new HashMap<>();
    private long instructions;
    private long mmas;
    private long copies;
    private long tmaBytes;
    private long tcNanos;
    private long completionSeq;

    public Machine(Kernel kernel, GlobalMemory global, Options options) {
        this.kernel = kernel;
        this.global = global;
        this.options = options;
        this.tensorCore = new TensorCore(options.assumptions());
        this.code = kernel.code();
        this.ops = new String[code.size()];
        this.types = new String[code.size()];
        for (int i = 0; i < code.size(); i++) {
            PtxStatement.Instruction in = code.get(i);
            ops[i] = in.opcode();
            String t = null;
            for (String q : in.qualifiers()) {
                if (TYPES.contains(q)) {
                    t = q;
                }
            }
            types[i] = t;
        }
    }

    private final class Cta {
        final int rank;
        final int[] ctaid;
        final SharedMemory smem;
        final TensorMemory tmem = new TensorMemory();
        final Map<Integer, MBarrier> barriers = new HashMap<>();
        final List<Thr> threads = new ArrayList<>();
        final Map<Integer, List<Thr>> barWaiters = new HashMap<>();
        final BitSet smemWritten = new BitSet();
        final BitSet tmemWritten = new BitSet(TensorMemory.LANES * TensorMemory.COLUMNS);
        final long[] tmemSeq = new long[TensorMemory.LANES * TensorMemory.COLUMNS];
        final int[] tmemWriterLine = new int[TensorMemory.LANES * TensorMemory.COLUMNS];

        Cta(int rank, int[] ctaid) {
            this.rank = rank;
            this.ctaid = ctaid;
            this.smem = new SharedMemory(Math.max(kernel.sharedBytes(), 16));
        }

        String where() {
            return "CTA (" + ctaid[0] + "," + ctaid[1] + "," + ctaid[2] + ")";
        }
    }

    private static final class MBarrier {
        int expected;
        int pending;
        long tx;
        int phase;
        int initLine;
    }

    private enum Status { RUN, BAR, MBAR, CLUSTER, COLLECTIVE, EXITED }

    private final class Thr {
        final Cta cta;
        final int tid;
        final int[] tid3;
        final int warp;
        final int lane;
        final long[] regs;
        int pc;
        Status status = Status.RUN;
        int waitCta;
        int waitBar;
        int waitParity;
        long clusterArrivals;
        long clusterWaitTarget;
        long afterFenceSeq;
        final BitSet unfenced = new BitSet();
        int unfencedLine;
        final List<Footprint.TmemRect> ldInFlight = new ArrayList<>();
        int ldLine;

        Thr(Cta cta, int tid, int[] tid3) {
            this.cta = cta;
            this.tid = tid;
            this.tid3 = tid3;
            this.warp = tid / 32;
            this.lane = tid % 32;
            this.regs = new long[kernel.registers().size()];
        }

        String where() {
            return cta.where() + ", thread " + tid + " (warp " + warp + ", lane " + lane + ")";
        }
    }

    /** One queued asynchronous operation. */
    private record Pending(String what, int line, Thr issuer, Footprint footprint, Runnable complete) {
    }

    private final class Cluster {
        final List<Cta> ctas = new ArrayList<>();
        final ArrayDeque<Pending> queue = new ArrayDeque<>();
        final int[] dims;
        final int[] nctaid;
        final int[] ntid;
        final int[] clusterid;

        Cluster(int[] dims, int[] nctaid, int[] ntid, int[] clusterid) {
            this.dims = dims;
            this.nctaid = nctaid;
            this.ntid = ntid;
            this.clusterid = clusterid;
        }
    }

    private Cluster cluster;
    private Dim3 grid;

    /**
     * Launches the kernel. {@code args} maps each kernel parameter to its value (a global address for
     * pointers and tensor maps, the integer for scalars).
     */
    public Result launch(Dim3 grid, Dim3 block, Dim3 clusterDims, Map<String, Long> args) {
        long t0 = System.nanoTime();
        this.grid = grid;
        for (Kernel.Param p : kernel.params()) {
            if (!args.containsKey(p.name())) {
                throw new KernelError("kernel parameter '" + p.name() + "' (." + p.type() + ") has no value");
            }
        }
        for (String a : args.keySet()) {
            if (kernel.params().stream().noneMatch(p -> p.name().equals(a))) {
                throw new KernelError("'" + a + "' is not a parameter of kernel " + kernel.name() + " " + kernel.params().stream().map(Kernel.Param::name).toList());
            }
        }
        if (block.count() > 1024) {
            throw new KernelError("a CTA has at most 1024 threads, the block " + block + " has " + block.count());
        }
        int[] req = kernel.reqNtid();
        if (req != null && req[0] * req[1] * req[2] != block.count()) {
            throw new KernelError("the kernel requires .reqntid " + req[0] + "," + req[1] + "," + req[2] + " but the block is " + block);
        }
        int[] rc = kernel.reqCluster();
        if (rc != null && (rc[0] != clusterDims.x() || rc[1] != clusterDims.y() || rc[2] != clusterDims.z())) {
            throw new KernelError("the kernel requires .reqnctapercluster " + rc[0] + "," + rc[1] + "," + rc[2] + " but the cluster is " + clusterDims
                    + " (use --cluster " + rc[0] + "," + rc[1] + "," + rc[2] + ")");
        }
        if (grid.x() % clusterDims.x() != 0 || grid.y() % clusterDims.y() != 0 || grid.z() % clusterDims.z() != 0) {
            throw new KernelError("the grid " + grid + " is not a whole number of clusters " + clusterDims);
        }
        if (clusterDims.count() > 16) {
            throw new KernelError("a cluster has at most 16 CTAs");
        }
        paramValues = args;
        int clusters = grid.count() / clusterDims.count();
        int done = 0;
        for (int cz = 0; cz < grid.z() / clusterDims.z(); cz++) {
            for (int cy = 0; cy < grid.y() / clusterDims.y(); cy++) {
                for (int cx = 0; cx < grid.x() / clusterDims.x(); cx++) {
                    runCluster(new int[] {cx, cy, cz}, clusterDims, block);
                    options.progress().update(++done, clusters);
                }
            }
        }
        return new Result(List.copyOf(hazards.values()), instructions, mmas, copies, tmaBytes, (System.nanoTime() - t0) / 1e9, tcNanos / 1e9, Map.copyOf(counts));
    }

    private Map<String, Long> paramValues;

    /** Hazards found so far (also after a run stopped with a {@link KernelError}). */
    public List<Hazard> hazards() {
        return List.copyOf(hazards.values());
    }

    private void runCluster(int[] cid, Dim3 cd, Dim3 block) {
        cluster = new Cluster(new int[] {cd.x(), cd.y(), cd.z()}, new int[] {grid.x(), grid.y(), grid.z()},
                new int[] {block.x(), block.y(), block.z()}, cid);
        int rank = 0;
        for (int z = 0; z < cd.z(); z++) {
            for (int y = 0; y < cd.y(); y++) {
                for (int x = 0; x < cd.x(); x++) {
                    Cta cta = new Cta(rank++, new int[] {cid[0] * cd.x() + x, cid[1] * cd.y() + y, cid[2] * cd.z() + z});
                    int t = 0;
                    for (int tz = 0; tz < block.z(); tz++) {
                        for (int ty = 0; ty < block.y(); ty++) {
                            for (int tx = 0; tx < block.x(); tx++) {
                                cta.threads.add(new Thr(cta, t++, new int[] {tx, ty, tz}));
                            }
                        }
                    }
                    cluster.ctas.add(cta);
                }
            }
        }
        List<Thr> all = new ArrayList<>();
        cluster.ctas.forEach(c -> all.addAll(c.threads));
        while (true) {
            boolean progress = false;
            boolean live = false;
            for (Thr t : all) {
                if (t.status == Status.EXITED) {
                    continue;
                }
                live = true;
                if (ready(t)) {
                    run(t);
                    progress = true;
                }
            }
            if (!live) {
                break;
            }
            if (!progress) {
                if (!cluster.queue.isEmpty()) {
                    complete(cluster.queue.poll());
                    continue;
                }
                throw new KernelError(deadlock(all));
            }
        }
        for (Cta c : cluster.ctas) {
            try {
                c.tmem.checkExit();
            } catch (MachineException e) {
                throw new KernelError(c.where() + ": " + e.getMessage());
            }
        }
    }

    private String deadlock(List<Thr> all) {
        StringBuilder sb = new StringBuilder("deadlock: no thread can run and no asynchronous operation is pending. Waiting:");
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (Thr t : all) {
            if (t.status == Status.EXITED) {
                continue;
            }
            PtxStatement.Instruction in = code.get(t.pc);
            String why = switch (t.status) {
                case BAR -> "bar.sync (not every thread of the CTA arrives)";
                case MBAR -> {
                    MBarrier b = cluster.ctas.get(t.waitCta).barriers.get(t.waitBar);
                    yield String.format("mbarrier at shared 0x%x phase parity %d (pending arrivals %d, transaction bytes %d)",
                            t.waitBar, t.waitParity, b == null ? 0 : b.pending, b == null ? 0 : b.tx);
                }
                case CLUSTER -> "barrier.cluster.wait";
                case COLLECTIVE -> "warp-collective " + in.opcode() + " (the rest of warp " + t.warp + " does not reach this line)";
                default -> "?";
            };
            groups.computeIfAbsent(t.cta.where() + " line " + in.pos().line() + ": " + why, k -> new ArrayList<>()).add(t.tid);
        }
        groups.forEach((k, v) -> sb.append("\n  ").append(k).append(" — threads ").append(ranges(v)));
        return sb.toString();
    }

    private static String ranges(List<Integer> v) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < v.size()) {
            int j = i;
            while (j + 1 < v.size() && v.get(j + 1) == v.get(j) + 1) {
                j++;
            }
            sb.append(sb.length() > 0 ? "," : "").append(v.get(i)).append(j > i ? "-" + v.get(j) : "");
            i = j + 1;
        }
        return sb.toString();
    }

    private boolean ready(Thr t) {
        switch (t.status) {
            case RUN:
                return true;
            case MBAR: {
                MBarrier b = cluster.ctas.get(t.waitCta).barriers.get(t.waitBar);
                if ((b.phase & 1) != t.waitParity) {
                    t.status = Status.RUN;
                    return true;
                }
                return false;
            }
            case CLUSTER: {
                for (Cta c : cluster.ctas) {
                    for (Thr u : c.threads) {
                        if (u.status != Status.EXITED && u.clusterArrivals < t.clusterWaitTarget) {
                            return false;
                        }
                    }
                }
                t.status = Status.RUN;
                t.pc++;
                return true;
            }
            default:
                return false;
        }
    }

    private void run(Thr t) {
        for (int n = 0; n < SLICE && t.status == Status.RUN; n++) {
            if (t.pc >= code.size()) {
                exit(t);
                return;
            }
            PtxStatement.Instruction in = code.get(t.pc);
            try {
                if (in.guard() != null) {
                    boolean p = reg(t, in.guard().name()) != 0;
                    if (p == in.guard().negated()) {
                        t.pc++;
                        continue;
                    }
                }
                instructions++;
                counts.merge(ops[t.pc], 1L, Long::sum);
                execute(t, in);
            } catch (MachineException e) {
                throw new KernelError("line " + in.pos().line() + ": " + e.getMessage() + " [" + t.where() + "]");
            } catch (KernelError e) {
                throw e;
            } catch (RuntimeException e) {
                throw new KernelError("line " + in.pos().line() + ": " + in.print() + ": " + e.getMessage() + " [" + t.where() + "]");
            }
        }
    }

    private void exit(Thr t) {
        t.status = Status.EXITED;
        // threads that exit no longer take part in bar.sync: release a barrier they were the last missing member of
        for (Map.Entry<Integer, List<Thr>> e : t.cta.barWaiters.entrySet()) {
            releaseIfComplete(t.cta, e.getKey(), -1);
        }
        tryCollective(t);
    }

    private void hazard(String kind, PtxStatement.Instruction in, String message) {
        if (!options.check()) {
            return;
        }
        String key = kind + "@" + in.pos().line();
        if (!hazards.containsKey(key) && hazards.size() < MAX_HAZARDS) {
            hazards.put(key, new Hazard(kind, in.pos().line(), message));
        }
    }

    private long reg(Thr t, String name) {
        Integer slot = kernel.registers().get(name);
        if (slot != null) {
            return t.regs[slot];
        }
        return special(t, name);
    }

    private long special(Thr t, String name) {
        Cluster c = cluster;
        int[] ctaid = t.cta.ctaid;
        int axis = name.endsWith(".y") ? 1 : name.endsWith(".z") ? 2 : 0;
        String base = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        return switch (base) {
            case "%tid" -> t.tid3[axis];
            case "%ntid" -> c.ntid[axis];
            case "%ctaid" -> ctaid[axis];
            case "%nctaid" -> c.nctaid[axis];
            case "%laneid" -> t.lane;
            case "%warpid" -> t.warp;
            case "%nwarpid" -> (c.ntid[0] * c.ntid[1] * c.ntid[2] + 31) / 32;
            case "%cluster_ctarank" -> t.cta.rank;
            case "%cluster_nctarank" -> c.ctas.size();
            case "%cluster_ctaid" -> ctaid[axis] % c.dims[axis];
            case "%cluster_nctaid" -> c.dims[axis];
            case "%clusterid" -> c.clusterid[axis];
            case "%nclusterid" -> c.nctaid[axis] / c.dims[axis];
            case "%is_explicit_cluster" -> c.ctas.size() > 1 ? 1 : 0;
            default -> throw new MachineException(name, "unknown register " + name + " (not declared by any instruction)");
        };
    }

    private void set(Thr t, Operand o, long v, String type) {
        if (o instanceof Operand.Sym s && s.name().equals("_")) {
            return;
        }
        if (!(o instanceof Operand.Reg r)) {
            throw new MachineException("write", "destination " + o.print() + " is not a register");
        }
        Integer slot = kernel.registers().get(r.name());
        if (slot == null) {
            throw new MachineException("write", r.name() + " is read-only");
        }
        t.regs[slot] = mask(v, type);
    }

    private static long mask(long v, String type) {
        if (type == null) {
            return v;
        }
        return switch (type) {
            case "pred" -> v != 0 ? 1 : 0;
            case "b8", "u8" -> v & 0xFF;
            case "s8" -> (byte) v;
            case "b16", "u16", "f16" -> v & 0xFFFF;
            case "s16" -> (short) v;
            case "b32", "u32", "f32" -> v & 0xFFFFFFFFL;
            case "s32" -> (int) v;
            default -> v;
        };
    }

    private static int bits(String type) {
        if (type == null) {
            return 64;
        }
        return switch (type) {
            case "pred" -> 1;
            case "b8", "u8", "s8" -> 8;
            case "b16", "u16", "s16", "f16" -> 16;
            case "b32", "u32", "s32", "f32" -> 32;
            default -> 64;
        };
    }

    private long value(Thr t, Operand o, String type) {
        long v;
        if (o instanceof Operand.Reg r) {
            v = reg(t, r.name());
            if (r.negated()) {
                v = v == 0 ? 1 : 0;
            }
        } else if (o instanceof Operand.Imm i) {
            v = i.value();
        } else if (o instanceof Operand.Sym s) {
            Kernel.SharedVar sv = kernel.shared().get(s.name());
            if (sv == null) {
                throw new MachineException("operand", "'" + s.name() + "' is not a shared variable (only shared variables have an address here)");
            }
            v = sv.offset();
        } else {
            throw new MachineException("operand", o.print() + " is not a value");
        }
        if (type != null && type.startsWith("s")) {
            return switch (bits(type)) {
                case 8 -> (byte) v;
                case 16 -> (short) v;
                case 32 -> (int) v;
                default -> v;
            };
        }
        return bits(type) < 64 ? v & ((1L << bits(type)) - 1) : v;
    }

    /** The address of a memory operand [base+offset] (a shared variable, a parameter or a register). */
    private long address(Thr t, Operand o) {
        if (!(o instanceof Operand.Addr a)) {
            throw new MachineException("address", o.print() + " is not an address [..]");
        }
        long base;
        if (a.base() instanceof Operand.Sym s) {
            Kernel.SharedVar sv = kernel.shared().get(s.name());
            if (sv == null) {
                throw new MachineException("address", "'" + s.name() + "' is not a shared variable");
            }
            base = sv.offset();
        } else {
            base = value(t, a.base(), null);
        }
        return base + a.offset();
    }

    /** Shared addresses: plain offsets are this CTA's; mapa gives (rank + 1) << 24 | offset for a CTA of the cluster. */
    private record SharedRef(Cta cta, int offset) {
    }

    private SharedRef shared(Thr t, long addr, String op) {
        long hi = addr >>> 24;
        int off = (int) (addr & 0xFFFFFF);
        Cta c = hi == 0 ? t.cta : hi - 1 < cluster.ctas.size() ? cluster.ctas.get((int) hi - 1) : null;
        if (c == null) {
            throw new MachineException(op, String.format("shared::cluster address 0x%x names CTA rank %d; the cluster has %d CTAs", addr, hi - 1, cluster.ctas.size()));
        }
        if (off >= c.smem.size()) {
            throw new MachineException(op, String.format("shared address 0x%x is beyond the %d bytes of shared memory the kernel declares", off, c.smem.size()));
        }
        return new SharedRef(c, off);
    }

    private void execute(Thr t, PtxStatement.Instruction in) {
        String op = in.opcode();
        List<Operand> o = in.operands();
        String type = types[t.pc];
        List<String> q = in.qualifiers();
        switch (op) {
            case "mov" -> {
                if (o.get(1) instanceof Operand.Vec v) {
                    long lo = value(t, v.elements().get(0), "u32");
                    long hi = value(t, v.elements().get(1), "u32");
                    set(t, o.get(0), lo | hi << 32, type);
                } else if (o.get(0) instanceof Operand.Vec v) {
                    long x = value(t, o.get(1), type);
                    set(t, v.elements().get(0), x & 0xFFFFFFFFL, "u32");
                    set(t, v.elements().get(1), x >>> 32, "u32");
                } else {
                    set(t, o.get(0), value(t, o.get(1), type), type);
                }
                t.pc++;
            }
            case "add", "sub", "and", "or", "xor", "shl", "shr", "min", "max", "div", "rem", "mul" -> {
                arith(t, in, type);
                t.pc++;
            }
            case "mad" -> {
                boolean wide = q.contains("wide");
                String st = wide ? (type.startsWith("s") ? "s32" : "u32") : type;
                long a = value(t, o.get(1), st);
                long b = value(t, o.get(2), st);
                long c = value(t, o.get(3), wide ? (type.startsWith("s") ? "s64" : "u64") : type);
                long r = q.contains("hi") ? Math.multiplyHigh(a << (64 - bits(type)), b) : a * b;
                set(t, o.get(0), r + c, wide ? (type.startsWith("s") ? "s64" : "u64") : type);
                t.pc++;
            }
            case "not" -> {
                set(t, o.get(0), ~value(t, o.get(1), type), type);
                t.pc++;
            }
            case "neg" -> {
                set(t, o.get(0), -value(t, o.get(1), type), type);
                t.pc++;
            }
            case "abs" -> {
                set(t, o.get(0), Math.abs(value(t, o.get(1), type)), type);
                t.pc++;
            }
            case "selp" -> {
                set(t, o.get(0), value(t, o.get(3), "pred") != 0 ? value(t, o.get(1), type) : value(t, o.get(2), type), type);
                t.pc++;
            }
            case "setp" -> {
                setp(t, in, type);
                t.pc++;
            }
            case "cvt" -> {
                List<String> ts = q.stream().filter(TYPES::contains).toList();
                if (ts.size() != 2 || ts.stream().anyMatch(x -> x.startsWith("f"))) {
                    throw new MachineException(in.opcode(), "only integer conversions are modelled (cvt.u64.u32 etc.), not " + in.print());
                }
                set(t, o.get(0), value(t, o.get(1), ts.get(1)), ts.get(0));
                t.pc++;
            }
            case "cvta" -> {
                // generic and window addresses coincide in this model (shared: CTA offsets, global: buffer addresses)
                set(t, o.get(0), value(t, o.get(1), type), type);
                t.pc++;
            }
            case "bra" -> t.pc = kernel.labels().get(((Operand.Sym) o.get(0)).name());
            case "ret", "exit" -> exit(t);
            case "bar", "barrier" -> barrier(t, in);
            case "elect" -> collective(t);
            case "ld" -> {
                load(t, in, type);
                t.pc++;
            }
            case "st" -> {
                store(t, in, type);
                t.pc++;
            }
            case "fence" -> {
                if (q.contains("proxy") && q.contains("async") || q.contains("proxy.async")) {
                    t.unfenced.clear();
                }
                t.pc++;
            }
            case "membar", "nanosleep", "prefetch", "prefetchu", "griddepcontrol", "discard", "applypriority", "createpolicy" -> t.pc++;
            case "mapa" -> {
                long a = value(t, o.get(1), type);
                long rank = value(t, o.get(2), "u32");
                if (rank >= cluster.ctas.size()) {
                    throw new MachineException("mapa", "CTA rank " + rank + " is not in the cluster of " + cluster.ctas.size());
                }
                set(t, o.get(0), (rank + 1) << 24 | (a & 0xFFFFFF), type);
                t.pc++;
            }
            case "cp.async.bulk.tensor" -> {
                tma(t, in);
                t.pc++;
            }
            case "cp" -> {
                if (q.size() >= 2 && q.get(0).equals("async") && q.get(1).equals("bulk")) {
                    bulkCopy(t, in);
                    t.pc++;
                } else {
                    throw unsupported(in);
                }
            }
            default -> {
                if (op.startsWith("mbarrier.")) {
                    mbarrier(t, in);
                } else if (op.startsWith("tcgen05.")) {
                    tcgen05(t, in);
                } else {
                    throw unsupported(in);
                }
            }
        }
    }

    private static MachineException unsupported(PtxStatement.Instruction in) {
        return new MachineException(in.opcode(), "'" + in.print() + "' is not modelled by the executor (docs/machine.md lists the instruction subset)");
    }

    private void arith(Thr t, PtxStatement.Instruction in, String type) {
        List<Operand> o = in.operands();
        List<String> q = in.qualifiers();
        String op = in.opcode();
        if (op.equals("mul") && q.contains("wide")) {
            long a = value(t, o.get(1), type);
            long b = value(t, o.get(2), type);
            set(t, o.get(0), a * b, type.startsWith("s") ? "s64" : "u64");
            return;
        }
        boolean signed = type != null && type.startsWith("s");
        long a = value(t, o.get(1), type);
        long b = value(t, o.get(2), op.equals("shl") || op.equals("shr") ? "u32" : type);
        int w = bits(type);
        long r = switch (op) {
            case "add" -> a + b;
            case "sub" -> a - b;
            case "and" -> a & b;
            case "or" -> a | b;
            case "xor" -> a ^ b;
            case "shl" -> b >= w ? 0 : a << b;
            case "shr" -> b >= w ? (signed && a < 0 ? -1 : 0) : signed ? a >> b : a >>> b;
            case "min" -> signed ? Math.min(a, b) : (Long.compareUnsigned(a, b) < 0 ? a : b);
            case "max" -> signed ? Math.max(a, b) : (Long.compareUnsigned(a, b) > 0 ? a : b);
            case "div" -> {
                if (b == 0) {
                    throw new MachineException("div", "division by zero");
                }
                yield signed ? a / b : Long.divideUnsigned(a, b);
            }
            case "rem" -> {
                if (b == 0) {
                    throw new MachineException("rem", "division by zero");
                }
                yield signed ? a % b : Long.remainderUnsigned(a, b);
            }
            case "mul" -> {
                if (q.contains("hi")) {
                    yield w == 64 ? (signed ? Math.multiplyHigh(a, b) : Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a)) : (a * b) >> w;
                }
                yield a * b;
            }
            default -> throw unsupported(in);
        };
        set(t, o.get(0), r, type);
    }

    private void setp(Thr t, PtxStatement.Instruction in, String type) {
        List<Operand> o = in.operands();
        String cmp = in.qualifiers().get(0);
        boolean signed = type.startsWith("s");
        long a = value(t, o.get(1), type);
        long b = value(t, o.get(2), type);
        int c = signed ? Long.compare(a, b) : Long.compareUnsigned(a, b);
        boolean r = switch (cmp) {
            case "eq" -> c == 0;
            case "ne" -> c != 0;
            case "lt", "lo" -> c < 0;
            case "le", "ls" -> c <= 0;
            case "gt", "hi" -> c > 0;
            case "ge", "hs" -> c >= 0;
            default -> throw unsupported(in);
        };
        if (o.get(0) instanceof Operand.Pair p) {
            set(t, p.first(), r ? 1 : 0, "pred");
            set(t, p.second(), r ? 0 : 1, "pred");
        } else {
            set(t, o.get(0), r ? 1 : 0, "pred");
        }
    }

    private void barrier(Thr t, PtxStatement.Instruction in) {
        List<String> q = in.qualifiers();
        if (q.contains("cluster")) {
            if (q.contains("arrive")) {
                t.clusterArrivals++;
                t.pc++;
            } else if (q.contains("wait")) {
                t.clusterWaitTarget = t.clusterArrivals;
                t.status = Status.CLUSTER;
            } else {
                throw unsupported(in);
            }
            return;
        }
        if (q.contains("warp")) {
            t.pc++;
            return;
        }
        boolean arriveOnly = q.contains("arrive");
        int id = in.operands().isEmpty() ? 0 : (int) value(t, in.operands().get(0), "u32");
        int count = in.operands().size() > 1 ? (int) value(t, in.operands().get(1), "u32") : -1;
        t.pc++;
        if (!arriveOnly) {
            t.status = Status.BAR;
        }
        t.cta.barWaiters.computeIfAbsent(id, k -> new ArrayList<>()).add(t);
        releaseIfComplete(t.cta, id, count);
    }

    private void releaseIfComplete(Cta cta, int id, int count) {
        List<Thr> w = cta.barWaiters.get(id);
        if (w == null) {
            return;
        }
        long live = cta.threads.stream().filter(u -> u.status != Status.EXITED || w.contains(u)).count();
        int need = count > 0 ? count : (int) live;
        if (w.size() >= need) {
            for (Thr u : w) {
                if (u.status == Status.BAR) {
                    u.status = Status.RUN;
                }
            }
            cta.barWaiters.remove(id);
        }
    }

    /** Warp-collective instructions: the last thread of the warp to arrive executes it for all. */
    private void collective(Thr t) {
        t.status = Status.COLLECTIVE;
        tryCollective(t);
    }

    private void tryCollective(Thr t) {
        List<Thr> warp = new ArrayList<>();
        int pc = -1;
        for (Thr u : t.cta.threads) {
            if (u.warp != t.warp || u.status == Status.EXITED) {
                continue;
            }
            if (u.status != Status.COLLECTIVE || (pc >= 0 && u.pc != pc)) {
                return;
            }
            pc = u.pc;
            warp.add(u);
        }
        if (warp.isEmpty()) {
            return;
        }
        PtxStatement.Instruction in = code.get(pc);
        executeCollective(warp, in);
        for (Thr u : warp) {
            u.status = Status.RUN;
            u.pc = pc + 1;
        }
    }

    private void executeCollective(List<Thr> warp, PtxStatement.Instruction in) {
        Thr first = warp.get(0);
        String op = in.opcode();
        try {
            switch (op) {
                case "elect" -> {
                    Operand d = in.operands().get(0);
                    for (Thr u : warp) {
                        boolean me = u == first;
                        if (d instanceof Operand.Pair p) {
                            set(u, p.first(), first.lane, "u32");
                            set(u, p.second(), me ? 1 : 0, "pred");
                        } else {
                            set(u, d, first.lane, "u32");
                        }
                    }
                }
                case "tcgen05.alloc", "tcgen05.dealloc", "tcgen05.relinquish_alloc_permit" -> alloc(first, in);
                case "tcgen05.ld", "tcgen05.st" -> tmemLdSt(warp, in);
                default -> throw unsupported(in);
            }
        } catch (MachineException e) {
            throw new KernelError("line " + in.pos().line() + ": " + e.getMessage() + " [" + first.cta.where() + ", warp " + first.warp + "]");
        }
    }

    private void load(Thr t, PtxStatement.Instruction in, String type) {
        List<String> q = in.qualifiers();
        int vec = q.contains("v4") ? 4 : q.contains("v2") ? 2 : q.contains("v8") ? 8 : 1;
        int size = Math.max(1, bits(type) / 8);
        Operand dst = in.operands().get(0);
        List<Operand> dsts = dst instanceof Operand.Vec v ? v.elements() : List.of(dst);
        if (q.contains("param")) {
            Operand.Addr a = (Operand.Addr) in.operands().get(1);
            String name = ((Operand.Sym) a.base()).name();
            Kernel.Param p = kernel.params().stream().filter(x -> x.name().equals(name)).findFirst()
                    .orElseThrow(() -> new MachineException("ld.param", "'" + name + "' is not a kernel parameter"));
            if (a.offset() != 0 || size > p.size()) {
                throw new MachineException("ld.param", "only whole scalar parameters are read in this model");
            }
            set(t, dst, paramValues.get(name), type);
            return;
        }
        long addr = address(t, in.operands().get(1));
        boolean shared = q.stream().anyMatch(x -> x.startsWith("shared"));
        if (addr % ((long) size * vec) != 0) {
            throw new MachineException("ld", String.format("address 0x%x is not aligned to the %d-byte access", addr, size * vec));
        }
        for (int i = 0; i < vec; i++) {
            long v;
            if (shared) {
                SharedRef r = shared(t, addr + (long) i * size, "ld.shared");
                v = readShared(r, size);
            } else if (q.contains("local")) {
                throw new MachineException("ld.local", "local memory is not modelled");
            } else {
                v = global.read("ld.global", addr + (long) i * size, size);
            }
            set(t, dsts.get(i), v, type);
        }
    }

    private static long readShared(SharedRef r, int size) {
        long v = 0;
        for (int b = size - 1; b >= 0; b--) {
            v = v << 8 | r.cta.smem.readBits(8L * (r.offset + b), 8);
        }
        return v;
    }

    private void store(Thr t, PtxStatement.Instruction in, String type) {
        List<String> q = in.qualifiers();
        int vec = q.contains("v4") ? 4 : q.contains("v2") ? 2 : q.contains("v8") ? 8 : 1;
        int size = Math.max(1, bits(type) / 8);
        long addr = address(t, in.operands().get(0));
        Operand src = in.operands().get(1);
        List<Operand> srcs = src instanceof Operand.Vec v ? v.elements() : List.of(src);
        boolean shared = q.stream().anyMatch(x -> x.startsWith("shared"));
        if (addr % ((long) size * vec) != 0) {
            throw new MachineException("st", String.format("address 0x%x is not aligned to the %d-byte access", addr, size * vec));
        }
        for (int i = 0; i < vec; i++) {
            long v = value(t, srcs.get(i), type);
            if (shared) {
                SharedRef r = shared(t, addr + (long) i * size, "st.shared");
                writeShared(in, r, size, v);
                if (r.cta == t.cta) {
                    t.unfenced.set(r.offset, r.offset + size);
                    t.unfencedLine = in.pos().line();
                }
            } else {
                global.write("st.global", addr + (long) i * size, size, v);
            }
        }
    }

    private void writeShared(PtxStatement.Instruction in, SharedRef r, int size, long v) {
        checkSmemOverwrite(in, r.cta, r.offset, size);
        writeSharedUnchecked(r, size, v);
    }

    private static void writeSharedUnchecked(SharedRef r, int size, long v) {
        for (int b = 0; b < size; b++) {
            r.cta.smem.writeBits(8L * (r.offset + b), 8, (int) (v >>> (8 * b)) & 0xFF);
        }
        r.cta.smemWritten.set(r.offset, r.offset + size);
    }

    /** isa.md §8: SMEM an issued, incomplete tcgen05.mma/cp reads must not change until its commit fires. */
    private void checkSmemOverwrite(PtxStatement.Instruction in, Cta cta, int offset, int size) {
        if (!options.check()) {
            return;
        }
        for (Pending p : cluster.queue) {
            if (p.footprint == null) {
                continue;
            }
            BitSet[] reads = p.footprint.smemReads();
            int idx = peerIndex(p, cta);
            if (idx < 0 || idx >= reads.length) {
                continue;
            }
            int hit = reads[idx].nextSetBit(offset);
            if (hit >= 0 && hit < offset + size) {
                hazard("smem-overwrite", in, String.format("%s overwrites shared byte 0x%x that %s (line %d) reads and has not finished: "
                        + "wait for the mbarrier its tcgen05.commit arrives on before reusing the buffer", in.opcode(), hit, p.what, p.line));
                return;
            }
        }
    }

    /** The bulk form of {@link #checkSmemOverwrite} for a TMA box: one intersection per pending operation. */
    private void checkSmemOverwrite(PtxStatement.Instruction in, Cta cta, BitSet bytes) {
        if (!options.check()) {
            return;
        }
        for (Pending p : cluster.queue) {
            int idx = p.footprint == null ? -1 : peerIndex(p, cta);
            if (idx < 0 || idx >= p.footprint.smemReads().length || !p.footprint.smemReads()[idx].intersects(bytes)) {
                continue;
            }
            BitSet b = (BitSet) bytes.clone();
            b.and(p.footprint.smemReads()[idx]);
            hazard("smem-overwrite", in, String.format("%s overwrites shared byte 0x%x that %s (line %d) reads and has not finished: "
                    + "wait for the mbarrier its tcgen05.commit arrives on before reusing the buffer", in.opcode(), b.nextSetBit(0), p.what, p.line));
            return;
        }
    }

    /** Index of a CTA within the pair of an operation (0 for the issuer's own CTA). */
    private int peerIndex(Pending p, Cta cta) {
        if (cta == p.issuer.cta) {
            return 0;
        }
        return (cta.rank ^ 1) == p.issuer.cta.rank ? 1 : -1;
    }

    private MBarrier mbar(Thr t, PtxStatement.Instruction in, SharedRef r) {
        MBarrier b = r.cta.barriers.get(r.offset);
        if (b == null) {
            throw new MachineException(in.opcode(), String.format("no mbarrier was initialised at shared 0x%x of %s (mbarrier.init first)", r.offset, r.cta.where()));
        }
        return b;
    }

    private void mbarrier(Thr t, PtxStatement.Instruction in) {
        String op = in.opcode();
        List<Operand> o = in.operands();
        List<String> q = in.qualifiers();
        switch (op) {
            case "mbarrier.init" -> {
                SharedRef r = shared(t, address(t, o.get(0)), op);
                int count = (int) value(t, o.get(1), "u32");
                if (count < 1 || count > (1 << 20) - 1) {
                    throw new MachineException(op, "arrival count " + count + " is not in 1..2^20-1");
                }
                MBarrier b = new MBarrier();
                b.expected = count;
                b.pending = count;
                b.initLine = in.pos().line();
                r.cta.barriers.put(r.offset, b);
                r.cta.smemWritten.set(r.offset, r.offset + 8);
                t.pc++;
            }
            case "mbarrier.arrive", "mbarrier.arrive_drop" -> {
                int ai = o.get(0) instanceof Operand.Addr ? 0 : 1;
                SharedRef r = shared(t, address(t, o.get(ai)), op);
                MBarrier b = mbar(t, in, r);
                long state = b.phase;
                if (q.contains("expect_tx")) {
                    b.tx += value(t, o.get(ai + 1), "u32");
                    arrive(in, b, 1);
                } else {
                    arrive(in, b, o.size() > ai + 1 ? (int) value(t, o.get(ai + 1), "u32") : 1);
                }
                if (op.equals("mbarrier.arrive_drop")) {
                    b.expected--;
                }
                if (ai == 1) {
                    set(t, o.get(0), state, "b64");
                }
                t.pc++;
            }
            case "mbarrier.expect_tx" -> {
                SharedRef r = shared(t, address(t, o.get(0)), op);
                mbar(t, in, r).tx += value(t, o.get(1), "u32");
                t.pc++;
            }
            case "mbarrier.complete_tx" -> {
                SharedRef r = shared(t, address(t, o.get(0)), op);
                completeTx(in, mbar(t, in, r), value(t, o.get(1), "u32"));
                t.pc++;
            }
            case "mbarrier.try_wait", "mbarrier.test_wait" -> {
                SharedRef r = shared(t, address(t, o.get(1)), op);
                MBarrier b = mbar(t, in, r);
                int parity = q.contains("parity") ? (int) (value(t, o.get(2), "u32") & 1) : (int) (value(t, o.get(2), "b64") & 1);
                boolean done = (b.phase & 1) != parity;
                if (done || op.equals("mbarrier.test_wait")) {
                    set(t, o.get(0), done ? 1 : 0, "pred");
                    t.pc++;
                } else {
                    // a failed try_wait would be retried by the kernel's loop: park the thread until the phase completes
                    t.status = Status.MBAR;
                    t.waitCta = cluster.ctas.indexOf(r.cta);
                    t.waitBar = r.offset;
                    t.waitParity = parity;
                }
            }
            case "mbarrier.inval" -> {
                SharedRef r = shared(t, address(t, o.get(0)), op);
                r.cta.barriers.remove(r.offset);
                t.pc++;
            }
            default -> throw unsupported(in);
        }
    }

    private void arrive(PtxStatement.Instruction in, MBarrier b, int count) {
        if (count > b.pending) {
            throw new MachineException(in.opcode(), "arrive count " + count + " exceeds the " + b.pending + " arrivals pending in the current phase (mbarrier.init at line " + b.initLine + ")");
        }
        b.pending -= count;
        maybeFlip(b);
    }

    private void completeTx(PtxStatement.Instruction in, MBarrier b, long bytes) {
        b.tx -= bytes;
        maybeFlip(b);
    }

    private static void maybeFlip(MBarrier b) {
        if (b.pending == 0 && b.tx == 0) {
            b.phase++;
            b.pending = b.expected;
        }
    }

    private void tma(Thr t, PtxStatement.Instruction in) {
        List<String> q = in.qualifiers();
        if (!q.contains("global") || q.stream().noneMatch(x -> x.startsWith("shared"))) {
            throw new MachineException(in.opcode(), "only global → shared tensor loads are modelled");
        }
        if (q.contains("multicast::cluster")) {
            throw new MachineException(in.opcode(), ".multicast::cluster TMA loads are not modelled");
        }
        int dims = q.contains("1d") ? 1 : q.contains("2d") ? 2 : 0;
        if (dims == 0) {
            throw new MachineException(in.opcode(), "only .1d and .2d tensor loads are modelled");
        }
        List<Operand> o = in.operands();
        SharedRef dst = shared(t, address(t, o.get(0)), in.opcode());
        Operand.Addr src = (Operand.Addr) o.get(1);
        TensorMap map = global.tensorMap(in.opcode(), value(t, src.base(), "u64"));
        long c0 = value(t, src.coordinates().get(0), "s32");
        long c1 = dims == 2 ? value(t, src.coordinates().get(1), "s32") : 0;
        SharedRef bar = shared(t, address(t, o.get(2)), in.opcode());
        if (dst.offset + map.boxBytes() > dst.cta.smem.size()) {
            throw new MachineException(in.opcode(), String.format("the %d-byte box at shared 0x%x runs past the %d bytes of shared memory", map.boxBytes(), dst.offset, dst.cta.smem.size()));
        }
        if (map.swizzle().repeatBytes() > 16 && dst.offset % 128 != 0) {
            throw new MachineException(in.opcode(), String.format("a swizzled TMA destination must be 128-byte aligned (shared 0x%x)", dst.offset));
        }
        mbar(t, in, bar);
        cluster.queue.add(new Pending("cp.async.bulk.tensor", in.pos().line(), t, null, () -> {
            int eb = map.elementBytes();
            BitSet dstBytes = new BitSet();
            for (int r = 0; r < map.box1(); r++) {
                for (int e = 0; e < map.box0(); e++) {
                    int sw = (int) map.swizzle().apply((long) dst.offset + ((long) r * map.box0() + e) * eb);
                    dstBytes.set(sw, sw + eb);
                }
            }
            checkSmemOverwrite(in, dst.cta, dstBytes);
            for (int r = 0; r < map.box1(); r++) {
                long y = c1 + r;
                boolean rowIn = y >= 0 && y < map.dim1();
                // one global read per row of the box (elements outside the tensor are zero-filled)
                byte[] row = new byte[map.box0() * eb];
                long x0 = Math.max(0, c0);
                long x1 = Math.min(map.dim0(), c0 + map.box0());
                if (rowIn && x1 > x0) {
                    byte[] got = global.download(map.globalAddress() + y * map.rowStrideBytes() + x0 * eb, (int) ((x1 - x0) * eb));
                    System.arraycopy(got, 0, row, (int) ((x0 - c0) * eb), got.length);
                }
                for (int e = 0; e < map.box0(); e++) {
                    int sw = (int) map.swizzle().apply((long) dst.offset + ((long) r * map.box0() + e) * eb);
                    for (int b = 0; b < eb; b++) {
                        dst.cta.smem.writeBits(8L * (sw + b), 8, row[e * eb + b] & 0xFF);
                    }
                }
            }
            dst.cta.smemWritten.or(dstBytes);
            tmaBytes += map.boxBytes();
            completeTx(in, mbar(t, in, bar), map.boxBytes());
        }));
    }

    /** cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [dst], [src], size, [mbar]: a 1-D bulk copy. */
    private void bulkCopy(Thr t, PtxStatement.Instruction in) {
        List<Operand> o = in.operands();
        if (!in.qualifiers().contains("global")) {
            throw unsupported(in);
        }
        SharedRef dst = shared(t, address(t, o.get(0)), "cp.async.bulk");
        long src = address(t, o.get(1));
        int size = (int) value(t, o.get(2), "u32");
        SharedRef bar = shared(t, address(t, o.get(3)), "cp.async.bulk");
        if (size % 16 != 0 || dst.offset % 16 != 0 || src % 16 != 0) {
            throw new MachineException("cp.async.bulk", "size, source and destination must be multiples of 16 bytes");
        }
        mbar(t, in, bar);
        cluster.queue.add(new Pending("cp.async.bulk", in.pos().line(), t, null, () -> {
            for (int i = 0; i < size; i++) {
                writeShared(in, new SharedRef(dst.cta, dst.offset + i), 1, global.read("cp.async.bulk", src + i, 1));
            }
            tmaBytes += size;
            completeTx(in, mbar(t, in, bar), size);
        }));
    }

    private int ctaGroup(PtxStatement.Instruction in) {
        for (String q : in.qualifiers()) {
            if (q.startsWith("cta_group::")) {
                return Integer.parseInt(q.substring("cta_group::".length()));
            }
        }
        return 1;
    }

    /** The CTAs an operation of cta_group N issued from {@code t} works on: itself, or the pair (even first). */
    private Cta[] pair(Thr t, int group, String op) {
        if (group == 1) {
            return new Cta[] {t.cta};
        }
        int even = t.cta.rank & ~1;
        if (even + 1 >= cluster.ctas.size()) {
            throw new MachineException(op, ".cta_group::2 needs a cluster of (at least) 2 CTAs; launch with --cluster 2");
        }
        return new Cta[] {cluster.ctas.get(even), cluster.ctas.get(even + 1)};
    }

    private void tcgen05(Thr t, PtxStatement.Instruction in) {
        String op = in.opcode();
        switch (op) {
            case "tcgen05.alloc", "tcgen05.dealloc", "tcgen05.relinquish_alloc_permit", "tcgen05.ld", "tcgen05.st" -> collective(t);
            case "tcgen05.mma", "tcgen05.mma.sp", "tcgen05.mma.ws", "tcgen05.mma.ws.sp" -> {
                mma(t, (PtxStatement.Tcgen05Mma) in);
                t.pc++;
            }
            case "tcgen05.cp" -> {
                cp(t, in);
                t.pc++;
            }
            case "tcgen05.shift" -> {
                int group = ctaGroup(in);
                Cta[] p = pair(t, group, op);
                int taddr = (int) address(t, in.operands().get(0));
                Footprint f = TmemOps.shiftFootprint(group, taddr);
                enqueue(t, in, "tcgen05.shift", f, p, () -> TmemOps.shift(tmems(p), taddr));
                t.pc++;
            }
            case "tcgen05.commit" -> {
                commit(t, in);
                t.pc++;
            }
            case "tcgen05.wait::ld", "tcgen05.wait::st" -> {
                t.ldInFlight.clear();
                t.pc++;
            }
            case "tcgen05.fence::after_thread_sync" -> {
                t.afterFenceSeq = completionSeq;
                t.pc++;
            }
            case "tcgen05.fence::before_thread_sync" -> t.pc++;
            default -> throw unsupported(in);
        }
    }

    private static TensorMemory[] tmems(Cta[] p) {
        TensorMemory[] r = new TensorMemory[p.length];
        for (int i = 0; i < p.length; i++) {
            r[i] = p[i].tmem;
        }
        return r;
    }

    private static SharedMemory[] smems(Cta[] p) {
        SharedMemory[] r = new SharedMemory[p.length];
        for (int i = 0; i < p.length; i++) {
            r[i] = p[i].smem;
        }
        return r;
    }

    private void alloc(Thr t, PtxStatement.Instruction in) {
        Cta c = t.cta;
        switch (in.opcode()) {
            case "tcgen05.alloc" -> {
                SharedRef dst = shared(t, address(t, in.operands().get(0)), "tcgen05.alloc");
                int cols = (int) value(t, in.operands().get(1), "u32");
                int taddr = c.tmem.alloc(cols);
                writeShared(in, dst, 4, taddr);
                if (dst.cta == c) {
                    // the address store is a weak generic-proxy write (isa.md §4.2); kernels read it after a barrier
                    c.smemWritten.set(dst.offset, dst.offset + 4);
                }
            }
            case "tcgen05.dealloc" -> {
                int taddr = (int) value(t, in.operands().get(0), "u32");
                int cols = (int) value(t, in.operands().get(1), "u32");
                // freeing TMEM under an in-flight op is undefined on the hardware: report it, then let the ops finish first
                boolean inFlight = false;
                for (Pending p : cluster.queue) {
                    if (p.footprint != null && p.issuer.cta == c && !inFlight) {
                        inFlight = true;
                        hazard("dealloc-in-flight", in, "tcgen05.dealloc frees TMEM while " + p.what + " (line " + p.line
                                + ") has not completed: wait for its tcgen05.commit's mbarrier first");
                    }
                }
                while (inFlight && cluster.queue.stream().anyMatch(p -> p.footprint != null && p.issuer.cta == c)) {
                    complete(cluster.queue.poll());
                }
                c.tmem.dealloc(taddr, cols);
            }
            default -> c.tmem.relinquishAllocPermit();
        }
    }

    private void tmemLdSt(List<Thr> warp, PtxStatement.Instruction in) {
        Thr first = warp.get(0);
        boolean load = in.opcode().equals("tcgen05.ld");
        List<String> q = in.qualifiers();
        String shape = q.stream().filter(x -> x.matches("\\d+x\\d+b(x2)?")).findFirst()
                .orElseThrow(() -> new MachineException(in.opcode(), "no shape (.32x32b, .16x64b, .16x128b, .16x256b, .16x32bx2)"));
        int num = q.stream().filter(x -> x.matches("x\\d+")).map(x -> Integer.parseInt(x.substring(1))).findFirst()
                .orElseThrow(() -> new MachineException(in.opcode(), "no .num (.x1 .. .x128)"));
        boolean pack = q.contains("pack::16b") || q.contains("unpack::16b");
        List<Operand> o = in.operands();
        Operand addrOp = load ? o.get(1) : o.get(0);
        boolean split = shape.equals("16x32bx2");
        int half = split ? (int) value(first, load ? o.get(2) : o.get(1), "u32") : 0;
        Operand regsOp = load ? o.get(0) : o.get(split ? 2 : 1);
        int taddr = (int) address(first, addrOp);
        for (Thr u : warp) {
            if ((int) address(u, addrOp) != taddr) {
                throw new MachineException(in.opcode(), "all threads of the warp must pass the same TMEM address; lane " + u.lane + " differs");
            }
        }
        if (warp.size() != 32) {
            throw new MachineException(in.opcode(), "a warp-collective .sync.aligned instruction needs all 32 threads; " + warp.size() + " are live");
        }
        int nregs = TmemOps.regsPerThread(shape, num, pack);
        List<Operand> regs = regsOp instanceof Operand.Vec v ? v.elements() : List.of(regsOp);
        if (regs.size() != nregs) {
            throw new MachineException(in.opcode(), "." + shape + ".x" + num + (pack ? " with pack" : "") + " moves " + nregs + " registers per thread, the instruction names " + regs.size());
        }
        Footprint f = load ? TmemOps.ldStFootprint(taddr, shape, num, pack, half) : TmemOps.stFootprint(taddr, shape, num, pack, half);
        Cta c = first.cta;
        int wig = first.warp % 4;
        if (load) {
            checkTmemRead(first, in, c, f.tmemReads());
            int[][] r = TmemOps.ld(c.tmem, taddr, shape, num, pack, half, wig);
            for (Thr u : warp) {
                for (int i = 0; i < nregs; i++) {
                    set(u, regs.get(i), r[u.lane][i] & 0xFFFFFFFFL, "b32");
                }
                u.ldInFlight.addAll(f.tmemReads());
                u.ldLine = in.pos().line();
            }
        } else {
            int[][] r = new int[32][nregs];
            for (Thr u : warp) {
                for (int i = 0; i < nregs; i++) {
                    r[u.lane][i] = (int) value(u, regs.get(i), "b32");
                }
            }
            checkTmemWrite(first, in, c, f.tmemWrites());
            TmemOps.st(c.tmem, taddr, shape, num, pack, half, wig, r);
            markTmem(c, f.tmemWrites(), in.pos().line(), 0);
        }
    }

    private void markTmem(Cta c, List<Footprint.TmemRect> rects, int line, long seq) {
        for (Footprint.TmemRect r : rects) {
            for (int l = r.lane0(); l < r.lane0() + r.lanes() && l < TensorMemory.LANES; l++) {
                int from = l * TensorMemory.COLUMNS + r.col0();
                int to = from + Math.min(r.cols(), TensorMemory.COLUMNS - r.col0());
                c.tmemWritten.set(from, to);
                java.util.Arrays.fill(c.tmemSeq, from, to, seq);
                java.util.Arrays.fill(c.tmemWriterLine, from, to, line);
            }
        }
    }

    /** tcgen05.ld reads: not from an op still in flight, not before fence::after_thread_sync (isa.md §8 pattern b). */
    private void checkTmemRead(Thr t, PtxStatement.Instruction in, Cta c, List<Footprint.TmemRect> reads) {
        if (!options.check()) {
            return;
        }
        for (Pending p : cluster.queue) {
            if (p.footprint == null) {
                continue;
            }
            for (Footprint.TmemRect w : p.footprint.tmemWrites()) {
                Cta owner = w.cta() == 0 ? p.issuer.cta : cluster.ctas.get(p.issuer.cta.rank ^ 1);
                if (owner != c) {
                    continue;
                }
                for (Footprint.TmemRect r : reads) {
                    if (w.lane0() < r.lane0() + r.lanes() && r.lane0() < w.lane0() + w.lanes() && w.col0() < r.col0() + r.cols() && r.col0() < w.col0() + w.cols()) {
                        hazard("read-before-complete", in, String.format("%s reads TMEM (%s) that %s (line %d) has not finished writing: wait on the mbarrier "
                                + "of its tcgen05.commit, then tcgen05.fence::after_thread_sync, before reading", in.opcode(), r, p.what, p.line));
                        return;
                    }
                }
            }
        }
        for (Footprint.TmemRect r : reads) {
            for (int l = r.lane0(); l < r.lane0() + r.lanes() && l < TensorMemory.LANES; l++) {
                for (int col = r.col0(); col < r.col0() + r.cols() && col < TensorMemory.COLUMNS; col++) {
                    int i = l * TensorMemory.COLUMNS + col;
                    if (c.tmemSeq[i] > t.afterFenceSeq) {
                        hazard("missing-fence", in, String.format("%s reads TMEM lane %d, column %d written by the asynchronous operation at line %d "
                                + "without tcgen05.fence::after_thread_sync after the wait that observed its completion (isa.md §8)", in.opcode(), l, col, c.tmemWriterLine[i]));
                        return;
                    }
                }
            }
        }
    }

    private void checkTmemWrite(Thr t, PtxStatement.Instruction in, Cta c, List<Footprint.TmemRect> writes) {
        if (!options.check()) {
            return;
        }
        for (Cta cc : cluster.ctas) {
            for (Thr u : cc.threads) {
                if (u.ldInFlight.isEmpty() || cc != c) {
                    continue;
                }
                for (Footprint.TmemRect r : u.ldInFlight) {
                    for (Footprint.TmemRect w : writes) {
                        if (w.lane0() < r.lane0() + r.lanes() && r.lane0() < w.lane0() + w.lanes() && w.col0() < r.col0() + r.cols() && r.col0() < w.col0() + w.cols()
                                && u.warp != t.warp) {
                            hazard("write-after-read", in, String.format("%s writes TMEM (%s) that tcgen05.ld at line %d (warp %d) may still be reading: "
                                    + "that warp needs tcgen05.wait::ld, fence::before_thread_sync and a synchronisation first", in.opcode(), w, u.ldLine, u.warp));
                            return;
                        }
                    }
                }
            }
        }
    }

    /** SMEM the async proxy reads must not hold unfenced generic-proxy writes (isa.md §8: fence.proxy.async). */
    private void checkProxy(PtxStatement.Instruction in, Cta[] p, Footprint f) {
        if (!options.check()) {
            return;
        }
        for (int i = 0; i < p.length && i < f.smemReads().length; i++) {
            for (Thr u : p[i].threads) {
                if (!u.unfenced.isEmpty() && u.unfenced.intersects(f.smemReads()[i])) {
                    BitSet b = (BitSet) u.unfenced.clone();
                    b.and(f.smemReads()[i]);
                    hazard("missing-proxy-fence", in, String.format("%s reads shared byte 0x%x through the async proxy, written by st.shared at line %d (%s) "
                            + "without fence.proxy.async.shared::cta before the synchronisation", in.opcode(), b.nextSetBit(0), u.unfencedLine, u.where()));
                    return;
                }
            }
        }
    }

    private void enqueue(Thr t, PtxStatement.Instruction in, String what, Footprint f, Cta[] p, Runnable work) {
        checkProxy(in, p, f);
        checkTmemWrite(t, in, t.cta, f.tmemWrites());
        cluster.queue.add(new Pending(what, in.pos().line(), t, f, () -> {
            if (options.check()) {
                for (int i = 0; i < p.length && i < f.smemReads().length; i++) {
                    BitSet unread = (BitSet) f.smemReads()[i].clone();
                    unread.andNot(p[i].smemWritten);
                    if (!unread.isEmpty()) {
                        hazard("uninitialised-smem", in, String.format("%s reads shared byte 0x%x of %s that nothing wrote: check the descriptor "
                                + "(start address, LBO, SBO, swizzle) against where the operand was stored", what, unread.nextSetBit(0), p[i].where()));
                        break;
                    }
                }
                for (Footprint.TmemRect r : f.tmemReads()) {
                    Cta c = p[Math.min(r.cta(), p.length - 1)];
                    int bad = firstUnwritten(c, r);
                    if (bad >= 0) {
                        hazard("uninitialised-tmem", in, String.format("%s reads TMEM lane %d, column %d of %s that nothing wrote since allocation "
                                + "(scale factors copied to other columns? a missing tcgen05.cp?)", what, bad / TensorMemory.COLUMNS, bad % TensorMemory.COLUMNS, c.where()));
                        break;
                    }
                }
            }
            work.run();
            long seq = ++completionSeq;
            for (Footprint.TmemRect r : f.tmemWrites()) {
                markTmem(p[Math.min(r.cta(), p.length - 1)], List.of(r), in.pos().line(), seq);
            }
        }));
    }

    private static int firstUnwritten(Cta c, Footprint.TmemRect r) {
        for (int l = r.lane0(); l < r.lane0() + r.lanes() && l < TensorMemory.LANES; l++) {
            int from = l * TensorMemory.COLUMNS + r.col0();
            int to = from + Math.min(r.cols(), TensorMemory.COLUMNS - r.col0());
            int miss = c.tmemWritten.nextClearBit(from);
            if (miss < to) {
                return miss;
            }
        }
        return -1;
    }

    private void mma(Thr t, PtxStatement.Tcgen05Mma in) {
        List<Operand> o = in.operands();
        MmaKind kind = MmaKind.byName(in.kind() == null ? "" : in.kind())
                .orElseThrow(() -> new MachineException("tcgen05.mma", "missing or unknown .kind (" + MmaKind.allNames() + ")"));
        int group = ctaGroup(in);
        boolean bs = in.blockScale();
        boolean sparse = in.sparse();
        int i = 0;
        int d = (int) address(t, o.get(i++));
        boolean aTmem = o.get(i) instanceof Operand.Addr;
        long a = aTmem ? address(t, o.get(i++)) : value(t, o.get(i++), "b64");
        long b = value(t, o.get(i++), "b64");
        int spMeta = sparse ? (int) address(t, o.get(i++)) : 0;
        int idesc = (int) value(t, o.get(i++), "b32");
        int sfa = 0;
        int sfb = 0;
        int[] disable = null;
        int scaleInputD = 0;
        boolean enable;
        if (bs) {
            sfa = (int) address(t, o.get(i++));
            sfb = (int) address(t, o.get(i++));
            enable = value(t, o.get(i++), "pred") != 0;
        } else {
            if (o.get(i) instanceof Operand.Vec v) {
                disable = new int[v.elements().size()];
                for (int j = 0; j < disable.length; j++) {
                    disable[j] = (int) value(t, v.elements().get(j), "b32");
                }
                i++;
            }
            enable = value(t, o.get(i++), "pred") != 0;
            if (i < o.size() && !in.ws()) {
                scaleInputD = (int) value(t, o.get(i++), "u32");
            }
        }
        int scaleBlock = 0;
        for (String s : in.qualifiers()) {
            scaleBlock = switch (s) {
                case "block16", "scale_vec::4X" -> 16;
                case "block32", "scale_vec::1X", "scale_vec::2X" -> 32;
                default -> scaleBlock;
            };
        }
        if (group == 2 && (t.cta.rank & 1) != 0) {
            throw new MachineException("tcgen05.mma", ".cta_group::2 MMAs are issued from the even CTA of the pair (%cluster_ctarank " + (t.cta.rank & ~1) + ")");
        }
        MmaOp op = new MmaOp(kernel.target(), kind, group, scaleBlock, in.ws(), sparse, d, aTmem, a, b, idesc, sfa, sfb, spMeta, enable, scaleInputD, disable);
        Cta[] p = pair(t, group, "tcgen05.mma");
        Footprint f = tensorCore.footprint(op);
        enqueue(t, in, "tcgen05.mma", f, p, () -> {
            long s = System.nanoTime();
            tensorCore.execute(op, tmems(p), smems(p));
            tcNanos += System.nanoTime() - s;
            mmas++;
        });
    }

    private void cp(Thr t, PtxStatement.Instruction in) {
        int group = ctaGroup(in);
        List<String> q = in.qualifiers();
        String shape = q.stream().filter(x -> x.matches("\\d+x\\d+b")).findFirst()
                .orElseThrow(() -> new MachineException("tcgen05.cp", "no shape (.128x256b, .4x256b, .128x128b, .64x128b, .32x128b)"));
        String multicast = q.stream().filter(x -> x.startsWith("warpx")).findFirst().orElse(null);
        String src = q.stream().filter(x -> x.startsWith("b6x16") || x.startsWith("b4x16")).findFirst().orElse(null);
        int taddr = (int) address(t, in.operands().get(0));
        long sdesc = value(t, in.operands().get(1), "b64");
        Cta[] p = pair(t, group, "tcgen05.cp");
        Footprint f = TmemOps.cpFootprint(group, taddr, sdesc, shape, multicast, src);
        enqueue(t, in, "tcgen05.cp", f, p, () -> {
            TmemOps.cp(tmems(p), smems(p), taddr, sdesc, shape, multicast, src);
            copies++;
        });
    }

    private void commit(Thr t, PtxStatement.Instruction in) {
        List<Operand> o = in.operands();
        long addr = address(t, o.get(0));
        boolean multicast = in.qualifiers().contains("multicast::cluster");
        int mask = multicast ? (int) value(t, o.get(1), "u32") : 0;
        SharedRef own = shared(t, addr, "tcgen05.commit");
        List<SharedRef> targets = new ArrayList<>();
        if (multicast) {
            for (int r = 0; r < 16; r++) {
                if ((mask >>> r & 1) != 0) {
                    if (r >= cluster.ctas.size()) {
                        throw new MachineException("tcgen05.commit", "ctaMask bit " + r + " names a CTA outside the cluster of " + cluster.ctas.size());
                    }
                    targets.add(new SharedRef(cluster.ctas.get(r), own.offset));
                }
            }
        } else {
            targets.add(own);
        }
        for (SharedRef r : targets) {
            mbar(t, in, r);
        }
        // the commit sits behind every op this thread issued before it: the queue completes in order
        cluster.queue.add(new Pending("tcgen05.commit", in.pos().line(), t, null, () -> {
            for (SharedRef r : targets) {
                arrive(in, mbar(t, in, r), 1);
            }
        }));
    }

    private void complete(Pending p) {
        try {
            p.complete.run();
        } catch (MachineException e) {
            throw new KernelError("line " + p.line + ": " + e.getMessage() + " [" + p.issuer.where() + ", completing asynchronously]");
        }
    }
}
