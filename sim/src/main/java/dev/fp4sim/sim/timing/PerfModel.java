package dev.fp4sim.sim.timing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cycle-approximate GEMM model (docs/timing.md): a persistent, warp-specialised kernel as
 * CUTLASS/DeepGEMM build it (TMA producer, single-thread MMA issuer, epilogue warps). Per k-tile and
 * SM the time is the slowest of tensor math, SMEM operand reads, and L2→SMEM ingress; tiles are
 * scheduled in waves over all SMs; HBM traffic follows from L2 reuse; the clock is the highest the
 * board power allows. Every constant is a machine-file parameter with its source, or named here.
 */
public final class PerfModel {

    /** Issue overhead per k-tile (tcgen05.cp, mbarrier, descriptor updates): assumed, cycles. */
    static final double ISSUE_CYCLES = 16;
    /** SMEM reserved for the epilogue and barriers: assumed, like CUTLASS's carve-out. */
    static final double EPILOGUE_SMEM_BYTES = 32 * 1024;
    /** Accumulator drain TMEM→RF and store to global: assumed bytes per clock per SM. */
    static final double EPILOGUE_B_CLK = 128;
    /** Pipeline fill: first TMA load latency before the first MMA (timing-sources §2.4: 1.4k-5.4k cycles); assumed. */
    static final double PROLOGUE_CYCLES = 2500;
    /** Output element bytes (bf16 D, as the measured kernels write). */
    static final double OUT_BYTES = 2;
    /** Dynamic power ∝ f² over the DVFS range (V roughly ∝ f gives f·V² ∝ f³; 2 is the assumed compromise). */
    static final double DVFS_EXPONENT = 2;

    private PerfModel() {
    }

    /** The dense peak the machine file implies, FLOP/s, at the datasheet clock. */
    public static double peakFlops(GpuSpec g, PerfFormat f) {
        return 2 * g.get("sms") * g.macPerClk(f) * g.get("clock_mhz") * 1e6;
    }

    static List<GemmEstimate.Tile> candidates(GpuSpec g, PerfFormat f) {
        int bk = (int) Math.round(128 / f.bytesPerElement());
        List<GemmEstimate.Tile> t = new ArrayList<>();
        boolean tc = g.api().equals("tcgen05");
        for (int bn : tc ? new int[] {64, 128, 256} : new int[] {128, 256}) {
            for (boolean two : tc ? new boolean[] {false, true} : new boolean[] {false}) {
                double stageBytes = (128 + (two ? bn / 2.0 : bn)) * bk * f.smemBytesPerElement() + (128 + bn) * bk * f.scaleBytesPerElement();
                int stages = (int) Math.min(8, Math.floor((g.get("smem_kib") * 1024 - EPILOGUE_SMEM_BYTES) / stageBytes));
                if (stages < 2) {
                    continue;
                }
                double sfCols = f.scaleBytesPerElement() > 0 ? 4 + bn / 32.0 : 0;
                int acc = !tc ? 1 : 2 * bn + sfCols <= g.get("tmem_columns") ? 2 : bn + sfCols <= g.get("tmem_columns") ? 1 : 0;
                if (acc == 0) {
                    continue;
                }
                t.add(new GemmEstimate.Tile(128, bn, bk, two, stages, acc));
            }
        }
        return t;
    }

    public static GemmEstimate gemm(GpuSpec g, PerfFormat f, long m, long n, long k) {
        if (m <= 0 || n <= 0 || k <= 0) {
            throw new IllegalArgumentException("M, N and K must be positive");
        }
        if (g.macPerClk(f) <= 0) {
            throw new IllegalArgumentException(g.name() + " has no " + f.cliName() + " tensor-core path");
        }
        GemmEstimate best = null;
        for (GemmEstimate.Tile t : candidates(g, f)) {
            GemmEstimate e = estimate(g, f, m, n, k, t);
            if (best == null || e.seconds() < best.seconds()) {
                best = e;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException(g.name() + ": no kernel configuration fits its SMEM/TMEM for " + f.cliName());
        }
        return best;
    }

    static GemmEstimate estimate(GpuSpec g, PerfFormat f, long m, long n, long k, GemmEstimate.Tile t) {
        double sms = g.get("sms");
        double mac = g.macPerClk(f);
        int pair = t.twoCta() ? 2 : 1;
        double bB = f.bytesPerElement();
        // per SM and k-tile (cycles)
        double bnLoaded = t.twoCta() ? t.bn() / 2.0 : t.bn();
        double tMath = (double) t.bm() * t.bn() * t.bk() / mac;
        double smemBytes = (t.bm() + bnLoaded) * t.bk() * f.smemBytesPerElement() + (t.bm() + t.bn()) * t.bk() * f.scaleBytesPerElement();
        double tSmem = smemBytes / g.get("smem_read_b_clk");
        double ingress = (t.bm() + bnLoaded) * t.bk() * bB + (t.bm() + bnLoaded) * t.bk() * f.scaleBytesPerElement();
        double tFeed = ingress / g.get("l2_ingress_b_clk_sm");
        double tK = Math.max(tMath, Math.max(tSmem, tFeed)) + ISSUE_CYCLES;
        // tiles and waves
        long tilesM = (m + (long) t.bm() * pair - 1) / ((long) t.bm() * pair);
        long tilesN = (n + t.bn() - 1) / t.bn();
        long tiles = tilesM * tilesN;
        double slots = Math.floor(sms / pair);
        long waves = (long) Math.ceil(tiles / slots);
        long kTiles = (k + t.bk() - 1) / t.bk();
        double epi = (double) t.bm() * t.bn() * (4 + OUT_BYTES) / EPILOGUE_B_CLK;
        double tileCycles = kTiles * tK;
        double computeCycles = PROLOGUE_CYCLES + waves * tileCycles + (t.accumulators() > 1 ? epi : waves * epi);
        // HBM traffic: operands once if they fit in half the L2, else A is re-read per band of B that fits
        double aBytes = m * k * (bB + f.scaleBytesPerElement());
        double bBytes = n * k * (bB + f.scaleBytesPerElement());
        double l2 = g.get("l2_mb") * 1e6 / 2;
        double reads = aBytes + bBytes <= l2 ? aBytes + bBytes : aBytes * Math.ceil(bBytes / l2) + bBytes;
        double hbmBytes = reads + m * n * OUT_BYTES;
        double hbmSeconds = hbmBytes / (g.get("hbm_tb_s") * 1e12 * g.get("hbm_efficiency"));
        double l2Total = ingress * kTiles * tiles * pair;
        double l2Seconds = l2Total / (g.get("l2_tb_s") * 1e12);
        // clock: the highest at which the board power holds
        double macs = (double) m * n * k;
        double l2Bytes = ingress * kTiles * tiles * pair;
        double dynJoules = macs * g.table("pj_per_mac", f.energyClass()) * 1e-12 + hbmBytes * g.table("pj_per_byte", "hbm") * 1e-12
                + l2Bytes * g.table("pj_per_byte", "l2") * 1e-12 + smemBytes * kTiles * tiles * pair * g.table("pj_per_byte", "smem") * 1e-12
                + (double) m * n * 4 * 2 * g.table("pj_per_byte", "tmem") * 1e-12;
        double fMax = g.get("max_clock_mhz") * 1e6;
        double clock = fMax;
        double seconds = 0;
        for (int it = 0; it < 30; it++) {
            double compute = computeCycles / clock;
            // the last wave's D store cannot overlap anything
            double lastStore = Math.min(tiles, slots) * pair * t.bm() * t.bn() * OUT_BYTES / (g.get("hbm_tb_s") * 1e12 * g.get("hbm_efficiency"));
            seconds = Math.max(compute, Math.max(hbmSeconds, l2Seconds)) + lastStore + g.get("launch_us") * 1e-6;
            // dynamic energy per op grows with V², i.e. with (f/f_datasheet)^(DVFS_EXPONENT-1)
            double scale = Math.pow(clock / (g.get("clock_mhz") * 1e6), DVFS_EXPONENT - 1);
            double watts = g.get("static_w") + dynJoules * scale / seconds;
            if (watts <= g.get("board_w") * 1.001 || clock < 0.3 * fMax) {
                break;
            }
            clock *= Math.pow(Math.max(0.5, (g.get("board_w") - g.get("static_w")) / (watts - g.get("static_w"))), 0.5);
        }
        double scale = Math.pow(clock / (g.get("clock_mhz") * 1e6), DVFS_EXPONENT - 1);
        double joules = g.get("static_w") * seconds + dynJoules * scale;
        double compute = computeCycles / clock;
        Map<String, Double> util = new LinkedHashMap<>();
        util.put("tensor", macs / (sms * mac * clock) / seconds);
        util.put("smem", smemBytes * kTiles * tiles * pair / (sms * g.get("smem_read_b_clk") * clock) / seconds);
        util.put("l2", l2Bytes / (sms * g.get("l2_ingress_b_clk_sm") * clock) / seconds);
        util.put("hbm", hbmBytes / (g.get("hbm_tb_s") * 1e12) / seconds);
        String bottleneck;
        if (hbmSeconds >= compute && hbmSeconds >= l2Seconds) {
            bottleneck = "hbm";
        } else if (l2Seconds >= compute) {
            bottleneck = "l2";
        } else if (tiles < slots * waves * 0.75 && waves <= 2) {
            bottleneck = "waves";
        } else if (t.accumulators() == 1 && waves * epi > 0.2 * computeCycles) {
            bottleneck = "epilogue";
        } else {
            bottleneck = tFeed >= tMath && tFeed >= tSmem ? "l2" : tSmem >= tMath ? "smem" : "tensor";
        }
        return new GemmEstimate(g.name(), f, m, n, k, t, seconds, 2 * macs / seconds / 1e12, bottleneck, util, clock / 1e6, joules,
                joules / seconds, hbmBytes);
    }
}
