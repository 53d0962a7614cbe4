/*
 * cox_concordance.c — Harrell's C of the linear predictor and its
 * infinitesimal-jackknife standard error, as coxph's fit$concordance
 * (survival::concordancefit with timewt "n", reverse = TRUE).
 *
 * A pair (i, j) in the same stratum is comparable when i has an event at t
 * and j is at risk at t without an event at t (a censoring at t counts as
 * at risk).  With pair weight w_i w_j it is concordant when lp_i > lp_j
 * (the earlier failure has the higher risk), discordant when lp_i < lp_j,
 * tied in x when equal.  Pairs of events at the same time are tied in y
 * and not counted.  C = (concordant + tied/2) / (concordant + discordant +
 * tied).  Somers' d = (C_n - D_n) / N; its influence for row i (Therneau's
 * IJ variance, survival vignette "concordance", sec. 5) is
 *
 *   dfbeta_i = w_i [ (I_i,conc - I_i,disc) / N - d / N (I_i,conc + I_i,disc + I_i,tie) ]
 *
 * where I_i,. sums the partner weights of the pairs row i is in; var(C) =
 * sum dfbeta_i^2 / 4, or with clusters sum over clusters of the squared
 * cluster totals of dfbeta (concordancefit's cluster argument).
 *
 * Algorithm, O(n log n): rows by stop time descending within stratum
 * (counting process: removed once an event time <= their start is
 * reached); a Fenwick tree over the ranks of lp holds the weights of the
 * rows at risk (queried at each event: the event's own pairs), a second
 * one the weights of the events seen so far; a row's partner sums are the
 * difference of the second tree's queries at the row's exit and entry.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cox_internal.h"


/* Two Fenwick trees over ranks 1..m — R (weights of the rows at risk) and
 * D (weights of the events seen) — interleaved so that a rank's nodes of
 * both trees share a cache line, plus the per-rank point values.
 * node[2i] is R's node i, node[2i+1] D's; point likewise. */
static void fw_add(double *node, double *point, size_t m, size_t r, int tree, double v)
{
    point[2 * r + tree] += v;
    for (size_t i = r; i <= m; i += i & (~i + 1)) node[2 * i + tree] += v;
}
static double fw_prefix(const double *node, size_t r, int tree)   /* sum of ranks 1..r */
{
    double s = 0.0;
    for (size_t i = r; i > 0; i -= i & (~i + 1)) s += node[2 * i + tree];
    return s;
}

/* less / equal / greater than rank r, given the running total */
static void fw_query(const double *node, const double *point, double total, size_t r, int tree,
                     double out[3])
{
    double below = fw_prefix(node, r - 1, tree);
    out[0] = below;
    out[1] = point[2 * r + tree];
    out[2] = total - below - point[2 * r + tree];
}

#define TREE_R 0
#define TREE_D 1

/* Contract: w ready (sorted order); lp_sorted (n) the linear predictor in
 * sorted order.  Fills m->concordance, m->concordance_se, m->conc_counts,
 * m->has_concordance.  cluster: codes >= 0 by original row, or NULL.
 * Allocates O(n) scratch. */
obs_status cox_concordance(const cox_work *w, const double *lp_sorted,
                           const int *cluster, obs_cox_model *m, obs_error *err)
{
    const size_t n = w->n;
    uint64_t *key = malloc(n * sizeof *key);
    size_t *ord = malloc(n * sizeof *ord);
    size_t *rank = malloc(n * sizeof *rank);
    double *node = calloc(2 * (n + 2), sizeof *node), *point = calloc(2 * (n + 2), sizeof *point);
    double *infl = calloc(3 * n + 1, sizeof *infl);   /* conc, disc, tie per row */
    double *snap = calloc(3 * n + 1, sizeof *snap);
    obs_status rc = OBS_OK;
    double count[5] = {0, 0, 0, 0, 0};
    size_t mr = 0;

    if (!key || !ord || !rank || !node || !point || !infl || !snap) {
        rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (concordance)");
        goto done;
    }
    for (size_t k = 0; k < n; k++) { key[k] = cox_double_key(lp_sorted[k]); ord[k] = k; }
    if (cox_radix_sort(key, ord, n)) {
        rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (concordance)");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        if (k == 0 || lp_sorted[ord[k]] != lp_sorted[ord[k - 1]]) mr++;
        rank[ord[k]] = mr;
    }

    for (size_t s = 0; s < w->nstrata; s++) {
        const size_t b = w->sbeg[s], e = w->sbeg[s + 1];
        double rtot = 0.0, dtot = 0.0, q[3];
        size_t ri = b;
        /* exit of row k: partner sums = D-tree now minus at entry */
#define EXIT_ROW(k) do { \
            fw_query(node, point, dtot, rank[k], TREE_D, q); \
            infl[3 * (k)] += q[2] - snap[3 * (k) + 2]; \
            infl[3 * (k) + 1] += q[0] - snap[3 * (k)]; \
            infl[3 * (k) + 2] += q[1] - snap[3 * (k) + 1]; \
            fw_add(node, point, mr, rank[k], TREE_R, -w->wt[k]); rtot -= w->wt[k]; \
        } while (0)
#define ENTER_ROW(k) do { \
            fw_query(node, point, dtot, rank[k], TREE_D, q); \
            snap[3 * (k)] = q[0]; snap[3 * (k) + 1] = q[1]; snap[3 * (k) + 2] = q[2]; \
            fw_add(node, point, mr, rank[k], TREE_R, w->wt[k]); rtot += w->wt[k]; \
        } while (0)

        for (size_t k = b; k < e;) {
            const double t = w->stop[k];
            size_t k2 = k;
            int anydeath = 0;
            while (k2 < e && w->stop[k2] == t) { anydeath |= w->status[k2]; k2++; }
            if (w->counting && anydeath) {
                for (; ri < e; ri++) {
                    size_t qq = w->by_start[ri];
                    if (w->start[qq] < t) break;
                    EXIT_ROW(qq);
                }
            }
            for (size_t qq = k; qq < k2; qq++)
                if (!w->status[qq]) ENTER_ROW(qq);
            if (anydeath) {
                double dw = 0.0;
                for (size_t qq = k; qq < k2; qq++) {
                    if (!w->status[qq]) continue;
                    fw_query(node, point, rtot, rank[qq], TREE_R, q);
                    infl[3 * qq] += q[0];
                    infl[3 * qq + 1] += q[2];
                    infl[3 * qq + 2] += q[1];
                    count[0] += w->wt[qq] * q[0];
                    count[1] += w->wt[qq] * q[2];
                    count[2] += w->wt[qq] * q[1];
                    dw += w->wt[qq];
                }
                /* tied.y: pairs of events at t (weights), for the record */
                for (size_t qq = k; qq < k2; qq++)
                    if (w->status[qq]) count[3] += w->wt[qq] * (dw - w->wt[qq]) / 2.0;
                for (size_t qq = k; qq < k2; qq++) {
                    if (!w->status[qq]) continue;
                    fw_add(node, point, mr, rank[qq], TREE_D, w->wt[qq]);
                    dtot += w->wt[qq];
                }
                for (size_t qq = k; qq < k2; qq++)
                    if (w->status[qq]) ENTER_ROW(qq);
            }
            k = k2;
        }
        /* stratum end: every row still at risk exits; clear the trees */
        if (w->counting) {
            for (; ri < e; ri++) EXIT_ROW(w->by_start[ri]);
        } else if (8 * (e - b) >= mr) {
            /* right-censored data, a large stratum: the D tree no longer
             * changes, so its prefix sums by rank are one running sum
             * (into the R tree's slots, no longer needed); then clear */
            double run = 0.0;
            for (size_t r = 1; r <= mr; r++) {
                node[2 * r] = run;                 /* D weight of ranks < r */
                run += point[2 * r + 1];
            }
            for (size_t k = b; k < e; k++) {
                size_t r = rank[k];
                double below = node[2 * r], at = point[2 * r + 1];
                infl[3 * k] += (dtot - below - at) - snap[3 * k + 2];
                infl[3 * k + 1] += below - snap[3 * k];
                infl[3 * k + 2] += at - snap[3 * k + 1];
            }
            rtot = 0.0;
            memset(node, 0, 2 * (mr + 1) * sizeof *node);
            memset(point, 0, 2 * (mr + 1) * sizeof *point);
            continue;
        } else {
            for (size_t k = b; k < e; k++) EXIT_ROW(k);
        }
        for (size_t k = b; k < e; k++)
            if (w->status[k]) fw_add(node, point, mr, rank[k], TREE_D, -w->wt[k]);
#undef EXIT_ROW
#undef ENTER_ROW
    }

    {
        double npair = count[0] + count[1] + count[2];
        m->conc_counts[0] = count[0]; m->conc_counts[1] = count[1];
        m->conc_counts[2] = count[2]; m->conc_counts[3] = count[3];
        m->conc_counts[4] = 0.0;
        if (npair > 0) {
            double somer = (count[0] - count[1]) / npair, var = 0.0;
            /* dfbeta into snap (no longer needed), summed by cluster */
            size_t ncl = n;
            if (cluster) {
                ncl = 0;
                for (size_t i = 0; i < n; i++)
                    if ((size_t)cluster[i] + 1 > ncl) ncl = (size_t)cluster[i] + 1;
            }
            memset(snap, 0, ncl * sizeof *snap);
            for (size_t k = 0; k < n; k++) {
                const double *I = infl + 3 * k;
                double dfb = w->wt[k] * ((I[0] - I[1]) / npair - somer / npair * (I[0] + I[1] + I[2]));
                snap[cluster ? (size_t)cluster[w->row[k]] : k] += dfb;
            }
            for (size_t c = 0; c < ncl; c++) var += snap[c] * snap[c];
            m->concordance = (somer + 1.0) / 2.0;
            m->concordance_se = sqrt(var / 4.0);
        } else {
            m->concordance = m->concordance_se = NAN;
        }
        m->has_concordance = 1;
    }
done:
    free(key); free(ord); free(rank); free(node); free(point);
    free(infl); free(snap);
    return rc;
}
