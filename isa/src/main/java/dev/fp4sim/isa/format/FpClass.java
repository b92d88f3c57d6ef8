package dev.fp4sim.isa.format;

/** IEEE-style classification of one encoding. */
public enum FpClass {
    ZERO, SUBNORMAL, NORMAL, INFINITE, NAN;

    public boolean isFinite() {
        return this != INFINITE && this != NAN;
    }
}
