package dev.fp4sim.sim.profile;

import dev.fp4sim.isa.format.ElementFormat;
import dev.fp4sim.isa.format.FloatFormat;
import dev.fp4sim.isa.format.IntFormat;
import dev.fp4sim.isa.mma.InstructionFamily;
import dev.fp4sim.isa.mma.MmaKind;
import dev.fp4sim.sim.datapath.OutputRounding;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static dev.fp4sim.isa.format.FloatFormat.BF16;
import static dev.fp4sim.isa.format.FloatFormat.E2M1;
import static dev.fp4sim.isa.format.FloatFormat.E2M3;
import static dev.fp4sim.isa.format.FloatFormat.E3M2;
import static dev.fp4sim.isa.format.FloatFormat.E4M3;
import static dev.fp4sim.isa.format.FloatFormat.E5M2;
import static dev.fp4sim.isa.format.FloatFormat.F16;
import static dev.fp4sim.isa.format.FloatFormat.F32;
import static dev.fp4sim.isa.format.FloatFormat.TF32;
import static dev.fp4sim.isa.format.FloatFormat.UE4M3;
import static dev.fp4sim.isa.format.FloatFormat.UE8M0;
import static dev.fp4sim.sim.datapath.OutputRounding.RNE_F16;
import static dev.fp4sim.sim.datapath.OutputRounding.RZ_E8M13;
import static dev.fp4sim.sim.datapath.OutputRounding.RZ_F32;

/**
 * The architecture profiles: per target, every supported MMA form with its datapath parameters.
 * Source of every number: the MMA-Sim parameter table (numerics-sources §2.5: F, L, ρ, e_zero per
 * architecture and instruction) and PTX shape tables (isa.md §1.2, §7).
 */
public final class ArchProfiles {

    private ArchProfiles() {
    }

    public static List<ArchProfile> all() {
        return ALL;
    }

    /** The profile for a target name or alias (case-insensitive), e.g. sm_100a, sm_100f, sm_90. */
    public static Optional<ArchProfile> forArch(String arch) {
        String a = arch.toLowerCase(Locale.ROOT);
        for (ArchProfile p : ALL) {
            if (p.arch().equals(a) || p.aliases().contains(a)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public static String names() {
        return String.join(", ", ALL.stream().map(ArchProfile::arch).toList());
    }

    private static DatapathParams t(int f, int l, int eZero, OutputRounding r) {
        return new DatapathParams(Algorithm.T_FDPA, f, l, eZero, r);
    }

    private static final List<FloatFormat> F8F6F4 = List.of(E4M3, E5M2, E2M3, E3M2, E2M1);
    private static final List<FloatFormat> FP8 = List.of(E4M3, E5M2);
    private static final List<IntFormat> I8 = List.of(IntFormat.S8, IntFormat.U8);
    private static final List<ArchProfile> ALL = build();

    /** Forms of the Ampere/Ada generation (mma.sync, split-K: L = 16 bytes of operand per fused step). */
    private static void ampere(List<InstructionForm> f, boolean fp8) {
        InstructionFamily mma = InstructionFamily.MMA_SYNC;
        f.add(new InstructionForm(mma, MmaKind.F16, F16, F16, F32, 16, null, 0, "m16n8k16", t(24, 8, -132, RZ_F32)));
        f.add(new InstructionForm(mma, MmaKind.F16, F16, F16, F16, 16, null, 0, "m16n8k16", t(24, 8, -21, RNE_F16)));
        f.add(new InstructionForm(mma, MmaKind.F16, BF16, BF16, F32, 16, null, 0, "m16n8k16", t(24, 8, -132, RZ_F32)));
        f.add(new InstructionForm(mma, MmaKind.F16, F16, F16, F32, 8, null, 0, "m16n8k8", t(24, 8, -132, RZ_F32)));
        f.add(new InstructionForm(mma, MmaKind.F16, F16, F16, F16, 8, null, 0, "m16n8k8", t(24, 8, -21, RNE_F16)));
        f.add(new InstructionForm(mma, MmaKind.F16, BF16, BF16, F32, 8, null, 0, "m16n8k8", t(24, 8, -132, RZ_F32)));
        f.add(new InstructionForm(mma, MmaKind.TF32, TF32, TF32, F32, 8, null, 0, "m16n8k8", t(24, 4, -132, RZ_F32)));
        f.add(new InstructionForm(mma, MmaKind.TF32, TF32, TF32, F32, 4, null, 0, "m16n8k4", t(24, 4, -132, RZ_F32)));
        for (IntFormat a : I8) {
            for (IntFormat b : I8) {
                f.add(new InstructionForm(mma, MmaKind.I8, a, b, IntFormat.S32, 32, null, 0, "m16n8k32", DatapathParams.integer()));
                f.add(new InstructionForm(mma, MmaKind.I8, a, b, IntFormat.S32, 16, null, 0, "m16n8k16", DatapathParams.integer()));
            }
        }
        if (fp8) {
            for (FloatFormat a : FP8) {
                for (FloatFormat b : FP8) {
                    f.add(new InstructionForm(mma, MmaKind.F8, a, b, F32, 32, null, 0, "m16n8k32", t(13, 16, -132, RZ_E8M13)));
                    f.add(new InstructionForm(mma, MmaKind.F8, a, b, F16, 32, null, 0, "m16n8k32", t(13, 16, -21, RNE_F16)));
                }
            }
        }
    }

    private static void hopper(List<InstructionForm> f) {
        InstructionFamily wg = InstructionFamily.WGMMA;
        f.add(new InstructionForm(wg, MmaKind.F16, F16, F16, F32, 16, null, 0, "m64nNk16", t(25, 16, -133, RZ_F32)));
        f.add(new InstructionForm(wg, MmaKind.F16, F16, F16, F16, 16, null, 0, "m64nNk16", t(25, 16, -133, RNE_F16)));
        f.add(new InstructionForm(wg, MmaKind.F16, BF16, BF16, F32, 16, null, 0, "m64nNk16", t(25, 16, -133, RZ_F32)));
        f.add(new InstructionForm(wg, MmaKind.TF32, TF32, TF32, F32, 8, null, 0, "m64nNk8", t(25, 8, -133, RZ_F32)));
        for (FloatFormat a : FP8) {
            for (FloatFormat b : FP8) {
                f.add(new InstructionForm(wg, MmaKind.F8, a, b, F32, 32, null, 0, "m64nNk32", t(13, 32, -133, RZ_E8M13)));
                f.add(new InstructionForm(wg, MmaKind.F8, a, b, F16, 32, null, 0, "m64nNk32", t(13, 32, -133, RNE_F16)));
            }
        }
        for (IntFormat a : I8) {
            for (IntFormat b : I8) {
                f.add(new InstructionForm(wg, MmaKind.I8, a, b, IntFormat.S32, 32, null, 0, "m64nNk32", DatapathParams.integer()));
            }
        }
        InstructionFamily mma = InstructionFamily.MMA_SYNC;
        f.add(new InstructionForm(mma, MmaKind.F16, F16, F16, F32, 16, null, 0, "m16n8k16", t(25, 16, -133, RZ_F32)));
        f.add(new InstructionForm(mma, MmaKind.F16, F16, F16, F16, 16, null, 0, "m16n8k16", t(25, 16, -22, RNE_F16)));
        f.add(new InstructionForm(mma, MmaKind.F16, BF16, BF16, F32, 16, null, 0, "m16n8k16", t(25, 16, -133, RZ_F32)));
        f.add(new InstructionForm(mma, MmaKind.TF32, TF32, TF32, F32, 8, null, 0, "m16n8k8", t(25, 8, -133, RZ_F32)));
        for (IntFormat a : I8) {
            for (IntFormat b : I8) {
                f.add(new InstructionForm(mma, MmaKind.I8, a, b, IntFormat.S32, 32, null, 0, "m16n8k32", DatapathParams.integer()));
            }
        }
    }

    /** Block-scaled FP4 forms (GST-FDPA, F = 35, e_zero = −139). */
    private static void blockScaledFp4(List<InstructionForm> f, InstructionFamily fam, String shape) {
        DatapathParams gst = new DatapathParams(Algorithm.GST_FDPA, 35, 64, -139, RZ_F32);
        f.add(new InstructionForm(fam, MmaKind.MXF4, E2M1, E2M1, F32, 64, UE8M0, 32, shape, gst));
        f.add(new InstructionForm(fam, MmaKind.MXF4NVF4, E2M1, E2M1, F32, 64, UE8M0, 32, shape, gst));
        f.add(new InstructionForm(fam, MmaKind.MXF4NVF4, E2M1, E2M1, F32, 64, UE8M0, 16, shape, gst));
        f.add(new InstructionForm(fam, MmaKind.MXF4NVF4, E2M1, E2M1, F32, 64, UE4M3, 16, shape, gst));
    }

    private static void blackwellTcgen05(List<InstructionForm> f) {
        InstructionFamily tc = InstructionFamily.TCGEN05_MMA;
        String shape = "M=64|128 N=8..256";
        f.add(new InstructionForm(tc, MmaKind.F16, F16, F16, F32, 16, null, 0, shape, t(25, 16, -133, RZ_F32)));
        f.add(new InstructionForm(tc, MmaKind.F16, F16, F16, F16, 16, null, 0, shape, t(25, 16, -133, RNE_F16)));
        f.add(new InstructionForm(tc, MmaKind.F16, BF16, BF16, F32, 16, null, 0, shape, t(25, 16, -133, RZ_F32)));
        f.add(new InstructionForm(tc, MmaKind.TF32, TF32, TF32, F32, 8, null, 0, shape, t(25, 8, -133, RZ_F32)));
        for (FloatFormat a : F8F6F4) {
            for (FloatFormat b : F8F6F4) {
                f.add(new InstructionForm(tc, MmaKind.F8F6F4, a, b, F32, 32, null, 0, shape, t(25, 32, -133, RZ_F32)));
                f.add(new InstructionForm(tc, MmaKind.F8F6F4, a, b, F16, 32, null, 0, shape, t(25, 32, -133, RNE_F16)));
                f.add(new InstructionForm(tc, MmaKind.MXF8F6F4, a, b, F32, 32, UE8M0, 32, "M=128 N=8..256",
                        new DatapathParams(Algorithm.ST_FDPA, 25, 32, -133, RZ_F32)));
            }
        }
        for (IntFormat a : I8) {
            for (IntFormat b : I8) {
                f.add(new InstructionForm(tc, MmaKind.I8, a, b, IntFormat.S32, 32, null, 0, shape, DatapathParams.integer()));
            }
        }
        blockScaledFp4(f, tc, "M=128 N=8..256");
    }

    private static void rtxBlackwell(List<InstructionForm> f) {
        InstructionFamily mma = InstructionFamily.MMA_SYNC;
        f.add(new InstructionForm(mma, MmaKind.F16, F16, F16, F32, 16, null, 0, "m16n8k16", t(25, 16, -133, RZ_F32)));
        f.add(new InstructionForm(mma, MmaKind.F16, F16, F16, F16, 16, null, 0, "m16n8k16", t(25, 16, -22, RNE_F16)));
        f.add(new InstructionForm(mma, MmaKind.F16, BF16, BF16, F32, 16, null, 0, "m16n8k16", t(25, 16, -133, RZ_F32)));
        f.add(new InstructionForm(mma, MmaKind.TF32, TF32, TF32, F32, 8, null, 0, "m16n8k8", t(25, 8, -133, RZ_F32)));
        for (FloatFormat a : F8F6F4) {
            for (FloatFormat b : F8F6F4) {
                f.add(new InstructionForm(mma, MmaKind.F8F6F4, a, b, F32, 32, null, 0, "m16n8k32", t(25, 32, -133, RZ_F32)));
                f.add(new InstructionForm(mma, MmaKind.F8F6F4, a, b, F16, 32, null, 0, "m16n8k32", t(25, 32, -22, RNE_F16)));
                f.add(new InstructionForm(mma, MmaKind.MXF8F6F4, a, b, F32, 32, UE8M0, 32, "m16n8k32",
                        new DatapathParams(Algorithm.ST_FDPA, 25, 32, -133, RZ_F32)));
            }
        }
        // FP8 mma.sync without a .kind qualifier: the legacy m16n8k32 shape, same datapath (F = 25 on Blackwell).
        for (FloatFormat a : FP8) {
            for (FloatFormat b : FP8) {
                f.add(new InstructionForm(mma, MmaKind.F8, a, b, F32, 32, null, 0, "m16n8k32", t(25, 32, -133, RZ_F32)));
                f.add(new InstructionForm(mma, MmaKind.F8, a, b, F16, 32, null, 0, "m16n8k32", t(25, 32, -22, RNE_F16)));
            }
        }
        for (IntFormat a : I8) {
            for (IntFormat b : I8) {
                f.add(new InstructionForm(mma, MmaKind.I8, a, b, IntFormat.S32, 32, null, 0, "m16n8k32", DatapathParams.integer()));
            }
        }
        blockScaledFp4(f, mma, "m16n8k64");
    }

    private static List<ArchProfile> build() {
        Assumptions d = Assumptions.DEFAULTS;
        List<ArchProfile> out = new ArrayList<>();
        List<InstructionForm> ampere = new ArrayList<>();
        ampere(ampere, false);
        out.add(new ArchProfile("sm_80", "Ampere A100 (mma.sync, split-K)", List.of("sm_86", "sm_87"), null, List.copyOf(ampere), d));
        List<InstructionForm> ada = new ArrayList<>();
        ampere(ada, true);
        out.add(new ArchProfile("sm_89", "Ada L40S / RTX 40xx (mma.sync, split-K, FP8 with 13 fractional bits)", List.of(), null, List.copyOf(ada), d));
        List<InstructionForm> hopper = new ArrayList<>();
        hopper(hopper);
        out.add(new ArchProfile("sm_90a", "Hopper H100/H200 (wgmma, mma.sync)", List.of("sm_90"), null, List.copyOf(hopper), d));
        List<InstructionForm> bw = new ArrayList<>();
        blackwellTcgen05(bw);
        List<InstructionForm> bwForms = List.copyOf(bw);
        out.add(new ArchProfile("sm_100a", "Blackwell B200/GB200 (tcgen05)", List.of("sm_100", "sm_100f"), null, bwForms, d));
        out.add(new ArchProfile("sm_103a", "Blackwell Ultra B300/GB300 (tcgen05)", List.of("sm_103", "sm_103f"), "sm_100a", bwForms, d));
        out.add(new ArchProfile("sm_110a", "Blackwell Thor (tcgen05)", List.of("sm_110", "sm_110f", "sm_101a"), "sm_100a", bwForms, d));
        List<InstructionForm> rtx = new ArrayList<>();
        rtxBlackwell(rtx);
        out.add(new ArchProfile("sm_120a", "RTX Blackwell RTX 50xx / RTX PRO 6000 (mma.sync)", List.of("sm_120", "sm_120f", "sm_121a"), null, List.copyOf(rtx), d));
        return List.copyOf(out);
    }

    /** Formats listed for display. */
    static String formats(List<? extends ElementFormat> fs) {
        return String.join("|", fs.stream().map(ElementFormat::ptxName).toList());
    }
}
