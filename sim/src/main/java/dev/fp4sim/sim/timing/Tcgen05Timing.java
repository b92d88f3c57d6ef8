package dev.fp4sim.sim.timing;

import dev.fp4sim.isa.mma.MmaKind;

/**
 * Instruction-level timing of the sm_100/sm_103 tensor-core instructions (docs/timing.md,
 * "Instruction level"): initiation interval, latency and the pipeline depth needed to saturate a
 * {@code tcgen05.mma}; the SMEM-port cost of {@code tcgen05.cp}; the TMEM-read cost of
 * {@code tcgen05.ld}; the latency of a TMA load.
 *
 * <p>The physics (timing-sources.md §0.1-0.2, §2.1; isa.md §10): every {@code tcgen05.mma} reads
 * 256 bits of K per row of A (isa.md §1.2 note), and the datapath processes a fixed number of
 * rows × K-bits × N per clock, so an instruction with 128 rows per SM occupies the tensor core for
 * {@code rows·N·K / MAC_per_clk} = N/2 cycles in every kind; FP4 through {@code kind::f8f6f4}
 * sits in 8-bit containers (K = 32) and so runs at the FP8 rate, packed FP4 ({@code mxf4},
 * {@code mxf4nvf4}, K = 64) at twice it. In SS mode the operands A and B stream from SMEM at
 * {@code smem_read_b_clk} per SM; TS mode (A in TMEM) reads only B; {@code cta_group::2} halves
 * the B bytes each SM reads. The initiation interval is the slower of the two.
 *
 * <p>The rates come from the machine file; the latencies are B200 microbenchmarks (SemiAnalysis
 * {@code umma_latency}, timing-sources.md §2.2), assumed for the other tcgen05 chips.
 */
public final class Tcgen05Timing {

    /** Where operand A comes from: SS = A and B from SMEM descriptors, TS = A from TMEM ({@code [a-tmem]}). */
    public enum Mode { SS, TS }

    /**
     * One {@code tcgen05.mma}: kind, M and N of the whole instruction (across the CTA pair for
     * {@code cta_group::2}), the CTA group, and where A lives.
     */
    public record Mma(MmaKind kind, int m, int n, int ctaGroup, Mode mode) {
        @Override
        public String toString() {
            return "tcgen05.mma.cta_group::" + ctaGroup + ".kind::" + kind.ptxName() + " M=" + m + " N=" + n + " " + mode;
        }
    }

    /**
     * The model's answer for one instruction (all in SM clock cycles).
     *
     * @param k             K of the instruction (256 bits of A per row; 384 for sm_103 FP4)
     * @param tensorCycles  datapath occupancy per SM
     * @param smemCycles    SMEM operand reads per SM at {@code smem_read_b_clk}
     * @param ii            initiation interval: back-to-back issue rate
     * @param latency       issue → commit → mbarrier completion of a lone instruction
     * @param depth         instructions in flight needed to saturate the pipe: ceil(latency / ii)
     * @param macsPerSm     multiply-accumulates each SM of the group performs
     * @param bound         "tensor" or "smem"
     */
    public record MmaTiming(int k, double tensorCycles, double smemCycles, double ii, double latency, int depth, double macsPerSm,
                            String bound) {
        /** Sustained MACs per SM per clock when issued back to back. */
        public double macPerClkPerSm() {
            return macsPerSm / ii;
        }
    }

    /**
     * Issue overhead per instruction in a saturated stream, cycles: SemiAnalysis measured 128.25-128.6
     * cycles for N=256 (ideal 128) and 48.3 for the SMEM-bound N=64 (ideal 48); assumed 0.5
     * (timing-sources.md §2.1).
     */
    public static final double ISSUE_OVERHEAD = 0.5;
    /** Fixed latency L0 (latency = L0 + tensor cycles), 1-SM SS M=128 (timing-sources.md §2.2: 136 + N/2). */
    static final double L0_SS_1SM = 136;
    /** 1-SM SS M=64 (§2.2: 120 + N/2). */
    static final double L0_SS_1SM_M64 = 120;
    /** 1-SM TS M=128 (§2.2: 104 + N/2). */
    static final double L0_TS_1SM = 104;
    /** 2-SM SS M=256 (§2.2: 170 + N/2). */
    static final double L0_SS_2SM = 170;
    /** 2-SM SS M=128, 64 rows per SM (§2.2: 197 and 229 at N=128/256, tensor N/4 → ≈165). */
    static final double L0_SS_2SM_M128 = 165;
    /** 2-SM TS M=256 (§2.2: 138 + N/2). */
    static final double L0_TS_2SM = 138;
    /** Block-scaled kinds: a few cycles more latency, same II (§0.3, §2.2: +3 for mxf8f6f4). */
    static final double BLOCK_SCALE_LATENCY = 3;
    /**
     * TMEM → registers bandwidth of {@code tcgen05.ld}, bytes per clock per SM: assumed 32 lanes ×
     * 32 bit per sub-partition per clock, four sub-partitions (no public measurement,
     * timing-sources.md §2.5 lists only an unconfirmed aggregate).
     */
    public static final double TMEM_LD_B_CLK = 512;
    /** {@code tcgen05.ld} latency to {@code tcgen05.wait::ld}, cycles: assumed (no public number, §2.5). */
    public static final double TMEM_LD_LATENCY = 30;
    /** {@code tcgen05.cp} fixed latency, cycles: assumed (no public number, §2.5). */
    public static final double TCGEN05_CP_LATENCY = 60;

    private Tcgen05Timing() {
    }

    /** The machine-file rate class of a kind: which {@code mac_per_clk_sm} entry bounds it. */
    public static double macPerClk(GpuSpec g, MmaKind kind) {
        return switch (kind) {
            case F16 -> g.table("mac_per_clk_sm", "bf16");
            case TF32 -> g.table("mac_per_clk_sm", "tf32");
            // 8-bit containers: FP8, FP6, FP4 padded (isa.md §3.6), INT8
            case F8F6F4, MXF8F6F4, I8 -> g.table("mac_per_clk_sm", "fp8");
            case MXF4, MXF4NVF4 -> g.table("mac_per_clk_sm", "fp4");
            case F8 -> throw new IllegalArgumentException("kind f8 is a Hopper/Ada instruction, not tcgen05.mma");
        };
    }

    /**
     * K of one dense instruction: 256 bits of A per row (isa.md §1.2 note) in the kind's container
     * width. Packed FP4 on sm_103 has K = 96 (isa.md §1.2, idesc bit 31): the machine file's FP4
     * rate over twice the FP8 rate says by how much the row grows (1 on B200, 1.5 on B300).
     */
    public static int k(GpuSpec g, MmaKind kind) {
        return switch (kind) {
            case F16 -> 16;
            case TF32 -> 8;
            case F8F6F4, MXF8F6F4, I8 -> 32;
            case MXF4, MXF4NVF4 -> (int) Math.round(64 * g.table("mac_per_clk_sm", "fp4") / (2 * g.table("mac_per_clk_sm", "fp8")));
            case F8 -> throw new IllegalArgumentException("kind f8 is a Hopper/Ada instruction, not tcgen05.mma");
        };
    }

    /** Checks the shape against PTX ISA Table 39 (isa.md §1.2); the reason names the rule broken. */
    static void checkShape(Mma i) {
        int cg = i.ctaGroup();
        if (cg != 1 && cg != 2) {
            throw new IllegalArgumentException(i + ": cta_group must be 1 or 2");
        }
        boolean mOk = cg == 1 ? (i.m() == 128 || i.m() == 64 && !i.kind().blockScaled()) : (i.m() == 128 || i.m() == 256);
        if (!mOk) {
            throw new IllegalArgumentException(i + ": M must be " + (cg == 1 ? (i.kind().blockScaled() ? "128" : "64 or 128")
                    : "128 or 256") + " for cta_group::" + cg + " (isa.md §1.2)");
        }
        int step = cg == 1 ? 8 : 16;
        if (i.kind() == MmaKind.I8 && cg == 2) {
            step = 32;
        }
        if (i.n() < step || i.n() > 256 || i.n() % step != 0) {
            throw new IllegalArgumentException(i + ": N must be " + step + ".." + "256 in steps of " + step + " (isa.md §1.2)");
        }
        if (i.mode() == Mode.TS && i.n() % (cg == 1 ? 16 : 32) != 0) {
            throw new IllegalArgumentException(i + ": A in TMEM needs N % " + (cg == 1 ? 16 : 32) + " == 0 (isa.md §1.2, CUTLASS)");
        }
    }

    /** Initiation interval, latency and bound of one instruction on a tcgen05 machine. */
    public static MmaTiming mma(GpuSpec g, Mma i) {
        if (!g.api().equals("tcgen05")) {
            throw new IllegalArgumentException(g.name() + " has no tcgen05 tensor core (api " + g.api() + ")");
        }
        checkShape(i);
        int k = k(g, i.kind());
        double rate = macPerClk(g, i.kind());
        if (rate <= 0) {
            throw new IllegalArgumentException(g.name() + " has no tensor-core rate for kind::" + i.kind().ptxName());
        }
        int cg = i.ctaGroup();
        int rowsPerSm = i.m() / cg;
        // The datapath works on 128 rows at a time per SM: a 1-SM M=64 instruction uses half of it
        // (measured 50%, §2.1), whereas a 2-SM M=128 instruction (64 rows per SM) runs at full rate
        // (measured II = N/4, §2.1).
        double occupiedRows = cg == 1 ? Math.max(rowsPerSm, 128) : rowsPerSm;
        double macsPerSm = (double) rowsPerSm * i.n() * k;
        double tensor = occupiedRows * i.n() * k / rate;
        // 256 (or 384) bits of K per row = 32 (48) bytes per row of A and per column of B.
        double rowBytes = k * containerBits(i.kind()) / 8.0;
        double aBytes = i.mode() == Mode.SS ? rowsPerSm * rowBytes : 0;
        double bBytes = (double) i.n() / cg * rowBytes;
        double smem = (aBytes + bBytes) / g.get("smem_read_b_clk");
        double ii = Math.max(tensor, smem) + ISSUE_OVERHEAD;
        double l0;
        if (cg == 1) {
            l0 = i.mode() == Mode.TS ? L0_TS_1SM : i.m() == 64 ? L0_SS_1SM_M64 : L0_SS_1SM;
        } else {
            l0 = i.mode() == Mode.TS ? L0_TS_2SM : i.m() == 128 ? L0_SS_2SM_M128 : L0_SS_2SM;
        }
        double latency = l0 + tensor + (i.kind().blockScaled() ? BLOCK_SCALE_LATENCY : 0);
        return new MmaTiming(k, tensor, smem, ii, latency, (int) Math.ceil(latency / ii), macsPerSm, smem > tensor ? "smem" : "tensor");
    }

    private static int containerBits(MmaKind kind) {
        return switch (kind) {
            case F16 -> 16;
            case TF32 -> 32;
            case MXF4, MXF4NVF4 -> 4;
            default -> 8;
        };
    }

    /**
     * The dense peak the instruction model implies, FLOP/s at the datasheet clock: the best
     * sustained rate over the legal shapes (2-SM M=256, N=256 in SS mode reaches it).
     */
    public static double peakFlops(GpuSpec g, MmaKind kind) {
        double best = 0;
        for (int cg = 1; cg <= 2; cg++) {
            for (int n = 16; n <= 256; n += 16) {
                for (Mode mode : Mode.values()) {
                    Mma i = new Mma(kind, cg == 1 ? 128 : 256, n, cg, mode);
                    if (mode == Mode.TS && n % (cg == 1 ? 16 : 32) != 0 || kind == MmaKind.I8 && cg == 2 && n % 32 != 0) {
                        continue;
                    }
                    best = Math.max(best, mma(g, i).macPerClkPerSm());
                }
            }
        }
        return 2 * best * g.get("sms") * g.get("clock_mhz") * 1e6;
    }

    /**
     * Cycles {@code tcgen05.cp} holds the SMEM read port: {@code lanes × bits} of the shape
     * (isa.md §4.4: 128x256b, 4x256b, 128x128b, 64x128b, 32x128b) read at {@code smem_read_b_clk};
     * assumed to share the port with the MMA operand reads (no public measurement, §2.5).
     * {@code .warpx4} multicast replicates in TMEM and reads SMEM once.
     */
    public static double cpCycles(GpuSpec g, String shape) {
        String[] p = shape.split("x");
        if (p.length != 2 || !p[1].endsWith("b")) {
            throw new IllegalArgumentException("tcgen05.cp shape '" + shape + "': expected LANESxBITSb, e.g. 128x256b");
        }
        int lanes = Integer.parseInt(p[0]);
        int bits = Integer.parseInt(p[1].substring(0, p[1].length() - 1));
        if (!java.util.Set.of("128x256b", "4x256b", "128x128b", "64x128b", "32x128b").contains(shape)) {
            throw new IllegalArgumentException("tcgen05.cp shape '" + shape + "': not one of 128x256b, 4x256b, 128x128b, 64x128b, 32x128b (isa.md §4.4)");
        }
        return lanes * bits / 8.0 / g.get("smem_read_b_clk");
    }

    /**
     * Cycles one warp's {@code tcgen05.ld} takes: 32 threads × {@code regs} 32-bit registers
     * (isa.md §4.3, Table 49) at a quarter of {@link #TMEM_LD_B_CLK} (each warp reaches only its
     * 32-lane sub-partition), plus {@link #TMEM_LD_LATENCY}.
     */
    public static double ldCycles(int regsPerThread) {
        if (regsPerThread < 1 || regsPerThread > 128 || Integer.bitCount(regsPerThread) != 1) {
            throw new IllegalArgumentException("tcgen05.ld: registers per thread must be a power of two in 1..128 (isa.md §4.3)");
        }
        return 32.0 * regsPerThread * 4 / (TMEM_LD_B_CLK / 4) + TMEM_LD_LATENCY;
    }

    /**
     * Median latency of a TMA 2D load from HBM of {@code bytes}, cycles: piecewise-linear in the
     * SemiAnalysis B200 medians (timing-sources.md §2.4: 512 B 1993, 1-8 KiB 1400-1800,
     * 16 KiB 3600, 32 KiB 4600, 64 KiB 5400, 128 KiB 9600 cycles).
     */
    public static double tmaLatency(double bytes) {
        double[][] pts = {{512, 1993}, {1024, 1400}, {8192, 1800}, {16384, 3600}, {32768, 4600}, {65536, 5400}, {131072, 9600}};
        if (bytes <= pts[0][0]) {
            return pts[0][1];
        }
        for (int i = 1; i < pts.length; i++) {
            if (bytes <= pts[i][0]) {
                double t = (bytes - pts[i - 1][0]) / (pts[i][0] - pts[i - 1][0]);
                return pts[i - 1][1] + t * (pts[i][1] - pts[i - 1][1]);
            }
        }
        double[] a = pts[pts.length - 2];
        double[] b = pts[pts.length - 1];
        return b[1] + (bytes - b[0]) * (b[1] - a[1]) / (b[0] - a[0]);
    }
}
