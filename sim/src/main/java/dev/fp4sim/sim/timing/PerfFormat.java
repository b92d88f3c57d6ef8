package dev.fp4sim.sim.timing;

import dev.fp4sim.isa.mma.MmaKind;

import java.util.Locale;
import java.util.Optional;

/**
 * The operand formats of a GEMM as the timing model sees them: bits per element of A and B,
 * scale-factor bytes per element, and which tensor-core rate class they run at (timing.md).
 */
public enum PerfFormat {
    NVFP4("nvfp4", "fp4", 0.5, 1.0 / 16, MmaKind.MXF4NVF4),
    MXFP4("mxfp4", "fp4", 0.5, 1.0 / 32, MmaKind.MXF4),
    /** FP4 through kind::f8f6f4: padded to 8 bits in SMEM, FP8 rate (isa.md §3.6, timing.md). */
    FP4_F8F6F4("fp4-f8f6f4", "fp4_via_f8f6f4", 0.5, 0, MmaKind.F8F6F4),
    FP8("fp8", "fp8", 1, 0, MmaKind.F8F6F4),
    MXFP8("mxfp8", "fp8", 1, 1.0 / 32, MmaKind.MXF8F6F4),
    BF16("bf16", "bf16", 2, 0, MmaKind.F16),
    TF32("tf32", "tf32", 4, 0, MmaKind.TF32);

    private final String cliName;
    private final String rateClass;
    private final double bytesPerElement;
    private final double scaleBytesPerElement;
    private final MmaKind mmaKind;

    PerfFormat(String cliName, String rateClass, double bytesPerElement, double scaleBytesPerElement, MmaKind mmaKind) {
        this.mmaKind = mmaKind;
        this.cliName = cliName;
        this.rateClass = rateClass;
        this.bytesPerElement = bytesPerElement;
        this.scaleBytesPerElement = scaleBytesPerElement;
    }

    /** The {@code tcgen05.mma} kind a Blackwell datacenter kernel uses for this format (isa.md §1.2). */
    public MmaKind mmaKind() {
        return mmaKind;
    }

    /** Elements per scale factor (16 for NVFP4, 32 for MX formats), 0 when not block-scaled. */
    public int scaleBlock() {
        return scaleBytesPerElement == 0 ? 0 : (int) Math.round(1 / scaleBytesPerElement);
    }

    public String cliName() {
        return cliName;
    }

    /** Key into {@code mac_per_clk_sm} (or the f8f6f4 FP4 rate). */
    public String rateClass() {
        return rateClass;
    }

    /** Bytes of one A/B element in global memory (packed). */
    public double bytesPerElement() {
        return bytesPerElement;
    }

    /** Bytes of one element in SMEM as the MMA reads it (FP4 under f8f6f4 is padded to a byte). */
    public double smemBytesPerElement() {
        return this == FP4_F8F6F4 ? 1 : bytesPerElement;
    }

    public double scaleBytesPerElement() {
        return scaleBytesPerElement;
    }

    /** The energy class (pj_per_mac key). */
    public String energyClass() {
        return this == FP4_F8F6F4 ? "fp8" : rateClass;
    }

    public static Optional<PerfFormat> byName(String s) {
        String n = s.toLowerCase(Locale.ROOT);
        for (PerfFormat f : values()) {
            if (f.cliName.equals(n)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (PerfFormat f : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(f.cliName);
        }
        return sb.toString();
    }
}
