package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.desc.Swizzle;

/**
 * The TMA stand-in's tensor map (what cuTensorMapEncodeTiled describes; its 128-byte encoding is not
 * public, so the simulator keeps this record at the address the kernel receives). A 1- or 2-D tensor
 * of {@code elementBytes}-byte elements: dim0 is contiguous; row {@code i} of dim1 starts
 * {@code rowStrideBytes} after row {@code i-1}. A box of {@code box0 × box1} elements lands in shared
 * memory row after row, each row {@code box0 · elementBytes} bytes, with the swizzle applied to the
 * absolute shared address (the same XOR the MMA's descriptor undoes, isa.md §3.3). Elements outside
 * the tensor are filled with zeros, as TMA does.
 */
public record TensorMap(long globalAddress, int elementBytes, long dim0, long dim1, long rowStrideBytes, int box0, int box1, Swizzle swizzle) {

    public TensorMap {
        if (elementBytes != 1 && elementBytes != 2 && elementBytes != 4 && elementBytes != 8) {
            throw new IllegalArgumentException("tensor map: element size " + elementBytes + " bytes (1, 2, 4 or 8)");
        }
        if (box0 < 1 || box0 > 256 || box1 < 1 || box1 > 256) {
            throw new IllegalArgumentException("tensor map: box " + box0 + "x" + box1 + " (each side 1..256 elements)");
        }
        if (swizzle != Swizzle.NONE && box0 * elementBytes != swizzle.bytes()) {
            throw new IllegalArgumentException("tensor map: the inner box (" + box0 * elementBytes + " bytes) must equal the swizzle width ("
                    + swizzle.bytes() + " bytes); other inner sizes are not modelled");
        }
        if (rowStrideBytes < dim0 * elementBytes && dim1 > 1) {
            throw new IllegalArgumentException("tensor map: row stride " + rowStrideBytes + " bytes is less than a row (" + dim0 * elementBytes + " bytes)");
        }
    }

    public int boxBytes() {
        return box0 * box1 * elementBytes;
    }
}
