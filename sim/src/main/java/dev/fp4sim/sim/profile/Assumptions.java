package dev.fp4sim.sim.profile;

import java.util.List;
import java.util.Locale;

/**
 * One choice for every named assumption (docs/numerics.md §7). Users switch them with
 * {@code --assume key=value}; {@link #DEFAULTS} are the documented defaults.
 */
public record Assumptions(
        ZeroTermRule zeroTermRule,
        Ue4m3SignBit ue4m3SignBit,
        Ue8m0Code0 ue8m0Code0,
        ResultOverflow resultOverflow,
        InfiniteAccumulator infiniteC,
        SubByteEmin subByteEmin,
        ScaleInputD scaleInputD) {

    public static final Assumptions DEFAULTS = new Assumptions(ZeroTermRule.E_ZERO, Ue4m3SignBit.IGNORED,
            Ue8m0Code0.EXPONENT_M127, ResultOverflow.INFINITY, InfiniteAccumulator.PROPAGATE,
            SubByteEmin.FORMAT_EMIN, ScaleInputD.EXACT);

    public List<Assumption> all() {
        return List.of(zeroTermRule, ue4m3SignBit, ue8m0Code0, resultOverflow, infiniteC, subByteEmin, scaleInputD);
    }

    /** Every assumption's enum type, for listing alternatives. */
    public static List<Class<? extends Assumption>> types() {
        return List.of(ZeroTermRule.class, Ue4m3SignBit.class, Ue8m0Code0.class, ResultOverflow.class,
                InfiniteAccumulator.class, SubByteEmin.class, ScaleInputD.class);
    }

    /**
     * Returns a copy with {@code key=value} applied.
     *
     * @throws IllegalArgumentException naming the valid keys or values
     */
    public Assumptions with(String key, String value) {
        for (Class<? extends Assumption> type : types()) {
            Assumption[] constants = type.getEnumConstants();
            if (!constants[0].key().equals(key)) {
                continue;
            }
            for (Assumption a : constants) {
                if (a.choice().equals(value.toLowerCase(Locale.ROOT))) {
                    return with(a);
                }
            }
            throw new IllegalArgumentException("assumption '" + key + "' has no value '" + value + "' (valid: "
                    + String.join(", ", constants[0].alternatives()) + ")");
        }
        StringBuilder keys = new StringBuilder();
        for (Class<? extends Assumption> type : types()) {
            keys.append(keys.length() == 0 ? "" : ", ").append(type.getEnumConstants()[0].key());
        }
        throw new IllegalArgumentException("no assumption named '" + key + "' (valid: " + keys + ")");
    }

    public Assumptions with(Assumption a) {
        return new Assumptions(
                a instanceof ZeroTermRule z ? z : zeroTermRule,
                a instanceof Ue4m3SignBit u ? u : ue4m3SignBit,
                a instanceof Ue8m0Code0 c ? c : ue8m0Code0,
                a instanceof ResultOverflow o ? o : resultOverflow,
                a instanceof InfiniteAccumulator i ? i : infiniteC,
                a instanceof SubByteEmin s ? s : subByteEmin,
                a instanceof ScaleInputD d ? d : scaleInputD);
    }

    /** The block-scaled FP4 profile these choices give, on Blackwell's F/group/e_zero. */
    public BlockScaledProfile blockScaled(String name, int fractionalBits, int eZero) {
        return new BlockScaledProfile(name, fractionalBits, 16, eZero, zeroTermRule, ue4m3SignBit, ue8m0Code0,
                resultOverflow, infiniteC);
    }
}
