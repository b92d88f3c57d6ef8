package dev.fp4sim.isa.mma;

import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.format.FloatFormat;

/**
 * What one output element of an MMA computes, independent of shapes and layouts: the target
 * architecture, the kind, the element formats, the K of one instruction and, for block-scaled
 * kinds, the scale format and block size. This is the identity of a golden-vector file.
 *
 * @param arch        PTX target, e.g. {@code sm_100a}
 * @param scaleFormat null for kinds without block scaling
 * @param blockSize   0 for kinds without block scaling
 */
public record MmaVariant(String arch, MmaKind kind, ElementFormat aFormat, ElementFormat bFormat,
                         ElementFormat cFormat, ElementFormat dFormat, int kPerInstruction,
                         FloatFormat scaleFormat, int blockSize) {

    /**
     * Bits one A or B element occupies in an operand image (golden-format.md, case fields):
     * 4 for e2m1 under the packed FP4 kinds, 8 for 8-bit formats and for FP6/FP4 in 8-bit
     * containers, 16 for f16/bf16, 32 for tf32.
     */
    public int elementBits(ElementFormat f) {
        if (f == FloatFormat.E2M1 && kind.packedFp4()) {
            return 4;
        }
        int bits = f.storageBits();
        return bits < 8 ? 8 : bits;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(arch).append(" kind::").append(kind.ptxName()).append(' ')
                .append(aFormat.ptxName()).append('x').append(bFormat.ptxName())
                .append(" c=").append(cFormat.ptxName()).append(" d=").append(dFormat.ptxName())
                .append(" k=").append(kPerInstruction);
        if (scaleFormat != null) {
            sb.append(' ').append(scaleFormat.ptxName()).append(" block").append(blockSize);
        }
        return sb.toString();
    }
}
