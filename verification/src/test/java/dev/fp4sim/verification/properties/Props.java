package dev.fp4sim.verification.properties;

import org.quicktheories.QuickTheory;

import static org.quicktheories.QuickTheory.qt;

/**
 * QuickTheories settings shared by the property suites. The seed is fixed so CI is reproducible;
 * {@code -Dfp4sim.seed=N} explores other corners, {@code -Dfp4sim.examples=N} runs more cases.
 */
final class Props {

    static final long SEED = Long.getLong("fp4sim.seed", 20261122L);
    static final int EXAMPLES = Integer.getInteger("fp4sim.examples", 3000);

    private Props() {
    }

    static QuickTheory theory() {
        return theory(EXAMPLES);
    }

    static QuickTheory theory(int examples) {
        return qt().withFixedSeed(SEED).withExamples(examples).withGenerateAttempts(100_000);
    }
}
