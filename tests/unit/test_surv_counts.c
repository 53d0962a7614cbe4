/*
 * test_surv_counts.c — the sort-free route of Kaplan-Meier and the log-rank
 * test (obs_surv_counts, src/km.c): with decimal times and unit weights
 * the curves and the test come from counts by (stratum, time, group)
 * instead of sorted rows.  Both routes see the same integer counts per
 * time, so they must agree bit for bit:
 *   - KM without weights (counts) = KM with weights all 1 (the sorted
 *     route), every array of every curve;
 *   - the log-rank test depends on the times only through their order:
 *     times t (decimals, counts) = times pi t (not decimals, the sorted
 *     route), observed, expected, variance, chi-square, with strata and
 *     rho 0 and 1.
 * 50,003 rows, three groups, two strata, many ties, a group with no rows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/km.h"
#include "obsurv/logrank.h"

#define N 50003

static double unif(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static struct { double t[N], tpi[N], one[N]; int s[N], g[N], st[N]; } d;

static void make(void)
{
    unsigned long long seed = 99;
    for (size_t i = 0; i < N; i++) {
        d.g[i] = (int)(unif(&seed) * 3);                  /* 0..2; group 3 stays empty */
        d.st[i] = unif(&seed) < 0.4;
        d.t[i] = round(-log(1 - unif(&seed)) * (1 + d.g[i]) * 100) / 100;   /* two decimals, ties */
        d.tpi[i] = d.t[i] * M_PI;
        d.s[i] = unif(&seed) < 0.7;
        d.one[i] = 1.0;
    }
}

static void same_array(const double *a, const double *b, size_t n)
{
    assert_memory_equal(a, b, n * sizeof *a);
}

static void km_routes_agree(void **state)
{
    (void)state;
    make();
    obs_km *a = NULL, *b = NULL;
    obs_error err;
    assert_int_equal(obs_km_estimate(N, d.t, d.s, NULL, d.g, 4, NULL, &a, &err), OBS_OK);
    assert_int_equal(obs_km_estimate(N, d.t, d.s, d.one, d.g, 4, NULL, &b, &err), OBS_OK);
    assert_int_equal(a->ncurves, b->ncurves);
    for (size_t g = 0; g < a->ncurves; g++) {
        const obs_km_curve *x = &a->curves[g], *y = &b->curves[g];
        assert_int_equal(x->n, y->n);
        assert_int_equal(x->ntime, y->ntime);
        assert_true(x->n_weighted == y->n_weighted && x->events == y->events);
        same_array(x->time, y->time, x->ntime);
        same_array(x->n_risk, y->n_risk, x->ntime);
        same_array(x->n_event, y->n_event, x->ntime);
        same_array(x->n_censor, y->n_censor, x->ntime);
        same_array(x->surv, y->surv, x->ntime);
        same_array(x->std_err, y->std_err, x->ntime);
        same_array(x->lower, y->lower, x->ntime);
        same_array(x->upper, y->upper, x->ntime);
        assert_memory_equal(&x->median, &y->median, sizeof x->median);
        assert_memory_equal(&x->median_lower, &y->median_lower, sizeof x->median_lower);
        assert_memory_equal(&x->median_upper, &y->median_upper, sizeof x->median_upper);
    }
    assert_int_equal(a->curves[3].ntime, 0);
    obs_km_free(&a);
    obs_km_free(&b);
}

static void logrank_routes_agree(void **state)
{
    (void)state;
    make();
    for (int strat = 0; strat < 2; strat++)
        for (int rho = 0; rho < 2; rho++) {
            obs_logrank *a = NULL, *b = NULL;
            obs_error err;
            const int *st = strat ? d.st : NULL;
            assert_int_equal(obs_logrank_test(N, d.t, d.s, d.g, 3, st, 2, rho, &a, &err), OBS_OK);
            assert_int_equal(obs_logrank_test(N, d.tpi, d.s, d.g, 3, st, 2, rho, &b, &err), OBS_OK);
            same_array(a->observed, b->observed, 3);
            same_array(a->expected, b->expected, 3);
            same_array(a->observed_strata, b->observed_strata, 3 * a->nstrata);
            same_array(a->expected_strata, b->expected_strata, 3 * a->nstrata);
            same_array(a->var, b->var, 9);
            assert_memory_equal(&a->chisq, &b->chisq, sizeof a->chisq);
            assert_int_equal(a->df, b->df);
            obs_logrank_free(&a);
            obs_logrank_free(&b);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(km_routes_agree),
        cmocka_unit_test(logrank_routes_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
