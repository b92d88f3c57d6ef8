package dev.fp4sim.verification.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes safetensors files (ecosystem.md §2.1): an 8-byte little-endian header length N,
 * N bytes of UTF-8 JSON mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}}
 * (offsets relative to the first byte after the header) and an optional string→string
 * {@code "__metadata__"}, then the data. Every check a loader needs is made on read (offsets inside the
 * buffer, sizes matching dtype × shape, no overlap); errors are one line: file, field, reason.
 */
public final class Safetensors {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** safetensors refuses headers above 100 MB; so do we (a corrupt length would otherwise allocate GBs). */
    private static final long MAX_HEADER = 100_000_000L;

    /** The tensors in header order, and the metadata. */
    public record Contents(Map<String, SafeTensor> tensors, Map<String, String> metadata) {

        public SafeTensor get(String name) {
            return tensors.get(name);
        }
    }

    private Safetensors() {
    }

    public static Contents read(Path path) throws SafetensorsFormatException {
        byte[] all;
        try {
            all = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new SafetensorsFormatException(path + ": no such file");
        } catch (IOException e) {
            throw new SafetensorsFormatException(path + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(path.toString(), all);
    }

    static Contents parse(String name, byte[] all) throws SafetensorsFormatException {
        if (all.length < 8) {
            throw new SafetensorsFormatException(name + ": header length: file has " + all.length + " bytes, a safetensors file starts with 8");
        }
        long n = 0;
        for (int i = 7; i >= 0; i--) {
            n = n << 8 | (all[i] & 0xFF);
        }
        if (n < 2 || n > MAX_HEADER || 8 + n > all.length) {
            throw new SafetensorsFormatException(name + ": header length: " + Long.toUnsignedString(n) + " does not fit a file of "
                    + all.length + " bytes (not a safetensors file?)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(name + ": header: not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsFormatException(name + ": header: expected a JSON object of tensors");
        }
        int dataStart = 8 + (int) n;
        long dataLen = all.length - dataStart;
        Map<String, SafeTensor> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        boolean[] used = new boolean[(int) dataLen];
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String t = e.getKey();
            JsonNode v = e.getValue();
            if (t.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw new SafetensorsFormatException(name + ": __metadata__: expected an object of strings");
                }
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        throw new SafetensorsFormatException(name + ": __metadata__." + kv.getKey() + ": values must be strings");
                    }
                    meta.put(kv.getKey(), kv.getValue().asText());
                }
                continue;
            }
            String where = name + ": tensor '" + t + "'";
            JsonNode dt = v.get("dtype");
            if (dt == null || !dt.isTextual()) {
                throw new SafetensorsFormatException(where + " field 'dtype': missing or not a string");
            }
            String dtype = dt.asText();
            if (SafeTensor.itemSize(dtype) < 0) {
                throw new SafetensorsFormatException(where + " field 'dtype': unknown dtype " + dtype);
            }
            JsonNode sh = v.get("shape");
            if (sh == null || !sh.isArray()) {
                throw new SafetensorsFormatException(where + " field 'shape': missing or not a list");
            }
            long[] shape = new long[sh.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!sh.get(i).canConvertToLong() || !sh.get(i).isIntegralNumber() || sh.get(i).asLong() < 0) {
                    throw new SafetensorsFormatException(where + " field 'shape': " + sh + " is not a list of non-negative integers");
                }
                shape[i] = sh.get(i).asLong();
            }
            JsonNode off = v.get("data_offsets");
            if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()) {
                throw new SafetensorsFormatException(where + " field 'data_offsets': missing or not [begin, end]");
            }
            long b = off.get(0).asLong();
            long end = off.get(1).asLong();
            if (b < 0 || end < b || end > dataLen) {
                throw new SafetensorsFormatException(where + " field 'data_offsets': [" + b + ", " + end + "] outside the " + dataLen + "-byte data buffer");
            }
            long want = SafeTensor.byteSize(dtype, shape);
            if (end - b != want) {
                throw new SafetensorsFormatException(where + " field 'data_offsets': " + (end - b) + " bytes, but " + dtype + " "
                        + java.util.Arrays.toString(shape) + " needs " + want);
            }
            for (long i = b; i < end; i++) {
                if (used[(int) i]) {
                    throw new SafetensorsFormatException(where + " field 'data_offsets': overlaps another tensor at byte " + i);
                }
                used[(int) i] = true;
            }
            byte[] data = new byte[(int) want];
            System.arraycopy(all, dataStart + (int) b, data, 0, data.length);
            tensors.put(t, new SafeTensor(dtype, shape, data));
        }
        return new Contents(tensors, meta);
    }

    /** Writes the tensors in the given order, data contiguous, header padded with spaces to a multiple of 8. */
    public static void write(Map<String, SafeTensor> tensors, Map<String, String> metadata, Path path) throws IOException {
        ObjectNode h = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = h.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, SafeTensor> e : tensors.entrySet()) {
            SafeTensor t = e.getValue();
            if (t.data().length != SafeTensor.byteSize(t.dtype(), t.shape())) {
                throw new IllegalArgumentException("tensor " + e.getKey() + ": " + t.data().length + " bytes do not match " + t.describe());
            }
            ObjectNode o = h.putObject(e.getKey());
            o.put("dtype", t.dtype());
            var s = o.putArray("shape");
            for (long d : t.shape()) {
                s.add(d);
            }
            var off = o.putArray("data_offsets");
            off.add(offset);
            off.add(offset + t.data().length);
            offset += t.data().length;
        }
        byte[] json = JSON.writeValueAsString(h).getBytes(StandardCharsets.UTF_8);
        byte[] hb = java.util.Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        java.util.Arrays.fill(hb, json.length, hb.length, (byte) ' ');
        byte[] out = new byte[8 + hb.length + (int) offset];
        long n = hb.length;
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (n >>> (8 * i));
        }
        System.arraycopy(hb, 0, out, 8, hb.length);
        int p = 8 + hb.length;
        for (SafeTensor t : tensors.values()) {
            System.arraycopy(t.data(), 0, out, p, t.data().length);
            p += t.data().length;
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(path, out);
    }
}
