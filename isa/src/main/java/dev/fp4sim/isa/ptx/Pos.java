package dev.fp4sim.isa.ptx;

/** 1-based line and column of a statement in its source. Ignored by equality of statements. */
public record Pos(int line, int column) {

    public static final Pos NONE = new Pos(0, 0);

    @Override
    public boolean equals(Object o) {
        return o instanceof Pos;
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
