/*
 * test_csv_threads.c — the CSV reader's options (obsurv/csv_opts.h): the
 * two-thread pass gives the same table, bit for bit, as one thread, and
 * the same error message; column selection keeps exactly the named columns
 * with the values the full read gives.
 *
 * The inputs are generated here, large enough (> 4 MB) for the two-half
 * path: numbers of every shape, missing values, blank lines around the cut,
 * CRLF line ends, a column that turns to text only in the second half.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/csv_opts.h"

/* A big CSV in memory: rows x (id, t, s, x, g); variant flags below. */
static char *make_csv(size_t rows, int crlf, int text_late, int bad_late, size_t *len)
{
    size_t cap = rows * 64 + 256, n = 0;
    char *b = malloc(cap);
    const char *eol = crlf ? "\r\n" : "\n";
    n += (size_t)sprintf(b + n, "id,t,s,x,g%s", eol);
    uint64_t st = 12345;
    for (size_t i = 0; i < rows; i++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned v = (unsigned)(st >> 33);
        if (i % 1000 == 999) n += (size_t)sprintf(b + n, "%s", eol);   /* blank line */
        const char *g = (text_late && i == rows - 10) ? "abc" : (i % 7 == 0 ? "" : "3");
        if (bad_late && i == rows - 5) {
            n += (size_t)sprintf(b + n, "%zu,1,2%s", i, eol);          /* ragged */
            continue;
        }
        n += (size_t)sprintf(b + n, "%zu,%u.%02u,%u,%s%u.%uE-%u,%s%s", i, v % 5000, v % 100, v & 1,
                             (v & 2) ? "-" : "", v % 997, v % 10007, v % 30,
                             (i % 13 == 0) ? "NA" : g, eol);
    }
    *len = n;
    return b;
}

static void same_tables(const obs_table *a, const obs_table *b)
{
    assert_int_equal(a->nrow, b->nrow);
    assert_int_equal(a->ncol, b->ncol);
    assert_memory_equal(a->line, b->line, a->nrow * sizeof *a->line);
    for (size_t j = 0; j < a->ncol; j++) {
        const obs_column *x = &a->cols[j], *y = &b->cols[j];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->type, y->type);
        assert_int_equal(x->nmissing, y->nmissing);
        assert_int_equal(x->all_finite, y->all_finite);
        assert_memory_equal(x->missing, y->missing, a->nrow);
        if (x->type == OBS_COL_NUMERIC) {
            assert_memory_equal(x->num, y->num, a->nrow * sizeof(double));
        } else {
            assert_int_equal(x->nlevels, y->nlevels);
            assert_memory_equal(x->codes, y->codes, a->nrow * sizeof(int));
        }
    }
}

static obs_table *read_with(const char *buf, size_t len, int threads, const char *const *cols)
{
    obs_csv_options o = {cols, threads, NULL, NULL};
    obs_table *t = NULL;
    obs_error err;
    obs_error_clear(&err);
    obs_status st = obs_csv_read_buffer_opts(buf, len, "big.csv", &o, &t, &err);
    if (st) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, OBS_OK);
    return t;
}

static void check_variant(int crlf, int text_late)
{
    size_t len;
    char *buf = make_csv(150000, crlf, text_late, 0, &len);
    assert_true(len > ((size_t)4 << 20));
    obs_table *t1 = read_with(buf, len, 1, NULL), *t2 = read_with(buf, len, 2, NULL);
    same_tables(t1, t2);
    assert_int_equal(t1->cols[4].type, text_late ? OBS_COL_FACTOR : OBS_COL_NUMERIC);
    /* the reader's all_finite: exactly the numeric columns without NA, NaN, Inf */
    for (size_t j = 0; j < t1->ncol; j++) {
        const obs_column *c = &t1->cols[j];
        if (c->type != OBS_COL_NUMERIC) continue;
        int finite = 1;
        for (size_t i = 0; i < t1->nrow; i++) finite &= isfinite(c->num[i]) != 0;
        assert_int_equal(c->all_finite, finite);
        assert_int_equal(c->all_finite, j < 4);
    }
    /* the line of a row after many blank lines */
    assert_int_equal(t1->line[t1->nrow - 1], 1 + 150000 + 150);
    obs_table_free(&t2);
    /* selection: s and x only, in file order whatever the list order */
    static const char *const sel[] = {"x", "s", "nosuch", NULL};
    obs_table *s1 = read_with(buf, len, 1, sel), *s2 = read_with(buf, len, 2, sel);
    same_tables(s1, s2);
    assert_int_equal(s1->ncol, 2);
    assert_string_equal(s1->cols[0].name, "s");
    assert_memory_equal(s1->cols[0].num, t1->cols[2].num, t1->nrow * sizeof(double));
    assert_memory_equal(s1->cols[1].num, t1->cols[3].num, t1->nrow * sizeof(double));
    obs_table_free(&s1);
    obs_table_free(&s2);
    obs_table_free(&t1);
    free(buf);
}

static void test_two_threads_same_table(void **state)
{
    (void)state;
    check_variant(0, 0);
    check_variant(1, 0);
    check_variant(0, 1);
}

/* the sixteen-byte number reader (AVX2 machines) and the portable one
 * give the same table, on one thread and on two: numbers of every shape
 * (signs, exponents, 1-15 digits, missing, text late, CRLF) */
static void test_simd_same_table(void **state)
{
    (void)state;
    for (int variant = 0; variant < 3; variant++) {
        size_t len;
        char *buf = make_csv(150000, variant == 1, variant == 2, 0, &len);
        for (int th = 1; th <= 2; th++) {
            obs_table *a = read_with(buf, len, th, NULL);
            setenv("OBSURV_SIMD", "portable", 1);
            obs_table *b = read_with(buf, len, th, NULL);
            unsetenv("OBSURV_SIMD");
            same_tables(a, b);
            obs_table_free(&a);
            obs_table_free(&b);
        }
        free(buf);
    }
}

static void test_two_threads_same_error(void **state)
{
    (void)state;
    size_t len;
    char *buf = make_csv(150000, 0, 0, 1, &len);
    char msg[2][OBS_ERROR_MAX];
    for (int th = 1; th <= 2; th++) {
        obs_csv_options o = {NULL, th, NULL, NULL};
        obs_table *t = NULL;
        obs_error err;
        assert_int_equal(obs_csv_read_buffer_opts(buf, len, "big.csv", &o, &t, &err), OBS_EDATA);
        assert_null(t);
        strcpy(msg[th - 1], err.msg);
    }
    assert_string_equal(msg[0], msg[1]);
    /* row 149995 (0-based) is on line 2 + 149995 + 149 blank lines */
    assert_string_equal(msg[0], "big.csv:150146: expected 5 fields (as in the header), found 3");
    free(buf);
}

/* all_finite on small inputs: a column with NA, NaN, Inf or an overflowing
 * decimal is not known finite (and its missing values are counted); the
 * others are */
static void test_all_finite(void **state)
{
    (void)state;
    const char *text = "a,b,c,d,e,f\n1,2,3,4,5,6\n1.5,NA,Inf,1e999,NaN,-7e-3\n2,3,4,5,6,7\n";
    obs_table *t = read_with(text, strlen(text), 1, NULL);
    const int want[6] = {1, 0, 0, 0, 0, 1};
    const size_t nmiss[6] = {0, 1, 0, 0, 1, 0};
    for (size_t j = 0; j < 6; j++) {
        assert_int_equal(t->cols[j].type, OBS_COL_NUMERIC);
        assert_int_equal(t->cols[j].all_finite, want[j]);
        assert_int_equal(t->cols[j].nmissing, nmiss[j]);
    }
    assert_true(isinf(t->cols[3].num[1]));
    obs_table_free(&t);
}

static void test_selection_small(void **state)
{
    (void)state;
    /* an unselected column may hold anything that splits into fields */
    const char *text = "a,b,c\n1,\"x,\"\"y\",2\n3,zz,4\n";
    static const char *const sel[] = {"c", "a", NULL};
    obs_table *t = read_with(text, strlen(text), 1, sel);
    assert_int_equal(t->ncol, 2);
    assert_string_equal(t->cols[0].name, "a");
    assert_string_equal(t->cols[1].name, "c");
    assert_true(t->cols[1].num[0] == 2.0 && t->cols[1].num[1] == 4.0);
    obs_table_free(&t);
    /* a ragged row is still an error when the extra field is unselected */
    const char *bad = "a,b\n1,2\n3\n";
    static const char *const sa[] = {"a", NULL};
    obs_csv_options o = {sa, 1, NULL, NULL};
    obs_error err;
    assert_int_equal(obs_csv_read_buffer_opts(bad, strlen(bad), "s.csv", &o, &t, &err), OBS_EDATA);
    assert_non_null(strstr(err.msg, "s.csv:3"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_threads_same_table),
        cmocka_unit_test(test_simd_same_table),
        cmocka_unit_test(test_two_threads_same_error),
        cmocka_unit_test(test_selection_small),
        cmocka_unit_test(test_all_finite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
