package dev.fp4sim.isa.desc;

import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.format.IntFormat;
import dev.fp4sim.isa.mma.MmaKind;

import java.util.ArrayList;
import java.util.List;

/**
 * The 32-bit instruction descriptor of {@code tcgen05.mma} (PTX ISA §9.7.16.4.2, Tables 42–44;
 * isa.md §2). Its bits mean different things per {@code .kind}, so decoding needs the kind.
 *
 * @param sparsitySelector idesc bits 0–1 (non-block-scaled kinds; 0 otherwise)
 * @param saturate         bit 3, kind::i8 only
 * @param dType            F16, F32 or S32 (block-scaled kinds: F32)
 * @param transposeA       bit 15: A is M-major (MN-major) instead of K-major
 * @param n                N (8..256); encoded as N >> 3 in bits 17–22
 * @param m                M; encoded as M >> 4 in bits 24–28, or M >> 7 in bits 27–28 (block-scaled)
 * @param maxShift         bits 30–31 of the {@code .ws} forms (B-reuse shift), non-block-scaled kinds only
 * @param scaleType        block-scaled kinds: ue8m0 or ue4m3 (bit 23); null otherwise
 * @param sfaId, sfbId     block-scaled kinds: scale-factor data IDs (bits 29–30, 4–5)
 * @param k96              kind::mxf4/mxf4nvf4 bit 31: dense K = 96 (sm_103a)
 */
public record InstrDescriptor(MmaKind kind, int sparsitySelector, boolean sparse, boolean saturate, ElementFormat dType,
                              ElementFormat aType, ElementFormat bType, boolean negateA, boolean negateB,
                              boolean transposeA, boolean transposeB, int n, int m, int maxShift,
                              FloatFormat scaleType, int sfaId, int sfbId, boolean k96) {

    /** The common dense, K-major, unscaled descriptor. */
    public static InstrDescriptor dense(MmaKind kind, ElementFormat d, ElementFormat a, ElementFormat b, int m, int n) {
        return new InstrDescriptor(kind, 0, false, false, d, a, b, false, false, false, false, n, m, 0, null, 0, 0, false);
    }

    /** The common dense, K-major, block-scaled descriptor with scale-factor IDs 0. */
    public static InstrDescriptor blockScaled(MmaKind kind, ElementFormat a, ElementFormat b, FloatFormat scale, int m, int n) {
        return new InstrDescriptor(kind, 0, false, false, FloatFormat.F32, a, b, false, false, false, false, n, m, 0, scale, 0, 0, false);
    }

    static int typeCode(MmaKind kind, ElementFormat f, String field) {
        int c = code(kind, f);
        if (c < 0) {
            throw new DescriptorException(field, (f == null ? "none" : f.ptxName()) + " is not an operand type of kind::" + kind.ptxName()
                    + " (valid: " + validTypes(kind) + ")");
        }
        return c;
    }

    private static int code(MmaKind kind, ElementFormat f) {
        switch (kind) {
            case F16:
                if (f == FloatFormat.F16) {
                    return 0;
                }
                if (f == FloatFormat.BF16) {
                    return 1;
                }
                break;
            case TF32:
                if (f == FloatFormat.TF32) {
                    return 2;
                }
                break;
            case F8F6F4:
            case MXF8F6F4:
                if (f == FloatFormat.E4M3) {
                    return 0;
                }
                if (f == FloatFormat.E5M2) {
                    return 1;
                }
                if (f == FloatFormat.E2M3) {
                    return 3;
                }
                if (f == FloatFormat.E3M2) {
                    return 4;
                }
                if (f == FloatFormat.E2M1) {
                    return 5;
                }
                break;
            case I8:
                if (f == IntFormat.U8) {
                    return 0;
                }
                if (f == IntFormat.S8) {
                    return 1;
                }
                break;
            case MXF4:
            case MXF4NVF4:
                if (f == FloatFormat.E2M1) {
                    return 1;
                }
                break;
            default:
                break;
        }
        return -1;
    }

    static String validTypes(MmaKind kind) {
        return switch (kind) {
            case F16 -> "f16, bf16";
            case TF32 -> "tf32";
            case F8F6F4, MXF8F6F4 -> "e4m3, e5m2, e2m3, e3m2, e2m1";
            case I8 -> "u8, s8";
            case MXF4, MXF4NVF4 -> "e2m1";
            default -> "none: kind::" + kind.ptxName() + " is not a tcgen05 kind";
        };
    }

    static ElementFormat typeOf(MmaKind kind, int code, String field) {
        for (ElementFormat f : new ElementFormat[] {FloatFormat.F16, FloatFormat.BF16, FloatFormat.TF32, FloatFormat.E4M3,
                FloatFormat.E5M2, FloatFormat.E2M3, FloatFormat.E3M2, FloatFormat.E2M1, IntFormat.U8, IntFormat.S8}) {
            if (code(kind, f) == code) {
                return f;
            }
        }
        throw new DescriptorException(field, "code " + code + " is not defined for kind::" + kind.ptxName()
                + " (valid: " + validTypes(kind) + ")");
    }

    /** Every rule of Tables 42–44 and 51 this descriptor breaks, as "field: reason" (empty if valid). */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (code(kind, aType) < 0) {
            p.add("atype: " + (aType == null ? "none" : aType.ptxName()) + " is not an operand type of kind::" + kind.ptxName() + " (valid: " + validTypes(kind) + ")");
        }
        if (code(kind, bType) < 0) {
            p.add("btype: " + (bType == null ? "none" : bType.ptxName()) + " is not an operand type of kind::" + kind.ptxName() + " (valid: " + validTypes(kind) + ")");
        }
        boolean bs = kind.blockScaled();
        switch (kind) {
            case F16 -> {
                if (dType != FloatFormat.F16 && dType != FloatFormat.F32) {
                    p.add("dtype: kind::f16 writes f16 or f32");
                }
                if (dType == FloatFormat.F16 && (aType != FloatFormat.F16 || bType != FloatFormat.F16)) {
                    p.add("dtype: an f16 D needs f16 A and B (Table 39)");
                }
            }
            case F8F6F4 -> {
                if (dType != FloatFormat.F16 && dType != FloatFormat.F32) {
                    p.add("dtype: kind::f8f6f4 writes f16 or f32");
                }
            }
            case TF32 -> {
                if (dType != FloatFormat.F32) {
                    p.add("dtype: kind::tf32 writes f32");
                }
            }
            case I8 -> {
                if (dType != IntFormat.S32) {
                    p.add("dtype: kind::i8 writes s32");
                }
                if (negateA || negateB) {
                    p.add("negate: kind::i8 cannot negate (Table 51)");
                }
            }
            default -> {
                if (dType != FloatFormat.F32) {
                    p.add("dtype: block-scaled kinds write f32");
                }
            }
        }
        if (saturate && kind != MmaKind.I8) {
            p.add("saturate: only kind::i8 saturates (bit 3 must be 0)");
        }
        if (kind.packedFp4() && (transposeA || transposeB)) {
            p.add("transpose: kind::" + kind.ptxName() + " operands must be K-major (Table 51)");
        }
        if ((transposeA && !transposable(aType)) || (transposeB && !transposable(bType))) {
            p.add("transpose: FP6/FP4 operands must be K-major (only 8-, 16- and 32-bit types can be MN-major)");
        }
        if (n < 8 || n > 256 || n % 8 != 0) {
            p.add("N: " + n + " must be a multiple of 8 in 8..256");
        }
        if (bs) {
            if (m != 128 && m != 256) {
                p.add("M: block-scaled kinds take M = 128 or 256, not " + m);
            }
            if (scaleType == null) {
                p.add("scale type: block-scaled kinds need ue8m0 or ue4m3");
            } else if (scaleType == FloatFormat.UE4M3 && kind != MmaKind.MXF4NVF4) {
                p.add("scale type: ue4m3 scales are only valid with kind::mxf4nvf4 (Table 57)");
            } else if (scaleType != FloatFormat.UE4M3 && scaleType != FloatFormat.UE8M0) {
                p.add("scale type: " + scaleType.ptxName() + " is not a scale format (ue8m0, ue4m3)");
            }
            if (sfaId < 0 || sfaId > 3 || sfbId < 0 || sfbId > 3) {
                p.add("scale-factor ID: must be 0..3");
            } else if (kind.packedFp4() && (sfaId % 2 != 0 || sfbId % 2 != 0)) {
                p.add("scale-factor ID: kind::" + kind.ptxName() + " takes IDs 0 or 2");
            }
            if (k96 && !kind.packedFp4()) {
                p.add("K: the K = 96 bit exists only for kind::mxf4 and kind::mxf4nvf4");
            }
            if (sparsitySelector != 0 || maxShift != 0 || saturate) {
                p.add("reserved: sparsity selector, .ws shift and saturate are reserved (0) in block-scaled descriptors");
            }
        } else {
            if (m != 32 && m != 64 && m != 128 && m != 256) {
                p.add("M: " + m + " is not 32 (.ws), 64, 128 or 256");
            }
            if (scaleType != null || sfaId != 0 || sfbId != 0 || k96) {
                p.add("scale fields: only block-scaled kinds have scale type, scale-factor IDs and K = 96");
            }
            if (sparsitySelector < 0 || sparsitySelector > 3 || maxShift < 0 || maxShift > 3) {
                p.add("sparsity selector / .ws shift: 2-bit fields (0..3)");
            }
            if (sparsitySelector != 0 && (!sparse || kind == MmaKind.I8 || kind == MmaKind.F8F6F4)) {
                p.add("sparsity selector: must be 0 unless sparse, and always 0 for kind::i8 and kind::f8f6f4");
            }
        }
        return p;
    }

    private static boolean transposable(ElementFormat f) {
        return f.storageBits() >= 8;
    }

    /** The 32-bit word. Throws {@link DescriptorException} naming the first invalid field. */
    public int encode() {
        List<String> p = problems();
        if (!p.isEmpty()) {
            int colon = p.get(0).indexOf(':');
            throw new DescriptorException(p.get(0).substring(0, colon), p.get(0).substring(colon + 2));
        }
        int w = 0;
        w |= (sparse ? 1 : 0) << 2;
        w |= typeCode(kind, aType, "atype") << 7;
        w |= typeCode(kind, bType, "btype") << 10;
        w |= (negateA ? 1 : 0) << 13;
        w |= (negateB ? 1 : 0) << 14;
        w |= (transposeA ? 1 : 0) << 15;
        w |= (transposeB ? 1 : 0) << 16;
        w |= (n >> 3) << 17;
        if (kind.blockScaled()) {
            w |= sfbId << 4;
            w |= (scaleType == FloatFormat.UE8M0 ? 1 : 0) << 23;
            w |= (m >> 7) << 27;
            w |= sfaId << 29;
            w |= (k96 ? 1 : 0) << 31;
        } else {
            w |= sparsitySelector;
            w |= (saturate ? 1 : 0) << 3;
            w |= (dType == FloatFormat.F16 ? 0 : dType == FloatFormat.F32 ? 1 : 2) << 4;
            w |= (m >> 4) << 24;
            w |= maxShift << 30;
        }
        return w;
    }

    private static int bits(int w, int lo, int hi) {
        return (w >>> lo) & ((1 << (hi - lo + 1)) - 1);
    }

    /** Decodes a word for the given kind; an invalid word names the bad field and the reason. */
    public static InstrDescriptor decode(int w, MmaKind kind) {
        String k = "kind::" + kind.ptxName();
        if (kind == MmaKind.F8) {
            throw new DescriptorException("kind", "kind::f8 is a Hopper/Ada FP8 mma, not a tcgen05 kind");
        }
        boolean sparse = bits(w, 2, 2) == 1;
        ElementFormat a = typeOf(kind, bits(w, 7, 9), "atype (bits 7-9)");
        boolean negA = bits(w, 13, 13) == 1;
        boolean negB = bits(w, 14, 14) == 1;
        boolean trA = bits(w, 15, 15) == 1;
        boolean trB = bits(w, 16, 16) == 1;
        int nField = bits(w, 17, 22);
        if (nField == 0) {
            throw new DescriptorException("N>>3 (bits 17-22)", "0 is not a valid N (N = 8..256)");
        }
        InstrDescriptor d;
        if (kind.blockScaled()) {
            if (bits(w, 0, 1) != 0 || bits(w, 3, 3) != 0 || bits(w, 6, 6) != 0 || bits(w, 24, 26) != 0
                    || (kind.packedFp4() && bits(w, 12, 12) != 0) || (!kind.packedFp4() && bits(w, 31, 31) != 0)) {
                throw new DescriptorException("reserved bits", String.format("0x%08X sets reserved bits of the %s descriptor (Table %s)",
                        w, k, kind.packedFp4() ? "44" : "43"));
            }
            ElementFormat b = typeOf(kind, kind.packedFp4() ? bits(w, 10, 11) : bits(w, 10, 12), "btype");
            int mField = bits(w, 27, 28);
            if (mField == 0 || mField == 3) {
                throw new DescriptorException("M>>7 (bits 27-28)", mField + " is not a valid M (1 = 128, 2 = 256)");
            }
            FloatFormat scale = bits(w, 23, 23) == 1 ? FloatFormat.UE8M0 : FloatFormat.UE4M3;
            d = new InstrDescriptor(kind, 0, sparse, false, FloatFormat.F32, a, b, negA, negB, trA, trB, nField << 3,
                    mField << 7, 0, scale, bits(w, 29, 30), bits(w, 4, 5), kind.packedFp4() && bits(w, 31, 31) == 1);
        } else {
            if (bits(w, 6, 6) != 0 || bits(w, 23, 23) != 0 || bits(w, 29, 29) != 0) {
                throw new DescriptorException("reserved bits", String.format("0x%08X sets reserved bits 6, 23 or 29 (Table 42)", w));
            }
            ElementFormat b = typeOf(kind, bits(w, 10, 12), "btype (bits 10-12)");
            int dCode = bits(w, 4, 5);
            ElementFormat dt = switch (dCode) {
                case 0 -> FloatFormat.F16;
                case 1 -> FloatFormat.F32;
                case 2 -> IntFormat.S32;
                default -> throw new DescriptorException("dtype (bits 4-5)", "3 is not a D type (F16 = 0, F32 = 1, S32 = 2)");
            };
            int mField = bits(w, 24, 28);
            int m = mField << 4;
            if (m != 32 && m != 64 && m != 128 && m != 256) {
                throw new DescriptorException("M>>4 (bits 24-28)", mField + " is not a valid M (2 = 32 for .ws, 4 = 64, 8 = 128, 16 = 256)");
            }
            d = new InstrDescriptor(kind, bits(w, 0, 1), sparse, bits(w, 3, 3) == 1, dt, a, b, negA, negB, trA, trB,
                    nField << 3, m, bits(w, 30, 31), null, 0, 0, false);
        }
        List<String> p = d.problems();
        if (!p.isEmpty()) {
            int colon = p.get(0).indexOf(':');
            throw new DescriptorException(p.get(0).substring(0, colon), p.get(0).substring(colon + 2) + String.format(" (word 0x%08X, %s)", w, k));
        }
        return d;
    }

    /** One line per field, for {@code fp4sim isa idesc}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("kind::%s  M=%d N=%d  D=%s A=%s B=%s%n", kind.ptxName(), m, n, dType.ptxName(), aType.ptxName(), bType.ptxName()));
        sb.append(String.format("sparse=%s%s negate A=%s B=%s  transpose A=%s B=%s (%s)%n", sparse,
                kind.blockScaled() ? "" : " selector=" + sparsitySelector + " saturate=" + saturate + " ws-shift=" + maxShift,
                negateA, negateB, transposeA, transposeB, transposeA || transposeB ? "MN-major operand" : "both K-major"));
        if (kind.blockScaled()) {
            sb.append(String.format("scale=%s  SFA_ID=%d SFB_ID=%d%s%n", scaleType.ptxName(), sfaId, sfbId,
                    kind.packedFp4() ? "  K=" + (k96 ? 96 : sparse ? 128 : 64) : ""));
        }
        return sb.toString();
    }
}
