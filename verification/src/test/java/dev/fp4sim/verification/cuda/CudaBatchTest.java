package dev.fp4sim.verification.cuda;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaVariant;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The batch format byte for byte as docs/cuda.md and fp4sim_batch.cuh define it (offsets written out by hand). */
class CudaBatchTest {

    @Test
    void headerAndRecordLayout() {
        MmaVariant v = new MmaVariant("sm_100a", InstructionFamily.TCGEN05_MMA, MmaKind.MXF4NVF4, FloatFormat.E2M1,
                FloatFormat.E2M1, FloatFormat.F32, FloatFormat.F32, 64, FloatFormat.UE4M3, 16, false);
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        a[0] = 0x21;
        b[31] = (byte) 0xF0;
        byte[] bytes = CudaBatch.encode(v, 64, new CudaBatch.Options(1, 35, -139),
                List.of(new CudaBatch.Case(a, b, new byte[]{0x38, 1, 2, 3}, new byte[]{4, 5, 6, 7}, 0x3F800000)));
        ByteBuffer h = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(64 + 32 + 32 + 4 + 4 + 4, bytes.length);
        assertEquals('F', bytes[0]);
        assertEquals('B', bytes[3]);
        int[] expected = {1, 0, 7, 1, 1, 9, 9, 10, 16, 64, 64, 1, 1, 35, -139}; // version, family ... e_zero
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], h.getInt(4 + 4 * i), "header word at offset " + (4 + 4 * i));
        }
        assertEquals(0x21, bytes[64]);
        assertEquals((byte) 0xF0, bytes[64 + 32 + 31]);
        assertEquals(0x38, bytes[128]);
        assertEquals(7, bytes[135]);
        assertEquals(0x3F800000, h.getInt(136));
    }

    @Test
    void unscaledRecordsHaveNoScaleBytes() {
        MmaVariant v = new MmaVariant("sm_90a", InstructionFamily.WGMMA, MmaKind.F16, FloatFormat.F16, FloatFormat.F16,
                FloatFormat.F16, FloatFormat.F16, 16, null, 0, false);
        assertEquals(32 + 32 + 4, CudaBatch.recordBytes(v, 16));
        byte[] bytes = CudaBatch.encode(v, 32, CudaBatch.Options.NONE, List.of(new CudaBatch.Case(new byte[64], new byte[64], null, null, 0x3C00)));
        assertEquals(64 + 64 + 64 + 4, bytes.length);
        assertEquals(0, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(32)); // scale_fmt none
        assertThrows(IllegalArgumentException.class, () -> CudaBatch.encode(v, 24, CudaBatch.Options.NONE, List.of()));
        assertThrows(IllegalArgumentException.class, () -> CudaBatch.encode(v, 16, CudaBatch.Options.NONE,
                List.of(new CudaBatch.Case(new byte[31], new byte[32], null, null, 0))));
    }

    @Test
    void resultsAreParsedAndCheckedForCount() throws Exception {
        ByteBuffer r = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        r.put(new byte[]{'F', 'P', '4', 'D'}).putInt(1).putInt(2).putInt(0).putInt(0x7FFFFFFF).putInt(-1);
        assertArrayEquals(new int[]{0x7FFFFFFF, -1}, CudaBatch.decodeResults(r.array(), 2, "t"));
        assertThrows(CudaException.class, () -> CudaBatch.decodeResults(r.array(), 3, "t"));
        byte[] bad = r.array().clone();
        bad[3] = 'X';
        assertThrows(CudaException.class, () -> CudaBatch.decodeResults(bad, 2, "t"));
    }
}
