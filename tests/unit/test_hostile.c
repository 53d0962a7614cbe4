/*
 * test_hostile.c — regression tests for the bugs issue 8 (hostile input)
 * fixed in finished modules, one hand case each, plus the disclosure
 * control of Table 1 (obs_table1_suppress) worked by hand.
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
#include "obsurv/table1.h"

static obs_table *csv(const char *text)
{
    obs_table *t = NULL;
    obs_error err;
    if (obs_csv_read_buffer(text, strlen(text), "h.csv", &t, &err) != OBS_OK) fail_msg("%s", err.msg);
    return t;
}

/* An infinite covariate reached cox as "row 2: covariate 1 is not finite"
 * and logit as "no estimable coefficient" (exit 1); now the frame names
 * file:line, column and term.  As a km group it is a level. */
static void test_frame_infinite_covariate(void **state)
{
    (void)state;
    obs_table *t = csv("time,status,x\n5,1,1\n6,0,1e999\n7,1,-Inf\n");
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_error err;
    obs_frame_spec cox = {OBS_FRAME_DESIGN, 0, OBS_FRAME_NEED_SURV, NULL, NULL, 0, 0};
    obs_frame_spec km = {OBS_FRAME_GROUPS, 0, OBS_FRAME_NEED_SURV, NULL, NULL, 0, 0};
    assert_int_equal(obs_formula_parse("Surv(time, status) ~ x", &f, &err), OBS_OK);
    assert_int_equal(obs_frame_build(t, f, &cox, &fr, &err), OBS_EDATA);
    assert_null(fr);
    assert_string_equal(err.msg, "h.csv:3: column \"x\": value is infinite (Inf) in term \"x\"");
    assert_int_equal(obs_frame_build(t, f, &km, &fr, &err), OBS_OK);
    assert_int_equal(fr->ngroups, 3);
    obs_frame_free(&fr);
    obs_formula_free(&f);
    assert_int_equal(obs_formula_parse("Surv(time, status) ~ factor(x)", &f, &err), OBS_OK);
    assert_int_equal(obs_frame_build(t, f, &cox, &fr, &err), OBS_OK);
    obs_frame_free(&fr);
    obs_formula_free(&f);
    obs_table_free(&t);
}

/* One stray text value makes a time column text (as R's read.csv); the
 * message named only the column, now also the first value that is not a
 * number and its line. */
static void test_frame_text_time(void **state)
{
    (void)state;
    obs_table *t = csv("time,status\n5,1\n6,0\n7 months,1\n8,0\n");
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_error err;
    obs_frame_spec km = {OBS_FRAME_GROUPS, 0, OBS_FRAME_NEED_SURV, NULL, NULL, 0, 0};
    assert_int_equal(obs_formula_parse("Surv(time, status) ~ 1", &f, &err), OBS_OK);
    assert_int_equal(obs_frame_build(t, f, &km, &fr, &err), OBS_EUSAGE);
    assert_string_equal(err.msg, "formula: column \"time\" is a time in Surv() but is not numeric "
                                 "(h.csv:4: \"7 months\" is not a number)");
    obs_formula_free(&f);
    obs_table_free(&t);
}

/* A header "time, status" keeps the space (as written; R would make
 * "X.status"): the unknown-column message now points at the near name. */
static void test_frame_near_name_hint(void **state)
{
    (void)state;
    obs_table *t = csv("time, status\n5,1\n6,0\n");
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_error err;
    obs_frame_spec km = {OBS_FRAME_GROUPS, 0, OBS_FRAME_NEED_SURV, NULL, NULL, 0, 0};
    assert_int_equal(obs_formula_parse("Surv(time, Status) ~ 1", &f, &err), OBS_OK);
    assert_int_equal(obs_frame_build(t, f, &km, &fr, &err), OBS_EUSAGE);
    assert_string_equal(err.msg, "formula: unknown column \"Status\" in the response (did you mean "
                                 "\" status\"? back-quote a name with spaces: ` status`)");
    obs_formula_free(&f);
    obs_table_free(&t);
}

/* Table 1 printed "NA (NA)" for a variable holding Inf, without a word. */
static void test_table1_infinite_value(void **state)
{
    (void)state;
    obs_table *t = csv("g,x\na,1\na,2\nb,3\nb,-1e400\nb,-1e999\n");
    obs_table1 *res = NULL;
    obs_error err;
    obs_table1_spec spec = {.by = "g"};
    assert_int_equal(obs_table1_build(t, &spec, &res, &err), OBS_EDATA);
    assert_null(res);
    assert_non_null(strstr(err.msg, "h.csv:5: column \"x\": value is infinite (-Inf)"));  /* -1e400 overflows */
    obs_table_free(&t);
}

/* --min-cell 3 on groups a (x: u 5, v 1), b (u 3, v 5), c (u 1, v 1).
 * Small counts (1, 2): a/v 1, c/u 1, c/v 1, and c's size 2.  Secondary:
 * column a has one hidden cell (v) -> its other non-zero cell u (5) goes
 * too; column c has two; lines u (a*, b 3, c<, overall 9) and v (a<, b 5,
 * c<, overall 7) have two each.  Group sizes: c hidden alone -> the
 * smallest other, a (6), goes too. */
static void test_table1_suppress(void **state)
{
    (void)state;
    obs_table *t = csv("g,x\na,u\na,u\na,u\na,v\na,u\na,u\nb,u\nb,v\nb,v\nb,v\nb,v\nb,u\nb,u\nb,v\n"
                       "c,u\nc,v\n");
    obs_table1 *res = NULL;
    obs_error err;
    obs_table1_spec spec = {.by = "g"};
    assert_int_equal(obs_table1_build(t, &spec, &res, &err), OBS_OK);
    assert_int_equal(obs_table1_suppress(res, 3, &err), OBS_OK);
    assert_int_equal(res->min_cell, 3);
    const obs_table1_row *r = &res->rows[0];
    size_t W = 4;   /* a, b, c, overall */
    /* level u (0), level v (1) */
    assert_true(isnan(r->counts[0 * W + 0]) && r->hidden[0 * W + 0] == 2);   /* a/u 5: secondary */
    assert_true(r->counts[0 * W + 1] == 3 && r->hidden[0 * W + 1] == 0);     /* b/u 3 stays */
    assert_true(isnan(r->counts[0 * W + 2]) && r->hidden[0 * W + 2] == 1);   /* c/u 1 */
    assert_true(r->counts[0 * W + 3] == 9);                                  /* overall u */
    assert_true(isnan(r->counts[1 * W + 0]) && r->hidden[1 * W + 0] == 1);   /* a/v 1 */
    assert_true(isnan(r->percent[1 * W + 0]));
    assert_true(r->counts[1 * W + 1] == 5);
    assert_true(isnan(r->counts[1 * W + 2]) && r->hidden[1 * W + 2] == 1);   /* c/v 1 */
    assert_true(r->counts[1 * W + 3] == 7);
    assert_true(isnan(res->group_n[2]) && res->group_hidden[2] == 1);      /* c: 2 */
    assert_true(isnan(res->group_n[0]) && res->group_hidden[0] == 2);      /* a: 6, secondary */
    assert_true(res->group_n[1] == 8 && res->group_n[3] == 16);
    obs_table1_free(&res);
    /* off: nothing changes */
    assert_int_equal(obs_table1_build(t, &spec, &res, &err), OBS_OK);
    assert_int_equal(obs_table1_suppress(res, 0, &err), OBS_OK);
    assert_true(res->rows[0].counts[1 * W + 0] == 1 && res->rows[0].hidden == NULL);
    obs_table1_free(&res);
    obs_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame_infinite_covariate),
        cmocka_unit_test(test_frame_text_time),
        cmocka_unit_test(test_frame_near_name_hint),
        cmocka_unit_test(test_table1_infinite_value),
        cmocka_unit_test(test_table1_suppress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
