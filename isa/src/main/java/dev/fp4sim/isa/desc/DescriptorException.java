package dev.fp4sim.isa.desc;

/** An invalid descriptor word or field: the message names the field, its value and the reason. */
public final class DescriptorException extends IllegalArgumentException {

    private final String field;

    public DescriptorException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** Decoding probes many words; a stack trace would only cost time (the message names the field). */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    public String field() {
        return field;
    }
}
