package dev.fp4sim.isa.ptx;

import java.util.Locale;
import java.util.Optional;

/**
 * The targets the validator knows, with the tcgen05 features each accepts. Feature rows were
 * established against NVIDIA's ptxas (CUDA 13.0, PTX ISA 9.0) by the agreement corpus
 * ({@code PtxasAgreementTest}); the PTX ISA text agrees where it says anything (isa.md §1.3).
 */
public enum PtxTarget {
    SM_100A("sm_100a", true, true, true, true, true, true),
    SM_100F("sm_100f", true, false, false, true, false, false),
    SM_103A("sm_103a", true, true, false, true, true, true),
    SM_110A("sm_110a", true, true, true, false, true, true),
    SM_120A("sm_120a", false, false, false, false, false, false);

    private final String ptxName;
    private final boolean tcgen05;
    private final boolean scaleVecNx;
    private final boolean kindI8;
    private final boolean scaleInputD;
    private final boolean sparseFp4;
    private final boolean shift;

    PtxTarget(String ptxName, boolean tcgen05, boolean scaleVecNx, boolean kindI8, boolean scaleInputD, boolean sparseFp4, boolean shift) {
        this.ptxName = ptxName;
        this.tcgen05 = tcgen05;
        this.scaleVecNx = scaleVecNx;
        this.kindI8 = kindI8;
        this.scaleInputD = scaleInputD;
        this.sparseFp4 = sparseFp4;
        this.shift = shift;
    }

    public String ptxName() {
        return ptxName;
    }

    /** tcgen05 instructions at all (not on sm_120a: RTX Blackwell has mma.sync only). */
    public boolean tcgen05() {
        return tcgen05;
    }

    /** {@code .scale_vec::1X/2X/4X} (arch-specific targets only; family targets use .block16/.block32). */
    public boolean scaleVecNx() {
        return scaleVecNx;
    }

    public boolean kindI8() {
        return kindI8;
    }

    public boolean scaleInputD() {
        return scaleInputD;
    }

    /** {@code tcgen05.mma.sp} with kind::mxf4 / mxf4nvf4. */
    public boolean sparseFp4() {
        return sparseFp4;
    }

    public boolean shift() {
        return shift;
    }

    public static Optional<PtxTarget> byName(String s) {
        String n = s.toLowerCase(Locale.ROOT);
        for (PtxTarget t : values()) {
            if (t.ptxName.equals(n)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (PtxTarget t : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(t.ptxName);
        }
        return sb.toString();
    }
}
