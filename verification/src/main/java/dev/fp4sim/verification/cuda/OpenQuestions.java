package dev.fp4sim.verification.cuda;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.sim.mma.Datapaths;
import dev.fp4sim.sim.mma.ElementMma;
import dev.fp4sim.sim.mma.UnsupportedVariantException;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import dev.fp4sim.sim.profile.Ue4m3SignBit;
import dev.fp4sim.sim.profile.Ue8m0Code0;
import dev.fp4sim.sim.profile.ZeroTermRule;
import dev.fp4sim.verification.gen.Fp4Case;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Experiments that settle the numerics' open parameters on a Blackwell GPU (docs/cuda.md, "Open
 * questions"). Each experiment names competing hypotheses, each a simulator configuration; a
 * search finds inputs on which the hypotheses give different bits (every pair separated by
 * several cases), probe_sm100 runs them on the tensor cores, and the verdict lists the hypotheses
 * that agree with the hardware on every case.
 */
public final class OpenQuestions {

    private OpenQuestions() {
    }

    /** A hypothesis: a name and the simulator configuration that embodies it. */
    public record Hypothesis(String name, BlockScaledProfile profile) {
    }

    /**
     * @param key        short name ({@code fp4-frac-bits})
     * @param question   what is open, with the spec section
     * @param variant    the tcgen05 variant the cases run on
     */
    public record Experiment(String key, String question, MmaVariant variant, List<Hypothesis> hypotheses) {
    }

    /** Distinguishing cases and each hypothesis' prediction for them. */
    public record Design(Experiment experiment, List<Fp4Case> cases, Map<String, int[]> predictions) {
    }

    public static MmaVariant variant(MmaKind kind, FloatFormat scale, int block) {
        return new MmaVariant("sm_100a", InstructionFamily.TCGEN05_MMA, kind, FloatFormat.E2M1, FloatFormat.E2M1,
                FloatFormat.F32, FloatFormat.F32, 64, scale, block, false);
    }

    /** The experiments, defaults first in each list (the simulator's current choice). */
    public static List<Experiment> experiments() {
        BlockScaledProfile bw = BlockScaledProfile.BLACKWELL;
        MmaVariant nvfp4 = variant(MmaKind.MXF4NVF4, FloatFormat.UE4M3, 16);
        MmaVariant mxfp4 = variant(MmaKind.MXF4, FloatFormat.UE8M0, 32);
        List<Experiment> out = new ArrayList<>();
        out.add(new Experiment("fp4-frac-bits", "fractional bits F of the FP4 fused sum (numerics.md §3.1: 35)", nvfp4,
                List.of(new Hypothesis("F=35", bw), new Hypothesis("F=34", bw.withFractionalBits(34)),
                        new Hypothesis("F=36", bw.withFractionalBits(36)), new Hypothesis("F=37", bw.withFractionalBits(37)))));
        out.add(new Experiment("fp4-group-size", "products summed exactly before scaling (numerics.md §3.1: 16, also for block32)",
                mxfp4, List.of(new Hypothesis("group=16", bw), new Hypothesis("group=8", new BlockScaledProfile("g8", 35, 8, -139,
                        bw.zeroTermRule(), bw.ue4m3SignBit(), bw.ue8m0Code0(), bw.resultOverflow(), bw.infiniteC())))));
        out.add(new Experiment("ue4m3-sign", "the ue4m3 scale's bit 7 (numerics.md §1: assumed ignored)", nvfp4,
                List.of(new Hypothesis("ignored", bw), new Hypothesis("negates", bw.withUe4m3SignBit(Ue4m3SignBit.NEGATES)))));
        out.add(new Experiment("zero-terms", "exponent of zero terms (numerics.md §2: e_zero = -139 vs the first MMA-Sim release)", mxfp4,
                List.of(new Hypothesis("e_zero=-139", bw), new Hypothesis("first-release", bw.withZeroTermRule(ZeroTermRule.FIRST_RELEASE)))));
        out.add(new Experiment("ue8m0-code0", "how ue8m0 0x00 enters the alignment (numerics.md §1)", mxfp4,
                List.of(new Hypothesis("2^-127", bw), new Hypothesis("0.5*2^-126", bw.withUe8m0Code0(Ue8m0Code0.SUBNORMAL_M126)))));
        return out;
    }

    public static int predict(Hypothesis h, MmaVariant v, Fp4Case c) {
        try {
            ElementMma mma = Datapaths.forVariant(v, h.profile());
            return mma.compute(c.a(), c.b(), c.sfa(), c.sfb(), c.c(), c.k());
        } catch (UnsupportedVariantException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Searches random inputs shaped for the question until every pair of hypotheses is separated by
     * {@code perPair} cases (or {@code maxTries} candidates were drawn).
     */
    public static Design design(Experiment e, long seed, int perPair, int maxTries) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Hypothesis> hs = e.hypotheses();
        int pairs = hs.size() * (hs.size() - 1) / 2;
        int[] separated = new int[pairs];
        List<Fp4Case> cases = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int t = 0; t < maxTries && !allAtLeast(separated, perPair); t++) {
            Fp4Case c = candidate(e, rnd);
            int[] d = new int[hs.size()];
            for (int i = 0; i < hs.size(); i++) {
                d[i] = predict(hs.get(i), e.variant(), c);
            }
            boolean useful = false;
            int p = 0;
            for (int i = 0; i < hs.size(); i++) {
                for (int j = i + 1; j < hs.size(); j++, p++) {
                    if (d[i] != d[j] && separated[p] < perPair) {
                        useful = true;
                    }
                }
            }
            if (useful && seen.add(c.toString())) {
                cases.add(c);
                p = 0;
                for (int i = 0; i < hs.size(); i++) {
                    for (int j = i + 1; j < hs.size(); j++, p++) {
                        if (d[i] != d[j]) {
                            separated[p]++;
                        }
                    }
                }
            }
        }
        Map<String, int[]> predictions = new LinkedHashMap<>();
        for (Hypothesis h : hs) {
            predictions.put(h.name(), cases.stream().mapToInt(c -> predict(h, e.variant(), c)).toArray());
        }
        return new Design(e, List.copyOf(cases), predictions);
    }

    private static boolean allAtLeast(int[] counts, int n) {
        for (int c : counts) {
            if (c < n) {
                return false;
            }
        }
        return true;
    }

    /** One K = 64 candidate: random e2m1 codes, scales in a narrow exponent window, C near the products. */
    private static Fp4Case candidate(Experiment e, SplittableRandom r) {
        MmaVariant v = e.variant();
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        r.nextBytes(a);
        r.nextBytes(b);
        int blocks = 64 / v.blockSize();
        byte[] sfa = new byte[blocks];
        byte[] sfb = new byte[blocks];
        boolean ue8 = v.scaleFormat() == FloatFormat.UE8M0;
        boolean tiny = e.key().equals("zero-terms") || e.key().equals("ue8m0-code0");
        for (int i = 0; i < blocks; i++) {
            if (ue8) {
                if (tiny) {
                    // Scale products near 2^-139 .. 2^-126, where e_zero and the reading of 0x00 decide E;
                    // 0x00 pairs with a scale near 1 so that its term is near 2^-127.
                    boolean code0 = r.nextInt(4) == 0;
                    sfa[i] = (byte) (code0 ? 0 : r.nextInt(40, 70));
                    sfb[i] = (byte) (code0 ? r.nextInt(115, 140) : r.nextInt(40, 70));
                } else {
                    sfa[i] = (byte) (127 + r.nextInt(-20, 21));
                    sfb[i] = (byte) (127 + r.nextInt(-20, 21));
                }
            } else {
                int sign = e.key().equals("ue4m3-sign") && r.nextInt(3) == 0 ? 0x80 : 0;
                // The whole finite range: truncation at 2^(E-F) needs terms ~F binades below the largest.
                sfa[i] = (byte) (sign | r.nextInt(0x01, 0x7F));
                sfb[i] = (byte) r.nextInt(0x01, 0x7F);
            }
        }
        if (tiny && r.nextInt(4) == 0) { // an all-zero group makes e_zero matter (numerics.md §2, "Zero terms")
            int g = r.nextInt(4);
            for (int k = 16 * g; k < 16 * g + 16; k++) {
                Fp4Case.setCode(a, k, 0);
            }
        }
        int c;
        if (tiny) {
            c = r.nextInt(3) == 0 ? 0 : Float.floatToRawIntBits((float) Math.scalb(r.nextDouble(1, 2), -126 - r.nextInt(0, 20)));
        } else {
            double mag = Math.scalb(r.nextDouble(1, 2), r.nextInt(-20, 30));
            c = Float.floatToRawIntBits((float) (r.nextBoolean() ? mag : -mag));
        }
        return new Fp4Case(v.scaleFormat(), v.blockSize(), 64, a, b, sfa, sfb, c);
    }

    /** The hypotheses that agree with the observed D on every case, with match counts. */
    public static String verdict(Design d, int[] observed) {
        StringBuilder sb = new StringBuilder(d.experiment().key()).append(": ").append(d.experiment().question()).append('\n');
        List<String> consistent = new ArrayList<>();
        for (Map.Entry<String, int[]> e : d.predictions().entrySet()) {
            int match = 0;
            for (int i = 0; i < observed.length; i++) {
                if (e.getValue()[i] == observed[i]) {
                    match++;
                }
            }
            sb.append(String.format("  %-14s %d of %d cases match%n", e.getKey(), match, observed.length));
            if (match == observed.length) {
                consistent.add(e.getKey());
            }
        }
        sb.append("  verdict: ").append(consistent.isEmpty() ? "no hypothesis explains the hardware (a new rule is needed)"
                : consistent.size() == 1 ? consistent.get(0) + " (the others are refuted)" : "undecided between " + consistent).append('\n');
        return sb.toString();
    }
}
