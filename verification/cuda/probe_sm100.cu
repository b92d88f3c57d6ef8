// probe_sm100: real Blackwell tcgen05.mma on FP4B batches (docs/cuda.md). Needs sm_100a hardware.
//
// 128 cases per launch: case i supplies row i of A and row i of Bᵀ (column i of B), so D[i][i] is
// case i's dot product. C is written into TMEM first (D[i][i] = C_i, zeros elsewhere) and every
// instruction runs with enable-input-d = 1, so C enters the first fused sum exactly as in a chain.
// Operands: SMEM, K-major, no swizzle (core matrices of 8 rows x 16 B; LBO = 128 B along K,
// SBO = 256 B between 8-row groups); one instruction reads 32 bytes per row for every kind.
// Scale factors: the 512-byte chunk of isa.md §5.2 per 32 rows, copied with tcgen05.cp.32x128b.warpx4.
//
//   probe_sm100 IN.batch OUT.bin
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include "fp4batch.h"

constexpr int TILE = 128;                 // M = N = 128, cta_group::1
constexpr int ROW_BYTES = 32;             // 256 bits of K per instruction and row
constexpr int TILE_BYTES = TILE * ROW_BYTES;

__device__ inline uint32_t smem_u32(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

// Shared-memory descriptor (PTX Table 40): start >> 4, LBO >> 4, SBO >> 4, version 1, no swizzle.
__device__ inline uint64_t sdesc(uint32_t addr) {
  return (uint64_t)((addr & 0x3FFFF) >> 4) | ((uint64_t)(128 >> 4) << 16) | ((uint64_t)(256 >> 4) << 32) | (1ull << 46);
}

// Byte offset of (row, byte) in the K-major no-swizzle canonical layout above.
__host__ __device__ inline int tile_offset(int row, int byte) {
  return (row / 8) * 256 + (byte / 16) * 128 + (row % 8) * 16 + (byte % 16);
}

__device__ inline void mma(uint32_t kind, uint32_t d_tmem, uint64_t a, uint64_t b, uint32_t idesc, uint32_t sfa, uint32_t sfb) {
  switch (kind) {
    case MXF4NVF4_UE4M3_B16:
    case MXF4NVF4_UE8M0_B16:
      asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\n"
                   "tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16 [%0], %1, %2, %3, [%4], [%5], p;\n}\n"
                   :: "r"(d_tmem), "l"(a), "l"(b), "r"(idesc), "r"(sfa), "r"(sfb));
      break;
    case MXF4_UE8M0_B32:
      asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\n"
                   "tcgen05.mma.cta_group::1.kind::mxf4.block_scale.block32 [%0], %1, %2, %3, [%4], [%5], p;\n}\n"
                   :: "r"(d_tmem), "l"(a), "l"(b), "r"(idesc), "r"(sfa), "r"(sfb));
      break;
    case F16_F16_F32:
    case BF16_BF16_F32:
    case F16_F16_F16:
      asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\n"
                   "tcgen05.mma.cta_group::1.kind::f16 [%0], %1, %2, %3, p;\n}\n"
                   :: "r"(d_tmem), "l"(a), "l"(b), "r"(idesc));
      break;
    case TF32_TF32_F32:
      asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\n"
                   "tcgen05.mma.cta_group::1.kind::tf32 [%0], %1, %2, %3, p;\n}\n"
                   :: "r"(d_tmem), "l"(a), "l"(b), "r"(idesc));
      break;
    default:
      asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\n"
                   "tcgen05.mma.cta_group::1.kind::f8f6f4 [%0], %1, %2, %3, p;\n}\n"
                   :: "r"(d_tmem), "l"(a), "l"(b), "r"(idesc));
  }
}

// idesc for M = N = 128 (PTX Tables 42-44, isa.md §2): N>>3 = 16 at bit 17.
__host__ __device__ inline uint32_t idesc_for(uint32_t kind) {
  const uint32_t mn = (16u << 17);
  switch (kind) {
    case MXF4NVF4_UE4M3_B16: return mn | (1u << 27) | (1u << 7) | (1u << 10);
    case MXF4NVF4_UE8M0_B16:
    case MXF4_UE8M0_B32: return mn | (1u << 27) | (1u << 23) | (1u << 7) | (1u << 10);
    case F16_F16_F32: return mn | (8u << 24) | (1u << 4);
    case F16_F16_F16: return mn | (8u << 24);
    case BF16_BF16_F32: return mn | (8u << 24) | (1u << 4) | (1u << 7) | (1u << 10);
    case TF32_TF32_F32: return mn | (8u << 24) | (1u << 4) | (2u << 7) | (2u << 10);
    case E4M3_E4M3_F32: return mn | (8u << 24) | (1u << 4);
    case E5M2_E5M2_F32: return mn | (8u << 24) | (1u << 4) | (1u << 7) | (1u << 10);
    default: return mn | (8u << 24) | (1u << 4) | (1u << 10);   // E4M3 x E5M2
  }
}

// One launch: in = [k/instr_k][A tile | B tile | SFA chunks | SFB chunks] prepared by the host; c[128]; out[128].
__global__ void __launch_bounds__(128) probe(uint32_t kind, int instrs, const uint8_t* tiles, const uint32_t* c, uint32_t* out) {
  __shared__ __align__(1024) uint8_t a_s[TILE_BYTES];
  __shared__ __align__(1024) uint8_t b_s[TILE_BYTES];
  __shared__ __align__(16) uint8_t sfa_s[512 * 4];
  __shared__ __align__(16) uint8_t sfb_s[512 * 4];
  __shared__ __align__(8) uint64_t bar;
  __shared__ uint32_t tmem_base;
  const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
  const bool scaled = kind <= MXF4_UE8M0_B32;

  if (warp == 0) {   // 512 columns: D (128) + SFA (4) + SFB (4), rounded to a power of two
    asm volatile("tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32 [%0], 512;" :: "r"(smem_u32(&tmem_base)));
    asm volatile("tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;");
  }
  if (tid == 0) {
    asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" :: "r"(smem_u32(&bar)));
  }
  asm volatile("tcgen05.fence::before_thread_sync;");
  __syncthreads();
  asm volatile("tcgen05.fence::after_thread_sync;");
  const uint32_t d_tmem = tmem_base, sfa_tmem = tmem_base + 128, sfb_tmem = tmem_base + 132;

  // C into the diagonal, zeros elsewhere: warp w owns lanes 32w..32w+31 (tcgen05.st, 32x32b).
  for (int col = 0; col < TILE; col++) {
    uint32_t v = (col == tid) ? c[tid] : 0u;
    asm volatile("tcgen05.st.sync.aligned.32x32b.x1.b32 [%0], {%1};" :: "r"(d_tmem + ((uint32_t)(warp * 32) << 16) + col), "r"(v));
  }
  asm volatile("tcgen05.wait::st.sync.aligned;");

  const size_t per_instr = 2 * TILE_BYTES + (scaled ? 2 * 512 : 0);
  uint32_t phase = 0;
  for (int i = 0; i < instrs; i++) {
    const uint8_t* t = tiles + i * per_instr;
    for (int j = tid; j < TILE_BYTES; j += 128) { a_s[j] = t[j]; b_s[j] = t[TILE_BYTES + j]; }
    if (scaled) {
      for (int j = tid; j < 512; j += 128) { sfa_s[j] = t[2 * TILE_BYTES + j]; sfb_s[j] = t[2 * TILE_BYTES + 512 + j]; }
    }
    asm volatile("fence.proxy.async.shared::cta;");
    asm volatile("tcgen05.fence::before_thread_sync;");
    __syncthreads();
    asm volatile("tcgen05.fence::after_thread_sync;");
    if (tid == 0) {
      if (scaled) {
        // 32 rows x 16 B -> lanes 0-31 x 4 columns, replicated to all four lane quarters (isa.md §5.2)
        uint64_t da = (uint64_t)((smem_u32(sfa_s) & 0x3FFFF) >> 4) | ((uint64_t)(128 >> 4) << 32) | (1ull << 46);
        uint64_t db = (uint64_t)((smem_u32(sfb_s) & 0x3FFFF) >> 4) | ((uint64_t)(128 >> 4) << 32) | (1ull << 46);
        asm volatile("tcgen05.cp.cta_group::1.32x128b.warpx4 [%0], %1;" :: "r"(sfa_tmem), "l"(da));
        asm volatile("tcgen05.cp.cta_group::1.32x128b.warpx4 [%0], %1;" :: "r"(sfb_tmem), "l"(db));
      }
      mma(kind, d_tmem, sdesc(smem_u32(a_s)), sdesc(smem_u32(b_s)), idesc_for(kind), sfa_tmem, sfb_tmem);
      asm volatile("tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64 [%0];" :: "r"(smem_u32(&bar)));
    }
    // everyone waits for the MMA before the SMEM tiles are overwritten
    asm volatile("{\n.reg .pred done;\nWAIT_%=:\n"
                 "mbarrier.try_wait.parity.shared::cta.b64 done, [%0], %1;\n"
                 "@!done bra WAIT_%=;\n}\n" :: "r"(smem_u32(&bar)), "r"(phase));
    phase ^= 1;
    asm volatile("tcgen05.fence::after_thread_sync;");
  }

  // Read the diagonal: warp w loads lanes 32w.. at columns 32w..32w+31, so thread t's register t is D[32w+t][32w+t].
  uint32_t r[32];
  asm volatile("tcgen05.ld.sync.aligned.32x32b.x32.b32 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,"
               "%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31}, [%32];"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]), "=r"(r[4]), "=r"(r[5]), "=r"(r[6]), "=r"(r[7]),
                 "=r"(r[8]), "=r"(r[9]), "=r"(r[10]), "=r"(r[11]), "=r"(r[12]), "=r"(r[13]), "=r"(r[14]), "=r"(r[15]),
                 "=r"(r[16]), "=r"(r[17]), "=r"(r[18]), "=r"(r[19]), "=r"(r[20]), "=r"(r[21]), "=r"(r[22]), "=r"(r[23]),
                 "=r"(r[24]), "=r"(r[25]), "=r"(r[26]), "=r"(r[27]), "=r"(r[28]), "=r"(r[29]), "=r"(r[30]), "=r"(r[31])
               : "r"(d_tmem + ((uint32_t)(warp * 32) << 16) + warp * 32));
  asm volatile("tcgen05.wait::ld.sync.aligned;");
  uint32_t mine = 0;
  #pragma unroll
  for (int j = 0; j < 32; j++) mine = (j == lane) ? r[j] : mine;
  out[tid] = mine;
  asm volatile("tcgen05.fence::before_thread_sync;");
  __syncthreads();
  if (warp == 0) {
    asm volatile("tcgen05.dealloc.cta_group::1.sync.aligned.b32 %0, 512;" :: "r"(tmem_base));
  }
}

int main(int argc, char** argv) {
  if (argc != 3) { fprintf(stderr, "usage: probe_sm100 IN.batch OUT.bin\n"); return 2; }
  FILE* f = fopen(argv[1], "rb");
  Fp4BatchHeader h;
  if (!f || fread(&h, sizeof h, 1, f) != 1 || memcmp(h.magic, "FP4B", 4) != 0) { fprintf(stderr, "probe_sm100: bad batch\n"); return 2; }
  size_t rec = (size_t)h.a_bytes + h.b_bytes + 2 * h.sf_bytes + 4;
  std::vector<uint8_t> in(rec * h.cases);
  if (fread(in.data(), 1, in.size(), f) != in.size()) { fprintf(stderr, "probe_sm100: truncated\n"); return 2; }
  fclose(f);
  const bool scaled = h.kind <= MXF4_UE8M0_B32;
  const int instrs = h.a_bytes / ROW_BYTES;
  const int blocks_per_instr = scaled ? (h.kind == MXF4_UE8M0_B32 ? 2 : 4) : 0;
  const size_t per_instr = 2 * TILE_BYTES + (scaled ? 2 * 512 : 0);
  std::vector<uint32_t> result(h.cases);
  uint8_t* d_tiles; uint32_t *d_c, *d_out;
  if (cudaMalloc(&d_tiles, per_instr * instrs) != cudaSuccess) { fprintf(stderr, "probe_sm100: no usable GPU\n"); return 3; }
  cudaMalloc(&d_c, 4 * TILE);
  cudaMalloc(&d_out, 4 * TILE);
  for (uint32_t first = 0; first < h.cases; first += TILE) {
    std::vector<uint8_t> tiles(per_instr * instrs, 0);
    std::vector<uint32_t> c(TILE, 0);
    for (int row = 0; row < TILE && first + row < h.cases; row++) {
      const uint8_t* r = in.data() + (first + row) * rec;
      for (int i = 0; i < instrs; i++) {
        uint8_t* t = tiles.data() + i * per_instr;
        for (int byte = 0; byte < ROW_BYTES; byte++) {
          t[tile_offset(row, byte)] = r[i * ROW_BYTES + byte];
          t[TILE_BYTES + tile_offset(row, byte)] = r[h.a_bytes + i * ROW_BYTES + byte];
        }
        for (int kb = 0; kb < blocks_per_instr; kb++) {
          // SMEM chunk byte 16·(row % 32) + 4·(row / 32) + kb  ->  TMEM lane row % 32, column row / 32, byte kb
          t[2 * TILE_BYTES + 16 * (row % 32) + 4 * (row / 32) + kb] = r[h.a_bytes + h.b_bytes + i * blocks_per_instr + kb];
          t[2 * TILE_BYTES + 512 + 16 * (row % 32) + 4 * (row / 32) + kb] = r[h.a_bytes + h.b_bytes + h.sf_bytes + i * blocks_per_instr + kb];
        }
      }
      memcpy(&c[row], r + rec - 4, 4);
    }
    cudaMemcpy(d_tiles, tiles.data(), tiles.size(), cudaMemcpyHostToDevice);
    cudaMemcpy(d_c, c.data(), 4 * TILE, cudaMemcpyHostToDevice);
    probe<<<1, 128>>>(h.kind, instrs, d_tiles, d_c, d_out);
    cudaError_t err = cudaDeviceSynchronize();
    if (err != cudaSuccess) { fprintf(stderr, "probe_sm100: %s\n", cudaGetErrorString(err)); return 3; }
    std::vector<uint32_t> out(TILE);
    cudaMemcpy(out.data(), d_out, 4 * TILE, cudaMemcpyDeviceToHost);
    for (int row = 0; row < TILE && first + row < h.cases; row++) result[first + row] = out[row];
  }
  FILE* o = fopen(argv[2], "wb");
  fwrite(result.data(), 4, result.size(), o);
  fclose(o);
  return 0;
}
