/*
 * balance.c — standardized mean differences and variance ratios
 * (see obsurv/balance.h; formulas of MatchIt 4.5 summary.matchit, checked
 * against it in tests/golden/match).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include "obsurv/balance.h"

/* Weighted mean and MatchIt's weighted variance of x over the rows with
 * treat == g (w NULL = all 1).  Binary: m (1 - m).  rows (nr): the indices
 * i with treat[i] == g, ascending (the sums run in the same order as over
 * all i skipping the others: the same bits, without a branch per row). */
static void group_moments(const double *x, const size_t *rows, size_t nr, const double *w,
                          int binary, double *mean, double *var)
{
    double sw = 0, swx = 0, sw2 = 0;
    if (w) {
        for (size_t r = 0; r < nr; r++) { double wi = w[rows[r]]; sw += wi; swx += wi * x[rows[r]]; }
    } else {
        for (size_t r = 0; r < nr; r++) { sw += 1.0; swx += x[rows[r]]; }
    }
    double m = swx / sw, ss = 0;
    if (w) {
        for (size_t r = 0; r < nr; r++) {
            const size_t i = rows[r];
            double wi = w[i] / sw;
            ss += wi * (x[i] - m) * (x[i] - m);
            sw2 += wi * wi;
        }
    } else {
        const double wi = 1.0 / sw;
        for (size_t r = 0; r < nr; r++) {
            const double d = x[rows[r]] - m;
            ss += wi * d * d;
            sw2 += wi * wi;
        }
    }
    *mean = m;
    *var = binary ? m * (1 - m) : ss / (1 - sw2);
}

obs_status obs_balance_compute(const double *x, size_t n, size_t p, const int *treat,
                               const double *w, obs_estimand estimand,
                               obs_balance_row *rows, obs_error *err)
{
    const double **xcol = malloc((p + 1) * sizeof *xcol);
    if (!xcol) return obs_error_set(err, OBS_ENOMEM, "balance: out of memory");
    for (size_t j = 0; j < p; j++) xcol[j] = x + j * n;
    obs_status rc = obs_balance_compute_cols(xcol, n, p, treat, w, estimand, rows, err);
    free(xcol);
    return rc;
}

obs_status obs_balance_compute_cols(const double *const *xcol, size_t n, size_t p, const int *treat,
                                    const double *w, obs_estimand estimand,
                                    obs_balance_row *rows, obs_error *err)
{
    size_t n1 = 0, n0 = 0;
    double w1 = 0, w0 = 0;
    for (size_t i = 0; i < n; i++) {
        if (treat[i]) { n1++; if (w) w1 += w[i]; }
        else { n0++; if (w) w0 += w[i]; }
    }
    if (n1 == 0 || n0 == 0)
        return obs_error_set(err, OBS_EDATA, "balance needs treated and control units");
    if (w && (w1 <= 0 || w0 <= 0))
        return obs_error_set(err, OBS_EDATA, "balance: a group has no weight after matching or weighting");
    const double tiny = sqrt(DBL_EPSILON);
    /* the rows of each group, ascending: rows1 [0, n1), rows0 [n1, n) */
    size_t g1 = 0, g0 = 0;
    for (size_t i = 0; i < n; i++) { g1 += (treat[i] == 1); g0 += (treat[i] == 0); }
    /* one spare slot after each list: every row is written to both lists'
     * next slots, and kept where it belongs (no branch on the group) */
    size_t *rows1 = malloc((g1 + g0 + 2) * sizeof *rows1);
    if (!rows1) return obs_error_set(err, OBS_ENOMEM, "balance: out of memory");
    size_t *rows0 = rows1 + g1 + 1;
    for (size_t i = 0, a = 0, b = 0; i < n; i++) {
        rows1[a] = i;
        rows0[b] = i;
        a += (treat[i] == 1);
        b += (treat[i] == 0);
    }
    for (size_t j = 0; j < p; j++) {
        const double *xj = xcol[j];
        obs_balance_row *r = rows + j;
        int binary = 1;
        for (size_t i = 0; i < n && binary; i++) binary = xj[i] == 0 || xj[i] == 1;
        r->binary = binary;
        double m1, v1, m0, v0;
        group_moments(xj, rows1, g1, NULL, binary, &m1, &v1);
        group_moments(xj, rows0, g0, NULL, binary, &m0, &v0);
        double s = estimand == OBS_ESTIMAND_ATT ? sqrt(v1) : sqrt((v1 + v0) / 2);
        if (!(s >= tiny)) s = sqrt((v1 + v0) / 2);   /* MatchIt's fallback */
        r->mean_t_before = m1; r->mean_c_before = m0;
        r->smd_before = fabs(m1 - m0) > tiny ? (m1 - m0) / s : m1 - m0;
        r->var_ratio_before = binary ? NAN : v1 / v0;
        if (w) {
            double a1, u1, a0, u0;
            group_moments(xj, rows1, g1, w, binary, &a1, &u1);
            group_moments(xj, rows0, g0, w, binary, &a0, &u0);
            r->mean_t_after = a1; r->mean_c_after = a0;
            r->smd_after = fabs(a1 - a0) > tiny ? (a1 - a0) / s : a1 - a0;
            r->var_ratio_after = binary ? NAN : u1 / u0;
        } else {
            r->mean_t_after = r->mean_c_after = r->smd_after = r->var_ratio_after = NAN;
        }
    }
    free(rows1);
    return OBS_OK;
}
