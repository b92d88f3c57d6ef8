// probe_sm90: real Hopper (or Ampere/Ada) tensor cores through mma.sync on FP4B batches
// (docs/cuda.md). Shapes: m16n8k16 f16/bf16 (f32 or f16 D), m16n8k8 tf32, m16n8k32 e4m3/e5m2
// (sm_89+). 8 cases per warp instruction: case j supplies row j of A and column j of B, so D[j][j]
// is its dot product; C[j][j] = C_j and zeros elsewhere; K > instruction K chains the instructions
// with D as the next C, as a GEMM does. wgmma is not probed yet (docs/cuda.md).
//
//   probe_sm90 IN.batch OUT.bin
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include "fp4batch.h"

struct Batch {
  Fp4BatchHeader h;
  const uint8_t* data;
  size_t rec;
};

// Element bits of operand X (0 = A, 1 = B) of case `cs`, index k; 0 outside the batch.
__device__ uint32_t elem(const Batch& b, int x, uint32_t cs, int k, int bytes) {
  if (cs >= b.h.cases) return 0;
  const uint8_t* p = b.data + cs * b.rec + (x ? b.h.a_bytes : 0) + (size_t)k * bytes;
  uint32_t v = 0;
  for (int i = 0; i < bytes; i++) v |= (uint32_t)p[i] << (8 * i);
  return v;
}

__device__ uint32_t cbits(const Batch& b, uint32_t cs) {
  uint32_t v;
  memcpy(&v, b.data + cs * b.rec + b.rec - 4, 4);
  return v;
}

__device__ uint32_t pack2(uint32_t lo, uint32_t hi) { return (lo & 0xFFFF) | (hi << 16); }
__device__ uint32_t pack4(uint32_t b0, uint32_t b1, uint32_t b2, uint32_t b3) {
  return (b0 & 0xFF) | ((b1 & 0xFF) << 8) | ((b2 & 0xFF) << 16) | (b3 << 24);
}

__global__ void probe(Batch b, uint32_t* out) {
  const int lane = threadIdx.x % 32;
  const uint32_t base = (blockIdx.x * blockDim.x + threadIdx.x) / 32 * 8;   // 8 cases per warp
  const int g = lane >> 2, q = lane & 3;
  const uint32_t kind = b.h.kind;
  // A rows 8..15 and B columns beyond the 8 cases are zero: only rows g < 8 carry data.
  auto A = [&](int row, int k, int bytes) { return row < 8 ? elem(b, 0, base + row, k, bytes) : 0u; };
  auto B = [&](int k, int col, int bytes) { return elem(b, 1, base + col, k, bytes); };
  float c[4];
  uint32_t h2[2];
  bool f16d = kind == F16_F16_F16;
  for (int i = 0; i < 4; i++) {
    int row = i < 2 ? g : g + 8, col = 2 * q + (i & 1);
    uint32_t v = (row == col && row < 8 && base + row < b.h.cases) ? cbits(b, base + row) : 0u;
    if (f16d) { if (i == 0) h2[0] = 0; if (i == 2) h2[1] = 0; h2[i / 2] |= (v & 0xFFFF) << (16 * (i & 1)); }
    else memcpy(&c[i], &v, 4);
  }
  int kInstr = (kind == TF32_TF32_F32) ? 8 : (kind >= E4M3_E4M3_F32) ? 32 : 16;
  for (uint32_t k0 = 0; k0 < b.h.k; k0 += kInstr) {
    if (kind == TF32_TF32_F32) {
      uint32_t a0 = A(g, k0 + q, 4), a1 = A(g + 8, k0 + q, 4), a2 = A(g, k0 + q + 4, 4), a3 = A(g + 8, k0 + q + 4, 4);
      uint32_t b0 = B(k0 + q, g, 4), b1 = B(k0 + q + 4, g, 4);
      asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                   : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]) : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
    } else if (kind >= E4M3_E4M3_F32) {
      uint32_t a[4], bb[2];
      for (int r = 0; r < 4; r++) {
        int row = (r & 1) ? g + 8 : g, kk = k0 + 4 * q + (r >= 2 ? 16 : 0);
        a[r] = pack4(A(row, kk, 1), A(row, kk + 1, 1), A(row, kk + 2, 1), A(row, kk + 3, 1));
      }
      for (int r = 0; r < 2; r++) {
        int kk = k0 + 4 * q + 16 * r;
        bb[r] = pack4(B(kk, g, 1), B(kk + 1, g, 1), B(kk + 2, g, 1), B(kk + 3, g, 1));
      }
      if (kind == E4M3_E4M3_F32)
        asm volatile("mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                     : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(bb[0]), "r"(bb[1]));
      else if (kind == E5M2_E5M2_F32)
        asm volatile("mma.sync.aligned.m16n8k32.row.col.f32.e5m2.e5m2.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                     : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(bb[0]), "r"(bb[1]));
      else
        asm volatile("mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e5m2.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                     : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(bb[0]), "r"(bb[1]));
    } else {
      uint32_t a[4], bb[2];
      for (int r = 0; r < 4; r++) {
        int row = (r & 1) ? g + 8 : g, kk = k0 + 2 * q + (r >= 2 ? 8 : 0);
        a[r] = pack2(A(row, kk, 2), A(row, kk + 1, 2));
      }
      for (int r = 0; r < 2; r++) {
        int kk = k0 + 2 * q + 8 * r;
        bb[r] = pack2(B(kk, g, 2), B(kk + 1, g, 2));
      }
      if (kind == BF16_BF16_F32)
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                     : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(bb[0]), "r"(bb[1]));
      else if (kind == F16_F16_F16)
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16 {%0,%1}, {%2,%3,%4,%5}, {%6,%7}, {%0,%1};"
                     : "+r"(h2[0]), "+r"(h2[1]) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(bb[0]), "r"(bb[1]));
      else
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                     : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(bb[0]), "r"(bb[1]));
    }
  }
  // D[j][j] lives in thread g = j, q = j / 2, element j % 2 (rows < 8 only).
  if (g < 8 && q == g / 2) {
    uint32_t cs = base + g;
    if (cs < b.h.cases) {
      uint32_t v;
      if (f16d) v = (h2[0] >> (16 * (g & 1))) & 0xFFFF;
      else memcpy(&v, &c[g & 1], 4);
      out[cs] = v;
    }
  }
}

int main(int argc, char** argv) {
  if (argc != 3) { fprintf(stderr, "usage: probe_sm90 IN.batch OUT.bin\n"); return 2; }
  FILE* f = fopen(argv[1], "rb");
  Fp4BatchHeader h;
  if (!f || fread(&h, sizeof h, 1, f) != 1 || memcmp(h.magic, "FP4B", 4) != 0) { fprintf(stderr, "probe_sm90: bad batch\n"); return 2; }
  if (h.kind < F16_F16_F32) { fprintf(stderr, "probe_sm90: block-scaled kinds need sm_100 (probe_sm100)\n"); return 2; }
  size_t rec = (size_t)h.a_bytes + h.b_bytes + 2 * h.sf_bytes + 4;
  std::vector<uint8_t> in(rec * h.cases);
  if (fread(in.data(), 1, in.size(), f) != in.size()) { fprintf(stderr, "probe_sm90: truncated\n"); return 2; }
  fclose(f);
  uint8_t* d_in; uint32_t* d_out;
  if (cudaMalloc(&d_in, in.size()) != cudaSuccess) { fprintf(stderr, "probe_sm90: no usable GPU\n"); return 3; }
  cudaMalloc(&d_out, 4ull * h.cases);
  cudaMemcpy(d_in, in.data(), in.size(), cudaMemcpyHostToDevice);
  Batch b{h, d_in, rec};
  uint32_t warps = (h.cases + 7) / 8;
  probe<<<(warps + 3) / 4, 128>>>(b, d_out);
  cudaError_t err = cudaDeviceSynchronize();
  if (err != cudaSuccess) { fprintf(stderr, "probe_sm90: %s\n", cudaGetErrorString(err)); return 3; }
  std::vector<uint32_t> out(h.cases);
  cudaMemcpy(out.data(), d_out, 4ull * h.cases, cudaMemcpyDeviceToHost);
  FILE* o = fopen(argv[2], "wb");
  fwrite(out.data(), 4, out.size(), o);
  fclose(o);
  return 0;
}
