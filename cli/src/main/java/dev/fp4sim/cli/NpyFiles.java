package dev.fp4sim.cli;

import dev.fp4sim.verification.io.Npy;
import dev.fp4sim.verification.io.NpyArray;
import dev.fp4sim.verification.io.NpyFormatException;

import java.io.IOException;
import java.nio.file.Path;

/** .npy access for commands: every problem becomes a one-line UserError naming the file. */
final class NpyFiles {

    private NpyFiles() {
    }

    static NpyArray read(Path p) {
        try {
            return Npy.read(p);
        } catch (NpyFormatException e) {
            throw new UserError(e.getMessage());
        }
    }

    static void write(NpyArray a, Path p) {
        try {
            Npy.write(a, p);
        } catch (IOException e) {
            throw new UserError(p + ": cannot write (" + e.getMessage() + ")");
        }
    }

    /** A 2-D uint8 array, e.g. packed FP4 (rows, K/2). */
    static NpyArray uint8Matrix(Path p, String role) {
        NpyArray a = read(p);
        if (a.itemSize() != 1) {
            throw new UserError(p + ": " + role + " must be uint8 (packed FP4 / scale bytes), found " + a.dtype());
        }
        return a;
    }
}
