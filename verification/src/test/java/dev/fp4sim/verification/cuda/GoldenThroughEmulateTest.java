package dev.fp4sim.verification.cuda;

import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.verification.golden.GoldenCase;
import dev.fp4sim.verification.golden.GoldenFile;
import dev.fp4sim.verification.golden.GoldenReader;
import org.junit.jupiter.api.Test;

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
 * Every golden vector of a kind emulate.cu implements, through {@code emulate --cpu}: the CUDA
 * emulator (written from numerics.md) against the independent golden vectors directly, not only
 * against the simulator. Needs nvcc; skipped with the reason where it is absent.
 */
class GoldenThroughEmulateTest {

    @Test
    void emulatorReproducesTheGoldenVectors() throws Exception {
        CudaPath p = CudaTestSupport.requireNvcc();
        Path root = Path.of(System.getProperty("fp4sim.root", "..")).toAbsolutePath().normalize();
        List<Path> files;
        try (Stream<Path> s = Files.walk(root.resolve("golden-vectors"))) {
            files = s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        int cases = 0;
        int fileCount = 0;
        StringBuilder failures = new StringBuilder();
        for (Path f : files) {
            GoldenFile gf = new GoldenReader().read(f);
            // emulate covers the tcgen05 float kinds; integer and pre-Blackwell profiles are the simulator's alone
            if (!gf.variant().arch().startsWith("sm_100") || gf.variant().kind() == MmaKind.I8) {
                continue;
            }
            Map<Integer, List<GoldenCase>> byK = new TreeMap<>();
            gf.cases().forEach(c -> byK.computeIfAbsent(c.k(), x -> new ArrayList<>()).add(c));
            for (var e : byK.entrySet()) {
                List<CudaBatch.Case> batch = new ArrayList<>();
                for (GoldenCase c : e.getValue()) {
                    batch.add(new CudaBatch.Case(c.a(), c.b(), c.sfa() == null ? new byte[0] : c.sfa(), c.sfb() == null ? new byte[0] : c.sfb(), c.c()));
                }
                int[] d = p.runEmulateOnCpu(gf.variant(), e.getKey(), CudaBatch.Options.NONE, batch);
                for (int i = 0; i < d.length; i++) {
                    cases++;
                    GoldenCase c = e.getValue().get(i);
                    if (d[i] != c.d() && failures.length() < 3000) {
                        failures.append("\n  ").append(f.getFileName()).append(' ').append(c.id()).append(": expected ")
                                .append(Integer.toHexString(c.d())).append(", emulate ").append(Integer.toHexString(d[i]));
                    }
                }
            }
            fileCount++;
        }
        System.out.println("emulate --cpu reproduced " + cases + " golden cases from " + fileCount + " files");
        assertTrue(fileCount >= 20, "files run: " + fileCount);
        assertEquals("", failures.toString());
    }
}
