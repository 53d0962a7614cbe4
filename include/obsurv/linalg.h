/*
 * obsurv/linalg.h — small dense symmetric linear algebra for Newton fits.
 *
 * A generalised Cholesky (LDL') decomposition of a symmetric positive
 * semi-definite p x p matrix with a tolerance that detects (near) singular
 * pivots, so that aliased (collinear) columns drop out of the solve and the
 * inverse instead of producing garbage.  This is the decomposition that R's
 * survival and glm fits rely on: a pivot is declared zero when it is below
 * toler * (largest diagonal element), the corresponding column of L is
 * zeroed, and solves/inverses give 0 in that row and column.
 *
 * Storage: column-major p x p, a[j*p + i] = A(i, j).  Only the lower
 * triangle (i >= j) is read; on return from obs_chol_decompose the strict
 * lower triangle holds L (unit diagonal implied) and the diagonal holds D.
 */
#ifndef OBSURV_LINALG_H
#define OBSURV_LINALG_H

#include <stddef.h>

/* Default tolerance, as R's coxph.control / glm use: DBL_EPSILON^0.75. */
#define OBS_CHOL_TOLER 1.8189894035458565e-12

/* Decompose A = L D L' in place.  a: p*p column-major (lower triangle used,
 * the upper triangle is left untouched).  toler: relative pivot tolerance.
 * aliased: p flags (may be NULL), set to 1 for a column whose pivot was
 * declared zero, 0 otherwise.  Returns the rank (number of non-zero pivots),
 * or minus the rank when some pivot was clearly negative (< -8 * tol, the
 * matrix is not positive semi-definite).  A non-finite pivot counts as zero. */
int obs_chol_decompose(double *a, size_t p, double toler, int *aliased);

/* Solve (L D L') x = b in place (b: p) with a from obs_chol_decompose;
 * components of aliased columns come back as 0. */
void obs_chol_solve(const double *a, size_t p, double *b);

/* Replace the decomposition in a by the (generalised) inverse of A, as a full
 * symmetric matrix; rows and columns of aliased columns are 0.  In place,
 * no scratch: inv(A) = M' D^-1 M with M = L^-1 (aliased pivots give 0). */
void obs_chol_invert(double *a, size_t p);

#endif
