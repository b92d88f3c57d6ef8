package dev.fp4sim.verification.golden;

import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.format.IntFormat;
import dev.fp4sim.isa.mma.MmaModifiers;
import dev.fp4sim.sim.mma.Datapaths;
import dev.fp4sim.sim.profile.Assumptions;
import dev.fp4sim.sim.mma.ElementMma;
import dev.fp4sim.sim.mma.UnsupportedVariantException;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs golden-vector files through the simulator and compares bit for bit
 * (golden-format.md, "What a verifier prints").
 */
public final class Verifier {

    /** Failures listed per file before the rest are only counted. */
    public static final int MAX_LISTED_FAILURES = 10;

    public record Failure(GoldenCase goldenCase, int actual) {
    }

    /**
     * Outcome of one file: either {@code error} (invalid file), or {@code unsupportedReason}
     * (valid, but no datapath for its variant yet), or pass/fail counts.
     */
    public record FileResult(String source, GoldenFile file, int passed, int failed, int unsupported,
                             String error, String unsupportedReason, List<Failure> failures) {

        public boolean valid() {
            return error == null;
        }
    }

    public record Report(List<FileResult> files) {

        public int passed() {
            return files.stream().mapToInt(FileResult::passed).sum();
        }

        public int failed() {
            return files.stream().mapToInt(FileResult::failed).sum();
        }

        public int unsupported() {
            return files.stream().mapToInt(FileResult::unsupported).sum();
        }

        public long invalidFiles() {
            return files.stream().filter(f -> !f.valid()).count();
        }

        /** Exit status 0 only when nothing failed and every file was valid. */
        public boolean ok() {
            return failed() == 0 && invalidFiles() == 0;
        }
    }

    private final GoldenReader reader;
    private final Assumptions assumptions;

    public Verifier(GoldenReader reader) {
        this(reader, Assumptions.DEFAULTS);
    }

    /** A verifier computing under the given named assumptions (docs/numerics.md §7). */
    public Verifier(GoldenReader reader, Assumptions assumptions) {
        this.reader = reader;
        this.assumptions = assumptions;
    }

    public Report verify(List<Path> paths, Consumer<FileResult> onFile) {
        List<FileResult> results = new ArrayList<>();
        for (Path p : paths) {
            FileResult r = verifyFile(p);
            onFile.accept(r);
            results.add(r);
        }
        return new Report(List.copyOf(results));
    }

    public FileResult verifyFile(Path path) {
        GoldenFile file;
        try {
            file = reader.read(path);
        } catch (GoldenFormatException e) {
            return new FileResult(path.toString(), null, 0, 0, 0, e.getMessage(), null, List.of());
        }
        return verify(file, assumptions);
    }

    public static FileResult verify(GoldenFile file) {
        return verify(file, Assumptions.DEFAULTS);
    }

    public static FileResult verify(GoldenFile file, Assumptions assumptions) {
        ElementMma mma;
        try {
            mma = Datapaths.forVariant(file.variant(), assumptions, MmaModifiers.NONE);
        } catch (UnsupportedVariantException e) {
            return new FileResult(file.source(), file, 0, 0, file.cases().size(), null, e.getMessage(), List.of());
        }
        int passed = 0;
        List<Failure> failures = new ArrayList<>();
        for (GoldenCase c : file.cases()) {
            int actual = mma.compute(c.a(), c.b(), c.sfa(), c.sfb(), c.c(), c.k());
            if (actual == c.d()) {
                passed++;
            } else {
                failures.add(new Failure(c, actual));
            }
        }
        return new FileResult(file.source(), file, passed, failures.size(), 0, null, null, List.copyOf(failures));
    }

    /** Prints one file's result in the documented format. */
    public static void print(FileResult r, PrintStream out) {
        String name = Path.of(r.source()).getFileName().toString();
        if (!r.valid()) {
            out.println("error: " + r.error());
            return;
        }
        if (r.unsupportedReason() != null) {
            out.println(name + ": unsupported (" + r.unsupported() + " cases): " + r.unsupportedReason());
            return;
        }
        out.println(name + ": " + r.passed() + " passed, " + r.failed() + " failed");
        ElementFormat d = r.file().variant().dFormat();
        int listed = 0;
        for (Failure f : r.failures()) {
            if (listed++ == MAX_LISTED_FAILURES) {
                out.println("  ... and " + (r.failures().size() - MAX_LISTED_FAILURES) + " more failures");
                break;
            }
            out.println("  FAIL " + f.goldenCase().id() + " (k=" + f.goldenCase().k() + "): expected "
                    + describe(d, f.goldenCase().d()) + ", actual " + describe(d, f.actual()));
        }
    }

    /** Prints the closing lines; the last is {@code N passed, M failed}. */
    public static void printSummary(Report report, PrintStream out) {
        if (report.unsupported() > 0) {
            out.println(report.unsupported() + " cases unsupported (not counted as passed)");
        }
        if (report.invalidFiles() > 0) {
            out.println(report.invalidFiles() + " invalid file(s)");
        }
        out.println(report.passed() + " passed, " + report.failed() + " failed");
    }

    /** Bits in hex with the decoded value, e.g. {@code 0x4848467D (205081.95)}. */
    public static String describe(ElementFormat f, int bits) {
        if (f instanceof FloatFormat ff) {
            int digits = ff.storageBits() / 4;
            String hex = GoldenWriter.bitsHex(bits, digits).toUpperCase();
            double v = ff.toDouble(bits);
            String value = Double.isNaN(v) ? "NaN" : (ff == FloatFormat.F32 ? Float.toString((float) v) : Double.toString(v));
            return "0x" + hex + " (" + value + ")";
        }
        IntFormat i = (IntFormat) f;
        return "0x" + GoldenWriter.bitsHex(bits, i.storageBits() / 4).toUpperCase() + " (" + i.value(bits) + ")";
    }
}
