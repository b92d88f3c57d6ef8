package dev.fp4sim.isa.mma;

import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.format.FloatFormat;

/**
 * What one output element of an MMA computes, independent of shapes and layouts: the target
 * architecture, the instruction family, the kind, the element formats, the K of one instruction,
 * for block-scaled kinds the scale format and block size, and for {@code kind::i8} whether the
 * result saturates. This is the identity of a golden-vector file.
 *
 * @param arch        PTX target, e.g. {@code sm_100a}
 * @param scaleFormat null for kinds without block scaling
 * @param blockSize   0 for kinds without block scaling
 * @param saturate    integer kinds only: clamp to the s32 range instead of wrapping
 */
public record MmaVariant(String arch, InstructionFamily family, MmaKind kind, ElementFormat aFormat, ElementFormat bFormat,
                         ElementFormat cFormat, ElementFormat dFormat, int kPerInstruction,
                         FloatFormat scaleFormat, int blockSize, boolean saturate) {

    /** A variant on the target's default instruction family, without saturation. */
    public MmaVariant(String arch, MmaKind kind, ElementFormat aFormat, ElementFormat bFormat,
                      ElementFormat cFormat, ElementFormat dFormat, int kPerInstruction,
                      FloatFormat scaleFormat, int blockSize) {
        this(arch, InstructionFamily.defaultFor(arch), kind, aFormat, bFormat, cFormat, dFormat, kPerInstruction,
                scaleFormat, blockSize, false);
    }

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
        StringBuilder sb = new StringBuilder(arch).append(' ').append(family.ptxPrefix()).append(" kind::").append(kind.ptxName()).append(' ')
                .append(aFormat.ptxName()).append('x').append(bFormat.ptxName())
                .append(" c=").append(cFormat.ptxName()).append(" d=").append(dFormat.ptxName())
                .append(" k=").append(kPerInstruction);
        if (scaleFormat != null) {
            sb.append(' ').append(scaleFormat.ptxName()).append(" block").append(blockSize);
        }
        if (saturate) {
            sb.append(" satfinite");
        }
        return sb.toString();
    }
}
