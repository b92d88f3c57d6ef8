package dev.fp4sim.isa.format;

import java.util.Locale;

/**
 * Floating-point element formats as data (in the LLVM APFloat style): one generic decoder and
 * encoder serve all of them, and everything about NaN, infinity and saturation lives in
 * {@link Specials}. Source of every parameter: PTX ISA §5.2.3 and docs/numerics.md §1.
 *
 * <p>A <em>code</em> is the format's bit pattern in the low bits of an int (tf32: the full
 * f32 bit pattern, whose low 13 mantissa bits the format ignores). Decoded values are
 * {@code (-1)^sign · significand · 2^(exponent − mantissaBits)}, where {@code significand}
 * includes the hidden bit and {@code exponent} is the alignment exponent: subnormals and zero
 * sit at {@link #emin()}. This is exactly the (sig, exp) pair the tensor-core datapath aligns
 * (numerics.md §2, {@code sig_exp}).
 */
public enum FloatFormat implements ElementFormat {
    E2M1("e2m1", 4, 2, 1, 1, true, true, 0, Specials.NONE),
    E2M3("e2m3", 6, 2, 3, 1, true, true, 0, Specials.NONE),
    E3M2("e3m2", 6, 3, 2, 3, true, true, 0, Specials.NONE),
    E4M3("e4m3", 8, 4, 3, 7, true, true, 0, Specials.FN_NAN_ALL_ONES),
    E5M2("e5m2", 8, 5, 2, 15, true, true, 0, Specials.IEEE),
    /** NVFP4 block scale. Bit 7 of the byte is padding (PTX: "MSB bit padded with zero"). */
    UE4M3("ue4m3", 8, 4, 3, 7, false, true, 0, Specials.UE4M3),
    /** MX block scale: value 2^(code − 127); code 0 is 2^−127, 0xFF is NaN. */
    UE8M0("ue8m0", 8, 8, 0, 127, false, false, 0, Specials.UE8M0),
    F16("f16", 16, 5, 10, 15, true, true, 0, Specials.IEEE),
    BF16("bf16", 16, 8, 7, 127, true, true, 0, Specials.IEEE),
    /** Stored as f32 bits; the low 13 mantissa bits are ignored (truncated) on decode. */
    TF32("tf32", 32, 8, 10, 127, true, true, 13, Specials.IEEE),
    F32("f32", 32, 8, 23, 127, true, true, 0, Specials.IEEE);

    private final String ptxName;
    private final int storageBits;
    private final int expBits;
    private final int manBits;
    private final int bias;
    private final boolean signed;
    private final boolean subnormals;
    private final int containerShift;
    private final Specials specials;

    FloatFormat(String ptxName, int storageBits, int expBits, int manBits, int bias, boolean signed,
                boolean subnormals, int containerShift, Specials specials) {
        this.ptxName = ptxName;
        this.storageBits = storageBits;
        this.expBits = expBits;
        this.manBits = manBits;
        this.bias = bias;
        this.signed = signed;
        this.subnormals = subnormals;
        this.containerShift = containerShift;
        this.specials = specials;
    }

    @Override
    public String ptxName() {
        return ptxName;
    }

    @Override
    public int storageBits() {
        return storageBits;
    }

    public int exponentBits() {
        return expBits;
    }

    public int mantissaBits() {
        return manBits;
    }

    public int bias() {
        return bias;
    }

    public boolean signed() {
        return signed;
    }

    public boolean hasSubnormals() {
        return subnormals;
    }

    public Specials specials() {
        return specials;
    }

    public boolean hasInfinity() {
        return specials.hasInfinity();
    }

    public boolean hasNaN() {
        return specials.hasNaN();
    }

    /** Smallest alignment exponent: that of the smallest normal (subnormals and zero sit here too). */
    public int emin() {
        return subnormals ? 1 - bias : -bias;
    }

    /** Exponent of the largest finite value. */
    public int emax() {
        return specials.maxFiniteExpField(this) - bias;
    }

    /** Number of distinct codes, for exhaustive iteration with {@link #codeAt(int)}. */
    public int codeCount() {
        int valueBits = storageBits - containerShift - (this == UE4M3 ? 1 : 0);
        return 1 << valueBits;
    }

    /** The {@code i}-th code in [0, {@link #codeCount()}). */
    public int codeAt(int i) {
        return i << containerShift;
    }

    int mantissaField(int code) {
        return (code >>> containerShift) & ((1 << manBits) - 1);
    }

    int exponentField(int code) {
        return (code >>> (containerShift + manBits)) & ((1 << expBits) - 1);
    }

    /** Whether the sign bit is set (always false for the unsigned scale formats). */
    public boolean signBit(int code) {
        return signed && ((code >>> (storageBits - 1)) & 1) != 0;
    }

    public FpClass classify(int code) {
        int e = exponentField(code);
        int m = mantissaField(code);
        if (specials.isNaN(this, e, m)) {
            return FpClass.NAN;
        }
        if (specials.isInfinite(this, e, m)) {
            return FpClass.INFINITE;
        }
        if (e == 0 && subnormals) {
            return m == 0 ? FpClass.ZERO : FpClass.SUBNORMAL;
        }
        return FpClass.NORMAL;
    }

    public boolean isNaN(int code) {
        return specials.isNaN(this, exponentField(code), mantissaField(code));
    }

    public boolean isInfinite(int code) {
        return specials.isInfinite(this, exponentField(code), mantissaField(code));
    }

    /** Zero (of either sign); false for NaN/Inf. */
    public boolean isZero(int code) {
        return subnormals && exponentField(code) == 0 && mantissaField(code) == 0;
    }

    /** Integer significand including the hidden bit; 0 for zero; meaningless for NaN/Inf. */
    public int significand(int code) {
        int e = exponentField(code);
        int m = mantissaField(code);
        return (e == 0 && subnormals) ? m : (m | (1 << manBits));
    }

    /** Alignment exponent (unbiased); subnormals and zero report {@link #emin()}. */
    public int exponent(int code) {
        int e = exponentField(code);
        return (e == 0 && subnormals) ? emin() : e - bias;
    }

    /** The exact value as a double (every format here is a subset of binary64). */
    public double toDouble(int code) {
        FpClass c = classify(code);
        boolean neg = signBit(code);
        return switch (c) {
            case NAN -> Double.NaN;
            case INFINITE -> neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            default -> {
                double v = Math.scalb((double) significand(code), exponent(code) - manBits);
                yield neg ? -v : v;
            }
        };
    }

    /** A record view of one code, for printing and tests. */
    public Decoded decode(int code) {
        return new Decoded(this, code, classify(code), signBit(code), significand(code), exponent(code));
    }

    /** Code of the largest finite value with the given sign (unsigned formats ignore the sign). */
    public int maxFiniteCode(boolean negative) {
        int e = specials.maxFiniteExpField(this);
        int m = specials.maxFiniteMantField(this);
        return pack(negative, e, m);
    }

    public double maxFinite() {
        return toDouble(maxFiniteCode(false));
    }

    int infinityCode(boolean negative) {
        return pack(negative, (1 << expBits) - 1, 0);
    }

    /** Code of a zero with the given sign; -1 for ue8m0, which has no zero. */
    public int zeroCode(boolean negative) {
        return subnormals ? pack(negative, 0, 0) : -1;
    }

    private int pack(boolean negative, int expField, int mantField) {
        int code = ((expField << manBits) | mantField) << containerShift;
        if (negative && signed) {
            code |= 1 << (storageBits - 1);
        }
        return code;
    }

    /** Converts a float exactly as {@link #encode(double, Rounding, boolean)} does. */
    public int encode(float x, Rounding mode, boolean satfinite) {
        return encode((double) x, mode, satfinite);
    }

    /**
     * Converts a binary64 value with one rounding step, with the semantics of PTX
     * {@code cvt.<mode>{.satfinite}.<this>.f32/f64} (docs/numerics.md §1.2). Every f32 is
     * exactly a double, so this also serves f32 sources without double rounding.
     * Unsigned formats: negative non-zero inputs give NaN. ue8m0 has no zero: a result that
     * rounds to zero gives code 0 (2^−127) with satfinite and NaN without.
     */
    public int encode(double x, Rounding mode, boolean satfinite) {
        if (Double.isNaN(x)) {
            return specials.onNaN(this);
        }
        long raw = Double.doubleToRawLongBits(x);
        boolean negative = raw < 0 && (signed || x != 0.0); // −0 is +0 for unsigned formats
        if (!signed && negative && x != 0.0) {
            return specials.onNaN(this);
        }
        boolean neg = negative && signed;
        if (Double.isInfinite(x)) {
            if (hasInfinity() && !satfinite) {
                return infinityCode(neg);
            }
            return specials.onOverflow(this, neg, true, satfinite);
        }
        if (x == 0.0) {
            // ue8m0 has no zero: only rounding up reaches its smallest value 2^−127
            return (!subnormals && mode == Rounding.RU) ? 0 : zeroOrUnderflow(neg, satfinite);
        }
        int dexp = (int) ((raw >>> 52) & 0x7FF);
        long dman = raw & ((1L << 52) - 1);
        long mag = dexp == 0 ? dman : dman | (1L << 52);
        int e2 = dexp == 0 ? -1074 : dexp - 1075;           // |x| = mag · 2^e2
        int ex = 63 - Long.numberOfLeadingZeros(mag) + e2;  // floor(log2 |x|)
        int e = Math.max(ex, emin());
        int shift = e2 - (e - manBits);                     // |x| / 2^(e − manBits) = mag · 2^shift
        long sig;
        boolean inexact;
        boolean aboveHalf;
        boolean exactlyHalf;
        if (shift >= 0) {
            sig = mag << shift;
            inexact = false;
            aboveHalf = false;
            exactlyHalf = false;
        } else {
            int r = -shift;
            if (r >= 64) {
                sig = 0;
                inexact = true;
                aboveHalf = false;
                exactlyHalf = false;
            } else {
                sig = mag >>> r;
                long rem = mag & ((1L << r) - 1);
                long half = 1L << (r - 1);
                inexact = rem != 0;
                aboveHalf = rem > half;
                exactlyHalf = rem == half;
            }
        }
        boolean downIsOdd = sig == 0 ? false : (manBits > 0 ? (sig & 1) == 1 : ((e + bias) & 1) == 1);
        boolean up = switch (mode) {
            case RZ -> false;
            case RU -> inexact && !negative;
            case RD -> inexact && negative;
            case RNA -> aboveHalf || exactlyHalf;
            case RNE -> aboveHalf || (exactlyHalf && downIsOdd);
        };
        if (up) {
            sig++;
            if (sig == (1L << (manBits + 1))) {
                sig >>= 1;
                e++;
            }
        }
        if (sig == 0) {
            return zeroOrUnderflow(neg, satfinite);
        }
        boolean normal = sig >= (1L << manBits);
        if (!subnormals && !normal) {
            // ue8m0 below 2^-127: sig < 1 cannot happen except via the zero case above.
            return zeroOrUnderflow(neg, satfinite);
        }
        int expField = normal ? e + bias : 0;
        int mantField = (int) (sig & ((1L << manBits) - 1));
        int maxE = specials.maxFiniteExpField(this);
        if (expField > maxE || (expField == maxE && mantField > specials.maxFiniteMantField(this))) {
            boolean towardInf = switch (mode) {
                case RNE, RNA -> true;
                case RZ -> false;
                case RU -> !negative;
                case RD -> negative;
            };
            return specials.onOverflow(this, neg, towardInf, satfinite);
        }
        return pack(neg, expField, mantField);
    }

    private int zeroOrUnderflow(boolean negative, boolean satfinite) {
        if (subnormals) {
            return pack(negative, 0, 0);
        }
        return satfinite ? 0 : specials.onNaN(this);
    }

    /** Looks a float format up by its PTX name. */
    public static FloatFormat byPtxName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (FloatFormat f : values()) {
            if (f.ptxName.equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown float format '" + name + "'");
    }

    @Override
    public String toString() {
        return ptxName;
    }
}
