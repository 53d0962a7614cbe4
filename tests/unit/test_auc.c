/*
 * test_auc.c — obs_auc (src/auc.c) against the definition counted pair by
 * pair: AUC = (#{(i, j): y_i = 1, y_j = 0, s_i > s_j} + #{... s_i = s_j} / 2)
 * / (n1 n0), on scores that are continuous, heavily tied (a few distinct
 * values: large buckets, radix-sorted), all equal, with -0 and +0 (equal),
 * with a mask, with infinities (sorted whole by the radix sort), and large enough for two
 * threads (one and two threads give the same bits).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include "obsurv/logit.h"

static double unif(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* the pair count, exact in integers */
static double auc_pairs(const double *s, const double *y, const unsigned char *mask, size_t n)
{
    long long twice = 0, n1 = 0, n0 = 0;
    for (size_t i = 0; i < n; i++) {
        if (mask && !mask[i]) continue;
        if (y[i] > 0.5) n1++; else n0++;
    }
    for (size_t i = 0; i < n; i++) {
        if ((mask && !mask[i]) || !(y[i] > 0.5)) continue;
        for (size_t j = 0; j < n; j++) {
            if ((mask && !mask[j]) || y[j] > 0.5) continue;
            twice += s[i] > s[j] ? 2 : (s[i] == s[j] ? 1 : 0);
        }
    }
    if (n1 == 0 || n0 == 0) return NAN;
    return (double)twice / 2 / ((double)n1 * (double)n0);
}

static void check(const double *s, const double *y, const unsigned char *mask, size_t n)
{
    const double a = obs_auc(s, y, mask, n), b = auc_pairs(s, y, mask, n);
    if (!(fabs(a - b) <= 1e-13 * fabs(b)))
        fail_msg("obs_auc %.17g, pairs %.17g (n %zu)", a, b, n);
}

enum { N = 3001 };

static void kinds_of_scores(void **state)
{
    (void)state;
    static double s[N], y[N];
    static unsigned char mask[N];
    unsigned long long seed = 11;
    for (int kind = 0; kind < 6; kind++) {
        for (size_t i = 0; i < N; i++) {
            const double u = unif(&seed);
            switch (kind) {
            case 0: s[i] = u; break;                                 /* continuous */
            case 1: s[i] = 0.1 * (double)(1 + (size_t)(u * 3)); break;  /* three values */
            case 2: s[i] = 0.25; break;                              /* all equal */
            case 3: s[i] = i % 3 == 0 ? 0.0 : (i % 3 == 1 ? -0.0 : u - 0.5); break;
            case 4: s[i] = i % 50 == 0 ? INFINITY : (i % 50 == 1 ? -INFINITY : u); break;
            default: s[i] = u < 0.5 ? u * 1e-300 : 1e300 * u; break;  /* a wide range */
            }
            y[i] = unif(&seed) < 0.3 + 0.4 * (s[i] > 0.2);
            mask[i] = unif(&seed) < 0.8;
        }
        check(s, y, NULL, N);
        check(s, y, mask, N);
    }
    /* one outcome only: NaN */
    for (size_t i = 0; i < N; i++) y[i] = 1;
    assert_true(isnan(obs_auc(s, y, NULL, N)));
    assert_true(isnan(obs_auc(s, y, NULL, 0)));
}

static void two_threads(void **state)
{
    (void)state;
    enum { M = 400003 };
    double *s = malloc(M * sizeof *s), *y = malloc(M * sizeof *y);
    assert_non_null(s); assert_non_null(y);
    unsigned long long seed = 5;
    for (size_t i = 0; i < M; i++) {
        const double e = 4 * unif(&seed) - 2;
        s[i] = round(1e4 / (1 + exp(-e))) / 1e4;   /* ties */
        y[i] = unif(&seed) < s[i];
    }
    setenv("OBSURV_THREADS", "1", 1);
    const double a = obs_auc(s, y, NULL, M);
    setenv("OBSURV_THREADS", "2", 1);
    const double b = obs_auc(s, y, NULL, M);
    unsetenv("OBSURV_THREADS");
    assert_true(a == b);
    /* and the pair count on a subsample's worth: the first N rows */
    check(s, y, NULL, N);
    free(s); free(y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kinds_of_scores),
        cmocka_unit_test(two_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
