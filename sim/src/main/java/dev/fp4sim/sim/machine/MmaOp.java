package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.mma.MmaKind;

/**
 * One tcgen05.mma with its operands resolved to values (isa.md §1.1): what the executor hands the
 * {@link TensorCore}. Addresses are as the program passes them: TMEM addresses are 32-bit
 * lane/column words (scale-factor addresses may carry CUTLASS's byte index in bits 30–31), descriptors
 * are the 64-bit SMEM words and the 32-bit instruction descriptor.
 *
 * @param arch              target, e.g. "sm_100a" (selects the datapath profile)
 * @param ctaGroup          1 or 2 (.cta_group::N)
 * @param scaleBlock        16 or 32 from .block16/.block32/.scale_vec::NX; 0 when not block-scaled or left to the kind
 * @param aFromTmem         A is [a-tmem] (then {@code a} is a TMEM address) rather than a-desc
 * @param a                 a-desc or a-tmem
 * @param sfaTmem           scale-A TMEM address (block-scaled kinds), else 0
 * @param sfbTmem           scale-B TMEM address (block-scaled kinds), else 0
 * @param spMetaTmem        sparse-metadata TMEM address (.sp), else 0
 * @param scaleInputD       0..15 (kind::f16/tf32 only), 0 when absent
 * @param disableOutputLane 4 (cta_group::1) or 8 (cta_group::2) words, or null when absent
 */
public record MmaOp(String arch, MmaKind kind, int ctaGroup, int scaleBlock, boolean ws, boolean sparse,
                    int dTmem, boolean aFromTmem, long a, long bDesc, int idesc,
                    int sfaTmem, int sfbTmem, int spMetaTmem, boolean enableInputD, int scaleInputD, int[] disableOutputLane) {
}
