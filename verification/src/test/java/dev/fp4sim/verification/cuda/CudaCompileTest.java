package dev.fp4sim.verification.cuda;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plain {@code mvn verify}: nvcc compiles the three CUDA programs for their targets (device code
 * only, no GPU needed), and the sm_100a probe's inline PTX goes through NVIDIA's ptxas. Results
 * are cached under target/cuda-cache by a hash of the sources, so a rebuild with unchanged .cu
 * files costs nothing. Skipped, with the reason, only where nvcc is absent.
 */
class CudaCompileTest {

    private static void compiles(CudaProgram program, String arch, CudaPath.Output output) throws Exception {
        Path out = CudaTestSupport.requireNvcc().compile(program, arch, output);
        assertTrue(Files.size(out) > 0, out + " is empty");
    }

    @Test
    void probeSm100CompilesForSm100a() throws Exception {
        compiles(CudaProgram.PROBE_SM100, "sm_100a", CudaPath.Output.CUBIN);
    }

    /** The tcgen05 inline asm (alloc, st, ld, mma of every kind, commit) is checked by ptxas itself. */
    @Test
    void probeSm100InlinePtxPassesPtxas() throws Exception {
        compiles(CudaProgram.PROBE_SM100, "sm_100a", CudaPath.Output.PTX_PTXAS);
        String ptx = Files.readString(CudaTestSupport.path().compile(CudaProgram.PROBE_SM100, "sm_100a", CudaPath.Output.PTX_PTXAS)
                .resolveSibling("probe_sm100.ptx"));
        for (String form : new String[]{"kind::f16", "kind::tf32", "kind::f8f6f4", "kind::mxf4.block_scale",
                "kind::mxf4nvf4.block_scale.scale_vec::4X", "kind::mxf4nvf4.block_scale.scale_vec::2X", "tcgen05.ld", "tcgen05.alloc"}) {
            assertTrue(ptx.contains(form), "the PTX lacks " + form);
        }
    }

    @Test
    void probeSm90CompilesForSm90a() throws Exception {
        compiles(CudaProgram.PROBE_SM90, "sm_90a", CudaPath.Output.PTX_PTXAS);
    }

    /** The mma.sync half of probe_sm90 also builds for Ampere (the split-K shapes run there). */
    @Test
    void probeSm90CompilesForSm80() throws Exception {
        compiles(CudaProgram.PROBE_SM90, "sm_80", CudaPath.Output.CUBIN);
    }

    @Test
    void emulateCompilesForSm80() throws Exception {
        compiles(CudaProgram.EMULATE, "sm_80", CudaPath.Output.CUBIN);
    }
}
