package dev.fp4sim.bench;

import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.sim.datapath.BlockScaledFp4;
import dev.fp4sim.sim.gemm.FastFp4Gemm;
import dev.fp4sim.sim.gemm.Fp4Operands;
import dev.fp4sim.sim.gemm.Progress;
import dev.fp4sim.sim.gemm.ReferenceFp4Gemm;
import dev.fp4sim.sim.profile.BlockScaledProfile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** The datapath step (one K = 64 NVFP4 instruction for one D element) and both GEMM engines. */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class DatapathBench {

    @Param({"256"})
    int size;

    BlockScaledFp4 unit;
    byte[] a;
    byte[] b;
    byte[] sfa;
    byte[] sfb;
    Fp4Operands ops;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(1);
        unit = new BlockScaledFp4(FloatFormat.UE4M3, 16, BlockScaledProfile.BLACKWELL);
        a = new byte[size * size / 2];
        b = new byte[size * size / 2];
        rnd.nextBytes(a);
        rnd.nextBytes(b);
        sfa = new byte[size * size / 16];
        sfb = new byte[size * size / 16];
        for (int i = 0; i < sfa.length; i++) {
            sfa[i] = (byte) (0x20 + rnd.nextInt(0x5E));
            sfb[i] = (byte) (0x20 + rnd.nextInt(0x5E));
        }
        ops = new Fp4Operands(size, size, size, 16, a, b, sfa, sfb, null);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int datapathStep() {
        return unit.mma(a, 0, b, 0, sfa, 0, sfb, 0, 0x3F800000);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int[] referenceEngine() {
        return ReferenceFp4Gemm.run(unit, ops, 1, Progress.NONE);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int[] fastEngine() {
        return FastFp4Gemm.run(unit, ops, 1, Progress.NONE);
    }
}
