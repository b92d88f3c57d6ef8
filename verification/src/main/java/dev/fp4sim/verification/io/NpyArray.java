package dev.fp4sim.verification.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An n-dimensional array as NumPy's {@code .npy} format holds it (NEP 1 / numpy.lib.format): a dtype
 * (kind character and item size), a shape, and the elements — always held here in C order and
 * little-endian, whatever the file used.
 *
 * @param kind     'u' unsigned int, 'i' signed int, 'f' float, 'b' bool, 'V' raw (e.g. bfloat16 saved by ml_dtypes)
 * @param itemSize bytes per element
 */
public record NpyArray(char kind, int itemSize, long[] shape, byte[] data) {

    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public String dtype() {
        return "" + kind + itemSize;
    }

    public String describe() {
        return dtype() + " " + Arrays.toString(shape);
    }

    public static NpyArray ofFloat32(float[] x, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            b.putFloat(v);
        }
        return new NpyArray('f', 4, shape, b.array());
    }

    public static NpyArray ofUint8(byte[] x, long... shape) {
        return new NpyArray('u', 1, shape, x.clone());
    }

    /** Raw bytes of a 1-byte dtype (uint8/int8/float8 stored as uint8). */
    public byte[] bytes() {
        if (itemSize != 1) {
            throw new IllegalArgumentException("expected a 1-byte dtype (uint8), found " + dtype());
        }
        return data.clone();
    }

    /** Values as float32: float16/32/64 converted exactly or by RNE (float64), bfloat16 if declared ('V2' or 'u2'). */
    public float[] floats(boolean bf16) {
        int n = Math.toIntExact(size());
        float[] out = new float[n];
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            if (kind == 'f' && itemSize == 4) {
                out[i] = b.getFloat(i * 4);
            } else if (kind == 'f' && itemSize == 8) {
                out[i] = (float) b.getDouble(i * 8);
            } else if (kind == 'f' && itemSize == 2 && !bf16) {
                out[i] = (float) dev.fp4sim.isa.format.FloatFormat.F16.toDouble(b.getShort(i * 2) & 0xFFFF);
            } else if (itemSize == 2 && bf16) {
                out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
            } else {
                throw new IllegalArgumentException("expected float16, bfloat16 or float32 data, found " + dtype());
            }
        }
        return out;
    }

    /** Raw 32-bit patterns of a float32 array (bit-exact: no NaN canonicalisation). */
    public int[] float32Bits() {
        if (kind != 'f' || itemSize != 4) {
            throw new IllegalArgumentException("expected float32, found " + dtype());
        }
        int n = Math.toIntExact(size());
        int[] out = new int[n];
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            out[i] = b.getInt(i * 4);
        }
        return out;
    }

    public static NpyArray ofFloat32Bits(int[] bits, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(bits.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : bits) {
            b.putInt(v);
        }
        return new NpyArray('f', 4, shape, b.array());
    }
}
