package dev.fp4sim.verification.golden;

import dev.fp4sim.isa.mma.MmaVariant;

import java.util.List;

/** A parsed golden-vector file, schema {@code fp4sim-golden/1}. */
public record GoldenFile(String source, String operation, MmaVariant variant, String provenance, List<GoldenCase> cases) {

    public static final String SCHEMA = "fp4sim-golden/1";
}
