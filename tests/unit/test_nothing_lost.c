/*
 * test_nothing_lost.c — property: the model frame never loses a row silently.
 *
 * For many seeds, a random CSV (20..300 rows, twelve columns of every kind:
 * times, a counting-process start, 0/1 events and outcomes, numbers, text,
 * positive numbers for log(), small integers for factor(), strata, cluster
 * ids, weights, an offset) with random missingness (each column its own rate
 * from 0 to 30%, spelled as R's read.csv would read a missing value: "",
 * "NA", " ", and "NaN" in numeric columns) goes through the CSV reader and
 * obs_frame_build with each of nine formulas and specs.  For each the test
 * recomputes, independently of the frame code, which rows must go and which
 * variable each is charged to (the first missing one in the documented order:
 * response, term variables in R's term order, strata, cluster, offset,
 * weights, extra columns), and checks
 *
 *     n + n_dropped == n_read == rows in the file,
 *     the used rows are exactly the complete rows, in file order,
 *     the exclusions list each charged variable once with its count,
 *     the exclusion counts sum to n_dropped.
 *
 * A build may fail only with OBS_EDATA (no complete rows, a factor left with
 * one level) and a message; at least 90% of the builds must succeed.
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

enum { COL_TIME, COL_START, COL_STATUS, COL_A, COL_B, COL_C, COL_K, COL_S, COL_ID, COL_W, COL_E,
       COL_Y, NCOL };
static const char *const colname[NCOL] = {"time", "start", "status", "a", "b", "c",
                                          "k",    "s",     "id",     "w", "e", "y"};
static const int is_text[NCOL] = {[COL_B] = 1, [COL_S] = 1};

typedef struct {
    const char *formula;
    obs_frame_spec spec;
    int order[8];           /* columns in the order that charges a missing row; -1 ends */
} frame_case;

static const char *const extra_ec[] = {"e", "c", NULL};

static const frame_case cases[] = {
    {"Surv(time, status) ~ a", {OBS_FRAME_DESIGN, 0, OBS_FRAME_NEED_SURV, NULL, NULL, 0, 0},
     {COL_TIME, COL_STATUS, COL_A, -1}},
    {"Surv(time, status) ~ b + a", {OBS_FRAME_GROUPS, 0, OBS_FRAME_NEED_SURV, NULL, NULL, 0, 0},
     {COL_TIME, COL_STATUS, COL_B, COL_A, -1}},
    {"Surv(time, status) ~ a*b + strata(s)",
     {OBS_FRAME_DESIGN, 0, OBS_FRAME_NEED_SURV, NULL, NULL, 0, 0},
     {COL_TIME, COL_STATUS, COL_A, COL_B, COL_S, -1}},
    {"Surv(time, status) ~ log(c) + factor(k) + cluster(id)",
     {OBS_FRAME_DESIGN, 0, OBS_FRAME_NEED_SURV, NULL, NULL, 0, 0},
     {COL_TIME, COL_STATUS, COL_C, COL_K, COL_ID, -1}},
    {"Surv(start, time, status) ~ a + offset(e)",
     {OBS_FRAME_DESIGN, 0, OBS_FRAME_NEED_SURV, NULL, NULL, 0, 0},
     {COL_START, COL_TIME, COL_STATUS, COL_A, COL_E, -1}},
    {"y ~ a + b", {OBS_FRAME_DESIGN, 1, OBS_FRAME_NEED_BINARY, "w", NULL, 0, 0},
     {COL_Y, COL_A, COL_B, COL_W, -1}},
    /* R orders terms by degree: a before s:b */
    {"Surv(time, status) ~ s:b + a", {OBS_FRAME_DESIGN, 0, OBS_FRAME_NEED_SURV, NULL, NULL, 0, 0},
     {COL_TIME, COL_STATUS, COL_A, COL_S, COL_B, -1}},
    {"Surv(time, status) ~ 1", {OBS_FRAME_GROUPS, 0, OBS_FRAME_NEED_SURV, NULL, extra_ec, 0, 0},
     {COL_TIME, COL_STATUS, COL_E, COL_C, -1}},
    {"Surv(time, status) ~ strata(s, b) + a",
     {OBS_FRAME_DESIGN, 0, OBS_FRAME_NEED_SURV, "w", NULL, 0, 0},
     {COL_TIME, COL_STATUS, COL_A, COL_S, COL_B, COL_W, -1}},
};
#define NCASES (sizeof cases / sizeof cases[0])

/* xorshift64*: a small deterministic generator (Vigna 2016). */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}
static double rng_unif(uint64_t *s) { return (double)(rng_next(s) >> 11) * 0x1.0p-53; }

typedef struct {
    char *text;
    size_t len, cap;
} buf;

static void put(buf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(b->text + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        assert_true(k >= 0);
        if (b->len + (size_t)k < b->cap) {
            b->len += (size_t)k;
            return;
        }
        b->cap = 2 * b->cap + (size_t)k + 64;
        b->text = realloc(b->text, b->cap);
        assert_non_null(b->text);
    }
}

/* One random data set: CSV text in *b, missing flags miss[i * NCOL + j]. */
static size_t make_data(uint64_t *s, buf *b, unsigned char **missp)
{
    size_t n = 20 + (size_t)(rng_unif(s) * 281);
    double rate[NCOL];
    for (int j = 0; j < NCOL; j++) rate[j] = rng_unif(s) < 0.25 ? 0 : 0.3 * rng_unif(s);
    unsigned char *miss = calloc(n * NCOL, 1);
    assert_non_null(miss);
    b->len = 0;
    for (int j = 0; j < NCOL; j++) put(b, "%s%s", j ? "," : "", colname[j]);
    put(b, "\n");
    static const char *const na_text[] = {"", "NA", " "};
    static const char *const na_num[] = {"", "NA", " ", "NaN"};
    for (size_t i = 0; i < n; i++) {
        double time = 1 + floor(rng_unif(s) * 100);
        for (int j = 0; j < NCOL; j++) {
            if (j) put(b, ",");
            if (rng_unif(s) < rate[j]) {
                miss[i * NCOL + j] = 1;
                put(b, "%s", is_text[j] ? na_text[rng_next(s) % 3] : na_num[rng_next(s) % 4]);
                continue;
            }
            switch (j) {
            case COL_TIME: put(b, "%g", time); break;
            case COL_START: put(b, "%g", time - 1 - floor(rng_unif(s) * 5)); break;
            case COL_STATUS: case COL_Y: put(b, "%d", rng_unif(s) < 0.6); break;
            case COL_A: case COL_E: put(b, "%.6f", rng_unif(s) * 10 - 5); break;
            case COL_B: put(b, "%s", (const char *[]){"x", "y", "\"z w\""}[rng_next(s) % 3]); break;
            case COL_C: case COL_W: put(b, "%.4f", 0.1 + rng_unif(s) * 3); break;
            case COL_K: put(b, "%d", 1 + (int)(rng_next(s) % 3)); break;
            case COL_S: put(b, "%s", rng_unif(s) < 0.5 ? "p" : "q"); break;
            case COL_ID: put(b, "%d", 1 + (int)(rng_next(s) % 10)); break;
            }
        }
        put(b, rng_unif(s) < 0.1 ? "\r\n" : "\n");
    }
    *missp = miss;
    return n;
}

/* Check one frame against the independently computed drops. */
static void check_case(const frame_case *fc, const obs_table *t, const unsigned char *miss, size_t n,
                       size_t *built, size_t *failed)
{
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_error err;
    obs_error_clear(&err);
    if (obs_formula_parse(fc->formula, &f, &err) != OBS_OK) fail_msg("%s", err.msg);
    obs_status st = obs_frame_build(t, f, &fc->spec, &fr, &err);
    obs_formula_free(&f);

    size_t expect_count[NCOL] = {0}, complete = 0;
    for (size_t i = 0; i < n; i++) {
        int charged = -1;
        for (int k = 0; fc->order[k] >= 0 && charged < 0; k++)
            if (miss[i * NCOL + fc->order[k]]) charged = fc->order[k];
        if (charged >= 0) expect_count[charged]++;
        else complete++;
    }
    if (st != OBS_OK) {
        assert_null(fr);
        if (st != OBS_EDATA || err.msg[0] == '\0')
            fail_msg("%s: status %d: %s", fc->formula, (int)st, err.msg);
        (*failed)++;
        return;
    }
    (*built)++;
    assert_int_equal(fr->n_read, n);
    assert_int_equal(fr->n + fr->n_dropped, fr->n_read);
    assert_int_equal(fr->n, complete);
    /* the used rows are exactly the complete ones, in file order */
    size_t r = 0;
    for (size_t i = 0; i < n; i++) {
        int drop = 0;
        for (int k = 0; fc->order[k] >= 0; k++) drop |= miss[i * NCOL + fc->order[k]];
        if (drop) continue;
        assert_true(r < fr->n);
        assert_int_equal(fr->row[r], i);
        r++;
    }
    /* exclusions: one per charged variable, with its count */
    size_t sum = 0, nonzero = 0;
    for (int j = 0; j < NCOL; j++) nonzero += expect_count[j] > 0;
    assert_int_equal(fr->nexclusions, nonzero);
    for (size_t e = 0; e < fr->nexclusions; e++) {
        const obs_exclusion *x = &fr->exclusions[e];
        int j = 0;
        while (j < NCOL && strcmp(colname[j], x->variable) != 0) j++;
        if (j == NCOL) fail_msg("%s: exclusion for unknown variable %s", fc->formula, x->variable);
        if (x->count != expect_count[j])
            fail_msg("%s: %s charged %zu rows, expected %zu", fc->formula, x->variable, x->count,
                     expect_count[j]);
        sum += x->count;
    }
    assert_int_equal(sum, fr->n_dropped);
    obs_frame_free(&fr);
}

static void test_nothing_lost(void **state)
{
    (void)state;
    buf b = {malloc(4096), 0, 4096};
    assert_non_null(b.text);
    size_t built = 0, failed = 0;
    for (uint64_t seed = 1; seed <= 400; seed++) {
        uint64_t s = seed * 0x9E3779B97F4A7C15ULL;
        unsigned char *miss = NULL;
        size_t n = make_data(&s, &b, &miss);
        obs_table *t = NULL;
        obs_error err;
        if (obs_csv_read_buffer(b.text, b.len, "random.csv", &t, &err) != OBS_OK)
            fail_msg("seed %llu: %s", (unsigned long long)seed, err.msg);
        assert_int_equal(t->nrow, n);
        /* the reader's own missing counts agree with what was written */
        for (int j = 0; j < NCOL; j++) {
            size_t m = 0;
            for (size_t i = 0; i < n; i++) m += miss[i * NCOL + j];
            assert_int_equal(t->cols[j].nmissing, m);
        }
        for (size_t c = 0; c < NCASES; c++) check_case(&cases[c], t, miss, n, &built, &failed);
        obs_table_free(&t);
        free(miss);
    }
    free(b.text);
    /* the property must have been exercised, not skipped */
    assert_true(built >= 9 * (built + failed) / 10);
}

/* A hand case: each spelling of a missing value is counted once, against
 * the first variable in formula order.  Of 6 rows, rows 2-5 are dropped:
 * row 2 for time (empty), row 3 for status ("NA"), row 4 for x (NaN), row 5
 * for time (white space) although x is missing too.  So time 2, status 1,
 * x 1; rows 1 and 6 are used. */
static void test_hand_case(void **state)
{
    (void)state;
    const char *text = "time,status,x\n1,1,0.5\n,1,2\n3,NA,1\n4,0,NaN\n \t,0,NA\n6,1,2\n";
    obs_table *t = NULL;
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_error err;
    assert_int_equal(obs_csv_read_buffer(text, strlen(text), "h.csv", &t, &err), OBS_OK);
    assert_int_equal(obs_formula_parse("Surv(time, status) ~ x", &f, &err), OBS_OK);
    obs_frame_spec spec = {OBS_FRAME_DESIGN, 0, OBS_FRAME_NEED_SURV, NULL, NULL, 0, 0};
    assert_int_equal(obs_frame_build(t, f, &spec, &fr, &err), OBS_OK);
    assert_int_equal(fr->n_read, 6);
    assert_int_equal(fr->n, 2);
    assert_int_equal(fr->n_dropped, 4);
    assert_int_equal(fr->nexclusions, 3);
    assert_string_equal(fr->exclusions[0].variable, "time");
    assert_int_equal(fr->exclusions[0].count, 2);
    assert_string_equal(fr->exclusions[1].variable, "status");
    assert_int_equal(fr->exclusions[1].count, 1);
    assert_string_equal(fr->exclusions[2].variable, "x");
    assert_int_equal(fr->exclusions[2].count, 1);
    obs_frame_free(&fr);
    obs_formula_free(&f);
    obs_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_case),
        cmocka_unit_test(test_nothing_lost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
