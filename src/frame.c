/*
 * frame.c — apply a parsed formula to a table: R's model.frame + model.matrix.
 *
 * Steps (one pass over the rows per variable; no allocation per row):
 *   1. resolve every column the formula and the spec name (unknown column,
 *      wrong type -> OBS_EUSAGE naming the term);
 *   2. drop incomplete rows, counting each against the first of its
 *      variables that is missing, in the order response, term variables (in
 *      term order), strata, cluster, offset, weights, extra columns;
 *   3. the response: Surv event coding as survival::Surv (max value 2 means
 *      1/2 coding; else 0/1; logical TRUE = event), or a 0/1 outcome;
 *   4. the right-hand side: the design matrix (frame_design.c) or groups;
 *   5. strata(), cluster(), weights and offset.
 *
 * Levels follow what R does with data read by read.csv (strings stay
 * character vectors): a text column becomes a factor after the incomplete
 * rows are dropped, so its levels are those present in the used rows;
 * factor(x) is evaluated on the whole table before dropping, so its levels
 * are those of every non-missing x, and unused ones are kept unless
 * drop_unused_levels (R's glm sets drop.unused.levels = TRUE; coxph does not).
 */
#include <math.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frame_internal.h"
#include "obsurv/numparse.h"

/* ------------------------------------------------------------------ */

static int is_missing(const obs_column *c, size_t i)
{
    if (c->missing && c->missing[i]) return 1;
    if (c->type == OBS_COL_NUMERIC) return isnan(c->num[i]);
    return c->codes[i] < 0;
}

/* "file:line" of table row i (0-based) into buf. */
const char *obs_frame_rowloc(const obs_table *t, size_t i, char *buf, size_t size)
{
    const char *src = t->source ? t->source : "<data>";
    if (t->line) snprintf(buf, size, "%s:%zu", src, t->line[i]);
    else snprintf(buf, size, "%s: row %zu", src, i + 1);
    return buf;
}

static const obs_column *find_column(const obs_table *t, const char *name)
{
    for (size_t k = 0; k < t->ncol; k++)
        if (t->cols[k].name && strcmp(t->cols[k].name, name) == 0) return &t->cols[k];
    return NULL;
}

/* The value of row i of column c as text, for messages. */
static const char *value_text(const obs_column *c, size_t i, char *buf, size_t size)
{
    if (c->type == OBS_COL_FACTOR) {
        snprintf(buf, size, "%s", c->levels[c->codes[i]]);
        return buf;
    }
    obs_format_number_r(c->num[i], buf, size);
    return buf;
}

/* R's read.csv spellings of a logical: 1 TRUE, 0 FALSE, -1 neither. */
static int logical_value(const char *s)
{
    static const char *const t[] = {"TRUE", "true", "True", "T", NULL};
    static const char *const f[] = {"FALSE", "false", "False", "F", NULL};
    for (size_t k = 0; t[k]; k++) if (strcmp(s, t[k]) == 0) return 1;
    for (size_t k = 0; f[k]; k++) if (strcmp(s, f[k]) == 0) return 0;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Missing values                                                      */

typedef struct {
    const obs_column *col;
    const char *name;
    int finite;              /* drop_incomplete: numeric, no missing value, no +-Inf */
} usecol;

static obs_status add_use(usecol **u, size_t *n, size_t *cap, const obs_column *c)
{
    for (size_t k = 0; k < *n; k++)
        if ((*u)[k].col == c) return OBS_OK;
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        usecol *nu = realloc(*u, nc * sizeof(usecol));
        if (!nu) return OBS_ENOMEM;
        *u = nu;
        *cap = nc;
    }
    (*u)[*n].col = c;
    (*u)[*n].name = c->name;
    (*u)[*n].finite = 0;
    (*n)++;
    return OBS_OK;
}

/* Is name equal to col once white space around it is dropped and case
 * ignored?  (A header "time, status" gives the column " status".) */
static int near_name(const char *name, const char *col)
{
    while (*name == ' ' || *name == '\t') name++;
    size_t n = strlen(name), m = strlen(col);
    while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t')) n--;
    return n == m && strncasecmp(name, col, n) == 0;
}

static obs_status unknown_column(const obs_table *t, obs_error *err, const char *col,
                                 const char *where)
{
    for (size_t k = 0; k < t->ncol; k++)
        if (t->cols[k].name && near_name(t->cols[k].name, col))
            return obs_error_set(err, OBS_EUSAGE,
                                 "formula: unknown column \"%s\" in %s (did you mean \"%s\"? "
                                 "back-quote a name with spaces: `%s`)",
                                 col, where, t->cols[k].name, t->cols[k].name);
    return obs_error_set(err, OBS_EUSAGE, "formula: unknown column \"%s\" in %s", col, where);
}

/* Resolve every column used, in the order that attributes missing rows.
 * Type errors are OBS_EUSAGE naming the term. */
static obs_status resolve(const obs_table *t, const obs_formula *f, const obs_frame_spec *spec,
                          usecol **use, size_t *nuse, obs_error *err)
{
    size_t cap = 0;
    char where[512];
    *use = NULL;
    *nuse = 0;
    for (size_t k = 0; k < f->nresponse; k++) {
        const obs_column *c = find_column(t, f->response_columns[k]);
        if (!c) return unknown_column(t, err, f->response_columns[k], "the response");
        int is_time = f->response != OBS_RESP_COLUMN && k + 1 < f->nresponse;
        if (is_time && c->type != OBS_COL_NUMERIC) {
            /* name the first value that is not a number: one stray "12 months"
             * makes the whole column text (as R's read.csv) */
            char loc[300];
            for (size_t i = 0; i < t->nrow; i++) {
                double d;
                const char *lev = c->codes[i] >= 0 ? c->levels[c->codes[i]] : NULL;
                if (lev && !obs_parse_double(lev, strlen(lev), &d))
                    return obs_error_set(err, OBS_EUSAGE,
                                         "formula: column \"%s\" is a time in Surv() but is not "
                                         "numeric (%s: \"%.60s\" is not a number)",
                                         c->name, obs_frame_rowloc(t, i, loc, sizeof loc), lev);
            }
            return obs_error_set(err, OBS_EUSAGE,
                                 "formula: column \"%s\" is a time in Surv() but is not numeric",
                                 c->name);
        }
        if (add_use(use, nuse, &cap, c)) goto nomem;
    }
    for (size_t ti = 0; ti < f->nterms; ti++) {
        const obs_formula_term *term = &f->terms[ti];
        snprintf(where, sizeof where, "term \"%s\"", term->label);
        for (size_t v = 0; v < term->nvars; v++) {
            const obs_formula_var *fv = &term->vars[v];
            const obs_column *c = find_column(t, fv->columns[0]);
            if (!c) return unknown_column(t, err, fv->columns[0], where);
            if (fv->kind == OBS_VAR_LOG && c->type != OBS_COL_NUMERIC)
                return obs_error_set(err, OBS_EUSAGE,
                                     "formula: %s: column \"%s\" is not numeric", fv->text,
                                     c->name);
            if (add_use(use, nuse, &cap, c)) goto nomem;
        }
    }
    /* specials: strata, then cluster, then offset */
    static const obs_var_kind order[] = {OBS_VAR_STRATA, OBS_VAR_CLUSTER, OBS_VAR_OFFSET};
    for (size_t o = 0; o < 3; o++)
        for (size_t s = 0; s < f->nspecials; s++) {
            const obs_formula_var *fv = &f->specials[s];
            if (fv->kind != order[o]) continue;
            snprintf(where, sizeof where, "term \"%s\"", fv->text);
            for (size_t k = 0; k < fv->ncolumns; k++) {
                const obs_column *c = find_column(t, fv->columns[k]);
                if (!c) return unknown_column(t, err, fv->columns[k], where);
                if (fv->kind == OBS_VAR_OFFSET && c->type != OBS_COL_NUMERIC)
                    return obs_error_set(err, OBS_EUSAGE,
                                         "formula: %s: column \"%s\" is not numeric", fv->text,
                                         c->name);
                if (add_use(use, nuse, &cap, c)) goto nomem;
            }
        }
    if (spec->weights) {
        const obs_column *c = find_column(t, spec->weights);
        if (!c)
            return obs_error_set(err, OBS_EUSAGE, "unknown weights column \"%s\"", spec->weights);
        if (c->type != OBS_COL_NUMERIC)
            return obs_error_set(err, OBS_EUSAGE, "weights column \"%s\" is not numeric",
                                 spec->weights);
        if (add_use(use, nuse, &cap, c)) goto nomem;
    }
    for (size_t k = 0; spec->extra && spec->extra[k]; k++) {
        const obs_column *c = find_column(t, spec->extra[k]);
        if (!c) return obs_error_set(err, OBS_EUSAGE, "unknown column \"%s\"", spec->extra[k]);
        if (add_use(use, nuse, &cap, c)) goto nomem;
    }
    return OBS_OK;
nomem:
    return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
}

/* Whole-column scans, SSE2 (every x86-64) where there is SSE2: a
 * complete column, the common case, costs one read instead of a
 * row-by-row test.  any_nan: some x[i] is NaN; any_nonfinite: some x[i] is
 * NaN or +-Inf (x - x is NaN exactly then); any_byte: some byte is set. */
static int any_nan(const double *x, size_t n)
{
    size_t i = 0;
#ifdef __SSE2__
    __m128d acc = _mm_setzero_pd();
    for (; i + 4 <= n; i += 4)
        acc = _mm_or_pd(acc, _mm_cmpunord_pd(_mm_loadu_pd(x + i), _mm_loadu_pd(x + i + 2)));
    if (_mm_movemask_pd(acc)) return 1;
#endif
    for (; i < n; i++)
        if (x[i] != x[i]) return 1;
    return 0;
}

static int any_nonfinite(const double *x, size_t n)
{
    size_t i = 0;
#ifdef __SSE2__
    __m128d acc = _mm_setzero_pd();
    for (; i + 4 <= n; i += 4) {
        const __m128d a = _mm_loadu_pd(x + i), b = _mm_loadu_pd(x + i + 2);
        acc = _mm_or_pd(acc, _mm_cmpunord_pd(_mm_sub_pd(a, a), _mm_sub_pd(b, b)));
    }
    if (_mm_movemask_pd(acc)) return 1;
#endif
    for (; i < n; i++)
        if (x[i] - x[i] != 0.0) return 1;
    return 0;
}

static int any_byte(const unsigned char *b, size_t n)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, b + i, sizeof v);
        acc |= v;
    }
    for (; i < n; i++) acc |= b[i];
    return acc != 0;
}

/* 1 when column c may hold a missing value in rows [0, nrow): a flag set
 * or (numeric) a NaN.  *finite = 1 when c is numeric with neither, nor an
 * infinite value: one scan answers both questions for the common
 * complete column (check_finite then skips it). */
static int may_have_missing(const obs_column *c, size_t nrow, int *finite)
{
    *finite = 0;
    if (c->type == OBS_COL_NUMERIC) {
        /* a missing numeric value is also a NaN (table.h), so a column of
         * finite numbers has no flag set: its flags are not read (a
         * reader's flags of a complete column are untouched zero pages,
         * whose first read costs a page fault each) */
        if (c->all_finite || !any_nonfinite(c->num, nrow)) { *finite = 1; return 0; }
        return (c->missing && any_byte(c->missing, nrow)) || any_nan(c->num, nrow);
    }
    if (c->missing && any_byte(c->missing, nrow)) return 1;
    for (size_t i = 0; i < nrow; i++)
        if (c->codes[i] < 0) return 1;
    return 0;
}

/* Mark rows to drop, fill fr->exclusions, fr->n, fr->row. */
static obs_status drop_incomplete(const obs_table *t, usecol *use, size_t nuse,
                                  obs_frame *fr, obs_error *err)
{
    size_t nrow = t->nrow;
    unsigned char *drop = calloc(nrow + 1, 1);
    size_t *count = calloc(nuse + 1, sizeof(size_t));
    size_t ncols_missing = 0;
    if (!drop || !count) goto nomem;
    for (size_t u = 0; u < nuse; u++) {
        const obs_column *c = use[u].col;
        if (!may_have_missing(c, nrow, &use[u].finite)) continue;
        ncols_missing++;   /* rows may drop */
        for (size_t i = 0; i < nrow; i++)
            if (!drop[i] && is_missing(c, i)) {
                drop[i] = 1;
                count[u]++;
            }
    }
    size_t nex = 0;
    for (size_t u = 0; u < nuse; u++) nex += count[u] > 0;
    fr->exclusions = calloc(nex + 1, sizeof(obs_exclusion));
    if (!fr->exclusions) goto nomem;
    for (size_t u = 0; u < nuse; u++) {
        if (!count[u]) continue;
        obs_exclusion *e = &fr->exclusions[fr->nexclusions++];
        e->variable = strdup(use[u].name);
        e->reason = strdup("missing value");
        e->count = count[u];
        if (!e->variable || !e->reason) goto nomem;
    }
    fr->n_read = nrow;
    fr->row = malloc((nrow + 1) * sizeof(size_t));
    if (!fr->row) goto nomem;
    if (!ncols_missing) {   /* every row kept: the flags were never set */
        for (size_t i = 0; i < nrow; i++) fr->row[i] = i;
        fr->n = nrow;
    } else {
        for (size_t i = 0; i < nrow; i++)
            if (!drop[i]) fr->row[fr->n++] = i;
    }
    fr->n_dropped = nrow - fr->n;
    free(drop);
    free(count);
    if (fr->n == 0)
        return obs_error_set(err, OBS_EDATA,
                             "%s: no complete rows: each of the %zu rows has a missing value "
                             "in a variable of the model",
                             t->source ? t->source : "<data>", nrow);
    return OBS_OK;
nomem:
    free(drop);
    free(count);
    return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
}

/* Numeric columns that enter the design (a term's column, log(), offset())
 * must be finite in the used rows: 1e999 reads as Inf, and Inf would reach
 * the estimator as a NaN likelihood or "no estimable coefficient" instead
 * of a message naming the row (issue 8).  factor(), strata(), cluster() and
 * the groups of km/logrank take Inf as a level like any other. */
static obs_status check_finite(const obs_table *t, const obs_formula *f, const obs_frame_spec *spec,
                               const usecol *use, size_t nuse, const obs_frame *fr, obs_error *err)
{
    char loc[300];
    if (spec->rhs == OBS_FRAME_GROUPS) return OBS_OK;   /* terms are groups: Inf is a level */
    for (size_t ti = 0; ti <= f->nterms; ti++) {
        size_t nv = ti < f->nterms ? f->terms[ti].nvars : f->nspecials;
        for (size_t v = 0; v < nv; v++) {
            const obs_formula_var *fv = ti < f->nterms ? &f->terms[ti].vars[v] : &f->specials[v];
            if (fv->kind != OBS_VAR_COLUMN && fv->kind != OBS_VAR_LOG && fv->kind != OBS_VAR_OFFSET)
                continue;
            const obs_column *c = find_column(t, fv->columns[0]);
            if (!c || c->type != OBS_COL_NUMERIC || c->all_finite) continue;
            int known = 0;   /* found finite by drop_incomplete's scan */
            for (size_t u = 0; u < nuse && !known; u++) known = use[u].col == c && use[u].finite;
            if (known) continue;
            /* a branch-free scan first: x - x is NaN exactly for +-Inf (and
             * NaN, dropped already), so most columns cost one read */
            unsigned probe = 0;
            if (!obs_frame_rows_or_null(fr, t)) {          /* every row, in order */
                probe = (unsigned)any_nonfinite(c->num, fr->n);
            } else {
                for (size_t r = 0; r < fr->n; r++) {
                    const double x = c->num[fr->row[r]];
                    probe |= (x - x != 0.0);
                }
            }
            if (!probe) continue;
            for (size_t r = 0; r < fr->n; r++) {
                size_t i = fr->row[r];
                if (isinf(c->num[i]))
                    return obs_error_set(err, OBS_EDATA,
                                         "%s: column \"%s\": value is infinite (%s) in term \"%s\"",
                                         obs_frame_rowloc(t, i, loc, sizeof loc), c->name,
                                         c->num[i] > 0 ? "Inf" : "-Inf", fv->text);
            }
        }
    }
    return OBS_OK;
}

/* ------------------------------------------------------------------ */
/* Response                                                            */

/* 0/1 codes of an event or outcome column c for the used rows into out (n).
 * surv: R's Surv rule (numeric max 2 -> 1/2 coding, decided and checked on
 * every non-missing row of the table); else a 0/1 outcome checked on the
 * used rows. */
static obs_status code_binary(const obs_table *t, const obs_column *c, const obs_frame *fr,
                              int surv, int *iout, double *dout, obs_error *err)
{
    char loc[300], val[128];
    const char *what = surv ? "event must be 0/1, 1/2 or TRUE/FALSE"
                            : "response must be 0/1 or TRUE/FALSE";
    if (c->type == OBS_COL_FACTOR) {
        int lv[1024], *map = c->nlevels <= 1024 ? lv : malloc(c->nlevels * sizeof(int));
        if (!map) return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
        for (size_t k = 0; k < c->nlevels; k++) map[k] = logical_value(c->levels[k]);
        obs_status rc = OBS_OK;
        size_t nscan = surv ? t->nrow : fr->n;
        for (size_t r = 0; r < nscan && rc == OBS_OK; r++) {
            size_t i = surv ? r : fr->row[r];
            if (is_missing(c, i)) continue;
            if (map[c->codes[i]] < 0)
                rc = obs_error_set(err, OBS_EDATA, "%s: column \"%s\": %s, got \"%s\"",
                                   obs_frame_rowloc(t, i, loc, sizeof loc), c->name, what,
                                   c->levels[c->codes[i]]);
        }
        for (size_t r = 0; r < fr->n && rc == OBS_OK; r++) {
            int v = map[c->codes[fr->row[r]]];
            if (iout) iout[r] = v;
            if (dout) dout[r] = v;
        }
        if (map != lv) free(map);
        return rc;
    }
    double shift = 0;
    size_t nscan = surv ? t->nrow : fr->n;
    if (surv) {
        /* one pass: the maximum, and whether any value lies outside
         * {0, 1, 2} or is 0 (missing rows, NaN, are passed over) */
        double mx = -INFINITY;
        unsigned other = 0, zero = 0;
        const double *x = c->num;
        /* a column known finite has no missing value: its flags (untouched
         * zero pages from the reader) are not read */
        const unsigned char *miss = c->all_finite ? NULL : c->missing;
        for (size_t i = 0; i < t->nrow; i++) {
            const double v = x[i];
            if (miss && miss[i]) continue;
            /* bitwise, not short-circuit: a 0/1 column in random order
             * would make the && branches mispredict every other row */
            mx = v > mx ? v : mx;
            other |= (unsigned)(v != 0.0) & (unsigned)(v != 1.0) & (unsigned)(v != 2.0) & (unsigned)(v == v);
            zero |= (v == 0.0);
        }
        if (mx == 2) shift = 1;
        if (!other && !(shift && zero)) nscan = 0;   /* every value valid: nothing to report */
    }
    if (nscan) {
        /* a branch-free look first (a 0/1 column in random order makes
         * the tests below mispredict every other row); a missing value is
         * a NaN (table.h), which the look passes over */
        unsigned bad = 0;
        for (size_t r = 0; r < nscan; r++) {
            const double v = c->num[surv ? r : fr->row[r]] - shift;
            bad |= (unsigned)(v != 0.0) & (unsigned)(v != 1.0) & (unsigned)(v == v);
        }
        if (!bad) nscan = 0;
    }
    for (size_t r = 0; r < nscan; r++) {
        size_t i = surv ? r : fr->row[r];
        if (is_missing(c, i)) continue;
        double v = c->num[i] - shift;
        if (v != 0 && v != 1)
            return obs_error_set(err, OBS_EDATA, "%s: column \"%s\": %s, got %s",
                                 obs_frame_rowloc(t, i, loc, sizeof loc), c->name, what,
                                 value_text(c, i, val, sizeof val));
    }
    const size_t *rows = obs_frame_rows_or_null(fr, t);
    for (size_t r = 0; r < fr->n; r++) {
        double v = c->num[rows ? rows[r] : r] - shift;
        if (iout) iout[r] = (int)v;
        if (dout) dout[r] = v;
    }
    return OBS_OK;
}

static obs_status build_response(const obs_table *t, const obs_formula *f,
                                 const obs_frame_spec *spec, obs_frame *fr, obs_error *err)
{
    char loc[300];
    size_t n = fr->n;
    fr->response = f->response;
    if (f->response == OBS_RESP_NONE) return OBS_OK;
    if (f->response == OBS_RESP_COLUMN) {
        fr->y = malloc(n * sizeof(double));
        if (!fr->y) return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
        return code_binary(t, find_column(t, f->response_columns[0]), fr, 0, NULL, fr->y, err);
    }
    int counting = f->response == OBS_RESP_SURV_COUNTING;
    const obs_column *ct = find_column(t, f->response_columns[counting ? 1 : 0]);
    const obs_column *ce = find_column(t, f->response_columns[counting ? 2 : 1]);
    /* every row used (rows are only ever dropped, so n == nrow means the
     * table's order): the time column itself may serve */
    const size_t *rows = obs_frame_rows_or_null(fr, t);
    fr->time_borrowed = spec->borrow_columns && !rows;
    fr->time = fr->time_borrowed ? ct->num : malloc(n * sizeof(double));
    fr->status = malloc(n * sizeof(int));
    if (counting) fr->start = malloc(n * sizeof(double));
    if (!fr->time || !fr->status || (counting && !fr->start))
        return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
    for (size_t r = 0; r < n; r++) {
        /* A survival time must be finite, and >= 0 unless it is the stop of
         * a (start, stop] interval.  R's Surv accepts -1 and Inf and survfit
         * then reports them; both are data errors in a study, so name the row. */
        size_t i = rows ? rows[r] : r;
        if (!fr->time_borrowed) fr->time[r] = ct->num[i];
        if (!isfinite(fr->time[r]) || (!counting && fr->time[r] < 0)) {
            char b[64];
            obs_format_number_r(ct->num[i], b, sizeof b);
            return obs_error_set(err, OBS_EDATA,
                                 "%s: column \"%s\": survival time must be %s, got %s",
                                 obs_frame_rowloc(t, i, loc, sizeof loc), ct->name,
                                 counting ? "a finite number" : "a finite number >= 0", b);
        }
    }
    if (counting) {
        const obs_column *cs = find_column(t, f->response_columns[0]);
        for (size_t r = 0; r < n; r++) {
            size_t i = fr->row[r];
            fr->start[r] = cs->num[i];
            if (!isfinite(fr->start[r])) {
                char a[64];
                obs_format_number_r(cs->num[i], a, sizeof a);
                return obs_error_set(err, OBS_EDATA,
                                     "%s: column \"%s\": start time must be a finite number, "
                                     "got %s",
                                     obs_frame_rowloc(t, i, loc, sizeof loc), cs->name, a);
            }
            if (!(fr->time[r] > fr->start[r])) {
                char a[64], b[64];
                obs_format_number_r(cs->num[i], a, sizeof a);
                obs_format_number_r(ct->num[i], b, sizeof b);
                return obs_error_set(err, OBS_EDATA,
                                     "%s: stop time must be after start time "
                                     "(%s = %s, %s = %s)",
                                     obs_frame_rowloc(t, i, loc, sizeof loc), cs->name, a,
                                     ct->name, b);
            }
        }
    }
    return code_binary(t, ce, fr, 1, fr->status, NULL, err);
}

/* ------------------------------------------------------------------ */
/* strata(), cluster(), offset(), weights                              */

/* Labels of strata() as survival's strata() makes them: the first column
 * "name=level", later ones "name=level" padded to the widest level of that
 * column; all-text columns (shortlabel) give the bare levels.  Several
 * strata() terms are joined by ", " without padding (coxph re-strata()s
 * them with shortlabel = TRUE).  Levels are those of the whole table (the
 * special is evaluated before rows are dropped); only combinations present
 * in the used rows are kept. */
static obs_status build_strata(const obs_table *t, const obs_formula *f, obs_frame *fr,
                               obs_error *err)
{
    size_t ncols = 0;
    for (size_t s = 0; s < f->nspecials; s++)
        if (f->specials[s].kind == OBS_VAR_STRATA) ncols += f->specials[s].ncolumns;
    if (ncols == 0) return OBS_OK;
    size_t n = fr->n;
    obs_status rc = OBS_OK;
    obs_levelset *ls = calloc(ncols, sizeof(obs_levelset));
    const obs_column **cols = calloc(ncols, sizeof(obs_column *));
    const obs_formula_var **owner = calloc(ncols, sizeof(obs_formula_var *));
    int **codes = calloc(ncols, sizeof(int *));
    size_t *nlev = calloc(ncols, sizeof(size_t)), *width = calloc(ncols, sizeof(size_t));
    int *digits = NULL;
    char *label = NULL;
    fr->strata = malloc(n * sizeof(int));
    if (!ls || !cols || !owner || !codes || !nlev || !width || !fr->strata) goto nomem;
    size_t j = 0;
    for (size_t s = 0; s < f->nspecials; s++) {
        const obs_formula_var *fv = &f->specials[s];
        if (fv->kind != OBS_VAR_STRATA) continue;
        for (size_t k = 0; k < fv->ncolumns; k++, j++) {
            cols[j] = find_column(t, fv->columns[k]);
            owner[j] = fv;
            if ((rc = obs_levelset_build(&ls[j], cols[j], t->nrow, NULL, 0, 0, err))) goto done;
            nlev[j] = ls[j].nlev;
            codes[j] = malloc(n * sizeof(int));
            if (!codes[j]) goto nomem;
            obs_levelset_code_rows(&ls[j], cols[j], obs_frame_rows_or_null(fr, t), n, 0, codes[j]);
            for (size_t l = 0; l < ls[j].nlev; l++) {
                size_t w = obs_utf8_width(cols[j]->name) + 1 + obs_utf8_width(ls[j].names[l]);
                if (w > width[j]) width[j] = w;
            }
        }
    }
    if ((rc = obs_cross_classify(n, ncols, codes, nlev, fr->strata, &fr->nstrata, &digits, err)))
        goto done;
    fr->strata_names = calloc(fr->nstrata + 1, sizeof(char *));
    if (!fr->strata_names) goto nomem;
    size_t cap = 256;
    label = malloc(cap);
    if (!label) goto nomem;
    for (size_t g = 0; g < fr->nstrata; g++) {
        size_t len = 0;
        label[0] = '\0';
        for (size_t c = 0; c < ncols; c++) {
            const obs_formula_var *fv = owner[c];
            int first = c == 0 || owner[c - 1] != fv;
            int shortlabel = 1;
            for (size_t k = 0; k < fv->ncolumns; k++)
                if (find_column(t, fv->columns[k])->type != OBS_COL_FACTOR) shortlabel = 0;
            const char *lev = ls[c].names[digits[g * ncols + c]];
            size_t need = len + strlen(cols[c]->name) + strlen(lev) + width[c] + 8;
            if (need > cap) {
                char *nl = realloc(label, cap = 2 * need);
                if (!nl) goto nomem;
                label = nl;
            }
            if (c > 0) len += (size_t)sprintf(label + len, ", ");
            if (shortlabel) len += (size_t)sprintf(label + len, "%s", lev);
            else {
                size_t w0 = len;
                len += (size_t)sprintf(label + len, "%s=%s", cols[c]->name, lev);
                if (!first) {
                    size_t w = obs_utf8_width(label + w0);
                    while (w++ < width[c]) label[len++] = ' ';
                    label[len] = '\0';
                }
            }
        }
        fr->strata_names[g] = strdup(label);
        if (!fr->strata_names[g]) goto nomem;
    }
    goto done;
nomem:
    rc = obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
done:
    for (size_t c = 0; c < ncols; c++) {
        if (ls) obs_levelset_free(&ls[c]);
        if (codes) free(codes[c]);
    }
    free(ls);
    free(cols);
    free(owner);
    free(codes);
    free(nlev);
    free(width);
    free(digits);
    free(label);
    return rc;
}

static obs_status build_specials(const obs_table *t, const obs_formula *f,
                                 const obs_frame_spec *spec, obs_frame *fr, obs_error *err)
{
    char loc[300], val[64];
    size_t n = fr->n;
    obs_status rc = build_strata(t, f, fr, err);
    if (rc) return rc;
    for (size_t s = 0; s < f->nspecials; s++) {
        const obs_formula_var *fv = &f->specials[s];
        const obs_column *c = find_column(t, fv->columns[0]);
        if (fv->kind == OBS_VAR_CLUSTER) {
            if (fr->cluster)
                return obs_error_set(err, OBS_EUSAGE, "formula: more than one cluster() term");
            obs_levelset ls;
            if ((rc = obs_levelset_build(&ls, c, t->nrow, fr->row, n, 0, err))) return rc;
            fr->cluster = malloc(n * sizeof(int));
            if (!fr->cluster) {
                obs_levelset_free(&ls);
                return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
            }
            obs_levelset_code_rows(&ls, c, obs_frame_rows_or_null(fr, t), n, 0, fr->cluster);
            fr->nclusters = ls.nlev;
            obs_levelset_free(&ls);
        } else if (fv->kind == OBS_VAR_OFFSET) {
            if (!fr->offset) {
                fr->offset = calloc(n, sizeof(double));
                if (!fr->offset) return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
            }
            for (size_t r = 0; r < n; r++) fr->offset[r] += c->num[fr->row[r]];  /* R sums offsets */
        }
    }
    if (spec->weights) {
        const obs_column *c = find_column(t, spec->weights);
        fr->weights = malloc(n * sizeof(double));
        if (!fr->weights) return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
        for (size_t r = 0; r < n; r++) {
            double w = c->num[fr->row[r]];
            if (w < 0 || isinf(w))
                return obs_error_set(err, OBS_EDATA,
                                     "%s: column \"%s\": weights must be finite and >= 0, got %s",
                                     obs_frame_rowloc(t, fr->row[r], loc, sizeof loc), c->name,
                                     value_text(c, fr->row[r], val, sizeof val));
            fr->weights[r] = w;
        }
    }
    return OBS_OK;
}

/* ------------------------------------------------------------------ */

obs_status obs_frame_build(const obs_table *t, const obs_formula *f,
                           const obs_frame_spec *spec, obs_frame **out, obs_error *err)
{
    obs_frame_spec defaults;
    memset(&defaults, 0, sizeof defaults);
    if (!spec) spec = &defaults;
    *out = NULL;
    if (spec->response_required == OBS_FRAME_NEED_SURV &&
        f->response != OBS_RESP_SURV && f->response != OBS_RESP_SURV_COUNTING)
        return obs_error_set(err, OBS_EUSAGE,
                             "formula: the response must be Surv(time, event) or "
                             "Surv(start, stop, event) in \"%s\"", f->text);
    if (spec->response_required == OBS_FRAME_NEED_BINARY && f->response != OBS_RESP_COLUMN)
        return obs_error_set(err, OBS_EUSAGE,
                             "formula: the response must be a 0/1 column in \"%s\"", f->text);

    usecol *use = NULL;
    size_t nuse = 0;
    obs_frame *fr = calloc(1, sizeof *fr);
    if (!fr) return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
    obs_status rc = resolve(t, f, spec, &use, &nuse, err);
    if (!rc) rc = drop_incomplete(t, use, nuse, fr, err);
    if (!rc) rc = build_response(t, f, spec, fr, err);
    if (!rc) rc = check_finite(t, f, spec, use, nuse, fr, err);
    free(use);
    if (!rc) rc = obs_frame_build_rhs(t, f, spec, fr, err);
    if (!rc) rc = build_specials(t, f, spec, fr, err);
    if (rc) {
        obs_frame_free(&fr);
        return rc;
    }
    *out = fr;
    return OBS_OK;
}

static void free_strings(char **s, size_t n)
{
    if (!s) return;
    for (size_t k = 0; k < n; k++) free(s[k]);
    free(s);
}

void obs_frame_free(obs_frame **frp)
{
    if (!frp || !*frp) return;
    obs_frame *fr = *frp;
    for (size_t k = 0; fr->exclusions && k < fr->nexclusions; k++) {
        free(fr->exclusions[k].variable);
        free(fr->exclusions[k].reason);
    }
    free(fr->exclusions);
    free(fr->row);
    if (!fr->time_borrowed) free(fr->time);
    free(fr->start);
    free(fr->status);
    free(fr->y);
    free(fr->x);
    free(fr->xcol);
    free_strings(fr->colnames, fr->p);
    free(fr->assign);
    free_strings(fr->term_labels, fr->nterms);
    free(fr->group);
    free_strings(fr->group_names, fr->ngroups);
    free(fr->strata);
    free_strings(fr->strata_names, fr->nstrata);
    free(fr->cluster);
    free(fr->weights);
    free(fr->offset);
    free(fr);
    *frp = NULL;
}
