package dev.fp4sim.sim.profile;

/** The arithmetic algorithms of the MMA-Sim study (numerics-sources §2.2–2.4) plus exact integers. */
public enum Algorithm {
    /** T-FDPA: unscaled fused dot-add of products and C (tf32, f16/bf16, FP8/FP6/FP4 without scales). */
    T_FDPA,
    /** ST-FDPA: T-FDPA with one ue8m0 scale pair per 32-element block (kind::mxf8f6f4). */
    ST_FDPA,
    /** GST-FDPA: exactly summed 16-element groups, scaled, then fused (kind::mxf4, kind::mxf4nvf4). */
    GST_FDPA,
    /** Exact integer dot product with wrap-around or saturation (kind::i8). */
    INTEGER
}
