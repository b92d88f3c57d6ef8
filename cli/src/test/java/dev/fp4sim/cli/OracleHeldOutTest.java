package dev.fp4sim.cli;

import dev.fp4sim.verification.io.Npy;
import dev.fp4sim.verification.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.fp4sim.cli.CliTestSupport.root;
import static dev.fp4sim.cli.CliTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The held-out check of issue 5: inputs written by NumPy ({@code make_heldout.py}, not fp4sim: C- and
 * Fortran-order uint8, big- and little-endian float32, the cuBLAS 128x4 tiled scales built with
 * torchao's reshape/transpose formulation), expected D from the golden vectors (MMA-Sim's independent
 * exact-rational model). Every group passes bit for bit through {@code fp4sim gemm} in both scale
 * layouts. See verification/src/test/resources/oracle/README.md.
 */
class OracleHeldOutTest {

    static Path heldOut() {
        return root().resolve("verification/src/test/resources/oracle/heldout");
    }

    @Test
    void numpyInputsPassBitExactlyInBothScaleLayouts(@TempDir Path dir) throws Exception {
        List<Path> groups;
        try (Stream<Path> s = Files.list(heldOut())) {
            groups = s.filter(Files::isDirectory).sorted().toList();
        }
        assertEquals(12, groups.size(), "3 formats x K in {64, 128, 256, 512}");
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Path g : groups) {
            String name = g.getFileName().toString();
            String format = name.substring(0, name.lastIndexOf("_k"));
            int[] expected = uint32(Npy.read(g.resolve("expected_diag.npy")));
            List<String> ids = Files.readAllLines(g.resolve("ids.txt"));
            for (String layout : new String[] {"linear", "cublas"}) {
                String suffix = layout.equals("cublas") ? "_cublas" : "";
                Path out = dir.resolve(name + "_" + layout + ".npy");
                var r = run("gemm", "--format", format, "--sf-layout", layout,
                        "--a", g.resolve("a.npy").toString(), "--b", g.resolve("b.npy").toString(),
                        "--sfa", g.resolve("sfa" + suffix + ".npy").toString(), "--sfb", g.resolve("sfb" + suffix + ".npy").toString(),
                        "--c", g.resolve("c.npy").toString(), "--out", out.toString());
                assertEquals(0, r.exit(), name + " " + layout + ": " + r.err());
                int[] d = Npy.read(out).float32Bits();
                int n = expected.length;
                assertEquals((long) n * n, d.length);
                for (int i = 0; i < n; i++) {
                    if (d[i * n + i] != expected[i]) {
                        failures.add(String.format("%s %s %s: expected %08x, got %08x", name, layout, ids.get(i), expected[i], d[i * n + i]));
                    }
                    checked++;
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " mismatches, e.g. " + failures.subList(0, Math.min(5, failures.size())));
        assertEquals(2 * 1380, checked);
    }

    private static int[] uint32(NpyArray a) {
        assertEquals("u4", a.dtype());
        int[] out = new int[(int) a.size()];
        ByteBuffer b = ByteBuffer.wrap(a.data()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt(i * 4);
        }
        return out;
    }
}
