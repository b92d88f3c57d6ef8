package dev.fp4sim.sim.timing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The model next to published numbers (sim/src/main/resources/perf/validation.json): datasheet
 * peaks and measured GEMM throughput, each with its source; the error of each point and the mean
 * absolute percentage error of the GEMM points (docs/timing.md).
 */
public final class PerfValidation {

    public record Row(String kind, String gpu, String format, String shape, double published, double model, String source, String note) {
        public double errorPct() {
            return 100 * (model / published - 1);
        }
    }

    public record Table(List<Row> rows) {
        public double maxPeakErrorPct() {
            return rows.stream().filter(r -> r.kind().equals("peak")).mapToDouble(r -> Math.abs(r.errorPct())).max().orElse(0);
        }

        public double gemmMape() {
            return rows.stream().filter(r -> r.kind().equals("gemm")).mapToDouble(r -> Math.abs(r.errorPct())).average().orElse(0);
        }

        public String markdown() {
            StringBuilder sb = new StringBuilder("| kind | GPU | format | shape | published TFLOPS | model TFLOPS | error | model notes | source |\n"
                    + "|---|---|---|---|---|---|---|---|---|\n");
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f | %.1f | %+.1f%% | %s | %s |%n", r.kind(), r.gpu(), r.format(),
                        r.shape(), r.published(), r.model(), r.errorPct(), r.note(), r.source()));
            }
            sb.append(String.format(Locale.ROOT, "%nPeaks: largest error %.2f%%. GEMM points: MAPE %.1f%% over %d points.%n",
                    maxPeakErrorPct(), gemmMape(), rows.stream().filter(r -> r.kind().equals("gemm")).count()));
            return sb.toString();
        }
    }

    private PerfValidation() {
    }

    public static Table compute() throws IOException {
        JsonNode pts;
        try (InputStream in = PerfValidation.class.getResourceAsStream("/perf/validation.json")) {
            pts = new ObjectMapper().readTree(in);
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode p : pts) {
            GpuSpec g = GpuSpecs.load(p.get("gpu").asText());
            PerfFormat f = PerfFormat.byName(p.get("format").asText()).orElseThrow();
            if (p.get("kind").asText().equals("peak")) {
                rows.add(new Row("peak", g.name(), f.cliName(), "dense", p.get("tflops").asDouble(), PerfModel.peakFlops(g, f) / 1e12,
                        p.get("source").asText(), String.format(Locale.ROOT, "%.0f MHz x %.0f MAC/clk/SM", g.get("clock_mhz"), g.macPerClk(f))));
            } else {
                long m = p.get("m").asLong();
                long n = p.get("n").asLong();
                long k = p.get("k").asLong();
                GemmEstimate e = PerfModel.gemm(g, f, m, n, k);
                rows.add(new Row("gemm", g.name(), f.cliName(), m + "x" + n + "x" + k, p.get("tflops").asDouble(), e.tflops(),
                        p.get("source").asText(), e.bottleneck() + ", " + String.format(Locale.ROOT, "%.0f MHz", e.clockMhz())));
            }
        }
        return new Table(rows);
    }
}
