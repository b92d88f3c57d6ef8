package dev.fp4sim.cli;

import dev.fp4sim.verification.diagnose.Epilogue;
import dev.fp4sim.verification.diagnose.Fp4GemmProblem;
import dev.fp4sim.verification.diagnose.KernelDiagnosis;
import dev.fp4sim.verification.io.NpyArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "compare",
        description = {
                "Compare your kernel's D with the hardware's, bit for bit, and say why they differ.",
                "",
                "With the GEMM inputs (--a --b --sfa --sfb ...), fp4sim computes the expected D itself and tests",
                "concrete hypotheses against your output: scales in the wrong layout or transposed, FP4 nibble",
                "order, A/B swapped, a global scale missing, inverted or applied twice (named when you give",
                "--global-scale-a/-b), round-to-nearest accumulation instead of the tensor core's truncation,",
                "FP16 accumulation, wrong block size, split-K, a reversed K loop. Without inputs, give EXPECTED.npy too.",
                "If your kernel applies an epilogue, give the same --alpha/--global-scale-a/-b/--beta/--epilogue-c",
                "as for fp4sim gemm. --tolerant accepts any legal K order (k order, split-K halves, reversed) and says which.",
                "",
                "Prints exact matches, the ulp histogram, the worst elements, DeepGEMM's calc_diff, and the",
                "diagnosis. Exit 0 if every element matches, 1 otherwise.",
                "",
                "Examples:",
                "  fp4sim compare KERNEL_D.npy --a A.npy --b B.npy --sfa SFA.npy --sfb SFB.npy --format nvfp4",
                "  fp4sim compare EXPECTED.npy KERNEL_D.npy"})
final class CompareCommand implements Callable<Integer> {

    @Parameters(arity = "1..2", paramLabel = "FILE", description = "ACTUAL.npy, or EXPECTED.npy ACTUAL.npy (float32 M x N)")
    List<Path> files;
    @Mixin
    GemmInputs inputs;
    @Option(names = "--alpha", defaultValue = "1", description = "the kernel's epilogue: D = alpha·acc + beta·E (default ${DEFAULT-VALUE})")
    float alpha;
    @Option(names = "--beta", defaultValue = "0", description = "the kernel's epilogue beta (default ${DEFAULT-VALUE})")
    float beta;
    @Option(names = "--epilogue-c", paramLabel = "E.npy", description = "the kernel's epilogue E, float32 (M, N)")
    Path epilogueC;
    @Option(names = "--global-scale-a", paramLabel = "G", description = "A's global decode scale (number or one-element array); multiplies alpha and lets a missing/doubled/inverted scale be named")
    String globalA;
    @Option(names = "--global-scale-b", paramLabel = "G", description = "B's global decode scale, like --global-scale-a")
    String globalB;
    @Option(names = "--tolerant", description = "accept any legal K order (k order, split-K halves, reversed k): exit 0 if every element is reachable")
    boolean tolerant;
    @Mixin
    AssumeOptions assume;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        Path actualPath = files.get(files.size() - 1);
        int[] actual = float32(actualPath);
        Fp4GemmProblem p = inputs.given() ? inputs.load() : null;
        float ga = globalA == null ? 1f : NpyFiles.scalar(globalA, "--global-scale-a");
        float gb = globalB == null ? 1f : NpyFiles.scalar(globalB, "--global-scale-b");
        if (beta != 0f && epilogueC == null) {
            throw new UserError("--beta " + beta + " needs --epilogue-c E.npy");
        }
        epi = new Epilogue(alpha * (ga * gb), beta);
        if (!epi.identity() && files.size() == 2) {
            throw new UserError("--alpha/--beta/--global-scale describe how fp4sim computes EXPECTED; with EXPECTED.npy given they do not apply");
        }
        int[] expected;
        int n;
        if (files.size() == 2) {
            expected = float32(files.get(0));
            NpyArray ea = NpyFiles.read(files.get(0));
            n = (int) ea.shape()[ea.shape().length - 1];
        } else if (p != null) {
            expected = p.run(dev.fp4sim.sim.gemm.Fp4GemmEngine.FAST, assume.assumptions(), Runtime.getRuntime().availableProcessors(),
                    dev.fp4sim.sim.gemm.Progress.NONE);
            if (!epi.identity()) {
                expected = epi.apply(expected, eBits(p));
            }
            n = p.n();
        } else {
            throw new UserError("give EXPECTED.npy ACTUAL.npy, or ACTUAL.npy with the GEMM inputs (--a --b --sfa --sfb)");
        }
        if (expected.length != actual.length) {
            throw new UserError(actualPath + ": has " + actual.length + " elements, expected " + expected.length);
        }
        KernelDiagnosis.Stats s = KernelDiagnosis.stats(expected, actual, n);
        o.printf(Locale.ROOT, "%d of %d elements bit-identical (%.4f%%)%n", s.exact(), s.total(), 100.0 * s.exact() / s.total());
        o.print("ulp histogram:");
        for (int i = 0; i < s.histogram().length; i++) {
            o.printf(Locale.ROOT, "  %s: %d", KernelDiagnosis.Stats.BUCKETS[i], s.histogram()[i]);
        }
        o.println();
        o.printf(Locale.ROOT, "calc_diff (DeepGEMM): %.3e%n", s.calcDiff());
        for (String w : s.worst()) {
            o.println("  worst " + w);
        }
        if (p != null && s.exact() != s.total()) {
            int threads = Runtime.getRuntime().availableProcessors();
            if (tolerant) {
                Map<String, Long> legal = KernelDiagnosis.legalOrders(p, actual, assume.assumptions(), threads, epi, eBits(p));
                if (legal != null) {
                    o.println("tolerant: every element is reachable by a legal K order; elements per order: " + legal);
                    o.flush();
                    return 0;
                }
                o.println("tolerant: some elements are reachable by no legal K order (k order, split-K halves, reversed k)");
            }
            o.println("diagnosis:");
            Map<String, Double> scales = new LinkedHashMap<>();
            if (globalA != null) {
                scales.put("global scale of A", (double) ga);
            }
            if (globalB != null) {
                scales.put("global scale of B", (double) gb);
            }
            if (epi.alpha() != 1f) {
                scales.put("alpha (epilogue)", (double) epi.alpha());
            }
            List<KernelDiagnosis.Finding> fs = KernelDiagnosis.diagnose(p, actual, assume.assumptions(), threads, epi, eBits(p), scales);
            KernelDiagnosis.Finding best = fs.get(0);
            if (best.fraction() > 0.999) {
                o.println("  LIKELY: " + best.explanation());
                o.println("  fix: " + best.fix());
            } else {
                o.println("  no single tested hypothesis explains the output; closest:");
            }
            for (KernelDiagnosis.Finding f : fs) {
                o.printf(Locale.ROOT, "  %-17s reproduces %6.2f%% of your output%n", f.id(), 100 * f.fraction());
            }
        }
        o.flush();
        return s.exact() == s.total() ? 0 : Main.EXIT_FAILED;
    }

    private Epilogue epi;

    private int[] eBits(Fp4GemmProblem p) {
        if (epilogueC == null || epi.beta() == 0f) {
            return null;
        }
        NpyArray e = NpyFiles.read(epilogueC);
        if (e.kind() != 'f' || e.itemSize() != 4 || e.size() != (long) p.m() * p.n()) {
            throw new UserError(epilogueC + ": E must be float32 (" + p.m() + ", " + p.n() + "), found " + e.describe());
        }
        return e.float32Bits();
    }

    private static int[] float32(Path p) {
        NpyArray a = NpyFiles.read(p);
        if (a.kind() != 'f' || a.itemSize() != 4) {
            throw new UserError(p + ": expected float32, found " + a.dtype());
        }
        return a.float32Bits();
    }
}
