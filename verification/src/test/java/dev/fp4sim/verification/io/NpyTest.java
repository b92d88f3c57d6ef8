package dev.fp4sim.verification.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** .npy files built byte by byte from the format definition (NEP 1), as numpy.save writes them. */
class NpyTest {

    static byte[] file(String header, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String h = header;
        while ((10 + h.length() + 1) % 64 != 0) {
            h += " ";
        }
        h += "\n";
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length(), 0});
        out.writeBytes(h.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    @Test
    void float32LittleEndianCOrder() throws Exception {
        // 1.0f = 00 00 80 3f, -2.0f = 00 00 00 c0
        byte[] f = file("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }",
                new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0});
        NpyArray a = Npy.parse("x.npy", f);
        assertArrayEquals(new long[] {1, 2}, a.shape());
        assertArrayEquals(new float[] {1f, -2f}, a.floats(false));
    }

    @Test
    void bigEndianFortranOrderFloat16() throws Exception {
        // shape (2, 2), Fortran order: memory holds column 0 then column 1; values [[1, 2], [3, 4]]
        // f16 big-endian: 1.0 = 3c 00, 2.0 = 40 00, 3.0 = 42 00, 4.0 = 44 00
        byte[] f = file("{'descr': '>f2', 'fortran_order': True, 'shape': (2, 2), }",
                new byte[] {0x3c, 0, 0x42, 0, 0x40, 0, 0x44, 0});
        assertArrayEquals(new float[] {1, 2, 3, 4}, Npy.parse("x.npy", f).floats(false));
    }

    @Test
    void uint8AndRoundTrip(@TempDir Path dir) throws Exception {
        NpyArray a = NpyArray.ofUint8(new byte[] {1, 2, 3, (byte) 255, 0, 7}, 2, 3);
        Path p = dir.resolve("a.npy");
        Npy.write(a, p);
        byte[] raw = Files.readAllBytes(p);
        assertEquals(0, (10 + ((raw[8] & 0xFF) | (raw[9] & 0xFF) << 8)) % 64, "header padded to 64 bytes");
        assertTrue(new String(raw, 10, 60, StandardCharsets.ISO_8859_1).startsWith("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }"));
        NpyArray back = Npy.read(p);
        assertArrayEquals(a.data(), back.data());
        assertArrayEquals(new long[] {2, 3}, back.shape());
    }

    @Test
    void malformedFilesGiveOneLineNamingTheField() {
        var e1 = assertThrows(NpyFormatException.class, () -> Npy.parse("bad.npy", "hello world, not npy".getBytes()));
        assertTrue(e1.getMessage().startsWith("bad.npy: not a .npy file"), e1.getMessage());
        var e2 = assertThrows(NpyFormatException.class, () -> Npy.parse("short.npy",
                file("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", new byte[8])));
        assertTrue(e2.getMessage().contains("data: expected 12 bytes"), e2.getMessage());
        var e3 = assertThrows(NpyFormatException.class, () -> Npy.parse("s.npy",
                file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4])));
        assertTrue(e3.getMessage().contains("'descr'"), e3.getMessage());
    }
}
