package dev.fp4sim.cli;

import dev.fp4sim.sim.timing.GemmEstimate;
import dev.fp4sim.sim.timing.GpuSpec;
import dev.fp4sim.sim.timing.PerfFormat;
import dev.fp4sim.sim.timing.PerfModel;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "whatif", description = {
        "Sweep machine parameters and formats for one GEMM: writes a CSV, a Markdown table and a PNG chart.",
        "Each --vary takes KEY=V1,V2,...; KEY is one of",
        "  format       nvfp4, mxfp4, fp4-f8f6f4, fp8, mxfp8, bf16, tf32",
        "  tile         the CTA tile, 128x64 .. 128x256, or the 2-CTA 256x64 .. 256x256",
        "  scale_block  elements per scale factor (16 = NVFP4, 32 = MX)",
        "  clock        the clock the kernel runs at before the power cap, MHz (= max_clock_mhz)",
        "  or any machine parameter (scalar or table.key, e.g. smem_read_b_clk, tmem_columns, hbm_tb_s,",
        "  l2_tb_s, board_w, mac_per_clk_sm.fp4, pj_per_mac.fp4; 'fp4sim perf gpus' lists the files).",
        "With two or more --vary, the chart groups bars by the last one; a sweep with more than 40 groups",
        "is drawn as points over the sweep index (coloured by the last axis) instead.",
        "",
        "Example:",
        "  fp4sim perf whatif --gpu b200 --gemm 8192x8192x8192 --vary tmem_columns=256,512,1024 --vary format=nvfp4,mxfp4,fp8",
        "  fp4sim perf whatif --gemm 512x7168x2048 --vary smem_read_b_clk=64,128,256 --vary tile=128x128,256x128,256x256"})
class WhatIfCommand implements Callable<Integer> {

    @Option(names = "--gpu", defaultValue = "b200") String gpu;
    @Option(names = "--gemm", required = true, description = "MxNxK") String gemm;
    @Option(names = "--format", defaultValue = "nvfp4") String format;
    @Option(names = "--vary", required = true, description = "KEY=V1,V2,... (repeatable)") List<String> vary;
    @Option(names = "--out", defaultValue = "fp4sim-charts/whatif", description = "output prefix: PREFIX.csv, PREFIX.md, PREFIX.png "
            + "(default ${DEFAULT-VALUE})") String out;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String[] d = gemm.toLowerCase(Locale.ROOT).split("x");
        if (d.length != 3) {
            throw new UserError("--gemm " + gemm + ": expected MxNxK, e.g. 8192x8192x8192");
        }
        long m;
        long n;
        long k;
        try {
            m = Long.parseLong(d[0]);
            n = Long.parseLong(d[1]);
            k = Long.parseLong(d[2]);
        } catch (NumberFormatException e) {
            throw new UserError("--gemm " + gemm + ": expected MxNxK with integers");
        }
        Map<String, List<String>> axes = new LinkedHashMap<>();
        for (String v : vary) {
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw new UserError("--vary " + v + ": expected KEY=V1,V2,...");
            }
            axes.put(v.substring(0, eq), List.of(v.substring(eq + 1).split(",")));
        }
        List<Map<String, String>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (var axis : axes.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (var p : points) {
                for (String val : axis.getValue()) {
                    var q = new LinkedHashMap<>(p);
                    q.put(axis.getKey(), val);
                    next.add(q);
                }
            }
            points = next;
        }
        GpuSpec base = PerfCommand.gpu(gpu);
        long started = System.nanoTime();
        StringBuilder csv = new StringBuilder(String.join(",", axes.keySet()) + ",seconds,tflops,bottleneck,clock_mhz,joules,watts\n");
        StringBuilder md = new StringBuilder("| " + String.join(" | ", axes.keySet()) + " | time (us) | TFLOPS | bottleneck | MHz | J | W |\n|"
                + "---|".repeat(axes.size() + 6) + "\n");
        List<String> names = new ArrayList<>(axes.keySet());
        String seriesAxis = names.size() >= 2 ? names.get(names.size() - 1) : null;
        List<Double> allTflops = new ArrayList<>();
        Map<String, List<String>> labels = new LinkedHashMap<>();
        Map<String, List<Double>> tflops = new LinkedHashMap<>();
        int done = 0;
        for (var p : points) {
            GpuSpec g = base;
            PerfFormat f = PerfCommand.format(format);
            String tile = null;
            int scaleBlock = 0;
            for (var e : p.entrySet()) {
                if (e.getKey().equals("format")) {
                    f = PerfCommand.format(e.getValue());
                } else if (e.getKey().equals("tile")) {
                    tile = PerfCommand.tile("--vary tile=", e.getValue());
                } else if (e.getKey().equals("scale_block")) {
                    try {
                        scaleBlock = Integer.parseInt(e.getValue());
                    } catch (NumberFormatException ex) {
                        scaleBlock = -1;
                    }
                    if (scaleBlock <= 0) {
                        throw new UserError("--vary scale_block: '" + e.getValue() + "' is not a positive integer");
                    }
                } else {
                    String key = e.getKey().equals("clock") ? "max_clock_mhz" : e.getKey();
                    try {
                        g = g.with(key, Double.parseDouble(e.getValue()));
                    } catch (NumberFormatException ex) {
                        throw new UserError("--vary " + e.getKey() + ": '" + e.getValue() + "' is not a number");
                    } catch (IllegalArgumentException ex) {
                        throw new UserError("--vary: " + ex.getMessage());
                    }
                }
            }
            GemmEstimate e = PerfCommand.estimate(g, f, m, n, k, new PerfModel.Options(tile, scaleBlock));
            String vals = String.join(",", p.values());
            csv.append(String.format(Locale.ROOT, "%s,%.6e,%.2f,%s,%.0f,%.6e,%.1f%n", vals, e.seconds(), e.tflops(), e.bottleneck(), e.clockMhz(), e.joules(), e.watts()));
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f | %s | %.0f | %.4f | %.0f |%n", String.join(" | ", p.values()), e.seconds() * 1e6,
                    e.tflops(), e.bottleneck(), e.clockMhz(), e.joules(), e.watts()));
            String series = seriesAxis == null ? "TFLOPS" : seriesAxis + "=" + p.get(seriesAxis);
            List<String> rest = new ArrayList<>();
            p.forEach((a, v) -> {
                if (!a.equals(seriesAxis)) {
                    rest.add(v);
                }
            });
            labels.computeIfAbsent(series, x -> new ArrayList<>()).add(rest.isEmpty() ? vals : String.join(",", rest));
            tflops.computeIfAbsent(series, x -> new ArrayList<>()).add(e.tflops());
            allTflops.add(e.tflops());
            if (++done % 200 == 0) {
                spec.commandLine().getErr().printf(Locale.ROOT, "whatif: %d/%d points%n", done, points.size());
            }
        }
        org.knowm.xchart.internal.chartpart.Chart<?, ?> chart = chart(base.name() + " " + gemm + " (model TFLOPS)", names, seriesAxis,
                labels, tflops, allTflops);
        try {
            Path prefix = Path.of(out);
            if (prefix.toAbsolutePath().getParent() != null) {
                Files.createDirectories(prefix.toAbsolutePath().getParent());
            }
            Files.writeString(Path.of(out + ".csv"), csv);
            Files.writeString(Path.of(out + ".md"), md);
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new UserError("--out " + out + ": cannot write (" + e.getMessage() + ")");
        }
        PrintWriter o = spec.commandLine().getOut();
        o.print(md);
        o.println("wrote " + out + ".csv, " + out + ".md, " + out + ".png (" + points.size() + " points)");
        spec.commandLine().getErr().printf(Locale.ROOT, "whatif: %d points in %.2f s%n", points.size(), (System.nanoTime() - started) / 1e9);
        o.flush();
        return 0;
    }

    /** Grouped bars for small sweeps; for large ones, TFLOPS over the sweep index, one colour per value of the last axis. */
    private static org.knowm.xchart.internal.chartpart.Chart<?, ?> chart(String title, List<String> names, String seriesAxis,
                                                                          Map<String, List<String>> labels, Map<String, List<Double>> tflops,
                                                                          List<Double> all) {
        int groups = labels.values().iterator().next().size();
        if (groups <= 40) {
            CategoryChart c = new CategoryChartBuilder().width(1000).height(560).title(title)
                    .xAxisTitle(String.join(", ", seriesAxis == null ? names : names.subList(0, names.size() - 1))).yAxisTitle("TFLOPS").build();
            for (String series : labels.keySet()) {
                c.addSeries(series, labels.get(series), tflops.get(series));
            }
            c.getStyler().setLegendVisible(seriesAxis != null);
            c.getStyler().setXAxisLabelRotation(45);
            return c;
        }
        org.knowm.xchart.XYChart c = new org.knowm.xchart.XYChartBuilder().width(1000).height(560).title(title)
                .xAxisTitle("sweep point (order of the CSV: " + String.join(", ", names) + ")").yAxisTitle("TFLOPS").build();
        int series = labels.size();
        int idx = 0;
        Map<String, List<Double>> xs = new LinkedHashMap<>();
        Map<String, List<Double>> ys = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(labels.keySet());
        // points were produced in CSV order with the last axis varying fastest
        for (double t : all) {
            String key = keys.get(idx % series);
            xs.computeIfAbsent(key, x -> new ArrayList<>()).add((double) idx);
            ys.computeIfAbsent(key, x -> new ArrayList<>()).add(t);
            idx++;
        }
        for (String k : keys) {
            c.addSeries(k, xs.get(k), ys.get(k)).setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        }
        c.getStyler().setMarkerSize(5);
        return c;
    }
}
