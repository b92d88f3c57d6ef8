package dev.fp4sim.verification.cuda;

import dev.fp4sim.isa.mma.MmaVariant;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The bridge to the CUDA path (docs/cuda.md): finds {@code nvcc} (PATH, then {@code CUDA_HOME/bin})
 * and a GPU ({@code nvidia-smi}), compiles the programs of {@link CudaProgram} into a cache
 * directory keyed by a hash of their sources, the target and the nvcc version, runs them on
 * batches ({@link CudaBatch}) and parses the results. Every "not available" answer carries a
 * one-line reason, so a test can skip with it instead of passing silently.
 */
public final class CudaPath {

    /** Where the .cu sources are on the class path (copied there from verification/cuda by the build). */
    static final String RESOURCE_DIR = "/dev/fp4sim/verification/cuda/src/";
    private static final long COMPILE_TIMEOUT_S = 600;
    private static final long RUN_TIMEOUT_S = 1800;

    /** A GPU as nvidia-smi reports it. */
    public record Gpu(String name, String computeCapability, String driverVersion) {

        /** Major version of the compute capability ("9.0" → 9), or -1 if unparsable. */
        public int major() {
            try {
                return Integer.parseInt(computeCapability.substring(0, computeCapability.indexOf('.')));
            } catch (RuntimeException e) {
                return -1;
            }
        }

        /** The nvcc target for this GPU: sm_90a / sm_100a for the arch-specific features, else sm_XY. */
        public String arch() {
            String digits = computeCapability.replace(".", "");
            return "sm_" + digits + (digits.equals("90") || digits.equals("100") || digits.equals("103") ? "a" : "");
        }
    }

    private final Path nvcc;
    private final String nvccVersion;
    private final String noNvccReason;
    private final Gpu gpu;
    private final String noGpuReason;
    private final Path cacheDir;

    private CudaPath(Path nvcc, String nvccVersion, String noNvccReason, Gpu gpu, String noGpuReason, Path cacheDir) {
        this.nvcc = nvcc;
        this.nvccVersion = nvccVersion;
        this.noNvccReason = noNvccReason;
        this.gpu = gpu;
        this.noGpuReason = noGpuReason;
        this.cacheDir = cacheDir;
    }

    /** Looks at this process's environment; cache in {@link #defaultCacheDir()}. */
    public static CudaPath detect() {
        return detect(System.getenv(), defaultCacheDir());
    }

    /**
     * Looks for nvcc and a GPU using the given environment variables (PATH, CUDA_HOME) only, so that
     * tests can present a machine without CUDA.
     */
    public static CudaPath detect(Map<String, String> env, Path cacheDir) {
        Path nvcc = null;
        String version = null;
        String noNvcc = null;
        Optional<Path> found = onPath(env, "nvcc");
        if (found.isEmpty() && env.get("CUDA_HOME") != null) {
            Path p = Path.of(env.get("CUDA_HOME"), "bin", "nvcc");
            found = Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        if (found.isEmpty()) {
            noNvcc = "nvcc not found on PATH" + (env.get("CUDA_HOME") == null ? " and CUDA_HOME is not set"
                    : " nor in CUDA_HOME/bin (" + env.get("CUDA_HOME") + ")");
        } else {
            try {
                Result r = exec(List.of(found.get().toString(), "--version"), null, 60);
                if (r.status != 0) {
                    noNvcc = found.get() + " --version failed: " + firstLine(r.output);
                } else {
                    nvcc = found.get();
                    version = releaseLine(r.output);
                }
            } catch (IOException e) {
                noNvcc = "cannot run " + found.get() + ": " + e.getMessage();
            }
        }
        Gpu gpu = null;
        String noGpu = null;
        Optional<Path> smi = onPath(env, "nvidia-smi");
        if (smi.isEmpty()) {
            noGpu = "no GPU: nvidia-smi not found on PATH";
        } else {
            try {
                Result r = exec(List.of(smi.get().toString(), "--query-gpu=name,compute_cap,driver_version",
                        "--format=csv,noheader"), null, 60);
                String line = firstLine(r.output);
                String[] f = line.split(",");
                if (r.status != 0 || f.length < 3) {
                    noGpu = "no GPU: nvidia-smi " + (r.status != 0 ? "exited " + r.status : "printed no GPU") + ": " + line;
                } else {
                    gpu = new Gpu(f[0].trim(), f[1].trim(), f[2].trim());
                }
            } catch (IOException e) {
                noGpu = "no GPU: cannot run nvidia-smi: " + e.getMessage();
            }
        }
        return new CudaPath(nvcc, version, noNvcc, gpu, noGpu, cacheDir);
    }

    /** {@code $FP4SIM_CUDA_CACHE}, else {@code $XDG_CACHE_HOME/fp4sim/cuda}, else {@code ~/.cache/fp4sim/cuda}. */
    public static Path defaultCacheDir() {
        String explicit = System.getenv("FP4SIM_CUDA_CACHE");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("fp4sim").resolve("cuda");
    }

    public Optional<Path> nvcc() {
        return Optional.ofNullable(nvcc);
    }

    /** nvcc's release line, e.g. "Cuda compilation tools, release 13.0, V13.0.88". */
    public Optional<String> nvccVersion() {
        return Optional.ofNullable(nvccVersion);
    }

    /** Why there is no nvcc; empty when there is one. */
    public Optional<String> noNvccReason() {
        return Optional.ofNullable(noNvccReason);
    }

    public Optional<Gpu> gpu() {
        return Optional.ofNullable(gpu);
    }

    /** Why there is no GPU; empty when there is one. */
    public Optional<String> noGpuReason() {
        return Optional.ofNullable(noGpuReason);
    }

    public Path cacheDir() {
        return cacheDir;
    }

    /** ptxas next to nvcc (the toolkit's own), else on PATH. */
    public Optional<Path> ptxas() {
        if (nvcc == null) {
            return Optional.empty();
        }
        Path sibling = nvcc.resolveSibling("ptxas");
        return Files.isExecutable(sibling) ? Optional.of(sibling) : onPath(System.getenv(), "ptxas");
    }

    /** The text of a program's source file or of the shared header, from the class path. */
    public static String source(String file) {
        try (InputStream in = CudaPath.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("CUDA source " + file + " is not on the class path under " + RESOURCE_DIR);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a compile produces. */
    public enum Output {
        /** A host executable (nvcc -O2 -o). */
        EXECUTABLE,
        /** Device code only (nvcc -cubin), the compile check of plain mvn verify. */
        CUBIN,
        /** PTX (nvcc -ptx), then assembled by ptxas for the same target: checks the inline PTX. */
        PTX_PTXAS
    }

    /**
     * Compiles a program for {@code arch} unless the cache already holds the result for the same
     * sources, target, output and nvcc version. Returns the produced file.
     */
    public Path compile(CudaProgram program, String arch, Output output) throws CudaException {
        if (nvcc == null) {
            throw new CudaException(noNvccReason);
        }
        if (!arch.matches("sm_[0-9]+[af]?")) {
            throw new IllegalArgumentException("not an nvcc target: " + arch);
        }
        String header = source(CudaProgram.HEADER);
        String src = source(program.sourceFile());
        String key = hash(header, src, arch, output.name(), nvccVersion);
        Path dir = cacheDir.resolve(program.programName() + "-" + arch + "-" + output.name().toLowerCase(Locale.ROOT) + "-" + key);
        String product = switch (output) {
            case EXECUTABLE -> program.programName();
            case CUBIN -> program.programName() + ".cubin";
            case PTX_PTXAS -> program.programName() + ".ptxas.cubin";
        };
        Path result = dir.resolve(product);
        if (Files.isRegularFile(result)) {
            return result;
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(CudaProgram.HEADER), header);
            Path cu = dir.resolve(program.sourceFile());
            Files.writeString(cu, src);
            Path tmp = dir.resolve(product + ".tmp");
            List<String> cmd = new ArrayList<>(List.of(nvcc.toString(), "-std=c++17", "-arch=" + arch));
            switch (output) {
                case EXECUTABLE -> cmd.addAll(List.of("-O2", "-o", tmp.toString(), cu.toString()));
                case CUBIN -> cmd.addAll(List.of("-cubin", "-o", tmp.toString(), cu.toString()));
                case PTX_PTXAS -> cmd.addAll(List.of("-ptx", "-o", dir.resolve(program.programName() + ".ptx").toString(), cu.toString()));
            }
            run(cmd, dir, "nvcc " + program.sourceFile() + " for " + arch);
            if (output == Output.PTX_PTXAS) {
                Path ptxas = ptxas().orElseThrow(() -> new CudaException("ptxas not found next to " + nvcc + " nor on PATH"));
                run(List.of(ptxas.toString(), "-arch=" + arch, "-o", tmp.toString(),
                        dir.resolve(program.programName() + ".ptx").toString()), dir, "ptxas " + program.programName() + ".ptx for " + arch);
            }
            Files.move(tmp, result, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return result;
        } catch (IOException e) {
            throw new CudaException("cannot compile " + program.sourceFile() + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Runs a batch through a program built for {@code arch}; returns the D bits per case. */
    public int[] run(CudaProgram program, String arch, MmaVariant v, int k, CudaBatch.Options options,
                     List<CudaBatch.Case> cases) throws CudaException {
        return run(program, arch, v, k, options, cases, false);
    }

    /**
     * Runs {@code emulate --cpu}: the emulator's arithmetic on the host, no GPU needed (the
     * functions are compiled for host and device from the same source).
     */
    public int[] runEmulateOnCpu(MmaVariant v, int k, CudaBatch.Options options, List<CudaBatch.Case> cases) throws CudaException {
        return run(CudaProgram.EMULATE, CudaProgram.EMULATE.checkArch(), v, k, options, cases, true);
    }

    private int[] run(CudaProgram program, String arch, MmaVariant v, int k, CudaBatch.Options options,
                      List<CudaBatch.Case> cases, boolean cpu) throws CudaException {
        if (!cpu && gpu == null) {
            throw new CudaException(noGpuReason);
        }
        Path exe = compile(program, arch, Output.EXECUTABLE);
        try {
            Path work = Files.createTempDirectory("fp4sim-cuda-");
            try {
                Path in = work.resolve("in.batch");
                Path out = work.resolve("out.result");
                CudaBatch.write(in, CudaBatch.encode(v, k, options, cases));
                List<String> cmd = new ArrayList<>(List.of(exe.toString()));
                if (cpu) {
                    cmd.add("--cpu");
                }
                cmd.add(in.toString());
                cmd.add(out.toString());
                run(cmd, work, program.programName() + (cpu ? " --cpu" : ""));
                return CudaBatch.decodeResults(Files.readAllBytes(out), cases.size(), program.programName());
            } finally {
                for (String f : new String[]{"in.batch", "out.result"}) {
                    Files.deleteIfExists(work.resolve(f));
                }
                Files.deleteIfExists(work);
            }
        } catch (IOException e) {
            throw new CudaException("cannot run " + program.programName() + ": " + e.getMessage(), e);
        }
    }

    private static void run(List<String> cmd, Path dir, String what) throws CudaException, IOException {
        Result r = exec(cmd, dir, cmd.get(0).endsWith("nvcc") || cmd.get(0).endsWith("ptxas") ? COMPILE_TIMEOUT_S : RUN_TIMEOUT_S);
        if (r.status != 0) {
            String meaning = switch (r.status) {
                case 2 -> " (unsupported or malformed batch)";
                case 3 -> " (no suitable CUDA device)";
                case 4 -> " (CUDA runtime error)";
                default -> "";
            };
            throw new CudaException(what + " exited " + r.status + meaning + ": " + r.output.strip());
        }
    }

    private record Result(int status, String output) {
    }

    private static Result exec(List<String> cmd, Path dir, long timeoutSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(buf);
            } catch (IOException ignored) {
                // the process died; its status says why
            }
        });
        reader.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                reader.join(1000);
                return new Result(124, "timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
            }
            reader.join();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + cmd.get(0), e);
        }
        return new Result(p.exitValue(), buf.toString(StandardCharsets.UTF_8));
    }

    private static Optional<Path> onPath(Map<String, String> env, String tool) {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    private static String releaseLine(String versionOutput) {
        for (String line : versionOutput.split("\n")) {
            if (line.contains("release")) {
                return line.strip();
            }
        }
        return firstLine(versionOutput);
    }

    private static String hash(String... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String s : parts) {
                md.update(String.valueOf(s).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
