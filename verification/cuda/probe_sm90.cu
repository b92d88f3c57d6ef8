// probe_sm90: runs golden-vector cases on real Hopper tensor cores with wgmma.mma_async (sm_90a),
// and on any sm_80+ GPU with mma.sync in the Ampere/Ada/Hopper shapes, including the ones the
// Ampere and Ada datapaths split along K (m16n8k16 f16/bf16, m16n8k8 tf32, m16n8k32 e4m3/e5m2;
// numerics.md §3.2 "Split K").
//
// usage: probe_sm90 IN.batch OUT.result     (batch format: fp4sim_batch.cuh, docs/cuda.md)
// Build: nvcc -arch=sm_90a (wgmma + mma.sync); nvcc -arch=sm_80 / sm_86 / sm_89 (mma.sync only,
// FP8 mma.sync from sm_89) to probe an Ampere or Ada GPU.
//
// wgmma: one CTA (a warpgroup) runs 8 cases as the diagonal of an m64n8 tile (rows 8..63 of A are
// zero). A and B are read from SMEM through descriptors, K-major, no swizzle ("interleave"):
//   off(r, byte kb) = (r%8)*16 + (r/8)*SBO + (kb/16)*LBO + kb%16, LBO = 128, SBO = 256
// (K is 32 bytes per row for every kind: f16/bf16 k16, tf32 k8, e4m3/e5m2 k32). The accumulator
// fragment of m64nNk (PTX ISA §9.7.15.5.1, D matrix figure) gives D[i][i], i < 8, to warp 0,
// lane 4i + i/2, register i&1 (f32) or the low/high half of register 0 (f16x2).
// mma.sync: one warp runs 8 cases as the diagonal of an m16n8 tile; fragments follow the PTX ISA
// figures for m16n8k4/k8/k16/k32 (§9.7.14.5.8-9.7.14.5.10).
#include <cuda_runtime.h>
#include "fp4sim_batch.cuh"

namespace {

using fp4sim::Header;

// Operation selector: which asm form runs the batch.
enum Op {
    OP_NONE = 0,
    // wgmma, f32 accumulator
    WG_F16_F32, WG_BF16_F32, WG_TF32_F32, WG_E4E4_F32, WG_E4E5_F32, WG_E5E4_F32, WG_E5E5_F32,
    // wgmma, f16 accumulator
    WG_F16_F16, WG_E4E4_F16, WG_E4E5_F16, WG_E5E4_F16, WG_E5E5_F16,
    // mma.sync
    MS_K16_F16_F32, MS_K16_BF16_F32, MS_K16_F16_F16, MS_K8_F16_F32, MS_K8_BF16_F32, MS_K8_F16_F16,
    MS_TF32_K8, MS_TF32_K4,
    MS_E4E4_F32, MS_E4E5_F32, MS_E5E4_F32, MS_E5E5_F32, MS_E4E4_F16, MS_E4E5_F16, MS_E5E4_F16, MS_E5E5_F16
};

int fp8_index(uint32_t a, uint32_t b) {  // 0..3 for (e4m3|e5m2) x (e4m3|e5m2), -1 otherwise
    auto one = [](uint32_t f) { return f == fp4sim::FMT_E4M3 ? 0 : f == fp4sim::FMT_E5M2 ? 1 : -1; };
    int x = one(a), y = one(b);
    return x < 0 || y < 0 ? -1 : 2 * x + y;
}

int select_op(const Header& h) {
    if (h.scale_fmt != fp4sim::FMT_NONE || h.c_fmt != h.d_fmt || (h.flags & ~fp4sim::FLAG_FIRST_DISABLE_INPUT_D)) return OP_NONE;
    bool f32 = h.d_fmt == fp4sim::FMT_F32, f16 = h.d_fmt == fp4sim::FMT_F16;
    if (!f32 && !f16) return OP_NONE;
    uint32_t a = h.a_fmt, b = h.b_fmt, kpi = h.k_per_instruction;
    bool wg = h.family == fp4sim::FAM_WGMMA;
    if (h.family != fp4sim::FAM_WGMMA && h.family != fp4sim::FAM_MMA_SYNC) return OP_NONE;
    if (h.kind == fp4sim::KIND_F16 && a == b && (a == fp4sim::FMT_F16 || (a == fp4sim::FMT_BF16 && f32))) {
        bool bf = a == fp4sim::FMT_BF16;
        if (wg) return kpi == 16 ? (f32 ? (bf ? WG_BF16_F32 : WG_F16_F32) : WG_F16_F16) : OP_NONE;
        if (kpi == 16) return f32 ? (bf ? MS_K16_BF16_F32 : MS_K16_F16_F32) : MS_K16_F16_F16;
        if (kpi == 8) return f32 ? (bf ? MS_K8_BF16_F32 : MS_K8_F16_F32) : MS_K8_F16_F16;
        return OP_NONE;
    }
    if (h.kind == fp4sim::KIND_TF32 && a == fp4sim::FMT_TF32 && b == fp4sim::FMT_TF32 && f32) {
        if (wg) return kpi == 8 ? WG_TF32_F32 : OP_NONE;
        return kpi == 8 ? MS_TF32_K8 : kpi == 4 ? MS_TF32_K4 : OP_NONE;
    }
    int i = fp8_index(a, b);
    if (h.kind == fp4sim::KIND_F8 && i >= 0 && kpi == 32) {
        if (wg) return (f32 ? WG_E4E4_F32 : WG_E4E4_F16) + i;
        return (f32 ? MS_E4E4_F32 : MS_E4E4_F16) + i;
    }
    return OP_NONE;
}

__device__ uint32_t smem_addr(const void* p) { return (uint32_t) __cvta_generic_to_shared(p); }

// Element k of a golden image with element width w bits (8, 16 or 32 here).
__device__ uint32_t elem(const uint8_t* img, int k, int w) {
    switch (w) {
        case 8: return img[k];
        case 16: return img[2 * k] | (uint32_t) img[2 * k + 1] << 8;
        default: return img[4 * k] | (uint32_t) img[4 * k + 1] << 8 | (uint32_t) img[4 * k + 2] << 16 | (uint32_t) img[4 * k + 3] << 24;
    }
}

struct CaseView {
    const uint8_t* a;
    const uint8_t* b;
    uint32_t c;
    bool live;
};

__device__ CaseView view(const Header& h, const uint8_t* records, uint32_t a_bytes, uint32_t record_bytes, size_t idx) {
    CaseView v;
    v.live = idx < h.n_cases;
    const uint8_t* r = records + (v.live ? idx : 0) * record_bytes;
    v.a = r;
    v.b = r + a_bytes;
    const uint8_t* cp = r + record_bytes - 4;
    v.c = v.live ? (cp[0] | (uint32_t) cp[1] << 8 | (uint32_t) cp[2] << 16 | (uint32_t) cp[3] << 24) : 0;
    return v;
}

// ---------------------------------------------------------------- wgmma (sm_90a only)
#if defined(__CUDA_ARCH_FEAT_SM90_ALL)

constexpr uint32_t LBO = 128, SBO = 256;

// wgmma SMEM matrix descriptor (PTX ISA §9.7.15.5.1.2): start, LBO, SBO (>> 4), layout 0 = no swizzle.
__device__ uint64_t wg_desc(uint32_t addr) {
    return (uint64_t) ((addr & 0x3FFFF) >> 4) | (uint64_t) (LBO >> 4) << 16 | (uint64_t) (SBO >> 4) << 32;
}

__device__ void wgmma(int op, float (&d)[4], uint32_t (&hd)[2], uint64_t ad, uint64_t bd, uint32_t en) {
#define WG32(TYPES, TAIL)                                                                                         \
    asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %6, 0;\nwgmma.mma_async.sync.aligned." TYPES                    \
                 " {%0,%1,%2,%3}, %4, %5, p, 1, 1" TAIL ";\n}"                                                       \
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]) : "l"(ad), "l"(bd), "r"(en) : "memory")
#define WG16(TYPES, TAIL)                                                                                         \
    asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %4, 0;\nwgmma.mma_async.sync.aligned." TYPES                    \
                 " {%0,%1}, %2, %3, p, 1, 1" TAIL ";\n}" : "+r"(hd[0]), "+r"(hd[1]) : "l"(ad), "l"(bd), "r"(en) : "memory")
    switch (op) {
        case WG_F16_F32: WG32("m64n8k16.f32.f16.f16", ", 0, 0"); break;
        case WG_BF16_F32: WG32("m64n8k16.f32.bf16.bf16", ", 0, 0"); break;
        case WG_TF32_F32: WG32("m64n8k8.f32.tf32.tf32", ""); break;
        case WG_E4E4_F32: WG32("m64n8k32.f32.e4m3.e4m3", ""); break;
        case WG_E4E5_F32: WG32("m64n8k32.f32.e4m3.e5m2", ""); break;
        case WG_E5E4_F32: WG32("m64n8k32.f32.e5m2.e4m3", ""); break;
        case WG_E5E5_F32: WG32("m64n8k32.f32.e5m2.e5m2", ""); break;
        case WG_F16_F16: WG16("m64n8k16.f16.f16.f16", ", 0, 0"); break;
        case WG_E4E4_F16: WG16("m64n8k32.f16.e4m3.e4m3", ""); break;
        case WG_E4E5_F16: WG16("m64n8k32.f16.e4m3.e5m2", ""); break;
        case WG_E5E4_F16: WG16("m64n8k32.f16.e5m2.e4m3", ""); break;
        case WG_E5E5_F16: WG16("m64n8k32.f16.e5m2.e5m2", ""); break;
    }
#undef WG32
#undef WG16
}

__global__ void __launch_bounds__(128, 1)
wgmma_kernel(Header h, int op, const uint8_t* records, uint32_t a_bytes, uint32_t record_bytes, uint32_t* out) {
    __shared__ __align__(1024) uint8_t sa[64 * 32];
    __shared__ __align__(1024) uint8_t sb[8 * 32];
    const int t = threadIdx.x, warp = t / 32, lane = t % 32, g = lane / 4, q = lane % 4;
    const int w = fp4sim::element_bits(h, h.a_fmt);
    const int kpi = (int) h.k_per_instruction;
    const bool f32 = h.d_fmt == fp4sim::FMT_F32;
    for (int i = t; i < 64 * 32; i += 128) sa[i] = 0;
    // Accumulator fragment of m64n8 (f32: 4 regs, f16: 2 x f16x2): (row 16w + g + 8(r/2), col 2q + r%2).
    float d[4];
    uint32_t hd[2];
    for (int r = 0; r < 4; r++) {
        int row = 16 * warp + g + 8 * (r / 2), col = 2 * q + (r & 1);
        CaseView v = view(h, records, a_bytes, record_bytes, (size_t) blockIdx.x * 8 + row);
        d[r] = (row == col && row < 8) ? __uint_as_float(v.c) : 0.0f;
    }
    for (int j = 0; j < 2; j++) {
        uint32_t packed = 0;
        for (int half = 0; half < 2; half++) {
            int row = 16 * warp + g + 8 * j, col = 2 * q + half;
            CaseView v = view(h, records, a_bytes, record_bytes, (size_t) blockIdx.x * 8 + row);
            if (row == col && row < 8) packed |= (v.c & 0xFFFF) << (16 * half);
        }
        hd[j] = packed;
    }
    __syncthreads();
    for (int s = 0; s < (int) (h.k / kpi); s++) {
        if (t < 8) {  // thread t writes row t of A and row (column) t of B: 32 bytes each
            CaseView v = view(h, records, a_bytes, record_bytes, (size_t) blockIdx.x * 8 + t);
            const uint8_t* ar = v.a + (size_t) s * kpi * w / 8;
            const uint8_t* br = v.b + (size_t) s * kpi * w / 8;
            for (int kb = 0; kb < 32; kb++) {
                int off = (t % 8) * 16 + (t / 8) * SBO + (kb / 16) * LBO + kb % 16;
                sa[off] = v.live ? ar[kb] : 0;
                sb[off] = v.live ? br[kb] : 0;
            }
        }
        asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
        __syncthreads();
        uint32_t en = (s == 0 && (h.flags & fp4sim::FLAG_FIRST_DISABLE_INPUT_D)) ? 0u : 1u;
        asm volatile("wgmma.fence.sync.aligned;" ::: "memory");
        wgmma(op, d, hd, wg_desc(smem_addr(sa)), wg_desc(smem_addr(sb)), en);
        asm volatile("wgmma.commit_group.sync.aligned;" ::: "memory");
        asm volatile("wgmma.wait_group.sync.aligned 0;" ::: "memory");
        __syncthreads();
    }
    if (warp == 0 && q == g / 2) {  // holder of D[g][g]
        size_t idx = (size_t) blockIdx.x * 8 + g;
        if (idx < h.n_cases) out[idx] = f32 ? __float_as_uint(d[g & 1]) : (hd[0] >> (16 * (g & 1))) & 0xFFFF;
    }
}

#else
__global__ void wgmma_kernel(Header, int, const uint8_t*, uint32_t, uint32_t, uint32_t*) {}
#endif

// ---------------------------------------------------------------- mma.sync (sm_80+)

// Fragment coordinates (row, col) of A element i and (k) of B element i per shape, PTX ISA figures.
struct Shape {
    int a_elems, b_elems, ew;  // elements per thread in A and B, element width in bits
};

__device__ Shape shape_of(int op) {
    switch (op) {
        case MS_K16_F16_F32: case MS_K16_BF16_F32: case MS_K16_F16_F16: return {8, 4, 16};
        case MS_K8_F16_F32: case MS_K8_BF16_F32: case MS_K8_F16_F16: return {4, 2, 16};
        case MS_TF32_K8: return {4, 2, 32};
        case MS_TF32_K4: return {2, 1, 32};
        default: return {16, 8, 8};  // m16n8k32 FP8
    }
}

__device__ void a_coord(int op, int i, int g, int q, int& row, int& col) {
    switch (op) {
        case MS_K16_F16_F32: case MS_K16_BF16_F32: case MS_K16_F16_F16:
            row = g + 8 * ((i >> 1) & 1); col = 2 * q + (i & 1) + 8 * (i >> 2); return;
        case MS_K8_F16_F32: case MS_K8_BF16_F32: case MS_K8_F16_F16:
            row = g + 8 * (i >> 1); col = 2 * q + (i & 1); return;
        case MS_TF32_K8: row = g + 8 * (i & 1); col = q + 4 * (i >> 1); return;
        case MS_TF32_K4: row = g + 8 * i; col = q; return;
        default: row = g + 8 * ((i >> 2) & 1); col = 4 * q + (i & 3) + 16 * (i >> 3); return;
    }
}

__device__ int b_k(int op, int i, int q) {
    switch (op) {
        case MS_K16_F16_F32: case MS_K16_BF16_F32: case MS_K16_F16_F16: return 2 * q + (i & 1) + 8 * (i >> 1);
        case MS_K8_F16_F32: case MS_K8_BF16_F32: case MS_K8_F16_F16: return 2 * q + i;
        case MS_TF32_K8: return q + 4 * i;
        case MS_TF32_K4: return q;
        default: return 4 * q + (i & 3) + 16 * (i >> 2);
    }
}

__device__ void mma_sync(int op, float (&d)[4], uint32_t (&hd)[2], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
#define MS32_A4B2(TYPES)                                                                                   \
    asm volatile("mma.sync.aligned." TYPES " {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"           \
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]))
#define MS32_A2B1(TYPES)                                                                                   \
    asm volatile("mma.sync.aligned." TYPES " {%0,%1,%2,%3}, {%4,%5}, {%6}, {%0,%1,%2,%3};"                    \
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]) : "r"(a[0]), "r"(a[1]), "r"(b[0]))
#define MS16_A4B2(TYPES)                                                                                   \
    asm volatile("mma.sync.aligned." TYPES " {%0,%1}, {%2,%3,%4,%5}, {%6,%7}, {%0,%1};"                       \
                 : "+r"(hd[0]), "+r"(hd[1]) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]))
#define MS16_A2B1(TYPES)                                                                                   \
    asm volatile("mma.sync.aligned." TYPES " {%0,%1}, {%2,%3}, {%4}, {%0,%1};"                                \
                 : "+r"(hd[0]), "+r"(hd[1]) : "r"(a[0]), "r"(a[1]), "r"(b[0]))
    switch (op) {
        case MS_K16_F16_F32: MS32_A4B2("m16n8k16.row.col.f32.f16.f16.f32"); break;
        case MS_K16_BF16_F32: MS32_A4B2("m16n8k16.row.col.f32.bf16.bf16.f32"); break;
        case MS_K16_F16_F16: MS16_A4B2("m16n8k16.row.col.f16.f16.f16.f16"); break;
        case MS_K8_F16_F32: MS32_A2B1("m16n8k8.row.col.f32.f16.f16.f32"); break;
        case MS_K8_BF16_F32: MS32_A2B1("m16n8k8.row.col.f32.bf16.bf16.f32"); break;
        case MS_K8_F16_F16: MS16_A2B1("m16n8k8.row.col.f16.f16.f16.f16"); break;
        case MS_TF32_K8: MS32_A4B2("m16n8k8.row.col.f32.tf32.tf32.f32"); break;
        case MS_TF32_K4: MS32_A2B1("m16n8k4.row.col.f32.tf32.tf32.f32"); break;
#if __CUDA_ARCH__ >= 890
        case MS_E4E4_F32: MS32_A4B2("m16n8k32.row.col.f32.e4m3.e4m3.f32"); break;
        case MS_E4E5_F32: MS32_A4B2("m16n8k32.row.col.f32.e4m3.e5m2.f32"); break;
        case MS_E5E4_F32: MS32_A4B2("m16n8k32.row.col.f32.e5m2.e4m3.f32"); break;
        case MS_E5E5_F32: MS32_A4B2("m16n8k32.row.col.f32.e5m2.e5m2.f32"); break;
        case MS_E4E4_F16: MS16_A4B2("m16n8k32.row.col.f16.e4m3.e4m3.f16"); break;
        case MS_E4E5_F16: MS16_A4B2("m16n8k32.row.col.f16.e4m3.e5m2.f16"); break;
        case MS_E5E4_F16: MS16_A4B2("m16n8k32.row.col.f16.e5m2.e4m3.f16"); break;
        case MS_E5E5_F16: MS16_A4B2("m16n8k32.row.col.f16.e5m2.e5m2.f16"); break;
#endif
    }
#undef MS32_A4B2
#undef MS32_A2B1
#undef MS16_A4B2
#undef MS16_A2B1
}

__global__ void mma_sync_kernel(Header h, int op, const uint8_t* records, uint32_t a_bytes, uint32_t record_bytes, uint32_t* out) {
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, g = lane / 4, q = lane % 4;
    const size_t base = ((size_t) blockIdx.x * (blockDim.x / 32) + warp) * 8;  // 8 cases per warp
    const Shape sh = shape_of(op);
    const int kpi = (int) h.k_per_instruction, per = 32 / sh.ew;
    const bool f32 = h.d_fmt == fp4sim::FMT_F32;
    float d[4];
    uint32_t hd[2] = {0, 0};
    for (int r = 0; r < 4; r++) {  // C/D fragment: (row g + 8(r/2), col 2q + r%2)
        int row = g + 8 * (r / 2), col = 2 * q + (r & 1);
        CaseView v = view(h, records, a_bytes, record_bytes, base + row);
        d[r] = (row == col) ? __uint_as_float(v.c) : 0.0f;
        if (row == col) hd[r / 2] |= (v.c & 0xFFFF) << (16 * (r & 1));
    }
    for (int s = 0; s < (int) (h.k / kpi); s++) {
        uint32_t a[4] = {0, 0, 0, 0}, b[2] = {0, 0};
        for (int i = 0; i < sh.a_elems; i++) {
            int row, col;
            a_coord(op, i, g, q, row, col);
            if (row < 8) {
                CaseView v = view(h, records, a_bytes, record_bytes, base + row);
                uint32_t e = v.live ? elem(v.a, s * kpi + col, sh.ew) : 0;
                a[i / per] |= (sh.ew == 32 ? e : (e & ((1u << sh.ew) - 1)) << (sh.ew * (i % per)));
            }
        }
        for (int i = 0; i < sh.b_elems; i++) {
            CaseView v = view(h, records, a_bytes, record_bytes, base + g);  // column g of B = case g
            uint32_t e = v.live ? elem(v.b, s * kpi + b_k(op, i, q), sh.ew) : 0;
            b[i / per] |= (sh.ew == 32 ? e : (e & ((1u << sh.ew) - 1)) << (sh.ew * (i % per)));
        }
        if (s == 0 && (h.flags & fp4sim::FLAG_FIRST_DISABLE_INPUT_D)) {  // mma.sync has no enable-input-d: C = +0
            for (int r = 0; r < 4; r++) d[r] = 0.0f;
            hd[0] = hd[1] = 0;
        }
        mma_sync(op, d, hd, a, b);
    }
    // D[g][g] sits in register r with g + 8(r/2) == g (r < 2) and 2q + r%2 == g.
    if (q == g / 2 && base + g < h.n_cases) {
        out[base + g] = f32 ? __float_as_uint(d[g & 1]) : (hd[0] >> (16 * (g & 1))) & 0xFFFF;
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) fp4sim::die(fp4sim::EXIT_USAGE, "usage: probe_sm90 IN.batch OUT.result");
    fp4sim::Batch b = fp4sim::read_batch(argv[1]);
    int op = select_op(b.h);
    if (op == OP_NONE) fp4sim::die(fp4sim::EXIT_USAGE, "probe_sm90 does not support this batch's family/kind/formats/flags", argv[1]);
    bool wg = op < MS_K16_F16_F32;
    if (wg) fp4sim::require_device(9, 9, "probe_sm90 wgmma (sm_90a)");
    else fp4sim::require_device(8, 99, "probe_sm90 mma.sync");
    std::vector<uint32_t> out(b.h.n_cases);
    if (b.h.n_cases) {
        uint8_t* drec = nullptr;
        uint32_t* dout = nullptr;
        FP4SIM_CUDA_CHECK(cudaMalloc(&drec, b.records.size()));
        FP4SIM_CUDA_CHECK(cudaMalloc(&dout, 4ull * b.h.n_cases));
        FP4SIM_CUDA_CHECK(cudaMemcpy(drec, b.records.data(), b.records.size(), cudaMemcpyHostToDevice));
        unsigned groups = (b.h.n_cases + 7) / 8;
        if (wg) {
            wgmma_kernel<<<groups, 128>>>(b.h, op, drec, b.a_bytes, b.record_bytes, dout);
        } else {
            mma_sync_kernel<<<(groups + 3) / 4, 128>>>(b.h, op, drec, b.a_bytes, b.record_bytes, dout);
        }
        FP4SIM_CUDA_CHECK(cudaGetLastError());
        FP4SIM_CUDA_CHECK(cudaDeviceSynchronize());
        FP4SIM_CUDA_CHECK(cudaMemcpy(out.data(), dout, 4ull * b.h.n_cases, cudaMemcpyDeviceToHost));
        cudaFree(drec);
        cudaFree(dout);
    }
    fp4sim::write_results(argv[2], out);
    return 0;
}
