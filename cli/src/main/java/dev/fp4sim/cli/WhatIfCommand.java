package dev.fp4sim.cli;

import dev.fp4sim.sim.timing.GemmEstimate;
import dev.fp4sim.sim.timing.GpuSpec;
import dev.fp4sim.sim.timing.PerfFormat;
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
        "Each --vary takes KEY=V1,V2,...; KEY is 'format' or any machine parameter (scalar or table.key,",
        "e.g. smem_read_b_clk, tmem_columns, clock_mhz, hbm_tb_s, mac_per_clk_sm.fp4, pj_per_mac.fp4).",
        "",
        "Example:",
        "  fp4sim perf whatif --gpu b200 --gemm 8192x8192x8192 --vary tmem_columns=256,512,1024 --vary format=nvfp4,mxfp4,fp8"})
class WhatIfCommand implements Callable<Integer> {

    @Option(names = "--gpu", defaultValue = "b200") String gpu;
    @Option(names = "--gemm", required = true, description = "MxNxK") String gemm;
    @Option(names = "--format", defaultValue = "nvfp4") String format;
    @Option(names = "--vary", required = true, description = "KEY=V1,V2,... (repeatable)") List<String> vary;
    @Option(names = "--out", defaultValue = "fp4sim-whatif", description = "output prefix (default ${DEFAULT-VALUE})") String out;
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
        StringBuilder csv = new StringBuilder(String.join(",", axes.keySet()) + ",seconds,tflops,bottleneck,clock_mhz,joules,watts\n");
        StringBuilder md = new StringBuilder("| " + String.join(" | ", axes.keySet()) + " | time (us) | TFLOPS | bottleneck | MHz | J | W |\n|"
                + "---|".repeat(axes.size() + 6) + "\n");
        CategoryChart chart = new CategoryChartBuilder().width(900).height(500).title(base.name() + " " + gemm)
                .xAxisTitle(String.join(", ", axes.keySet())).yAxisTitle("TFLOPS").build();
        List<String> labels = new ArrayList<>();
        List<Double> tflops = new ArrayList<>();
        for (var p : points) {
            GpuSpec g = base;
            PerfFormat f = PerfCommand.format(format);
            for (var e : p.entrySet()) {
                if (e.getKey().equals("format")) {
                    f = PerfCommand.format(e.getValue());
                } else {
                    try {
                        g = g.with(e.getKey(), Double.parseDouble(e.getValue()));
                    } catch (NumberFormatException ex) {
                        throw new UserError("--vary " + e.getKey() + ": '" + e.getValue() + "' is not a number");
                    } catch (IllegalArgumentException ex) {
                        throw new UserError("--vary: " + ex.getMessage());
                    }
                }
            }
            GemmEstimate e = PerfCommand.estimate(g, f, m, n, k);
            String vals = String.join(",", p.values());
            csv.append(String.format(Locale.ROOT, "%s,%.6e,%.2f,%s,%.0f,%.6e,%.1f%n", vals, e.seconds(), e.tflops(), e.bottleneck(), e.clockMhz(), e.joules(), e.watts()));
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f | %s | %.0f | %.4f | %.0f |%n", String.join(" | ", p.values()), e.seconds() * 1e6,
                    e.tflops(), e.bottleneck(), e.clockMhz(), e.joules(), e.watts()));
            labels.add(vals);
            tflops.add(e.tflops());
        }
        chart.addSeries("TFLOPS", labels, tflops);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(45);
        Path prefix = Path.of(out);
        if (prefix.toAbsolutePath().getParent() != null) {
            Files.createDirectories(prefix.toAbsolutePath().getParent());
        }
        Files.writeString(Path.of(out + ".csv"), csv);
        Files.writeString(Path.of(out + ".md"), md);
        BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        PrintWriter o = spec.commandLine().getOut();
        o.print(md);
        o.println("wrote " + out + ".csv, " + out + ".md, " + out + ".png (" + points.size() + " points)");
        o.flush();
        return 0;
    }
}
