package dev.fp4sim.cli;

/** Bad input from the user: printed as one line, exit status 2, never a stack trace. */
public final class UserError extends RuntimeException {

    public UserError(String message) {
        super(message);
    }
}
