package dev.fp4sim.sim.machine;

/** Shared memory of one CTA: a byte array (up to 228 KiB on sm_100) read at bit granularity for sub-byte operands. */
public final class SharedMemory {

    public static final int MAX_BYTES = 228 * 1024;
    private final byte[] bytes;

    public SharedMemory(int size) {
        if (size <= 0 || size > MAX_BYTES) {
            throw new IllegalArgumentException("shared memory size " + size + " is not in 1..228 KiB");
        }
        bytes = new byte[size];
    }

    public int size() {
        return bytes.length;
    }

    public void write(int address, byte[] data) {
        if (address < 0 || address + data.length > bytes.length) {
            throw new MachineException("st.shared", "bytes [" + address + ", " + (address + data.length) + ") outside the " + bytes.length + "-byte shared memory");
        }
        System.arraycopy(data, 0, bytes, address, data.length);
    }

    public void writeBits(long bitAddress, int bits, int value) {
        for (int i = 0; i < bits; i++) {
            long b = bitAddress + i;
            int idx = (int) (b >>> 3);
            check(idx);
            int mask = 1 << (b & 7);
            bytes[idx] = (byte) (((value >>> i) & 1) != 0 ? bytes[idx] | mask : bytes[idx] & ~mask);
        }
    }

    /** {@code bits} bits starting at a bit address (little-endian within and across bytes). */
    public int readBits(long bitAddress, int bits) {
        int v = 0;
        for (int i = 0; i < bits; i++) {
            long b = bitAddress + i;
            int idx = (int) (b >>> 3);
            check(idx);
            v |= ((bytes[idx] >>> (b & 7)) & 1) << i;
        }
        return v;
    }

    private void check(int idx) {
        if (idx < 0 || idx >= bytes.length) {
            throw new MachineException("tcgen05.mma", "an operand descriptor reaches byte " + idx + ", outside the " + bytes.length + "-byte shared memory");
        }
    }
}
