/*
 * auc.c — the area under the ROC curve (the c-statistic of a logistic
 * fit): the Mann-Whitney estimate
 *     AUC = (sum of the midranks of the y = 1 scores - n1 (n1 + 1) / 2) / (n1 n0),
 * where a tie between a y = 1 and a y = 0 score counts 1/2 (Hanley and
 * McNeil 1982).  Only the ranks matter, so the scores are put in order by
 * buckets of value: one bucket per few scores, the bucket of a score
 * floor((s - min) * B / (max - min)) (monotone in s: a difference and a
 * product by a positive number keep the order of their arguments under
 * rounding), then each small bucket is sorted in place.  A tie group never
 * spans two buckets (equal values fall in the same bucket).  The rank sum
 * is a sum of half-integers, exact while below 2^53 (up to about 10^8
 * scores); the buckets are cut in two halves at the middle score whatever
 * the number of threads, so one or two threads give the same bits.  Scores
 * that are not all
 * finite, or buckets that stay large, are sorted by the radix sort of
 * cox_sort.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/logit.h"
#include "obsurv/parallel.h"
#include "cox_internal.h"

/* A bucket with more scores than this is sorted by the radix sort. */
#define BUCKET_INSERTION_MAX 48

/* The rank sum of the y = 1 scores among the m sorted scores v (with
 * outcomes yb), v[0] holding global rank base + 1; and their count. */
static double rank_sum_sorted(const double *v, const unsigned char *yb, size_t m, size_t base,
                              double *n1)
{
    double rs = 0, c1 = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i + 1;
        while (j < m && v[j] == v[i]) j++;    /* -0 == +0 */
        double k1 = 0;
        for (size_t k = i; k < j; k++) k1 += yb[k];
        /* ranks base + i + 1 .. base + j: midrank */
        rs += k1 * (0.5 * ((double)(base + i) + 1 + (double)(base + j)));
        c1 += k1;
        i = j;
    }
    *n1 += c1;
    return rs;
}

/* Sort v (with yb) of length m ascending: insertion sort when short, the
 * radix sort on order-preserving keys otherwise (kbuf, ibuf: 2 (m + 1)
 * words each, or NULL to allocate).  Returns -1 when out of memory. */
static int sort_bucket(double *v, unsigned char *yb, size_t m)
{
    if (m <= BUCKET_INSERTION_MAX) {
        for (size_t i = 1; i < m; i++) {
            const double x = v[i];
            const unsigned char t = yb[i];
            size_t j = i;
            for (; j > 0 && v[j - 1] > x; j--) { v[j] = v[j - 1]; yb[j] = yb[j - 1]; }
            v[j] = x;
            yb[j] = t;
        }
        return 0;
    }
    uint64_t *key = malloc(2 * (m + 1) * sizeof *key);
    size_t *idx = malloc(2 * (m + 1) * sizeof *idx);
    double *vc = malloc(m * sizeof *vc);
    unsigned char *yc = malloc(m);
    int rc = -1;
    if (key && idx && vc && yc) {
        for (size_t i = 0; i < m; i++) { key[i] = cox_double_key(v[i]); idx[i] = i; }
        memcpy(vc, v, m * sizeof *vc);
        memcpy(yc, yb, m);
        rc = cox_radix_sort_buf(key, idx, m, key + m + 1, idx + m + 1);
        if (rc == 0)
            for (size_t i = 0; i < m; i++) { v[i] = vc[idx[i]]; yb[i] = yc[idx[i]]; }
    }
    free(key); free(idx); free(vc); free(yc);
    return rc;
}

/* The general route: every score's order-preserving key radix-sorted
 * (the outcome in the low bit of the index, 2 i + y); -0 and +0 (adjacent
 * keys) taken as equal. */
static double auc_radix(const double *s, const double *y, const unsigned char *mask, size_t n)
{
    const size_t cap = n ? n : 1;
    uint64_t *key = malloc(2 * (cap + 1) * sizeof *key);
    size_t *idx = malloc(2 * (cap + 1) * sizeof *idx);
    double auc = NAN;
    size_t m = 0;
    if (!key || !idx) goto done;
    for (size_t i = 0; i < n; i++)
        if (!mask || mask[i]) { key[m] = cox_double_key(s[i]); idx[m] = 2 * i + (y[i] > 0.5); m++; }
    if (cox_radix_sort_buf(key, idx, m, key + cap + 1, idx + cap + 1)) goto done;
    const uint64_t neg0 = (uint64_t)INT64_MAX, pos0 = neg0 + 1;   /* keys of -0, +0 */
    double n1 = 0, n0 = 0, rank_sum = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i + 1;
        while (j < m && (key[j] == key[i] || (key[i] == neg0 && key[j] == pos0))) j++;
        double midrank = 0.5 * ((double)i + 1 + (double)j);   /* ranks i+1..j */
        for (size_t k = i; k < j; k++) {
            if (idx[k] & 1) { n1++; rank_sum += midrank; } else n0++;
        }
        i = j;
    }
    if (n1 > 0 && n0 > 0) auc = (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0);
done:
    free(key);
    free(idx);
    return auc;
}

/* One thread's share of the buckets [b0, b1): sort each, add its rank sum. */
typedef struct {
    double *v;
    unsigned char *yb;
    const uint32_t *start;       /* B + 1 bucket starts */
    size_t b0, b1;
    double rank_sum, n1;
    int failed;
} bucket_job;

static void bucket_job_run(void *arg)
{
    bucket_job *j = arg;
    for (size_t b = j->b0; b < j->b1; b++) {
        const size_t lo = j->start[b], m = j->start[b + 1] - lo;
        if (m == 0) continue;
        if (sort_bucket(j->v + lo, j->yb + lo, m)) { j->failed = 1; return; }
        j->rank_sum += rank_sum_sorted(j->v + lo, j->yb + lo, m, lo, &j->n1);
    }
}

double obs_auc(const double *s, const double *y, const unsigned char *mask, size_t n)
{
    size_t m = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (mask && !mask[i]) continue;
        const double v = s[i];
        if (!isfinite(v)) return auc_radix(s, y, mask, n);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        m++;
    }
    if (m == 0 || m > UINT32_MAX - 1) return m ? auc_radix(s, y, mask, n) : NAN;
    /* about 4 scores per bucket */
    const size_t B = m / 4 + 1;
    double scale = hi > lo ? (double)B / (hi - lo) : 0.0;
    if (!isfinite(scale)) scale = 0.0;   /* a range too narrow or too wide: one bucket */
    uint32_t *bk = malloc(m * sizeof *bk), *start = calloc(B + 1, sizeof *start);
    double *v = malloc(m * sizeof *v);
    unsigned char *yb = malloc(m);
    double auc = NAN;
    if (!bk || !start || !v || !yb) goto done;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (mask && !mask[i]) continue;
        const double t = (s[i] - lo) * scale;
        const size_t b = t < (double)(B - 1) ? (size_t)t : B - 1;
        bk[k++] = (uint32_t)b;
        start[b + 1]++;
    }
    for (size_t b = 0; b < B; b++) start[b + 1] += start[b];
    /* scatter in bucket order (start[b] runs up to the next bucket's
     * start, then back by one pass of the counts) */
    k = 0;
    for (size_t i = 0; i < n; i++) {
        if (mask && !mask[i]) continue;
        const uint32_t pos = start[bk[k++]]++;
        v[pos] = s[i];
        yb[pos] = y[i] > 0.5;
    }
    for (size_t b = B; b > 0; b--) start[b] = start[b - 1];
    start[0] = 0;
    /* two threads take the buckets before and after the middle score */
    size_t mid = 0;
    while (mid < B && start[mid] < m / 2) mid++;
    bucket_job jobs[2] = {{v, yb, start, 0, mid, 0, 0, 0}, {v, yb, start, mid, B, 0, 0, 0}};
    void *args[2] = {&jobs[0], &jobs[1]};
    obs_parallel_run(bucket_job_run, args, 2, m >= 100000 ? obs_parallel_threads() : 1);
    if (jobs[0].failed || jobs[1].failed) goto done;
    const double n1 = jobs[0].n1 + jobs[1].n1, n0 = (double)m - n1;
    const double rank_sum = jobs[0].rank_sum + jobs[1].rank_sum;
    if (n1 > 0 && n0 > 0) auc = (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0);
done:
    free(bk); free(start); free(v); free(yb);
    return auc;
}
