package dev.fp4sim.cli;

import dev.fp4sim.isa.desc.DescriptorException;
import dev.fp4sim.isa.desc.SmemDescriptor;
import dev.fp4sim.isa.desc.SmemLayout;
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
                "Decode a 64-bit shared-memory matrix descriptor (Table 40), or build one, and say where",
                "element (row, k) of the operand it describes lies: the canonical K-major / MN-major layout",
                "with the swizzle applied to the absolute address (isa.md §3.3-3.4), so a kernel's TMA box",
                "and descriptor can be checked against each other byte by byte.",
                "",
                "Examples:",
                "  fp4sim isa sdesc 0x4000404000010040",
                "  fp4sim isa sdesc --start 0x400 --lbo 16 --sbo 1024 --swizzle 128B",
                "  fp4sim isa sdesc 0x4000404000010040 --element fp4 --at 0,0 --at 9,33"})
final class IsaSdescCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "WORD", description = "descriptor to decode (hex 0x...)")
    String word;
    @Option(names = "--start", defaultValue = "0", description = "shared-memory byte address (hex or decimal)") String start;
    @Option(names = "--lbo", defaultValue = "0") String lbo;
    @Option(names = "--sbo", defaultValue = "0") String sbo;
    @Option(names = "--base-offset", defaultValue = "0") int baseOffset;
    @Option(names = "--swizzle", defaultValue = "none", description = "none, 32B, 64B, 128B, 128B-atom32") String swizzle;
    @Option(names = "--at", paramLabel = "ROW,K", description = "print the address of element (row, k); row counts along M or N (repeatable)")
    java.util.List<String> at = new java.util.ArrayList<>();
    @Option(names = "--major", defaultValue = "K", description = "K or MN (default K)") String major;
    @Option(names = "--element", defaultValue = "16",
            description = "fp4 (packed, mxf4/mxf4nvf4), fp4-padded, fp6-padded (f8f6f4), 8, 16 or 32 bits (default 16)") String element;
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
            if (!at.isEmpty()) {
                printAddresses(out, d);
            }
        } catch (DescriptorException e) {
            throw new UserError("shared-memory descriptor: " + e.getMessage());
        }
        out.flush();
        return 0;
    }

    private void printAddresses(PrintWriter out, SmemDescriptor d) {
        SmemLayout.Major mj = switch (major.toUpperCase()) {
            case "K" -> SmemLayout.Major.K;
            case "MN" -> SmemLayout.Major.MN;
            default -> throw new UserError("--major " + major + ": expected K or MN");
        };
        SmemLayout.Element el = switch (element.toLowerCase()) {
            case "fp4", "e2m1" -> SmemLayout.Element.FP4_PACKED;
            case "fp4-padded" -> SmemLayout.Element.FP4_PADDED;
            case "fp6-padded" -> SmemLayout.Element.FP6_PADDED;
            case "8", "b8" -> SmemLayout.Element.B8;
            case "16", "b16" -> SmemLayout.Element.B16;
            case "32", "b32" -> SmemLayout.Element.B32;
            default -> throw new UserError("--element " + element + ": expected fp4, fp4-padded, fp6-padded, 8, 16 or 32");
        };
        String bad = SmemLayout.invalidReason(mj, el, d.swizzle());
        if (bad != null) {
            throw new UserError("--major " + major + " --element " + element + ": " + bad + " (PTX ISA Table 54)");
        }
        for (String a : at) {
            String[] rk = a.split(",");
            int row;
            int k;
            try {
                row = Integer.parseInt(rk[0].strip());
                k = Integer.parseInt(rk.length == 2 ? rk[1].strip() : "x");
            } catch (NumberFormatException e) {
                throw new UserError("--at " + a + ": expected ROW,K (two non-negative integers)");
            }
            if (row < 0 || k < 0) {
                throw new UserError("--at " + a + ": row and k must be non-negative");
            }
            long bit = SmemLayout.bitAddress(d, mj, el, row, k);
            out.printf("(row %d, k %d): byte 0x%05X, bits %d-%d%n", row, k, bit >>> 3, bit & 7, (bit & 7) + el.bits() - 1);
        }
    }
}
