package dev.fp4sim.verification.properties;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.gemm.Fp4Operands;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.gemm.ReferenceFp4Gemm;
import dev.fp4sim.sim.mma.Datapaths;
import dev.fp4sim.sim.mma.ElementMma;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import dev.fp4sim.sim.profile.ZeroTermRule;
import dev.fp4sim.verification.exact.Exact;
import dev.fp4sim.verification.exact.ExactBlockScaled;
import dev.fp4sim.verification.exact.ExactBlockScaled.Term;
import dev.fp4sim.verification.gen.Fp4Case;
import dev.fp4sim.verification.gen.Fp4Gens;
import org.apache.commons.numbers.fraction.BigFraction;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property-based tests of the block-scaled FP4 datapath (numerics.md §3.1, §5) against exact
 * rational arithmetic. Generators are edge-biased on purpose (see {@code EdgeCoverageTest}).
 */
class BlockScaledFp4PropertiesTest {

    private static final ExactBlockScaled EXACT = ExactBlockScaled.blackwell();

    static BlockScaledFp4 unit(Fp4Case c, BlockScaledProfile p) {
        return new BlockScaledFp4(c.scaleFormat(), c.blockSize(), p);
    }

    static int simulate(Fp4Case c) {
        return simulate(c, BlockScaledProfile.BLACKWELL);
    }

    static int simulate(Fp4Case c, BlockScaledProfile p) {
        return unit(c, p).chain(c.a(), 0, c.b(), 0, c.sfa(), 0, c.sfb(), 0, c.c(), c.k());
    }

    private static String hex(int bits) {
        return String.format("0x%08X", bits);
    }

    /** The datapath equals the exact-rational restatement of numerics.md §3.1 on every case, chains included. */
    @Test
    void equalsTheExactRationalModel() {
        Props.theory().forAll(Fp4Gens.cases()).checkAssert(c ->
                assertEquals(hex(EXACT.chain(c)), hex(simulate(c)), c::toString));
    }

    /** (1) Where no term is truncated, D == round_rz_f32(exact sum). */
    @Test
    void withoutTruncationTheResultIsTheExactSumRoundedTowardZero() {
        AtomicInteger untruncated = new AtomicInteger();
        AtomicInteger total = new AtomicInteger();
        Props.theory().forAll(Fp4Gens.singleInstruction(false)).checkAssert(c -> {
            total.incrementAndGet();
            List<Term> terms = EXACT.terms(c, 0, c.c());
            if (EXACT.anyTruncated(terms)) {
                return;
            }
            untruncated.incrementAndGet();
            BigFraction sum = terms.stream().map(Term::value).reduce(BigFraction.ZERO, BigFraction::add);
            assertEquals(hex(Exact.rzF32(sum)), hex(simulate(c)), c::toString);
        });
        assertTrue(untruncated.get() >= total.get() / 5,
                "the generator must produce enough untruncated cases: " + untruncated + " of " + total);
    }

    /** (2) Negating A (and C) negates D, except NaN and zero results. */
    @Test
    void negatingAAndCNegatesD() {
        Props.theory().forAll(Fp4Gens.cases()).checkAssert(c -> {
            byte[] na = c.a().clone();
            for (int i = 0; i < na.length; i++) {
                na[i] ^= (byte) 0x88;
            }
            Fp4Case neg = c.withOperands(na, c.b(), c.sfa(), c.sfb()).withC(c.c() ^ 0x80000000);
            int d = simulate(c);
            int dn = simulate(neg);
            if (d == ExactBlockScaled.NAN || (d & 0x7FFFFFFF) == 0) {
                assertEquals(hex(d), hex(dn), c::toString);
            } else {
                assertEquals(hex(d ^ 0x80000000), hex(dn), c::toString);
            }
        });
    }

    /** (3) Permuting k inside one 16-group (the same permutation for A and B) leaves D unchanged. */
    @Test
    void permutationsInsideAGroupLeaveDUnchanged() {
        Props.theory().forAll(Fp4Gens.cases(), Generate.longRange(0, Long.MAX_VALUE)).checkAssert((c, seed) -> {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
            byte[] pa = c.a().clone();
            byte[] pb = c.b().clone();
            for (int g = 0; g < c.k() / 16; g++) {
                int[] perm = java.util.stream.IntStream.range(0, 16).toArray();
                for (int i = 15; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                }
                for (int i = 0; i < 16; i++) {
                    Fp4Case.setCode(pa, g * 16 + i, Fp4Case.code(c.a(), g * 16 + perm[i]));
                    Fp4Case.setCode(pb, g * 16 + i, Fp4Case.code(c.b(), g * 16 + perm[i]));
                }
            }
            assertEquals(hex(simulate(c)), hex(simulate(c.withOperands(pa, pb, c.sfa(), c.sfb()))), c::toString);
        });
    }

    /**
     * (4) Multiplying the ue8m0 scales of one block pair by 2^n multiplies that term by 2^n: with only
     * that block active and C = +0, D scales by exactly 2^n while the result stays normal and the term
     * stays above the zero-term exponent.
     */
    @Test
    void ue8m0ScaleShiftsScaleATermExactly() {
        AtomicInteger checked = new AtomicInteger();
        Props.theory().forAll(Fp4Gens.singleInstruction(false), Generate.range(0, 1), Generate.range(-40, 40))
                .assuming((c, j, n) -> c.scaleFormat() == FloatFormat.UE8M0 && j < 64 / c.blockSize())
                .checkAssert((c, j, n) -> {
                    byte[] a = c.a().clone();
                    for (int k = 0; k < 64; k++) {
                        if (k / c.blockSize() != j) {
                            Fp4Case.setCode(a, k, 0);
                        }
                    }
                    int sa = c.sfa()[j] & 0xFF;
                    int sb = c.sfb()[j] & 0xFF;
                    if (sa + n < 0 || sa + n > 0xFE) {
                        return;
                    }
                    byte[] shifted = c.sfa().clone();
                    shifted[j] = (byte) (sa + n);
                    Fp4Case base = c.withOperands(a, c.b(), c.sfa(), c.sfb()).withC(0);
                    Fp4Case moved = base.withOperands(a, c.b(), shifted, c.sfb());
                    int d = simulate(base);
                    int dm = simulate(moved);
                    int e = (sa - 127) + (sb - 127);
                    boolean normal = isNormal(d) && isNormal(dm);
                    if (normal && e > -139 && e + n > -139) {
                        checked.incrementAndGet();
                        assertEquals((double) Float.intBitsToFloat(d) * Math.scalb(1.0, n), (double) Float.intBitsToFloat(dm),
                                () -> base + " shifted by 2^" + n);
                    }
                });
        assertTrue(checked.get() > 100, "too few cases exercised the scale shift: " + checked);
    }

    private static boolean isNormal(int bits) {
        int e = (bits >>> 23) & 0xFF;
        return e != 0 && e != 0xFF;
    }

    /** (5) A NaN scale anywhere in the chain, or a NaN C, always gives 0x7FFFFFFF. */
    @Test
    void nanScaleOrNanCGivesCanonicalNaN() {
        Props.theory().forAll(Fp4Gens.cases(), Generate.range(0, 1 << 20), Generate.range(0, 2)).checkAssert((c, where, what) -> {
            Fp4Case poisoned;
            if (what == 2) {
                poisoned = c.withC(0x7F800000 | 1 + where % 0x7FFFFF | ((where & 1) << 31));
            } else {
                byte[] sf = (what == 0 ? c.sfa() : c.sfb()).clone();
                int idx = where % sf.length;
                sf[idx] = (byte) (c.scaleFormat() == FloatFormat.UE8M0 ? 0xFF : ((where & 1) == 0 ? 0x7F : 0xFF));
                poisoned = what == 0 ? c.withOperands(c.a(), c.b(), sf, c.sfb()) : c.withOperands(c.a(), c.b(), c.sfa(), sf);
            }
            assertEquals(hex(ExactBlockScaled.NAN), hex(simulate(poisoned)), poisoned::toString);
        });
    }

    /** (6) The GEMM entry point equals the per-element chain, for any shape and thread count. */
    @Test
    void gemmEqualsThePerElementChain() {
        Props.theory(60).forAll(Generate.range(1, 9), Generate.range(1, 9), Generate.range(1, 4), Generate.longRange(0, Long.MAX_VALUE))
                .checkAssert((m, n, kSteps, seed) -> {
                    int k = 64 * kSteps;
                    java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
                    int config = rnd.nextInt(3);
                    FloatFormat sf = config == 0 ? FloatFormat.UE4M3 : FloatFormat.UE8M0;
                    int block = config == 2 ? 32 : 16;
                    byte[] a = randomBytes(rnd, m * k / 2);
                    byte[] b = randomBytes(rnd, n * k / 2);
                    byte[] sfa = randomScales(rnd, sf, m * k / block);
                    byte[] sfb = randomScales(rnd, sf, n * k / block);
                    int[] c = new int[m * n];
                    for (int i = 0; i < c.length; i++) {
                        c[i] = Float.floatToRawIntBits((float) rnd.nextGaussian() * 100);
                    }
                    int[] d = ReferenceFp4Gemm.run(new BlockScaledFp4(sf, block, BlockScaledProfile.BLACKWELL),
                            new Fp4Operands(m, n, k, block, a, b, sfa, sfb, c), 1 + rnd.nextInt(3), Progress.NONE);
                    ElementMma element = elementMma(sf, block);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            byte[] ra = java.util.Arrays.copyOfRange(a, i * k / 2, (i + 1) * k / 2);
                            byte[] cb = java.util.Arrays.copyOfRange(b, j * k / 2, (j + 1) * k / 2);
                            byte[] s1 = java.util.Arrays.copyOfRange(sfa, i * k / block, (i + 1) * k / block);
                            byte[] s2 = java.util.Arrays.copyOfRange(sfb, j * k / block, (j + 1) * k / block);
                            assertEquals(hex(element.compute(ra, cb, s1, s2, c[i * n + j], k)), hex(d[i * n + j]),
                                    "D[" + i + "][" + j + "] of " + m + "x" + n + "x" + k);
                        }
                    }
                });
    }

    private static ElementMma elementMma(FloatFormat sf, int block) {
        try {
            MmaKind kind = sf == FloatFormat.UE8M0 && block == 32 ? MmaKind.MXF4 : MmaKind.MXF4NVF4;
            return Datapaths.forVariant(new MmaVariant("sm_100a", kind, FloatFormat.E2M1, FloatFormat.E2M1,
                    FloatFormat.F32, FloatFormat.F32, 64, sf, block));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] randomBytes(java.util.SplittableRandom rnd, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) rnd.nextInt(256);
        }
        return out;
    }

    private static byte[] randomScales(java.util.SplittableRandom rnd, FloatFormat sf, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (sf == FloatFormat.UE4M3 ? 0x20 + rnd.nextInt(0x40) : 110 + rnd.nextInt(30));
        }
        return out;
    }

    /**
     * (7) e_zero is a profile parameter: under the first MMA-Sim release's zero rule the results
     * differ only where a zero term sets the alignment exponent, i.e. where E differs between the rules.
     */
    @Test
    void firstReleaseZeroRuleDiffersOnlyWhereAZeroTermSetsE() {
        ExactBlockScaled first = new ExactBlockScaled(35, -139, ExactBlockScaled.Zeros.FIRST_RELEASE);
        BlockScaledProfile legacy = BlockScaledProfile.BLACKWELL.withZeroTermRule(ZeroTermRule.FIRST_RELEASE);
        AtomicInteger differing = new AtomicInteger();
        Props.theory().forAll(Fp4Gens.singleInstruction(false)).checkAssert(c -> {
            int dNew = simulate(c);
            int dOld = simulate(c, legacy);
            // Both rules are also checked against their exact restatements.
            assertEquals(hex(first.chain(c)), hex(dOld), () -> "first-release rule: " + c);
            if (dNew != dOld) {
                differing.incrementAndGet();
                int eNew = ExactBlockScaled.maxExponent(EXACT.terms(c, 0, c.c()));
                int eOld = ExactBlockScaled.maxExponent(first.terms(c, 0, c.c()));
                assertNotEquals(eNew, eOld, () -> "results differ although E is the same: " + c);
                List<Term> set = eNew > eOld ? EXACT.terms(c, 0, c.c()) : first.terms(c, 0, c.c());
                int e = Math.max(eNew, eOld);
                assertTrue(set.stream().anyMatch(t -> t.exponent() == e && t.value().signum() == 0),
                        () -> "the larger E must be set by a zero term: " + c);
            }
        });
        assertTrue(differing.get() > 0, "the generator never reached a case where the zero rule matters");
    }
}
