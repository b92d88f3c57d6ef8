package dev.fp4sim.verification.cuda;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaModifiers;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.mma.Datapaths;
import dev.fp4sim.sim.profile.Assumptions;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import dev.fp4sim.verification.gen.Fp4Case;
import dev.fp4sim.verification.gen.Fp4Gens;
import dev.fp4sim.verification.gen.MmaCase;
import dev.fp4sim.verification.gen.MmaGens;
import dev.fp4sim.verification.golden.GoldenCase;
import dev.fp4sim.verification.golden.GoldenFile;
import dev.fp4sim.verification.golden.GoldenWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

/**
 * The simulator against the CUDA path on a GPU (docs/cuda.md): emulate for every Blackwell kind it
 * implements; probe_sm90 (real mma.sync) on a Hopper GPU; probe_sm100 (real tcgen05) on a Blackwell
 * GPU. Skipped, with the reason, where there is no GPU. {@code -Pcuda} raises the case counts
 * ({@code -Dfp4sim.cuda.cases}). A mismatch prints the case as a golden-vector file.
 */
class GpuPropertiesTest {

    static final int CASES = Integer.getInteger("fp4sim.cuda.cases", 20_000);

    static String golden(MmaVariant v, String op, List<GoldenCase> cs) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GoldenWriter.write(new GoldenFile("mismatch", op, v, "GPU mismatch found by GpuPropertiesTest", cs), out);
        return out.toString();
    }

    private static void compare(String what, MmaVariant v, List<GoldenCase> cases, int[] hw) throws Exception {
        List<GoldenCase> bad = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            if (hw[i] != cases.get(i).d()) {
                GoldenCase c = cases.get(i);
                bad.add(new GoldenCase("gpu-" + i, c.k(), c.a(), c.b(), c.sfa(), c.sfb(), c.c(), hw[i]));
            }
        }
        System.out.println(what + " " + v + ": " + (cases.size() - bad.size()) + " of " + cases.size() + " match");
        assertEquals(0, bad.size(), () -> {
            try {
                return "mismatches (GPU value as d):\n" + golden(v, what, bad.subList(0, Math.min(20, bad.size())));
            } catch (Exception e) {
                return e.toString();
            }
        });
    }

    @Test
    void emulateOnTheGpuEqualsTheSimulatorForBlockScaledFp4(@TempDir Path dir) throws Exception {
        CudaTestSupport.gpuOrSkip();
        CudaPath cuda = CudaTestSupport.cudaOrSkip();
        Path exe = cuda.compileExecutable(CudaPath.Program.EMULATE);
        List<Fp4Case> all = new ArrayList<>();
        qt().withFixedSeed(31).withExamples(CASES).forAll(Fp4Gens.singleInstruction(true)).checkAssert(all::add);
        for (FloatFormat sf : new FloatFormat[] {FloatFormat.UE4M3, FloatFormat.UE8M0}) {
            for (int block : new int[] {16, 32}) {
                if (sf == FloatFormat.UE4M3 && block == 32) {
                    continue;
                }
                BlockScaledFp4 unit = new BlockScaledFp4(sf, block, BlockScaledProfile.BLACKWELL);
                List<GoldenCase> cases = new ArrayList<>();
                List<Fp4Batch.Case> batch = new ArrayList<>();
                for (Fp4Case c : all) {
                    if (c.scaleFormat() == sf && c.blockSize() == block) {
                        int d = unit.chain(c.a(), 0, c.b(), 0, c.sfa(), 0, c.sfb(), 0, c.c(), c.k());
                        cases.add(new GoldenCase("c", c.k(), c.a(), c.b(), c.sfa(), c.sfb(), c.c(), d));
                        batch.add(new Fp4Batch.Case(c.a(), c.b(), c.sfa(), c.sfb(), c.c()));
                    }
                }
                MmaVariant v = new MmaVariant("sm_100a", block == 32 ? MmaKind.MXF4 : MmaKind.MXF4NVF4, FloatFormat.E2M1,
                        FloatFormat.E2M1, FloatFormat.F32, FloatFormat.F32, 64, sf, block);
                Path in = dir.resolve(sf.ptxName() + block + ".batch");
                Fp4Batch.write(in, CudaTestSupport.kind(v), 64, Fp4Batch.Params.NONE, batch);
                compare("emulate", v, cases, CudaPath.runBatch(exe, in, false));
            }
        }
    }

    private static void hardwareRun(Path dir, CudaPath.Program program, String arch, InstructionFamily family,
                                    List<MmaVariant> variants) throws Exception {
        CudaPath cuda = CudaTestSupport.cudaOrSkip();
        Path exe = cuda.compileExecutable(program);
        for (MmaVariant v : variants) {
            List<MmaCase> generated = new ArrayList<>();
            qt().withFixedSeed(41).withExamples(CASES / variants.size()).forAll(MmaGens.cases(List.of(v), true)).checkAssert(generated::add);
            List<GoldenCase> cases = new ArrayList<>();
            List<Fp4Batch.Case> batch = new ArrayList<>();
            for (MmaCase c : generated) {
                if (c.k() != v.kPerInstruction()) {
                    continue;
                }
                int d = Datapaths.forVariant(v, Assumptions.DEFAULTS, MmaModifiers.NONE).compute(c.imageA(), c.imageB(), c.sfa(), c.sfb(), c.c(), c.k());
                cases.add(new GoldenCase("c", c.k(), c.imageA(), c.imageB(), null, null, c.c(), d));
                batch.add(new Fp4Batch.Case(c.imageA(), c.imageB(), new byte[0], new byte[0], c.c()));
            }
            Path in = dir.resolve(v.aFormat().ptxName() + v.dFormat().ptxName() + ".batch");
            Fp4Batch.write(in, CudaTestSupport.kind(v), v.kPerInstruction(), CudaTestSupport.params(v), batch);
            compare(program.name().toLowerCase(), v, cases, CudaPath.runBatch(exe, in, false));
        }
    }

    @Test
    void realHopperMmaSyncEqualsTheSm90Profile(@TempDir Path dir) throws Exception {
        CudaTestSupport.gpuOrSkip();
        org.junit.jupiter.api.Assumptions.assumeTrue(CudaPath.gpus().stream().anyMatch(g -> g.contains("H100") || g.contains("H200") || g.contains("H800")),
                "the GPU is not a Hopper: " + CudaPath.gpus());
        InstructionFamily mma = InstructionFamily.MMA_SYNC;
        hardwareRun(dir, CudaPath.Program.PROBE_SM90, "sm_90a", mma, List.of(
                new MmaVariant("sm_90a", mma, MmaKind.F16, FloatFormat.F16, FloatFormat.F16, FloatFormat.F32, FloatFormat.F32, 16, null, 0, false),
                new MmaVariant("sm_90a", mma, MmaKind.F16, FloatFormat.BF16, FloatFormat.BF16, FloatFormat.F32, FloatFormat.F32, 16, null, 0, false),
                new MmaVariant("sm_90a", mma, MmaKind.F16, FloatFormat.F16, FloatFormat.F16, FloatFormat.F16, FloatFormat.F16, 16, null, 0, false),
                new MmaVariant("sm_90a", mma, MmaKind.TF32, FloatFormat.TF32, FloatFormat.TF32, FloatFormat.F32, FloatFormat.F32, 8, null, 0, false)));
    }

    @Test
    void realBlackwellTcgen05EqualsTheSm100Profile(@TempDir Path dir) throws Exception {
        CudaTestSupport.gpuOrSkip();
        org.junit.jupiter.api.Assumptions.assumeTrue(CudaPath.gpus().stream().anyMatch(g -> g.contains("B200") || g.contains("B300") || g.contains("GB200")),
                "the GPU is not a datacenter Blackwell: " + CudaPath.gpus());
        InstructionFamily tc = InstructionFamily.TCGEN05_MMA;
        hardwareRun(dir, CudaPath.Program.PROBE_SM100, "sm_100a", tc, List.of(
                new MmaVariant("sm_100a", tc, MmaKind.F16, FloatFormat.F16, FloatFormat.F16, FloatFormat.F32, FloatFormat.F32, 16, null, 0, false),
                new MmaVariant("sm_100a", tc, MmaKind.F8F6F4, FloatFormat.E4M3, FloatFormat.E4M3, FloatFormat.F32, FloatFormat.F32, 32, null, 0, false)));
    }
}
