package dev.fp4sim.verification.cuda;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.datapath.Fdpa;
import dev.fp4sim.sim.datapath.OutputRounding;
import dev.fp4sim.sim.profile.Algorithm;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import dev.fp4sim.sim.profile.DatapathParams;
import dev.fp4sim.sim.profile.ResultOverflow;
import dev.fp4sim.sim.profile.ScaleInputD;
import dev.fp4sim.sim.profile.SubByteEmin;
import dev.fp4sim.sim.profile.Ue4m3SignBit;
import dev.fp4sim.sim.profile.ZeroTermRule;
import dev.fp4sim.verification.gen.Fp4Gens;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.quicktheories.QuickTheory.qt;

/**
 * Minimal distinguishing inputs for the open parameters of the numerics (docs/cuda.md, issue "CUDA
 * path"): for each question, inputs on which the hypotheses predict different bits (every pair told
 * apart by some input), so one GPU run names the true one. Predictions come from the simulator configured per hypothesis.
 */
public final class OpenQuestionProbes {

    /** One probe input and the D each hypothesis predicts for it. */
    public record Probe(Fp4Batch.Case input, int k, Map<String, Integer> predictions) {
    }

    /** A question: its hypotheses, the batch kind that asks it, and the probes that separate them. */
    public record Question(String id, String description, Fp4Batch.Kind kind, Fp4Batch.Params params, List<Probe> probes) {

        /** Which hypothesis the hardware results agree with on every probe, or null. */
        public String verdict(int[] hardware) {
            for (String h : probes.get(0).predictions().keySet()) {
                boolean all = true;
                for (int i = 0; i < probes.size(); i++) {
                    all &= probes.get(i).predictions().get(h) == hardware[i];
                }
                if (all) {
                    return h;
                }
            }
            return null;
        }
    }

    private OpenQuestionProbes() {
    }

    /** Whether every pair of hypotheses is told apart by at least one probe. */
    public static boolean separatesAll(List<Probe> probes) {
        if (probes.isEmpty()) {
            return false;
        }
        List<String> hs = new ArrayList<>(probes.get(0).predictions().keySet());
        for (int i = 0; i < hs.size(); i++) {
            for (int j = i + 1; j < hs.size(); j++) {
                String x = hs.get(i);
                String y = hs.get(j);
                if (probes.stream().noneMatch(p -> !p.predictions().get(x).equals(p.predictions().get(y)))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean separatesNew(List<Probe> probes, Map<String, Integer> pred) {
        List<Probe> more = new ArrayList<>(probes);
        more.add(new Probe(null, 0, pred));
        return !separatesAll(probes) && countSeparated(more) > countSeparated(probes);
    }

    private static int countSeparated(List<Probe> probes) {
        List<String> hs = new ArrayList<>(probes.get(0).predictions().keySet());
        int n = 0;
        for (int i = 0; i < hs.size(); i++) {
            for (int j = i + 1; j < hs.size(); j++) {
                String x = hs.get(i);
                String y = hs.get(j);
                n += probes.stream().anyMatch(p -> !p.predictions().get(x).equals(p.predictions().get(y))) ? 1 : 0;
            }
        }
        return n;
    }

    private static Question fp4(String id, String description, FloatFormat scale, int block, Map<String, BlockScaledProfile> hypotheses,
                                int wanted, long seed) {
        Map<String, BlockScaledFp4> units = new LinkedHashMap<>();
        hypotheses.forEach((k, p) -> units.put(k, new BlockScaledFp4(scale, block, p)));
        List<Probe> probes = new ArrayList<>();
        qt().withFixedSeed(seed).withExamples(40_000).withGenerateAttempts(1_000_000).forAll(Fp4Gens.singleInstruction(false)).checkAssert(c -> {
            if ((probes.size() >= wanted && separatesAll(probes)) || c.scaleFormat() != scale || c.blockSize() != block) {
                return;
            }
            Map<String, Integer> pred = new LinkedHashMap<>();
            units.forEach((k, u) -> pred.put(k, u.mma(c.a(), 0, c.b(), 0, c.sfa(), 0, c.sfb(), 0, c.c())));
            if (pred.values().stream().distinct().count() > 1 && (probes.size() < wanted || separatesNew(probes, pred))) {
                probes.add(new Probe(new Fp4Batch.Case(c.a(), c.b(), c.sfa(), c.sfb(), c.c()), 64, pred));
            }
        });
        Fp4Batch.Kind kind = scale == FloatFormat.UE4M3 ? Fp4Batch.Kind.MXF4NVF4_UE4M3_B16
                : block == 16 ? Fp4Batch.Kind.MXF4NVF4_UE8M0_B16 : Fp4Batch.Kind.MXF4_UE8M0_B32;
        return new Question(id, description, kind, Fp4Batch.Params.NONE, probes);
    }

    private static Question hopperFp8(int wanted, long seed) {
        Map<String, Fdpa> units = new LinkedHashMap<>();
        for (int f : new int[] {13, 14}) {
            units.put("F=" + f, new Fdpa(new DatapathParams(Algorithm.T_FDPA, f, 32, -133, f == 13 ? OutputRounding.RZ_E8M13 : OutputRounding.RZ_F32),
                    FloatFormat.E4M3, FloatFormat.E4M3, FloatFormat.F32, ResultOverflow.INFINITY, ZeroTermRule.E_ZERO,
                    SubByteEmin.FORMAT_EMIN, ScaleInputD.EXACT));
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Probe> probes = new ArrayList<>();
        for (int tries = 0; tries < 1_000_000 && probes.size() < wanted; tries++) {
            int[] a = new int[32];
            int[] b = new int[32];
            int centre = 4 + rnd.nextInt(8);
            for (int i = 0; i < 32; i++) {
                a[i] = (rnd.nextInt(2) << 7) | (Math.max(1, Math.min(14, centre + rnd.nextInt(7) - 3)) << 3) | rnd.nextInt(8);
                b[i] = (rnd.nextInt(2) << 7) | (Math.max(1, Math.min(14, centre + rnd.nextInt(7) - 3)) << 3) | rnd.nextInt(8);
            }
            int c = Float.floatToRawIntBits((float) (rnd.nextGaussian() * Math.scalb(1.0, 2 * (centre - 7) + 4)));
            Map<String, Integer> pred = new LinkedHashMap<>();
            units.forEach((k, u) -> pred.put(k, u.compute(a, b, 0, 32, 1, 0, 0, c, 0)));
            if (pred.values().stream().distinct().count() > 1) {
                byte[] ia = new byte[32];
                byte[] ib = new byte[32];
                for (int i = 0; i < 32; i++) {
                    ia[i] = (byte) a[i];
                    ib[i] = (byte) b[i];
                }
                probes.add(new Probe(new Fp4Batch.Case(ia, ib, new byte[0], new byte[0], c), 32, pred));
            }
        }
        return new Question("hopper-fp8-fraction-bits", "wgmma/mma e4m3 -> f32: 13 fractional bits and RZ to e8m13 (MMA-Sim) or 14",
                Fp4Batch.Kind.E4M3_E4M3_F32, new Fp4Batch.Params(13, 32, -133, 1), probes);
    }

    /** Every question with {@code perQuestion} probes each. */
    public static List<Question> all(int perQuestion) {
        List<Question> q = new ArrayList<>();
        Map<String, BlockScaledProfile> f = new LinkedHashMap<>();
        for (int bits = 34; bits <= 37; bits++) {
            f.put("F=" + bits, BlockScaledProfile.BLACKWELL.withFractionalBits(bits));
        }
        q.add(fp4("fp4-fraction-bits", "mxf4nvf4 (NVFP4): fractional bits kept by the fused sum (MMA-Sim: 35)",
                FloatFormat.UE4M3, 16, f, perQuestion, 1));
        q.add(fp4("fp4-zero-term-rule", "mxf4nvf4 ue8m0: zero terms at e_zero = -139 (newest model) or the first release's -126",
                FloatFormat.UE8M0, 16, Map.of("e-zero", BlockScaledProfile.BLACKWELL,
                        "first-release", BlockScaledProfile.BLACKWELL.withZeroTermRule(ZeroTermRule.FIRST_RELEASE)), perQuestion, 2));
        q.add(fp4("ue4m3-sign-bit", "NVFP4 scales with bit 7 set: ignored (MMA-Sim) or a negative scale",
                FloatFormat.UE4M3, 16, Map.of("ignored", BlockScaledProfile.BLACKWELL,
                        "negates", BlockScaledProfile.BLACKWELL.withUe4m3SignBit(Ue4m3SignBit.NEGATES)), perQuestion, 3));
        q.add(hopperFp8(perQuestion, 4));
        return q;
    }
}
