/*
 * test_readers.c — the format dispatcher (src/reader.c), the ReadStat reader
 * (src/read_readstat.c), the SQLite reader (src/read_sqlite.c) and the
 * column builder (src/read_builder.c).
 *
 * Layers:
 *   - hand-worked: the haven::as_factor level order of a labelled column
 *     (worked in read_builder.c), magic-byte detection, SQLite typing rules
 *     on a database built here (mixed text/number -> factor of SQLite's text
 *     forms, NULL and '' missing, BLOB refused);
 *   - R's view: every .dta/.sav/.zsav/.xpt/.sas7bdat/.sqlite file that
 *     tests/r/formats.R wrote is read and compared, value by value, with the
 *     .expect file R wrote from haven/RSQLite's reading of it (levels, codes,
 *     missing counts, labels, dates as numbers);
 *   - same table as CSV: each binary version of a shared dataset equals the
 *     table obs_csv_read gives for the CSV (names with "." -> "_");
 *   - hostile input: every truncation of a file (in steps), byte flips, and
 *     the hand-made fixtures of tests/cli/data/fmt_* give OBS_EDATA (or a
 *     table) without a crash; run under OBSURV_SANITIZE for memory errors.
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
#include <unistd.h>
#include <sqlite3.h>
#include "obsurv/csv.h"
#include "obsurv/reader.h"
#include "../../src/read_builder.h"

#define FMT_DIR OBSURV_TEST_DIR "/golden/formats/"
#define CLI_DATA OBSURV_TEST_DIR "/cli/data/"

static obs_table *read_path(const char *path, const obs_read_options *opt)
{
    obs_table *t = NULL;
    obs_error err;
    obs_error_clear(&err);
    obs_status st = obs_read_table(path, opt, &t, &err);
    if (st != OBS_OK) fprintf(stderr, "%s: unexpected error: %s\n", path, err.msg);
    assert_int_equal(st, OBS_OK);
    assert_non_null(t);
    return t;
}

static void read_fails(const char *path, const obs_read_options *opt, obs_status want,
                       const char *needle)
{
    obs_table *t = NULL;
    obs_error err;
    obs_error_clear(&err);
    obs_status st = obs_read_table(path, opt, &t, &err);
    if (st != want || !strstr(err.msg, needle))
        fprintf(stderr, "%s: status %d message \"%s\", wanted %d \"%s\"\n", path, st, err.msg, want, needle);
    assert_int_equal(st, want);
    assert_null(t);
    assert_non_null(strstr(err.msg, needle));
}

/* ---------------------------------------------------- .expect comparison */

/* Compare table t with R's view in the .expect file (format: formats.R). */
static void check_expect(const obs_table *t, const char *expect_path)
{
    FILE *fp = fopen(expect_path, "r");
    assert_non_null(fp);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long j = -1;
    size_t ncols = 0;
    const obs_column *c = NULL;
    while ((len = getline(&line, &cap, fp)) > 0) {
        if (line[len - 1] == '\n') line[--len] = '\0';
        if (strncmp(line, "column ", 7) == 0) {
            char name[256], type[16];
            size_t nmiss;
            assert_int_equal(sscanf(line + 7, "%255s %15s %zu", name, type, &nmiss), 3);
            j++;
            ncols++;
            assert_true((size_t)j < t->ncol);
            c = &t->cols[j];
            if (strcmp(c->name, name) != 0) fprintf(stderr, "%s: column %ld is %s, R has %s\n", expect_path, j, c->name, name);
            assert_string_equal(c->name, name);
            assert_int_equal(c->type, strcmp(type, "factor") == 0 ? OBS_COL_FACTOR : OBS_COL_NUMERIC);
            if (c->nmissing != nmiss) fprintf(stderr, "%s: %s: %zu missing, R %zu\n", expect_path, name, c->nmissing, nmiss);
            assert_int_equal(c->nmissing, nmiss);
        } else if (strncmp(line, "label ", 6) == 0) {
            assert_non_null(c->label);
            assert_int_equal(strncmp(c->label, line + 6, strlen(line + 6)), 0);
        } else if (strncmp(line, "levels", 6) == 0) {
            size_t l = 0;
            char *save = NULL;
            for (char *tok = strtok_r(line + 6, "\t", &save); tok; tok = strtok_r(NULL, "\t", &save), l++) {
                assert_true(l < c->nlevels);
                if (strcmp(c->levels[l], tok) != 0)
                    fprintf(stderr, "%s: %s: level %zu is \"%s\", R \"%s\"\n", expect_path, c->name, l, c->levels[l], tok);
                assert_string_equal(c->levels[l], tok);
            }
            assert_int_equal(l, c->nlevels);
        } else if (strncmp(line, "values", 6) == 0) {
            size_t i = 0;
            char *save = NULL;
            for (char *tok = strtok_r(line + 6, " ", &save); tok; tok = strtok_r(NULL, " ", &save), i++) {
                assert_true(i < t->nrow);
                int na = strcmp(tok, "NA") == 0;
                assert_int_equal(c->missing[i], na);
                if (c->type == OBS_COL_FACTOR) {
                    assert_int_equal(c->codes[i], na ? -1 : atoi(tok) - 1);
                } else if (na) {
                    assert_true(isnan(c->num[i]));
                } else {
                    double v = strtod(tok, NULL);
                    if (c->num[i] != v) fprintf(stderr, "%s: %s row %zu: %.17g, R %.17g\n", expect_path, c->name, i + 1, c->num[i], v);
                    assert_true(c->num[i] == v);
                }
            }
            assert_int_equal(i, t->nrow);
        }
    }
    free(line);
    fclose(fp);
    assert_int_equal(ncols, t->ncol);
}

/* The binary table b equals the CSV table c (names "." -> "_"). */
static void check_same_as_csv(const obs_table *b, const obs_table *c)
{
    assert_int_equal(b->nrow, c->nrow);
    assert_int_equal(b->ncol, c->ncol);
    for (size_t j = 0; j < c->ncol; j++) {
        const obs_column *x = &b->cols[j], *y = &c->cols[j];
        char name[256];
        snprintf(name, sizeof name, "%s", y->name);
        for (char *p = name; *p; p++)
            if (*p == '.') *p = '_';
        assert_string_equal(x->name, name);
        assert_int_equal(x->type, y->type);
        assert_int_equal(x->nmissing, y->nmissing);
        if (x->type == OBS_COL_FACTOR) {
            assert_int_equal(x->nlevels, y->nlevels);
            for (size_t l = 0; l < x->nlevels; l++) assert_string_equal(x->levels[l], y->levels[l]);
        }
        for (size_t i = 0; i < c->nrow; i++) {
            assert_int_equal(x->missing[i], y->missing[i]);
            if (x->missing[i]) continue;
            if (x->type == OBS_COL_FACTOR) assert_int_equal(x->codes[i], y->codes[i]);
            else assert_true(x->num[i] == y->num[i]);
        }
    }
}

static const char *const DATASETS[] = {"lung", "veteran", "ovarian", "lalonde"};

static void test_shared_datasets_every_format(void **state)
{
    (void)state;
    static const char *const exts[] = {"dta", "sav", "xpt", "sqlite", "sas7bdat"};
    char path[1024], expect[1024], csv[1024];
    int nread = 0;
    for (size_t d = 0; d < 4; d++) {
        snprintf(expect, sizeof expect, FMT_DIR "%s.expect", DATASETS[d]);
        snprintf(csv, sizeof csv, OBSURV_SHARED_DATA "/%s.csv", DATASETS[d]);
        obs_table *ct = NULL;
        obs_error err;
        assert_int_equal(obs_csv_read(csv, &ct, &err), OBS_OK);
        for (size_t e = 0; e < 5; e++) {
            snprintf(path, sizeof path, FMT_DIR "%s.%s", DATASETS[d], exts[e]);
            if (access(path, R_OK) != 0) continue;   /* sas7bdat: lung and veteran only */
            obs_table *t = read_path(path, NULL);
            assert_int_equal(t->nrow, ct->nrow);     /* every row accounted for */
            check_expect(t, expect);
            check_same_as_csv(t, ct);
            for (size_t i = 0; i < t->nrow; i++) assert_int_equal(t->line[i], i + 1);
            obs_table_free(&t);
            nread++;
        }
        obs_table_free(&ct);
    }
    assert_int_equal(nread, 4 * 4 + 2);
}

/* shared.sqlite holds the four datasets: --table, --query and the error
 * that lists the tables when neither is given. */
static void test_sqlite_table_and_query(void **state)
{
    (void)state;
    for (size_t d = 0; d < 4; d++) {
        char expect[1024], q[256];
        snprintf(expect, sizeof expect, FMT_DIR "%s.expect", DATASETS[d]);
        obs_read_options o = {.table = DATASETS[d], .query = NULL};
        obs_table *t = read_path(FMT_DIR "shared.sqlite", &o);
        check_expect(t, expect);
        obs_table_free(&t);
        snprintf(q, sizeof q, "SELECT * FROM %s;  -- all of it", DATASETS[d]);
        obs_read_options oq = {.table = NULL, .query = q};
        t = read_path(FMT_DIR "shared.sqlite", &oq);
        check_expect(t, expect);
        obs_table_free(&t);
    }
    read_fails(FMT_DIR "shared.sqlite", NULL, OBS_EUSAGE, "lalonde, lung, ovarian, veteran");
    obs_read_options o = {.table = "nope", .query = NULL};
    read_fails(FMT_DIR "shared.sqlite", &o, OBS_EUSAGE, "no table \"nope\" (tables: lalonde, lung");
    obs_read_options w = {.table = NULL, .query = "DELETE FROM lung"};
    read_fails(FMT_DIR "shared.sqlite", &w, OBS_EUSAGE, "SELECT");
    obs_read_options two = {.table = NULL, .query = "SELECT 1; DROP TABLE lung"};
    read_fails(FMT_DIR "shared.sqlite", &two, OBS_EUSAGE, "single SELECT");
    obs_read_options bad = {.table = NULL, .query = "SELECT nonsense FROM lung"};
    read_fails(FMT_DIR "shared.sqlite", &bad, OBS_EUSAGE, "no such column");
    obs_read_options both = {.table = "lung", .query = "SELECT 1"};
    read_fails(FMT_DIR "shared.sqlite", &both, OBS_EUSAGE, "not both");
    /* a one-table database needs no --table */
    obs_table *t = read_path(FMT_DIR "lung.sqlite", NULL);
    assert_int_equal(t->nrow, 228);
    obs_table_free(&t);
    /* --table on a CSV file is a usage error */
    obs_read_options lt = {.table = "lung", .query = NULL};
    read_fails(OBSURV_SHARED_DATA "/lung.csv", &lt, OBS_EUSAGE, "need a SQLite database");
}

static void test_labelled_files(void **state)
{
    (void)state;
    static const char *const cases[][2] = {{"labelled.dta", "labelled_dta.expect"},
                                           {"labelled.sav", "labelled_sav.expect"},
                                           {"labelled.zsav", "labelled_sav.expect"},
                                           {"labelled.xpt", "labelled_xpt.expect"}};
    for (size_t k = 0; k < 4; k++) {
        char path[1024], expect[1024];
        snprintf(path, sizeof path, FMT_DIR "%s", cases[k][0]);
        snprintf(expect, sizeof expect, FMT_DIR "%s", cases[k][1]);
        obs_table *t = read_path(path, NULL);
        check_expect(t, expect);
        const obs_column *dx = obs_table_column(t, "dx"), *ts = obs_table_column(t, "ts");
        assert_non_null(dx);
        assert_non_null(ts);
        assert_string_equal(dx->label, "unit: days since 1970-01-01");
        assert_string_equal(ts->label, "unit: seconds since 1970-01-01 00:00:00 UTC");
        const obs_column *arm = obs_table_column(t, "arm");
        assert_string_equal(arm->label, "Treatment arm");
        obs_table_free(&t);
    }
}

/* Hand-worked: the as_factor order example of read_builder.c, plus a
 * duplicated label (two values, one level) and a label on no value. */
static void test_builder_as_factor_order(void **state)
{
    (void)state;
    obs_builder b;
    obs_error err;
    obs_table *t = NULL;
    assert_int_equal(obs_builder_init(&b, 2, "mem", &err), OBS_OK);
    assert_int_equal(obs_builder_set_name(&b, 0, "g", "Group", &err), OBS_OK);
    assert_int_equal(obs_builder_set_name(&b, 1, "d", NULL, &err), OBS_OK);
    const double g[] = {3, NAN, 1, 5}, dv[] = {1, 2, 100000, 2.5};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(obs_builder_row(&b, i, &err), OBS_OK);
        obs_builder_set_num(&b, i, 0, g[i]);
        obs_builder_set_num(&b, i, 1, dv[i]);
    }
    assert_int_equal(obs_builder_add_label(&b, 0, 3, NULL, "z", &err), OBS_OK);
    assert_int_equal(obs_builder_add_label(&b, 0, 1, NULL, "b", &err), OBS_OK);
    assert_int_equal(obs_builder_add_label(&b, 0, 2, NULL, "a", &err), OBS_OK);
    assert_int_equal(obs_builder_add_label(&b, 1, 2, NULL, "low", &err), OBS_OK);
    assert_int_equal(obs_builder_add_label(&b, 1, 1, NULL, "low", &err), OBS_OK);
    assert_int_equal(obs_builder_add_label(&b, 1, 9, NULL, "never", &err), OBS_OK);
    assert_int_equal(obs_builder_finish(&b, NULL, &t, &err), OBS_OK);
    /* g: keys 1 b, 2 a, 3 z, 5 "5" -> levels b a z 5; codes 2 -1 0 3 */
    const obs_column *c = &t->cols[0];
    assert_int_equal(c->nlevels, 4);
    assert_string_equal(c->levels[0], "b");
    assert_string_equal(c->levels[1], "a");
    assert_string_equal(c->levels[2], "z");
    assert_string_equal(c->levels[3], "5");
    const int want[] = {2, -1, 0, 3};
    for (size_t i = 0; i < 4; i++) assert_int_equal(c->codes[i], want[i]);
    assert_int_equal(c->nmissing, 1);
    assert_string_equal(c->label, "Group");
    /* d: keys 1 low, 2 low, 2.5 "2.5", 9 never, 1e5 "1e+05" (R's as.character)
     * -> levels low 2.5 never 1e+05, codes 0 0 3 1 */
    c = &t->cols[1];
    assert_int_equal(c->nlevels, 4);
    assert_string_equal(c->levels[0], "low");
    assert_string_equal(c->levels[1], "2.5");
    assert_string_equal(c->levels[2], "never");
    assert_string_equal(c->levels[3], "1e+05");
    const int wd[] = {0, 0, 3, 1};
    for (size_t i = 0; i < 4; i++) assert_int_equal(c->codes[i], wd[i]);
    obs_table_free(&t);
}

static void test_magic_detection(void **state)
{
    (void)state;
    const unsigned char sqlite[] = "SQLite format 3";
    assert_int_equal(obs_format_detect(sqlite, 16), OBS_FORMAT_SQLITE);
    assert_int_equal(obs_format_detect(sqlite, 15), OBS_FORMAT_CSV);
    assert_int_equal(obs_format_detect((const unsigned char *)"$FL2xxxx", 8), OBS_FORMAT_SPSS);
    assert_int_equal(obs_format_detect((const unsigned char *)"$FL3xxxx", 8), OBS_FORMAT_SPSS);
    assert_int_equal(obs_format_detect((const unsigned char *)"<stata_dta><header>", 19), OBS_FORMAT_STATA);
    const unsigned char dta114[] = {114, 2, 1, 0, 5, 0};
    assert_int_equal(obs_format_detect(dta114, 6), OBS_FORMAT_STATA);
    const unsigned char notdta[] = {114, 3, 1, 0};
    assert_int_equal(obs_format_detect(notdta, 4), OBS_FORMAT_CSV);
    const char *xpt = "HEADER RECORD*******LIBV8   HEADER RECORD!!!!!!!000000";
    assert_int_equal(obs_format_detect((const unsigned char *)xpt, strlen(xpt)), OBS_FORMAT_XPORT);
    assert_int_equal(obs_format_detect((const unsigned char *)"time,status\n", 12), OBS_FORMAT_CSV);
    assert_int_equal(obs_format_detect(NULL, 0), OBS_FORMAT_CSV);
    /* content wins over the extension: a .dta copy of lung.sav is read as SPSS */
    char tmp[] = "/tmp/obsurv_readers_XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    close(fd);
    char path[64];
    snprintf(path, sizeof path, "%s.dta", tmp);
    FILE *in = fopen(FMT_DIR "lung.sav", "rb"), *out = fopen(path, "wb");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
    obs_table *t = read_path(path, NULL);
    check_expect(t, FMT_DIR "lung.expect");
    obs_table_free(&t);
    unlink(path);
    unlink(tmp);
}

/* SQLite typing on a database made here. */
static void test_sqlite_typing(void **state)
{
    (void)state;
    char path[] = "/tmp/obsurv_sqlite_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
        "CREATE TABLE t(a, b INTEGER, c TEXT, d REAL);"
        "INSERT INTO t VALUES (1, 10, 'x', 1.5), ('b', NULL, '', 2.0), (2.5, 30, 'a', NULL),"
        "  (1.0, 40, NULL, 1e20), (NULL, 50, 'x', -0.25);"
        "CREATE VIEW v AS SELECT b, d FROM t WHERE b > 20;"
        "CREATE TABLE blobs(x); INSERT INTO blobs VALUES (x'00ff');", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    obs_read_options o = {.table = "t", .query = NULL};
    obs_table *t = read_path(path, &o);
    assert_int_equal(t->nrow, 5);
    /* a: 1 (int), 'b', 2.5, 1.0 (real), NULL -> factor of text forms
     * "1", "b", "2.5", "1.0": byte order "1" < "1.0" < "2.5" < "b" */
    const obs_column *a = &t->cols[0];
    assert_int_equal(a->type, OBS_COL_FACTOR);
    assert_int_equal(a->nlevels, 4);
    assert_string_equal(a->levels[0], "1");
    assert_string_equal(a->levels[1], "1.0");
    assert_string_equal(a->levels[2], "2.5");
    assert_string_equal(a->levels[3], "b");
    const int wa[] = {0, 3, 2, 1, -1};
    for (int i = 0; i < 5; i++) assert_int_equal(a->codes[i], wa[i]);
    assert_int_equal(a->nmissing, 1);
    const obs_column *b = &t->cols[1];
    assert_int_equal(b->type, OBS_COL_NUMERIC);
    assert_int_equal(b->nmissing, 1);
    assert_true(b->num[0] == 10 && isnan(b->num[1]) && b->num[4] == 50);
    const obs_column *c = &t->cols[2];   /* '' and NULL are missing */
    assert_int_equal(c->type, OBS_COL_FACTOR);
    assert_int_equal(c->nmissing, 2);
    assert_int_equal(c->nlevels, 2);
    assert_string_equal(c->levels[0], "a");
    const obs_column *d = &t->cols[3];
    assert_int_equal(d->type, OBS_COL_NUMERIC);
    assert_true(d->num[3] == 1e20 && d->num[4] == -0.25);
    obs_table_free(&t);
    obs_read_options ov = {.table = "v", .query = NULL};
    t = read_path(path, &ov);
    assert_int_equal(t->nrow, 3);
    assert_int_equal(t->ncol, 2);
    obs_table_free(&t);
    obs_read_options oq = {.table = NULL, .query = "SELECT b, b FROM t"};
    read_fails(path, &oq, OBS_EDATA, "duplicate column name \"b\"");
    obs_read_options ob = {.table = "blobs", .query = NULL};
    read_fails(path, &ob, OBS_EDATA, "BLOB");
    read_fails(path, NULL, OBS_EUSAGE, "several tables (blobs, t)");
    /* query_only: even a writing statement that slips through must fail */
    obs_read_options ow = {.table = NULL, .query = "INSERT INTO t VALUES (1,2,3,4) RETURNING a"};
    read_fails(path, &ow, OBS_EUSAGE, "SELECT");
    obs_read_options empty = {.table = NULL, .query = "SELECT * FROM t WHERE 0"};
    t = read_path(path, &empty);
    assert_int_equal(t->nrow, 0);
    assert_int_equal(t->ncol, 4);
    obs_table_free(&t);
    unlink(path);
}

/* The hostile fixtures of tests/cli/data: each fails with OBS_EDATA and a
 * message naming the file. */
static void test_hostile_fixtures(void **state)
{
    (void)state;
    static const char *const files[] = {
        "fmt_truncated.dta", "fmt_header_only.dta", "fmt_truncated.sav", "fmt_truncated.xpt",
        "fmt_truncated.sas7bdat", "fmt_truncated.sqlite", "fmt_csv_as.dta", "fmt_wrong_magic.sqlite",
        "fmt_empty.sav", "fmt_wrong_magic.sav", "fmt_huge_rows.dta", "fmt_huge_cols.dta",
        "fmt_huge_rows.sav", "fmt_bad_page.sqlite"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char path[1024];
        snprintf(path, sizeof path, CLI_DATA "%s", files[k]);
        obs_table *t = NULL;
        obs_error err;
        obs_error_clear(&err);
        obs_status st = obs_read_table(path, NULL, &t, &err);
        if (st != OBS_EDATA) fprintf(stderr, "%s: status %d: %s\n", files[k], st, err.msg);
        assert_int_equal(st, OBS_EDATA);
        assert_null(t);
        assert_non_null(strstr(err.msg, files[k]));
    }
}

static unsigned char *slurp(const char *path, size_t *len)
{
    unsigned char *buf;
    obs_error err;
    assert_int_equal(obs_read_file_bytes(path, &buf, len, &err), OBS_OK);
    return buf;
}

/* Every prefix (in steps) and deterministic byte flips: no crash, and either
 * an error or a table. */
static void test_truncations_and_flips(void **state)
{
    (void)state;
    static const struct { const char *file; obs_format f; } cases[] = {
        {"labelled.dta", OBS_FORMAT_STATA}, {"labelled.sav", OBS_FORMAT_SPSS},
        {"labelled.zsav", OBS_FORMAT_SPSS}, {"labelled.xpt", OBS_FORMAT_XPORT},
        {"veteran.sas7bdat", OBS_FORMAT_SAS7BDAT}, {"ovarian.sqlite", OBS_FORMAT_SQLITE}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char path[1024];
        size_t len;
        snprintf(path, sizeof path, FMT_DIR "%s", cases[k].file);
        unsigned char *buf = slurp(path, &len);
        unsigned char *copy = malloc(len);
        size_t step = len / 300 + 1;
        uint32_t x = 12345;
        for (size_t cut = 0; cut < len; cut += step) {
            obs_table *t = NULL;
            obs_error err;
            obs_status st = cases[k].f == OBS_FORMAT_SQLITE
                                ? obs_sqlite_read_buffer(buf, cut, cases[k].file, NULL, &t, &err)
                                : obs_readstat_read_buffer(buf, cut, cases[k].f, cases[k].file, &t, &err);
            assert_true(st == OBS_OK || st == OBS_EDATA || st == OBS_EUSAGE || st == OBS_ENOMEM);
            assert_true((st == OBS_OK) == (t != NULL));
            obs_table_free(&t);
        }
        for (int trial = 0; trial < 200; trial++) {
            memcpy(copy, buf, len);
            for (int f = 0; f < 4; f++) {
                x = x * 1664525u + 1013904223u;
                copy[(x >> 8) % len] ^= (unsigned char)(1u << (x & 7));
            }
            obs_table *t = NULL;
            obs_error err;
            obs_status st = cases[k].f == OBS_FORMAT_SQLITE
                                ? obs_sqlite_read_buffer(copy, len, cases[k].file, NULL, &t, &err)
                                : obs_readstat_read_buffer(copy, len, cases[k].f, cases[k].file, &t, &err);
            assert_true((st == OBS_OK) == (t != NULL));
            obs_table_free(&t);
        }
        free(copy);
        free(buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builder_as_factor_order),
        cmocka_unit_test(test_magic_detection),
        cmocka_unit_test(test_shared_datasets_every_format),
        cmocka_unit_test(test_sqlite_table_and_query),
        cmocka_unit_test(test_labelled_files),
        cmocka_unit_test(test_sqlite_typing),
        cmocka_unit_test(test_hostile_fixtures),
        cmocka_unit_test(test_truncations_and_flips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
