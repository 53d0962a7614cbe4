/*
 * logrank.c — the G-rho k-sample test as R's survdiff (survival 3.5).
 *
 * Method (Harrington & Fleming 1982; Kalbfleisch & Prentice 2002, sec. 7.3):
 * rows are sorted once by (stratum, time) with obs_survival_order; within a
 * stratum one forward pass over the distinct times keeps n_k, the number at
 * risk in each group, as a running count (rows leave after their time).  At
 * a time with d > 0 deaths the weight is w = S(t-)^rho, S the pooled
 * Kaplan–Meier estimate of the stratum (unweighted counts, left-continuous),
 * and
 *     O_k += w d_k,   E_k += w d n_k / n,
 *     V_jk += w^2 d (n-d) / (n (n-1)) * n_j ([j=k] - n_k / n)     (n > 1).
 * The statistic is (O-E)' V^{-1} (O-E) restricted to the groups with E > 0
 * minus the first of them (V has rank k-1), solved by Gaussian elimination
 * with partial pivoting (R's solve() is LU as well).
 *
 * Worked example (tests/unit/test_logrank.c): two groups A = {1, 2+, 3},
 * B = {2, 4, 4+}.  Death times 1, 2, 3, 4 with (n, n_A) = (6,3), (5,2),
 * (3,1), (2,0) give E_A = 1/2 + 2/5 + 1/3 + 0 = 37/30 against O_A = 2,
 * V = 1/4 + 6/25 + 2/9 = 641/900, chisq = (23/30)^2 / V = 529/641.
 *
 * Accuracy: sums in R's order; agreement with R ~1e-14 relative
 * (tests/golden/logrank holds it at 1e-8).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "obsurv/logrank.h"
#include "obsurv/km.h"
#include "obsurv/dist.h"
#include "cox_internal.h"   /* obs_surv_counts */

void obs_logrank_free(obs_logrank **lr)
{
    if (lr == NULL || *lr == NULL) return;
    free((*lr)->n);
    free((*lr)->n_strata);
    free((*lr)->observed);
    free((*lr)->var);
    free(*lr);
    *lr = NULL;
}

/*
 * Solve a z = b for the m x m matrix a (row-major, overwritten) by Gaussian
 * elimination with partial pivoting; z overwrites b.  Returns -1 when a pivot
 * is below tol * max|a| (numerically singular), else 0.
 */
static int solve_dense(double *a, double *b, size_t m)
{
    double amax = 0, tol;
    for (size_t i = 0; i < m * m; i++) if (fabs(a[i]) > amax) amax = fabs(a[i]);
    tol = amax * 1e-13;
    if (amax == 0) return -1;
    for (size_t c = 0; c < m; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < m; r++)
            if (fabs(a[r * m + c]) > fabs(a[piv * m + c])) piv = r;
        if (!(fabs(a[piv * m + c]) > tol)) return -1;
        if (piv != c) {
            for (size_t k = 0; k < m; k++) {
                double t = a[c * m + k]; a[c * m + k] = a[piv * m + k]; a[piv * m + k] = t;
            }
            { double t = b[c]; b[c] = b[piv]; b[piv] = t; }
        }
        for (size_t r = c + 1; r < m; r++) {
            double f = a[r * m + c] / a[c * m + c];
            if (f == 0) continue;
            for (size_t k = c; k < m; k++) a[r * m + k] -= f * a[c * m + k];
            b[r] -= f * b[c];
        }
    }
    for (size_t c = m; c-- > 0;) {
        double s = b[c];
        for (size_t k = c + 1; k < m; k++) s -= a[c * m + k] * b[k];
        b[c] = s / a[c * m + c];
    }
    return 0;
}

/* One event time with d events (dk per group) among ntot at risk (nrisk
 * per group): the G-rho weight w = S(t-)^rho from the running km (then
 * updated), and the terms w dk, w d nrisk / ntot and the hypergeometric
 * variance added to obs, exp_ and var. */
static inline void event_time(size_t G, double rho, double d, const double *dk, const double *nrisk,
                              double ntot, double *km, double *obs, double *exp_, double *var)
{
    double w = (rho == 0) ? 1.0 : pow(*km, rho);
    for (size_t k = 0; k < G; k++) {
        obs[k] += w * dk[k];
        exp_[k] += w * d * nrisk[k] / ntot;
    }
    if (ntot > 1) {
        double kt = w * w * d * (ntot - d) / (ntot * (ntot - 1));
        for (size_t j = 0; j < G; j++) {
            if (nrisk[j] == 0) continue;
            for (size_t k = 0; k < G; k++)
                var[j * G + k] += kt * nrisk[j] * ((j == k) - nrisk[k] / ntot);
        }
    }
    *km *= (ntot - d) / ntot;
}

/*
 * One stratum: m rows sorted by time (time, status, group in that order).  nrisk (ngroups) and dk
 * (ngroups) are scratch; results are added to obs, exp (this stratum's
 * columns) and var.
 */
static void logrank_stratum(size_t m, const double *time,
                            const unsigned char *status, const int *group, size_t G,
                            double rho, double *nrisk, double *dk,
                            double *obs, double *exp_, double *var)
{
    double km = 1.0, ntot = (double)m;
    size_t p = 0;

    memset(nrisk, 0, G * sizeof *nrisk);
    for (size_t i = 0; i < m; i++) nrisk[group[i]] += 1;
    while (p < m) {
        double t = time[p], d = 0;
        size_t q = p;
        memset(dk, 0, G * sizeof *dk);
        for (; q < m && time[q] == t; q++)
            if (status[q]) { dk[group[q]] += 1; d += 1; }
        if (d > 0) event_time(G, rho, d, dk, nrisk, ntot, &km, obs, exp_, var);
        for (; p < q; p++) { nrisk[group[p]] -= 1; ntot -= 1; }
    }
}

/* logrank_stratum from obs_surv_counts' cells of one stratum (cs: range
 * times x G groups x 2 statuses): the same per-time counts in the same
 * time order, integers (exact), so the same sums. */
static void logrank_stratum_counts(const uint32_t *cs, size_t range, size_t G, double rho,
                                   double *nrisk, double *dk, double *obs, double *exp_, double *var)
{
    double km = 1.0, ntot = 0;
    memset(nrisk, 0, G * sizeof *nrisk);
    for (size_t k = 0; k < range; k++)
        for (size_t g = 0; g < G; g++) nrisk[g] += (double)cs[(k * G + g) * 2] + cs[(k * G + g) * 2 + 1];
    for (size_t g = 0; g < G; g++) ntot += nrisk[g];
    for (size_t k = 0; k < range; k++) {
        const uint32_t *ck = cs + k * G * 2;
        double d = 0, leave = 0;
        for (size_t g = 0; g < G; g++) {
            dk[g] = ck[2 * g + 1];
            d += dk[g];
            leave += (double)ck[2 * g] + ck[2 * g + 1];
        }
        if (leave == 0) continue;   /* no row at this time */
        if (d > 0) event_time(G, rho, d, dk, nrisk, ntot, &km, obs, exp_, var);
        for (size_t g = 0; g < G; g++) nrisk[g] -= (double)ck[2 * g] + ck[2 * g + 1];
        ntot -= leave;
    }
}

obs_status obs_logrank_test(size_t n, const double *time, const int *status,
                            const int *group, size_t ngroups,
                            const int *strata, size_t nstrata, double rho,
                            obs_logrank **out, obs_error *err)
{
    obs_status rc = OBS_OK;
    obs_logrank *lr = NULL;
    size_t *order = NULL, *sstart = NULL, *keep = NULL;
    double *scratch = NULL, *vsub = NULL, *u = NULL, *st = NULL;
    unsigned char *ss = NULL;
    int *sg = NULL;
    size_t G = ngroups, S, ngroups_used = 0;

    *out = NULL;
    if (strata == NULL) nstrata = 1;
    S = nstrata;
    if (G == 0 || S == 0)
        return obs_error_set(err, OBS_EUSAGE, "logrank: no groups");
    if (!isfinite(rho))
        return obs_error_set(err, OBS_EUSAGE, "rho must be a finite number");
    /* a branch-free look first (a 0/1 status in random order would make
     * the tests below mispredict every other row); the rows are walked
     * for the message only when something is wrong */
    unsigned bad = 0;
    for (size_t i = 0; i < n; i++) {
        const double t = time[i];
        bad |= (unsigned)(t - t != 0.0) | ((unsigned)status[i] > 1u) | ((size_t)(unsigned)group[i] >= G);
        if (strata) bad |= ((size_t)(unsigned)strata[i] >= S);
    }
    for (size_t i = 0; i < n && bad; i++) {
        if (!isfinite(time[i]))
            return obs_error_set(err, OBS_EDATA, "row %zu: time is not a finite number", i + 1);
        if (status[i] != 0 && status[i] != 1)
            return obs_error_set(err, OBS_EDATA, "row %zu: status %d is not 0 or 1", i + 1, status[i]);
        if (group[i] < 0 || (size_t)group[i] >= G)
            return obs_error_set(err, OBS_EUSAGE, "row %zu: group code %d out of range", i + 1, group[i]);
        if (strata && (strata[i] < 0 || (size_t)strata[i] >= S))
            return obs_error_set(err, OBS_EUSAGE, "row %zu: stratum code %d out of range", i + 1, strata[i]);
    }

    lr = calloc(1, sizeof *lr);
    if (!lr) goto nomem;
    lr->ngroups = G; lr->nstrata = S; lr->rho = rho;
    lr->n = calloc(G, sizeof *lr->n);
    lr->n_strata = calloc(S, sizeof *lr->n_strata);
    lr->observed = calloc(2 * G + 2 * G * S, sizeof(double));   /* one block */
    lr->var = calloc(G * G, sizeof *lr->var);
    order = malloc((n ? n : 1) * sizeof *order);
    sstart = calloc(S + 1, sizeof *sstart);
    scratch = malloc(2 * G * sizeof *scratch);
    keep = malloc(G * sizeof *keep);
    vsub = malloc(G * G * sizeof *vsub);
    u = malloc(G * sizeof *u);
    st = malloc((n ? n : 1) * sizeof *st);
    ss = malloc(n ? n : 1);
    sg = malloc((n ? n : 1) * sizeof *sg);
    if (!st || !ss || !sg ||
        !lr->n || !lr->n_strata || !lr->observed || !lr->var || !order || !sstart ||
        !scratch || !keep || !vsub || !u)
        goto nomem;
    lr->expected = lr->observed + G;
    lr->observed_strata = lr->observed + 2 * G;
    lr->expected_strata = lr->observed_strata + G * S;

    for (size_t i = 0; i < n; i++) {
        lr->n[group[i]]++;
        sstart[(strata ? strata[i] : 0) + 1]++;
    }
    for (size_t g = 0; g < G; g++) if (lr->n[g] > 0) ngroups_used++;
    if (ngroups_used < 2) {
        rc = obs_error_set(err, OBS_EFIT, "logrank: there is only 1 group");
        goto fail;
    }
    for (size_t s = 0; s < S; s++) { lr->n_strata[s] = sstart[s + 1]; sstart[s + 1] += sstart[s]; }
    {   /* decimal times: counts by (stratum, time, group), no sort */
        uint32_t *cnt = NULL;
        size_t range = 0;
        double scale = 1;
        int64_t lo = 0;
        const int hc = obs_surv_counts(n, time, status, strata, S, group, G, &cnt, &range, &scale, &lo);
        if (hc < 0) goto nomem;
        if (hc > 0) {
            for (size_t s = 0; s < S; s++)
                logrank_stratum_counts(cnt + s * range * G * 2, range, G, rho, scratch, scratch + G,
                                       lr->observed_strata + s * G, lr->expected_strata + s * G, lr->var);
            free(cnt);
            goto summed;
        }
    }
    rc = obs_survival_order(n, time, strata, S, order, err);
    if (rc) goto fail;
    for (size_t p = 0; p < n; p++) {      /* gather once into sorted order */
        size_t i = order[p];
        st[p] = time[i]; ss[p] = (unsigned char)status[i]; sg[p] = group[i];
    }
    for (size_t s = 0; s < S; s++)
        logrank_stratum(sstart[s + 1] - sstart[s], st + sstart[s], ss + sstart[s],
                        sg + sstart[s], G, rho, scratch, scratch + G, lr->observed_strata + s * G,
                        lr->expected_strata + s * G, lr->var);
summed:
    for (size_t s = 0; s < S; s++)
        for (size_t g = 0; g < G; g++) {
            lr->observed[g] += lr->observed_strata[s * G + g];
            lr->expected[g] += lr->expected_strata[s * G + g];
        }

    /* chisq on the groups with E > 0, the first of them dropped. */
    {
        size_t m = 0;
        for (size_t g = 0; g < G; g++) if (lr->expected[g] > 0) keep[m++] = g;
        lr->df = m > 0 ? (int)m - 1 : 0;
        if (m < 2) {
            lr->chisq = 0;
        } else {
            size_t q = m - 1;
            for (size_t a = 0; a < q; a++) {
                u[a] = lr->observed[keep[a + 1]] - lr->expected[keep[a + 1]];
                for (size_t b = 0; b < q; b++) vsub[a * q + b] = lr->var[keep[a + 1] * G + keep[b + 1]];
            }
            {
                double z[64], *zz = z;
                double *zheap = NULL;
                if (q > 64) { zheap = malloc(q * sizeof *zheap); if (!zheap) goto nomem; zz = zheap; }
                memcpy(zz, u, q * sizeof *zz);
                if (solve_dense(vsub, zz, q) != 0) {
                    free(zheap);
                    rc = obs_error_set(err, OBS_EFIT,
                                       "logrank: the variance matrix is singular (a group with no one at risk at any death time?)");
                    goto fail;
                }
                lr->chisq = 0;
                for (size_t a = 0; a < q; a++) lr->chisq += zz[a] * u[a];
                free(zheap);
            }
        }
        lr->p = lr->df > 0 ? obs_pchisq_upper(lr->chisq, lr->df) : NAN;
    }
    free(order); free(sstart); free(scratch); free(keep); free(vsub); free(u);
    free(st); free(ss); free(sg);
    *out = lr;
    return OBS_OK;
nomem:
    rc = obs_error_set(err, OBS_ENOMEM, "out of memory in logrank (%zu rows)", n);
fail:
    free(order); free(sstart); free(scratch); free(keep); free(vsub); free(u);
    free(st); free(ss); free(sg);
    obs_logrank_free(&lr);
    return rc;
}
