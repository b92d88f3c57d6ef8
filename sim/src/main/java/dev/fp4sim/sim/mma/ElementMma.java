package dev.fp4sim.sim.mma;

import dev.fp4sim.isa.mma.MmaVariant;

/**
 * One output element of an MMA variant over any K that is a multiple of the instruction's K:
 * a chain of instructions in k order, each using the previous D as C (numerics.md §3.3).
 * Operand images use the golden-vector bit layout ({@link MmaVariant#elementBits}); scales are
 * one byte per block in k order. Implementations are immutable and thread-safe.
 */
public interface ElementMma {

    MmaVariant variant();

    /**
     * @param a     the k elements of one row of A
     * @param b     the k elements of one column of B
     * @param sfa   scale bytes of A (block-scaled kinds; otherwise ignored, may be null)
     * @param sfb   scale bytes of B
     * @param cBits accumulator input bits in the C format
     * @param k     a positive multiple of {@link MmaVariant#kPerInstruction()}
     * @return D bits in the D format
     */
    int compute(byte[] a, byte[] b, byte[] sfa, byte[] sfb, int cBits, int k);
}
