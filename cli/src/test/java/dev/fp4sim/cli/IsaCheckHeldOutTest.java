package dev.fp4sim.cli;

import dev.fp4sim.verification.ptxas.KernelGenerator;
import dev.fp4sim.verification.ptxas.Ptxas;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * issue 3, "done when": a held-out set of PTX modules (KernelGenerator, a seed used nowhere else)
 * gets the same verdict from one {@code fp4sim isa check FILE...} run as from ptxas, file by file.
 */
class IsaCheckHeldOutTest {

    @Test
    void isaCheckAgreesWithPtxasFileByFile(@TempDir Path dir) throws Exception {
        var ptxas = Ptxas.find();
        Assumptions.assumeTrue(ptxas.isPresent(), "ptxas not found (PATH, $CUDA_HOME/bin, /usr/local/cuda/bin): isa check not compared with ptxas");
        KernelGenerator gen = new KernelGenerator(31337L, 0.35);
        List<String> args = new ArrayList<>(List.of("isa", "check"));
        List<Boolean> want = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            String target = KernelGenerator.TARGETS.get(i % KernelGenerator.TARGETS.size());
            Path f = dir.resolve(String.format("k%03d.ptx", i));
            Files.writeString(f, gen.module(i, target));
            want.add(ptxas.get().accepts(f, target, null));
            args.add(f.toString());
        }
        var r = CliTestSupport.run(args.toArray(String[]::new));
        StringBuilder differ = new StringBuilder();
        for (int i = 0; i < want.size(); i++) {
            String f = args.get(i + 2);
            boolean ok = r.out().contains("\n" + f + ": OK\n") || r.out().startsWith(f + ": OK\n");
            assertTrue(ok || r.out().contains("\n" + f + ": ") || r.out().startsWith(f + ": "), "no summary line for " + f);
            if (ok != want.get(i)) {
                differ.append("\n  ").append(f).append(": ptxas ").append(want.get(i) ? "accepts" : "rejects").append(", we say:");
                r.out().lines().filter(l -> l.startsWith(f + ":")).forEach(l -> differ.append("\n    ").append(l));
                differ.append("\n").append(Files.readString(Path.of(f)));
            }
        }
        assertEquals("", differ.toString(), "isa check and ptxas disagree");
        assertEquals(want.contains(false) ? 1 : 0, r.exit());
        long valid = want.stream().filter(b -> b).count();
        assertTrue(r.out().contains(want.size() + " files: " + valid + " OK, " + (want.size() - valid) + " with errors"), r.lastLine());
    }
}
