package dev.fp4sim.isa.ptx;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One statement of a PTX kernel body: a directive, a label, or an instruction. Instructions of the
 * tcgen05 family and the synchronisation they need are typed records; everything else is kept as a
 * {@link Generic} instruction (opcode, qualifiers, operands). {@link #print()} gives PTX that parses
 * back to an equal statement.
 */
public sealed interface PtxStatement {

    Pos pos();

    String print();

    /** {@code .version}, {@code .target}, {@code .reg}, {@code .shared}, {@code .entry}, braces: kept as text. */
    record Directive(Pos pos, String name, String text) implements PtxStatement {
        public String print() {
            return text;
        }
    }

    record Label(Pos pos, String name) implements PtxStatement {
        public String print() {
            return name + ":";
        }
    }

    /** An instruction: optional guard predicate, opcode with qualifiers, operands. */
    sealed interface Instruction extends PtxStatement {
        /** Guard ({@code @%p} / {@code @!%p}) or null. */
        Operand.Reg guard();

        String opcode();

        List<String> qualifiers();

        List<Operand> operands();

        default String print() {
            StringBuilder sb = new StringBuilder();
            if (guard() != null) {
                sb.append('@').append(guard().print()).append(' ');
            }
            sb.append(opcode());
            for (String q : qualifiers()) {
                sb.append('.').append(q);
            }
            if (!operands().isEmpty()) {
                sb.append(' ').append(operands().stream().map(Operand::print).collect(Collectors.joining(", ")));
            }
            return sb.append(';').toString();
        }
    }

    /** {@code tcgen05.mma{.ws}{.sp}.cta_group::N.kind::K{.block_scale{.scale_vec}}{.collector}{.ashift}}. */
    record Tcgen05Mma(Pos pos, Operand.Reg guard, String opcode, List<String> qualifiers, List<Operand> operands) implements Instruction {
        public boolean ws() {
            return opcode.contains(".ws");
        }

        public boolean sparse() {
            return opcode.endsWith(".sp") || qualifiers.contains("sp");
        }

        public String kind() {
            return Qualifiers.value(qualifiers, "kind::");
        }

        public String ctaGroup() {
            return Qualifiers.value(qualifiers, "cta_group::");
        }

        public boolean blockScale() {
            return qualifiers.contains("block_scale");
        }
    }

    /** {@code tcgen05.alloc / dealloc / relinquish_alloc_permit}. */
    record Tcgen05Alloc(Pos pos, Operand.Reg guard, String opcode, List<String> qualifiers, List<Operand> operands) implements Instruction {
    }

    /** {@code tcgen05.ld / tcgen05.st}. */
    record Tcgen05LdSt(Pos pos, Operand.Reg guard, String opcode, List<String> qualifiers, List<Operand> operands) implements Instruction {
        public boolean load() {
            return opcode.equals("tcgen05.ld");
        }
    }

    /** {@code tcgen05.cp}. */
    record Tcgen05Cp(Pos pos, Operand.Reg guard, String opcode, List<String> qualifiers, List<Operand> operands) implements Instruction {
    }

    /** {@code tcgen05.shift / commit / wait / fence}. */
    record Tcgen05Sync(Pos pos, Operand.Reg guard, String opcode, List<String> qualifiers, List<Operand> operands) implements Instruction {
    }

    /** {@code mbarrier.*}. */
    record Mbarrier(Pos pos, Operand.Reg guard, String opcode, List<String> qualifiers, List<Operand> operands) implements Instruction {
    }

    /** {@code cp.async.bulk.tensor}: a TMA load, kept opaque apart from its dimension and coordinates. */
    record TmaLoad(Pos pos, Operand.Reg guard, String opcode, List<String> qualifiers, List<Operand> operands) implements Instruction {
    }

    /** Anything else: mov, add, setp, bar.sync, fence.proxy.async, ret, bra, ... */
    record Generic(Pos pos, Operand.Reg guard, String opcode, List<String> qualifiers, List<Operand> operands) implements Instruction {
    }
}
