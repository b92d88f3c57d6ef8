package dev.fp4sim.verification.engine;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.gemm.FastFp4Gemm;
import dev.fp4sim.sim.gemm.Fp4Operands;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.gemm.ReferenceFp4Gemm;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import dev.fp4sim.sim.profile.InfiniteAccumulator;
import dev.fp4sim.sim.profile.ResultOverflow;
import dev.fp4sim.sim.profile.Ue4m3SignBit;
import dev.fp4sim.sim.profile.Ue8m0Code0;
import dev.fp4sim.sim.profile.ZeroTermRule;
import dev.fp4sim.verification.gen.Fp4Case;
import dev.fp4sim.verification.gen.Fp4Gens;
import dev.fp4sim.verification.golden.GoldenCase;
import dev.fp4sim.verification.golden.GoldenFile;
import dev.fp4sim.verification.golden.GoldenReader;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

/**
 * The fast engine against the reference engine, bit for bit (issue "Speed"): random and
 * edge-biased GEMMs over shapes, scale formats, block sizes, profiles and special values, and every
 * shared FP4 golden vector through the fast engine. Expected values: the reference engine, itself
 * pinned by the golden vectors and the exact-rational properties.
 */
class FastEngineEquivalenceTest {

    /** A GEMM whose rows and columns are edge-biased single-instruction cases laid end to end. */
    record Problem(Fp4Operands ops, FloatFormat scaleFormat, BlockScaledProfile profile, int threads) {
        @Override
        public String toString() {
            return ops.m() + "x" + ops.n() + "x" + ops.k() + " " + scaleFormat.ptxName() + " block" + ops.blockSize()
                    + " " + profile + " threads=" + threads;
        }
    }

    static final List<BlockScaledProfile> PROFILES = List.of(
            BlockScaledProfile.BLACKWELL,
            BlockScaledProfile.BLACKWELL.withUe4m3SignBit(Ue4m3SignBit.NEGATES),
            BlockScaledProfile.BLACKWELL.withUe8m0Code0(Ue8m0Code0.SUBNORMAL_M126),
            BlockScaledProfile.BLACKWELL.withResultOverflow(ResultOverflow.SATURATE),
            BlockScaledProfile.BLACKWELL.withInfiniteC(InfiniteAccumulator.NAN),
            BlockScaledProfile.BLACKWELL.withZeroTermRule(ZeroTermRule.FIRST_RELEASE));

    static Gen<Problem> problems() {
        Gen<Fp4Case> cases = Fp4Gens.singleInstruction(true);
        return in -> {
            int config = Generate.range(0, 2).generate(in);
            FloatFormat sf = config == 0 ? FloatFormat.UE4M3 : FloatFormat.UE8M0;
            int block = config == 2 ? 32 : 16;
            int m = Generate.range(1, 9).generate(in);
            int n = Generate.range(1, 9).generate(in);
            int instrs = Generate.range(1, 4).generate(in);
            int k = 64 * instrs;
            byte[] a = new byte[m * k / 2];
            byte[] b = new byte[n * k / 2];
            byte[] sfa = new byte[m * k / block];
            byte[] sfb = new byte[n * k / block];
            int[] c = Generate.range(0, 3).generate(in) == 0 ? null : new int[m * n];
            int filled = 0;
            while (filled < Math.max(m, n) * instrs) {
                Fp4Case fc = cases.generate(in);
                if (fc.scaleFormat() != sf || fc.blockSize() != block) {
                    continue;
                }
                int row = filled / instrs;
                int i = filled % instrs;
                if (row < m) {
                    System.arraycopy(fc.a(), 0, a, row * k / 2 + i * 32, 32);
                    System.arraycopy(fc.sfa(), 0, sfa, row * k / block + i * (64 / block), 64 / block);
                }
                if (row < n) {
                    System.arraycopy(fc.b(), 0, b, row * k / 2 + i * 32, 32);
                    System.arraycopy(fc.sfb(), 0, sfb, row * k / block + i * (64 / block), 64 / block);
                }
                if (c != null && i == 0) {
                    for (int j = 0; j < n; j++) {
                        if (row < m && (j + row) % 3 == 0) {
                            c[row * n + j] = fc.c();
                        }
                    }
                }
                filled++;
            }
            BlockScaledProfile p = PROFILES.get(Generate.range(0, PROFILES.size() - 1).generate(in));
            int threads = Generate.range(1, 3).generate(in);
            return new Problem(new Fp4Operands(m, n, k, block, a, b, sfa, sfb, c), sf, p, threads);
        };
    }

    static void assertSame(Problem p) {
        BlockScaledFp4 unit = new BlockScaledFp4(p.scaleFormat(), p.ops().blockSize(), p.profile());
        int[] want = ReferenceFp4Gemm.run(unit, p.ops(), 1, Progress.NONE);
        int[] got = FastFp4Gemm.run(unit, p.ops(), p.threads(), Progress.NONE);
        for (int i = 0; i < want.length; i++) {
            int idx = i;
            assertEquals(Integer.toHexString(want[i]), Integer.toHexString(got[i]),
                    () -> p + ": element (" + idx / p.ops().n() + ", " + idx % p.ops().n() + ")");
        }
    }

    @Test
    void fastEqualsReferenceOnEdgeBiasedGemms() {
        qt().withFixedSeed(20261123L).withExamples(400).withGenerateAttempts(100_000)
                .forAll(problems()).checkAssert(FastEngineEquivalenceTest::assertSame);
    }

    /** Shapes that cross the engine's panel (256 columns), row-task (128) and 4-row boundaries. */
    @Test
    void fastEqualsReferenceAcrossBlockingBoundaries() {
        SplittableRandom rnd = new SplittableRandom(5);
        int[][] shapes = {{130, 259, 128}, {3, 513, 64}, {257, 5, 192}};
        for (int[] s : shapes) {
            for (int config = 0; config < 3; config++) {
                int block = config == 2 ? 32 : 16;
                FloatFormat sf = config == 0 ? FloatFormat.UE4M3 : FloatFormat.UE8M0;
                int m = s[0];
                int n = s[1];
                int k = s[2];
                byte[] a = new byte[m * k / 2];
                byte[] b = new byte[n * k / 2];
                rnd.nextBytes(a);
                rnd.nextBytes(b);
                byte[] sfa = new byte[m * k / block];
                byte[] sfb = new byte[n * k / block];
                for (int i = 0; i < sfa.length; i++) {
                    sfa[i] = (byte) (sf == FloatFormat.UE4M3 ? rnd.nextInt(0x7F) : 120 + rnd.nextInt(15));
                }
                for (int i = 0; i < sfb.length; i++) {
                    sfb[i] = (byte) (sf == FloatFormat.UE4M3 ? rnd.nextInt(0x7F) : 120 + rnd.nextInt(15));
                }
                int[] c = new int[m * n];
                for (int i = 0; i < c.length; i++) {
                    c[i] = Float.floatToRawIntBits((float) rnd.nextGaussian() * 100);
                }
                assertSame(new Problem(new Fp4Operands(m, n, k, block, a, b, sfa, sfb, c), sf, BlockScaledProfile.BLACKWELL, 2));
            }
        }
    }

    /** Every shared FP4 golden case as a 1×1×K GEMM through the fast engine. */
    @Test
    void everyFp4GoldenVectorPassesThroughTheFastEngine() throws Exception {
        Path dir = Path.of(System.getProperty("fp4sim.root", "..")).toAbsolutePath().normalize().resolve("golden-vectors");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("tcgen05_mxf4")).sorted().toList();
        }
        assertEquals(3, files.size());
        int passed = 0;
        for (Path f : files) {
            GoldenFile gf = new GoldenReader().read(f);
            BlockScaledFp4 unit = new BlockScaledFp4(gf.variant().scaleFormat(), gf.variant().blockSize(), BlockScaledProfile.BLACKWELL);
            for (GoldenCase c : gf.cases()) {
                Fp4Operands ops = new Fp4Operands(1, 1, c.k(), gf.variant().blockSize(), c.a(), c.b(), c.sfa(), c.sfb(), new int[] {c.c()});
                int d = FastFp4Gemm.run(unit, ops, 1, Progress.NONE)[0];
                assertEquals(Integer.toHexString(c.d()), Integer.toHexString(d), f.getFileName() + " " + c.id());
                passed++;
            }
        }
        assertTrue(passed == 3000, "ran " + passed);
    }
}
