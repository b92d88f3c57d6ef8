package dev.fp4sim.sim.machine;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deliberately broken variants of the single-MMA program ({@link SingleMmaKernelTest}): each produces
 * its specific hazard report or error (with the PTX line), or — where the hardware would silently
 * compute something else — a D that differs from the datapath GEMM. The correct program reports none.
 */
class HazardTest {

    static String correct() {
        return SingleMmaKernelTest.program();
    }

    static String replaceOnce(String s, String from, String to) {
        int i = s.indexOf(from);
        assertTrue(i >= 0 && s.indexOf(from, i + 1) < 0, "the program must contain exactly one '" + from + "'");
        return s.substring(0, i) + to + s.substring(i + from.length());
    }

    static int lineOf(String s, String text) {
        List<String> lines = Arrays.asList(s.split("\n", -1));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text);
    }

    static void assertHazard(SingleMmaKernelTest.Run r, String kind, int line) {
        assertTrue(r.result().hazards().stream().anyMatch(h -> h.kind().equals(kind) && h.line() == line),
                "expected " + kind + " at line " + line + ", got " + r.result().hazards());
    }

    static boolean sameD(SingleMmaKernelTest.Run r) {
        return Arrays.equals(r.d(), r.want());
    }

    @Test
    void theCorrectProgramHasNoHazards() {
        SingleMmaKernelTest.Run r = SingleMmaKernelTest.run(correct(), 7);
        assertEquals(List.of(), r.result().hazards());
        assertTrue(sameD(r));
    }

    @Test
    void missingFenceAfterThreadSyncIsReportedAtTheLd() {
        String p = replaceOnce(correct(), "tcgen05.fence::after_thread_sync;", "");
        SingleMmaKernelTest.Run r = SingleMmaKernelTest.run(p, 7);
        assertHazard(r, "missing-fence", lineOf(p, "tcgen05.ld.sync"));
    }

    @Test
    void readingDBeforeTheCommitsMbarrierIsReportedAndReadsStaleTmem() {
        String p = replaceOnce(correct(), "@!%p4 bra WAIT;", "");
        p = replaceOnce(p, "mbarrier.try_wait.parity.shared::cta.b64 %p4, [%r21], 0;", "");
        SingleMmaKernelTest.Run r = SingleMmaKernelTest.run(p, 7);
        assertHazard(r, "read-before-complete", lineOf(p, "tcgen05.ld.sync"));
        assertHazard(r, "dealloc-in-flight", lineOf(p, "tcgen05.dealloc"));
        assertFalse(sameD(r), "with the MMA still in flight the epilogue reads what TMEM held before");
    }

    @Test
    void missingProxyFenceIsReportedAtTheAsyncReader() {
        String p = replaceOnce(correct(), "fence.proxy.async.shared::cta;", "");
        SingleMmaKernelTest.Run r = SingleMmaKernelTest.run(p, 7);
        assertHazard(r, "missing-proxy-fence", lineOf(p, "[%r23], 0x"));
    }

    @Test
    void overwritingAnOperandOfAnInFlightMmaIsReported() {
        String p = replaceOnce(correct(), "NOISSUE:\n", "st.shared.b32 [%r3+16], %r1;\nNOISSUE:\n");
        SingleMmaKernelTest.Run r = SingleMmaKernelTest.run(p, 7);
        assertHazard(r, "smem-overwrite", lineOf(p, "st.shared.b32 [%r3+16], %r1;"));
    }

    @Test
    void scaleFactorsCopiedToOtherColumnsAreReportedAsUnwrittenTmem() {
        String p = replaceOnce(correct(), "add.u32 %r23, %r22, 256;\ntcgen05.cp.cta_group::1.32x128b.warpx4 [%r23]",
                "add.u32 %r23, %r22, 256;\nadd.u32 %r26, %r22, 300;\ntcgen05.cp.cta_group::1.32x128b.warpx4 [%r26]");
        SingleMmaKernelTest.Run r = SingleMmaKernelTest.run(p, 7);
        assertHazard(r, "uninitialised-tmem", lineOf(p, "tcgen05.mma.cta_group"));
        assertFalse(sameD(r));
    }

    @Test
    void aWrongSboThatRunsPastSharedMemoryIsAnErrorNamingTheLine() {
        String good = Long.toHexString(new dev.fp4sim.isa.desc.SmemDescriptor(0, 2048, 128, 0, false, dev.fp4sim.isa.desc.Swizzle.NONE).encode());
        String bad = Long.toHexString(new dev.fp4sim.isa.desc.SmemDescriptor(0, 2048, 1024, 0, false, dev.fp4sim.isa.desc.Swizzle.NONE).encode());
        String p = replaceOnce(correct(), "[%r22], 0x" + good, "[%r22], 0x" + bad);
        KernelError e = assertThrows(KernelError.class, () -> SingleMmaKernelTest.run(p, 7));
        assertTrue(e.getMessage().contains("line " + lineOf(p, "tcgen05.mma.cta_group")) && e.getMessage().contains("shared memory"), e.getMessage());
    }

    @Test
    void aWrongSboOrSwizzleInsideSharedMemoryGivesADifferentD() {
        String good = Long.toHexString(new dev.fp4sim.isa.desc.SmemDescriptor(0, 2048, 128, 0, false, dev.fp4sim.isa.desc.Swizzle.NONE).encode());
        for (dev.fp4sim.isa.desc.SmemDescriptor d : List.of(new dev.fp4sim.isa.desc.SmemDescriptor(0, 2048, 256, 0, false, dev.fp4sim.isa.desc.Swizzle.NONE),
                new dev.fp4sim.isa.desc.SmemDescriptor(0, 16, 256, 0, false, dev.fp4sim.isa.desc.Swizzle.B32))) {
            String p = replaceOnce(correct(), "[%r22], 0x" + good, "[%r22], 0x" + Long.toHexString(d.encode()));
            SingleMmaKernelTest.Run r = SingleMmaKernelTest.run(p, 7);
            assertFalse(sameD(r), d.toString());
        }
    }

    @Test
    void tmemOutsideTheAllocationIsAnError() {
        String p = correct().replace("512;", "256;");
        KernelError e = assertThrows(KernelError.class, () -> SingleMmaKernelTest.run(p, 7));
        assertTrue(e.getMessage().contains("outside every allocation") && e.getMessage().contains("tcgen05.cp"), e.getMessage());
    }

    @Test
    void aWarpReadingAnotherWarpsLanesIsAnError() {
        String p = replaceOnce(correct(), "shl.b32 %r30, %r2, 21;", "mov.u32 %r30, 0;");
        KernelError e = assertThrows(KernelError.class, () -> SingleMmaKernelTest.run(p, 7));
        assertTrue(e.getMessage().contains("tcgen05.ld") && e.getMessage().contains("lanes 32"), e.getMessage());
    }

    @Test
    void exitingWithTmemAllocatedIsAnError() {
        String p = replaceOnce(correct(), "tcgen05.dealloc.cta_group::1.sync.aligned.b32 %r22, 512;", "");
        KernelError e = assertThrows(KernelError.class, () -> SingleMmaKernelTest.run(p, 7));
        assertTrue(e.getMessage().contains("dealloc"), e.getMessage());
    }
}
