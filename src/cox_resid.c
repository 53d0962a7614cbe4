/*
 * cox_resid.c — residuals of a fitted Cox model (R's residuals.coxph).
 *
 * Martingale M_i = delta_i - r_i H_i, with H_i the cumulative hazard over
 * the row's time at risk (Efron: the row's own event time contributes
 * sum_k (1 - k/d) W/d / S0_k); deviance sign(M) sqrt(-2 (M + delta
 * log(delta - M))); score L_i and Schoenfeld x_i - xbar(t_i) as derived
 * in cox_robust.c; dfbeta w_i L_i' V; scaled Schoenfeld nevent * s_i' V + b
 * (Grambsch & Therneau 1994; Therneau & Grambsch 2000, ch. 4 and 6).
 * Verified against R in tests/golden/cox (resid_*).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cox_internal.h"

int obs_cox_resid_type_parse(const char *s)
{
    static const char *names[] = {"martingale", "deviance", "score", "schoenfeld", "scaledsch", "dfbeta"};
    for (int i = 0; i < 6; i++)
        if (s && !strcmp(s, names[i])) return i;
    return -1;
}

void obs_cox_residuals_free(obs_cox_residuals **rp)
{
    if (!rp || !*rp) return;
    free((*rp)->value); free((*rp)->row); free((*rp)->time);
    free(*rp);
    *rp = NULL;
}

typedef struct { int s; double t; size_t row, k; } event_key;

static int cmp_event(const void *pa, const void *pb)
{
    const event_key *a = pa, *b = pb;
    if (a->s != b->s) return a->s < b->s ? -1 : 1;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

obs_status obs_cox_residuals_compute(const obs_cox_data *d, const obs_cox_options *o,
                                     const obs_cox_model *m, obs_cox_resid_type type,
                                     obs_cox_residuals **out, obs_error *err)
{
    cox_work w;
    const size_t n = d->n, p = d->p;
    obs_cox_residuals *r = NULL;
    double *beta = NULL, *resid = NULL, *mart = NULL, *bvar = NULL;
    event_key *ev = NULL;
    obs_status rc;

    *out = NULL;
    memset(&w, 0, sizeof w);
    if (o->ties == OBS_COX_EXACT && type != OBS_COX_RESID_MARTINGALE && type != OBS_COX_RESID_DEVIANCE) {
        rc = obs_error_set(err, OBS_EUSAGE, "cox: %s residuals are not available with ties exact (as in R)",
                           type == OBS_COX_RESID_SCORE ? "score" : type == OBS_COX_RESID_DFBETA ? "dfbeta" :
                           type == OBS_COX_RESID_SCHOENFELD ? "schoenfeld" : "scaledsch");
        goto done;
    }
    rc = cox_work_init(&w, d, o->ties, err);
    if (rc) goto done;
    int need_p = (type != OBS_COX_RESID_MARTINGALE && type != OBS_COX_RESID_DEVIANCE);
    int schoen = (type == OBS_COX_RESID_SCHOENFELD || type == OBS_COX_RESID_SCALEDSCH);
    beta = calloc(p + 1, sizeof *beta);
    resid = need_p ? malloc((n * p + 1) * sizeof *resid) : NULL;
    mart = need_p ? NULL : malloc(n * sizeof *mart);
    bvar = malloc((p + 1) * sizeof *bvar);
    r = calloc(1, sizeof *r);
    if (!beta || (need_p && !resid) || (!need_p && !mart) || !bvar || !r) {
        rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (residuals)");
        goto done;
    }
    for (size_t j = 0; j < p; j++) beta[j] = m->aliased[j] ? 0.0 : m->coef[j] / w.scale[j];
    rc = cox_score_residuals(&w, beta, schoen ? NULL : resid, mart, schoen ? resid : NULL, err);
    if (rc) goto done;

    r->type = type;
    r->ncol = need_p ? p : 1;
    if (schoen) {
        size_t ne = 0;
        ev = malloc((n + 1) * sizeof *ev);
        if (!ev) { rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory"); goto done; }
        for (size_t k = 0; k < n; k++)
            if (w.status[k] && !w.skip[k]) {
                ev[ne].s = d->strata ? d->strata[w.row[k]] : 0;
                ev[ne].t = w.stop[k];
                ev[ne].row = w.row[k];
                ev[ne].k = k;
                ne++;
            }
        qsort(ev, ne, sizeof *ev, cmp_event);
        r->nrow = ne;
    } else {
        r->nrow = n;
    }
    r->value = malloc((r->nrow * r->ncol + 1) * sizeof *r->value);
    r->row = malloc((r->nrow + 1) * sizeof *r->row);
    if (schoen) r->time = malloc((r->nrow + 1) * sizeof *r->time);
    if (!r->value || !r->row || (schoen && !r->time)) {
        rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (residuals)");
        goto done;
    }

    if (!need_p) {
        for (size_t k = 0; k < n; k++) {
            size_t i = w.row[k];
            double mi = mart[k], v = mi;
            if (type == OBS_COX_RESID_DEVIANCE) {
                double dl = (double)(w.status[k] && !w.skip[k]);
                double t = mi + (dl > 0 ? dl * log(dl - mi) : 0.0);
                v = (mi < 0 ? -1.0 : 1.0) * sqrt(-2.0 * t);
                if (mi == 0.0) v = 0.0;
            }
            r->value[i] = v;
            r->row[i] = i;
        }
    } else if (!schoen) {
        for (size_t k = 0; k < n; k++) {
            size_t i = w.row[k];
            double *dst = r->value + i * p;
            r->row[i] = i;
            for (size_t j = 0; j < p; j++) bvar[j] = resid[k * p + j] / w.scale[j];
            for (size_t j = 0; j < p; j++) {
                if (type == OBS_COX_RESID_SCORE) { dst[j] = m->aliased[j] ? 0.0 : bvar[j]; continue; }
                double s = 0.0;
                for (size_t q = 0; q < p; q++) s += bvar[q] * m->var[j * p + q];
                dst[j] = w.wt[k] * s;
            }
        }
    } else {
        double ndead = (double)m->nevent;
        for (size_t e = 0; e < r->nrow; e++) {
            size_t k = ev[e].k;
            double *dst = r->value + e * p;
            r->row[e] = ev[e].row;
            r->time[e] = ev[e].t;
            for (size_t j = 0; j < p; j++) bvar[j] = m->aliased[j] ? 0.0 : resid[k * p + j] / w.scale[j];
            for (size_t j = 0; j < p; j++) {
                if (type == OBS_COX_RESID_SCHOENFELD) { dst[j] = bvar[j]; continue; }
                double s = 0.0;
                for (size_t q = 0; q < p; q++) s += bvar[q] * m->var[j * p + q];
                dst[j] = ndead * s + (m->aliased[j] ? 0.0 : m->coef[j]);
            }
        }
    }
    *out = r;
    r = NULL;
done:
    cox_work_free(&w);
    free(beta); free(resid); free(mart); free(bvar); free(ev);
    obs_cox_residuals_free(&r);
    return rc;
}
