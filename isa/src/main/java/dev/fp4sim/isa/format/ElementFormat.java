package dev.fp4sim.isa.format;

import java.util.Arrays;
import java.util.Optional;

/**
 * An element format that can appear in an MMA operand, accumulator or scale: either a
 * {@link FloatFormat} or an {@link IntFormat}. Names are the PTX spellings used in
 * instruction qualifiers and in golden-vector files ({@code e2m1}, {@code ue4m3}, {@code s8}...).
 */
public sealed interface ElementFormat permits FloatFormat, IntFormat {

    /** The PTX / golden-vector spelling, e.g. {@code e4m3}. */
    String ptxName();

    /** Bits one element occupies in its packed representation (tf32: 32, stored as f32 bits). */
    int storageBits();

    /** Looks a format up by its PTX spelling (case-insensitive). */
    static Optional<ElementFormat> byName(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        for (FloatFormat f : FloatFormat.values()) {
            if (f.ptxName().equals(n)) {
                return Optional.of(f);
            }
        }
        for (IntFormat f : IntFormat.values()) {
            if (f.ptxName().equals(n)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** All format names, for error messages that say what would be valid. */
    static String allNames() {
        StringBuilder sb = new StringBuilder();
        Arrays.stream(FloatFormat.values()).forEach(f -> sb.append(sb.length() == 0 ? "" : ", ").append(f.ptxName()));
        Arrays.stream(IntFormat.values()).forEach(f -> sb.append(", ").append(f.ptxName()));
        return sb.toString();
    }
}
