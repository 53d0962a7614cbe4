/*
 * test_table.c — the columnar table (src/table.c): construction, look-up,
 * factor codes, row subsets, and freeing partly built tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>
#include "obsurv/csv.h"
#include "obsurv/table.h"

static obs_table *sample(void)
{
    /* rows start on lines 2..6; grp has levels a < b < c */
    static const char text[] = "id,grp,x\n1,b,1.5\n2,a,NA\n3,c,3.5\n4,NA,4.5\n5,b,5.5\n";
    obs_table *t = NULL;
    obs_error err;
    assert_int_equal(obs_csv_read_buffer(text, sizeof text - 1, "s.csv", &t, &err), OBS_OK);
    return t;
}

static void test_new_and_free(void **state)
{
    (void)state;
    obs_table *t = obs_table_new(3, 2, "x.csv");
    assert_non_null(t);
    assert_int_equal(t->nrow, 3);
    assert_int_equal(t->ncol, 2);
    assert_string_equal(t->source, "x.csv");
    assert_int_equal(t->line[2], 0);
    assert_null(t->cols[1].name);
    obs_table_free(&t); /* columns without arrays free cleanly */
    assert_null(t);
    obs_table_free(&t); /* NULL is fine */
    obs_table_free(NULL);
    t = obs_table_new(0, 0, NULL);
    assert_non_null(t);
    assert_string_equal(t->source, "<data>");
    obs_table_free(&t);
}

static void test_find_and_column(void **state)
{
    (void)state;
    obs_table *t = sample();
    assert_int_equal(obs_table_find(t, "id"), 0);
    assert_int_equal(obs_table_find(t, "x"), 2);
    assert_int_equal(obs_table_find(t, "X"), -1);
    assert_int_equal(obs_table_find(t, ""), -1);
    assert_int_equal(obs_table_find(NULL, "x"), -1);
    assert_ptr_equal(obs_table_column(t, "grp"), &t->cols[1]);
    assert_null(obs_table_column(t, "nope"));
    obs_table_free(&t);
}

static void test_level_code(void **state)
{
    (void)state;
    obs_table *t = sample();
    const obs_column *g = obs_table_column(t, "grp");
    assert_int_equal(obs_column_level_code(g, "a"), 0);
    assert_int_equal(obs_column_level_code(g, "b"), 1);
    assert_int_equal(obs_column_level_code(g, "c"), 2);
    assert_int_equal(obs_column_level_code(g, "d"), -1);
    assert_int_equal(obs_column_level_code(g, ""), -1);
    /* a numeric column has no levels */
    assert_int_equal(obs_column_level_code(obs_table_column(t, "x"), "1.5"), -1);
    assert_int_equal(obs_column_level_code(NULL, "a"), -1);
    obs_table_free(&t);
}

static void test_subset(void **state)
{
    (void)state;
    obs_table *t = sample();
    obs_error err;
    const size_t rows[] = {4, 1, 3, 1};
    obs_table *s = obs_table_subset(t, rows, 4, &err);
    assert_non_null(s);
    assert_int_equal(s->nrow, 4);
    assert_int_equal(s->ncol, 3);
    assert_string_equal(s->source, "s.csv");
    /* lines follow the rows: original rows 4,1,3,1 started on lines 6,3,5,3 */
    assert_int_equal(s->line[0], 6);
    assert_int_equal(s->line[1], 3);
    assert_int_equal(s->line[2], 5);
    const obs_column *id = &s->cols[0], *g = &s->cols[1], *x = &s->cols[2];
    assert_true(id->num[0] == 5 && id->num[1] == 2 && id->num[2] == 4 && id->num[3] == 2);
    /* factor levels unchanged (all three, though "c" is no longer used) */
    assert_int_equal(g->nlevels, 3);
    assert_string_equal(g->levels[2], "c");
    assert_int_equal(g->codes[0], 1);
    assert_int_equal(g->codes[2], -1);
    assert_int_equal(g->nmissing, 1);
    assert_true(isnan(x->num[1]) && isnan(x->num[3]));
    assert_int_equal(x->nmissing, 2);
    assert_int_equal(x->missing[1], 1);
    /* the copy is independent of the original */
    obs_table_free(&t);
    assert_string_equal(s->cols[1].levels[0], "a");
    obs_table_free(&s);
}

static void test_subset_empty_and_errors(void **state)
{
    (void)state;
    obs_table *t = sample();
    obs_error err;
    obs_table *s = obs_table_subset(t, NULL, 0, &err);
    assert_non_null(s);
    assert_int_equal(s->nrow, 0);
    assert_int_equal(s->cols[1].nlevels, 3);
    obs_table_free(&s);
    const size_t bad[] = {0, 5};
    obs_error_clear(&err);
    s = obs_table_subset(t, bad, 2, &err);
    assert_null(s);
    assert_int_equal(err.status, OBS_EUSAGE);
    assert_non_null(strstr(err.msg, "row index 5 out of range (5 rows)"));
    obs_table_free(&t);
}

static void test_column_init(void **state)
{
    (void)state;
    obs_error err;
    obs_table *t = obs_table_new(3, 2, "db");
    const char *lev[] = {"no", "yes"};
    assert_int_equal(obs_column_init_numeric(t, 0, "age", &err), OBS_OK);
    assert_int_equal(obs_column_init_factor(t, 1, "smoker", lev, 2, &err), OBS_OK);
    assert_string_equal(t->cols[0].name, "age");
    assert_true(isnan(t->cols[0].num[2]));
    assert_int_equal(t->cols[1].type, OBS_COL_FACTOR);
    assert_int_equal(t->cols[1].codes[0], -1);
    assert_int_equal(obs_column_level_code(&t->cols[1], "yes"), 1);
    /* re-initialising releases the old arrays (checked by ASan/valgrind) */
    assert_int_equal(obs_column_init_numeric(t, 1, "smoker2", &err), OBS_OK);
    assert_int_equal(obs_table_find(t, "smoker2"), 1);
    obs_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_and_free),
        cmocka_unit_test(test_find_and_column),
        cmocka_unit_test(test_level_code),
        cmocka_unit_test(test_subset),
        cmocka_unit_test(test_subset_empty_and_errors),
        cmocka_unit_test(test_column_init),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
