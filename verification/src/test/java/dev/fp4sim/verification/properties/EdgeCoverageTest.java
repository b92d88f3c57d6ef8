package dev.fp4sim.verification.properties;

import dev.fp4sim.verification.exact.ExactBlockScaled;
import dev.fp4sim.verification.exact.ExactBlockScaled.Term;
import dev.fp4sim.verification.gen.EdgeClass;
import dev.fp4sim.verification.gen.Fp4Case;
import dev.fp4sim.verification.gen.Fp4Gens;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reports how often the edge-biased generator hits each edge class, and fails if one is hit in
 * fewer than 0.5% of cases: the property suites are only as good as the corners they reach.
 */
class EdgeCoverageTest {

    @Test
    void everyEdgeClassIsReachedOften() {
        Map<EdgeClass, AtomicInteger> hits = new EnumMap<>(EdgeClass.class);
        for (EdgeClass e : EdgeClass.values()) {
            hits.put(e, new AtomicInteger());
        }
        AtomicInteger zeroSetsE = new AtomicInteger();
        AtomicInteger truncated = new AtomicInteger();
        AtomicInteger total = new AtomicInteger();
        ExactBlockScaled exact = ExactBlockScaled.blackwell();
        int examples = 5000;
        Props.theory(examples).forAll(Fp4Gens.cases()).checkAssert(c -> {
            total.incrementAndGet();
            EdgeClass.of(c).forEach(e -> hits.get(e).incrementAndGet());
            if (!ExactBlockScaled.nanScale(c, 0) && Float.isFinite(Float.intBitsToFloat(c.c()))) {
                List<Term> terms = exact.terms(c, 0, c.c());
                int e = ExactBlockScaled.maxExponent(terms);
                if (terms.stream().anyMatch(t -> t.zeroTerm() && t.exponent() == e)) {
                    zeroSetsE.incrementAndGet();
                }
                if (exact.anyTruncated(terms)) {
                    truncated.incrementAndGet();
                }
            }
        });
        StringBuilder report = new StringBuilder("edge-class hit rates over " + total + " generated cases:\n");
        hits.forEach((e, n) -> report.append(String.format("  %-22s %6d  %5.1f%%%n", e, n.get(), 100.0 * n.get() / total.get())));
        report.append(String.format("  %-22s %6d  %5.1f%%%n", "ZERO_TERM_SETS_E", zeroSetsE.get(), 100.0 * zeroSetsE.get() / total.get()));
        report.append(String.format("  %-22s %6d  %5.1f%%%n", "SOME_TERM_TRUNCATED", truncated.get(), 100.0 * truncated.get() / total.get()));
        System.out.print(report);
        int floor = total.get() / 200;
        hits.forEach((e, n) -> assertTrue(n.get() >= floor, e + " hit only " + n + " times\n" + report));
        assertTrue(zeroSetsE.get() >= floor, "zero terms rarely set E\n" + report);
        assertTrue(truncated.get() >= floor, "truncation rarely happens\n" + report);
    }
}
