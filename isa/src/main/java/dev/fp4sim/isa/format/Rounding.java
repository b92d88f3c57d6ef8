package dev.fp4sim.isa.format;

/**
 * Rounding modes of PTX {@code cvt} (PTX ISA §9.7.9.21, "rounding modifiers").
 * Ties-to-even means ties go to the candidate whose encoding has a zero least significant bit;
 * for formats with mantissa bits that is the usual even significand, for ue8m0 (no mantissa)
 * it is the even exponent code.
 */
public enum Rounding {
    /** Round to nearest, ties to even ({@code .rn}). */
    RNE("rn"),
    /** Round to nearest, ties away from zero ({@code .rna}, only defined for tf32 in PTX). */
    RNA("rna"),
    /** Round toward zero ({@code .rz}). */
    RZ("rz"),
    /** Round toward +infinity ({@code .rp}). */
    RU("rp"),
    /** Round toward -infinity ({@code .rm}). */
    RD("rm");

    private final String ptx;

    Rounding(String ptx) {
        this.ptx = ptx;
    }

    /** The PTX modifier without the dot, e.g. {@code rn}. */
    public String ptxName() {
        return ptx;
    }
}
