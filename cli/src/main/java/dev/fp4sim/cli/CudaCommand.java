package dev.fp4sim.cli;

import dev.fp4sim.verification.cuda.CudaPath;
import dev.fp4sim.verification.cuda.Fp4Batch;
import dev.fp4sim.verification.cuda.OpenQuestionProbes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fp4sim cuda}: the real CUDA path (docs/cuda.md). */
@Command(name = "cuda",
        description = {"The CUDA path: what this machine has (nvcc, GPU), and the probes that settle the",
                "open questions of the numerics on real hardware (docs/cuda.md).", "",
                "Examples:", "  fp4sim cuda status", "  fp4sim cuda probes --out probes/ --run"},
        subcommands = {CudaCommand.Status.class, CudaCommand.Probes.class})
final class CudaCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Path root() {
        String r = System.getenv("FP4SIM_ROOT");
        return Path.of(r != null ? r : System.getProperty("fp4sim.root", ".")).toAbsolutePath().normalize();
    }

    @Command(name = "status", description = {"Show nvcc, the GPUs nvidia-smi lists, and where built programs are cached."})
    static final class Status implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            var nvcc = CudaPath.findNvcc();
            out.println("nvcc: " + nvcc.map(Path::toString).orElse("not found (PATH, $CUDA_HOME/bin, /usr/local/cuda/bin)"));
            if (nvcc.isPresent()) {
                out.println("      " + CudaPath.find(root().resolve("verification/cuda"), root().resolve("verification/target/cuda-cache")).get().nvccVersion());
            }
            List<String> gpus = CudaPath.gpus();
            out.println("GPU:  " + (gpus.isEmpty() ? "none (hardware tests are reported as skipped)" : String.join("; ", gpus)));
            out.println("sources: " + root().resolve("verification/cuda") + (Files.isDirectory(root().resolve("verification/cuda")) ? "" : " (missing: set FP4SIM_ROOT)"));
            out.println("cache:   " + root().resolve("verification/target/cuda-cache"));
            out.flush();
            return 0;
        }
    }

    @Command(name = "probes", description = {
            "Write the distinguishing inputs for the open numerics questions (FP4 fractional bits 34-37,",
            "zero-term rule, ue4m3 sign bit, Hopper FP8 13 vs 14 bits) as FP4B batches with every",
            "hypothesis's prediction; with --run and a GPU, run them and print which hypothesis the",
            "hardware follows."})
    static final class Probes implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "directory for the batches and predictions")
        Path out;
        @Option(names = "--per-question", defaultValue = "16")
        int perQuestion;
        @Option(names = "--run", description = "build the probe for this GPU and run the batches")
        boolean run;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter o = spec.commandLine().getOut();
            Files.createDirectories(out);
            List<OpenQuestionProbes.Question> qs = OpenQuestionProbes.all(perQuestion);
            for (var q : qs) {
                List<Fp4Batch.Case> cases = new ArrayList<>();
                StringBuilder pred = new StringBuilder("case\t" + String.join("\t", q.probes().get(0).predictions().keySet()) + "\n");
                for (int i = 0; i < q.probes().size(); i++) {
                    var p = q.probes().get(i);
                    cases.add(p.input());
                    pred.append(i);
                    for (int v : p.predictions().values()) {
                        pred.append('\t').append(String.format("%08x", v));
                    }
                    pred.append('\n');
                }
                Fp4Batch.write(out.resolve(q.id() + ".batch"), q.kind(), q.probes().get(0).k(), q.params(), cases);
                Files.writeString(out.resolve(q.id() + ".predictions.tsv"), pred);
                o.println(q.id() + ": " + q.probes().size() + " inputs -> " + out.resolve(q.id() + ".batch") + "  (" + q.description() + ")");
            }
            if (!run) {
                o.println("Run them on a GPU with: fp4sim cuda probes --out " + out + " --run");
            } else if (CudaPath.gpus().isEmpty()) {
                throw new UserError("--run: no GPU here (nvidia-smi lists none); the batches are written, run them where a GPU is");
            } else {
                var cuda = CudaPath.find(root().resolve("verification/cuda"), root().resolve("verification/target/cuda-cache"))
                        .orElseThrow(() -> new UserError("--run: nvcc not found"));
                boolean blackwell = CudaPath.gpus().stream().anyMatch(g -> g.contains("B200") || g.contains("B300"));
                for (var q : qs) {
                    boolean fp8 = q.kind() == Fp4Batch.Kind.E4M3_E4M3_F32;
                    if (!fp8 && !blackwell) {
                        o.println(q.id() + ": needs a Blackwell GPU, skipped");
                        continue;
                    }
                    Path exe = cuda.compileExecutable(fp8 ? CudaPath.Program.PROBE_SM90 : CudaPath.Program.PROBE_SM100);
                    int[] hw = CudaPath.runBatch(exe, out.resolve(q.id() + ".batch"), false);
                    String v = q.verdict(hw);
                    o.println(q.id() + ": hardware follows " + (v == null ? "NONE of the hypotheses (record the case)" : v)
                            + "  [" + String.join("; ", CudaPath.gpus()) + ", " + cuda.nvccVersion() + "]");
                }
            }
            o.flush();
            return 0;
        }
    }
}
