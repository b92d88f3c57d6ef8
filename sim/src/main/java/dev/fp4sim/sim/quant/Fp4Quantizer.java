package dev.fp4sim.sim.quant;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.format.Rounding;

/**
 * Quantises an f32 matrix (rows × cols, row-major) to a {@link Fp4Tensor} with one of the
 * {@link QuantRecipe}s, block by block along the rows (1 × block; {@code tile2d} makes NVFP4 weights
 * share one scale per 16 × 16 tile, TransformerEngine's default for weights). Every step is f32
 * arithmetic in the order the library uses (numerics-sources §4.2–4.6).
 *
 * <p>Non-finite inputs are rejected (IllegalArgumentException naming the index): the libraries give
 * them no defined meaning (an Inf makes TE's global scale 0 and every element 0; torchao returns NaN
 * scales), and a silent result would hide the problem.
 */
public final class Fp4Quantizer {

    private static final FloatFormat E2M1 = FloatFormat.E2M1;
    private static final FloatFormat E4M3 = FloatFormat.E4M3;

    private Fp4Quantizer() {
    }

    /** The amax of the whole tensor (the calibration amax of a per-tensor global scale). */
    public static float amax(float[] x) {
        float m = 0;
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException("element " + i + " is " + x[i] + ": FP4 quantisation needs finite inputs");
            }
            m = Math.max(m, Math.abs(x[i]));
        }
        return m;
    }

    public static Fp4Tensor quantize(float[] x, int rows, int cols, QuantRecipe recipe, boolean tile2d) {
        return quantize(x, rows, cols, recipe, tile2d, amax(x));
    }

    /** With an explicit global amax (a calibrated value; ignored by the MXFP4 recipes). */
    public static Fp4Tensor quantize(float[] x, int rows, int cols, QuantRecipe recipe, boolean tile2d, float globalAmax) {
        if (x.length != rows * cols) {
            throw new IllegalArgumentException("input has " + x.length + " elements, expected " + rows + " x " + cols);
        }
        int block = recipe.blockSize();
        if (cols % block != 0) {
            throw new IllegalArgumentException("columns (" + cols + ") must be a multiple of the block size " + block
                    + " (pad the K dimension first)");
        }
        if (tile2d && (!recipe.nvfp4() || rows % 16 != 0)) {
            throw new IllegalArgumentException("16x16 tiles need an NVFP4 recipe and rows a multiple of 16");
        }
        amax(x);
        int blocksPerRow = cols / block;
        byte[] packed = new byte[rows * cols / 2];
        byte[] scales = new byte[rows * blocksPerRow];
        float sEnc = 2688f / globalAmax;                 // TE: (448 · 6) / amax
        if (globalAmax == 0 || sEnc == 0 || Float.isInfinite(sEnc)) {
            sEnc = globalAmax == 0 || sEnc == 0 ? 1f : Float.MAX_VALUE;
        }
        // ModelOpt / torchao decode-direction scale. An all-zero tensor would make it 0 and every block
        // scale 0/0 = NaN in those libraries; we use 1 instead (documented in docs/oracle.md).
        float scale2 = globalAmax == 0 ? 1f : globalAmax / 2688f;
        float globalDecode = switch (recipe) {
            case NVFP4_TE -> 1f / sEnc;
            case NVFP4_MODELOPT, NVFP4_TORCHAO -> scale2;
            default -> 1f;
        };
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < blocksPerRow; b++) {
                float bAmax = blockAmax(x, rows, cols, r, b, block, tile2d);
                int sCode = scaleCode(recipe, bAmax, sEnc, scale2);
                scales[r * blocksPerRow + b] = (byte) sCode;
                for (int e = 0; e < block; e++) {
                    int c = b * block + e;
                    int code = elementCode(recipe, x[r * cols + c], sCode, sEnc, scale2);
                    int i = r * cols + c;
                    packed[i >>> 1] |= (byte) (code << ((i & 1) << 2));
                }
            }
        }
        return new Fp4Tensor(rows, cols, block, recipe.scaleFormat(), packed, scales, globalDecode);
    }

    private static float blockAmax(float[] x, int rows, int cols, int r, int b, int block, boolean tile2d) {
        float m = 0;
        int r0 = tile2d ? r / 16 * 16 : r;
        int r1 = tile2d ? r0 + 16 : r + 1;
        for (int rr = r0; rr < r1; rr++) {
            for (int e = 0; e < block; e++) {
                m = Math.max(m, Math.abs(x[rr * cols + b * block + e]));
            }
        }
        return m;
    }

    static int scaleCode(QuantRecipe recipe, float bAmax, float sEnc, float scale2) {
        switch (recipe) {
            case NVFP4_TE: {
                float v = Math.min(bAmax * (sEnc * (1f / 6f)), Float.MAX_VALUE);
                return E4M3.encode(v, Rounding.RNE, true) & 0x7F;
            }
            case NVFP4_MODELOPT: {
                if (bAmax == 0) {
                    return 0x38; // 1.0
                }
                int c = E4M3.encode(bAmax / (6f * scale2), Rounding.RNE, false);
                return c == 0xFF || c == 0x7F ? 0x7F : c & 0x7F;
            }
            case NVFP4_TORCHAO: {
                float v = (bAmax / 6f) / scale2;
                v = Math.min(Math.max(v, 0x1p-6f), 448f);
                return E4M3.encode(v, Rounding.RNE, true) & 0x7F;
            }
            case MXFP4_OCP: {
                int e = bAmax == 0 ? -127 : Math.getExponent(bAmax) == Float.MIN_EXPONENT - 1
                        ? floorLog2Subnormal(bAmax) - 2 : Math.getExponent(bAmax) - 2;
                return Math.max(-127, Math.min(127, e)) + 127;
            }
            case MXFP4_RCEIL: {
                float q = bAmax / 6f;
                if (q == 0) {
                    return 0;
                }
                int e = Math.getExponent(q) == Float.MIN_EXPONENT - 1 ? floorLog2Subnormal(q) : Math.getExponent(q);
                if (q != Math.scalb(1f, e)) {
                    e++; // round up to the next power of two (cvt.rp)
                }
                return Math.max(-127, Math.min(127, e)) + 127;
            }
            default:
                throw new AssertionError(recipe);
        }
    }

    private static int floorLog2Subnormal(float v) {
        return 31 - Integer.numberOfLeadingZeros(Float.floatToRawIntBits(v) & 0x7FFFFF) - 149;
    }

    static int elementCode(QuantRecipe recipe, float x, int sCode, float sEnc, float scale2) {
        float scaled;
        switch (recipe) {
            case NVFP4_TE: {
                float sb = (float) FloatFormat.UE4M3.toDouble(sCode);
                float enc = Math.min(1f / (sb * (1f / sEnc)), Float.MAX_VALUE);
                scaled = x * enc;
                break;
            }
            case NVFP4_MODELOPT: {
                float sb = (float) FloatFormat.UE4M3.toDouble(sCode);
                scaled = x / (sb * scale2);
                break;
            }
            case NVFP4_TORCHAO: {
                float sb = (float) FloatFormat.UE4M3.toDouble(sCode);
                scaled = x * ((1f / scale2) / sb);
                break;
            }
            default:
                scaled = x / Math.scalb(1f, sCode - 127);
        }
        if (Float.isNaN(scaled)) {
            scaled = 0; // 0 · Inf from a zero block: the element is zero
        }
        return E2M1.encode(Math.max(-6f, Math.min(6f, scaled)), Rounding.RNE, true);
    }
}
