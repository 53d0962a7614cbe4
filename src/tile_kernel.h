/*
 * tile_kernel.h — register kernels of the Cox and logistic fits (private to
 * the library): the tiles of the Cox information (2 x 4 by SSE2, or 4 x 4
 * by AVX2 + FMA with the row weights applied inside), obs_axpy (the Cox
 * risk-set sums, the logistic linear predictor on the QR route), and the
 * run-time choice of the AVX2 + FMA kernels (obs_simd_fma).
 *
 * obs_tile_2x4: for rows r = 0..nb-1, add t[r][0..1] (x) x[r][0..3] into the
 * 2 x 4 block c[0][0..3], c[1][0..3] (c rows cstride apart); t rows are
 * tstride apart, x rows xstride apart.  The sums run in row order, so the
 * bits do not depend on who calls it.  Built on GCC vector extensions
 * (two doubles per lane pair).
 */
#ifndef OBSURV_TILE_KERNEL_H
#define OBSURV_TILE_KERNEL_H

#include <stddef.h>
#include <string.h>

static inline void obs_tile_2x4(double *c, size_t cstride, const double *t, size_t tstride,
                                const double *x, size_t xstride, size_t nb)
{
    typedef double v2d __attribute__((vector_size(16)));
    double *c0 = c, *c1 = c + cstride;
    v2d a0, a1, b0, b1;
    memcpy(&a0, c0, sizeof a0); memcpy(&a1, c0 + 2, sizeof a1);
    memcpy(&b0, c1, sizeof b0); memcpy(&b1, c1 + 2, sizeof b1);
    for (size_t r = 0; r < nb; r++, t += tstride, x += xstride) {
        const v2d t0 = {t[0], t[0]}, t1 = {t[1], t[1]};
        v2d x0, x1;
        memcpy(&x0, x, sizeof x0);
        memcpy(&x1, x + 2, sizeof x1);
        a0 += t0 * x0; a1 += t0 * x1;
        b0 += t1 * x0; b1 += t1 * x1;
    }
    memcpy(c0, &a0, sizeof a0); memcpy(c0 + 2, &a1, sizeof a1);
    memcpy(c1, &b0, sizeof b0); memcpy(c1 + 2, &b1, sizeof b1);
}

/* The lower tiles (j <= i) of a cross-product block: acc (row stride s) +=
 * sum over nb rows r of T[r][i] X[r][j], T rows s apart and zero beyond
 * column p up to a multiple of 4, X rows xs apart and readable past p (the
 * sums that pick up columns >= p are dropped by the caller).  Every element
 * adds its terms in row order with separate multiply and add (see
 * obs_tile_2x4). */
static inline void obs_tiles_lower(double *acc, size_t s, const double *T, const double *X, size_t xs,
                                   size_t p, size_t nb)
{
    for (size_t i = 0; i < p; i += 2)
        for (size_t j = 0; j <= i + 1; j += 4) obs_tile_2x4(acc + i * s + j, s, T + i, s, X + j, xs, nb);
}

/* y += s x over p elements, two at a time in SSE2 registers (separate
 * multiply and add: each element gets exactly y_i + s x_i, as the plain
 * loop; y and x never overlap). */
static inline void obs_axpy(double *restrict y, double s, const double *restrict x, size_t p)
{
    typedef double v2d __attribute__((vector_size(16)));
    const v2d sv = {s, s};
    size_t i = 0;
    for (; i + 2 <= p; i += 2) {
        v2d yv, xv;
        memcpy(&yv, y + i, sizeof yv);
        memcpy(&xv, x + i, sizeof xv);
        yv += sv * xv;
        memcpy(y + i, &yv, sizeof yv);
    }
    if (i < p) y[i] += s * x[i];
}

/* ---- AVX2 + FMA (x86-64, chosen at run time) -------------------------
 *
 * obs_simd_fma() is 1 when the CPU has AVX2 and FMA and OBSURV_SIMD is not
 * "portable" (simd.c); the callers then run their blocks through the
 * kernels below, compiled for those instructions alone (functions with
 * __attribute__((target("avx2,fma"))) may call them).  Each element still
 * sums its terms in row order, each term fused into the sum (one rounding
 * instead of two): the same bits on one or two threads, and within
 * rounding of the portable kernels (tests/unit/test_simd.c). */
int obs_simd_fma(void);

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define OBS_HAVE_FMA_KERNEL 1

/* For rows r = 0..nb-1 of weight v[r], add x[r][i+a] (v[r] x[r][j..j+3])
 * into c[a][0..3], a = 0..3 (x rows xstride apart, read in place: the
 * lanes past a row's end read the next row, or readable padding, and land
 * in sums the caller drops; c rows cstride apart).  The weighted
 * cross-product without forming v x first. */
__attribute__((target("avx2,fma"))) static inline void obs_tile_4x4_scaled_fma(
    double *c, size_t cstride, const double *x, size_t xstride, size_t i, size_t j, const double *v,
    size_t nb)
{
    __m256d c0 = _mm256_loadu_pd(c), c1 = _mm256_loadu_pd(c + cstride);
    __m256d c2 = _mm256_loadu_pd(c + 2 * cstride), c3 = _mm256_loadu_pd(c + 3 * cstride);
    for (size_t r = 0; r < nb; r++, x += xstride) {
        const __m256d yv = _mm256_mul_pd(_mm256_broadcast_sd(v + r), _mm256_loadu_pd(x + j));
        c0 = _mm256_fmadd_pd(_mm256_broadcast_sd(x + i), yv, c0);
        c1 = _mm256_fmadd_pd(_mm256_broadcast_sd(x + i + 1), yv, c1);
        c2 = _mm256_fmadd_pd(_mm256_broadcast_sd(x + i + 2), yv, c2);
        c3 = _mm256_fmadd_pd(_mm256_broadcast_sd(x + i + 3), yv, c3);
    }
    _mm256_storeu_pd(c, c0);
    _mm256_storeu_pd(c + cstride, c1);
    _mm256_storeu_pd(c + 2 * cstride, c2);
    _mm256_storeu_pd(c + 3 * cstride, c3);
}

/* The lower tiles (j <= i) of sum over nb rows r of v[r] x_r x_r' into acc
 * (row stride s, s >= p rounded up to 4), x rows xs apart with at least
 * 16 readable doubles after the last row's start + xs. */
__attribute__((target("avx2,fma"))) static inline void obs_tiles_lower_scaled_fma(
    double *acc, size_t s, const double *X, size_t xs, const double *v, size_t p, size_t nb)
{
    for (size_t i = 0; i < p; i += 4)
        for (size_t j = 0; j <= i; j += 4) obs_tile_4x4_scaled_fma(acc + i * s + j, s, X, xs, i, j, v, nb);
}

/* out[k] = wt[k] exp(x[k]) for k < n, |x[k]| <= 700, by AVX2 + FMA (simd.c;
 * call only when obs_simd_fma() is 1).  Within about 1 ulp of the exact
 * value. */
void obs_scaled_exp_fma(double *out, const double *wt, const double *x, size_t n);
#endif

#endif
