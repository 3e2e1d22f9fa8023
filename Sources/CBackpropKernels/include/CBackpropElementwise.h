#ifndef CBACKPROP_ELEMENTWISE_H
#define CBACKPROP_ELEMENTWISE_H

/// Vectorised Float elementwise functions for the activations and the loss
/// (`Kernels.tanh`, `Kernels.sigmoid`, `Kernels.exp`, `Kernels.logisticLossSum`).
///
/// One algorithm, compiled three times: for AVX-512F (16 lanes), AVX2 + FMA
/// (8 lanes) and the baseline ISA (4 lanes: SSE2 or NEON, no FMA). Each call
/// picks the widest of those allowed by `features` (`BP_SIMD_*` bits, usually
/// `bp_simd_features()`), so the results differ between the variants only by
/// FMA's single rounding. Accuracy, against the correctly rounded value
/// (tested over the Float range):
///
/// - exp: ≤ 1.01 ulp; overflows to +∞ above 88.72, gradual underflow to 0 below
///   −87.34 (subnormal results are within 1 subnormal ulp);
/// - tanh: ≤ 2.5 ulp, exactly ±1 beyond |x| ≈ 9.01;
/// - sigmoid: ≤ 2.5 ulp (subnormal results for x < −87.3 within 1 subnormal ulp);
///
/// NaN in gives NaN out. `x` and `y` may be the same buffer (in place), and
/// need no alignment.

#ifdef __cplusplus
extern "C" {
#endif

/// y[i] = eˣ⁽ⁱ⁾ for i < n.
void bp_exp_f32(const float *x, float *y, long n, unsigned features);
/// y[i] = tanh x[i] for i < n.
void bp_tanh_f32(const float *x, float *y, long n, unsigned features);
/// y[i] = σ(x[i]) = 1 / (1 + e^(−x[i])) for i < n.
void bp_sigmoid_f32(const float *x, float *y, long n, unsigned features);

/// The fused forward tail of a layer: Z ← Z + b (b broadcast over the
/// columns of the column-major rows × columns Z), then A = tanh Z or σ(Z).
/// `a` must not overlap `z`.
void bp_bias_tanh_f32(float *z, const float *bias, long rows, long columns, float *a, unsigned features);
void bp_bias_sigmoid_f32(float *z, const float *bias, long rows, long columns, float *a, unsigned features);

/// The backward step through the activation, from its output A:
/// dZ = dA ⊙ (1 − A²) (tanh) or dZ = dA ⊙ A ⊙ (1 − A) (sigmoid), n elements.
void bp_tanh_gradient_f32(const float *dA, const float *a, float *dZ, long n, unsigned features);
void bp_sigmoid_gradient_f32(const float *dA, const float *a, float *dZ, long n, unsigned features);

/// Σᵢ max(zᵢ, 0) − zᵢ·yᵢ + log(1 + e^(−|zᵢ|)), the binary cross-entropy of a
/// sigmoid output summed over its elements, from the logits z: the first two
/// terms exact in Double, the logarithm in Float (≤ 3 ulp), the sum in Double.
double bp_logistic_loss_sum_f32(const float *z, const float *y, long n, unsigned features);

/// Σ x[i]² for i < n, accumulated in double in sixteen partial sums combined
/// in a fixed order (the result depends on n and the variant, not on timing).
double bp_sum_squares_f32(const float *x, long n, unsigned features);
double bp_sum_squares_f64(const double *x, long n, unsigned features);

#ifdef __cplusplus
}
#endif

#endif
