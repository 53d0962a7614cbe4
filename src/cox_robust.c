/*
 * cox_robust.c — score residuals and the robust (sandwich) variance.
 *
 * Score residuals (Therneau & Grambsch 2000, sec. 4.6; Lin & Wei 1989,
 * JASA 84:1074): with the notation of cox_fit.c, at an event time t_l with
 * d tied events the Efron terms k = 0..d-1 have S0_k, xbar_k and weight
 * W/d.  Write
 *
 *   hz_l  = sum_k (W/d) / S0_k              (hazard increment)
 *   hx_l  = sum_k (W/d) xbar_k / S0_k
 *   hzd_l = sum_k (1 - k/d) (W/d) / S0_k    (the same for a row that has
 *   hxd_l = sum_k (1 - k/d) (W/d) xbar_k / S0_k     its event at t_l)
 *   xbb_l = (1/d) sum_k xbar_k
 *
 * (Breslow: d = 1 in all of these.)  The score residual of row i is
 *
 *   L_i = delta_i (x_i - xbb_{l(i)}) - r_i sum_{l: start_i < t_l <= stop_i}
 *                                         (x_i hz_l - hx_l)
 *
 * with hz, hx replaced by hzd, hxd at the row's own event time.  Then
 * sum_i w_i L_i = u, the score.  The infinitesimal-jackknife (dfbeta)
 * residuals are D_i = w_i L_i' V, V the model variance, and the robust
 * variance is sum over clusters c of (sum_{i in c} D_i)(sum_{i in c} D_i)'.
 * The robust score test (R's fit$rscore) uses the weighted score residuals
 * at b = 0 with every linear predictor 0: U' (T'T)^- U, T the cluster sums.
 *
 * Sums over event times in (start, stop] come from cumulative sums over the
 * event times of the stratum (descending), found by binary search.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cox_internal.h"
#include "obsurv/linalg.h"

/* Index of the first entry <= t in tau[0..m) (descending); m when none. */
static size_t first_le(const double *tau, size_t m, double t)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (tau[mid] <= t) hi = mid; else lo = mid + 1;
    }
    return lo;
}

/* Contract: w ready; beta (p, scaled coordinates); eta computed here as
 * x'beta + offset, or 0 for every row when beta is NULL (R's robust score
 * test).  Outputs, each optional (NULL), in sorted order, scaled
 * coordinates, unweighted:
 *   resid  n*p row-major score residuals L_i;
 *   mart   n martingale residuals delta_i - r_i H_i, H_i the (Efron-
 *          adjusted) cumulative hazard over the row's time at risk;
 *   schoen n*p Schoenfeld residuals x_i - xbb_{l(i)} on event rows (other
 *          rows 0).
 * Allocates its own scratch (O(n p)). */
obs_status cox_score_residuals(cox_work *w, const double *beta, double *resid,
                               double *mart, double *schoen, obs_error *err)
{
    const size_t n = w->n, p = w->p;
    const int efron = (w->ties == OBS_COX_EFRON);   /* exact: Breslow terms, as R */
    double *tau = malloc((n + 1) * sizeof *tau);
    double *q = malloc((n + 1) * sizeof *q);          /* cumulative hz */
    double *qx = malloc((n + 1) * p * sizeof *qx + sizeof *qx);
    double *hz = malloc((n + 1) * sizeof *hz), *hzd = malloc((n + 1) * sizeof *hzd);
    double *hx = malloc(((n + 1) * p + 1) * sizeof *hx);
    double *hxd = malloc(((n + 1) * p + 1) * sizeof *hxd);
    double *xbb = malloc(((n + 1) * p + 1) * sizeof *xbb);
    double *s1 = calloc(p + 1, sizeof *s1), *s1d = calloc(p + 1, sizeof *s1d);
    double *r = malloc(n * sizeof *r);
    obs_status rc = OBS_OK;

    if (!tau || !q || !qx || !hz || !hzd || !hx || !hxd || !xbb || !s1 || !s1d || !r) {
        rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (residuals)");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        double e = 0.0;
        if (beta) {
            e = w->off[k];
            for (size_t j = 0; j < p; j++) e += beta[j] * w->x[k * p + j];
        }
        w->eta[k] = e;
        r[k] = exp(e);
    }

    for (size_t s = 0; s < w->nstrata; s++) {
        const size_t b = w->sbeg[s], e = w->sbeg[s + 1];
        double s0 = 0.0;
        size_t m = 0, ri = b, nrisk = 0;
        memset(s1, 0, p * sizeof *s1);

        /* pass 1: event-time quantities, descending */
        for (size_t k = b; k < e;) {
            const double t = w->stop[k];
            int anydeath;
            const size_t k2 = cox_tied_end(w, k, e, &anydeath);
            if (w->counting && anydeath) {
                for (size_t qq; (qq = cox_next_leaving(w, &ri, e, t)) != COX_NONE;) {
                    if (--nrisk == 0) { s0 = 0.0; memset(s1, 0, p * sizeof *s1); }
                    else {
                        double rw = w->wt[qq] * r[qq];
                        s0 -= rw;
                        for (size_t j = 0; j < p; j++) s1[j] -= rw * w->x[qq * p + j];
                    }
                }
            }
            double s0d = 0.0, deadwt = 0.0;
            int ndead = 0;
            memset(s1d, 0, p * sizeof *s1d);
            for (size_t qq = k; qq < k2; qq++) {
                if (w->skip[qq]) continue;
                nrisk++;
                double rw = w->wt[qq] * r[qq];
                s0 += rw;
                for (size_t j = 0; j < p; j++) s1[j] += rw * w->x[qq * p + j];
                if (w->status[qq]) {
                    ndead++; deadwt += w->wt[qq]; s0d += rw;
                    for (size_t j = 0; j < p; j++) s1d[j] += rw * w->x[qq * p + j];
                }
            }
            if (ndead > 0) {
                int d = (efron && ndead > 1) ? ndead : 1;
                double meanwt = deadwt / d;
                tau[m] = t;
                hz[m] = hzd[m] = 0.0;
                for (size_t j = 0; j < p; j++) hx[m * p + j] = hxd[m * p + j] = xbb[m * p + j] = 0.0;
                for (int kk = 0; kk < d; kk++) {
                    double frac = (double)kk / d;
                    double den = s0 - frac * s0d;
                    double c = 1.0 - frac;
                    hz[m] += meanwt / den;
                    hzd[m] += c * meanwt / den;
                    for (size_t j = 0; j < p; j++) {
                        double xbar = (s1[j] - frac * s1d[j]) / den;
                        hx[m * p + j] += meanwt * xbar / den;
                        hxd[m * p + j] += c * meanwt * xbar / den;
                        xbb[m * p + j] += xbar / d;
                    }
                }
                m++;
            }
            k = k2;
        }
        /* cumulative sums over the first l event times (largest first) */
        q[0] = 0.0;
        for (size_t j = 0; j < p; j++) qx[j] = 0.0;
        for (size_t l = 0; l < m; l++) {
            q[l + 1] = q[l] + hz[l];
            for (size_t j = 0; j < p; j++) qx[(l + 1) * p + j] = qx[l * p + j] + hx[l * p + j];
        }
        /* pass 2: residuals */
        for (size_t k = b; k < e; k++) {
            const double *xk = w->x + k * p;
            int dead = w->status[k] && !w->skip[k];
            if (w->skip[k] || m == 0) {
                if (resid) memset(resid + k * p, 0, p * sizeof *resid);
                if (mart) mart[k] = 0.0;
                if (schoen) memset(schoen + k * p, 0, p * sizeof *schoen);
                continue;
            }
            size_t l1 = first_le(tau, m, w->stop[k]);
            size_t l2 = w->counting ? first_le(tau, m, w->start[k]) : m;
            if (l2 < l1) l2 = l1;
            double hh = q[l2] - q[l1];
            if (dead) hh += hzd[l1] - hz[l1];    /* own event time is tau[l1] */
            if (mart) mart[k] = (double)dead - r[k] * hh;
            for (size_t j = 0; j < p; j++) {
                double g = qx[l2 * p + j] - qx[l1 * p + j];
                if (dead) g += hxd[l1 * p + j] - hx[l1 * p + j];
                double sch = dead ? xk[j] - xbb[l1 * p + j] : 0.0;
                if (resid) resid[k * p + j] = sch - r[k] * (xk[j] * hh - g);
                if (schoen) schoen[k * p + j] = sch;
            }
        }
    }
done:
    free(tau); free(q); free(qx); free(hz); free(hzd); free(hx); free(hxd); free(xbb);
    free(s1); free(s1d); free(r);
    return rc;
}

/* Sum rows of a (n x p, row-major, sorted order) weighted by w->wt into
 * cluster totals t (ncl x p), with cluster code of sorted row k given by
 * cl[w->row[k]] (or k itself when cl is NULL). */
static void cluster_sums(const cox_work *w, const int *cl, const double *a, double *t, size_t ncl)
{
    const size_t p = w->p;
    memset(t, 0, ncl * p * sizeof *t);
    for (size_t k = 0; k < w->n; k++) {
        size_t c = cl ? (size_t)cl[w->row[k]] : w->row[k];
        for (size_t j = 0; j < p; j++) t[c * p + j] += w->wt[k] * a[k * p + j];
    }
}

/* Contract: m holds coef/var (original scale) and aliased; beta_scaled the
 * estimate in w's coordinates.  Fills m->robust_var, m->robust_se and
 * m->robust_score.  d->cluster codes (if any) are in [0, max+1). */
obs_status cox_robust(cox_work *w, const obs_cox_data *d, const obs_cox_options *o,
                      obs_cox_model *m, const double *beta_scaled, obs_error *err)
{
    const size_t n = w->n, p = w->p;
    size_t ncl = n;
    obs_status rc = OBS_OK;
    if (d->cluster) {
        ncl = 0;
        for (size_t i = 0; i < n; i++) if ((size_t)d->cluster[i] + 1 > ncl) ncl = (size_t)d->cluster[i] + 1;
    }
    double *resid = malloc((n * p + 1) * sizeof *resid);
    double *t = malloc((ncl * p + 1) * sizeof *t);
    double *vs = malloc((p * p + 1) * sizeof *vs);
    double *g = malloc((p * p + 1) * sizeof *g);
    double *uu = malloc((p + 1) * sizeof *uu), *sol = malloc((p + 1) * sizeof *sol);
    m->robust_var = calloc(p * p + 1, sizeof *m->robust_var);
    m->robust_se = calloc(p + 1, sizeof *m->robust_se);
    if (!resid || !t || !vs || !g || !uu || !sol || !m->robust_var || !m->robust_se) {
        rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (robust variance)");
        goto done;
    }
    /* model variance in scaled coordinates */
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++)
            vs[j * p + i] = m->var[j * p + i] / (w->scale[i] * w->scale[j]);

    rc = cox_score_residuals(w, beta_scaled, resid, NULL, NULL, err);
    if (rc) goto done;
    /* dfbeta = L V (row by row, in place via uu) */
    for (size_t k = 0; k < n; k++) {
        for (size_t j = 0; j < p; j++) {
            double s = 0.0;
            for (size_t i = 0; i < p; i++) s += resid[k * p + i] * vs[j * p + i];
            uu[j] = s;
        }
        memcpy(resid + k * p, uu, p * sizeof *uu);
    }
    cluster_sums(w, d->cluster, resid, t, ncl);
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++) {
            double s = 0.0;
            for (size_t c = 0; c < ncl; c++) s += t[c * p + i] * t[c * p + j];
            m->robust_var[j * p + i] = s * w->scale[i] * w->scale[j];
        }
    for (size_t i = 0; i < p; i++) m->robust_se[i] = sqrt(m->robust_var[i * p + i]);

    /* robust score test at b = 0 with all linear predictors 0 */
    rc = cox_score_residuals(w, NULL, resid, NULL, NULL, err);
    if (rc) goto done;
    cluster_sums(w, d->cluster, resid, t, ncl);
    for (size_t j = 0; j < p; j++) {
        double s = 0.0;
        for (size_t c = 0; c < ncl; c++) s += t[c * p + j];
        uu[j] = s;
    }
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++) {
            double s = 0.0;
            for (size_t c = 0; c < ncl; c++) s += t[c * p + i] * t[c * p + j];
            g[j * p + i] = s;
        }
    {
        int rank = obs_chol_decompose(g, p, o->toler_chol, NULL);
        memcpy(sol, uu, p * sizeof *uu);
        obs_chol_solve(g, p, sol);
        double s = 0.0;
        for (size_t j = 0; j < p; j++) s += uu[j] * sol[j];
        m->robust_score.stat = s;
        m->robust_score.df = (double)(rank < 0 ? -rank : rank);
        (void)m->robust_score.df;
        size_t df = 0;
        for (size_t j = 0; j < p; j++) df += !m->aliased[j];
        m->robust_score.df = (double)df;
    }
done:
    free(resid); free(t); free(vs); free(g); free(uu); free(sol);
    return rc;
}
