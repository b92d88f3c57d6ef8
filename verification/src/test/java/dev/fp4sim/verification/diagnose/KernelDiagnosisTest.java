package dev.fp4sim.verification.diagnose;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.layout.ScaleFactorLayout;
import dev.fp4sim.isa.layout.TiledScaleLayout;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.gemm.Fp4Operands;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.gemm.ReferenceFp4Gemm;
import dev.fp4sim.sim.profile.Assumptions;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each diagnosis is demonstrated by injecting exactly that bug: the "kernel output" is built here by
 * running the reference engine on deliberately wrong inputs (or post-processing its result the way the
 * buggy kernel would), and the diagnosis must name the bug as the explanation reproducing all of it.
 */
class KernelDiagnosisTest {

    static final int M = 128;
    static final int N = 128;
    static final int K = 256;
    static final int KB = K / 16;

    static Fp4GemmProblem problem(ScaleFactorLayout layout) {
        SplittableRandom rnd = new SplittableRandom(3);
        byte[] a = new byte[M * K / 2];
        byte[] b = new byte[N * K / 2];
        rnd.nextBytes(a);
        rnd.nextBytes(b);
        byte[] sfa = new byte[M * KB];
        byte[] sfb = new byte[N * KB];
        for (int i = 0; i < sfa.length; i++) {
            sfa[i] = (byte) (0x28 + rnd.nextInt(0x40));
            sfb[i] = (byte) (0x28 + rnd.nextInt(0x40));
        }
        if (layout == ScaleFactorLayout.CUBLAS) {
            sfa = new TiledScaleLayout(M, KB).fromLinear(sfa, (byte) 0);
            sfb = new TiledScaleLayout(N, KB).fromLinear(sfb, (byte) 0);
        }
        return new Fp4GemmProblem(M, N, K, FloatFormat.UE4M3, 16, a, b, sfa, sfb, layout, null);
    }

    static int[] reference(byte[] a, byte[] b, byte[] sfaLinear, byte[] sfbLinear, int k) {
        BlockScaledFp4 unit = new BlockScaledFp4(FloatFormat.UE4M3, 16, BlockScaledProfile.BLACKWELL);
        return ReferenceFp4Gemm.run(unit, new Fp4Operands(M, N, k, 16, a, b, sfaLinear, sfbLinear, null), 2, Progress.NONE);
    }

    static String top(Fp4GemmProblem p, int[] actual) {
        List<KernelDiagnosis.Finding> f = KernelDiagnosis.diagnose(p, actual, Assumptions.DEFAULTS, 2);
        KernelDiagnosis.Finding best = f.get(0);
        assertTrue(best.fraction() > 0.999, () -> "best explanation covers only " + best.fraction() + ": " + f);
        return best.id();
    }

    @ParameterizedTest
    @ValueSource(strings = {"correct", "nibble-order", "scale-layout", "scale-transposed", "a-b-swapped",
            "global-factor", "rne-accumulation", "split-k", "block-size", "fp16-accumulation"})
    void theInjectedBugIsNamed(String bug) {
        Fp4GemmProblem p = problem(bug.equals("scale-layout") ? ScaleFactorLayout.CUBLAS : ScaleFactorLayout.LINEAR);
        byte[] sfaLin = Fp4GemmProblem.toLinear(p.sfa(), M, KB, p.layout());
        byte[] sfbLin = Fp4GemmProblem.toLinear(p.sfb(), N, KB, p.layout());
        int[] actual;
        switch (bug) {
            case "correct" -> actual = reference(p.a(), p.b(), sfaLin, sfbLin, K);
            case "nibble-order" -> {
                byte[] a = p.a().clone();
                for (int i = 0; i < a.length; i++) {
                    int v = a[i] & 0xFF;
                    a[i] = (byte) ((v >> 4) | (v << 4));
                }
                actual = reference(a, p.b(), sfaLin, sfbLin, K);
            }
            case "scale-layout" -> // the tiled buffer indexed as if it were row-major
                    actual = reference(p.a(), p.b(), java.util.Arrays.copyOf(p.sfa(), M * KB), java.util.Arrays.copyOf(p.sfb(), N * KB), K);
            case "scale-transposed" -> {
                byte[] ta = new byte[M * KB];
                byte[] tb = new byte[N * KB];
                for (int r = 0; r < M; r++) {
                    for (int c = 0; c < KB; c++) {
                        ta[r * KB + c] = sfaLin[c * M + r];
                        tb[r * KB + c] = sfbLin[c * N + r];
                    }
                }
                actual = reference(p.a(), p.b(), ta, tb, K);
            }
            case "a-b-swapped" -> {
                int[] d = reference(p.a(), p.b(), sfaLin, sfbLin, K);
                actual = new int[d.length];
                for (int i = 0; i < M; i++) {
                    for (int j = 0; j < N; j++) {
                        actual[i * N + j] = d[j * N + i];
                    }
                }
            }
            case "global-factor" -> {
                int[] d = reference(p.a(), p.b(), sfaLin, sfbLin, K);
                actual = new int[d.length];
                for (int i = 0; i < d.length; i++) {
                    actual[i] = Float.floatToRawIntBits(Float.intBitsToFloat(d[i]) * 2688f);
                }
            }
            case "rne-accumulation" -> {
                actual = new int[M * N];
                double[] e2m1 = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
                for (int i = 0; i < M; i++) {
                    for (int j = 0; j < N; j++) {
                        double s = 0;
                        for (int k = 0; k < K; k++) {
                            int ca = (p.a()[i * K / 2 + k / 2] >> ((k & 1) * 4)) & 0xF;
                            int cb = (p.b()[j * K / 2 + k / 2] >> ((k & 1) * 4)) & 0xF;
                            double va = (ca & 8) != 0 ? -e2m1[ca & 7] : e2m1[ca & 7];
                            double vb = (cb & 8) != 0 ? -e2m1[cb & 7] : e2m1[cb & 7];
                            s += va * vb * FloatFormat.UE4M3.toDouble(sfaLin[i * KB + k / 16]) * FloatFormat.UE4M3.toDouble(sfbLin[j * KB + k / 16]);
                        }
                        actual[i * N + j] = Float.floatToRawIntBits((float) s);
                    }
                }
            }
            case "split-k" -> {
                int half = K / 2;
                int[] d0 = reference(cols(p.a(), M, K / 2, 0, half / 2), cols(p.b(), N, K / 2, 0, half / 2),
                        cols(sfaLin, M, KB, 0, KB / 2), cols(sfbLin, N, KB, 0, KB / 2), half);
                int[] d1 = reference(cols(p.a(), M, K / 2, half / 2, half / 2), cols(p.b(), N, K / 2, half / 2, half / 2),
                        cols(sfaLin, M, KB, KB / 2, KB / 2), cols(sfbLin, N, KB, KB / 2, KB / 2), half);
                actual = new int[d0.length];
                for (int i = 0; i < d0.length; i++) {
                    actual[i] = Float.floatToRawIntBits(Float.intBitsToFloat(d0[i]) + Float.intBitsToFloat(d1[i]));
                }
            }
            case "block-size" -> {
                // a block-32 kernel reading the block-16 scale bytes with its own row length
                byte[] ra = java.util.Arrays.copyOf(sfaLin, M * (K / 32));
                byte[] rb = java.util.Arrays.copyOf(sfbLin, N * (K / 32));
                BlockScaledFp4 unit = new BlockScaledFp4(FloatFormat.UE4M3, 32, BlockScaledProfile.BLACKWELL);
                actual = ReferenceFp4Gemm.run(unit, new Fp4Operands(M, N, K, 32, p.a(), p.b(), ra, rb, null), 2, Progress.NONE);
            }
            case "fp16-accumulation" -> {
                // accumulate one K = 64 instruction at a time, rounding the running sum to f16 in between
                BlockScaledFp4 unit = new BlockScaledFp4(FloatFormat.UE4M3, 16, BlockScaledProfile.BLACKWELL);
                actual = new int[M * N];
                for (int i = 0; i < M; i++) {
                    for (int j = 0; j < N; j++) {
                        int d = 0;
                        for (int s = 0; s < K / 64; s++) {
                            d = unit.mma(p.a(), i * K / 2 + s * 32, p.b(), j * K / 2 + s * 32, sfaLin, i * KB + 4 * s, sfbLin, j * KB + 4 * s, d);
                            d = Float.floatToRawIntBits((float) FloatFormat.F16.toDouble(
                                    FloatFormat.F16.encode(Float.intBitsToFloat(d), dev.fp4sim.isa.format.Rounding.RNE, false)));
                        }
                        actual[i * N + j] = d;
                    }
                }
            }
            default -> throw new AssertionError(bug);
        }
        assertEquals(bug, top(p, actual));
    }

    private static byte[] cols(byte[] x, int rows, int rowLen, int from, int len) {
        byte[] out = new byte[rows * len];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * rowLen + from, out, r * len, len);
        }
        return out;
    }
}
