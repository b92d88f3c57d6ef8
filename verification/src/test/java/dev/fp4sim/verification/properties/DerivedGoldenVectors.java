package dev.fp4sim.verification.properties;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.format.IntFormat;
import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaModifiers;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.verification.gen.MmaCase;
import dev.fp4sim.verification.gen.MmaGens;
import dev.fp4sim.verification.golden.GoldenCase;
import dev.fp4sim.verification.golden.GoldenFile;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import static org.quicktheories.QuickTheory.qt;

/**
 * The golden vectors of golden-vectors/derived/: kinds and corners the shared files do not cover.
 * Expected D comes from the exact models of {@link AllKindsPropertiesTest} (exact rationals for the
 * float kinds, BigInteger for kind::i8), never from the simulator. Inputs are hand-picked corners
 * plus edge-biased random cases from a fixed seed.
 */
final class DerivedGoldenVectors {

    static final String PROVENANCE_FLOAT = "fp4sim derived: expected D computed with exact rational arithmetic from "
            + "numerics.md §3.2 (verification/src/test/java/dev/fp4sim/verification/exact/ExactFdpa.java), "
            + "not by the simulator; inputs: hand-picked corners plus MmaGens seed ";
    static final String PROVENANCE_INT = "fp4sim derived: expected D computed with exact integer arithmetic "
            + "(BigInteger sum per instruction, wrap or clamp to s32; PTX §9.7.16.10), not by the simulator; "
            + "inputs: hand-picked corners plus MmaGens seed ";

    record Spec(String file, String operation, MmaVariant variant, List<MmaCase> hand, int random, long seed) {
    }

    private DerivedGoldenVectors() {
    }

    static MmaVariant tcgen05(MmaKind kind, Object a, Object b, Object acc, int k, boolean saturate) {
        return new MmaVariant("sm_100a", InstructionFamily.TCGEN05_MMA, kind, (dev.fp4sim.isa.format.ElementFormat) a,
                (dev.fp4sim.isa.format.ElementFormat) b, (dev.fp4sim.isa.format.ElementFormat) acc,
                (dev.fp4sim.isa.format.ElementFormat) acc, k, kind == MmaKind.MXF8F6F4 ? FloatFormat.UE8M0 : null,
                kind == MmaKind.MXF8F6F4 ? 32 : 0, saturate);
    }

    private static MmaCase hand(MmaVariant v, int c, int[] a, int[] b) {
        int k = v.kPerInstruction();
        int[] fa = new int[k];
        int[] fb = new int[k];
        System.arraycopy(a, 0, fa, 0, a.length);
        System.arraycopy(b, 0, fb, 0, b.length);
        return new MmaCase(v, fa, fb, new byte[0], new byte[0], c, k, MmaModifiers.NONE);
    }

    private static int[] fill(int k, int code) {
        int[] x = new int[k];
        java.util.Arrays.fill(x, code);
        return x;
    }

    /** f16 output corners (RNE to f16, numerics.md §2): ties, overflow, subnormal results, zero signs. */
    static List<MmaCase> f16Corners(MmaVariant v) {
        int one = 0x3C00;
        List<MmaCase> out = new ArrayList<>();
        out.add(hand(v, 0, new int[] {0x7BFF, 0x4C00}, new int[] {one, one}));      // 65504 + 16 = 65520: tie, even -> Inf
        out.add(hand(v, 0, new int[] {0x7BFF, 0x4BFF}, new int[] {one, one}));      // 65504 + 15.99: stays 65504
        out.add(hand(v, 0, new int[] {0xFBFF, 0xCC00}, new int[] {one, one}));      // -65520: -Inf
        out.add(hand(v, 0, new int[] {one, 0x1000}, new int[] {one, one}));         // 1 + 2^-11: tie, even -> 1
        out.add(hand(v, 0, new int[] {0x3C01, 0x1000}, new int[] {one, one}));      // (1 + 2^-10) + 2^-11: tie, odd -> up
        out.add(hand(v, 0, new int[] {one, 0x1200}, new int[] {one, one}));         // 1 + 1.5·2^-11: above tie -> up
        out.add(hand(v, 0, new int[] {0x0001}, new int[] {0x3800}));                // 2^-24 · 0.5: tie at the smallest subnormal -> +0
        out.add(hand(v, 0, new int[] {0x0001}, new int[] {0x3A00}));                // 2^-24 · 0.75 -> 2^-24
        out.add(hand(v, 0, new int[] {0x03FF, 0x0001}, new int[] {one, one}));      // largest subnormal + 2^-24 = smallest normal
        out.add(hand(v, 0x8000, new int[] {one, 0xBC00}, new int[] {one, one}));    // 1 - 1 + (-0): exact zero -> +0
        out.add(hand(v, 0x8000, new int[] {0x8000}, new int[] {one}));              // -0 · 1 + -0 -> +0
        out.add(hand(v, 0x7BFF, new int[] {0x7BFF}, new int[] {0x7BFF}));           // max·max: overflow -> Inf
        out.add(hand(v, 0x7C00, new int[] {0x7BFF}, new int[] {0xFBFF}));           // +Inf C, finite products -> +Inf
        out.add(hand(v, 0x7C00, new int[] {0x7C00}, new int[] {0xBC00}));           // +Inf C with -Inf product -> NaN
        out.add(hand(v, 0, new int[] {0x7C00}, new int[] {0x0000}));                // Inf · 0 -> NaN
        out.add(hand(v, 0x3C00, new int[] {0x0400}, new int[] {0x8400}));           // 1 - 2^-28: below the 2^-25 grid, truncated -> 1
        out.add(hand(v, 0x3C00, new int[] {0x1400}, new int[] {0x9000}));           // 1 - 2^-17: RNE of 1 - 2^-17 -> 1
        out.add(hand(v, 0xBC00, new int[] {0x1000}, new int[] {0x3C00}));           // -1 + 2^-11 = -(1 - 2^-11): exact in f16
        return out;
    }

    /** kind::i8 corners: the extreme products of s8/u8 filling an instruction, C at the s32 limits. */
    static List<MmaCase> i8Corners(MmaVariant v) {
        int k = v.kPerInstruction();
        List<MmaCase> out = new ArrayList<>();
        int[] extremes = {0x7F, 0x80, 0xFF, 0x01, 0x00};
        int[] cs = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 100_000, Integer.MIN_VALUE + 100_000};
        for (int x : extremes) {
            for (int y : extremes) {
                for (int c : cs) {
                    out.add(new MmaCase(v, fill(k, x), fill(k, y), new byte[0], new byte[0], c, k, MmaModifiers.NONE));
                }
            }
        }
        return out;
    }

    static List<Spec> specs() {
        List<Spec> s = new ArrayList<>();
        MmaVariant f16f16 = tcgen05(MmaKind.F16, FloatFormat.F16, FloatFormat.F16, FloatFormat.F16, 16, false);
        s.add(new Spec("tcgen05_f16_f16_f16_corners.json", "tcgen05.mma.cta_group::1.kind::f16", f16f16, f16Corners(f16f16), 300, 41));
        MmaVariant hopperF16 = new MmaVariant("sm_90a", InstructionFamily.MMA_SYNC, MmaKind.F16, FloatFormat.F16, FloatFormat.F16,
                FloatFormat.F16, FloatFormat.F16, 16, null, 0, false);
        s.add(new Spec("mma_sm90_m16n8k16_f16_f16_corners.json", "mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16", hopperF16,
                f16Corners(hopperF16), 200, 42));
        for (FloatFormat[] ab : new FloatFormat[][] {{FloatFormat.E2M3, FloatFormat.E3M2}, {FloatFormat.E3M2, FloatFormat.E2M3},
                {FloatFormat.E2M3, FloatFormat.E2M3}, {FloatFormat.E2M1, FloatFormat.E3M2}, {FloatFormat.E2M1, FloatFormat.E4M3}}) {
            for (FloatFormat acc : new FloatFormat[] {FloatFormat.F32, FloatFormat.F16}) {
                MmaVariant v = tcgen05(MmaKind.F8F6F4, ab[0], ab[1], acc, 32, false);
                s.add(new Spec("tcgen05_f8f6f4_" + ab[0].ptxName() + "_" + ab[1].ptxName() + "_" + acc.ptxName() + ".json",
                        "tcgen05.mma.cta_group::1.kind::f8f6f4", v, List.of(), 250, 43 + s.size()));
            }
            MmaVariant mx = tcgen05(MmaKind.MXF8F6F4, ab[0], ab[1], FloatFormat.F32, 32, false);
            s.add(new Spec("tcgen05_mxf8f6f4_" + ab[0].ptxName() + "_" + ab[1].ptxName() + "_ue8m0.json",
                    "tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.scale_vec::1X", mx, List.of(), 250, 43 + s.size()));
        }
        MmaVariant rtx = new MmaVariant("sm_120a", InstructionFamily.MMA_SYNC, MmaKind.F8F6F4, FloatFormat.E3M2, FloatFormat.E2M1,
                FloatFormat.F16, FloatFormat.F16, 32, null, 0, false);
        s.add(new Spec("mma_sm120_m16n8k32_f8f6f4_e3m2_e2m1_f16.json", "mma.sync.aligned.m16n8k32.row.col.kind::f8f6f4.f16.e3m2.e2m1.f16",
                rtx, List.of(), 250, 70));
        for (IntFormat a : IntFormat.values()) {
            for (IntFormat b : IntFormat.values()) {
                if (a == IntFormat.S32 || b == IntFormat.S32) {
                    continue;
                }
                for (boolean sat : new boolean[] {false, true}) {
                    MmaVariant v = tcgen05(MmaKind.I8, a, b, IntFormat.S32, 32, sat);
                    s.add(new Spec("tcgen05_i8_" + a.ptxName() + "_" + b.ptxName() + (sat ? "_saturate" : "") + ".json",
                            "tcgen05.mma.cta_group::1.kind::i8" + (sat ? " (idesc saturate=1)" : ""), v, i8Corners(v), 100, 80 + s.size()));
                }
            }
        }
        return s;
    }

    /** Expected D by the exact models (never the simulator). */
    static int expected(MmaCase c) {
        if (c.variant().kind() != MmaKind.I8) {
            return AllKindsPropertiesTest.expected(c);
        }
        MmaVariant v = c.variant();
        BigInteger d = BigInteger.valueOf(c.c());
        int kpi = v.kPerInstruction();
        for (int i = 0; i < c.k() / kpi; i++) {
            for (int t = i * kpi; t < (i + 1) * kpi; t++) {
                d = d.add(BigInteger.valueOf(intValue((IntFormat) v.aFormat(), c.a()[t]) * intValue((IntFormat) v.bFormat(), c.b()[t])));
            }
            if (v.saturate()) {
                d = d.max(BigInteger.valueOf(Integer.MIN_VALUE)).min(BigInteger.valueOf(Integer.MAX_VALUE));
            }
            d = BigInteger.valueOf(d.intValue());
        }
        return d.intValue();
    }

    static long intValue(IntFormat f, int code) {
        return f == IntFormat.S8 ? (byte) code : code & 0xFF;
    }

    static List<MmaCase> randomCases(Spec spec) {
        List<MmaCase> out = new ArrayList<>();
        qt().withFixedSeed(spec.seed()).withExamples(spec.random()).withGenerateAttempts(100_000)
                .forAll(MmaGens.cases(List.of(spec.variant()), true))
                .checkAssert(c -> out.add(new MmaCase(c.variant(), c.a(), c.b(), c.sfa(), c.sfb(), c.c(), c.k(), MmaModifiers.NONE)));
        return out;
    }

    static GoldenFile build(Spec spec) {
        List<GoldenCase> cases = new ArrayList<>();
        int n = 0;
        for (MmaCase c : spec.hand()) {
            cases.add(new GoldenCase(String.format("hand-%04d", ++n), c.k(), c.imageA(), c.imageB(), null, null, c.c(), expected(c)));
        }
        n = 0;
        for (MmaCase c : randomCases(spec)) {
            String cat = c.k() > spec.variant().kPerInstruction() ? "chain" : "edge";
            cases.add(new GoldenCase(String.format("%s-%04d", cat, ++n), c.k(), c.imageA(), c.imageB(),
                    c.sfa().length == 0 ? null : c.sfa(), c.sfb().length == 0 ? null : c.sfb(), c.c(), expected(c)));
        }
        String prov = (spec.variant().kind() == MmaKind.I8 ? PROVENANCE_INT : PROVENANCE_FLOAT) + spec.seed();
        return new GoldenFile(spec.file(), spec.operation(), spec.variant(), prov, List.copyOf(cases));
    }
}
