package dev.fp4sim.sim.profile;

import dev.fp4sim.sim.datapath.OutputRounding;

/**
 * Parameters of one fused dot-add datapath (numerics-sources §2.5).
 *
 * @param fractionalBits F: the grid is 2^(E − F)
 * @param chunkTerms     L: products fused per step; an instruction with K > L runs as K/L chained
 *                       steps, each rounded (Ampere/Ada split-K: L = 16 bytes of operand)
 * @param eZero          exponent of zero terms
 * @param rounding       output rounding (null for the integer algorithm)
 */
public record DatapathParams(Algorithm algorithm, int fractionalBits, int chunkTerms, int eZero, OutputRounding rounding) {

    public static DatapathParams integer() {
        return new DatapathParams(Algorithm.INTEGER, 0, Integer.MAX_VALUE, 0, null);
    }

    @Override
    public String toString() {
        if (algorithm == Algorithm.INTEGER) {
            return "exact integer";
        }
        return algorithm.name().replace('_', '-') + " F=" + fractionalBits + " L=" + chunkTerms + " e_zero=" + eZero
                + " " + rounding.name().replace('_', '-');
    }
}
