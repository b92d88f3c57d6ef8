package dev.fp4sim.isa.layout;

import java.util.Locale;
import java.util.Optional;

/**
 * How a block-scale matrix SF[r][kb] (r = row of A, or row of Bᵀ = column of B; kb = k / block)
 * is laid out in a byte buffer in global memory.
 */
public enum ScaleFactorLayout {
    /** Plain row-major: byte {@code r · kBlocks + kb}; no padding. What checkpoints store (ecosystem.md §2.2). */
    LINEAR("linear"),
    /**
     * The cuBLAS / CUTLASS "128x4" tiled layout of isa.md §6 (a.k.a. "32x4x4", swizzled):
     * 512-byte atoms of 128 rows × 4 K-blocks, rows padded to 128 and K-blocks to 4. See
     * {@link TiledScaleLayout}.
     */
    CUBLAS("cublas");

    private final String cliName;

    ScaleFactorLayout(String cliName) {
        this.cliName = cliName;
    }

    /** The spelling used on the command line and in manifests. */
    public String cliName() {
        return cliName;
    }

    public static Optional<ScaleFactorLayout> byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (ScaleFactorLayout l : values()) {
            if (l.cliName.equals(n) || l.name().toLowerCase(Locale.ROOT).equals(n)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
