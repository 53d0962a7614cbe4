/*
 * test_table1.c — obs_table1_build (src/table1.c) and its renderers.
 *
 * Hand-worked case, the data below:
 *   group a: x = 1, 3       c = u, v
 *   group b: x = 5, 7, NA   c = u, u, v
 * x: means 2 and 6, SDs sqrt(2); SMD = 4 / sqrt((2 + 2) / 2) = 2 sqrt(2);
 *    ANOVA F = 16 / (4 / 2) = 8 (see test_htest.c); overall 1,3,5,7: median 4,
 *    quartiles (type 7, index 1.75 and 3.25) 2.5 and 5.5; missing 0 / 1 / 1.
 * c: a 1 u 1 v (50%, 50%), b 2 u 1 v (66.7%, 33.3%).  SMD on the proportion of
 *    v: p = 1/2, q = 1/3, S = (1/4 + 2/9) / 2 = 17/72, SMD = (1/6) / sqrt(17/72)
 *    = sqrt(2/17).
 * The golden tests (tests/golden/table1/, from tests/r/table1.R) compare with R.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "obsurv/csv.h"
#include "obsurv/render_table1.h"
#include "obsurv/table1.h"

static const char *DATA =
    "g,x,c\n"
    "a,1,u\n"
    "a,3,v\n"
    "b,5,u\n"
    "b,7,u\n"
    "b,,v\n";

static const char *DATA_SHUFFLED =
    "g,x,c\n"
    "b,,v\n"
    "a,3,v\n"
    "b,7,u\n"
    "a,1,u\n"
    "b,5,u\n";

static void assert_rel(double got, double want, double rtol)
{
    double d = fabs(got - want), s = fmax(fabs(got), fabs(want));
    if (!(d <= rtol * s + 1e-300)) {
        print_error("got %.17g, want %.17g\n", got, want);
        fail();
    }
}

static obs_table1 *build(const char *csv, const obs_table1_spec *spec, obs_status want)
{
    obs_table *t = NULL;
    obs_error err;
    assert_int_equal(obs_csv_read_buffer(csv, strlen(csv), "t.csv", &t, &err), OBS_OK);
    obs_table1 *res = NULL;
    obs_status st = obs_table1_build(t, spec, &res, &err);
    if (st != want)
        print_error("status %d: %s\n", (int)st, err.msg);
    assert_int_equal(st, want);
    obs_table_free(&t);
    return res;
}

static void check_hand(const obs_table1 *r)
{
    assert_int_equal(r->ngroups, 2);
    assert_string_equal(r->groups[0], "a");
    assert_string_equal(r->groups[1], "b");
    assert_rel(r->group_n[0], 2, 0);
    assert_rel(r->group_n[1], 3, 0);
    assert_rel(r->group_n[2], 5, 0);
    const obs_table1_row *x = &r->rows[0], *c = &r->rows[1];
    assert_int_equal(x->type, OBS_T1_CONTINUOUS);
    assert_rel(x->summary[0].mean, 2, 1e-15);
    assert_rel(x->summary[1].mean, 6, 1e-15);
    assert_rel(x->summary[1].sd, sqrt(2.0), 1e-15);
    assert_rel(x->summary[1].missing, 1, 0);
    assert_rel(x->summary[2].median, 4, 1e-15);
    assert_rel(x->summary[2].q1, 2.5, 1e-15);
    assert_rel(x->summary[2].q3, 5.5, 1e-15);
    assert_rel(x->summary[2].missing, 1, 0);
    assert_rel(x->smd, 2 * sqrt(2.0), 1e-14);
    assert_int_equal(x->test, OBS_T1_TEST_ANOVA);
    assert_rel(x->result.statistic, 8, 1e-14);
    assert_int_equal(c->type, OBS_T1_CATEGORICAL);
    assert_int_equal(c->nlevels, 2);
    assert_string_equal(c->levels[1], "v");
    assert_rel(c->counts[0 * 3 + 1], 2, 0);          /* u in b */
    assert_rel(c->percent[1 * 3 + 0], 50, 1e-15);    /* v in a */
    assert_rel(c->percent[0 * 3 + 1], 200.0 / 3, 1e-15);
    assert_rel(c->smd, sqrt(2.0 / 17.0), 1e-14);
    assert_int_equal(c->test, OBS_T1_TEST_CHISQ);
}

static void hand_worked(void **state)
{
    (void)state;
    obs_table1_spec spec = {.by = "g"};
    obs_table1 *r = build(DATA, &spec, OBS_OK);
    check_hand(r);
    obs_table1_free(&r);
    assert_null(r);
    obs_table1_free(NULL);
}

/* Row order does not change anything. */
static void row_order(void **state)
{
    (void)state;
    obs_table1_spec spec = {.by = "g"};
    obs_table1 *r = build(DATA_SHUFFLED, &spec, OBS_OK);
    check_hand(r);
    obs_table1_free(&r);
}

/* --categorical on a numeric column: levels in numeric order; --exact gives
 * Fisher; --nonnormal gives Kruskal-Wallis; without --by no tests. */
static void options(void **state)
{
    (void)state;
    const char *csv = "g,k,y\n1,10,1\n1,9,2\n2,10,3\n2,10,4\n2,9,5\n";
    const char *cat[] = {"k"}, *ex[] = {"k"}, *nn[] = {"y"};
    obs_table1_spec spec = {.by = "g", .categorical = cat, .ncategorical = 1,
                            .exact = ex, .nexact = 1, .nonnormal = nn, .nnonnormal = 1};
    obs_table1 *r = build(csv, &spec, OBS_OK);
    assert_string_equal(r->rows[0].levels[0], "9");
    assert_string_equal(r->rows[0].levels[1], "10");
    assert_int_equal(r->rows[0].test, OBS_T1_TEST_FISHER);
    assert_int_equal(r->rows[1].test, OBS_T1_TEST_KRUSKAL);
    /* renderers write something sensible */
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_int_equal(obs_table1_write_text(r, fp), 0);
    assert_int_equal(obs_table1_write_csv(r, fp), 0);
    assert_int_equal(obs_table1_write_html(r, fp, 0), 0);
    assert_int_equal(obs_table1_write_json(r, fp), 0);
    fclose(fp);
    assert_non_null(strstr(buf, "k = 10 (%)"));
    assert_non_null(strstr(buf, "y (median [IQR])"));
    assert_non_null(strstr(buf, "<table class=\"obsurv-table1\">"));
    assert_non_null(strstr(buf, "\"test\":\"fisher\""));
    free(buf);
    obs_table1_free(&r);

    obs_table1_spec overall = {0};
    r = build(csv, &overall, OBS_OK);
    assert_int_equal(r->nrows, 3);
    assert_int_equal(r->rows[0].test, OBS_T1_TEST_NONE);
    assert_true(isnan(r->rows[0].smd));
    obs_table1_free(&r);
}

/* A missing group value drops the row (counted); a one-level variable has no
 * P value but a warning. */
static void missing_and_degenerate(void **state)
{
    (void)state;
    const char *csv = "g,x,c\na,1,u\na,2,u\n,3,u\nb,4,u\nb,6,u\n";
    obs_table1_spec spec = {.by = "g"};
    obs_table1 *r = build(csv, &spec, OBS_OK);
    assert_int_equal(r->n_dropped, 1);
    assert_rel(r->group_n[2], 4, 0);
    assert_true(isnan(r->rows[1].result.p));
    assert_true(r->warnings.n >= 2);
    obs_table1_free(&r);
}

static void bad_options(void **state)
{
    (void)state;
    const char *v1[] = {"nope"}, *v2[] = {"g"}, *x[] = {"x"}, *c[] = {"c"};
    obs_table1_spec s1 = {.by = "zz"};
    assert_null(build(DATA, &s1, OBS_EUSAGE));
    obs_table1_spec s2 = {.by = "g", .vars = v1, .nvars = 1};
    assert_null(build(DATA, &s2, OBS_EUSAGE));
    obs_table1_spec s3 = {.by = "g", .vars = v2, .nvars = 1};
    assert_null(build(DATA, &s3, OBS_EUSAGE));
    obs_table1_spec s4 = {.by = "g", .exact = x, .nexact = 1};
    assert_null(build(DATA, &s4, OBS_EUSAGE));
    obs_table1_spec s5 = {.by = "g", .nonnormal = c, .nnonnormal = 1};
    assert_null(build(DATA, &s5, OBS_EUSAGE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_worked), cmocka_unit_test(row_order),
        cmocka_unit_test(options), cmocka_unit_test(missing_and_degenerate),
        cmocka_unit_test(bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
