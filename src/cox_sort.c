/*
 * cox_sort.c — a stable LSD radix sort of (key, index) pairs, used to put
 * a million rows in stop-time order in a few passes instead of an O(n log n)
 * comparison sort (Knuth, TAOCP vol. 3, sec. 5.2.5; 16-bit digits, a pass
 * is skipped when every key has the same digit).  Doubles map to unsigned
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
    uint64_t *k2 = malloc((n + 1) * sizeof *k2);
    size_t *i2 = malloc((n + 1) * sizeof *i2);
    size_t *count = malloc(65536 * sizeof *count);
    if (!k2 || !i2 || !count) { free(k2); free(i2); free(count); return -1; }
    uint64_t *ks = key, *kd = k2;
    size_t *is = idx, *id = i2;
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++) count[(ks[i] >> shift) & 0xffff]++;
        if (n && count[(ks[0] >> shift) & 0xffff] == n) continue;   /* one digit: nothing to do */
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) { size_t c = count[d]; count[d] = sum; sum += c; }
        for (size_t i = 0; i < n; i++) {
            size_t pos = count[(ks[i] >> shift) & 0xffff]++;
            kd[pos] = ks[i];
            id[pos] = is[i];
        }
        uint64_t *tk = ks; ks = kd; kd = tk;
        size_t *ti = is; is = id; id = ti;
    }
    if (ks != key) { memcpy(key, ks, n * sizeof *key); memcpy(idx, is, n * sizeof *idx); }
    free(k2); free(i2); free(count);
    return 0;
}
