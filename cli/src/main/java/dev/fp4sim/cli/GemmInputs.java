package dev.fp4sim.cli;

import dev.fp4sim.isa.layout.ScaleFactorLayout;
import dev.fp4sim.verification.diagnose.Fp4GemmProblem;
import dev.fp4sim.verification.io.NpyArray;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The inputs of a block-scaled FP4 GEMM as a kernel sees them (shared by gemm and compare). */
final class GemmInputs {

    @Option(names = "--a", paramLabel = "A.npy", description = "uint8 (M, K/2): packed e2m1, K-major, element 2i in the low nibble")
    Path a;
    @Option(names = "--b", paramLabel = "B.npy", description = "uint8 (N, K/2): Bᵀ packed the same way (the TN convention of cuBLAS FP4)")
    Path b;
    @Option(names = "--sfa", paramLabel = "SFA.npy", description = "uint8 scale bytes of A: (M, K/block) linear, or the tiled buffer (any shape) with --sf-layout cublas")
    Path sfa;
    @Option(names = "--sfb", paramLabel = "SFB.npy", description = "uint8 scale bytes of B, like --sfa")
    Path sfb;
    @Option(names = "--c", paramLabel = "C.npy", description = "float32 (M, N) initial accumulator (default: C = +0)")
    Path c;
    @Option(names = "--format", defaultValue = "nvfp4", description = "nvfp4 (ue4m3, block 16), mxfp4 (ue8m0, block 32) or nvfp4-ue8m0 (default ${DEFAULT-VALUE})")
    String format;
    @Option(names = "--sf-layout", defaultValue = "linear", description = "linear or cublas (128x4 tiled, isa.md §6) (default ${DEFAULT-VALUE})")
    String layout;

    boolean given() {
        return a != null || b != null || sfa != null || sfb != null;
    }

    Fp4GemmProblem load() {
        if (a == null || b == null || sfa == null || sfb == null) {
            throw new UserError("--a, --b, --sfa and --sfb are all required");
        }
        Fp4FormatOption f = Fp4FormatOption.parse(format);
        ScaleFactorLayout l = ScaleFactorLayout.byName(layout).orElseThrow(() ->
                new UserError("--sf-layout " + layout + ": expected linear or cublas"));
        NpyArray na = NpyFiles.uint8Matrix(a, "A");
        NpyArray nb = NpyFiles.uint8Matrix(b, "B");
        if (na.shape().length != 2 || nb.shape().length != 2) {
            throw new UserError((na.shape().length != 2 ? a : b) + ": shape must be (rows, K/2), found " + java.util.Arrays.toString((na.shape().length != 2 ? na : nb).shape()));
        }
        int m = (int) na.shape()[0];
        int n = (int) nb.shape()[0];
        int k = (int) na.shape()[1] * 2;
        if (nb.shape()[1] * 2 != k) {
            throw new UserError(b + ": has K/2 = " + nb.shape()[1] + " bytes per row but A has " + na.shape()[1]
                    + " (B must be given as Bᵀ, N rows of K/2 bytes)");
        }
        if (k % 64 != 0) {
            throw new UserError(a + ": K = " + k + " is not a multiple of 64 (one tcgen05.mma instruction); pad K with zeros");
        }
        byte[] sa = NpyFiles.uint8Matrix(sfa, "SFA").bytes();
        byte[] sb = NpyFiles.uint8Matrix(sfb, "SFB").bytes();
        int kb = k / f.block();
        long wantA = Fp4GemmProblem.scaleBytes(m, kb, l);
        long wantB = Fp4GemmProblem.scaleBytes(n, kb, l);
        if (sa.length != wantA) {
            throw new UserError(sfa + ": has " + sa.length + " bytes, but " + l.cliName() + " scales of " + m + " rows x " + kb
                    + " K-blocks (block " + f.block() + ") need " + wantA + hint(sa.length, m, kb, l));
        }
        if (sb.length != wantB) {
            throw new UserError(sfb + ": has " + sb.length + " bytes, but " + l.cliName() + " scales of " + n + " rows x " + kb
                    + " K-blocks (block " + f.block() + ") need " + wantB + hint(sb.length, n, kb, l));
        }
        int[] cBits = null;
        if (c != null) {
            NpyArray nc = NpyFiles.read(c);
            if (nc.kind() != 'f' || nc.itemSize() != 4 || nc.size() != (long) m * n) {
                throw new UserError(c + ": C must be float32 (" + m + ", " + n + "), found " + nc.describe());
            }
            cBits = nc.float32Bits();
        }
        return new Fp4GemmProblem(m, n, k, f.scale(), f.block(), na.bytes(), nb.bytes(), sa, sb, l, cBits);
    }

    private static String hint(int have, int rows, int kb, ScaleFactorLayout l) {
        long other = Fp4GemmProblem.scaleBytes(rows, kb, l == ScaleFactorLayout.LINEAR ? ScaleFactorLayout.CUBLAS : ScaleFactorLayout.LINEAR);
        if (have == other && have != Fp4GemmProblem.scaleBytes(rows, kb, l)) {
            return " (the size fits --sf-layout " + (l == ScaleFactorLayout.LINEAR ? "cublas" : "linear") + ")";
        }
        return "";
    }
}
