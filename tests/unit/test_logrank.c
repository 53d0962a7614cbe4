/*
 * test_logrank.c — the G-rho test: a hand-worked exact case, strata,
 * properties, bad input.
 *
 * The six rows of test_km.c split into two groups:
 *     A: 1, 2+, 3        B: 2, 4+, 4        (+ = censored)
 *
 * rho = 0 (log-rank).  At each death time, n at risk, n_A, d, d_A:
 *   t=1: n=6 n_A=3 d=1 (A)  E_A += 3/6 = 1/2   V += 1*5/(6*5) * 3*(1-3/6) = 1/4
 *   t=2: n=5 n_A=2 d=1 (B)  E_A += 2/5          V += 1*4/(5*4) * 2*(1-2/5) = 6/25
 *   t=3: n=3 n_A=1 d=1 (A)  E_A += 1/3          V += 1*2/(3*2) * 1*(1-1/3) = 2/9
 *   t=4: n=2 n_A=0 d=1 (B)  E_A += 0            V += 0
 *   O_A = 2, E_A = 37/30, O_B = 2, E_B = 83/30, V_AA = V_BB = -V_AB = 641/900,
 *   chisq = (O_A - E_A)^2 / V = (23/30)^2 / (641/900) = 529/641.
 *
 * rho = 1 (Peto-Peto): weights S(t-) of the pooled KM: 1, 5/6, 2/3, 4/9.
 *   O_A = 1 + 2/3 = 5/3, O_B = 5/6 + 4/9 = 23/18,
 *   E_A = 1/2 + (5/6)(2/5) + (2/3)(1/3) = 19/18, E_B = 53/18 - 19/18 = 17/9,
 *   V = 1/4 + (5/6)^2 6/25 + (2/3)^2 2/9 = 1/4 + 1/6 + 8/81 = 167/324,
 *   chisq = (11/18)^2 / (167/324) = 121/167.
 * R agrees: survdiff(Surv(time, status) ~ g, data = d, rho = r) gives
 * chisq 0.82527301092043659 and 0.72455089820359231, and P values
 * 0.36364295835095534 and 0.39465517712511067.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "obsurv/logrank.h"

static void close_to(double got, double want, double rtol, const char *what)
{
    if (!(fabs(got - want) <= rtol * fmax(fabs(got), fabs(want)) + 1e-300))
        fail_msg("%s: got %.17g, want %.17g", what, got, want);
}

static const double T6[6] = {1, 2, 2, 3, 4, 4};
static const int D6[6] = {1, 1, 0, 1, 0, 1};
static const int G6[6] = {0, 1, 0, 0, 1, 1};

static void test_hand_worked_rho0(void **state)
{
    (void)state;
    obs_logrank *lr = NULL;
    assert_int_equal(obs_logrank_test(6, T6, D6, G6, 2, NULL, 0, 0.0, &lr, NULL), OBS_OK);
    close_to(lr->observed[0], 2, 1e-12, "O_A");
    close_to(lr->observed[1], 2, 1e-12, "O_B");
    close_to(lr->expected[0], 37.0 / 30, 1e-12, "E_A");
    close_to(lr->expected[1], 83.0 / 30, 1e-12, "E_B");
    close_to(lr->var[0], 641.0 / 900, 1e-12, "V_AA");
    close_to(lr->var[1], -641.0 / 900, 1e-12, "V_AB");
    close_to(lr->var[3], 641.0 / 900, 1e-12, "V_BB");
    close_to(lr->chisq, 529.0 / 641, 1e-12, "chisq");
    assert_int_equal(lr->df, 1);
    close_to(lr->p, 0.36364295835095534, 1e-12, "p");
    assert_int_equal(lr->n[0], 3);
    assert_int_equal(lr->n[1], 3);
    obs_logrank_free(&lr);
    assert_null(lr);
    obs_logrank_free(NULL);
}

static void test_hand_worked_rho1(void **state)
{
    (void)state;
    obs_logrank *lr = NULL;
    assert_int_equal(obs_logrank_test(6, T6, D6, G6, 2, NULL, 0, 1.0, &lr, NULL), OBS_OK);
    close_to(lr->observed[0], 5.0 / 3, 1e-12, "O_A");
    close_to(lr->observed[1], 23.0 / 18, 1e-12, "O_B");
    close_to(lr->expected[0], 19.0 / 18, 1e-12, "E_A");
    close_to(lr->expected[1], 17.0 / 9, 1e-12, "E_B");
    close_to(lr->var[0], 167.0 / 324, 1e-12, "V");
    close_to(lr->chisq, 121.0 / 167, 1e-12, "chisq");
    close_to(lr->p, 0.39465517712511067, 1e-12, "p");
    obs_logrank_free(&lr);
}

/* Two identical strata: O, E, V double, so chisq doubles. */
static void test_strata(void **state)
{
    (void)state;
    double t[12]; int d[12], g[12], s[12];
    for (int i = 0; i < 12; i++) { t[i] = T6[i % 6]; d[i] = D6[i % 6]; g[i] = G6[i % 6]; s[i] = i / 6; }
    obs_logrank *lr = NULL;
    assert_int_equal(obs_logrank_test(12, t, d, g, 2, s, 2, 0.0, &lr, NULL), OBS_OK);
    close_to(lr->observed[0], 4, 1e-12, "O_A");
    close_to(lr->expected[0], 74.0 / 30, 1e-12, "E_A");
    close_to(lr->var[0], 1282.0 / 900, 1e-12, "V");
    close_to(lr->chisq, 2 * 529.0 / 641, 1e-12, "chisq");
    close_to(lr->expected_strata[2], 37.0 / 30, 1e-12, "E_A in stratum 2");
    assert_int_equal(lr->n_strata[1], 6);
    obs_logrank_free(&lr);
}

static uint64_t lcg(uint64_t *s) { *s = *s * 6364136223846793005ULL + 1442695040888963407ULL; return *s >> 33; }

/* Row order does not matter; renaming levels permutes O and E only. */
static void test_properties(void **state)
{
    (void)state;
    enum { N = 400 };
    double t[N], t2[N];
    int d[N], g[N], s[N], d2[N], g2[N], s2[N], gp[N];
    size_t perm[N];
    uint64_t seed = 3;
    for (size_t i = 0; i < N; i++) {
        t[i] = (double)(lcg(&seed) % 50); d[i] = (int)(lcg(&seed) % 3 != 0);
        g[i] = (int)(lcg(&seed) % 3); s[i] = (int)(lcg(&seed) % 2); perm[i] = i;
    }
    for (size_t i = N - 1; i > 0; i--) {
        size_t j = lcg(&seed) % (i + 1), x = perm[i];
        perm[i] = perm[j]; perm[j] = x;
    }
    for (size_t i = 0; i < N; i++) {
        t2[i] = t[perm[i]]; d2[i] = d[perm[i]]; g2[i] = g[perm[i]]; s2[i] = s[perm[i]];
        gp[i] = 2 - g[i];
    }
    for (int rho = 0; rho < 2; rho++) {
        obs_logrank *a = NULL, *b = NULL, *c = NULL;
        assert_int_equal(obs_logrank_test(N, t, d, g, 3, s, 2, rho, &a, NULL), OBS_OK);
        assert_int_equal(obs_logrank_test(N, t2, d2, g2, 3, s2, 2, rho, &b, NULL), OBS_OK);
        assert_int_equal(obs_logrank_test(N, t, d, gp, 3, s, 2, rho, &c, NULL), OBS_OK);
        assert_int_equal(a->df, 2);
        close_to(a->chisq, b->chisq, 1e-12, "shuffled chisq");
        close_to(a->chisq, c->chisq, 1e-10, "relabelled chisq");
        for (int k = 0; k < 3; k++) {
            close_to(a->observed[k], b->observed[k], 1e-13, "shuffled O");
            close_to(a->expected[k], b->expected[k], 1e-13, "shuffled E");
            close_to(a->observed[k], c->observed[2 - k], 1e-13, "relabelled O");
            close_to(a->expected[k], c->expected[2 - k], 1e-13, "relabelled E");
        }
        obs_logrank_free(&a); obs_logrank_free(&b); obs_logrank_free(&c);
    }
}

static void test_bad_input(void **state)
{
    (void)state;
    obs_logrank *lr = NULL;
    obs_error err;
    const int one_group[6] = {0, 0, 0, 0, 0, 0};
    const int bad_status[6] = {1, 1, 3, 1, 0, 1};
    assert_int_equal(obs_logrank_test(6, T6, D6, one_group, 2, NULL, 0, 0, &lr, &err), OBS_EFIT);
    assert_non_null(strstr(err.msg, "only 1 group"));
    assert_int_equal(obs_logrank_test(6, T6, bad_status, G6, 2, NULL, 0, 0, &lr, &err), OBS_EDATA);
    assert_non_null(strstr(err.msg, "row 3"));
    assert_int_equal(obs_logrank_test(6, T6, D6, G6, 2, NULL, 0, NAN, &lr, &err), OBS_EUSAGE);
    assert_null(lr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_worked_rho0),
        cmocka_unit_test(test_hand_worked_rho1),
        cmocka_unit_test(test_strata),
        cmocka_unit_test(test_properties),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
