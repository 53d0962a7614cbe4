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
#include "obsurv/parallel.h"
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

/* The state of one sweep over the rows in time order: the two trees, the
 * running totals of the R (at risk) and D (events seen) weights, the pair
 * counts (concordant, discordant, tied in x, tied in y) and the per-row
 * partner sums (infl) with their entry snapshots (snap). */
typedef struct {
    const cox_work *w;
    const size_t *rank;
    fenwick fw;
    double rtot, dtot;
    double count[4];
    double *infl, *snap;
} conc_sweep;

/* Ask for the point entries a query and an update at row k's rank will
 * touch (the scan from the block start to the rank), a few rows ahead of
 * their use: the ranks come in random order, so these are cache misses
 * that would otherwise stall the sweep.  Only a hint: no result depends on it. */
#define CONC_AHEAD 12
static inline __attribute__((always_inline)) void prefetch_row(const conc_sweep *c, size_t k, size_t e)
{
    if (k >= e) return;
    const size_t r = c->rank[k];
    if (c->fw.in) {
        __builtin_prefetch(&c->fw.ip[2 * (r / FW_BLOCK * FW_BLOCK)], 1);
        __builtin_prefetch(&c->fw.ip[2 * r + 1], 1);
    } else {
        __builtin_prefetch(&c->fw.dp[2 * r], 1);
        __builtin_prefetch(&c->fw.dn[2 * r], 1);
    }
}

/* exit of row k: its partner sums are the D tree now minus at its entry */
static inline __attribute__((always_inline)) void exit_row(conc_sweep *c, size_t k)
{
    double q[3];
    fw_query(&c->fw, c->dtot, c->rank[k], TREE_D, q);
    c->infl[3 * k] += q[2] - c->snap[3 * k + 2];
    c->infl[3 * k + 1] += q[0] - c->snap[3 * k];
    c->infl[3 * k + 2] += q[1] - c->snap[3 * k + 1];
    fw_add(&c->fw, c->rank[k], TREE_R, -c->w->wt[k]);
    c->rtot -= c->w->wt[k];
}

static inline __attribute__((always_inline)) void enter_row(conc_sweep *c, size_t k)
{
    double q[3];
    fw_query(&c->fw, c->dtot, c->rank[k], TREE_D, q);
    c->snap[3 * k] = q[0]; c->snap[3 * k + 1] = q[1]; c->snap[3 * k + 2] = q[2];
    fw_add(&c->fw, c->rank[k], TREE_R, c->w->wt[k]);
    c->rtot += c->w->wt[k];
}

/* The time groups of sorted rows [k, e) (times descending): censored rows
 * enter, each event counts its pairs with the rows at risk, then the
 * events enter the D tree and the risk set.  Counting process: rows whose
 * start is at or after an event time exit first (*ri walks by_start). */
static void sweep_times(conc_sweep *c, size_t k, size_t e, size_t *ri)
{
    const cox_work *w = c->w;
    double q[3];
    while (k < e) {
        const double t = w->stop[k];
        int anydeath;
        const size_t k2 = cox_tied_end(w, k, e, &anydeath);
        if (w->counting && anydeath) {
            for (; *ri < e; (*ri)++) {
                size_t qq = w->by_start[*ri];
                if (w->start[qq] < t) break;
                exit_row(c, qq);
            }
        }
        for (size_t qq = k; qq < k2; qq++) {
            prefetch_row(c, qq + CONC_AHEAD, e);
            if (!w->status[qq]) enter_row(c, qq);
        }
        if (anydeath) {
            double dw = 0.0;
            for (size_t qq = k; qq < k2; qq++) {
                if (!w->status[qq]) continue;
                prefetch_row(c, qq + CONC_AHEAD, k2);
                fw_query(&c->fw, c->rtot, c->rank[qq], TREE_R, q);
                c->infl[3 * qq] += q[0];
                c->infl[3 * qq + 1] += q[2];
                c->infl[3 * qq + 2] += q[1];
                c->count[0] += w->wt[qq] * q[0];
                c->count[1] += w->wt[qq] * q[2];
                c->count[2] += w->wt[qq] * q[1];
                dw += w->wt[qq];
            }
            /* tied.y: pairs of events at t (weights), for the record */
            for (size_t qq = k; qq < k2; qq++)
                if (w->status[qq]) c->count[3] += w->wt[qq] * (dw - w->wt[qq]) / 2.0;
            for (size_t qq = k; qq < k2; qq++) {
                if (!w->status[qq]) continue;
                fw_add(&c->fw, c->rank[qq], TREE_D, w->wt[qq]);
                c->dtot += w->wt[qq];
            }
            for (size_t qq = k; qq < k2; qq++)
                if (w->status[qq]) enter_row(c, qq);
        }
        k = k2;
    }
}

/* The exits of rows [lo, hi) of a right-censored stratum at its end: the
 * D tree is final, its per-rank sums below / at rank r are in node slots
 * 2r, 2r + 1 (int32 or double as the tree). */
typedef struct {
    const fenwick *f;
    const size_t *rank;
    double *infl;
    const double *snap;
    double dtot;
    size_t lo, hi;
} conc_exit;

static void exit_all_run(void *arg)
{
    const conc_exit *x = arg;
    const fenwick *f = x->f;
    for (size_t k = x->lo; k < x->hi; k++) {
        if (k + CONC_AHEAD < x->hi) {
            const size_t ra = x->rank[k + CONC_AHEAD];
            __builtin_prefetch(f->in ? (const void *)&f->in[2 * ra] : (const void *)&f->dn[2 * ra]);
        }
        const size_t r = x->rank[k];
        const double below = f->in ? (double)f->in[2 * r] : f->dn[2 * r];
        const double at = f->in ? (double)f->in[2 * r + 1] : f->dn[2 * r + 1];
        double *I = x->infl + 3 * k;
        const double *S = x->snap + 3 * k;
        I[0] += (x->dtot - below - at) - S[2];
        I[1] += below - S[0];
        I[2] += at - S[1];
    }
}

/* Row k's influence on Somers' d (the header's dfbeta_i) from its partner
 * sums infl[3k..3k+2] (concordant, discordant, tied). */
static inline double conc_dfbeta(const cox_work *w, const double *infl, size_t k, double npair,
                                 double somer)
{
    const double *I = infl + 3 * k;
    return w->wt[k] * ((I[0] - I[1]) / npair - somer / npair * (I[0] + I[1] + I[2]));
}

/* Strata of at least this many rows are swept in two halves at once. */
#define CONC_SPLIT_MIN 65536

typedef struct {
    conc_sweep *c;
    size_t b, h, e;
    int second;
} conc_half;

static void second_half_trees(conc_half *a);

/* One half: the first sweeps [b, h) from empty trees, as in turn; the
 * second starts from the trees the first leaves (second_half_trees) and
 * sweeps [h, e). */
static void half_run(void *arg)
{
    conc_half *a = arg;
    size_t ri = a->second ? a->h : a->b;
    if (a->second) second_half_trees(a);
    sweep_times(a->c, a->second ? a->h : a->b, a->second ? a->e : a->h, &ri);
}

/* Right-censored rows never exit before the stratum ends, so after the
 * first half every row of [b, h) is at risk (R tree) and every event of
 * [b, h) seen (D tree): the second half's trees are built from those point
 * weights in O(ranks) (a Fenwick node is the sum of the points of its
 * range: each node adds itself into its parent once). */
static void second_half_trees(conc_half *a)
{
    conc_sweep *c = a->c;
    const cox_work *w = c->w;
    fenwick *f = &c->fw;
    const size_t m = f->m;
    for (size_t k = a->b; k < a->h; k++) {
        const size_t r = c->rank[k];
        const double wk = w->wt[k];
        if (f->in) {
            f->ip[2 * r + TREE_R] += (int32_t)wk;
            if (w->status[k]) f->ip[2 * r + TREE_D] += (int32_t)wk;
        } else {
            f->dp[2 * r + TREE_R] += wk;
            if (w->status[k]) f->dp[2 * r + TREE_D] += wk;
        }
        c->rtot += wk;
        if (w->status[k]) c->dtot += wk;
    }
    if (f->in) {              /* blocked tree: block k is node k + 1 */
        const size_t nb = m / FW_BLOCK + 1;
        for (size_t r = 0; r <= m; r++)
            for (int t = 0; t < 2; t++) f->in[2 * (r / FW_BLOCK + 1) + t] += f->ip[2 * r + t];
        for (size_t i = 1; i <= nb; i++) {
            const size_t up = i + (i & (~i + 1));
            if (up <= nb)
                for (int t = 0; t < 2; t++) f->in[2 * up + t] += f->in[2 * i + t];
        }
    } else {
        for (size_t i = 1; i <= m; i++)
            for (int t = 0; t < 2; t++) f->dn[2 * i + t] += f->dp[2 * i + t];
        for (size_t i = 1; i <= m; i++) {
            const size_t up = i + (i & (~i + 1));
            if (up <= m)
                for (int t = 0; t < 2; t++) f->dn[2 * up + t] += f->dn[2 * i + t];
        }
    }
}

/* Sweep the right-censored stratum [b, e) as two halves of its time order,
 * cut at a time-group boundary near the middle, on two threads when there
 * are two (the same halves and sums on one thread: the same results).  The
 * second half has trees of its own: int32 trees (2 (n + 2) doubles of
 * room) go into the point array the first half's int32 trees leave unused
 * (they live in the node array); double trees (4 (n + 2)) into the scratch
 * past the concordance's layout when it is large enough, otherwise
 * allocated into *own (the caller frees it).  On return c holds the second
 * half's trees and totals (the state after the whole stratum) and the pair
 * counts of both halves (first, then second); 0 when the stratum has no
 * boundary to cut at (nothing done), or 1 with OBS_ENOMEM in *rc. */
static int split_halves(conc_sweep *c, size_t b, size_t e, size_t n, double *base,
                        size_t nscratch, double *point, double **own, obs_status *rc)
{
    const cox_work *w = c->w;
    size_t h = b + (e - b) / 2;
    while (h < e && w->stop[h] == w->stop[h - 1]) h++;
    if (h >= e) return 0;
    const size_t need = (c->fw.in ? 2 : 4) * (n + 2);
    double *tree;
    if (c->fw.in) tree = point;
    else if (nscratch >= COX_CONC_SCRATCH(n) + need) tree = base + COX_CONC_SCRATCH(n);
    else if (!(tree = *own = malloc(need * sizeof *tree))) { *rc = OBS_ENOMEM; return 1; }
    memset(tree, 0, need * sizeof *tree);
    conc_sweep c2 = *c;
    if (c->fw.in) {
        c2.fw.in = (int32_t *)tree;
        c2.fw.ip = c2.fw.in + 2 * (n + 2);
    } else {
        c2.fw.dn = tree;
        c2.fw.dp = tree + 2 * (n + 2);
    }
    conc_half h1 = {c, b, h, e, 0}, h2 = {&c2, b, h, e, 1};
    void *args[2] = {&h1, &h2};
    obs_parallel_run(half_run, args, 2, obs_parallel_threads());
    for (int t = 0; t < 4; t++) c->count[t] += c2.count[t];
    c->fw = c2.fw;
    c->rtot = c2.rtot;
    c->dtot = c2.dtot;
    return 1;
}

/* Contract: w ready (sorted order); lp_sorted (n) the linear predictor in
 * sorted order.  Fills m->concordance, m->concordance_se, m->conc_counts,
 * m->has_concordance.  cluster: codes >= 0 by original row, or NULL.
 * scratch: nscratch doubles of dead caller memory; when it holds at least
 * COX_CONC_SCRATCH(n) doubles nothing of O(n) is allocated (memory the
 * process has already touched: no new pages), otherwise one block is.
 * Layout (doubles): rank n | then, during the sort, the sorted values n,
 * ord n and obs_value_sort's scratch (within 2n + 2); after it node
 * 2(n+2), point 2(n+2), infl 3n+1, snap 3n+1 over the same space. */
obs_status cox_concordance(const cox_work *w, const double *lp_sorted,
                           const int *cluster, double *scratch, size_t nscratch,
                           obs_cox_model *m, obs_error *err)
{
    const size_t n = w->n;
    double *own = NULL, *base = scratch, *tree_own = NULL;
    if (!scratch || nscratch < COX_CONC_SCRATCH(n)) {
        base = own = malloc(COX_CONC_SCRATCH(n) * sizeof *own);
        if (!own) return obs_error_set(err, OBS_ENOMEM, "cox: out of memory (concordance)");
    }
    size_t *rank = (size_t *)base;
    double *sv = base + n;                    /* lp in value order */
    size_t *ord = (size_t *)(base + 2 * n);
    uint32_t *sort_scratch = (uint32_t *)(base + 3 * n);
    double *node = base + n, *point = node + 2 * (n + 2);
    double *infl = point + 2 * (n + 2);   /* conc, disc, tie per row */
    fenwick fw = {node, point, NULL, NULL, 0};
    double *snap = infl + 3 * n + 1;
    obs_status rc = OBS_OK;
    double count[5] = {0, 0, 0, 0, 0};
    size_t mr = 0;

    /* the ranks: lp in value order (obs_value_sort; the sorted values go
     * where the keys would, its scratch into the sort buffers); equal
     * values, -0 and +0 included, share a rank (so do NaNs) */
    if (obs_value_sort(lp_sorted, n, sv, ord, NULL, NULL, sort_scratch)) {
        rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (concordance)");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        if (k == 0 || !obs_same_value(sv[k], sv[k - 1])) mr++;
        rank[ord[k]] = mr;
    }
    /* sv, ord and the sort's scratch are dead: the trees take their place.
     * Zeroed: the trees (the int32 ones fit in node; the second half's
     * go into point and are zeroed there, see split_halves) and the
     * partner sums; snap is written at each row's entry before any read. */
    memset(node, 0, 2 * (n + 2) * sizeof *node);
    memset(infl, 0, (3 * n + 1) * sizeof *infl);
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
        } else {
            memset(point, 0, 2 * (n + 2) * sizeof *point);
        }
    }

    for (size_t s = 0; s < w->nstrata; s++) {
        const size_t b = w->sbeg[s], e = w->sbeg[s + 1];
        conc_sweep c = {w, rank, fw, 0.0, 0.0, {0, 0, 0, 0}, infl, snap};
        size_t ri = b;
        /* one large right-censored stratum: two halves of the time order at
         * once (see split_halves); else, or when it does not apply, in turn */
        if (!(w->nstrata == 1 && !w->counting && e - b >= CONC_SPLIT_MIN &&
              split_halves(&c, b, e, n, base, own ? COX_CONC_SCRATCH(n) : nscratch, point, &tree_own, &rc)))
            sweep_times(&c, b, e, &ri);
        if (rc) {
            rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (concordance)");
            goto done;
        }
        for (int t = 0; t < 4; t++) count[t] += c.count[t];
        /* stratum end: every row still at risk exits; clear the trees */
        if (w->counting) {
            for (; ri < e; ri++) exit_row(&c, w->by_start[ri]);
        } else if (8 * (e - b) >= mr) {
            /* right-censored data, a large stratum: the D tree no longer
             * changes, so its prefix sums by rank are one running sum
             * (into the R tree's slots, no longer needed); then clear */
            const fenwick *f = &c.fw;
            double run = 0.0;
            for (size_t r = 1; r <= mr; r++) {     /* D weight below r, at r */
                const double at = fw_point(f, r, TREE_D);
                if (f->in) { f->in[2 * r] = (int32_t)run; f->in[2 * r + 1] = (int32_t)at; }
                else { f->dn[2 * r] = run; f->dn[2 * r + 1] = at; }
                run += at;
            }
            /* each row's exit, rows split between two threads (one cache
             * line per row: below and at side by side) */
            conc_exit ex[2];
            size_t lo[3];
            void *args[2] = {&ex[0], &ex[1]};
            obs_parallel_split(e - b, 2, lo);
            for (int t = 0; t < 2; t++)
                ex[t] = (conc_exit){f, rank, infl, snap, c.dtot, b + lo[t], b + lo[t + 1]};
            obs_parallel_run(exit_all_run, args, 2, e - b >= 20000 ? obs_parallel_threads() : 1);
            if (s + 1 == w->nstrata) continue;   /* the last stratum: no tree is used again */
            /* the stratum's own trees are cleared (the split's second
             * half had its own, which is then the caller's fw no more) */
            fenwick *g = &fw;
            if (g->in) {
                memset(g->in, 0, 2 * (mr + 1) * sizeof *g->in);
                memset(g->ip, 0, 2 * (mr + 1) * sizeof *g->ip);
            } else {
                memset(g->dn, 0, 2 * (mr + 1) * sizeof *g->dn);
                memset(g->dp, 0, 2 * (mr + 1) * sizeof *g->dp);
            }
            continue;
        } else {
            for (size_t k = b; k < e; k++) exit_row(&c, k);
        }
        for (size_t k = b; k < e; k++)
            if (w->status[k]) fw_add(&c.fw, rank[k], TREE_D, -w->wt[k]);
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
            if (cluster) {
                memset(snap, 0, ncl * sizeof *snap);
                for (size_t k = 0; k < n; k++)
                    snap[(size_t)cluster[w->row[k]]] += conc_dfbeta(w, infl, k, npair, somer);
                for (size_t c = 0; c < ncl; c++) var += snap[c] * snap[c];
            } else {   /* each row its own cluster: the squares summed as they come */
                for (size_t k = 0; k < n; k++) {
                    /* as 0 + dfb in the cluster sums: -0 becomes +0 */
                    const double dfb = conc_dfbeta(w, infl, k, npair, somer) + 0.0;
                    var += dfb * dfb;
                }
            }
            m->concordance = (somer + 1.0) / 2.0;
            m->concordance_se = sqrt(var / 4.0);
        } else {
            m->concordance = m->concordance_se = NAN;
        }
        m->has_concordance = 1;
    }
done:
    free(own);
    free(tree_own);
    return rc;
}
