/*
 * fisher.c — Fisher's exact test (two-sided) for r x c tables, as R's
 * fisher.test(x)$p.value.
 *
 * Under independence with both margins fixed a table t has probability
 *     P(t) = prod_i r_i! prod_j c_j! / (N! prod_ij t_ij!)
 * and the P value is the total probability of the tables "as or more
 * extreme" than the observed one, i.e. with P(t) <= P(obs) up to a relative
 * tolerance:
 *   - 2 x 2 (R's own hypergeometric branch): the hypergeometric density over
 *     the support of t_11, normalised after subtracting its maximum, summed
 *     where d <= d_obs * (1 + 1e-7);
 *   - r x c (R's FEXACT, Mehta & Patel 1983, 1986): tables with
 *     log P(t) <= log P(obs) + 3.45254e-7, FEXACT's tolerance.
 *
 * Method for r x c — a network algorithm in the spirit of Mehta & Patel
 * (1983, JASA 78:427): the table is built one column at a time; after k
 * columns a node is the multiset of remaining row totals (sorted, so that
 * rows with equal remainders share a node), and a path to it carries its
 * "past" S = sum of log t_ij! over the filled cells.  Paths with equal past
 * are merged (their multiplicities add).  For each node two bounds on the
 * future F = sum of log t_ij! over the cells still to fill are known:
 *   lower: water-filling — for each remaining column, the most even split of
 *          its total under the row caps (log x! is convex), summed over
 *          columns; likewise by rows; the larger of the two;
 *   upper: the most concentrated split of each column under the row caps
 *          (greedy, largest caps first: it majorises every feasible split,
 *          and a sum of convex functions is Schur-convex), summed over
 *          columns; likewise by rows; the smaller of the two;
 * A past whose every completion is as extreme (S + lower >= threshold)
 * contributes its whole future mass in closed form,
 *     sum over completions of prod 1/t_ij! = N'! / (prod r'_i! prod c'_j!),
 * a past none of whose completions can be (S + upper < threshold) is
 * dropped, and the rest move on to the next column.  The last column is
 * determined, so the bounds meet there and every path ends.
 *
 * Cost: the number of (node, past) pairs visited (about 1e8 a second), capped at
 * OBS_FISHER_MAX_NODES (the test then fails with OBS_EFIT rather than run
 * for hours).  Tables are transposed so that the shorter side indexes rows.
 * Verified against R 4.2.2 in tests/unit/test_htest.c (2 x 2, 2 x 3, 3 x 4,
 * 4 x 2 tables; 1e-10 relative).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/tests.h"

#define FEXACT_TOL 3.45254e-7   /* R's FEXACT: tolerance on log P */
#define REL_ERR_2X2 (1.0 + 1e-7) /* R's fisher.test, 2 x 2 branch */

/* ---------- 2 x 2 ---------- */

/* Two-sided P for a 2 x 2 table [a b; c d]: support of a given the margins
 * m = a + c (column 1), n = b + d (column 2), k = a + b (row 1). */
static double fisher_2x2(long a, long b, long c, long d, const double *lf)
{
    long m = a + c, n = b + d, k = a + b;
    long lo = k - n > 0 ? k - n : 0, hi = k < m ? k : m;
    /* log dhyper(s; m, n, k) up to the constant -log choose(m+n, k) */
    double dmax = -INFINITY;
    for (long s = lo; s <= hi; s++) {
        double ld = -lf[s] - lf[m - s] - lf[k - s] - lf[n - k + s];
        if (ld > dmax)
            dmax = ld;
    }
    double total = 0.0, dobs = exp(-lf[a] - lf[m - a] - lf[k - a] - lf[n - k + a] - dmax);
    for (long s = lo; s <= hi; s++)
        total += exp(-lf[s] - lf[m - s] - lf[k - s] - lf[n - k + s] - dmax);
    double p = 0.0;
    for (long s = lo; s <= hi; s++) {
        double d_s = exp(-lf[s] - lf[m - s] - lf[k - s] - lf[n - k + s] - dmax);
        if (d_s / total <= (dobs / total) * REL_ERR_2X2)
            p += d_s / total;
    }
    return p;
}

/* ---------- r x c network ---------- */

typedef struct {
    double lower, upper;  /* bounds on the future sum of log t! */
    double logmass;       /* log of sum over completions of prod 1/t! */
} fx_node;

typedef struct {
    size_t node;
    double past;   /* S: sum of log t! over filled cells */
    double mult;   /* number of merged paths */
} fx_entry;

typedef struct {
    size_t nr, nc;         /* rows (short side), columns */
    const long *col;       /* nc column totals, descending */
    const double *lf;      /* lf[v] = log v!, v = 0..N */
    double threshold;      /* a table counts when S(t) >= threshold */
    double logconst;       /* log(prod r! prod c! / N!) */
    /* current stage being built */
    long *keys;            /* nodes * nr remaining row totals (descending) */
    fx_node *nodes;
    size_t nnodes, capnodes;
    size_t *hash;          /* open addressing: node index + 1, 0 = empty */
    size_t hashsize;
    fx_entry *entries;
    size_t nentries, capentries;
    long *scratch;         /* nr longs */
    long *caps;            /* nr + nc longs: water-filling caps */
    double p;
    long visited;
} fx_state;

/* Most even split of `total` into cells capped by caps[0..m-1] (ascending):
 * the minimum of sum log x! (convexity makes the greedy level optimal). */
static double waterfill(long total, const long *caps_asc, size_t m, const double *lf)
{
    double s = 0.0;
    size_t left = m;
    for (size_t i = 0; i < m; i++, left--) {
        long q = total / (long)left;
        if (caps_asc[i] <= q) {
            s += lf[caps_asc[i]];
            total -= caps_asc[i];
        } else {
            long rem = total % (long)left;
            s += (double)rem * lf[q + 1] + (double)((long)left - rem) * lf[q];
            return s;
        }
    }
    return s;
}

/* Most concentrated split of `total` under caps[0..m-1] (descending): the
 * maximum of sum log x!, since the greedy vector majorises every feasible
 * one and sum log x! is Schur-convex. */
static double maxfill(long total, const long *caps_desc, size_t m, const double *lf)
{
    double s = 0.0;
    for (size_t i = 0; i < m && total > 0; i++) {
        long v = caps_desc[i] < total ? caps_desc[i] : total;
        s += lf[v];
        total -= v;
    }
    return s;
}

/* Bounds and closed-form mass of a node: rows rr[0..nr-1] (descending),
 * columns j..nc-1 still to fill. */
static void fx_node_bounds(const fx_state *st, const long *rr, size_t j, fx_node *nd)
{
    size_t nr = st->nr, nc = st->nc;
    const double *lf = st->lf;
    long *caps = st->caps;
    double sum_lr = 0.0, sum_lc = 0.0;
    long total = 0;
    for (size_t i = 0; i < nr; i++) {
        sum_lr += lf[rr[i]];
        total += rr[i];
    }
    for (size_t q = j; q < nc; q++)
        sum_lc += lf[st->col[q]];
    /* by columns: caps are the row totals, ascending = rr reversed */
    double by_col = 0.0, by_row = 0.0;
    for (size_t i = 0; i < nr; i++)
        caps[i] = rr[nr - 1 - i];
    for (size_t q = j; q < nc; q++)
        by_col += waterfill(st->col[q], caps, nr, lf);
    /* by rows: caps are the remaining column totals, ascending */
    size_t m = nc - j;
    for (size_t q = 0; q < m; q++)
        caps[q] = st->col[nc - 1 - q];
    for (size_t i = 0; i < nr; i++)
        by_row += waterfill(rr[i], caps, m, lf);
    nd->lower = by_col > by_row ? by_col : by_row;
    /* upper: the most concentrated split, by columns and by rows */
    double up_col = 0.0, up_row = 0.0;
    for (size_t q = j; q < nc; q++)
        up_col += maxfill(st->col[q], rr, nr, lf);
    for (size_t i = 0; i < nr; i++)
        up_row += maxfill(rr[i], st->col + j, m, lf);
    nd->upper = up_col < up_row ? up_col : up_row;
    if (nd->lower > nd->upper)   /* rounding only: the last column is exact */
        nd->lower = nd->upper;
    nd->logmass = lf[total] - sum_lr - sum_lc;
}

static size_t fx_hash_key(const long *k, size_t nr)
{
    size_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < nr; i++) {
        h ^= (size_t)k[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int fx_rehash(fx_state *st, size_t newsize)
{
    size_t *h = calloc(newsize, sizeof *h);
    if (!h)
        return -1;
    for (size_t n = 0; n < st->nnodes; n++) {
        size_t pos = fx_hash_key(st->keys + n * st->nr, st->nr) & (newsize - 1);
        while (h[pos])
            pos = (pos + 1) & (newsize - 1);
        h[pos] = n + 1;
    }
    free(st->hash);
    st->hash = h;
    st->hashsize = newsize;
    return 0;
}

/* Find or create the node with key rr at stage j; returns its index or
 * (size_t)-1 on allocation failure. */
static size_t fx_node_get(fx_state *st, const long *rr, size_t j)
{
    size_t nr = st->nr;
    size_t pos = fx_hash_key(rr, nr) & (st->hashsize - 1);
    while (st->hash[pos]) {
        size_t n = st->hash[pos] - 1;
        if (memcmp(st->keys + n * nr, rr, nr * sizeof *rr) == 0)
            return n;
        pos = (pos + 1) & (st->hashsize - 1);
    }
    if (st->nnodes == st->capnodes) {
        size_t cap = st->capnodes ? 2 * st->capnodes : 256;
        long *k = realloc(st->keys, cap * nr * sizeof *k);
        if (!k)
            return (size_t)-1;
        st->keys = k;
        fx_node *nd = realloc(st->nodes, cap * sizeof *nd);
        if (!nd)
            return (size_t)-1;
        st->nodes = nd;
        st->capnodes = cap;
    }
    size_t n = st->nnodes++;
    memcpy(st->keys + n * nr, rr, nr * sizeof *rr);
    fx_node_bounds(st, rr, j, &st->nodes[n]);
    st->hash[pos] = n + 1;
    if (2 * st->nnodes > st->hashsize && fx_rehash(st, 2 * st->hashsize))
        return (size_t)-1;
    return n;
}

/* Route one (past, mult) to node n: add its mass, drop it, or keep it. */
static int fx_push(fx_state *st, size_t n, double past, double mult)
{
    const fx_node *nd = &st->nodes[n];
    if (past + nd->lower >= st->threshold) {
        st->p += mult * exp(st->logconst - past + nd->logmass);
        return 0;
    }
    if (past + nd->upper < st->threshold)
        return 0;
    if (st->nentries == st->capentries) {
        size_t cap = st->capentries ? 2 * st->capentries : 1024;
        fx_entry *e = realloc(st->entries, cap * sizeof *e);
        if (!e)
            return -1;
        st->entries = e;
        st->capentries = cap;
    }
    st->entries[st->nentries++] = (fx_entry){n, past, mult};
    return 0;
}

static int fx_entry_cmp(const void *a, const void *b)
{
    const fx_entry *u = a, *v = b;
    if (u->node != v->node)
        return (u->node > v->node) - (u->node < v->node);
    return (u->past > v->past) - (u->past < v->past);
}

static int desc_cmp(const void *a, const void *b)
{
    long u = *(const long *)a, v = *(const long *)b;
    return (u < v) - (u > v);
}

/* Context for enumerating the fillings of one column of one parent node. */
typedef struct {
    const long *rr;          /* parent's remaining rows */
    const fx_entry *pasts;   /* parent's live pasts */
    size_t npasts;
    size_t j;                /* column being filled */
    long x[64];
    long suffix[65];         /* suffix[i] = sum of rr[i..nr-1] */
} fx_fill;

static int fx_fill_rec(fx_state *st, fx_fill *f, size_t i, long left, double ds)
{
    size_t nr = st->nr;
    if (i == nr - 1) {
        if (left > f->rr[i])
            return 0;
        f->x[i] = left;
        ds += st->lf[left];
        long *child = st->scratch;
        for (size_t q = 0; q < nr; q++)
            child[q] = f->rr[q] - f->x[q];
        qsort(child, nr, sizeof *child, desc_cmp);
        size_t n = fx_node_get(st, child, f->j + 1);
        if (n == (size_t)-1)
            return -1;
        for (size_t e = 0; e < f->npasts; e++) {
            if (fx_push(st, n, f->pasts[e].past + ds, f->pasts[e].mult))
                return -1;
            st->visited++;
        }
        return 0;
    }
    long lo = left - f->suffix[i + 1];
    if (lo < 0)
        lo = 0;
    long hi = f->rr[i] < left ? f->rr[i] : left;
    for (long v = lo; v <= hi; v++) {
        f->x[i] = v;
        if (fx_fill_rec(st, f, i + 1, left - v, ds + st->lf[v]))
            return -1;
    }
    return 0;
}

/*
 * fisher_rxc — the network pass described at the top of the file.
 *   row[nr], col[nc]: margins, all > 0, nr <= 64, col descending
 *   sobs: sum of log t_ij! of the observed table
 * Returns the P value in *p; -1 on allocation failure, 1 over the cap.
 */
static int fisher_rxc(const long *row, size_t nr, const long *col, size_t nc,
                      const double *lf, long ntotal, double sobs, double *p)
{
    fx_state st;
    memset(&st, 0, sizeof st);
    st.nr = nr;
    st.nc = nc;
    st.col = col;
    st.lf = lf;
    st.threshold = sobs - FEXACT_TOL;
    double lc = -lf[ntotal];
    for (size_t i = 0; i < nr; i++)
        lc += lf[row[i]];
    for (size_t j = 0; j < nc; j++)
        lc += lf[col[j]];
    st.logconst = lc;
    int rc = 0;
    fx_fill *f = malloc(sizeof *f);
    long *rootkey = malloc(nr * sizeof *rootkey);
    st.scratch = malloc(nr * sizeof *st.scratch);
    st.caps = malloc((nr + nc) * sizeof *st.caps);
    if (!f || !rootkey || !st.scratch || !st.caps || fx_rehash(&st, 1024)) {
        rc = -1;
        goto done;
    }
    memcpy(rootkey, row, nr * sizeof *rootkey);
    qsort(rootkey, nr, sizeof *rootkey, desc_cmp);
    size_t root = fx_node_get(&st, rootkey, 0);
    if (root == (size_t)-1 || fx_push(&st, root, 0.0, 1.0)) {
        rc = -1;
        goto done;
    }

    for (size_t j = 0; j + 1 < nc && st.nentries > 0; j++) {
        /* Take the stage: its nodes, keys and entries; start a fresh next stage. */
        long *keys = st.keys;
        fx_entry *entries = st.entries;
        size_t nentries = st.nentries;
        st.keys = NULL;
        st.nodes = (free(st.nodes), NULL);
        st.nnodes = st.capnodes = 0;
        st.entries = NULL;
        st.nentries = st.capentries = 0;
        if (fx_rehash(&st, 1024)) {
            free(keys);
            free(entries);
            rc = -1;
            goto done;
        }
        qsort(entries, nentries, sizeof *entries, fx_entry_cmp);
        /* merge equal pasts of a node (relative 1e-12), in place */
        size_t w = 0;
        for (size_t e = 0; e < nentries; e++) {
            if (w > 0 && entries[w - 1].node == entries[e].node
                && fabs(entries[e].past - entries[w - 1].past)
                       <= 1e-12 * fmax(1.0, fabs(entries[e].past)))
                entries[w - 1].mult += entries[e].mult;
            else
                entries[w++] = entries[e];
        }
        nentries = w;
        for (size_t a = 0; a < nentries && rc == 0;) {
            size_t b = a + 1;
            while (b < nentries && entries[b].node == entries[a].node)
                b++;
            const long *rr = keys + entries[a].node * nr;
            f->rr = rr;
            f->pasts = entries + a;
            f->npasts = b - a;
            f->j = j;
            f->suffix[nr] = 0;
            for (size_t i = nr; i-- > 0;)
                f->suffix[i] = f->suffix[i + 1] + rr[i];
            if (fx_fill_rec(&st, f, 0, col[j], 0.0))
                rc = -1;
            else if (st.visited > OBS_FISHER_MAX_NODES)
                rc = 1;
            a = b;
        }
        free(keys);
        free(entries);
        if (rc)
            goto done;
    }
    *p = st.p;
done:
    free(f);
    free(rootkey);
    free(st.scratch);
    free(st.caps);
    free(st.keys);
    free(st.nodes);
    free(st.hash);
    free(st.entries);
    return rc;
}

/*
 * obs_fisher_test — see tests.h.  Zero rows and columns are dropped first
 * (they do not change any table probability); fewer than 2 non-empty rows or
 * columns leave a single possible table and P = 1, as FEXACT returns.
 * Scratch: log-factorials 0..N, the margins, the network (see above).
 */
obs_status obs_fisher_test(const long *x, size_t nr, size_t nc, obs_htest *out,
                           obs_error *err)
{
    out->statistic = NAN;
    out->df = NAN;
    out->df2 = NAN;
    out->p = NAN;
    if (nr < 2 || nc < 2)
        return obs_error_set(err, OBS_EUSAGE,
                             "Fisher's exact test needs at least 2 rows and 2 columns (got %zu x %zu)",
                             nr, nc);
    long ntotal = 0;
    for (size_t k = 0; k < nr * nc; k++) {
        if (x[k] < 0)
            return obs_error_set(err, OBS_EUSAGE,
                                 "Fisher's exact test: counts must be non-negative");
        if (x[k] > 100000000L || ntotal > 100000000L)
            return obs_error_set(err, OBS_EFIT, "Fisher's exact test: counts too large");
        ntotal += x[k];
    }
    obs_status rc = OBS_OK;
    long *rs = calloc(nr + nc, sizeof *rs);
    double *lf = malloc(((size_t)ntotal + 2) * sizeof *lf);
    long *tab = malloc(nr * nc * sizeof *tab);
    if (!rs || !lf || !tab) {
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
        goto done;
    }
    long *cs = rs + nr;
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
            rs[i] += x[i * nc + j];
            cs[j] += x[i * nc + j];
        }
    for (long v = 0; v <= ntotal + 1; v++)
        lf[v] = lgamma((double)v + 1.0);

    /* compact: non-empty rows and columns, transposed so rows are the short side */
    size_t r2 = 0, c2 = 0;
    for (size_t i = 0; i < nr; i++)
        r2 += rs[i] > 0;
    for (size_t j = 0; j < nc; j++)
        c2 += cs[j] > 0;
    if (r2 < 2 || c2 < 2) {
        out->p = 1.0;
        goto done;
    }
    int transpose = r2 > c2;
    size_t R = transpose ? c2 : r2, C = transpose ? r2 : c2;
    {
        size_t ii = 0;
        for (size_t i = 0; i < nr; i++) {
            if (rs[i] == 0)
                continue;
            size_t jj = 0;
            for (size_t j = 0; j < nc; j++) {
                if (cs[j] == 0)
                    continue;
                if (transpose)
                    tab[jj * C + ii] = x[i * nc + j];
                else
                    tab[ii * C + jj] = x[i * nc + j];
                jj++;
            }
            ii++;
        }
    }
    if (R == 2 && C == 2) {
        out->p = fisher_2x2(tab[0], tab[1], tab[2], tab[3], lf);
    } else {
        if (R > 64) {
            rc = obs_error_set(err, OBS_EFIT,
                               "Fisher's exact test: table too large (more than 64 rows and columns)");
            goto done;
        }
        long row[64], *col = malloc(C * sizeof *col);
        if (!col) {
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
            goto done;
        }
        double sobs = 0.0;
        for (size_t i = 0; i < R; i++)
            row[i] = 0;
        for (size_t j = 0; j < C; j++)
            col[j] = 0;
        for (size_t i = 0; i < R; i++)
            for (size_t j = 0; j < C; j++) {
                row[i] += tab[i * C + j];
                col[j] += tab[i * C + j];
                sobs += lf[tab[i * C + j]];
            }
        qsort(col, C, sizeof *col, desc_cmp);
        double p = NAN;
        int frc = fisher_rxc(row, R, col, C, lf, ntotal, sobs, &p);
        free(col);
        if (frc < 0) {
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory in Fisher's exact test");
            goto done;
        }
        if (frc > 0) {
            rc = obs_error_set(err, OBS_EFIT,
                               "Fisher's exact test: the %zu x %zu table (n = %ld) is too large for "
                               "exact enumeration (over %ld partial tables); use the chi-squared test",
                               nr, nc, ntotal, (long)OBS_FISHER_MAX_NODES);
            goto done;
        }
        out->p = p;
    }
    if (out->p > 1.0)
        out->p = 1.0;
    if (out->p < 0.0)
        out->p = 0.0;
done:
    free(rs);
    free(lf);
    free(tab);
    return rc;
}
