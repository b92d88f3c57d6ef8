package dev.fp4sim.isa.ptx;

/** A validation error at a statement: what is wrong and, where possible, what would be valid. */
public record PtxError(Pos pos, String message) {

    @Override
    public String toString() {
        return pos.line() + ":" + pos.column() + ": " + message;
    }
}
