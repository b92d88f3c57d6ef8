package dev.fp4sim.sim.machine;

import dev.fp4sim.isa.desc.InstrDescriptor;
import dev.fp4sim.isa.desc.SmemDescriptor;
import dev.fp4sim.isa.desc.Swizzle;
import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.profile.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/01_nvfp4_single_mma.ptx through the executor: 128 threads copy A, B and the tiled scale factors
 * from global into shared memory with ld.global/st.shared, fence.proxy.async, allocate TMEM, one
 * thread copies the scale factors with tcgen05.cp.32x128b.warpx4 and issues one NVFP4 MMA
 * (128×256×64), commits to an mbarrier; every warp waits, reads its 32 lanes of D with tcgen05.ld and
 * stores them. D equals the datapath GEMM bit for bit; the program is also the base of the broken
 * variants in {@link HazardTest}.
 */
class SingleMmaKernelTest {

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** examples/01_nvfp4_single_mma.ptx (on the class path: sim's build copies examples/). */
    static String program() {
        try (InputStream in = SingleMmaKernelTest.class.getResourceAsStream("/examples/01_nvfp4_single_mma.ptx")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theExamplesDescriptorsAreTheOnesItsCommentDerives() {
        // the example hard-codes its descriptors; rebuild them from the fields the comment states
        String p = program();
        long a = new SmemDescriptor(0, 2048, 128, 0, false, Swizzle.NONE).encode();
        long b = new SmemDescriptor(4096, 4096, 128, 0, false, Swizzle.NONE).encode();
        long sfa = new SmemDescriptor(12288, 16, 128, 0, false, Swizzle.NONE).encode();
        long sfb0 = new SmemDescriptor(12800, 16, 128, 0, false, Swizzle.NONE).encode();
        long sfb1 = new SmemDescriptor(13312, 16, 128, 0, false, Swizzle.NONE).encode();
        int idesc = InstrDescriptor.blockScaled(MmaKind.MXF4NVF4, FloatFormat.E2M1, FloatFormat.E2M1, FloatFormat.UE4M3, 128, 256).encode();
        for (String h : new String[] {hex(a), hex(b), hex(sfa), hex(sfb0), hex(sfb1), hex(idesc & 0xFFFFFFFFL)}) {
            assertTrue(p.contains(", " + h), h);
        }
    }

    record Run(int[] d, int[] want, Machine.Result result) {
    }

    static Run run(String ptx, long seed) {
        GemmProblem p = GemmProblem.random(GemmProblem.Format.NVFP4, 128, 256, 64, seed);
        GlobalMemory g = new GlobalMemory();
        long d = g.allocate("d", 128 * 256 * 4);
        Map<String, Long> args = Map.of("a", g.upload("a", p.a()), "b", g.upload("b", p.b()), "sfa", g.upload("sfa", p.tiledScales(true)),
                "sfb", g.upload("sfb", p.tiledScales(false)), "d", d);
        Machine.Result r = new Machine(Kernel.load(ptx, null), g, Machine.Options.defaults())
                .launch(new Machine.Dim3(1, 1, 1), new Machine.Dim3(128, 1, 1), new Machine.Dim3(1, 1, 1), args);
        int[] out = new int[128 * 256];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) g.read("test", d + 4L * i, 4);
        }
        return new Run(out, p.reference(Assumptions.DEFAULTS, 1, Progress.NONE), r);
    }

    @Test
    void dReadBackThroughTcgen05LdEqualsTheDatapathGemm() {
        for (long seed = 1; seed <= 3; seed++) {
            Run r = run(program(), seed);
            assertTrue(r.result().hazards().isEmpty(), r.result().hazards().toString());
            assertEquals(1, r.result().mmas());
            for (int i = 0; i < r.d().length; i++) {
                assertEquals(Integer.toHexString(r.want()[i]), Integer.toHexString(r.d()[i]), "seed " + seed + " D[" + i / 256 + "][" + i % 256 + "]");
            }
        }
    }
}
