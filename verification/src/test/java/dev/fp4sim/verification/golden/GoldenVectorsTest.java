package dev.fp4sim.verification.golden;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every golden-vector file in golden-vectors/ (and its subfolders) runs through the verifier and
 * must pass bit for bit. Expected values come from the files: an independent implementation or hardware.
 */
class GoldenVectorsTest {

    static Path root() {
        return Path.of(System.getProperty("fp4sim.root", "..")).toAbsolutePath().normalize();
    }

    static List<Path> goldenFiles() throws IOException {
        try (Stream<Path> s = Files.walk(root().resolve("golden-vectors"))) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyGoldenFilePasses() throws IOException {
        List<Path> files = goldenFiles();
        assertFalse(files.isEmpty(), "no golden vectors found under " + root());
        Verifier verifier = new Verifier(new GoldenReader(w -> {
            throw new AssertionError("golden files must be clean: " + w);
        }));
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Verifier.FileResult r = verifier.verifyFile(p);
            assertNull(r.error(), () -> "invalid golden file: " + r.error());
            String name = p.getFileName().toString();
            assertNull(r.unsupportedReason(), () -> name + " is unsupported: " + r.unsupportedReason());
            StringBuilder failures = new StringBuilder();
            r.failures().stream().limit(10).forEach(f -> failures.append("\n  ").append(f.goldenCase().id())
                    .append(": expected ").append(Verifier.describe(r.file().variant().dFormat(), f.goldenCase().d()))
                    .append(", actual ").append(Verifier.describe(r.file().variant().dFormat(), f.actual())));
            assertEquals(0, r.failed(), () -> name + ": " + r.failed() + " failures" + failures);
            assertEquals(r.file().cases().size(), r.passed());
        }));
    }

    /** The acceptance line: the three shared FP4 files give 3000 passed, 0 failed. */
    @Test
    void sharedFp4FilesGive3000Passed() throws IOException {
        List<Path> fp4 = goldenFiles().stream().filter(p -> p.getFileName().toString().startsWith("tcgen05_mxf4")).toList();
        assertEquals(3, fp4.size());
        Verifier.Report report = new Verifier(new GoldenReader()).verify(fp4, r -> { });
        assertEquals(3000, report.passed());
        assertEquals(0, report.failed());
        assertTrue(report.ok());
    }
}
