package dev.fp4sim.cli;

import dev.fp4sim.sim.gemm.Fp4GemmEngine;
import dev.fp4sim.verification.diagnose.Fp4GemmProblem;
import dev.fp4sim.verification.io.NpyArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "gemm",
        description = {
                "Compute the bits a B200 leaves in TMEM for a block-scaled FP4 GEMM (tcgen05.mma kind::mxf4nvf4",
                "or kind::mxf4, chained K=64 instructions in k order, f32 accumulate), from the bytes your kernel",
                "sees, and write D as float32 (M, N).",
                "",
                "Conventions (cuBLAS FP4 is TN only): A uint8 (M, K/2) and B uint8 (N, K/2) = Bᵀ, both K-major,",
                "element 2i in the LOW nibble. Scales uint8: linear (rows, K/block), or with --sf-layout cublas the",
                "128x4-tiled buffer (rows padded to 128, K-blocks to 4; isa.md §6). No global scale or alpha is",
                "applied: D is the accumulator (multiply by alpha = global_A · global_B yourself, in f32).",
                "",
                "Example:",
                "  fp4sim gemm --a A.npy --b B.npy --sfa SFA.npy --sfb SFB.npy --format nvfp4 --out D.npy"})
final class GemmCommand implements Callable<Integer> {

    @Mixin
    GemmInputs inputs;
    @Option(names = "--out", required = true, paramLabel = "D.npy", description = "where to write D (float32, M x N)")
    Path out;
    @Option(names = "--engine", defaultValue = "fast", description = "fast or reference (default ${DEFAULT-VALUE}); both bit-identical")
    String engine;
    @Option(names = "--threads", description = "worker threads (default: all cores)")
    Integer threads;
    @Mixin
    AssumeOptions assume;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Fp4GemmProblem p = inputs.load();
        Fp4GemmEngine eng;
        try {
            eng = Fp4GemmEngine.byName(engine);
        } catch (IllegalArgumentException e) {
            throw new UserError("--engine: " + e.getMessage());
        }
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        long t0 = System.nanoTime();
        int[] d = p.run(eng, assume.assumptions(), t, (done, total) -> {
            double s = (System.nanoTime() - t0) / 1e9;
            if (done < total && s > 2) {
                err.printf(Locale.ROOT, "\r%d/%d rows, %.0f s, ETA %.0f s   ", done, total, s, s * (total - done) / done);
                err.flush();
            }
        });
        NpyFiles.write(NpyArray.ofFloat32Bits(d, p.m(), p.n()), out);
        o.printf(Locale.ROOT, "D (%d x %d, K = %d, %s) written to %s in %.2f s%n", p.m(), p.n(), p.k(), inputs.format, out,
                (System.nanoTime() - t0) / 1e9);
        o.flush();
        return 0;
    }
}
