// Batch file format shared by the probes, the emulator and the Java bridge (docs/cuda.md).
// Little-endian. Header, then `cases` records of: a[a_bytes] b[b_bytes] sfa[sf_bytes] sfb[sf_bytes] c(u32).
// Output file: one u32 D per case (f32 bits, or f16 bits in the low half).
#pragma once
#include <cstdint>

struct Fp4BatchHeader {
  char magic[4];        // "FP4B"
  uint32_t version;     // 1
  uint32_t kind;        // see BatchKind
  uint32_t cases;
  uint32_t k;           // K of the whole chain (multiple of the instruction K)
  uint32_t a_bytes;     // bytes of A per case
  uint32_t b_bytes;
  uint32_t sf_bytes;    // bytes of SFA (and of SFB) per case; 0 when unscaled
  // datapath parameters for the unscaled kinds (numerics.md §3a): F, L (terms per fused step),
  // e_zero and output rounding (0 = RZ-f32, 1 = RZ-e8m13, 2 = RNE-f16); ignored by the probes.
  int32_t frac_bits;
  int32_t chunk;
  int32_t e_zero;
  int32_t rounding;
};

enum BatchKind : uint32_t {
  MXF4NVF4_UE4M3_B16 = 0,   // NVFP4
  MXF4NVF4_UE8M0_B16 = 1,
  MXF4_UE8M0_B32 = 2,       // MXFP4
  F16_F16_F32 = 10,
  BF16_BF16_F32 = 11,
  F16_F16_F16 = 12,
  TF32_TF32_F32 = 13,
  E4M3_E4M3_F32 = 14,
  E5M2_E5M2_F32 = 15,
  E4M3_E5M2_F32 = 16,
};
