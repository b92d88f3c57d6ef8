package dev.fp4sim.sim.quant;

import dev.fp4sim.isa.format.FloatFormat;

import java.util.Locale;
import java.util.Optional;

/**
 * Named FP4 quantisation recipes, each as its library computes it in f32 (numerics-sources §4.2–4.6).
 * Where the libraries differ, each is its own recipe so a user can say which one their data came from.
 */
public enum QuantRecipe {
    /**
     * NVFP4, TransformerEngine: S_enc = 2688 / amax (1 if amax or S_enc is 0); block scale
     * e4m3(RNE, satfinite)(block_amax · (S_enc · (1/6))); element encode = min(1 / (s_b · (1/S_enc)), FLT_MAX);
     * e2m1(RNE, satfinite)(x · encode). Global decode = 1/S_enc.
     */
    NVFP4_TE("nvfp4-te", FloatFormat.UE4M3, 16),
    /**
     * NVFP4, ModelOpt: scale_2 = amax / 2688; block scale = e4m3(RNE)(block_amax / (6 · scale_2)), zero
     * blocks → 1.0, no clamp (above 448 → NaN, as torch's cast); element e2m1(RNE, satfinite)(x / (s_b · scale_2)).
     */
    NVFP4_MODELOPT("nvfp4-modelopt", FloatFormat.UE4M3, 16),
    /**
     * NVFP4, torchao: per-tensor scale amax / 2688; block scale e4m3(RNE)(clamp((block_amax / 6) / scale, 2^−6, 448));
     * element e2m1(RNE, satfinite)(x · ((1 / scale) / s_b)).
     */
    NVFP4_TORCHAO("nvfp4-torchao", FloatFormat.UE4M3, 16),
    /** MXFP4, OCP MX v1.0 ("FLOOR"): X = 2^(floor(log2 amax) − 2), clamped to [−127, 127]; e2m1(RNE, satfinite)(x / X). */
    MXFP4_OCP("mxfp4-ocp", FloatFormat.UE8M0, 32),
    /** MXFP4, cuBLAS/torchao "RCEIL": X = 2^ceil(log2(amax / 6)) (cvt.rp.ue8m0 of amax/6), clamped; elements as OCP. */
    MXFP4_RCEIL("mxfp4-rceil", FloatFormat.UE8M0, 32);

    private final String cliName;
    private final FloatFormat scaleFormat;
    private final int blockSize;

    QuantRecipe(String cliName, FloatFormat scaleFormat, int blockSize) {
        this.cliName = cliName;
        this.scaleFormat = scaleFormat;
        this.blockSize = blockSize;
    }

    public String cliName() {
        return cliName;
    }

    public FloatFormat scaleFormat() {
        return scaleFormat;
    }

    public int blockSize() {
        return blockSize;
    }

    public boolean nvfp4() {
        return scaleFormat == FloatFormat.UE4M3;
    }

    public static Optional<QuantRecipe> byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("nvfp4")) {
            return Optional.of(NVFP4_TE);
        }
        if (n.equals("mxfp4")) {
            return Optional.of(MXFP4_OCP);
        }
        for (QuantRecipe r : values()) {
            if (r.cliName.equals(n)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
