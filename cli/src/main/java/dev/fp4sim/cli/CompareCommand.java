package dev.fp4sim.cli;

import dev.fp4sim.verification.diagnose.Fp4GemmProblem;
import dev.fp4sim.verification.diagnose.KernelDiagnosis;
import dev.fp4sim.verification.io.NpyArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "compare",
        description = {
                "Compare your kernel's D with the hardware's, bit for bit, and say why they differ.",
                "",
                "With the GEMM inputs (--a --b --sfa --sfb ...), fp4sim computes the expected D itself and tests",
                "concrete hypotheses against your output: scales in the wrong layout or transposed, FP4 nibble",
                "order, A/B swapped, a global scale missing or applied twice, round-to-nearest accumulation",
                "instead of the tensor core's truncation, split-K. Without inputs, give EXPECTED.npy too.",
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
        int[] expected;
        int n;
        if (files.size() == 2) {
            expected = float32(files.get(0));
            NpyArray ea = NpyFiles.read(files.get(0));
            n = (int) ea.shape()[ea.shape().length - 1];
        } else if (p != null) {
            expected = p.run(dev.fp4sim.sim.gemm.Fp4GemmEngine.FAST, assume.assumptions(), Runtime.getRuntime().availableProcessors(),
                    dev.fp4sim.sim.gemm.Progress.NONE);
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
            o.println("diagnosis:");
            List<KernelDiagnosis.Finding> fs = KernelDiagnosis.diagnose(p, actual, assume.assumptions(), Runtime.getRuntime().availableProcessors());
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

    private static int[] float32(Path p) {
        NpyArray a = NpyFiles.read(p);
        if (a.kind() != 'f' || a.itemSize() != 4) {
            throw new UserError(p + ": expected float32, found " + a.dtype());
        }
        return a.float32Bits();
    }
}
