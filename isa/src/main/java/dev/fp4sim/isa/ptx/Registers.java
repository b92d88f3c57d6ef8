package dev.fp4sim.isa.ptx;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Register declarations ({@code .reg .b32 %r<16>;}) and the width class of each register: 16, 32, 64
 * bits or predicate (1). Without declarations (bare instruction lines) the conventional names of
 * nvcc's output are assumed: %r 32-bit, %rd 64-bit, %rs 16-bit, %p predicate, %f 32-bit, %fd 64-bit.
 */
final class Registers {

    static final int PRED = 1;
    private static final Pattern DECL = Pattern.compile("\\.reg\\s+\\.(\\w+)\\s+(.+?);?\\s*$");
    private static final Pattern ONE = Pattern.compile("(%[A-Za-z_$][A-Za-z0-9_$]*)(?:<(\\d+)>)?");

    private final Map<String, Integer> ranges = new HashMap<>();
    private final Map<String, String> types = new HashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();
    private boolean declared;

    static Registers conventional() {
        Registers r = new Registers();
        r.ranges.put("%r", 32);
        r.ranges.put("%rd", 64);
        r.ranges.put("%rs", 16);
        r.ranges.put("%p", PRED);
        r.ranges.put("%f", 32);
        r.ranges.put("%fd", 64);
        r.types.putAll(Map.of("%r", "b32", "%rd", "b64", "%rs", "b16", "%p", "pred", "%f", "f32", "%fd", "f64"));
        return r;
    }

    static int width(String type) {
        return switch (type) {
            case "pred" -> PRED;
            case "b8", "u8", "s8" -> 8;
            case "b16", "u16", "s16", "f16", "bf16" -> 16;
            case "b32", "u32", "s32", "f32", "f16x2", "bf16x2" -> 32;
            case "b64", "u64", "s64", "f64" -> 64;
            case "b128" -> 128;
            default -> -1;
        };
    }

    /** Reads a .reg directive; returns false if it is not one. */
    boolean declare(String directive) {
        Matcher m = DECL.matcher(directive.strip());
        if (!m.matches()) {
            return false;
        }
        int w = width(m.group(1));
        if (!declared) {
            ranges.clear();
            types.clear();
            declared = true;
        }
        for (String part : m.group(2).split(",")) {
            Matcher o = ONE.matcher(part.strip());
            if (o.matches()) {
                if (o.group(2) != null) {
                    ranges.put(o.group(1), w);
                    types.put(o.group(1), m.group(1));
                    counts.put(o.group(1), Integer.parseInt(o.group(2)));
                } else {
                    ranges.put(o.group(1) + "#", w);
                    types.put(o.group(1) + "#", m.group(1));
                }
            }
        }
        return true;
    }

    /** Width class of a register, 0 if undeclared. Special registers (%tid.x, %laneid, ...) are 32-bit. */
    int widthOf(String name) {
        if (name.contains(".") || name.equals("%laneid") || name.equals("%warpid") || name.equals("%smid")
                || name.equals("%cluster_ctarank") || name.equals("%nctaid") || name.equals("%clock")) {
            return 32;
        }
        Integer exact = ranges.get(name + "#");
        if (exact != null) {
            return exact;
        }
        int i = name.length();
        while (i > 0 && Character.isDigit(name.charAt(i - 1))) {
            i--;
        }
        if (i == name.length()) {
            return 0;
        }
        String prefix = name.substring(0, i);
        Integer w = ranges.get(prefix);
        if (w == null) {
            return 0;
        }
        Integer n = counts.get(prefix);
        if (n != null && Integer.parseInt(name.substring(i)) >= n) {
            return 0;
        }
        return w;
    }

    /** The declared type of a register (b32, u64, f32, pred, ...), or null if undeclared. Special registers are u32. */
    String typeOf(String name) {
        if (widthOf(name) == 0) {
            return null;
        }
        if (name.contains(".") || !Character.isDigit(name.charAt(name.length() - 1)) && !types.containsKey(name + "#")) {
            return "u32";
        }
        String exact = types.get(name + "#");
        if (exact != null) {
            return exact;
        }
        int i = name.length();
        while (i > 0 && Character.isDigit(name.charAt(i - 1))) {
            i--;
        }
        return types.get(name.substring(0, i));
    }

    /**
     * Whether a register of type {@code reg} may be an operand of type {@code use} (PTX ISA §5.2.3,
     * "type compatibility", as ptxas 13.0 applies it): same width, and then any bit type matches
     * anything, u and s types match each other, float types match only themselves.
     */
    static boolean compatible(String reg, String use) {
        if (reg == null || width(reg) != width(use)) {
            return false;
        }
        char a = reg.charAt(0);
        char b = use.charAt(0);
        return a == 'b' || b == 'b' || a == b || ((a == 'u' || a == 's') && (b == 'u' || b == 's'));
    }
}
