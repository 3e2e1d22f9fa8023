#ifndef CBACKPROP_SMALL_PRODUCTS_H
#define CBACKPROP_SMALL_PRODUCTS_H

/// Matrix products that need no packing: the direct kernel for small
/// products (`Kernels.gemm` below `Kernels.directProductLimit`) and the
/// matrix-vector product (one column of C, or one row: single-example
/// inference). Column-major, BLAS semantics, AVX-512F and AVX2 + FMA variants
/// picked from `features` (`BP_SIMD_*` bits); there is no baseline variant
/// (the Swift code runs instead), so call them only when `features` has
/// AVX-512F, or both AVX2 and FMA.
///
/// The direct product reads A and B where they are: C is cut into register
/// tiles of one or two vectors of rows by up to 24 (AVX-512) or 12 (AVX2)
/// columns, and each tile accumulates its whole k loop, broadcasting op(B)'s
/// elements from their place, with masked loads and stores for the last
/// rows. When `transA`, op(A) is first copied, transposed, into `scratch`
/// (m·k scalars; unused otherwise), which costs 1/n of the product.

#ifdef __cplusplus
extern "C" {
#endif

/// C ← α·op(A)·op(B) + β·C, the BLAS `xGEMM` contract (m, n, k ≥ 1; β = 0
/// does not read C): op(A) is m × k, A at `a[i + p·lda]` (or `a[p + i·lda]`
/// when `transA`); op(B) is k × n, at `b[p + j·ldb]` (or `b[j + p·ldb]`);
/// C at `c[i + j·ldc]`.
void bp_sgemm_direct(int transA, int transB, long m, long n, long k, float alpha, const float *a, long lda,
                     const float *b, long ldb, float beta, float *c, long ldc, float *scratch,
                     unsigned features);
void bp_dgemm_direct(int transA, int transB, long m, long n, long k, double alpha, const double *a, long lda,
                     const double *b, long ldb, double beta, double *c, long ldc, double *scratch,
                     unsigned features);

/// y ← α·op(A)·x + β·y, the BLAS `xGEMV` contract (β = 0 does not read y),
/// for m, k ≥ 0 (k = 0 gives y ← β·y): op(A) is m × k, A at `a[i + p·lda]`
/// (or `a[p + i·lda]` when `transA`), x at `x[p·incx]`, y at `y[i·incy]`.
/// Without `transA` (y accumulates columns of A: one pass over A in tall row
/// panels) y must be contiguous, `incy` = 1, and `incx` may be 0 (x[0] for
/// every p: the column sums of A, times α·x[0]); with `transA` (dot products
/// of A's columns with x) x must be contiguous, `incx` = 1.
void bp_sgemv(int transA, long m, long k, float alpha, const float *a, long lda, const float *x, long incx,
              float beta, float *y, long incy, unsigned features);
void bp_dgemv(int transA, long m, long k, double alpha, const double *a, long lda, const double *x, long incx,
              double beta, double *y, long incy, unsigned features);

#ifdef __cplusplus
}
#endif

#endif
