package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.layout.TiledScaleLayout;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaVariant;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.gemm.Fp4Operands;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.gemm.ReferenceFp4Gemm;
import dev.fp4sim.sim.mma.Datapaths;
import dev.fp4sim.sim.mma.ElementMma;
import dev.fp4sim.sim.mma.UnsupportedVariantException;
import dev.fp4sim.sim.profile.Assumptions;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A GEMM D = A·Bᵀ as an example kernel sees it in global memory: A (M × K) and B (N × K) K-major
 * (packed FP4: element 2i in the low nibble; FP8: one byte per element), scale factors in the
 * cuBLAS 128x4 tiled layout (isa.md §6), D f32 row-major. {@link #reference} computes the expected
 * D with the datapath GEMM, independently of the machine.
 */
public record GemmProblem(Format format, int m, int n, int k, byte[] a, byte[] b, byte[] sfaRows, byte[] sfbRows) {

    /** The operand formats of the example kernels. */
    public enum Format {
        NVFP4(MmaKind.MXF4NVF4, FloatFormat.E2M1, FloatFormat.UE4M3, 16),
        MXFP4(MmaKind.MXF4, FloatFormat.E2M1, FloatFormat.UE8M0, 32),
        FP8(MmaKind.F8F6F4, FloatFormat.E4M3, null, 0);

        public final MmaKind kind;
        public final FloatFormat element;
        public final FloatFormat scale;
        public final int block;

        Format(MmaKind kind, FloatFormat element, FloatFormat scale, int block) {
            this.kind = kind;
            this.element = element;
            this.scale = scale;
            this.block = block;
        }

        public int bitsPerElement() {
            return element.storageBits() <= 4 ? 4 : 8;
        }

        public static Format parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("format '" + s + "': nvfp4, mxfp4 or fp8");
            }
        }
    }

    public int rowBytes() {
        return k * format.bitsPerElement() / 8;
    }

    public int kBlocks() {
        return format.block == 0 ? 0 : k / format.block;
    }

    /**
     * Random operands: every FP4/FP8 code (NaN codes of e4m3 excluded so D stays comparable),
     * scale factors drawn from a range that keeps the products in normal f32 range.
     */
    public static GemmProblem random(Format f, int m, int n, int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int rowBytes = k * f.bitsPerElement() / 8;
        byte[] a = new byte[m * rowBytes];
        byte[] b = new byte[n * rowBytes];
        r.nextBytes(a);
        r.nextBytes(b);
        if (f == Format.FP8) {
            for (byte[] x : new byte[][] {a, b}) {
                for (int i = 0; i < x.length; i++) {
                    if ((x[i] & 0x7F) == 0x7F) {
                        x[i] ^= 1;   // 0x7F/0xFF are e4m3's NaN
                    }
                }
            }
        }
        byte[] sfa = new byte[f.block == 0 ? 0 : m * (k / f.block)];
        byte[] sfb = new byte[f.block == 0 ? 0 : n * (k / f.block)];
        for (byte[] s : new byte[][] {sfa, sfb}) {
            for (int i = 0; i < s.length; i++) {
                s[i] = (byte) (f.scale == FloatFormat.UE4M3 ? 0x28 + r.nextInt(0x30) : 120 + r.nextInt(16));
            }
        }
        return new GemmProblem(f, m, n, k, a, b, sfa, sfb);
    }

    /** Scale factors of A (or B) in the 128x4 tiled layout the kernels load with one copy per 512-byte atom. */
    public byte[] tiledScales(boolean ofA) {
        int rows = ofA ? m : n;
        byte[] lin = ofA ? sfaRows : sfbRows;
        TiledScaleLayout t = new TiledScaleLayout(rows, kBlocks());
        byte[] out = new byte[t.sizeBytes()];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < kBlocks(); j++) {
                out[t.offset(r, j)] = lin[r * kBlocks() + j];
            }
        }
        return out;
    }

    /** D (f32 bits, M × N row-major) from the datapath GEMM: K/K_instr chained instructions per element, C = +0. */
    public int[] reference(Assumptions assumptions, int threads, Progress progress) {
        if (format != Format.FP8) {
            BlockScaledFp4 unit = new BlockScaledFp4(format.scale, format.block, assumptions.blockScaled("blackwell", 35, -139));
            return ReferenceFp4Gemm.run(unit, new Fp4Operands(m, n, k, format.block, a, b, sfaRows, sfbRows, new int[m * n]), threads, progress);
        }
        ElementMma mma;
        try {
            mma = Datapaths.forVariant(new MmaVariant("sm_100a", MmaKind.F8F6F4, FloatFormat.E4M3, FloatFormat.E4M3, FloatFormat.F32, FloatFormat.F32, 32, null, 0),
                    assumptions, new dev.fp4sim.isa.mma.MmaModifiers(false, false, 0));
        } catch (UnsupportedVariantException e) {
            throw new IllegalStateException(e);
        }
        int[] d = new int[m * n];
        byte[] ai = new byte[32];
        byte[] bi = new byte[32];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int c = 0;
                for (int kk = 0; kk < k; kk += 32) {
                    System.arraycopy(a, i * k + kk, ai, 0, 32);
                    System.arraycopy(b, j * k + kk, bi, 0, 32);
                    c = mma.compute(ai, bi, new byte[0], new byte[0], c, 32);
                }
                d[i * n + j] = c;
            }
            progress.update(i + 1, m);
        }
        return d;
    }
}
