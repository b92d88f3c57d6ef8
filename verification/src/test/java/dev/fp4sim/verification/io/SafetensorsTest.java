package dev.fp4sim.verification.io;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.sim.quant.Fp4Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * safetensors and NVFP4 checkpoints. The fixtures in resources/oracle/checkpoints were written by
 * make_checkpoints.py (NumPy + json + struct, not fp4sim); the expected values are derived by hand
 * from the values that script documents (e2m1 table of isa.md §3.6, e4m3 0x38 = 1, 0x40 = 2, 0x7E = 448,
 * 0x30 = 0.5).
 */
class SafetensorsTest {

    static final String L = "model.layers.0.mlp.down_proj";

    static Path fixture(String name) {
        return Path.of(System.getProperty("fp4sim.root", "..")).toAbsolutePath().normalize()
                .resolve("verification/src/test/resources/oracle/checkpoints").resolve(name);
    }

    @Test
    void modelOptCheckpointWrittenByNumpy() throws Exception {
        Safetensors.Contents c = Safetensors.read(fixture("modelopt_nvfp4.safetensors"));
        assertEquals(Map.of("format", "pt"), c.metadata());
        assertEquals(List.of(L), Nvfp4Checkpoint.layers(c));
        Nvfp4Checkpoint.Weight w = Nvfp4Checkpoint.load(c, "f", L);
        assertEquals(Nvfp4Checkpoint.Dialect.MODELOPT, w.dialect());
        checkValues(w);
        assertEquals(List.of(), w.warnings());
    }

    @Test
    void compressedTensorsStoresTheReciprocal() throws Exception {
        Nvfp4Checkpoint.Weight w = Nvfp4Checkpoint.load(Safetensors.read(fixture("compressed_tensors_nvfp4.safetensors")), "f", L);
        assertEquals(Nvfp4Checkpoint.Dialect.COMPRESSED_TENSORS, w.dialect());
        checkValues(w); // weight_global_scale 4.0 and input_global_scale 8.0 are multipliers: decode 1/4, 1/8
        assertEquals(List.of(), w.warnings());
    }

    private static void checkValues(Nvfp4Checkpoint.Weight w) {
        Fp4Tensor t = w.tensor();
        assertEquals(2, t.rows());
        assertEquals(32, t.cols());
        assertEquals(0.25f, t.globalDecode());
        assertEquals(0.125f, w.inputDecode());
        assertEquals(0.03125f, w.alpha());
        // row 0: code j % 16; block 0 scale 1, block 1 scale 2; global 1/4
        assertEquals(0.125f, t.value(0, 1));        // 0.5 · 1 · 1/4, element 1 = high nibble of byte 0
        assertEquals(1.5f, t.value(0, 7));          // 6 · 1 · 1/4
        assertEquals(-0.25f, t.value(0, 10));       // -1 · 1 · 1/4
        assertEquals(-3f, t.value(0, 31));          // -6 · 2 · 1/4
        assertEquals(0.25f, t.value(0, 17));        // 0.5 · 2 · 1/4
        // row 1: all +6; scales 448 and 0.5
        assertEquals(672f, t.value(1, 0));
        assertEquals(0.75f, t.value(1, 20));
    }

    @Test
    void invertedGlobalScaleIsFlagged() throws Exception {
        Nvfp4Checkpoint.Weight w = Nvfp4Checkpoint.load(Safetensors.read(fixture("inverted_nvfp4.safetensors")), "f", L);
        assertEquals(4096f, w.tensor().globalDecode());
        assertEquals(1, w.warnings().size());
        assertTrue(w.warnings().get(0).contains("weight_global_scale: global scale is plausibly inverted"), w.warnings().get(0));
        assertTrue(Float.isNaN(w.inputDecode()));
    }

    @Test
    void writeReadRoundTripAndModelOptExport(@TempDir Path dir) throws Exception {
        byte[] packed = new byte[2 * 16];
        for (int i = 0; i < packed.length; i++) {
            packed[i] = (byte) (i * 37);
        }
        Fp4Tensor t = new Fp4Tensor(2, 32, 16, FloatFormat.UE4M3, packed, new byte[] {0x38, 0x41, 0x7E, 0x01}, 0.375f);
        Path p = dir.resolve("w.safetensors");
        Safetensors.write(Nvfp4Checkpoint.toModelOpt("layer", t, 2f), Map.of("format", "pt"), p);
        byte[] raw = Files.readAllBytes(p);
        long n = 0;
        for (int i = 7; i >= 0; i--) {
            n = n << 8 | (raw[i] & 0xFF);
        }
        assertEquals(0, n % 8, "header padded to 8 bytes");
        assertEquals(8 + n + 32 + 4 + 4 + 4, raw.length);
        Nvfp4Checkpoint.Weight w = Nvfp4Checkpoint.load(Safetensors.read(p), "w", "layer");
        assertArrayEquals(packed, w.tensor().packed());
        assertArrayEquals(t.scales(), w.tensor().scales());
        assertEquals(0.375f, w.tensor().globalDecode());
        assertEquals(2f, w.inputDecode());
    }

    /** A file built by hand: header JSON, then data. */
    static byte[] file(String json, int dataBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 8; i++) {
            out.write((int) ((long) h.length >>> (8 * i)) & 0xFF);
        }
        out.writeBytes(h);
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    @Test
    void malformedFilesAreOneLineErrorsNamingTheField() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}|4", "x.st: tensor 'x' field 'data_offsets': [0, 8] outside the 4-byte data buffer");
        cases.put("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}|8", "x.st: tensor 'x' field 'data_offsets': 8 bytes, but F32 [3] needs 12");
        cases.put("{\"x\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}|8", "x.st: tensor 'x' field 'dtype': unknown dtype F33");
        cases.put("{\"x\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,1]}}|1", "x.st: tensor 'x' field 'shape'");
        cases.put("{\"x\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"y\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[1,3]}}|3",
                "x.st: tensor 'y' field 'data_offsets': overlaps another tensor at byte 1");
        cases.put("{\"x\":{\"dtype\":\"U8\",\"shape\":[2]}}|2", "x.st: tensor 'x' field 'data_offsets': missing");
        cases.put("{\"__metadata__\":{\"a\":1}}|0", "x.st: __metadata__.a: values must be strings");
        cases.put("{\"x\":|0", "x.st: header: not valid JSON");
        for (Map.Entry<String, String> e : cases.entrySet()) {
            String[] parts = e.getKey().split("\\|");
            SafetensorsFormatException ex = assertThrows(SafetensorsFormatException.class,
                    () -> Safetensors.parse("x.st", file(parts[0], Integer.parseInt(parts[1]))), parts[0]);
            assertTrue(ex.getMessage().startsWith(e.getValue()), ex.getMessage());
            assertEquals(1, ex.getMessage().lines().count());
        }
        SafetensorsFormatException bad = assertThrows(SafetensorsFormatException.class,
                () -> Safetensors.parse("x.st", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0}));
        assertTrue(bad.getMessage().startsWith("x.st: header length:"), bad.getMessage());
    }

    @Test
    void checkpointErrorsNameTheTensor() throws Exception {
        Safetensors.Contents c = Safetensors.read(fixture("modelopt_nvfp4.safetensors"));
        var ex = assertThrows(SafetensorsFormatException.class, () -> Nvfp4Checkpoint.load(c, "m.st", "model.layers.1.mlp.down_proj"));
        assertTrue(ex.getMessage().startsWith("m.st: tensor 'model.layers.1.mlp.down_proj.weight': missing"), ex.getMessage());
        Map<String, SafeTensor> ts = new LinkedHashMap<>(c.tensors());
        ts.put(L + ".weight_scale", new SafeTensor("U8", new long[] {2, 2}, new byte[4]));
        var ex2 = assertThrows(SafetensorsFormatException.class, () -> Nvfp4Checkpoint.load(new Safetensors.Contents(ts, Map.of()), "m.st", L));
        assertEquals("m.st: tensor '" + L + ".weight_scale' field 'dtype': expected F8_E4M3, found U8", ex2.getMessage());
    }
}
