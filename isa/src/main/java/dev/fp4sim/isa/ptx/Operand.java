package dev.fp4sim.isa.ptx;

import java.util.List;
import java.util.stream.Collectors;

/** A PTX instruction operand. {@link #print()} gives the text that parses back to the same operand. */
public sealed interface Operand {

    String print();

    /** A register, e.g. {@code %r1}, {@code %rd2}, {@code %p0}, {@code %tid.x}; {@code negated} for {@code !%p}. */
    record Reg(String name, boolean negated) implements Operand {
        public String print() {
            return (negated ? "!" : "") + name;
        }
    }

    /** An integer immediate (decimal or 0x-hex). */
    record Imm(long value) implements Operand {
        public String print() {
            return Long.toString(value);
        }
    }

    /** A memory operand {@code [base]}, {@code [base+offset]}, or a tensor-map form {@code [map, {c0, c1}]}. */
    record Addr(Operand base, long offset, List<Operand> coordinates) implements Operand {
        public String print() {
            String b = base.print() + (offset > 0 ? "+" + offset : offset < 0 ? Long.toString(offset) : "");
            if (coordinates != null) {
                b += ", {" + coordinates.stream().map(Operand::print).collect(Collectors.joining(", ")) + "}";
            }
            return "[" + b + "]";
        }
    }

    /** A vector {@code {a, b, ...}}. */
    record Vec(List<Operand> elements) implements Operand {
        public String print() {
            return "{" + elements.stream().map(Operand::print).collect(Collectors.joining(", ")) + "}";
        }
    }

    /** A symbol: a label or a variable name. */
    record Sym(String name) implements Operand {
        public String print() {
            return name;
        }
    }

    /** A destination pair {@code %r|%p} (elect.sync, setp with two predicates); either side may be the sink {@code _}. */
    record Pair(Operand first, Operand second) implements Operand {
        public String print() {
            return first.print() + "|" + second.print();
        }
    }
}
