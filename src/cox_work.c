/*
 * cox_work.c — validating, sorting, centring and scaling the Cox data once.
 *
 * Sort keys: stratum ascending, stop descending (ties by row, so the order
 * is deterministic).  Centring and scaling follow coxph: each column is
 * centred at its weighted mean and scaled by the reciprocal of its weighted
 * mean absolute deviation, except columns whose values all lie in
 * {-1, 0, 1} (coxph's nocenter = c(-1, 0, 1)).  The partial likelihood is
 * invariant to centring within strata, and Newton-Raphson is invariant to
 * scaling, so this changes rounding only (and keeps exp() in range).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/parallel.h"
#include "cox_internal.h"

/* Order rows: stratum ascending, then t descending, ties in idx order (the
 * order idx comes in).  Two stable radix passes: by t descending, then by
 * stratum.  idx (n) is permuted in place; key is scratch (n), kbuf and
 * ibuf the sort's scratch (n + 1 each). */
static int order_rows(size_t *idx, size_t n, const double *t, const int *strata,
                      const size_t *map, uint64_t *key, uint64_t *kbuf, size_t *ibuf)
{
    /* decimal times (days, two decimals): one counting pass */
    const int dec = cox_decimal_sort(idx, n, t, 1, (uint32_t *)key, ibuf);
    if (dec < 0) return -1;
    if (!dec) {
        for (size_t k = 0; k < n; k++) key[k] = ~cox_double_key(t[idx[k]]);
        if (cox_radix_sort_buf(key, idx, n, kbuf, ibuf)) return -1;
    }
    if (strata) {
        for (size_t k = 0; k < n; k++) key[k] = (uint64_t)(uint32_t)strata[map ? map[idx[k]] : idx[k]];
        if (cox_radix_sort_buf(key, idx, n, kbuf, ibuf)) return -1;
    }
    return 0;
}

void cox_work_free(cox_work *w)
{
    if (!w) return;
    free(w->sbeg); free(w->row); free(w->x); free(w->stop); free(w->start);
    free(w->status); free(w->wt); free(w->off); free(w->skip); free(w->by_start);
    free(w->mean); free(w->scale); free(w->eta); free(w->a); free(w->a2);
    free(w->cmat); free(w->cmat2); free(w->gcoef); free(w->half2);   /* rw lies in x's block */
    memset(w, 0, sizeof *w);
}

/* A share of cox_work_init's work: rows [lo, hi) of the input (checks,
 * inverse permutation, sorted copies) or columns [lo, hi) (scales). */
typedef struct {
    const obs_cox_data *d;
    cox_work *w;
    const uint64_t *pos;         /* sorted position of each input row */
    const double *const *xc;     /* p input columns (cox_data_col) */
    double sumw;
    size_t lo, hi;
    size_t bad;                  /* check_chunk_run: first failing row (hi: none) */
    double wsum;                 /* check_chunk_run: sum of the weights of [lo, hi) */
    double *colsum;              /* check_chunk_run: p sums of w x over [lo, hi) */
    unsigned char *nonbin;       /* check_chunk_run: p flags, a value not in {-1, 0, 1} */
} work_chunk;

/* What is wrong with row i: the message of the first failing check, a
 * format taking the 1-based row and covariate (*col, 0-based), or NULL. */
static const char *row_problem(const obs_cox_data *d, const double *const *xc, size_t i, size_t *col)
{
    if (!isfinite(d->stop[i])) return "cox: row %zu: time is not finite";
    if (d->start && !(isfinite(d->start[i]) && d->start[i] < d->stop[i]))
        return "cox: row %zu: start time must be less than stop time";
    if (d->status[i] != 0 && d->status[i] != 1) return "cox: row %zu: status must be 0 or 1";
    if (d->weights && !(isfinite(d->weights[i]) && d->weights[i] >= 0))
        return "cox: row %zu: weight must be >= 0";
    if (d->offset && !isfinite(d->offset[i])) return "cox: row %zu: offset is not finite";
    if (d->cluster && (d->cluster[i] < 0 || (size_t)d->cluster[i] >= d->n))
        return "cox: row %zu: cluster code out of range";
    if (d->strata && d->strata[i] < 0) return "cox: row %zu: negative stratum code";
    for (size_t j = 0; j < d->p; j++)
        if (!isfinite(xc[j][i])) { *col = j; return "cox: row %zu: covariate %zu is not finite"; }
    return NULL;
}

/* The first row of [lo, hi) that fails a check of cox_work_init (hi:
 * none) into c->bad, and the half's weight sum, weighted column sums and
 * {-1, 0, 1} flags.  Blocks of rows, column by column (sequential reads,
 * sums in registers, no branch per value); a block with a bad value is
 * then searched row by row for the first bad row. */
#define CHECK_BLOCK 2048

static void check_chunk_run(void *arg)
{
    work_chunk *c = arg;
    const obs_cox_data *d = c->d;
    const size_t p = d->p;
    const double *const *xc = c->xc;
    const double *wt = d->weights;
    double wsum = 0.0;
    c->bad = c->hi;
    memset(c->colsum, 0, p * sizeof *c->colsum);
    memset(c->nonbin, 0, p);
    for (size_t i0 = c->lo; i0 < c->hi; i0 += CHECK_BLOCK) {
        const size_t i1 = c->hi - i0 < CHECK_BLOCK ? c->hi : i0 + CHECK_BLOCK;
        unsigned bad = 0;
        for (size_t i = i0; i < i1; i++) {
            const double t = d->stop[i];
            bad |= (unsigned)(t - t != 0.0) | ((unsigned)d->status[i] > 1u);   /* no branch on 0/1 data */
        }
        if (d->start || wt || d->offset || d->cluster || d->strata)
            for (size_t i = i0; i < i1 && !bad; i++) bad |= (row_problem(d, xc, i, &(size_t){0}) != NULL);
        for (size_t j = 0; j < p; j++) {
            const double *x = xc[j];
            double s = c->colsum[j];
            unsigned nf = 0, nb = 0;
            if (wt) {
                for (size_t i = i0; i < i1; i++) {
                    const double v = x[i];
                    nf |= (v - v != 0.0);
                    nb |= (unsigned)(v != 0.0) & (unsigned)(v != 1.0) & (unsigned)(v != -1.0);
                    s += wt[i] * v;
                }
            } else {
                for (size_t i = i0; i < i1; i++) {
                    const double v = x[i];
                    nf |= (v - v != 0.0);
                    nb |= (unsigned)(v != 0.0) & (unsigned)(v != 1.0) & (unsigned)(v != -1.0);
                    s += v;
                }
            }
            c->colsum[j] = s;
            c->nonbin[j] |= (unsigned char)nb;
            bad |= nf;
        }
        if (bad) {
            for (size_t i = i0; i < i1; i++)
                if (row_problem(d, xc, i, &(size_t){0})) { c->bad = i; return; }
        }
        if (wt) for (size_t i = i0; i < i1; i++) wsum += wt[i];
        else wsum += (double)(i1 - i0);
    }
    c->wsum = wsum;
}

/* The sorted copies of rows [lo, hi): c->pos[i] is row i's sorted position
 * (written for the sorted positions [lo, hi) first: w->row is a
 * permutation, so the halves write apart). */
static void inverse_chunk_run(void *arg)
{
    work_chunk *c = arg;
    uint64_t *pos = (uint64_t *)c->pos;
    for (size_t k = c->lo; k < c->hi; k++) pos[c->w->row[k]] = k;
}

/* Scale of columns [lo, hi), as coxph: a column of 0/1 (or -1) values is
 * left alone (mean 0, scale 1, decided by check_chunk_run); otherwise
 * scale = sum w / sum w |x - mean| (1 when that is 0), w->mean[j] set. */
static void scale_chunk_run(void *arg)
{
    work_chunk *c = arg;
    const obs_cox_data *d = c->d;
    const size_t n = d->n;
    for (size_t j = c->lo; j < c->hi; j++) {
        const double *xj = c->xc[j];
        const double m = c->w->mean[j];
        double mad = 0.0;
        if (c->nonbin[j])
            for (size_t i = 0; i < n; i++) mad += (d->weights ? d->weights[i] : 1.0) * fabs(xj[i] - m);
        c->w->scale[j] = (!c->nonbin[j] || !(mad > 0)) ? 1.0 : c->sumw / mad;
    }
}

/* Input rows [lo, hi) into their sorted positions: time, status, weight,
 * offset (start), and the covariates centred and scaled into w->x. */
static void scatter_chunk_run(void *arg)
{
    work_chunk *c = arg;
    const obs_cox_data *d = c->d;
    cox_work *w = c->w;
    const size_t p = d->p;
    const double *mean = w->mean, *scale = w->scale;
    const double *const *xc = c->xc;
    /* two loops: fewer write streams at once than one (measured faster) */
    for (size_t i = c->lo; i < c->hi; i++) {
        const size_t k = c->pos[i];
        w->stop[k] = d->stop[i];
        w->status[k] = d->status[i];
        w->wt[k] = d->weights ? d->weights[i] : 1.0;
        if (d->offset) w->off[k] = d->offset[i];   /* else calloc's zeros */
        if (w->counting) w->start[k] = d->start[i];
    }
    for (size_t i = c->lo; i < c->hi; i++) {
        double *xk = w->x + c->pos[i] * p;
        for (size_t j = 0; j < p; j++) xk[j] = (xc[j][i] - mean[j]) * scale[j];
    }
}

/* Contract: d holds n rows (n >= 1) and p >= 0 columns as obs_cox_data says.
 * Checks every value (OBS_EDATA names the 1-based row), then fills w (all
 * arrays allocated here; cox_work_free releases them, also after an error). */
obs_status cox_work_init(cox_work *w, const obs_cox_data *d, obs_cox_ties ties,
                         obs_error *err)
{
    size_t n = d->n, p = d->p;
    uint64_t *key = NULL;
    const double **xc = NULL;    /* p column pointers */
    obs_status rc = OBS_OK;

    memset(w, 0, sizeof *w);
    w->n = n; w->p = p; w->ties = ties; w->counting = (d->start != NULL);
    if (n == 0) return obs_error_set(err, OBS_EFIT, "cox: no observations");

    /* p column pointers, then the checks' per-half column sums (2p) and
     * flags (2p bytes) */
    xc = malloc((p + 1) * sizeof *xc + (2 * p + 1) * sizeof(double) + 2 * p + 1);
    if (!xc) return obs_error_set(err, OBS_ENOMEM, "cox: out of memory (n = %zu, p = %zu)", n, p);
    for (size_t j = 0; j < p; j++) xc[j] = cox_data_col(d, j);
    double *colsum = (double *)((char *)xc + (p + 1) * sizeof *xc);
    unsigned char *nonbin = (unsigned char *)(colsum + 2 * p + 1);

    /* the checks on two halves of the rows at once, with each half's
     * weighted column sums and {-1, 0, 1} flags; the first row that fails
     * a check is named below */
    size_t first_bad = n;
    double sumw = 0.0;
    {
        work_chunk ch[2];
        size_t lo[3];
        void *args[2] = {&ch[0], &ch[1]};
        obs_parallel_split(n, 2, lo);
        for (int c = 0; c < 2; c++)
            ch[c] = (work_chunk){.d = d, .xc = xc, .lo = lo[c], .hi = lo[c + 1],
                                 .colsum = colsum + c * p, .nonbin = nonbin + c * p};
        obs_parallel_run(check_chunk_run, args, 2, n >= 20000 ? obs_parallel_threads() : 1);
        first_bad = ch[0].bad < lo[1] ? ch[0].bad : ch[1].bad;
        if (first_bad == n) {
            sumw = ch[0].wsum + ch[1].wsum;
            for (size_t j = 0; j < p; j++) {
                colsum[j] += colsum[p + j];
                nonbin[j] |= nonbin[p + j];
            }
        }
    }
    if (first_bad < n) {   /* the first row that fails a check, named */
        size_t j = 0;
        const char *why = row_problem(d, xc, first_bad, &j);   /* sets j: before the call below */
        rc = obs_error_set(err, OBS_EDATA, why, first_bad + 1, j + 1);
        free(xc);
        return rc;
    }
    if (!(sumw > 0)) {
        free(xc);
        return obs_error_set(err, OBS_EFIT, "cox: the case weights sum to zero");
    }

    /* the sort's keys: right-censored data with covariates sort them in
     * x's block (written only after the sort) and keep the inverse
     * permutation in eta (free until the fit); otherwise one array of
     * their own, which then holds the inverse permutation */
    const int keys_in_x = !w->counting && p >= 1;
    key = keys_in_x ? NULL : malloc(n * sizeof *key);
    w->row = malloc(n * sizeof *w->row);
    /* one block: x (n p), 16 zeros (cox_fit.c reads tiles of 4 past the
     * end), then n + 1 doubles: the sort's index scratch here, the fast
     * pass's rw later; after the fit the concordance's scratch */
    w->x = calloc(COX_XBLOCK(n, p), sizeof *w->x);
    w->stop = malloc(n * sizeof *w->stop);
    w->status = malloc(n * sizeof *w->status);
    w->wt = malloc(n * sizeof *w->wt);
    w->off = calloc(n, sizeof *w->off);   /* zeros without an offset: never written */
    w->eta = malloc((n + 1) * sizeof *w->eta);   /* + 1: sort scratch */
    w->skip = calloc(n, sizeof *w->skip);
    w->mean = calloc(p + 1, sizeof *w->mean);
    w->scale = malloc((p + 1) * sizeof *w->scale);
    w->a = calloc(p + 1, sizeof *w->a);
    w->a2 = calloc(p + 1, sizeof *w->a2);
    w->cmat = calloc(p * p + 1, sizeof *w->cmat);
    w->cmat2 = calloc(p * p + 1, sizeof *w->cmat2);
    if (w->counting) {
        w->start = malloc(n * sizeof *w->start);
        w->by_start = malloc(n * sizeof *w->by_start);
    }
    if ((!keys_in_x && !key) || !w->row || !w->x || !w->stop || !w->status || !w->wt || !w->off ||
        !w->eta || !w->skip || !w->mean || !w->scale || !w->a || !w->a2 || !w->cmat ||
        !w->cmat2 || (w->counting && (!w->start || !w->by_start))) {
        rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (n = %zu, p = %zu)", n, p);
        goto done;
    }

    for (size_t i = 0; i < n; i++) w->row[i] = i;
    if (order_rows(w->row, n, d->stop, d->strata, NULL, keys_in_x ? (uint64_t *)w->x : key,
                   (uint64_t *)w->eta,
                   (size_t *)(w->x + n * p + 16))) {
        rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (sorting)");
        goto done;
    }
#define STRATUM(k) (d->strata ? d->strata[w->row[k]] : 0)
    w->nstrata = 1;
    for (size_t k = 1; k < n; k++)
        if (STRATUM(k) != STRATUM(k - 1)) w->nstrata++;
    w->sbeg = malloc((w->nstrata + 1) * sizeof *w->sbeg);
    if (!w->sbeg) { rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory"); goto done; }
    {
        size_t s = 0;
        w->sbeg[0] = 0;
        for (size_t k = 1; k < n; k++)
            if (STRATUM(k) != STRATUM(k - 1)) w->sbeg[++s] = k;
        w->sbeg[w->nstrata] = n;
    }

    /* Centring and scaling: the weighted means from the checks' sums (a
     * {-1, 0, 1} column keeps mean 0), the scales from one pass per column
     * (columns split between two threads).  pos[i] = the sorted position
     * of row i (in key or eta, see above), so that the rows
     * are read sequentially and each written whole at its sorted place
     * (rows split between two threads).  Each value depends on its own
     * column or row: the same bits on one or two threads. */
    uint64_t *pos = keys_in_x ? (uint64_t *)w->eta : key;
    for (size_t j = 0; j < p; j++) w->mean[j] = nonbin[j] ? colsum[j] / sumw : 0.0;
    {
        const int nth = n >= 20000 ? obs_parallel_threads() : 1;
        work_chunk ch[2];
        size_t lo[3];
        void *args[2] = {&ch[0], &ch[1]};
        obs_parallel_split(p, 2, lo);
        for (int c = 0; c < 2; c++)
            ch[c] = (work_chunk){.d = d, .w = w, .xc = xc, .sumw = sumw, .lo = lo[c], .hi = lo[c + 1],
                                 .nonbin = nonbin};
        obs_parallel_run(scale_chunk_run, args, 2, p > 1 ? nth : 1);
        obs_parallel_split(n, 2, lo);
        for (int c = 0; c < 2; c++)
            ch[c] = (work_chunk){.d = d, .w = w, .pos = pos, .xc = xc, .lo = lo[c], .hi = lo[c + 1]};
        obs_parallel_run(inverse_chunk_run, args, 2, nth);
        obs_parallel_run(scatter_chunk_run, args, 2, nth);
    }

    /* a row of weight 0 takes part in nothing (not even Efron's count of
     * tied events): mark it skipped */
    for (size_t k = 0; k < n; k++)
        if (w->wt[k] == 0.0) w->skip[k] = 1;   /* calloc'd: pages never written stay shared zeros */

    if (w->counting) {
        /* positions ordered by start descending within stratum */
        for (size_t k = 0; k < n; k++) w->by_start[k] = k;
        if (order_rows(w->by_start, n, w->start, d->strata, w->row, key, (uint64_t *)w->eta,
                       (size_t *)(w->x + n * p + 16))) {
            rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (sorting)");
            goto done;
        }

        /* skip rows whose (start, stop] holds no event time of their stratum:
         * they are in no risk set (R's agreg.fit drops them the same way). */
        for (size_t s = 0; s < w->nstrata; s++) {
            size_t b = w->sbeg[s], e = w->sbeg[s + 1];
            /* event times of the stratum, descending, into eta as scratch */
            size_t m = 0;
            for (size_t k = b; k < e; k++)
                if (w->status[k] && !w->skip[k] && (m == 0 || w->eta[m - 1] != w->stop[k]))
                    w->eta[m++] = w->stop[k];
            for (size_t k = b; k < e; k++) {
                /* largest event time <= stop: binary search in descending list */
                size_t lo = 0, hi = m;   /* first index with time <= stop */
                while (lo < hi) {
                    size_t mid = (lo + hi) / 2;
                    if (w->eta[mid] <= w->stop[k]) hi = mid; else lo = mid + 1;
                }
                if (!(lo < m && w->eta[lo] > w->start[k])) w->skip[k] = 1;
            }
        }
    }

    if (!w->counting) {
        /* scratch for cox_pass's right-censored route, and its two halves:
         * the first time-group boundary at or after n / 2 (a stratum
         * boundary is one), with the number of event times before it */
        size_t g = 0;
        w->half = n;
        w->half_groups = 0;
        for (size_t s = 0; s < w->nstrata; s++)
            for (size_t k = w->sbeg[s]; k < w->sbeg[s + 1];) {
                size_t k2 = k;
                int dead = 0;
                if (w->half == n && k >= n / 2) { w->half = k; w->half_groups = g; }
                while (k2 < w->sbeg[s + 1] && w->stop[k2] == w->stop[k]) dead |= w->status[k2++];
                g += dead;
                k = k2;
            }
        w->ngroups = g;
        w->rw = w->x + n * p + 16;
        w->gcoef = malloc((2 * g + 2) * sizeof *w->gcoef);
        w->half2 = calloc(4 * p + p * p + 1, sizeof *w->half2);
        if (!w->gcoef || !w->half2) { rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory"); goto done; }
    }

#undef STRATUM
done:
    free(key);
    free(xc);
    return rc;
}
