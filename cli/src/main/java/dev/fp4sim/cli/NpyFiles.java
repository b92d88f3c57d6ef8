package dev.fp4sim.cli;

import dev.fp4sim.verification.io.Npy;
import dev.fp4sim.verification.io.NpyArray;
import dev.fp4sim.verification.io.NpyFormatException;
import dev.fp4sim.verification.io.SafeTensor;
import dev.fp4sim.verification.io.Safetensors;
import dev.fp4sim.verification.io.SafetensorsFormatException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Array access for commands: a {@code .npy} file, or one tensor of a safetensors file written
 * {@code FILE.safetensors:TENSOR} (e.g. {@code model.safetensors:model.layers.0.mlp.down_proj.weight}).
 * Every problem becomes a one-line UserError naming the file.
 */
final class NpyFiles {

    private static final String ST = ".safetensors:";

    private NpyFiles() {
    }

    static NpyArray read(Path p) {
        String s = p.toString();
        int i = s.indexOf(ST);
        if (i >= 0) {
            String file = s.substring(0, i + ST.length() - 1);
            String name = s.substring(i + ST.length());
            Safetensors.Contents c = safetensors(Path.of(file));
            SafeTensor t = c.get(name);
            if (t == null) {
                throw new UserError(file + ": tensor '" + name + "': not found (" + c.tensors().size() + " tensors, e.g. "
                        + String.join(", ", c.tensors().keySet().stream().limit(4).toList()) + ")");
            }
            try {
                return t.toNpy();
            } catch (IllegalArgumentException e) {
                throw new UserError(file + ": tensor '" + name + "': " + e.getMessage());
            }
        }
        try {
            return Npy.read(p);
        } catch (NpyFormatException e) {
            throw new UserError(e.getMessage());
        }
    }

    static Safetensors.Contents safetensors(Path p) {
        try {
            return Safetensors.read(p);
        } catch (SafetensorsFormatException e) {
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

    /** A scalar: a number, or a one-element float array (.npy or FILE.safetensors:TENSOR). */
    static float scalar(String arg, String option) {
        try {
            return Float.parseFloat(arg);
        } catch (NumberFormatException notANumber) {
            NpyArray a = read(Path.of(arg));
            if (a.size() != 1 || (a.kind() != 'f' && a.kind() != 'V')) {
                throw new UserError(arg + ": " + option + " must be a number or a one-element float array, found " + a.describe());
            }
            return a.floats(a.kind() == 'V')[0];
        }
    }
}
