package dev.fp4sim.verification.diagnose;

import dev.fp4sim.isa.layout.ScaleFactorLayout;
import dev.fp4sim.sim.gemm.Fp4GemmEngine;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.profile.Assumptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Why does a kernel's D differ from the hardware's? Each hypothesis is a concrete, common kernel bug
 * (ecosystem.md §3): the D it would produce is computed from the same inputs, and the hypothesis that
 * reproduces the kernel's output bit for bit (or, for a global factor, up to one f32 rounding) is named.
 */
public final class KernelDiagnosis {

    /** One tested explanation and how much of the kernel output it reproduces. */
    public record Finding(String id, String explanation, String fix, long matches, long total) {
        public double fraction() {
            return total == 0 ? 0 : (double) matches / total;
        }
    }

    private record Hypothesis(String id, String explanation, String fix, Function<Fp4GemmProblem, int[]> produce) {
    }

    private KernelDiagnosis() {
    }

    /** Statistics of actual vs expected f32 bits. */
    public record Stats(long total, long exact, long maxUlp, long[] histogram, double calcDiff, List<String> worst) {
        public static final String[] BUCKETS = {"0", "1", "2-15", "16-255", ">=256 or special"};
    }

    public static long ulpDistance(int x, int y) {
        if (x == y) {
            return 0;
        }
        if (Float.isNaN(Float.intBitsToFloat(x)) || Float.isNaN(Float.intBitsToFloat(y))) {
            return Long.MAX_VALUE;
        }
        long a = x < 0 ? 0x80000000L - (x & 0x7FFFFFFFL) : x;
        long b = y < 0 ? 0x80000000L - (y & 0x7FFFFFFFL) : y;
        return Math.abs(a - b);
    }

    public static Stats stats(int[] expected, int[] actual, int n) {
        long exact = 0;
        long maxUlp = 0;
        long[] hist = new long[5];
        double xy = 0;
        double xx = 0;
        double yy = 0;
        Integer[] order = new Integer[expected.length];
        long[] ulps = new long[expected.length];
        for (int i = 0; i < expected.length; i++) {
            long u = ulpDistance(expected[i], actual[i]);
            ulps[i] = u;
            order[i] = i;
            if (u == 0) {
                exact++;
            }
            maxUlp = Math.max(maxUlp, u);
            hist[u == 0 ? 0 : u == 1 ? 1 : u < 16 ? 2 : u < 256 ? 3 : 4]++;
            double e = Float.intBitsToFloat(expected[i]);
            double a = Float.intBitsToFloat(actual[i]);
            if (Double.isFinite(e) && Double.isFinite(a)) {
                xy += e * a;
                xx += e * e;
                yy += a * a;
            }
        }
        Arrays.sort(order, (p, q) -> Long.compare(ulps[q], ulps[p]));
        List<String> worst = new ArrayList<>();
        for (int i = 0; i < Math.min(5, order.length) && ulps[order[i]] > 0; i++) {
            int idx = order[i];
            worst.add(String.format(Locale.ROOT, "(%d, %d): expected %s, actual %s, %s ulp", idx / n, idx % n,
                    Float.intBitsToFloat(expected[idx]), Float.intBitsToFloat(actual[idx]),
                    ulps[idx] == Long.MAX_VALUE ? "NaN" : Long.toString(ulps[idx])));
        }
        double calcDiff = xx + yy == 0 ? 0 : 1 - 2 * xy / (xx + yy);
        return new Stats(expected.length, exact, maxUlp, hist, calcDiff, worst);
    }

    /** Tests every hypothesis against the kernel's output; best first. */
    public static List<Finding> diagnose(Fp4GemmProblem p, int[] actual, Assumptions assumptions, int threads) {
        return diagnose(p, actual, assumptions, threads, Epilogue.NONE, null, Map.of());
    }

    /**
     * As above, for a kernel whose D went through the f32 epilogue {@code epi} (E given when beta ≠ 0);
     * {@code namedScales} (e.g. "global scale of A" → its decode value) let a constant factor be named:
     * missing (ratio 1/g), applied twice (g) or inverted (1/g²).
     */
    public static List<Finding> diagnose(Fp4GemmProblem p, int[] actual, Assumptions assumptions, int threads, Epilogue epi,
                                         int[] e, Map<String, Double> namedScales) {
        List<Hypothesis> hs = hypotheses(p, assumptions, threads);
        List<Finding> out = new ArrayList<>();
        for (Hypothesis h : hs) {
            int[] candidate;
            try {
                candidate = h.produce().apply(p);
            } catch (IllegalArgumentException notApplicable) {
                continue;
            }
            if (candidate == null) {
                continue;
            }
            if (!epi.identity()) {
                candidate = epi.apply(candidate, e);
            }
            long matches = 0;
            for (int i = 0; i < actual.length; i++) {
                if (candidate[i] == actual[i]) {
                    matches++;
                }
            }
            out.add(new Finding(h.id(), h.explanation(), h.fix(), matches, actual.length));
        }
        int[] expected = run(p, assumptions, threads);
        if (!epi.identity()) {
            expected = epi.apply(expected, e);
        }
        Finding factor = globalFactor(expected, actual, namedScales);
        if (factor != null) {
            out.add(factor);
        }
        out.sort((x, y) -> Long.compare(y.matches(), x.matches()));
        return out;
    }

    private static int[] run(Fp4GemmProblem p, Assumptions a, int threads) {
        return p.run(Fp4GemmEngine.FAST, a, threads, Progress.NONE);
    }

    private static List<Hypothesis> hypotheses(Fp4GemmProblem p, Assumptions a, int threads) {
        int kb = p.k() / p.blockSize();
        ScaleFactorLayout other = p.layout() == ScaleFactorLayout.LINEAR ? ScaleFactorLayout.CUBLAS : ScaleFactorLayout.LINEAR;
        List<Hypothesis> hs = new ArrayList<>();
        hs.add(new Hypothesis("correct", "the kernel matches the hardware bit for bit", "nothing to fix",
                q -> run(q, a, threads)));
        hs.add(new Hypothesis("scale-layout",
                "the kernel reads the scale factors in the " + other.cliName() + " layout, but they are stored " + p.layout().cliName(),
                "convert the scales (fp4sim layout) or fix the kernel's scale-factor indexing (isa.md §6, 128x4 atoms)",
                q -> {
                    byte[] sfa = reinterpret(q.sfa(), q.m(), kb, q.layout(), other);
                    byte[] sfb = reinterpret(q.sfb(), q.n(), kb, q.layout(), other);
                    return run(q.with(q.a(), q.b(), sfa, sfb, ScaleFactorLayout.LINEAR), a, threads);
                }));
        hs.add(new Hypothesis("scale-transposed",
                "the kernel reads each scale matrix transposed (K-blocks × rows instead of rows × K-blocks)",
                "store scales row-major per row of A / row of Bᵀ, K-blocks fastest",
                q -> {
                    byte[] la = Fp4GemmProblem.toLinear(q.sfa(), q.m(), kb, q.layout());
                    byte[] lb = Fp4GemmProblem.toLinear(q.sfb(), q.n(), kb, q.layout());
                    return run(q.with(q.a(), q.b(), transpose(la, kb, q.m()), transpose(lb, kb, q.n()), ScaleFactorLayout.LINEAR), a, threads);
                }));
        // Swapping the nibbles of both operands swaps products pairwise inside a 16-group: invisible.
        // Swapping one operand's gives the same products whichever operand it is (sum a[σk]·b[k] =
        // sum a[k]·b[σk], σ the pair swap, and the fused sum of one instruction does not depend on term
        // order), so the output cannot tell A from B: one hypothesis, both named.
        hs.add(new Hypothesis("nibble-order",
                "A or B (the output cannot tell which) is packed high nibble first; the hardware takes element 2i from the low nibble",
                "pack (x[2i+1] << 4) | x[2i] (isa.md §3.6; cvt.e2m1x2 puts its first operand in the upper nibble)",
                q -> run(q.with(swapNibbles(q.a()), q.b(), q.sfa(), q.sfb(), q.layout()), a, threads)));
        hs.add(new Hypothesis("a-b-swapped",
                "the kernel computed B·Aᵀ: its output is the transpose of D",
                "swap the A and B operands (or the M and N roles) in the kernel launch",
                q -> {
                    if (q.m() != q.n()) {
                        return null;
                    }
                    int[] d = run(q, a, threads);
                    int[] t = new int[d.length];
                    for (int i = 0; i < q.m(); i++) {
                        for (int j = 0; j < q.n(); j++) {
                            t[j * q.n() + i] = d[i * q.n() + j];
                        }
                    }
                    return t;
                }));
        hs.add(new Hypothesis("rne-accumulation",
                "the kernel's sum is rounded to nearest from a wider exact sum; the tensor core truncates each "
                        + "instruction's fused sum at 35 fractional bits and rounds toward zero (numerics.md §3)",
                "expect ulp-level differences from non-tensor-core references; compare against fp4sim, not an FP32 CPU GEMM",
                q -> exactRne(q)));
        hs.add(new Hypothesis("block-size",
                "the kernel uses " + (p.blockSize() == 16 ? 32 : 16) + "-element scale blocks, but the scales were made for " + p.blockSize(),
                "match the instruction's .block16/.block32 (scale_vec::4X/2X) to the quantiser's block size",
                q -> {
                    int otherBlock = q.blockSize() == 16 ? 32 : 16;
                    int kbOther = q.k() / otherBlock;
                    byte[] la = Fp4GemmProblem.toLinear(q.sfa(), q.m(), kb, q.layout());
                    byte[] lb = Fp4GemmProblem.toLinear(q.sfb(), q.n(), kb, q.layout());
                    // the same bytes read with the other row length (rows x K/block')
                    byte[] ra = java.util.Arrays.copyOf(la, q.m() * kbOther);
                    byte[] rb = java.util.Arrays.copyOf(lb, q.n() * kbOther);
                    return run(new Fp4GemmProblem(q.m(), q.n(), q.k(), q.scaleFormat(), otherBlock, q.a(), q.b(), ra, rb,
                            ScaleFactorLayout.LINEAR, q.c()), a, threads);
                }));
        hs.add(new Hypothesis("fp16-accumulation",
                "the kernel keeps its accumulator in FP16 between K-steps; the tensor core accumulates in FP32",
                "accumulate in f32 (kind::mxf4nvf4 only writes f32 D); convert once in the epilogue",
                q -> fp16Chain(q, a)));
        hs.add(new Hypothesis("split-k",
                "the kernel splits K in two and adds the halves in f32 (split-K / stream-K)",
                "a legal reassociation: compare with a split-K tolerant check, or disable split-K",
                q -> {
                    if (q.k() % 128 != 0) {
                        return null;
                    }
                    int half = q.k() / 2;
                    Fp4GemmProblem lo = halfK(q, 0, half);
                    Fp4GemmProblem hi = halfK(q, half, half);
                    int[] d0 = run(lo, a, threads);
                    int[] d1 = run(new Fp4GemmProblem(hi.m(), hi.n(), hi.k(), hi.scaleFormat(), hi.blockSize(), hi.a(), hi.b(),
                            hi.sfa(), hi.sfb(), hi.layout(), null), a, threads);
                    int[] out = new int[d0.length];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Float.floatToRawIntBits(Float.intBitsToFloat(d0[i]) + Float.intBitsToFloat(d1[i]));
                    }
                    return out;
                }));
        hs.add(new Hypothesis("k-order-reversed",
                "the kernel runs its K = 64 steps in reverse k order (e.g. a K loop counting down); f32 accumulation is not associative",
                "a legal reorder but not bit-identical: iterate k upward, or compare with --tolerant",
                q -> q.k() == 64 ? null : run(reverseK(q), a, threads)));
        return hs;
    }

    /** A constant factor between kernel and hardware output: a global scale or alpha missing, inverted or doubled. */
    private static Finding globalFactor(int[] expected, int[] actual, Map<String, Double> namedScales) {
        double[] ratios = new double[actual.length];
        int n = 0;
        for (int i = 0; i < actual.length; i++) {
            double e = Float.intBitsToFloat(expected[i]);
            double x = Float.intBitsToFloat(actual[i]);
            if (e != 0 && Double.isFinite(e) && Double.isFinite(x) && Math.abs(e) > 1e-30) {
                ratios[n++] = x / e;
            }
        }
        if (n == 0) {
            return null;
        }
        double[] r = Arrays.copyOf(ratios, n);
        Arrays.sort(r);
        double median = r[n / 2];
        if (median == 0 || Math.abs(median - 1) < 1e-6) {
            return null;
        }
        long close = 0;
        for (double v : r) {
            if (Math.abs(v / median - 1) < 1e-6) {
                close++;
            }
        }
        String named = nameFactor(median, namedScales);
        if (named != null) {
            return new Finding("global-factor", String.format(Locale.ROOT, "the kernel's output is the hardware's times %.9g: %s",
                    median, named), "apply alpha = global_scale_A · global_scale_B exactly once, in the epilogue", close, actual.length);
        }
        String hint = Math.abs(Math.log(Math.abs(median)) - Math.log(2688)) < 0.5 || Math.abs(Math.log(Math.abs(median)) + Math.log(2688)) < 0.5
                ? " (close to 448·6 = 2688: the per-tensor global scale, applied in the wrong direction or not at all)" : "";
        return new Finding("global-factor", String.format(Locale.ROOT,
                "the kernel's output is the hardware's times %.9g%s: a per-tensor global scale or alpha is missing, inverted or applied twice",
                median, hint), "apply alpha = global_scale_A · global_scale_B exactly once, in the epilogue", close, actual.length);
    }

    /** Which known scale explains a constant ratio kernel/expected: missing (1/g), twice (g), inverted (1/g²). */
    static String nameFactor(double ratio, Map<String, Double> scales) {
        for (Map.Entry<String, Double> s : scales.entrySet()) {
            double g = s.getValue();
            if (g == 1 || !(g > 0)) {
                continue;
            }
            if (Math.abs(ratio * g - 1) < 1e-6) {
                return "the " + s.getKey() + " (" + g + ") is MISSING";
            }
            if (Math.abs(ratio / g - 1) < 1e-6) {
                return "the " + s.getKey() + " (" + g + ") is APPLIED TWICE";
            }
            if (Math.abs(ratio * g * g - 1) < 1e-6) {
                return "the " + s.getKey() + " (" + g + ") is INVERTED (divided by instead of multiplied)";
            }
        }
        return null;
    }

    /**
     * Reassociation-tolerant check: K-orders a kernel may legally use (the instruction chain in k order,
     * K split in two halves added in f32, the chain in reverse k order). Returns, per legal order, how
     * many elements only it explains, or null if some element is reachable by none of them.
     */
    public static Map<String, Long> legalOrders(Fp4GemmProblem p, int[] actual, Assumptions assumptions, int threads, Epilogue epi, int[] e) {
        List<String> ids = List.of("correct", "split-k", "k-order-reversed");
        Map<String, int[]> cands = new java.util.LinkedHashMap<>();
        for (Hypothesis h : hypotheses(p, assumptions, threads)) {
            if (ids.contains(h.id())) {
                int[] c = h.produce().apply(p);
                if (c != null) {
                    cands.put(h.id(), epi.identity() ? c : epi.apply(c, e));
                }
            }
        }
        Map<String, Long> used = new java.util.LinkedHashMap<>();
        cands.keySet().forEach(k -> used.put(k, 0L));
        for (int i = 0; i < actual.length; i++) {
            String first = null;
            for (Map.Entry<String, int[]> c : cands.entrySet()) {
                if (c.getValue()[i] == actual[i]) {
                    first = c.getKey();
                    break;
                }
            }
            if (first == null) {
                return null;
            }
            used.merge(first, 1L, Long::sum);
        }
        return used;
    }

    /** The same operands with the K = 64 instructions in reverse order (C still enters first). */
    static Fp4GemmProblem reverseK(Fp4GemmProblem q) {
        int kb = q.k() / q.blockSize();
        int steps = q.k() / 64;
        int per = 64 / q.blockSize();
        byte[] la = Fp4GemmProblem.toLinear(q.sfa(), q.m(), kb, q.layout());
        byte[] lb = Fp4GemmProblem.toLinear(q.sfb(), q.n(), kb, q.layout());
        return new Fp4GemmProblem(q.m(), q.n(), q.k(), q.scaleFormat(), q.blockSize(),
                reverseChunks(q.a(), q.m(), q.k() / 2, 32, steps), reverseChunks(q.b(), q.n(), q.k() / 2, 32, steps),
                reverseChunks(la, q.m(), kb, per, steps), reverseChunks(lb, q.n(), kb, per, steps), ScaleFactorLayout.LINEAR, q.c());
    }

    private static byte[] reverseChunks(byte[] x, int rows, int rowLen, int chunk, int chunks) {
        byte[] out = new byte[x.length];
        for (int r = 0; r < rows; r++) {
            for (int s = 0; s < chunks; s++) {
                System.arraycopy(x, r * rowLen + s * chunk, out, r * rowLen + (chunks - 1 - s) * chunk, chunk);
            }
        }
        return out;
    }

    private static byte[] reinterpret(byte[] stored, int rows, int kb, ScaleFactorLayout actual, ScaleFactorLayout assumedByKernel) {
        if (actual == ScaleFactorLayout.LINEAR) {
            // The kernel indexes the linear bytes as if tiled: it needs the padded size.
            var t = new dev.fp4sim.isa.layout.TiledScaleLayout(rows, kb);
            if (stored.length != t.sizeBytes()) {
                throw new IllegalArgumentException("sizes differ");
            }
            return t.toLinear(stored);
        }
        // Stored tiled, read as linear: the first rows·kb bytes taken row-major.
        return Arrays.copyOf(stored, rows * kb);
    }

    static byte[] transpose(byte[] x, int rows, int cols) {
        byte[] t = new byte[x.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = x[r * cols + c];
            }
        }
        return t;
    }

    static byte[] swapNibbles(byte[] x) {
        byte[] t = new byte[x.length];
        for (int i = 0; i < x.length; i++) {
            t[i] = (byte) (((x[i] & 0x0F) << 4) | ((x[i] >>> 4) & 0x0F));
        }
        return t;
    }

    private static Fp4GemmProblem halfK(Fp4GemmProblem q, int k0, int len) {
        int kb = q.k() / q.blockSize();
        byte[] la = Fp4GemmProblem.toLinear(q.sfa(), q.m(), kb, q.layout());
        byte[] lb = Fp4GemmProblem.toLinear(q.sfb(), q.n(), kb, q.layout());
        return new Fp4GemmProblem(q.m(), q.n(), len, q.scaleFormat(), q.blockSize(),
                slice(q.a(), q.m(), q.k() / 2, k0 / 2, len / 2), slice(q.b(), q.n(), q.k() / 2, k0 / 2, len / 2),
                slice(la, q.m(), kb, k0 / q.blockSize(), len / q.blockSize()),
                slice(lb, q.n(), kb, k0 / q.blockSize(), len / q.blockSize()), ScaleFactorLayout.LINEAR, q.c());
    }

    private static byte[] slice(byte[] x, int rows, int rowLen, int from, int len) {
        byte[] out = new byte[rows * len];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * rowLen + from, out, r * len, len);
        }
        return out;
    }

    /** The chain with D rounded to f16 (RNE) after every K = 64 instruction, as an FP16 accumulator would. */
    static int[] fp16Chain(Fp4GemmProblem q, Assumptions a) {
        var unit = new dev.fp4sim.sim.datapath.BlockScaledFp4(q.scaleFormat(), q.blockSize(), a.blockScaled("oracle", 35, -139));
        var ops = q.operands();
        int[] out = new int[q.m() * q.n()];
        int spr = ops.scalesPerRow();
        int per = 64 / q.blockSize();
        var f16 = dev.fp4sim.isa.format.FloatFormat.F16;
        for (int i = 0; i < q.m(); i++) {
            for (int j = 0; j < q.n(); j++) {
                int d = ops.cBits(i, j);
                for (int s = 0; s < q.k() / 64; s++) {
                    d = unit.mma(ops.a(), i * ops.rowBytes() + s * 32, ops.b(), j * ops.rowBytes() + s * 32,
                            ops.sfa(), i * spr + s * per, ops.sfb(), j * spr + s * per, d);
                    float h = (float) f16.toDouble(f16.encode(Float.intBitsToFloat(d), dev.fp4sim.isa.format.Rounding.RNE, false));
                    d = Float.floatToRawIntBits(h);
                }
                out[i * q.n() + j] = d;
            }
        }
        return out;
    }

    /** f32 RNE of the sum computed in double (exact for these magnitudes in practice): a "CPU reference". */
    static int[] exactRne(Fp4GemmProblem q) {
        var ops = q.operands();
        var sf = q.scaleFormat();
        int[] out = new int[q.m() * q.n()];
        int spr = ops.scalesPerRow();
        for (int i = 0; i < q.m(); i++) {
            for (int j = 0; j < q.n(); j++) {
                double s = ops.c() == null ? 0 : Float.intBitsToFloat(ops.c()[i * q.n() + j]);
                for (int k = 0; k < q.k(); k++) {
                    int ca = (ops.a()[i * q.k() / 2 + k / 2] >>> ((k & 1) * 4)) & 0xF;
                    int cb = (ops.b()[j * q.k() / 2 + k / 2] >>> ((k & 1) * 4)) & 0xF;
                    double sa = sf.toDouble(ops.sfa()[i * spr + k / q.blockSize()] & (sf == dev.fp4sim.isa.format.FloatFormat.UE4M3 ? 0x7F : 0xFF));
                    double sb = sf.toDouble(ops.sfb()[j * spr + k / q.blockSize()] & (sf == dev.fp4sim.isa.format.FloatFormat.UE4M3 ? 0x7F : 0xFF));
                    s += dev.fp4sim.isa.format.FloatFormat.E2M1.toDouble(ca) * dev.fp4sim.isa.format.FloatFormat.E2M1.toDouble(cb) * sa * sb;
                }
                out[i * q.n() + j] = Float.floatToRawIntBits((float) s);
            }
        }
        return out;
    }
}
