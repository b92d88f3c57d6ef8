package dev.fp4sim.verification.golden;

/**
 * A malformed golden-vector file. The message is one line naming the file, the case id (where
 * there is one) and the field, e.g.
 * {@code x.json: case uniform-0003: field 'sfa': expected 8 hex digits, got 6}.
 */
public final class GoldenFormatException extends Exception {

    public GoldenFormatException(String source, String caseId, String field, String reason) {
        super(source + ": " + (caseId == null ? "" : "case " + caseId + ": ")
                + (field == null ? "" : "field '" + field + "': ") + reason);
    }
}
