/*
 * cox_sort.c — a stable LSD radix sort of (key, index) pairs, used to put
 * a million rows in stop-time order in a few passes instead of an O(n log n)
 * comparison sort (Knuth, TAOCP vol. 3, sec. 5.2.5; 8- or 16-bit digits, a
 * pass is skipped when every key has the same digit).  Doubles map to unsigned
 * keys that sort the same way: flip every bit of a negative number, only
 * the sign bit of a non-negative one (IEEE 754 order; -0 before +0).
 */
#include <stdlib.h>
#include <string.h>
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

int cox_radix_sort_buf(uint64_t *key, size_t *idx, size_t n, uint64_t *kbuf, size_t *ibuf)
{
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
