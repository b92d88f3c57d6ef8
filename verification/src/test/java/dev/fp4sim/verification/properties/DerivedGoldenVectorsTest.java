package dev.fp4sim.verification.properties;

import dev.fp4sim.verification.golden.GoldenCase;
import dev.fp4sim.verification.golden.GoldenFile;
import dev.fp4sim.verification.golden.GoldenReader;
import dev.fp4sim.verification.golden.GoldenWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * golden-vectors/derived/ holds exactly what {@link DerivedGoldenVectors} computes with the exact
 * models: inputs and expected D. (That the simulator passes them is GoldenVectorsTest's job.)
 * Regenerate with {@code mvn -pl verification -am test -Dtest=DerivedGoldenVectorsTest -Dfp4sim.writeDerived=true}.
 */
class DerivedGoldenVectorsTest {

    static Path dir() {
        return Path.of(System.getProperty("fp4sim.root", "..")).toAbsolutePath().normalize().resolve("golden-vectors/derived");
    }

    @Test
    void committedFilesAreTheExactModelsOutput() throws Exception {
        GoldenReader reader = new GoldenReader(w -> {
            throw new AssertionError(w);
        });
        for (DerivedGoldenVectors.Spec spec : DerivedGoldenVectors.specs()) {
            Path p = dir().resolve(spec.file());
            assertTrue(Files.exists(p), p + " missing: regenerate (see class comment)");
            GoldenFile want = DerivedGoldenVectors.build(spec);
            GoldenFile have = reader.read(p);
            assertEquals(want.variant(), have.variant(), spec.file());
            assertEquals(want.cases().size(), have.cases().size(), spec.file());
            for (int i = 0; i < want.cases().size(); i++) {
                GoldenCase w = want.cases().get(i);
                GoldenCase h = have.cases().get(i);
                assertEquals(w.id(), h.id());
                assertArrayEquals(w.a(), h.a(), w.id());
                assertArrayEquals(w.b(), h.b(), w.id());
                assertEquals(w.c(), h.c(), w.id());
                assertEquals(Integer.toHexString(w.d()), Integer.toHexString(h.d()), spec.file() + " " + w.id());
            }
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "fp4sim.writeDerived", matches = "true")
    void write() throws Exception {
        Files.createDirectories(dir());
        for (DerivedGoldenVectors.Spec spec : DerivedGoldenVectors.specs()) {
            GoldenWriter.write(DerivedGoldenVectors.build(spec), dir().resolve(spec.file()));
        }
    }
}
