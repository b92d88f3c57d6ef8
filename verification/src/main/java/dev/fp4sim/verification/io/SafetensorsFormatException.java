package dev.fp4sim.verification.io;

/** A malformed or unsupported safetensors file: the message is one line naming the file, field and reason. */
public final class SafetensorsFormatException extends Exception {

    public SafetensorsFormatException(String message) {
        super(message);
    }
}
