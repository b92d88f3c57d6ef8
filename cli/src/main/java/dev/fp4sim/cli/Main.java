package dev.fp4sim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code fp4sim} command. Subcommands live in their own classes; this only wires them. */
@Command(name = "fp4sim",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = {
                "A bit-exact reference model of NVIDIA Blackwell (tcgen05) tensor cores:",
                "NVFP4/MXFP4 block-scaled MMA, golden-vector verification, and more.",
                "",
                "Start with:  fp4sim demo        (a small NVFP4 GEMM, explained)",
                "             fp4sim verify FILE (check golden vectors bit for bit)"},
        footer = {"", "Exit status: 0 success, 1 a check failed, 2 bad input or usage.",
                "Run 'fp4sim help COMMAND' for the options of one command."},
        subcommands = {
                CommandLine.HelpCommand.class,
                DemoCommand.class,
                VerifyCommand.class,
                ArchCommand.class,
                BenchCommand.class,
                QuantizeCommand.class,
                GemmCommand.class,
                CompareCommand.class,
                IsaCommand.class,
                PerfCommand.class,
                WhatIfTopCommand.class,
                TmemCommand.class,
                RunCommand.class,
                CudaCommand.class,
        })
public final class Main implements Runnable {

    /** Exit status for bad input or usage. */
    public static final int EXIT_USAGE = 2;
    /** Exit status when a check ran and found a mismatch. */
    public static final int EXIT_FAILED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PrintWriter err = new PrintWriter(System.err, true);
        int status;
        try {
            status = run(args, new PrintWriter(System.out, true), err);
        } catch (OutOfMemoryError e) {
            err.println("fp4sim: out of memory; give the JVM more with FP4SIM_JAVA_OPTS=-Xmx8g (or smaller inputs)");
            status = 3;
        } catch (Throwable t) {
            err.println("fp4sim: internal error: " + t + " (please report this with the command line that caused it)");
            if (System.getenv("FP4SIM_DEBUG") != null) {
                t.printStackTrace(err);
            }
            status = 3;
        }
        System.exit(status);
    }

    /** Runs the command line and returns the exit status; no stack traces for user errors. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UserError ue) {
                commandLine.getErr().println("fp4sim: error: " + ue.getMessage());
                return EXIT_USAGE;
            }
            commandLine.getErr().println("fp4sim: internal error: " + ex
                    + " (please report this with the command line that caused it)");
            if (System.getenv("FP4SIM_DEBUG") != null) {
                ex.printStackTrace(commandLine.getErr());
            }
            return 3;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("fp4sim: " + ex.getMessage());
            c.getErr().println("Run 'fp4sim " + (c.getCommandName().equals("fp4sim") ? "" : c.getCommandName() + " ")
                    + "--help' for usage.");
            return EXIT_USAGE;
        });
        return cl.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"fp4sim " + (v == null ? "(development build)" : v)};
        }
    }
}
