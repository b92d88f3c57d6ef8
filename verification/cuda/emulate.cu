// emulate: an independent CUDA C++ implementation of the Blackwell tensor-core arithmetic
// (docs/numerics.md §2, §3, §3a), one thread per D element, for throughput. Written from the
// numerics specification, not from the Java simulator. Runs on any GPU sm_80 or newer.
//
//   emulate IN.batch OUT.bin
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include "fp4batch.h"

struct Term { long long sig; int lsb; int align; };

__host__ __device__ inline int clz64(unsigned long long x) {
#ifdef __CUDA_ARCH__
  return __clzll(x);
#else
  return __builtin_clzll(x);
#endif
}

template <typename T> __host__ __device__ inline T max_(T a, T b) { return a > b ? a : b; }

__host__ __device__ long long trunc_shift(long long m, int sh) {
  if (sh >= 0) return m << sh;
  if (sh <= -63) return 0;
  return m < 0 ? -((-m) >> (-sh)) : (m >> (-sh));
}

// Round s * 2^lsb to f32 toward zero (24 significant bits, subnormals on 2^-149; >= 2^128 -> Inf).
__host__ __device__ uint32_t round_rz_f32(long long s, int lsb, int frac) {
  if (s == 0) return 0u;
  bool neg = s < 0;
  unsigned long long m = neg ? (unsigned long long)(-s) : (unsigned long long)s;
  int bl = 64 - clz64(m);
  int msb = bl - 1 + lsb;
  unsigned long long sig; int e;
  if (msb >= -126) {
    int sh = (frac + 1) - bl;
    sig = sh >= 0 ? (m << sh) : (-sh >= 64 ? 0 : (m >> -sh));
    e = msb;
  } else {
    int sh = lsb - (-126 - frac);
    sig = sh >= 0 ? (m << sh) : (-sh >= 64 ? 0 : (m >> -sh));
    if (sig == 0) return 0u;
    e = sig >= (1ull << frac) ? -126 : -127;
  }
  if (e > 127) return (neg ? 0x80000000u : 0u) | 0x7F800000u;
  uint32_t biased = e < -126 ? 0 : (uint32_t)(e + 127);
  uint32_t mant = (uint32_t)(sig & ((1ull << frac) - 1)) << (23 - frac);
  return (neg ? 0x80000000u : 0u) | (biased << 23) | mant;
}

// Round s * 2^lsb to f16, nearest-even (11 significant bits, emin -14; >= 65520 -> Inf).
__host__ __device__ uint32_t round_rne_f16(long long s, int lsb) {
  if (s == 0) return 0u;
  bool neg = s < 0;
  unsigned long long m = neg ? (unsigned long long)(-s) : (unsigned long long)s;
  int bl = 64 - clz64(m);
  int msb = bl - 1 + lsb;
  int shift = msb >= -14 ? 11 - bl : lsb - (-24);
  unsigned long long sig;
  if (shift >= 0) sig = m << shift;
  else {
    int r = -shift;
    if (r >= 64) return 0u;
    unsigned long long kept = m >> r, rem = m & ((1ull << r) - 1), half = 1ull << (r - 1);
    if (rem > half || (rem == half && (kept & 1))) kept++;
    sig = kept;
  }
  int e = msb >= -14 ? msb : -15;
  if (msb >= -14 && sig == (1ull << 11)) { sig >>= 1; e++; }
  if (msb < -14) { if (sig == 0) return 0u; e = sig >= (1ull << 10) ? -14 : -15; }
  if (e > 15) return (neg ? 0x8000u : 0u) | 0x7C00u;
  uint32_t biased = e < -14 ? 0 : (uint32_t)(e + 15);
  return (neg ? 0x8000u : 0u) | (biased << 10) | (uint32_t)(sig & 0x3FF);
}

// e2m1 code -> value * 2 (an integer in [-12, 12])
__host__ __device__ int e2m1_twice(int code) {
  const int t[8] = {0, 1, 2, 3, 4, 6, 8, 12};
  int v = t[code & 7];
  return (code & 8) ? -v : v;
}

// ue4m3 (bit 7 ignored) -> significand with 3 fraction bits and alignment exponent; NaN -> false.
__host__ __device__ bool ue4m3(int code, int* sig, int* exp) {
  int c = code & 0x7F;
  if (c == 0x7F) return false;
  int e = c >> 3, m = c & 7;
  if (e == 0) { *sig = m; *exp = -6; } else { *sig = 8 + m; *exp = e - 7; }
  return true;
}

// ue8m0 -> significand 2 (1 fraction bit, matching ue4m3's scaling by using fb=1) and exponent code-127.
__host__ __device__ bool ue8m0(int code, int* sig, int* exp) {
  if (code == 0xFF) return false;
  *sig = 2; *exp = code - 127;
  return true;
}

// One K=64 block-scaled FP4 instruction (GST-FDPA, G=16, F=35, e_zero=-139, RZ-f32).
__host__ __device__ uint32_t gst_fdpa(const uint8_t* a, const uint8_t* b, const uint8_t* sfa, const uint8_t* sfb,
                             uint32_t c, bool ue4m3_scale, int block) {
  const int F = 35, EZ = -139;
  int fb = ue4m3_scale ? 3 : 1;
  for (int i = 0; i < 64 / block; i++) {
    int s, e;
    bool ok_a = ue4m3_scale ? ue4m3(sfa[i], &s, &e) : ue8m0(sfa[i], &s, &e);
    bool ok_b = ue4m3_scale ? ue4m3(sfb[i], &s, &e) : ue8m0(sfb[i], &s, &e);
    if (!ok_a || !ok_b) return 0x7FFFFFFFu;
  }
  if ((c & 0x7FFFFFFFu) > 0x7F800000u) return 0x7FFFFFFFu;
  if ((c & 0x7FFFFFFFu) == 0x7F800000u) return c;   // assumption infinite-c = propagate
  Term t[5];
  for (int g = 0; g < 4; g++) {
    int sum = 0; bool any = false;
    for (int k = g * 16; k < g * 16 + 16; k++) {
      int ca = (a[k >> 1] >> ((k & 1) * 4)) & 0xF;
      int cb = (b[k >> 1] >> ((k & 1) * 4)) & 0xF;
      int p = e2m1_twice(ca) * e2m1_twice(cb);
      sum += p; any |= p != 0;
    }
    int blk = g * 16 / block, sa, ea, sb, eb;
    if (ue4m3_scale) { ue4m3(sfa[blk], &sa, &ea); ue4m3(sfb[blk], &sb, &eb); }
    else { ue8m0(sfa[blk], &sa, &ea); ue8m0(sfb[blk], &sb, &eb); }
    t[g].sig = (long long)sum * sa * sb;
    t[g].lsb = ea + eb - 2 - 2 * fb;
    t[g].align = (any && sa * sb != 0) ? ea + eb : EZ;
  }
  int cexp = (c >> 23) & 0xFF; uint32_t cfrac = c & 0x7FFFFF;
  if (cexp == 0 && cfrac == 0) { t[4].sig = 0; t[4].lsb = 0; t[4].align = EZ; }
  else {
    long long sig = cexp == 0 ? cfrac : (cfrac | 0x800000);
    t[4].align = cexp == 0 ? -126 : cexp - 127;
    t[4].sig = (c >> 31) ? -sig : sig;
    t[4].lsb = t[4].align - 23;
  }
  int E = t[0].align;
  for (int i = 1; i < 5; i++) E = max_(E, t[i].align);
  long long s = 0;
  for (int i = 0; i < 5; i++) s += trunc_shift(t[i].sig, t[i].lsb + F - E);
  return round_rz_f32(s, E - F, 23);
}

// Element formats of the unscaled kinds: (exponent bits, mantissa bits, bias, code bits, ieee specials)
struct Fmt { int eb, mb, bias, bits; bool ieee; bool e4m3; };

__host__ __device__ Fmt fmt_of(uint32_t kind, bool b_operand) {
  switch (kind) {
    case F16_F16_F32: case F16_F16_F16: return {5, 10, 15, 16, true, false};
    case BF16_BF16_F32: return {8, 7, 127, 16, true, false};
    case TF32_TF32_F32: return {8, 10, 127, 32, true, false};
    case E4M3_E4M3_F32: return {4, 3, 7, 8, false, true};
    case E5M2_E5M2_F32: return {5, 2, 15, 8, true, false};
    case E4M3_E5M2_F32: return b_operand ? Fmt{5, 2, 15, 8, true, false} : Fmt{4, 3, 7, 8, false, true};
  }
  return {0, 0, 0, 0, false, false};
}

__host__ __device__ uint32_t load_code(const uint8_t* p, int i, int bits) {
  if (bits == 8) return p[i];
  if (bits == 16) return p[2 * i] | (p[2 * i + 1] << 8);
  uint32_t v = p[4 * i] | (p[4 * i + 1] << 8) | (p[4 * i + 2] << 16) | ((uint32_t)p[4 * i + 3] << 24);
  return v >> 13;   // tf32: the low 13 mantissa bits are ignored
}

// decode: class 0 finite, 1 inf, 2 nan; significand (integer with mb fraction bits), alignment exponent
__host__ __device__ int decode(Fmt f, uint32_t code, int* sign, long long* sig, int* exp) {
  int s = (code >> (f.eb + f.mb)) & 1, e = (code >> f.mb) & ((1 << f.eb) - 1), m = code & ((1 << f.mb) - 1);
  *sign = s;
  int top = (1 << f.eb) - 1;
  if (f.ieee && e == top) return m == 0 ? 1 : 2;
  if (f.e4m3 && e == top && m == (1 << f.mb) - 1) return 2;
  *sig = e == 0 ? m : (m | (1 << f.mb));
  *exp = e == 0 ? 1 - f.bias : e - f.bias;
  return 0;
}

// One fused step of T-FDPA over n products plus C (numerics.md §3a).
__host__ __device__ uint32_t t_fdpa(Fmt fa, Fmt fb, const uint8_t* a, const uint8_t* b, int off, int n, uint32_t c,
                           bool f16_out, int F, int EZ, int rounding) {
  bool nan = false, pinf = false, ninf = false;
  Fmt fc = f16_out ? Fmt{5, 10, 15, 16, true, false} : Fmt{8, 23, 127, 32, true, false};
  for (int k = off; k < off + n; k++) {
    int sa, sb; long long ma = 0, mb = 0; int ea = 0, eb = 0;
    int ka = decode(fa, load_code(a, k, fa.bits), &sa, &ma, &ea);
    int kb = decode(fb, load_code(b, k, fb.bits), &sb, &mb, &eb);
    if (ka == 2 || kb == 2) { nan = true; continue; }
    if (ka == 1 || kb == 1) {
      bool zero_other = (ka == 1) ? (kb == 0 && mb == 0) : (ka == 0 && ma == 0);
      if (zero_other) nan = true; else if (sa ^ sb) ninf = true; else pinf = true;
    }
  }
  int cs; long long cm = 0; int ce = 0;
  int kc = decode(fc, c, &cs, &cm, &ce);
  if (kc == 2) nan = true; else if (kc == 1) { if (cs) ninf = true; else pinf = true; }
  if (nan || (pinf && ninf)) return f16_out ? 0x7FFFu : 0x7FFFFFFFu;
  if (pinf || ninf) return f16_out ? (ninf ? 0xFC00u : 0x7C00u) : (ninf ? 0xFF800000u : 0x7F800000u);
  // E: the largest alignment exponent over all terms; zero products and a zero C count at e_zero.
  int E = cm == 0 ? EZ : ce;
  for (int k = off; k < off + n; k++) {
    int sa, sb; long long ma = 0, mb = 0; int ea = 0, eb = 0;
    decode(fa, load_code(a, k, fa.bits), &sa, &ma, &ea);
    decode(fb, load_code(b, k, fb.bits), &sb, &mb, &eb);
    E = max_(E, (ma != 0 && mb != 0) ? ea + eb : EZ);
  }
  long long s = 0;
  for (int k = off; k < off + n; k++) {
    int sa, sb; long long ma = 0, mb = 0; int ea = 0, eb = 0;
    decode(fa, load_code(a, k, fa.bits), &sa, &ma, &ea);
    decode(fb, load_code(b, k, fb.bits), &sb, &mb, &eb);
    if (ma == 0 || mb == 0) continue;
    long long p = ma * mb;
    s += trunc_shift((sa ^ sb) ? -p : p, ea + eb - fa.mb - fb.mb + F - E);
  }
  if (cm != 0) s += trunc_shift(cs ? -cm : cm, ce - fc.mb + F - E);
  if (rounding == 2) return round_rne_f16(s, E - F);
  return round_rz_f32(s, E - F, rounding == 1 ? 13 : 23);
}

__host__ __device__ void run_case(const Fp4BatchHeader& h, const uint8_t* in, uint32_t* out, uint32_t i) {
  size_t rec = (size_t)h.a_bytes + h.b_bytes + 2 * h.sf_bytes + 4;
  const uint8_t* r = in + i * rec;
  const uint8_t* a = r;
  const uint8_t* b = a + h.a_bytes;
  const uint8_t* sfa = b + h.b_bytes;
  const uint8_t* sfb = sfa + h.sf_bytes;
  uint32_t c; memcpy(&c, sfb + h.sf_bytes, 4);
  if (h.kind <= MXF4_UE8M0_B32) {
    bool u4 = h.kind == MXF4NVF4_UE4M3_B16;
    int block = h.kind == MXF4_UE8M0_B32 ? 32 : 16;
    for (uint32_t j = 0; j < h.k / 64; j++)
      c = gst_fdpa(a + j * 32, b + j * 32, sfa + j * (64 / block), sfb + j * (64 / block), c, u4, block);
  } else {
    Fmt fa = fmt_of(h.kind, false), fb = fmt_of(h.kind, true);
    for (uint32_t k0 = 0; k0 < h.k; k0 += h.chunk)
      c = t_fdpa(fa, fb, a, b, k0, h.chunk, c, h.rounding == 2, h.frac_bits, h.e_zero, h.rounding);
  }
  out[i] = c;
}

__global__ void run_batch(Fp4BatchHeader h, const uint8_t* in, uint32_t* out) {
  uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < h.cases) run_case(h, in, out, i);
}

int main(int argc, char** argv) {
  // --cpu runs the same code on the host: the arithmetic can be checked where no GPU exists.
  bool cpu = argc == 4 && strcmp(argv[1], "--cpu") == 0;
  if (cpu) { argv++; argc--; }
  if (argc != 3) { fprintf(stderr, "usage: emulate [--cpu] IN.batch OUT.bin\n"); return 2; }
  FILE* f = fopen(argv[1], "rb");
  if (!f) { fprintf(stderr, "emulate: cannot open %s\n", argv[1]); return 2; }
  Fp4BatchHeader h;
  if (fread(&h, sizeof h, 1, f) != 1 || memcmp(h.magic, "FP4B", 4) != 0 || h.version != 1) {
    fprintf(stderr, "emulate: %s is not an FP4B v1 batch\n", argv[1]); return 2;
  }
  size_t rec = (size_t)h.a_bytes + h.b_bytes + 2 * h.sf_bytes + 4;
  std::vector<uint8_t> in(rec * h.cases);
  if (fread(in.data(), 1, in.size(), f) != in.size()) { fprintf(stderr, "emulate: truncated batch\n"); return 2; }
  fclose(f);
  if (cpu) {
    std::vector<uint32_t> out(h.cases);
    for (uint32_t i = 0; i < h.cases; i++) run_case(h, in.data(), out.data(), i);
    FILE* o = fopen(argv[2], "wb");
    fwrite(out.data(), 4, out.size(), o);
    fclose(o);
    return 0;
  }
  uint8_t* d_in; uint32_t* d_out;
  if (cudaMalloc(&d_in, in.size()) != cudaSuccess) { fprintf(stderr, "emulate: no usable GPU (try --cpu)\n"); return 3; }
  cudaMalloc(&d_out, 4ull * h.cases);
  cudaMemcpy(d_in, in.data(), in.size(), cudaMemcpyHostToDevice);
  cudaEvent_t t0, t1; cudaEventCreate(&t0); cudaEventCreate(&t1);
  cudaEventRecord(t0);
  run_batch<<<(h.cases + 255) / 256, 256>>>(h, d_in, d_out);
  cudaEventRecord(t1);
  cudaError_t err = cudaDeviceSynchronize();
  if (err != cudaSuccess) { fprintf(stderr, "emulate: %s\n", cudaGetErrorString(err)); return 3; }
  float ms; cudaEventElapsedTime(&ms, t0, t1);
  std::vector<uint32_t> out(h.cases);
  cudaMemcpy(out.data(), d_out, 4ull * h.cases, cudaMemcpyDeviceToHost);
  FILE* o = fopen(argv[2], "wb");
  fwrite(out.data(), 4, out.size(), o);
  fclose(o);
  fprintf(stderr, "emulate: %u cases in %.3f ms (%.1f M cases/s)\n", h.cases, ms, h.cases / (ms * 1e3));
  return 0;
}
