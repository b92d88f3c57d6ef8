package dev.fp4sim.verification.ptxas;

import dev.fp4sim.isa.ptx.PtxParser;
import dev.fp4sim.isa.ptx.PtxTarget;
import dev.fp4sim.isa.ptx.PtxValidator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every example kernel (examples/*.ptx) is a kernel a B200 would run: NVIDIA's ptxas assembles it for
 * sm_100a without errors or warnings, and our own parser and validator accept it too.
 */
class ExamplesAssembleTest {

    static List<Path> examples() throws Exception {
        Path dir = Path.of("..", "examples");
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = s.filter(p -> p.toString().endsWith(".ptx")).sorted().toList();
            assertFalse(out.isEmpty(), "no examples/*.ptx");
            return out;
        }
    }

    @Test
    void ptxasAssemblesEveryExampleForSm100aWithoutWarnings(@TempDir Path tmp) throws Exception {
        Optional<Ptxas> ptxas = Ptxas.find();
        Assumptions.assumeTrue(ptxas.isPresent(), "ptxas not found (PATH, $CUDA_HOME/bin, /usr/local/cuda/bin): examples not assembled");
        for (Path ex : examples()) {
            Path copy = tmp.resolve(ex.getFileName());
            Files.copy(ex, copy);
            StringBuilder log = new StringBuilder();
            assertTrue(ptxas.get().accepts(copy, "sm_100a", log), ex + ": " + log);
            assertFalse(log.toString().toLowerCase().contains("warning"), ex + ": " + log);
        }
    }

    @Test
    void ourParserAndValidatorAcceptEveryExample() throws Exception {
        for (Path ex : examples()) {
            assertEquals(List.of(), PtxValidator.validate(PtxParser.parse(Files.readString(ex)), PtxTarget.SM_100A), ex.toString());
        }
    }
}
