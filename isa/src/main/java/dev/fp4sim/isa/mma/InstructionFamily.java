package dev.fp4sim.isa.mma;

import java.util.Locale;

/**
 * The PTX instruction family that carries an MMA: the same kind can have different arithmetic
 * in different families (e.g. Hopper f16-output {@code mma.sync} enters zero terms at −22,
 * {@code wgmma} at −133; numerics-sources §2.5).
 */
public enum InstructionFamily {
    TCGEN05_MMA("tcgen05.mma"),
    WGMMA("wgmma.mma_async"),
    MMA_SYNC("mma.sync");

    private final String ptxPrefix;

    InstructionFamily(String ptxPrefix) {
        this.ptxPrefix = ptxPrefix;
    }

    public String ptxPrefix() {
        return ptxPrefix;
    }

    /** The family an operation string starts with ({@code tcgen05.mma.cta_group::1...}), or null. */
    public static InstructionFamily fromOperation(String operation) {
        String op = operation.trim().toLowerCase(Locale.ROOT);
        for (InstructionFamily f : values()) {
            if (op.startsWith(f.ptxPrefix)) {
                return f;
            }
        }
        return null;
    }

    /** The family that carries tensor-core MMA on a target when nothing else says: tcgen05 on sm_100/103/110, wgmma on sm_90a. */
    public static InstructionFamily defaultFor(String arch) {
        String a = arch.toLowerCase(Locale.ROOT);
        if (a.startsWith("sm_100") || a.startsWith("sm_101") || a.startsWith("sm_103") || a.startsWith("sm_110")) {
            return TCGEN05_MMA;
        }
        if (a.startsWith("sm_90")) {
            return WGMMA;
        }
        return MMA_SYNC;
    }
}
