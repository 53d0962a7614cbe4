/*
 * test_frame_borrow.c — obs_frame_spec.borrow_columns: the design read
 * through xcol is the same, bit for bit, whether plain numeric columns are
 * copied (0) or borrowed from the table (1), and so are the Cox and
 * logistic fits that read it.
 *
 * For each formula the frame is built both ways on the same table; p,
 * colnames, assign and every xcol[j][i] must agree (memcmp of the doubles).
 * With borrow 1 and every row used, a design column that is one plain
 * numeric variable must be the table's own column (pointer equality), every
 * other column a copy; with borrow 0, xcol[j] == x + j*n.  A table with a
 * missing value (a row dropped) borrows nothing.
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

#include "obsurv/csv.h"
#include "obsurv/formula.h"
#include "obsurv/frame.h"
#include "obsurv/cox.h"
#include "obsurv/logit.h"

#define NROW 40

/* A deterministic table: time, status, y (0/1), age, wt (> 0), sex (text),
 * grp (1..3, for factor()); missing_row >= 0 leaves age empty there. */
static obs_table *make_table(int missing_row)
{
    static char text[NROW * 80 + 100];
    size_t len = (size_t)sprintf(text, "time,status,y,age,wt,sex,grp\n");
    uint32_t s = 12345u;
    for (int i = 0; i < NROW; i++) {
        s = s * 1103515245u + 12345u;
        double time = 1 + (s >> 8) % 500;
        s = s * 1103515245u + 12345u;
        int status = (s >> 9) % 3 != 0;
        s = s * 1103515245u + 12345u;
        int y = (s >> 10) % 2;
        s = s * 1103515245u + 12345u;
        double age = 40 + (s >> 8) % 400 / 10.0;
        s = s * 1103515245u + 12345u;
        double wt = 50 + (s >> 8) % 500 / 7.0;
        const char *sex = i % 3 == 0 ? "f" : "m";
        int grp = 1 + (i * 7) % 3;
        char agebuf[32];
        if (i == missing_row) agebuf[0] = '\0';
        else snprintf(agebuf, sizeof agebuf, "%.1f", age);
        len += (size_t)sprintf(text + len, "%.0f,%d,%d,%s,%.17g,%s,%d\n", time, status, y, agebuf, wt,
                               sex, grp);
    }
    obs_table *t = NULL;
    obs_error err;
    obs_error_clear(&err);
    if (obs_csv_read_buffer(text, len, "d.csv", &t, &err) != OBS_OK) fail_msg("csv: %s", err.msg);
    return t;
}

static obs_frame *build(const obs_table *t, const char *formula, int intercept, int borrow)
{
    obs_frame_spec spec = {.rhs = OBS_FRAME_DESIGN, .intercept = intercept,
                           .response_required = intercept ? OBS_FRAME_NEED_BINARY : OBS_FRAME_NEED_SURV,
                           .borrow_columns = borrow};
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_error err;
    obs_error_clear(&err);
    if (obs_formula_parse(formula, &f, &err) != OBS_OK) fail_msg("%s", err.msg);
    if (obs_frame_build(t, f, &spec, &fr, &err) != OBS_OK) fail_msg("%s: %s", formula, err.msg);
    obs_formula_free(&f);
    return fr;
}

/* The table column that is plain numeric column `name`, or NULL. */
static const double *table_num(const obs_table *t, const char *name)
{
    const obs_column *c = obs_table_column(t, name);
    return c && c->type == OBS_COL_NUMERIC ? c->num : NULL;
}

/* Build formula both ways on t and compare; returns the number of borrowed
 * columns.  plain: NULL-terminated colnames that must be borrowed when no
 * row is dropped (all other columns must be copies). */
static size_t compare(const obs_table *t, const char *formula, int intercept, const char *const *plain)
{
    obs_frame *f0 = build(t, formula, intercept, 0), *f1 = build(t, formula, intercept, 1);
    const size_t n = f0->n, p = f0->p;
    int dropped = f0->n != t->nrow;
    size_t nborrowed = 0;
    assert_int_equal(f1->n, n);
    assert_int_equal(f1->p, p);
    assert_non_null(f0->xcol);
    assert_non_null(f1->xcol);
    for (size_t j = 0; j < p; j++) {
        assert_string_equal(f0->colnames[j], f1->colnames[j]);
        assert_int_equal(f0->assign[j], f1->assign[j]);
        assert_ptr_equal(f0->xcol[j], f0->x + j * n);
        assert_memory_equal(f0->xcol[j], f1->xcol[j], n * sizeof(double));
        int want = 0;
        for (size_t k = 0; plain && plain[k]; k++) want |= !strcmp(plain[k], f1->colnames[j]);
        const double *tc = table_num(t, f1->colnames[j]);
        if (want && !dropped) {
            assert_non_null(tc);
            assert_ptr_equal(f1->xcol[j], tc);
            nborrowed++;
        } else {
            /* a copy: not any table column */
            for (size_t c = 0; c < t->ncol; c++)
                if (t->cols[c].num) assert_true(f1->xcol[j] != t->cols[c].num);
        }
    }
    obs_frame_free(&f0);
    obs_frame_free(&f1);
    return nborrowed;
}

static void test_cox_formulas(void **state)
{
    (void)state;
    obs_table *t = make_table(-1);
    static const char *const age_wt[] = {"age", "wt", NULL};
    static const char *const age[] = {"age", NULL};
    static const char *const wt[] = {"wt", NULL};
    assert_int_equal(compare(t, "Surv(time, status) ~ age + wt", 0, age_wt), 2);
    assert_int_equal(compare(t, "Surv(time, status) ~ age + sex", 0, age), 1);
    assert_int_equal(compare(t, "Surv(time, status) ~ sex + factor(grp) + wt", 0, wt), 1);
    assert_int_equal(compare(t, "Surv(time, status) ~ sex * factor(grp)", 0, NULL), 0);
    assert_int_equal(compare(t, "Surv(time, status) ~ sex:factor(grp)", 0, NULL), 0);
    assert_int_equal(compare(t, "Surv(time, status) ~ age + age:sex", 0, age), 1);
    assert_int_equal(compare(t, "Surv(time, status) ~ age * wt", 0, age_wt), 2);
    assert_int_equal(compare(t, "Surv(time, status) ~ age:wt", 0, NULL), 0);
    assert_int_equal(compare(t, "Surv(time, status) ~ log(wt) + age", 0, age), 1);
    assert_int_equal(compare(t, "Surv(time, status) ~ log(age) + factor(grp)", 0, NULL), 0);
    assert_int_equal(compare(t, "Surv(time, status) ~ age + wt + strata(sex) + offset(grp)", 0, age_wt), 2);
    static const char *const grp[] = {"grp", NULL};
    assert_int_equal(compare(t, "Surv(time, status) ~ grp + factor(grp)", 0, grp), 1);
    obs_table_free(&t);
}

static void test_logit_formulas(void **state)
{
    (void)state;
    obs_table *t = make_table(-1);
    static const char *const age_wt[] = {"age", "wt", NULL};
    assert_int_equal(compare(t, "y ~ age + wt + sex", 1, age_wt), 2);
    assert_int_equal(compare(t, "y ~ factor(grp) + age:wt", 1, NULL), 0);
    obs_table_free(&t);
}

static void test_dropped_row_borrows_nothing(void **state)
{
    (void)state;
    obs_table *t = make_table(7);
    static const char *const age_wt[] = {"age", "wt", NULL};
    assert_int_equal(compare(t, "Surv(time, status) ~ age + wt + sex", 0, age_wt), 0);
    assert_int_equal(compare(t, "y ~ age + wt", 1, age_wt), 0);
    obs_table_free(&t);
}

static void test_groups_have_no_xcol(void **state)
{
    (void)state;
    obs_table *t = make_table(-1);
    obs_frame_spec spec = {.rhs = OBS_FRAME_GROUPS, .response_required = OBS_FRAME_NEED_SURV,
                           .borrow_columns = 1};
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_error err;
    assert_int_equal(obs_formula_parse("Surv(time, status) ~ sex", &f, &err), OBS_OK);
    assert_int_equal(obs_frame_build(t, f, &spec, &fr, &err), OBS_OK);
    assert_null(fr->xcol);
    assert_null(fr->x);
    obs_frame_free(&fr);
    obs_formula_free(&f);
    obs_table_free(&t);
}

/* The fits read through xcol give the bits they give from a contiguous x. */
static void test_fits_identical(void **state)
{
    (void)state;
    obs_table *t = make_table(-1);
    obs_error err;
    {
        obs_frame *f0 = build(t, "Surv(time, status) ~ age + wt + sex", 0, 0);
        obs_frame *f1 = build(t, "Surv(time, status) ~ age + wt + sex", 0, 1);
        obs_cox_options o;
        obs_cox_options_default(&o);
        o.robust = 1;
        obs_cox_data d0 = {.n = f0->n, .p = f0->p, .stop = f0->time, .status = f0->status, .x = f0->x};
        obs_cox_data d1 = {.n = f1->n, .p = f1->p, .stop = f1->time, .status = f1->status,
                           .xcol = f1->xcol};
        obs_cox_model *m0 = NULL, *m1 = NULL;
        assert_int_equal(obs_cox_fit(&d0, &o, &m0, &err), OBS_OK);
        assert_int_equal(obs_cox_fit(&d1, &o, &m1, &err), OBS_OK);
        size_t p = f0->p, n = f0->n;
        assert_memory_equal(m0->coef, m1->coef, p * sizeof(double));
        assert_memory_equal(m0->var, m1->var, p * p * sizeof(double));
        assert_memory_equal(m0->robust_var, m1->robust_var, p * p * sizeof(double));
        assert_memory_equal(m0->linear_predictor, m1->linear_predictor, n * sizeof(double));
        assert_memory_equal(&m0->loglik_model, &m1->loglik_model, sizeof(double));
        obs_cox_model_free(&m0);
        obs_cox_model_free(&m1);
        obs_frame_free(&f0);
        obs_frame_free(&f1);
    }
    {
        obs_frame *f0 = build(t, "y ~ age + wt + sex", 1, 0);
        obs_frame *f1 = build(t, "y ~ age + wt + sex", 1, 1);
        obs_logit_fit *g0 = NULL, *g1 = NULL;
        assert_int_equal(obs_logit_fit_irls(f0->x, f0->n, f0->p, f0->y, NULL, 1, NULL, NULL, &g0, &err), OBS_OK);
        assert_int_equal(obs_logit_fit_irls_cols(f1->xcol, f1->n, f1->p, f1->y, NULL, 1, NULL, NULL, &g1, &err),
                         OBS_OK);
        size_t p = f0->p, n = f0->n;
        assert_memory_equal(g0->coef, g1->coef, p * sizeof(double));
        assert_memory_equal(g0->se, g1->se, p * sizeof(double));
        assert_memory_equal(g0->fitted, g1->fitted, n * sizeof(double));
        assert_memory_equal(&g0->deviance, &g1->deviance, sizeof(double));
        obs_logit_fit_free(&g0);
        obs_logit_fit_free(&g1);
        obs_frame_free(&f0);
        obs_frame_free(&f1);
    }
    obs_table_free(&t);
}

/* A non-finite covariate is reported at the same row and column whether
 * x or xcol is given (the check runs column by column). */
static void test_cox_nonfinite_message(void **state)
{
    (void)state;
    double stop[4] = {1, 2, 3, 4}, c0[4] = {1, 2, NAN, 4}, c1[4] = {1, INFINITY, 3, NAN};
    int status[4] = {1, 1, 0, 1};
    double x[8];
    memcpy(x, c0, sizeof c0);
    memcpy(x + 4, c1, sizeof c1);
    const double *cols[2] = {c0, c1};
    obs_cox_options o;
    obs_cox_options_default(&o);
    obs_cox_data d0 = {.n = 4, .p = 2, .stop = stop, .status = status, .x = x};
    obs_cox_data d1 = {.n = 4, .p = 2, .stop = stop, .status = status, .xcol = cols};
    obs_cox_model *m = NULL;
    obs_error e0, e1;
    assert_int_equal(obs_cox_fit(&d0, &o, &m, &e0), OBS_EDATA);
    assert_int_equal(obs_cox_fit(&d1, &o, &m, &e1), OBS_EDATA);
    assert_string_equal(e0.msg, "cox: row 2: covariate 2 is not finite");
    assert_string_equal(e1.msg, e0.msg);
    /* an earlier row's other problem comes first */
    stop[0] = NAN;
    assert_int_equal(obs_cox_fit(&d1, &o, &m, &e1), OBS_EDATA);
    assert_string_equal(e1.msg, "cox: row 1: time is not finite");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cox_formulas),
        cmocka_unit_test(test_logit_formulas),
        cmocka_unit_test(test_dropped_row_borrows_nothing),
        cmocka_unit_test(test_groups_have_no_xcol),
        cmocka_unit_test(test_fits_identical),
        cmocka_unit_test(test_cox_nonfinite_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
