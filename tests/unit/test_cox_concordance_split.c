/*
 * test_cox_concordance_split.c — the concordance of a large right-censored
 * stratum is swept in two halves at once (cox_concordance.c, split_halves);
 * the counting-process route with every start 0 always sweeps in turn.
 * Both count the same pairs, so with integer weights (exact sums) C, its
 * standard error and the pair counts must be equal to the last bit, on one
 * thread and on two.  With fractional weights the sums may round
 * differently: equal to 1e-12 relative.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include "obsurv/cox.h"

#define N 100003           /* above the split threshold (65536), odd */

static double unif(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

typedef struct {
    double t[N], zero[N], x[2 * N], w[N];
    int s[N];
} data;

static void make(data *d, int fractional)
{
    unsigned long long seed = 2011;
    for (size_t i = 0; i < N; i++) {
        d->x[i] = unif(&seed) < 0.3;
        d->x[N + i] = unif(&seed) * 4 - 2;
        double rate = exp(0.5 * d->x[i] + 0.3 * d->x[N + i]);
        /* times rounded to 2 decimals: many ties, some tied in x too */
        d->t[i] = round(-log(1 - unif(&seed)) / rate * 100) / 100 + 0.01;
        d->s[i] = unif(&seed) < 0.6;
        d->zero[i] = 0;
        d->w[i] = fractional ? 0.25 + unif(&seed) : (double)(1 + i % 3);
    }
}

static obs_cox_model *fit(const data *d, int counting, const char *threads)
{
    setenv("OBSURV_THREADS", threads, 1);
    obs_cox_data cd = {.n = N, .p = 2, .start = counting ? d->zero : NULL, .stop = d->t,
                       .status = d->s, .x = d->x, .weights = d->w};
    obs_cox_options o;
    obs_cox_options_default(&o);
    obs_cox_model *m = NULL;
    obs_error err;
    assert_int_equal(obs_cox_fit(&cd, &o, &m, &err), OBS_OK);
    assert_true(m->has_concordance);
    unsetenv("OBSURV_THREADS");
    return m;
}

static void same(const obs_cox_model *a, const obs_cox_model *b, double rtol)
{
    const double x[7] = {a->concordance, a->concordance_se, a->conc_counts[0], a->conc_counts[1],
                         a->conc_counts[2], a->conc_counts[3], a->conc_counts[4]};
    const double y[7] = {b->concordance, b->concordance_se, b->conc_counts[0], b->conc_counts[1],
                         b->conc_counts[2], b->conc_counts[3], b->conc_counts[4]};
    for (int k = 0; k < 7; k++) {
        if (rtol == 0) assert_true(x[k] == y[k]);
        else assert_true(fabs(x[k] - y[k]) <= rtol * fabs(y[k]));
    }
}

static void check(int fractional)
{
    data *d = malloc(sizeof *d);
    assert_non_null(d);
    make(d, fractional);
    obs_cox_model *split1 = fit(d, 0, "1"), *split2 = fit(d, 0, "2");
    obs_cox_model *turn1 = fit(d, 1, "1"), *turn2 = fit(d, 1, "2");
    same(split1, split2, 0);                 /* one thread = two threads */
    same(turn1, turn2, 0);
    same(split1, turn1, fractional ? 1e-12 : 0);
    assert_true(split1->concordance > 0.5 && split1->concordance < 1);
    obs_cox_model_free(&split1); obs_cox_model_free(&split2);
    obs_cox_model_free(&turn1); obs_cox_model_free(&turn2);
    free(d);
}

static void integer_weights_exact(void **state) { (void)state; check(0); }
static void fractional_weights_close(void **state) { (void)state; check(1); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integer_weights_exact),
        cmocka_unit_test(fractional_weights_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
