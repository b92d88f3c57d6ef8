package dev.fp4sim.sim.energy;

import dev.fp4sim.sim.timing.GpuSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Energy of a kernel from its operation and traffic counts (docs/timing.md, "Energy"): pJ per MAC
 * of the format's rate class, pJ per byte at each level (HBM, L2, SMEM, TMEM) and static power ×
 * time. Every coefficient is a machine-file parameter with its source or "assumed"
 * (timing.md "Energy": no vendor publishes pJ/MAC; the totals are calibrated against the board
 * power at full GEMM load).
 *
 * <p>Dynamic energy per operation scales with V², and V rises roughly with f over the DVFS range, so
 * energy per operation is taken ∝ (f / f_datasheet)^({@link #DVFS_EXPONENT} − 1): at a lower clock
 * each operation costs less, which is why a power-capped chip settles at a clock below its maximum.
 */
public final class EnergyModel {

    /** Dynamic power ∝ f^DVFS_EXPONENT (V ∝ f would give 3; 2 is the assumed compromise, docs/timing.md). */
    public static final double DVFS_EXPONENT = 2;

    /**
     * What a kernel does, in the units the coefficients are given in.
     *
     * @param macs      multiply-accumulates
     * @param macClass  {@code pj_per_mac} key (fp4, fp8, bf16, tf32)
     * @param hbmBytes  DRAM bytes read and written
     * @param l2Bytes   bytes moved L2 → SMEM
     * @param smemBytes bytes read from SMEM by the tensor core and tcgen05.cp
     * @param tmemBytes bytes of accumulator traffic to and from TMEM (epilogue drain)
     */
    public record Traffic(double macs, String macClass, double hbmBytes, double l2Bytes, double smemBytes, double tmemBytes) {
    }

    /** Joules per component; {@code statik} is static power × time. */
    public record Breakdown(double mac, double hbm, double l2, double smem, double tmem, double statik) {
        public double dynamic() {
            return mac + hbm + l2 + smem + tmem;
        }

        public double total() {
            return dynamic() + statik;
        }

        /** Component → joules, in a fixed order (for tables and JSON). */
        public Map<String, Double> asMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("mac", mac);
            m.put("hbm", hbm);
            m.put("l2", l2);
            m.put("smem", smem);
            m.put("tmem", tmem);
            m.put("static", statik);
            return m;
        }
    }

    private EnergyModel() {
    }

    /** The factor dynamic energy per operation is multiplied by at {@code clockHz}. */
    public static double voltageScale(GpuSpec g, double clockHz) {
        return Math.pow(clockHz / (g.get("clock_mhz") * 1e6), DVFS_EXPONENT - 1);
    }

    /** Dynamic joules of the traffic at {@code clockHz}. */
    public static double dynamicJoules(GpuSpec g, Traffic t, double clockHz) {
        return energy(g, t, clockHz, 0).dynamic();
    }

    /** Energy per component for traffic {@code t} run at {@code clockHz} over {@code seconds}. */
    public static Breakdown energy(GpuSpec g, Traffic t, double clockHz, double seconds) {
        if (t.macs() < 0 || t.hbmBytes() < 0 || t.l2Bytes() < 0 || t.smemBytes() < 0 || t.tmemBytes() < 0 || seconds < 0) {
            throw new IllegalArgumentException("negative traffic or time: " + t + ", " + seconds + " s");
        }
        double s = voltageScale(g, clockHz) * 1e-12;
        return new Breakdown(t.macs() * g.table("pj_per_mac", t.macClass()) * s, t.hbmBytes() * g.table("pj_per_byte", "hbm") * s,
                t.l2Bytes() * g.table("pj_per_byte", "l2") * s, t.smemBytes() * g.table("pj_per_byte", "smem") * s,
                t.tmemBytes() * g.table("pj_per_byte", "tmem") * s, g.get("static_w") * seconds);
    }

    /**
     * The highest clock (≤ {@code max_clock_mhz}, ≥ 30% of it) at which the average power of work
     * that takes {@code seconds(clock)} stays within {@code board_w}: a fixed-point iteration on
     * P = static + dynamic(f) / t(f).
     */
    public static double clockUnderPowerCap(GpuSpec g, Traffic t, java.util.function.DoubleUnaryOperator secondsAtClock) {
        double fMax = g.get("max_clock_mhz") * 1e6;
        double clock = fMax;
        for (int it = 0; it < 30; it++) {
            double watts = g.get("static_w") + dynamicJoules(g, t, clock) / secondsAtClock.applyAsDouble(clock);
            if (watts <= g.get("board_w") * 1.001 || clock < 0.3 * fMax) {
                break;
            }
            clock *= Math.pow(Math.max(0.5, (g.get("board_w") - g.get("static_w")) / (watts - g.get("static_w"))), 0.5);
        }
        return Math.max(clock, 0.3 * fMax);
    }
}
