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
 * node[2i] is R's node i, node[2i+1] D's; point likewise.  When every case
 * weight is an integer and they sum to less than 2^31 (always, without
 * weights), the trees hold int32 counts (in, ip) instead of doubles (dn,
 * dp): every sum is then an exact integer either way, so the results are
 * the same bits, and the trees take half the memory (fewer cache misses). */
typedef struct {
    double *dn, *dp;
    int32_t *in, *ip;
    size_t m;
} fenwick;

/* The int32 trees are blocked: ip holds the count of every rank, and in
 * is a Fenwick tree over blocks of FW_BLOCK ranks (block k = ranks
 * [k FW_BLOCK, (k+1) FW_BLOCK), at tree index k + 1).  A prefix sum is the
 * tree's sum of the full blocks below plus a short scan inside the block:
 * a few cache lines instead of one miss per tree level (at 10^7 ranks the
 * plain tree is far larger than the caches).  Integer sums are exact, so
 * the blocking changes no result. */
#define FW_BLOCK 16

static inline __attribute__((always_inline)) void fw_add(fenwick *f, size_t r, int tree, double v)
{
    if (f->in) {
        const int32_t iv = (int32_t)v;
        const size_t nb = f->m / FW_BLOCK + 1;
        f->ip[2 * r + tree] += iv;
        for (size_t i = r / FW_BLOCK + 1; i <= nb; i += i & (~i + 1)) f->in[2 * i + tree] += iv;
        return;
    }
    f->dp[2 * r + tree] += v;
    for (size_t i = r; i <= f->m; i += i & (~i + 1)) f->dn[2 * i + tree] += v;
}
static inline __attribute__((always_inline)) double fw_prefix(const fenwick *f, size_t r, int tree)   /* sum of ranks 1..r */
{
    if (f->in) {
        int32_t s = 0;
        for (size_t i = r / FW_BLOCK; i > 0; i -= i & (~i + 1)) s += f->in[2 * i + tree];
        for (size_t x = r / FW_BLOCK * FW_BLOCK; x <= r; x++) s += f->ip[2 * x + tree];
        return (double)s;
    }
    double s = 0.0;
    for (size_t i = r; i > 0; i -= i & (~i + 1)) s += f->dn[2 * i + tree];
    return s;
}
static inline double fw_point(const fenwick *f, size_t r, int tree)
{
    return f->in ? (double)f->ip[2 * r + tree] : f->dp[2 * r + tree];
}

/* less / equal / greater than rank r, given the running total */
static inline __attribute__((always_inline)) void fw_query(const fenwick *f, double total, size_t r, int tree, double out[3])
{
    double below = fw_prefix(f, r - 1, tree), at = fw_point(f, r, tree);
    out[0] = below;
    out[1] = at;
    out[2] = total - below - at;
}

#define TREE_R 0
#define TREE_D 1

/* Contract: w ready (sorted order); lp_sorted (n) the linear predictor in
 * sorted order.  Fills m->concordance, m->concordance_se, m->conc_counts,
 * m->has_concordance.  cluster: codes >= 0 by original row, or NULL.
 * scratch: nscratch doubles of dead caller memory; when it holds at least
 * COX_CONC_SCRATCH(n) doubles nothing of O(n) is allocated (memory the
 * process has already touched: no new pages), otherwise one block is.
 * Layout (doubles): rank n | then, during the sort, key n, ord n and the
 * sort's buffers 2n + 2; after it node 2(n+2), point 2(n+2), infl 3n+1,
 * snap 3n+1 over the same space. */
obs_status cox_concordance(const cox_work *w, const double *lp_sorted,
                           const int *cluster, double *scratch, size_t nscratch,
                           obs_cox_model *m, obs_error *err)
{
    const size_t n = w->n;
    double *own = NULL, *base = scratch;
    if (!scratch || nscratch < COX_CONC_SCRATCH(n)) {
        base = own = malloc(COX_CONC_SCRATCH(n) * sizeof *own);
        if (!own) return obs_error_set(err, OBS_ENOMEM, "cox: out of memory (concordance)");
    }
    size_t *rank = (size_t *)base;
    uint64_t *key = (uint64_t *)(base + n);
    size_t *ord = (size_t *)(base + 2 * n);
    uint64_t *kbuf = (uint64_t *)(base + 3 * n);
    size_t *ibuf = (size_t *)(base + 4 * n + 1);
    double *node = base + n, *point = node + 2 * (n + 2);
    double *infl = point + 2 * (n + 2);   /* conc, disc, tie per row */
    fenwick fw = {node, point, NULL, NULL, 0};
    double *snap = infl + 3 * n + 1;
    obs_status rc = OBS_OK;
    double count[5] = {0, 0, 0, 0, 0};
    size_t mr = 0;

    for (size_t k = 0; k < n; k++) { key[k] = cox_double_key(lp_sorted[k]); ord[k] = k; }
    if (cox_radix_sort_buf(key, ord, n, kbuf, ibuf)) {
        rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (concordance)");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        if (k == 0 || lp_sorted[ord[k]] != lp_sorted[ord[k - 1]]) mr++;
        rank[ord[k]] = mr;
    }
    /* key, ord and the sort buffers are dead: the trees take their place */
    memset(node, 0, (COX_CONC_SCRATCH(n) - n) * sizeof *node);
    fw.m = mr;
    {
        int integral = 1;
        double sumw = 0.0;
        for (size_t k = 0; k < n && integral; k++) {
            integral = (w->wt[k] >= 0 && w->wt[k] == floor(w->wt[k]));
            sumw += w->wt[k];
        }
        if (integral && sumw < 2147483647.0) {
            fw.in = (int32_t *)node;
            fw.ip = fw.in + 2 * (n + 2);
            fw.dn = fw.dp = NULL;
        }
    }

    for (size_t s = 0; s < w->nstrata; s++) {
        const size_t b = w->sbeg[s], e = w->sbeg[s + 1];
        double rtot = 0.0, dtot = 0.0, q[3];
        size_t ri = b;
        /* exit of row k: partner sums = D-tree now minus at entry */
#define EXIT_ROW(k) do { \
            fw_query(&fw, dtot, rank[k], TREE_D, q); \
            infl[3 * (k)] += q[2] - snap[3 * (k) + 2]; \
            infl[3 * (k) + 1] += q[0] - snap[3 * (k)]; \
            infl[3 * (k) + 2] += q[1] - snap[3 * (k) + 1]; \
            fw_add(&fw, rank[k], TREE_R, -w->wt[k]); rtot -= w->wt[k]; \
        } while (0)
#define ENTER_ROW(k) do { \
            fw_query(&fw, dtot, rank[k], TREE_D, q); \
            snap[3 * (k)] = q[0]; snap[3 * (k) + 1] = q[1]; snap[3 * (k) + 2] = q[2]; \
            fw_add(&fw, rank[k], TREE_R, w->wt[k]); rtot += w->wt[k]; \
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
                    fw_query(&fw, rtot, rank[qq], TREE_R, q);
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
                    fw_add(&fw, rank[qq], TREE_D, w->wt[qq]);
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
            for (size_t r = 1; r <= mr; r++) {     /* D weight of ranks < r */
                if (fw.in) fw.in[2 * r] = (int32_t)run; else node[2 * r] = run;
                run += fw_point(&fw, r, TREE_D);
            }
            for (size_t k = b; k < e; k++) {
                size_t r = rank[k];
                double below = fw.in ? (double)fw.in[2 * r] : node[2 * r];
                double at = fw_point(&fw, r, TREE_D);
                infl[3 * k] += (dtot - below - at) - snap[3 * k + 2];
                infl[3 * k + 1] += below - snap[3 * k];
                infl[3 * k + 2] += at - snap[3 * k + 1];
            }
            rtot = 0.0;
            if (fw.in) {
                memset(fw.in, 0, 2 * (mr + 1) * sizeof *fw.in);
                memset(fw.ip, 0, 2 * (mr + 1) * sizeof *fw.ip);
            } else {
                memset(node, 0, 2 * (mr + 1) * sizeof *node);
                memset(point, 0, 2 * (mr + 1) * sizeof *point);
            }
            continue;
        } else {
            for (size_t k = b; k < e; k++) EXIT_ROW(k);
        }
        for (size_t k = b; k < e; k++)
            if (w->status[k]) fw_add(&fw, rank[k], TREE_D, -w->wt[k]);
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
    free(own);
    return rc;
}
