// emulate: an independent CUDA C++ implementation of the Blackwell tensor-core arithmetic, one
// thread per D element, written from shared/spec/numerics.md (sections cited inline), not from
// the Java simulator. Kinds: tcgen05 mxf4nvf4 / mxf4 (§3.1), f16 / tf32 / f8f6f4 / mxf8f6f4
// (§3.2), chains (§3.3). Compiles for sm_80 and later; runs on any such GPU.
//
// usage: emulate IN.batch OUT.result        (batch format: fp4sim_batch.cuh, docs/cuda.md)
//
// Assumptions where numerics.md is silent (the same defaults as docs/numerics.md §7 names them):
//   * ue4m3 scale: the sign bit is ignored (|x|)                                    [ue4m3-sign]
//   * a result of magnitude >= 2^128 (f32) or rounding past 65504 (f16) is +-Inf     [result-overflow]
//   * block-scaled C = +-Inf gives D = C unless a scale is NaN                        [infinite-c]
//   * FP6/FP4 operands of f8f6f4 enter at emin = 1 - bias (e2m1 0, e2m3 0, e3m2 -2)  (§3.2)
//   * ue8m0 0x00 enters as 1 * 2^-127                                                 (§1)
#include <cuda_runtime.h>
#include <cmath>
#include "fp4sim_batch.cuh"

namespace {

using fp4sim::Header;

// A decoded element: value = m * 2^x exactly (m >= 0), nominal exponent `ex` per sig_exp (§2:
// 1 <= sig < 2 for normals, subnormals pinned at emin = 1 - bias), and a class.
enum Cls { ZERO = 0, FINITE = 1, INF = 2, NAN_ = 3 };
struct Elem {
    int neg;
    long long m;
    int x;
    int ex;
    int cls;
};

FP4SIM_HD Elem decode(uint32_t code, uint32_t fmt) {
    int eb, mb, bias;
    bool ieee = false, e4m3 = false, unsigned_ = false;
    switch (fmt) {
        case fp4sim::FMT_E2M1: eb = 2; mb = 1; bias = 1; break;
        case fp4sim::FMT_E2M3: eb = 2; mb = 3; bias = 1; break;
        case fp4sim::FMT_E3M2: eb = 3; mb = 2; bias = 3; break;
        case fp4sim::FMT_E4M3: eb = 4; mb = 3; bias = 7; e4m3 = true; break;
        case fp4sim::FMT_UE4M3: eb = 4; mb = 3; bias = 7; e4m3 = true; unsigned_ = true; break;
        case fp4sim::FMT_E5M2: eb = 5; mb = 2; bias = 15; ieee = true; break;
        case fp4sim::FMT_F16: eb = 5; mb = 10; bias = 15; ieee = true; break;
        case fp4sim::FMT_BF16: eb = 8; mb = 7; bias = 127; ieee = true; break;
        // tf32: the tensor core ignores the low 13 mantissa bits of each operand (§1 table).
        case fp4sim::FMT_TF32: code &= 0xFFFFE000u; eb = 8; mb = 23; bias = 127; ieee = true; break;
        case fp4sim::FMT_F32: eb = 8; mb = 23; bias = 127; ieee = true; break;
        case fp4sim::FMT_UE8M0: {
            Elem e{0, 1, (int) code - 127, (int) code - 127, code == 0xFF ? NAN_ : FINITE};
            return e;
        }
        default: { Elem e{0, 0, 0, 0, NAN_}; return e; }
    }
    int width = 1 + eb + mb;
    int neg = (code >> (width - 1)) & 1;
    if (unsigned_) neg = 0;  // ue4m3: sign ignored (assumption ue4m3-sign)
    uint32_t ef = (code >> mb) & ((1u << eb) - 1);
    uint32_t mf = code & ((1u << mb) - 1);
    Elem e;
    e.neg = neg;
    if (ieee && ef == (1u << eb) - 1) {
        e.m = 0; e.x = 0; e.ex = 0; e.cls = mf ? NAN_ : INF;
        return e;
    }
    if (e4m3 && ef == 15 && mf == 7) {  // S.1111.111 is NaN; no infinity (§1)
        e.m = 0; e.x = 0; e.ex = 0; e.cls = NAN_;
        return e;
    }
    int emin = 1 - bias;
    if (ef == 0) {
        e.m = mf; e.x = emin - mb; e.ex = emin;
    } else {
        e.m = mf | (1u << mb); e.x = (int) ef - bias - mb; e.ex = (int) ef - bias;
    }
    e.cls = e.m == 0 ? ZERO : FINITE;
    return e;
}

FP4SIM_HD double to_double(const Elem& e) {
    if (e.cls == NAN_) return NAN;
    if (e.cls == INF) return e.neg ? -INFINITY : INFINITY;
    double v = std::ldexp((double) e.m, e.x);
    return e.neg ? -v : v;
}

// trunc(m * 2^sh) toward zero, m >= 0. The callers guarantee the result is below 2^62 (§2: a term
// scaled to the grid of E is below 2^(F+2) in magnitude for significands below 4).
FP4SIM_HD long long shift_trunc(long long m, int sh) {
    if (sh >= 0) return m << sh;
    if (sh <= -63) return 0;
    return m >> (-sh);
}

FP4SIM_HD inline int imax(int a, int b) { return a > b ? a : b; }

FP4SIM_HD int bit_length(unsigned long long v) {
#ifdef __CUDA_ARCH__
    return v == 0 ? 0 : 64 - __clzll((long long) v);
#else
    return v == 0 ? 0 : 64 - __builtin_clzll(v);
#endif
}

// Round T * 2^q to f32, toward zero (§2 "f32 output"); 13 = keep 13 fractional bits (e8m13).
FP4SIM_HD uint32_t round_rz(long long t, int q, int frac) {
    if (t == 0) return 0;  // exactly zero: +0
    uint32_t sign = t < 0 ? 0x80000000u : 0;
    unsigned long long mag = t < 0 ? (unsigned long long) (-t) : (unsigned long long) t;
    int n = bit_length(mag);
    int lead = q + n - 1;  // exponent of the leading bit
    if (lead > 127) return sign | 0x7F800000u;  // overflow: +-Inf (assumption result-overflow)
    if (lead >= -126) {
        int keep = frac + 1;
        unsigned long long sig = n > keep ? mag >> (n - keep) : mag << (keep - n);
        uint32_t mant = (uint32_t) (sig & ((1ull << frac) - 1)) << (23 - frac);
        return sign | ((uint32_t) (lead + 127) << 23) | mant;
    }
    int sh = q + 149;  // subnormal: multiples of 2^-149, toward zero
    unsigned long long m = sh >= 0 ? mag << sh : (-sh >= 64 ? 0 : mag >> (-sh));
    if (frac < 23) m &= ~((1ull << (23 - frac)) - 1);
    return m == 0 ? 0 : sign | (uint32_t) m;  // truncated to zero: +0
}

// Round T * 2^q to f16, to nearest even at 10 fractional bits, normalised at -14 (§2).
FP4SIM_HD uint32_t round_f16(long long t, int q) {
    if (t == 0) return 0;
    uint32_t sign = t < 0 ? 0x8000u : 0;
    unsigned long long mag = t < 0 ? (unsigned long long) (-t) : (unsigned long long) t;
    int n = bit_length(mag);
    int lead = q + n - 1;
    int lsb = lead >= -14 ? lead - 10 : -24;  // exponent of the result's last place
    int drop = lsb - q;
    unsigned long long r;
    if (drop <= 0) {
        r = mag << (-drop);
    } else if (drop >= 64) {
        r = 0;
    } else {
        r = mag >> drop;
        unsigned long long rem = mag & ((1ull << drop) - 1), half = 1ull << (drop - 1);
        if (rem > half || (rem == half && (r & 1))) r++;
    }
    // r * 2^lsb; re-normalise if rounding carried into a new binade.
    if (r == 0) return 0;
    int e = lsb + 10;            // exponent of the leading bit when r has 11 bits
    if (r >= 2048) { r >>= 1; e++; }
    if (lsb == -24 && r < 1024) return sign | (uint32_t) r;  // subnormal (r may reach 1024: then normal)
    if (lsb == -24) e = -14;
    if (e > 15) return sign | 0x7C00u;  // overflow: Inf (§2)
    return sign | ((uint32_t) (e + 15) << 10) | (uint32_t) (r & 0x3FF);
}

struct Params {
    int frac;   // F
    int ezero;  // e_zero
};

FP4SIM_HD Params params_for(const Header& h) {
    Params p;
    bool fp4 = h.kind == fp4sim::KIND_MXF4 || h.kind == fp4sim::KIND_MXF4NVF4;
    p.frac = fp4 ? 35 : 25;      // §3.1 (F = 35), §3.2 (Blackwell tcgen05: F = 25)
    p.ezero = fp4 ? -139 : -133; // §2 "Zero terms"
    if (h.frac_bits_override) p.frac = h.frac_bits_override;
    if (h.e_zero_override) p.ezero = h.e_zero_override;
    return p;
}

FP4SIM_HD uint32_t load_elem(const uint8_t* img, int i, int wbits) {
    switch (wbits) {
        case 4: return (img[i >> 1] >> ((i & 1) * 4)) & 0xF;
        case 8: return img[i];
        case 16: return img[2 * i] | (uint32_t) img[2 * i + 1] << 8;
        default: return img[4 * i] | (uint32_t) img[4 * i + 1] << 8 | (uint32_t) img[4 * i + 2] << 16 | (uint32_t) img[4 * i + 3] << 24;
    }
}

FP4SIM_HD uint32_t canonical_nan(bool f16) { return f16 ? 0x7FFFu : 0x7FFFFFFFu; }

// One block-scaled FP4 instruction (§3.1): C (f32 bits) and 64 elements from element offset k0.
FP4SIM_HD uint32_t mma_fp4(const Header& h, Params p, const uint8_t* a, const uint8_t* b, const uint8_t* sfa,
                            const uint8_t* sfb, uint32_t c, int k0) {
    Elem ce = decode(c, fp4sim::FMT_F32);
    bool nan = ce.cls == NAN_;
    long long gm[4];
    int gx[4], gex[4];
    for (int g = 0; g < 4; g++) {
        int blk = (k0 + 16 * g) / (int) h.block_size;
        Elem sa = decode(sfa[blk], h.scale_fmt), sb = decode(sfb[blk], h.scale_fmt);
        if (sa.cls == NAN_ || sb.cls == NAN_) nan = true;
        // P_g in units of 2^-2: every e2m1 value is a multiple of 1/2 (§3.1 step 2).
        long long pg = 0;
        bool any = false;
        for (int i = 0; i < 16; i++) {
            int k = k0 + 16 * g + i;
            Elem ea = decode(load_elem(a, k, 4), fp4sim::FMT_E2M1);
            Elem eb = decode(load_elem(b, k, 4), fp4sim::FMT_E2M1);
            if (h.flags & fp4sim::FLAG_NEGATE_A) ea.neg ^= 1;
            if (h.flags & fp4sim::FLAG_NEGATE_B) eb.neg ^= 1;
            long long prod = (ea.m * eb.m) << (ea.x + eb.x + 2);
            if (prod) any = true;
            pg += (ea.neg ^ eb.neg) ? -prod : prod;
        }
        long long sm = sa.m * sb.m;
        gm[g] = pg * sm;
        gx[g] = -2 + sa.x + sb.x;
        gex[g] = (!any || sm == 0) ? p.ezero : sa.ex + sb.ex;  // zero group: e_zero (§2)
        if (!any || sm == 0) gm[g] = 0;
    }
    if (nan) return canonical_nan(false);
    if (ce.cls == INF) return c;  // assumption infinite-c: D = C
    int cex = ce.cls == ZERO ? p.ezero : ce.ex;
    int e = cex;
    for (int g = 0; g < 4; g++) e = imax(e, gex[g]);
    // Each term truncated toward zero on the grid 2^(E-F), then summed exactly (§2 fused_sum).
    long long cs = shift_trunc(ce.m, ce.x + p.frac - e);
    long long t = ce.neg ? -cs : cs;
    for (int g = 0; g < 4; g++) {
        long long mag = gm[g] < 0 ? -gm[g] : gm[g];
        long long s = shift_trunc(mag, gx[g] + p.frac - e);
        t += gm[g] < 0 ? -s : s;
    }
    return round_rz(t, e - p.frac, 23);
}

// One unscaled / mxf8f6f4 instruction (§3.2). `with_c` false: enable-input-d = false, no C term.
FP4SIM_HD uint32_t mma_unscaled(const Header& h, Params p, const uint8_t* a, const uint8_t* b, const uint8_t* sfa,
                                 const uint8_t* sfb, uint32_t c, int k0, bool with_c) {
    bool f16out = h.d_fmt == fp4sim::FMT_F16;
    int wa = fp4sim::element_bits(h, h.a_fmt), wb = fp4sim::element_bits(h, h.b_fmt);
    uint32_t amask = fp4sim::storage_bits(h.a_fmt) >= 32 ? 0xFFFFFFFFu : (1u << fp4sim::storage_bits(h.a_fmt)) - 1;
    uint32_t bmask = fp4sim::storage_bits(h.b_fmt) >= 32 ? 0xFFFFFFFFu : (1u << fp4sim::storage_bits(h.b_fmt)) - 1;
    int kpi = (int) h.k_per_instruction;
    Elem ce = with_c ? decode(c, h.c_fmt) : Elem{0, 0, 0, 0, ZERO};
    int sx = 0, sex = 0;
    bool scaled = h.kind == fp4sim::KIND_MXF8F6F4;
    double wide = to_double(ce);
    if (scaled) {  // one ue8m0 scale per 32-element block: the whole instruction (K = 32)
        int blk = k0 / (int) h.block_size;
        Elem sa = decode(sfa[blk], fp4sim::FMT_UE8M0), sb = decode(sfb[blk], fp4sim::FMT_UE8M0);
        if (sa.cls == NAN_ || sb.cls == NAN_) return canonical_nan(f16out);
        sx = sa.x + sb.x;
        sex = sa.ex + sb.ex;
    }
    // Special values first, from the IEEE sum in wide precision (§3.2 "Before anything").
    for (int i = 0; i < kpi; i++) {
        Elem ea = decode(load_elem(a, k0 + i, wa) & amask, h.a_fmt);
        Elem eb = decode(load_elem(b, k0 + i, wb) & bmask, h.b_fmt);
        if (h.flags & fp4sim::FLAG_NEGATE_A) ea.neg ^= 1;
        if (h.flags & fp4sim::FLAG_NEGATE_B) eb.neg ^= 1;
        wide += std::ldexp(to_double(ea) * to_double(eb), sx);
    }
    if (std::isnan(wide)) return canonical_nan(f16out);
    if (std::isinf(wide)) return f16out ? (wide < 0 ? 0xFC00u : 0x7C00u) : (wide < 0 ? 0xFF800000u : 0x7F800000u);
    // Fused sum: E over all terms, zero terms at e_zero (§2).
    int e = with_c ? (ce.cls == ZERO ? p.ezero : ce.ex) : -100000;
    for (int i = 0; i < kpi; i++) {
        Elem ea = decode(load_elem(a, k0 + i, wa) & amask, h.a_fmt);
        Elem eb = decode(load_elem(b, k0 + i, wb) & bmask, h.b_fmt);
        int ex = (ea.m == 0 || eb.m == 0) ? p.ezero : ea.ex + eb.ex + sex;
        e = imax(e, ex);
    }
    long long t = 0;
    if (with_c && ce.m) {
        long long s = shift_trunc(ce.m, ce.x + p.frac - e);
        t += ce.neg ? -s : s;
    }
    for (int i = 0; i < kpi; i++) {
        Elem ea = decode(load_elem(a, k0 + i, wa) & amask, h.a_fmt);
        Elem eb = decode(load_elem(b, k0 + i, wb) & bmask, h.b_fmt);
        if (h.flags & fp4sim::FLAG_NEGATE_A) ea.neg ^= 1;
        if (h.flags & fp4sim::FLAG_NEGATE_B) eb.neg ^= 1;
        long long m = ea.m * eb.m;
        if (!m) continue;
        long long s = shift_trunc(m, ea.x + eb.x + sx + p.frac - e);
        t += (ea.neg ^ eb.neg) ? -s : s;
    }
    return f16out ? round_f16(t, e - p.frac) : round_rz(t, e - p.frac, 23);
}

FP4SIM_HD void emulate_case(const Header& h, const uint8_t* records, uint32_t a_bytes, uint32_t b_bytes, uint32_t sf_bytes,
                              uint32_t record_bytes, uint32_t* out, size_t idx) {
    const uint8_t* r = records + idx * record_bytes;
    const uint8_t* a = r;
    const uint8_t* b = a + a_bytes;
    const uint8_t* sfa = b + b_bytes;
    const uint8_t* sfb = sfa + sf_bytes;
    const uint8_t* cp = sfb + sf_bytes;
    uint32_t d = cp[0] | (uint32_t) cp[1] << 8 | (uint32_t) cp[2] << 16 | (uint32_t) cp[3] << 24;
    Params p = params_for(h);
    bool fp4 = h.kind == fp4sim::KIND_MXF4 || h.kind == fp4sim::KIND_MXF4NVF4;
    // A chain: one instruction per K slice in k order, each using the previous D as C (§3.3).
    for (int k0 = 0; k0 < (int) h.k; k0 += (int) h.k_per_instruction) {
        bool with_c = !(k0 == 0 && (h.flags & fp4sim::FLAG_FIRST_DISABLE_INPUT_D));
        if (fp4) {
            d = mma_fp4(h, p, a, b, sfa, sfb, with_c ? d : 0u, k0);
        } else {
            d = mma_unscaled(h, p, a, b, sfa, sfb, d, k0, with_c);
        }
    }
    out[idx] = d;
}

__global__ void emulate_kernel(Header h, const uint8_t* records, uint32_t a_bytes, uint32_t b_bytes, uint32_t sf_bytes,
                               uint32_t record_bytes, uint32_t* out) {
    size_t idx = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (idx < h.n_cases) emulate_case(h, records, a_bytes, b_bytes, sf_bytes, record_bytes, out, idx);
}

bool supported(const Header& h) {
    if (h.family != fp4sim::FAM_TCGEN05) return false;
    switch (h.kind) {
        case fp4sim::KIND_MXF4: case fp4sim::KIND_MXF4NVF4:
            return h.a_fmt == fp4sim::FMT_E2M1 && h.b_fmt == fp4sim::FMT_E2M1 && h.k_per_instruction == 64
                   && (h.scale_fmt == fp4sim::FMT_UE4M3 || h.scale_fmt == fp4sim::FMT_UE8M0)
                   && (h.block_size == 16 || h.block_size == 32) && h.c_fmt == fp4sim::FMT_F32 && h.d_fmt == fp4sim::FMT_F32;
        case fp4sim::KIND_F16:
            return (h.a_fmt == fp4sim::FMT_F16 || h.a_fmt == fp4sim::FMT_BF16) && h.b_fmt == h.a_fmt && h.k_per_instruction == 16
                   && h.c_fmt == h.d_fmt && (h.d_fmt == fp4sim::FMT_F32 || (h.d_fmt == fp4sim::FMT_F16 && h.a_fmt == fp4sim::FMT_F16));
        case fp4sim::KIND_TF32:
            return h.a_fmt == fp4sim::FMT_TF32 && h.b_fmt == fp4sim::FMT_TF32 && h.k_per_instruction == 8 && h.d_fmt == fp4sim::FMT_F32
                   && h.c_fmt == fp4sim::FMT_F32;
        case fp4sim::KIND_F8F6F4: case fp4sim::KIND_MXF8F6F4: {
            bool fa = h.a_fmt >= fp4sim::FMT_E2M1 && h.a_fmt <= fp4sim::FMT_E5M2;
            bool fb = h.b_fmt >= fp4sim::FMT_E2M1 && h.b_fmt <= fp4sim::FMT_E5M2;
            bool scaled = h.kind == fp4sim::KIND_MXF8F6F4;
            return fa && fb && h.k_per_instruction == 32 && h.c_fmt == h.d_fmt
                   && (h.d_fmt == fp4sim::FMT_F32 || (!scaled && h.d_fmt == fp4sim::FMT_F16))
                   && (!scaled || (h.scale_fmt == fp4sim::FMT_UE8M0 && h.block_size == 32));
        }
        default: return false;
    }
}

}  // namespace

int main(int argc, char** argv) {
    // --cpu runs the same arithmetic (the FP4SIM_HD functions) on the host: the bridge uses it to
    // check this implementation against the simulator on machines without a GPU.
    bool cpu = argc == 4 && std::strcmp(argv[1], "--cpu") == 0;
    if (argc != 3 && !cpu) fp4sim::die(fp4sim::EXIT_USAGE, "usage: emulate [--cpu] IN.batch OUT.result");
    const char* in = argv[cpu ? 2 : 1];
    const char* outPath = argv[cpu ? 3 : 2];
    fp4sim::Batch b = fp4sim::read_batch(in);
    if (!supported(b.h)) fp4sim::die(fp4sim::EXIT_USAGE, "emulate does not support this batch's family/kind/formats", in);
    if (cpu) {
        std::vector<uint32_t> out(b.h.n_cases);
        for (size_t i = 0; i < b.h.n_cases; i++) emulate_case(b.h, b.records.data(), b.a_bytes, b.b_bytes, b.sf_bytes, b.record_bytes, out.data(), i);
        fp4sim::write_results(outPath, out);
        return 0;
    }
    fp4sim::require_device(8, 99, "emulate");
    uint8_t* drec = nullptr;
    uint32_t* dout = nullptr;
    std::vector<uint32_t> out(b.h.n_cases);
    if (b.h.n_cases) {
        FP4SIM_CUDA_CHECK(cudaMalloc(&drec, b.records.size()));
        FP4SIM_CUDA_CHECK(cudaMalloc(&dout, 4ull * b.h.n_cases));
        FP4SIM_CUDA_CHECK(cudaMemcpy(drec, b.records.data(), b.records.size(), cudaMemcpyHostToDevice));
        cudaEvent_t t0, t1;
        FP4SIM_CUDA_CHECK(cudaEventCreate(&t0));
        FP4SIM_CUDA_CHECK(cudaEventCreate(&t1));
        FP4SIM_CUDA_CHECK(cudaEventRecord(t0));
        unsigned threads = 256, blocks = (b.h.n_cases + threads - 1) / threads;
        emulate_kernel<<<blocks, threads>>>(b.h, drec, b.a_bytes, b.b_bytes, b.sf_bytes, b.record_bytes, dout);
        FP4SIM_CUDA_CHECK(cudaGetLastError());
        FP4SIM_CUDA_CHECK(cudaEventRecord(t1));
        FP4SIM_CUDA_CHECK(cudaEventSynchronize(t1));
        float ms = 0;
        FP4SIM_CUDA_CHECK(cudaEventElapsedTime(&ms, t0, t1));
        // Kernel time only (no transfers): the bridge reports it as the emulator's throughput.
        std::fprintf(stderr, "fp4sim-cuda: emulate %u cases in %.3f ms kernel time\n", b.h.n_cases, ms);
        FP4SIM_CUDA_CHECK(cudaMemcpy(out.data(), dout, 4ull * b.h.n_cases, cudaMemcpyDeviceToHost));
        cudaFree(drec);
        cudaFree(dout);
    }
    fp4sim::write_results(outPath, out);
    return 0;
}
