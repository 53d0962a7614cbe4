/*
 * test_simd.c — the AVX2 + FMA tiles (tile_kernel.h; chosen at run time,
 * OBSURV_SIMD=portable turns them off) against the portable SSE2 tiles: the
 * Cox information and the logistic X'WX change by rounding only, so the
 * fits agree to 1e-12 relative (coefficients, variances, log-likelihoods,
 * deviances).  Columns p = 1, 3, 4, 5, 11 (whole, partial and several
 * tiles), and the logistic fit with prior weights.  The vector exp of the
 * Cox risk weights and the logistic fit's vector exp and log against
 * glibc's.
 * On a CPU without AVX2 both runs take the portable path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include <stdlib.h>
#include "obsurv/cox.h"
#include "obsurv/logit.h"
#include "../../src/simd_math.h"

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

#ifdef OBS_HAVE_FMA_KERNEL
__attribute__((target("avx2,fma")))
static void log_all(double *out, const double *x, size_t n)
{
    for (size_t k = 0; k + 4 <= n; k += 4) _mm256_storeu_pd(out + k, obs_log4(_mm256_loadu_pd(x + k)));
}
#endif

/* obs_log4 (simd_math.h) against glibc's log on random arguments in
 * (0, 1), (0.5, 1.5), e^[-700, 700] and 1 +- 5e-7, and 1 (exact 0),
 * DBL_MIN, DBL_MAX, 2, 0.5, DBL_EPSILON, 1 - DBL_EPSILON / 2, sqrt(2):
 * within 1 ulp of glibc's (itself within 0.5 ulp of exact) */
static void vector_log(void **state)
{
    (void)state;
#ifdef OBS_HAVE_FMA_KERNEL
    if (!obs_simd_fma()) skip();
    enum { M = 400000 };
    double *x = malloc(M * sizeof *x), *out = malloc(M * sizeof *out);
    assert_non_null(x); assert_non_null(out);
    unsigned long long seed = 3;
    for (size_t i = 0; i < M; i++) {
        const double u = unif(&seed);
        switch (i % 4) {
        case 0: x[i] = u > 0 ? u : 0.5; break;
        case 1: x[i] = 0.5 + u; break;
        case 2: x[i] = exp((u - 0.5) * 1400); break;
        default: x[i] = 1 + (u - 0.5) * 1e-6;
        }
    }
    const double special[] = {1.0, DBL_MIN, DBL_MAX, 2.0, 0.5, DBL_EPSILON, 1 - DBL_EPSILON / 2, M_SQRT2};
    memcpy(x, special, sizeof special);
    log_all(out, x, M);
    double worst = 0;
    for (size_t i = 0; i < M; i++) {
        const double ref = log(x[i]);
        if (ref == 0) { assert_true(out[i] == 0); continue; }
        const double ulps = fabs(out[i] - ref) / (nextafter(fabs(ref), INFINITY) - fabs(ref));
        if (ulps > worst) worst = ulps;
    }
    assert_true(worst <= 1.0);
    free(x); free(out);
#else
    skip();
#endif
}

/* the logistic fit with prior weights (some zero): AVX2 + FMA and
 * portable kernels agree to 1e-12 */
static void weighted_logit_agrees(void **state)
{
    (void)state;
    data *d = malloc(sizeof *d);
    assert_non_null(d);
    make(d);
    double *w = malloc(N * sizeof *w);
    assert_non_null(w);
    unsigned long long seed = 5;
    for (size_t i = 0; i < N; i++) w[i] = i % 5 == 0 ? 0.0 : 0.25 + 2 * unif(&seed);
    const size_t p = 11;
    obs_logit_fit *f[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        if (k) setenv("OBSURV_SIMD", "portable", 1);
        obs_error err;
        assert_int_equal(obs_logit_fit_irls(d->lx, N, p + 1, d->y, w, 1, NULL, NULL, &f[k], &err), OBS_OK);
        unsetenv("OBSURV_SIMD");
    }
    for (size_t j = 0; j <= p; j++) {
        close_to(f[0]->coef[j], f[1]->coef[j]);
        close_to(f[0]->se[j], f[1]->se[j]);
    }
    close_to(f[0]->deviance, f[1]->deviance);
    close_to(f[0]->aic, f[1]->aic);
    assert_int_equal(f[0]->iterations, f[1]->iterations);
    obs_logit_fit_free(&f[0]);
    obs_logit_fit_free(&f[1]);
    free(w);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vector_exp),
        cmocka_unit_test(vector_log),
        cmocka_unit_test(weighted_logit_agrees),
        cmocka_unit_test(fits_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
