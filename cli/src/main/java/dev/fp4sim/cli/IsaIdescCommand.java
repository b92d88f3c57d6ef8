package dev.fp4sim.cli;

import dev.fp4sim.isa.desc.DescriptorException;
import dev.fp4sim.isa.desc.InstrDescriptor;
import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.format.IntFormat;
import dev.fp4sim.isa.mma.MmaKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "idesc",
        description = {
                "Decode a 32-bit tcgen05.mma instruction descriptor (Tables 42-44), or build one from fields.",
                "",
                "Examples:",
                "  fp4sim isa idesc 0x08400480 --kind mxf4nvf4",
                "  fp4sim isa idesc --kind mxf4nvf4 --a e2m1 --b e2m1 --scale ue4m3 --m 128 --n 256",
                "  fp4sim isa idesc --kind f16 --a bf16 --b bf16 --d f32 --m 128 --n 256"})
final class IsaIdescCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "WORD", description = "descriptor to decode (hex 0x... or decimal)")
    String word;
    @Option(names = "--kind", required = true, description = "f16, tf32, f8f6f4, i8, mxf8f6f4, mxf4, mxf4nvf4")
    String kind;
    @Option(names = "--a") String a;
    @Option(names = "--b") String b;
    @Option(names = "--d", description = "D type (f16, f32, s32; default f32, s32 for i8)") String d;
    @Option(names = "--scale", description = "ue8m0 or ue4m3 (block-scaled kinds)") String scale;
    @Option(names = "--m", defaultValue = "128") int m;
    @Option(names = "--n", defaultValue = "256") int n;
    @Option(names = "--sfa-id", defaultValue = "0") int sfaId;
    @Option(names = "--sfb-id", defaultValue = "0") int sfbId;
    @Option(names = "--negate-a") boolean negA;
    @Option(names = "--negate-b") boolean negB;
    @Option(names = "--transpose-a") boolean trA;
    @Option(names = "--transpose-b") boolean trB;
    @Option(names = "--sparse") boolean sparse;
    @Option(names = "--saturate") boolean saturate;
    @Spec
    CommandSpec spec;

    private static ElementFormat format(String name, String field) {
        for (IntFormat f : IntFormat.values()) {
            if (f.ptxName().equals(name)) {
                return f;
            }
        }
        try {
            return FloatFormat.byPtxName(name);
        } catch (IllegalArgumentException e) {
            throw new UserError("--" + field + " " + name + ": not an element format");
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        MmaKind k = MmaKind.byName(kind).filter(x -> x != MmaKind.F8).orElseThrow(() ->
                new UserError("--kind " + kind + ": expected f16, tf32, f8f6f4, i8, mxf8f6f4, mxf4 or mxf4nvf4"));
        try {
            if (word != null) {
                long w = word.startsWith("0x") || word.startsWith("0X") ? Long.parseLong(word.substring(2), 16) : Long.parseLong(word);
                if (w < 0 || w > 0xFFFFFFFFL) {
                    throw new UserError("WORD " + word + ": an instruction descriptor has 32 bits");
                }
                InstrDescriptor desc = InstrDescriptor.decode((int) w, k);
                out.printf("0x%08X%n%s", (int) w, desc.describe());
            } else {
                if (a == null || b == null) {
                    throw new UserError("give WORD to decode, or --a and --b (and --scale for block-scaled kinds) to build one");
                }
                ElementFormat dt = d != null ? format(d, "d") : k == MmaKind.I8 ? IntFormat.S32 : FloatFormat.F32;
                FloatFormat sc = scale == null ? null : (FloatFormat) format(scale, "scale");
                InstrDescriptor desc = new InstrDescriptor(k, 0, sparse, saturate, dt, format(a, "a"), format(b, "b"), negA, negB, trA, trB,
                        n, m, 0, sc, sfaId, sfbId, false);
                out.printf("0x%08X%n%s", desc.encode(), desc.describe());
            }
        } catch (NumberFormatException e) {
            throw new UserError("WORD " + word + ": not a number");
        } catch (DescriptorException e) {
            throw new UserError("instruction descriptor: " + e.getMessage());
        }
        out.flush();
        return 0;
    }
}
