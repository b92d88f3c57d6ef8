package dev.fp4sim.verification.cuda;

import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaModifiers;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.sim.mma.Datapaths;
import dev.fp4sim.sim.mma.UnsupportedVariantException;
import dev.fp4sim.sim.profile.Algorithm;
import dev.fp4sim.sim.profile.ArchProfiles;
import dev.fp4sim.sim.profile.InstructionForm;
import dev.fp4sim.verification.gen.Fp4Case;
import dev.fp4sim.verification.gen.MmaCase;
import org.junit.jupiter.api.Assumptions;
import org.quicktheories.QuickTheory;

import java.nio.file.Path;
import java.util.List;

import static org.quicktheories.QuickTheory.qt;

/** Shared by the CUDA-path tests: one detection per JVM, the cache under target/, case conversion. */
final class CudaTestSupport {

    /** Property that the {@code -Pcuda} profile sets; without it the GPU properties skip. */
    static final String ENABLE_PROPERTY = "fp4sim.cuda";
    static final long SEED = Long.getLong("fp4sim.seed", 20261122L);

    private CudaTestSupport() {
    }

    private static final class Holder {
        // Detected once per test JVM; the cache lives under target/ so mvn clean drops it.
        static final CudaPath PATH = CudaPath.detect(System.getenv(), Path.of("target", "cuda-cache").toAbsolutePath());
    }

    static CudaPath path() {
        return Holder.PATH;
    }

    /** Skips (JUnit assumption, reported with the reason) unless nvcc is present. */
    static CudaPath requireNvcc() {
        CudaPath p = path();
        if (p.nvcc().isEmpty()) {
            System.err.println("[cuda] skipped: " + p.noNvccReason().orElse("no nvcc"));
        }
        Assumptions.assumeTrue(p.nvcc().isPresent(), () -> "skipped: " + p.noNvccReason().orElse("no nvcc"));
        return p;
    }

    /** The skip decision of the GPU properties, separated so that the skip path itself is testable. */
    static String gpuSkipReason(CudaPath p, boolean enabled, int... majors) {
        if (!enabled) {
            return "GPU properties run under 'mvn verify -Pcuda' (system property " + ENABLE_PROPERTY + "=true)";
        }
        if (p.nvcc().isEmpty()) {
            return p.noNvccReason().orElse("no nvcc");
        }
        if (p.gpu().isEmpty()) {
            return p.noGpuReason().orElse("no GPU");
        }
        int have = p.gpu().get().major();
        for (int m : majors) {
            if (m == have) {
                return null;
            }
        }
        return "needs a GPU of compute capability " + java.util.Arrays.toString(majors) + ".x; found "
                + p.gpu().get().name() + " (" + p.gpu().get().computeCapability() + ")";
    }

    /** Skips with the reason unless -Pcuda is on and a GPU of one of the given majors is present. */
    static CudaPath requireGpu(int... majors) {
        CudaPath p = path();
        String reason = gpuSkipReason(p, Boolean.getBoolean(ENABLE_PROPERTY), majors);
        if (reason != null) {
            // Also on the console: surefire keeps assumption messages only in its XML reports.
            System.err.println("[cuda] skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, () -> "skipped: " + reason);
        return p;
    }

    static QuickTheory theory(int examples) {
        return qt().withFixedSeed(SEED).withExamples(examples).withShrinkCycles(0).withGenerateAttempts(100_000);
    }

    /** Every floating-point form of a profile in the given family (no integer kinds). */
    static List<MmaVariant> floatVariants(String arch, dev.fp4sim.isa.mma.InstructionFamily family) {
        return ArchProfiles.forArch(arch).orElseThrow().forms().stream()
                .filter(f -> f.family() == family)
                .filter(f -> f.params().algorithm() == Algorithm.T_FDPA || f.params().algorithm() == Algorithm.ST_FDPA)
                .map(f -> variant(arch, f)).toList();
    }

    static MmaVariant variant(String arch, InstructionForm f) {
        return new MmaVariant(arch, f.family(), f.kind(), f.a(), f.b(), f.accumulator(), f.accumulator(), f.k(),
                f.scaleFormat(), f.blockSize(), false);
    }

    static MmaCase plain(MmaCase c) {
        return new MmaCase(c.variant(), c.a(), c.b(), c.sfa(), c.sfb(), c.c(), c.k(), MmaModifiers.NONE);
    }

    static CudaCompare.Item item(MmaCase c) {
        MmaCase p = plain(c);
        try {
            int d = Datapaths.forVariant(p.variant()).compute(p.imageA(), p.imageB(), p.sfa(), p.sfb(), p.c(), p.k());
            return new CudaCompare.Item(p.variant(), p.k(), CudaCompare.record(p), d);
        } catch (UnsupportedVariantException e) {
            throw new AssertionError(e);
        }
    }

    static CudaCompare.Item item(Fp4Case c) {
        MmaVariant v = CudaCompare.tcgen05Variant(c);
        try {
            int d = Datapaths.forVariant(v).compute(c.a(), c.b(), c.sfa(), c.sfb(), c.c(), c.k());
            return new CudaCompare.Item(v, c.k(), CudaCompare.record(c), d);
        } catch (UnsupportedVariantException e) {
            throw new AssertionError(e);
        }
    }

    static boolean isFp4(MmaVariant v) {
        return v.kind() == MmaKind.MXF4 || v.kind() == MmaKind.MXF4NVF4;
    }
}
