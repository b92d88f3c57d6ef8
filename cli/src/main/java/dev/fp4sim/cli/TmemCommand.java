package dev.fp4sim.cli;

import dev.fp4sim.isa.desc.DescriptorException;
import dev.fp4sim.isa.desc.InstrDescriptor;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.sim.machine.TmemLayouts;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code fp4sim tmem}: where data lives in Tensor Memory. */
@Command(name = "tmem", description = {"Tensor Memory layouts (isa.md §4-5).", "",
        "Examples:", "  fp4sim tmem map --idesc 0x08400480 --kind mxf4nvf4", "  fp4sim tmem map --ld 16x256b"},
        subcommands = {TmemCommand.Map.class})
final class TmemCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "map", description = {
            "Which TMEM lane, column and byte hold which D element and scale factor of a tcgen05.mma (from its",
            "instruction descriptor), or which (lane, column) each thread's register of a tcgen05.ld/st shape reads.",
            "Maps the PTX figures do not give are CUTLASS-derived (isa.md §11): marked as such.",
            "",
            "Examples:",
            "  fp4sim tmem map --idesc 0x08400480 --kind mxf4nvf4",
            "  fp4sim tmem map --ld 16x64b"})
    static final class Map implements Callable<Integer> {
        @Option(names = "--idesc", description = "instruction descriptor (hex)") String idesc;
        @Option(names = "--kind", description = "f16, tf32, f8f6f4, i8, mxf8f6f4, mxf4, mxf4nvf4") String kind;
        @Option(names = "--block", defaultValue = "16", description = "scale block of mxf4nvf4: 16 (.block16) or 32 (.block32)") int block;
        @Option(names = "--ld", description = "a tcgen05.ld/st shape: 32x32b, 16x64b, 16x128b, 16x256b") String ld;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter o = spec.commandLine().getOut();
            if (ld != null) {
                o.println("tcgen05.ld/st ." + ld + ".x1: thread t, register i -> (lane, column) relative to taddr"
                        + (ld.equals("32x32b") ? "" : " [CUTLASS-derived, isa.md §11 item 1]"));
                int regs = ld.equals("16x128b") ? 2 : ld.equals("16x256b") ? 4 : 1;
                for (int t = 0; t < 32; t++) {
                    StringBuilder sb = new StringBuilder(String.format("  t%-2d", t));
                    for (int r = 0; r < regs; r++) {
                        TmemLayouts.Cell c;
                        try {
                            c = TmemLayouts.ld(ld, t, r);
                        } catch (IllegalArgumentException e) {
                            throw new UserError("--ld: " + e.getMessage());
                        }
                        sb.append(String.format("  r%d=(%d, %d)", r, c.lane(), c.column()));
                    }
                    o.println(sb);
                }
                o.flush();
                return 0;
            }
            if (idesc == null || kind == null) {
                throw new UserError("give --idesc and --kind, or --ld SHAPE");
            }
            MmaKind k = MmaKind.byName(kind).orElseThrow(() -> new UserError("--kind " + kind + ": not a tcgen05 kind"));
            InstrDescriptor d;
            try {
                d = InstrDescriptor.decode((int) Long.parseLong(idesc.replaceFirst("^0[xX]", ""), 16), k);
            } catch (NumberFormatException e) {
                throw new UserError("--idesc " + idesc + ": not hex");
            } catch (DescriptorException e) {
                throw new UserError("--idesc: " + e.getMessage());
            }
            o.print(d.describe());
            String layout = d.m() == 128 ? "layout D" : d.m() == 64 ? "layout F" : "not modelled";
            o.printf("D (%d x %d, %s, 32-bit cells): element (m, n) -> lane %s, column d + n%n", d.m(), d.n(), layout,
                    d.m() == 128 ? "m" : "(m & 15) + 32*(m >> 4) [+16 when aligned at 16]");
            o.println("  window: lanes 0-7 x columns 0-7 hold");
            for (int lane = 0; lane < 8; lane++) {
                StringBuilder sb = new StringBuilder("   ");
                for (int col = 0; col < 8; col++) {
                    sb.append(String.format(" D[%d][%d]", d.m() == 128 ? lane : lane, col));
                }
                o.println(sb);
            }
            o.printf("  columns used by D: %d%n", d.n());
            if (k.blockScaled()) {
                int blocks = (k.packedFp4() ? (d.k96() ? 96 : 64) : 32) / (k == MmaKind.MXF8F6F4 || k == MmaKind.MXF4 ? 32 : block);
                o.printf("SFA: row m, K-block j -> lane m %% 32 (+32p, replicated in all 4 quarters), column sfa + m / 32, byte SFA_ID + j"
                        + " [CUTLASS/DeepGEMM-derived, isa.md §5.2]%n");
                o.printf("SFB: column n, K-block j -> lane n %% 32 (+32p), column sfb + n / 32, byte SFB_ID + j%n");
                o.printf("  this instruction: %d K-block(s) per row; SFA uses %d columns, SFB %d columns; "
                        + "one tcgen05.cp.32x128b.warpx4 moves 32 rows x 16 bytes%n", blocks, (d.m() + 31) / 32, (d.n() + 31) / 32);
                o.printf("  example: SFA(row 37, block 2) -> lane 5 (and 37, 69, 101), column sfa + 1, byte %d%n", d.sfaId() + 2);
            }
            o.flush();
            return 0;
        }
    }
}
