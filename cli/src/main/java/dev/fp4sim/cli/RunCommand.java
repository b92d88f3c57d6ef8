package dev.fp4sim.cli;

import dev.fp4sim.isa.desc.Swizzle;
import dev.fp4sim.sim.machine.GemmProblem;
import dev.fp4sim.sim.machine.GlobalMemory;
import dev.fp4sim.sim.machine.Kernel;
import dev.fp4sim.sim.machine.KernelError;
import dev.fp4sim.sim.machine.KernelGemm;
import dev.fp4sim.sim.machine.Machine;
import dev.fp4sim.sim.machine.TensorMap;
import dev.fp4sim.verification.io.NpyArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "run",
        description = {
                "Run a PTX kernel on the machine model: every thread of the grid interpreted, tcgen05 instructions",
                "executed on TMEM/SMEM with the bit-exact datapath, TMA loads from global memory, and (by default)",
                "the hazard checks of isa.md §8: reading D before the commit → mbarrier wait → fence chain, missing",
                "fence.proxy.async or tcgen05.fence::after_thread_sync, overwriting SMEM an in-flight MMA reads,",
                "operands or scale factors read from memory nothing wrote. docs/machine.md lists the PTX subset.",
                "",
                "Two ways to give the inputs:",
                "  --gemm M,N,K   for kernels written to the examples' GEMM ABI (examples/README.md): random operands",
                "                 of --format, parameters bound by name, D compared bit for bit with the datapath GEMM.",
                "  --arg NAME=V   for any kernel; V is an integer (a scalar parameter), @FILE (a buffer holding the",
                "                 file's bytes; a .npy contributes its data), zeros:BYTES (a zeroed buffer), or",
                "                 tmap:BUF,box=B0xB1,swizzle=128B|64B|32B|none[,elem=BYTES][,dims=D0xD1][,stride=BYTES]",
                "                 (a tensor map over the buffer of parameter BUF; dims default to the whole buffer",
                "                 as rows of box0 elements). --save NAME=FILE writes a buffer afterwards (.npy: uint8).",
                "",
                "Exit status: 0 clean; 1 hazards or a D mismatch; 2 bad input or a kernel error (line and reason).",
                "",
                "Examples:",
                "  fp4sim run examples/02_nvfp4_gemm.ptx --gemm 512,512,1024",
                "  fp4sim run examples/01_nvfp4_single_mma.ptx --gemm 128,256,64 --format nvfp4",
                "  fp4sim run k.ptx --grid 4,2 --block 128 --arg a=@a.bin --arg d=zeros:131072 --save d=d.bin"})
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "KERNEL.ptx", description = "the PTX module")
    Path file;
    @Option(names = "--kernel", description = "the .entry to run (default: the only one)")
    String entry;
    @Option(names = "--gemm", paramLabel = "M,N,K", description = "run as a GEMM of this size (examples' ABI) and compare with the datapath")
    String gemm;
    @Option(names = "--format", description = "nvfp4, mxfp4 or fp8 for --gemm (default: from the kernel's tcgen05.mma kind)")
    String format;
    @Option(names = "--seed", defaultValue = "1", description = "seed of the random --gemm operands (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--grid", paramLabel = "X[,Y[,Z]]", description = "grid dimensions (with --arg)")
    String grid;
    @Option(names = "--block", paramLabel = "X[,Y[,Z]]", description = "threads per CTA (with --arg; --gemm takes the kernel's .reqntid or 128)")
    String block;
    @Option(names = "--cluster", paramLabel = "X[,Y[,Z]]", description = "CTAs per cluster (default: the kernel's .reqnctapercluster or 1)")
    String clusterDims;
    @Option(names = "--arg", paramLabel = "NAME=VALUE", description = "a kernel parameter (see above)")
    List<String> args = new ArrayList<>();
    @Option(names = "--save", paramLabel = "NAME=FILE", description = "write the buffer of a pointer parameter after the run")
    List<String> saves = new ArrayList<>();
    @Option(names = "--no-check", description = "skip the hazard checks (errors that make execution impossible still stop the run)")
    boolean noCheck;
    @Mixin
    AssumeOptions assume;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
        }
        Kernel kernel;
        try {
            kernel = Kernel.load(text, entry);
        } catch (KernelError e) {
            throw new UserError(file + ": " + e.getMessage());
        }
        Machine.Options opts = new Machine.Options(assume.assumptions(), !noCheck, (done, total) -> {
            if (total > 1) {
                err.printf(Locale.ROOT, "\rcluster %d/%d   ", done, total);
                err.flush();
                if (done == total) {
                    err.print("\r                    \r");
                    err.flush();
                }
            }
        });
        if (gemm != null) {
            return runGemm(o, kernel, opts);
        }
        if (grid == null || block == null) {
            throw new UserError("give --grid and --block (and --arg for each parameter), or --gemm M,N,K for a kernel of the GEMM ABI");
        }
        Machine.Dim3 g = dims("--grid", grid);
        Machine.Dim3 b = dims("--block", block);
        Machine.Dim3 c = clusterDims != null ? dims("--cluster", clusterDims) : kernel.reqCluster() != null
                ? new Machine.Dim3(kernel.reqCluster()[0], kernel.reqCluster()[1], kernel.reqCluster()[2]) : new Machine.Dim3(1, 1, 1);
        GlobalMemory mem = new GlobalMemory();
        Map<String, Long> values = new LinkedHashMap<>();
        Map<String, long[]> buffers = new LinkedHashMap<>();
        List<String[]> maps = new ArrayList<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new UserError("--arg " + a + ": expected NAME=VALUE");
            }
            String name = a.substring(0, eq);
            String v = a.substring(eq + 1);
            if (v.startsWith("@")) {
                byte[] data = fileBytes(Path.of(v.substring(1)));
                long addr = mem.upload(name, data);
                buffers.put(name, new long[] {addr, data.length});
                values.put(name, addr);
            } else if (v.startsWith("zeros:")) {
                long size = number("--arg " + name, v.substring(6));
                long addr;
                try {
                    addr = mem.allocate(name, size);
                } catch (IllegalArgumentException e) {
                    throw new UserError("--arg " + name + ": " + e.getMessage());
                }
                buffers.put(name, new long[] {addr, size});
                values.put(name, addr);
            } else if (v.startsWith("tmap:")) {
                maps.add(new String[] {name, v.substring(5)});
            } else {
                values.put(name, number("--arg " + name, v));
            }
        }
        for (String[] m : maps) {
            values.put(m[0], mem.registerTensorMap(tensorMap(m[0], m[1], buffers)));
        }
        Machine machine = new Machine(kernel, mem, opts);
        Machine.Result r;
        try {
            r = machine.launch(g, b, c, values);
        } catch (KernelError e) {
            machine.hazards().forEach(h -> err.println("hazard: " + h));
            throw new UserError(file + ": " + e.getMessage());
        }
        for (String s : saves) {
            int eq = s.indexOf('=');
            if (eq <= 0 || !buffers.containsKey(s.substring(0, eq))) {
                throw new UserError("--save " + s + ": expected NAME=FILE where NAME is a buffer parameter " + buffers.keySet());
            }
            long[] buf = buffers.get(s.substring(0, eq));
            byte[] data = mem.download(buf[0], (int) buf[1]);
            Path out = Path.of(s.substring(eq + 1));
            if (out.toString().endsWith(".npy")) {
                NpyFiles.write(NpyArray.ofUint8(data, data.length), out);
            } else {
                try {
                    Files.write(out, data);
                } catch (IOException e) {
                    throw new UserError(out + ": cannot write (" + e.getMessage() + ")");
                }
            }
        }
        report(o, kernel, r, g, b, c);
        return r.hazards().isEmpty() ? 0 : Main.EXIT_FAILED;
    }

    private int runGemm(PrintWriter o, Kernel kernel, Machine.Options opts) {
        String[] p = gemm.split(",");
        if (p.length != 3) {
            throw new UserError("--gemm " + gemm + ": expected M,N,K");
        }
        int m = (int) number("--gemm", p[0]);
        int n = (int) number("--gemm", p[1]);
        int k = (int) number("--gemm", p[2]);
        GemmProblem.Format f;
        try {
            f = format != null ? GemmProblem.Format.parse(format) : KernelGemm.formatOf(kernel);
        } catch (IllegalArgumentException | KernelError e) {
            throw new UserError("--format: " + e.getMessage());
        }
        KernelGemm.Shape shape;
        try {
            shape = KernelGemm.shapeOf(kernel);
        } catch (KernelError e) {
            throw new UserError(file + ": " + e.getMessage());
        }
        if (m <= 0 || n <= 0 || k <= 0 || m % shape.tileM() != 0 || n % shape.tileN() != 0 || k % shape.kStep() != 0) {
            throw new UserError("--gemm " + gemm + ": kernel " + kernel.name() + " computes " + shape.tileM() + " x " + shape.tileN()
                    + " tiles over K steps of " + shape.kStep() + "; M, N, K must be positive multiples");
        }
        GemmProblem prob = GemmProblem.random(f, m, n, k, seed);
        KernelGemm.Outcome out;
        try {
            out = KernelGemm.run(kernel, prob, shape, opts);
        } catch (KernelError e) {
            throw new UserError(file + ": " + e.getMessage());
        }
        long t0 = System.nanoTime();
        int[] want = prob.reference(assume.assumptions(), Runtime.getRuntime().availableProcessors(), (dd, tt) -> { });
        double refS = (System.nanoTime() - t0) / 1e9;
        int bad = 0;
        int first = -1;
        for (int i = 0; i < want.length; i++) {
            if (want[i] != out.d()[i]) {
                bad++;
                first = first < 0 ? i : first;
            }
        }
        Machine.Result r = out.result();
        report(o, kernel, r, new Machine.Dim3(n / shape.tileN() * shape.clusterX(), m / shape.tileM(), 1), new Machine.Dim3(shape.threads(), 1, 1),
                new Machine.Dim3(shape.clusterX(), 1, 1));
        o.printf(Locale.ROOT, "GEMM %d x %d x %d %s (seed %d): D read back by the kernel vs the datapath GEMM (%.2f s): %s%n", m, n, k,
                f.name().toLowerCase(Locale.ROOT), seed, refS,
                bad == 0 ? "all " + want.length + " elements bit-identical"
                        : String.format(Locale.ROOT, "%d of %d elements differ; first D[%d][%d] = 0x%08x, expected 0x%08x", bad, want.length,
                        first / n, first % n, out.d()[first], want[first]));
        o.flush();
        return bad == 0 && r.hazards().isEmpty() ? 0 : Main.EXIT_FAILED;
    }

    private static void report(PrintWriter o, Kernel k, Machine.Result r, Machine.Dim3 g, Machine.Dim3 b, Machine.Dim3 c) {
        o.printf(Locale.ROOT, "%s: grid %s, block %s, cluster %s: %,d instructions, %d tcgen05.mma, %d tcgen05.cp, %,d TMA bytes in %.2f s "
                        + "(tensor core %.2f s)%n", k.name(), g, b, c, r.instructions(), r.mmas(), r.tcgen05Copies(), r.tmaBytes(), r.seconds(), r.tensorCoreSeconds());
        if (r.hazards().isEmpty()) {
            o.println("hazard checks: none found");
        } else {
            o.println("hazards (" + r.hazards().size() + "):");
            r.hazards().forEach(h -> o.println("  " + h));
        }
        o.flush();
    }

    private static Machine.Dim3 dims(String opt, String v) {
        try {
            return Machine.Dim3.parse(v);
        } catch (IllegalArgumentException e) {
            throw new UserError(opt + " " + v + ": " + e.getMessage());
        }
    }

    private static long number(String what, String v) {
        try {
            String s = v.strip();
            return s.startsWith("0x") || s.startsWith("0X") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new UserError(what + ": '" + v + "' is not an integer");
        }
    }

    private static byte[] fileBytes(Path p) {
        if (p.toString().endsWith(".npy") || p.toString().contains(".safetensors:")) {
            return NpyFiles.read(p).bytes();
        }
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UserError(p + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private static TensorMap tensorMap(String name, String spec, Map<String, long[]> buffers) {
        String[] parts = spec.split(",");
        long[] buf = buffers.get(parts[0]);
        if (buf == null) {
            throw new UserError("--arg " + name + "=tmap:" + spec + ": '" + parts[0] + "' is not a buffer parameter given with @FILE or zeros: " + buffers.keySet());
        }
        int elem = 1;
        int box0 = -1;
        int box1 = 1;
        long dim0 = -1;
        long dim1 = -1;
        long stride = -1;
        Swizzle sw = Swizzle.NONE;
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            String what = "--arg " + name + ": " + parts[i];
            if (kv.length != 2) {
                throw new UserError(what + ": expected key=value (box, swizzle, elem, dims, stride)");
            }
            switch (kv[0]) {
                case "box" -> {
                    String[] bx = kv[1].split("x");
                    box0 = (int) number(what, bx[0]);
                    box1 = bx.length > 1 ? (int) number(what, bx[1]) : 1;
                }
                case "elem" -> elem = (int) number(what, kv[1]);
                case "dims" -> {
                    String[] dx = kv[1].split("x");
                    dim0 = number(what, dx[0]);
                    dim1 = dx.length > 1 ? number(what, dx[1]) : 1;
                }
                case "stride" -> stride = number(what, kv[1]);
                case "swizzle" -> sw = switch (kv[1].toLowerCase(Locale.ROOT)) {
                    case "none" -> Swizzle.NONE;
                    case "32b" -> Swizzle.B32;
                    case "64b" -> Swizzle.B64;
                    case "128b" -> Swizzle.B128;
                    default -> throw new UserError(what + ": swizzle is none, 32B, 64B or 128B");
                };
                default -> throw new UserError(what + ": unknown key (box, swizzle, elem, dims, stride)");
            }
        }
        if (box0 <= 0) {
            throw new UserError("--arg " + name + ": a tensor map needs box=B0xB1");
        }
        if (dim0 < 0) {
            dim0 = box0;
            dim1 = buf[1] / ((long) box0 * elem);
        }
        if (stride < 0) {
            stride = dim0 * elem;
        }
        if (dim1 > 1 && (dim1 - 1) * stride + dim0 * elem > buf[1] || dim0 * elem > buf[1]) {
            throw new UserError("--arg " + name + ": dims " + dim0 + "x" + dim1 + " of " + elem + "-byte elements exceed buffer '" + parts[0] + "' (" + buf[1] + " bytes)");
        }
        try {
            return new TensorMap(buf[0], elem, dim0, dim1, stride, box0, box1, sw);
        } catch (IllegalArgumentException e) {
            throw new UserError("--arg " + name + ": " + e.getMessage());
        }
    }
}
