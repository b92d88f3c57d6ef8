// fp4sim CUDA path: the batch file format shared by probe_sm100, probe_sm90 and emulate, and the
// Java bridge dev.fp4sim.verification.cuda.CudaBatch (docs/cuda.md, "Batch format").
//
// Input  (little-endian): a 64-byte header, then n_cases records
//   record = a[a_bytes] b[b_bytes] sfa[sf_bytes] sfb[sf_bytes] c[4]
// The operand images are exactly the golden-vector images (golden-format.md, case fields a, b,
// sfa, sfb): element i at bits [i*w, (i+1)*w) of the little-endian stream, w = 4 for e2m1 under
// mxf4/mxf4nvf4, 8 for 8-bit formats and FP6/FP4 in 8-bit containers, 16 for f16/bf16, 32 for tf32.
// c holds the C bits in the low bits of a u32 (f16: low 16 bits).
// Output (little-endian): magic "FP4D", u32 version, u32 n_cases, u32 reserved, then n_cases u32 D bits.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#ifdef __CUDACC__
#define FP4SIM_HD __host__ __device__
#else
#define FP4SIM_HD
#endif

namespace fp4sim {

// Format codes (header fields a_fmt ... scale_fmt); CudaBatch.Format mirrors them.
enum Fmt : uint32_t {
    FMT_NONE = 0, FMT_E2M1 = 1, FMT_E2M3 = 2, FMT_E3M2 = 3, FMT_E4M3 = 4, FMT_E5M2 = 5, FMT_F16 = 6,
    FMT_BF16 = 7, FMT_TF32 = 8, FMT_F32 = 9, FMT_UE4M3 = 10, FMT_UE8M0 = 11, FMT_S8 = 12, FMT_U8 = 13, FMT_S32 = 14
};
// Instruction families.
enum Family : uint32_t { FAM_TCGEN05 = 0, FAM_WGMMA = 1, FAM_MMA_SYNC = 2 };
// Kinds (the golden-vector spellings).
enum Kind : uint32_t {
    KIND_F16 = 0, KIND_TF32 = 1, KIND_F8F6F4 = 2, KIND_I8 = 3, KIND_F8 = 4, KIND_MXF8F6F4 = 5, KIND_MXF4 = 6, KIND_MXF4NVF4 = 7
};
// Header flag bits.
enum Flags : uint32_t {
    FLAG_FIRST_DISABLE_INPUT_D = 1u,  // the first instruction of each chain runs with enable-input-d = false
    FLAG_NEGATE_A = 2u,               // negate A (tcgen05 idesc bit 13; emulate only flips signs)
    FLAG_NEGATE_B = 4u
};

struct Header {
    char magic[4];        // "FP4B"
    uint32_t version;     // 1
    uint32_t family, kind, a_fmt, b_fmt, c_fmt, d_fmt, scale_fmt, block_size, k_per_instruction, k, n_cases, flags;
    int32_t frac_bits_override;  // emulate only: 0 = the spec's F for the kind
    int32_t e_zero_override;     // emulate only: 0 = the spec's e_zero for the kind
};
static_assert(sizeof(Header) == 64, "header is 64 bytes");

// Exit statuses of the three programs (CudaPath maps them to messages).
constexpr int EXIT_USAGE = 2;        // bad arguments or a malformed / unsupported batch
constexpr int EXIT_NO_DEVICE = 3;    // no CUDA device, or one of the wrong architecture
constexpr int EXIT_CUDA_ERROR = 4;   // a CUDA runtime error while running

FP4SIM_HD inline int storage_bits(uint32_t f) {
    switch (f) {
        case FMT_E2M1: return 4;
        case FMT_E2M3: case FMT_E3M2: return 6;
        case FMT_E4M3: case FMT_E5M2: case FMT_UE4M3: case FMT_UE8M0: case FMT_S8: case FMT_U8: return 8;
        case FMT_F16: case FMT_BF16: return 16;
        case FMT_TF32: case FMT_F32: case FMT_S32: return 32;
        default: return 0;
    }
}

// Bits an A/B element occupies in the image (golden-format.md).
FP4SIM_HD inline int element_bits(const Header& h, uint32_t f) {
    if (f == FMT_E2M1 && (h.kind == KIND_MXF4 || h.kind == KIND_MXF4NVF4)) return 4;
    int b = storage_bits(f);
    return b < 8 ? 8 : b;
}

struct Batch {
    Header h;
    uint32_t a_bytes, b_bytes, sf_bytes, record_bytes;
    std::vector<uint8_t> records;
};

[[noreturn]] inline void die(int status, const char* what, const char* detail = "") {
    std::fprintf(stderr, "fp4sim-cuda: %s%s%s\n", what, detail[0] ? ": " : "", detail);
    std::exit(status);
}

inline Batch read_batch(const char* path) {
    FILE* f = std::fopen(path, "rb");
    if (!f) die(EXIT_USAGE, "cannot open input batch", path);
    Batch b;
    if (std::fread(&b.h, sizeof(Header), 1, f) != 1) die(EXIT_USAGE, "input batch shorter than its header", path);
    if (std::memcmp(b.h.magic, "FP4B", 4) != 0 || b.h.version != 1) die(EXIT_USAGE, "not an fp4sim batch (magic FP4B, version 1)", path);
    if (b.h.k == 0 || b.h.k_per_instruction == 0 || b.h.k % b.h.k_per_instruction != 0)
        die(EXIT_USAGE, "k must be a positive multiple of k_per_instruction", path);
    b.a_bytes = b.h.k * element_bits(b.h, b.h.a_fmt) / 8;
    b.b_bytes = b.h.k * element_bits(b.h, b.h.b_fmt) / 8;
    b.sf_bytes = b.h.scale_fmt == FMT_NONE ? 0 : b.h.k / b.h.block_size;
    b.record_bytes = b.a_bytes + b.b_bytes + 2 * b.sf_bytes + 4;
    b.records.resize((size_t) b.record_bytes * b.h.n_cases);
    if (b.h.n_cases && std::fread(b.records.data(), b.records.size(), 1, f) != 1) die(EXIT_USAGE, "input batch truncated", path);
    std::fclose(f);
    return b;
}

inline void write_results(const char* path, const std::vector<uint32_t>& d) {
    FILE* f = std::fopen(path, "wb");
    if (!f) die(EXIT_USAGE, "cannot create output file", path);
    uint32_t head[4] = {0, 1, (uint32_t) d.size(), 0};
    std::memcpy(head, "FP4D", 4);
    std::fwrite(head, sizeof(head), 1, f);
    if (!d.empty()) std::fwrite(d.data(), 4, d.size(), f);
    std::fclose(f);
}

#define FP4SIM_CUDA_CHECK(call)                                                      \
    do {                                                                             \
        cudaError_t err_ = (call);                                                   \
        if (err_ != cudaSuccess) fp4sim::die(fp4sim::EXIT_CUDA_ERROR, #call, cudaGetErrorString(err_)); \
    } while (0)

// Requires a device whose compute capability major is in [min_major, max_major].
inline void require_device(int min_major, int max_major, const char* what) {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess || n == 0) die(EXIT_NO_DEVICE, "no CUDA device", what);
    cudaDeviceProp p;
    FP4SIM_CUDA_CHECK(cudaGetDeviceProperties(&p, 0));
    if (p.major < min_major || p.major > max_major) {
        char msg[256];
        std::snprintf(msg, sizeof msg, "%s needs compute capability %d.x-%d.x, device 0 is %s (%d.%d)", what, min_major,
                      max_major, p.name, p.major, p.minor);
        die(EXIT_NO_DEVICE, msg);
    }
}

}  // namespace fp4sim
