#ifndef CBACKPROP_KERNELS_H
#define CBACKPROP_KERNELS_H

/// C micro-kernels for Backprop's packed matrix product (`Kernels.BlockedGEMM`)
/// and the CPU feature detection that picks them at run time.
///
/// Every function here is compiled for the package's baseline target; the
/// x86-64 kernels carry `__attribute__((target("avx2,fma")))` (or
/// `"avx512f"`) on the function alone, so the build needs no `-mavx2` flag
/// and a CPU without the extension never executes them as long as the caller
/// checks `bp_simd_features()` first. On other architectures only the
/// detection function exists (and returns 0).

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

/// The SIMD extensions this CPU has *and* the operating system has enabled
/// (CPUID plus XGETBV: the YMM state for AVX/AVX2/FMA, the ZMM and opmask
/// state for AVX-512F), as `BP_SIMD_*` bits. 0 on non-x86 machines.
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

#endif

#ifdef __cplusplus
}
#endif

#include "CBackpropElementwise.h"
#include "CBackpropSmallProducts.h"

#endif
