package dev.fp4sim.verification.io;

import java.util.Arrays;
import java.util.Locale;

/**
 * One tensor of a safetensors file: its dtype tag as written in the header ({@code U8}, {@code F8_E4M3},
 * {@code F32}, ...), its shape, and its bytes exactly as stored (little-endian, row-major; ecosystem.md §2.1).
 */
public record SafeTensor(String dtype, long[] shape, byte[] data) {

    /** Bytes per element of a dtype tag; 0 for {@code F4} (two elements per byte), -1 if unknown. */
    public static int itemSize(String dtype) {
        return switch (dtype) {
            case "BOOL", "U8", "I8", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ" -> 1;
            case "U16", "I16", "F16", "BF16" -> 2;
            case "U32", "I32", "F32" -> 4;
            case "U64", "I64", "F64", "C64" -> 8;
            case "F4" -> 0;
            default -> -1;
        };
    }

    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Stored bytes a tensor of this dtype and shape occupies. */
    public static long byteSize(String dtype, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        int item = itemSize(dtype);
        return item == 0 ? (n + 1) / 2 : n * item;
    }

    /**
     * The same tensor as an {@link NpyArray}: 1-byte dtypes (U8, I8 and the float8 formats, whose format is
     * the tag) become uint8 bytes, F16/F32/F64 floats, BF16 the 'V2' kind {@link NpyArray#floats(boolean)}
     * reads with {@code bf16 = true}. F4 (two elements per byte) is given as its packed bytes, shape with
     * the last dimension halved, the layout ModelOpt's U8 weights use.
     */
    public NpyArray toNpy() {
        return switch (dtype) {
            case "U8", "BOOL", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ" -> new NpyArray('u', 1, shape, data);
            case "I8" -> new NpyArray('i', 1, shape, data);
            case "F16" -> new NpyArray('f', 2, shape, data);
            case "BF16" -> new NpyArray('V', 2, shape, data);
            case "F32" -> new NpyArray('f', 4, shape, data);
            case "F64" -> new NpyArray('f', 8, shape, data);
            case "I32" -> new NpyArray('i', 4, shape, data);
            case "U32" -> new NpyArray('u', 4, shape, data);
            case "F4" -> {
                long[] s = shape.length == 0 ? new long[] {1} : shape.clone();
                s[s.length - 1] = (s[s.length - 1] + 1) / 2;
                yield new NpyArray('u', 1, s, data);
            }
            default -> throw new IllegalArgumentException("dtype " + dtype + " has no .npy equivalent here");
        };
    }

    /** float32 values of an F32 / F16 / BF16 tensor. */
    public float[] floats() {
        return toNpy().floats(dtype.equals("BF16"));
    }

    public String describe() {
        return dtype.toLowerCase(Locale.ROOT) + " " + Arrays.toString(shape);
    }
}
