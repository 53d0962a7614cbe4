/*
 * test_logit_pass.c — the normal-equations route of the logistic fit
 * (src/logit.c: irls_pass, one pass per IRLS step on two fixed halves of
 * the rows):
 *   - one thread and two threads give the same bits (coefficients,
 *     covariance, deviance, fitted values), with and without prior weights,
 *     for p = 3, 11 (one and several register tiles) and 30 (wider than
 *     the old tile limit), n not a multiple of 4 (a short last block);
 *   - rows of prior weight 0 leave the fit as if they were absent (to
 *     rounding: the rows move between the pass's lanes);
 *   - the normal route agrees with the QR route (R's, Householder; forced
 *     here by a design wider than 64 columns whose extra columns are
 *     copies: aliased on the QR route, compared on the others) to 1e-9.
 * R parity on real data is in tests/golden/logit; the AVX2 + FMA kernels
 * against the portable ones in test_simd.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/logit.h"

#define N 50011
#define PMAX 30

static double unif(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

typedef struct {
    double x[(PMAX + 1) * N], y[N], w[N];
} data;

/* column 0 the intercept; the rest uniform on (-1, 1), one of them 0/1 */
static void make(data *d, size_t p)
{
    unsigned long long seed = 2011;
    for (size_t i = 0; i < N; i++) {
        double eta = -0.3;
        d->x[i] = 1.0;
        for (size_t j = 1; j < p; j++) {
            const double v = j == 1 ? (unif(&seed) < 0.4) : unif(&seed) * 2 - 1;
            d->x[j * N + i] = v;
            eta += (j % 3 == 0 ? 0.3 : -0.2) * v;
        }
        d->y[i] = unif(&seed) < 1 / (1 + exp(-eta));
        d->w[i] = i % 7 == 0 ? 0.0 : 0.5 + unif(&seed);
    }
}

static obs_logit_fit *fit(const double *x, size_t n, size_t p, const double *y, const double *w,
                          const char *threads)
{
    if (threads) setenv("OBSURV_THREADS", threads, 1);
    obs_logit_fit *f = NULL;
    obs_error err;
    assert_int_equal(obs_logit_fit_irls(x, n, p, y, w, 1, NULL, NULL, &f, &err), OBS_OK);
    unsetenv("OBSURV_THREADS");
    return f;
}

static void close_to(double a, double b, double rtol)
{
    if (!(fabs(a - b) <= rtol * fabs(b) + 1e-300)) fail_msg("%.17g != %.17g (rtol %g)", a, b, rtol);
}

static void threads_same_bits(void **state)
{
    (void)state;
    data *d = malloc(sizeof *d);
    assert_non_null(d);
    const size_t ps[] = {3, 11, 30};
    for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
        const size_t p = ps[k];
        make(d, p);
        for (int weighted = 0; weighted < 2; weighted++) {
            const double *w = weighted ? d->w : NULL;
            obs_logit_fit *a = fit(d->x, N, p, d->y, w, "1"), *b = fit(d->x, N, p, d->y, w, "2");
            assert_true(a->converged);
            assert_int_equal(a->iterations, b->iterations);
            assert_true(a->deviance == b->deviance);
            assert_true(a->aic == b->aic);
            for (size_t j = 0; j < p; j++) assert_true(a->coef[j] == b->coef[j]);
            for (size_t j = 0; j < p * p; j++) assert_true(a->cov[j] == b->cov[j]);
            for (size_t i = 0; i < N; i++) assert_true(a->fitted[i] == b->fitted[i]);
            assert_true(a->auc == b->auc || (isnan(a->auc) && isnan(b->auc)));
            obs_logit_fit_free(&a);
            obs_logit_fit_free(&b);
        }
    }
    free(d);
}

static void zero_weight_rows(void **state)
{
    (void)state;
    data *d = malloc(sizeof *d);
    assert_non_null(d);
    const size_t p = 11;
    make(d, p);
    /* the rows of positive weight, copied */
    size_t m = 0;
    double *x = malloc(p * N * sizeof *x), *y = malloc(N * sizeof *y), *w = malloc(N * sizeof *w);
    assert_non_null(x); assert_non_null(y); assert_non_null(w);
    for (size_t i = 0; i < N; i++)
        if (d->w[i] > 0) { y[m] = d->y[i]; w[m] = d->w[i]; m++; }
    for (size_t j = 0; j < p; j++) {
        size_t r = 0;
        for (size_t i = 0; i < N; i++)
            if (d->w[i] > 0) x[j * m + r++] = d->x[j * N + i];
    }
    obs_logit_fit *a = fit(d->x, N, p, d->y, d->w, NULL), *b = fit(x, m, p, y, w, NULL);
    assert_int_equal(a->n_used, m);
    assert_int_equal(a->iterations, b->iterations);
    close_to(a->deviance, b->deviance, 1e-12);
    for (size_t j = 0; j < p; j++) {
        close_to(a->coef[j], b->coef[j], 1e-10);
        close_to(a->se[j], b->se[j], 1e-10);
    }
    obs_logit_fit_free(&a);
    obs_logit_fit_free(&b);
    free(x); free(y); free(w); free(d);
}

static void normal_route_equals_qr(void **state)
{
    (void)state;
    data *d = malloc(sizeof *d);
    assert_non_null(d);
    const size_t p = 11, wide = 66;
    make(d, p);
    /* columns p..wide-1 repeat column 2: the QR route (more than 64
     * columns) sets them aside as aliased and fits the first p */
    double *x = malloc(wide * N * sizeof *x);
    assert_non_null(x);
    memcpy(x, d->x, p * N * sizeof *x);
    for (size_t j = p; j < wide; j++) memcpy(x + j * N, d->x + 2 * N, N * sizeof *x);
    for (int weighted = 0; weighted < 2; weighted++) {
        const double *w = weighted ? d->w : NULL;
        obs_logit_fit *a = fit(d->x, N, p, d->y, w, NULL), *q = fit(x, N, wide, d->y, w, NULL);
        assert_int_equal(q->rank, p);
        for (size_t j = p; j < wide; j++) assert_int_equal(q->aliased[j], 1);
        assert_int_equal(a->iterations, q->iterations);
        close_to(a->deviance, q->deviance, 1e-12);
        close_to(a->null_deviance, q->null_deviance, 1e-12);
        close_to(a->aic, q->aic, 1e-12);
        for (size_t j = 0; j < p; j++) {
            close_to(a->coef[j], q->coef[j], 1e-9);
            close_to(a->se[j], q->se[j], 1e-9);
        }
        close_to(a->auc, q->auc, 1e-8);   /* a near-tie may swap: 1 pair in n1 n0 */
        obs_logit_fit_free(&a);
        obs_logit_fit_free(&q);
    }
    free(x);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(threads_same_bits),
        cmocka_unit_test(zero_weight_rows),
        cmocka_unit_test(normal_route_equals_qr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
