package dev.fp4sim.sim.profile;

import dev.fp4sim.isa.mma.MmaVariant;

import java.util.List;
import java.util.Optional;

/**
 * Everything the datapath needs to know about one architecture: the instruction forms it supports
 * with their parameters, and the named assumptions in force. Data, not code: {@code fp4sim arch
 * show ARCH} prints it.
 *
 * @param arch        PTX target name, e.g. {@code sm_100a}
 * @param name        marketing name, e.g. {@code Blackwell B200/B300 (tcgen05)}
 * @param aliases     other target names that use this profile (e.g. {@code sm_100f})
 * @param sameAs      when this profile's arithmetic is assumed equal to another's, that one's name
 */
public record ArchProfile(String arch, String name, List<String> aliases, String sameAs, List<InstructionForm> forms,
                          Assumptions assumptions) {

    /** The form that computes a variant, if this architecture has one. */
    public Optional<InstructionForm> find(MmaVariant v) {
        return forms.stream().filter(f -> f.family() == v.family() && f.kind() == v.kind() && f.a() == v.aFormat()
                        && f.b() == v.bFormat() && f.accumulator() == v.cFormat() && f.accumulator() == v.dFormat()
                        && f.k() == v.kPerInstruction() && f.scaleFormat() == v.scaleFormat() && f.blockSize() == v.blockSize())
                .findFirst();
    }

    public ArchProfile withAssumptions(Assumptions a) {
        return new ArchProfile(arch, name, aliases, sameAs, forms, a);
    }

    /** The block-scaled FP4 parameters of this profile (F = 35, e_zero = −139 where supported). */
    public BlockScaledProfile blockScaled() {
        return forms.stream().filter(f -> f.params().algorithm() == Algorithm.GST_FDPA).findFirst()
                .map(f -> assumptions.blockScaled(arch, f.params().fractionalBits(), f.params().eZero()))
                .orElse(assumptions.blockScaled(arch, 35, -139));
    }
}
