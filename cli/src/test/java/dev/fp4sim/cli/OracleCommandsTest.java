package dev.fp4sim.cli;

import dev.fp4sim.verification.golden.GoldenCase;
import dev.fp4sim.verification.golden.GoldenFile;
import dev.fp4sim.verification.golden.GoldenReader;
import dev.fp4sim.verification.io.Npy;
import dev.fp4sim.verification.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static dev.fp4sim.cli.CliTestSupport.golden;
import static dev.fp4sim.cli.CliTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** quantize → gemm → compare from .npy files, checked against the shared golden vectors. */
class OracleCommandsTest {

    /**
     * Golden cases as 1×1 GEMMs through `fp4sim gemm`: the expected D comes from the shared golden
     * vectors (an independent implementation), the inputs go in as .npy files.
     */
    @Test
    void gemmReproducesGoldenVectorsFromNpyFiles(@TempDir Path dir) throws Exception {
        GoldenFile gf = new GoldenReader().read(golden("tcgen05_mxf4nvf4_ue4m3_block16.json"));
        int checked = 0;
        for (GoldenCase c : gf.cases()) {
            if (c.id().startsWith("nan") || c.id().startsWith("uniform_c") || c.k() != 64 || checked == 20) {
                continue;
            }
            Npy.write(NpyArray.ofUint8(c.a(), 1, c.k() / 2), dir.resolve("a.npy"));
            Npy.write(NpyArray.ofUint8(c.b(), 1, c.k() / 2), dir.resolve("b.npy"));
            Npy.write(NpyArray.ofUint8(c.sfa(), 1, c.k() / 16), dir.resolve("sfa.npy"));
            Npy.write(NpyArray.ofUint8(c.sfb(), 1, c.k() / 16), dir.resolve("sfb.npy"));
            Npy.write(NpyArray.ofFloat32Bits(new int[] {c.c()}, 1, 1), dir.resolve("c.npy"));
            var r = run("gemm", "--a", dir.resolve("a.npy").toString(), "--b", dir.resolve("b.npy").toString(),
                    "--sfa", dir.resolve("sfa.npy").toString(), "--sfb", dir.resolve("sfb.npy").toString(),
                    "--c", dir.resolve("c.npy").toString(), "--format", "nvfp4", "--out", dir.resolve("d.npy").toString());
            assertEquals(0, r.exit(), r.err());
            assertEquals(Integer.toHexString(c.d()), Integer.toHexString(Npy.read(dir.resolve("d.npy")).float32Bits()[0]), c.id());
            checked++;
        }
        assertEquals(20, checked);
    }

    @Test
    void quantizeGemmCompareRoundTripAndDiagnosis(@TempDir Path dir) throws Exception {
        SplittableRandom rnd = new SplittableRandom(4);
        float[] x = new float[128 * 128];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        Npy.write(NpyArray.ofFloat32(x, 128, 128), dir.resolve("x.npy"));
        String p = dir.resolve("q").toString();
        var q = run("quantize", dir.resolve("x.npy").toString(), "--recipe", "nvfp4", "--sf-layout", "cublas", "--out", p);
        assertEquals(0, q.exit(), q.err());
        String[] in = {"--a", p + ".codes.npy", "--b", p + ".codes.npy", "--sfa", p + ".scales.npy", "--sfb", p + ".scales.npy"};
        // a kernel that forgot the tiled layout: run with the wrong --sf-layout to make its output
        var bad = run(concat(new String[] {"gemm", "--sf-layout", "linear", "--out", dir.resolve("kernel.npy").toString()}, in));
        assertEquals(0, bad.exit(), bad.err());
        var cmp = run(concat(new String[] {"compare", dir.resolve("kernel.npy").toString(), "--sf-layout", "cublas"}, in));
        assertEquals(1, cmp.exit(), cmp.err());
        assertTrue(cmp.out().contains("LIKELY: the kernel reads the scale factors in the linear layout, but they are stored cublas"), cmp.out());
        var good = run(concat(new String[] {"gemm", "--sf-layout", "cublas", "--out", dir.resolve("d.npy").toString()}, in));
        assertEquals(0, good.exit(), good.err());
        var same = run("compare", dir.resolve("d.npy").toString(), dir.resolve("d.npy").toString());
        assertEquals(0, same.exit());
        assertTrue(same.out().startsWith("16384 of 16384 elements bit-identical"), same.out());
    }

    @Test
    void badInputsAreOneLineErrors(@TempDir Path dir) throws Exception {
        Npy.write(NpyArray.ofUint8(new byte[8 * 32], 8, 32), dir.resolve("a.npy"));
        Npy.write(NpyArray.ofUint8(new byte[8 * 3], 8, 3), dir.resolve("s.npy"));
        var r = run("gemm", "--a", dir.resolve("a.npy").toString(), "--b", dir.resolve("a.npy").toString(),
                "--sfa", dir.resolve("s.npy").toString(), "--sfb", dir.resolve("s.npy").toString(), "--out", dir.resolve("d.npy").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("s.npy: has 24 bytes, but linear scales of 8 rows x 4 K-blocks (block 16) need 32"), r.err());
        assertEquals(1, r.err().strip().split("\n").length);
        var q = run("quantize", dir.resolve("missing.npy").toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, q.exit());
        assertTrue(q.err().contains("missing.npy: no such file"), q.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
