package dev.fp4sim.sim.quant;

import dev.fp4sim.isa.format.FloatFormat;

/**
 * The one canonical block-scaled FP4 tensor: {@code rows × cols} e2m1 codes packed two per byte
 * along a row (element 2i in the low nibble, isa.md §3.6), one scale byte per block of
 * {@code blockSize} consecutive elements of a row (plain row-major, {@code rows × cols/blockSize}),
 * and a per-tensor global scale with an explicit direction: value = e2m1 · scale · {@code globalDecode}.
 * ModelOpt's {@code weight_scale_2} is a decode scale; TransformerEngine stores the encode scale
 * {@code S_enc = 1/globalDecode} (numerics-sources §4.2–4.4).
 */
public record Fp4Tensor(int rows, int cols, int blockSize, FloatFormat scaleFormat, byte[] packed, byte[] scales,
                        float globalDecode) {

    public Fp4Tensor {
        if (cols % blockSize != 0 || cols % 2 != 0) {
            throw new IllegalArgumentException("columns (" + cols + ") must be a multiple of the block size " + blockSize);
        }
        if (packed.length != rows * cols / 2 || scales.length != rows * (cols / blockSize)) {
            throw new IllegalArgumentException("packed/scales sizes do not match " + rows + " x " + cols);
        }
    }

    public int code(int r, int c) {
        int i = r * cols + c;
        return (packed[i >>> 1] >>> ((i & 1) << 2)) & 0xF;
    }

    public int scaleCode(int r, int c) {
        return scales[r * (cols / blockSize) + c / blockSize] & 0xFF;
    }

    /** Dequantised value in f32 arithmetic: (e2m1 · scale) · globalDecode, each product rounded to nearest even. */
    public float value(int r, int c) {
        float s = (float) scaleFormat.toDouble(scaleCode(r, c));
        float x = (float) FloatFormat.E2M1.toDouble(code(r, c));
        return (x * s) * globalDecode;
    }

    public float[] dequantize() {
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = value(r, c);
            }
        }
        return out;
    }
}
