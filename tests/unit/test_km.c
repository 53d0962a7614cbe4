/*
 * test_km.c — Kaplan–Meier: a hand-worked exact case, R numbers for the
 * weighted (robust) variance and summary(times=), properties, bad input.
 *
 * The hand-worked case (six rows; a tie at t = 2 and a censoring at the
 * event time t = 4):
 *
 *     time   1  2  2  3  4  4
 *     status 1  1  0  1  0  1
 *
 *   t   n  d  c   S(t)                 Greenwood sum d/(n(n-d))     SE(S) = S sqrt(sum)
 *   1   6  1  0   5/6                  1/30                         5/6 sqrt(1/30)
 *   2   5  1  1   5/6*4/5 = 2/3        1/30 + 1/20 = 1/12           2/3 sqrt(1/12)
 *   3   3  1  0   2/3*2/3 = 4/9        1/12 + 1/6  = 1/4            4/9 * 1/2 = 2/9
 *   4   2  1  1   4/9*1/2 = 2/9        1/4  + 1/2  = 3/4            2/9 sqrt(3/4)
 *
 * Median: S first falls below 0.5 at t = 3, so 3.  Log interval, 95%:
 * lower(t) = S exp(-1.96 sqrt(sum)) = 0.5827, 0.3786, 0.1668, 0.0407 — below
 * 0.5 first at t = 2 (median_lower 2); upper = min(1, ...) = 1 throughout, so
 * median_upper is "not reached" (NaN).  The log-rank part of this example is
 * in test_logrank.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "obsurv/km.h"

static void close_to(double got, double want, double rtol, const char *what)
{
    if (isnan(want)) {
        if (!isnan(got)) fail_msg("%s: got %.17g, want NaN", what, got);
        return;
    }
    if (!(fabs(got - want) <= rtol * fmax(fabs(got), fabs(want)) + 1e-300))
        fail_msg("%s: got %.17g, want %.17g", what, got, want);
}

static const double T6[6] = {1, 2, 2, 3, 4, 4};
static const int D6[6] = {1, 1, 0, 1, 0, 1};

static void test_hand_worked(void **state)
{
    (void)state;
    obs_km *km = NULL;
    obs_error err;
    assert_int_equal(obs_km_estimate(6, T6, D6, NULL, NULL, 1, NULL, &km, &err), OBS_OK);
    assert_int_equal(km->ncurves, 1);
    const obs_km_curve *c = &km->curves[0];
    const double time[4] = {1, 2, 3, 4}, nr[4] = {6, 5, 3, 2}, ne[4] = {1, 1, 1, 1},
                 nc[4] = {0, 1, 0, 1};
    const double s[4] = {5.0 / 6, 2.0 / 3, 4.0 / 9, 2.0 / 9};
    const double gw[4] = {1.0 / 30, 1.0 / 12, 1.0 / 4, 3.0 / 4};
    assert_int_equal(c->ntime, 4);
    assert_int_equal(c->n, 6);
    close_to(c->events, 4, 1e-12, "events");
    for (int k = 0; k < 4; k++) {
        close_to(c->time[k], time[k], 1e-12, "time");
        close_to(c->n_risk[k], nr[k], 1e-12, "n_risk");
        close_to(c->n_event[k], ne[k], 1e-12, "n_event");
        close_to(c->n_censor[k], nc[k], 1e-12, "n_censor");
        close_to(c->surv[k], s[k], 1e-12, "surv");
        close_to(c->std_err[k], s[k] * sqrt(gw[k]), 1e-12, "std_err");
        assert_true(c->upper[k] == 1.0);
    }
    /* lower from R: survfit(Surv(time, status) ~ 1, data = d)$lower, digits = 17 */
    const double lower_r[4] = {0.58265479547713961, 0.37860646088709510,
                               0.16680793662807852, 0.04070289748090504};
    for (int k = 0; k < 4; k++) close_to(c->lower[k], lower_r[k], 1e-12, "lower");
    close_to(c->median, 3, 1e-12, "median");
    close_to(c->median_lower, 2, 1e-12, "median_lower");
    assert_true(isnan(c->median_upper));
    assert_int_equal(km->robust, 0);
    obs_km_free(&km);
    assert_null(km);
    obs_km_free(NULL);
}

/* Plain and log-log on the same data: plain = S -+ 1.96 SE clipped to [0,1];
 * log-log uses the transform of km.h.  Checked against the formulas. */
static void test_conf_types(void **state)
{
    (void)state;
    obs_km *km = NULL;
    obs_km_options opt;
    const double z = 1.959963984540054;
    const double s[4] = {5.0 / 6, 2.0 / 3, 4.0 / 9, 2.0 / 9};
    const double gw[4] = {1.0 / 30, 1.0 / 12, 1.0 / 4, 3.0 / 4};
    obs_km_options_default(&opt);
    opt.conf_type = OBS_KM_CONF_PLAIN;
    assert_int_equal(obs_km_estimate(6, T6, D6, NULL, NULL, 1, &opt, &km, NULL), OBS_OK);
    for (int k = 0; k < 4; k++) {
        double se = s[k] * sqrt(gw[k]);
        close_to(km->curves[0].lower[k], fmax(0, s[k] - z * se), 1e-12, "plain lower");
        close_to(km->curves[0].upper[k], fmin(1, s[k] + z * se), 1e-12, "plain upper");
    }
    obs_km_free(&km);
    opt.conf_type = OBS_KM_CONF_LOGLOG;
    assert_int_equal(obs_km_estimate(6, T6, D6, NULL, NULL, 1, &opt, &km, NULL), OBS_OK);
    for (int k = 0; k < 4; k++) {
        double h = z * sqrt(gw[k]) / log(s[k]);
        close_to(km->curves[0].lower[k], exp(-exp(log(-log(s[k])) - h)), 1e-12, "loglog lower");
        close_to(km->curves[0].upper[k], exp(-exp(log(-log(s[k])) + h)), 1e-12, "loglog upper");
    }
    obs_km_free(&km);
}

/*
 * Non-integer weights: R switches to the infinitesimal-jackknife SE.
 *   d$w <- c(1.5, 0.5, 2, 1, 0.7, 1.2)
 *   f <- survfit(Surv(time, status) ~ 1, data = d, weights = w)
 *   print(f$surv, digits = 17); print(f$std.err, digits = 17); print(f$lower, digits = 17)
 */
static void test_weights_robust(void **state)
{
    (void)state;
    const double w[6] = {1.5, 0.5, 2, 1, 0.7, 1.2};
    const double surv_r[4] = {0.78260869565217395, 0.71014492753623193,
                              0.46526736631684157, 0.17141429285357324};
    const double se_r[4] = {0.18992648863391975, 0.19674921473512780,
                            0.23718597048524173, 0.16313015574754292};
    const double lower_r[4] = {0.48637562776594528, 0.41258870211589649,
                               0.17130634971359876, 0.02654498542665212};
    const double nrisk[4] = {6.9, 5.4, 2.9, 1.9};
    obs_km *km = NULL;
    assert_int_equal(obs_km_estimate(6, T6, D6, w, NULL, 1, NULL, &km, NULL), OBS_OK);
    assert_int_equal(km->robust, 1);
    for (int k = 0; k < 4; k++) {
        close_to(km->curves[0].n_risk[k], nrisk[k], 1e-12, "weighted n_risk");
        close_to(km->curves[0].surv[k], surv_r[k], 1e-12, "weighted surv");
        close_to(km->curves[0].std_err[k], se_r[k], 1e-12, "robust std_err");
        close_to(km->curves[0].lower[k], lower_r[k], 1e-12, "robust lower");
    }
    close_to(km->curves[0].n_weighted, 6.9, 1e-12, "n_weighted");
    close_to(km->curves[0].events, 4.2, 1e-12, "weighted events");
    obs_km_free(&km);

    /* Integer weights are frequency weights: same as repeating the rows. */
    const double w2[6] = {2, 1, 3, 1, 1, 2};
    double tt[10]; int dd[10]; size_t m = 0;
    for (int i = 0; i < 6; i++)
        for (int r = 0; r < (int)w2[i]; r++) { tt[m] = T6[i]; dd[m] = D6[i]; m++; }
    obs_km *a = NULL, *b = NULL;
    assert_int_equal(obs_km_estimate(6, T6, D6, w2, NULL, 1, NULL, &a, NULL), OBS_OK);
    assert_int_equal(obs_km_estimate(m, tt, dd, NULL, NULL, 1, NULL, &b, NULL), OBS_OK);
    assert_int_equal(a->robust, 0);
    for (size_t k = 0; k < a->curves[0].ntime; k++) {
        close_to(a->curves[0].surv[k], b->curves[0].surv[k], 1e-12, "freq surv");
        close_to(a->curves[0].std_err[k], b->curves[0].std_err[k], 1e-12, "freq se");
    }
    obs_km_free(&a); obs_km_free(&b);
}

/*
 * summary(fit, times = c(-1, 0.5, 2, 2.5, 10), extend = TRUE) in R:
 *   time n.risk n.event n.censor surv               std.err             lower
 *   -1   6      0       0        1                  0                   1
 *   0.5  6      0       0        1                  0                   1
 *   2    5      2       1        0.66666666666666674 0.19245008972987529 0.37860646088709510
 *   2.5  3      0       0        0.66666666666666674 0.19245008972987529 0.37860646088709510
 *   10   0      2       1        0.22222222222222224 0.19245008972987526 0.04070289748090504
 */
static void test_at_times(void **state)
{
    (void)state;
    obs_km *km = NULL;
    const double times[5] = {-1, 0.5, 2, 2.5, 10};
    const double nr[5] = {6, 6, 5, 3, 0}, ne[5] = {0, 0, 2, 0, 2}, nc[5] = {0, 0, 1, 0, 1};
    const double s[5] = {1, 1, 2.0 / 3, 2.0 / 3, 2.0 / 9};
    const double se[5] = {0, 0, 0.19245008972987529, 0.19245008972987529, 0.19245008972987526};
    const double lo[5] = {1, 1, 0.37860646088709510, 0.37860646088709510, 0.04070289748090504};
    obs_km_point pt[5];
    assert_int_equal(obs_km_estimate(6, T6, D6, NULL, NULL, 1, NULL, &km, NULL), OBS_OK);
    assert_true(obs_km_start_time(km) == 0);
    obs_km_at(&km->curves[0], obs_km_start_time(km), times, 5, pt);
    for (int k = 0; k < 5; k++) {
        close_to(pt[k].n_risk, nr[k], 1e-12, "at n_risk");
        close_to(pt[k].n_event, ne[k], 1e-12, "at n_event");
        close_to(pt[k].n_censor, nc[k], 1e-12, "at n_censor");
        close_to(pt[k].surv, s[k], 1e-12, "at surv");
        close_to(pt[k].std_err, se[k], 1e-12, "at std_err");
        close_to(pt[k].lower, lo[k], 1e-12, "at lower");
        close_to(pt[k].upper, 1, 1e-12, "at upper");
    }
    obs_km_free(&km);
}

/*
 * Median rules of print.survfit (survmean):
 *   summary(survfit(Surv(1:4, c(1,1,0,1)) ~ 1))$table["median"] = 3: S = 0.5
 *   exactly from t = 2 until the drop at t = 4, so the midpoint (2 + 4) / 2;
 *   summary(survfit(Surv(1:4, c(1,1,0,0)) ~ 1))$table["median"] = 2: S stays
 *   at 0.5 to the end, print.survfit takes the first time.
 * And a curve that never reaches 0.5 has no median.
 */
static void test_median_rules(void **state)
{
    (void)state;
    const double t[4] = {1, 2, 3, 4};
    const int s1[4] = {1, 1, 0, 1}, s2[4] = {1, 1, 0, 0}, s3[4] = {1, 0, 0, 0};
    obs_km *km = NULL;
    assert_int_equal(obs_km_estimate(4, t, s1, NULL, NULL, 1, NULL, &km, NULL), OBS_OK);
    close_to(km->curves[0].median, 3, 1e-12, "flat median");
    close_to(km->curves[0].median_lower, 1, 1e-12, "flat median lower");
    obs_km_free(&km);
    assert_int_equal(obs_km_estimate(4, t, s2, NULL, NULL, 1, NULL, &km, NULL), OBS_OK);
    close_to(km->curves[0].median, 2, 1e-12, "flat-to-end median");
    obs_km_free(&km);
    assert_int_equal(obs_km_estimate(4, t, s3, NULL, NULL, 1, NULL, &km, NULL), OBS_OK);
    assert_true(isnan(km->curves[0].median));
    obs_km_free(&km);
}

/* Deterministic pseudo-random data for the properties. */
static uint64_t lcg(uint64_t *s) { *s = *s * 6364136223846793005ULL + 1442695040888963407ULL; return *s >> 33; }

static void make_data(size_t n, double *t, int *d, int *g, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        t[i] = (double)(lcg(&seed) % 60);      /* many ties */
        d[i] = (int)(lcg(&seed) % 3 != 0);
        g[i] = (int)(lcg(&seed) % 3);
    }
}

static void same_curves(const obs_km_curve *a, const obs_km_curve *b)
{
    assert_int_equal(a->ntime, b->ntime);
    assert_int_equal(a->n, b->n);
    for (size_t k = 0; k < a->ntime; k++) {
        close_to(a->time[k], b->time[k], 0, "time");
        close_to(a->n_risk[k], b->n_risk[k], 1e-14, "n_risk");
        close_to(a->surv[k], b->surv[k], 1e-14, "surv");
        close_to(a->std_err[k], b->std_err[k], 1e-14, "std_err");
        close_to(a->lower[k], b->lower[k], 1e-14, "lower");
        close_to(a->upper[k], b->upper[k], 1e-14, "upper");
    }
    close_to(a->median, b->median, 0, "median");
    close_to(a->median_lower, b->median_lower, 0, "median_lower");
    close_to(a->median_upper, b->median_upper, 0, "median_upper");
}

/* Shuffling rows changes nothing; permuting the group codes (renaming
 * levels) only permutes the curves. */
static void test_properties(void **state)
{
    (void)state;
    enum { N = 500 };
    double t[N], t2[N], w[N], w2[N];
    int d[N], g[N], d2[N], g2[N], gp[N];
    size_t perm[N];
    uint64_t seed = 42;
    make_data(N, t, d, g, 7);
    for (size_t i = 0; i < N; i++) { perm[i] = i; w[i] = 0.5 + (double)(lcg(&seed) % 100) / 37.0; }
    for (size_t i = N - 1; i > 0; i--) {
        size_t j = lcg(&seed) % (i + 1), x = perm[i];
        perm[i] = perm[j]; perm[j] = x;
    }
    for (size_t i = 0; i < N; i++) {
        t2[i] = t[perm[i]]; d2[i] = d[perm[i]]; g2[i] = g[perm[i]]; w2[i] = w[perm[i]];
        gp[i] = (g[i] + 1) % 3;   /* level k renamed to k+1 */
    }
    for (int weighted = 0; weighted < 2; weighted++) {
        obs_km *a = NULL, *b = NULL, *c = NULL;
        assert_int_equal(obs_km_estimate(N, t, d, weighted ? w : NULL, g, 3, NULL, &a, NULL), OBS_OK);
        assert_int_equal(obs_km_estimate(N, t2, d2, weighted ? w2 : NULL, g2, 3, NULL, &b, NULL), OBS_OK);
        assert_int_equal(obs_km_estimate(N, t, d, weighted ? w : NULL, gp, 3, NULL, &c, NULL), OBS_OK);
        for (int k = 0; k < 3; k++) {
            same_curves(&a->curves[k], &b->curves[k]);
            same_curves(&a->curves[k], &c->curves[(k + 1) % 3]);
        }
        obs_km_free(&a); obs_km_free(&b); obs_km_free(&c);
    }
}

/* The sort: by key, then time, stable. */
static void test_order(void **state)
{
    (void)state;
    const double t[8] = {3, -1, 2.5, 0.0, -0.0, 3, 1e300, -2};
    const int key[8] = {1, 0, 1, 0, 0, 1, 0, 1};
    const size_t want[8] = {1, 3, 4, 6, 7, 2, 0, 5};
    size_t o[8];
    assert_int_equal(obs_survival_order(8, t, key, 2, o, NULL), OBS_OK);
    for (int i = 0; i < 8; i++) assert_int_equal(o[i], want[i]);
}

static void test_bad_input(void **state)
{
    (void)state;
    obs_km *km = NULL;
    obs_error err;
    obs_km_options opt;
    const int bad_status[6] = {1, 2, 0, 1, 0, 1};
    const double bad_time[6] = {1, NAN, 2, 3, 4, 4};
    const double bad_w[6] = {1, 1, -1, 1, 1, 1};
    const int bad_group[6] = {0, 0, 1, 0, 3, 0};
    assert_int_equal(obs_km_estimate(6, T6, bad_status, NULL, NULL, 1, NULL, &km, &err), OBS_EDATA);
    assert_non_null(strstr(err.msg, "row 2"));
    assert_null(km);
    assert_int_equal(obs_km_estimate(6, bad_time, D6, NULL, NULL, 1, NULL, &km, &err), OBS_EDATA);
    assert_int_equal(obs_km_estimate(6, T6, D6, bad_w, NULL, 1, NULL, &km, &err), OBS_EDATA);
    assert_non_null(strstr(err.msg, "row 3"));
    assert_int_equal(obs_km_estimate(6, T6, D6, NULL, bad_group, 2, NULL, &km, &err), OBS_EUSAGE);
    obs_km_options_default(&opt);
    opt.conf_level = 1.5;
    assert_int_equal(obs_km_estimate(6, T6, D6, NULL, NULL, 1, &opt, &km, &err), OBS_EUSAGE);
    obs_km_conf_type ct;
    assert_int_equal(obs_km_conf_type_parse("loglog", &ct), -1);
    assert_int_equal(obs_km_conf_type_parse("log-log", &ct), 0);
    assert_int_equal(ct, OBS_KM_CONF_LOGLOG);
    assert_null(km);
}

/* All at risk die at the last time: S = 0, Greenwood SE NaN, interval NA;
 * with non-integer weights the robust SE is 0 (both as R). */
static void test_all_die(void **state)
{
    (void)state;
    const double t[3] = {1, 2, 2};
    const int d[3] = {1, 1, 1};
    const double w[3] = {1.5, 1, 0.5};
    obs_km *km = NULL;
    assert_int_equal(obs_km_estimate(3, t, d, NULL, NULL, 1, NULL, &km, NULL), OBS_OK);
    assert_true(km->curves[0].surv[1] == 0);
    assert_true(isnan(km->curves[0].std_err[1]));
    assert_true(isnan(km->curves[0].lower[1]) && isnan(km->curves[0].upper[1]));
    obs_km_free(&km);
    assert_int_equal(obs_km_estimate(3, t, d, w, NULL, 1, NULL, &km, NULL), OBS_OK);
    assert_true(km->curves[0].std_err[1] == 0);
    obs_km_free(&km);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_worked),
        cmocka_unit_test(test_conf_types),
        cmocka_unit_test(test_weights_robust),
        cmocka_unit_test(test_at_times),
        cmocka_unit_test(test_median_rules),
        cmocka_unit_test(test_properties),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_all_die),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
