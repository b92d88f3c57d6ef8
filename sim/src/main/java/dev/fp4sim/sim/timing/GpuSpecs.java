package dev.fp4sim.sim.timing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Loads machine descriptions strictly: a missing or unknown field, or a number without a source, is an error naming file and field. */
public final class GpuSpecs {

    public static final List<String> BUILT_IN = List.of("b200", "gb200", "b300", "h100", "h200", "rtx5090", "rtx-pro-6000",
            "hypothetical-b200-2x-smem-bw");

    private GpuSpecs() {
    }

    /** A built-in name (b200, ...) or a path to a JSON file. */
    public static GpuSpec load(String nameOrPath) throws IOException {
        if (BUILT_IN.contains(nameOrPath)) {
            try (InputStream in = GpuSpecs.class.getResourceAsStream("/gpus/" + nameOrPath + ".json")) {
                return parse(nameOrPath + ".json", in.readAllBytes());
            }
        }
        Path p = Path.of(nameOrPath);
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("'" + nameOrPath + "' is neither a built-in GPU (" + String.join(", ", BUILT_IN)
                    + ") nor a file");
        }
        return parse(p.toString(), Files.readAllBytes(p));
    }

    public static List<GpuSpec> all() throws IOException {
        List<GpuSpec> out = new ArrayList<>();
        for (String n : BUILT_IN) {
            out.add(load(n));
        }
        return out;
    }

    static GpuSpec parse(String origin, byte[] json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(origin + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        Set<String> known = new java.util.HashSet<>(List.of("name", "title", "arch", "api"));
        known.addAll(List.of(GpuSpec.SCALARS));
        known.addAll(List.of(GpuSpec.TABLES));
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new IllegalArgumentException(origin + ": field '" + f + "': unknown (known: " + String.join(", ", known) + ")");
            }
        }
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, Map<String, Double>> tables = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (String k : GpuSpec.SCALARS) {
            JsonNode n = entry(origin, root, k);
            if (!n.get("value").isNumber()) {
                throw new IllegalArgumentException(origin + ": field '" + k + ".value': must be a number");
            }
            double v = n.get("value").asDouble();
            // Capacities, rates and powers must be positive; the few that may be zero say so (no TMEM, no f8f6f4 FP4 path).
            boolean mayBeZero = k.equals("tmem_columns") || k.equals("fp4_via_f8f6f4") || k.equals("launch_us");
            if (!Double.isFinite(v) || v < 0 || v == 0 && !mayBeZero) {
                throw new IllegalArgumentException(origin + ": field '" + k + ".value': must be " + (mayBeZero ? "0 or more" : "positive")
                        + " (got " + n.get("value").asText() + ")");
            }
            if (k.equals("hbm_efficiency") && v > 1) {
                throw new IllegalArgumentException(origin + ": field 'hbm_efficiency.value': must be at most 1 (got " + v + ")");
            }
            values.put(k, v);
            sources.put(k, n.get("source").asText());
        }
        if (values.get("static_w") >= values.get("board_w")) {
            throw new IllegalArgumentException(origin + ": field 'static_w.value': must be below board_w (" + values.get("board_w") + " W)");
        }
        if (values.get("max_clock_mhz") < values.get("clock_mhz")) {
            throw new IllegalArgumentException(origin + ": field 'max_clock_mhz.value': must be at least clock_mhz (" + values.get("clock_mhz") + ")");
        }
        for (String k : GpuSpec.TABLES) {
            JsonNode n = entry(origin, root, k);
            Map<String, Double> t = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.get("value").fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().isNumber()) {
                    throw new IllegalArgumentException(origin + ": field '" + k + ".value." + e.getKey() + "': must be a number");
                }
                if (e.getValue().asDouble() < 0) {
                    throw new IllegalArgumentException(origin + ": field '" + k + ".value." + e.getKey() + "': must be 0 or more");
                }
                t.put(e.getKey(), e.getValue().asDouble());
            }
            tables.put(k, Map.copyOf(t));
            sources.put(k, n.get("source").asText());
        }
        for (String k : List.of("name", "title", "arch", "api")) {
            if (!root.hasNonNull(k)) {
                throw new IllegalArgumentException(origin + ": field '" + k + "': missing");
            }
        }
        return new GpuSpec(root.get("name").asText(), root.get("title").asText(), root.get("arch").asText(), root.get("api").asText(),
                Map.copyOf(values), Map.copyOf(tables), Map.copyOf(sources));
    }

    private static JsonNode entry(String origin, JsonNode root, String k) {
        JsonNode n = root.get(k);
        if (n == null) {
            throw new IllegalArgumentException(origin + ": field '" + k + "': missing");
        }
        if (!n.has("value") || !n.hasNonNull("source") || n.get("source").asText().isBlank()) {
            throw new IllegalArgumentException(origin + ": field '" + k + "': needs {\"value\": ..., \"source\": \"... or assumed\"}");
        }
        return n;
    }
}
