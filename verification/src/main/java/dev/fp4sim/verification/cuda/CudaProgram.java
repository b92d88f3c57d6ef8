package dev.fp4sim.verification.cuda;

/**
 * The three CUDA programs of the CUDA path (sources in {@code verification/cuda/}, docs/cuda.md),
 * each with the target it is compile-checked for in plain {@code mvn verify}.
 */
public enum CudaProgram {
    /** Real Blackwell tensor cores: tcgen05.mma, TMEM, canonical SMEM layouts. Runs on compute capability 10.x. */
    PROBE_SM100("probe_sm100", "sm_100a"),
    /** Real Hopper tensor cores: wgmma.mma_async, plus mma.sync (also buildable for sm_80/sm_89). */
    PROBE_SM90("probe_sm90", "sm_90a"),
    /** The Blackwell arithmetic of numerics.md as an independent CUDA C++ kernel, one thread per D element; any sm_80+. */
    EMULATE("emulate", "sm_80");

    /** The header every program includes (the batch format). */
    public static final String HEADER = "fp4sim_batch.cuh";

    private final String name;
    private final String checkArch;

    CudaProgram(String name, String checkArch) {
        this.name = name;
        this.checkArch = checkArch;
    }

    public String programName() {
        return name;
    }

    public String sourceFile() {
        return name + ".cu";
    }

    /** The target {@code nvcc -arch} compiles it for in the compile check. */
    public String checkArch() {
        return checkArch;
    }
}
