/*
 * htest.c — Pearson's chi-squared test, one-way ANOVA and the Kruskal-Wallis
 * test, computed as R's stats package does (chisq.test, oneway.test with
 * var.equal = TRUE, kruskal.test).  Fisher's exact test is in fisher.c.
 *
 * Accuracy: the statistics are sums in double precision (means and variances
 * by two passes); P values come from dist.h (GSL).  Verified against R 4.2.2
 * to 1e-10 relative in tests/unit/test_htest.c.
 */
#include <math.h>
#include <stdlib.h>
#include "obsurv/tests.h"
#include "obsurv/dist.h"

static void htest_clear(obs_htest *out)
{
    out->statistic = NAN;
    out->df = NAN;
    out->df2 = NAN;
    out->p = NAN;
}

/*
 * obs_chisq_test — Pearson's X^2 = sum_ij (|x_ij - E_ij| - Y)^2 / E_ij with
 * E_ij = r_i c_j / N, on (nr - 1)(nc - 1) degrees of freedom.
 *   x       nr * nc counts, row-major, all >= 0 and finite, sum > 0
 *   correct Yates: on a 2 x 2 table Y = min(0.5, min_ij |x_ij - E_ij|)
 *           (R's rule, so that the correction never flips the sign of a
 *           deviation); Y = 0 otherwise.
 * A zero row or column sum gives E_ij = 0, a NaN statistic and NaN P value
 * (R returns NA with a warning); that is OBS_OK.
 */
obs_status obs_chisq_test(const double *x, size_t nr, size_t nc, int correct,
                          obs_htest *out, obs_error *err)
{
    htest_clear(out);
    if (nr < 2 || nc < 2)
        return obs_error_set(err, OBS_EUSAGE,
                             "chi-squared test needs at least 2 rows and 2 columns (got %zu x %zu)",
                             nr, nc);
    double total = 0.0;
    for (size_t k = 0; k < nr * nc; k++) {
        if (!(x[k] >= 0.0) || !isfinite(x[k]))
            return obs_error_set(err, OBS_EUSAGE,
                                 "chi-squared test: all counts must be non-negative and finite");
        total += x[k];
    }
    if (total <= 0.0)
        return obs_error_set(err, OBS_EFIT, "chi-squared test: the table has no counts");

    /* Margins: small tables, so recompute them on the fly is fine but keep it
     * one pass each; nr and nc are the numbers of levels and groups. */
    double *rs = calloc(nr + nc, sizeof *rs);
    if (!rs)
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    double *cs = rs + nr;
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
            rs[i] += x[i * nc + j];
            cs[j] += x[i * nc + j];
        }

    double yates = 0.0;
    if (correct && nr == 2 && nc == 2) {
        yates = 0.5;
        for (size_t i = 0; i < 2; i++)
            for (size_t j = 0; j < 2; j++) {
                double d = fabs(x[i * 2 + j] - rs[i] * cs[j] / total);
                if (d < yates)
                    yates = d;
            }
    }
    double stat = 0.0;
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
            double e = rs[i] * cs[j] / total;
            double d = fabs(x[i * nc + j] - e) - yates;
            stat += d * d / e;   /* e == 0 -> NaN (0/0) or Inf, as R */
        }
    free(rs);

    out->statistic = stat;
    out->df = (double)((nr - 1) * (nc - 1));
    out->p = isnan(stat) ? NAN : obs_pchisq_upper(stat, out->df);
    return OBS_OK;
}

/*
 * obs_oneway_test — one-way ANOVA with a pooled variance:
 *   F = [sum_i n_i (m_i - m)^2 / (k - 1)] / [sum_i (n_i - 1) v_i / (n - k)]
 * on (k - 1, n - k) df, m_i, v_i the group means and variances, m the grand
 * mean of the used observations (oneway.test, var.equal = TRUE).
 *   y, g   n values and group codes (g in [0, ngroup) or -1; NaN y skipped)
 * Scratch: 3 * ngroup doubles.
 */
obs_status obs_oneway_test(const double *y, const int *g, size_t n, size_t ngroup,
                           obs_htest *out, obs_error *err)
{
    htest_clear(out);
    if (ngroup == 0)
        return obs_error_set(err, OBS_EFIT, "one-way ANOVA: not enough groups");
    double *cnt = calloc(3 * ngroup, sizeof *cnt);
    if (!cnt)
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    double *mean = cnt + ngroup, *ss = mean + ngroup;
    obs_status rc = OBS_OK;

    double total = 0.0, nused = 0.0;
    for (size_t r = 0; r < n; r++) {
        if (g[r] < 0 || (size_t)g[r] >= ngroup || isnan(y[r]))
            continue;
        cnt[g[r]] += 1.0;
        mean[g[r]] += y[r];
        total += y[r];
        nused += 1.0;
    }
    size_t k = 0;
    for (size_t i = 0; i < ngroup; i++)
        if (cnt[i] > 0) {
            mean[i] /= cnt[i];
            k++;
        }
    if (k < 2) {
        rc = obs_error_set(err, OBS_EFIT, "one-way ANOVA: not enough groups");
        goto done;
    }
    for (size_t i = 0; i < ngroup; i++)
        if (cnt[i] > 0 && cnt[i] < 2) {
            rc = obs_error_set(err, OBS_EFIT,
                               "one-way ANOVA: not enough observations in a group");
            goto done;
        }
    double grand = total / nused;
    /* second pass: within-group sums of squares about the group means */
    for (size_t r = 0; r < n; r++) {
        if (g[r] < 0 || (size_t)g[r] >= ngroup || isnan(y[r]))
            continue;
        double d = y[r] - mean[g[r]];
        ss[g[r]] += d * d;
    }
    double between = 0.0, within = 0.0;
    for (size_t i = 0; i < ngroup; i++) {
        if (cnt[i] <= 0)
            continue;
        double d = mean[i] - grand;
        between += cnt[i] * d * d;
        within += ss[i];
    }
    out->df = (double)(k - 1);
    out->df2 = nused - (double)k;
    out->statistic = (between / out->df) / (within / out->df2);
    out->p = isnan(out->statistic) ? NAN : obs_pf_upper(out->statistic, out->df, out->df2);
done:
    free(cnt);
    return rc;
}

/* One used observation: its value and its group, sorted by value. */
typedef struct {
    double y;
    int g;
} kw_obs;

static int kw_cmp(const void *a, const void *b)
{
    double u = ((const kw_obs *)a)->y, v = ((const kw_obs *)b)->y;
    return (u > v) - (u < v);
}

/*
 * obs_kruskal_test — Kruskal-Wallis H with the ties correction (Hollander &
 * Wolfe 1999, sec. 6.1; kruskal.test):
 *   H = [12 / (N (N + 1)) sum_i R_i^2 / n_i - 3 (N + 1)] / [1 - sum_t (t^3 - t) / (N^3 - N)]
 * R_i the sum of mid-ranks in group i, t the sizes of the tie blocks; on
 * k - 1 df, k the number of non-empty groups.  All values tied gives 0/0:
 * statistic and P value NaN (R: NA), status OBS_OK.
 * Scratch: N (value, group) pairs and 2 * ngroup doubles, allocated once.
 */
obs_status obs_kruskal_test(const double *y, const int *g, size_t n, size_t ngroup,
                            obs_htest *out, obs_error *err)
{
    htest_clear(out);
    size_t m = 0;
    for (size_t r = 0; r < n; r++)
        if (g[r] >= 0 && (size_t)g[r] < ngroup && !isnan(y[r]))
            m++;
    if (m == 0 || ngroup < 2)
        return obs_error_set(err, OBS_EFIT, "Kruskal-Wallis test: not enough groups");

    kw_obs *obs = malloc(m * sizeof *obs);
    double *rsum = calloc(2 * ngroup, sizeof *rsum);
    obs_status rc = OBS_OK;
    if (!obs || !rsum) {
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
        goto done;
    }
    double *cnt = rsum + ngroup;
    size_t j = 0;
    for (size_t r = 0; r < n; r++)
        if (g[r] >= 0 && (size_t)g[r] < ngroup && !isnan(y[r])) {
            obs[j].y = y[r];
            obs[j].g = g[r];
            j++;
        }
    qsort(obs, m, sizeof *obs, kw_cmp);

    double N = (double)m, ties = 0.0;
    for (size_t a = 0; a < m;) {
        size_t b = a + 1;
        while (b < m && obs[b].y == obs[a].y)
            b++;
        double t = (double)(b - a);
        double midrank = 0.5 * ((double)a + 1.0 + (double)b);  /* mean of ranks a+1..b */
        for (size_t q = a; q < b; q++) {
            rsum[obs[q].g] += midrank;
            cnt[obs[q].g] += 1.0;
        }
        ties += t * t * t - t;
        a = b;
    }

    size_t k = 0;
    double s = 0.0;
    for (size_t i = 0; i < ngroup; i++)
        if (cnt[i] > 0) {
            k++;
            s += rsum[i] * rsum[i] / cnt[i];
        }
    if (k < 2) {
        rc = obs_error_set(err, OBS_EFIT, "Kruskal-Wallis test: all observations are in the same group");
        goto done;
    }
    out->statistic = (12.0 * s / (N * (N + 1.0)) - 3.0 * (N + 1.0))
                     / (1.0 - ties / (N * N * N - N));
    out->df = (double)(k - 1);
    out->p = isnan(out->statistic) ? NAN : obs_pchisq_upper(out->statistic, out->df);
done:
    free(obs);
    free(rsum);
    return rc;
}
