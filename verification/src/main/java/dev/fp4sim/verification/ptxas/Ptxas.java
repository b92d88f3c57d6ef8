package dev.fp4sim.verification.ptxas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NVIDIA's assembler as an oracle of PTX validity: each line is placed in its own kernel (with the
 * register declarations nvcc conventionally uses) and assembled for a target. Many lines go through
 * one ptxas run; a fatal parse error stops ptxas, so that line is decided and the others run again.
 */
public final class Ptxas {

    private static final Pattern ERROR_LINE = Pattern.compile(", line (\\d+); (error|fatal)");

    private final Path executable;

    private Ptxas(Path executable) {
        this.executable = executable;
    }

    /** ptxas from PATH, $CUDA_HOME/bin or /usr/local/cuda/bin, if present. */
    public static Optional<Ptxas> find() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                candidates.add(Path.of(dir, "ptxas"));
            }
        }
        String cuda = System.getenv("CUDA_HOME");
        if (cuda != null) {
            candidates.add(Path.of(cuda, "bin", "ptxas"));
        }
        candidates.add(Path.of("/usr/local/cuda/bin/ptxas"));
        return candidates.stream().filter(Files::isExecutable).findFirst().map(Ptxas::new);
    }

    public Path executable() {
        return executable;
    }

    public String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    /** The kernel a single line is checked in: what ptxas sees for line i (registers named as nvcc names them). */
    public static String kernel(int index, String line) {
        return ".visible .entry k" + index + "()\n{\n  .reg .b32 %r<16>;\n  .reg .b64 %rd<16>;\n  .reg .b16 %rs<4>;\n"
                + "  .reg .pred %p<4>;\n  .reg .f32 %f<8>;\n  .reg .f64 %fd<4>;\n  .shared .align 16 .b8 smem[1024];\n  " + line + "\n  ret;\n}\n";
    }

    /** For each line, whether ptxas assembles it for the target. */
    public boolean[] verdicts(List<String> lines, String target, Path workDir) throws IOException, InterruptedException {
        boolean[] ok = new boolean[lines.size()];
        boolean[] decided = new boolean[lines.size()];
        int undecided = lines.size();
        int round = 0;
        while (undecided > 0) {
            StringBuilder src = new StringBuilder(".version 9.0\n.target " + target + "\n.address_size 64\n");
            List<Integer> order = new ArrayList<>();
            List<Integer> startLine = new ArrayList<>();
            int lineNo = 4;
            for (int i = 0; i < lines.size(); i++) {
                if (decided[i]) {
                    continue;
                }
                String k = kernel(i, lines.get(i));
                order.add(i);
                startLine.add(lineNo);
                src.append(k);
                lineNo += (int) k.chars().filter(c -> c == '\n').count();
            }
            Path file = workDir.resolve("corpus-" + target + "-" + round++ + ".ptx");
            Files.writeString(file, src.toString());
            Process p = new ProcessBuilder(executable.toString(), "-arch=" + target, file.toString(), "-o",
                    workDir.resolve("out.cubin").toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("ptxas timed out");
            }
            Set<Integer> bad = new HashSet<>();
            int fatal = -1;
            Matcher m = ERROR_LINE.matcher(out);
            while (m.find()) {
                int l = Integer.parseInt(m.group(1));
                int idx = kernelAt(startLine, l);
                bad.add(idx);
                if (m.group(2).equals("fatal")) {
                    fatal = Math.max(fatal, idx);
                }
            }
            if (fatal >= 0) {
                // A fatal parse error aborts ptxas before its later checks run on the other kernels:
                // only the fatal one is decided; the rest go round again.
                decided[order.get(fatal)] = true;
                ok[order.get(fatal)] = false;
                undecided--;
                continue;
            }
            // Some checks run only in a later ptxas phase, reached when no kernel had an earlier error:
            // kernels with errors are decided invalid; the others count as valid only after a clean run.
            for (int j = 0; j < order.size(); j++) {
                int i = order.get(j);
                if (bad.isEmpty() || bad.contains(j)) {
                    decided[i] = true;
                    ok[i] = !bad.contains(j);
                    undecided--;
                }
            }
        }
        return ok;
    }

    /** Whether ptxas assembles one whole module for a target (exit status 0); its messages in {@code log}. */
    public boolean accepts(Path module, String target, StringBuilder log) throws IOException, InterruptedException {
        Path cubin = module.resolveSibling(module.getFileName() + ".cubin");
        Process p = new ProcessBuilder(executable.toString(), "-arch=" + target, module.toString(), "-o", cubin.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("ptxas timed out on " + module);
        }
        Files.deleteIfExists(cubin);
        if (log != null) {
            log.append(out);
        }
        return p.exitValue() == 0;
    }

    private static int kernelAt(List<Integer> starts, int line) {
        int idx = 0;
        for (int j = 0; j < starts.size(); j++) {
            if (starts.get(j) <= line) {
                idx = j;
            }
        }
        return idx;
    }
}
