/* test_linalg.c — LDL' decomposition with rank detection, solve, inverse. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>
#include "obsurv/linalg.h"

/* A = [4 2 0; 2 5 1; 0 1 3] (column-major, symmetric).  By hand:
 * d1 = 4, l21 = 1/2, d2 = 5 - 1 = 4, l31 = 0, l32 = 1/4, d3 = 3 - 1/4 = 11/4.
 * det = 4 * 4 * 11/4 = 44; inv(A) = adj(A)/44 with
 * adj = [14 -6 2; -6 12 -4; 2 -4 16]. */
static void test_spd_inverse(void **state)
{
    (void)state;
    double a[9] = {4, 2, 0, 2, 5, 1, 0, 1, 3};
    int aliased[3];
    assert_int_equal(obs_chol_decompose(a, 3, 1e-12, aliased), 3);
    assert_true(fabs(a[0] - 4) < 1e-15 && fabs(a[4] - 4) < 1e-15 && fabs(a[8] - 2.75) < 1e-15);
    assert_true(fabs(a[1] - 0.5) < 1e-15 && fabs(a[5] - 0.25) < 1e-15);
    double b[3] = {1, 2, 3};           /* x = inv(A) b = adj b / 44 = [8, 6, 42]/44 */
    obs_chol_solve(a, 3, b);
    assert_true(fabs(b[0] - 8.0 / 44) < 1e-14);
    assert_true(fabs(b[1] - 6.0 / 44) < 1e-14);
    assert_true(fabs(b[2] - 42.0 / 44) < 1e-14);
    obs_chol_invert(a, 3);
    const double adj[9] = {14, -6, 2, -6, 12, -4, 2, -4, 16};
    for (int i = 0; i < 9; i++) assert_true(fabs(a[i] - adj[i] / 44) < 1e-14);
}

/* Column 3 = column 1 + column 2 of a Gram matrix: rank 2, column 3 aliased,
 * and the generalised inverse is the inverse of the leading 2 x 2 block
 * [2 1; 1 2]^-1 = [2 -1; -1 2]/3 padded with zeros. */
static void test_singular(void **state)
{
    (void)state;
    double a[9] = {2, 1, 3, 1, 2, 3, 3, 3, 6};
    int aliased[3];
    assert_int_equal(obs_chol_decompose(a, 3, 1e-10, aliased), 2);
    assert_int_equal(aliased[0], 0);
    assert_int_equal(aliased[1], 0);
    assert_int_equal(aliased[2], 1);
    double b[3] = {1, 1, 5};
    obs_chol_solve(a, 3, b);
    assert_true(fabs(b[0] - 1.0 / 3) < 1e-14 && fabs(b[1] - 1.0 / 3) < 1e-14 && b[2] == 0.0);
    obs_chol_invert(a, 3);
    const double g[9] = {2.0 / 3, -1.0 / 3, 0, -1.0 / 3, 2.0 / 3, 0, 0, 0, 0};
    for (int i = 0; i < 9; i++) assert_true(fabs(a[i] - g[i]) < 1e-14);
}

/* Random SPD matrices: A * inv(A) = I. */
static void test_random_spd(void **state)
{
    (void)state;
    unsigned s = 12345;
    for (int rep = 0; rep < 20; rep++) {
        const size_t p = 1 + (size_t)rep % 7, n = 3 * p;
        double x[64 * 8], a[64], inv[64];
        for (size_t i = 0; i < n * p; i++) { s = s * 1103515245u + 12345u; x[i] = ((s >> 8) % 2000) / 1000.0 - 1.0; }
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++) {
                double t = 0;
                for (size_t k = 0; k < n; k++) t += x[i * n + k] * x[j * n + k];
                a[j * p + i] = t;
            }
        memcpy(inv, a, p * p * sizeof *a);
        assert_int_equal(obs_chol_decompose(inv, p, 1e-12, NULL), (int)p);
        obs_chol_invert(inv, p);
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++) {
                double t = 0;
                for (size_t k = 0; k < p; k++) t += a[k * p + i] * inv[j * p + k];
                assert_true(fabs(t - (i == j)) < 1e-9);
            }
    }
}

static void test_zero_and_negative(void **state)
{
    (void)state;
    double z[4] = {0, 0, 0, 0};
    int al[2];
    assert_int_equal(obs_chol_decompose(z, 2, 1e-12, al), 0);
    assert_true(al[0] && al[1]);
    double neg[4] = {1, 0, 0, -1};   /* clearly not PSD: minus the rank */
    assert_int_equal(obs_chol_decompose(neg, 2, 1e-12, al), -1);
    double nan[1] = {NAN};
    assert_int_equal(obs_chol_decompose(nan, 1, 1e-12, al), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spd_inverse),
        cmocka_unit_test(test_singular),
        cmocka_unit_test(test_random_spd),
        cmocka_unit_test(test_zero_and_negative),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
