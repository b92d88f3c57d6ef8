package dev.fp4sim.sim.timing;

import dev.fp4sim.sim.energy.EnergyModel;
import dev.fp4sim.sim.timing.Tcgen05Timing.Mma;
import dev.fp4sim.sim.timing.Tcgen05Timing.MmaTiming;
import dev.fp4sim.sim.timing.Tcgen05Timing.Mode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cycle-approximate GEMM model (docs/timing.md): a persistent, warp-specialised kernel as
 * CUTLASS/DeepGEMM build it (TMA producer, single-thread MMA issuer, epilogue warps). Per k-tile and
 * SM the time is the slowest of the tensor datapath and the SMEM read port (both from the
 * instruction-level {@link Tcgen05Timing} on tcgen05 machines: the MMA operands plus the
 * tcgen05.cp of the scale factors), and L2→SMEM ingress; tiles are scheduled in waves over all SMs;
 * HBM traffic follows from L2 reuse; the clock is the highest the board power allows
 * ({@link EnergyModel}). Every constant is a machine-file parameter with its source, or named here.
 */
public final class PerfModel {

    /** Issue overhead per k-tile (mbarrier wait and arrive, descriptor updates, tcgen05.commit): assumed, cycles. */
    static final double ISSUE_CYCLES = 16;
    /** SMEM reserved for the epilogue and barriers: assumed, like CUTLASS's carve-out (timing-sources.md §6.5). */
    static final double EPILOGUE_SMEM_BYTES = 32 * 1024;
    /** Accumulator drain TMEM→RF and store to global: assumed bytes per clock per SM. */
    static final double EPILOGUE_B_CLK = 128;
    /** Pipeline fill on machines without the tcgen05 instruction model (first TMA load, timing-sources §2.4): assumed cycles. */
    static final double PROLOGUE_CYCLES = 2500;
    /** Output element bytes (bf16 D, as the measured kernels write). */
    static final double OUT_BYTES = 2;
    /** MMA instructions per SMEM stage on tcgen05 (K-tile = 4 × instruction K: 256 FP4, 128 FP8, 64 BF16; timing-sources §2.2, §6.2). */
    static final int MMAS_PER_STAGE = 4;

    /**
     * Knobs a user may fix instead of letting the model choose (fp4sim perf gemm --tile, whatif).
     *
     * @param tile       "BMxBN" per CTA pair (256xN means 2-CTA on tcgen05), or null for the fastest
     * @param scaleBlock elements per scale factor, or 0 for the format's own (16 NVFP4, 32 MX)
     */
    public record Options(String tile, int scaleBlock) {
        public static final Options DEFAULT = new Options(null, 0);

        public Options {
            if (scaleBlock < 0) {
                throw new IllegalArgumentException("scale block must be positive");
            }
        }
    }

    private PerfModel() {
    }

    /** The dense peak the machine file implies, FLOP/s, at the datasheet clock. */
    public static double peakFlops(GpuSpec g, PerfFormat f) {
        return 2 * g.get("sms") * g.macPerClk(f) * g.get("clock_mhz") * 1e6;
    }

    static boolean tcgen05(GpuSpec g) {
        return g.api().equals("tcgen05");
    }

    /** Scale-factor bytes per A/B element under the options. */
    static double sfBytes(PerfFormat f, Options o) {
        if (f.scaleBlock() == 0) {
            return 0;
        }
        return o.scaleBlock() > 0 ? 1.0 / o.scaleBlock() : f.scaleBytesPerElement();
    }

    static List<GemmEstimate.Tile> candidates(GpuSpec g, PerfFormat f, Options o) {
        boolean tc = tcgen05(g);
        // K per stage: 4 MMAs on tcgen05 (K = 96 for sm_103 FP4 gives 384); elsewhere 128 or, where SMEM is
        // small (sm_120: 99 KiB per CTA), 64 bytes of operand per row.
        int[] bks = tc ? new int[] {MMAS_PER_STAGE * Tcgen05Timing.k(g, f.mmaKind())}
                : new int[] {(int) Math.round(128 / f.bytesPerElement()), (int) Math.round(64 / f.bytesPerElement())};
        double sf = sfBytes(f, o);
        List<GemmEstimate.Tile> t = new ArrayList<>();
        for (int bn : tc ? new int[] {64, 128, 256} : new int[] {128, 256}) {
            for (boolean two : tc ? new boolean[] {false, true} : new boolean[] {false}) {
                if (o.tile() != null && !o.tile().equals((two ? 256 : 128) + "x" + bn)) {
                    continue;
                }
                for (int bk : bks) {
                    double stageBytes = (128 + (two ? bn / 2.0 : bn)) * bk * f.smemBytesPerElement() + (128 + bn) * bk * sf;
                    int stages = (int) Math.min(8, Math.floor((g.get("smem_kib") * 1024 - EPILOGUE_SMEM_BYTES) / stageBytes));
                    if (stages < 2) {
                        continue;
                    }
                    // TMEM: BN f32 accumulator columns (double-buffered when they fit) plus the scale factors
                    // (isa.md §5.2: 4 columns for A's SF, BN/32 groups for B's).
                    double sfCols = sf > 0 ? 4 + bn / 32.0 : 0;
                    int acc = !tc ? 1 : 2 * bn + sfCols <= g.get("tmem_columns") ? 2 : bn + sfCols <= g.get("tmem_columns") ? 1 : 0;
                    if (acc == 0) {
                        continue;
                    }
                    t.add(new GemmEstimate.Tile(128, bn, bk, two, stages, acc));
                    break;
                }
            }
        }
        return t;
    }

    public static GemmEstimate gemm(GpuSpec g, PerfFormat f, long m, long n, long k) {
        return gemm(g, f, m, n, k, Options.DEFAULT);
    }

    /** The fastest kernel configuration allowed by the options; throws with a reason when none fits. */
    public static GemmEstimate gemm(GpuSpec g, PerfFormat f, long m, long n, long k, Options o) {
        if (m <= 0 || n <= 0 || k <= 0) {
            throw new IllegalArgumentException("M, N and K must be positive");
        }
        if (g.macPerClk(f) <= 0) {
            throw new IllegalArgumentException(g.name() + " has no " + f.cliName() + " tensor-core path");
        }
        GemmEstimate best = null;
        for (GemmEstimate.Tile t : candidates(g, f, o)) {
            GemmEstimate e = estimate(g, f, m, n, k, t, o);
            if (best == null || e.seconds() < best.seconds()) {
                best = e;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException(g.name() + ": no kernel configuration " + (o.tile() == null ? "" : o.tile() + " ")
                    + "fits its SMEM/TMEM for " + f.cliName() + (o.tile() == null ? "" : " (tiles: 128x64, 128x128, 128x256, "
                    + "and on tcgen05 the 2-CTA 256x64, 256x128, 256x256)"));
        }
        return best;
    }

    static GemmEstimate estimate(GpuSpec g, PerfFormat f, long m, long n, long k, GemmEstimate.Tile t) {
        return estimate(g, f, m, n, k, t, Options.DEFAULT);
    }

    static GemmEstimate estimate(GpuSpec g, PerfFormat f, long m, long n, long k, GemmEstimate.Tile t, Options o) {
        double sms = g.get("sms");
        double mac = g.macPerClk(f);
        int pair = t.twoCta() ? 2 : 1;
        double bB = f.bytesPerElement();
        double sf = sfBytes(f, o);
        double smemBw = g.get("smem_read_b_clk");
        // per SM and k-tile (cycles)
        double bnLoaded = t.twoCta() ? t.bn() / 2.0 : t.bn();
        double tMath;
        double operandSmem;
        double issue = ISSUE_CYCLES;
        double mmaLatency = 0;
        if (tcgen05(g)) {
            // The MMA issuer's view: BK / K instructions of M = 128 per SM, SS mode (CUTLASS and DeepGEMM keep A in SMEM).
            MmaTiming it = Tcgen05Timing.mma(g, new Mma(f.mmaKind(), t.bm() * pair, t.bn(), pair, Mode.SS));
            int instr = t.bk() / it.k();
            tMath = instr * it.tensorCycles();
            operandSmem = instr * it.smemCycles() * smemBw;
            issue += instr * Tcgen05Timing.ISSUE_OVERHEAD;
            mmaLatency = it.latency();
        } else {
            tMath = (double) t.bm() * t.bn() * t.bk() / mac;
            operandSmem = (t.bm() + bnLoaded) * t.bk() * f.smemBytesPerElement();
        }
        // Scale factors go SMEM → TMEM by tcgen05.cp through the same read port (isa.md §4.4).
        double sfSmem = (t.bm() + t.bn()) * t.bk() * sf;
        double smemBytes = operandSmem + sfSmem;
        double tSmem = smemBytes / smemBw;
        // Whole tiles go through L2 even past the matrix edge (TMA zero-fill is not modelled: pessimistic for M < 128,
        // docs/timing.md "Not modelled").
        double ingress = (t.bm() + bnLoaded) * t.bk() * bB + (t.bm() + bnLoaded) * t.bk() * sf;
        double tFeed = ingress / g.get("l2_ingress_b_clk_sm");
        double tK = Math.max(tMath, Math.max(tSmem, tFeed)) + issue;
        // tiles and waves
        long tilesM = (m + (long) t.bm() * pair - 1) / ((long) t.bm() * pair);
        long tilesN = (n + t.bn() - 1) / t.bn();
        long tiles = tilesM * tilesN;
        double slots = Math.floor(sms / pair);
        long waves = (long) Math.ceil(tiles / slots);
        long kTiles = (k + t.bk() - 1) / t.bk();
        double epi = (double) t.bm() * t.bn() * (4 + OUT_BYTES) / EPILOGUE_B_CLK;
        double tileCycles = kTiles * tK;
        // Pipeline fill: the first stage's TMA load (SemiAnalysis latency curve) and the first MMA's latency.
        double prologue = tcgen05(g) ? Tcgen05Timing.tmaLatency(ingress) + mmaLatency : PROLOGUE_CYCLES;
        double computeCycles = prologue + waves * tileCycles + (t.accumulators() > 1 ? epi : waves * epi);
        // HBM traffic: operands once if they fit in half the L2, else A is re-read per band of B that fits
        double aBytes = m * k * (bB + sf);
        double bBytes = n * k * (bB + sf);
        double l2 = g.get("l2_mb") * 1e6 / 2;
        double reads = aBytes + bBytes <= l2 ? aBytes + bBytes : aBytes * Math.ceil(bBytes / l2) + bBytes;
        double hbmBw = g.get("hbm_tb_s") * 1e12 * g.get("hbm_efficiency");
        double hbmBytes = reads + m * n * OUT_BYTES;
        double hbmSeconds = hbmBytes / hbmBw;
        double l2Bytes = ingress * kTiles * tiles * pair;
        double l2Seconds = l2Bytes / (g.get("l2_tb_s") * 1e12);
        double macs = (double) m * n * k;
        var traffic = new EnergyModel.Traffic(macs, f.energyClass(), hbmBytes, l2Bytes, smemBytes * kTiles * tiles * pair,
                (double) m * n * 4 * 2);
        // The last wave's D store follows its main loops (nothing left to overlap it with); its bytes are
        // already in the HBM total, which bounds the whole kernel.
        double lastWaveTiles = tiles - (waves - 1) * slots;
        double lastStore = lastWaveTiles * pair * t.bm() * t.bn() * OUT_BYTES / hbmBw;
        java.util.function.DoubleUnaryOperator secondsAt = clk -> Math.max(computeCycles / clk + lastStore, Math.max(hbmSeconds, l2Seconds))
                + g.get("launch_us") * 1e-6;
        // clock: the highest at which the board power holds
        double clock = EnergyModel.clockUnderPowerCap(g, traffic, secondsAt);
        double seconds = secondsAt.applyAsDouble(clock);
        EnergyModel.Breakdown energy = EnergyModel.energy(g, traffic, clock, seconds);
        double compute = computeCycles / clock;
        Map<String, Double> util = new LinkedHashMap<>();
        util.put("tensor", macs / (sms * mac * clock) / seconds);
        util.put("smem", smemBytes * kTiles * tiles * pair / (sms * smemBw * clock) / seconds);
        util.put("l2", l2Bytes / (sms * g.get("l2_ingress_b_clk_sm") * clock) / seconds);
        util.put("hbm", hbmBytes / (g.get("hbm_tb_s") * 1e12) / seconds);
        util.put("sms", Math.min(tiles * pair, sms * waves) / (sms * waves));
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
        return new GemmEstimate(g.name(), f, m, n, k, t, seconds, 2 * macs / seconds / 1e12, bottleneck, util, clock / 1e6,
                energy.total(), energy.total() / seconds, hbmBytes, energy);
    }
}
