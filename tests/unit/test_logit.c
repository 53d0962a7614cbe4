/*
 * test_logit.c — logistic regression (src/logit.c): hand-worked cases, AUC,
 * aliasing, separation and bad input.  R parity on real data is in
 * tests/golden/logit (tests/r/logit.R).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include "obsurv/logit.h"

static void assert_close(double a, double b, double rtol)
{
    double scale = fmax(fabs(a), fabs(b));
    if (!(fabs(a - b) <= rtol * scale + 1e-14))
        fail_msg("%.17g != %.17g (rtol %g)", a, b, rtol);
}

/* 2 x 2 table: x = 0 has 1 event in 4, x = 1 has 3 in 4.  The MLE reproduces
 * the group proportions: b0 = logit(1/4) = -log 3, b1 = logit(3/4) - logit(1/4)
 * = 2 log 3.  Var(b0) = 1/(4 (1/4)(3/4)) = 4/3, Var(b1) = 4/3 + 4/3 = 8/3.
 * Deviance = -2 sum log-lik = -2 * 2 * (log(1/4) + 3 log(3/4)) = 4 (log 4 + 3 log(4/3)).
 * Null: p = 1/2 for all 8 rows: 16 log 2.  AIC = deviance + 2 * 2.
 * AUC: fitted 1/4 (y: 1 event, 3 non) and 3/4 (3 events, 1 non): pairs
 * (event, non-event) = 4 x 4 = 16; event at 3/4 beats non at 1/4: 3 x 3 = 9;
 * ties at same score: 1 x 3 (score 1/4) + 3 x 1 (score 3/4) = 6 pairs x 1/2 = 3;
 * AUC = 12/16 = 0.75. */
static void two_by_two(void **state)
{
    (void)state;
    double x[16] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1};
    double y[8] = {1, 0, 0, 0, 1, 1, 1, 0};
    obs_logit_fit *f = NULL;
    obs_error err;
    assert_int_equal(obs_logit_fit_irls(x, 8, 2, y, NULL, 1, NULL, NULL, &f, &err), OBS_OK);
    assert_true(f->converged);
    assert_close(f->coef[0], -log(3.0), 1e-9);
    assert_close(f->coef[1], 2 * log(3.0), 1e-9);
    /* The SEs come, as in R's summary.glm, from the working weights of the
     * last IRLS step, so they equal the limit sqrt(4/3), sqrt(8/3) only to
     * about 1e-6, and R's numbers to the last digits:
     *   x <- c(0,0,0,0,1,1,1,1); y <- c(1,0,0,0,1,1,1,0)
     *   summary(glm(y ~ x, family = binomial))$coefficients[, 2]
     *   -> 1.1546995438011911 1.6329917553096702 (4 iterations) */
    assert_close(f->se[0], sqrt(4.0 / 3), 1e-5);
    assert_close(f->se[1], sqrt(8.0 / 3), 1e-5);
    assert_close(f->se[0], 1.1546995438011911, 1e-10);
    assert_close(f->se[1], 1.6329917553096702, 1e-10);
    assert_int_equal(f->iterations, 4);
    assert_close(f->deviance, 4 * (log(4.0) + 3 * log(4.0 / 3)), 1e-10);
    assert_close(f->null_deviance, 16 * log(2.0), 1e-12);
    assert_close(f->aic, f->deviance + 4, 1e-12);
    assert_close(f->auc, 0.75, 1e-15);
    assert_int_equal(f->rank, 2);
    assert_int_equal(f->boundary, 0);
    obs_logit_fit_free(&f);
    assert_null(f);
    obs_logit_fit_free(NULL);
}

/* AUC by hand: scores .1 .4 .35 .8, y 0 0 1 1: of the 4 (event, non-event)
 * pairs, (.35,.1) (.8,.1) (.8,.4) are concordant, (.35,.4) not: 3/4. */
static void auc_hand(void **state)
{
    (void)state;
    double s[4] = {0.1, 0.4, 0.35, 0.8}, y[4] = {0, 0, 1, 1};
    assert_close(obs_auc(s, y, NULL, 4), 0.75, 1e-15);
    double s2[2] = {0.5, 0.5}, y2[2] = {0, 1};
    assert_close(obs_auc(s2, y2, NULL, 2), 0.5, 1e-15);
    double y3[2] = {1, 1};
    assert_true(isnan(obs_auc(s2, y3, NULL, 2)));
    unsigned char mask[4] = {1, 0, 1, 1};   /* drop the .4 non-event: 2/2 */
    assert_close(obs_auc(s, y, mask, 4), 1.0, 1e-15);
}

/* A column equal to 2 x another is aliased: coef NaN, flag set, a warning,
 * and the other coefficients as without it (the 2 x 2 case again). */
static void aliased_column(void **state)
{
    (void)state;
    double x[24] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 2, 2, 2, 2};
    double y[8] = {1, 0, 0, 0, 1, 1, 1, 0};
    const char *names[3] = {"(Intercept)", "x", "x2"};
    obs_logit_fit *f = NULL;
    assert_int_equal(obs_logit_fit_irls(x, 8, 3, y, NULL, 1, NULL, names, &f, NULL), OBS_OK);
    assert_int_equal(f->rank, 2);
    assert_true(f->aliased[2]);
    assert_true(isnan(f->coef[2]) && isnan(f->se[2]));
    assert_close(f->coef[1], 2 * log(3.0), 1e-9);
    assert_true(f->warnings.n >= 1);
    assert_non_null(strstr(f->warnings.msg[0], "x2"));
    obs_logit_fit_free(&f);
}

/* Complete separation: y = 1 exactly when x > 3.5.  R warns "fitted
 * probabilities numerically 0 or 1 occurred"; obsurv also names x. */
static void separation(void **state)
{
    (void)state;
    double x[12] = {1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6};
    double y[6] = {0, 0, 0, 1, 1, 1};
    const char *names[2] = {"(Intercept)", "x"};
    obs_logit_fit *f = NULL;
    assert_int_equal(obs_logit_fit_irls(x, 6, 2, y, NULL, 1, NULL, names, &f, NULL), OBS_OK);
    assert_true(f->boundary);
    assert_true(f->runaway[1]);
    assert_false(f->runaway[0]);
    int named = 0, boundary = 0;
    for (size_t k = 0; k < f->warnings.n; k++) {
        if (strstr(f->warnings.msg[k], "numerically 0 or 1")) boundary = 1;
        if (strstr(f->warnings.msg[k], "separation") && strstr(f->warnings.msg[k], "x")) named = 1;
    }
    assert_true(boundary && named);
    obs_logit_fit_free(&f);
}

/* Zero prior weights remove rows: same fit as without them. */
static void zero_weights(void **state)
{
    (void)state;
    double x[20] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1};
    double y[10] = {1, 0, 0, 0, 1, 1, 1, 0, 1, 0};
    double w[10] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
    obs_logit_fit *f = NULL;
    assert_int_equal(obs_logit_fit_irls(x, 10, 2, y, w, 1, NULL, NULL, &f, NULL), OBS_OK);
    assert_close(f->coef[1], 2 * log(3.0), 1e-9);
    assert_int_equal(f->n_used, 8);
    assert_close(f->df_residual, 6, 0);
    obs_logit_fit_free(&f);
}

static void bad_input(void **state)
{
    (void)state;
    double x[4] = {1, 1, 0, 1}, y[2] = {0, 2}, w[2] = {1, -1}, y01[2] = {0, 1};
    obs_logit_fit *f = NULL;
    obs_error err;
    assert_int_equal(obs_logit_fit_irls(x, 2, 2, y, NULL, 1, NULL, NULL, &f, &err), OBS_EDATA);
    assert_null(f);
    assert_non_null(strstr(err.msg, "0 or 1"));
    assert_int_equal(obs_logit_fit_irls(x, 2, 2, y01, w, 1, NULL, NULL, &f, &err), OBS_EDATA);
    assert_int_equal(obs_logit_fit_irls(x, 0, 2, y01, NULL, 1, NULL, NULL, &f, &err), OBS_EFIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_by_two),
        cmocka_unit_test(auc_hand),
        cmocka_unit_test(aliased_column),
        cmocka_unit_test(separation),
        cmocka_unit_test(zero_weights),
        cmocka_unit_test(bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
