package dev.fp4sim.sim.machine;

/** A program the executor cannot load or run, with the line and reason (never a stack trace for users). */
public final class KernelError extends RuntimeException {

    public KernelError(String message) {
        super(message);
    }
}
