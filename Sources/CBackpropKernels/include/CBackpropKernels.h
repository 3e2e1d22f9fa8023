#ifndef CBACKPROP_KERNELS_H
#define CBACKPROP_KERNELS_H

/// C micro-kernels for Backprop's packed matrix product (`Kernels.BlockedGEMM`)
/// and the CPU feature detection that picks them at run time.
///
/// Every function here is compiled for the package's baseline target; the
/// x86-64 kernels carry `__attribute__((target("avx2,fma")))` (or
/// `"avx512f,avx512vl,avx512dq,fma"`) on the function alone, so the build
/// needs no `-mavx2` or `-mavx512f` flag and a CPU without the extension
/// never executes them as long as the caller checks `bp_simd_features()`
/// first. On other architectures only the detection function exists (and
/// returns 0).

#ifdef __cplusplus
extern "C" {
#endif

/// Bits of `bp_simd_features()` (plain literals, so that Swift imports them
/// as `UInt32` constants).
#define BP_SIMD_SSE2 1u
#define BP_SIMD_AVX 2u
#define BP_SIMD_AVX2 4u
#define BP_SIMD_FMA 8u
#define BP_SIMD_AVX512F 16u
#define BP_SIMD_AVX512DQ 32u
#define BP_SIMD_AVX512BW 64u
#define BP_SIMD_AVX512VL 128u

/// The SIMD extensions this CPU has *and* the operating system has enabled
/// (CPUID plus XGETBV: the YMM state for AVX/AVX2/FMA, the ZMM and opmask
/// state for AVX-512F/DQ/BW/VL), as `BP_SIMD_*` bits. 0 on non-x86 machines.
unsigned bp_simd_features(void);

#if defined(__x86_64__)

/// The AVX2 + FMA register tiles. Contract, for `float` (MR = 16, NR = 6) and
/// `double` (MR = 8, NR = 6):
///
///     C[0..<MR, 0..<NR] ← alpha · Σ_{q < kc} Ã[q][0..<MR] ⊗ B̃[q][0..<NR] + beta · C
///
/// - `a`: Ã, kc × MR scalars, k-major (the MR rows of step q at `a + q·MR`);
/// - `b`: B̃, kc × NR scalars, k-major (the NR columns of step q at `b + q·NR`);
/// - `c`: column-major with leading dimension `ldc` (element (i, j) at
///   `c[i + j·ldc]`), MR × NR all written;
/// - `beta == 0`: C is not read (NaN in it does not leak through).
///
/// No alignment is required of any pointer. Call only when
/// `bp_simd_features()` has both `BP_SIMD_AVX2` and `BP_SIMD_FMA`.
void bp_sgemm_avx2_16x6(long kc, const float *a, const float *b, float *c, long ldc,
                        float alpha, float beta);
void bp_dgemm_avx2_8x6(long kc, const double *a, const double *b, double *c, long ldc,
                       double alpha, double beta);

/// The AVX-512 register tiles: the same contract as the AVX2 ones, for
/// `float` (MR = 32, NR = 12) and `double` (MR = 16, NR = 12): two zmm
/// vectors down a column of C × 12 columns. Call only when
/// `bp_simd_features()` has `BP_SIMD_AVX512F`, `BP_SIMD_AVX512VL`,
/// `BP_SIMD_AVX512DQ` and `BP_SIMD_FMA`.
void bp_sgemm_avx512_32x12(long kc, const float *a, const float *b, float *c, long ldc,
                           float alpha, float beta);
void bp_dgemm_avx512_16x12(long kc, const double *a, const double *b, double *c, long ldc,
                           double alpha, double beta);

/// The AVX-512 tiles reading op(A) and op(B) in place, for products whose
/// operands are used by too few tiles to pay for packing them (a short, wide
/// product such as 20 hidden units × 12288 inputs): Ã's k step q is the
/// first `rows` (1 ... MR) of the MR contiguous scalars at `a + q·lda`, read
/// by masked loads (nothing past them is read; the rows past them count as
/// zeros), and B̃[q][j] is `b[q·ldbk + j·ldbj]`. Only the first `rows` rows
/// of the MR × NR tile of C are read and written. With `lda = MR`,
/// `rows = MR`, `ldbk = NR`, `ldbj = 1` they compute what the packed tiles
/// do; otherwise the same contract as `bp_sgemm_avx512_32x12` /
/// `bp_dgemm_avx512_16x12`.
void bp_sgemm_avx512_32x12_strided(long kc, const float *a, long lda, long rows, const float *b,
                                   long ldbk, long ldbj, float *c, long ldc, float alpha,
                                   float beta);
void bp_dgemm_avx512_16x12_strided(long kc, const double *a, long lda, long rows, const double *b,
                                   long ldbk, long ldbj, double *c, long ldc, double alpha,
                                   double beta);

/// The strided AVX-512 tiles of 3 vectors × 8 columns, `float` (MR = 48,
/// NR = 8) and `double` (MR = 24, NR = 8), for short, wide products of
/// 2W < m ≤ 3W rows (one tile instead of two); the same contract as
/// `bp_sgemm_avx512_32x12_strided` / `bp_dgemm_avx512_16x12_strided`.
void bp_sgemm_avx512_48x8_strided(long kc, const float *a, long lda, long rows, const float *b,
                                  long ldbk, long ldbj, float *c, long ldc, float alpha,
                                  float beta);
void bp_dgemm_avx512_24x8_strided(long kc, const double *a, long lda, long rows, const double *b,
                                  long ldbk, long ldbj, double *c, long ldc, double alpha,
                                  double beta);

#endif

#ifdef __cplusplus
}
#endif

#include "CBackpropElementwise.h"
#include "CBackpropSmallProducts.h"
#include "CBackpropWorkerPool.h"

#endif
