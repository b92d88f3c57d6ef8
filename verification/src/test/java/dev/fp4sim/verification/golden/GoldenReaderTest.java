package dev.fp4sim.verification.golden;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reader is strict: each malformation gives one line naming file, case and field. */
class GoldenReaderTest {

    private static final String HEADER = """
            {"schema": "fp4sim-golden/1", "operation": "tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16",
             "arch": "sm_100a", "kind": "mxf4nvf4", "a_format": "e2m1", "b_format": "e2m1", "c_format": "f32",
             "d_format": "f32", "k_per_instruction": 64, "scale_format": "ue4m3", "block_size": 16,
             "provenance": "test", "cases": [%s]}""";
    private static final String A = "11".repeat(32);
    private static final String GOOD_CASE = "{\"id\": \"uniform-0001\", \"k\": 64, \"a\": \"" + A + "\", \"b\": \"" + A
            + "\", \"sfa\": \"38383838\", \"sfb\": \"38383838\", \"c\": \"00000000\", \"d\": \"41800000\"}";

    private static GoldenFile parse(String json) throws GoldenFormatException {
        return new GoldenReader().parse("x.json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String error(String json) {
        return assertThrows(GoldenFormatException.class, () -> parse(json)).getMessage();
    }

    @Test
    void aValidFileParses() throws Exception {
        GoldenFile f = parse(HEADER.formatted(GOOD_CASE));
        assertEquals(1, f.cases().size());
        GoldenCase c = f.cases().get(0);
        assertEquals("uniform", c.category());
        assertEquals(0x41800000, c.d());
        assertArrayEquals(new byte[] {0x38, 0x38, 0x38, 0x38}, c.sfa());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bad hex in a     | \"a\": \"" + "11" + "|  \"a\": \"zz",
            "short sfa        | \"sfa\": \"38383838\"| \"sfa\": \"383838\"",
            "k not a multiple | \"k\": 64| \"k\": 48",
            "d too long       | \"d\": \"41800000\"| \"d\": \"418000001\"",
            "missing c        | , \"c\": \"00000000\"| ",
            "k as string      | \"k\": 64| \"k\": \"64\"",
    })
    void malformedCasesNameFileCaseAndField(String what, String from, String to) {
        String msg = error(HEADER.formatted(GOOD_CASE.replace(from.trim(), to == null ? "" : to.trim())));
        assertTrue(msg.startsWith("x.json: case uniform-0001: field '"), what + ": " + msg);
        assertEquals(1, msg.lines().count(), "one line");
    }

    @Test
    void documentLevelErrorsNameTheField() {
        assertTrue(error(HEADER.formatted(GOOD_CASE).replace("\"e2m1\", \"b_format\"", "\"e9m9\", \"b_format\""))
                .contains("field 'a_format': unknown format 'e9m9' (valid: e2m1"));
        assertTrue(error(HEADER.formatted(GOOD_CASE).replace("fp4sim-golden/1", "fp4sim-golden/2"))
                .contains("field 'schema': expected 'fp4sim-golden/1'"));
        assertTrue(error(HEADER.formatted(GOOD_CASE).replace("\"kind\": \"mxf4nvf4\"", "\"kind\": \"fp4\""))
                .contains("field 'kind': unknown kind 'fp4'"));
        assertTrue(error(HEADER.formatted(GOOD_CASE).replace("\"block_size\": 16", "\"block_size\": 8"))
                .contains("field 'block_size': must be 16 or 32"));
        assertTrue(error(HEADER.formatted(GOOD_CASE).replace("\"c_format\": \"f32\"", "\"c_format\": \"e4m3\""))
                .contains("field 'c_format': an accumulator is f32, f16 or s32"));
        assertTrue(error(HEADER.formatted(GOOD_CASE + "," + GOOD_CASE)).contains("case uniform-0001: field 'id': duplicate id"));
        assertTrue(error("{\"schema\": ").startsWith("x.json: invalid JSON at line 1"));
        assertTrue(error(HEADER.formatted(GOOD_CASE).replace("\"arch\": \"sm_100a\",", "\"arch\": \"sm_100a\", \"arch\": \"x\","))
                .contains("invalid JSON"), "duplicate keys are rejected");
        assertTrue(error("[]").contains("must be a JSON object"));
    }

    @Test
    void unknownFieldsWarnButParse() throws Exception {
        List<String> warnings = new ArrayList<>();
        new GoldenReader(warnings::add).parse("x.json",
                HEADER.formatted(GOOD_CASE.replace("\"id\"", "\"note\": 1, \"id\"")).getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("x.json: case uniform-0001: unknown field 'note' ignored"), warnings);
    }

    @Test
    void writerOutputReadsBackIdentically() throws Exception {
        GoldenFile f = parse(HEADER.formatted(GOOD_CASE));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GoldenWriter.write(f, out);
        GoldenFile back = new GoldenReader().parse("x.json", out.toByteArray());
        assertEquals(f.variant(), back.variant());
        assertEquals(f.provenance(), back.provenance());
        GoldenCase a = f.cases().get(0);
        GoldenCase b = back.cases().get(0);
        assertEquals(a.id(), b.id());
        assertArrayEquals(a.a(), b.a());
        assertArrayEquals(a.sfb(), b.sfb());
        assertEquals(a.c(), b.c());
        assertEquals(a.d(), b.d());
    }
}
