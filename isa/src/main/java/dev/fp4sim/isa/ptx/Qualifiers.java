package dev.fp4sim.isa.ptx;

import java.util.List;

/** Helpers over instruction qualifiers (without their leading dots). */
final class Qualifiers {

    private Qualifiers() {
    }

    /** The text after {@code prefix} of the first qualifier that starts with it, or null. */
    static String value(List<String> qs, String prefix) {
        for (String q : qs) {
            if (q.startsWith(prefix)) {
                return q.substring(prefix.length());
            }
        }
        return null;
    }

    static long count(List<String> qs, String prefix) {
        return qs.stream().filter(q -> q.startsWith(prefix)).count();
    }
}
