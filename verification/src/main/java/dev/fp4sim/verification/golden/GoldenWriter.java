package dev.fp4sim.verification.golden;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fp4sim.isa.mma.MmaVariant;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/** Writes golden-vector files in schema {@code fp4sim-golden/1}, fields in the documented order. */
public final class GoldenWriter {

    private GoldenWriter() {
    }

    public static void write(GoldenFile file, Path path) throws IOException {
        try (OutputStream out = Files.newOutputStream(path)) {
            write(file, out);
        }
    }

    public static void write(GoldenFile file, OutputStream out) throws IOException {
        MmaVariant v = file.variant();
        HexFormat hex = HexFormat.of();
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("schema", GoldenFile.SCHEMA);
            g.writeStringField("operation", file.operation());
            g.writeStringField("arch", v.arch());
            g.writeStringField("kind", v.kind().ptxName());
            g.writeStringField("a_format", v.aFormat().ptxName());
            g.writeStringField("b_format", v.bFormat().ptxName());
            g.writeStringField("c_format", v.cFormat().ptxName());
            g.writeStringField("d_format", v.dFormat().ptxName());
            g.writeNumberField("k_per_instruction", v.kPerInstruction());
            if (v.kind().blockScaled()) {
                g.writeStringField("scale_format", v.scaleFormat().ptxName());
                g.writeNumberField("block_size", v.blockSize());
            }
            g.writeStringField("provenance", file.provenance());
            g.writeArrayFieldStart("cases");
            int cDigits = v.cFormat().storageBits() / 4;
            int dDigits = v.dFormat().storageBits() / 4;
            for (GoldenCase c : file.cases()) {
                g.writeStartObject();
                g.writeStringField("id", c.id());
                g.writeNumberField("k", c.k());
                g.writeStringField("a", hex.formatHex(c.a()));
                g.writeStringField("b", hex.formatHex(c.b()));
                if (v.kind().blockScaled()) {
                    g.writeStringField("sfa", hex.formatHex(c.sfa()));
                    g.writeStringField("sfb", hex.formatHex(c.sfb()));
                }
                g.writeStringField("c", bitsHex(c.c(), cDigits));
                g.writeStringField("d", bitsHex(c.d(), dDigits));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    static String bitsHex(int bits, int digits) {
        String s = Long.toHexString(bits & 0xFFFFFFFFL);
        if (s.length() > digits) {
            s = s.substring(s.length() - digits);
        }
        return "0".repeat(digits - s.length()) + s;
    }
}
