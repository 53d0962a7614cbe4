/*
 * table.c — the columnar data table; see obsurv/table.h.
 *
 * A table owns everything reachable from it: the column array, each
 * column's name, label, values, codes, level strings and missing flags, the
 * per-row line numbers and the source name.  obs_table_free releases all of
 * it; a partly built table (some arrays still NULL) is freed just as well.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/table.h"

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* n * size bytes, or NULL when the product overflows or malloc fails.
 * Always allocates at least one byte so that 0 rows is not NULL. */
static void *alloc_array(size_t n, size_t size)
{
    size_t bytes;
    if (__builtin_mul_overflow(n, size, &bytes)) return NULL;
    return malloc(bytes ? bytes : 1);
}

obs_table *obs_table_new(size_t nrow, size_t ncol, const char *source)
{
    obs_table *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->nrow = nrow;
    t->ncol = ncol;
    t->cols = calloc(ncol ? ncol : 1, sizeof *t->cols);
    t->line = alloc_array(nrow, sizeof *t->line);
    t->source = strdup(source ? source : "<data>");
    if (!t->cols || !t->line || !t->source) {
        obs_table_free(&t);
        return NULL;
    }
    for (size_t i = 0; i < nrow; i++) t->line[i] = 0;
    return t;
}

static void column_release(obs_column *c)
{
    free(c->name);
    free(c->label);
    free(c->num);
    free(c->codes);
    if (c->levels)
        for (size_t l = 0; l < c->nlevels; l++) free(c->levels[l]);
    free(c->levels);
    free(c->missing);
    memset(c, 0, sizeof *c);
}

void obs_table_free(obs_table **t)
{
    if (!t || !*t) return;
    obs_table *p = *t;
    if (p->cols)
        for (size_t j = 0; j < p->ncol; j++) column_release(&p->cols[j]);
    free(p->cols);
    free(p->line);
    free(p->source);
    free(p);
    *t = NULL;
}

long obs_table_find(const obs_table *t, const char *name)
{
    if (!t || !name) return -1;
    for (size_t j = 0; j < t->ncol; j++)
        if (t->cols[j].name && strcmp(t->cols[j].name, name) == 0) return (long)j;
    return -1;
}

const obs_column *obs_table_column(const obs_table *t, const char *name)
{
    long j = obs_table_find(t, name);
    return j < 0 ? NULL : &t->cols[j];
}

int obs_column_level_code(const obs_column *c, const char *level)
{
    if (!c || c->type != OBS_COL_FACTOR || !level) return -1;
    /* Linear: levels are byte-sorted from CSV and SQLite, but labelled
     * columns (ReadStat) keep their value-label order, as haven does. */
    for (size_t k = 0; k < c->nlevels; k++)
        if (strcmp(c->levels[k], level) == 0) return (int)k;
    return -1;
}

obs_status obs_column_init_numeric(obs_table *t, size_t j, const char *name,
                                   obs_error *err)
{
    obs_column *c = &t->cols[j];
    column_release(c);
    c->type = OBS_COL_NUMERIC;
    c->name = dup_or_null(name);
    c->num = alloc_array(t->nrow, sizeof *c->num);
    c->missing = calloc(t->nrow ? t->nrow : 1, 1);
    if ((name && !c->name) || !c->num || !c->missing)
        return obs_error_set(err, OBS_ENOMEM, "%s: out of memory for column \"%s\" (%zu rows)",
                             t->source, name ? name : "", t->nrow);
    for (size_t i = 0; i < t->nrow; i++) c->num[i] = NAN;
    c->nmissing = 0;
    return OBS_OK;
}

obs_status obs_column_init_factor(obs_table *t, size_t j, const char *name,
                                  const char *const *levels, size_t nlevels,
                                  obs_error *err)
{
    obs_column *c = &t->cols[j];
    column_release(c);
    c->type = OBS_COL_FACTOR;
    c->name = dup_or_null(name);
    c->codes = alloc_array(t->nrow, sizeof *c->codes);
    c->missing = calloc(t->nrow ? t->nrow : 1, 1);
    c->levels = calloc(nlevels ? nlevels : 1, sizeof *c->levels);
    if ((name && !c->name) || !c->codes || !c->missing || !c->levels || nlevels > INT32_MAX)
        goto nomem;
    c->nlevels = nlevels;
    for (size_t l = 0; l < nlevels; l++)
        if (!(c->levels[l] = strdup(levels[l]))) goto nomem;
    for (size_t i = 0; i < t->nrow; i++) c->codes[i] = -1;
    c->nmissing = 0;
    return OBS_OK;
nomem:
    return obs_error_set(err, OBS_ENOMEM, "%s: out of memory for column \"%s\" (%zu rows, %zu levels)",
                         t->source, name ? name : "", t->nrow, nlevels);
}

/* Copy column src's rows rows[0..m-1] into dst (zeroed); 0 on success. */
static int column_subset(obs_column *dst, const obs_column *src, const size_t *rows, size_t m)
{
    dst->type = src->type;
    dst->name = dup_or_null(src->name);
    dst->label = dup_or_null(src->label);
    if ((src->name && !dst->name) || (src->label && !dst->label)) return -1;
    dst->missing = alloc_array(m, 1);
    if (!dst->missing) return -1;
    if (src->type == OBS_COL_NUMERIC) {
        if (!(dst->num = alloc_array(m, sizeof *dst->num))) return -1;
        for (size_t i = 0; i < m; i++) dst->num[i] = src->num[rows[i]];
    } else {
        if (!(dst->codes = alloc_array(m, sizeof *dst->codes))) return -1;
        if (!(dst->levels = calloc(src->nlevels ? src->nlevels : 1, sizeof *dst->levels))) return -1;
        dst->nlevels = src->nlevels;
        for (size_t l = 0; l < src->nlevels; l++)
            if (!(dst->levels[l] = strdup(src->levels[l]))) return -1;
        for (size_t i = 0; i < m; i++) dst->codes[i] = src->codes[rows[i]];
    }
    dst->all_finite = src->all_finite;   /* of a subset of finite values */
    dst->nmissing = 0;
    for (size_t i = 0; i < m; i++) {
        dst->missing[i] = src->missing[rows[i]];
        dst->nmissing += dst->missing[i];
    }
    return 0;
}

obs_table *obs_table_subset(const obs_table *t, const size_t *rows, size_t m,
                            obs_error *err)
{
    obs_table *s;
    if (!t || (m > 0 && !rows)) {
        obs_error_set(err, OBS_EUSAGE, "obs_table_subset: no table or no rows");
        return NULL;
    }
    for (size_t i = 0; i < m; i++)
        if (rows[i] >= t->nrow) {
            obs_error_set(err, OBS_EUSAGE, "%s: row index %zu out of range (%zu rows)",
                          t->source ? t->source : "<data>", rows[i], t->nrow);
            return NULL;
        }
    s = obs_table_new(m, t->ncol, t->source);
    if (!s) goto nomem;
    for (size_t i = 0; i < m; i++) s->line[i] = t->line ? t->line[rows[i]] : 0;
    for (size_t j = 0; j < t->ncol; j++)
        if (column_subset(&s->cols[j], &t->cols[j], rows, m)) goto nomem;
    return s;
nomem:
    obs_table_free(&s);
    obs_error_set(err, OBS_ENOMEM, "%s: out of memory subsetting %zu rows",
                  t->source ? t->source : "<data>", m);
    return NULL;
}
