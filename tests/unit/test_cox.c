/*
 * test_cox.c — the Cox fit: a case worked by hand, then properties and
 * hard cases.  (R parity on real data: tests/golden/cox, tests/r/cox.R.)
 *
 * Hand-worked example: one covariate, four rows, one tie.
 *
 *   row  time  status  x
 *    1    1      1     1
 *    2    2      1     0
 *    3    2      1     1
 *    4    3      0     0
 *
 * Let th = exp(b).  At t = 1 all four are at risk: S0 = 2 th + 2, the death
 * has x = 1.  At t = 2 rows 2-4 are at risk: S0 = th + 2; the two deaths
 * have x = 0 and 1 (sum of eta = b) and risk th + 1.
 *
 *   Breslow: l = b - log(2th+2) + b - 2 log(th+2)
 *   Efron:   l = b - log(2th+2) + b - log(th+2) - log(th+2 - (th+1)/2)
 *   Exact:   l = b - log(2th+2) + b - log(B),  B = sum over pairs of the
 *            risk set {1, th, 1} = th + 1 + th = 2th + 1
 *
 * At b = 0 (th = 1):
 *   loglik:  Breslow -log 4 - 2 log 3 = -log 36;  Efron -log 4 - log 3 - log 2
 *            = -log 24;  exact -log 4 - log 3 = -log 12.
 *   score:   t=1: 1 - xbar = 1 - 1/2 = 1/2.
 *            Breslow t=2: 1 - 2 (1/3) = 1/3            -> U = 5/6
 *            Efron t=2: 1 - [1/3 + (1/2)/2] = 5/12       -> U = 11/12
 *            exact t=2: 1 - 2th/(2th+1) = 1/3           -> U = 5/6
 *   information: t=1: 1/2 - 1/4 = 1/4.
 *            Breslow t=2: 2 (1/3 - 1/9) = 4/9           -> I = 25/36
 *            Efron t=2: k=0: S0=3, S1=S2=1: 1/3-1/9 = 2/9;
 *                       k=1: S0=2, S1=S2=1/2: 1/4-1/16 = 3/16
 *                                                       -> I = 95/144
 *            exact t=2: d/db 2th/(2th+1) = 2th/(2th+1)^2 = 2/9 -> I = 17/36
 *   score test U^2/I: Breslow 1, Efron 121/95, exact 25/17.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "obsurv/cox.h"
#include "../../src/cox_internal.h"

static const double T4[] = {1, 2, 2, 3};
static const int S4[] = {1, 1, 1, 0};
static const double X4[] = {1, 0, 1, 0};

static int close_rel(double a, double b, double tol)
{
    return fabs(a - b) <= tol * fmax(fabs(a), fabs(b)) + 1e-14;
}

static void check_pass(obs_cox_ties ties, double ll, double u, double info)
{
    obs_cox_data d = {.n = 4, .p = 1, .stop = T4, .status = S4, .x = X4};
    cox_work w;
    assert_int_equal(cox_work_init(&w, &d, ties, NULL), OBS_OK);
    double beta = 0, uu, imat;
    /* x is 0/1 so neither centred nor scaled: the pass is in x's units */
    double l = (ties == OBS_COX_EXACT) ? cox_exact_pass(&w, &beta, &uu, &imat)
                                       : cox_pass(&w, &beta, &uu, &imat);
    assert_true(close_rel(l, ll, 1e-14));
    assert_true(close_rel(uu, u, 1e-14));
    assert_true(close_rel(imat, info, 1e-14));
    cox_work_free(&w);
}

static void test_hand_pass(void **state)
{
    (void)state;
    check_pass(OBS_COX_BRESLOW, -log(36.0), 5.0 / 6, 25.0 / 36);
    check_pass(OBS_COX_EFRON, -log(24.0), 11.0 / 12, 95.0 / 144);
    check_pass(OBS_COX_EXACT, -log(12.0), 5.0 / 6, 17.0 / 36);
}

static obs_cox_model *fit(const obs_cox_data *d, obs_cox_ties ties)
{
    obs_cox_options o;
    obs_cox_options_default(&o);
    o.ties = ties;
    obs_cox_model *m = NULL;
    obs_error err;
    assert_int_equal(obs_cox_fit(d, &o, &m, &err), OBS_OK);
    return m;
}

static void test_hand_fit(void **state)
{
    (void)state;
    obs_cox_data d = {.n = 4, .p = 1, .stop = T4, .status = S4, .x = X4};
    struct { obs_cox_ties t; double ll0, sc; } c[] = {
        {OBS_COX_BRESLOW, -log(36.0), 1.0},
        {OBS_COX_EFRON, -log(24.0), 121.0 / 95},
        {OBS_COX_EXACT, -log(12.0), 25.0 / 17}};
    for (int k = 0; k < 3; k++) {
        obs_cox_model *m = fit(&d, c[k].t);
        assert_true(close_rel(m->loglik_null, c[k].ll0, 1e-13));
        assert_true(close_rel(m->score.stat, c[k].sc, 1e-13));
        /* at the estimate the score vanishes (Breslow, Efron); the exact
         * likelihood is monotone here: dl/db = 2 - th/(th+1) - 2th/(2th+1) > 0,
         * so the coefficient runs away: R's coxph(ties = "exact") also stops
         * after 20 iterations at b = 19.974944 with "Ran out of iterations" */
        if (c[k].t != OBS_COX_EXACT) {
            assert_true(m->converged);
            assert_true(fabs(m->u[0]) < 1e-6);
        } else {
            assert_false(m->converged);
            assert_int_equal(m->iterations, 20);
            assert_true(close_rel(m->coef[0], 19.974944, 1e-6));
            assert_true(m->warnings.n == 1 && strstr(m->warnings.msg[0], "did not converge"));
        }
        assert_true(m->loglik_model >= m->loglik_null);
        obs_cox_model_free(&m);
    }
    /* Breslow MLE in closed form: dl/db = 2 - 2th/(2th+2) - 2th/(th+2) = 0
     * <=> 2 = th/(th+1) + 2th/(th+2) <=> th^2 + ... : 2(th+1)(th+2) =
     * th(th+2) + 2th(th+1) <=> 2th^2+6th+4 = 3th^2+4th <=> th^2 - 2th - 4 = 0
     * <=> th = 1 + sqrt(5). */
    obs_cox_model *m = fit(&d, OBS_COX_BRESLOW);
    assert_true(close_rel(m->coef[0], log(1 + sqrt(5.0)), 1e-8));
    obs_cox_model_free(&m);
}

/* Lung-like pseudo data for the properties: deterministic, with ties. */
#define NP 60
static void make_data(double *t, int *s, double *x, double *st, double *w)
{
    unsigned r = 7;
    for (int i = 0; i < NP; i++) {
        r = r * 1103515245u + 12345u;
        x[i] = ((r >> 8) % 1000) / 100.0;                 /* x1 in [0, 10) */
        r = r * 1103515245u + 12345u;
        x[NP + i] = (double)((r >> 8) % 2);               /* x2 0/1 */
        r = r * 1103515245u + 12345u;
        t[i] = 1 + (double)((r >> 8) % 25);               /* ties */
        r = r * 1103515245u + 12345u;
        s[i] = ((r >> 8) % 4) != 0;
        st[i] = (double)(i % 3);
        w[i] = 1 + (i % 4);
    }
}

static void test_row_order(void **state)
{
    (void)state;
    double t[NP], x[2 * NP], st[NP], w[NP], t2[NP], x2[2 * NP], w2[NP];
    int s[NP], s2[NP], g[NP], g2[NP];
    make_data(t, s, x, st, w);
    for (int i = 0; i < NP; i++) g[i] = i % 2;
    for (int i = 0; i < NP; i++) {          /* reverse the rows */
        int j = NP - 1 - i;
        t2[i] = t[j]; s2[i] = s[j]; x2[i] = x[j]; x2[NP + i] = x[NP + j]; w2[i] = w[j]; g2[i] = g[j];
    }
    obs_cox_data a = {.n = NP, .p = 2, .stop = t, .status = s, .x = x, .weights = w, .strata = g};
    obs_cox_data b = {.n = NP, .p = 2, .stop = t2, .status = s2, .x = x2, .weights = w2, .strata = g2};
    for (int ties = 0; ties < 2; ties++) {
        obs_cox_model *ma = fit(&a, (obs_cox_ties)ties), *mb = fit(&b, (obs_cox_ties)ties);
        for (int j = 0; j < 2; j++) {
            assert_true(close_rel(ma->coef[j], mb->coef[j], 1e-10));
            assert_true(close_rel(ma->se[j], mb->se[j], 1e-10));
        }
        assert_true(close_rel(ma->loglik_model, mb->loglik_model, 1e-12));
        assert_true(close_rel(ma->concordance, mb->concordance, 1e-12));
        assert_true(close_rel(ma->concordance_se, mb->concordance_se, 1e-10));
        obs_cox_model_free(&ma);
        obs_cox_model_free(&mb);
    }
}

static void test_time_shift_and_scale(void **state)
{
    (void)state;
    double t[NP], x[2 * NP], st[NP], w[NP], t2[NP], x2[2 * NP];
    int s[NP];
    make_data(t, s, x, st, w);
    for (int i = 0; i < NP; i++) { t2[i] = t[i] + 1000; x2[i] = 10 * x[i]; x2[NP + i] = x[NP + i]; }
    obs_cox_data a = {.n = NP, .p = 2, .stop = t, .status = s, .x = x};
    obs_cox_data b = {.n = NP, .p = 2, .stop = t2, .status = s, .x = x2};
    obs_cox_model *ma = fit(&a, OBS_COX_EFRON), *mb = fit(&b, OBS_COX_EFRON);
    assert_true(close_rel(ma->coef[0], 10 * mb->coef[0], 1e-9));
    assert_true(close_rel(ma->se[0], 10 * mb->se[0], 1e-9));
    assert_true(close_rel(ma->coef[1], mb->coef[1], 1e-9));
    assert_true(close_rel(ma->loglik_model, mb->loglik_model, 1e-12));
    assert_true(close_rel(ma->z[0], mb->z[0], 1e-9));
    obs_cox_model_free(&ma);
    obs_cox_model_free(&mb);
}

/* A right-censored fit equals the counting-process fit with start = -1, and
 * the fit of data split at t = 5 (time-fixed covariates). */
static void test_counting_equivalence(void **state)
{
    (void)state;
    double t[NP], x[2 * NP], st[NP], w[NP];
    int s[NP];
    make_data(t, s, x, st, w);
    double start[2 * NP], stop[2 * NP], xs[4 * NP];
    int ss[2 * NP];
    size_t n = 0;
    for (int i = 0; i < NP; i++) {   /* split rows with t > 5 into (-1,5], (5,t] */
        if (t[i] > 5) {
            start[n] = -1; stop[n] = 5; ss[n] = 0; xs[n] = x[i]; xs[2 * NP + n] = x[NP + i]; n++;
            start[n] = 5; stop[n] = t[i]; ss[n] = s[i]; xs[n] = x[i]; xs[2 * NP + n] = x[NP + i]; n++;
        } else {
            start[n] = -1; stop[n] = t[i]; ss[n] = s[i]; xs[n] = x[i]; xs[2 * NP + n] = x[NP + i]; n++;
        }
    }
    /* compact x into n rows column-major */
    double *xc = malloc(2 * n * sizeof *xc);
    for (size_t i = 0; i < n; i++) { xc[i] = xs[i]; xc[n + i] = xs[2 * NP + i]; }
    obs_cox_data a = {.n = NP, .p = 2, .stop = t, .status = s, .x = x};
    obs_cox_data b = {.n = n, .p = 2, .start = start, .stop = stop, .status = ss, .x = xc};
    for (int ties = 0; ties < 3; ties++) {
        obs_cox_model *ma = fit(&a, (obs_cox_ties)ties), *mb = fit(&b, (obs_cox_ties)ties);
        for (int j = 0; j < 2; j++) {
            assert_true(close_rel(ma->coef[j], mb->coef[j], 1e-8));
            assert_true(close_rel(ma->se[j], mb->se[j], 1e-8));
        }
        assert_true(close_rel(ma->loglik_model, mb->loglik_model, 1e-12));
        assert_true(close_rel(ma->concordance, mb->concordance, 1e-12));
        obs_cox_model_free(&ma);
        obs_cox_model_free(&mb);
    }
    free(xc);
}

/* Zero weights: the same estimate as without those rows. */
static void test_zero_weights(void **state)
{
    (void)state;
    double t[NP], x[2 * NP], st[NP], w[NP], t2[NP], x2[2 * NP], w2[NP];
    int s[NP], s2[NP];
    make_data(t, s, x, st, w);
    size_t n = 0;
    for (int i = 0; i < NP; i++) if (i % 5 == 0) w[i] = 0;
    for (int i = 0; i < NP; i++) if (w[i] > 0) { t2[n] = t[i]; s2[n] = s[i]; w2[n] = w[i]; n++; }
    double *xc = malloc(2 * n * sizeof *xc);
    size_t k = 0;
    for (int i = 0; i < NP; i++) if (w[i] > 0) { xc[k] = x[i]; xc[n + k] = x[NP + i]; k++; }
    (void)x2;
    obs_cox_data a = {.n = NP, .p = 2, .stop = t, .status = s, .x = x, .weights = w};
    obs_cox_data b = {.n = n, .p = 2, .stop = t2, .status = s2, .x = xc, .weights = w2};
    obs_cox_model *ma = fit(&a, OBS_COX_EFRON), *mb = fit(&b, OBS_COX_EFRON);
    for (int j = 0; j < 2; j++) assert_true(close_rel(ma->coef[j], mb->coef[j], 1e-8));
    assert_true(close_rel(ma->loglik_model, mb->loglik_model, 1e-12));
    obs_cox_model_free(&ma);
    obs_cox_model_free(&mb);
    free(xc);
}

static void test_hard_cases(void **state)
{
    (void)state;
    obs_cox_options o;
    obs_cox_options_default(&o);
    obs_cox_model *m = NULL;
    obs_error err;
    /* no events: OBS_EFIT */
    const int none[] = {0, 0, 0, 0};
    obs_cox_data d0 = {.n = 4, .p = 1, .stop = T4, .status = none, .x = X4};
    assert_int_equal(obs_cox_fit(&d0, &o, &m, &err), OBS_EFIT);
    assert_null(m);
    assert_non_null(strstr(err.msg, "no events"));
    /* start >= stop: OBS_EDATA naming the row */
    const double bad_start[] = {0, 0, 2, 0};
    obs_cox_data d1 = {.n = 4, .p = 1, .start = bad_start, .stop = T4, .status = S4, .x = X4};
    assert_int_equal(obs_cox_fit(&d1, &o, &m, &err), OBS_EDATA);
    assert_non_null(strstr(err.msg, "row 3"));
    /* collinear columns: the second is aliased, coef NAN, a warning */
    double xx[8];
    for (int i = 0; i < 4; i++) { xx[i] = X4[i] + 0.5 * i; xx[4 + i] = 3 * xx[i]; }
    obs_cox_data d2 = {.n = 4, .p = 2, .stop = T4, .status = S4, .x = xx};
    assert_int_equal(obs_cox_fit(&d2, &o, &m, &err), OBS_OK);
    assert_int_equal(m->aliased[1], 1);
    assert_true(isnan(m->coef[1]));
    assert_true(m->lr.df == 1);
    assert_true(m->warnings.n >= 1);
    obs_cox_model_free(&m);
    /* perfect separation: converges on the loglik, warns "may be infinite" */
    const double ts[] = {1, 2, 3, 4, 5, 6};
    const int ss[] = {1, 1, 1, 1, 1, 0};
    const double xsep[] = {1, 1, 1, 0, 0, 0};
    obs_cox_data d3 = {.n = 6, .p = 1, .stop = ts, .status = ss, .x = xsep};
    assert_int_equal(obs_cox_fit(&d3, &o, &m, &err), OBS_OK);
    int found = 0;
    for (size_t k = 0; k < m->warnings.n; k++) found |= strstr(m->warnings.msg[k], "infinite") != NULL;
    assert_true(found);
    obs_cox_model_free(&m);
    /* a stratum with a single subject, huge covariate values */
    const int g[] = {0, 0, 0, 1};
    double xh[4];
    for (int i = 0; i < 4; i++) xh[i] = 1e9 + 1e3 * (X4[i] + 0.1 * i);
    obs_cox_data d4 = {.n = 4, .p = 1, .stop = T4, .status = S4, .x = xh, .strata = g};
    assert_int_equal(obs_cox_fit(&d4, &o, &m, &err), OBS_OK);
    assert_true(isfinite(m->coef[0]) && isfinite(m->loglik_model));
    obs_cox_model_free(&m);
    obs_cox_model_free(&m);   /* NULL-safe */
}

/* Martingale residuals by hand at b = 0 (max_iter 0), Breslow: the
 * cumulative hazard is 1/4 after t = 1 and 1/4 + 2/3 after t = 2, so
 * M = (1 - 1/4, 1 - 11/12, 1 - 11/12, -11/12) = (3/4, 1/12, 1/12, -11/12). */
static void test_residuals_hand(void **state)
{
    (void)state;
    obs_cox_data d = {.n = 4, .p = 1, .stop = T4, .status = S4, .x = X4};
    obs_cox_options o;
    obs_cox_options_default(&o);
    o.ties = OBS_COX_BRESLOW;
    o.max_iter = 0;
    obs_cox_model *m = NULL;
    obs_cox_residuals *r = NULL;
    assert_int_equal(obs_cox_fit(&d, &o, &m, NULL), OBS_OK);
    assert_true(m->coef[0] == 0.0);
    assert_int_equal(obs_cox_residuals_compute(&d, &o, m, OBS_COX_RESID_MARTINGALE, &r, NULL), OBS_OK);
    const double want[] = {0.75, 1.0 / 12, 1.0 / 12, -11.0 / 12};
    for (int i = 0; i < 4; i++) assert_true(fabs(r->value[i] - want[i]) < 1e-14);
    obs_cox_residuals_free(&r);
    obs_cox_model_free(&m);
}

/* At the estimate: sum w_i M_i = 0 and sum w_i L_i = u = 0; Schoenfeld
 * residuals sum to the score too; survival curves decrease, S = exp(-H). */
static void test_residual_sums(void **state)
{
    (void)state;
    double t[NP], x[2 * NP], st[NP], w[NP];
    int s[NP], g[NP];
    make_data(t, s, x, st, w);
    for (int i = 0; i < NP; i++) g[i] = i % 2;
    obs_cox_data d = {.n = NP, .p = 2, .stop = t, .status = s, .x = x, .weights = w, .strata = g};
    for (int ties = 0; ties < 2; ties++) {
        obs_cox_options o;
        obs_cox_options_default(&o);
        o.ties = (obs_cox_ties)ties;
        obs_cox_model *m = fit(&d, o.ties);
        obs_cox_residuals *r = NULL;
        assert_int_equal(obs_cox_residuals_compute(&d, &o, m, OBS_COX_RESID_MARTINGALE, &r, NULL), OBS_OK);
        double sm = 0;
        for (int i = 0; i < NP; i++) sm += w[i] * r->value[i];
        assert_true(fabs(sm) < 1e-10);
        obs_cox_residuals_free(&r);
        assert_int_equal(obs_cox_residuals_compute(&d, &o, m, OBS_COX_RESID_SCORE, &r, NULL), OBS_OK);
        for (int j = 0; j < 2; j++) {
            double su = 0;
            for (int i = 0; i < NP; i++) su += w[i] * r->value[i * 2 + j];
            assert_true(fabs(su) < 1e-6);
        }
        obs_cox_residuals_free(&r);
        double z[2] = {5.0, 1.0};
        obs_cox_survfit *sf = NULL;
        assert_int_equal(obs_cox_survfit_compute(&d, &o, m, 1, z, NULL, NULL, &sf, NULL), OBS_OK);
        assert_int_equal(sf->ncurves, 2);   /* one per stratum */
        for (size_t c = 0; c < sf->ncurves; c++)
            for (size_t i = 0; i < sf->curve[c].ntime; i++) {
                assert_true(fabs(sf->curve[c].surv[i] - exp(-sf->curve[c].cumhaz[i])) < 1e-15);
                if (i) assert_true(sf->curve[c].surv[i] <= sf->curve[c].surv[i - 1]);
                assert_true(sf->curve[c].lower[i] <= sf->curve[c].surv[i] && sf->curve[c].surv[i] <= sf->curve[c].upper[i]);
            }
        obs_cox_survfit_free(&sf);
        obs_cox_zph *zp = NULL;
        assert_int_equal(obs_cox_zph_compute(&d, &o, m, NULL, OBS_ZPH_KM, &zp, NULL), OBS_OK);
        assert_int_equal(zp->nterms, 2);
        assert_true(zp->df[2] == 2 && zp->chisq[2] >= 0);
        obs_cox_zph_free(&zp);
        obs_cox_model_free(&m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_pass),
        cmocka_unit_test(test_hand_fit),
        cmocka_unit_test(test_row_order),
        cmocka_unit_test(test_time_shift_and_scale),
        cmocka_unit_test(test_counting_equivalence),
        cmocka_unit_test(test_zero_weights),
        cmocka_unit_test(test_hard_cases),
        cmocka_unit_test(test_residuals_hand),
        cmocka_unit_test(test_residual_sums),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
