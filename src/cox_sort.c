/*
 * cox_sort.c — a stable LSD radix sort of (key, index) pairs, used to put
 * a million rows in stop-time order in a few passes instead of an O(n log n)
 * comparison sort (Knuth, TAOCP vol. 3, sec. 5.2.5; 8- or 16-bit digits, a
 * pass is skipped when every key has the same digit).  Doubles map to unsigned
 * keys that sort the same way: flip every bit of a negative number, only
 * the sign bit of a non-negative one (IEEE 754 order; -0 before +0).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/parallel.h"
#include "cox_internal.h"

uint64_t cox_double_key(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : (u | (UINT64_C(1) << 63));
}

int cox_radix_sort(uint64_t *key, size_t *idx, size_t n)
{
    return cox_radix_sort_buf(key, idx, n, NULL, NULL);
}

/* One half of a two-thread pass: [lo, hi) of the source. */
typedef struct {
    const uint64_t *ks;
    const size_t *is;
    uint64_t *kd;
    size_t *id;
    size_t lo, hi;
    int shift;
    size_t *count;          /* 2^16: the half's digit counts, then its offsets */
    int scatter;            /* 0: count, 1: scatter */
} sort_half;

#define PAR_BITS 16
#define PAR_MASK ((UINT64_C(1) << PAR_BITS) - 1)

static void sort_half_run(void *arg)
{
    sort_half *h = arg;
    const int shift = h->shift;
    size_t *c = h->count;
    if (!h->scatter) {
        memset(c, 0, ((size_t)1 << PAR_BITS) * sizeof *c);
        for (size_t i = h->lo; i < h->hi; i++) c[(h->ks[i] >> shift) & PAR_MASK]++;
        return;
    }
    for (size_t i = h->lo; i < h->hi; i++) {
        const size_t pos = c[(h->ks[i] >> shift) & PAR_MASK]++;
        h->kd[pos] = h->ks[i];
        h->id[pos] = h->is[i];
    }
}

/* The sort on two threads, 16-bit digits: in each pass each half of the
 * source counts its digits, the first half's keys of digit v go to
 * [sum of all counts below v, + its count), the second half's right after
 * them, so each half scatters on its own and the order is the one-thread
 * stable order (the same permutation: a stable sort's result is unique). */
static int radix_sort_2(uint64_t *key, size_t *idx, size_t n, uint64_t *k2, size_t *i2)
{
    const size_t nd = (size_t)1 << PAR_BITS;
    size_t *count = malloc(2 * nd * sizeof *count);
    if (!count) return -1;
    uint64_t *ks = key, *kd = k2;
    size_t *is = idx, *id = i2;
    sort_half h[2];
    void *args[2] = {&h[0], &h[1]};
    /* the digits that differ somewhere: the others need no pass */
    uint64_t lo_and = ~UINT64_C(0), hi_or = 0;
    for (size_t i = 0; i < n; i++) { lo_and &= key[i]; hi_or |= key[i]; }
    const uint64_t differ = lo_and ^ hi_or;
    for (int shift = 0; shift < 64; shift += PAR_BITS) {
        if (!((differ >> shift) & PAR_MASK)) continue;
        for (int t = 0; t < 2; t++)
            h[t] = (sort_half){ks, is, kd, id, t ? n / 2 : 0, t ? n : n / 2, shift, count + t * nd, 0};
        obs_parallel_run(sort_half_run, args, 2, 2);
        size_t sum = 0;
        for (size_t v = 0; v < nd; v++) {
            const size_t c0 = count[v], c1 = count[nd + v];
            count[v] = sum;
            count[nd + v] = sum + c0;
            sum += c0 + c1;
        }
        h[0].scatter = h[1].scatter = 1;
        obs_parallel_run(sort_half_run, args, 2, 2);
        uint64_t *tk = ks; ks = kd; kd = tk;
        size_t *ti = is; is = id; id = ti;
    }
    if (ks != key) { memcpy(key, ks, n * sizeof *key); memcpy(idx, is, n * sizeof *idx); }
    free(count);
    return 0;
}

/* Inputs of at least this many keys are sorted on two threads when there
 * are two. */
#define TWO_THREADS_MIN_KEYS ((size_t)1 << 17)

int cox_radix_sort_buf(uint64_t *key, size_t *idx, size_t n, uint64_t *kbuf, size_t *ibuf)
{
    if (n >= TWO_THREADS_MIN_KEYS && obs_parallel_threads() >= 2) {
        uint64_t *k2 = kbuf ? kbuf : malloc((n + 1) * sizeof *k2);
        size_t *i2 = ibuf ? ibuf : malloc((n + 1) * sizeof *i2);
        int rc = (k2 && i2) ? radix_sort_2(key, idx, n, k2, i2) : -1;
        if (!kbuf) free(k2);
        if (!ibuf) free(i2);
        if (rc == 0) return 0;
        if (!kbuf || !ibuf) return -1;
        /* out of memory for the counts: the one-thread sort below */
    }
    /* digit width: 8 bits for small inputs (2 KB count tables per digit,
     * no allocation), 16 for large ones (four passes; measured faster than
     * six of 11 bits at a million rows); the counts of every digit are
     * taken in one read of the keys, and a pass is skipped when every key
     * has the same digit.  A stable sort's result does not depend on the
     * digit width. */
    const int bits = n < ((size_t)1 << 16) ? 8 : 16;
    const int ndig = 64 / bits;
    const size_t nd = (size_t)1 << bits;
    const uint64_t mask = nd - 1;
    uint64_t *k2 = kbuf ? kbuf : malloc((n + 1) * sizeof *k2);
    size_t *i2 = ibuf ? ibuf : malloc((n + 1) * sizeof *i2);
    size_t small[8 << 8];
    size_t *count = bits == 8 ? small : malloc((size_t)ndig * nd * sizeof *count);
    if (!k2 || !i2 || !count) {
        if (!kbuf) free(k2);
        if (!ibuf) free(i2);
        if (count != small) free(count);
        return -1;
    }
    memset(count, 0, (size_t)ndig * nd * sizeof *count);
    for (size_t i = 0; i < n; i++) {
        const uint64_t k = key[i];
        for (int d = 0; d < ndig; d++) count[(size_t)d * nd + ((k >> (d * bits)) & mask)]++;
    }
    uint64_t *ks = key, *kd = k2;
    size_t *is = idx, *id = i2;
    for (int d = 0; d < ndig; d++) {
        const int shift = d * bits;
        size_t *c = count + (size_t)d * nd;
        if (n && c[(ks[0] >> shift) & mask] == n) continue;   /* one digit: nothing to do */
        size_t sum = 0;
        for (size_t v = 0; v < nd; v++) { size_t t = c[v]; c[v] = sum; sum += t; }
        for (size_t i = 0; i < n; i++) {
            size_t pos = c[(ks[i] >> shift) & mask]++;
            kd[pos] = ks[i];
            id[pos] = is[i];
        }
        uint64_t *tk = ks; ks = kd; kd = tk;
        size_t *ti = is; is = id; id = ti;
    }
    if (ks != key) { memcpy(key, ks, n * sizeof *key); memcpy(idx, is, n * sizeof *idx); }
    if (!kbuf) free(k2);
    if (!ibuf) free(i2);
    if (count != small) free(count);
    return 0;
}

/* The integer k and the scale 10^d of a decimal time (see cox_decimal_sort). */
#define DECIMAL_MAX_RANGE ((int64_t)1 << 20)

/* One half [lo, hi) of the decimal counting sort: phase 0 the keys and
 * their counts, phase 1 the scatter into ibuf from the half's offsets,
 * phase 2 ibuf[lo, hi) copied back into idx. */
typedef struct {
    size_t *idx;
    const double *t;
    uint32_t *key;
    size_t *ibuf, *count;
    size_t lo, hi;
    double s;
    int64_t klo, khi;
    int desc, phase;
} dec_half;

static void dec_half_run(void *arg)
{
    dec_half *h = arg;
    if (h->phase == 0) {
        for (size_t k = h->lo; k < h->hi; k++) {
            const int64_t ki = (int64_t)cox_round_int(h->t[h->idx[k]] * h->s);
            const uint32_t b = (uint32_t)(h->desc ? h->khi - ki : ki - h->klo);
            h->key[k] = b;
            h->count[b]++;
        }
    } else if (h->phase == 1) {
        for (size_t k = h->lo; k < h->hi; k++) h->ibuf[h->count[h->key[k]]++] = h->idx[k];
    } else {
        memcpy(h->idx + h->lo, h->ibuf + h->lo, (h->hi - h->lo) * sizeof *h->idx);
    }
}

int cox_decimal_range(const size_t *idx, size_t n, const double *t, double *scale_out, int64_t *lo_out,
                      int64_t *hi_out)
{
    static const double scale[4] = {1.0, 10.0, 100.0, 1000.0};
    int d;
    int64_t lo = 0, hi = 0;
    if (n == 0) return 0;
    for (d = 0; d < 4; d++) {
        const double s = scale[d];
        int ok = 1;
        lo = INT64_MAX; hi = INT64_MIN;
        for (size_t k = 0; k < n && ok; k++) {
            const double v = t[idx ? idx[k] : k], x = v * s;
            /* |x| < 2^31, and v the double nearest x / s, +0 only (-0 sorts
             * apart from +0 in the radix order) */
            if (!(fabs(x) < 2147483648.0)) { ok = 0; break; }
            const double r = cox_round_int(x);
            if (r / s != v || (v == 0 && signbit(v))) { ok = 0; break; }
            const int64_t ki = (int64_t)r;
            lo = ki < lo ? ki : lo;
            hi = ki > hi ? ki : hi;
        }
        if (ok) break;
    }
    if (d == 4 || hi - lo >= DECIMAL_MAX_RANGE) return 0;
    *scale_out = scale[d];
    *lo_out = lo;
    *hi_out = hi;
    return 1;
}

int cox_decimal_sort(size_t *idx, size_t n, const double *t, int desc, uint32_t *key, size_t *ibuf)
{
    double sc;
    int64_t lo, hi;
    if (!cox_decimal_range(idx, n, t, &sc, &lo, &hi)) return 0;
    const size_t range = (size_t)(hi - lo) + 1;
    /* two halves of idx at once when large (each counts its keys; the first
     * half's entries of a key go first, so the order is the one-thread
     * stable order), then the copy back likewise */
    const int two = n >= TWO_THREADS_MIN_KEYS && range <= n && obs_parallel_threads() >= 2;
    size_t *count = calloc(2 * (range + 1), sizeof *count);
    if (!count) return -1;
    dec_half h[2];
    void *args[2] = {&h[0], &h[1]};
    for (int c = 0; c < 2; c++)
        h[c] = (dec_half){idx, t, key, ibuf, count + c * (range + 1), c ? n / 2 : 0, c ? n : n / 2,
                          sc, lo, hi, desc, 0};
    obs_parallel_run(dec_half_run, args, 2, two ? 2 : 1);
    size_t sum = 0;
    for (size_t b = 0; b < range; b++) {
        const size_t c0 = h[0].count[b], c1 = h[1].count[b];
        h[0].count[b] = sum;
        h[1].count[b] = sum + c0;
        sum += c0 + c1;
    }
    for (int c = 0; c < 2; c++) h[c].phase = 1;
    obs_parallel_run(dec_half_run, args, 2, two ? 2 : 1);
    for (int c = 0; c < 2; c++) h[c].phase = 2;
    obs_parallel_run(dec_half_run, args, 2, two ? 2 : 1);
    free(count);
    return 1;
}

int obs_surv_counts(size_t n, const double *time, const int *status, const int *strata, size_t S,
                    const int *group, size_t G, uint32_t **cnt, size_t *range_out, double *scale,
                    int64_t *lo)
{
    int64_t hi;
    *cnt = NULL;
    if (n == 0 || n >= UINT32_MAX || !cox_decimal_range(NULL, n, time, scale, lo, &hi)) return 0;
    const size_t range = (size_t)(hi - *lo) + 1;
    const size_t limit = (4 * n > ((size_t)1 << 16) ? 4 * n : ((size_t)1 << 16));
    if (S == 0 || G == 0 || range > limit / 2 / G / S) return 0;
    uint32_t *c = calloc(S * range * G * 2, sizeof *c);
    if (!c) return -1;
    const double sc = *scale;
    const int64_t l = *lo;
    for (size_t i = 0; i < n; i++) {
        const size_t k = (size_t)((int64_t)cox_round_int(time[i] * sc) - l);
        const size_t s = strata ? (size_t)strata[i] : 0, g = group ? (size_t)group[i] : 0;
        c[((s * range + k) * G + g) * 2 + (size_t)(status[i] != 0)]++;
    }
    *cnt = c;
    *range_out = range;
    return 1;
}
