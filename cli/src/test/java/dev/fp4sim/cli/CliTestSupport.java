package dev.fp4sim.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the command line in-process and captures what it prints. */
final class CliTestSupport {

    record Result(int exit, String out, String err) {

        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    private CliTestSupport() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    static Path root() {
        return Path.of(System.getProperty("fp4sim.root", "..")).toAbsolutePath().normalize();
    }

    static Path golden(String name) {
        return root().resolve("golden-vectors").resolve(name);
    }
}
