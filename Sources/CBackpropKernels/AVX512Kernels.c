// The AVX-512 register tiles of the packed matrix product. See
// CBackpropKernels.h for the contract and docs/Kernels.md for the design and
// how to check the generated code.
//
// The main tile is MR × NR = 2 vectors × 12 columns: 24 zmm accumulators, 2
// vectors of Ã and a broadcast element of B̃, 27 of the 32 zmm registers.
// Each k step is 2 vector loads of Ã, 12 broadcast loads of B̃
// (`vbroadcastss/sd` from memory runs on the load ports, not the FP pipes)
// and 24 independent `vfmadd231` chains: two 512-bit FMA pipes with a
// 4-cycle latency need 8, and 24 amortise the loads. This is BLIS's
// SkylakeX sgemm 32 × 12 / dgemm 16 × 12 tile, with the vectors along the
// columns of C because C is column-major.
//
// The second tile, 3 vectors × 8 columns (48 × 8 float, 24 × 8 double), also
// 24 accumulators, serves short, wide products with 2W < m ≤ 3W rows (the
// course's 20 hidden units in double): one tile of 24 rows wastes 4 of them,
// two tiles of 16 would waste 12.

#include "CBackpropKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define BP_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,fma")))

// MARK: - The shape-generic pieces
//
// A tile is BP_EACH_ROW (vector rows i of W lanes) × BP_EACH_COLUMN (columns
// j); accumulator `ci_j` holds rows i·W ..< (i+1)·W of column j. `T` is ps
// or pd. Each kernel below defines the shape and how Ã and B̃ are addressed:
// `BP_SETUP(S)`, `BP_LOAD_A_ROW`, `BP_B(j)`, `BP_ADVANCE(W)`.

#define BP_COLUMNS_12(OP, T, W)                                               \
  OP(T, W, 0) OP(T, W, 1) OP(T, W, 2) OP(T, W, 3) OP(T, W, 4) OP(T, W, 5)     \
  OP(T, W, 6) OP(T, W, 7) OP(T, W, 8) OP(T, W, 9) OP(T, W, 10) OP(T, W, 11)
#define BP_COLUMNS_8(OP, T, W) \
  OP(T, W, 0) OP(T, W, 1) OP(T, W, 2) OP(T, W, 3) OP(T, W, 4) OP(T, W, 5) OP(T, W, 6) OP(T, W, 7)
#define BP_ROWS_2(OP, T, W, j) OP(T, W, 0, j) OP(T, W, 1, j)
#define BP_ROWS_3(OP, T, W, j) OP(T, W, 0, j) OP(T, W, 1, j) OP(T, W, 2, j)

/// Column j of one k step: ci_j += ai · B̃[q][j] for every vector row i.
#define BP_FMA_AT(T, W, i, j) c##i##_##j = _mm512_fmadd_##T(a##i, bj, c##i##_##j);
#define BP_FMA(T, W, j)          \
  bj = _mm512_set1_##T(BP_B(j)); \
  BP_EACH_ROW(BP_FMA_AT, T, W, j)

/// One k step: load Ã's vectors, the rank-1 update, move to the next step.
#define BP_STEP(T, W)                       \
  do {                                      \
    BP_EACH_ROW(BP_LOAD_A_ROW, T, W, _)     \
    BP_EACH_COLUMN(BP_FMA, T, W)            \
    BP_ADVANCE(W)                           \
  } while (0)

/// The accumulators of column j, zeroed.
#define BP_ZERO_AT(T, W, i, j) bp_vector c##i##_##j = _mm512_setzero_##T();
#define BP_ZERO(T, W, j) BP_EACH_ROW(BP_ZERO_AT, T, W, j)

/// Touches column j of C (its first and last element) for the end.
#define BP_PREFETCH_C(T, W, j)                                              \
  _mm_prefetch((const char *)(c + j * ldc), _MM_HINT_T0);                   \
  _mm_prefetch((const char *)(c + j * ldc + bp_mr - 1), _MM_HINT_T0);

/// C[:, j] ← α·c_j (β = 0, C not read), α·c_j + C[:, j] (β = 1), or
/// α·c_j + β·C[:, j]; vector row i of C is read by `BP_LOAD_C(T, i, p)` and
/// written by `BP_STORE_C(T, i, p, v)`.
#define BP_STORE_0_AT(T, W, i, j) \
  BP_STORE_C(T, i, c + j * ldc + i * W, _mm512_mul_##T(c##i##_##j, va))
#define BP_STORE_1_AT(T, W, i, j)                                    \
  BP_STORE_C(T, i, c + j * ldc + i * W,                              \
             _mm512_fmadd_##T(c##i##_##j, va, BP_LOAD_C(T, i, c + j * ldc + i * W)))
#define BP_STORE_BETA_AT(T, W, i, j)                                               \
  BP_STORE_C(T, i, c + j * ldc + i * W,                                            \
             _mm512_fmadd_##T(c##i##_##j, va,                                      \
                              _mm512_mul_##T(vb, BP_LOAD_C(T, i, c + j * ldc + i * W))))
#define BP_STORE_0(T, W, j) BP_EACH_ROW(BP_STORE_0_AT, T, W, j)
#define BP_STORE_1(T, W, j) BP_EACH_ROW(BP_STORE_1_AT, T, W, j)
#define BP_STORE_BETA(T, W, j) BP_EACH_ROW(BP_STORE_BETA_AT, T, W, j)

/// The body of a tile function for scalar `S` (vector `V`): the k loop over
/// `kc`, `a`, `b`, then the update of `c` (leading dimension `ldc`) with
/// `alpha`, `beta`.
#define BP_TILE_BODY(S, V, T, W)                                                   \
  {                                                                              \
    typedef V bp_vector;                                                         \
    const long bp_mr = BP_VECTORS * W;                                           \
    BP_SETUP(S)                                                                  \
    /* Touch the columns of C now: they are needed only at the end, and the */   \
    /* k loop hides the misses. */                                               \
    BP_EACH_COLUMN(BP_PREFETCH_C, T, W)                                          \
    BP_EACH_COLUMN(BP_ZERO, T, W)                                                \
    V a0, a1, a2, bj;                                                            \
    (void)a2;                                                                    \
    long q = kc;                                                                 \
    for (; q >= 4; q -= 4) {                                                     \
      BP_STEP(T, W);                                                             \
      BP_STEP(T, W);                                                             \
      BP_STEP(T, W);                                                             \
      BP_STEP(T, W);                                                             \
    }                                                                            \
    for (; q > 0; q--) BP_STEP(T, W);                                            \
    const V va = _mm512_set1_##T(alpha);                                         \
    if (beta == 0) {                                                             \
      BP_EACH_COLUMN(BP_STORE_0, T, W)                                           \
    } else if (beta == 1) {                                                      \
      BP_EACH_COLUMN(BP_STORE_1, T, W)                                           \
    } else {                                                                     \
      const V vb = _mm512_set1_##T(beta);                                        \
      BP_EACH_COLUMN(BP_STORE_BETA, T, W)                                        \
    }                                                                            \
  }

// MARK: - The packed tiles, 2 vectors × 12 columns
//
// Ã is MR contiguous scalars per k step, B̃ is 12.

#define BP_VECTORS 2
#define BP_EACH_ROW BP_ROWS_2
#define BP_EACH_COLUMN BP_COLUMNS_12
#define BP_SETUP(S)
#define BP_LOAD_A_ROW(T, W, i, _) a##i = _mm512_loadu_##T(a + i * W);
#define BP_LOAD_C(T, i, p) _mm512_loadu_##T(p)
#define BP_STORE_C(T, i, p, v) _mm512_storeu_##T(p, v);
#define BP_B(j) b[j]
#define BP_ADVANCE(W) a += 2 * W; b += 12;

BP_AVX512 void bp_sgemm_avx512_32x12(long kc, const float *restrict a, const float *restrict b,
                                     float *restrict c, long ldc, float alpha, float beta)
    BP_TILE_BODY(float, __m512, ps, 16)

BP_AVX512 void bp_dgemm_avx512_16x12(long kc, const double *restrict a, const double *restrict b,
                                     double *restrict c, long ldc, double alpha, double beta)
    BP_TILE_BODY(double, __m512d, pd, 8)

#undef BP_SETUP
#undef BP_LOAD_A_ROW
#undef BP_LOAD_C
#undef BP_STORE_C
#undef BP_B
#undef BP_ADVANCE

// MARK: - The strided tiles
//
// They read op(A) and op(B) where they lie: Ã's k step q at `a + q·lda` (the
// first `rows` of MR contiguous scalars, by masked loads that neither read
// nor fault past them; the other rows are zero), B̃'s element (q, j) at
// `b + q·ldbk + j·ldbj`. Only the first `rows` rows of C are read and
// written, by masked loads and stores. B̃'s columns are reached from a pointer per three
// columns (0, 3, 6, 9) plus 0, 1 or 2 times `ldbj`.

/// The load masks of the vector rows: `mi` has the lanes of rows
/// i·W ..< min(rows, (i+1)·W).
#define BP_ROW_MASK(i, W) \
  (rows >= (i + 1) * W ? (1u << W) - 1 : rows > i * W ? (1u << (rows - i * W)) - 1 : 0u)
#define BP_ROW_MASKS(S)                                \
  const long bp_w = 64 / sizeof(S);                    \
  const unsigned m0 = BP_ROW_MASK(0, bp_w);            \
  const unsigned m1 = BP_ROW_MASK(1, bp_w);            \
  const unsigned m2 = BP_ROW_MASK(2, bp_w);            \
  (void)m2;
#define BP_LOAD_A_ROW(T, W, i, _) a##i = _mm512_maskz_loadu_##T(m##i, a + i * W);
#define BP_LOAD_C(T, i, p) _mm512_maskz_loadu_##T(m##i, p)
#define BP_STORE_C(T, i, p, v) _mm512_mask_storeu_##T(p, m##i, v);
#define BP_B(j) BP_B_##j
#define BP_B_0 b0[0]
#define BP_B_1 b0[ldbj]
#define BP_B_2 b0[ldbj2]
#define BP_B_3 b3[0]
#define BP_B_4 b3[ldbj]
#define BP_B_5 b3[ldbj2]
#define BP_B_6 b6[0]
#define BP_B_7 b6[ldbj]
#define BP_B_8 b6[ldbj2]
#define BP_B_9 b9[0]
#define BP_B_10 b9[ldbj]
#define BP_B_11 b9[ldbj2]

// 2 vectors × 12 columns.
#define BP_SETUP(S)                                                            \
  BP_ROW_MASKS(S)                                                              \
  const S *b0 = b, *b3 = b + 3 * ldbj, *b6 = b + 6 * ldbj, *b9 = b + 9 * ldbj; \
  const long ldbj2 = 2 * ldbj;
#define BP_ADVANCE(W) a += lda; b0 += ldbk; b3 += ldbk; b6 += ldbk; b9 += ldbk;

BP_AVX512 void bp_sgemm_avx512_32x12_strided(long kc, const float *restrict a, long lda, long rows,
                                             const float *restrict b, long ldbk, long ldbj,
                                             float *restrict c, long ldc, float alpha, float beta)
    BP_TILE_BODY(float, __m512, ps, 16)

BP_AVX512 void bp_dgemm_avx512_16x12_strided(long kc, const double *restrict a, long lda, long rows,
                                             const double *restrict b, long ldbk, long ldbj,
                                             double *restrict c, long ldc, double alpha, double beta)
    BP_TILE_BODY(double, __m512d, pd, 8)

#undef BP_VECTORS
#undef BP_EACH_ROW
#undef BP_EACH_COLUMN
#undef BP_SETUP
#undef BP_ADVANCE

// 3 vectors × 8 columns.
#define BP_VECTORS 3
#define BP_EACH_ROW BP_ROWS_3
#define BP_EACH_COLUMN BP_COLUMNS_8
#define BP_SETUP(S)                                         \
  BP_ROW_MASKS(S)                                           \
  const S *b0 = b, *b3 = b + 3 * ldbj, *b6 = b + 6 * ldbj;  \
  const long ldbj2 = 2 * ldbj;
#define BP_ADVANCE(W) a += lda; b0 += ldbk; b3 += ldbk; b6 += ldbk;

BP_AVX512 void bp_sgemm_avx512_48x8_strided(long kc, const float *restrict a, long lda, long rows,
                                            const float *restrict b, long ldbk, long ldbj,
                                            float *restrict c, long ldc, float alpha, float beta)
    BP_TILE_BODY(float, __m512, ps, 16)

BP_AVX512 void bp_dgemm_avx512_24x8_strided(long kc, const double *restrict a, long lda, long rows,
                                            const double *restrict b, long ldbk, long ldbj,
                                            double *restrict c, long ldc, double alpha, double beta)
    BP_TILE_BODY(double, __m512d, pd, 8)

#endif
