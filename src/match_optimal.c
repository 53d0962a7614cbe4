/*
 * match_optimal.c — optimal 1:K matching on a scalar distance by minimum-cost
 * flow (Rosenbaum, "Optimal matching for observational studies", JASA 1989,
 * 84:1024; the problem optmatch solves for MatchIt's method = "optimal").
 *
 * Network, per exact stratum:  source -> treated t (capacity K, cost 0),
 * t -> control c (capacity 1, cost |d_t - d_c|), c -> sink (capacity 1,
 * cost 0); flow F = min(K n_t, n_c).  An integral min-cost flow is a set of
 * matches minimising the total absolute distance (the constraint matrix is
 * totally unimodular).  Solver: GLPK's out-of-kilter algorithm
 * (glp_mincost_okalg), which needs integer costs: costs are |d_t - d_c|
 * scaled by S = C / max|d_t - d_c| and rounded, with C chosen so that no
 * sum of F costs can overflow an int (C <= INT_MAX / (4 (F + 1)), and at most
 * 1e8).  The matches are therefore optimal for the rounded costs; their true
 * total differs from the optimum by at most F max|d| / S (reported in the
 * file's tests against an exact LP solved in R with lpSolve).
 *
 * Built only with GLPK (OBSURV_HAVE_GLPK); otherwise obs_match_optimal
 * returns OBS_EUSAGE saying so.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/match.h"

#ifdef OBSURV_HAVE_GLPK
#include <glpk.h>

typedef struct { double rhs; } node_data;
typedef struct { double low, cap, cost, x; } arc_data;

/* Solve one stratum: treated units tu[0..nt-1], controls cu[0..nc-1]
 * (unit indices); fill rows of m->mm for those treated. */
static obs_status solve_stratum(const double *d, const size_t *tu, size_t nt,
                                const size_t *cu, size_t nc, const size_t *tindex,
                                obs_match_result *m, obs_error *err)
{
    size_t K = (size_t)m->ratio;
    size_t F = K * nt < nc ? K * nt : nc;
    if (F == 0 || nt == 0) return OBS_OK;
    double maxd = 0;
    for (size_t a = 0; a < nt; a++)
        for (size_t b = 0; b < nc; b++) {
            double c = fabs(d[tu[a]] - d[cu[b]]);
            if (c > maxd) maxd = c;
        }
    double C = (double)INT_MAX / (4.0 * ((double)F + 1.0));
    if (C > 1e8) C = 1e8;
    double S = maxd > 0 ? C / maxd : 1.0;

    glp_graph *G = glp_create_graph(sizeof(node_data), sizeof(arc_data));
    int nv = (int)(nt + nc + 2), src = 1, snk = (int)(nt + nc + 2);
    glp_add_vertices(G, nv);
    for (int v = 1; v <= nv; v++) ((node_data *)G->v[v]->data)->rhs = 0;
    ((node_data *)G->v[src]->data)->rhs = (double)F;
    ((node_data *)G->v[snk]->data)->rhs = -(double)F;
    for (size_t a = 0; a < nt; a++) {
        glp_arc *e = glp_add_arc(G, src, (int)(2 + a));
        arc_data *ad = e->data;
        ad->low = 0; ad->cap = (double)K; ad->cost = 0;
        for (size_t b = 0; b < nc; b++) {
            e = glp_add_arc(G, (int)(2 + a), (int)(2 + nt + b));
            ad = e->data;
            ad->low = 0; ad->cap = 1; ad->cost = nearbyint(fabs(d[tu[a]] - d[cu[b]]) * S);
        }
    }
    for (size_t b = 0; b < nc; b++) {
        glp_arc *e = glp_add_arc(G, (int)(2 + nt + b), snk);
        arc_data *ad = e->data;
        ad->low = 0; ad->cap = 1; ad->cost = 0;
    }
    double sol;
    int ret = glp_mincost_okalg(G, offsetof(node_data, rhs), offsetof(arc_data, low),
                                offsetof(arc_data, cap), offsetof(arc_data, cost), &sol,
                                offsetof(arc_data, x), -1);
    obs_status rc = OBS_OK;
    if (ret != 0) {
        rc = obs_error_set(err, OBS_EFIT, "optimal matching: GLPK min-cost flow failed (code %d)", ret);
    } else {
        for (size_t a = 0; a < nt; a++) {
            long *row = m->mm + tindex[tu[a]] * K;
            size_t r = 0;
            for (glp_arc *e = G->v[2 + a]->out; e; e = e->t_next) {
                arc_data *ad = e->data;
                if (e->head->i == snk || ad->x < 0.5 || r >= K) continue;
                row[r++] = (long)cu[e->head->i - 2 - (int)nt];
            }
            /* controls of a treated unit in increasing distance, then index */
            for (size_t i = 1; i < r; i++)
                for (size_t j = i; j > 0; j--) {
                    double dj = fabs(d[tu[a]] - d[row[j]]), dk = fabs(d[tu[a]] - d[row[j - 1]]);
                    if (dj < dk || (dj == dk && row[j] < row[j - 1])) {
                        long tmp = row[j]; row[j] = row[j - 1]; row[j - 1] = tmp;
                    } else break;
                }
        }
    }
    glp_delete_graph(G);
    return rc;
}

typedef struct { int s; size_t i; } strat_key;

static int cmp_strat(const void *a, const void *b)
{
    const strat_key *x = a, *y = b;
    if (x->s != y->s) return x->s < y->s ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

obs_status obs_match_optimal(const double *distance, const int *treat,
                             const int *exact, size_t n,
                             const obs_match_options *opt,
                             obs_match_result **out, obs_error *err)
{
    *out = NULL;
    if (opt->ratio < 1) return obs_error_set(err, OBS_EUSAGE, "--ratio must be a whole number >= 1");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(distance[i]))
            return obs_error_set(err, OBS_EDATA, "distance of unit %zu is not finite", i + 1);
    obs_match_result *m = obs_match_result_alloc(treat, n, opt->ratio);
    if (!m) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    obs_status rc = OBS_OK;
    strat_key *keys = malloc((n ? n : 1) * sizeof *keys);
    size_t *tu = malloc((n ? n : 1) * sizeof *tu), *cu = malloc((n ? n : 1) * sizeof *cu);
    size_t *tindex = malloc((n ? n : 1) * sizeof *tindex);
    if (!keys || !tu || !cu || !tindex) { rc = obs_error_set(err, OBS_ENOMEM, "out of memory"); goto done; }
    if (m->n_treated == 0 || m->n_control == 0) {
        rc = obs_error_set(err, OBS_EDATA, "matching needs treated and control units (%zu treated, %zu control)",
                           m->n_treated, m->n_control);
        goto done;
    }
    glp_term_out(GLP_OFF);
    obs_match_discard_units(distance, treat, n, opt->discard, m->discarded);
    for (size_t t = 0; t < m->n_treated; t++) tindex[m->treated[t]] = t;
    for (size_t i = 0; i < n; i++) { keys[i].s = exact ? exact[i] : 0; keys[i].i = i; }
    qsort(keys, n, sizeof *keys, cmp_strat);
    for (size_t k = 0; k < n && rc == OBS_OK;) {
        size_t e = k, nt = 0, nc = 0;
        while (e < n && keys[e].s == keys[k].s) {
            size_t i = keys[e].i;
            if (!m->discarded[i]) { if (treat[i]) tu[nt++] = i; else cu[nc++] = i; }
            e++;
        }
        rc = solve_stratum(distance, tu, nt, cu, nc, tindex, m, err);
        k = e;
    }
    if (rc == OBS_OK) obs_match_result_finish(m, distance);
done:
    free(keys); free(tu); free(cu); free(tindex);
    if (rc != OBS_OK) obs_match_result_free(&m);
    *out = m;
    return rc;
}

#else /* !OBSURV_HAVE_GLPK */

obs_status obs_match_optimal(const double *distance, const int *treat,
                             const int *exact, size_t n,
                             const obs_match_options *opt,
                             obs_match_result **out, obs_error *err)
{
    (void)distance; (void)treat; (void)exact; (void)n; (void)opt;
    *out = NULL;
    return obs_error_set(err, OBS_EUSAGE,
                         "--method optimal needs GLPK, and this build of obsurv has none");
}

#endif
