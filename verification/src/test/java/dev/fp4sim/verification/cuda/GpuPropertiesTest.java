package dev.fp4sim.verification.cuda;

import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.verification.gen.Fp4Gens;
import dev.fp4sim.verification.gen.MmaGens;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * The simulator against real tensor cores and the GPU emulator (docs/cuda.md). Runs under
 * {@code mvn verify -Pcuda} on a machine with nvcc and a GPU; everywhere else each test is reported
 * skipped with the reason (CudaTestSupport.requireGpu), never passed.
 *
 * Sizes: {@code -Dfp4sim.cuda.cases=N} cases per kind (default 100000), in batches of 20000.
 * {@code -Dfp4sim.cuda.record=DIR} also writes {@code fp4sim.cuda.recordCases} (default 2000)
 * hardware cases per kind as golden files with the run's provenance (for golden-vectors/hardware/).
 */
class GpuPropertiesTest {

    private static final int CASES = Integer.getInteger("fp4sim.cuda.cases", 100_000);
    private static final int BATCH = Math.min(CASES, 20_000);
    private static final String RECORD = System.getProperty("fp4sim.cuda.record");
    private static final int RECORD_CASES = Integer.getInteger("fp4sim.cuda.recordCases", 2000);

    /** emulate on the GPU, every Blackwell tcgen05 float kind (emulate runs on any sm_80+). */
    @Test
    void emulateOnGpuMatchesSimulator() {
        CudaPath p = CudaTestSupport.requireGpu(8, 9, 10, 11, 12);
        String arch = p.gpu().orElseThrow().arch();
        CudaCompare.Runner gpu = (v, k, cs) -> p.run(CudaProgram.EMULATE, arch, v, k, CudaBatch.Options.NONE, cs);
        runFp4(p, "emulate", gpu, null);
        for (MmaVariant v : CudaTestSupport.floatVariants("sm_100a", InstructionFamily.TCGEN05_MMA)) {
            runKind(p, "emulate " + v, MmaGens.cases(List.of(v), true), CudaTestSupport::item, gpu, null, null);
        }
    }

    /** probe_sm100 on a Blackwell GPU: every tcgen05 kind the probe issues. */
    @Test
    void probeSm100MatchesSimulator() {
        CudaPath p = CudaTestSupport.requireGpu(10);
        CudaCompare.Runner hw = (v, k, cs) -> p.run(CudaProgram.PROBE_SM100, "sm_100a", v, k, CudaBatch.Options.NONE, cs);
        runFp4(p, "probe_sm100", hw, CudaProgram.PROBE_SM100);
        for (MmaVariant v : CudaTestSupport.floatVariants("sm_100a", InstructionFamily.TCGEN05_MMA)) {
            runKind(p, "probe_sm100 " + v, MmaGens.cases(List.of(v), true), CudaTestSupport::item, hw, CudaProgram.PROBE_SM100, v);
        }
    }

    /** probe_sm90 wgmma on a Hopper GPU: every wgmma float kind of the sm_90a profile. */
    @Test
    void probeSm90WgmmaMatchesSimulator() {
        CudaPath p = CudaTestSupport.requireGpu(9);
        List<MmaVariant> variants = CudaTestSupport.floatVariants("sm_90a", InstructionFamily.WGMMA);
        assertFalse(variants.isEmpty());
        CudaCompare.Runner hw = (v, k, cs) -> p.run(CudaProgram.PROBE_SM90, "sm_90a", v, k, CudaBatch.Options.NONE, cs);
        for (MmaVariant v : variants) {
            runKind(p, "probe_sm90 " + v, MmaGens.cases(List.of(v), true), CudaTestSupport::item, hw, CudaProgram.PROBE_SM90, v);
        }
    }

    /** probe_sm90 mma.sync on Ampere, Ada or Hopper, against that architecture's profile (split-K on sm_80/sm_89). */
    @Test
    void probeSm90MmaSyncMatchesSimulator() {
        CudaPath p = CudaTestSupport.requireGpu(8, 9);
        CudaPath.Gpu g = p.gpu().orElseThrow();
        String profile = g.computeCapability().equals("8.9") ? "sm_89" : g.major() == 9 ? "sm_90a" : "sm_80";
        List<MmaVariant> variants = CudaTestSupport.floatVariants(profile, InstructionFamily.MMA_SYNC).stream()
                .filter(v -> v.kind() == MmaKind.F16 || v.kind() == MmaKind.TF32 || v.kind() == MmaKind.F8).toList();
        assertFalse(variants.isEmpty());
        CudaCompare.Runner hw = (v, k, cs) -> p.run(CudaProgram.PROBE_SM90, g.arch(), v, k, CudaBatch.Options.NONE, cs);
        for (MmaVariant v : variants) {
            runKind(p, "probe_sm90 " + v, MmaGens.cases(List.of(v), true), CudaTestSupport::item, hw, CudaProgram.PROBE_SM90, v);
        }
    }

    private static void runFp4(CudaPath p, String what, CudaCompare.Runner runner, CudaProgram record) {
        // The three scale configurations are mixed inside Fp4Gens; compare() batches them per variant.
        runKind(p, what + " block-scaled FP4", Fp4Gens.cases(), CudaTestSupport::item, runner, record, null);
    }

    private static <T> void runKind(CudaPath p, String what, Gen<T> gen, Function<T, CudaCompare.Item> toItem,
                                    CudaCompare.Runner runner, CudaProgram record, MmaVariant recordVariant) {
        List<CudaCompare.Mismatch> all = new ArrayList<>();
        List<CudaCompare.Item> recordItems = new ArrayList<>();
        List<Integer> recordD = new ArrayList<>();
        int[] total = {0};
        long t0 = System.nanoTime();
        CudaTestSupport.theory((CASES + BATCH - 1) / BATCH).forAll(lists().of(gen).ofSize(BATCH)).checkAssert(cases -> {
            List<CudaCompare.Item> items = cases.stream().map(toItem).toList();
            try {
                // Record before comparing: the golden file keeps what the hardware did, matching or not.
                List<CudaCompare.Item> same = recordVariant == null ? List.of()
                        : items.stream().filter(i -> i.variant().equals(recordVariant)).toList();
                if (RECORD != null && record != null && recordItems.size() < RECORD_CASES && !same.isEmpty()) {
                    List<CudaCompare.Item> take = same.stream().filter(i -> i.k() == same.get(0).k())
                            .limit(RECORD_CASES - recordItems.size()).toList();
                    int[] d = runner.run(recordVariant, take.get(0).k(), take.stream().map(CudaCompare.Item::input).toList());
                    recordItems.addAll(take);
                    for (int x : d) {
                        recordD.add(x);
                    }
                }
                all.addAll(CudaCompare.compare(items, runner));
                total[0] += items.size();
            } catch (CudaException e) {
                fail(what + ": " + e.getMessage());
            }
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s: %d cases, %d mismatches (%.4f%% match), %.1f s wall (simulator + transfer + GPU)%n",
                what, total[0], all.size(), 100.0 * (total[0] - all.size()) / Math.max(1, total[0]), seconds);
        if (RECORD != null && !recordItems.isEmpty()) {
            try {
                Path out = HardwareGolden.write(Path.of(RECORD), recordVariant, recordItems,
                        recordD.stream().mapToInt(Integer::intValue).toArray(), HardwareGolden.provenance(record, p));
                System.out.println("recorded " + recordItems.size() + " hardware cases in " + out);
            } catch (java.io.IOException e) {
                fail("cannot record hardware golden vectors: " + e.getMessage());
            }
        }
        if (!all.isEmpty()) {
            String prov = record == null ? "emulate.cu on " + p.gpu().orElseThrow().name() : HardwareGolden.provenance(record, p);
            String report = CudaCompare.report(what, total[0], all, prov, 10);
            System.out.println(report);
            fail(report);
        }
    }
}
