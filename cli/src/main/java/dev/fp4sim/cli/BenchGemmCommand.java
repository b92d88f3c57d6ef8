package dev.fp4sim.cli;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.gemm.Fp4GemmEngine;
import dev.fp4sim.sim.gemm.Fp4Operands;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.gemm.Sgemm;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

@Command(name = "gemm",
        description = {
                "Time a bit-exact block-scaled FP4 GEMM (random operands) and, for scale, a plain f32 GEMM",
                "of the same shape in the same JVM. Prints every run, the median, simulated MAC/s, the",
                "ratio to f32, peak heap, and checks a sample of D elements against the reference datapath.",
                "",
                "Formats: nvfp4 (mxf4nvf4, ue4m3, block 16), mxfp4 (mxf4, ue8m0, block 32),",
                "         nvfp4-ue8m0 (mxf4nvf4, ue8m0, block 16).",
                "",
                "Examples:",
                "  fp4sim bench gemm --m 4096 --n 4096 --k 4096",
                "  fp4sim bench gemm --m 1024 --n 1024 --k 1024 --engine reference --runs 1",
                "  FP4SIM_JAVA_OPTS=-Xmx2g fp4sim bench gemm --m 4096 --n 4096 --k 4096 --threads 2"})
final class BenchGemmCommand implements Callable<Integer> {

    @Option(names = "--m", defaultValue = "1024", description = "rows of A and D (default ${DEFAULT-VALUE})")
    int m;
    @Option(names = "--n", defaultValue = "1024", description = "columns of D (default ${DEFAULT-VALUE})")
    int n;
    @Option(names = "--k", defaultValue = "1024", description = "reduction length, a multiple of 64 (default ${DEFAULT-VALUE})")
    int k;
    @Option(names = "--format", defaultValue = "nvfp4", description = "nvfp4, mxfp4 or nvfp4-ue8m0 (default ${DEFAULT-VALUE})")
    String format;
    @Option(names = "--engine", defaultValue = "fast", description = "fast or reference (default ${DEFAULT-VALUE})")
    String engine;
    @Option(names = "--threads", description = "worker threads (default: all cores)")
    Integer threads;
    @Option(names = "--runs", defaultValue = "3", description = "timed runs after one warm-up (default ${DEFAULT-VALUE})")
    int runs;
    @Option(names = "--no-sgemm", description = "skip the f32 GEMM comparison")
    boolean noSgemm;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (m <= 0 || n <= 0 || k <= 0 || k % 64 != 0) {
            throw new UserError("--m/--n/--k: need positive sizes and K a multiple of 64 (got " + m + "x" + n + "x" + k + ")");
        }
        if ((long) m * k > Integer.MAX_VALUE || (long) n * k > Integer.MAX_VALUE || (long) m * n > Integer.MAX_VALUE) {
            throw new UserError("--m/--n/--k: each of M*K, N*K and M*N must stay below 2^31 elements");
        }
        if (runs < 1) {
            throw new UserError("--runs must be at least 1");
        }
        FloatFormat sf;
        int block;
        switch (format.toLowerCase(Locale.ROOT)) {
            case "nvfp4" -> { sf = FloatFormat.UE4M3; block = 16; }
            case "mxfp4" -> { sf = FloatFormat.UE8M0; block = 32; }
            case "nvfp4-ue8m0" -> { sf = FloatFormat.UE8M0; block = 16; }
            default -> throw new UserError("--format " + format + ": expected nvfp4, mxfp4 or nvfp4-ue8m0");
        }
        Fp4GemmEngine eng;
        try {
            eng = Fp4GemmEngine.byName(engine);
        } catch (IllegalArgumentException e) {
            throw new UserError("--engine: " + e.getMessage());
        }
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) {
            throw new UserError("--threads must be at least 1");
        }
        Fp4Operands ops = randomOperands(sf, block, new SplittableRandom(1));
        BlockScaledFp4 unit = new BlockScaledFp4(sf, block, BlockScaledProfile.BLACKWELL);
        double macs = (double) m * n * k;
        out.printf(Locale.ROOT, "%s GEMM %dx%dx%d, engine %s, %d thread(s), %s%n", format, m, n, k, eng.name(), t,
                Runtime.version());
        err.println("warm-up run ...");
        int[] d = eng.run(unit, ops, t, Progress.NONE);
        double[] secs = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            d = eng.run(unit, ops, t, Progress.NONE);
            secs[r] = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "  run %d: %.3f s%n", r + 1, secs[r]);
        }
        double median = median(secs);
        out.printf(Locale.ROOT, "bit-exact %s: median %.3f s, %.2f GMAC/s simulated%n", eng.name(), median, macs / median / 1e9);
        int mismatches = sampleCheck(unit, ops, d, new SplittableRandom(2), 2000);
        out.printf(Locale.ROOT, "sample check: 2000 random D elements vs the reference datapath: %d mismatches%n", mismatches);
        if (!noSgemm) {
            SplittableRandom rnd = new SplittableRandom(3);
            float[] a = new float[m * k];
            float[] b = new float[n * k];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) rnd.nextGaussian();
            }
            err.println("f32 GEMM warm-up ...");
            Sgemm.run(a, b, m, n, k, t);
            double[] s = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                Sgemm.run(a, b, m, n, k, t);
                s[r] = (System.nanoTime() - t0) / 1e9;
            }
            double sm = median(s);
            out.printf(Locale.ROOT, "plain f32 GEMM (same JVM, same blocking): median %.3f s, %.2f GFLOP/s; bit-exact/f32 ratio %.2f%n",
                    sm, 2 * macs / sm / 1e9, median / sm);
        }
        out.printf(Locale.ROOT, "peak heap: %.0f MiB (max %.0f MiB)%n", peakHeap() / 1048576.0,
                Runtime.getRuntime().maxMemory() / 1048576.0);
        out.flush();
        return mismatches == 0 ? 0 : Main.EXIT_FAILED;
    }

    private Fp4Operands randomOperands(FloatFormat sf, int block, SplittableRandom rnd) {
        byte[] a = new byte[m * k / 2];
        byte[] b = new byte[n * k / 2];
        rnd.nextBytes(a);
        rnd.nextBytes(b);
        byte[] sfa = new byte[m * (k / block)];
        byte[] sfb = new byte[n * (k / block)];
        for (byte[] s : new byte[][] {sfa, sfb}) {
            for (int i = 0; i < s.length; i++) {
                // realistic scales: ue4m3 in [2^-3, 448), ue8m0 around 2^0
                s[i] = (byte) (sf == FloatFormat.UE4M3 ? 0x20 + rnd.nextInt(0x5E) : 120 + rnd.nextInt(15));
            }
        }
        return new Fp4Operands(m, n, k, block, a, b, sfa, sfb, null);
    }

    private static int sampleCheck(BlockScaledFp4 unit, Fp4Operands ops, int[] d, SplittableRandom rnd, int samples) {
        int bad = 0;
        for (int s = 0; s < samples; s++) {
            int row = rnd.nextInt(ops.m());
            int col = rnd.nextInt(ops.n());
            int want = unit.chain(ops.a(), row * ops.rowBytes(), ops.b(), col * ops.rowBytes(), ops.sfa(),
                    row * ops.scalesPerRow(), ops.sfb(), col * ops.scalesPerRow(), 0, ops.k());
            if (want != d[row * ops.n() + col]) {
                bad++;
            }
        }
        return bad;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
