package dev.fp4sim.cli;

import dev.fp4sim.isa.format.FloatFormat;

import java.util.Locale;

/** The block-scaled FP4 formats users name: NVFP4, MXFP4 and NVFP4 with ue8m0 scales. */
record Fp4FormatOption(String name, String kind, FloatFormat scale, int block) {

    static Fp4FormatOption parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "nvfp4" -> new Fp4FormatOption("nvfp4", "mxf4nvf4", FloatFormat.UE4M3, 16);
            case "mxfp4" -> new Fp4FormatOption("mxfp4", "mxf4", FloatFormat.UE8M0, 32);
            case "nvfp4-ue8m0", "mxf4nvf4-ue8m0-block16" -> new Fp4FormatOption("nvfp4-ue8m0", "mxf4nvf4", FloatFormat.UE8M0, 16);
            default -> throw new UserError("--format " + s + ": expected nvfp4 (ue4m3, block 16), mxfp4 (ue8m0, block 32) or nvfp4-ue8m0");
        };
    }
}
