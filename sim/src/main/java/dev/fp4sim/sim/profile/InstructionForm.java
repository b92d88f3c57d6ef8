package dev.fp4sim.sim.profile;

import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaKind;

/**
 * One supported (instruction, kind, A, B, C/D) combination of an architecture and the datapath
 * parameters it runs with.
 *
 * @param shape       the PTX shape(s), for display (e.g. {@code m16n8k16}, {@code M=128 N=8..256})
 * @param scaleFormat null unless block-scaled
 * @param blockSize   0 unless block-scaled
 */
public record InstructionForm(InstructionFamily family, MmaKind kind, ElementFormat a, ElementFormat b,
                              ElementFormat accumulator, int k, FloatFormat scaleFormat, int blockSize,
                              String shape, DatapathParams params) {

    /** One display line: instruction, kind, types, K, shape and parameters. */
    public String describe() {
        String scale = scaleFormat == null ? "" : " " + scaleFormat.ptxName() + "/block" + blockSize;
        return String.format("%-16s %-9s %-5s x %-5s -> %-4s K=%-3d%-15s %-22s %s", family.ptxPrefix(),
                kind.ptxName(), a.ptxName(), b.ptxName(), accumulator.ptxName(), k, scale, shape, params);
    }
}
