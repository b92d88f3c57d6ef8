package dev.fp4sim.cli;

import dev.fp4sim.isa.layout.ScaleFactorLayout;
import dev.fp4sim.isa.layout.TiledScaleLayout;
import dev.fp4sim.sim.quant.Fp4Quantizer;
import dev.fp4sim.sim.quant.Fp4Tensor;
import dev.fp4sim.sim.quant.QuantRecipe;
import dev.fp4sim.verification.io.NpyArray;
import dev.fp4sim.verification.io.Nvfp4Checkpoint;
import dev.fp4sim.verification.io.Safetensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "quantize",
        description = {
                "Quantise a float matrix (rows, K) to NVFP4 or MXFP4 exactly as a named library recipe does,",
                "and write PREFIX.codes.npy (uint8 rows x K/2, element 2i in the low nibble), PREFIX.scales.npy",
                "(uint8, linear rows x K/block or the cuBLAS 128x4-tiled buffer) and PREFIX.global.npy",
                "(float32 [decode scale]: value = e2m1 · scale · global).",
                "",
                "Recipes: nvfp4 = nvfp4-te (TransformerEngine), nvfp4-modelopt, nvfp4-torchao,",
                "         mxfp4 = mxfp4-ocp (OCP MX floor), mxfp4-rceil (cuBLAS/torchao round-up).",
                "Non-finite inputs are rejected. Formulas and sources: docs/oracle.md. IN may also be a",
                "safetensors tensor (FILE.safetensors:NAME; BF16/F16/F32).",
                "",
                "Example:",
                "  fp4sim quantize W.npy --recipe nvfp4 --sf-layout cublas --out W_fp4"})
final class QuantizeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "IN.npy", description = "float16/bfloat16/float32 (rows, K)")
    Path in;
    @Option(names = "--recipe", defaultValue = "nvfp4", description = "see above (default ${DEFAULT-VALUE})")
    String recipe;
    @Option(names = "--bf16", description = "the input's 2-byte elements are bfloat16, not float16")
    boolean bf16;
    @Option(names = "--tile2d", description = "NVFP4 weights: one scale per 16x16 tile (TransformerEngine default for weights)")
    boolean tile2d;
    @Option(names = "--global-amax", description = "calibrated per-tensor amax (default: the input's amax)")
    Float globalAmax;
    @Option(names = "--sf-layout", defaultValue = "linear", description = "linear or cublas (default ${DEFAULT-VALUE})")
    String layout;
    @Option(names = "--safetensors", paramLabel = "LAYER", description = "NVFP4 only: also write PREFIX.safetensors as a ModelOpt checkpoint"
            + " (LAYER.weight U8, LAYER.weight_scale F8_E4M3 linear, LAYER.weight_scale_2 F32 decode scale)")
    String safetensorsLayer;
    @Option(names = "--out", required = true, paramLabel = "PREFIX", description = "output prefix")
    String out;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        QuantRecipe r = QuantRecipe.byName(recipe).orElseThrow(() -> new UserError("--recipe " + recipe + ": expected one of nvfp4, mxfp4, "
                + String.join(", ", Arrays.stream(QuantRecipe.values()).map(QuantRecipe::cliName).toList())));
        ScaleFactorLayout l = ScaleFactorLayout.byName(layout).orElseThrow(() -> new UserError("--sf-layout " + layout + ": expected linear or cublas"));
        NpyArray a = NpyFiles.read(in);
        if (a.shape().length != 2) {
            throw new UserError(in + ": shape must be (rows, K), found " + Arrays.toString(a.shape()));
        }
        int rows = (int) a.shape()[0];
        int cols = (int) a.shape()[1];
        float[] x;
        try {
            x = a.floats(bf16 || a.kind() == 'V');
        } catch (IllegalArgumentException e) {
            throw new UserError(in + ": " + e.getMessage());
        }
        Fp4Tensor t;
        try {
            t = globalAmax == null ? Fp4Quantizer.quantize(x, rows, cols, r, tile2d)
                    : Fp4Quantizer.quantize(x, rows, cols, r, tile2d, globalAmax);
        } catch (IllegalArgumentException e) {
            throw new UserError(in + ": " + e.getMessage());
        }
        int kb = cols / r.blockSize();
        byte[] scales = l == ScaleFactorLayout.CUBLAS ? new TiledScaleLayout(rows, kb).fromLinear(t.scales(), (byte) 0) : t.scales();
        NpyFiles.write(NpyArray.ofUint8(t.packed(), rows, cols / 2), Path.of(out + ".codes.npy"));
        NpyFiles.write(l == ScaleFactorLayout.CUBLAS ? NpyArray.ofUint8(scales, scales.length) : NpyArray.ofUint8(scales, rows, kb),
                Path.of(out + ".scales.npy"));
        NpyFiles.write(NpyArray.ofFloat32(new float[] {t.globalDecode()}, 1), Path.of(out + ".global.npy"));
        if (safetensorsLayer != null) {
            if (!r.nvfp4()) {
                throw new UserError("--safetensors: ModelOpt checkpoints hold NVFP4 (ue4m3, block 16); recipe " + r.cliName() + " is MXFP4");
            }
            Path st = Path.of(out + ".safetensors");
            try {
                Safetensors.write(Nvfp4Checkpoint.toModelOpt(safetensorsLayer, t, null), Map.of("format", "pt"), st);
            } catch (IOException e) {
                throw new UserError(st + ": cannot write (" + e.getMessage() + ")");
            }
            o.printf(Locale.ROOT, "ModelOpt NVFP4 layer %s written to %s%n", safetensorsLayer, st);
        }
        o.printf(Locale.ROOT, "%s: %d x %d -> %s.codes.npy, %s.scales.npy (%s, %d bytes), %s.global.npy (decode scale %s)%n",
                r.cliName(), rows, cols, out, out, l.cliName(), scales.length, out, t.globalDecode());
        o.flush();
        return 0;
    }
}
