// The vectorised elementwise functions of CBackpropElementwise.h: one
// algorithm (ElementwiseTemplate.h), compiled for the baseline instruction set
// and, on x86-64, for AVX2 + FMA and AVX-512F with function-level target
// attributes (no -m flags), chosen per call from the `features` bits.

#include "CBackpropKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

/// n/d from the 12-bit (AVX) or 14-bit (AVX-512) reciprocal estimate r of d:
/// one Newton step, r + r·(1 − d·r), then q = n·r corrected by its residual,
/// q + r·(n − q·d). Faster than a division (whose latency dominated tanh) and
/// about as accurate.
__attribute__((target("avx2,fma"))) static inline __m256 bp_divide_avx2(__m256 n, __m256 d) {
  __m256 r = _mm256_rcp_ps(d);
  r = _mm256_fmadd_ps(r, _mm256_fnmadd_ps(d, r, _mm256_set1_ps(1.0f)), r);
  __m256 q = _mm256_mul_ps(n, r);
  return _mm256_fmadd_ps(r, _mm256_fnmadd_ps(q, d, n), q);
}

__attribute__((target("avx512f"))) static inline __m512 bp_divide_avx512(__m512 n, __m512 d) {
  __m512 r = _mm512_rcp14_ps(d);
  r = _mm512_fmadd_ps(r, _mm512_fnmadd_ps(d, r, _mm512_set1_ps(1.0f)), r);
  __m512 q = _mm512_mul_ps(n, r);
  return _mm512_fmadd_ps(r, _mm512_fnmadd_ps(q, d, n), q);
}
#endif

#define BP_NAME(f) f##_baseline
#define BP_TARGET
#define BP_LANES 4
#define BP_FMA(a, b, c) ((a) * (b) + (c))
#define BP_DIVIDE(n, d) ((n) / (d))
#include "ElementwiseTemplate.h"
#undef BP_NAME
#undef BP_TARGET
#undef BP_LANES
#undef BP_FMA
#undef BP_DIVIDE

#if defined(__x86_64__)

#define BP_NAME(f) f##_avx2
#define BP_TARGET __attribute__((target("avx2,fma"), min_vector_width(256)))
#define BP_LANES 8
#define BP_FMA(a, b, c) __builtin_elementwise_fma(a, b, c)
#define BP_DIVIDE(n, d) ((vf_avx2)bp_divide_avx2((__m256)(n), (__m256)(d)))
#include "ElementwiseTemplate.h"
#undef BP_NAME
#undef BP_TARGET
#undef BP_LANES
#undef BP_FMA
#undef BP_DIVIDE

#define BP_NAME(f) f##_avx512
#define BP_TARGET __attribute__((target("avx512f"), min_vector_width(512)))
#define BP_LANES 16
#define BP_FMA(a, b, c) __builtin_elementwise_fma(a, b, c)
#define BP_DIVIDE(n, d) ((vf_avx512)bp_divide_avx512((__m512)(n), (__m512)(d)))
#include "ElementwiseTemplate.h"
#undef BP_NAME
#undef BP_TARGET
#undef BP_LANES
#undef BP_FMA
#undef BP_DIVIDE

#endif

/// The widest variant `features` allows: 2 AVX-512F, 1 AVX2 + FMA, 0 the baseline.
static int bp_width(unsigned features) {
#if defined(__x86_64__)
  if (features & BP_SIMD_AVX512F) return 2;
  if ((features & (BP_SIMD_AVX2 | BP_SIMD_FMA)) == (BP_SIMD_AVX2 | BP_SIMD_FMA)) return 1;
#else
  (void)features;
#endif
  return 0;
}

#if defined(__x86_64__)
#define BP_MAP_DISPATCH(F)                  \
  switch (bp_width(features)) {             \
    case 2: F##_avx512(x, y, n); return;    \
    case 1: F##_avx2(x, y, n); return;      \
    default: F##_baseline(x, y, n); return; \
  }
#else
#define BP_MAP_DISPATCH(F) F##_baseline(x, y, n)
#endif

void bp_exp_f32(const float *x, float *y, long n, unsigned features) { BP_MAP_DISPATCH(exp_array); }

void bp_tanh_f32(const float *x, float *y, long n, unsigned features) { BP_MAP_DISPATCH(tanh_array); }

void bp_sigmoid_f32(const float *x, float *y, long n, unsigned features) { BP_MAP_DISPATCH(sigmoid_array); }

double bp_logistic_loss_sum_f32(const float *z, const float *y, long n, unsigned features) {
#if defined(__x86_64__)
  switch (bp_width(features)) {
    case 2: return logistic_loss_sum_avx512(z, y, n);
    case 1: return logistic_loss_sum_avx2(z, y, n);
  }
#endif
  return logistic_loss_sum_baseline(z, y, n);
}

/// Z += b column by column, then A = f(Z): fused for columns of at least one
/// vector; shorter ones add the bias first and map the whole block.
#if defined(__x86_64__)
#define BP_BIAS_DISPATCH(F, MAP)                                                     \
  switch (bp_width(features)) {                                                      \
    case 2:                                                                          \
      if (rows >= 16) { F##_avx512(z, bias, rows, columns, a); return; }                  \
      break;                                                                         \
    case 1:                                                                          \
      if (rows >= 8) { F##_avx2(z, bias, rows, columns, a); return; }                     \
      break;                                                                         \
    default:                                                                         \
      if (rows >= 4) { F##_baseline(z, bias, rows, columns, a); return; }                 \
      break;                                                                         \
  }                                                                                  \
  if (rows == 1)                                                                     \
    for (long j = 0; j < columns; j++) z[j] += bias[0];                              \
  else                                                                               \
    for (long j = 0; j < columns; j++)                                               \
      for (long i = 0; i < rows; i++) z[i + j * rows] += bias[i];                    \
  MAP(z, a, rows * columns, features)
#else
#define BP_BIAS_DISPATCH(F, MAP)                                                     \
  if (rows >= 4) { F##_baseline(z, bias, rows, columns, a); return; }                     \
  if (rows == 1)                                                                     \
    for (long j = 0; j < columns; j++) z[j] += bias[0];                              \
  else                                                                               \
    for (long j = 0; j < columns; j++)                                               \
      for (long i = 0; i < rows; i++) z[i + j * rows] += bias[i];                    \
  MAP(z, a, rows * columns, features)
#endif

void bp_bias_tanh_f32(float *z, const float *bias, long rows, long columns, float *a, unsigned features) {
  BP_BIAS_DISPATCH(bias_tanh, bp_tanh_f32);
}

void bp_bias_sigmoid_f32(float *z, const float *bias, long rows, long columns, float *a, unsigned features) {
  BP_BIAS_DISPATCH(bias_sigmoid, bp_sigmoid_f32);
}

#if defined(__x86_64__)
#define BP_GRADIENT_DISPATCH(F)                    \
  switch (bp_width(features)) {                    \
    case 2: F##_avx512(dA, a, dZ, n); return;      \
    case 1: F##_avx2(dA, a, dZ, n); return;        \
    default: F##_baseline(dA, a, dZ, n); return;   \
  }
#else
#define BP_GRADIENT_DISPATCH(F) F##_baseline(dA, a, dZ, n)
#endif

void bp_tanh_gradient_f32(const float *dA, const float *a, float *dZ, long n, unsigned features) {
  BP_GRADIENT_DISPATCH(tanh_gradient);
}

void bp_sigmoid_gradient_f32(const float *dA, const float *a, float *dZ, long n, unsigned features) {
  BP_GRADIENT_DISPATCH(sigmoid_gradient);
}
