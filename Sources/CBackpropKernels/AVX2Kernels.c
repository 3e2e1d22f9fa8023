// The AVX2 + FMA register tiles of the packed matrix product. See
// CBackpropKernels.h for the contract and docs/Kernels.md for the design and
// how to check the generated code.
//
// The tile is MR × NR = 2 vectors × 6 columns: 12 accumulators, 2 vectors of
// Ã and 1 broadcast element of B̃ fill 15 of the 16 ymm registers. Each k step
// is 2 vector loads of Ã, 6 broadcast loads of B̃ (`vbroadcastss/sd` from
// memory runs on the load ports, not the FP pipes) and 12 independent
// `vfmadd231` chains, enough to keep two FMA pipes with a 4-cycle latency
// busy. This is the classic Haswell sgemm/dgemm tile (6 × 16 / 6 × 8 in
// BLIS's row-major terms), here with the vectors along the columns of C
// because C is column-major.

#include "CBackpropKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define BP_AVX2 __attribute__((target("avx2,fma")))

/// One k step of the tile; `T` is ps or pd, `W` the lanes per vector.
#define BP_STEP(T, W, BCAST)                                            \
  do {                                                                  \
    a0 = _mm256_loadu_##T(a);                                           \
    a1 = _mm256_loadu_##T(a + W);                                       \
    bj = BCAST(b + 0);                                                  \
    c00 = _mm256_fmadd_##T(a0, bj, c00);                                \
    c10 = _mm256_fmadd_##T(a1, bj, c10);                                \
    bj = BCAST(b + 1);                                                  \
    c01 = _mm256_fmadd_##T(a0, bj, c01);                                \
    c11 = _mm256_fmadd_##T(a1, bj, c11);                                \
    bj = BCAST(b + 2);                                                  \
    c02 = _mm256_fmadd_##T(a0, bj, c02);                                \
    c12 = _mm256_fmadd_##T(a1, bj, c12);                                \
    bj = BCAST(b + 3);                                                  \
    c03 = _mm256_fmadd_##T(a0, bj, c03);                                \
    c13 = _mm256_fmadd_##T(a1, bj, c13);                                \
    bj = BCAST(b + 4);                                                  \
    c04 = _mm256_fmadd_##T(a0, bj, c04);                                \
    c14 = _mm256_fmadd_##T(a1, bj, c14);                                \
    bj = BCAST(b + 5);                                                  \
    c05 = _mm256_fmadd_##T(a0, bj, c05);                                \
    c15 = _mm256_fmadd_##T(a1, bj, c15);                                \
    a += 2 * W;                                                         \
    b += 6;                                                             \
  } while (0)

/// Column j of the tile: C[:, j] ← α·(lo, hi) + β·C[:, j].
#define BP_UPDATE(T, W, j, lo, hi)                                                 \
  do {                                                                             \
    p = c + (j) * ldc;                                                             \
    if (beta == 0) {                                                               \
      _mm256_storeu_##T(p, _mm256_mul_##T(lo, va));                                \
      _mm256_storeu_##T(p + W, _mm256_mul_##T(hi, va));                            \
    } else if (beta == 1) {                                                        \
      _mm256_storeu_##T(p, _mm256_fmadd_##T(lo, va, _mm256_loadu_##T(p)));         \
      _mm256_storeu_##T(p + W, _mm256_fmadd_##T(hi, va, _mm256_loadu_##T(p + W))); \
    } else {                                                                       \
      _mm256_storeu_##T(                                                           \
          p, _mm256_fmadd_##T(lo, va, _mm256_mul_##T(vb, _mm256_loadu_##T(p))));   \
      _mm256_storeu_##T(                                                           \
          p + W,                                                                   \
          _mm256_fmadd_##T(hi, va, _mm256_mul_##T(vb, _mm256_loadu_##T(p + W)))); \
    }                                                                              \
  } while (0)

/// The whole tile function for one scalar type.
#define BP_TILE(NAME, S, V, T, W, BCAST, SET1, ZERO)                              \
  BP_AVX2 void NAME(long kc, const S *restrict a, const S *restrict b,          \
                    S *restrict c, long ldc, S alpha, S beta) {                 \
    /* Touch the six columns of C now: they are needed only at the end, */     \
    /* and the k loop hides the misses. */                                      \
    for (int j = 0; j < 6; j++) _mm_prefetch((const char *)(c + j * ldc), _MM_HINT_T0); \
    V c00 = ZERO(), c10 = ZERO(), c01 = ZERO(), c11 = ZERO();  \
    V c02 = ZERO(), c12 = ZERO(), c03 = ZERO(), c13 = ZERO();  \
    V c04 = ZERO(), c14 = ZERO(), c05 = ZERO(), c15 = ZERO();  \
    V a0, a1, bj;                                              \
    long q = kc;                                                                \
    for (; q >= 4; q -= 4) {                                                    \
      BP_STEP(T, W, BCAST);                                                     \
      BP_STEP(T, W, BCAST);                                                     \
      BP_STEP(T, W, BCAST);                                                     \
      BP_STEP(T, W, BCAST);                                                     \
    }                                                                           \
    for (; q > 0; q--) BP_STEP(T, W, BCAST);                                    \
    const V va = SET1(alpha), vb = SET1(beta);                 \
    S *p;                                                                       \
    BP_UPDATE(T, W, 0, c00, c10);                                               \
    BP_UPDATE(T, W, 1, c01, c11);                                               \
    BP_UPDATE(T, W, 2, c02, c12);                                               \
    BP_UPDATE(T, W, 3, c03, c13);                                               \
    BP_UPDATE(T, W, 4, c04, c14);                                               \
    BP_UPDATE(T, W, 5, c05, c15);                                               \
  }

BP_TILE(bp_sgemm_avx2_16x6, float, __m256, ps, 8, _mm256_broadcast_ss, _mm256_set1_ps, _mm256_setzero_ps)
BP_TILE(bp_dgemm_avx2_8x6, double, __m256d, pd, 4, _mm256_broadcast_sd, _mm256_set1_pd, _mm256_setzero_pd)

#endif
