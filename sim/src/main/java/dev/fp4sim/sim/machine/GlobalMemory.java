package dev.fp4sim.sim.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Device global memory as a set of buffers at distinct 64-bit addresses (as cudaMalloc would hand
 * them out, 256-byte aligned), plus the tensor-map objects of the TMA stand-in. An access outside
 * every buffer is an error naming the instruction, never a silent read of zeros.
 */
public final class GlobalMemory {

    /** First buffer address: far from 0 so a kernel that uses an unset pointer faults. */
    private static final long BASE = 0x7f00_0000_0000L;
    /** Tensor maps live in their own range; the kernel only passes their address to cp.async.bulk.tensor. */
    private static final long TMAP_BASE = 0x7e00_0000_0000L;

    private final TreeMap<Long, byte[]> buffers = new TreeMap<>();
    private final Map<Long, String> names = new TreeMap<>();
    private final Map<Long, TensorMap> tensorMaps = new TreeMap<>();
    private long next = BASE;

    /** A zeroed buffer of {@code size} bytes; returns its address. */
    public long allocate(String name, long size) {
        if (size <= 0 || size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("buffer '" + name + "': size " + size + " bytes is not in 1..2 GiB");
        }
        long addr = next;
        buffers.put(addr, new byte[(int) size]);
        names.put(addr, name);
        next = (addr + size + 255) & ~255L;
        next += 256;   // a guard gap: running off the end of one buffer does not land in the next
        return addr;
    }

    public long upload(String name, byte[] data) {
        long a = allocate(name, Math.max(1, data.length));
        System.arraycopy(data, 0, buffers.get(a), 0, data.length);
        return a;
    }

    public byte[] download(long address, int size) {
        Map.Entry<Long, byte[]> e = find("read", address, size);
        byte[] out = new byte[size];
        System.arraycopy(e.getValue(), (int) (address - e.getKey()), out, 0, size);
        return out;
    }

    public long registerTensorMap(TensorMap map) {
        long a = TMAP_BASE + 128L * tensorMaps.size();
        tensorMaps.put(a, map);
        return a;
    }

    public TensorMap tensorMap(String op, long address) {
        TensorMap m = tensorMaps.get(address);
        if (m == null) {
            throw new MachineException(op, String.format("0x%x is not the address of a tensor map (pass the address the launcher gave for a --tmap argument)", address));
        }
        return m;
    }

    private Map.Entry<Long, byte[]> find(String op, long address, int size) {
        Map.Entry<Long, byte[]> e = buffers.floorEntry(address);
        if (e == null || address + size > e.getKey() + e.getValue().length) {
            String near = e == null ? "below every buffer" : String.format("%d bytes past the start of buffer '%s' (%d bytes)",
                    address - e.getKey(), names.get(e.getKey()), e.getValue().length);
            throw new MachineException(op, String.format("global address 0x%x (%d bytes) is outside every buffer: %s", address, size, near));
        }
        return e;
    }

    /** Little-endian read of 1, 2, 4 or 8 bytes. */
    public long read(String op, long address, int size) {
        Map.Entry<Long, byte[]> e = find(op, address, size);
        byte[] b = e.getValue();
        int off = (int) (address - e.getKey());
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xFF);
        }
        return v;
    }

    public void write(String op, long address, int size, long value) {
        Map.Entry<Long, byte[]> e = find(op, address, size);
        byte[] b = e.getValue();
        int off = (int) (address - e.getKey());
        for (int i = 0; i < size; i++) {
            b[off + i] = (byte) (value >>> (8 * i));
        }
    }

    /** Buffers as (name, address, size), for reports. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        buffers.forEach((a, b) -> out.add(String.format("%s at 0x%x, %d bytes", names.get(a), a, b.length)));
        return out;
    }
}
