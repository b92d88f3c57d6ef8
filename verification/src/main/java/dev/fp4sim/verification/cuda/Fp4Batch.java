package dev.fp4sim.verification.cuda;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes the FP4B batch format of verification/cuda/fp4batch.h (docs/cuda.md). */
public final class Fp4Batch {

    /** BatchKind codes of fp4batch.h. */
    public enum Kind {
        MXF4NVF4_UE4M3_B16(0), MXF4NVF4_UE8M0_B16(1), MXF4_UE8M0_B32(2),
        F16_F16_F32(10), BF16_BF16_F32(11), F16_F16_F16(12), TF32_TF32_F32(13),
        E4M3_E4M3_F32(14), E5M2_E5M2_F32(15), E4M3_E5M2_F32(16);

        final int code;

        Kind(int code) {
            this.code = code;
        }
    }

    /** One case: operand images in the golden-vector layout, scale bytes (or empty), C bits. */
    public record Case(byte[] a, byte[] b, byte[] sfa, byte[] sfb, int c) {
    }

    /** Datapath parameters for the unscaled kinds: F, L, e_zero, rounding (0 RZ-f32, 1 RZ-e8m13, 2 RNE-f16). */
    public record Params(int fracBits, int chunk, int eZero, int rounding) {
        public static final Params NONE = new Params(0, 0, 0, 0);
    }

    private Fp4Batch() {
    }

    public static void write(Path file, Kind kind, int k, Params p, List<Case> cases) throws IOException {
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        Case first = cases.get(0);
        int rec = first.a().length + first.b().length + 2 * first.sfa().length + 4;
        ByteBuffer b = ByteBuffer.allocate(48 + rec * cases.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'F', 'P', '4', 'B'}).putInt(1).putInt(kind.code).putInt(cases.size()).putInt(k)
                .putInt(first.a().length).putInt(first.b().length).putInt(first.sfa().length)
                .putInt(p.fracBits()).putInt(p.chunk()).putInt(p.eZero()).putInt(p.rounding());
        for (Case c : cases) {
            if (c.a().length != first.a().length || c.b().length != first.b().length || c.sfa().length != first.sfa().length) {
                throw new IllegalArgumentException("all cases of a batch have the same K");
            }
            b.put(c.a()).put(c.b()).put(c.sfa()).put(c.sfb()).putInt(c.c());
        }
        Files.write(file, b.array());
    }
}
