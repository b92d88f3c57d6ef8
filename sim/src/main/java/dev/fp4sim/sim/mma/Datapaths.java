package dev.fp4sim.sim.mma;

import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaModifiers;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.profile.ArchProfile;
import dev.fp4sim.sim.profile.ArchProfiles;
import dev.fp4sim.sim.profile.Assumptions;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import dev.fp4sim.sim.profile.InstructionForm;

/**
 * Maps an {@link MmaVariant} to the datapath that computes it, through the architecture's profile
 * (one datapath, parameterised per architecture; numerics-sources §2.5).
 */
public final class Datapaths {

    private Datapaths() {
    }

    public static ElementMma forVariant(MmaVariant v) throws UnsupportedVariantException {
        return forVariant(v, Assumptions.DEFAULTS, MmaModifiers.NONE);
    }

    /** Block-scaled FP4 variants with an explicit FP4 profile (F, e_zero and the FP4 assumptions). */
    public static ElementMma forVariant(MmaVariant v, BlockScaledProfile fp4Profile) throws UnsupportedVariantException {
        InstructionForm form = form(v);
        if (!v.kind().packedFp4()) {
            return forVariant(v, Assumptions.DEFAULTS, MmaModifiers.NONE);
        }
        return blockScaledFp4(v, form, fp4Profile, MmaModifiers.NONE);
    }

    public static ElementMma forVariant(MmaVariant v, Assumptions assumptions, MmaModifiers modifiers)
            throws UnsupportedVariantException {
        InstructionForm form = form(v);
        if ((modifiers.negateA() || modifiers.negateB()) && v.kind() == MmaKind.I8) {
            throw new IllegalArgumentException("kind::i8 has no negate (PTX Table 51)");
        }
        if (modifiers.scaleInputD() != 0 && v.kind() != MmaKind.F16 && v.kind() != MmaKind.TF32) {
            throw new IllegalArgumentException("scale-input-d is only valid for kind::f16 and kind::tf32");
        }
        return switch (form.params().algorithm()) {
            case GST_FDPA -> blockScaledFp4(v, form,
                    assumptions.blockScaled(v.arch(), form.params().fractionalBits(), form.params().eZero()), modifiers);
            case T_FDPA, ST_FDPA -> new UnscaledMma(v, form, assumptions, modifiers);
            case INTEGER -> new IntegerMma(v);
        };
    }

    private static InstructionForm form(MmaVariant v) throws UnsupportedVariantException {
        ArchProfile profile = ArchProfiles.forArch(v.arch()).orElseThrow(() -> new UnsupportedVariantException(
                "no profile for architecture '" + v.arch() + "' (known: " + ArchProfiles.names() + ")"));
        return profile.find(v).orElseThrow(() -> new UnsupportedVariantException(profile.arch() + " has no "
                + v.family().ptxPrefix() + " kind::" + v.kind().ptxName() + " with " + v.aFormat().ptxName() + " x "
                + v.bFormat().ptxName() + " -> " + v.dFormat().ptxName() + (v.cFormat() != v.dFormat() ? " (C " + v.cFormat().ptxName() + ")" : "")
                + " at K=" + v.kPerInstruction()
                + (v.scaleFormat() == null ? "" : " with " + v.scaleFormat().ptxName() + " block" + v.blockSize())
                + " (see 'fp4sim arch show " + profile.arch() + "')"));
    }

    private static ElementMma blockScaledFp4(MmaVariant v, InstructionForm form, BlockScaledProfile profile, MmaModifiers mod) {
        BlockScaledFp4 unit = new BlockScaledFp4(form.scaleFormat(), form.blockSize(), profile);
        return new ElementMma() {
            @Override
            public MmaVariant variant() {
                return v;
            }

            @Override
            public int compute(byte[] a, byte[] b, byte[] sfa, byte[] sfb, int cBits, int k) {
                // negate A/B (idesc bits 13/14) flips every e2m1 sign bit: exact.
                byte[] na = mod.negateA() ? flip(a) : a;
                byte[] nb = mod.negateB() ? flip(b) : b;
                return unit.chain(na, 0, nb, 0, sfa, 0, sfb, 0, cBits, k);
            }
        };
    }

    private static byte[] flip(byte[] packed) {
        byte[] out = packed.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] ^= (byte) 0x88;
        }
        return out;
    }
}
