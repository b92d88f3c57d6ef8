package dev.fp4sim.verification.golden;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared golden vectors are data with provenance: they must stay byte-identical to what was copied. */
class GoldenIntegrityTest {

    @Test
    void topLevelFilesMatchTheirRecordedChecksums() throws Exception {
        Path dir = GoldenVectorsTest.root().resolve("golden-vectors");
        Map<String, String> recorded = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("SHA256SUMS"))) {
            String[] parts = line.trim().split("\\s+\\*?", 2);
            recorded.put(parts[1], parts[0]);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertEquals(recorded.size(), files.size(), "every top-level golden file is listed in SHA256SUMS and vice versa");
        for (Path p : files) {
            String name = p.getFileName().toString();
            assertTrue(recorded.containsKey(name), name + " is not listed in SHA256SUMS");
            String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
            assertEquals(recorded.get(name), actual, name + " changed since it was copied");
        }
    }
}
