package dev.fp4sim.sim.machine;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executor's scalar core against hand-computed values: integer arithmetic, predicates and
 * branches, shared memory with bar.sync, mbarriers, elect.sync, deadlock and fault reports.
 */
class MachineBasicsTest {

    private static final String HEAD = ".version 9.0\n.target sm_100a\n.address_size 64\n";

    static GlobalMemory run(String body, String params, int threads, Map<String, Long> args, GlobalMemory g) {
        Kernel k = Kernel.load(HEAD + ".visible .entry k(" + params + ")\n{\n.reg .b32 %r<40>;\n.reg .b64 %rd<20>;\n.reg .pred %p<8>;\n"
                + ".shared .align 16 .b8 buf[1024];\n.shared .align 8 .b64 bar;\n" + body + "\nret;\n}\n", null);
        new Machine(k, g, Machine.Options.defaults()).launch(new Machine.Dim3(2, 1, 1), new Machine.Dim3(threads, 1, 1), new Machine.Dim3(1, 1, 1), args);
        return g;
    }

    @Test
    void everyThreadWritesAFunctionOfItsIdsInto32BitCells() {
        GlobalMemory g = new GlobalMemory();
        long out = g.allocate("out", 2 * 64 * 4);
        // out[ctaid * 64 + tid] = (tid * 3 + 7) ^ (ctaid << 8), computed with mad/shl/xor; odd threads then subtract 1 under a guard
        String body = """
                ld.param.u64 %rd1, [out];
                mov.u32 %r1, %tid.x;
                mov.u32 %r2, %ctaid.x;
                mad.lo.u32 %r3, %r1, 3, 7;
                shl.b32 %r4, %r2, 8;
                xor.b32 %r5, %r3, %r4;
                and.b32 %r6, %r1, 1;
                setp.eq.u32 %p1, %r6, 1;
                @%p1 sub.u32 %r5, %r5, 1;
                mad.lo.u32 %r7, %r2, 64, %r1;
                mul.wide.u32 %rd2, %r7, 4;
                add.s64 %rd3, %rd1, %rd2;
                st.global.b32 [%rd3], %r5;
                """;
        run(body, ".param .u64 out", 64, Map.of("out", out), g);
        for (int c = 0; c < 2; c++) {
            for (int t = 0; t < 64; t++) {
                long want = ((t * 3 + 7) ^ (c << 8)) - (t & 1);
                assertEquals(want, g.read("test", out + 4L * (c * 64 + t), 4), "cta " + c + " thread " + t);
            }
        }
    }

    @Test
    void sharedMemoryAndBarSyncExchangeValuesBetweenThreadsAndLoopsTerminate() {
        GlobalMemory g = new GlobalMemory();
        long out = g.allocate("out", 2 * 32 * 4);
        // thread t stores t*t, bar.sync, then sums the values of threads 0..t with a loop (sum of squares)
        String body = """
                ld.param.u64 %rd1, [out];
                mov.u32 %r1, %tid.x;
                mul.lo.u32 %r2, %r1, %r1;
                mov.u32 %r3, buf;
                shl.b32 %r4, %r1, 2;
                add.u32 %r5, %r3, %r4;
                st.shared.u32 [%r5], %r2;
                bar.sync 0;
                mov.u32 %r6, 0;
                mov.u32 %r7, 0;
                LOOP:
                shl.b32 %r8, %r7, 2;
                add.u32 %r9, %r3, %r8;
                ld.shared.u32 %r10, [%r9];
                add.u32 %r6, %r6, %r10;
                add.u32 %r7, %r7, 1;
                setp.le.u32 %p1, %r7, %r1;
                @%p1 bra LOOP;
                mov.u32 %r11, %ctaid.x;
                mad.lo.u32 %r12, %r11, 32, %r1;
                mul.wide.u32 %rd2, %r12, 4;
                add.s64 %rd3, %rd1, %rd2;
                st.global.u32 [%rd3], %r6;
                """;
        run(body, ".param .u64 out", 32, Map.of("out", out), g);
        for (int t = 0; t < 32; t++) {
            assertEquals((long) t * (t + 1) * (2 * t + 1) / 6, g.read("test", out + 4L * t, 4));
        }
    }

    @Test
    void mbarrierPhasesElectAndExpectTx() {
        GlobalMemory g = new GlobalMemory();
        long out = g.allocate("out", 2 * 64 * 4);
        // the elected lane of warp 0 inits a barrier for 2 arrivals; warp 1's elected lane and warp 0's arrive;
        // everyone waits for phase 0, then writes its elect result (lane id of the elected lane = 0) + 100 * waited
        String body = """
                ld.param.u64 %rd1, [out];
                mov.u32 %r1, %tid.x;
                shr.u32 %r2, %r1, 5;
                mov.u32 %r3, bar;
                elect.sync %r4|%p1, 0xffffffff;
                setp.eq.u32 %p2, %r2, 0;
                @!%p2 bra SKIPINIT;
                @%p1 mbarrier.init.shared::cta.b64 [%r3], 2;
                SKIPINIT:
                bar.sync 0;
                @%p1 mbarrier.arrive.shared::cta.b64 %rd5, [%r3];
                WAIT:
                mbarrier.try_wait.parity.shared::cta.b64 %p3, [%r3], 0;
                @!%p3 bra WAIT;
                selp.u32 %r5, 100, 0, %p3;
                add.u32 %r6, %r5, %r4;
                mov.u32 %r11, %ctaid.x;
                mad.lo.u32 %r12, %r11, 64, %r1;
                mul.wide.u32 %rd2, %r12, 4;
                add.s64 %rd3, %rd1, %rd2;
                st.global.u32 [%rd3], %r6;
                """;
        run(body, ".param .u64 out", 64, Map.of("out", out), g);
        for (int t = 0; t < 128; t++) {
            assertEquals(100, g.read("test", out + 4L * t, 4), "thread " + t);
        }
    }

    @Test
    void aBarrierThatNeverCompletesIsReportedAsADeadlockWithTheLineAndThreads() {
        GlobalMemory g = new GlobalMemory();
        String body = """
                mov.u32 %r3, bar;
                mov.u32 %r1, %tid.x;
                setp.eq.u32 %p1, %r1, 0;
                @%p1 mbarrier.init.shared::cta.b64 [%r3], 2;
                bar.sync 0;
                @%p1 mbarrier.arrive.shared::cta.b64 %rd5, [%r3];
                WAIT:
                mbarrier.try_wait.parity.shared::cta.b64 %p3, [%r3], 0;
                @!%p3 bra WAIT;
                """;
        KernelError e = assertThrows(KernelError.class, () -> run(body, "", 32, Map.of(), g));
        assertTrue(e.getMessage().contains("deadlock") && e.getMessage().contains("line 18") && e.getMessage().contains("threads 0-31")
                && e.getMessage().contains("pending arrivals 1"), e.getMessage());
    }

    @Test
    void anOutOfBoundsGlobalStoreNamesTheLineTheBufferAndTheThread() {
        GlobalMemory g = new GlobalMemory();
        long out = g.allocate("out", 16);
        String body = """
                ld.param.u64 %rd1, [out];
                mov.u32 %r1, %tid.x;
                mul.wide.u32 %rd2, %r1, 4;
                add.s64 %rd3, %rd1, %rd2;
                st.global.u32 [%rd3], %r1;
                """;
        KernelError e = assertThrows(KernelError.class, () -> run(body, ".param .u64 out", 32, Map.of("out", out), g));
        assertTrue(e.getMessage().contains("line 15") && e.getMessage().contains("'out'") && e.getMessage().contains("thread 4"), e.getMessage());
    }
}
