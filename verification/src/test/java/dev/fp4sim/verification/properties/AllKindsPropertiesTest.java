package dev.fp4sim.verification.properties;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.format.IntFormat;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaModifiers;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.sim.mma.Datapaths;
import dev.fp4sim.sim.mma.ElementMma;
import dev.fp4sim.sim.mma.UnsupportedVariantException;
import dev.fp4sim.sim.profile.Algorithm;
import dev.fp4sim.sim.profile.ArchProfile;
import dev.fp4sim.sim.profile.ArchProfiles;
import dev.fp4sim.sim.profile.Assumptions;
import dev.fp4sim.sim.profile.DatapathParams;
import dev.fp4sim.sim.profile.InstructionForm;
import dev.fp4sim.verification.exact.Exact;
import dev.fp4sim.verification.exact.ExactFdpa;
import dev.fp4sim.verification.exact.ExactFormats;
import dev.fp4sim.verification.gen.MmaCase;
import dev.fp4sim.verification.gen.MmaGens;
import org.apache.commons.numbers.fraction.BigFraction;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind other than the packed FP4 ones (kind::f16, tf32, f8f6f4 incl. FP6/FP4 operands, f8,
 * mxf8f6f4, i8) on every architecture profile, against exact rational and exact integer arithmetic
 * (numerics.md §3.2–3.3). The exact models live in {@code verification.exact} and are written from
 * the spec text; the parameters (F, L, e_zero, rounding) are the profile's data, which
 * {@code ArchCommandTest} checks against numerics-sources §2.5.
 */
class AllKindsPropertiesTest {

    /** Every form of every profile that is not declared the same as another. */
    static List<InstructionForm> forms(Algorithm... algorithms) {
        Set<Algorithm> wanted = Set.of(algorithms);
        List<InstructionForm> out = new ArrayList<>();
        for (ArchProfile p : ArchProfiles.all()) {
            if (p.sameAs() == null) {
                p.forms().stream().filter(f -> wanted.contains(f.params().algorithm())).forEach(out::add);
            }
        }
        return out;
    }

    static String arch(InstructionForm f) {
        return ArchProfiles.all().stream().filter(p -> p.sameAs() == null && p.forms().contains(f))
                .findFirst().orElseThrow().arch();
    }

    static MmaVariant variant(InstructionForm f, boolean saturate) {
        return new MmaVariant(arch(f), f.family(), f.kind(), f.a(), f.b(), f.accumulator(), f.accumulator(), f.k(),
                f.scaleFormat(), f.blockSize(), saturate);
    }

    static List<MmaVariant> floatVariants() {
        return forms(Algorithm.T_FDPA, Algorithm.ST_FDPA).stream().map(f -> variant(f, false)).toList();
    }

    static int simulate(MmaCase c) {
        try {
            ElementMma mma = Datapaths.forVariant(c.variant(), Assumptions.DEFAULTS, c.modifiers());
            return mma.compute(c.imageA(), c.imageB(), c.sfa(), c.sfb(), c.c(), c.k());
        } catch (UnsupportedVariantException e) {
            throw new AssertionError(e);
        }
    }

    static ExactFdpa exactModel(MmaVariant v) {
        DatapathParams p = ArchProfiles.forArch(v.arch()).orElseThrow().find(v).orElseThrow().params();
        return new ExactFdpa(p.fractionalBits(), Math.min(p.chunkTerms(), v.kPerInstruction()), p.eZero(),
                p.rounding().name().toLowerCase().replace('_', '-'));
    }

    static ExactFormats.Spec spec(Object f) {
        return ExactFormats.spec(((FloatFormat) f).ptxName());
    }

    /** The chain of numerics.md §3.3: per instruction K/L fused steps, each rounded and fed on as C. */
    static int expected(MmaCase c) {
        MmaVariant v = c.variant();
        ExactFdpa model = exactModel(v);
        int kpi = v.kPerInstruction();
        int d = c.c();
        for (int i = 0; i < c.k() / kpi; i++) {
            int scaleExp = 0;
            if (v.scaleFormat() != null) {
                int blk = i * kpi / v.blockSize();
                int sa = c.sfa()[blk] & 0xFF;
                int sb = c.sfb()[blk] & 0xFF;
                // ue8m0: 2^(code − 127), 0xFF is NaN (numerics-sources §1.3)
                scaleExp = sa == 0xFF || sb == 0xFF ? Integer.MIN_VALUE : (sa - 127) + (sb - 127);
            }
            for (int j = 0; j < kpi / model.chunk(); j++) {
                d = model.step(spec(v.aFormat()), c.a(), spec(v.bFormat()), c.b(), i * kpi + j * model.chunk(),
                        model.chunk(), scaleExp, c.modifiers().negateA(), c.modifiers().negateB(), spec(v.cFormat()), d,
                        j == 0 ? c.modifiers().scaleInputD() : 0).d();
            }
        }
        return d;
    }

    @Test
    void everyFloatKindEqualsTheExactModel() {
        List<MmaVariant> variants = floatVariants();
        Set<MmaVariant> seen = new HashSet<>();
        Props.theory(6000).forAll(MmaGens.cases(variants, true)).checkAssert(c -> {
            seen.add(c.variant());
            assertEquals(Integer.toHexString(expected(c)), Integer.toHexString(simulate(c)), c::toString);
        });
        assertTrue(seen.size() > variants.size() * 9 / 10, "only " + seen.size() + " of " + variants.size() + " variants drawn");
    }

    /**
     * The issue's property: whenever no term is truncated, D is the exact sum rounded once — RZ to f32
     * (RZ to 13 fractional bits for Hopper/Ada FP8) or RNE to f16. The exact sum is formed here
     * directly from the decoded operands, not by the model's grid.
     */
    @Test
    void withoutTruncationTheResultIsTheRoundedExactSum() {
        List<MmaVariant> variants = floatVariants().stream()
                .filter(v -> exactModel(v).chunk() == v.kPerInstruction()).toList();
        AtomicInteger exactCases = new AtomicInteger();
        AtomicInteger all = new AtomicInteger();
        Props.theory(4000).forAll(MmaGens.narrow(variants)).checkAssert(c -> {
            all.incrementAndGet();
            MmaVariant v = c.variant();
            ExactFdpa model = exactModel(v);
            int scaleExp = v.scaleFormat() == null ? 0 : ((c.sfa()[0] & 0xFF) - 127) + ((c.sfb()[0] & 0xFF) - 127);
            var step = model.step(spec(v.aFormat()), c.a(), spec(v.bFormat()), c.b(), 0, c.k(), scaleExp,
                    c.modifiers().negateA(), c.modifiers().negateB(), spec(v.cFormat()), c.c(), c.modifiers().scaleInputD());
            if (step.truncated()) {
                return;
            }
            exactCases.incrementAndGet();
            BigFraction sum = ExactFormats.decode(spec(v.cFormat()), c.c()).value().multiply(Exact.pow2(-c.modifiers().scaleInputD()));
            for (int t = 0; t < c.k(); t++) {
                BigFraction p = ExactFormats.decode(spec(v.aFormat()), c.a()[t]).value()
                        .multiply(ExactFormats.decode(spec(v.bFormat()), c.b()[t]).value()).multiply(Exact.pow2(scaleExp));
                sum = sum.add(c.modifiers().negateA() ^ c.modifiers().negateB() ? p.negate() : p);
            }
            int want = switch (model.output()) {
                case "rz-f32" -> Exact.rzF32(sum);
                case "rz-e8m13" -> Exact.rzE8m13(sum);
                default -> Exact.rneF16(sum);
            };
            assertEquals(Integer.toHexString(want), Integer.toHexString(simulate(c)), c::toString);
        });
        assertTrue(exactCases.get() * 4 > all.get(), "too few untruncated cases: " + exactCases + " of " + all);
    }

    /** Negating A and C negates D exactly (RZ and RNE are symmetric; a zero result is +0). */
    @Test
    void negationIsExactlySymmetric() {
        Props.theory(3000).forAll(MmaGens.cases(floatVariants(), false)).checkAssert(c -> {
            boolean f16 = c.variant().dFormat() == FloatFormat.F16;
            int signBit = f16 ? 0x8000 : 0x80000000;
            MmaModifiers m = c.modifiers();
            MmaCase neg = new MmaCase(c.variant(), c.a(), c.b(), c.sfa(), c.sfb(), c.c() ^ signBit, c.k(),
                    new MmaModifiers(!m.negateA(), m.negateB(), m.scaleInputD()));
            int d = simulate(c);
            int dn = simulate(neg);
            if (c.k() == c.variant().kPerInstruction() && (d & ~signBit) != 0) {
                assertEquals(Integer.toHexString(d ^ signBit), Integer.toHexString(dn), c::toString);
            }
        });
    }

    /** kind::i8: exact integer arithmetic, wrapped to 32 bits or clamped per instruction with satfinite. */
    @Test
    void integerKindsAreExactIntegerArithmetic() {
        List<MmaVariant> variants = new ArrayList<>();
        for (InstructionForm f : forms(Algorithm.INTEGER)) {
            variants.add(variant(f, false));
            variants.add(variant(f, true));
        }
        AtomicInteger clamped = new AtomicInteger();
        Props.theory(3000).forAll(MmaGens.cases(variants, false)).checkAssert(c -> {
            MmaVariant v = c.variant();
            BigInteger min = BigInteger.valueOf(Integer.MIN_VALUE);
            BigInteger max = BigInteger.valueOf(Integer.MAX_VALUE);
            BigInteger d = BigInteger.valueOf(c.c());
            int kpi = v.kPerInstruction();
            for (int i = 0; i < c.k() / kpi; i++) {
                for (int t = i * kpi; t < (i + 1) * kpi; t++) {
                    d = d.add(BigInteger.valueOf(value((IntFormat) v.aFormat(), c.a()[t]) * value((IntFormat) v.bFormat(), c.b()[t])));
                }
                if (v.saturate() && (d.compareTo(max) > 0 || d.compareTo(min) < 0)) {
                    clamped.incrementAndGet();
                    d = d.signum() > 0 ? max : min;
                }
                d = BigInteger.valueOf(d.intValue()); // two's-complement wrap to s32
            }
            assertEquals(d.intValue(), simulate(c), c::toString);
        });
        assertTrue(clamped.get() > 50, "saturation reached only " + clamped + " times");
    }

    /** s8: two's complement of the byte; u8: the byte (PTX §5.2). */
    private static long value(IntFormat f, int code) {
        return f == IntFormat.S8 ? (byte) code : code & 0xFF;
    }

    @Test
    void everyKindOfTheIssueIsCovered() {
        Set<MmaKind> kinds = new HashSet<>();
        forms(Algorithm.T_FDPA, Algorithm.ST_FDPA, Algorithm.INTEGER).forEach(f -> kinds.add(f.kind()));
        assertTrue(kinds.containsAll(List.of(MmaKind.F16, MmaKind.TF32, MmaKind.F8F6F4, MmaKind.MXF8F6F4, MmaKind.I8, MmaKind.F8)), kinds::toString);
    }
}
