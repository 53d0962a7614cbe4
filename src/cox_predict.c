/*
 * cox_predict.c — predicted survival curves from a Cox model (R's
 * survfit(coxph_fit, newdata)).
 *
 * Baseline (at the centring values m) per stratum, at each event time t
 * with d tied events of total weight W and Efron terms k = 0..d-1
 * (Breslow: one term with all events in the risk set):
 *
 *   dH0(t) = sum_k (W/d) / S0_k                 (hazard increment)
 *   dV0(t) = sum_k (W/d) / S0_k^2               (its variance part)
 *   dX0(t) = sum_k (W/d) S1_k / S0_k^2          (for d dH / d b)
 *
 * For a profile z with r = exp((z - m)'b + offset):
 *   H(t|z) = r H0(t),   g(t) = r [(z - m) H0(t) - X0(t)],
 *   var H(t|z) = r^2 V0(t) + g' V g      (V the variance of b: robust
 *                                          when the fit is, as survfit)
 * with H0, V0, X0 the running sums (Tsiatis 1981, Ann Stat 9:93; the
 * "ctype" 1/2 estimators of survfit.coxph).  S = exp(-H); the log interval
 * is exp(-H -/+ z se(H)) with the upper limit capped at 1, as survfit.
 * Verified against R in tests/golden/cox (predict_*).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cox_internal.h"
#include "obsurv/dist.h"

void obs_cox_survfit_free(obs_cox_survfit **sp)
{
    if (!sp || !*sp) return;
    obs_cox_survfit *s = *sp;
    for (size_t c = 0; c < s->ncurves; c++) {
        obs_cox_curve *k = &s->curve[c];
        free(k->time); free(k->n_risk); free(k->n_event); free(k->n_censor); free(k->surv);
        free(k->cumhaz); free(k->std_chaz); free(k->std_err); free(k->lower); free(k->upper);
    }
    free(s->curve);
    free(s);
    *sp = NULL;
}

/* Per-stratum baseline quantities, ascending time order. */
typedef struct {
    size_t nt;
    double *time, *nrisk, *nevent, *ncensor, *h0, *v0, *x0; /* x0: nt*p */
} baseline;

static void baseline_free(baseline *b)
{
    free(b->time); free(b->nrisk); free(b->nevent); free(b->ncensor);
    free(b->h0); free(b->v0); free(b->x0);
}

/* Contract: w ready, eta filled (off + x'beta, scaled coordinates); stratum
 * s.  Fills b (allocated here) with cumulative H0, V0, X0 (X0 in scaled
 * coordinates) at every distinct stop time, ascending. */
static obs_status stratum_baseline(cox_work *w, size_t s, int efron, baseline *b)
{
    const size_t p = w->p, bb = w->sbeg[s], e = w->sbeg[s + 1], len = e - bb;
    memset(b, 0, sizeof *b);
    b->time = malloc(len * sizeof(double)); b->nrisk = malloc(len * sizeof(double));
    b->nevent = malloc(len * sizeof(double)); b->ncensor = malloc(len * sizeof(double));
    b->h0 = malloc(len * sizeof(double)); b->v0 = malloc(len * sizeof(double));
    b->x0 = malloc((len * p + 1) * sizeof(double));
    double *s1 = calloc(p + 1, sizeof(double)), *s1d = calloc(p + 1, sizeof(double));
    if (!b->time || !b->nrisk || !b->nevent || !b->ncensor || !b->h0 || !b->v0 || !b->x0 || !s1 || !s1d) {
        free(s1); free(s1d);
        return OBS_ENOMEM;
    }
    double s0 = 0.0, wrisk = 0.0;
    size_t r = bb, r2 = bb, nrisk = 0, nt = 0;
    for (size_t k = bb; k < e;) {
        const double t = w->stop[k];
        size_t k2 = k;
        int anydeath = 0;
        while (k2 < e && w->stop[k2] == t) { anydeath |= w->status[k2] && !w->skip[k2]; k2++; }
        if (w->counting) {
            for (; r2 < e; r2++) {           /* n.risk: every row */
                size_t q = w->by_start[r2];
                if (w->start[q] < t) break;
                wrisk -= w->wt[q];
            }
            if (anydeath)
                for (; r < e; r++) {         /* risk sums: as the fit */
                    size_t q = w->by_start[r];
                    if (w->start[q] < t) break;
                    if (w->skip[q]) continue;
                    if (--nrisk == 0) { s0 = 0.0; memset(s1, 0, p * sizeof *s1); }
                    else {
                        double rw = w->wt[q] * exp(w->eta[q]);
                        s0 -= rw;
                        for (size_t j = 0; j < p; j++) s1[j] -= rw * w->x[q * p + j];
                    }
                }
        }
        double s0d = 0.0, deadwt = 0.0, cens = 0.0;
        int ndead = 0;
        memset(s1d, 0, p * sizeof *s1d);
        for (size_t q = k; q < k2; q++) {
            wrisk += w->wt[q];
            if (w->status[q]) deadwt += w->wt[q]; else cens += w->wt[q];
            if (w->skip[q]) continue;
            nrisk++;
            double rw = w->wt[q] * exp(w->eta[q]);
            s0 += rw;
            for (size_t j = 0; j < p; j++) s1[j] += rw * w->x[q * p + j];
            if (w->status[q]) {
                ndead++; s0d += rw;
                for (size_t j = 0; j < p; j++) s1d[j] += rw * w->x[q * p + j];
            }
        }
        b->time[nt] = t; b->nrisk[nt] = wrisk; b->nevent[nt] = deadwt; b->ncensor[nt] = cens;
        b->h0[nt] = b->v0[nt] = 0.0;
        for (size_t j = 0; j < p; j++) b->x0[nt * p + j] = 0.0;
        if (ndead > 0) {
            int d = (efron && ndead > 1) ? ndead : 1;
            double meanwt = deadwt / d;
            for (int kk = 0; kk < d; kk++) {
                double frac = (d == 1) ? 0.0 : (double)kk / d;
                double den = s0 - frac * s0d;
                b->h0[nt] += meanwt / den;
                b->v0[nt] += meanwt / (den * den);
                for (size_t j = 0; j < p; j++)
                    b->x0[nt * p + j] += meanwt * (s1[j] - frac * s1d[j]) / (den * den);
            }
        }
        nt++;
        k = k2;
    }
    b->nt = nt;
    /* reverse to ascending time and accumulate */
    for (size_t i = 0, jx = nt - 1; i < jx; i++, jx--) {
#define SWAP(a, i1, i2) do { double tmp = (a)[i1]; (a)[i1] = (a)[i2]; (a)[i2] = tmp; } while (0)
        SWAP(b->time, i, jx); SWAP(b->nrisk, i, jx); SWAP(b->nevent, i, jx);
        SWAP(b->ncensor, i, jx); SWAP(b->h0, i, jx); SWAP(b->v0, i, jx);
        for (size_t j = 0; j < p; j++) SWAP(b->x0, i * p + j, jx * p + j);
#undef SWAP
    }
    for (size_t i = 1; i < nt; i++) {
        b->h0[i] += b->h0[i - 1];
        b->v0[i] += b->v0[i - 1];
        for (size_t j = 0; j < p; j++) b->x0[i * p + j] += b->x0[(i - 1) * p + j];
    }
    free(s1); free(s1d);
    return OBS_OK;
}

/* One curve for profile zc (centred, original scale; p) with risk r. */
static obs_status make_curve(const baseline *b, const cox_work *w, const obs_cox_model *m,
                             const double *zc, double r, double zq, obs_cox_curve *c, double *g)
{
    const size_t p = w->p, nt = b->nt;
    /* the robust variance when there is one, as survfit.coxph (object$var) */
    const double *vmat = m->robust_var ? m->robust_var : m->var;
    c->ntime = nt;
    c->time = malloc(nt * sizeof(double)); c->n_risk = malloc(nt * sizeof(double));
    c->n_event = malloc(nt * sizeof(double)); c->n_censor = malloc(nt * sizeof(double));
    c->surv = malloc(nt * sizeof(double)); c->cumhaz = malloc(nt * sizeof(double));
    c->std_chaz = malloc(nt * sizeof(double)); c->std_err = malloc(nt * sizeof(double));
    c->lower = malloc(nt * sizeof(double)); c->upper = malloc(nt * sizeof(double));
    if (!c->time || !c->n_risk || !c->n_event || !c->n_censor || !c->surv || !c->cumhaz ||
        !c->std_chaz || !c->std_err || !c->lower || !c->upper)
        return OBS_ENOMEM;
    memcpy(c->time, b->time, nt * sizeof(double));
    memcpy(c->n_risk, b->nrisk, nt * sizeof(double));
    memcpy(c->n_event, b->nevent, nt * sizeof(double));
    memcpy(c->n_censor, b->ncensor, nt * sizeof(double));
    for (size_t i = 0; i < nt; i++) {
        double h = r * b->h0[i];
        for (size_t j = 0; j < p; j++)
            g[j] = m->aliased[j] ? 0.0 : r * (zc[j] * b->h0[i] - b->x0[i * p + j] / w->scale[j]);
        double v = r * r * b->v0[i];
        for (size_t j = 0; j < p; j++)
            for (size_t q = 0; q < p; q++) v += g[j] * vmat[q * p + j] * g[q];
        double se = sqrt(v), s = exp(-h);
        c->cumhaz[i] = h;
        c->surv[i] = s;
        c->std_chaz[i] = se;
        c->std_err[i] = s * se;
        c->lower[i] = exp(-h - zq * se);
        c->upper[i] = fmin(1.0, exp(-h + zq * se));
    }
    return OBS_OK;
}

obs_status obs_cox_survfit_compute(const obs_cox_data *d, const obs_cox_options *o,
                                   const obs_cox_model *m, size_t nnew,
                                   const double *newx, const double *newoffset,
                                   const int *newstrata, obs_cox_survfit **out,
                                   obs_error *err)
{
    cox_work w;
    const size_t p = d->p;
    obs_cox_survfit *sf = NULL;
    baseline *base = NULL;
    double *beta = NULL, *zc = NULL, *g = NULL;
    int *code_of = NULL;
    obs_status rc;

    *out = NULL;
    rc = cox_work_init(&w, d, o->ties, err);
    if (rc) goto done;
    beta = calloc(p + 1, sizeof *beta);
    zc = calloc(p + 1, sizeof *zc);
    g = calloc(p + 1, sizeof *g);
    base = calloc(w.nstrata, sizeof *base);
    sf = calloc(1, sizeof *sf);
    /* stratum code of each workspace stratum (codes of d->strata) */
    code_of = calloc(w.nstrata, sizeof *code_of);
    if (!beta || !zc || !g || !base || !sf || !code_of) { rc = OBS_ENOMEM; goto nomem; }
    for (size_t s = 0; s < w.nstrata; s++) code_of[s] = d->strata ? d->strata[w.row[w.sbeg[s]]] : 0;
    for (size_t j = 0; j < p; j++) beta[j] = m->aliased[j] ? 0.0 : m->coef[j] / w.scale[j];
    for (size_t k = 0; k < w.n; k++) {
        double e = w.off[k];
        for (size_t j = 0; j < p; j++) e += beta[j] * w.x[k * p + j];
        w.eta[k] = e;
    }
    for (size_t s = 0; s < w.nstrata; s++)
        if (stratum_baseline(&w, s, o->ties == OBS_COX_EFRON, &base[s])) { rc = OBS_ENOMEM; goto nomem; }
    sf->conf_level = o->conf_level;
    sf->ncurves = newstrata ? nnew : nnew * w.nstrata;
    sf->curve = calloc(sf->ncurves + 1, sizeof *sf->curve);
    if (!sf->curve) { rc = OBS_ENOMEM; goto nomem; }
    double zq = obs_qnorm(1.0 - (1.0 - o->conf_level) / 2.0);
    size_t c = 0;
    for (size_t i = 0; i < nnew; i++) {
        double lp = newoffset ? newoffset[i] : 0.0;
        for (size_t j = 0; j < p; j++) {
            zc[j] = newx[j * nnew + i] - m->means[j];
            if (!m->aliased[j]) lp += zc[j] * m->coef[j];
        }
        double r = exp(lp);
        for (size_t s = 0; s < w.nstrata; s++) {
            if (newstrata && code_of[s] != newstrata[i]) continue;
            sf->curve[c].profile = i;
            sf->curve[c].stratum = code_of[s];
            if (make_curve(&base[s], &w, m, zc, r, zq, &sf->curve[c], g)) { c++; sf->ncurves = c; rc = OBS_ENOMEM; goto nomem; }
            c++;
        }
        if (newstrata && (c == 0 || sf->curve[c - 1].profile != i)) {
            sf->ncurves = c;
            rc = obs_error_set(err, OBS_EDATA, "cox: profile %zu: stratum not in the fitted data", i + 1);
            goto done;
        }
    }
    sf->ncurves = c;
    *out = sf;
    sf = NULL;
    goto done;
nomem:
    rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (survival curves)");
done:
    if (base) for (size_t s = 0; s < w.nstrata; s++) baseline_free(&base[s]);
    free(base);
    cox_work_free(&w);
    free(beta); free(zc); free(g); free(code_of);
    obs_cox_survfit_free(&sf);
    return rc;
}
