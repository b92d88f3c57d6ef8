package dev.fp4sim.cli;

import dev.fp4sim.sim.timing.PerfValidation;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** PNG charts of the timing model (XChart), shared by the perf commands. */
final class PerfCharts {

    private PerfCharts() {
    }

    /** Model vs published TFLOPS of the measured GEMM points, log-log, with the ±15% band. */
    static void validation(PerfValidation.Table t, Path png) throws IOException {
        XYChart c = new XYChartBuilder().width(900).height(650)
                .title(String.format(java.util.Locale.ROOT, "timing model vs published GEMM throughput (MAPE %.1f%%)", t.gemmMape()))
                .xAxisTitle("published TFLOPS").yAxisTitle("model TFLOPS").build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        c.getStyler().setMarkerSize(9);
        double lo = Double.MAX_VALUE;
        double hi = 0;
        Map<String, List<double[]>> byGpu = new LinkedHashMap<>();
        for (PerfValidation.Row r : t.rows()) {
            if (!r.kind().equals("gemm")) {
                continue;
            }
            byGpu.computeIfAbsent(r.gpu() + " " + r.format(), x -> new ArrayList<>()).add(new double[] {r.published(), r.model()});
            lo = Math.min(lo, Math.min(r.published(), r.model()));
            hi = Math.max(hi, Math.max(r.published(), r.model()));
        }
        lo *= 0.7;
        hi *= 1.3;
        line(c, "model = published", lo, hi, 1.0);
        line(c, "+15%", lo, hi, 1.15);
        line(c, "-15%", lo, hi, 0.85);
        byGpu.forEach((name, pts) -> {
            XYSeries s = c.addSeries(name, pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        });
        save(c, png);
    }

    private static void line(XYChart c, String name, double lo, double hi, double f) {
        XYSeries s = c.addSeries(name, new double[] {lo, hi}, new double[] {lo * f, hi * f});
        s.setMarker(SeriesMarkers.NONE);
        if (f != 1.0) {
            s.setLineStyle(new java.awt.BasicStroke(1f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
            s.setLineColor(java.awt.Color.GRAY);
        } else {
            s.setLineColor(java.awt.Color.BLACK);
        }
    }

    /** XChart appends ".png" itself: strip it from the path we were given. */
    static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> c, Path png) throws IOException {
        String p = png.toString();
        BitmapEncoder.saveBitmap(c, p.endsWith(".png") ? p.substring(0, p.length() - 4) : p, BitmapEncoder.BitmapFormat.PNG);
    }
}
