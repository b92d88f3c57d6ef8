package dev.fp4sim.sim.timing;

import java.util.Map;

/**
 * A machine description (sim/src/main/resources/gpus/*.json, docs/timing.md): every number with its
 * source or the word "assumed". Immutable; {@link #with(String, double)} makes a what-if variant.
 */
public record GpuSpec(String name, String title, String arch, String api, Map<String, Double> values,
                      Map<String, Map<String, Double>> tables, Map<String, String> sources) {

    /** Scalar parameters every file must have. */
    public static final String[] SCALARS = {"sms", "clock_mhz", "max_clock_mhz", "fp4_via_f8f6f4", "hbm_tb_s", "hbm_efficiency",
            "l2_mb", "smem_kib", "smem_read_b_clk", "l2_ingress_b_clk_sm", "l2_tb_s", "tmem_columns", "board_w", "static_w", "launch_us"};
    /** Table parameters (format or level → value). */
    public static final String[] TABLES = {"mac_per_clk_sm", "pj_per_mac", "pj_per_byte"};

    public double get(String key) {
        Double v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(name + ": no parameter '" + key + "'");
        }
        return v;
    }

    public double table(String table, String key) {
        Map<String, Double> t = tables.get(table);
        Double v = t == null ? null : t.get(key);
        if (v == null) {
            throw new IllegalArgumentException(name + ": no parameter '" + table + "." + key + "'");
        }
        return v;
    }

    /** MACs per SM per clock of a format (0 when the chip has no such path). */
    public double macPerClk(PerfFormat f) {
        return f == PerfFormat.FP4_F8F6F4 ? get("fp4_via_f8f6f4") : table("mac_per_clk_sm", f.rateClass());
    }

    /** A copy with one scalar (or "table.key") changed: the what-if knob. */
    public GpuSpec with(String key, double value) {
        if (!Double.isFinite(value) || value < 0 || value == 0 && !key.equals("tmem_columns") && !key.contains(".") && !key.equals("launch_us")) {
            throw new IllegalArgumentException("'" + key + "=" + value + "': must be a positive number");
        }
        var v = new java.util.LinkedHashMap<>(values);
        var t = new java.util.LinkedHashMap<String, Map<String, Double>>();
        tables.forEach((k, m) -> t.put(k, new java.util.LinkedHashMap<>(m)));
        var s = new java.util.LinkedHashMap<>(sources);
        int dot = key.indexOf('.');
        if (dot > 0 && t.containsKey(key.substring(0, dot))) {
            t.get(key.substring(0, dot)).put(key.substring(dot + 1), value);
        } else if (v.containsKey(key)) {
            v.put(key, value);
        } else {
            throw new IllegalArgumentException("no parameter '" + key + "' (scalars: " + String.join(", ", SCALARS)
                    + "; tables: mac_per_clk_sm.fp4, pj_per_mac.fp8, pj_per_byte.hbm, ...)");
        }
        s.put(key, "what-if");
        return new GpuSpec(name + "[" + key + "=" + value + "]", title, arch, api, Map.copyOf(v), Map.copyOf(t), Map.copyOf(s));
    }
}
