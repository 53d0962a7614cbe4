/*
 * test_simulate.c — the simulated NELM registry (src/simulate_nelm.c).
 *
 * Layers: determinism (the default seed's bytes, pinned by a hash and the
 * first lines; two runs give the same bytes); structure (arm counts, centers,
 * years, per-arm fields, censoring bounds, missing rates); calibration (one
 * large cohort: per-arm Kaplan-Meier median and 5-year survival against the
 * published targets within a stated Monte-Carlo tolerance); bad input.
 * Hazard ratios are checked over many seeds by tests/r/nelm_calibration.R.
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
#include "obsurv/simulate.h"

/* ------------------------------------------------------------ helpers */

typedef struct {
    char *buf;
    size_t len, cap;
    int fail_after;   /* > 0: the write call with this number fails */
    int calls;
} membuf;

static int write_mem(void *ctx, const char *s, size_t len)
{
    membuf *m = ctx;
    if (m->fail_after > 0 && ++m->calls >= m->fail_after) return 1;
    if (m->len + len + 1 > m->cap) {
        size_t cap = m->cap ? m->cap : 4096;
        while (m->len + len + 1 > cap) cap *= 2;
        char *b = realloc(m->buf, cap);
        if (!b) return 1;
        m->buf = b;
        m->cap = cap;
    }
    memcpy(m->buf + m->len, s, len);
    m->len += len;
    m->buf[m->len] = '\0';
    return 0;
}

static obs_nelm_patient *simulate(uint64_t seed, size_t n)
{
    obs_nelm_options o;
    obs_nelm_options_default(&o);
    o.seed = seed;
    o.n = n;
    obs_nelm_patient *rows;
    size_t got;
    obs_error err;
    assert_int_equal(obs_simulate_nelm(&o, &rows, &got, &err), OBS_OK);
    assert_int_equal(got, n);
    return rows;
}

static membuf csv_of(uint64_t seed, size_t n)
{
    obs_nelm_patient *rows = simulate(seed, n);
    membuf m = {0};
    obs_error err;
    assert_int_equal(obs_nelm_write_csv(rows, n, write_mem, &m, &err), OBS_OK);
    free(rows);
    return m;
}

/* FNV-1a, 64 bits (Fowler, Noll, Vo). */
static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* ------------------------------------------------------------ determinism */

/* The default registry (seed 164, n 753), pinned.  If the generator or the
 * model changes on purpose, update these together with
 * tests/golden/nelm/calibration.txt and examples/nelm/README.md. */
static const char DEFAULT_HEAD[] =
    "id,center,year,age,sex,primary_site,hormonal,symptomatic,burden_gt25,"
    "extrahepatic,treatment,surgery_type,iat_type,iat_sessions,time,status\n"
    "1,4,2008,28,female,colorectal,1,1,1,0,surgery,resection,NA,NA,28.13,0\n"
    "2,3,2008,84,male,colorectal,NA,1,1,1,IAT,NA,radioembolization,1,15.49,1\n";
/* FNV-1a 64 of the whole CSV; its SHA-256 is
 * 38b19b8fd582b0de43f0e183bb5f18c9790edda6e88fedd7d9d9f4bf930d7a75
 * (`obsurv simulate nelm | sha256sum`, recorded for people; the CLI test checks the first row). */
#define DEFAULT_HASH 0xda09da9769be5afaULL

static void test_default_seed_bytes(void **state)
{
    (void)state;
    membuf m = csv_of(OBS_NELM_DEFAULT_SEED, OBS_NELM_DEFAULT_N);
    assert_true(m.len > strlen(DEFAULT_HEAD));
    assert_memory_equal(m.buf, DEFAULT_HEAD, strlen(DEFAULT_HEAD));
    assert_int_equal(fnv1a(m.buf, m.len), DEFAULT_HASH);
    /* 754 lines: header + 753 patients, each ending in "\n". */
    size_t lines = 0;
    for (size_t i = 0; i < m.len; i++) lines += m.buf[i] == '\n';
    assert_int_equal(lines, 754);
    assert_int_equal(m.buf[m.len - 1], '\n');
    free(m.buf);
}

static void test_same_seed_same_bytes(void **state)
{
    (void)state;
    membuf a = csv_of(7, 2000), b = csv_of(7, 2000), c = csv_of(8, 2000);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.buf, b.buf, a.len);
    assert_true(a.len != c.len || memcmp(a.buf, c.buf, a.len) != 0);
    free(a.buf);
    free(b.buf);
    free(c.buf);
}

/* ------------------------------------------------------------ structure */

static void check_structure(uint64_t seed, size_t n, size_t want_surgery)
{
    obs_nelm_patient *p = simulate(seed, n);
    size_t nsurg = 0, center_n[10] = {0}, miss = 0, resection = 0, sessions1 = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(p[i].id, (int)(i + 1));
        assert_in_range(p[i].center, 1, 9);
        center_n[p[i].center]++;
        assert_in_range(p[i].year, 1985, 2010);
        assert_true(p[i].treated_at >= p[i].year && p[i].treated_at < p[i].year + 1);
        assert_true(p[i].time > 0.0);
        assert_in_range(p[i].status, 0, 1);
        /* No follow-up past 2010-12-31, even after rounding to 0.01. */
        assert_true(p[i].time <= (2011.0 - p[i].treated_at) * 12.0);
        assert_true(p[i].time == floor(p[i].time * 100.0 + 0.5) / 100.0);
        assert_true(isnan(p[i].age) || (p[i].age >= 20 && p[i].age <= 89));
        assert_in_range(p[i].male, 0, 1);
        assert_true(p[i].primary_site >= -1 && p[i].primary_site <= OBS_NELM_NSITE - 1);
        assert_true(p[i].hormonal >= -1 && p[i].hormonal <= 1);
        assert_true(p[i].symptomatic >= -1 && p[i].symptomatic <= 1);
        assert_true(p[i].burden_gt25 >= -1 && p[i].burden_gt25 <= 1);
        assert_true(p[i].extrahepatic >= -1 && p[i].extrahepatic <= 1);
        miss += isnan(p[i].age) + (p[i].primary_site < 0) + (p[i].hormonal < 0) +
                (p[i].symptomatic < 0) + (p[i].burden_gt25 < 0) + (p[i].extrahepatic < 0);
        if (p[i].treatment == OBS_NELM_SURGERY) {
            nsurg++;
            assert_in_range(p[i].surgery_type, 0, 2);
            assert_int_equal(p[i].iat_type, -1);
            assert_int_equal(p[i].iat_sessions, -1);
            resection += p[i].surgery_type == OBS_NELM_RESECTION;
        } else {
            assert_int_equal(p[i].treatment, OBS_NELM_IAT);
            assert_int_equal(p[i].surgery_type, -1);
            assert_in_range(p[i].iat_type, 0, 2);
            assert_in_range(p[i].iat_sessions, 1, 4);
            sessions1 += p[i].iat_sessions == 1;
            if (p[i].year < 2003) assert_int_not_equal(p[i].iat_type, OBS_NELM_RADIOEMBOLIZATION);
        }
    }
    assert_int_equal(nsurg, want_surgery);
    for (int c = 1; c <= 9; c++) assert_true(center_n[c] > 0);
    /* Low missing rate: 15% of 6n cells expected at most ~2.2%; allow 4%. */
    assert_true(miss > 0 && miss < 0.04 * 6 * n);
    /* Resection alone ~78% of surgery (SE 2.3% at n 753); median IAT
     * sessions 1 (55% ones expected, SE 2.4%): checked on the larger runs. */
    if (n >= 700) {
        assert_true(resection > 0.70 * nsurg && resection < 0.86 * nsurg);
        assert_true(sessions1 > 0.5 * (n - nsurg));
    }
    free(p);
}

static void test_counts_default(void **state)
{
    (void)state;
    check_structure(OBS_NELM_DEFAULT_SEED, 753, 339);
}

static void test_counts_scaled(void **state)
{
    (void)state;
    check_structure(5, 1506, 678);   /* 2 x (339 : 414) */
    check_structure(6, 100, 45);     /* round(100 * 339 / 753) = round(45.02) */
}

/* ------------------------------------------------------------ calibration */

/* A tiny Kaplan-Meier for one arm: times t[0..n-1] with status d, sorted
 * here; deaths at a tied time come before censorings (as survfit).  Returns
 * S(60) in *s60 and the median (first time S <= 0.5; survfit averages with
 * the next time when S hits exactly 0.5, which at this n does not matter)
 * in *median. */
typedef struct { double t; int d; } obs_td;

static int cmp_td(const void *a, const void *b)
{
    const obs_td *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return y->d - x->d;
}

static void km(obs_td *v, size_t n, double *s60, double *median)
{
    qsort(v, n, sizeof *v, cmp_td);
    double s = 1.0;
    size_t at_risk = n, i = 0;
    *s60 = NAN;
    *median = NAN;
    while (i < n) {
        double t = v[i].t;
        size_t deaths = 0, leaving = 0;
        while (i < n && v[i].t == t) {
            deaths += v[i].d;
            leaving++;
            i++;
        }
        if (t > 60.0 && isnan(*s60)) *s60 = s;
        s *= 1.0 - (double)deaths / (double)at_risk;
        at_risk -= leaving;
        if (s <= 0.5 && isnan(*median)) *median = t;
    }
    if (isnan(*s60)) *s60 = s;
}

/* One cohort of 200 000 patients (90 040 surgical, 109 960 IAT).  Targets:
 * medians 123 and 34 months, S(60) 0.74 and 0.30.  Monte-Carlo standard
 * errors at this size (Greenwood, from the seed-1 run in R): S(60) about
 * 0.0017 (surgery) and 0.0015 (IAT); median about 1.2 and 0.4 months.  The
 * tolerances are about 5 standard errors plus the calibration error of the
 * parameters (< 0.002 in S(60), < 0.5 month in the medians). */
static void test_calibration_large_cohort(void **state)
{
    (void)state;
    const size_t n = 200000;
    obs_nelm_patient *p = simulate(20110, n);
    obs_td *arm[2];
    size_t m[2] = {0, 0};
    arm[0] = malloc(n * sizeof *arm[0]);
    arm[1] = malloc(n * sizeof *arm[1]);
    assert_non_null(arm[0]);
    assert_non_null(arm[1]);
    for (size_t i = 0; i < n; i++) {
        int a = p[i].treatment;
        arm[a][m[a]].t = p[i].time;
        arm[a][m[a]].d = p[i].status;
        m[a]++;
    }
    double s60, med;
    km(arm[OBS_NELM_SURGERY], m[OBS_NELM_SURGERY], &s60, &med);
    assert_true(fabs(s60 - 0.74) < 0.011);
    assert_true(fabs(med - 123.0) < 6.5);
    km(arm[OBS_NELM_IAT], m[OBS_NELM_IAT], &s60, &med);
    assert_true(fabs(s60 - 0.30) < 0.010);
    assert_true(fabs(med - 34.0) < 2.5);
    free(arm[0]);
    free(arm[1]);
    free(p);
}

/* ------------------------------------------------------------ bad input */

static void test_bad_n(void **state)
{
    (void)state;
    obs_nelm_options o;
    obs_nelm_options_default(&o);
    obs_nelm_patient *rows = (obs_nelm_patient *)&o;   /* must be reset to NULL */
    size_t n = 99;
    obs_error err;
    o.n = 1;
    assert_int_equal(obs_simulate_nelm(&o, &rows, &n, &err), OBS_EUSAGE);
    assert_null(rows);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err.msg, "--n"));
    o.n = (size_t)OBS_NELM_MAX_N + 1;
    assert_int_equal(obs_simulate_nelm(&o, &rows, &n, &err), OBS_EUSAGE);
}

static void test_write_failure(void **state)
{
    (void)state;
    obs_nelm_patient *rows = simulate(1, 10);
    obs_error err;
    for (int k = 1; k <= 3; k++) {
        membuf m = {0};
        m.fail_after = k;
        assert_int_equal(obs_nelm_write_csv(rows, 10, write_mem, &m, &err), OBS_EIO);
        free(m.buf);
    }
    free(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_seed_bytes),
        cmocka_unit_test(test_same_seed_same_bytes),
        cmocka_unit_test(test_counts_default),
        cmocka_unit_test(test_counts_scaled),
        cmocka_unit_test(test_calibration_large_cohort),
        cmocka_unit_test(test_bad_n),
        cmocka_unit_test(test_write_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
