/*
 * test_htest.c — chisq.test, fisher.test, oneway.test and kruskal.test as R
 * computes them (src/htest.c, src/fisher.c).
 *
 * Layers: hand-worked cases (derivation in the comments), then R 4.2.2
 * numbers with the R commands that produced them, then properties
 * (transposing or permuting a table does not change the P value), then bad
 * input.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "obsurv/tests.h"

static void assert_rel(double got, double want, double rtol)
{
    double d = fabs(got - want), s = fmax(fabs(got), fabs(want));
    if (!(d <= rtol * s + 1e-300)) {
        print_error("got %.17g, want %.17g (rel %.3g > %.3g)\n", got, want, d / s, rtol);
        fail();
    }
}

static double fisher_p(const long *x, size_t nr, size_t nc)
{
    obs_htest h;
    obs_error err;
    assert_int_equal(obs_fisher_test(x, nr, nc, &h, &err), OBS_OK);
    return h.p;
}

/* ---- hand-worked ---- */

/* [[3,0],[0,3]]: margins 3,3 / 3,3.  P(t11 = s) = C(3,s) C(3,3-s) / C(6,3)
 * = 1, 9, 9, 1 over 20.  Observed s = 3 (1/20); as extreme: s = 0 and 3,
 * so p = 2/20 = 0.1.  [[1,0],[0,1]]: both tables have probability 1/2, p = 1. */
static void fisher_hand(void **state)
{
    (void)state;
    long a[] = {3, 0, 0, 3}, b[] = {1, 0, 0, 1};
    assert_rel(fisher_p(a, 2, 2), 0.1, 1e-14);
    assert_rel(fisher_p(b, 2, 2), 1.0, 1e-14);
    /* a 3 x 2 with the same counts in one row pattern: [[3,0],[0,3],[0,0]]:
     * a zero row changes nothing, still 0.1 (through the r x c path after
     * the zero row is dropped it is the 2 x 2 again) */
    long c[] = {3, 0, 0, 3, 0, 0};
    assert_rel(fisher_p(c, 3, 2), 0.1, 1e-14);
}

/* [[10,0],[0,10]]: E = 5 everywhere, |x - E| = 5, Yates 0.5:
 * X^2 = 4 * 4.5^2 / 5 = 16.2 on 1 df; without correction 4 * 25 / 5 = 20. */
static void chisq_hand(void **state)
{
    (void)state;
    double x[] = {10, 0, 0, 10};
    obs_htest h;
    obs_error err;
    assert_int_equal(obs_chisq_test(x, 2, 2, 1, &h, &err), OBS_OK);
    assert_rel(h.statistic, 16.2, 1e-14);
    assert_rel(h.df, 1.0, 0);
    assert_int_equal(obs_chisq_test(x, 2, 2, 0, &h, &err), OBS_OK);
    assert_rel(h.statistic, 20.0, 1e-14);
}

/* y = {1,3 | 5,7}: means 2 and 6, grand mean 4; between = 2*4 + 2*4 = 16 on
 * 1 df; within = 2 + 2 = 4 on 2 df; F = 16 / 2 = 8. */
static void oneway_hand(void **state)
{
    (void)state;
    double y[] = {1, 3, 5, 7};
    int g[] = {0, 0, 1, 1};
    obs_htest h;
    obs_error err;
    assert_int_equal(obs_oneway_test(y, g, 4, 2, &h, &err), OBS_OK);
    assert_rel(h.statistic, 8.0, 1e-14);
    assert_rel(h.df, 1.0, 0);
    assert_rel(h.df2, 2.0, 0);
}

/* y = {1,2 | 3,4}, no ties: R = 3 and 7, N = 4:
 * H = 12 / 20 * (9/2 + 49/2) - 15 = 17.4 - 15 = 2.4 on 1 df. */
static void kruskal_hand(void **state)
{
    (void)state;
    double y[] = {2, 1, 4, 3};
    int g[] = {0, 0, 1, 1};
    obs_htest h;
    obs_error err;
    assert_int_equal(obs_kruskal_test(y, g, 4, 2, &h, &err), OBS_OK);
    assert_rel(h.statistic, 2.4, 1e-14);
}

/* ---- R numbers ---- */

/* R: fisher.test(matrix(c(3,1,1,3),2,byrow=TRUE))$p.value          0.48571428571428582
 *    fisher.test(matrix(c(12,5,7,7),2,byrow=TRUE))$p.value         0.28830810401250967
 *    fisher.test(matrix(c(3,2,5,1,2,0),2,byrow=TRUE))$p.value      0.23076923076923084  (2 x 3)
 *    fisher.test(matrix(c(2,3,1,4,0,5,2,1,3,1,4,2),3,byrow=TRUE))$p.value   0.184422939919025 (3 x 4, small counts)
 *    fisher.test(matrix(c(20,15,18,12,14,22,16,19,17,13,21,25),3,byrow=TRUE),
 *                workspace=2e8)$p.value                            0.23561617654538713 (3 x 4, n = 212)
 *    fisher.test(matrix(c(30,5,20,10,8,25,10,29),4,byrow=TRUE))$p.value     5.7181385519730431e-09 (4 x 2) */
static void fisher_r(void **state)
{
    (void)state;
    long m1[] = {3, 1, 1, 3}, m5[] = {12, 5, 7, 7}, m2[] = {3, 2, 5, 1, 2, 0};
    long m3[] = {2, 3, 1, 4, 0, 5, 2, 1, 3, 1, 4, 2};
    long m6[] = {20, 15, 18, 12, 14, 22, 16, 19, 17, 13, 21, 25};
    long m4[] = {30, 5, 20, 10, 8, 25, 10, 29};
    assert_rel(fisher_p(m1, 2, 2), 0.48571428571428582, 1e-10);
    assert_rel(fisher_p(m5, 2, 2), 0.28830810401250967, 1e-10);
    assert_rel(fisher_p(m2, 2, 3), 0.23076923076923084, 1e-10);
    assert_rel(fisher_p(m3, 3, 4), 0.184422939919025, 1e-10);
    assert_rel(fisher_p(m6, 3, 4), 0.23561617654538713, 1e-10);
    assert_rel(fisher_p(m4, 4, 2), 5.7181385519730431e-09, 1e-10);
}

/* R: t <- chisq.test(matrix(c(12,5,7,7),2,byrow=TRUE))               (Yates)
 *      X-squared 0.64112026389503174, p 0.42330542432241836
 *    chisq.test(matrix(c(2,3,1,4,0,5,2,1,3,1,4,2),3,byrow=TRUE))
 *      9.4133333333333322, p 0.15163198074333983 (6 df)
 *    chisq.test(matrix(c(30,5,20,10,8,25,10,29),4,byrow=TRUE))
 *      39.19925144477574, p 1.5748999023334398e-08 (3 df) */
static void chisq_r(void **state)
{
    (void)state;
    double a[] = {12, 5, 7, 7}, b[] = {2, 3, 1, 4, 0, 5, 2, 1, 3, 1, 4, 2};
    double c[] = {30, 5, 20, 10, 8, 25, 10, 29};
    obs_htest h;
    obs_error err;
    assert_int_equal(obs_chisq_test(a, 2, 2, 1, &h, &err), OBS_OK);
    assert_rel(h.statistic, 0.64112026389503174, 1e-10);
    assert_rel(h.p, 0.42330542432241836, 1e-10);
    assert_int_equal(obs_chisq_test(b, 3, 4, 1, &h, &err), OBS_OK);
    assert_rel(h.statistic, 9.4133333333333322, 1e-10);
    assert_rel(h.p, 0.15163198074333983, 1e-10);
    assert_rel(h.df, 6.0, 0);
    assert_int_equal(obs_chisq_test(c, 4, 2, 1, &h, &err), OBS_OK);
    assert_rel(h.statistic, 39.19925144477574, 1e-10);
    assert_rel(h.p, 1.5748999023334398e-08, 1e-10);
}

/* R: y <- c(4.2,5.1,3.9,6.0,5.5,7.1,6.8,5.9,4.4,8.2,7.7,6.1); g <- factor(rep(1:3, each=4))
 *    oneway.test(y ~ g, var.equal=TRUE)  F 2.5550103793168537, p 0.13219555587961873
 *    y2 <- c(1,2,2,3,3,3,4,5,5,6,7,7); kruskal.test(y2 ~ g)
 *      chi-squared 9.1765232974910429, p 0.010170522956636561 */
static void oneway_kruskal_r(void **state)
{
    (void)state;
    double y[] = {4.2, 5.1, 3.9, 6.0, 5.5, 7.1, 6.8, 5.9, 4.4, 8.2, 7.7, 6.1};
    double y2[] = {1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 7};
    int g[] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
    obs_htest h;
    obs_error err;
    assert_int_equal(obs_oneway_test(y, g, 12, 3, &h, &err), OBS_OK);
    assert_rel(h.statistic, 2.5550103793168537, 1e-10);
    assert_rel(h.p, 0.13219555587961873, 1e-10);
    assert_int_equal(obs_kruskal_test(y2, g, 12, 3, &h, &err), OBS_OK);
    assert_rel(h.statistic, 9.1765232974910429, 1e-10);
    assert_rel(h.p, 0.010170522956636561, 1e-10);
}

/* ---- properties ---- */

/* Transposing or permuting rows and columns leaves Fisher's P unchanged;
 * missing values and empty groups are skipped by the ANOVA. */
static void properties(void **state)
{
    (void)state;
    long m3[] = {2, 3, 1, 4, 0, 5, 2, 1, 3, 1, 4, 2};
    long t3[12], p3[12];
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 4; j++) {
            t3[j * 3 + i] = m3[i * 4 + j];
            p3[(2 - i) * 4 + (3 - j)] = m3[i * 4 + j];
        }
    double p = fisher_p(m3, 3, 4);
    assert_rel(fisher_p(t3, 4, 3), p, 1e-12);
    assert_rel(fisher_p(p3, 3, 4), p, 1e-12);

    double y[] = {1, 3, NAN, 5, 7, 100};
    int g[] = {0, 0, 1, 2, 2, -1};
    obs_htest h;
    obs_error err;
    assert_int_equal(obs_oneway_test(y, g, 6, 4, &h, &err), OBS_OK);
    assert_rel(h.statistic, 8.0, 1e-14);
}

/* ---- bad input ---- */

static void bad_input(void **state)
{
    (void)state;
    obs_htest h;
    obs_error err;
    double one_row[] = {1, 2, 3};
    assert_int_equal(obs_chisq_test(one_row, 1, 3, 1, &h, &err), OBS_EUSAGE);
    long neg[] = {1, -1, 2, 3};
    assert_int_equal(obs_fisher_test(neg, 2, 2, &h, &err), OBS_EUSAGE);
    /* a zero column: expected counts 0, statistic NaN, as R's NA */
    double zc[] = {3, 0, 1, 0};
    assert_int_equal(obs_chisq_test(zc, 2, 2, 1, &h, &err), OBS_OK);
    assert_true(isnan(h.p));
    /* a group with one observation: oneway.test stops */
    double y[] = {1, 2, 3};
    int g[] = {0, 0, 1};
    assert_int_equal(obs_oneway_test(y, g, 3, 2, &h, &err), OBS_EFIT);
    assert_true(isnan(h.p));
    /* one group only */
    int g1[] = {0, 0, 0};
    assert_int_equal(obs_kruskal_test(y, g1, 3, 2, &h, &err), OBS_EFIT);
    /* all tied: NaN statistic, as R's NA */
    double tied[] = {2, 2, 2, 2};
    int g2[] = {0, 0, 1, 1};
    assert_int_equal(obs_kruskal_test(tied, g2, 4, 2, &h, &err), OBS_OK);
    assert_true(isnan(h.p));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fisher_hand),  cmocka_unit_test(chisq_hand),
        cmocka_unit_test(oneway_hand),  cmocka_unit_test(kruskal_hand),
        cmocka_unit_test(fisher_r),     cmocka_unit_test(chisq_r),
        cmocka_unit_test(oneway_kruskal_r), cmocka_unit_test(properties),
        cmocka_unit_test(bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
