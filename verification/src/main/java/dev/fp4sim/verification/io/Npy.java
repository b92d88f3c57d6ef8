package dev.fp4sim.verification.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0–3.0, NEP 1): C or Fortran order,
 * little- or big-endian on read; writes version 1.0, C order, little-endian. Errors are
 * {@link NpyFormatException}s of one line naming the file, the field and the reason.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static NpyArray read(Path path) throws NpyFormatException {
        byte[] all;
        try {
            all = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new NpyFormatException(path + ": no such file");
        } catch (IOException e) {
            throw new NpyFormatException(path + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(path.toString(), all);
    }

    static NpyArray parse(String name, byte[] all) throws NpyFormatException {
        if (all.length < 10) {
            throw new NpyFormatException(name + ": not a .npy file (too short)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (all[i] != MAGIC[i]) {
                throw new NpyFormatException(name + ": not a .npy file (magic bytes missing; save with numpy.save)");
            }
        }
        int major = all[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = (all[8] & 0xFF) | (all[9] & 0xFF) << 8;
            start = 10;
        } else if (major == 2 || major == 3) {
            headerLen = (all[8] & 0xFF) | (all[9] & 0xFF) << 8 | (all[10] & 0xFF) << 16 | (all[11] & 0xFF) << 24;
            start = 12;
        } else {
            throw new NpyFormatException(name + ": header: unsupported .npy format version " + major);
        }
        if (start + headerLen > all.length) {
            throw new NpyFormatException(name + ": header: length " + headerLen + " runs past the end of the file");
        }
        String header = new String(all, start, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        if (!d.find()) {
            throw new NpyFormatException(name + ": header field 'descr': missing or not a simple dtype (structured arrays are not supported): " + header.strip());
        }
        boolean bigEndian = d.group(1).equals(">");
        char kind = d.group(2).charAt(0);
        int item = Integer.parseInt(d.group(3));
        if ("uifbV".indexOf(kind) < 0 || item < 1 || item > 8) {
            throw new NpyFormatException(name + ": header field 'descr': dtype " + d.group(2) + d.group(3) + " is not supported (uint8, int8, float16, bfloat16, float32, float64, int32)");
        }
        Matcher f = FORTRAN.matcher(header);
        if (!f.find()) {
            throw new NpyFormatException(name + ": header field 'fortran_order': missing");
        }
        boolean fortran = f.group(1).equals("True");
        Matcher s = SHAPE.matcher(header);
        if (!s.find()) {
            throw new NpyFormatException(name + ": header field 'shape': missing");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                try {
                    dims.add(Long.parseLong(part.trim()));
                } catch (NumberFormatException e) {
                    throw new NpyFormatException(name + ": header field 'shape': '" + part.trim() + "' is not a number");
                }
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long dim : shape) {
            n *= dim;
        }
        int dataStart = start + headerLen;
        if ((long) dataStart + n * item != all.length) {
            throw new NpyFormatException(name + ": data: expected " + n * item + " bytes for shape " + java.util.Arrays.toString(shape)
                    + " of " + kind + item + ", found " + (all.length - dataStart));
        }
        byte[] data = new byte[(int) (n * item)];
        System.arraycopy(all, dataStart, data, 0, data.length);
        if (bigEndian && item > 1) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < item / 2; j++) {
                    byte t = data[i * item + j];
                    data[i * item + j] = data[i * item + item - 1 - j];
                    data[i * item + item - 1 - j] = t;
                }
            }
        }
        if (fortran && shape.length > 1) {
            data = fortranToC(data, shape, item);
        }
        return new NpyArray(kind, item, shape, data);
    }

    private static byte[] fortranToC(byte[] data, long[] shape, int item) {
        int n = data.length / item;
        byte[] out = new byte[data.length];
        int dims = shape.length;
        int[] idx = new int[dims];
        for (int c = 0; c < n; c++) {
            // c is the C-order linear index; compute the Fortran-order index of the same element
            int rem = c;
            for (int k = dims - 1; k >= 0; k--) {
                idx[k] = (int) (rem % shape[k]);
                rem /= (int) shape[k];
            }
            int fIdx = 0;
            for (int k = dims - 1; k >= 0; k--) {
                fIdx = (int) (fIdx * shape[k] + idx[k]);
            }
            System.arraycopy(data, fIdx * item, out, c * item, item);
        }
        return out;
    }

    public static void write(NpyArray a, Path path) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < a.shape().length; i++) {
            shape.append(a.shape()[i]).append(a.shape().length == 1 ? "," : i + 1 < a.shape().length ? ", " : "");
        }
        shape.append(')');
        String descr = (a.itemSize() == 1 ? "|" : "<") + a.kind() + a.itemSize();
        StringBuilder h = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }");
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] header = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + header.length + a.data().length];
        System.arraycopy(MAGIC, 0, out, 0, 6);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) header.length;
        out[9] = (byte) (header.length >>> 8);
        System.arraycopy(header, 0, out, 10, header.length);
        System.arraycopy(a.data(), 0, out, 10 + header.length, a.data().length);
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(path, out);
    }
}
