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
    for (size_t k = 0; k < n; k++) {
        size_t i = map ? map[idx[k]] : idx[k];
        key[k] = ~cox_double_key(t[map ? idx[k] : i]);
    }
    if (cox_radix_sort_buf(key, idx, n, kbuf, ibuf)) return -1;
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

/* Contract: d holds n rows (n >= 1) and p >= 0 columns as obs_cox_data says.
 * Checks every value (OBS_EDATA names the 1-based row), then fills w (all
 * arrays allocated here; cox_work_free releases them, also after an error). */
/* A share of cox_work_init's centring (columns [lo, hi)) or gather (rows
 * [lo, hi) of the input). */
typedef struct {
    const obs_cox_data *d;
    cox_work *w;
    const uint64_t *pos;         /* sorted position of each input row */
    const double *const *xc;     /* p input columns (cox_data_col) */
    double sumw;
    size_t lo, hi;
    size_t bad;                  /* check_chunk_run: first failing row (hi: none) */
} work_chunk;

/* The first row of [lo, hi) that fails a check of cox_work_init (hi:
 * none) into c->bad. */
static void check_chunk_run(void *arg)
{
    work_chunk *c = arg;
    const obs_cox_data *d = c->d;
    const size_t n = d->n, p = d->p;
    c->bad = c->hi;
    for (size_t i = c->lo; i < c->hi; i++) {
        int ok = isfinite(d->stop[i]) && (d->status[i] == 0 || d->status[i] == 1) &&
                 (!d->start || (isfinite(d->start[i]) && d->start[i] < d->stop[i])) &&
                 (!d->weights || (isfinite(d->weights[i]) && d->weights[i] >= 0)) &&
                 (!d->offset || isfinite(d->offset[i])) &&
                 (!d->cluster || (d->cluster[i] >= 0 && (size_t)d->cluster[i] < n)) &&
                 (!d->strata || d->strata[i] >= 0);
        for (size_t j = 0; ok && j < p; j++) ok = isfinite(cox_data_col(d, j)[i]);
        if (!ok) { c->bad = i; return; }
    }
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

static void scatter_chunk_run(void *arg)
{
    work_chunk *c = arg;
    const obs_cox_data *d = c->d;
    cox_work *w = c->w;
    for (size_t i = c->lo; i < c->hi; i++) {
        size_t k = c->pos[i];
        w->stop[k] = d->stop[i];
        w->status[k] = d->status[i];
        w->wt[k] = d->weights ? d->weights[i] : 1.0;
        w->off[k] = d->offset ? d->offset[i] : 0.0;
        if (w->counting) w->start[k] = d->start[i];
    }
}

/* Centre and scale of columns [lo, hi), as coxph: a column of 0/1 (or -1)
 * values is left alone; otherwise the weighted mean and scale = sum w /
 * sum w |x - mean| (1 when that is 0). */
static void scale_chunk_run(void *arg)
{
    work_chunk *c = arg;
    const obs_cox_data *d = c->d;
    const size_t n = d->n;
    for (size_t j = c->lo; j < c->hi; j++) {
        const double *xj = c->xc[j];
        int zero_one = 1;
        double m = 0.0, mad = 0.0;
        for (size_t i = 0; i < n; i++)
            if (xj[i] != 0.0 && xj[i] != 1.0 && xj[i] != -1.0) { zero_one = 0; break; }
        if (!zero_one) {
            for (size_t i = 0; i < n; i++) m += (d->weights ? d->weights[i] : 1.0) * xj[i];
            m /= c->sumw;
            for (size_t i = 0; i < n; i++) mad += (d->weights ? d->weights[i] : 1.0) * fabs(xj[i] - m);
        }
        c->w->mean[j] = m;
        c->w->scale[j] = (zero_one || !(mad > 0)) ? 1.0 : c->sumw / mad;
    }
}

/* Input rows [lo, hi), centred and scaled, into their sorted rows of w->x. */
static void gather_chunk_run(void *arg)
{
    work_chunk *c = arg;
    const size_t p = c->d->p;
    const double *mean = c->w->mean, *scale = c->w->scale;
    const double *const *xc = c->xc;
    for (size_t i = c->lo; i < c->hi; i++) {
        double *xk = c->w->x + c->pos[i] * p;
        for (size_t j = 0; j < p; j++) xk[j] = (xc[j][i] - mean[j]) * scale[j];
    }
}

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

    /* the checks on two halves of the rows at once; the message comes from
     * the first row that fails one (the loop below, from there) */
    size_t first_bad = n;
    {
        work_chunk ch[2];
        size_t lo[3];
        void *args[2] = {&ch[0], &ch[1]};
        obs_parallel_split(n, 2, lo);
        for (int c = 0; c < 2; c++) ch[c] = (work_chunk){.d = d, .lo = lo[c], .hi = lo[c + 1]};
        obs_parallel_run(check_chunk_run, args, 2, n >= 20000 ? obs_parallel_threads() : 1);
        first_bad = ch[0].bad < lo[1] ? ch[0].bad : ch[1].bad;
    }
    for (size_t i = first_bad; i < n; i++) {
        if (!isfinite(d->stop[i]))
            return obs_error_set(err, OBS_EDATA, "cox: row %zu: time is not finite", i + 1);
        if (d->start && !(isfinite(d->start[i]) && d->start[i] < d->stop[i]))
            return obs_error_set(err, OBS_EDATA,
                                 "cox: row %zu: start time must be less than stop time", i + 1);
        if (d->status[i] != 0 && d->status[i] != 1)
            return obs_error_set(err, OBS_EDATA, "cox: row %zu: status must be 0 or 1", i + 1);
        if (d->weights && !(isfinite(d->weights[i]) && d->weights[i] >= 0))
            return obs_error_set(err, OBS_EDATA, "cox: row %zu: weight must be >= 0", i + 1);
        if (d->offset && !isfinite(d->offset[i]))
            return obs_error_set(err, OBS_EDATA, "cox: row %zu: offset is not finite", i + 1);
        if (d->cluster && (d->cluster[i] < 0 || (size_t)d->cluster[i] >= n))
            return obs_error_set(err, OBS_EDATA, "cox: row %zu: cluster code out of range", i + 1);
        if (d->strata && d->strata[i] < 0)
            return obs_error_set(err, OBS_EDATA, "cox: row %zu: negative stratum code", i + 1);
        for (size_t j = 0; j < p; j++)
            if (!isfinite(cox_data_col(d, j)[i]))
                return obs_error_set(err, OBS_EDATA, "cox: row %zu: covariate %zu is not finite",
                                     i + 1, j + 1);
    }

    key = malloc(n * sizeof *key);
    xc = malloc((p + 1) * sizeof *xc);
    w->row = malloc(n * sizeof *w->row);
    /* one block: x (n p), 16 zeros (cox_fit.c reads tiles of 4 past the
     * end), then n + 1 doubles: the sort's index scratch here, the fast
     * pass's rw later; after the fit the concordance's scratch */
    w->x = calloc(COX_XBLOCK(n, p), sizeof *w->x);
    w->stop = malloc(n * sizeof *w->stop);
    w->status = malloc(n * sizeof *w->status);
    w->wt = malloc(n * sizeof *w->wt);
    w->off = malloc(n * sizeof *w->off);
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
    if (!key || !xc || !w->row || !w->x || !w->stop || !w->status || !w->wt || !w->off ||
        !w->eta || !w->skip || !w->mean || !w->scale || !w->a || !w->a2 || !w->cmat ||
        !w->cmat2 || (w->counting && (!w->start || !w->by_start))) {
        rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory (n = %zu, p = %zu)", n, p);
        goto done;
    }

    for (size_t j = 0; j < p; j++) xc[j] = cox_data_col(d, j);
    for (size_t i = 0; i < n; i++) w->row[i] = i;
    if (order_rows(w->row, n, d->stop, d->strata, NULL, key, (uint64_t *)w->eta,
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

    /* key becomes the inverse permutation: pos[i] = sorted position of
     * row i, so that the gathers below read the inputs sequentially and
     * write one sorted row at a time (a scatter) */
    uint64_t *pos = key;
    {
        const int nth = n >= 20000 ? obs_parallel_threads() : 1;
        work_chunk ch[2];
        size_t lo[3];
        void *args[2] = {&ch[0], &ch[1]};
        obs_parallel_split(n, 2, lo);
        for (int c = 0; c < 2; c++) ch[c] = (work_chunk){.d = d, .w = w, .pos = pos, .lo = lo[c], .hi = lo[c + 1]};
        obs_parallel_run(inverse_chunk_run, args, 2, nth);
        obs_parallel_run(scatter_chunk_run, args, 2, nth);
    }
    double sumw = 0.0;
    for (size_t k = 0; k < n; k++) sumw += w->wt[k];
    if (!(sumw > 0)) {
        rc = obs_error_set(err, OBS_EFIT, "cox: the case weights sum to zero");
        goto done;
    }

    /* centring and scaling: sums in the original row order (sequential
     * access), columns split between two threads; then one gather into
     * sorted row-major order, rows split likewise (each value depends on
     * its own column or row only: the same bits on one or two threads) */
    {
        const int nth = n >= 20000 ? obs_parallel_threads() : 1;
        work_chunk ch[2];
        size_t lo[3];
        void *args[2] = {&ch[0], &ch[1]};
        obs_parallel_split(p, 2, lo);
        for (int c = 0; c < 2; c++) ch[c] = (work_chunk){d, w, pos, xc, sumw, lo[c], lo[c + 1], 0};
        obs_parallel_run(scale_chunk_run, args, 2, p > 1 ? nth : 1);
        obs_parallel_split(n, 2, lo);
        for (int c = 0; c < 2; c++) ch[c] = (work_chunk){d, w, pos, xc, sumw, lo[c], lo[c + 1], 0};
        obs_parallel_run(gather_chunk_run, args, 2, nth);
    }

    /* a row of weight 0 takes part in nothing (not even Efron's count of
     * tied events): mark it skipped */
    for (size_t k = 0; k < n; k++) w->skip[k] = (w->wt[k] == 0.0);

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
