package dev.fp4sim.isa.ptx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses PTX text into {@link PtxStatement}s: a whole module (directives, {@code .entry}, braces) or
 * bare instruction lines. One statement per {@code ;}; comments are dropped; directives and braces
 * are kept as {@link PtxStatement.Directive}s.
 */
public final class PtxParser {

    private PtxParser() {
    }

    /** Parses every statement; the first syntax error stops parsing. */
    public static List<PtxStatement> parse(String text) throws PtxSyntaxException {
        List<PtxStatement> out = new ArrayList<>();
        String[] lines = stripComments(text).split("\n", -1);
        for (int li = 0; li < lines.length; li++) {
            String line = lines[li];
            int col = 0;
            while (col < line.length()) {
                while (col < line.length() && Character.isWhitespace(line.charAt(col))) {
                    col++;
                }
                if (col >= line.length()) {
                    break;
                }
                Pos pos = new Pos(li + 1, col + 1);
                String rest = line.substring(col);
                char c = rest.charAt(0);
                if (c == '{' || c == '}') {
                    out.add(new PtxStatement.Directive(pos, String.valueOf(c), String.valueOf(c)));
                    col++;
                    continue;
                }
                int semi = statementEnd(rest);
                if (c == '.' && semi < 0) {
                    // An entry header's parameter list may span lines, as nvcc writes it:
                    // ".visible .entry k(\n  .param .u64 p0,\n  .param .u64 p1\n)". Kept as one directive.
                    StringBuilder header = new StringBuilder(rest.strip());
                    while (parenDepth(header) > 0 && li + 1 < lines.length) {
                        header.append(' ').append(lines[++li].strip());
                    }
                    if (parenDepth(header) != 0) {
                        throw new PtxSyntaxException(pos, "unbalanced '(' in the directive (a parameter list ends with ')')");
                    }
                    out.add(new PtxStatement.Directive(pos, firstWord(rest), header.toString()));
                    break;
                }
                int colon = labelEnd(rest);
                if (colon > 0) {
                    out.add(new PtxStatement.Label(pos, rest.substring(0, colon)));
                    col += colon + 1;
                    continue;
                }
                if (semi < 0) {
                    throw new PtxSyntaxException(pos, "missing ';' at the end of the statement");
                }
                String stmt = rest.substring(0, semi).strip();
                out.add(c == '.' ? new PtxStatement.Directive(pos, firstWord(stmt), stmt + ";") : instruction(pos, stmt));
                col += semi + 1;
            }
        }
        return out;
    }

    /** Parses exactly one instruction (with or without the trailing ';'). */
    public static PtxStatement.Instruction parseInstruction(String text) throws PtxSyntaxException {
        String t = text.strip();
        if (t.endsWith(";")) {
            t = t.substring(0, t.length() - 1);
        }
        return instruction(new Pos(1, 1), t);
    }

    private static String firstWord(String s) {
        int i = 0;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != ';') {
            i++;
        }
        return s.substring(0, i);
    }

    private static String stripComments(String text) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("//", i)) {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                int stop = end < 0 ? text.length() : end + 2;
                for (int j = i; j < stop; j++) {
                    sb.append(text.charAt(j) == '\n' ? '\n' : ' ');
                }
                i = stop;
            } else {
                sb.append(text.charAt(i++));
            }
        }
        return sb.toString();
    }

    private static int parenDepth(CharSequence s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            depth += s.charAt(i) == '(' ? 1 : s.charAt(i) == ')' ? -1 : 0;
        }
        return depth;
    }

    private static int statementEnd(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[' || c == '{' || c == '(') {
                depth++;
            } else if (c == ']' || c == '}' || c == ')') {
                depth--;
            } else if (c == ';' && depth <= 0) {
                return i;
            }
        }
        return -1;
    }

    /** A label "name:" at the start (not "::" of a qualifier). */
    private static int labelEnd(String s) {
        int i = 0;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '$')) {
            i++;
        }
        return i > 0 && i < s.length() && s.charAt(i) == ':' && (i + 1 >= s.length() || s.charAt(i + 1) != ':') ? i : -1;
    }

    static PtxStatement.Instruction instruction(Pos pos, String stmt) throws PtxSyntaxException {
        String s = stmt;
        Operand.Reg guard = null;
        if (s.startsWith("@")) {
            int sp = indexOfWhitespace(s);
            if (sp < 0) {
                throw new PtxSyntaxException(pos, "a guard predicate must be followed by an instruction");
            }
            Operand g = operand(pos, s.substring(1, sp));
            if (!(g instanceof Operand.Reg r)) {
                throw new PtxSyntaxException(pos, "the guard must be a predicate register (@%p or @!%p)");
            }
            guard = r;
            s = s.substring(sp).strip();
        }
        int sp = indexOfWhitespace(s);
        String head = sp < 0 ? s : s.substring(0, sp);
        String args = sp < 0 ? "" : s.substring(sp).strip();
        if (head.isEmpty() || !Character.isLetter(head.charAt(0))) {
            throw new PtxSyntaxException(pos, "expected an instruction, found '" + head + "'");
        }
        List<String> tokens = new ArrayList<>(Arrays.asList(head.split("\\.", -1)));
        for (String t : tokens) {
            if (t.isEmpty()) {
                throw new PtxSyntaxException(pos, "empty qualifier in '" + head + "'");
            }
        }
        int baseLen = baseLength(tokens);
        String opcode = String.join(".", tokens.subList(0, baseLen));
        List<String> quals = List.copyOf(tokens.subList(baseLen, tokens.size()));
        List<Operand> ops = new ArrayList<>();
        for (String part : splitTopLevel(args)) {
            ops.add(operand(pos, part.strip()));
        }
        List<Operand> operands = List.copyOf(ops);
        if (opcode.startsWith("tcgen05.mma")) {
            return new PtxStatement.Tcgen05Mma(pos, guard, opcode, quals, operands);
        }
        return switch (opcode) {
            case "tcgen05.alloc", "tcgen05.dealloc", "tcgen05.relinquish_alloc_permit" ->
                    new PtxStatement.Tcgen05Alloc(pos, guard, opcode, quals, operands);
            case "tcgen05.ld", "tcgen05.st" -> new PtxStatement.Tcgen05LdSt(pos, guard, opcode, quals, operands);
            case "tcgen05.cp" -> new PtxStatement.Tcgen05Cp(pos, guard, opcode, quals, operands);
            case "cp.async.bulk.tensor" -> new PtxStatement.TmaLoad(pos, guard, opcode, quals, operands);
            default -> opcode.startsWith("tcgen05.") ? new PtxStatement.Tcgen05Sync(pos, guard, opcode, quals, operands)
                    : opcode.startsWith("mbarrier.") ? new PtxStatement.Mbarrier(pos, guard, opcode, quals, operands)
                    : new PtxStatement.Generic(pos, guard, opcode, quals, operands);
        };
    }

    /** How many dot-separated tokens form the opcode (the rest are qualifiers). */
    private static int baseLength(List<String> t) {
        String first = t.get(0);
        if (first.equals("tcgen05") && t.size() > 1) {
            int n = 2;
            if (t.get(1).equals("mma")) {
                if (n < t.size() && t.get(n).equals("ws")) {
                    n++;
                }
                if (n < t.size() && t.get(n).equals("sp")) {
                    n++;
                }
            }
            return n;
        }
        if (first.equals("mbarrier") && t.size() > 1) {
            return 2;
        }
        if (first.equals("cp") && t.size() > 3 && t.get(1).equals("async") && t.get(2).equals("bulk") && t.get(3).equals("tensor")) {
            return 4;
        }
        return 1;
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        if (s.isBlank()) {
            return out;
        }
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    static Operand operand(Pos pos, String s) throws PtxSyntaxException {
        if (s.isEmpty()) {
            throw new PtxSyntaxException(pos, "empty operand");
        }
        char c = s.charAt(0);
        if (c == '[') {
            if (!s.endsWith("]")) {
                throw new PtxSyntaxException(pos, "unterminated address '" + s + "'");
            }
            String inner = s.substring(1, s.length() - 1).strip();
            List<String> parts = splitTopLevel(inner);
            if (parts.size() == 2 && parts.get(1).strip().startsWith("{")) {
                Operand coords = operand(pos, parts.get(1).strip());
                return new Operand.Addr(operand(pos, parts.get(0).strip()), 0, ((Operand.Vec) coords).elements());
            }
            if (parts.size() != 1) {
                throw new PtxSyntaxException(pos, "an address is [reg], [reg+offset] or [tensor-map, {coordinates}]: '" + s + "'");
            }
            int plus = Math.max(inner.lastIndexOf('+'), inner.lastIndexOf('-'));
            if (plus > 0) {
                Operand base = operand(pos, inner.substring(0, plus).strip());
                Operand off = operand(pos, inner.substring(plus + 1).strip());
                if (!(off instanceof Operand.Imm imm)) {
                    throw new PtxSyntaxException(pos, "an address offset must be an integer: '" + s + "'");
                }
                return new Operand.Addr(base, inner.charAt(plus) == '-' ? -imm.value() : imm.value(), null);
            }
            return new Operand.Addr(operand(pos, inner), 0, null);
        }
        int bar = s.indexOf('|');
        if (bar > 0 && c != '{') {
            return new Operand.Pair(operand(pos, s.substring(0, bar).strip()), operand(pos, s.substring(bar + 1).strip()));
        }
        if (c == '{') {
            if (!s.endsWith("}")) {
                throw new PtxSyntaxException(pos, "unterminated vector '" + s + "'");
            }
            List<Operand> el = new ArrayList<>();
            for (String p : splitTopLevel(s.substring(1, s.length() - 1))) {
                el.add(operand(pos, p.strip()));
            }
            return new Operand.Vec(List.copyOf(el));
        }
        if (c == '%' || (c == '!' && s.length() > 1 && s.charAt(1) == '%')) {
            String name = c == '!' ? s.substring(1) : s;
            if (!name.matches("%[A-Za-z_$][A-Za-z0-9_$]*(\\.[xyz])?")) {
                throw new PtxSyntaxException(pos, "bad register name '" + s + "'");
            }
            return new Operand.Reg(name, c == '!');
        }
        if (c == '-' || Character.isDigit(c)) {
            try {
                String t = s.endsWith("U") ? s.substring(0, s.length() - 1) : s;
                boolean neg = t.startsWith("-");
                String m = neg ? t.substring(1) : t;
                long v = m.startsWith("0x") || m.startsWith("0X") ? Long.parseUnsignedLong(m.substring(2), 16) : Long.parseLong(m);
                return new Operand.Imm(neg ? -v : v);
            } catch (NumberFormatException e) {
                throw new PtxSyntaxException(pos, "bad number '" + s + "'");
            }
        }
        if (Character.isLetter(c) || c == '_' || c == '$') {
            if (!s.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
                throw new PtxSyntaxException(pos, "bad symbol '" + s + "'");
            }
            return new Operand.Sym(s);
        }
        throw new PtxSyntaxException(pos, "cannot read operand '" + s + "'");
    }
}
