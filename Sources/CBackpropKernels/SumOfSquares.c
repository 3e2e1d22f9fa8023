// Σ x², accumulated in double, for Kernels.squaredNorm (the gradient norms
// of every training step). A single running sum is one long chain of
// dependent additions (4 cycles each); sixteen independent partial sums, which
// the compiler packs into vectors, keep the floating-point units busy. The
// partial sums are combined in a fixed order, so the result depends on n and
// the instruction set, never on threads or timing.

#include "CBackpropKernels.h"

#define BP_SUM_SQUARES(name, type, attributes)                                        \
  attributes static double name(const type *x, long n) {                             \
    double acc[16] = {0};                                                            \
    long i = 0;                                                                      \
    for (; i + 16 <= n; i += 16) {                                                   \
      for (int k = 0; k < 16; k++) {                                                 \
        double v = (double)x[i + k];                                                 \
        acc[k] += v * v;                                                             \
      }                                                                              \
    }                                                                                \
    for (int k = 0; i < n; i++, k++) {                                               \
      double v = (double)x[i];                                                       \
      acc[k] += v * v;                                                               \
    }                                                                                \
    for (int width = 8; width >= 1; width /= 2) {                                    \
      for (int k = 0; k < width; k++) acc[k] += acc[k + width];                      \
    }                                                                                \
    return acc[0];                                                                   \
  }

BP_SUM_SQUARES(sum_squares_f32_baseline, float, )
BP_SUM_SQUARES(sum_squares_f64_baseline, double, )
#if defined(__x86_64__)
BP_SUM_SQUARES(sum_squares_f32_avx2, float, __attribute__((target("avx2,fma"))))
BP_SUM_SQUARES(sum_squares_f64_avx2, double, __attribute__((target("avx2,fma"))))
#endif

double bp_sum_squares_f32(const float *x, long n, unsigned features) {
#if defined(__x86_64__)
  if ((features & (BP_SIMD_AVX2 | BP_SIMD_FMA)) == (BP_SIMD_AVX2 | BP_SIMD_FMA)) return sum_squares_f32_avx2(x, n);
#endif
  (void)features;
  return sum_squares_f32_baseline(x, n);
}

double bp_sum_squares_f64(const double *x, long n, unsigned features) {
#if defined(__x86_64__)
  if ((features & (BP_SIMD_AVX2 | BP_SIMD_FMA)) == (BP_SIMD_AVX2 | BP_SIMD_FMA)) return sum_squares_f64_avx2(x, n);
#endif
  (void)features;
  return sum_squares_f64_baseline(x, n);
}
