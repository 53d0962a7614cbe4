/*
 * test_simd.c — the AVX2 + FMA tiles (tile_kernel.h; chosen at run time,
 * OBSURV_SIMD=portable turns them off) against the portable SSE2 tiles: the
 * Cox information and the logistic X'WX change by rounding only, so the
 * fits agree to 1e-12 relative (coefficients, variances, log-likelihoods,
 * deviances).  Columns p = 1, 3, 4, 5, 11 (whole, partial and several
 * tiles).  The vector exp of the Cox risk weights against glibc's exp.
 * On a CPU without AVX2 both runs take the portable path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include "obsurv/cox.h"
#include "obsurv/logit.h"
#include "../../src/tile_kernel.h"

#define N 30011
#define PMAX 11

static double unif(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

typedef struct {
    double t[N], x[PMAX * N], y[N], lx[(PMAX + 1) * N];
    int s[N];
} data;

static void make(data *d)
{
    unsigned long long seed = 2011;
    for (size_t i = 0; i < N; i++) {
        double eta = 0;
        for (size_t j = 0; j < PMAX; j++) {
            d->x[j * N + i] = j == 0 ? (unif(&seed) < 0.4) : unif(&seed) * 4 - 2;
            eta += (j % 3 == 0 ? 0.2 : -0.1) * d->x[j * N + i];
        }
        d->t[i] = round(-log(1 - unif(&seed)) / exp(eta) * 100) / 100 + 0.01;
        d->s[i] = unif(&seed) < 0.7;
        d->y[i] = unif(&seed) < 1 / (1 + exp(-eta));
        d->lx[i] = 1.0;
        for (size_t j = 0; j < PMAX; j++) d->lx[(j + 1) * N + i] = d->x[j * N + i];
    }
}

static void close_to(double a, double b)
{
    assert_true(fabs(a - b) <= 1e-12 * fabs(b) + 1e-300);
}

static obs_cox_model *cox(const data *d, size_t p, const char *simd)
{
    if (simd) setenv("OBSURV_SIMD", simd, 1);
    obs_cox_data cd = {.n = N, .p = p, .stop = d->t, .status = d->s, .x = d->x};
    obs_cox_options o;
    obs_cox_options_default(&o);
    o.concordance = 0;
    obs_cox_model *m = NULL;
    obs_error err;
    assert_int_equal(obs_cox_fit(&cd, &o, &m, &err), OBS_OK);
    unsetenv("OBSURV_SIMD");
    return m;
}

static obs_logit_fit *logit(const data *d, size_t p, const char *simd)
{
    if (simd) setenv("OBSURV_SIMD", simd, 1);
    obs_logit_fit *f = NULL;
    obs_error err;
    assert_int_equal(obs_logit_fit_irls(d->lx, N, p + 1, d->y, NULL, 1, NULL, NULL, &f, &err), OBS_OK);
    unsetenv("OBSURV_SIMD");
    return f;
}

static void fits_agree(void **state)
{
    (void)state;
    data *d = malloc(sizeof *d);
    assert_non_null(d);
    make(d);
    const size_t ps[] = {1, 3, 4, 5, 11};
    for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
        const size_t p = ps[k];
        obs_cox_model *a = cox(d, p, NULL), *b = cox(d, p, "portable");
        for (size_t j = 0; j < p; j++) close_to(a->coef[j], b->coef[j]);
        for (size_t j = 0; j < p * p; j++) close_to(a->var[j], b->var[j]);
        close_to(a->loglik_model, b->loglik_model);
        assert_int_equal(a->iterations, b->iterations);
        obs_cox_model_free(&a);
        obs_cox_model_free(&b);

        obs_logit_fit *f = logit(d, p, NULL), *g = logit(d, p, "portable");
        for (size_t j = 0; j <= p; j++) {
            close_to(f->coef[j], g->coef[j]);
            close_to(f->se[j], g->se[j]);
        }
        close_to(f->deviance, g->deviance);
        assert_int_equal(f->iterations, g->iterations);
        obs_logit_fit_free(&f);
        obs_logit_fit_free(&g);
    }
    free(d);
}

/* the vector exp (simd.c) against glibc's on random arguments in
 * [-700, 700] and [-1, 1], and 0, +-1, +-700, 1e-300; the tail of a length
 * that is not a multiple of 4 included; exp(0) exact */
static void vector_exp(void **state)
{
    (void)state;
#ifdef OBS_HAVE_FMA_KERNEL
    if (!obs_simd_fma()) skip();
    enum { M = 100003 };
    double *x = malloc(M * sizeof *x), *wt = malloc(M * sizeof *wt), *out = malloc(M * sizeof *out);
    assert_non_null(x); assert_non_null(wt); assert_non_null(out);
    unsigned long long seed = 7;
    for (size_t i = 0; i < M; i++) {
        const double u = unif(&seed);
        x[i] = i % 2 ? (u - 0.5) * 1400 : (u - 0.5) * 2;
        wt[i] = i % 3 ? 1.0 : 0.5 + u;
    }
    x[0] = 0; x[1] = 1; x[2] = -1; x[3] = 700; x[4] = -700; x[5] = 1e-300;
    obs_scaled_exp_fma(out, wt, x, M);
    /* weight 1: the exp alone, within 1 ulp of glibc's (itself within 0.5
     * ulp of exact); other weights: a product rounded on both sides, within
     * 2.5 ulp */
    double worst1 = 0, worstw = 0;
    for (size_t i = 0; i < M; i++) {
        const double ref = wt[i] * exp(x[i]);
        const double ulps = fabs(out[i] - ref) / (nextafter(fabs(ref), INFINITY) - fabs(ref));
        if (wt[i] == 1.0) { if (ulps > worst1) worst1 = ulps; }
        else if (ulps > worstw) worstw = ulps;
    }
    assert_true(worst1 <= 1.0);
    assert_true(worstw <= 2.5);
    assert_true(out[0] == wt[0]);
    free(x); free(wt); free(out);
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vector_exp),
        cmocka_unit_test(fits_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
