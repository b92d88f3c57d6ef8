package dev.fp4sim.cli;

import dev.fp4sim.verification.cuda.CudaBatch;
import dev.fp4sim.verification.cuda.CudaCompare;
import dev.fp4sim.verification.cuda.CudaException;
import dev.fp4sim.verification.cuda.CudaPath;
import dev.fp4sim.verification.cuda.CudaProgram;
import dev.fp4sim.verification.cuda.OpenQuestions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "experiments",
        description = {"The experiments that settle the numerics' open parameters (docs/cuda.md, \"Open questions\"):",
                "for each, the competing hypotheses and a small set of inputs on which they give different",
                "bits. With --run, probe_sm100 runs them on a Blackwell GPU and each experiment prints which",
                "hypothesis the hardware agrees with; record that verdict with the run's provenance.",
                "", "Examples:", "  fp4sim cuda experiments", "  fp4sim cuda experiments --run --seed 3"})
final class CudaExperimentsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--run", description = "run on the GPU (needs nvcc and compute capability 10.x)")
    boolean run;

    @Option(names = "--seed", defaultValue = "7", description = "seed of the input search (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--per-pair", defaultValue = "5", description = "cases separating each pair of hypotheses (default ${DEFAULT-VALUE})")
    int perPair;

    @Override
    public Integer call() {
        if (perPair < 1 || perPair > 1000) {
            throw new UserError("--per-pair: must be in [1, 1000], got " + perPair);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CudaPath p = run ? CudaPath.detect() : null;
        if (run) {
            int major = p.gpu().map(CudaPath.Gpu::major).orElse(-1);
            if (p.nvcc().isEmpty() || major != 10) {
                throw new UserError("--run: needs nvcc and a Blackwell GPU (compute capability 10.x): "
                        + p.noNvccReason().orElse(p.noGpuReason().orElse("found " + p.gpu().map(CudaPath.Gpu::name).orElse("?"))));
            }
        }
        for (OpenQuestions.Experiment e : OpenQuestions.experiments()) {
            err.println("designing " + e.key() + " ...");
            err.flush();
            OpenQuestions.Design d = OpenQuestions.design(e, seed, perPair, 500_000);
            out.printf("%s: %s%n  on %s, %d distinguishing cases; hypotheses: %s%n", e.key(), e.question(),
                    CudaCompare.operation(e.variant()) + " " + e.variant().scaleFormat().ptxName(), d.cases().size(),
                    String.join(", ", e.hypotheses().stream().map(OpenQuestions.Hypothesis::name).toList()));
            if (run) {
                List<CudaBatch.Case> batch = d.cases().stream().map(CudaCompare::record).toList();
                try {
                    int[] hw = p.run(CudaProgram.PROBE_SM100, "sm_100a", e.variant(), 64, CudaBatch.Options.NONE, batch);
                    out.print(OpenQuestions.verdict(d, hw));
                } catch (CudaException ex) {
                    out.println("  FAILED to run: " + ex.getMessage());
                    out.flush();
                    return 1;
                }
            }
        }
        out.flush();
        return 0;
    }
}
