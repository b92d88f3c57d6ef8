package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.desc.TmemAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * Tensor Memory of one CTA (PTX ISA §9.7.16.1, isa.md §4): 128 lanes × 512 columns of 32-bit
 * cells, allocated in whole columns with the rules of tcgen05.alloc/dealloc/relinquish_alloc_permit.
 * Violations throw {@link MachineException} naming the instruction; accesses outside an allocation
 * are errors too (checking mode of the machine issue).
 */
public final class TensorMemory {

    public static final int LANES = TmemAddress.LANES;
    public static final int COLUMNS = TmemAddress.COLUMNS;

    /** One live allocation: columns [start, start + columns). */
    public record Allocation(int start, int columns) {
    }

    private final int[] cells = new int[LANES * COLUMNS];
    private final List<Allocation> live = new ArrayList<>();
    private int lastAllocated = Integer.MAX_VALUE;
    private boolean relinquished;

    /**
     * tcgen05.alloc: a power of two in [32, 512] columns, not more than the previous allocation
     * ("the number of columns allocated should not increase between any two allocations"), first fit
     * at a multiple of its size (isa.md §4.2: the simulator's documented policy). A request that cannot
     * be met would block forever in a single-CTA run: reported as an error.
     *
     * @return the TMEM address (lane 0, first column)
     */
    public int alloc(int columns) {
        String op = "tcgen05.alloc";
        if (relinquished) {
            throw new MachineException(op, "no allocation is allowed after tcgen05.relinquish_alloc_permit");
        }
        if (columns < 32 || columns > COLUMNS || Integer.bitCount(columns) != 1) {
            throw new MachineException(op, columns + " columns: must be a power of 2 in 32..512");
        }
        if (columns > lastAllocated) {
            throw new MachineException(op, columns + " columns after an allocation of " + lastAllocated
                    + ": the number of columns must not increase between allocations");
        }
        for (int start = 0; start + columns <= COLUMNS; start += columns) {
            int s = start;
            if (live.stream().noneMatch(a -> a.start() < s + columns && s < a.start() + a.columns())) {
                live.add(new Allocation(start, columns));
                lastAllocated = columns;
                return new TmemAddress(0, start).encode();
            }
        }
        throw new MachineException(op, columns + " columns requested but only fragments are free "
                + live + ": the allocation would block forever (no other CTA can free them)");
    }

    /** tcgen05.dealloc: must name a live allocation exactly. */
    public void dealloc(int taddr, int columns) {
        TmemAddress a = TmemAddress.decode(taddr);
        Allocation want = new Allocation(a.column(), columns);
        if (a.lane() != 0 || !live.remove(want)) {
            throw new MachineException("tcgen05.dealloc", "(" + a + ", " + columns + " columns) is not a live allocation " + live);
        }
    }

    public void relinquishAllocPermit() {
        relinquished = true;
    }

    /** At kernel exit: every allocation must have been freed. */
    public void checkExit() {
        if (!live.isEmpty()) {
            throw new MachineException("exit", "TMEM still allocated at kernel exit: " + live + " (tcgen05.dealloc before exit)");
        }
    }

    public List<Allocation> allocations() {
        return List.copyOf(live);
    }

    private void check(String op, int lane, int column) {
        if (lane < 0 || lane >= LANES || column < 0 || column >= COLUMNS) {
            throw new MachineException(op, "lane " + lane + ", column " + column + " is outside tensor memory (128 x 512)");
        }
        if (live.stream().noneMatch(a -> column >= a.start() && column < a.start() + a.columns())) {
            throw new MachineException(op, "lane " + lane + ", column " + column + " is outside every allocation " + live);
        }
    }

    public int read(String op, int lane, int column) {
        check(op, lane, column);
        return cells[lane * COLUMNS + column];
    }

    public void write(String op, int lane, int column, int value) {
        check(op, lane, column);
        cells[lane * COLUMNS + column] = value;
    }
}
