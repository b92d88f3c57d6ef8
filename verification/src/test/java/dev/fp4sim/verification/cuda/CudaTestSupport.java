package dev.fp4sim.verification.cuda;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.sim.profile.ArchProfiles;
import dev.fp4sim.sim.profile.DatapathParams;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;
import java.util.Optional;

/** Locating the CUDA sources and tools; absence is reported as a skipped test with the reason. */
final class CudaTestSupport {

    private CudaTestSupport() {
    }

    static Path root() {
        return Path.of(System.getProperty("fp4sim.root", "..")).toAbsolutePath().normalize();
    }

    static CudaPath cudaOrSkip() {
        Optional<CudaPath> c = CudaPath.find(root().resolve("verification/cuda"), root().resolve("verification/target/cuda-cache"));
        Assumptions.assumeTrue(c.isPresent(), "nvcc not found (PATH, $CUDA_HOME/bin, /usr/local/cuda/bin): CUDA programs not built");
        return c.get();
    }

    static void gpuOrSkip() {
        Assumptions.assumeFalse(CudaPath.gpus().isEmpty(), "no GPU (nvidia-smi lists none): hardware comparison not run");
    }

    /** The batch kind and datapath parameters of a variant, or null if the CUDA programs lack it. */
    static Fp4Batch.Kind kind(MmaVariant v) {
        if (v.kind().packedFp4()) {
            return v.scaleFormat() == FloatFormat.UE4M3 ? Fp4Batch.Kind.MXF4NVF4_UE4M3_B16
                    : v.blockSize() == 16 ? Fp4Batch.Kind.MXF4NVF4_UE8M0_B16 : Fp4Batch.Kind.MXF4_UE8M0_B32;
        }
        if (v.kind() == MmaKind.MXF8F6F4 || v.kind() == MmaKind.I8) {
            return null;
        }
        var a = v.aFormat();
        var b = v.bFormat();
        var d = v.dFormat();
        if (a == FloatFormat.F16 && b == FloatFormat.F16) {
            return d == FloatFormat.F16 ? Fp4Batch.Kind.F16_F16_F16 : Fp4Batch.Kind.F16_F16_F32;
        }
        if (a == FloatFormat.BF16 && b == FloatFormat.BF16) {
            return Fp4Batch.Kind.BF16_BF16_F32;
        }
        if (a == FloatFormat.TF32) {
            return Fp4Batch.Kind.TF32_TF32_F32;
        }
        if (d != FloatFormat.F32) {
            return null;
        }
        if (a == FloatFormat.E4M3 && b == FloatFormat.E4M3) {
            return Fp4Batch.Kind.E4M3_E4M3_F32;
        }
        if (a == FloatFormat.E5M2 && b == FloatFormat.E5M2) {
            return Fp4Batch.Kind.E5M2_E5M2_F32;
        }
        if (a == FloatFormat.E4M3 && b == FloatFormat.E5M2) {
            return Fp4Batch.Kind.E4M3_E5M2_F32;
        }
        return null;
    }

    static Fp4Batch.Params params(MmaVariant v) {
        if (v.kind().packedFp4()) {
            return Fp4Batch.Params.NONE;
        }
        DatapathParams p = ArchProfiles.forArch(v.arch()).orElseThrow().find(v).orElseThrow().params();
        int rounding = switch (p.rounding()) {
            case RZ_F32 -> 0;
            case RZ_E8M13 -> 1;
            default -> 2;
        };
        return new Fp4Batch.Params(p.fractionalBits(), Math.min(p.chunkTerms(), v.kPerInstruction()), p.eZero(), rounding);
    }
}
