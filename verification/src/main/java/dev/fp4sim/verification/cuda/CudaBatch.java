package dev.fp4sim.verification.cuda;

import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.format.IntFormat;
import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaVariant;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The batch files the CUDA programs read and the result files they write (docs/cuda.md, "Batch
 * format"; the C++ side is {@code verification/cuda/fp4sim_batch.cuh}). Operand images are the
 * golden-vector images, so a case goes to the GPU exactly as it would go into a golden file.
 */
public final class CudaBatch {

    public static final int HEADER_BYTES = 64;
    public static final int VERSION = 1;

    /** Header flag: the first instruction of every chain runs with enable-input-d = false. */
    public static final int FLAG_FIRST_DISABLE_INPUT_D = 1;
    public static final int FLAG_NEGATE_A = 2;
    public static final int FLAG_NEGATE_B = 4;

    private CudaBatch() {
    }

    /** One D element to compute: golden-layout images, scale bytes (empty if unscaled), C bits. */
    public record Case(byte[] a, byte[] b, byte[] sfa, byte[] sfb, int c) {
    }

    /**
     * Per-batch options beyond the variant.
     *
     * @param flags            {@code FLAG_*} bits
     * @param fracBitsOverride emulate only: F instead of the spec's value (0 = the spec's)
     * @param eZeroOverride    emulate only: e_zero instead of the spec's value (0 = the spec's)
     */
    public record Options(int flags, int fracBitsOverride, int eZeroOverride) {
        public static final Options NONE = new Options(0, 0, 0);
    }

    /** The format code of the header (fp4sim_batch.cuh enum Fmt). */
    public static int formatCode(ElementFormat f) {
        if (f == null) {
            return 0;
        }
        if (f instanceof FloatFormat ff) {
            return switch (ff) {
                case E2M1 -> 1;
                case E2M3 -> 2;
                case E3M2 -> 3;
                case E4M3 -> 4;
                case E5M2 -> 5;
                case F16 -> 6;
                case BF16 -> 7;
                case TF32 -> 8;
                case F32 -> 9;
                case UE4M3 -> 10;
                case UE8M0 -> 11;
                default -> throw new IllegalArgumentException("no batch code for " + f.ptxName());
            };
        }
        IntFormat i = (IntFormat) f;
        return switch (i) {
            case S8 -> 12;
            case U8 -> 13;
            case S32 -> 14;
            default -> throw new IllegalArgumentException("no batch code for " + f.ptxName());
        };
    }

    public static int familyCode(InstructionFamily f) {
        return switch (f) {
            case TCGEN05_MMA -> 0;
            case WGMMA -> 1;
            case MMA_SYNC -> 2;
        };
    }

    public static int kindCode(MmaKind k) {
        return switch (k) {
            case F16 -> 0;
            case TF32 -> 1;
            case F8F6F4 -> 2;
            case I8 -> 3;
            case F8 -> 4;
            case MXF8F6F4 -> 5;
            case MXF4 -> 6;
            case MXF4NVF4 -> 7;
        };
    }

    /** Bytes of one case record for a variant at a given k. */
    public static int recordBytes(MmaVariant v, int k) {
        return k * v.elementBits(v.aFormat()) / 8 + k * v.elementBits(v.bFormat()) / 8
                + 2 * (v.scaleFormat() == null ? 0 : k / v.blockSize()) + 4;
    }

    /** Encodes a batch; every case must have the image sizes the variant and k imply. */
    public static byte[] encode(MmaVariant v, int k, Options options, List<Case> cases) {
        if (k <= 0 || k % v.kPerInstruction() != 0) {
            throw new IllegalArgumentException("k = " + k + " is not a positive multiple of " + v.kPerInstruction());
        }
        int aBytes = k * v.elementBits(v.aFormat()) / 8;
        int bBytes = k * v.elementBits(v.bFormat()) / 8;
        int sfBytes = v.scaleFormat() == null ? 0 : k / v.blockSize();
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + cases.size() * recordBytes(v, k)).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(new byte[]{'F', 'P', '4', 'B'});
        buf.putInt(VERSION);
        buf.putInt(familyCode(v.family()));
        buf.putInt(kindCode(v.kind()));
        buf.putInt(formatCode(v.aFormat()));
        buf.putInt(formatCode(v.bFormat()));
        buf.putInt(formatCode(v.cFormat()));
        buf.putInt(formatCode(v.dFormat()));
        buf.putInt(formatCode(v.scaleFormat()));
        buf.putInt(v.scaleFormat() == null ? 0 : v.blockSize());
        buf.putInt(v.kPerInstruction());
        buf.putInt(k);
        buf.putInt(cases.size());
        buf.putInt(options.flags());
        buf.putInt(options.fracBitsOverride());
        buf.putInt(options.eZeroOverride());
        for (Case c : cases) {
            check("a", c.a(), aBytes);
            check("b", c.b(), bBytes);
            check("sfa", c.sfa() == null ? new byte[0] : c.sfa(), sfBytes);
            check("sfb", c.sfb() == null ? new byte[0] : c.sfb(), sfBytes);
            buf.put(c.a()).put(c.b());
            if (sfBytes > 0) {
                buf.put(c.sfa()).put(c.sfb());
            }
            buf.putInt(c.c());
        }
        return buf.array();
    }

    private static void check(String field, byte[] bytes, int expected) {
        if (bytes.length != expected) {
            throw new IllegalArgumentException("case field " + field + " has " + bytes.length + " bytes, the batch needs " + expected);
        }
    }

    /** Decodes a result file: magic "FP4D", version, n, reserved, then n D words. */
    public static int[] decodeResults(byte[] bytes, int expectedCases, String source) throws CudaException {
        if (bytes.length < 16) {
            throw new CudaException(source + ": result file shorter than its 16-byte header");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (buf.get() != 'F' || buf.get() != 'P' || buf.get() != '4' || buf.get() != 'D') {
            throw new CudaException(source + ": not a result file (magic FP4D)");
        }
        int version = buf.getInt();
        int n = buf.getInt();
        buf.getInt();
        if (version != VERSION || n != expectedCases || bytes.length != 16 + 4L * n) {
            throw new CudaException(source + ": result file has version " + version + ", " + n + " cases and "
                    + bytes.length + " bytes; expected version " + VERSION + " and " + expectedCases + " cases");
        }
        int[] d = new int[n];
        for (int i = 0; i < n; i++) {
            d[i] = buf.getInt();
        }
        return d;
    }

    static void write(Path p, byte[] bytes) throws IOException {
        Files.write(p, bytes);
    }
}
