/*
 * test_cox_halves.c — the right-censored Cox pass runs on two fixed halves
 * of the sorted rows (cox_fit.c, cox_pass_fast): the second half starts from
 * the first half's risk set (the carry), each half's walk up for the
 * cross-product weights joins at the cut.  Checked here:
 *   - one thread and two threads give the same bits (coefficients,
 *     variance, log-likelihoods, score test);
 *   - the halves agree with the general pass (counting-process form with
 *     every start 0, one running sum over all rows) to 1e-10 relative,
 *     with one stratum (the cut inside it: the carry is used), with strata
 *     (the cut at or inside a stratum), with ties across the middle, Efron
 *     and Breslow, with fractional weights.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include "obsurv/cox.h"

#define N 50001            /* above the two-thread threshold (20000), odd */
#define P 3

static double unif(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

typedef struct {
    double t[N], zero[N], x[P * N], w[N];
    int s[N], strata[N];
} data;

/* times rounded to `round_to`: many ties (every time tied when coarse) */
static void make(data *d, double round_to, int nstrata, int weighted)
{
    unsigned long long seed = 164;
    for (size_t i = 0; i < N; i++) {
        d->x[i] = unif(&seed) < 0.4;
        d->x[N + i] = unif(&seed) * 4 - 2;
        d->x[2 * N + i] = floor(unif(&seed) * 5);
        double rate = exp(0.5 * d->x[i] + 0.3 * d->x[N + i] - 0.2 * d->x[2 * N + i]);
        const double t = -log(1 - unif(&seed)) / rate;
        d->t[i] = round_to > 0 ? round(t / round_to) * round_to + round_to : t + 0.01;
        d->s[i] = unif(&seed) < 0.7;
        d->zero[i] = 0;
        d->strata[i] = (int)(i % (size_t)nstrata);
        d->w[i] = weighted ? 0.25 + unif(&seed) : 1.0;
    }
}

static obs_cox_model *fit(const data *d, int counting, int nstrata, int weighted,
                          obs_cox_ties ties, const char *threads)
{
    setenv("OBSURV_THREADS", threads, 1);
    obs_cox_data cd = {.n = N, .p = P, .start = counting ? d->zero : NULL, .stop = d->t,
                       .status = d->s, .x = d->x, .weights = weighted ? d->w : NULL,
                       .strata = nstrata > 1 ? d->strata : NULL};
    obs_cox_options o;
    obs_cox_options_default(&o);
    o.ties = ties;
    o.concordance = 0;
    obs_cox_model *m = NULL;
    obs_error err;
    assert_int_equal(obs_cox_fit(&cd, &o, &m, &err), OBS_OK);
    unsetenv("OBSURV_THREADS");
    return m;
}

static void close_to(double a, double b, double rtol)
{
    if (rtol == 0) assert_true(a == b);
    else assert_true(fabs(a - b) <= rtol * fabs(b) + 1e-300);
}

static void same(const obs_cox_model *a, const obs_cox_model *b, double rtol)
{
    for (size_t j = 0; j < P; j++) close_to(a->coef[j], b->coef[j], rtol);
    for (size_t j = 0; j < P * P; j++) close_to(a->var[j], b->var[j], rtol);
    close_to(a->loglik_null, b->loglik_null, rtol);
    close_to(a->loglik_model, b->loglik_model, rtol);
    close_to(a->score.stat, b->score.stat, rtol);
    assert_int_equal(a->iterations, b->iterations);
}

static void check(double round_to, int nstrata, int weighted, obs_cox_ties ties)
{
    data *d = malloc(sizeof *d);
    assert_non_null(d);
    make(d, round_to, nstrata, weighted);
    obs_cox_model *h1 = fit(d, 0, nstrata, weighted, ties, "1");
    obs_cox_model *h2 = fit(d, 0, nstrata, weighted, ties, "2");
    obs_cox_model *general = fit(d, 1, nstrata, weighted, ties, "1");
    same(h1, h2, 0);
    same(h1, general, 1e-10);
    assert_true(h1->coef[0] > 0.3 && h1->coef[0] < 0.7);
    obs_cox_model_free(&h1);
    obs_cox_model_free(&h2);
    obs_cox_model_free(&general);
    free(d);
}

/* times rounded to 0.01 or 0.5 (many ties, large tied sets across the
 * cut) or continuous (0: every time its own tied set) */
static void continuous_efron(void **state) { (void)state; check(0, 1, 0, OBS_COX_EFRON); }
static void continuous_strata_weighted(void **state) { (void)state; check(0, 3, 1, OBS_COX_BRESLOW); }
static void one_stratum_efron(void **state) { (void)state; check(0.01, 1, 0, OBS_COX_EFRON); }
static void one_stratum_breslow_weighted(void **state) { (void)state; check(0.01, 1, 1, OBS_COX_BRESLOW); }
static void coarse_ties(void **state) { (void)state; check(0.5, 1, 0, OBS_COX_EFRON); }
static void two_strata(void **state) { (void)state; check(0.01, 2, 0, OBS_COX_EFRON); }
static void three_strata_weighted(void **state) { (void)state; check(0.01, 3, 1, OBS_COX_EFRON); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(continuous_efron),
        cmocka_unit_test(continuous_strata_weighted),
        cmocka_unit_test(one_stratum_efron),
        cmocka_unit_test(one_stratum_breslow_weighted),
        cmocka_unit_test(coarse_ties),
        cmocka_unit_test(two_strata),
        cmocka_unit_test(three_strata_weighted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
