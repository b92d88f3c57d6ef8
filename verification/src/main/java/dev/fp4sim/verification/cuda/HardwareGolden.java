package dev.fp4sim.verification.cuda;

import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.verification.golden.GoldenCase;
import dev.fp4sim.verification.golden.GoldenFile;
import dev.fp4sim.verification.golden.GoldenWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Records cases run on real tensor cores as golden-vector files (schema fp4sim-golden/1) whose
 * expected D is the hardware's, with the provenance docs/cuda.md asks for: program, GPU, compute
 * capability, driver, CUDA version and date. They go to {@code golden-vectors/hardware/} and are
 * replayed by plain {@code mvn verify} like every other golden file.
 */
public final class HardwareGolden {

    private HardwareGolden() {
    }

    public static String provenance(CudaProgram program, CudaPath path) {
        CudaPath.Gpu g = path.gpu().orElseThrow();
        return "hardware: " + program.programName() + ".cu (fp4sim verification/cuda) on " + g.name() + " (compute capability "
                + g.computeCapability() + "), driver " + g.driverVersion() + ", " + path.nvccVersion().orElse("nvcc ?")
                + ", recorded " + LocalDate.now(ZoneOffset.UTC);
    }

    /** File name for a variant, e.g. {@code sm_90a_wgmma_f16_f16xf16_f32.json}. */
    public static String fileName(MmaVariant v) {
        String fam = switch (v.family()) {
            case TCGEN05_MMA -> "tcgen05";
            case WGMMA -> "wgmma";
            case MMA_SYNC -> "mma_sync";
        };
        return v.arch() + "_" + fam + "_" + v.kind().ptxName() + "_" + v.aFormat().ptxName() + "x" + v.bFormat().ptxName()
                + "_" + v.dFormat().ptxName() + "_k" + v.kPerInstruction()
                + (v.scaleFormat() == null ? "" : "_" + v.scaleFormat().ptxName() + "_block" + v.blockSize()) + ".json";
    }

    /** Writes the items with the hardware's D into {@code dir}; returns the file. */
    public static Path write(Path dir, MmaVariant v, List<CudaCompare.Item> items, int[] hardwareD, String provenance) throws IOException {
        List<GoldenCase> cases = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            CudaBatch.Case in = items.get(i).input();
            cases.add(new GoldenCase(String.format("hardware-%05d", i + 1), items.get(i).k(), in.a(), in.b(), in.sfa(), in.sfb(),
                    in.c(), hardwareD[i]));
        }
        Files.createDirectories(dir);
        Path out = dir.resolve(fileName(v));
        GoldenWriter.write(new GoldenFile(out.getFileName().toString(), CudaCompare.operation(v), v, provenance, cases), out);
        return out;
    }
}
