package dev.fp4sim.verification.golden;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.isa.mma.MmaVariant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Strict reader for golden-vector files (golden-format.md). Every problem becomes one
 * {@link GoldenFormatException} naming the file, the case and the field; nothing else escapes.
 * Unknown fields are reported through the warning sink but do not make a file invalid.
 */
public final class GoldenReader {

    private static final Set<String> DOCUMENT_FIELDS = Set.of("schema", "operation", "arch", "kind", "a_format",
            "b_format", "c_format", "d_format", "k_per_instruction", "scale_format", "block_size", "provenance", "cases");
    private static final Set<String> CASE_FIELDS = Set.of("id", "k", "a", "b", "sfa", "sfb", "c", "d");

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private final Consumer<String> warnings;

    public GoldenReader() {
        this(w -> { });
    }

    /** @param warnings receives one line per non-fatal oddity (unknown fields) */
    public GoldenReader(Consumer<String> warnings) {
        this.warnings = warnings;
    }

    public GoldenFile read(Path path) throws GoldenFormatException {
        String source = path.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new GoldenFormatException(source, null, null, "no such file");
        } catch (IOException e) {
            throw new GoldenFormatException(source, null, null, "cannot read: " + e.getMessage());
        }
        return parse(source, bytes);
    }

    public GoldenFile parse(String source, byte[] json) throws GoldenFormatException {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonParseException e) {
            var loc = e.getLocation();
            throw new GoldenFormatException(source, null, null, "invalid JSON at line " + loc.getLineNr()
                    + ", column " + loc.getColumnNr() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new GoldenFormatException(source, null, null, "invalid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new GoldenFormatException(source, null, null, "the document must be a JSON object");
        }
        warnUnknown(source, null, root, DOCUMENT_FIELDS);
        String schema = text(source, null, root, "schema");
        if (!GoldenFile.SCHEMA.equals(schema)) {
            throw new GoldenFormatException(source, null, "schema", "expected '" + GoldenFile.SCHEMA + "', got '" + schema + "'");
        }
        String operation = text(source, null, root, "operation");
        String arch = text(source, null, root, "arch");
        String kindName = text(source, null, root, "kind");
        MmaKind kind = MmaKind.byName(kindName).orElseThrow(() -> new GoldenFormatException(source, null, "kind",
                "unknown kind '" + kindName + "' (valid: " + MmaKind.allNames() + ")"));
        ElementFormat aFormat = format(source, root, "a_format");
        ElementFormat bFormat = format(source, root, "b_format");
        ElementFormat cFormat = format(source, root, "c_format");
        ElementFormat dFormat = format(source, root, "d_format");
        checkAccumulator(source, "c_format", cFormat);
        checkAccumulator(source, "d_format", dFormat);
        int kpi = integer(source, null, root, "k_per_instruction");
        if (kpi <= 0) {
            throw new GoldenFormatException(source, null, "k_per_instruction", "must be positive, got " + kpi);
        }
        FloatFormat scaleFormat = null;
        int blockSize = 0;
        if (kind.blockScaled()) {
            ElementFormat sf = format(source, root, "scale_format");
            if (sf != FloatFormat.UE4M3 && sf != FloatFormat.UE8M0) {
                throw new GoldenFormatException(source, null, "scale_format", "must be ue4m3 or ue8m0, got '" + sf.ptxName() + "'");
            }
            scaleFormat = (FloatFormat) sf;
            blockSize = integer(source, null, root, "block_size");
            if (blockSize != 16 && blockSize != 32) {
                throw new GoldenFormatException(source, null, "block_size", "must be 16 or 32, got " + blockSize);
            }
            if (kpi % blockSize != 0) {
                throw new GoldenFormatException(source, null, "block_size", "does not divide k_per_instruction " + kpi);
            }
        } else {
            for (String f : List.of("scale_format", "block_size")) {
                if (root.has(f)) {
                    warnings.accept(source + ": field '" + f + "' ignored: kind " + kind.ptxName() + " has no block scaling");
                }
            }
        }
        String provenance = text(source, null, root, "provenance");
        InstructionFamily family = InstructionFamily.fromOperation(operation);
        if (family == null) {
            family = InstructionFamily.defaultFor(arch);
            warnings.accept(source + ": operation '" + operation + "' names no known instruction family; assuming "
                    + family.ptxPrefix() + " for " + arch);
        }
        // kind::i8 saturates when the operation says so (.satfinite on mma.sync; the idesc saturate bit on tcgen05).
        boolean saturate = kind == MmaKind.I8 && (operation.contains(".satfinite") || operation.contains("saturate"));
        MmaVariant variant = new MmaVariant(arch, family, kind, aFormat, bFormat, cFormat, dFormat, kpi, scaleFormat, blockSize, saturate);
        JsonNode casesNode = root.get("cases");
        if (casesNode == null) {
            throw new GoldenFormatException(source, null, "cases", "missing");
        }
        if (!casesNode.isArray()) {
            throw new GoldenFormatException(source, null, "cases", "must be an array");
        }
        List<GoldenCase> cases = new ArrayList<>(casesNode.size());
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (JsonNode c : casesNode) {
            GoldenCase gc = readCase(source, variant, c, index++);
            if (!ids.add(gc.id())) {
                throw new GoldenFormatException(source, gc.id(), "id", "duplicate id");
            }
            cases.add(gc);
        }
        return new GoldenFile(source, operation, variant, provenance, List.copyOf(cases));
    }

    private GoldenCase readCase(String source, MmaVariant v, JsonNode c, int index) throws GoldenFormatException {
        if (!c.isObject()) {
            throw new GoldenFormatException(source, "#" + index, null, "a case must be a JSON object");
        }
        JsonNode idNode = c.get("id");
        if (idNode == null || !idNode.isTextual() || idNode.asText().isEmpty()) {
            throw new GoldenFormatException(source, "#" + index, "id", idNode == null ? "missing" : "must be a non-empty string");
        }
        String id = idNode.asText();
        warnUnknown(source, id, c, CASE_FIELDS);
        int k = integer(source, id, c, "k");
        if (k <= 0 || k % v.kPerInstruction() != 0) {
            throw new GoldenFormatException(source, id, "k", "must be a positive multiple of k_per_instruction "
                    + v.kPerInstruction() + ", got " + k);
        }
        byte[] a = hex(source, id, c, "a", (long) k * v.elementBits(v.aFormat()) / 8);
        byte[] b = hex(source, id, c, "b", (long) k * v.elementBits(v.bFormat()) / 8);
        byte[] sfa = null;
        byte[] sfb = null;
        if (v.kind().blockScaled()) {
            sfa = hex(source, id, c, "sfa", k / v.blockSize());
            sfb = hex(source, id, c, "sfb", k / v.blockSize());
        }
        int cBits = bits(source, id, c, "c", v.cFormat());
        int dBits = bits(source, id, c, "d", v.dFormat());
        return new GoldenCase(id, k, a, b, sfa, sfb, cBits, dBits);
    }

    private void warnUnknown(String source, String caseId, JsonNode node, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                warnings.accept(source + ": " + (caseId == null ? "" : "case " + caseId + ": ") + "unknown field '" + f + "' ignored");
            }
        }
    }

    private static String text(String source, String caseId, JsonNode node, String field) throws GoldenFormatException {
        JsonNode n = node.get(field);
        if (n == null) {
            throw new GoldenFormatException(source, caseId, field, "missing");
        }
        if (!n.isTextual()) {
            throw new GoldenFormatException(source, caseId, field, "must be a string, got " + n.getNodeType().name().toLowerCase());
        }
        return n.asText();
    }

    private static int integer(String source, String caseId, JsonNode node, String field) throws GoldenFormatException {
        JsonNode n = node.get(field);
        if (n == null) {
            throw new GoldenFormatException(source, caseId, field, "missing");
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new GoldenFormatException(source, caseId, field, "must be an integer, got " + n);
        }
        return n.intValue();
    }

    private static ElementFormat format(String source, JsonNode root, String field) throws GoldenFormatException {
        String name = text(source, null, root, field);
        return ElementFormat.byName(name).orElseThrow(() -> new GoldenFormatException(source, null, field,
                "unknown format '" + name + "' (valid: " + ElementFormat.allNames() + ")"));
    }

    private static void checkAccumulator(String source, String field, ElementFormat f) throws GoldenFormatException {
        if (f != FloatFormat.F32 && f != FloatFormat.F16 && f != dev.fp4sim.isa.format.IntFormat.S32) {
            throw new GoldenFormatException(source, null, field, "an accumulator is f32, f16 or s32, not '" + f.ptxName() + "'");
        }
    }

    private static byte[] hex(String source, String caseId, JsonNode node, String field, long expectedBytes)
            throws GoldenFormatException {
        String s = text(source, caseId, node, field);
        if (s.length() != expectedBytes * 2) {
            throw new GoldenFormatException(source, caseId, field, "expected " + expectedBytes * 2 + " hex digits ("
                    + expectedBytes + " bytes), got " + s.length());
        }
        byte[] out = new byte[(int) expectedBytes];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                int at = hi < 0 ? 2 * i : 2 * i + 1;
                throw new GoldenFormatException(source, caseId, field, "not a hex digit '" + s.charAt(at) + "' at position " + at);
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    private static int bits(String source, String caseId, JsonNode node, String field, ElementFormat f)
            throws GoldenFormatException {
        int digits = f.storageBits() / 4;
        String s = text(source, caseId, node, field);
        if (s.length() != digits) {
            throw new GoldenFormatException(source, caseId, field, "expected " + digits + " hex digits for "
                    + f.ptxName() + ", got " + s.length() + " ('" + s + "')");
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            int dgt = Character.digit(s.charAt(i), 16);
            if (dgt < 0) {
                throw new GoldenFormatException(source, caseId, field, "not a hex digit '" + s.charAt(i) + "' at position " + i);
            }
            v = (v << 4) | dgt;
        }
        return (int) v;
    }
}
