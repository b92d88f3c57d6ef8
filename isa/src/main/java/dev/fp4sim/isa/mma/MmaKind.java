package dev.fp4sim.isa.mma;

import java.util.Locale;
import java.util.Optional;

/**
 * The {@code .kind} of a tensor-core MMA (PTX ISA §9.7.16.10, isa.md §1.2), plus {@code f8} for
 * the Hopper/Ada FP8 instructions, which have no {@code .kind} qualifier but their own arithmetic.
 * Names are the golden-vector spellings.
 */
public enum MmaKind {
    F16("f16", false),
    TF32("tf32", false),
    F8F6F4("f8f6f4", false),
    I8("i8", false),
    F8("f8", false),
    MXF8F6F4("mxf8f6f4", true),
    MXF4("mxf4", true),
    MXF4NVF4("mxf4nvf4", true);

    private final String ptxName;
    private final boolean blockScaled;

    MmaKind(String ptxName, boolean blockScaled) {
        this.ptxName = ptxName;
        this.blockScaled = blockScaled;
    }

    public String ptxName() {
        return ptxName;
    }

    /** Whether the kind takes scale factors ({@code .block_scale}). */
    public boolean blockScaled() {
        return blockScaled;
    }

    /** Whether A and B are packed two e2m1 per byte (isa.md §3.6). */
    public boolean packedFp4() {
        return this == MXF4 || this == MXF4NVF4;
    }

    public static Optional<MmaKind> byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (MmaKind k : values()) {
            if (k.ptxName.equals(n)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    public static String allNames() {
        StringBuilder sb = new StringBuilder();
        for (MmaKind k : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(k.ptxName);
        }
        return sb.toString();
    }
}
