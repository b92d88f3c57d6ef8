package dev.fp4sim.cli;

import dev.fp4sim.isa.ptx.PtxError;
import dev.fp4sim.isa.ptx.PtxParser;
import dev.fp4sim.isa.ptx.PtxStatement;
import dev.fp4sim.isa.ptx.PtxSyntaxException;
import dev.fp4sim.isa.ptx.PtxTarget;
import dev.fp4sim.isa.ptx.PtxValidator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "check",
        description = {
                "Check PTX files for a target: whole modules (.version/.target/.entry) or bare instruction lines.",
                "Covers the tcgen05 family (mma in every form, alloc, dealloc, relinquish_alloc_permit, ld, st,",
                "cp, shift, commit, wait, fence), mbarrier, cp.async.bulk.tensor, fence.proxy.async, bar and",
                "mov/add/setp. Verdicts agree with NVIDIA ptxas (CUDA 13) on the project's corpus for every",
                "target (docs/isa.md), so a kernel can be checked where no CUDA toolkit is installed.",
                "The target is each file's .target directive (sm_100a if it has none) unless --arch is given.",
                "Registers: as declared by .reg; bare lines assume nvcc's %r (32-bit), %rd (64-bit), %rs",
                "(16-bit), %p (predicate).",
                "Output: every error as FILE:LINE:COL: message, then one line per file: FILE: OK or FILE: N errors.",
                "",
                "Examples:",
                "  fp4sim isa check kernel.ptx",
                "  fp4sim isa check kernels/*.ptx --arch sm_100f"},
        footer = {"", "Exit status: 0 all files valid, 1 some file has errors, 2 unreadable input or bad option."})
final class IsaCheckCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE.ptx", arity = "1..*", description = "PTX modules or lines ('-' reads standard input)")
    List<String> files;
    @Option(names = {"--arch", "--target"}, paramLabel = "TARGET",
            description = "sm_100a, sm_100f, sm_103a, sm_110a or sm_120a: overrides every file's .target")
    String arch;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PtxTarget override = arch == null ? null
                : PtxTarget.byName(arch).orElseThrow(() -> new UserError("--arch " + arch + ": expected one of " + PtxTarget.names()));
        int failed = 0;
        for (int i = 0; i < files.size(); i++) {
            String file = files.get(i);
            int errors = check(file, read(file), override, out);
            out.println(file + (errors == 0 ? ": OK" : ": " + errors + (errors == 1 ? " error" : " errors")));
            failed += errors == 0 ? 0 : 1;
            if (files.size() >= 200 && (i + 1) % 200 == 0) {
                System.err.printf("isa check: %d of %d files%n", i + 1, files.size());
            }
        }
        if (files.size() > 1) {
            out.println(files.size() + " files: " + (files.size() - failed) + " OK, " + failed + " with errors");
        }
        out.flush();
        return failed == 0 ? 0 : Main.EXIT_FAILED;
    }

    private static String read(String file) {
        try {
            return file.equals("-") ? new String(System.in.readAllBytes()) : Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** Prints the file's errors; returns how many. A syntax error stops that file (one error). */
    private static int check(String file, String text, PtxTarget override, PrintWriter out) {
        List<PtxStatement> statements;
        try {
            statements = PtxParser.parse(text);
        } catch (PtxSyntaxException e) {
            out.println(file + ":" + e.getMessage());
            return 1;
        }
        PtxTarget target = override;
        if (target == null) {
            Optional<String> named = declaredTarget(statements);
            if (named.isPresent()) {
                target = PtxTarget.byName(named.get()).orElse(null);
                if (target == null) {
                    out.println(file + ":" + targetPos(statements) + ": .target " + named.get()
                            + " is not a checked target (" + PtxTarget.names() + "; --arch overrides)");
                    return 1;
                }
            } else {
                target = PtxTarget.SM_100A;
            }
        }
        List<PtxError> errors = PtxValidator.validate(statements, target);
        for (PtxError e : errors) {
            out.println(file + ":" + e);
        }
        return errors.size();
    }

    /** The first name of the first {@code .target} directive ("sm_100a" in ".target sm_100a, debug"). */
    static Optional<String> declaredTarget(List<PtxStatement> statements) {
        return statements.stream().filter(s -> s instanceof PtxStatement.Directive d && d.name().equals(".target"))
                .map(s -> ((PtxStatement.Directive) s).text().replace(".target", "").replace(";", "").strip().split("[\\s,]")[0])
                .findFirst();
    }

    private static String targetPos(List<PtxStatement> statements) {
        return statements.stream().filter(s -> s instanceof PtxStatement.Directive d && d.name().equals(".target"))
                .map(s -> s.pos().toString()).findFirst().orElse("1:1");
    }
}
