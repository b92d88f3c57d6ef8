package dev.fp4sim.verification.cuda;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The bridge to the CUDA path (docs/cuda.md): finds nvcc and a GPU, compiles the programs of
 * verification/cuda into a cache keyed by source hash, writes FP4B batches, runs a program on
 * them and reads the results. Everything that needs a GPU reports its absence instead of
 * pretending to pass.
 */
public final class CudaPath {

    /** The three programs and the target each is built for. */
    public enum Program {
        EMULATE("emulate.cu", "sm_80"),
        PROBE_SM90("probe_sm90.cu", "sm_90a"),
        PROBE_SM100("probe_sm100.cu", "sm_100a");

        final String source;
        final String arch;

        Program(String source, String arch) {
            this.source = source;
            this.arch = arch;
        }

        public String source() {
            return source;
        }

        public String arch() {
            return arch;
        }
    }

    private final Path nvcc;
    private final Path sourceDir;
    private final Path cacheDir;

    private CudaPath(Path nvcc, Path sourceDir, Path cacheDir) {
        this.nvcc = nvcc;
        this.sourceDir = sourceDir;
        this.cacheDir = cacheDir;
    }

    /** nvcc from PATH, $CUDA_HOME/bin or /usr/local/cuda/bin. */
    public static Optional<Path> findNvcc() {
        List<Path> c = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                c.add(Path.of(d, "nvcc"));
            }
        }
        String home = System.getenv("CUDA_HOME");
        if (home != null) {
            c.add(Path.of(home, "bin", "nvcc"));
        }
        c.add(Path.of("/usr/local/cuda/bin/nvcc"));
        return c.stream().filter(Files::isExecutable).findFirst();
    }

    /** The GPUs nvidia-smi lists ("GPU 0: NVIDIA H100 ..."), empty when there is none or no driver. */
    public static List<String> gpus() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return List.of();
            }
            return out.lines().filter(l -> l.startsWith("GPU ")).toList();
        } catch (IOException | InterruptedException e) {
            return List.of();
        }
    }

    public static Optional<CudaPath> find(Path sourceDir, Path cacheDir) {
        return findNvcc().map(n -> new CudaPath(n, sourceDir, cacheDir));
    }

    public Path nvcc() {
        return nvcc;
    }

    public String nvccVersion() throws IOException, InterruptedException {
        String out = run(List.of(nvcc.toString(), "--version"));
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd.get(0) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + out);
        }
        return out;
    }

    private String key(Program p, String mode) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Files.readAllBytes(sourceDir.resolve(p.source)));
            md.update(Files.readAllBytes(sourceDir.resolve("fp4batch.h")));
            md.update((p.arch + mode).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Real-architecture code only: the tcgen05/wgmma probes need the arch-specific ("a") PTX target. */
    private static String gencode(Program p) {
        return "-gencode=arch=" + p.arch.replace("sm_", "compute_") + ",code=" + p.arch;
    }

    /** Compiles the program for its target to a cubin (device code only; no GPU needed). */
    public Path compileCubin(Program p) throws IOException, InterruptedException {
        Path out = cacheDir.resolve(p.name().toLowerCase() + "-" + key(p, "cubin") + ".cubin");
        if (!Files.exists(out)) {
            Files.createDirectories(cacheDir);
            run(List.of(nvcc.toString(), gencode(p), "-cubin", "-o", out.toString(), sourceDir.resolve(p.source).toString()));
        }
        return out;
    }

    /** Builds the program as an executable (host + device code). */
    public Path compileExecutable(Program p) throws IOException, InterruptedException {
        Path out = cacheDir.resolve(p.name().toLowerCase() + "-" + key(p, "exe"));
        if (!Files.exists(out)) {
            Files.createDirectories(cacheDir);
            run(List.of(nvcc.toString(), gencode(p), "-O2", "-o", out.toString(), sourceDir.resolve(p.source).toString()));
        }
        return out;
    }

    /** Runs a built program on a batch file; returns the D bits. */
    public static int[] runBatch(Path executable, Path batch, boolean cpu) throws IOException, InterruptedException {
        Path out = batch.resolveSibling(batch.getFileName() + ".out");
        List<String> cmd = new ArrayList<>(List.of(executable.toString()));
        if (cpu) {
            cmd.add("--cpu");
        }
        cmd.add(batch.toString());
        cmd.add(out.toString());
        run(cmd);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        int[] d = new int[b.remaining() / 4];
        for (int i = 0; i < d.length; i++) {
            d[i] = b.getInt();
        }
        return d;
    }
}
