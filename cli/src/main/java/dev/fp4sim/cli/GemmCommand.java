package dev.fp4sim.cli;

import dev.fp4sim.sim.gemm.Fp4GemmEngine;
import dev.fp4sim.verification.diagnose.Epilogue;
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
                "128x4-tiled buffer (rows padded to 128, K-blocks to 4; isa.md §6). --c is the initial",
                "accumulator (f32 (M, N) used as C by the first instruction); without it C = +0 (assumption",
                "enable-input-d-off: the hardware's enable-input-d = false is modelled as C = +0, which could only",
                "differ when every term lies below 2^-126; uncharacterised). Any array may also be a tensor of a",
                "safetensors file: FILE.safetensors:NAME (a ModelOpt checkpoint's weight and weight_scale are B, SFB).",
                "",
                "Without epilogue options D is the accumulator. The optional cuBLAS-style epilogue",
                "D = alpha·acc + beta·E runs in f32 after the tensor core (each product and the sum rounded to",
                "nearest even, no FMA); --global-scale-a/-b multiply into alpha (alpha·RNE(gA·gB)).",
                "",
                "Examples:",
                "  fp4sim gemm --a A.npy --b B.npy --sfa SFA.npy --sfb SFB.npy --format nvfp4 --out D.npy",
                "  fp4sim gemm --a X.codes.npy --sfa X.scales.npy --global-scale-a X.global.npy \\",
                "      --b model.safetensors:L.weight --sfb model.safetensors:L.weight_scale \\",
                "      --global-scale-b model.safetensors:L.weight_scale_2 --out Y.npy"})
final class GemmCommand implements Callable<Integer> {

    @Mixin
    GemmInputs inputs;
    @Option(names = "--out", required = true, paramLabel = "D.npy", description = "where to write D (float32, M x N)")
    Path out;
    @Option(names = "--engine", defaultValue = "fast", description = "fast, reference or isa (default ${DEFAULT-VALUE}); all bit-identical. isa runs the example tcgen05 kernel on the machine model (slow; K a multiple of 256, C = +0)")
    String engine;
    @Option(names = "--threads", description = "worker threads (default: all cores)")
    Integer threads;
    @Option(names = "--alpha", defaultValue = "1", description = "epilogue: D = alpha·acc + beta·E (default ${DEFAULT-VALUE})")
    float alpha;
    @Option(names = "--beta", defaultValue = "0", description = "epilogue: weight of --epilogue-c (default ${DEFAULT-VALUE})")
    float beta;
    @Option(names = "--epilogue-c", paramLabel = "E.npy", description = "epilogue: float32 (M, N) E, added as beta·E (not the accumulator's C)")
    Path epilogueC;
    @Option(names = "--global-scale-a", paramLabel = "G", description = "A's global decode scale (number, or a one-element array: X.global.npy, FILE.safetensors:NAME); multiplies alpha")
    String globalA;
    @Option(names = "--global-scale-b", paramLabel = "G", description = "B's global decode scale, like --global-scale-a (ModelOpt: weight_scale_2)")
    String globalB;
    @Mixin
    AssumeOptions assume;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Fp4GemmProblem p = inputs.load();
        Epilogue checked = epilogue(p);
        if (checked.beta() != 0f) {
            epilogueBits(p); // fail on a bad E before the long run
        }
        Fp4GemmEngine eng;
        try {
            eng = Fp4GemmEngine.byName(engine);
        } catch (IllegalArgumentException e) {
            throw new UserError("--engine: " + e.getMessage());
        }
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        long t0 = System.nanoTime();
        int[] d;
        try {
            d = p.run(eng, assume.assumptions(), t, (done, total) -> {
                double s = (System.nanoTime() - t0) / 1e9;
                if (done < total && s > 2) {
                    err.printf(Locale.ROOT, "\r%d/%d %s, %.0f s, ETA %.0f s   ", done, total, eng == Fp4GemmEngine.ISA ? "tiles" : "rows",
                            s, s * (total - done) / done);
                    err.flush();
                }
            });
        } catch (IllegalArgumentException | dev.fp4sim.sim.machine.KernelError e) {
            throw new UserError("--engine " + eng.name() + ": " + e.getMessage());
        }
        Epilogue epi = epilogue(p);
        if (!epi.identity()) {
            d = epi.apply(d, epilogueBits(p));
        }
        NpyFiles.write(NpyArray.ofFloat32Bits(d, p.m(), p.n()), out);
        o.printf(Locale.ROOT, "D (%d x %d, K = %d, %s%s) written to %s in %.2f s%n", p.m(), p.n(), p.k(), inputs.format,
                epi.identity() ? ", the accumulator" : ", epilogue alpha = " + epi.alpha() + ", beta = " + epi.beta(), out,
                (System.nanoTime() - t0) / 1e9);
        o.flush();
        return 0;
    }

    private Epilogue epilogue(Fp4GemmProblem p) {
        float g = 1f;
        if (globalA != null || globalB != null) {
            float ga = globalA == null ? 1f : NpyFiles.scalar(globalA, "--global-scale-a");
            float gb = globalB == null ? 1f : NpyFiles.scalar(globalB, "--global-scale-b");
            g = ga * gb;
        }
        if (!Float.isFinite(alpha * g) || !Float.isFinite(beta)) {
            throw new UserError("--alpha/--beta/--global-scale: the epilogue factors must be finite (alpha · gA · gB = " + alpha * g + ")");
        }
        if (beta != 0f && epilogueC == null) {
            throw new UserError("--beta " + beta + " needs --epilogue-c E.npy");
        }
        return new Epilogue(alpha * g, beta);
    }

    private int[] epilogueBits(Fp4GemmProblem p) {
        if (epilogueC == null) {
            return null;
        }
        NpyArray e = NpyFiles.read(epilogueC);
        if (e.kind() != 'f' || e.itemSize() != 4 || e.size() != (long) p.m() * p.n()) {
            throw new UserError(epilogueC + ": E must be float32 (" + p.m() + ", " + p.n() + "), found " + e.describe());
        }
        return e.float32Bits();
    }
}
