/*
 * test_csv.c — the CSV reader (src/csv.c) and number parser (src/numparse.c).
 *
 * Layers: hand-made inputs with their exact expected tables; R's read.csv
 * typing of the shared data files (numbers embedded below with the R code
 * that printed them); properties (CRLF, BOM, quoting, row spans do not
 * change the table; the parser agrees with strtod bit for bit); every error
 * path with the place it must name.
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
#include <fcntl.h>
#include <unistd.h>
#include "obsurv/csv.h"
#include "obsurv/numparse.h"

/* ------------------------------------------------------------ helpers */

static obs_table *read_ok(const char *text)
{
    obs_table *t = NULL;
    obs_error err;
    obs_error_clear(&err);
    obs_status st = obs_csv_read_buffer(text, strlen(text), "t.csv", &t, &err);
    if (st != OBS_OK) fprintf(stderr, "unexpected error: %s\n", err.msg);
    assert_int_equal(st, OBS_OK);
    assert_non_null(t);
    return t;
}

/* Expect failure with status st and a message containing every needle. */
static void read_fails_n(const char *text, size_t len, obs_status st, const char *n1, const char *n2)
{
    obs_table *t = (obs_table *)1;
    obs_error err;
    obs_error_clear(&err);
    obs_status got = obs_csv_read_buffer(text, len, "t.csv", &t, &err);
    if (got != st || !strstr(err.msg, n1) || (n2 && !strstr(err.msg, n2)))
        fprintf(stderr, "message: \"%s\" (status %d), wanted \"%s\" \"%s\"\n", err.msg, got, n1, n2 ? n2 : "");
    assert_int_equal(got, st);
    assert_null(t);
    assert_non_null(strstr(err.msg, n1));
    if (n2) assert_non_null(strstr(err.msg, n2));
}

static void read_fails(const char *text, obs_status st, const char *n1, const char *n2)
{
    read_fails_n(text, strlen(text), st, n1, n2);
}

static int same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* Two tables hold the same data (types, names, values, levels, codes,
 * missing flags and line numbers when lines is set). */
static void assert_tables_equal(const obs_table *a, const obs_table *b, int lines)
{
    assert_int_equal(a->nrow, b->nrow);
    assert_int_equal(a->ncol, b->ncol);
    for (size_t i = 0; lines && i < a->nrow; i++) assert_int_equal(a->line[i], b->line[i]);
    for (size_t j = 0; j < a->ncol; j++) {
        const obs_column *x = &a->cols[j], *y = &b->cols[j];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->type, y->type);
        assert_int_equal(x->nmissing, y->nmissing);
        assert_memory_equal(x->missing, y->missing, a->nrow ? a->nrow : 1);
        if (x->type == OBS_COL_NUMERIC) {
            for (size_t i = 0; i < a->nrow; i++) assert_true(same_double(x->num[i], y->num[i]));
        } else {
            assert_int_equal(x->nlevels, y->nlevels);
            for (size_t l = 0; l < x->nlevels; l++) assert_string_equal(x->levels[l], y->levels[l]);
            assert_memory_equal(x->codes, y->codes, a->nrow * sizeof *x->codes);
        }
    }
}

/* ------------------------------------------------------------ hand-made */

static void test_basic_numeric_and_factor(void **state)
{
    (void)state;
    obs_table *t = read_ok("id,arm,x\n1,a,2.5\n2,\"b\",-3\n3,NA,\n");
    assert_int_equal(t->nrow, 3);
    assert_int_equal(t->ncol, 3);
    assert_string_equal(t->source, "t.csv");
    assert_string_equal(t->cols[0].name, "id");
    assert_int_equal(t->cols[0].type, OBS_COL_NUMERIC);
    assert_true(t->cols[0].num[0] == 1 && t->cols[0].num[1] == 2 && t->cols[0].num[2] == 3);
    assert_int_equal(t->cols[0].nmissing, 0);

    const obs_column *arm = &t->cols[1];
    assert_int_equal(arm->type, OBS_COL_FACTOR);
    assert_int_equal(arm->nlevels, 2);
    assert_string_equal(arm->levels[0], "a");
    assert_string_equal(arm->levels[1], "b");
    assert_int_equal(arm->codes[0], 0);
    assert_int_equal(arm->codes[1], 1);
    assert_int_equal(arm->codes[2], -1);
    assert_int_equal(arm->missing[2], 1);
    assert_int_equal(arm->nmissing, 1);

    const obs_column *x = &t->cols[2];
    assert_int_equal(x->type, OBS_COL_NUMERIC);
    assert_true(x->num[0] == 2.5 && x->num[1] == -3.0 && isnan(x->num[2]));
    assert_int_equal(x->missing[2], 1);
    assert_int_equal(x->nmissing, 1);
    /* header is line 1, rows start on lines 2, 3, 4 */
    assert_int_equal(t->line[0], 2);
    assert_int_equal(t->line[2], 4);
    obs_table_free(&t);
    assert_null(t);
}

static void test_quotes_escapes_and_row_spanning_lines(void **state)
{
    (void)state;
    /* row 2 spans lines 3-4; the next row starts on line 5 */
    obs_table *t = read_ok("name,n\n\"say \"\"hi\"\"\",1\n\"two\nlines\",2\n\"a,b\",3\n");
    assert_int_equal(t->nrow, 3);
    const obs_column *c = &t->cols[0];
    assert_int_equal(c->type, OBS_COL_FACTOR);
    /* byte order: "a,b" < "say \"hi\"" < "two\nlines" */
    assert_int_equal(c->nlevels, 3);
    assert_string_equal(c->levels[0], "a,b");
    assert_string_equal(c->levels[1], "say \"hi\"");
    assert_string_equal(c->levels[2], "two\nlines");
    assert_int_equal(c->codes[0], 1);
    assert_int_equal(c->codes[1], 2);
    assert_int_equal(c->codes[2], 0);
    assert_int_equal(t->line[0], 2);
    assert_int_equal(t->line[1], 3);
    assert_int_equal(t->line[2], 5);
    assert_true(t->cols[1].num[2] == 3);
    obs_table_free(&t);
}

static void test_missing_values(void **state)
{
    (void)state;
    /* R: read.csv(text='a,b\n"NA",x\n1,NA') gives a = NA 1, b = "x" NA */
    obs_table *t = read_ok("a,b,c\n\"NA\",x,\n1,NA,\"\"\n  ,\" \",NaN\n2,y,-NaN\n");
    const obs_column *a = &t->cols[0], *b = &t->cols[1], *c = &t->cols[2];
    assert_int_equal(a->type, OBS_COL_NUMERIC);
    assert_int_equal(a->nmissing, 2); /* "NA" and blank "  " */
    assert_true(a->missing[0] && !a->missing[1] && a->missing[2] && !a->missing[3]);
    assert_int_equal(b->type, OBS_COL_FACTOR);
    assert_int_equal(b->nmissing, 2); /* NA and " " */
    assert_int_equal(b->nlevels, 2);
    /* NaN is missing, as R's is.na(NaN) */
    assert_int_equal(c->type, OBS_COL_NUMERIC);
    assert_int_equal(c->nmissing, 4);
    obs_table_free(&t);
}

static void test_numbers_as_r_reads_them(void **state)
{
    (void)state;
    /* R 4.2 (LC_ALL=C): read.csv(text="a\n 1\n2 ") is numeric 1 2; Inf, -Inf,
     * inf, Infinity, INFINITY and 1e999 are Inf; 1e-400 is 0; 0x10 is 16;
     * "1e" and "1e+" are 1; +3, .5, 5. and 00012 are numbers; a quoted
     * "  7 " is 7; \v1 and 1\f are 1. */
    static const char *text =
        "a\n 1\n2 \nInf\n-Inf\ninf\nInfinity\nINFINITY\n1e999\n-1e999\n1e-400\n0x10\n1e\n1e+\n+3\n.5\n5.\n"
        "00012\n\"  7 \"\n\v1\n1\f\n-0\n1.5E3\n0X1P-2\n";
    static const double want[] = {1, 2, INFINITY, -INFINITY, INFINITY, INFINITY, INFINITY, INFINITY,
                                  -INFINITY, 0, 16, 1, 1, 3, 0.5, 5, 12, 7, 1, 1, -0.0, 1500, 0.25};
    obs_table *t = read_ok(text);
    const obs_column *a = &t->cols[0];
    assert_int_equal(a->type, OBS_COL_NUMERIC);
    assert_int_equal(t->nrow, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < t->nrow; i++) {
        if (!same_double(a->num[i], want[i])) fprintf(stderr, "row %zu: %g != %g\n", i, a->num[i], want[i]);
        assert_true(same_double(a->num[i], want[i]));
    }
    assert_int_equal(a->nmissing, 0);
    obs_table_free(&t);
}

static void test_not_numbers_make_factors(void **state)
{
    (void)state;
    /* R: each of these makes a character column (with a 1 in the next row):
     * NAN 1d5 "1 2" . - + e5 1.2.3 1L +-1 .e3 Inf5 infinit 0x 0x1.8 (ours) " NA" */
    static const char *bad[] = {"NAN", "1d5", "1 2", ".", "-", "+", "e5", "1.2.3", "1L", "+-1",
                                ".e3", "Inf5", "infinit", "0x", "0x1.8", " NA", "NA ", "1e5x", "--1"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char text[64];
        snprintf(text, sizeof text, "a\n1\n\"%s\"\n", bad[k]);
        obs_table *t = read_ok(text);
        if (t->cols[0].type != OBS_COL_FACTOR) fprintf(stderr, "\"%s\" read as a number\n", bad[k]);
        assert_int_equal(t->cols[0].type, OBS_COL_FACTOR);
        assert_int_equal(t->cols[0].nlevels, 2);
        /* "1" < bad[k] or not: find it */
        assert_true(strcmp(t->cols[0].levels[0], bad[k]) == 0 || strcmp(t->cols[0].levels[1], bad[k]) == 0);
        obs_table_free(&t);
        /* unquoted too (those without a comma or quote) */
        snprintf(text, sizeof text, "a\n%s\n1\n", bad[k]);
        t = read_ok(text);
        assert_int_equal(t->cols[0].type, OBS_COL_FACTOR);
        obs_table_free(&t);
    }
}

static void test_factor_levels_in_byte_order(void **state)
{
    (void)state;
    /* C locale: "10" < "9" < "B" < "a" < "b" < "\xc3\xa9" (UTF-8 e-acute) */
    obs_table *t = read_ok("g\nb\n9\nB\n\xc3\xa9\na\n10\nb\n x\n");
    const obs_column *g = &t->cols[0];
    static const char *lev[] = {" x", "10", "9", "B", "a", "b", "\xc3\xa9"};
    static const int codes[] = {5, 2, 3, 6, 4, 1, 5, 0};
    assert_int_equal(g->nlevels, 7);
    for (size_t l = 0; l < 7; l++) assert_string_equal(g->levels[l], lev[l]);
    assert_memory_equal(g->codes, codes, sizeof codes);
    assert_int_equal(obs_column_level_code(g, "b"), 5);
    assert_int_equal(obs_column_level_code(g, "c"), -1);
    obs_table_free(&t);
}

static void test_true_false_is_a_factor(void **state)
{
    (void)state;
    obs_table *t = read_ok("ev\nTRUE\nFALSE\nNA\nTRUE\n");
    const obs_column *c = &t->cols[0];
    assert_int_equal(c->type, OBS_COL_FACTOR);
    assert_int_equal(c->nlevels, 2);
    assert_string_equal(c->levels[0], "FALSE");
    assert_string_equal(c->levels[1], "TRUE");
    assert_int_equal(c->codes[0], 1);
    assert_int_equal(c->codes[2], -1);
    obs_table_free(&t);
}

static void test_late_text_turns_column_into_factor(void **state)
{
    (void)state;
    /* 2000 numbers then one text value: all 2001 values become levels */
    size_t cap = 32000, n = 0;
    char *text = malloc(cap);
    n += (size_t)snprintf(text + n, cap - n, "x,y\n");
    for (int i = 0; i < 2000; i++) n += (size_t)snprintf(text + n, cap - n, "%d,%d\n", i % 7, i);
    n += (size_t)snprintf(text + n, cap - n, "other,5\n");
    obs_table *t = read_ok(text);
    const obs_column *x = &t->cols[0];
    assert_int_equal(t->nrow, 2001);
    assert_int_equal(x->type, OBS_COL_FACTOR);
    assert_int_equal(x->nlevels, 8);
    assert_string_equal(x->levels[0], "0");
    assert_string_equal(x->levels[7], "other");
    assert_int_equal(x->codes[13], 6);
    assert_int_equal(x->codes[2000], 7);
    assert_int_equal(t->cols[1].type, OBS_COL_NUMERIC);
    assert_true(t->cols[1].num[1999] == 1999);
    obs_table_free(&t);
    free(text);
}

static void test_many_levels(void **state)
{
    (void)state;
    /* 5000 distinct strings in reverse order: hash table growth and sort */
    size_t cap = 200000, n = 0;
    char *text = malloc(cap);
    n += (size_t)snprintf(text + n, cap - n, "k\n");
    for (int i = 4999; i >= 0; i--) n += (size_t)snprintf(text + n, cap - n, "k%05d\nk%05d\n", i, i);
    obs_table *t = read_ok(text);
    const obs_column *k = &t->cols[0];
    assert_int_equal(t->nrow, 10000);
    assert_int_equal(k->nlevels, 5000);
    assert_string_equal(k->levels[0], "k00000");
    assert_string_equal(k->levels[4999], "k04999");
    assert_int_equal(k->codes[0], 4999);
    assert_int_equal(k->codes[9999], 0);
    obs_table_free(&t);
    free(text);
}

static void test_header_only_is_zero_rows(void **state)
{
    (void)state;
    obs_table *t = read_ok("a,b\n");
    assert_int_equal(t->nrow, 0);
    assert_int_equal(t->ncol, 2);
    assert_int_equal(t->cols[1].type, OBS_COL_NUMERIC);
    assert_string_equal(t->cols[1].name, "b");
    obs_table_free(&t);
    t = read_ok("\xEF\xBB\xBF\"a\"");
    assert_int_equal(t->nrow, 0);
    assert_string_equal(t->cols[0].name, "a");
    obs_table_free(&t);
}

static void test_blank_lines_and_final_newline(void **state)
{
    (void)state;
    /* R skips blank lines anywhere: read.csv(text="a\n\n\n1") has 1 row */
    obs_table *want = read_ok("a,b\n1,x\n2,y\n");
    static const char *variants[] = {
        "a,b\n1,x\n2,y",                 /* no final newline */
        "a,b\n1,x\n2,y\n\n",             /* blank trailing line */
        "a,b\r\n1,x\r\n2,y\r\n\r\n",     /* CRLF + blank trailing line */
        "\n\na,b\n1,x\n\n2,y\n",         /* blank lines before header and inside */
        "a,b\n1,x\n2,y\r",               /* final CR */
    };
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        obs_table *t = read_ok(variants[v]);
        assert_tables_equal(t, want, 0);
        obs_table_free(&t);
    }
    obs_table_free(&want);
}

static void test_property_crlf_bom_quotes_same_table(void **state)
{
    (void)state;
    const char *plain = "id,arm,age,note\n1,a,61.5,x y\n2,b,NA,\n3,a,70,\"z\nw\"\n";
    obs_table *want = read_ok(plain);
    static const char *variants[] = {
        "id,arm,age,note\r\n1,a,61.5,x y\r\n2,b,NA,\r\n3,a,70,\"z\r\nw\"\r\n",
        "\xEF\xBB\xBFid,arm,age,note\n1,a,61.5,x y\n2,b,NA,\n3,a,70,\"z\nw\"\n",
        "\"id\",\"arm\",\"age\",\"note\"\n\"1\",\"a\",\"61.5\",\"x y\"\n\"2\",\"b\",\"NA\",\"\"\n\"3\",\"a\",\"70\",\"z\nw\"\n",
        "\xEF\xBB\xBF\"id\",arm,\"age\",note\r\n1,\"a\",61.5,\"x y\"\r\n2,b,\"NA\",\"\"\r\n3,a,\" 70 \",\"z\r\nw\"",
    };
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        obs_table *t = read_ok(variants[v]);
        assert_tables_equal(t, want, 1);
        obs_table_free(&t);
    }
    obs_table_free(&want);
}

static void test_lone_cr_and_quote_inside_unquoted(void **state)
{
    (void)state;
    /* a lone CR outside quotes: R ends the line there (a CR-only file reads
     * as lines), so taking it as data would misread; refused (issue 8,
     * tests/cli/catalogue.t).  Inside quotes it is data. */
    read_fails("a,b\nx\ry,1\nq\"r,2\n", OBS_EDATA, "t.csv:2:", "carriage return without a line feed");
    read_fails("time,status\r5,1\r", OBS_EDATA, "t.csv:1:", "field 2");
    obs_table *t = read_ok("a,b\n\"x\ry\",1\nq\"r,2\n");
    const obs_column *a = &t->cols[0];
    assert_int_equal(t->nrow, 2);
    assert_int_equal(a->type, OBS_COL_FACTOR);
    assert_string_equal(a->levels[0], "q\"r");
    assert_string_equal(a->levels[1], "x\ry");
    obs_table_free(&t);
    /* a number followed by spaces before the comma */
    t = read_ok("a,b\n1 ,2\n");
    assert_int_equal(t->cols[0].type, OBS_COL_NUMERIC);
    assert_true(t->cols[0].num[0] == 1.0);
    obs_table_free(&t);
}

/* ------------------------------------------------------------ exactness */

/* xorshift64* — reproducible random bits for the property tests. */
static uint64_t rng = 88172645463325252ULL;
static uint64_t next_random(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}

static void random_decimal(char *buf, size_t cap)
{
    int ndig = 1 + (int)(next_random() % 24), point = (int)(next_random() % (ndig + 1));
    size_t n = 0;
    if (next_random() % 3 == 0) buf[n++] = '-';
    for (int i = 0; i < ndig; i++) {
        if (i == point && point > 0) buf[n++] = '.';
        buf[n++] = (char)('0' + next_random() % 10);
    }
    if (next_random() % 3 == 0) n += (size_t)snprintf(buf + n, cap - n, "e%d", (int)(next_random() % 700) - 350);
    buf[n] = '\0';
}

static void test_parse_double_matches_strtod(void **state)
{
    (void)state;
    char buf[64];
    for (int k = 0; k < 200000; k++) {
        random_decimal(buf, sizeof buf);
        double v = 0, w = strtod(buf, NULL);
        assert_true(obs_parse_double(buf, strlen(buf), &v));
        if (!same_double(v, w)) fprintf(stderr, "%s: %a != strtod %a\n", buf, v, w);
        assert_true(same_double(v, w));
    }
    /* hard cases: halfway points, subnormals, 2^53 neighbours, long mantissas */
    static const char *hard[] = {"9007199254740993", "9007199254740992", "2.2250738585072011e-308",
                                 "4.9e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
                                 "0.1", "0.30000000000000004", "123456789012345678901234567890",
                                 "0.000000000000000000000000000001", "1e22", "1e23", "8.98846567431158e307",
                                 "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999999999999999999999999999999999999999999999999999999999999999999999"};
    for (size_t k = 0; k < sizeof hard / sizeof hard[0]; k++) {
        double v = 0;
        assert_true(obs_parse_double(hard[k], strlen(hard[k]), &v));
        assert_true(same_double(v, strtod(hard[k], NULL)));
    }
}

static void test_csv_values_match_strtod(void **state)
{
    (void)state;
    /* 3 columns of random decimals through the CSV fast path */
    enum { ROWS = 20000 };
    size_t cap = (size_t)ROWS * 3 * 40 + 16, n = 0;
    char *text = malloc(cap);
    char (*cell)[40] = malloc(sizeof *cell * ROWS * 3);
    n += (size_t)snprintf(text + n, cap - n, "a,b,c\n");
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < 3; j++) {
            random_decimal(cell[i * 3 + j], 40);
            n += (size_t)snprintf(text + n, cap - n, "%s%c", cell[i * 3 + j], j == 2 ? '\n' : ',');
        }
    obs_table *t = read_ok(text);
    assert_int_equal(t->nrow, ROWS);
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < 3; j++) assert_true(same_double(t->cols[j].num[i], strtod(cell[i * 3 + j], NULL)));
    obs_table_free(&t);
    free(cell);
    free(text);
}

/* ------------------------------------------------------------ hostile */

/* Random short inputs over an alphabet of separators, quotes, digits, NA,
 * CR, NUL and bad UTF-8 bytes: the reader must return OK with a consistent
 * table or OBS_EDATA with a "t.csv:LINE:" message — never crash (run under
 * ASan/UBSan with -DOBSURV_SANITIZE=ON). */
static void test_random_garbage(void **state)
{
    (void)state;
    static const char alphabet[] = ",,,\"\n\n\r01.9eE-+NAa x\xff\xc3\xa9";
    char buf[64];
    int nok = 0;
    for (int k = 0; k < 30000; k++) {
        size_t len = 1 + next_random() % (sizeof buf - 1), i = 0;
        if (k % 2) { /* half with a valid header, so rows get parsed */
            memcpy(buf, "a,b\n", 4);
            i = len > 4 ? 4 : 0;
        }
        for (; i < len; i++) buf[i] = alphabet[next_random() % (sizeof alphabet)]; /* includes the NUL */
        obs_table *t = NULL;
        obs_error err;
        obs_error_clear(&err);
        obs_status st = obs_csv_read_buffer(buf, len, "t.csv", &t, &err);
        if (st == OBS_OK) {
            assert_non_null(t);
            for (size_t j = 0; j < t->ncol; j++) {
                const obs_column *c = &t->cols[j];
                size_t nmiss = 0;
                for (size_t i = 0; i < t->nrow; i++) {
                    nmiss += c->missing[i];
                    if (c->type == OBS_COL_FACTOR) {
                        assert_true(c->codes[i] >= -1 && c->codes[i] < (int)c->nlevels);
                        assert_int_equal(c->codes[i] == -1, c->missing[i]);
                    } else {
                        assert_int_equal(isnan(c->num[i]) != 0, c->missing[i]);
                    }
                }
                assert_int_equal(nmiss, c->nmissing);
                for (size_t l = 1; l < c->nlevels; l++) assert_true(strcmp(c->levels[l - 1], c->levels[l]) < 0);
            }
            obs_table_free(&t);
            nok++;
        } else {
            assert_int_equal(st, OBS_EDATA);
            assert_null(t);
            assert_true(strncmp(err.msg, "t.csv:", 6) == 0);
        }
    }
    assert_true(nok > 1000); /* the test does reach the row parser */
}

/* ------------------------------------------------------------ errors */

static void test_error_empty_input(void **state)
{
    (void)state;
    read_fails("", OBS_EDATA, "t.csv:1:", "empty file");
    read_fails("\xEF\xBB\xBF", OBS_EDATA, "empty file", NULL);
    read_fails("\n\r\n\n", OBS_EDATA, "empty file", NULL);
}

static void test_error_ragged_rows(void **state)
{
    (void)state;
    read_fails("a,b,c\n1,2,3\n4,5\n", OBS_EDATA, "t.csv:3:", "expected 3 fields (as in the header), found 2");
    read_fails("a,b\n1,2\n3,4,5,6\n", OBS_EDATA, "t.csv:3:", "expected 2 fields (as in the header), found 4");
    read_fails("a,b\n1,2,\n", OBS_EDATA, "t.csv:2:", "found 3");
    /* the line reported is the row's first line, after a multi-line field */
    read_fails("a,b\n\"x\ny\",1\n2\n", OBS_EDATA, "t.csv:4:", "found 1");
    read_fails("a,b\nx,y\nz\n", OBS_EDATA, "t.csv:3:", "found 1");  /* in a factor column */
}

static void test_error_unclosed_quote(void **state)
{
    (void)state;
    read_fails("a,b\n1,2\n3,\"abc\n4,5\n6,7\n", OBS_EDATA, "t.csv:3:", "unclosed quote in field 2");
    read_fails("\"a,b\n", OBS_EDATA, "t.csv:1:", "unclosed quote");
    read_fails("a\n\"x\"y\n", OBS_EDATA, "t.csv:2:", "after the closing quote of field 1");
}

static void test_error_nul_byte(void **state)
{
    (void)state;
    read_fails_n("a,b\n1,2\n3,4\0\n", 13, OBS_EDATA, "t.csv:3:", "NUL byte in field 2");
    read_fails_n("a,b\n1,\"x\0\"\n", 11, OBS_EDATA, "t.csv:2:", "NUL byte");
    read_fails_n("a,b\nx,\0\n", 8, OBS_EDATA, "t.csv:2:", "NUL byte");
    read_fails_n("a\0,b\n", 5, OBS_EDATA, "t.csv:1:", "NUL byte in field 1");
}

static void test_error_invalid_utf8(void **state)
{
    (void)state;
    read_fails("a,\xff\n1,2\n", OBS_EDATA, "t.csv:1:", "column 2: name is not valid UTF-8");
    read_fails("id,grp\n1,ok\n2,b\xe9t\n", OBS_EDATA, "t.csv:3:", "column \"grp\": value is not valid UTF-8");
    read_fails("g\n\xc0\xaf\n", OBS_EDATA, "column \"g\"", "UTF-8");       /* overlong '/' */
    read_fails("g\n\xed\xa0\x80\n", OBS_EDATA, "column \"g\"", "UTF-8");   /* surrogate */
    read_fails("g\n\xf4\x90\x80\x80\n", OBS_EDATA, "column \"g\"", "UTF-8"); /* > U+10FFFF */
    read_fails("g\nab\xe2\x82\n", OBS_EDATA, "column \"g\"", "UTF-8");     /* truncated */
}

static void test_error_column_names(void **state)
{
    (void)state;
    read_fails("a,b,a\n1,2,3\n", OBS_EDATA, "t.csv:1:", "duplicate column name \"a\" (columns 1 and 3)");
    read_fails("a,,c\n1,2,3\n", OBS_EDATA, "t.csv:1:", "column 2 has an empty name");
    read_fails("a,b,\n1,2,3\n", OBS_EDATA, "column 3 has an empty name", NULL);
    read_fails("\"\"\n1\n", OBS_EDATA, "column 1 has an empty name", NULL);
}

/* ------------------------------------------------------------ files */

static obs_table *read_file_ok(const char *name)
{
    char path[1024];
    obs_table *t = NULL;
    obs_error err;
    snprintf(path, sizeof path, "%s/%s", OBSURV_SHARED_DATA, name);
    obs_status st = obs_csv_read(path, &t, &err);
    if (st) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, OBS_OK);
    return t;
}

/* Number of missing values per column and the sums of numeric columns
 * (NA removed) must be R's.  R (LC_ALL=C Rscript):
 *   d <- read.csv(f, stringsAsFactors = TRUE)
 *   nrow(d); ncol(d); sapply(d, function(x) sum(is.na(x))); sapply(d, class)
 *   levels(d$celltype); table(d$celltype)
 *   sapply(d, function(x) if (is.numeric(x)) sprintf("%.17g", sum(x, na.rm = TRUE)))
 */
static void check_r_file(const char *file, size_t nrow, size_t ncol, const size_t *nas,
                         const double *sums, const char *factor, const char *const *levels,
                         const int *counts, size_t nlevels)
{
    obs_table *t = read_file_ok(file);
    assert_int_equal(t->nrow, nrow);
    assert_int_equal(t->ncol, ncol);
    for (size_t j = 0; j < ncol; j++) {
        const obs_column *c = &t->cols[j];
        assert_int_equal(c->nmissing, nas[j]);
        if (factor && strcmp(c->name, factor) == 0) {
            assert_int_equal(c->type, OBS_COL_FACTOR);
            assert_int_equal(c->nlevels, nlevels);
            for (size_t l = 0; l < nlevels; l++) {
                int n = 0;
                for (size_t i = 0; i < nrow; i++) n += (c->codes[i] == (int)l);
                assert_string_equal(c->levels[l], levels[l]);
                assert_int_equal(n, counts[l]);
            }
            continue;
        }
        assert_int_equal(c->type, OBS_COL_NUMERIC);
        double s = 0;
        for (size_t i = 0; i < nrow; i++)
            if (!c->missing[i]) s += c->num[i];
        assert_true(fabs(s - sums[j]) <= 1e-12 * fabs(sums[j]));
    }
    obs_table_free(&t);
}

static void test_r_lung(void **state)
{
    (void)state;
    /* lung 228 10; NA: 1 0 0 0 0 1 1 3 47 14; all integer */
    static const size_t nas[] = {1, 0, 0, 0, 0, 1, 1, 3, 47, 14};
    static const double sums[] = {2517, 69593, 393, 14238, 318, 216, 18600, 17990, 168109, 2104};
    check_r_file("lung.csv", 228, 10, nas, sums, NULL, NULL, NULL, 0);
    obs_table *t = read_file_ok("lung.csv");
    assert_string_equal(t->cols[5].name, "ph.ecog");
    assert_int_equal(t->line[0], 2);
    assert_int_equal(t->line[227], 229);
    obs_table_free(&t);
}

static void test_r_veteran(void **state)
{
    (void)state;
    /* veteran 137 8; no NA; celltype factor: adeno large smallcell squamous | 27 27 48 35 */
    static const size_t nas[8] = {0};
    static const double sums[] = {205, 0, 16663, 128, 8024, 1202, 7988, 400};
    static const char *const lev[] = {"adeno", "large", "smallcell", "squamous"};
    static const int counts[] = {27, 27, 48, 35};
    check_r_file("veteran.csv", 137, 8, nas, sums, "celltype", lev, counts, 4);
}

static void test_r_ovarian(void **state)
{
    (void)state;
    /* ovarian 26 6; no NA; sums 15588 12 1460.3015 41 39 38 */
    static const size_t nas[6] = {0};
    static const double sums[] = {15588, 12, 1460.3015, 41, 39, 38};
    check_r_file("ovarian.csv", 26, 6, nas, sums, NULL, NULL, NULL, 0);
}

static void test_r_lalonde(void **state)
{
    (void)state;
    /* lalonde 614 9; no NA; race factor: black hispan white | 243 72 299;
     * sums 185 16801 6305 - 255 387 2798333.5936400001 1341552.0591500001 4170800.37255 */
    static const size_t nas[9] = {0};
    static const double sums[] = {185, 16801, 6305, 0, 255, 387, 2798333.5936400001, 1341552.0591500001,
                                  4170800.37255};
    static const char *const lev[] = {"black", "hispan", "white"};
    static const int counts[] = {243, 72, 299};
    check_r_file("lalonde.csv", 614, 9, nas, sums, "race", lev, counts, 3);
}

static void test_file_errors(void **state)
{
    (void)state;
    obs_table *t = NULL;
    obs_error err;
    assert_int_equal(obs_csv_read("/nonexistent/x.csv", &t, &err), OBS_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/x.csv"));
    assert_null(t);
    assert_int_equal(obs_csv_read(OBSURV_SHARED_DATA, &t, &err), OBS_EIO);
    assert_null(t);
    /* messages name the file path */
    char path[] = "/tmp/obsurv_test_csv_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "a,b\n1,2\n3\n", 10), 10);
    close(fd);
    assert_int_equal(obs_csv_read(path, &t, &err), OBS_EDATA);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, ":3:"));
    /* an empty regular file */
    fd = open(path, O_WRONLY | O_TRUNC);
    close(fd);
    assert_int_equal(obs_csv_read(path, &t, &err), OBS_EDATA);
    assert_non_null(strstr(err.msg, "empty file"));
    unlink(path);
}

static void test_stdin_pipe(void **state)
{
    (void)state;
    int fds[2], saved = dup(STDIN_FILENO);
    const char *text = "x,g\n1,a\n2,b\n";
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
    close(fds[1]);
    dup2(fds[0], STDIN_FILENO);
    close(fds[0]);
    obs_table *t = NULL;
    obs_error err;
    obs_status st = obs_csv_read("-", &t, &err);
    dup2(saved, STDIN_FILENO);
    close(saved);
    assert_int_equal(st, OBS_OK);
    assert_string_equal(t->source, "<stdin>");
    assert_int_equal(t->nrow, 2);
    assert_int_equal(t->cols[1].nlevels, 2);
    obs_table_free(&t);
}

static void test_fixture_files(void **state)
{
    (void)state;
    /* tests/cli/data/csv_*.csv: hostile fixtures also used by the CLI tests */
    char path[1024];
    obs_table *t = NULL;
    obs_error err;
    snprintf(path, sizeof path, "%s/cli/data/csv_quoted.csv", OBSURV_TEST_DIR);
    assert_int_equal(obs_csv_read(path, &t, &err), OBS_OK);
    assert_int_equal(t->nrow, 4);
    assert_int_equal(t->cols[0].type, OBS_COL_NUMERIC);
    assert_int_equal(t->cols[1].type, OBS_COL_FACTOR);
    assert_int_equal(t->line[3], 7);
    /* R: read.csv(f, fileEncoding = "UTF-8-BOM")$name is "Smith, J" "multi\nline name"
     * "quote \"q\"\nand newline" "plain"; score 3.5 4 7 NA */
    assert_int_equal(obs_column_level_code(&t->cols[1], "multi\nline name"), 1);
    assert_int_equal(obs_column_level_code(&t->cols[1], "quote \"q\"\nand newline"), 3);
    assert_true(t->cols[2].num[2] == 7 && t->cols[2].missing[3]);
    obs_table_free(&t);
    snprintf(path, sizeof path, "%s/cli/data/csv_ragged.csv", OBSURV_TEST_DIR);
    assert_int_equal(obs_csv_read(path, &t, &err), OBS_EDATA);
    assert_non_null(strstr(err.msg, "csv_ragged.csv:4: expected 3 fields"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_numeric_and_factor),
        cmocka_unit_test(test_quotes_escapes_and_row_spanning_lines),
        cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_numbers_as_r_reads_them),
        cmocka_unit_test(test_not_numbers_make_factors),
        cmocka_unit_test(test_factor_levels_in_byte_order),
        cmocka_unit_test(test_true_false_is_a_factor),
        cmocka_unit_test(test_late_text_turns_column_into_factor),
        cmocka_unit_test(test_many_levels),
        cmocka_unit_test(test_header_only_is_zero_rows),
        cmocka_unit_test(test_blank_lines_and_final_newline),
        cmocka_unit_test(test_property_crlf_bom_quotes_same_table),
        cmocka_unit_test(test_lone_cr_and_quote_inside_unquoted),
        cmocka_unit_test(test_parse_double_matches_strtod),
        cmocka_unit_test(test_csv_values_match_strtod),
        cmocka_unit_test(test_random_garbage),
        cmocka_unit_test(test_error_empty_input),
        cmocka_unit_test(test_error_ragged_rows),
        cmocka_unit_test(test_error_unclosed_quote),
        cmocka_unit_test(test_error_nul_byte),
        cmocka_unit_test(test_error_invalid_utf8),
        cmocka_unit_test(test_error_column_names),
        cmocka_unit_test(test_r_lung),
        cmocka_unit_test(test_r_veteran),
        cmocka_unit_test(test_r_ovarian),
        cmocka_unit_test(test_r_lalonde),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_stdin_pipe),
        cmocka_unit_test(test_fixture_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
