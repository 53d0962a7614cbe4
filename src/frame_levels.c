/*
 * frame_levels.c — factor levels and their names, as R makes them.
 *
 * R's factor(x) for a numeric x takes the sorted distinct values and names
 * them with as.character(), which prints 15 significant digits in fixed or
 * scientific notation, whichever is narrower (fixed on a tie):
 *     1e5 -> "1e+05", 123456 -> "123456", 1e-4 -> "1e-04", 0.00012 -> "0.00012",
 *     0.1 + 0.2 -> "0.3", 1/3 -> "0.333333333333333".
 * The rule is R's formatReal (src/main/format.c) with digits = 15 and
 * scipen = 0: with nsig significant digits and decimal exponent e,
 *     fixed width  = neg + max(e + 1, 1) + (rgt ? rgt + 1 : 0),  rgt = max(0, nsig - e - 1)
 *     sci width    = neg + nsig + (nsig > 1) + (|e| >= 100 ? 5 : 4).
 * Verified against R 4.2.2 as.character() (tests/golden/frame/numbers.tsv).
 *
 * A numeric column whose every value is a whole number within int range is
 * what read.csv makes an integer vector; its levels print as integers
 * ("100000", not "1e+05"), as R's as.character does for integers.
 *
 * Cross-classification (groups and strata) follows survival's strata():
 * the first variable is the most significant, only occurring combinations
 * are kept, numbered in key order.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame_internal.h"

void obs_format_number_r(double x, char *buf, size_t size)
{
    if (size == 0) return;
    if (isnan(x)) { snprintf(buf, size, "NaN"); return; }
    if (isinf(x)) { snprintf(buf, size, x > 0 ? "Inf" : "-Inf"); return; }
    if (x == 0) { snprintf(buf, size, "0"); return; }
    char m[64];
    snprintf(m, sizeof m, "%.14e", x);          /* [-]d.dddddddddddddde[+-]xx */
    const char *p = m;
    int neg = 0;
    if (*p == '-') { neg = 1; p++; }
    const char *e = strchr(p, 'e');
    int kp = atoi(e + 1);
    /* significant digits: d + 14 decimals, trailing zeros removed */
    int nsig = 15;
    const char *last = e - 1;
    while (nsig > 1 && *last == '0') { nsig--; last--; }
    int rgt = nsig - kp - 1;
    if (rgt < 0) rgt = 0;
    int left = kp >= 0 ? kp + 1 : 1;
    int wf = neg + left + (rgt ? rgt + 1 : 0);
    int we = neg + nsig + (nsig > 1) + (kp >= 100 || kp <= -100 ? 5 : 4);
    if (wf <= we) snprintf(buf, size, "%.*f", rgt, x);
    else snprintf(buf, size, "%.*e", nsig - 1, x);
}

size_t obs_utf8_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) w++;
    return w;
}

static double value_of(const obs_column *c, size_t row, int islog)
{
    double v = c->num[row];
    return islog ? log(v) : v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void obs_levelset_free(obs_levelset *ls)
{
    if (!ls) return;
    if (ls->names)
        for (size_t k = 0; k < ls->nlev; k++) free(ls->names[k]);
    free(ls->names);
    free(ls->map);
    free(ls->uvals);
    free(ls->umap);
    memset(ls, 0, sizeof *ls);
}

obs_status obs_levelset_build(obs_levelset *ls, const obs_column *c, size_t nrow,
                              const size_t *rows, size_t m, int islog, obs_error *err)
{
    memset(ls, 0, sizeof *ls);
    size_t count = rows ? m : nrow;
    if (c->type == OBS_COL_FACTOR) {
        ls->map = malloc((c->nlevels + 1) * sizeof(int));
        if (!ls->map) goto nomem;
        for (size_t k = 0; k < c->nlevels; k++) ls->map[k] = 0;
        for (size_t r = 0; r < count; r++) {
            size_t i = rows ? rows[r] : r;
            int code = c->codes[i];
            if (code >= 0 && (size_t)code < c->nlevels && !(c->missing && c->missing[i]))
                ls->map[code] = 1;
        }
        size_t nlev = 0;
        for (size_t k = 0; k < c->nlevels; k++) nlev += ls->map[k] != 0;
        ls->names = calloc(nlev + 1, sizeof(char *));
        if (!ls->names) goto nomem;
        for (size_t k = 0; k < c->nlevels; k++) {
            if (!ls->map[k]) { ls->map[k] = -1; continue; }
            ls->names[ls->nlev] = strdup(c->levels[k]);
            if (!ls->names[ls->nlev]) goto nomem;
            ls->map[k] = (int)ls->nlev++;
        }
        return OBS_OK;
    }
    /* numeric: the distinct values of the scope.  A grouping column has
     * few: found by one scan against a short list (the first of equal
     * values kept, as the stable sort below keeps it; each value compared
     * with every entry, no early exit: a 0/1 column in random order would
     * make that branch mispredict), sorting only those; beyond FEW_LEVELS
     * distinct values, all the values are copied and sorted */
    enum { FEW_LEVELS = 32 };
    double few[FEW_LEVELS];
    size_t nf = 0, nu = 0;
    const unsigned char *miss = c->all_finite ? NULL : c->missing;
    for (size_t r = 0; r < count && nf <= FEW_LEVELS; r++) {
        size_t i = rows ? rows[r] : r;
        if (miss ? miss[i] : isnan(c->num[i])) continue;
        const double v = value_of(c, i, islog);
        unsigned hit = 0;
        for (size_t q = 0; q < nf; q++) hit |= (unsigned)(few[q] == v);
        if (!hit) {
            if (nf == FEW_LEVELS) { nf++; break; }
            few[nf++] = v;
        }
    }
    ls->uvals = malloc(((nf <= FEW_LEVELS ? nf : count) + 1) * sizeof(double));
    if (!ls->uvals) goto nomem;
    if (nf <= FEW_LEVELS) {
        qsort(few, nf, sizeof(double), cmp_double);
        memcpy(ls->uvals, few, nf * sizeof(double));
        nu = nf;
    } else {
        size_t nv = 0;
        for (size_t r = 0; r < count; r++) {
            size_t i = rows ? rows[r] : r;
            if (miss ? miss[i] : isnan(c->num[i])) continue;
            ls->uvals[nv++] = value_of(c, i, islog);
        }
        qsort(ls->uvals, nv, sizeof(double), cmp_double);
        for (size_t k = 0; k < nv; k++)
            if (nu == 0 || ls->uvals[k] != ls->uvals[nu - 1]) ls->uvals[nu++] = ls->uvals[k];
    }
    ls->nuvals = nu;
    /* read.csv makes a column of whole numbers (within int range) an integer
     * vector, and as.character() of an integer never uses an exponent:
     * 100000L -> "100000", while 1e5 (double) -> "1e+05". */
    int integer = !islog;
    for (size_t i = 0; i < nrow && integer; i++) {
        double v = c->num[i];
        if ((miss && miss[i]) || isnan(v)) continue;
        /* a whole number in int range: its int64 truncation is itself (no
         * call to floor) */
        integer = fabs(v) <= 2147483647.0 && v == (double)(int64_t)v;
    }
    ls->umap = malloc((nu + 1) * sizeof(int));
    ls->names = calloc(nu + 1, sizeof(char *));
    if (!ls->umap || !ls->names) goto nomem;
    for (size_t k = 0; k < nu; k++) {
        char buf[64];
        if (integer) snprintf(buf, sizeof buf, "%.0f", ls->uvals[k] == 0 ? 0.0 : ls->uvals[k]);
        else obs_format_number_r(ls->uvals[k], buf, sizeof buf);
        /* equal names are adjacent in numeric order: one level */
        if (ls->nlev > 0 && strcmp(ls->names[ls->nlev - 1], buf) == 0) {
            ls->umap[k] = (int)ls->nlev - 1;
            continue;
        }
        ls->names[ls->nlev] = strdup(buf);
        if (!ls->names[ls->nlev]) goto nomem;
        ls->umap[k] = (int)ls->nlev++;
    }
    return OBS_OK;
nomem:
    obs_levelset_free(ls);
    return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
}

/* Level of table row `row` of column c (not missing), or -1 when its value
 * is outside the set. */
static inline int level_code(const obs_levelset *ls, const obs_column *c, size_t row, int islog)
{
    if (c->type == OBS_COL_FACTOR) {
        int code = c->codes[row];
        if (code < 0 || (size_t)code >= c->nlevels) return -1;
        return ls->map[code];
    }
    double v = value_of(c, row, islog);
    size_t lo = 0, hi = ls->nuvals;
    if (hi <= 16) {
        /* few levels: the position by counting, without branches (a
         * binary search on a random 0/1 column mispredicts every other row) */
        for (size_t k = 0; k < hi; k++) lo += ls->uvals[k] < v;
    } else {
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (ls->uvals[mid] < v) lo = mid + 1;
            else hi = mid;
        }
    }
    if (lo < ls->nuvals && ls->uvals[lo] == v) return ls->umap[lo];
    return -1;
}

void obs_levelset_code_rows(const obs_levelset *ls, const obs_column *c, const size_t *rows, size_t n,
                            int islog, int *out)
{
    if (rows)
        for (size_t r = 0; r < n; r++) out[r] = level_code(ls, c, rows[r], islog);
    else
        for (size_t r = 0; r < n; r++) out[r] = level_code(ls, c, r, islog);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

obs_status obs_cross_classify(size_t n, size_t nvar, int *const *codes, const size_t *nlev,
                              int *out, size_t *ncombos, int **digits, obs_error *err)
{
    *ncombos = 0;
    *digits = NULL;
    uint64_t radix = 1;
    for (size_t v = 0; v < nvar; v++) {
        if (nlev[v] == 0) continue;
        if (radix > UINT64_MAX / 2 / nlev[v])
            return obs_error_set(err, OBS_EUSAGE,
                                 "model frame: too many combinations of groups to cross-classify");
        radix *= nlev[v];
    }
    if (radix <= 4 * (uint64_t)n + 1024) {
        /* few possible combinations: mark and number them in key order
         * directly (one pass, no sort) */
        int *slot = malloc((size_t)radix * sizeof(int));
        if (!slot) return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
        for (uint64_t k = 0; k < radix; k++) slot[k] = -1;
        for (size_t i = 0; i < n; i++) {
            uint64_t k = 0;
            for (size_t v = 0; v < nvar; v++) k = k * nlev[v] + (uint64_t)codes[v][i];
            slot[k] = 0;
        }
        size_t nu = 0;
        for (uint64_t k = 0; k < radix; k++)
            if (slot[k] == 0) slot[k] = (int)nu++;
        int *d = malloc((nu * nvar + 1) * sizeof(int));
        if (!d) {
            free(slot);
            return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
        }
        for (uint64_t k = 0; k < radix; k++) {
            if (slot[k] < 0) continue;
            uint64_t rest = k;
            for (size_t v = nvar; v-- > 0;) {
                d[(size_t)slot[k] * nvar + v] = (int)(rest % nlev[v]);
                rest /= nlev[v];
            }
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t k = 0;
            for (size_t v = 0; v < nvar; v++) k = k * nlev[v] + (uint64_t)codes[v][i];
            out[i] = slot[k];
        }
        free(slot);
        *ncombos = nu;
        *digits = d;
        return OBS_OK;
    }
    uint64_t *key = malloc((n + 1) * sizeof(uint64_t));
    uint64_t *ukey = malloc((n + 1) * sizeof(uint64_t));
    if (!key || !ukey) {
        free(key);
        free(ukey);
        return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t k = 0;
        for (size_t v = 0; v < nvar; v++) k = k * nlev[v] + (uint64_t)codes[v][i];
        key[i] = ukey[i] = k;
    }
    qsort(ukey, n, sizeof(uint64_t), cmp_u64);
    size_t nu = 0;
    for (size_t i = 0; i < n; i++)
        if (nu == 0 || ukey[i] != ukey[nu - 1]) ukey[nu++] = ukey[i];
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = nu;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (ukey[mid] < key[i]) lo = mid + 1;
            else hi = mid;
        }
        out[i] = (int)lo;
    }
    int *d = malloc((nu * nvar + 1) * sizeof(int));
    if (!d) {
        free(key);
        free(ukey);
        return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
    }
    for (size_t k = 0; k < nu; k++) {
        uint64_t rest = ukey[k];
        for (size_t v = nvar; v-- > 0;) {
            d[k * nvar + v] = (int)(rest % nlev[v]);
            rest /= nlev[v];
        }
    }
    free(key);
    free(ukey);
    *ncombos = nu;
    *digits = d;
    return OBS_OK;
}
