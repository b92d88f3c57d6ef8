package dev.fp4sim.verification.cuda;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaVariant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The path taken on machines without CUDA: detection reports why, runs refuse with that reason,
 * and the GPU properties abort (JUnit "skipped") with it instead of passing. Machines are faked
 * with a PATH of stub scripts, so this runs everywhere.
 */
class CudaSkipPathTest {

    private static Path stub(Path dir, String name, String script) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static final MmaVariant NVFP4 = new MmaVariant("sm_100a", InstructionFamily.TCGEN05_MMA, MmaKind.MXF4NVF4,
            FloatFormat.E2M1, FloatFormat.E2M1, FloatFormat.F32, FloatFormat.F32, 64, FloatFormat.UE4M3, 16, false);

    @Test
    void emptyMachineReportsBothReasons(@TempDir Path tmp) {
        CudaPath p = CudaPath.detect(Map.of("PATH", tmp.toString()), tmp.resolve("cache"));
        assertTrue(p.nvcc().isEmpty());
        assertEquals("nvcc not found on PATH and CUDA_HOME is not set", p.noNvccReason().orElseThrow());
        assertTrue(p.gpu().isEmpty());
        assertEquals("no GPU: nvidia-smi not found on PATH", p.noGpuReason().orElseThrow());
        CudaException e = assertThrows(CudaException.class, () -> p.compile(CudaProgram.EMULATE, "sm_80", CudaPath.Output.CUBIN));
        assertEquals(p.noNvccReason().orElseThrow(), e.getMessage());
        CudaException r = assertThrows(CudaException.class, () -> p.run(CudaProgram.EMULATE, "sm_80", NVFP4, 64,
                CudaBatch.Options.NONE, List.of()));
        assertEquals("no GPU: nvidia-smi not found on PATH", r.getMessage());
    }

    @Test
    void cudaHomeIsSearchedAndNamedInTheReason(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("cuda"));
        CudaPath none = CudaPath.detect(Map.of("PATH", tmp.toString(), "CUDA_HOME", home.toString()), tmp);
        assertEquals("nvcc not found on PATH nor in CUDA_HOME/bin (" + home + ")", none.noNvccReason().orElseThrow());
        Path bin = Files.createDirectories(home.resolve("bin"));
        stub(bin, "nvcc", "echo 'Cuda compilation tools, release 99.1, V99.1.0'");
        CudaPath found = CudaPath.detect(Map.of("PATH", tmp.toString(), "CUDA_HOME", home.toString()), tmp);
        assertEquals(bin.resolve("nvcc"), found.nvcc().orElseThrow());
        assertEquals("Cuda compilation tools, release 99.1, V99.1.0", found.nvccVersion().orElseThrow());
    }

    @Test
    void aFailingNvidiaSmiMeansNoGpuWithItsMessage(@TempDir Path tmp) throws Exception {
        stub(tmp, "nvidia-smi", "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\"; exit 9");
        CudaPath p = CudaPath.detect(Map.of("PATH", tmp.toString()), tmp);
        assertTrue(p.gpu().isEmpty());
        assertEquals("no GPU: nvidia-smi exited 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
                p.noGpuReason().orElseThrow());
    }

    @Test
    void aGpuIsParsedFromNvidiaSmi(@TempDir Path tmp) throws Exception {
        stub(tmp, "nvidia-smi", "echo 'NVIDIA H100 80GB HBM3, 9.0, 570.86.15'");
        CudaPath p = CudaPath.detect(Map.of("PATH", tmp.toString()), tmp);
        CudaPath.Gpu g = p.gpu().orElseThrow();
        assertEquals(new CudaPath.Gpu("NVIDIA H100 80GB HBM3", "9.0", "570.86.15"), g);
        assertEquals(9, g.major());
        assertEquals("sm_90a", g.arch());
        assertEquals("sm_100a", new CudaPath.Gpu("NVIDIA B200", "10.0", "1").arch());
        assertEquals("sm_89", new CudaPath.Gpu("NVIDIA L40S", "8.9", "1").arch());
    }

    /** The GPU properties' guard: each reason in turn, and null (run) only when everything is there. */
    @Test
    void gpuPropertiesSkipWithTheirReason(@TempDir Path tmp) throws Exception {
        CudaPath empty = CudaPath.detect(Map.of("PATH", tmp.toString()), tmp);
        assertTrue(CudaTestSupport.gpuSkipReason(empty, false, 9).contains("mvn verify -Pcuda"));
        assertEquals("nvcc not found on PATH and CUDA_HOME is not set", CudaTestSupport.gpuSkipReason(empty, true, 9));
        stub(tmp, "nvcc", "echo 'Cuda compilation tools, release 13.0, V13.0.88'");
        CudaPath noGpu = CudaPath.detect(Map.of("PATH", tmp.toString()), tmp);
        assertEquals("no GPU: nvidia-smi not found on PATH", CudaTestSupport.gpuSkipReason(noGpu, true, 9));
        stub(tmp, "nvidia-smi", "echo 'NVIDIA A100-SXM4-80GB, 8.0, 550.54'");
        CudaPath ampere = CudaPath.detect(Map.of("PATH", tmp.toString()), tmp);
        assertEquals("needs a GPU of compute capability [10].x; found NVIDIA A100-SXM4-80GB (8.0)",
                CudaTestSupport.gpuSkipReason(ampere, true, 10));
        assertNull(CudaTestSupport.gpuSkipReason(ampere, true, 8, 9));
    }

    /** Without -Pcuda (as in this run unless it is a -Pcuda run) the guard aborts the test: JUnit reports it skipped. */
    @Test
    void theGuardAbortsRatherThanPasses() {
        if (Boolean.getBoolean(CudaTestSupport.ENABLE_PROPERTY)) {
            return; // under -Pcuda the guard may legitimately let the test run
        }
        TestAbortedException e = assertThrows(TestAbortedException.class, () -> CudaTestSupport.requireGpu(9, 10));
        assertTrue(e.getMessage().contains("mvn verify -Pcuda"), e.getMessage());
    }
}
