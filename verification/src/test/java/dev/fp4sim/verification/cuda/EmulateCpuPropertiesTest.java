package dev.fp4sim.verification.cuda;

import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.verification.gen.Fp4Gens;
import dev.fp4sim.verification.gen.MmaGens;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * The simulator against {@code emulate.cu}'s arithmetic run on the host ({@code emulate --cpu}):
 * an independent C++ implementation written from numerics.md, checked on edge-biased cases of
 * every Blackwell tcgen05 floating-point kind. Needs nvcc (to build the program), no GPU; skipped
 * with the reason where nvcc is absent. On a GPU, GpuPropertiesTest runs the same kernel code.
 */
class EmulateCpuPropertiesTest {

    private static final int BATCH = 400;

    private static CudaCompare.Runner cpu(CudaPath p) {
        return (v, k, cases) -> p.runEmulateOnCpu(v, k, CudaBatch.Options.NONE, cases);
    }

    @Test
    void blockScaledFp4MatchesEmulate() {
        CudaPath p = CudaTestSupport.requireNvcc();
        CudaTestSupport.theory(5).forAll(lists().of(Fp4Gens.cases()).ofSize(BATCH)).checkAssert(cases -> {
            List<CudaCompare.Item> items = cases.stream().map(CudaTestSupport::item).toList();
            check(p, items);
        });
    }

    @Test
    void unscaledKindsMatchEmulate() {
        CudaPath p = CudaTestSupport.requireNvcc();
        List<MmaVariant> variants = CudaTestSupport.floatVariants("sm_100a", InstructionFamily.TCGEN05_MMA);
        assertFalse(variants.isEmpty());
        CudaTestSupport.theory(4).forAll(lists().of(MmaGens.cases(variants, true)).ofSize(4 * BATCH)).checkAssert(cases -> {
            List<CudaCompare.Item> items = cases.stream().map(CudaTestSupport::item).toList();
            check(p, items);
        });
    }

    /** The comparison can fail: a wrong F in the emulator (34 instead of 35) must show up as mismatches. */
    @Test
    void aWrongFractionalBitCountIsCaught() {
        CudaPath p = CudaTestSupport.requireNvcc();
        CudaTestSupport.theory(1).forAll(lists().of(Fp4Gens.finiteCases()).ofSize(BATCH)).checkAssert(cases -> {
            List<CudaCompare.Item> items = cases.stream().map(CudaTestSupport::item).toList();
            try {
                List<CudaCompare.Mismatch> m = CudaCompare.compare(items,
                        (v, k, cs) -> p.runEmulateOnCpu(v, k, new CudaBatch.Options(0, 34, 0), cs));
                assertTrue(m.size() > 0, "F = 34 in the emulator should disagree with the simulator's F = 35 somewhere");
            } catch (CudaException e) {
                fail(e.getMessage());
            }
        });
    }

    private static void check(CudaPath p, List<CudaCompare.Item> items) {
        try {
            List<CudaCompare.Mismatch> m = CudaCompare.compare(items, cpu(p));
            if (!m.isEmpty()) {
                String report = CudaCompare.report("emulate --cpu", items.size(), m,
                        "emulate.cu --cpu (verification/cuda), " + p.nvccVersion().orElse("?"), 5);
                System.out.println(report);
                fail(report);
            }
        } catch (CudaException e) {
            fail(e.getMessage());
        }
    }
}
