package dev.fp4sim.sim.mma;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.profile.BlockScaledProfile;

/** Maps an {@link MmaVariant} to the datapath that computes it. */
public final class Datapaths {

    private Datapaths() {
    }

    public static ElementMma forVariant(MmaVariant v) throws UnsupportedVariantException {
        return forVariant(v, BlockScaledProfile.BLACKWELL);
    }

    public static ElementMma forVariant(MmaVariant v, BlockScaledProfile fp4Profile) throws UnsupportedVariantException {
        if (v.kind().packedFp4()) {
            return blockScaledFp4(v, fp4Profile);
        }
        throw new UnsupportedVariantException("kind::" + v.kind().ptxName() + " is not implemented yet");
    }

    private static ElementMma blockScaledFp4(MmaVariant v, BlockScaledProfile profile) throws UnsupportedVariantException {
        if (v.aFormat() != FloatFormat.E2M1 || v.bFormat() != FloatFormat.E2M1) {
            throw new UnsupportedVariantException("kind::" + v.kind().ptxName() + " takes e2m1 operands, not "
                    + v.aFormat().ptxName() + "/" + v.bFormat().ptxName());
        }
        if (v.cFormat() != FloatFormat.F32 || v.dFormat() != FloatFormat.F32) {
            throw new UnsupportedVariantException("kind::" + v.kind().ptxName() + " accumulates in f32 only");
        }
        if (v.kPerInstruction() != BlockScaledFp4.K) {
            throw new UnsupportedVariantException("kind::" + v.kind().ptxName() + " with K = " + v.kPerInstruction()
                    + " per instruction (only K = 64 is modelled; K = 96 of sm_103a is not)");
        }
        boolean ok = switch (v.kind()) {
            case MXF4 -> v.scaleFormat() == FloatFormat.UE8M0 && v.blockSize() == 32;
            case MXF4NVF4 -> (v.scaleFormat() == FloatFormat.UE8M0 && (v.blockSize() == 16 || v.blockSize() == 32))
                    || (v.scaleFormat() == FloatFormat.UE4M3 && v.blockSize() == 16);
            default -> false;
        };
        if (!ok) {
            throw new UnsupportedVariantException("kind::" + v.kind().ptxName() + " does not allow "
                    + (v.scaleFormat() == null ? "no scale" : v.scaleFormat().ptxName()) + " with block size " + v.blockSize()
                    + " (PTX Table 57: mxf4 = ue8m0/block32; mxf4nvf4 = ue8m0/block16|32 or ue4m3/block16)");
        }
        BlockScaledFp4 unit = new BlockScaledFp4(v.scaleFormat(), v.blockSize(), profile);
        return new ElementMma() {
            @Override
            public MmaVariant variant() {
                return v;
            }

            @Override
            public int compute(byte[] a, byte[] b, byte[] sfa, byte[] sfb, int cBits, int k) {
                return unit.chain(a, 0, b, 0, sfa, 0, sfb, 0, cBits, k);
            }
        };
    }
}
