package dev.fp4sim.verification.cuda;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nvcc builds all three CUDA programs for their targets (emulate: sm_80; probe_sm90: sm_90a, with
 * mma.sync; probe_sm100: sm_100a, with tcgen05 inline PTX checked by ptxas). No GPU needed; skipped
 * with the reason when nvcc is absent.
 */
class CudaCompileTest {

    @Test
    void everyProgramCompilesForItsTarget() throws Exception {
        CudaPath cuda = CudaTestSupport.cudaOrSkip();
        for (CudaPath.Program p : CudaPath.Program.values()) {
            var exe = cuda.compileExecutable(p);
            assertTrue(Files.size(exe) > 0, p + " built");
        }
        System.out.println("CUDA programs built with " + cuda.nvccVersion());
    }

    /** Without a GPU the hardware tests must report "skipped", never pass silently. */
    @Test
    void theGpuPathSkipsWithAReasonWhenThereIsNoGpu() {
        if (CudaPath.gpus().isEmpty()) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(org.opentest4j.TestAbortedException.class, CudaTestSupport::gpuOrSkip);
            assertTrue(e.getMessage().contains("no GPU"), e.getMessage());
        } else {
            CudaTestSupport.gpuOrSkip();
        }
    }
}
