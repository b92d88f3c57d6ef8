// probe_sm100: runs golden-vector cases on real Blackwell (sm_100a) tensor cores with tcgen05.mma.
//
// usage: probe_sm100 IN.batch OUT.result     (batch format: fp4sim_batch.cuh, docs/cuda.md)
//
// One CTA (4 warps) runs 128 cases as the diagonal of one M=128 x N=128 tile, cta_group::1:
//   case i -> row i of A, column i of B, SFA row i, SFB column i, D[i][i]  (each D element depends
//   only on its row and column, so the off-diagonal elements are ignored).
// Per chain step (one instruction per K slice, §3.3 of numerics.md):
//   1. every thread writes its A row and B column slice (32 bytes each: K is always 256 bits per
//      row, isa.md §1.2) into SMEM in the canonical K-major, no-swizzle layout (isa.md §3.3/3.4):
//        off(r, byte kb) = (r%8)*16 + (r/8)*SBO + (kb/16)*LBO + kb%16,  LBO = 128, SBO = 256;
//   2. block-scaled kinds: every warp writes the scale factors into TMEM with tcgen05.st in the
//      layout of isa.md §5.2 (lane (m%32)+32p, column base + m/32, byte j = block j of this MMA,
//      replicated in all four 32-lane partitions);
//   3. step 0 only: D's TMEM columns receive C on the diagonal (0 elsewhere) with tcgen05.st;
//   4. thread 0 issues tcgen05.mma with enable-input-d = 1 (or 0 on step 0 with
//      FLAG_FIRST_DISABLE_INPUT_D) and tcgen05.commit to an mbarrier that all threads wait on.
// Then each warp reads its 32 lanes with tcgen05.ld.32x32b (Layout D: lane m, column n) and keeps
// column == lane. f16 D occupies the low 16 bits of a cell (isa.md §3.6).
//
// Operand packing in SMEM (isa.md §3.6): mxf4/mxf4nvf4 two e2m1 per byte, low nibble = even k
// (the golden image as is); f8f6f4 FP4 as 16 nibbles in 8 bytes + 8 bytes padding per 16
// elements, FP6 as 16 x 6 bits (LSB first) in 12 bytes + 4 bytes padding. The nibble and 6-bit
// orders are open point 6 of isa.md §11: a mismatch confined to FP4/FP6 f8f6f4 cases points there.
#include <cuda_runtime.h>
#include "fp4sim_batch.cuh"

namespace {

using fp4sim::Header;

constexpr int TILE = 128;         // M = N = 128 cases per CTA
constexpr uint32_t LBO = 128, SBO = 256;
constexpr uint32_t TMEM_COLS = 256;  // D: 128 columns; SFA: 4; SFB: 4 (power of two >= 32)
constexpr uint32_t SFA_COL = 128, SFB_COL = 132;

struct Op {
    uint32_t idesc;
    int variant;  // which asm form (see issue_mma)
};

enum Variant { V_F16 = 0, V_TF32, V_F8F6F4, V_MXF4_2X, V_MXF4NVF4_2X, V_MXF4NVF4_4X, V_MXF8F6F4_1X };

__host__ uint32_t f8f6f4_code(uint32_t f) {
    switch (f) {  // isa.md §2.1 Table 42 atype/btype for kind::f8f6f4 / mxf8f6f4
        case fp4sim::FMT_E4M3: return 0;
        case fp4sim::FMT_E5M2: return 1;
        case fp4sim::FMT_E2M3: return 3;
        case fp4sim::FMT_E3M2: return 4;
        case fp4sim::FMT_E2M1: return 5;
        default: return 99;
    }
}

// The instruction descriptor (isa.md §2) for M = N = 128, K-major, no negate unless flagged.
__host__ bool make_op(const Header& h, Op& op) {
    uint32_t n = (TILE >> 3) << 17;
    uint32_t neg = ((h.flags & fp4sim::FLAG_NEGATE_A) ? 1u << 13 : 0) | ((h.flags & fp4sim::FLAG_NEGATE_B) ? 1u << 14 : 0);
    bool f32d = h.d_fmt == fp4sim::FMT_F32;
    if (h.c_fmt != h.d_fmt) return false;
    switch (h.kind) {
        case fp4sim::KIND_F16: {
            if (h.k_per_instruction != 16 || h.a_fmt != h.b_fmt) return false;
            if (h.a_fmt != fp4sim::FMT_F16 && h.a_fmt != fp4sim::FMT_BF16) return false;
            if (!f32d && !(h.d_fmt == fp4sim::FMT_F16 && h.a_fmt == fp4sim::FMT_F16)) return false;
            uint32_t t = h.a_fmt == fp4sim::FMT_BF16 ? 1 : 0;
            op.idesc = ((f32d ? 1u : 0u) << 4) | (t << 7) | (t << 10) | neg | n | ((TILE >> 4) << 24);
            op.variant = V_F16;
            return true;
        }
        case fp4sim::KIND_TF32:
            if (h.k_per_instruction != 8 || h.a_fmt != fp4sim::FMT_TF32 || h.b_fmt != fp4sim::FMT_TF32 || !f32d) return false;
            op.idesc = (1u << 4) | (2u << 7) | (2u << 10) | neg | n | ((TILE >> 4) << 24);
            op.variant = V_TF32;
            return true;
        case fp4sim::KIND_F8F6F4: {
            uint32_t a = f8f6f4_code(h.a_fmt), b = f8f6f4_code(h.b_fmt);
            if (h.k_per_instruction != 32 || a == 99 || b == 99 || !(f32d || h.d_fmt == fp4sim::FMT_F16)) return false;
            op.idesc = ((f32d ? 1u : 0u) << 4) | (a << 7) | (b << 10) | neg | n | ((TILE >> 4) << 24);
            op.variant = V_F8F6F4;
            return true;
        }
        case fp4sim::KIND_MXF8F6F4: {  // Table 43: SF IDs 0, scale type UE8M0 = 1 (bit 23), M >> 7
            uint32_t a = f8f6f4_code(h.a_fmt), b = f8f6f4_code(h.b_fmt);
            if (h.k_per_instruction != 32 || a == 99 || b == 99 || !f32d || h.scale_fmt != fp4sim::FMT_UE8M0 || h.block_size != 32) return false;
            op.idesc = (a << 7) | (b << 10) | neg | n | (1u << 23) | ((TILE >> 7) << 27);
            op.variant = V_MXF8F6F4_1X;
            return true;
        }
        case fp4sim::KIND_MXF4: case fp4sim::KIND_MXF4NVF4: {  // Table 44: E2M1 = 1 for atype and btype
            if (h.k_per_instruction != 64 || h.a_fmt != fp4sim::FMT_E2M1 || h.b_fmt != fp4sim::FMT_E2M1 || !f32d) return false;
            bool ue8 = h.scale_fmt == fp4sim::FMT_UE8M0;
            if (!ue8 && h.scale_fmt != fp4sim::FMT_UE4M3) return false;
            if (h.kind == fp4sim::KIND_MXF4 && (!ue8 || h.block_size != 32)) return false;
            if (h.block_size != 16 && h.block_size != 32) return false;
            if (!ue8 && h.block_size != 16) return false;
            op.idesc = (1u << 7) | (1u << 10) | neg | n | ((ue8 ? 1u : 0u) << 23) | ((TILE >> 7) << 27);
            op.variant = h.kind == fp4sim::KIND_MXF4 ? V_MXF4_2X : (h.block_size == 16 ? V_MXF4NVF4_4X : V_MXF4NVF4_2X);
            return true;
        }
        default: return false;
    }
}

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 1000

__device__ uint32_t smem_addr(const void* p) { return (uint32_t) __cvta_generic_to_shared(p); }

// SMEM matrix descriptor (isa.md §3.1, Table 40): K-major, no swizzle, version bits 46-48 = 0b001.
__device__ uint64_t smem_desc(uint32_t addr) {
    return (uint64_t) ((addr & 0x3FFFF) >> 4) | (uint64_t) ((LBO & 0x3FFFF) >> 4) << 16
           | (uint64_t) ((SBO & 0x3FFFF) >> 4) << 32 | 1ull << 46;
}

__device__ void tmem_st(uint32_t taddr, uint32_t v) {
    asm volatile("tcgen05.st.sync.aligned.32x32b.x1.b32 [%0], {%1};" ::"r"(taddr), "r"(v) : "memory");
}

__device__ uint32_t tmem_ld(uint32_t taddr) {
    uint32_t v;
    asm volatile("tcgen05.ld.sync.aligned.32x32b.x1.b32 {%0}, [%1];" : "=r"(v) : "r"(taddr) : "memory");
    asm volatile("tcgen05.wait::ld.sync.aligned;" ::: "memory");
    return v;
}

__device__ void issue_mma(int variant, uint32_t d, uint64_t a, uint64_t b, uint32_t idesc, uint32_t sfa, uint32_t sfb,
                          uint32_t enable) {
#define FP4SIM_MMA(KIND)                                                                                          \
    asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %4, 0;\n"                                                        \
                 "tcgen05.mma.cta_group::1.kind::" KIND " [%0], %1, %2, %3, p;\n}" ::"r"(d), "l"(a), "l"(b), "r"(idesc), \
                 "r"(enable) : "memory")
#define FP4SIM_MMA_BS(KIND_VEC)                                                                                  \
    asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %6, 0;\n"                                                        \
                 "tcgen05.mma.cta_group::1.kind::" KIND_VEC " [%0], %1, %2, %3, [%4], [%5], p;\n}" ::"r"(d), "l"(a),   \
                 "l"(b), "r"(idesc), "r"(sfa), "r"(sfb), "r"(enable) : "memory")
    switch (variant) {
        case V_F16: FP4SIM_MMA("f16"); break;
        case V_TF32: FP4SIM_MMA("tf32"); break;
        case V_F8F6F4: FP4SIM_MMA("f8f6f4"); break;
        case V_MXF8F6F4_1X: FP4SIM_MMA_BS("mxf8f6f4.block_scale.scale_vec::1X"); break;
        case V_MXF4_2X: FP4SIM_MMA_BS("mxf4.block_scale.scale_vec::2X"); break;
        case V_MXF4NVF4_2X: FP4SIM_MMA_BS("mxf4nvf4.block_scale.scale_vec::2X"); break;
        case V_MXF4NVF4_4X: FP4SIM_MMA_BS("mxf4nvf4.block_scale.scale_vec::4X"); break;
    }
#undef FP4SIM_MMA
#undef FP4SIM_MMA_BS
}

__device__ void fence_before() { asm volatile("tcgen05.fence::before_thread_sync;" ::: "memory"); }
__device__ void fence_after() { asm volatile("tcgen05.fence::after_thread_sync;" ::: "memory"); }

// The 32 SMEM bytes of one row for one instruction, from the golden image.
__device__ void row_bytes(const Header& h, uint32_t fmt, const uint8_t* img, int step, uint8_t out[32]) {
    int kpi = (int) h.k_per_instruction;
    int w = fp4sim::element_bits(h, fmt);
    bool sub = (h.kind == fp4sim::KIND_F8F6F4 || h.kind == fp4sim::KIND_MXF8F6F4) && fp4sim::storage_bits(fmt) < 8;
    if (!sub) {  // already 256 bits of K in the golden layout
        const uint8_t* src = img + (size_t) step * kpi * w / 8;
        for (int i = 0; i < 32; i++) out[i] = src[i];
        return;
    }
    // FP4/FP6 in 8-bit containers -> packed 16-element chunks with padding (isa.md §3.6).
    int bits = fp4sim::storage_bits(fmt);
    const uint8_t* src = img + (size_t) step * kpi;
    for (int i = 0; i < 32; i++) out[i] = 0;
    for (int chunk = 0; chunk < 2; chunk++) {
        for (int e = 0; e < 16; e++) {
            uint32_t v = src[chunk * 16 + e] & ((1u << bits) - 1);
            int bit = e * bits;
            for (int j = 0; j < bits; j++, bit++) {
                if (v >> j & 1) out[chunk * 16 + bit / 8] |= (uint8_t) (1u << (bit % 8));
            }
        }
    }
}

__global__ void __launch_bounds__(128, 1)
probe_kernel(Header h, Op op, const uint8_t* records, uint32_t a_bytes, uint32_t b_bytes, uint32_t sf_bytes,
             uint32_t record_bytes, uint32_t* out) {
    __shared__ __align__(1024) uint8_t sa[TILE * 32];
    __shared__ __align__(1024) uint8_t sb[TILE * 32];
    __shared__ __align__(8) uint64_t mbar;
    __shared__ uint32_t tmem_base;
    __shared__ uint32_t sf_words[2][TILE];  // per row/column: the 4 scale bytes of this instruction

    const int t = threadIdx.x, warp = t / 32, lane = t % 32;
    const size_t idx = (size_t) blockIdx.x * TILE + t;
    const bool live = idx < h.n_cases;
    const uint8_t* rec = records + (live ? idx : 0) * record_bytes;
    const uint8_t* a = rec;
    const uint8_t* b = a + a_bytes;
    const uint8_t* sfa = b + b_bytes;
    const uint8_t* sfb = sfa + sf_bytes;
    const uint8_t* cp = sfb + sf_bytes;
    uint32_t c = live ? (cp[0] | (uint32_t) cp[1] << 8 | (uint32_t) cp[2] << 16 | (uint32_t) cp[3] << 24) : 0;

    if (warp == 0) {
        asm volatile("tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32 [%0], %1;" ::"r"(smem_addr(&tmem_base)),
                     "n"(TMEM_COLS) : "memory");
        asm volatile("tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;" ::: "memory");
    }
    if (t == 0) {
        asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(smem_addr(&mbar)) : "memory");
    }
    fence_before();
    __syncthreads();
    fence_after();
    const uint32_t tmem = tmem_base;
    const uint32_t lane_base = (uint32_t) (warp * 32) << 16;  // warp w may touch lanes 32w..32w+31 (isa.md §4.1)
    const int steps = (int) (h.k / h.k_per_instruction);
    const bool scaled = h.scale_fmt != fp4sim::FMT_NONE;
    const int blocks_per_step = scaled ? (int) (h.k_per_instruction / h.block_size) : 0;

    for (int s = 0; s < steps; s++) {
        uint8_t row[32];
        row_bytes(h, h.a_fmt, live ? a : rec, s, row);
        if (!live) for (int i = 0; i < 32; i++) row[i] = 0;
        for (int kb = 0; kb < 32; kb++) sa[(t % 8) * 16 + (t / 8) * SBO + (kb / 16) * LBO + kb % 16] = row[kb];
        row_bytes(h, h.b_fmt, live ? b : rec, s, row);
        if (!live) for (int i = 0; i < 32; i++) row[i] = 0;
        for (int kb = 0; kb < 32; kb++) sb[(t % 8) * 16 + (t / 8) * SBO + (kb / 16) * LBO + kb % 16] = row[kb];
        if (scaled) {
            uint32_t wa = 0, wb = 0;
            for (int j = 0; j < blocks_per_step; j++) {
                // Dead rows get scale 1.0 so nothing in them is NaN (they are ignored anyway).
                uint32_t one = h.scale_fmt == fp4sim::FMT_UE8M0 ? 127u : 0x38u;
                uint32_t va = live ? sfa[s * blocks_per_step + j] : one;
                uint32_t vb = live ? sfb[s * blocks_per_step + j] : one;
                wa |= va << (8 * j);
                wb |= vb << (8 * j);
            }
            sf_words[0][t] = wa;
            sf_words[1][t] = wb;
        }
        asm volatile("fence.proxy.async.shared::cta;" ::: "memory");  // generic SMEM writes -> async proxy (isa.md §8)
        __syncthreads();
        if (scaled) {
            // Every warp writes the same 32-lane pattern into its own partition (replication, §5.2):
            // lane (m % 32), column base + m/32 holds row m's scale bytes.
            for (int col = 0; col < 4; col++) {
                tmem_st(tmem + lane_base + SFA_COL + col, sf_words[0][col * 32 + lane]);
                tmem_st(tmem + lane_base + SFB_COL + col, sf_words[1][col * 32 + lane]);
            }
        }
        if (s == 0) {
            for (int col = 0; col < TILE; col++) tmem_st(tmem + lane_base + col, col == t ? c : 0u);
        }
        asm volatile("tcgen05.wait::st.sync.aligned;" ::: "memory");
        fence_before();
        __syncthreads();
        fence_after();
        if (t == 0) {
            uint32_t enable = (s == 0 && (h.flags & fp4sim::FLAG_FIRST_DISABLE_INPUT_D)) ? 0u : 1u;
            issue_mma(op.variant, tmem, smem_desc(smem_addr(sa)), smem_desc(smem_addr(sb)), op.idesc, tmem + SFA_COL,
                      tmem + SFB_COL, enable);
            asm volatile("tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64 [%0];" ::"r"(smem_addr(&mbar))
                         : "memory");
        }
        // Wait for this instruction (phase parity s & 1) before SMEM and scale TMEM are reused.
        asm volatile("{\n.reg .pred done;\nWAIT_%=:\n"
                     "mbarrier.try_wait.parity.shared::cta.b64 done, [%0], %1;\n"
                     "@!done bra WAIT_%=;\n}" ::"r"(smem_addr(&mbar)), "r"((uint32_t) (s & 1)) : "memory");
        fence_after();
        __syncthreads();
    }
    uint32_t d = 0;
    for (int col = 0; col < TILE; col++) {
        uint32_t v = tmem_ld(tmem + lane_base + col);
        if (col == t) d = v;
    }
    if (h.d_fmt == fp4sim::FMT_F16) d &= 0xFFFF;
    if (live) out[idx] = d;
    fence_before();
    __syncthreads();
    if (warp == 0) {
        fence_after();
        asm volatile("tcgen05.dealloc.cta_group::1.sync.aligned.b32 %0, %1;" ::"r"(tmem), "n"(TMEM_COLS) : "memory");
    }
}

#else

__global__ void probe_kernel(Header, Op, const uint8_t*, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t*) {}

#endif

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) fp4sim::die(fp4sim::EXIT_USAGE, "usage: probe_sm100 IN.batch OUT.result");
    fp4sim::Batch b = fp4sim::read_batch(argv[1]);
    Op op;
    if (b.h.family != fp4sim::FAM_TCGEN05 || !make_op(b.h, op))
        fp4sim::die(fp4sim::EXIT_USAGE, "probe_sm100 does not support this batch's family/kind/formats", argv[1]);
    fp4sim::require_device(10, 10, "probe_sm100 (tcgen05, sm_100a)");
    std::vector<uint32_t> out(b.h.n_cases);
    if (b.h.n_cases) {
        uint8_t* drec = nullptr;
        uint32_t* dout = nullptr;
        FP4SIM_CUDA_CHECK(cudaMalloc(&drec, b.records.size()));
        FP4SIM_CUDA_CHECK(cudaMalloc(&dout, 4ull * b.h.n_cases));
        FP4SIM_CUDA_CHECK(cudaMemcpy(drec, b.records.data(), b.records.size(), cudaMemcpyHostToDevice));
        unsigned grid = (b.h.n_cases + TILE - 1) / TILE;
        probe_kernel<<<grid, TILE>>>(b.h, op, drec, b.a_bytes, b.b_bytes, b.sf_bytes, b.record_bytes, dout);
        FP4SIM_CUDA_CHECK(cudaGetLastError());
        FP4SIM_CUDA_CHECK(cudaDeviceSynchronize());
        FP4SIM_CUDA_CHECK(cudaMemcpy(out.data(), dout, 4ull * b.h.n_cases, cudaMemcpyDeviceToHost));
        cudaFree(drec);
        cudaFree(dout);
    }
    fp4sim::write_results(argv[2], out);
    return 0;
}
