// The direct small product and the matrix-vector product of
// CBackpropSmallProducts.h: SmallProductsTemplate.h compiled for AVX-512F and
// AVX2 + FMA, Float and Double, with function-level target attributes.

#include "CBackpropKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

// MARK: - AVX-512F

#define BP_TARGET __attribute__((target("avx512f")))
#define NR_ONE 24  // 24 accumulators + A + a broadcast: 26 of the 32 zmm registers
#define NR_TWO 12
#define PANEL 16

#define BP_NAME(f) f##_avx512_f32
#define S float
#define V __m512
#define M __mmask16
#define W 16
#define ZERO() _mm512_setzero_ps()
#define LOAD(p) _mm512_loadu_ps(p)
#define STORE(p, v) _mm512_storeu_ps(p, v)
#define BCAST(p) _mm512_set1_ps(*(p))
#define SET1(x) _mm512_set1_ps(x)
#define FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define MUL(a, b) _mm512_mul_ps(a, b)
#define ADD(a, b) _mm512_add_ps(a, b)
#define MASK(count) ((__mmask16)((1u << (count)) - 1))
#define LOADM(p, m) _mm512_maskz_loadu_ps(m, p)
#define STOREM(p, m, v) _mm512_mask_storeu_ps(p, m, v)
#define HSUM(v) _mm512_reduce_add_ps(v)
#include "SmallProductsTemplate.h"
#include "SmallProductsTemplateEnd.h"

#define BP_NAME(f) f##_avx512_f64
#define S double
#define V __m512d
#define M __mmask8
#define W 8
#define ZERO() _mm512_setzero_pd()
#define LOAD(p) _mm512_loadu_pd(p)
#define STORE(p, v) _mm512_storeu_pd(p, v)
#define BCAST(p) _mm512_set1_pd(*(p))
#define SET1(x) _mm512_set1_pd(x)
#define FMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define MUL(a, b) _mm512_mul_pd(a, b)
#define ADD(a, b) _mm512_add_pd(a, b)
#define MASK(count) ((__mmask8)((1u << (count)) - 1))
#define LOADM(p, m) _mm512_maskz_loadu_pd(m, p)
#define STOREM(p, m, v) _mm512_mask_storeu_pd(p, m, v)
#define HSUM(v) _mm512_reduce_add_pd(v)
#include "SmallProductsTemplate.h"
#include "SmallProductsTemplateEnd.h"

#undef BP_TARGET
#undef NR_ONE
#undef NR_TWO
#undef PANEL

// MARK: - AVX2 + FMA

#define BP_TARGET __attribute__((target("avx2,fma")))
#define NR_ONE 12  // 12 accumulators + A + a broadcast: 14 of the 16 ymm registers
#define NR_TWO 6
#define PANEL 8

BP_TARGET static inline float bp_hsum_avx2_f32(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

BP_TARGET static inline double bp_hsum_avx2_f64(__m256d v) {
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  s = _mm_add_sd(s, _mm_unpackhi_pd(s, s));
  return _mm_cvtsd_f64(s);
}

#define BP_NAME(f) f##_avx2_f32
#define S float
#define V __m256
#define M __m256i
#define W 8
#define ZERO() _mm256_setzero_ps()
#define LOAD(p) _mm256_loadu_ps(p)
#define STORE(p, v) _mm256_storeu_ps(p, v)
#define BCAST(p) _mm256_broadcast_ss(p)
#define SET1(x) _mm256_set1_ps(x)
#define FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define MUL(a, b) _mm256_mul_ps(a, b)
#define ADD(a, b) _mm256_add_ps(a, b)
#define MASK(count) _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define LOADM(p, m) _mm256_maskload_ps(p, m)
#define STOREM(p, m, v) _mm256_maskstore_ps(p, m, v)
#define HSUM(v) bp_hsum_avx2_f32(v)
#include "SmallProductsTemplate.h"
#include "SmallProductsTemplateEnd.h"

#define BP_NAME(f) f##_avx2_f64
#define S double
#define V __m256d
#define M __m256i
#define W 4
#define ZERO() _mm256_setzero_pd()
#define LOAD(p) _mm256_loadu_pd(p)
#define STORE(p, v) _mm256_storeu_pd(p, v)
#define BCAST(p) _mm256_broadcast_sd(p)
#define SET1(x) _mm256_set1_pd(x)
#define FMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#define MUL(a, b) _mm256_mul_pd(a, b)
#define ADD(a, b) _mm256_add_pd(a, b)
#define MASK(count) _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)(count)), _mm256_setr_epi64x(0, 1, 2, 3))
#define LOADM(p, m) _mm256_maskload_pd(p, m)
#define STOREM(p, m, v) _mm256_maskstore_pd(p, m, v)
#define HSUM(v) bp_hsum_avx2_f64(v)
#include "SmallProductsTemplate.h"
#include "SmallProductsTemplateEnd.h"

#undef BP_TARGET
#undef NR_ONE
#undef NR_TWO
#undef PANEL

// MARK: - Entry points

/// The entry points for one scalar type: transpose A into the scratch when
/// asked, then the widest variant `features` allows.
#define BP_ENTRY_POINTS(S, SUFFIX, GEMM, GEMV)                                                              \
  void GEMM(int transA, int transB, long m, long n, long k, S alpha, const S *a, long lda, const S *b,     \
            long ldb, S beta, S *c, long ldc, S *scratch, unsigned features) {                             \
    if (transA) {                                                                                          \
      /* op(A)(i, p) = a[p + i·lda] → scratch[i + p·m] */                                                 \
      for (long i = 0; i < m; i++)                                                                         \
        for (long p = 0; p < k; p++) scratch[i + p * m] = a[p + i * lda];                                  \
      a = scratch;                                                                                         \
      lda = m;                                                                                             \
    }                                                                                                      \
    long bp = transB ? ldb : 1, bj = transB ? 1 : ldb;                                                     \
    if (features & BP_SIMD_AVX512F)                                                                        \
      direct_avx512_##SUFFIX(m, n, k, alpha, a, lda, b, bp, bj, beta, c, ldc);                              \
    else                                                                                                   \
      direct_avx2_##SUFFIX(m, n, k, alpha, a, lda, b, bp, bj, beta, c, ldc);                                \
  }                                                                                                        \
  void GEMV(int transA, long m, long k, S alpha, const S *a, long lda, const S *x, long incx, S beta, S *y, \
            long incy, unsigned features) {                                                                \
    int wide = (features & BP_SIMD_AVX512F) != 0;                                                          \
    if (transA) {                                                                                          \
      if (wide)                                                                                            \
        gemv_t_avx512_##SUFFIX(m, k, alpha, a, lda, x, beta, y, incy);                                     \
      else                                                                                                 \
        gemv_t_avx2_##SUFFIX(m, k, alpha, a, lda, x, beta, y, incy);                                       \
    } else {                                                                                               \
      if (wide)                                                                                            \
        gemv_n_avx512_##SUFFIX(m, k, alpha, a, lda, x, incx, beta, y);                                     \
      else                                                                                                 \
        gemv_n_avx2_##SUFFIX(m, k, alpha, a, lda, x, incx, beta, y);                                       \
    }                                                                                                      \
  }

BP_ENTRY_POINTS(float, f32, bp_sgemm_direct, bp_sgemv)
BP_ENTRY_POINTS(double, f64, bp_dgemm_direct, bp_dgemv)

#else

// Not x86-64: no variant; the callers check the features (always 0 here) and never call these.
void bp_sgemm_direct(int transA, int transB, long m, long n, long k, float alpha, const float *a, long lda,
                     const float *b, long ldb, float beta, float *c, long ldc, float *scratch, unsigned features) {
  (void)transA, (void)transB, (void)m, (void)n, (void)k, (void)alpha, (void)a, (void)lda, (void)b, (void)ldb;
  (void)beta, (void)c, (void)ldc, (void)scratch, (void)features;
  __builtin_trap();
}
void bp_dgemm_direct(int transA, int transB, long m, long n, long k, double alpha, const double *a, long lda,
                     const double *b, long ldb, double beta, double *c, long ldc, double *scratch,
                     unsigned features) {
  (void)transA, (void)transB, (void)m, (void)n, (void)k, (void)alpha, (void)a, (void)lda, (void)b, (void)ldb;
  (void)beta, (void)c, (void)ldc, (void)scratch, (void)features;
  __builtin_trap();
}
void bp_sgemv(int transA, long m, long k, float alpha, const float *a, long lda, const float *x, long incx,
              float beta, float *y, long incy, unsigned features) {
  (void)transA, (void)m, (void)k, (void)alpha, (void)a, (void)lda, (void)x, (void)incx, (void)beta, (void)y;
  (void)incy, (void)features;
  __builtin_trap();
}
void bp_dgemv(int transA, long m, long k, double alpha, const double *a, long lda, const double *x, long incx,
              double beta, double *y, long incy, unsigned features) {
  (void)transA, (void)m, (void)k, (void)alpha, (void)a, (void)lda, (void)x, (void)incx, (void)beta, (void)y;
  (void)incy, (void)features;
  __builtin_trap();
}

#endif
