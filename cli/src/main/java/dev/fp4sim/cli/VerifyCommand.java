package dev.fp4sim.cli;

import dev.fp4sim.verification.golden.GoldenReader;
import dev.fp4sim.verification.golden.Verifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "verify",
        description = {
                "Check golden-vector files (schema fp4sim-golden/1) bit for bit against the simulator.",
                "",
                "Prints per file 'NAME: N passed, M failed' and, for up to 10 failures per file, the case id",
                "with the expected and actual bits and their values. Files of a kind the simulator does not",
                "support yet are reported as 'unsupported' (counted, not passed). A malformed file gives one",
                "error line naming the file, case and field. The last line is 'N passed, M failed'.",
                "",
                "Example:",
                "  fp4sim verify golden-vectors/tcgen05_mxf4*.json",
                "  fp4sim verify golden-vectors/*.json --assume zero-term-rule=first-release"},
        footer = {"", "Exit status: 0 if nothing failed and every file was valid; 1 otherwise."})
final class VerifyCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "golden-vector JSON files")
    List<Path> files;

    @Mixin
    AssumeOptions assume;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintStream out = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        PrintStream err = new PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true);
        Verifier verifier = new Verifier(new GoldenReader(w -> err.println("warning: " + w)), assume.assumptions());
        Verifier.Report report = verifier.verify(files, r -> Verifier.print(r, out));
        Verifier.printSummary(report, out);
        out.flush();
        return report.ok() ? 0 : Main.EXIT_FAILED;
    }
}
