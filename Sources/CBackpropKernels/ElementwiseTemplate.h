// The elementwise Float functions of CBackpropElementwise.h for one
// instruction set. Elementwise.c includes this once per instruction set,
// having defined:
//
//   BP_NAME(f)       the name of `f` for this instruction set (f##_avx2, …)
//   BP_TARGET        the function attributes that enable it (nothing for the baseline)
//   BP_LANES         floats per vector: 16 (AVX-512), 8 (AVX2), 4 (baseline)
//   BP_FMA(a, b, c)  a·b + c, fused where the instruction set has FMA
//   BP_DIVIDE(n, d)  n/d: where there is a reciprocal estimate, that estimate
//                    refined by Newton's step, times n, and the quotient
//                    corrected by its residual (within about 0.5 ulp, and a
//                    division's latency was most of tanh's time); else n/d
//
// The vectors are Clang's generic vector types, so the one algorithm below
// compiles to zmm, ymm or xmm (NEON on arm64) code; there are no branches on
// the data: both sides of each case are computed and one is selected.

#define VF BP_NAME(vf)
#define VI BP_NAME(vi)
#define VD BP_NAME(vd)
#define BP_INLINE static inline __attribute__((always_inline)) BP_TARGET

typedef float VF __attribute__((vector_size(4 * BP_LANES)));
typedef int VI __attribute__((vector_size(4 * BP_LANES)));
typedef double VD __attribute__((vector_size(8 * BP_LANES)));

BP_INLINE VF BP_NAME(splat)(float c) { return (VF){0} + c; }

/// mask ? a : b, lane by lane (mask lanes are all ones or all zeros).
BP_INLINE VF BP_NAME(select)(VI mask, VF a, VF b) { return (VF)((mask & (VI)a) | (~mask & (VI)b)); }

BP_INLINE VF BP_NAME(magnitude)(VF x) { return (VF)((VI)x & 0x7fffffff); }

BP_INLINE VF BP_NAME(load)(const float *p) {
  VF v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

BP_INLINE void BP_NAME(store)(float *p, VF v) { __builtin_memcpy(p, &v, sizeof v); }

/// eˣ (Cephes' expf):
///
///     n = round(x / ln 2),  r = x − n·ln 2  (ln 2 in two parts, so r is exact),  |r| ≤ ln2/2
///     eʳ ≈ 1 + r + r²·P(r),  P of degree 5 (Cephes' minimax coefficients)
///     eˣ = eʳ · 2^⌊n/2⌋ · 2^(n − ⌊n/2⌋)
///
/// x is clamped to [−104, 89], beyond which eˣ is 0 or +∞ in Float anyway;
/// the two half scales keep every factor a normal number, so the one
/// rounding of the last product gives overflow and gradual underflow right.
BP_INLINE VF BP_NAME(exp)(VF x) {
  x = BP_NAME(select)(x < -104.0f, BP_NAME(splat)(-104.0f), x);  // NaN compares false and stays
  x = BP_NAME(select)(x > 89.0f, BP_NAME(splat)(89.0f), x);
  const VF shifter = BP_NAME(splat)(12582912.0f);  // 1.5·2²³: adding it rounds to an integer
  VF n = BP_FMA(x, BP_NAME(splat)(1.44269504088896341f), shifter) - shifter;
  VF r = BP_FMA(n, BP_NAME(splat)(-0.693359375f), x);
  r = BP_FMA(n, BP_NAME(splat)(2.12194440e-4f), r);
  VF p = BP_NAME(splat)(1.9875691500e-4f);
  p = BP_FMA(p, r, BP_NAME(splat)(1.3981999507e-3f));
  p = BP_FMA(p, r, BP_NAME(splat)(8.3334519073e-3f));
  p = BP_FMA(p, r, BP_NAME(splat)(4.1665795894e-2f));
  p = BP_FMA(p, r, BP_NAME(splat)(1.6666665459e-1f));
  p = BP_FMA(p, r, BP_NAME(splat)(5.0000001201e-1f));
  p = BP_FMA(p, r * r, r) + 1.0f;
  // n is an integer in [−150, 129] (NaN lanes become 0: p is NaN there anyway).
  VI ni = __builtin_convertvector(BP_NAME(select)(n == n, n, BP_NAME(splat)(0.0f)), VI);
  VI half = ni >> 1;
  VF scale1 = (VF)((half + 127) << 23);
  VF scale2 = (VF)((ni - half + 127) << 23);
  return p * scale1 * scale2;
}

/// tanh x = sign(x)·E/(E + 2) with E = e^(2|x|) − 1, computed on |x| (tanh is
/// odd, and −0 stays −0), 2|x| clamped to 20 (tanh is 1 in Float beyond 9.01):
///
///     n = round(t / ln 2),  r = t − n·ln 2  (ln 2 in two parts),  |r| ≤ ln2/2
///     e^r − 1 ≈ r + r²·(1/2 + r/6 + r²/24 + r³/120 + r⁴/720 + r⁵/5040)
///     E = 2ⁿ·(e^r − 1) + (2ⁿ − 1)       (one rounding: 2ⁿ − 1 is exact)
///
/// No cancellation anywhere, so one branch-free formula serves every x
/// (tiny x give E = 2x and tanh x = x); 2ⁿ (n ≤ 29) is read straight from
/// the bits of the rounding sum t/ln 2 + 1.5·2²³ + 127, whose low bits hold n + 127.
BP_INLINE VF BP_NAME(tanh)(VF x) {
  VF ax = BP_NAME(magnitude)(x);
  VF t = ax + ax;
  t = BP_NAME(select)(t > 20.0f, BP_NAME(splat)(20.0f), t);  // NaN stays
  const VF shifter = BP_NAME(splat)(12582912.0f + 127.0f);
  VF biased = BP_FMA(t, BP_NAME(splat)(1.44269504088896341f), shifter);
  VF n = biased - shifter;
  VF r = BP_FMA(n, BP_NAME(splat)(-0.693359375f), t);
  r = BP_FMA(n, BP_NAME(splat)(2.12194440e-4f), r);
  VF p = BP_NAME(splat)(1.0f / 5040.0f);
  p = BP_FMA(p, r, BP_NAME(splat)(1.0f / 720.0f));
  p = BP_FMA(p, r, BP_NAME(splat)(1.0f / 120.0f));
  p = BP_FMA(p, r, BP_NAME(splat)(1.0f / 24.0f));
  p = BP_FMA(p, r, BP_NAME(splat)(1.0f / 6.0f));
  p = BP_FMA(p, r, BP_NAME(splat)(0.5f));
  VF em1 = BP_FMA(r * r, p, r);
  VF scale = (VF)((VI)biased << 23);
  VF e = BP_FMA(scale, em1, scale - 1.0f);
  VF magnitude = BP_DIVIDE(e, e + 2.0f);
  return (VF)((VI)magnitude | ((VI)x & (int)0x80000000));
}

/// σ(x) = 1 / (1 + e^(−x)), as 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0,
/// with e = e^(−|x|) ≤ 1, so no e^(−x) ever overflows: one division, no
/// cancellation.
BP_INLINE VF BP_NAME(sigmoid)(VF x) {
  VF e = BP_NAME(exp)(-BP_NAME(magnitude)(x));
  VF numerator = BP_NAME(select)(x >= 0.0f, BP_NAME(splat)(1.0f), e);  // NaN: e, which is NaN
  return BP_DIVIDE(numerator, 1.0f + e);
}

/// log(1 + u) for u in [0, 1], without cancellation: 1 + u = (1 + s)/(1 − s)
/// with s = u/(2 + u) ≤ 1/3, and
///
///     log(1 + u) = 2·atanh s = 2s·(1 + s²/3 + s⁴/5 + … + s¹⁴/15)   (remainder < 2·10⁻⁹ relative)
BP_INLINE VF BP_NAME(log1pUnit)(VF u) {
  VF s = BP_DIVIDE(u, 2.0f + u);
  VF s2 = s * s;
  VF q = BP_NAME(splat)(1.0f / 15.0f);
  q = BP_FMA(q, s2, BP_NAME(splat)(1.0f / 13.0f));
  q = BP_FMA(q, s2, BP_NAME(splat)(1.0f / 11.0f));
  q = BP_FMA(q, s2, BP_NAME(splat)(1.0f / 9.0f));
  q = BP_FMA(q, s2, BP_NAME(splat)(1.0f / 7.0f));
  q = BP_FMA(q, s2, BP_NAME(splat)(1.0f / 5.0f));
  q = BP_FMA(q, s2, BP_NAME(splat)(1.0f / 3.0f));
  q = BP_FMA(q, s2, BP_NAME(splat)(1.0f));
  return (s + s) * q;
}

/// sum += max(z, 0) − z·y + log(1 + e^(−|z|)) per lane, in Double.
BP_INLINE void BP_NAME(addLogisticLoss)(VD *sum, VF z, VF y) {
  VF softplus = BP_NAME(log1pUnit)(BP_NAME(exp)(-BP_NAME(magnitude)(z)));
  VD zd = __builtin_convertvector(z, VD);
  VD yd = __builtin_convertvector(y, VD);
  VD positive = (VD)((zd > 0.0) & (__typeof__(zd > 0.0))zd);  // max(z, 0); NaN gives 0, and NaN·y below
  *sum += positive - zd * yd + __builtin_convertvector(softplus, VD);
}

/// y = f(x) over whole vectors, then the last n mod BP_LANES elements
/// through a padded copy.
#define BP_MAP(NAME, F)                                   \
  static BP_TARGET void NAME(const float *x, float *y, long n) { \
    long i = 0;                                           \
    for (; i + BP_LANES <= n; i += BP_LANES)              \
      BP_NAME(store)(y + i, F(BP_NAME(load)(x + i)));     \
    if (i < n) {                                          \
      float in[BP_LANES] = {0}, out[BP_LANES];            \
      for (long j = 0; j < n - i; j++) in[j] = x[i + j];  \
      BP_NAME(store)(out, F(BP_NAME(load)(in)));          \
      for (long j = 0; j < n - i; j++) y[i + j] = out[j]; \
    }                                                     \
  }

BP_MAP(BP_NAME(exp_array), BP_NAME(exp))
BP_MAP(BP_NAME(tanh_array), BP_NAME(tanh))
BP_MAP(BP_NAME(sigmoid_array), BP_NAME(sigmoid))

/// The fused forward tail of a layer, column by column (column-major, `rows`
/// ≥ BP_LANES): Z[:, j] ← Z[:, j] + b, A[:, j] = f(Z[:, j]). A column's last
/// vector ends at its last row, overlapping the one before when rows is not a
/// multiple of BP_LANES; it is computed from Z before anything is stored, so
/// the overlapped elements are written twice with the same values.
#define BP_BIAS_MAP(NAME, F)                                                              \
  static BP_TARGET void NAME(float *z, const float *b, long rows, long columns, float *a) { \
    const long last = rows - BP_LANES;                                                    \
    const VF bLast = BP_NAME(load)(b + last);                                             \
    for (long j = 0; j < columns; j++) {                                                  \
      float *zj = z + j * rows, *aj = a + j * rows;                                       \
      VF zLast = BP_NAME(load)(zj + last) + bLast;                                        \
      VF aLast = F(zLast);                                                                \
      for (long i = 0; i < last; i += BP_LANES) {                                         \
        VF v = BP_NAME(load)(zj + i) + BP_NAME(load)(b + i);                              \
        BP_NAME(store)(zj + i, v);                                                        \
        BP_NAME(store)(aj + i, F(v));                                                     \
      }                                                                                   \
      BP_NAME(store)(zj + last, zLast);                                                   \
      BP_NAME(store)(aj + last, aLast);                                                   \
    }                                                                                     \
  }

BP_BIAS_MAP(BP_NAME(bias_tanh), BP_NAME(tanh))
BP_BIAS_MAP(BP_NAME(bias_sigmoid), BP_NAME(sigmoid))

/// dZ = dA ⊙ g'(A), g' from the activation's output: 1 − a² (tanh), a(1 − a) (σ).
BP_INLINE VF BP_NAME(tanhDerivative)(VF a) { return 1.0f - a * a; }
BP_INLINE VF BP_NAME(sigmoidDerivative)(VF a) { return a * (1.0f - a); }

#define BP_GRADIENT_MAP(NAME, D)                                                          \
  static BP_TARGET void NAME(const float *dA, const float *a, float *dZ, long n) {        \
    long i = 0;                                                                           \
    for (; i + BP_LANES <= n; i += BP_LANES)                                              \
      BP_NAME(store)(dZ + i, BP_NAME(load)(dA + i) * D(BP_NAME(load)(a + i)));            \
    for (; i < n; i++) dZ[i] = dA[i] * D(BP_NAME(splat)(a[i]))[0];                        \
  }

BP_GRADIENT_MAP(BP_NAME(tanh_gradient), BP_NAME(tanhDerivative))
BP_GRADIENT_MAP(BP_NAME(sigmoid_gradient), BP_NAME(sigmoidDerivative))

static BP_TARGET double BP_NAME(logistic_loss_sum)(const float *z, const float *y, long n) {
  VD sum = {0};
  long i = 0;
  for (; i + BP_LANES <= n; i += BP_LANES) BP_NAME(addLogisticLoss)(&sum, BP_NAME(load)(z + i), BP_NAME(load)(y + i));
  double total = 0;
  for (int lane = 0; lane < BP_LANES; lane++) total += sum[lane];
  if (i < n) {
    float zs[BP_LANES] = {0}, ys[BP_LANES] = {0};
    for (long j = 0; j < n - i; j++) {
      zs[j] = z[i + j];
      ys[j] = y[i + j];
    }
    VD rest = {0};
    BP_NAME(addLogisticLoss)(&rest, BP_NAME(load)(zs), BP_NAME(load)(ys));
    for (long j = 0; j < n - i; j++) total += rest[j];
  }
  return total;
}

#undef BP_MAP
#undef BP_BIAS_MAP
#undef BP_GRADIENT_MAP
#undef BP_INLINE
#undef VF
#undef VI
#undef VD
