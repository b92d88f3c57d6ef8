package dev.fp4sim.cli;

import dev.fp4sim.sim.timing.GemmEstimate;
import dev.fp4sim.sim.timing.GpuSpec;
import dev.fp4sim.sim.timing.PerfFormat;
import dev.fp4sim.sim.timing.PerfModel;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "roofline", description = {
        "A roofline PNG: the HBM and compute roofs of a GPU and format, with the model's estimate for a list of",
        "GEMM shapes (arithmetic intensity = FLOPs / HBM bytes).", "",
        "Example:",
        "  fp4sim perf roofline --gpu b200 --format nvfp4 --shapes 1x8192x8192,128x7168x16384,8192x8192x8192 --out roofline.png"})
final class RooflineCommand implements Callable<Integer> {

    @Option(names = "--gpu", defaultValue = "b200") String gpu;
    @Option(names = "--format", defaultValue = "nvfp4") String format;
    @Option(names = "--shapes", defaultValue = "1x8192x8192,16x8192x8192,128x7168x16384,512x7168x2048,2048x2048x2048,8192x8192x8192",
            description = "comma-separated MxNxK list (default ${DEFAULT-VALUE})") String shapes;
    @Option(names = "--out", defaultValue = "fp4sim-charts/roofline.png", description = "PNG to write (default ${DEFAULT-VALUE})") String out;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        GpuSpec g = PerfCommand.gpu(gpu);
        PerfFormat f = PerfCommand.format(format);
        double peak = PerfModel.peakFlops(g, f) / 1e12;
        double bw = g.get("hbm_tb_s");
        XYChart chart = new XYChartBuilder().width(900).height(600).title(g.name() + " " + f.cliName() + " roofline")
                .xAxisTitle("arithmetic intensity (FLOP / HBM byte)").yAxisTitle("TFLOPS").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        List<Double> rx = new ArrayList<>();
        List<Double> ry = new ArrayList<>();
        for (double ai = 1; ai <= 1e5; ai *= 1.25) {
            rx.add(ai);
            ry.add(Math.min(peak, ai * bw));
        }
        chart.addSeries("roof", rx, ry).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        List<Double> px = new ArrayList<>();
        List<Double> py = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String s : shapes.split(",")) {
            String[] d = s.toLowerCase(Locale.ROOT).split("x");
            if (d.length != 3) {
                throw new UserError("--shapes " + s + ": expected MxNxK");
            }
            long m = Long.parseLong(d[0]);
            long n = Long.parseLong(d[1]);
            long k = Long.parseLong(d[2]);
            GemmEstimate e = PerfCommand.estimate(g, f, m, n, k);
            double ai = 2.0 * m * n * k / e.hbmBytes();
            px.add(ai);
            py.add(e.tflops());
            text.append(String.format(Locale.ROOT, "%-18s AI %8.1f  model %8.1f TFLOPS  roof %8.1f  (%s)%n", s, ai, e.tflops(), Math.min(peak, ai * bw), e.bottleneck()));
        }
        XYSeries pts = chart.addSeries("model", px, py);
        pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        java.nio.file.Path png = java.nio.file.Path.of(out.endsWith(".png") ? out : out + ".png").toAbsolutePath();
        if (png.getParent() != null) {
            java.nio.file.Files.createDirectories(png.getParent());
        }
        PerfCharts.save(chart, png);
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().println("wrote " + (out.endsWith(".png") ? out : out + ".png"));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
