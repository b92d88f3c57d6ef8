package dev.fp4sim.sim.machine;

import java.util.BitSet;
import java.util.List;

/**
 * What one asynchronous tcgen05 operation (mma, cp, shift, ld, st) reads and writes, so the executor's
 * checking mode can report hazards (isa.md §8): SMEM bytes read through the async proxy, one set per CTA
 * of the operation (index = rank within the CTA pair, 0 for cta_group::1), and TMEM rectangles.
 */
public record Footprint(BitSet[] smemReads, List<TmemRect> tmemReads, List<TmemRect> tmemWrites) {

    /** Lanes [lane0, lane0 + lanes) × columns [col0, col0 + cols) of the TMEM of CTA {@code cta} of the pair. */
    public record TmemRect(int cta, int lane0, int lanes, int col0, int cols) {
        public boolean overlaps(TmemRect o) {
            return cta == o.cta && lane0 < o.lane0 + o.lanes && o.lane0 < lane0 + lanes && col0 < o.col0 + o.cols && o.col0 < col0 + cols;
        }

        @Override
        public String toString() {
            return (cta != 0 ? "peer CTA " : "") + "lanes " + lane0 + ".." + (lane0 + lanes - 1) + ", columns " + col0 + ".." + (col0 + cols - 1);
        }
    }

    public static Footprint empty() {
        return new Footprint(new BitSet[] {new BitSet()}, List.of(), List.of());
    }
}
