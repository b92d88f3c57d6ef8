package dev.fp4sim.sim.timing;

import dev.fp4sim.sim.energy.EnergyModel;

import java.util.Map;

/**
 * What the model predicts for one GEMM: time, rate, the limiting resource, per-resource utilisation,
 * the clock it ran at (power-limited) and the energy.
 *
 * @param tile        the kernel configuration chosen (the fastest of the candidates)
 * @param bottleneck  tensor, smem, l2, hbm, epilogue or waves
 * @param utilisation busy fraction per resource (tensor, smem, l2, hbm) and the share of SMs with a tile (sms)
 * @param energy      joules per component (MACs, each memory level, static)
 */
public record GemmEstimate(String gpu, PerfFormat format, long m, long n, long k, Tile tile, double seconds, double tflops,
                           String bottleneck, Map<String, Double> utilisation, double clockMhz, double joules, double watts,
                           double hbmBytes, EnergyModel.Breakdown energy) {

    /** A kernel configuration: CTA tile (per SM), K per stage, 2-CTA pair, SMEM stages, accumulator buffers. */
    public record Tile(int bm, int bn, int bk, boolean twoCta, int stages, int accumulators) {
        @Override
        public String toString() {
            return (twoCta ? (2 * bm) + "x" + bn + " (2-CTA)" : bm + "x" + bn) + "x" + bk + ", " + stages + " stages, "
                    + accumulators + " accumulator" + (accumulators > 1 ? "s" : "");
        }
    }

    public double joulesPerTflop() {
        return joules / (2.0 * m * n * k / 1e12);
    }
}
