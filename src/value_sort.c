/*
 * value_sort.c — n doubles put in ascending order of value, with their
 * indices or a byte tag of each (the ranks of the AUC and of the
 * concordance's linear predictor).
 *
 * Method: about four values per bucket, value v in bucket
 * floor((v - min) * B / (max - min)), which is monotone in v (a difference
 * and a product by a positive number keep the order of their arguments
 * under rounding), so the buckets are in value order and equal values share
 * one; the values and indices are scattered into bucket order (each half
 * of the input counts and scatters its own rows: the first half's rows of
 * a bucket first), then each bucket is sorted in place (insertion sort; a
 * bucket that stays large, e.g. many equal values, by the radix sort of
 * cox_sort.c).  Values that are not all finite go to that radix sort
 * whole (-Inf first; NaN after +Inf).  Within a run of equal values the
 * order of the indices is unspecified (callers give equal values equal
 * ranks); -0 and +0 compare equal.  The output is the same on one or two
 * threads.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/parallel.h"
#include "cox_internal.h"

#define INSERTION_MAX 48

static int sort_radix(double *sv, size_t *ord, unsigned char *tag, size_t m);

/* Sort sv of length m ascending, carrying ord and tag along (either may be
 * NULL): insertion sort when short, else sort_radix; 0, or -1 out of
 * memory. */
static int sort_bucket(double *sv, size_t *ord, unsigned char *tag, size_t m)
{
    if (m > INSERTION_MAX) return sort_radix(sv, ord, tag, m);
    for (size_t i = 1; i < m; i++) {
        const double x = sv[i];
        const size_t o = ord ? ord[i] : 0;
        const unsigned char g = tag ? tag[i] : 0;
        size_t j = i;
        for (; j > 0 && sv[j - 1] > x; j--) {
            sv[j] = sv[j - 1];
            if (ord) ord[j] = ord[j - 1];
            if (tag) tag[j] = tag[j - 1];
        }
        sv[j] = x;
        if (ord) ord[j] = o;
        if (tag) tag[j] = g;
    }
    return 0;
}

/* sv (with ord, tag) by the radix sort of order-preserving keys: any
 * doubles (-0 before +0, NaN after +Inf); 0, or -1 out of memory. */
static int sort_radix(double *sv, size_t *ord, unsigned char *tag, size_t m)
{
    uint64_t *key = malloc(2 * (m + 1) * sizeof *key);
    size_t *idx = malloc(2 * (m + 1) * sizeof *idx);
    size_t *oc = ord ? malloc(m * sizeof *oc) : NULL;
    unsigned char *gc = tag ? malloc(m) : NULL;
    double *vc = malloc(m * sizeof *vc);
    int rc = -1;
    if (key && idx && vc && (!ord || oc) && (!tag || gc)) {
        for (size_t i = 0; i < m; i++) { key[i] = cox_double_key(sv[i]); idx[i] = i; }
        if (ord) memcpy(oc, ord, m * sizeof *oc);
        if (tag) memcpy(gc, tag, m);
        memcpy(vc, sv, m * sizeof *vc);
        /* -0 and +0 have different keys but are one value: the radix order
         * puts every -0 before every +0, ascending either way */
        rc = cox_radix_sort_buf(key, idx, m, key + m + 1, idx + m + 1);
        if (rc == 0)
            for (size_t i = 0; i < m; i++) {
                sv[i] = vc[idx[i]];
                if (ord) ord[i] = oc[idx[i]];
                if (tag) tag[i] = gc[idx[i]];
            }
    }
    free(key); free(idx); free(oc); free(gc); free(vc);
    return rc;
}

typedef struct {
    const double *v;
    double *sv;
    size_t *ord;             /* or NULL */
    const unsigned char *tag_in;   /* or NULL */
    unsigned char *tag;      /* or NULL */
    uint32_t *bk;            /* bucket of each value */
    uint32_t *count;         /* this half's count per bucket, then its next slot */
    size_t lo, hi;           /* rows (phases 1-2) or buckets (phase 3) */
    const uint32_t *start;   /* phase 3: bucket starts (B + 1) */
    double vmin, scale;
    size_t B;
    int phase, failed;
} vs_job;

static void vs_run(void *arg)
{
    vs_job *j = arg;
    if (j->phase == 1) {                       /* buckets, counted */
        memset(j->count, 0, (j->B + 1) * sizeof *j->count);
        for (size_t i = j->lo; i < j->hi; i++) {
            const double t = (j->v[i] - j->vmin) * j->scale;
            const uint32_t b = t < (double)(j->B - 1) ? (uint32_t)t : (uint32_t)(j->B - 1);
            j->bk[i] = b;
            j->count[b]++;
        }
    } else if (j->phase == 2) {                /* scattered */
        for (size_t i = j->lo; i < j->hi; i++) {
            const uint32_t pos = j->count[j->bk[i]]++;
            j->sv[pos] = j->v[i];
            if (j->ord) j->ord[pos] = i;
            if (j->tag) j->tag[pos] = j->tag_in[i];
        }
    } else {                                   /* buckets sorted */
        for (size_t b = j->lo; b < j->hi; b++) {
            const size_t s = j->start[b], m = j->start[b + 1] - s;
            if (m > 1 && sort_bucket(j->sv + s, j->ord ? j->ord + s : NULL, j->tag ? j->tag + s : NULL, m)) {
                j->failed = 1;
                return;
            }
        }
    }
}

int obs_value_sort(const double *v, size_t n, double *sv, size_t *ord, const unsigned char *tag_in,
                   unsigned char *tag, uint32_t *scratch)
{
    if (n == 0) return 0;
    double lo = INFINITY, hi = -INFINITY;
    int finite = n < UINT32_MAX;
    for (size_t i = 0; i < n && finite; i++) {
        const double x = v[i];
        finite = isfinite(x);
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    if (!finite) {   /* Inf or NaN (or 2^32 values): all of them by the radix sort */
        memcpy(sv, v, n * sizeof *sv);
        for (size_t i = 0; i < n; i++) {
            if (ord) ord[i] = i;
            if (tag) tag[i] = tag_in[i];
        }
        return sort_radix(sv, ord, tag, n);
    }
    const size_t B = n / 4 + 1;
    double scale = hi > lo ? (double)B / (hi - lo) : 0.0;
    if (!isfinite(scale)) scale = 0.0;   /* a range too narrow or too wide: one bucket */
    uint32_t *bk = scratch, *c0 = bk + n, *c1 = c0 + B + 1, *start = c1 + B + 1;
    const int threads = n >= 100000 ? obs_parallel_threads() : 1;
    vs_job job[2];
    void *args[2] = {&job[0], &job[1]};
    for (int t = 0; t < 2; t++)
        job[t] = (vs_job){v, sv, ord, tag_in, tag, bk, t ? c1 : c0, t ? n / 2 : 0, t ? n : n / 2,
                          start, lo, scale, B, 1, 0};
    obs_parallel_run(vs_run, args, 2, threads);
    /* bucket b: the first half's rows at [start[b], + c0[b]), the second's after */
    size_t sum = 0;
    for (size_t b = 0; b < B; b++) {
        const uint32_t a = c0[b], d = c1[b];
        start[b] = (uint32_t)sum;
        c0[b] = (uint32_t)sum;
        c1[b] = (uint32_t)(sum + a);
        sum += (size_t)a + d;
    }
    start[B] = (uint32_t)sum;
    job[0].phase = job[1].phase = 2;
    obs_parallel_run(vs_run, args, 2, threads);
    /* the buckets in two runs, cut at the middle value */
    size_t mid = 0;
    while (mid < B && start[mid] < n / 2) mid++;
    job[0].phase = job[1].phase = 3;
    job[0].lo = 0; job[0].hi = mid;
    job[1].lo = mid; job[1].hi = B;
    obs_parallel_run(vs_run, args, 2, threads);
    return (job[0].failed || job[1].failed) ? -1 : 0;
}
