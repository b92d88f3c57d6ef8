package dev.fp4sim.cli;

import dev.fp4sim.isa.desc.DescriptorException;
import dev.fp4sim.isa.desc.SmemDescriptor;
import dev.fp4sim.isa.desc.Swizzle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "sdesc",
        description = {
                "Decode a 64-bit shared-memory matrix descriptor (Table 40), or build one.",
                "",
                "Examples:",
                "  fp4sim isa sdesc 0x4000404000010040",
                "  fp4sim isa sdesc --start 0x400 --lbo 16 --sbo 1024 --swizzle 128B"})
final class IsaSdescCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "WORD", description = "descriptor to decode (hex 0x...)")
    String word;
    @Option(names = "--start", defaultValue = "0", description = "shared-memory byte address (hex or decimal)") String start;
    @Option(names = "--lbo", defaultValue = "0") String lbo;
    @Option(names = "--sbo", defaultValue = "0") String sbo;
    @Option(names = "--base-offset", defaultValue = "0") int baseOffset;
    @Option(names = "--swizzle", defaultValue = "none", description = "none, 32B, 64B, 128B, 128B-atom32") String swizzle;
    @Spec
    CommandSpec spec;

    private static int num(String s, String field) {
        try {
            return s.startsWith("0x") ? Integer.parseInt(s.substring(2), 16) : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new UserError("--" + field + " " + s + ": not a number");
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            SmemDescriptor d;
            if (word != null) {
                long w;
                try {
                    w = word.startsWith("0x") || word.startsWith("0X") ? Long.parseUnsignedLong(word.substring(2), 16) : Long.parseUnsignedLong(word);
                } catch (NumberFormatException e) {
                    throw new UserError("WORD " + word + ": not a number");
                }
                d = SmemDescriptor.decode(w);
            } else {
                Swizzle s = switch (swizzle.toLowerCase()) {
                    case "none" -> Swizzle.NONE;
                    case "32b" -> Swizzle.B32;
                    case "64b" -> Swizzle.B64;
                    case "128b" -> Swizzle.B128;
                    case "128b-atom32" -> Swizzle.B128_ATOM32;
                    default -> throw new UserError("--swizzle " + swizzle + ": expected none, 32B, 64B, 128B or 128B-atom32");
                };
                d = new SmemDescriptor(num(start, "start"), num(lbo, "lbo"), num(sbo, "sbo"), baseOffset, false, s);
            }
            out.printf("0x%016X%n%s%n", d.encode(), d.describe());
        } catch (DescriptorException e) {
            throw new UserError("shared-memory descriptor: " + e.getMessage());
        }
        out.flush();
        return 0;
    }
}
