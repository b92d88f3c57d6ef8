package dev.fp4sim.verification.golden;

/**
 * One case of a golden-vector file (golden-format.md, "Case fields"): one D element over k.
 * Byte arrays hold the decoded hex images; {@code sfa}/{@code sfb} are null for kinds without
 * block scaling. {@code c} and {@code d} are bit patterns in the file's C and D formats.
 */
public record GoldenCase(String id, int k, byte[] a, byte[] b, byte[] sfa, byte[] sfb, int c, int d) {

    /** The id's category prefix ({@code nan_scale-0003} → {@code nan_scale}). */
    public String category() {
        int dash = id.lastIndexOf('-');
        return dash > 0 ? id.substring(0, dash) : id;
    }
}
