package dev.fp4sim.verification.diagnose;

/**
 * The cuBLAS-style epilogue D = alpha · acc + beta · E, applied after the tensor core, in f32 on the
 * CUDA cores — not part of the tcgen05.mma result. Each product and the sum are separately rounded to
 * nearest even (no FMA contraction): an assumption, because kernels differ (a CUTLASS epilogue may
 * contract to fmaf(alpha, acc, beta · E)); with beta = 0 both give RNE(alpha · acc) exactly.
 * alpha for NVFP4 is usually the product of the global decode scales (ModelOpt: input_scale ·
 * weight_scale_2, ecosystem.md §2.2), itself rounded once: alpha = RNE(globalA · globalB).
 */
public record Epilogue(float alpha, float beta) {

    public static final Epilogue NONE = new Epilogue(1f, 0f);

    public boolean identity() {
        return Float.floatToRawIntBits(alpha) == Float.floatToRawIntBits(1f) && beta == 0f;
    }

    /** @param e f32 bits of E (M·N), or null when beta is 0 */
    public int[] apply(int[] acc, int[] e) {
        if (beta != 0f && (e == null || e.length != acc.length)) {
            throw new IllegalArgumentException("beta != 0 needs an E of " + acc.length + " elements");
        }
        int[] d = new int[acc.length];
        for (int i = 0; i < acc.length; i++) {
            float x = alpha * Float.intBitsToFloat(acc[i]);
            if (beta != 0f) {
                float y = beta * Float.intBitsToFloat(e[i]);
                x = x + y;
            }
            d[i] = Float.floatToRawIntBits(x);
        }
        return d;
    }
}
