package dev.fp4sim.sim.gemm;

/** Receives progress of long work: {@code done} of {@code total} units finished. Called from worker threads. */
@FunctionalInterface
public interface Progress {

    Progress NONE = (done, total) -> { };

    void update(long done, long total);
}
