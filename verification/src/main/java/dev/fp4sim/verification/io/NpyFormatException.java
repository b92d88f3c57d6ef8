package dev.fp4sim.verification.io;

/** A malformed or unsupported .npy file: the message is one line naming the file, field and reason. */
public final class NpyFormatException extends Exception {

    public NpyFormatException(String message) {
        super(message);
    }
}
