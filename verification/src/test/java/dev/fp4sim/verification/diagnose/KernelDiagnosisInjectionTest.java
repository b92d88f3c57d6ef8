package dev.fp4sim.verification.diagnose;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.layout.ScaleFactorLayout;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.gemm.Fp4Operands;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.gemm.ReferenceFp4Gemm;
import dev.fp4sim.sim.profile.Assumptions;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.fp4sim.verification.diagnose.KernelDiagnosisTest.K;
import static dev.fp4sim.verification.diagnose.KernelDiagnosisTest.KB;
import static dev.fp4sim.verification.diagnose.KernelDiagnosisTest.M;
import static dev.fp4sim.verification.diagnose.KernelDiagnosisTest.N;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * More injected bugs (issue 5's list): the other operand's nibble order, linear scales read through
 * the tiled offsets, a reversed K loop, and a global scale missing / applied twice / inverted, named
 * when the scales are known. Each faulty output is built here independently of the hypothesis code.
 */
class KernelDiagnosisInjectionTest {

    private static final BlockScaledFp4 UNIT = new BlockScaledFp4(FloatFormat.UE4M3, 16, BlockScaledProfile.BLACKWELL);

    private static int[] reference(byte[] a, byte[] b, byte[] sfa, byte[] sfb) {
        return ReferenceFp4Gemm.run(UNIT, new Fp4Operands(M, N, K, 16, a, b, sfa, sfb, null), 2, Progress.NONE);
    }

    private static KernelDiagnosis.Finding top(Fp4GemmProblem p, int[] actual, Epilogue epi, Map<String, Double> scales) {
        List<KernelDiagnosis.Finding> f = KernelDiagnosis.diagnose(p, actual, Assumptions.DEFAULTS, 2, epi, null, scales);
        assertTrue(f.get(0).fraction() > 0.999, () -> "best explanation covers only " + f.get(0).fraction() + ": " + f);
        return f.get(0);
    }

    @Test
    void nibbleOrderOfB() {
        Fp4GemmProblem p = KernelDiagnosisTest.problem(ScaleFactorLayout.LINEAR);
        byte[] b = p.b().clone();
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (((b[i] & 0xF) << 4) | ((b[i] >> 4) & 0xF));
        }
        // the same id as for A: swapping one operand's nibbles gives the same products whichever operand it is
        assertEquals("nibble-order", top(p, reference(p.a(), b, p.sfa(), p.sfb()), Epilogue.NONE, Map.of()).id());
    }

    @Test
    void linearScalesReadThroughTiledOffsets() {
        Fp4GemmProblem p = KernelDiagnosisTest.problem(ScaleFactorLayout.LINEAR);
        // the kernel reads SF[r][kb] at the isa.md §6 offset; the buffer actually holds row-major bytes
        int nkt = KB / 4;
        byte[] sa = new byte[M * KB];
        byte[] sb = new byte[N * KB];
        for (int r = 0; r < M; r++) {
            for (int kb = 0; kb < KB; kb++) {
                int off = ((r / 128) * nkt + kb / 4) * 512 + (r % 32) * 16 + ((r % 128) / 32) * 4 + kb % 4;
                sa[r * KB + kb] = p.sfa()[off];
                sb[r * KB + kb] = p.sfb()[off];
            }
        }
        KernelDiagnosis.Finding f = top(p, reference(p.a(), p.b(), sa, sb), Epilogue.NONE, Map.of());
        assertEquals("scale-layout", f.id());
        assertTrue(f.explanation().contains("in the cublas layout, but they are stored linear"), f.explanation());
    }

    @Test
    void reversedKLoop() {
        Fp4GemmProblem p = KernelDiagnosisTest.problem(ScaleFactorLayout.LINEAR);
        int[] actual = new int[M * N];
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                int d = 0;
                for (int s = K / 64 - 1; s >= 0; s--) {
                    d = UNIT.mma(p.a(), i * K / 2 + s * 32, p.b(), j * K / 2 + s * 32, p.sfa(), i * KB + 4 * s, p.sfb(), j * KB + 4 * s, d);
                }
                actual[i * N + j] = d;
            }
        }
        assertEquals("k-order-reversed", top(p, actual, Epilogue.NONE, Map.of()).id());
        // and the tolerant check accepts it as a legal order
        Map<String, Long> legal = KernelDiagnosis.legalOrders(p, actual, Assumptions.DEFAULTS, 2, Epilogue.NONE, null);
        assertNotNull(legal);
        assertTrue(legal.get("k-order-reversed") > 0, legal.toString());
        // a nibble bug is not a legal order
        byte[] a = p.a().clone();
        a[0] ^= 0x11;
        a[1] ^= 0x70;
        assertNull(KernelDiagnosis.legalOrders(p, reference(a, p.b(), p.sfa(), p.sfb()), Assumptions.DEFAULTS, 2, Epilogue.NONE, null));
    }

    @Test
    void globalScaleMissingTwiceOrInverted() {
        Fp4GemmProblem p = KernelDiagnosisTest.problem(ScaleFactorLayout.LINEAR);
        int[] acc = reference(p.a(), p.b(), p.sfa(), p.sfb());
        float ga = 0.0123f;  // activation decode scale, amax / 2688
        float gb = 3.7e-5f;  // weight decode scale
        Epilogue epi = new Epilogue(ga * gb, 0f);
        Map<String, Double> scales = new LinkedHashMap<>();
        scales.put("global scale of A", (double) ga);
        scales.put("global scale of B", (double) gb);
        scales.put("alpha = gA·gB", (double) (ga * gb));
        int[] missingB = scaled(acc, ga);
        int[] twiceA = scaled(acc, ga * gb * ga);
        int[] invertedB = scaled(acc, ga / gb);
        int[] noAlpha = acc;
        assertTrue(top(p, missingB, epi, scales).explanation().contains("global scale of B (" + (double) gb + ") is MISSING"));
        assertTrue(top(p, twiceA, epi, scales).explanation().contains("global scale of A (" + (double) ga + ") is APPLIED TWICE"));
        assertTrue(top(p, invertedB, epi, scales).explanation().contains("global scale of B (" + (double) gb + ") is INVERTED"));
        assertTrue(top(p, noAlpha, epi, scales).explanation().contains("alpha = gA·gB"), top(p, noAlpha, epi, scales).explanation());
        // the correct epilogue is named correct
        assertEquals("correct", top(p, epi.apply(acc, null), epi, scales).id());
    }

    private static int[] scaled(int[] acc, float f) {
        int[] out = new int[acc.length];
        for (int i = 0; i < acc.length; i++) {
            out[i] = Float.floatToRawIntBits(f * Float.intBitsToFloat(acc[i]));
        }
        return out;
    }
}
