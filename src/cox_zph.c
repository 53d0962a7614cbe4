/*
 * cox_zph.c — the test of proportional hazards (R's cox.zph, survival 3.x).
 *
 * Extend the model to beta(t) = beta + gamma g(t), i.e. covariates
 * z(t) = [x, x g(t)].  At an event time every row at risk shares g(t), so
 * with u_t and V_t the Efron-summed score and information contributions of
 * that time (cox_fit.c), the score and information of the extended model at
 * (beta_hat, gamma = 0) are
 *
 *   U = [0, sum_t g_t u_t],
 *   I = [ sum V_t      sum g_t V_t   ]
 *       [ sum g_t V_t  sum g_t^2 V_t ]
 *
 * (the first block of U is 0 at the estimate).  The test for a term with
 * columns J is U_K' I_KK^-1 U_K with K = all columns of x plus J of the
 * second block, on |J| degrees of freedom; GLOBAL uses every column
 * (Grambsch & Therneau 1994, Biometrika 81:515; Therneau, survival
 * vignette "Testing proportional hazards", the 3.0 revision).
 * g is 1 - KM(t-) over all rows (unweighted), the rank of t, t or log t,
 * centred at its mean over the event rows.  Verified against R's cox.zph
 * in tests/golden/cox (zph_*).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cox_internal.h"
#include "obsurv/dist.h"
#include "obsurv/linalg.h"

void obs_cox_zph_free(obs_cox_zph **zp)
{
    if (!zp || !*zp) return;
    free((*zp)->chisq); free((*zp)->df); free((*zp)->p); free((*zp)->term);
    free(*zp);
    *zp = NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Number of entries of v[0..n) (ascending) that are < t (lt = 1) or <= t. */
static size_t count_below(const double *v, size_t n, double t, int lt)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (lt ? v[mid] < t : v[mid] <= t) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* g(t) for every row (original order), centred over event rows.  Scratch
 * allocated here. */
static obs_status time_transform(const obs_cox_data *d, obs_zph_transform tr, double *g,
                                 obs_error *err)
{
    const size_t n = d->n;
    double *stop = malloc(n * sizeof *stop), *start = d->start ? malloc(n * sizeof *start) : NULL;
    double *et = malloc(n * sizeof *et);
    if (!stop || !et || (d->start && !start)) {
        free(stop); free(start); free(et);
        return obs_error_set(err, OBS_ENOMEM, "cox: out of memory (zph)");
    }
    memcpy(stop, d->stop, n * sizeof *stop);
    qsort(stop, n, sizeof *stop, cmp_double);
    if (start) { memcpy(start, d->start, n * sizeof *start); qsort(start, n, sizeof *start, cmp_double); }
    size_t ne = 0;
    for (size_t i = 0; i < n; i++) if (d->status[i]) et[ne++] = d->stop[i];
    qsort(et, ne, sizeof *et, cmp_double);

    if (tr == OBS_ZPH_KM) {
        /* KM over distinct event times s: S(s) = prod (1 - d(s)/n(s)),
         * n(s) = #{stop >= s} - #{start >= s}; g = 1 - S(t-) */
        size_t nu = 0;
        double *us = malloc((ne + 1) * sizeof *us), *sv = malloc((ne + 1) * sizeof *sv);
        if (!us || !sv) {
            free(us); free(sv); free(stop); free(start); free(et);
            return obs_error_set(err, OBS_ENOMEM, "cox: out of memory (zph)");
        }
        double s = 1.0;
        for (size_t k = 0; k < ne;) {
            size_t k2 = k;
            while (k2 < ne && et[k2] == et[k]) k2++;
            double nr = (double)(n - count_below(stop, n, et[k], 1));
            if (start) nr -= (double)(n - count_below(start, n, et[k], 1));
            s *= 1.0 - (double)(k2 - k) / nr;
            us[nu] = et[k]; sv[nu] = s; nu++;
            k = k2;
        }
        for (size_t i = 0; i < n; i++) {
            size_t c = count_below(us, nu, d->stop[i], 1);   /* event times < t */
            g[i] = 1.0 - (c == 0 ? 1.0 : sv[c - 1]);
        }
        free(us); free(sv);
    } else if (tr == OBS_ZPH_RANK) {
        for (size_t i = 0; i < n; i++) {
            size_t lt = count_below(stop, n, d->stop[i], 1), le = count_below(stop, n, d->stop[i], 0);
            g[i] = (double)(lt + 1 + le) / 2.0;   /* average rank of the ties */
        }
    } else {
        for (size_t i = 0; i < n; i++) g[i] = (tr == OBS_ZPH_LOG) ? log(d->stop[i]) : d->stop[i];
    }
    double mean = 0.0;
    size_t cnt = 0;
    for (size_t i = 0; i < n; i++) if (d->status[i]) { mean += g[i]; cnt++; }
    mean /= (double)cnt;
    for (size_t i = 0; i < n; i++) g[i] -= mean;
    free(stop); free(start); free(et);
    return OBS_OK;
}

/* u2 (p) and the three p*p blocks of I (lower triangles filled) at beta.
 * gs: g by sorted position. */
static void zph_pass(cox_work *w, const double *beta, const double *gs, double *u2,
                     double *i11, double *i12, double *i22, double *ut, double *vt)
{
    const size_t p = w->p;
    /* as cox.zph: Efron's weights for ties "efron", Breslow's otherwise
     * (also for "exact") */
    const int efron = (w->ties == OBS_COX_EFRON);
    double *a = w->a, *a2 = w->a2, *cmat = w->cmat, *cmat2 = w->cmat2;

    for (size_t k = 0; k < w->n; k++) {
        double e = w->off[k];
        for (size_t j = 0; j < p; j++) e += beta[j] * w->x[k * p + j];
        w->eta[k] = e;
    }
    memset(u2, 0, p * sizeof *u2);
    memset(i11, 0, p * p * sizeof *i11);
    memset(i12, 0, p * p * sizeof *i12);
    memset(i22, 0, p * p * sizeof *i22);
    for (size_t s = 0; s < w->nstrata; s++) {
        const size_t b = w->sbeg[s], e = w->sbeg[s + 1];
        double denom = 0.0;
        size_t r = b, nrisk = 0;
        memset(a, 0, p * sizeof *a);
        memset(cmat, 0, p * p * sizeof *cmat);
        for (size_t k = b; k < e;) {
            const double t = w->stop[k];
            size_t k2 = k;
            int anydeath = 0;
            while (k2 < e && w->stop[k2] == t) { anydeath |= w->status[k2] && !w->skip[k2]; k2++; }
            if (w->counting && anydeath) {
                for (; r < e; r++) {
                    size_t q = w->by_start[r];
                    if (w->start[q] < t) break;
                    if (w->skip[q]) continue;
                    if (--nrisk == 0) {
                        denom = 0.0;
                        memset(a, 0, p * sizeof *a);
                        memset(cmat, 0, p * p * sizeof *cmat);
                    } else {
                        double rw = w->wt[q] * exp(w->eta[q]);
                        denom -= rw;
                        for (size_t i = 0; i < p; i++) {
                            a[i] -= rw * w->x[q * p + i];
                            for (size_t j = 0; j <= i; j++)
                                cmat[j * p + i] -= rw * w->x[q * p + i] * w->x[q * p + j];
                        }
                    }
                }
            }
            double denom2 = 0.0, deadwt = 0.0, g = 0.0;
            int ndead = 0;
            memset(a2, 0, p * sizeof *a2);
            memset(cmat2, 0, p * p * sizeof *cmat2);
            memset(ut, 0, p * sizeof *ut);
            for (size_t q = k; q < k2; q++) {
                if (w->skip[q]) continue;
                nrisk++;
                const double *xq = w->x + q * p;
                double rw = w->wt[q] * exp(w->eta[q]);
                double *aa = w->status[q] ? a2 : a, *cc = w->status[q] ? cmat2 : cmat;
                if (w->status[q]) {
                    ndead++; deadwt += w->wt[q]; denom2 += rw; g = gs[q];
                    for (size_t i = 0; i < p; i++) ut[i] += w->wt[q] * xq[i];
                } else denom += rw;
                for (size_t i = 0; i < p; i++) {
                    aa[i] += rw * xq[i];
                    for (size_t j = 0; j <= i; j++) cc[j * p + i] += rw * xq[i] * xq[j];
                }
            }
            if (ndead > 0) {
                int nterm = (efron && ndead > 1) ? ndead : 1;
                double meanwt = deadwt / nterm, A0 = 0, A1 = 0, B0 = 0, B1 = 0, B2 = 0;
                for (int m = 0; m < nterm; m++) {
                    double f = (double)(m + 1) / nterm, D = denom + f * denom2;
                    A0 += meanwt / D; A1 += meanwt * f / D;
                    B0 += meanwt / (D * D); B1 += meanwt * f / (D * D); B2 += meanwt * f * f / (D * D);
                }
                for (size_t i = 0; i < p; i++) {
                    ut[i] -= A0 * a[i] + A1 * a2[i];
                    u2[i] += g * ut[i];
                    for (size_t j = 0; j <= i; j++) {
                        double v = A0 * cmat[j * p + i] + A1 * cmat2[j * p + i] - B0 * a[i] * a[j]
                                   - B1 * (a[i] * a2[j] + a2[i] * a[j]) - B2 * a2[i] * a2[j];
                        vt[j * p + i] = v;
                        i11[j * p + i] += v;
                        i12[j * p + i] += g * v;
                        i22[j * p + i] += g * g * v;
                    }
                }
                denom += denom2;
                for (size_t i = 0; i < p; i++) {
                    a[i] += a2[i];
                    for (size_t j = 0; j <= i; j++) cmat[j * p + i] += cmat2[j * p + i];
                }
            }
            k = k2;
        }
    }
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++) {
            i11[i * p + j] = i11[j * p + i];
            i12[i * p + j] = i12[j * p + i];
            i22[i * p + j] = i22[j * p + i];
        }
}

/* U_K' I_KK^-1 U_K for K = first block (all of keep) + second block cols. */
static double zph_stat(size_t p, const int *keep, const int *incl2, const double *u2,
                       const double *i11, const double *i12, const double *i22,
                       double toler, double *mat, double *vec, double *sol, size_t *idx)
{
    size_t q = 0;
    for (size_t j = 0; j < p; j++) if (keep[j]) idx[q++] = j;
    for (size_t j = 0; j < p; j++) if (incl2[j]) idx[q++] = p + j;
    for (size_t c = 0; c < q; c++) {
        size_t jc = idx[c];
        vec[c] = jc >= p ? u2[jc - p] : 0.0;
        for (size_t r = 0; r < q; r++) {
            size_t jr = idx[r];
            double v;
            if (jc < p && jr < p) v = i11[jc * p + jr];
            else if (jc >= p && jr >= p) v = i22[(jc - p) * p + (jr - p)];
            else if (jc < p) v = i12[jc * p + (jr - p)];
            else v = i12[(jc - p) * p + jr];
            mat[c * q + r] = v;
        }
    }
    obs_chol_decompose(mat, q, toler, NULL);
    memcpy(sol, vec, q * sizeof *sol);
    obs_chol_solve(mat, q, sol);
    double s = 0.0;
    for (size_t c = 0; c < q; c++) s += vec[c] * sol[c];
    return s;
}

obs_status obs_cox_zph_compute(const obs_cox_data *d, const obs_cox_options *o,
                               const obs_cox_model *m, const int *assign,
                               obs_zph_transform transform, obs_cox_zph **out,
                               obs_error *err)
{
    cox_work w;
    const size_t n = d->n, p = d->p;
    obs_cox_zph *z = NULL;
    obs_status rc;
    double *g = NULL, *gs = NULL, *buf = NULL;
    int *keep = NULL, *incl = NULL;
    size_t *idx = NULL;

    *out = NULL;
    rc = cox_work_init(&w, d, o->ties, err);
    if (rc) goto done;
    if (p == 0) { rc = obs_error_set(err, OBS_EUSAGE, "cox: the PH test needs at least one covariate"); goto done; }
    g = malloc(n * sizeof *g);
    gs = malloc(n * sizeof *gs);
    buf = malloc((5 * p * p + 4 * p + 4 * p * p + 8 * p + 8) * sizeof *buf);
    keep = calloc(p, sizeof *keep);
    incl = calloc(p, sizeof *incl);
    idx = malloc((2 * p + 1) * sizeof *idx);
    z = calloc(1, sizeof *z);
    if (!g || !gs || !buf || !keep || !incl || !idx || !z) { rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (zph)"); goto done; }
    rc = time_transform(d, transform, g, err);
    if (rc) goto done;
    for (size_t k = 0; k < n; k++) gs[k] = g[w.row[k]];

    double *beta = buf, *u2 = beta + p, *ut = u2 + p, *i11 = ut + p, *i12 = i11 + p * p,
           *i22 = i12 + p * p, *vt = i22 + p * p, *mat = vt + p * p, *vec = mat + 4 * p * p,
           *sol = vec + 2 * p;
    for (size_t j = 0; j < p; j++) {
        keep[j] = !m->aliased[j];
        beta[j] = keep[j] ? m->coef[j] / w.scale[j] : 0.0;
    }
    zph_pass(&w, beta, gs, u2, i11, i12, i22, ut, vt);

    /* terms in order of first appearance of their assign code */
    size_t nt = 0;
    z->term = malloc((p + 1) * sizeof *z->term);
    z->chisq = malloc((p + 2) * sizeof *z->chisq);
    z->df = malloc((p + 2) * sizeof *z->df);
    z->p = malloc((p + 2) * sizeof *z->p);
    if (!z->term || !z->chisq || !z->df || !z->p) { rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory"); goto done; }
    for (size_t j = 0; j < p; j++) {
        int code = assign ? assign[j] : (int)j;
        if (!keep[j]) continue;
        int seen = 0;
        for (size_t t = 0; t < nt; t++) if ((int)z->term[t] == code) seen = 1;
        if (!seen) z->term[nt++] = (size_t)code;
    }
    z->nterms = nt;
    size_t nkeep = 0;
    for (size_t j = 0; j < p; j++) nkeep += (size_t)keep[j];
    for (size_t t = 0; t <= nt; t++) {
        size_t df = 0;
        for (size_t j = 0; j < p; j++) {
            int code = assign ? assign[j] : (int)j;
            incl[j] = keep[j] && (t == nt || (size_t)code == z->term[t]);
            df += (size_t)incl[j];
        }
        z->chisq[t] = zph_stat(p, keep, incl, u2, i11, i12, i22, o->toler_chol, mat, vec, sol, idx);
        z->df[t] = (double)(t == nt ? nkeep : df);
        z->p[t] = obs_pchisq_upper(z->chisq[t], z->df[t]);
    }
    *out = z;
    z = NULL;
done:
    cox_work_free(&w);
    free(g); free(gs); free(buf); free(keep); free(incl); free(idx);
    obs_cox_zph_free(&z);
    return rc;
}
