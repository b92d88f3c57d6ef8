package dev.fp4sim.cli;

import dev.fp4sim.verification.cuda.CudaException;
import dev.fp4sim.verification.cuda.CudaPath;
import dev.fp4sim.verification.cuda.CudaProgram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "status",
        description = {"Say what the CUDA path found on this machine: nvcc (PATH, then CUDA_HOME/bin) and its",
                "version, ptxas, the GPU (nvidia-smi: name, compute capability, driver) or why there is none,",
                "the cache directory compiled programs go to, and which checks can run here.",
                "Exit status 1 with --compile if a program fails to compile.",
                "", "Examples:", "  fp4sim cuda status", "  fp4sim cuda status --compile"})
final class CudaStatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--compile", description = "compile-check every program for its target now (cached by source hash)")
    boolean compile;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CudaPath p = CudaPath.detect();
        out.println("nvcc:      " + p.nvcc().map(n -> n + " (" + p.nvccVersion().orElse("?") + ")")
                .orElse("none (" + p.noNvccReason().orElse("?") + ")"));
        out.println("ptxas:     " + p.ptxas().map(Object::toString).orElse("none"));
        out.println("GPU:       " + p.gpu().map(g -> g.name() + ", compute capability " + g.computeCapability() + " ("
                + g.arch() + "), driver " + g.driverVersion()).orElse("none (" + p.noGpuReason().orElse("?") + ")"));
        out.println("cache dir: " + p.cacheDir());
        int major = p.gpu().map(CudaPath.Gpu::major).orElse(-1);
        out.println("can run here:");
        out.println("  compile checks (mvn verify)          " + (p.nvcc().isPresent() ? "yes" : "no"));
        out.println("  emulate --cpu vs the simulator       " + (p.nvcc().isPresent() ? "yes" : "no"));
        out.println("  emulate on the GPU                   " + yes(p, major >= 8));
        out.println("  probe_sm100 (tcgen05, Blackwell)     " + yes(p, major == 10));
        out.println("  probe_sm90 wgmma (Hopper)            " + yes(p, major == 9));
        out.println("  probe_sm90 mma.sync (Ampere..Hopper) " + yes(p, major == 8 || major == 9));
        out.println("GPU properties: mvn verify -Pcuda (docs/cuda.md)");
        out.flush();
        if (!compile) {
            return 0;
        }
        int failed = 0;
        for (CudaProgram prog : CudaProgram.values()) {
            err.println("compiling " + prog.sourceFile() + " for " + prog.checkArch() + " ...");
            err.flush();
            try {
                out.println("compiled  " + prog.sourceFile() + " for " + prog.checkArch() + ": "
                        + p.compile(prog, prog.checkArch(), CudaPath.Output.CUBIN));
            } catch (CudaException e) {
                failed++;
                out.println("FAILED    " + prog.sourceFile() + " for " + prog.checkArch() + ": " + e.getMessage());
            }
        }
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private static String yes(CudaPath p, boolean gpuFits) {
        return p.nvcc().isPresent() && gpuFits ? "yes" : "no";
    }
}
