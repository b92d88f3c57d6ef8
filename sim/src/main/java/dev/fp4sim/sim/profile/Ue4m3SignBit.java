package dev.fp4sim.sim.profile;

/** How the tensor core reads bit 7 of a ue4m3 scale byte (PTX says it must be zero). */
public enum Ue4m3SignBit implements Assumption {
    /** Bit 7 is ignored: 0x80 is +0, 0xFE is 448, 0xFF is NaN (MMA-Sim masks it). */
    IGNORED("bit 7 is ignored: the scale is the low 7 bits (0xFF is NaN, 0x80 is zero)"),
    /** Bit 7 is a sign: the scale is read as signed e4m3. */
    NEGATES("bit 7 negates the scale (read as signed e4m3)");

    private final String meaning;

    Ue4m3SignBit(String meaning) {
        this.meaning = meaning;
    }

    @Override
    public String key() {
        return "ue4m3-sign-bit";
    }

    @Override
    public String meaning() {
        return meaning;
    }

    @Override
    public String evidence() {
        return "MMA-Sim truncate_e4m3_to_ue4m3 masks bit 7 (older code: abs()); PTX §5.2.3 only says the MSB is padded with zero; unconfirmed on hardware (isa.md §11.10)";
    }
}
