package dev.fp4sim.sim.mma;

/** The simulator has no datapath for this variant (yet); the message says why. */
public final class UnsupportedVariantException extends Exception {

    public UnsupportedVariantException(String message) {
        super(message);
    }
}
