package dev.fp4sim.verification.cuda;

import dev.fp4sim.verification.golden.GoldenCase;
import dev.fp4sim.verification.golden.GoldenFile;
import dev.fp4sim.verification.golden.GoldenReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA emulator (verification/cuda/emulate.cu, an independent C++ implementation of the
 * numerics) built with nvcc and run on the host (--cpu), against the shared golden vectors: the
 * emulator's arithmetic is checked in CI even without a GPU. Needs nvcc; skipped without it.
 */
class EmulateCpuTest {

    @Test
    void emulatorReproducesEverySupportedGoldenFile(@TempDir Path dir) throws Exception {
        CudaPath cuda = CudaTestSupport.cudaOrSkip();
        Path exe = cuda.compileExecutable(CudaPath.Program.EMULATE);
        List<Path> files;
        try (Stream<Path> s = Files.list(CudaTestSupport.root().resolve("golden-vectors"))) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        int filesRun = 0;
        int cases = 0;
        StringBuilder failures = new StringBuilder();
        for (Path f : files) {
            GoldenFile gf = new GoldenReader().read(f);
            Fp4Batch.Kind kind = CudaTestSupport.kind(gf.variant());
            if (kind == null) {
                continue;
            }
            Map<Integer, List<GoldenCase>> byK = new TreeMap<>();
            for (GoldenCase c : gf.cases()) {
                byK.computeIfAbsent(c.k(), x -> new ArrayList<>()).add(c);
            }
            for (var e : byK.entrySet()) {
                List<Fp4Batch.Case> batch = new ArrayList<>();
                for (GoldenCase c : e.getValue()) {
                    batch.add(new Fp4Batch.Case(c.a(), c.b(), c.sfa() == null ? new byte[0] : c.sfa(), c.sfb() == null ? new byte[0] : c.sfb(), c.c()));
                }
                Path in = dir.resolve(f.getFileName() + "-" + e.getKey() + ".batch");
                Fp4Batch.write(in, kind, e.getKey(), CudaTestSupport.params(gf.variant()), batch);
                int[] d = CudaPath.runBatch(exe, in, true);
                for (int i = 0; i < d.length; i++) {
                    cases++;
                    GoldenCase c = e.getValue().get(i);
                    if (d[i] != c.d()) {
                        failures.append("\n  ").append(f.getFileName()).append(' ').append(c.id()).append(": expected ")
                                .append(Integer.toHexString(c.d())).append(", emulate ").append(Integer.toHexString(d[i]));
                    }
                }
            }
            filesRun++;
        }
        assertTrue(filesRun >= 12, "golden files run through the emulator: " + filesRun);
        System.out.println("emulate --cpu: " + cases + " golden cases in " + filesRun + " files");
        assertEquals("", failures.length() > 2000 ? failures.substring(0, 2000) : failures.toString());
    }
}
