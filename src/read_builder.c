/*
 * read_builder.c — column accumulator for the binary readers; see
 * read_builder.h for the typing rules.
 *
 * Worked example (haven::as_factor order): a Stata byte column with values
 * 3, ., 1, 5 and labels 1 "b", 2 "a", 3 "z" gives the key list sorted by
 * value 1 "b", 2 "a", 3 "z", 5 "5" (5 has no label, printed %.15g), so the
 * levels are b a z 5 and the codes 2, -1, 0, 3 — what
 * levels(haven::as_factor(labelled(c(3, NA, 1, 5), c(b=1, a=2, z=3)))) gives.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/frame.h"
#include "read_builder.h"

obs_status obs_builder_init(obs_builder *b, size_t ncol, const char *source, obs_error *err)
{
    memset(b, 0, sizeof *b);
    if (ncol > OBS_READ_MAX_COLS)
        return obs_error_set(err, OBS_EDATA, "%s: %zu columns is over the limit of %d", source, ncol,
                             OBS_READ_MAX_COLS);
    b->source = strdup(source);
    b->cols = calloc(ncol ? ncol : 1, sizeof *b->cols);
    if (!b->source || !b->cols) {
        obs_builder_free(b);
        return obs_error_set(err, OBS_ENOMEM, "%s: out of memory", source);
    }
    b->ncol = ncol;
    return OBS_OK;
}

static void column_free(obs_builder_column *c, size_t cap)
{
    free(c->name);
    free(c->label);
    free(c->num);
    if (c->str)
        for (size_t i = 0; i < cap; i++) free(c->str[i]);
    free(c->str);
    free(c->isint);
    free(c->missing);
    for (size_t l = 0; l < c->nlabels; l++) {
        free(c->labels[l].key_str);
        free(c->labels[l].text);
    }
    free(c->labels);
    memset(c, 0, sizeof *c);
}

void obs_builder_free(obs_builder *b)
{
    if (!b) return;
    if (b->cols)
        for (size_t j = 0; j < b->ncol; j++) column_free(&b->cols[j], b->cap);
    free(b->cols);
    free(b->source);
    memset(b, 0, sizeof *b);
}

obs_status obs_builder_set_name(obs_builder *b, size_t col, const char *name, const char *label,
                                obs_error *err)
{
    obs_builder_column *c = &b->cols[col];
    free(c->name);
    free(c->label);
    c->name = strdup(name ? name : "");
    c->label = label && *label ? strdup(label) : NULL;
    if (!c->name || (label && *label && !c->label))
        return obs_error_set(err, OBS_ENOMEM, "%s: out of memory", b->source);
    return OBS_OK;
}

/* Grow every column to hold newcap rows; new cells are missing. */
static obs_status grow(obs_builder *b, size_t newcap, obs_error *err)
{
    for (size_t j = 0; j < b->ncol; j++) {
        obs_builder_column *c = &b->cols[j];
        double *num = realloc(c->num, newcap * sizeof *num);
        if (num) c->num = num;
        unsigned char *miss = realloc(c->missing, newcap);
        if (miss) c->missing = miss;
        if (!num || !miss) goto nomem;
        for (size_t i = b->cap; i < newcap; i++) {
            c->num[i] = NAN;
            c->missing[i] = 1;
        }
        if (c->str) {
            char **str = realloc(c->str, newcap * sizeof *str);
            if (!str) goto nomem;
            c->str = str;
            memset(c->str + b->cap, 0, (newcap - b->cap) * sizeof *str);
        }
        if (c->isint) {
            unsigned char *isint = realloc(c->isint, newcap);
            if (!isint) goto nomem;
            c->isint = isint;
            memset(c->isint + b->cap, 0, newcap - b->cap);
        }
    }
    b->cap = newcap;
    return OBS_OK;
nomem:
    /* columns already grown keep their larger blocks; b->cap stays valid for all */
    return obs_error_set(err, OBS_ENOMEM, "%s: out of memory at %zu rows", b->source, newcap);
}

obs_status obs_builder_row(obs_builder *b, size_t row, obs_error *err)
{
    if (row >= b->cap) {
        size_t ncol = b->ncol ? b->ncol : 1;
        if (row >= OBS_READ_MAX_CELLS / ncol)
            return obs_error_set(err, OBS_EDATA, "%s: more than %zu cells (%zu columns): over the limit",
                                 b->source, OBS_READ_MAX_CELLS, b->ncol);
        size_t newcap = b->cap ? b->cap : 64;
        while (newcap <= row) newcap *= 2;
        if (newcap > OBS_READ_MAX_CELLS / ncol) newcap = OBS_READ_MAX_CELLS / ncol;
        obs_status rc = grow(b, newcap, err);
        if (rc) return rc;
    }
    if (row + 1 > b->nrow) b->nrow = row + 1;
    return OBS_OK;
}

void obs_builder_set_num(obs_builder *b, size_t row, size_t col, double v)
{
    obs_builder_column *c = &b->cols[col];
    c->num[row] = v;
    c->missing[row] = isnan(v) ? 1 : 0;
}

obs_status obs_builder_set_int(obs_builder *b, size_t row, size_t col, int64_t v, obs_error *err)
{
    obs_builder_column *c = &b->cols[col];
    if (!c->isint && !(c->isint = calloc(b->cap ? b->cap : 1, 1)))
        return obs_error_set(err, OBS_ENOMEM, "%s: out of memory", b->source);
    c->num[row] = (double)v;
    c->isint[row] = 1;
    c->missing[row] = 0;
    return OBS_OK;
}

void obs_builder_set_missing(obs_builder *b, size_t row, size_t col)
{
    obs_builder_column *c = &b->cols[col];
    c->num[row] = NAN;
    c->missing[row] = 1;
    if (c->str) {
        free(c->str[row]);
        c->str[row] = NULL;
    }
}

obs_status obs_builder_set_text(obs_builder *b, size_t row, size_t col, const char *s, size_t len,
                                obs_error *err)
{
    obs_builder_column *c = &b->cols[col];
    c->has_text = 1;
    if (len == 0) {
        obs_builder_set_missing(b, row, col);
        return OBS_OK;
    }
    if (len > OBS_READ_MAX_STRING)
        return obs_error_set(err, OBS_EDATA, "%s: row %zu: column \"%s\": text value of %zu bytes is over the limit",
                             b->source, row + 1, c->name ? c->name : "", len);
    if (memchr(s, '\0', len))
        return obs_error_set(err, OBS_EDATA, "%s: row %zu: column \"%s\": text value contains a NUL byte",
                             b->source, row + 1, c->name ? c->name : "");
    if (!c->str && !(c->str = calloc(b->cap ? b->cap : 1, sizeof *c->str)))
        return obs_error_set(err, OBS_ENOMEM, "%s: out of memory", b->source);
    char *copy = malloc(len + 1);
    if (!copy) return obs_error_set(err, OBS_ENOMEM, "%s: out of memory", b->source);
    memcpy(copy, s, len);
    copy[len] = '\0';
    free(c->str[row]);
    c->str[row] = copy;
    c->num[row] = NAN;
    c->missing[row] = 0;
    return OBS_OK;
}

obs_status obs_builder_add_label(obs_builder *b, size_t col, double key_num, const char *key_str,
                                 const char *text, obs_error *err)
{
    obs_builder_column *c = &b->cols[col];
    if (c->nlabels >= OBS_READ_MAX_LABELS)
        return obs_error_set(err, OBS_EDATA, "%s: column \"%s\": more than %d value labels",
                             b->source, c->name ? c->name : "", OBS_READ_MAX_LABELS);
    if (c->nlabels == c->labels_cap) {
        size_t cap = c->labels_cap ? 2 * c->labels_cap : 16;
        obs_builder_label *l = realloc(c->labels, cap * sizeof *l);
        if (!l) return obs_error_set(err, OBS_ENOMEM, "%s: out of memory", b->source);
        c->labels = l;
        c->labels_cap = cap;
    }
    obs_builder_label *l = &c->labels[c->nlabels];
    l->key_num = key_num;
    l->key_str = key_str ? strdup(key_str) : NULL;
    l->text = strdup(text ? text : "");
    if ((key_str && !l->key_str) || !l->text) {
        free(l->key_str);
        free(l->text);
        return obs_error_set(err, OBS_ENOMEM, "%s: out of memory", b->source);
    }
    c->nlabels++;
    c->labelled = 1;
    return OBS_OK;
}

/* ---- conversion to obs_column ---------------------------------------- */

/* A key of the sorted key list: a value (number or text) and its level name. */
typedef struct {
    double num;
    const char *str;     /* text key, or NULL */
    const char *name;    /* level name (label, or the value printed) */
    char *owned;         /* name storage when printed here */
    size_t order;        /* position after sorting by key */
    size_t level;
} key_entry;

static int cmp_key(const void *pa, const void *pb)
{
    const key_entry *a = pa, *b = pb;
    if (a->str || b->str) return strcmp(a->str ? a->str : "", b->str ? b->str : "");
    return (a->num > b->num) - (a->num < b->num);
}

static int cmp_name(const void *pa, const void *pb)
{
    const key_entry *a = *(key_entry *const *)pa, *b = *(key_entry *const *)pb;
    int c = strcmp(a->name, b->name);
    if (c) return c;
    return (a->order > b->order) - (a->order < b->order);
}

static int cmp_str_ptr(const void *pa, const void *pb)
{
    return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static void default_number_text(double v, int isint, char *buf, size_t n)
{
    if (isint) snprintf(buf, n, "%lld", (long long)v);
    else snprintf(buf, n, "%.15g", v);
}

/* Text of row i of a text column (numbers rendered by fmt into tmp). */
static const char *cell_text(const obs_builder_column *c, size_t i, obs_builder_number_text fmt,
                             char *tmp, size_t n)
{
    if (c->str && c->str[i]) return c->str[i];
    fmt(c->num[i], c->isint ? c->isint[i] : 0, tmp, n);
    return tmp;
}

/* Factor from a column with text cells: levels are the distinct texts in
 * byte order.  Numbers in such a column become their text. */
static obs_status finish_text(obs_builder *b, obs_builder_column *c, obs_column *dst, size_t n,
                              obs_builder_number_text fmt, obs_error *err)
{
    char tmp[64];
    /* every non-missing cell must be a string: render numbers now */
    if (!c->str && !(c->str = calloc(b->cap ? b->cap : 1, sizeof *c->str))) goto nomem;
    for (size_t i = 0; i < n; i++)
        if (!c->missing[i] && !c->str[i]) {
            const char *s = cell_text(c, i, fmt, tmp, sizeof tmp);
            if (!(c->str[i] = strdup(s))) goto nomem;
        }
    size_t m = 0;
    char **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted) goto nomem;
    for (size_t i = 0; i < n; i++)
        if (!c->missing[i]) sorted[m++] = c->str[i];
    qsort(sorted, m, sizeof *sorted, cmp_str_ptr);
    size_t nlev = 0;
    for (size_t k = 0; k < m; k++)
        if (k == 0 || strcmp(sorted[k], sorted[nlev - 1]) != 0) sorted[nlev++] = sorted[k];
    dst->levels = calloc(nlev ? nlev : 1, sizeof *dst->levels);
    dst->codes = malloc((n ? n : 1) * sizeof *dst->codes);
    if (!dst->levels || !dst->codes) {
        free(sorted);
        goto nomem;
    }
    for (size_t l = 0; l < nlev; l++)
        if (!(dst->levels[l] = strdup(sorted[l]))) {
            free(sorted);
            goto nomem;
        }
    dst->nlevels = nlev;
    for (size_t i = 0; i < n; i++) {
        if (c->missing[i]) {
            dst->codes[i] = -1;
            continue;
        }
        const char *key = c->str[i];
        char **hit = bsearch(&key, sorted, nlev, sizeof *sorted, cmp_str_ptr);
        dst->codes[i] = (int)(hit - sorted);
    }
    free(sorted);
    return OBS_OK;
nomem:
    return obs_error_set(err, OBS_ENOMEM, "%s: out of memory building column \"%s\"", b->source,
                         c->name ? c->name : "");
}

/* Factor from a labelled column, levels in haven::as_factor order (see the
 * worked example at the top of this file). */
static obs_status finish_labelled(obs_builder *b, obs_builder_column *c, obs_column *dst, size_t n,
                                  obs_error *err)
{
    obs_status rc = OBS_OK;
    int text = c->has_text;
    size_t nkey = 0, cap = c->nlabels + n;
    key_entry *keys = calloc(cap ? cap : 1, sizeof *keys);
    key_entry **byname = NULL;
    size_t *levidx = NULL;
    if (!keys) goto nomem;
    /* labels first (so that a labelled value keeps its label), then values */
    for (size_t l = 0; l < c->nlabels; l++) {
        const obs_builder_label *lab = &c->labels[l];
        if ((lab->key_str != NULL) != text) continue;     /* label of the other type */
        if (!text && isnan(lab->key_num)) continue;        /* tagged missing: stays missing */
        keys[nkey].num = lab->key_num;
        keys[nkey].str = lab->key_str;
        keys[nkey].name = lab->text;
        nkey++;
    }
    size_t nlab = nkey;
    /* sort label keys, drop duplicate keys (first label wins) */
    qsort(keys, nlab, sizeof *keys, cmp_key);
    size_t w = 0;
    for (size_t k = 0; k < nlab; k++)
        if (w == 0 || cmp_key(&keys[k], &keys[w - 1]) != 0) keys[w++] = keys[k];
    nlab = nkey = w;
    /* distinct unlabelled data values */
    if (text) {
        char **vals = malloc((n ? n : 1) * sizeof *vals);
        size_t m = 0;
        if (!vals) goto nomem;
        for (size_t i = 0; i < n; i++)
            if (!c->missing[i] && c->str && c->str[i]) vals[m++] = c->str[i];
        qsort(vals, m, sizeof *vals, cmp_str_ptr);
        for (size_t k = 0; k < m; k++) {
            if (k > 0 && strcmp(vals[k], vals[k - 1]) == 0) continue;
            key_entry probe = {0, vals[k], NULL, NULL, 0, 0};
            if (bsearch(&probe, keys, nlab, sizeof *keys, cmp_key)) continue;
            keys[nkey].str = vals[k];
            keys[nkey].name = vals[k];
            nkey++;
        }
        free(vals);
    } else {
        double *vals = malloc((n ? n : 1) * sizeof *vals);
        size_t m = 0;
        if (!vals) goto nomem;
        for (size_t i = 0; i < n; i++)
            if (!c->missing[i]) vals[m++] = c->num[i];
        qsort(vals, m, sizeof *vals, cmp_double);
        for (size_t k = 0; k < m; k++) {
            if (k > 0 && vals[k] == vals[k - 1]) continue;
            key_entry probe = {vals[k], NULL, NULL, NULL, 0, 0};
            if (bsearch(&probe, keys, nlab, sizeof *keys, cmp_key)) continue;
            char buf[64];
            obs_format_number_r(vals[k], buf, sizeof buf);   /* R's as.character */
            keys[nkey].num = vals[k];
            if (!(keys[nkey].owned = strdup(buf))) {
                free(vals);
                goto nomem;
            }
            keys[nkey].name = keys[nkey].owned;
            nkey++;
        }
        free(vals);
    }
    qsort(keys, nkey, sizeof *keys, cmp_key);
    for (size_t k = 0; k < nkey; k++) keys[k].order = k;
    /* level of each key: first occurrence (in key order) of its name */
    byname = malloc((nkey ? nkey : 1) * sizeof *byname);
    levidx = malloc((nkey ? nkey : 1) * sizeof *levidx);
    if (!byname || !levidx) goto nomem;
    for (size_t k = 0; k < nkey; k++) byname[k] = &keys[k];
    qsort(byname, nkey, sizeof *byname, cmp_name);
    for (size_t k = 0; k < nkey; k++) levidx[k] = (size_t)-1;
    for (size_t g = 0; g < nkey;) {       /* groups of equal names; first has the least order */
        size_t h = g;
        while (h < nkey && strcmp(byname[h]->name, byname[g]->name) == 0) h++;
        for (size_t q = g; q < h; q++) byname[q]->level = byname[g]->order;  /* representative */
        levidx[byname[g]->order] = 0;
        g = h;
    }
    size_t nlev = 0;
    for (size_t k = 0; k < nkey; k++)
        if (levidx[k] == 0) levidx[k] = nlev++;
    /* levidx[k] is now the level number of representative k (and -1 elsewhere) */
    dst->levels = calloc(nlev ? nlev : 1, sizeof *dst->levels);
    dst->codes = malloc((n ? n : 1) * sizeof *dst->codes);
    if (!dst->levels || !dst->codes) goto nomem;
    dst->nlevels = nlev;
    for (size_t k = 0; k < nkey; k++)
        if (keys[k].level == k && !(dst->levels[levidx[k]] = strdup(keys[k].name))) goto nomem;
    for (size_t i = 0; i < n; i++) {
        if (c->missing[i]) {
            dst->codes[i] = -1;
            continue;
        }
        key_entry probe = {c->num[i], text ? c->str[i] : NULL, NULL, NULL, 0, 0};
        key_entry *hit = bsearch(&probe, keys, nkey, sizeof *keys, cmp_key);
        dst->codes[i] = hit ? (int)levidx[hit->level] : -1;
    }
    goto done;
nomem:
    rc = obs_error_set(err, OBS_ENOMEM, "%s: out of memory building column \"%s\"", b->source,
                       c->name ? c->name : "");
done:
    if (keys)
        for (size_t k = 0; k < nkey; k++) free(keys[k].owned);
    free(keys);
    free(byname);
    free(levidx);
    return rc;
}

obs_status obs_builder_finish(obs_builder *b, obs_builder_number_text fmt, obs_table **out,
                              obs_error *err)
{
    obs_status rc = OBS_OK;
    size_t n = b->nrow;
    *out = NULL;
    if (!fmt) fmt = default_number_text;
    obs_table *t = obs_table_new(n, b->ncol, b->source);
    if (!t) return obs_error_set(err, OBS_ENOMEM, "%s: out of memory (%zu rows)", b->source, n);
    for (size_t i = 0; i < n; i++) t->line[i] = i + 1;
    for (size_t j = 0; j < b->ncol && rc == OBS_OK; j++) {
        obs_builder_column *c = &b->cols[j];
        obs_column *d = &t->cols[j];
        if (n > 0 && !c->missing) {   /* no rows were ever made room for in this column */
            rc = obs_error_set(err, OBS_EDATA, "%s: internal: column %zu has no storage", b->source, j);
            break;
        }
        d->name = c->name ? c->name : strdup("");
        c->name = NULL;
        if (c->unit) {
            size_t len = (c->label ? strlen(c->label) : 0) + strlen(c->unit) + 16;
            d->label = malloc(len);
            if (d->label) {
                if (c->label) snprintf(d->label, len, "%s (unit: %s)", c->label, c->unit);
                else snprintf(d->label, len, "unit: %s", c->unit);
            }
        } else {
            d->label = c->label;
            c->label = NULL;
        }
        if (!d->name || (c->unit && !d->label)) {
            rc = obs_error_set(err, OBS_ENOMEM, "%s: out of memory", b->source);
            break;
        }
        d->missing = malloc(n ? n : 1);
        if (!d->missing) {
            rc = obs_error_set(err, OBS_ENOMEM, "%s: out of memory", b->source);
            break;
        }
        if (n) memcpy(d->missing, c->missing, n);
        d->nmissing = 0;
        for (size_t i = 0; i < n; i++) d->nmissing += d->missing[i];
        if (c->labelled) {
            d->type = OBS_COL_FACTOR;
            rc = finish_labelled(b, c, d, n, err);
        } else if (c->has_text) {
            d->type = OBS_COL_FACTOR;
            rc = finish_text(b, c, d, n, fmt, err);
        } else {
            d->type = OBS_COL_NUMERIC;
            d->num = c->num;           /* hand the block over */
            c->num = NULL;
            if (n == 0 && !d->num) d->num = malloc(1);
            if (!d->num) rc = obs_error_set(err, OBS_ENOMEM, "%s: out of memory", b->source);
        }
    }
    obs_builder_free(b);
    if (rc != OBS_OK) {
        obs_table_free(&t);
        return rc;
    }
    *out = t;
    return OBS_OK;
}
