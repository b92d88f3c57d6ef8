package dev.fp4sim.verification.io;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.sim.quant.Fp4Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * NVFP4 weights of a quantised checkpoint, in either dialect (ecosystem.md §2.2), as the canonical
 * {@link Fp4Tensor} (value = e2m1 · block scale · globalDecode):
 * <ul>
 * <li>ModelOpt: {@code <layer>.weight} U8 [out, in/2] (element 2j in the low nibble),
 *     {@code <layer>.weight_scale} F8_E4M3 [out, in/16] linear, {@code <layer>.weight_scale_2} F32 = amax/(6·448)
 *     (a <em>decode</em> scale; the max over fused shards is taken, as vLLM does), {@code <layer>.input_scale}
 *     F32 = act_amax/(6·448). GEMM alpha = input_scale · weight_scale_2.</li>
 * <li>compressed-tensors ({@code nvfp4-pack-quantized}): {@code weight_packed}, {@code weight_scale},
 *     {@code weight_global_scale} and {@code input_global_scale}, the global scales stored as the
 *     quantisation <em>multiplier</em> (the reciprocal of ModelOpt's).</li>
 * </ul>
 */
public final class Nvfp4Checkpoint {

    /** E4M3's largest finite value times E2M1's: a block at the tensor's amax gets scale 448. */
    public static final float FP4_TIMES_FP8_MAX = 6f * 448f;

    public enum Dialect { MODELOPT, COMPRESSED_TENSORS }

    /**
     * One imported weight.
     *
     * @param inputDecode the activation's global decode scale (input_scale, or 1/input_global_scale); NaN if absent
     * @param warnings    e.g. a global scale that is plausibly inverted
     */
    public record Weight(String layer, Dialect dialect, Fp4Tensor tensor, float inputDecode, List<String> warnings) {

        /** The f32 GEMM epilogue multiplier alpha = input decode · weight decode (vLLM's alpha). */
        public float alpha() {
            return inputDecode * tensor.globalDecode();
        }
    }

    private Nvfp4Checkpoint() {
    }

    /** Layers holding NVFP4 weights (names with a {@code .weight_scale} and a packed weight). */
    public static List<String> layers(Safetensors.Contents c) {
        List<String> out = new ArrayList<>();
        for (String name : c.tensors().keySet()) {
            if (name.endsWith(".weight_scale")) {
                String layer = name.substring(0, name.length() - ".weight_scale".length());
                if (c.get(layer + ".weight") != null || c.get(layer + ".weight_packed") != null) {
                    out.add(layer);
                }
            }
        }
        return out;
    }

    public static Weight load(Safetensors.Contents c, String file, String layer) throws SafetensorsFormatException {
        boolean ct = c.get(layer + ".weight_packed") != null;
        Dialect dialect = ct ? Dialect.COMPRESSED_TENSORS : Dialect.MODELOPT;
        String codesName = layer + (ct ? ".weight_packed" : ".weight");
        SafeTensor codes = require(c, file, codesName, "U8");
        SafeTensor scales = require(c, file, layer + ".weight_scale", "F8_E4M3");
        SafeTensor global = require(c, file, layer + (ct ? ".weight_global_scale" : ".weight_scale_2"), "F32");
        if (codes.shape().length != 2 || scales.shape().length != 2) {
            throw new SafetensorsFormatException(file + ": tensor '" + codesName + "' field 'shape': expected 2-D weight and scales, found "
                    + codes.describe() + " and " + scales.describe());
        }
        int rows = (int) codes.shape()[0];
        int cols = (int) codes.shape()[1] * 2;
        if (scales.shape()[0] != rows || scales.shape()[1] * 16 != cols) {
            throw new SafetensorsFormatException(file + ": tensor '" + layer + ".weight_scale' field 'shape': " + scales.describe()
                    + " does not give one scale per 16 elements of " + codesName + " " + codes.describe() + " (in = " + cols + ")");
        }
        float weightDecode = decode(global, ct, file, layer + (ct ? ".weight_global_scale" : ".weight_scale_2"));
        SafeTensor in = c.get(layer + (ct ? ".input_global_scale" : ".input_scale"));
        float inputDecode = in == null ? Float.NaN : decode(in, ct, file, layer + (ct ? ".input_global_scale" : ".input_scale"));
        Fp4Tensor t = new Fp4Tensor(rows, cols, 16, FloatFormat.UE4M3, codes.data(), scales.data(), weightDecode);
        List<String> warnings = new ArrayList<>();
        String w = invertedWarning(t, layer + (ct ? ".weight_global_scale" : ".weight_scale_2"), ct);
        if (w != null) {
            warnings.add(w);
        }
        return new Weight(layer, dialect, t, inputDecode, List.copyOf(warnings));
    }

    /** The decode scale of a global-scale tensor: max over shards of the stored value (ModelOpt) or of its reciprocal (compressed-tensors). */
    private static float decode(SafeTensor s, boolean reciprocal, String file, String name) throws SafetensorsFormatException {
        float[] v = s.floats();
        if (v.length == 0) {
            throw new SafetensorsFormatException(file + ": tensor '" + name + "' field 'shape': empty");
        }
        float best = 0;
        for (float x : v) {
            if (!(x > 0) || Float.isInfinite(x)) {
                throw new SafetensorsFormatException(file + ": tensor '" + name + "': global scale " + x + " is not a positive finite number");
            }
            best = Math.max(best, reciprocal ? 1f / x : x);
        }
        return best;
    }

    /**
     * A decode global scale g makes the block at the tensor's amax carry scale ≤ 448, so the implied
     * amax is 6 · max(block scale) · g. Weights with an implied amax above 6 · 448 = 2688 while the
     * reciprocal reading gives one below it are far more likely an inverted scale (the compressed-tensors
     * multiplier read as ModelOpt's divisor, or the reverse) than real data (ecosystem.md §2.2, §3).
     */
    static String invertedWarning(Fp4Tensor t, String name, boolean storedAsMultiplier) {
        double maxScale = 0;
        for (byte b : t.scales()) {
            double s = FloatFormat.UE4M3.toDouble(b & 0x7F);
            if (Double.isFinite(s)) {
                maxScale = Math.max(maxScale, s);
            }
        }
        double g = t.globalDecode();
        double implied = 6 * maxScale * g;
        double reciprocal = 6 * maxScale / g;
        if (maxScale > 0 && implied > FP4_TIMES_FP8_MAX && reciprocal <= FP4_TIMES_FP8_MAX) {
            return String.format(Locale.ROOT, "%s: global scale is plausibly inverted: read as a %s it implies |w| up to %.4g,"
                            + " its reciprocal %.4g (checkpoint from the other dialect? ModelOpt stores amax/2688, compressed-tensors 2688/amax)",
                    name, storedAsMultiplier ? "multiplier" : "divisor", implied, reciprocal);
        }
        return null;
    }

    /** The ModelOpt tensors of one NVFP4 weight ({@code weight}, {@code weight_scale}, {@code weight_scale_2}[, {@code input_scale}]). */
    public static Map<String, SafeTensor> toModelOpt(String layer, Fp4Tensor t, Float inputScale) {
        if (t.blockSize() != 16 || t.scaleFormat() != FloatFormat.UE4M3) {
            throw new IllegalArgumentException("ModelOpt NVFP4 checkpoints hold ue4m3 scales per 16 elements, not " + t.blockSize());
        }
        Map<String, SafeTensor> m = new LinkedHashMap<>();
        m.put(layer + ".weight", new SafeTensor("U8", new long[] {t.rows(), t.cols() / 2}, t.packed().clone()));
        m.put(layer + ".weight_scale", new SafeTensor("F8_E4M3", new long[] {t.rows(), t.cols() / 16}, t.scales().clone()));
        m.put(layer + ".weight_scale_2", new SafeTensor("F32", new long[] {}, f32(t.globalDecode())));
        if (inputScale != null) {
            m.put(layer + ".input_scale", new SafeTensor("F32", new long[] {}, f32(inputScale)));
        }
        return m;
    }

    private static byte[] f32(float v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array();
    }

    private static SafeTensor require(Safetensors.Contents c, String file, String name, String dtype) throws SafetensorsFormatException {
        SafeTensor t = c.get(name);
        if (t == null) {
            throw new SafetensorsFormatException(file + ": tensor '" + name + "': missing (an NVFP4 layer needs weight, weight_scale and "
                    + "weight_scale_2 [ModelOpt] or weight_packed, weight_scale and weight_global_scale [compressed-tensors])");
        }
        if (!t.dtype().equals(dtype)) {
            throw new SafetensorsFormatException(file + ": tensor '" + name + "' field 'dtype': expected " + dtype + ", found " + t.dtype());
        }
        return t;
    }
}
