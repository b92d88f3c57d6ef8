package dev.fp4sim.sim.profile;

import java.util.List;

/**
 * A behaviour the sources do not pin down, modelled as a named, documented, switchable choice.
 * Each assumption is an enum whose constants are the alternatives; a profile holds one
 * constant of each. The list of them, with the evidence for each default, is printed by
 * {@code fp4sim arch show} and documented in docs/numerics.md §7.
 */
public interface Assumption {

    /** Stable key used on the command line ({@code --assume key=value}). */
    String key();

    /** The chosen alternative's name, as accepted on the command line. */
    default String choice() {
        return ((Enum<?>) this).name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** What this alternative means. */
    String meaning();

    /** Why the default is the default, with sources. */
    String evidence();

    /** All alternatives of this assumption. */
    default List<String> alternatives() {
        Object[] all = ((Enum<?>) this).getDeclaringClass().getEnumConstants();
        return java.util.Arrays.stream(all).map(o -> ((Assumption) o).choice()).toList();
    }
}
