package dev.fp4sim.cli;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.gemm.Fp4Operands;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.gemm.ReferenceFp4Gemm;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

@Command(name = "demo",
        description = {
                "Run a small NVFP4 GEMM bit-exactly and explain what happened.",
                "",
                "Random NVFP4 operands (e2m1 elements, ue4m3 scales per 16 elements along K) are multiplied",
                "as a B200 tensor core does it: each D element is a chain of K/64 tcgen05.mma",
                "kind::mxf4nvf4 instructions, each one a fused dot-add with 35 fractional bits and a",
                "round-toward-zero f32 result. The demo prints a few D values, a checksum, and how far",
                "the hardware result is from the exact (rational) product."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--m", defaultValue = "128", description = "rows of A and D (default ${DEFAULT-VALUE})")
    int m;

    @Option(names = "--n", defaultValue = "256", description = "columns of B and D (default ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--k", defaultValue = "1024", description = "reduction length, a multiple of 64 (default ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--seed", defaultValue = "42", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", description = "worker threads (default: all cores)")
    Integer threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (m <= 0 || n <= 0 || k <= 0 || k % 64 != 0) {
            throw new UserError("--m and --n must be positive and --k a positive multiple of 64 (got "
                    + m + "x" + n + "x" + k + ")");
        }
        PrintWriter out = spec.commandLine().getOut();
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
        Fp4Operands ops = randomNvfp4(m, n, k, seed);
        BlockScaledFp4 unit = new BlockScaledFp4(FloatFormat.UE4M3, 16, BlockScaledProfile.BLACKWELL);

        out.printf("fp4sim demo: NVFP4 GEMM  D = A x B  with M=%d N=%d K=%d%n", m, n, k);
        out.printf("  tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16 (e2m1 x e2m1, ue4m3 scales, f32 accumulate)%n");
        out.printf("  each D element = a chain of %d instructions of K=64; F=%d fractional bits, RZ to f32%n",
                k / 64, unit.profile().fractionalBits());
        out.printf("  operands: random e2m1 codes, ue4m3 scales in [2^-4, 30], C = +0, seed %d%n%n", seed);

        long t0 = System.nanoTime();
        int[] d = ReferenceFp4Gemm.run(unit, ops, nThreads, Progress.NONE);
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.printf("computed %d x %d = %d elements in %.3f s on %d thread(s)%n%n", m, n, (long) m * n, seconds, nThreads);

        out.println("a few elements of D (f32 bits and value):");
        int[][] picks = {{0, 0}, {0, 1}, {0, 2}, {m / 2, n / 2}, {m - 1, n - 1}};
        for (int[] p : picks) {
            int bits = d[p[0] * n + p[1]];
            out.printf("  D[%d][%d] = 0x%08X  %s%n", p[0], p[1], bits, Float.intBitsToFloat(bits));
        }
        out.printf("checksum (FNV-1a over D bits): %016x%n%n", fnv1a(d));

        compareWithExact(out, ops, d);
        return 0;
    }

    private void compareWithExact(PrintWriter out, Fp4Operands ops, int[] d) {
        int equalRz = 0;
        double maxUlp = 0;
        double sumUlp = 0;
        int[] at = {0, 0};
        BigDecimal worstExact = BigDecimal.ZERO;
        for (int i = 0; i < ops.m(); i++) {
            for (int j = 0; j < ops.n(); j++) {
                BigDecimal exact = exactProduct(ops, i, j);
                float got = Float.intBitsToFloat(d[i * ops.n() + j]);
                float rz = roundTowardZero(exact);
                if (Float.floatToRawIntBits(got) == Float.floatToRawIntBits(rz)) {
                    equalRz++;
                }
                double ulp = Math.ulp(rz == 0 ? Float.MIN_NORMAL : rz);
                double err = new BigDecimal(got).subtract(exact).abs().doubleValue() / ulp;
                sumUlp += err;
                if (err > maxUlp) {
                    maxUlp = err;
                    at = new int[] {i, j};
                    worstExact = exact;
                }
            }
        }
        long total = (long) ops.m() * ops.n();
        out.println("against the exact product (rational arithmetic, no rounding at all):");
        out.printf("  %d of %d elements (%.1f%%) equal the exact product rounded once toward zero;%n",
                equalRz, total, 100.0 * equalRz / total);
        out.printf("  the others differ because each K=64 instruction truncates its sum (docs/numerics.md §4).%n");
        out.printf("  error in units of the last place of the result: mean %.2f, max %.0f%n", sumUlp / total, maxUlp);
        int worstBits = d[at[0] * ops.n() + at[1]];
        out.printf("  worst: D[%d][%d] = %s but exactly %s; the partial sums of the chain were much larger%n",
                at[0], at[1], Float.intBitsToFloat(worstBits), worstExact.stripTrailingZeros().toPlainString());
        out.printf("  than this result and each was truncated to 24 bits (cancellation).%n");
    }

    /** The exact value of row i of A times column j of B with all scales, as a decimal (exact for dyadics). */
    private static BigDecimal exactProduct(Fp4Operands ops, int i, int j) {
        // Every term is e2m1 · e2m1 · ue4m3 · ue4m3 = integer · 2^(ea + eb − 8) with ea, eb ≥ −6, so the sum
        // is an exact integer in units of 2^−20 (demo scales keep it far inside a long).
        long units = 0;
        int rb = ops.rowBytes();
        int spr = ops.scalesPerRow();
        FloatFormat e2m1 = FloatFormat.E2M1;
        FloatFormat ue4m3 = FloatFormat.UE4M3;
        for (int kk = 0; kk < ops.k(); kk++) {
            int ca = (ops.a()[i * rb + kk / 2] >>> ((kk & 1) * 4)) & 0xF;
            int cb = (ops.b()[j * rb + kk / 2] >>> ((kk & 1) * 4)) & 0xF;
            int sa = ops.sfa()[i * spr + kk / 16] & 0x7F;
            int sb = ops.sfb()[j * spr + kk / 16] & 0x7F;
            long twiceA = (long) (e2m1.toDouble(ca) * 2);
            long twiceB = (long) (e2m1.toDouble(cb) * 2);
            long sig = twiceA * twiceB * ue4m3.significand(sa) * ue4m3.significand(sb);
            int shift = ue4m3.exponent(sa) + ue4m3.exponent(sb) + 12;
            units = Math.addExact(units, sig << shift);
        }
        return new BigDecimal(units).multiply(new BigDecimal(Math.scalb(1.0, -20)));
    }

    private static float roundTowardZero(BigDecimal x) {
        float f = x.floatValue();
        BigDecimal back = new BigDecimal(f);
        if (back.abs().compareTo(x.abs()) > 0) {
            f = Math.nextAfter(f, 0.0);
        }
        return f == 0.0f ? 0.0f : f;
    }

    static Fp4Operands randomNvfp4(int m, int n, int k, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] a = new byte[m * k / 2];
        byte[] b = new byte[n * k / 2];
        byte[] sfa = new byte[m * k / 16];
        byte[] sfb = new byte[n * k / 16];
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) rnd.nextInt(256);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        // ue4m3 codes 0x18..0x57: 2^-4 .. 30, a spread like real block scales, so that truncation shows
        for (int i = 0; i < sfa.length; i++) {
            sfa[i] = (byte) (0x18 + rnd.nextInt(0x40));
        }
        for (int i = 0; i < sfb.length; i++) {
            sfb[i] = (byte) (0x18 + rnd.nextInt(0x40));
        }
        return new Fp4Operands(m, n, k, 16, a, b, sfa, sfb, null);
    }

    private static long fnv1a(int[] d) {
        long h = 0xcbf29ce484222325L;
        for (int v : d) {
            for (int s = 0; s < 32; s += 8) {
                h ^= (v >>> s) & 0xFF;
                h *= 0x100000001b3L;
            }
        }
        return h;
    }
}
