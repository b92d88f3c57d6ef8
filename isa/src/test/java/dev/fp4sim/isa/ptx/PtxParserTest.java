package dev.fp4sim.isa.ptx;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

/** Parsing, printing (print → parse is the identity) and validation messages. */
class PtxParserTest {

    static final String KERNEL = """
            .version 9.0
            .target sm_100a
            .address_size 64
            .visible .entry nvfp4_mma()
            {
              .reg .b32 %r<8>;
              .reg .b64 %rd<4>;
              .reg .pred %p<2>;
              // one NVFP4 MMA, A and B from SMEM, scales in TMEM
              tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32 [%r0], 512;
            LOOP:
              @%p1 tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16 [%r1], %rd1, %rd2, 0x08400480, [%r3], [%r4], 1;
              tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64 [%rd3];
              ret;
            }
            """;

    @Test
    void parsesAKernelWithPositions() throws Exception {
        List<PtxStatement> s = PtxParser.parse(KERNEL);
        var mma = s.stream().filter(x -> x instanceof PtxStatement.Tcgen05Mma).map(x -> (PtxStatement.Tcgen05Mma) x).findFirst().orElseThrow();
        assertEquals(12, mma.pos().line());
        assertEquals(3, mma.pos().column());
        assertEquals("mxf4nvf4", mma.kind());
        assertEquals("1", mma.ctaGroup());
        assertTrue(mma.blockScale());
        assertEquals(new Operand.Imm(0x08400480), mma.operands().get(3));
        assertTrue(s.stream().anyMatch(x -> x instanceof PtxStatement.Label l && l.name().equals("LOOP")));
        assertEquals(List.of(), PtxValidator.validate(s, PtxTarget.SM_100A));
        List<PtxError> rtx = PtxValidator.validate(s, PtxTarget.SM_120A);
        assertEquals(3, rtx.size());
        assertTrue(rtx.get(0).toString().startsWith("10:3: tcgen05.alloc: not supported on sm_120a"), rtx.get(0).toString());
    }

    /**
     * nvcc writes an entry's parameters one per line; statements after the header keep their own
     * line numbers. Two kernels with different .cta_group values are fine; one kernel mixing them is
     * not (ptxas 13.0: "uses single CTA (.cta_group::1) and CTA pair granularity (.cta_group::2)").
     */
    @Test
    void multiLineParametersAndOneCtaGroupPerKernel() throws Exception {
        String two = """
                .version 9.0
                .target sm_100a
                .address_size 64
                .visible .entry a(
                  .param .u64 a_p0,
                  .param .u32 a_p1
                )
                {
                  .reg .b64 %rd<4>;
                  tcgen05.commit.cta_group::1.mbarrier::arrive::one.b64 [%rd1];
                  ret;
                }
                .visible .entry b()
                {
                  .reg .b64 %rd<4>;
                  tcgen05.commit.cta_group::2.mbarrier::arrive::one.b64 [%rd1];
                  tcgen05.commit.cta_group::1.mbarrier::arrive::one.b64 [%rd2];
                  ret;
                }
                """;
        List<PtxStatement> s = PtxParser.parse(two);
        assertTrue(s.stream().anyMatch(x -> x instanceof PtxStatement.Directive d && d.text().contains(".param .u32 a_p1 )")));
        List<PtxError> e = PtxValidator.validate(s, PtxTarget.SM_100A);
        assertEquals(1, e.size(), e.toString());
        assertEquals(17, e.get(0).pos().line());
        assertTrue(e.get(0).message().contains("already uses .cta_group::2 (line 16)"), e.get(0).message());
        assertThrows(PtxSyntaxException.class, () -> PtxParser.parse(".visible .entry c(\n .param .u64 p\n{\n ret;\n}\n"));
    }

    @Test
    void errorsSayWhatWouldBeValid() throws Exception {
        var e = PtxValidator.validate(PtxParser.parse("tcgen05.mma.cta_group::1.kind::mxf4.block_scale.block16 [%r1], %rd1, %rd2, %r3, [%r4], [%r5], %p1;"), PtxTarget.SM_100A);
        assertTrue(e.get(0).message().contains("not valid with kind::mxf4 (valid:"), e.get(0).message());
        var f = PtxValidator.validate(PtxParser.parse("tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.scale_vec::4X [%r1], %rd1, %rd2, %r3, [%r4], [%r5], %p1;"), PtxTarget.SM_100F);
        assertTrue(f.get(0).message().contains("(use .block16)"), f.get(0).message());
        var syntax = assertThrows(PtxSyntaxException.class, () -> PtxParser.parse("  mov.u32 %r1, 5\n"));
        assertTrue(syntax.getMessage().startsWith("1:3: missing ';'"), syntax.getMessage());
    }

    static Gen<String> tcgen05Lines() {
        List<String> kinds = List.of("f16", "tf32", "f8f6f4", "i8", "mxf8f6f4", "mxf4", "mxf4nvf4");
        return in -> {
            List<String> q = new ArrayList<>();
            String kind = kinds.get(Generate.range(0, kinds.size() - 1).generate(in));
            q.add("cta_group::" + Generate.range(1, 2).generate(in));
            q.add("kind::" + kind);
            boolean mx = kind.startsWith("mx");
            if (mx) {
                q.add("block_scale");
                q.add(List.of("block16", "block32", "scale_vec::2X", "scale_vec::4X", "scale_vec::1X").get(Generate.range(0, 4).generate(in)));
            }
            if (Generate.range(0, 3).generate(in) == 0) {
                q.add("collector::a::" + List.of("fill", "use", "lastuse", "discard").get(Generate.range(0, 3).generate(in)));
            }
            String a = Generate.range(0, 1).generate(in) == 0 ? "%rd" + Generate.range(0, 15).generate(in) : "[%r" + Generate.range(0, 15).generate(in) + "]";
            String ops = "[%r1+" + 16 * Generate.range(0, 4).generate(in) + "], " + a + ", %rd2, " + (Generate.range(0, 1).generate(in) == 0 ? "%r3" : "0x08400480")
                    + (mx ? ", [%r4], [%r5]" : "") + ", " + (Generate.range(0, 1).generate(in) == 0 ? "%p1" : "!%p2");
            String guard = Generate.range(0, 2).generate(in) == 0 ? "@!%p3 " : "";
            return guard + "tcgen05.mma." + String.join(".", q) + " " + ops + ";";
        };
    }

    /** print ∘ parse is a fixed point, and parsing the printed text gives an equal record. */
    @Test
    void printThenParseIsTheIdentity() {
        qt().withFixedSeed(5).withExamples(2000).forAll(tcgen05Lines()).checkAssert(line -> {
            try {
                PtxStatement.Instruction i = PtxParser.parseInstruction(line);
                String printed = i.print();
                PtxStatement.Instruction again = PtxParser.parseInstruction(printed);
                assertEquals(i, again, line);
                assertEquals(printed, again.print());
                assertInstanceOf(PtxStatement.Tcgen05Mma.class, again);
            } catch (PtxSyntaxException e) {
                throw new AssertionError(line, e);
            }
        });
        qt().withFixedSeed(6).withExamples(500).forAll(SourceDSL.integers().between(0, 1000)).checkAssert(n -> {
            String line = "tcgen05.ld.sync.aligned.32x32b.x1.b32 {%r" + (n % 16) + "}, [%r2+" + n + "];";
            try {
                assertEquals(PtxParser.parseInstruction(line), PtxParser.parseInstruction(PtxParser.parseInstruction(line).print()));
            } catch (PtxSyntaxException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aDestinationPairParsesAndPrintsBack() throws Exception {
        PtxStatement.Instruction in = PtxParser.parseInstruction("elect.sync %r1|%p2, 0xffffffff;");
        Operand.Pair pair = (Operand.Pair) in.operands().get(0);
        org.junit.jupiter.api.Assertions.assertEquals(new Operand.Reg("%r1", false), pair.first());
        org.junit.jupiter.api.Assertions.assertEquals(new Operand.Reg("%p2", false), pair.second());
        org.junit.jupiter.api.Assertions.assertEquals("elect.sync %r1|%p2, 4294967295;", in.print());
        org.junit.jupiter.api.Assertions.assertEquals(new Operand.Sym("_"), ((Operand.Pair) PtxParser.parseInstruction("elect.sync _|%p0, -1;").operands().get(0)).first());
    }
}
