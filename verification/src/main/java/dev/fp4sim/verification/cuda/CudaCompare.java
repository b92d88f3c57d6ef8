package dev.fp4sim.verification.cuda;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaModifiers;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.verification.gen.Fp4Case;
import dev.fp4sim.verification.gen.MmaCase;
import dev.fp4sim.verification.golden.GoldenCase;
import dev.fp4sim.verification.golden.GoldenFile;
import dev.fp4sim.verification.golden.GoldenWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares the simulator with a CUDA program case by case and prints any mismatch in
 * golden-vector form (schema fp4sim-golden/1, with the CUDA side's D as the expected value), so
 * that it can be added to {@code golden-vectors/} as it is.
 */
public final class CudaCompare {

    private CudaCompare() {
    }

    /** One case to compare: its variant and k, the batch record, and the simulator's D. */
    public record Item(MmaVariant variant, int k, CudaBatch.Case input, int simulated) {
    }

    /** A case where the two sides differ. */
    public record Mismatch(Item item, int cuda) {
    }

    /** Runs one batch of one (variant, k) on the CUDA side. */
    @FunctionalInterface
    public interface Runner {
        int[] run(MmaVariant variant, int k, List<CudaBatch.Case> cases) throws CudaException;
    }

    /** Groups the items by (variant, k), runs each group as one batch and returns the mismatches. */
    public static List<Mismatch> compare(List<Item> items, Runner runner) throws CudaException {
        Map<String, List<Item>> groups = new LinkedHashMap<>();
        for (Item it : items) {
            groups.computeIfAbsent(it.variant() + "|" + it.k(), x -> new ArrayList<>()).add(it);
        }
        List<Mismatch> out = new ArrayList<>();
        for (List<Item> g : groups.values()) {
            int[] d = runner.run(g.get(0).variant(), g.get(0).k(), g.stream().map(Item::input).toList());
            for (int i = 0; i < g.size(); i++) {
                int mask = g.get(i).variant().dFormat().storageBits() == 16 ? 0xFFFF : -1;
                if ((d[i] & mask) != (g.get(i).simulated() & mask)) {
                    out.add(new Mismatch(g.get(i), d[i] & mask));
                }
            }
        }
        return out;
    }

    /** A block-scaled FP4 case as a tcgen05 batch record, with its variant. */
    public static MmaVariant tcgen05Variant(Fp4Case c) {
        // mxf4nvf4 takes every scale configuration (isa.md §1.3, Table 57).
        return new MmaVariant("sm_100a", InstructionFamily.TCGEN05_MMA, MmaKind.MXF4NVF4, FloatFormat.E2M1, FloatFormat.E2M1,
                FloatFormat.F32, FloatFormat.F32, 64, c.scaleFormat(), c.blockSize(), false);
    }

    public static CudaBatch.Case record(Fp4Case c) {
        return new CudaBatch.Case(c.a(), c.b(), c.sfa(), c.sfb(), c.c());
    }

    /** An unscaled / mxf8f6f4 case as a batch record; the batch carries no per-case modifiers. */
    public static CudaBatch.Case record(MmaCase c) {
        if (!c.modifiers().equals(MmaModifiers.NONE)) {
            throw new IllegalArgumentException("batch cases carry no modifiers: " + c.modifiers());
        }
        return new CudaBatch.Case(c.imageA(), c.imageB(), c.sfa(), c.sfb(), c.c());
    }

    /** The PTX operation a variant's golden file names (golden-format.md, field operation). */
    public static String operation(MmaVariant v) {
        String kind = v.kind().ptxName();
        return switch (v.family()) {
            case TCGEN05_MMA -> "tcgen05.mma.cta_group::1.kind::" + kind
                    + (v.kind().blockScaled() ? ".block_scale.block" + v.blockSize() : "");
            case WGMMA -> "wgmma.mma_async.sync.aligned.m64n8k" + v.kPerInstruction() + "." + v.dFormat().ptxName() + "."
                    + v.aFormat().ptxName() + "." + v.bFormat().ptxName();
            case MMA_SYNC -> "mma.sync.aligned.m16n8k" + v.kPerInstruction() + ".row.col." + v.dFormat().ptxName() + "."
                    + v.aFormat().ptxName() + "." + v.bFormat().ptxName() + "." + v.cFormat().ptxName();
        };
    }

    /**
     * The mismatches as golden-vector documents, one per variant, ids {@code cuda_mismatch-NNNN};
     * {@code d} is the CUDA side's value.
     */
    public static String goldenJson(List<Mismatch> mismatches, String provenance) {
        Map<MmaVariant, List<GoldenCase>> byVariant = new LinkedHashMap<>();
        for (Mismatch m : mismatches) {
            List<GoldenCase> list = byVariant.computeIfAbsent(m.item().variant(), x -> new ArrayList<>());
            CudaBatch.Case in = m.item().input();
            list.add(new GoldenCase(String.format("cuda_mismatch-%04d", list.size() + 1), m.item().k(), in.a(), in.b(),
                    in.sfa(), in.sfb(), in.c(), m.cuda()));
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<MmaVariant, List<GoldenCase>> e : byVariant.entrySet()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                GoldenWriter.write(new GoldenFile("cuda-mismatch", operation(e.getKey()), e.getKey(), provenance, e.getValue()), out);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            sb.append(out.toString(StandardCharsets.UTF_8)).append('\n');
        }
        return sb.toString();
    }

    /** A short report: count, then the golden JSON of at most {@code limit} mismatches. */
    public static String report(String what, int total, List<Mismatch> mismatches, String provenance, int limit) {
        StringBuilder sb = new StringBuilder();
        sb.append(what).append(": ").append(mismatches.size()).append(" of ").append(total)
                .append(" cases differ from the simulator; as golden vectors (d = CUDA side):\n");
        sb.append(goldenJson(mismatches.subList(0, Math.min(limit, mismatches.size())), provenance));
        return sb.toString();
    }
}
