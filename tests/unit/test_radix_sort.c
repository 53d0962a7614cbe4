/*
 * test_radix_sort.c — cox_radix_sort (src/cox_sort.c), the stable sort
 * under the Cox, concordance, matching and AUC code, against a comparison
 * sort of (key, original position): the same permutation for doubles with
 * both signs, -0 and +0, infinities, many ties, in both digit widths (8
 * bits below 65,536 keys, 16 above), on one thread and on two (2^17 keys
 * and more) and with keys that share high digits (skipped passes).
 * obs_value_sort (src/value_sort.c, the concordance's and AUC's order by
 * value): ascending values, ord a permutation onto them, tags carried, the
 * same output on one and two threads; Inf and NaN put in order (-Inf first,
 * NaN last).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/cox_internal.h"

static unsigned long long seed = 2011;
static double unif(void)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(seed >> 11) / 9007199254740992.0;
}

typedef struct {
    double v;
    size_t i;
} item;

static int cmp_item(const void *a, const void *b)
{
    const item *x = a, *y = b;
    /* IEEE order with -0 before +0, then the original position (stable) */
    if (x->v < y->v) return -1;
    if (x->v > y->v) return 1;
    if (signbit(x->v) != signbit(y->v)) return signbit(x->v) ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static void check(size_t n, int kind)
{
    double *v = malloc(n * sizeof *v);
    uint64_t *key = malloc(n * sizeof *key);
    size_t *idx = malloc(n * sizeof *idx);
    item *ref = malloc(n * sizeof *ref);
    assert_non_null(v); assert_non_null(key); assert_non_null(idx); assert_non_null(ref);
    for (size_t i = 0; i < n; i++) {
        double u = unif();
        switch (kind) {
        case 0: v[i] = round((u - 0.5) * 200) / 8; break;           /* ties, both signs */
        case 1: v[i] = 1000 + u; break;                              /* shared high digits */
        default:                                                     /* special values */
            v[i] = u < 0.1 ? -0.0 : u < 0.2 ? 0.0 : u < 0.25 ? INFINITY : u < 0.3 ? -INFINITY
                 : (u - 0.6) * 1e300;
        }
        key[i] = cox_double_key(v[i]);
        idx[i] = i;
        ref[i] = (item){v[i], i};
    }
    assert_int_equal(cox_radix_sort(key, idx, n), 0);
    qsort(ref, n, sizeof *ref, cmp_item);
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(idx[k], ref[k].i);
        assert_true(key[k] == cox_double_key(v[idx[k]]));
    }
    free(v); free(key); free(idx); free(ref);
}

static void small_inputs(void **state)
{
    (void)state;
    for (int kind = 0; kind < 3; kind++) {
        check(1, kind);
        check(7, kind);
        check(1000, kind);
    }
}

static void large_inputs(void **state)
{
    (void)state;
    for (int kind = 0; kind < 3; kind++) check(70001, kind);
}

/* above 2^17 keys the passes run in two halves (two threads when there
 * are two): the same permutation on one thread and on two */
static void two_thread_inputs(void **state)
{
    (void)state;
    for (int t = 1; t <= 2; t++) {
        setenv("OBSURV_THREADS", t == 1 ? "1" : "2", 1);
        for (int kind = 0; kind < 3; kind++) check(200003, kind);
    }
    unsetenv("OBSURV_THREADS");
}

/* cox_decimal_sort gives the permutation of the stable radix sort by value
 * (ascending and descending), for integers, two and three decimals, with
 * ties and negative values; values that are not such decimals (or hold a
 * -0) are declined and idx left alone */
static void decimal_check(size_t n, int kind, int desc)
{
    double *v = malloc(n * sizeof *v);
    uint64_t *key = malloc(n * sizeof *key), *kbuf = malloc((n + 1) * sizeof *kbuf);
    size_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *ibuf = malloc((n + 1) * sizeof *ibuf);
    uint32_t *k32 = malloc(n * sizeof *k32);
    assert_non_null(v); assert_non_null(key); assert_non_null(kbuf); assert_non_null(a);
    assert_non_null(b); assert_non_null(ibuf); assert_non_null(k32);
    for (size_t i = 0; i < n; i++) {
        const double u = unif();
        switch (kind) {
        case 0: v[i] = floor(u * 3650); break;                         /* days */
        case 1: v[i] = round((u - 0.3) * 5000) / 100 + 0.0; break;     /* two decimals, < 0 too (no -0) */
        case 2: v[i] = round(u * 200000) / 1000; break;                /* three decimals */
        default: v[i] = u * 10; break;                                 /* not decimals */
        }
    }
    for (size_t k = 0; k < n; k++) { a[k] = k; b[k] = n - 1 - k; }   /* idx in some order */
    memcpy(a, b, n * sizeof *a);
    for (size_t k = 0; k < n; k++) {
        const uint64_t kk = cox_double_key(v[b[k]]);
        key[k] = desc ? ~kk : kk;
    }
    assert_int_equal(cox_radix_sort_buf(key, b, n, kbuf, ibuf), 0);
    int rc = cox_decimal_sort(a, n, v, desc, k32, ibuf);
    if (kind == 3) {
        assert_int_equal(rc, 0);
        for (size_t k = 0; k < n; k++) assert_int_equal(a[k], n - 1 - k);
    } else {
        assert_int_equal(rc, 1);
        for (size_t k = 0; k < n; k++) assert_int_equal(a[k], b[k]);
    }
    free(v); free(key); free(kbuf); free(a); free(b); free(ibuf); free(k32);
}

static void decimal_sort(void **state)
{
    (void)state;
    for (int kind = 0; kind < 4; kind++)
        for (int desc = 0; desc < 2; desc++) {
            decimal_check(1, kind == 3 ? 0 : kind, desc);
            decimal_check(5000, kind, desc);
            decimal_check(200003, kind, desc);
        }
    /* a -0 among the values: declined (the radix order puts -0 before +0) */
    double v[3] = {1.0, -0.0, 0.0};
    size_t idx[3] = {0, 1, 2}, ibuf[4];
    uint32_t k32[3];
    assert_int_equal(cox_decimal_sort(idx, 3, v, 0, k32, ibuf), 0);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* kinds: continuous, a few values (large buckets), constant, signed zeros,
 * a wide range (one crowded bucket) */
static void value_sort_case(size_t n, int kind)
{
    double *v = malloc(n * sizeof *v), *sv = malloc(n * sizeof *sv), *ref = malloc(n * sizeof *ref);
    double *sv2 = malloc(n * sizeof *sv2);
    size_t *ord = malloc(n * sizeof *ord), *ord2 = malloc(n * sizeof *ord2);
    unsigned char *tin = malloc(n), *tag = malloc(n), *seen = calloc(n, 1);
    uint32_t *scr = malloc(OBS_VALUE_SORT_SCRATCH(n) * sizeof *scr);
    assert_true(v && sv && ref && sv2 && ord && ord2 && tin && tag && seen && scr);
    for (size_t i = 0; i < n; i++) {
        const double u = unif();
        v[i] = kind == 0 ? u - 0.5 : kind == 1 ? (double)(int)(u * 5) : kind == 2 ? 3.0
             : kind == 3 ? (u < 0.5 ? -0.0 : 0.0) : (u < 0.9 ? u * 1e-200 : u * 1e200);
        tin[i] = (unsigned char)(i % 251);
    }
    setenv("OBSURV_THREADS", "1", 1);
    assert_int_equal(obs_value_sort(v, n, sv, ord, tin, tag, scr), 0);
    setenv("OBSURV_THREADS", "2", 1);
    assert_int_equal(obs_value_sort(v, n, sv2, ord2, NULL, NULL, scr), 0);
    unsetenv("OBSURV_THREADS");
    memcpy(ref, v, n * sizeof *ref);
    qsort(ref, n, sizeof *ref, cmp_double);
    for (size_t k = 0; k < n; k++) {
        assert_true(sv[k] == ref[k]);                 /* ascending (-0 == +0) */
        assert_true(ord[k] < n && !seen[ord[k]]);     /* a permutation */
        seen[ord[k]] = 1;
        assert_true(memcmp(&sv[k], &v[ord[k]], sizeof(double)) == 0);
        assert_int_equal(tag[k], tin[ord[k]]);
        assert_true(memcmp(&sv[k], &sv2[k], sizeof(double)) == 0 && ord[k] == ord2[k]);
    }
    free(v); free(sv); free(ref); free(sv2); free(ord); free(ord2); free(tin); free(tag); free(seen); free(scr);
}

static void value_sort(void **state)
{
    (void)state;
    const size_t ns[] = {1, 2, 7, 1000, 150001};
    for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
        for (int kind = 0; kind < 5; kind++) value_sort_case(ns[a], kind);
    /* values not all finite: -Inf first, NaN after +Inf, indices carried */
    const double odd[6] = {1.0, NAN, 2.0, -INFINITY, INFINITY, -0.0};
    double sv[6];
    size_t ord[6];
    uint32_t scr[OBS_VALUE_SORT_SCRATCH(6)];
    assert_int_equal(obs_value_sort(odd, 6, sv, ord, NULL, NULL, scr), 0);
    const size_t want[6] = {3, 5, 0, 2, 4, 1};
    for (size_t k = 0; k < 6; k++) assert_int_equal(ord[k], want[k]);
    assert_true(isnan(sv[5]) && sv[0] == -INFINITY && sv[4] == INFINITY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(small_inputs),
        cmocka_unit_test(large_inputs),
        cmocka_unit_test(two_thread_inputs),
        cmocka_unit_test(decimal_sort),
        cmocka_unit_test(value_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
