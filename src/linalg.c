/*
 * linalg.c — LDL' decomposition with rank detection, solve and inverse.
 *
 * Method: the square-root-free Cholesky factorisation (Golub & Van Loan,
 * "Matrix Computations", 4th ed., sec. 4.1.2, Algorithm LDLT), computed
 * column by column.  At step i the pivot d_i = A(i,i) - sum_{k<i} L(i,k)^2 d_k
 * is compared with eps = toler * max_j A(j,j) (toler itself when every
 * diagonal is 0); a pivot below eps (or not finite) is declared zero, its
 * column of L is set to 0 and the column is marked aliased.  For a positive
 * semi-definite matrix the remaining entries of that column are then zero up
 * to rounding, so dropping them is the same as deleting the column: the
 * solve and the inverse act on the full-rank sub-matrix, and aliased
 * components are 0 (R's survival cholesky2/chsolve2/chinv2 behave so).
 *
 * Accuracy: backward stable for positive definite input (G&VL 4.1).
 * Verified in tests/unit/test_linalg.c against inverses worked by hand and
 * A * inv(A) = I on random SPD matrices.
 */
#include <math.h>
#include "obsurv/linalg.h"

#define A_(i, j) a[(size_t)(j) * p + (size_t)(i)]

int obs_chol_decompose(double *a, size_t p, double toler, int *aliased)
{
    double eps = 0.0;
    int rank = 0, nonneg = 1;

    for (size_t i = 0; i < p; i++)
        if (A_(i, i) > eps) eps = A_(i, i);
    eps = (eps == 0.0) ? toler : eps * toler;

    for (size_t j = 0; j < p; j++) {
        double pivot = A_(j, j);
        if (!isfinite(pivot) || pivot < eps) {
            if (pivot < -8.0 * eps) nonneg = -1;
            A_(j, j) = 0.0;
            for (size_t i = j + 1; i < p; i++) A_(i, j) = 0.0;
            if (aliased) aliased[j] = 1;
            continue;
        }
        if (aliased) aliased[j] = 0;
        rank++;
        /* column j of L; update the trailing lower triangle */
        for (size_t i = j + 1; i < p; i++) {
            double l = A_(i, j) / pivot;
            A_(i, j) = l;
            A_(i, i) -= l * l * pivot;
            for (size_t k = i + 1; k < p; k++)
                A_(k, i) -= l * A_(k, j);   /* A(k,j) not yet divided */
        }
    }
    return rank * nonneg;
}

void obs_chol_solve(const double *a, size_t p, double *b)
{
    /* L z = b (unit lower triangular) */
    for (size_t i = 0; i < p; i++) {
        double s = b[i];
        for (size_t k = 0; k < i; k++) s -= A_(i, k) * b[k];
        b[i] = s;
    }
    /* D L' x = z */
    for (size_t ii = p; ii-- > 0;) {
        if (A_(ii, ii) == 0.0) { b[ii] = 0.0; continue; }
        double s = b[ii] / A_(ii, ii);
        for (size_t k = ii + 1; k < p; k++) s -= A_(k, ii) * b[k];
        b[ii] = s;
    }
}

void obs_chol_invert(double *a, size_t p)
{
    /* 1. M = L^-1 in place (unit lower triangular), column by column in
     *    ascending order: M(i,j) = -sum_{k=j}^{i-1} L(i,k) M(k,j), M(j,j) = 1;
     *    the L entries still needed (columns > j) are not yet overwritten.
     *    D -> D^-1 on the diagonal (0 stays 0). */
    for (size_t j = 0; j < p; j++) {
        A_(j, j) = (A_(j, j) == 0.0) ? 0.0 : 1.0 / A_(j, j);
        for (size_t i = j + 1; i < p; i++) {
            double s = A_(i, j);                 /* k = j term: L(i,j) * 1 */
            for (size_t k = j + 1; k < i; k++) s += A_(i, k) * A_(k, j);
            A_(i, j) = -s;
        }
    }
    /* 2. inv(A)(i,j) = sum_{k>=i} M(k,i) M(k,j) / d_k for i >= j, computed
     *    for columns j ascending and rows i ascending: each entry overwrites
     *    an M(i,j) that no later entry needs. */
    for (size_t j = 0; j < p; j++) {
        for (size_t i = j; i < p; i++) {
            /* k = i term: M(i,i) = 1; k > i terms from the lower triangle */
            double s = ((i == j) ? 1.0 : A_(i, j)) * A_(i, i);
            for (size_t k = i + 1; k < p; k++)
                s += A_(k, i) * A_(k, j) * A_(k, k);
            A_(i, j) = s;
        }
    }
    /* mirror to the upper triangle (an aliased column of M is 0 and its
     * d^-1 is 0, so its row and column of the inverse are exactly 0) */
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++) A_(j, i) = A_(i, j);
}
