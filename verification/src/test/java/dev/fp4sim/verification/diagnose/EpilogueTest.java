package dev.fp4sim.verification.diagnose;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** D = alpha·acc + beta·E in f32, each operation rounded to nearest even (values derived by hand). */
class EpilogueTest {

    private static int b(float x) {
        return Float.floatToRawIntBits(x);
    }

    @Test
    void exactValues() {
        int[] d = new Epilogue(0.5f, 2f).apply(new int[] {b(3f), b(-1f)}, new int[] {b(0.25f), b(4f)});
        assertEquals(2.0f, Float.intBitsToFloat(d[0]));   // 1.5 + 0.5
        assertEquals(7.5f, Float.intBitsToFloat(d[1]));   // -0.5 + 8
    }

    @Test
    void productIsRoundedBeforeTheSumNoFma() {
        // alpha = acc = 1 + 2^-23: alpha·acc = 1 + 2^-22 + 2^-46 exactly, RNE -> 1 + 2^-22.
        // E = -(1 + 2^-22), beta = 1: the separately rounded sum is 0; an FMA would give 2^-46.
        float a = 1f + 0x1p-23f;
        int[] d = new Epilogue(a, 1f).apply(new int[] {b(a)}, new int[] {b(-(1f + 0x1p-22f))});
        assertEquals(0f, Float.intBitsToFloat(d[0]));
        assertEquals(0, d[0], "+0, not 2^-46 and not -0");
    }

    @Test
    void identityAndMissingE() {
        assertEquals(true, Epilogue.NONE.identity());
        assertThrows(IllegalArgumentException.class, () -> new Epilogue(1f, 1f).apply(new int[2], null));
    }
}
