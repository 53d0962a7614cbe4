/*
 * test_csv_skip.c — the CSV reader's fast skip of runs of unselected
 * fields (skip_rest_fast, skip_some_fast in src/csv.c): reading with a column
 * selection must accept and refuse exactly the inputs the full read
 * accepts and refuses, with the same message, and give the selected
 * columns the full read's values and line numbers.
 *
 * Property test on random short inputs over an alphabet of the bytes the
 * skip treats specially (',', '\n', '\r', '"', NUL) plus digits and text,
 * with field lengths around the eight-byte word so that both the word loop
 * and the byte tail are exercised; then a few hand-made cases.
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

typedef struct {
    obs_status st;
    obs_table *t;
    char msg[OBS_ERROR_MAX];
} result;

static result read_sel(const char *buf, size_t len, const char *const *cols)
{
    obs_csv_options o = {cols, 1, NULL, NULL};
    obs_error err;
    result r;
    obs_error_clear(&err);
    r.t = NULL;
    r.st = obs_csv_read_buffer_opts(buf, len, "s.csv", &o, &r.t, &err);
    snprintf(r.msg, sizeof r.msg, "%s", r.st ? err.msg : "");
    return r;
}

/* the selected column `name` of sel equals the same column of full */
static void same_column(const obs_table *full, const obs_table *sel, const char *name)
{
    size_t a = full->ncol, b = sel->ncol;
    for (size_t j = 0; j < full->ncol; j++) if (!strcmp(full->cols[j].name, name)) a = j;
    for (size_t j = 0; j < sel->ncol; j++) if (!strcmp(sel->cols[j].name, name)) b = j;
    assert_true(a < full->ncol && b < sel->ncol);
    const obs_column *x = &full->cols[a], *y = &sel->cols[b];
    assert_int_equal(x->type, y->type);
    assert_int_equal(x->nmissing, y->nmissing);
    if (x->type == OBS_COL_NUMERIC)
        assert_memory_equal(x->num, y->num, full->nrow * sizeof(double));
    else {
        assert_int_equal(x->nlevels, y->nlevels);
        assert_memory_equal(x->codes, y->codes, full->nrow * sizeof(int));
    }
}

static void check_same(const char *buf, size_t len)
{
    static const char *const sel1[] = {"a", NULL};
    static const char *const sel2[] = {"a", "b", NULL};
    static const char *const sel3[] = {"b", NULL};
    static const char *const sel4[] = {"a", "d", NULL};
    static const char *const sel5[] = {"d", NULL};
    static const char *const sel6[] = {"c", NULL};
    const char *const *sels[] = {sel1, sel2, sel3, sel4, sel5, sel6};
    result full = read_sel(buf, len, NULL);
    for (int s = 0; s < 6; s++) {
        result r = read_sel(buf, len, sels[s]);
        if (r.st != full.st || strcmp(r.msg, full.msg) != 0) {
            fprintf(stderr, "input (%zu bytes):", len);
            for (size_t i = 0; i < len; i++) fprintf(stderr, " %02x", (unsigned char)buf[i]);
            fprintf(stderr, "\nfull: %d %s\nsel %d: %d %s\n", full.st, full.msg, s, r.st, r.msg);
        }
        assert_int_equal(r.st, full.st);
        assert_string_equal(r.msg, full.msg);
        if (!r.st) {
            assert_int_equal(r.t->nrow, full.t->nrow);
            assert_memory_equal(r.t->line, full.t->line, full.t->nrow * sizeof *full.t->line);
            for (size_t j = 0; sels[s][j]; j++) same_column(full.t, r.t, sels[s][j]);
        }
        obs_table_free(&r.t);
    }
    obs_table_free(&full.t);
}

static void test_random_inputs(void **state)
{
    (void)state;
    uint64_t st = 20261126;
    char buf[160];
    for (int it = 0; it < 30000; it++) {
        size_t n = (size_t)sprintf(buf, "a,b,c,d\n");
        int rows = 1 + it % 3;
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < 4; f++) {
                st = st * 6364136223846793005ULL + 1442695040888963407ULL;
                unsigned v = (unsigned)(st >> 33);
                size_t flen = v % 12;
                for (size_t i = 0; i < flen; i++) {
                    st = st * 6364136223846793005ULL + 1442695040888963407ULL;
                    unsigned u = (unsigned)(st >> 33) % 200;
                    char c = u < 120 ? (char)('0' + u % 10)
                           : u < 140 ? '.'
                           : u < 150 ? 'x'
                           : u < 156 ? ','
                           : u < 162 ? '\n'
                           : u < 168 ? '\r'
                           : u < 174 ? '"'
                           : u < 176 ? '\0'
                           : '-';
                    buf[n++] = c;
                }
                if (f < 3) buf[n++] = ',';
            }
            st = st * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned e = (unsigned)(st >> 33) % 10;
            if (r + 1 < rows || e < 7) {
                if (e == 0) buf[n++] = '\r';
                buf[n++] = '\n';
            }
        }
        check_same(buf, n);
    }
}

static void test_hand_cases(void **state)
{
    (void)state;
    const char *cases[] = {
        "a,b,c,d\n1,2,3,4\n5,6,7,8\n",
        "a,b,c,d\n1,2,3,4\n5,6,7,8",                      /* no final line end */
        "a,b,c,d\r\n1,2,333333333333,4\r\n5,6,7,8\r\n",   /* CRLF */
        "a,b,c,d\n1,2,3,4\r",                             /* lone CR at the end */
        "a,b,c,d\n1,2,3\n",                               /* too few fields */
        "a,b,c,d\n1,2,3,4,5\n",                           /* too many */
        "a,b,c,d\n1,2,3,4,,,,,,,,,,,,,,,,\n",             /* many more, past a word */
        "a,b,c,d\n1,2,\"x\ny\",4\n5,6,7,8\n",             /* quoted line end */
        "a,b,c,d\n1,2,\"x,y\",4\n",                       /* quoted comma */
        "a,b,c,d\n1,2,\"x\n",                             /* unclosed quote */
        "a,b,c,d\n1,2,3\r4,5\n",                          /* bare CR */
        "a,b,c,d\n1,2,3,4\n\n\n5,6,7,8\n",                /* blank lines */
        "a,b,c,d\n1,2,abcdefghijklmnop,qrstuvwxyz0123456789\n",
        "a,b,c,d\nabcdefghijklmnop,qrstuvwxyz0123456789,,4\n",  /* long leading runs */
        "a,b,c,d\n1,,,4\n,,,\n",
        "a,b,c,d\n123456789012,2\n",                      /* too few, past a word */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) check_same(cases[i], strlen(cases[i]));
    const char nul[] = "a,b,c,d\n1,2,3456789\0x,4\n";
    check_same(nul, sizeof nul - 1);
    /* the messages the skipped fields still give */
    static const char *const sa[] = {"a", NULL};
    result r = read_sel(cases[5], strlen(cases[5]), sa);
    assert_int_equal(r.st, OBS_EDATA);
    assert_string_equal(r.msg, "s.csv:2: expected 4 fields (as in the header), found 5");
    r = read_sel(cases[4], strlen(cases[4]), sa);
    assert_string_equal(r.msg, "s.csv:2: expected 4 fields (as in the header), found 3");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_inputs),
        cmocka_unit_test(test_hand_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
