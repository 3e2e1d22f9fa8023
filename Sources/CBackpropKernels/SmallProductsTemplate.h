// The direct product and the matrix-vector product of CBackpropSmallProducts.h
// for one instruction set and scalar type. SmallProducts.c includes this once
// per (instruction set, scalar), having defined:
//
//   BP_NAME(f)         the name of `f` for this variant (f##_avx512_f32, …)
//   BP_TARGET          the function attributes that enable the instruction set
//   S, V, M, W         the scalar, its vector, the lane mask, lanes per vector
//   ZERO() LOAD(p) STORE(p, v) BCAST(p) SET1(x) FMA(a, b, c) MUL(a, b) ADD(a, b)
//   MASK(count)        the mask of the first `count` lanes (0 < count < W)
//   LOADM(p, m) STOREM(p, m, v)   masked: lanes outside m are neither read nor written
//   HSUM(v)            the sum of the lanes
//   NR_ONE, NR_TWO     columns of the tiles of one and of two vectors of rows
//   PANEL              vectors of rows per panel of the matrix-vector product
//
// Every loop over registers has a constant trip count and is fully unrolled,
// so the accumulator arrays (of fixed size, indexed by constants once
// unrolled) live in registers. Unoptimised builds call the tiles instead of
// inlining them, to keep the stack frames small.

#if defined(__OPTIMIZE__)
#define BP_INLINE static inline __attribute__((always_inline)) BP_TARGET
#else
#define BP_INLINE static BP_TARGET
#endif
#define BP_UNROLL _Pragma("clang loop unroll(full)")

/// Independent accumulator sets for a tile of `tiles` vectors: enough
/// chains (8) to cover the FMA latency when the tile itself is narrow. A
/// tile's KU·MV·NR accumulators are then at most BP_MAX_ACC (NR_ONE ≤ 24,
/// PANEL ≤ 16).
#define BP_SETS(tiles) ((tiles) >= 8 ? 1 : (tiles) >= 4 ? 2 : 4)
#define BP_MAX_ACC 24
#define BP_MAX_MV 16

/// One register tile, C[0..<MV·W, 0..<NR] ← α·Σ_p op(A)[:, p] ⊗ op(B)[p, :] + β·C:
/// op(A)(i, p) at a[i + p·lda] (rows contiguous), op(B)(p, j) at
/// b[p·bp + j·bj], C column-major. The last vector of rows is masked when
/// `masked`. KU sets of accumulators take turns over p and are summed at the end.
BP_INLINE void BP_NAME(tile)(const int MV, const int NR, const int KU, const int masked, M mask, long k,
                             const S *restrict a, long lda, const S *restrict b, long bp, long bj,
                             S *restrict c, long ldc, S alpha, S beta) {
  V acc[BP_MAX_ACC], av[BP_MAX_MV];
#define ACC(u, v, j) acc[((u) * MV + (v)) * NR + (j)]
  BP_UNROLL for (int i = 0; i < KU * MV * NR; i++) acc[i] = ZERO();
  long p = 0;
  for (; p + KU <= k; p += KU) {
    BP_UNROLL for (int u = 0; u < KU; u++) {
      const S *ap = a + (p + u) * lda;
      const S *bq = b + (p + u) * bp;
      BP_UNROLL for (int v = 0; v < MV; v++) av[v] = (masked && v == MV - 1) ? LOADM(ap + v * W, mask) : LOAD(ap + v * W);
      BP_UNROLL for (int j = 0; j < NR; j++) {
        V bv = BCAST(bq + j * bj);
        BP_UNROLL for (int v = 0; v < MV; v++) ACC(u, v, j) = FMA(av[v], bv, ACC(u, v, j));
      }
    }
  }
  for (; p < k; p++) {
    const S *ap = a + p * lda;
    const S *bq = b + p * bp;
    BP_UNROLL for (int v = 0; v < MV; v++) av[v] = (masked && v == MV - 1) ? LOADM(ap + v * W, mask) : LOAD(ap + v * W);
    BP_UNROLL for (int j = 0; j < NR; j++) {
      V bv = BCAST(bq + j * bj);
      BP_UNROLL for (int v = 0; v < MV; v++) ACC(0, v, j) = FMA(av[v], bv, ACC(0, v, j));
    }
  }
  BP_UNROLL for (int u = 1; u < KU; u++) BP_UNROLL for (int v = 0; v < MV; v++) BP_UNROLL for (int j = 0; j < NR; j++)
      ACC(0, v, j) = ADD(ACC(0, v, j), ACC(u, v, j));
  const V va = SET1(alpha), vb = SET1(beta);
  BP_UNROLL for (int j = 0; j < NR; j++) {
    BP_UNROLL for (int v = 0; v < MV; v++) {
      S *cp = c + j * ldc + v * W;
      V r = alpha == 1 ? ACC(0, v, j) : MUL(ACC(0, v, j), va);
      if (masked && v == MV - 1) {
        if (beta != 0) r = FMA(vb, LOADM(cp, mask), r);
        STOREM(cp, mask, r);
      } else {
        if (beta != 0) r = FMA(vb, LOAD(cp), r);
        STORE(cp, r);
      }
    }
  }
#undef ACC
}

/// All columns of one chunk of MV·W rows (the last vector masked when
/// `masked`): tiles of NR columns, then the rest in tiles of 8, 4, 2, 1.
BP_INLINE void BP_NAME(columns)(const int MV, const int NR, const int masked, M mask, long n, long k,
                                const S *a, long lda, const S *b, long bp, long bj, S *c, long ldc,
                                S alpha, S beta) {
  long j = 0;
  for (; j + NR <= n; j += NR)
    BP_NAME(tile)(MV, NR, BP_SETS(MV * NR), masked, mask, k, a, lda, b + j * bj, bp, bj, c + j * ldc, ldc, alpha, beta);
  if (NR > 8) {
    for (; j + 8 <= n; j += 8)
      BP_NAME(tile)(MV, 8, BP_SETS(MV * 8), masked, mask, k, a, lda, b + j * bj, bp, bj, c + j * ldc, ldc, alpha, beta);
  }
  if (NR > 4 && j + 4 <= n) {
    BP_NAME(tile)(MV, 4, BP_SETS(MV * 4), masked, mask, k, a, lda, b + j * bj, bp, bj, c + j * ldc, ldc, alpha, beta);
    j += 4;
  }
  if (NR > 2 && j + 2 <= n) {
    BP_NAME(tile)(MV, 2, BP_SETS(MV * 2), masked, mask, k, a, lda, b + j * bj, bp, bj, c + j * ldc, ldc, alpha, beta);
    j += 2;
  }
  if (j < n) BP_NAME(tile)(MV, 1, BP_SETS(MV), masked, mask, k, a, lda, b + j * bj, bp, bj, c + j * ldc, ldc, alpha, beta);
}

/// The direct product with op(A) not transposed: chunks of two vectors of
/// rows (NR_TWO columns per tile), then what is left, one or two vectors
/// with the last masked.
static BP_TARGET void BP_NAME(direct)(long m, long n, long k, S alpha, const S *a, long lda, const S *b, long bp,
                                      long bj, S beta, S *c, long ldc) {
  const M none = MASK(1);
  long i = 0;
  for (; i + 2 * W <= m; i += 2 * W) BP_NAME(columns)(2, NR_TWO, 0, none, n, k, a + i, lda, b, bp, bj, c + i, ldc, alpha, beta);
  long rest = m - i;
  if (rest > W) {
    BP_NAME(columns)(2, NR_TWO, 1, MASK(rest - W), n, k, a + i, lda, b, bp, bj, c + i, ldc, alpha, beta);
  } else if (rest == W) {
    BP_NAME(columns)(1, NR_ONE, 0, none, n, k, a + i, lda, b, bp, bj, c + i, ldc, alpha, beta);
  } else if (rest > 0) {
    BP_NAME(columns)(1, NR_ONE, 1, MASK(rest), n, k, a + i, lda, b, bp, bj, c + i, ldc, alpha, beta);
  }
}

/// y ← α·A·x + β·y, y contiguous: row panels of PANEL vectors, one pass over
/// each panel's rows of A (a tile of one column), then the rows left in
/// chunks of 8, 4, 2, 1 vectors and a last masked vector.
static BP_TARGET void BP_NAME(gemv_n)(long m, long k, S alpha, const S *a, long lda, const S *x, long incx, S beta,
                                      S *y) {
  const M none = MASK(1);
  long i = 0;
  for (; i + PANEL * W <= m; i += PANEL * W)
    BP_NAME(tile)(PANEL, 1, BP_SETS(PANEL), 0, none, k, a + i, lda, x, incx, 0, y + i, m, alpha, beta);
  if (PANEL > 8) {
    for (; i + 8 * W <= m; i += 8 * W) BP_NAME(tile)(8, 1, BP_SETS(8), 0, none, k, a + i, lda, x, incx, 0, y + i, m, alpha, beta);
  }
  if (PANEL > 4 && i + 4 * W <= m) {
    BP_NAME(tile)(4, 1, BP_SETS(4), 0, none, k, a + i, lda, x, incx, 0, y + i, m, alpha, beta);
    i += 4 * W;
  }
  if (i + 2 * W <= m) {
    BP_NAME(tile)(2, 1, BP_SETS(2), 0, none, k, a + i, lda, x, incx, 0, y + i, m, alpha, beta);
    i += 2 * W;
  }
  if (i + W <= m) {
    BP_NAME(tile)(1, 1, BP_SETS(1), 0, none, k, a + i, lda, x, incx, 0, y + i, m, alpha, beta);
    i += W;
  }
  if (i < m) BP_NAME(tile)(1, 1, BP_SETS(1), 1, MASK(m - i), k, a + i, lda, x, incx, 0, y + i, m, alpha, beta);
}

/// NC dot products of columns of A (k long, contiguous) with x: KU sets of
/// accumulators over the full vectors of k, then a masked last vector.
BP_INLINE void BP_NAME(dots)(const int NC, const int KU, long k, const S *restrict a, long lda, const S *restrict x,
                             S alpha, S beta, S *restrict y, long incy) {
  V acc[8];  // KU·NC ≤ 8
#define ACC(u, i) acc[(u) * NC + (i)]
  BP_UNROLL for (int i = 0; i < KU * NC; i++) acc[i] = ZERO();
  long p = 0;
  for (; p + KU * W <= k; p += KU * W) {
    BP_UNROLL for (int u = 0; u < KU; u++) {
      V xv = LOAD(x + p + u * W);
      BP_UNROLL for (int i = 0; i < NC; i++) ACC(u, i) = FMA(LOAD(a + i * lda + p + u * W), xv, ACC(u, i));
    }
  }
  for (; p + W <= k; p += W) {
    V xv = LOAD(x + p);
    BP_UNROLL for (int i = 0; i < NC; i++) ACC(0, i) = FMA(LOAD(a + i * lda + p), xv, ACC(0, i));
  }
  if (p < k) {
    M mask = MASK(k - p);
    V xv = LOADM(x + p, mask);
    BP_UNROLL for (int i = 0; i < NC; i++) ACC(0, i) = FMA(LOADM(a + i * lda + p, mask), xv, ACC(0, i));
  }
  BP_UNROLL for (int u = 1; u < KU; u++) BP_UNROLL for (int i = 0; i < NC; i++) ACC(0, i) = ADD(ACC(0, i), ACC(u, i));
  BP_UNROLL for (int i = 0; i < NC; i++) {
    S dot = alpha * HSUM(ACC(0, i));
    y[i * incy] = beta == 0 ? dot : dot + beta * y[i * incy];
  }
#undef ACC
}

/// y ← α·Aᵀ·x + β·y, x contiguous: eight columns at a time, then one.
static BP_TARGET void BP_NAME(gemv_t)(long m, long k, S alpha, const S *a, long lda, const S *x, S beta, S *y,
                                      long incy) {
  long i = 0;
  for (; i + 8 <= m; i += 8) BP_NAME(dots)(8, 1, k, a + i * lda, lda, x, alpha, beta, y + i * incy, incy);
  for (; i < m; i++) BP_NAME(dots)(1, 4, k, a + i * lda, lda, x, alpha, beta, y + i * incy, incy);
}

#undef BP_SETS
#undef BP_MAX_ACC
#undef BP_MAX_MV
#undef BP_UNROLL
#undef BP_INLINE
