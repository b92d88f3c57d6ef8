package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.desc.Swizzle;

import java.util.HashMap;
import java.util.Map;

/**
 * Runs a GEMM kernel written to the examples' ABI (examples/README.md) on the machine: uploads a
 * {@link GemmProblem}'s operands, binds the kernel's parameters by name, launches one CTA (or CTA
 * pair) per output tile and reads D back.
 *
 * <p>Parameters by name: {@code a, b} (K-major operand bytes), {@code sfa, sfb} (128x4 tiled scale
 * factors), {@code d} (f32 M × N row-major), {@code m, n, k} (u32), and tensor maps
 * {@code tmap_a, tmap_b} (2-D: dim0 = the row's bytes, dim1 = rows; box 128 bytes × {@code rowsPerBox},
 * 128-byte swizzle) and {@code tmap_sfa, tmap_sfb} (2-D: dim0 = the 512·nKT bytes of one 128-row band,
 * dim1 = bands; box 512 bytes · {@code sfBoxAtoms} × 1, no swizzle: whole 512-byte atoms, isa.md §6).
 */
public final class KernelGemm {

    /** A kernel's launch shape: output tile per CTA (or per CTA pair) and block/cluster sizes. */
    public record Shape(int tileM, int tileN, int kStep, int threads, int clusterX, int aBoxRows, int bBoxRows, int sfBoxBytes) {
    }

    /** What one run produced. */
    public record Outcome(int[] d, Machine.Result result) {
    }

    private KernelGemm() {
    }

    /**
     * The launch shape a GEMM kernel declares in a comment line, as its host code would know it
     * (examples/README.md): {@code // fp4sim-gemm: tile=128x256 kstep=256 threads=128 cluster=1 abox=128 bbox=256 sfbox=2048}.
     * Missing keys take these values.
     */
    public static Shape shapeOf(Kernel k) {
        Map<String, String> a = k.gemmAnnotation();
        try {
            String[] tile = a.getOrDefault("tile", "128x256").split("x");
            int threads = Integer.parseInt(a.getOrDefault("threads", k.reqNtid() != null ? String.valueOf(k.reqNtid()[0]) : "128"));
            int cluster = Integer.parseInt(a.getOrDefault("cluster", k.reqCluster() != null ? String.valueOf(k.reqCluster()[0]) : "1"));
            return new Shape(Integer.parseInt(tile[0]), Integer.parseInt(tile[1]), Integer.parseInt(a.getOrDefault("kstep", "64")), threads, cluster,
                    Integer.parseInt(a.getOrDefault("abox", "128")), Integer.parseInt(a.getOrDefault("bbox", "256")), Integer.parseInt(a.getOrDefault("sfbox", "2048")));
        } catch (RuntimeException e) {
            throw new KernelError("the '// fp4sim-gemm:' line " + a + " is not tile=MxN kstep=K threads=T cluster=C abox=R bbox=R sfbox=BYTES");
        }
    }

    /** The operand format from the kernel's tcgen05.mma kind. */
    public static GemmProblem.Format formatOf(Kernel k) {
        for (var in : k.code()) {
            if (in instanceof dev.fp4sim.isa.ptx.PtxStatement.Tcgen05Mma mma) {
                String kind = mma.kind();
                if ("kind::mxf4nvf4".equals(kind) || "mxf4nvf4".equals(kind)) {
                    return GemmProblem.Format.NVFP4;
                }
                if ("kind::mxf4".equals(kind) || "mxf4".equals(kind)) {
                    return GemmProblem.Format.MXFP4;
                }
                if ("kind::f8f6f4".equals(kind) || "f8f6f4".equals(kind)) {
                    return GemmProblem.Format.FP8;
                }
                throw new KernelError("tcgen05.mma ." + kind + " is not one of the GEMM formats (nvfp4, mxfp4, fp8); give --format");
            }
        }
        throw new KernelError("the kernel has no tcgen05.mma");
    }

    /** Binds the parameters; returns the argument map and the address of D. */
    static Map<String, Long> bind(Kernel kernel, GemmProblem p, GlobalMemory g, Shape s, long[] dAddress) {
        Map<String, Long> args = new HashMap<>();
        long a = g.upload("a", p.a());
        long b = g.upload("b", p.b());
        long sfa = p.format().block == 0 ? 0 : g.upload("sfa", p.tiledScales(true));
        long sfb = p.format().block == 0 ? 0 : g.upload("sfb", p.tiledScales(false));
        long d = g.allocate("d", 4L * p.m() * p.n());
        dAddress[0] = d;
        int nKT = p.format().block == 0 ? 0 : (p.kBlocks() + 3) / 4;
        for (Kernel.Param prm : kernel.params()) {
            long v = switch (prm.name()) {
                case "a" -> a;
                case "b" -> b;
                case "sfa" -> sfa;
                case "sfb" -> sfb;
                case "d" -> d;
                case "m" -> p.m();
                case "n" -> p.n();
                case "k" -> p.k();
                case "tmap_a" -> g.registerTensorMap(new TensorMap(a, 1, p.rowBytes(), p.m(), p.rowBytes(), 128, s.aBoxRows(), Swizzle.B128));
                case "tmap_b" -> g.registerTensorMap(new TensorMap(b, 1, p.rowBytes(), p.n(), p.rowBytes(), 128, s.bBoxRows(), Swizzle.B128));
                case "tmap_sfa" -> g.registerTensorMap(new TensorMap(sfa, 8, 64L * nKT, (p.m() + 127) / 128, 512L * nKT, s.sfBoxBytes() / 8, 1, Swizzle.NONE));
                case "tmap_sfb" -> g.registerTensorMap(new TensorMap(sfb, 8, 64L * nKT, (p.n() + 127) / 128, 512L * nKT, s.sfBoxBytes() / 8, 1, Swizzle.NONE));
                default -> throw new KernelError("parameter '" + prm.name() + "' is not part of the GEMM ABI (a, b, sfa, sfb, d, m, n, k, tmap_a, tmap_b, tmap_sfa, tmap_sfb; examples/README.md)");
            };
            args.put(prm.name(), v);
        }
        return args;
    }

    /** Runs the kernel on the problem; the grid has one CTA (pair) per tileM × tileN output tile. */
    public static Outcome run(Kernel kernel, GemmProblem p, Shape s, Machine.Options o) {
        if (p.m() % s.tileM() != 0 || p.n() % s.tileN() != 0 || p.k() % s.kStep() != 0) {
            throw new KernelError("kernel " + kernel.name() + " computes " + s.tileM() + " x " + s.tileN() + " tiles over K steps of " + s.kStep()
                    + ": M, N, K = " + p.m() + ", " + p.n() + ", " + p.k() + " must be multiples");
        }
        String fixedK = kernel.gemmAnnotation().get("k");
        if (fixedK != null && !fixedK.equals(String.valueOf(p.k()))) {
            throw new KernelError("kernel " + kernel.name() + " computes K = " + fixedK + " only (its '// fp4sim-gemm:' line says k=" + fixedK + ")");
        }
        GlobalMemory g = new GlobalMemory();
        long[] d = new long[1];
        Map<String, Long> args = bind(kernel, p, g, s, d);
        Machine.Dim3 grid = new Machine.Dim3(p.n() / s.tileN() * s.clusterX(), p.m() / s.tileM(), 1);
        Machine.Result r = new Machine(kernel, g, o).launch(grid, new Machine.Dim3(s.threads(), 1, 1), new Machine.Dim3(s.clusterX(), 1, 1), args);
        byte[] bytes = g.download(d[0], 4 * p.m() * p.n());
        int[] out = new int[p.m() * p.n()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (bytes[4 * i] & 0xFF) | (bytes[4 * i + 1] & 0xFF) << 8 | (bytes[4 * i + 2] & 0xFF) << 16 | (bytes[4 * i + 3] & 0xFF) << 24;
        }
        return new Outcome(out, r);
    }
}
