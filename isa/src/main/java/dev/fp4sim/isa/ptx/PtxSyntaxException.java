package dev.fp4sim.isa.ptx;

/** A statement that does not parse: the message names line, column and what was expected. */
public final class PtxSyntaxException extends Exception {

    private final Pos pos;

    public PtxSyntaxException(Pos pos, String message) {
        super(pos.line() + ":" + pos.column() + ": " + message);
        this.pos = pos;
    }

    public Pos pos() {
        return pos;
    }
}
