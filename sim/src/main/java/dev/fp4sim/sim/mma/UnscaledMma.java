package dev.fp4sim.sim.mma;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.MmaModifiers;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.sim.datapath.Fdpa;
import dev.fp4sim.sim.datapath.ScaleTable;
import dev.fp4sim.sim.profile.Algorithm;
import dev.fp4sim.sim.profile.Assumptions;
import dev.fp4sim.sim.profile.InstructionForm;

/**
 * A chain of T-FDPA or ST-FDPA instructions (numerics.md §3.2–3.3): each instruction of K runs as
 * K/L fused steps (L = the profile's chunk, which splits K on Ampere/Ada), each rounded to the
 * output format and used as the next step's C.
 */
final class UnscaledMma implements ElementMma {

    private final MmaVariant variant;
    private final InstructionForm form;
    private final MmaModifiers modifiers;
    private final Fdpa fdpa;
    private final ScaleTable scales;

    UnscaledMma(MmaVariant variant, InstructionForm form, Assumptions assumptions, MmaModifiers modifiers) {
        this.variant = variant;
        this.form = form;
        this.modifiers = modifiers;
        FloatFormat c = (FloatFormat) variant.cFormat();
        this.fdpa = new Fdpa(form.params(), (FloatFormat) variant.aFormat(), (FloatFormat) variant.bFormat(), c,
                assumptions.resultOverflow(), assumptions.zeroTermRule(), assumptions.subByteEmin(), assumptions.scaleInputD());
        this.scales = form.params().algorithm() == Algorithm.ST_FDPA
                ? new ScaleTable(FloatFormat.UE8M0, assumptions.blockScaled("st", 25, -133)) : null;
    }

    @Override
    public MmaVariant variant() {
        return variant;
    }

    @Override
    public int compute(byte[] a, byte[] b, byte[] sfa, byte[] sfb, int cBits, int k) {
        int kpi = variant.kPerInstruction();
        if (k <= 0 || k % kpi != 0) {
            throw new IllegalArgumentException("k must be a positive multiple of " + kpi + ", not " + k);
        }
        int[] ca = OperandImage.codes(a, k, variant.elementBits(variant.aFormat()), variant.aFormat(), modifiers.negateA());
        int[] cb = OperandImage.codes(b, k, variant.elementBits(variant.bFormat()), variant.bFormat(), modifiers.negateB());
        int chunk = Math.min(kpi, form.params().chunkTerms());
        int d = cBits;
        for (int i = 0; i < k / kpi; i++) {
            int scaleSig = 1;
            int scaleExp = 0;
            int scaleFb = 0;
            if (scales != null) {
                int blk = i * kpi / variant.blockSize();
                int sa = sfa[blk] & 0xFF;
                int sb = sfb[blk] & 0xFF;
                if (scales.isNaN(sa) || scales.isNaN(sb)) {
                    d = form.params().rounding().canonicalNaN();
                    continue;
                }
                scaleSig = scales.significand(sa) * scales.significand(sb);
                scaleExp = scales.exponent(sa) + scales.exponent(sb);
                scaleFb = 2 * scales.fractionBits();
            }
            for (int j = 0; j < kpi / chunk; j++) {
                d = fdpa.compute(ca, cb, i * kpi + j * chunk, chunk, scaleSig, scaleExp, scaleFb, d,
                        j == 0 ? modifiers.scaleInputD() : 0);
            }
        }
        return d;
    }
}
