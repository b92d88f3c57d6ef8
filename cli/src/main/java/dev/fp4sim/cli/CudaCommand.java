package dev.fp4sim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fp4sim cuda}: the CUDA path (probes on real tensor cores, the GPU emulator); docs/cuda.md. */
@Command(name = "cuda",
        description = {
                "The CUDA path: NVIDIA's nvcc and a GPU, where present, check the simulator against real",
                "tensor cores (probe_sm100 on Blackwell, probe_sm90 on Hopper/Ampere) and against an",
                "independent CUDA implementation of the arithmetic (emulate). See docs/cuda.md.",
                "",
                "Examples:",
                "  fp4sim cuda status                 what was found: nvcc, GPU, cache directory",
                "  fp4sim cuda status --compile       also compile-check the three programs now",
                "  fp4sim cuda experiments            the open-question experiments, ready to run",
                "  fp4sim cuda experiments --run      run them on a Blackwell GPU and print verdicts"},
        subcommands = {CudaStatusCommand.class, CudaExperimentsCommand.class})
final class CudaCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
