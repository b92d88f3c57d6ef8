package dev.fp4sim.isa.format;

/**
 * One decoded encoding: value = (−1)^negative · significand · 2^(exponent − mantissaBits).
 * For display and tests; the datapath uses the primitive accessors of {@link FloatFormat}.
 */
public record Decoded(FloatFormat format, int code, FpClass fpClass, boolean negative, int significand, int exponent) {

    public double value() {
        return format.toDouble(code);
    }

    @Override
    public String toString() {
        String hex = String.format("0x%0" + Math.max(1, (format.storageBits() + 3) / 4) + "X", code);
        return switch (fpClass) {
            case NAN -> hex + " (NaN)";
            case INFINITE -> hex + (negative ? " (-Inf)" : " (+Inf)");
            default -> hex + " (" + format.toDouble(code) + ")";
        };
    }
}
