package dev.fp4sim.cli;

import dev.fp4sim.verification.io.Npy;
import dev.fp4sim.verification.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static dev.fp4sim.cli.CliTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Safetensors operands (FILE.safetensors:NAME), global scales and the f32 epilogue through the CLI. */
class OracleCheckpointCliTest {

    @Test
    void checkpointOperandsAndGlobalScales(@TempDir Path dir) throws Exception {
        SplittableRandom rnd = new SplittableRandom(9);
        float[] x = new float[64 * 128];
        float[] w = new float[32 * 128];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.02 * rnd.nextGaussian());
        }
        Npy.write(NpyArray.ofFloat32(x, 64, 128), dir.resolve("x.npy"));
        Npy.write(NpyArray.ofFloat32(w, 32, 128), dir.resolve("w.npy"));
        String xp = dir.resolve("x").toString();
        String wp = dir.resolve("w").toString();
        assertEquals(0, run("quantize", dir.resolve("x.npy").toString(), "--recipe", "nvfp4-modelopt", "--out", xp).exit());
        var q = run("quantize", dir.resolve("w.npy").toString(), "--recipe", "nvfp4-modelopt", "--safetensors", "L", "--out", wp);
        assertEquals(0, q.exit(), q.err());
        assertTrue(q.out().contains("ModelOpt NVFP4 layer L written to"), q.out());
        // the same bytes from .npy and from the checkpoint give the same accumulator
        var fromNpy = run("gemm", "--a", xp + ".codes.npy", "--sfa", xp + ".scales.npy", "--b", wp + ".codes.npy", "--sfb", wp + ".scales.npy",
                "--out", dir.resolve("d1.npy").toString());
        assertEquals(0, fromNpy.exit(), fromNpy.err());
        String st = wp + ".safetensors:";
        var fromSt = run("gemm", "--a", xp + ".codes.npy", "--sfa", xp + ".scales.npy", "--b", st + "L.weight", "--sfb", st + "L.weight_scale",
                "--global-scale-a", xp + ".global.npy", "--global-scale-b", st + "L.weight_scale_2", "--out", dir.resolve("d2.npy").toString());
        assertEquals(0, fromSt.exit(), fromSt.err());
        int[] acc = Npy.read(dir.resolve("d1.npy")).float32Bits();
        int[] d = Npy.read(dir.resolve("d2.npy")).float32Bits();
        float ga = Npy.read(Path.of(xp + ".global.npy")).floats(false)[0];
        float gb = Npy.read(Path.of(wp + ".global.npy")).floats(false)[0];
        float alpha = ga * gb;
        int[] want = new int[acc.length];
        for (int i = 0; i < acc.length; i++) {
            want[i] = Float.floatToRawIntBits(alpha * Float.intBitsToFloat(acc[i]));
        }
        assertArrayEquals(want, d);
        // dequantised f32 product ≈ D (NVFP4 keeps a few percent relative error on Gaussian data)
        double num = 0;
        double den = 0;
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 32; j++) {
                double ref = 0;
                for (int k = 0; k < 128; k++) {
                    ref += x[i * 128 + k] * w[j * 128 + k];
                }
                double e = Float.intBitsToFloat(d[i * 32 + j]) - ref;
                num += e * e;
                den += ref * ref;
            }
        }
        assertTrue(Math.sqrt(num / den) < 0.2, "relative error " + Math.sqrt(num / den));
    }

    /** The README's worked example: a kernel that forgot the weight's global scale (weight_scale_2). */
    @Test
    void compareNamesAMissingGlobalScaleAndTolerantAcceptsLegalOrders(@TempDir Path dir) throws Exception {
        SplittableRandom rnd = new SplittableRandom(11);
        float[] x = new float[32 * 256];
        float[] w = new float[16 * 256];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.02 * rnd.nextGaussian());
        }
        Npy.write(NpyArray.ofFloat32(x, 32, 256), dir.resolve("x.npy"));
        Npy.write(NpyArray.ofFloat32(w, 16, 256), dir.resolve("w.npy"));
        String xp = dir.resolve("X").toString();
        String wp = dir.resolve("W").toString();
        assertEquals(0, run("quantize", dir.resolve("x.npy").toString(), "--out", xp).exit());
        assertEquals(0, run("quantize", dir.resolve("w.npy").toString(), "--recipe", "nvfp4-modelopt", "--safetensors", "L", "--out", wp).exit());
        String l = wp + ".safetensors:L";
        String[] in = {"--a", xp + ".codes.npy", "--sfa", xp + ".scales.npy", "--b", l + ".weight", "--sfb", l + ".weight_scale"};
        String kernel = dir.resolve("kernel.npy").toString();
        assertEquals(0, run(concat(in, "gemm", "--global-scale-a", xp + ".global.npy", "--out", kernel)).exit());
        var c = run(concat(in, "compare", kernel, "--global-scale-a", xp + ".global.npy", "--global-scale-b", l + ".weight_scale_2"));
        assertEquals(1, c.exit(), c.err());
        assertTrue(c.out().contains("LIKELY: the kernel's output is the hardware's times"), c.out());
        assertTrue(c.out().contains("the global scale of B (" + (double) Npy.read(Path.of(wp + ".global.npy")).floats(false)[0] + ") is MISSING"), c.out());
        // the accumulator itself, compared tolerantly, is the in-order chain
        String acc = dir.resolve("acc.npy").toString();
        assertEquals(0, run(concat(in, "gemm", "--out", acc)).exit());
        var t = run(concat(in, "compare", acc, "--tolerant"));
        assertEquals(0, t.exit(), t.out());
        var bad = run(concat(in, "compare", kernel, "--tolerant"));
        assertEquals(1, bad.exit(), bad.out());
        assertTrue(bad.out().contains("tolerant: some elements are reachable by no legal K order"), bad.out());
    }

    private static String[] concat(String[] in, String... head) {
        String[] out = new String[head.length + in.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(in, 0, out, head.length, in.length);
        return out;
    }

    @Test
    void epilogueAndCheckpointErrorsAreOneLine(@TempDir Path dir) throws Exception {
        Npy.write(NpyArray.ofUint8(new byte[4 * 32], 4, 32), dir.resolve("a.npy"));
        Npy.write(NpyArray.ofUint8(new byte[4 * 4], 4, 4), dir.resolve("s.npy"));
        String a = dir.resolve("a.npy").toString();
        String s = dir.resolve("s.npy").toString();
        var r = run("gemm", "--a", a, "--b", a, "--sfa", s, "--sfb", s, "--beta", "1", "--out", dir.resolve("d.npy").toString());
        assertEquals(2, r.exit());
        assertEquals("fp4sim: error: --beta 1.0 needs --epilogue-c E.npy", r.err().strip());
        Path ck = CliTestSupport.root().resolve("verification/src/test/resources/oracle/checkpoints/modelopt_nvfp4.safetensors");
        var m = run("gemm", "--a", a, "--b", ck + ":nope", "--sfa", s, "--sfb", s, "--out", dir.resolve("d.npy").toString());
        assertEquals(2, m.exit());
        assertTrue(m.err().contains("modelopt_nvfp4.safetensors: tensor 'nope': not found"), m.err());
        assertEquals(1, m.err().strip().lines().count());
    }
}
