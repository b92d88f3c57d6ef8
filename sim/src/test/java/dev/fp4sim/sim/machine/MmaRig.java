package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.desc.InstrDescriptor;
import dev.fp4sim.isa.desc.SmemDescriptor;
import dev.fp4sim.isa.desc.Swizzle;
import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.format.IntFormat;
import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaModifiers;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.sim.mma.Datapaths;
import dev.fp4sim.sim.mma.ElementMma;
import dev.fp4sim.sim.profile.Assumptions;

import java.util.SplittableRandom;

/**
 * A test bench for one tcgen05.mma: the plain arrays of a GEMM problem (A M×K, B N×K, C M×N, scale
 * factors), placed into SMEM and TMEM with this class's own formulas for the spec layouts (isa.md
 * §3.3 K-major canonical layouts, §3.6 packing, §5.1 D layouts, §5.2 scale factors), the op that
 * points at them, and the expected D computed from the plain arrays by the datapath
 * ({@link Datapaths}) without any machine code. Nothing here calls {@link TensorCore} or
 * {@code SmemLayout}.
 */
final class MmaRig {

    // where things go
    static final int A_SMEM = 0;
    static final int B_SMEM = 32 * 1024;
    static final int A_COL = 256;
    static final int SFA_COL = 264;
    static final int SFB_COL = 268;

    final MmaKind kind;
    final ElementFormat af;
    final ElementFormat bf;
    final ElementFormat df;
    final FloatFormat sf;
    final int block;
    final int m;
    final int n;
    final int k;
    final int g;
    final int blocks;
    int sfaId;
    int sfbId;
    int dLane;
    boolean sw128;
    boolean aFromTmem;
    boolean enableInputD = true;
    int scaleInputD;
    int[] disable;
    boolean fp4LowBits;
    boolean sfbOwnerOnly;
    boolean ws;
    /** MN-major (transposed) A / B, no swizzle only: 8- and 16-bit types (isa.md §3.5). */
    boolean mnA;
    boolean mnB;
    String arch = "sm_100a";

    final int[][] a;
    final int[][] b;
    final int[][] c;
    final int[][] sfa;
    final int[][] sfb;

    /** The 32-bit TMEM cell that held C (an f16 C has random bits in the upper half, which the MMA ignores). */
    int[][] cCell;

    TensorMemory[] tmem;
    SharedMemory[] smem;

    MmaRig(MmaKind kind, ElementFormat af, ElementFormat bf, ElementFormat df, FloatFormat sf, int block, int m, int n, int g, long seed) {
        this.kind = kind;
        this.af = af;
        this.bf = bf;
        this.df = df;
        this.sf = sf;
        this.block = block;
        this.m = m;
        this.n = n;
        this.g = g;
        this.k = switch (kind) {
            case F16 -> 16;
            case TF32 -> 8;
            case MXF4, MXF4NVF4 -> 64;
            default -> 32;
        };
        this.blocks = sf == null ? 0 : k / block;
        SplittableRandom rnd = new SplittableRandom(seed);
        a = new int[m][k];
        b = new int[n][k];
        c = new int[m][n];
        sfa = new int[m][blocks];
        sfb = new int[n][blocks];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                a[i][j] = code(af, rnd);
            }
            for (int j = 0; j < n; j++) {
                c[i][j] = accumulator(df, rnd);
            }
            for (int j = 0; j < blocks; j++) {
                sfa[i][j] = scale(sf, rnd);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                b[i][j] = code(bf, rnd);
            }
            for (int j = 0; j < blocks; j++) {
                sfb[i][j] = scale(sf, rnd);
            }
        }
    }

    static int code(ElementFormat f, SplittableRandom r) {
        int s = r.nextInt(2);
        if (f == FloatFormat.F16) {
            return s << 15 | (12 + r.nextInt(7)) << 10 | r.nextInt(1 << 10);
        }
        if (f == FloatFormat.BF16) {
            return s << 15 | (124 + r.nextInt(7)) << 7 | r.nextInt(1 << 7);
        }
        if (f == FloatFormat.TF32) {
            return s << 31 | (124 + r.nextInt(7)) << 23 | r.nextInt(1 << 23);
        }
        if (f == FloatFormat.E4M3 || f == FloatFormat.E5M2) {
            return r.nextInt(256) & 0xBF;   // bit 6 clear: no NaN / Inf
        }
        if (f == IntFormat.S8 || f == IntFormat.U8) {
            return r.nextInt(256);
        }
        return r.nextInt(1 << f.storageBits());   // e2m3, e3m2, e2m1: every code is finite
    }

    static int accumulator(ElementFormat f, SplittableRandom r) {
        if (f == FloatFormat.F16) {
            return code(FloatFormat.F16, r);
        }
        if (f == IntFormat.S32) {
            return r.nextInt(1 << 21) - (1 << 20);
        }
        return Float.floatToRawIntBits((float) (r.nextGaussian() * 4));
    }

    static int scale(FloatFormat f, SplittableRandom r) {
        return f == FloatFormat.UE8M0 ? 120 + r.nextInt(15) : 0x30 + r.nextInt(0x20);
    }

    // ---------------------------------------------------------------------------------- geometry

    /** TMEM/SMEM container bits of one element: packed e2m1 4, FP4/FP6 under f8f6f4 8, else the format width. */
    int slotBits(ElementFormat f) {
        if (f == FloatFormat.E2M1 && (kind == MmaKind.MXF4 || kind == MmaKind.MXF4NVF4)) {
            return 4;
        }
        return Math.max(8, f.storageBits());
    }

    /** Bit address of element i of row r in a K-major tile at {@code start} (isa.md §3.3–3.6, written out here). */
    long smemBit(int start, ElementFormat f, int r, int i) {
        boolean b = start == B_SMEM;
        if (b ? mnB : mnA) {
            // MN-major, no swizzle (isa.md §3.4): T = 128 / bits elements of consecutive rows per 16 bytes,
            // k rows 16 bytes apart, LBO = 128 between groups of 8 k, SBO = 16 k between groups of T rows
            int w = f.storageBits();
            int t = 128 / w;
            long addr = start + (long) (r / t) * 16L * k + (i % 8) * 16L + (i / 8) * 128L;
            return addr * 8 + (r % t) * w;
        }
        int perChunk;
        int bitsInChunk;
        if (f == FloatFormat.E2M1 && slotBits(f) == 4) {
            perChunk = 32;
            bitsInChunk = (i % 32) * 4;
        } else if (f == FloatFormat.E2M1) {
            perChunk = 16;                       // 8 bytes of nibbles, 8 bytes of padding
            bitsInChunk = (i % 16) * 4;
        } else if (f == FloatFormat.E2M3 || f == FloatFormat.E3M2) {
            perChunk = 16;                       // 12 bytes of 6-bit codes, 4 bytes of padding
            bitsInChunk = (i % 16) * 6;
        } else {
            int w = f.storageBits();
            perChunk = 128 / w;
            bitsInChunk = (i % perChunk) * w;
        }
        int chunk = i / perChunk;
        long addr;
        if (sw128) {
            addr = start + (r % 8) * 128L + (r / 8) * 1024L + chunk * 16L;
            addr ^= ((addr >>> 7) & 7) << 4;
        } else {
            addr = start + (r % 8) * 16L + (r / 8) * 256L + chunk * 128L;   // LBO 128, SBO 256
        }
        return addr * 8 + bitsInChunk;
    }

    long desc(int start) {
        if (start == B_SMEM ? mnB : mnA) {
            return new SmemDescriptor(start, 128, 16 * k, 0, false, Swizzle.NONE).encode();
        }
        return sw128 ? new SmemDescriptor(start, 16, 1024, 0, false, Swizzle.B128).encode()
                : new SmemDescriptor(start, 128, 256, 0, false, Swizzle.NONE).encode();
    }

    int fieldBits(ElementFormat f) {
        return f == FloatFormat.TF32 ? 32 : f.storageBits();
    }

    /** D element (m, n) of the whole problem: {cta, lane, column} (isa.md §5.1). */
    int[] dAt(int row, int col) {
        if (ws) {
            if (m == 128) {
                return new int[] {0, row, col};                                        // layout D
            }
            if (m == 64) {
                return new int[] {0, row + (col >= n / 2 ? 64 : 0), col % (n / 2)};   // layout E
            }
            return new int[] {0, row + 32 * (col / (n / 4)), col % (n / 4)};          // layout G
        }
        if (g == 1) {
            if (m == 128) {
                return new int[] {0, row, col};
            }
            return new int[] {0, dLane + (row & 15) + 32 * (row >> 4), col};   // layout F
        }
        if (m == 256) {
            return new int[] {row / 128, row % 128, col};                     // layout A
        }
        return new int[] {row / 64, row % 64 + (col >= n / 2 ? 64 : 0), col % (n / 2)};   // layout B
    }

    /** Lane of A row (local) in TMEM: the lane of its D for column half 0. */
    int aLane(int row) {
        return dAt(row, 0)[1];
    }

    int idesc() {
        boolean bs = kind.blockScaled();
        return new InstrDescriptor(kind, 0, false, false, bs ? FloatFormat.F32 : df, af, bf, false, false, mnA, mnB, n, m, 0,
                bs ? sf : null, sfaId, sfbId, false).encode();
    }

    MmaOp op() {
        int[] mask = disable == null ? null : disable.clone();
        return new MmaOp(arch, kind, g, kind.blockScaled() ? block : 0, ws, false, dLane << 16, aFromTmem,
                aFromTmem ? (dLane << 16 | A_COL) : desc(A_SMEM), desc(B_SMEM), idesc(),
                kind.blockScaled() ? SFA_COL : 0, kind.blockScaled() ? SFB_COL : 0, 0, enableInputD, scaleInputD, mask);
    }

    // ---------------------------------------------------------------------------------- placement

    /** Fresh memories with everything placed; TMEM cells that carry nothing hold random bits. */
    void place(long poisonSeed) {
        SplittableRandom p = new SplittableRandom(poisonSeed);
        tmem = new TensorMemory[g];
        smem = new SharedMemory[g];
        for (int v = 0; v < g; v++) {
            tmem[v] = new TensorMemory();
            tmem[v].alloc(512);
            for (int lane = 0; lane < 128; lane++) {
                for (int col = 0; col < 512; col++) {
                    tmem[v].write("st", lane, col, p.nextInt());
                }
            }
            smem[v] = new SharedMemory(SharedMemory.MAX_BYTES);
            byte[] junk = new byte[SharedMemory.MAX_BYTES];
            p.nextBytes(junk);
            smem[v].write(0, junk);
        }
        int rowsPer = m / g;
        int colsPer = n / g;
        for (int row = 0; row < m; row++) {
            int v = row / rowsPer;
            int local = row % rowsPer;
            for (int i = 0; i < k; i++) {
                if (aFromTmem) {
                    writeTmemA(v, local, i, a[row][i]);
                } else {
                    smem[v].writeBits(smemBit(A_SMEM, af, local, i), fieldBits(af), a[row][i]);
                }
            }
        }
        for (int col = 0; col < n; col++) {
            for (int i = 0; i < k; i++) {
                smem[col / colsPer].writeBits(smemBit(B_SMEM, bf, col % colsPer, i), fieldBits(bf), b[col][i]);
            }
        }
        cCell = new int[m][n];
        for (int row = 0; row < m; row++) {
            for (int col = 0; col < n; col++) {
                int[] at = dAt(row, col);
                cCell[row][col] = df == FloatFormat.F16 ? p.nextInt() << 16 | c[row][col] : c[row][col];
                tmem[at[0]].write("st", at[1], at[2], cCell[row][col]);
            }
        }
        if (blocks > 0) {
            placeScales();
        }
    }

    private void writeTmemA(int v, int local, int i, int code) {
        int w = slotBits(af);
        int container = code;
        if (w == 8 && af == FloatFormat.E2M1 && !fp4LowBits) {
            container = code << 2;               // e2m1 in bits 2..5 (the mma.sync position)
        }
        int bit = i * w;
        int lane = aLane(local);
        int col = A_COL + bit / 32;
        int old = tmem[v].read("ld", lane, col);
        int mask = w == 32 ? -1 : ((1 << w) - 1) << (bit % 32);
        tmem[v].write("st", lane, col, (old & ~mask) | ((container << (bit % 32)) & mask));
    }

    private void setByte(int v, int lane, int col, int byteIdx, int value) {
        int old = tmem[v].read("ld", lane, col);
        tmem[v].write("st", lane, col, (old & ~(0xFF << 8 * byteIdx)) | (value & 0xFF) << 8 * byteIdx);
    }

    private void placeScales() {
        int rowsPer = m / g;
        for (int row = 0; row < m; row++) {
            int v = row / rowsPer;
            int local = row % rowsPer;
            for (int j = 0; j < blocks; j++) {
                for (int p = 0; p < 4; p++) {
                    setByte(v, local % 32 + 32 * p, SFA_COL + local / 32, sfaId + j, sfa[row][j]);
                }
            }
        }
        for (int col = 0; col < n; col++) {
            for (int v = 0; v < g; v++) {
                if (sfbOwnerOnly && col / (n / g) != v) {
                    continue;
                }
                for (int j = 0; j < blocks; j++) {
                    if (g == 2 && m == 128) {
                        // 2x2 "duplicated" layout: half h in lanes 64h.., column n' / 32
                        int h = col >= n / 2 ? 1 : 0;
                        int np = col % (n / 2);
                        for (int p = 0; p < 2; p++) {
                            setByte(v, np % 32 + 32 * p + 64 * h, SFB_COL + np / 32, sfbId + j, sfb[col][j]);
                        }
                    } else {
                        for (int p = 0; p < 4; p++) {
                            setByte(v, col % 32 + 32 * p, SFB_COL + col / 32, sfbId + j, sfb[col][j]);
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------- expectation

    private byte[] image(ElementFormat f, int[] codes, int w) {
        byte[] img = new byte[(codes.length * w + 7) / 8];
        for (int i = 0; i < codes.length; i++) {
            for (int bit = 0; bit < w && bit < 32; bit++) {
                if (((codes[i] >>> bit) & 1) != 0) {
                    img[(i * w + bit) >>> 3] |= (byte) (1 << ((i * w + bit) & 7));
                }
            }
        }
        return img;
    }

    /** D of the whole problem from the plain arrays and the datapath (row-major M × N bit patterns). */
    int[][] expected() throws Exception {
        MmaVariant v = new MmaVariant(arch, InstructionFamily.TCGEN05_MMA, kind, af, bf, df, df, k,
                kind.blockScaled() ? sf : null, kind.blockScaled() ? block : 0, false);
        ElementMma e = Datapaths.forVariant(v, Assumptions.DEFAULTS, new MmaModifiers(false, false, scaleInputD));
        int wa = v.elementBits(af);
        int wb = v.elementBits(bf);
        int[][] out = new int[m][n];
        for (int row = 0; row < m; row++) {
            byte[] ai = image(af, a[row], wa);
            byte[] sa = new byte[blocks];
            for (int j = 0; j < blocks; j++) {
                sa[j] = (byte) sfa[row][j];
            }
            for (int col = 0; col < n; col++) {
                byte[] sb = new byte[blocks];
                for (int j = 0; j < blocks; j++) {
                    sb[j] = (byte) sfb[col][j];
                }
                out[row][col] = e.compute(ai, image(bf, b[col], wb), sa, sb, enableInputD ? c[row][col] : 0, k);
            }
        }
        return out;
    }

    boolean disabled(int cta, int lane) {
        if (disable == null) {
            return false;
        }
        int bit = 128 * cta + lane;
        return ((disable[bit / 32] >>> (bit % 32)) & 1) != 0;
    }

    int readD(int row, int col) {
        int[] at = dAt(row, col);
        return tmem[at[0]].read("ld", at[1], at[2]);
    }
}
