/*
 * frame_design.c — the right-hand side of a model frame: R's model.matrix
 * with treatment contrasts, or the cross-classified groups of survfit.
 *
 * Design matrix (R's model.matrix.default, treatment contrasts):
 *   - a numeric variable gives one column named by its text ("age",
 *     "log(bili)");
 *   - a categorical variable with levels l1 < l2 < ... gives indicator
 *     columns named text + level ("sex2", "factor(trt)2"); coded by
 *     contrasts (levels 2..k, l1 the reference) or by dummies (every level);
 *   - a term is the product of its variables' columns, the first variable
 *     varying fastest, names joined by ":" ("age:sex2", "a2:b2", "a3:b2").
 *   Which coding a factor gets inside a term is R's rule (Chambers & Hastie,
 *   Statistical Models in S, 1992, p. 38; R's TermCode in stats/src/model.c):
 *   variable v of term T is coded by contrasts when T without v is empty
 *   (the intercept counts as present, also for Cox) or is contained in a term
 *   that comes before T; otherwise by dummies.
 *   Worked example:  ~ age + age:sex  (sex levels 1, 2)
 *     age       -> "age"
 *     age:sex   -> T\{sex} = {age} is a preceding term -> contrasts: "age:sex2"
 *   while ~ age:sex alone gives "age:sex1", "age:sex2" (dummies).
 *
 * Groups (survfit / survdiff): the main-effect variables cross-classified,
 * labelled as survival's strata(): first "name=level", later ones padded to
 * the widest "name=level" of that variable, joined by ", "; only present
 * combinations, in level order, the first variable slowest.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obsurv/parallel.h"
#include "frame_internal.h"

typedef struct {
    const obs_formula_var *fv;   /* first occurrence */
    const obs_column *col;
    int categorical;
    int islog;
    obs_levelset ls;
    int *code;                   /* n: level of each used row (categorical) */
    double *val;                 /* n: value of each used row (numeric) */
    int borrowed;                /* val is the table column itself (not freed) */
} rvar;

typedef struct {
    rvar *v;
    size_t nv;
    size_t **tv;                 /* per term: indices into v of its variables */
} rvars;

static obs_status nomem(obs_error *err)
{
    return obs_error_set(err, OBS_ENOMEM, "model frame: out of memory");
}

static const obs_column *find_column(const obs_table *t, const char *name)
{
    for (size_t k = 0; k < t->ncol; k++)
        if (t->cols[k].name && strcmp(t->cols[k].name, name) == 0) return &t->cols[k];
    return NULL;
}

static void rvars_free(rvars *rv, size_t nterms)
{
    for (size_t k = 0; k < rv->nv; k++) {
        obs_levelset_free(&rv->v[k].ls);
        free(rv->v[k].code);
        if (!rv->v[k].borrowed) free(rv->v[k].val);
    }
    free(rv->v);
    if (rv->tv)
        for (size_t i = 0; i < nterms; i++) free(rv->tv[i]);
    free(rv->tv);
}

/* Collect the distinct term variables (by text) and evaluate them on the
 * used rows.  groups: every variable becomes categorical. */
static obs_status eval_vars(const obs_table *t, const obs_formula *f, int drop, int groups,
                            obs_frame *fr, rvars *rv, obs_error *err)
{
    size_t n = fr->n, cap = 0;
    char loc[300], val[64];
    for (size_t i = 0; i < f->nterms; i++) cap += f->terms[i].nvars;
    rv->v = calloc(cap + 1, sizeof(rvar));
    rv->tv = calloc(f->nterms + 1, sizeof(size_t *));
    if (!rv->v || !rv->tv) return nomem(err);
    for (size_t i = 0; i < f->nterms; i++) {
        const obs_formula_term *term = &f->terms[i];
        rv->tv[i] = malloc((term->nvars + 1) * sizeof(size_t));
        if (!rv->tv[i]) return nomem(err);
        for (size_t k = 0; k < term->nvars; k++) {
            const obs_formula_var *fv = &term->vars[k];
            size_t j = 0;
            while (j < rv->nv && strcmp(rv->v[j].fv->text, fv->text) != 0) j++;
            rv->tv[i][k] = j;
            if (j < rv->nv) continue;
            rvar *r = &rv->v[rv->nv++];
            r->fv = fv;
            r->col = find_column(t, fv->columns[0]);
            r->islog = fv->kind == OBS_VAR_LOG;
            r->categorical = groups || r->col->type == OBS_COL_FACTOR || fv->kind == OBS_VAR_FACTOR;
            if (r->islog)
                for (size_t q = 0; q < n; q++) {
                    double x = r->col->num[fr->row[q]];
                    if (!(x > 0)) {
                        obs_format_number_r(x, val, sizeof val);
                        return obs_error_set(err, OBS_EDATA,
                                             "%s: %s: column \"%s\" is %s; log needs a "
                                             "positive value",
                                             obs_frame_rowloc(t, fr->row[q], loc, sizeof loc),
                                             fv->text, r->col->name, val);
                    }
                }
            if (!r->categorical && !r->islog && !obs_frame_rows_or_null(fr, t)) {
                /* every row used, in order: the column itself, no copy
                 * (at 10^7 rows and 10 covariates, 800 MB less) */
                r->val = r->col->num;
                r->borrowed = 1;
                continue;
            }
            if (!r->categorical) {
                r->val = malloc(n * sizeof(double));
                if (!r->val) return nomem(err);
                for (size_t q = 0; q < n; q++) {
                    double x = r->col->num[fr->row[q]];
                    r->val[q] = r->islog ? log(x) : x;
                }
                continue;
            }
            /* factor(x) is evaluated on the whole table (levels of every
             * non-missing x); a bare column becomes a factor after rows
             * are dropped (levels present in the used rows). */
            int whole = fv->kind == OBS_VAR_FACTOR && !drop;
            obs_status rc = obs_levelset_build(&r->ls, r->col, t->nrow, whole ? NULL : fr->row,
                                               n, r->islog, err);
            if (rc) return rc;
            r->code = malloc(n * sizeof(int));
            if (!r->code) return nomem(err);
            obs_levelset_code_rows(&r->ls, r->col, obs_frame_rows_or_null(fr, t), n, r->islog, r->code);
            if (!groups && r->ls.nlev < 2)
                return obs_error_set(err, OBS_EDATA,
                                     "formula: term \"%s\": contrasts can be applied only to "
                                     "factors with 2 or more levels (%s has %zu level%s in "
                                     "the %zu rows used)",
                                     term->label, fv->text, r->ls.nlev,
                                     r->ls.nlev == 1 ? "" : "s", n);
        }
    }
    return OBS_OK;
}

/* 1 when every variable of term `ti` except variable index `skip` (into
 * rv->v) is in term `ui`. */
static int contains_rest(const obs_formula *f, const rvars *rv, size_t ti, size_t skip, size_t ui)
{
    for (size_t k = 0; k < f->terms[ti].nvars; k++) {
        size_t w = rv->tv[ti][k];
        if (w == skip) continue;
        int found = 0;
        for (size_t m = 0; m < f->terms[ui].nvars && !found; m++) found = rv->tv[ui][m] == w;
        if (!found) return 0;
    }
    return 1;
}

/* R's TermCode: 1 contrasts, 0 dummies, for variable k of term ti. */
static int use_contrasts(const obs_formula *f, const rvars *rv, size_t ti, size_t k)
{
    if (f->terms[ti].nvars == 1) return 1;       /* T \ {v} empty: the intercept */
    size_t v = rv->tv[ti][k];
    for (size_t ui = 0; ui < ti; ui++)
        if (contains_rest(f, rv, ti, v, ui)) return 1;
    return 0;
}

/* One design column: the variables of its term (indices into rv->v) and,
 * for each, the level it indicates (-1 for a numeric variable); dst is
 * where its n values go (inside fr->x), NULL for a borrowed column. */
typedef struct {
    const size_t *var;
    const int *lev;
    size_t nvars;
    double *dst;
} design_col;

typedef struct {
    const rvars *rv;
    const design_col *col;   /* p columns; NULL var for the intercept */
    size_t p, lo, hi;
} design_chunk;

/* Rows [lo, hi) of every design column: the product of the term's
 * variables, in order — a numeric variable multiplies, an indicator sets 0
 * where the row is not at its level — starting from the first variable's
 * value (1 x v = v and 1 or 0 before a product: the same operations as
 * starting from a column of ones). */
static void design_chunk_run(void *arg)
{
    const design_chunk *c = arg;
    for (size_t j = 0; j < c->p; j++) {
        const design_col *dc = &c->col[j];
        double *x = dc->dst;
        if (!x) continue;                           /* borrowed: the table's column */
        if (dc->nvars == 0) {                       /* the intercept */
            for (size_t q = c->lo; q < c->hi; q++) x[q] = 1.0;
            continue;
        }
        for (size_t k = 0; k < dc->nvars; k++) {
            const rvar *r = &c->rv->v[dc->var[k]];
            const int lev = dc->lev[k];
            if (lev < 0) {
                if (k == 0) for (size_t q = c->lo; q < c->hi; q++) x[q] = r->val[q];
                else for (size_t q = c->lo; q < c->hi; q++) x[q] *= r->val[q];
            } else if (k == 0) {
                for (size_t q = c->lo; q < c->hi; q++) x[q] = r->code[q] == lev ? 1.0 : 0.0;
            } else {
                for (size_t q = c->lo; q < c->hi; q++)
                    if (r->code[q] != lev) x[q] = 0.0;
            }
        }
    }
}

/* 1 when design column dc may stay the table's column: borrowing allowed,
 * the column is one numeric variable (no log, no factor, no product) and
 * that variable's values are the table column itself (every row used, in
 * order: eval_vars). */
static int borrowable(const obs_frame_spec *spec, const rvars *rv, const design_col *dc)
{
    return spec->borrow_columns && dc->nvars == 1 && dc->lev[0] < 0 &&
           rv->v[dc->var[0]].borrowed;
}

static obs_status build_design(const obs_formula *f, const obs_frame_spec *spec, rvars *rv,
                               obs_frame *fr, obs_error *err)
{
    size_t n = fr->n, nt = f->nterms, maxv = 1;
    obs_status rc = OBS_OK;
    design_col *cols = NULL;
    int *levs = NULL;
    for (size_t i = 0; i < nt; i++)
        if (f->terms[i].nvars > maxv) maxv = f->terms[i].nvars;
    /* per term and variable: contrasts flag and number of columns */
    size_t *ncol = calloc(nt * maxv + 1, sizeof(size_t));
    int *contr = calloc(nt * maxv + 1, sizeof(int));
    size_t *sub = calloc(maxv + 1, sizeof(size_t));
    if (!ncol || !contr || !sub) { rc = nomem(err); goto done; }
    size_t p = spec->intercept ? 1 : 0;
    for (size_t i = 0; i < nt; i++) {
        size_t prod = 1;
        for (size_t k = 0; k < f->terms[i].nvars; k++) {
            const rvar *r = &rv->v[rv->tv[i][k]];
            size_t c = 1;
            if (r->categorical) {
                contr[i * maxv + k] = use_contrasts(f, rv, i, k);
                c = r->ls.nlev - (size_t)contr[i * maxv + k];
            }
            ncol[i * maxv + k] = c;
            prod *= c;
        }
        p += prod;
    }
    if (p > 0 && n > (SIZE_MAX / sizeof(double) - 1) / p) {
        rc = obs_error_set(err, OBS_ENOMEM, "model frame: design matrix of %zu x %zu is too large",
                           n, p);
        goto done;
    }
    fr->xcol = calloc(p + 1, sizeof *fr->xcol);
    fr->colnames = calloc(p + 1, sizeof(char *));
    fr->assign = malloc((p + 1) * sizeof(int));
    cols = calloc(p + 1, sizeof *cols);
    levs = malloc((p * maxv + 1) * sizeof *levs);
    if (!fr->xcol || !fr->colnames || !fr->assign || !cols || !levs) {
        rc = nomem(err);
        goto done;
    }
    fr->p = p;
    size_t j = 0;
    if (spec->intercept) {
        fr->colnames[0] = strdup("(Intercept)");
        if (!fr->colnames[0]) { rc = nomem(err); goto done; }
        fr->assign[0] = -1;
        j = 1;                                    /* cols[0]: no variables */
    }
    /* names and the recipe of each column; the values in one pass below */
    for (size_t i = 0; i < nt; i++) {
        const obs_formula_term *term = &f->terms[i];
        size_t prod = 1;
        for (size_t k = 0; k < term->nvars; k++) prod *= ncol[i * maxv + k];
        for (size_t c = 0; c < prod; c++, j++) {
            /* sub-column of each variable: the first varies fastest */
            size_t rest = c, len = 0;
            for (size_t k = 0; k < term->nvars; k++) {
                sub[k] = rest % ncol[i * maxv + k];
                rest /= ncol[i * maxv + k];
            }
            for (size_t k = 0; k < term->nvars; k++) {
                const rvar *r = &rv->v[rv->tv[i][k]];
                len += strlen(r->fv->text) + 2;
                if (r->categorical) len += strlen(r->ls.names[sub[k] + (size_t)contr[i * maxv + k]]);
            }
            char *name = malloc(len + 1);
            if (!name) { rc = nomem(err); goto done; }
            fr->colnames[j] = name;
            fr->assign[j] = (int)i;
            int *lev_j = levs + j * maxv;
            cols[j].var = rv->tv[i];
            cols[j].lev = lev_j;
            cols[j].nvars = term->nvars;
            len = 0;
            for (size_t k = 0; k < term->nvars; k++) {
                const rvar *r = &rv->v[rv->tv[i][k]];
                if (k) name[len++] = ':';
                len += (size_t)sprintf(name + len, "%s", r->fv->text);
                lev_j[k] = -1;
                if (!r->categorical) continue;
                int lev = (int)(sub[k] + (size_t)contr[i * maxv + k]);
                len += (size_t)sprintf(name + len, "%s", r->ls.names[lev]);
                lev_j[k] = lev;
            }
        }
    }
    /* where each column lives: a single plain numeric variable whose values
     * are the table's column (rvar borrowed) stays there when the spec
     * allows; every other column gets the next n doubles of fr->x */
    size_t ncopy = 0;
    for (j = 0; j < p; j++) ncopy += !borrowable(spec, rv, &cols[j]);
    fr->x = malloc((n * ncopy + 1) * sizeof(double));
    if (!fr->x) { rc = nomem(err); goto done; }
    for (size_t k = 0, slot = 0; k < p; k++) {
        if (borrowable(spec, rv, &cols[k])) {
            cols[k].dst = NULL;
            fr->xcol[k] = rv->v[cols[k].var[0]].val;
        } else {
            cols[k].dst = fr->x + slot++ * n;
            fr->xcol[k] = cols[k].dst;
        }
    }
    {   /* the values: two fixed halves of the rows (each element is
         * computed from its own row: the same bits on one or two threads) */
        design_chunk ch[2];
        size_t lo[3];
        obs_parallel_split(n, 2, lo);
        for (int c = 0; c < 2; c++) ch[c] = (design_chunk){rv, cols, p, lo[c], lo[c + 1]};
        void *args[2] = {&ch[0], &ch[1]};
        obs_parallel_run(design_chunk_run, args, 2, n >= 20000 ? obs_parallel_threads() : 1);
    }
done:
    free(cols);
    free(levs);
    free(ncol);
    free(contr);
    free(sub);
    return rc;
}

/* The name R's model.frame gives a variable: the bare column name for a
 * column, the deparsed call otherwise ("factor(ph.ecog)", "log(age)"). */
static const char *mf_name(const rvar *r)
{
    return r->fv->kind == OBS_VAR_COLUMN ? r->col->name : r->fv->text;
}

static obs_status build_groups(const obs_formula *f, rvars *rv, obs_frame *fr, obs_error *err)
{
    size_t n = fr->n, nv = f->nterms;
    fr->group = calloc(n + 1, sizeof(int));
    if (!fr->group) return nomem(err);
    if (nv == 0) {
        fr->group_names = calloc(1, sizeof(char *));
        if (!fr->group_names) return nomem(err);
        fr->ngroups = 1;
        fr->group_names[0] = strdup("all");
        return fr->group_names[0] ? OBS_OK : nomem(err);
    }
    obs_status rc = OBS_OK;
    int **codes = calloc(nv, sizeof(int *));
    size_t *nlev = calloc(nv, sizeof(size_t)), *width = calloc(nv, sizeof(size_t));
    int *digits = NULL;
    char *label = NULL;
    if (!codes || !nlev || !width) { rc = nomem(err); goto done; }
    size_t maxlen = 16;
    for (size_t i = 0; i < nv; i++) {
        const rvar *r = &rv->v[rv->tv[i][0]];
        codes[i] = r->code;
        nlev[i] = r->ls.nlev;
        size_t maxl = 0;
        for (size_t l = 0; l < r->ls.nlev; l++) {
            size_t w = obs_utf8_width(mf_name(r)) + 1 + obs_utf8_width(r->ls.names[l]);
            if (w > width[i]) width[i] = w;
            if (strlen(r->ls.names[l]) > maxl) maxl = strlen(r->ls.names[l]);
        }
        maxlen += strlen(mf_name(r)) + maxl + width[i] + 4;
    }
    if ((rc = obs_cross_classify(n, nv, codes, nlev, fr->group, &fr->ngroups, &digits, err)))
        goto done;
    fr->group_names = calloc(fr->ngroups + 1, sizeof(char *));
    label = malloc(maxlen);
    if (!fr->group_names || !label) { rc = nomem(err); goto done; }
    for (size_t g = 0; g < fr->ngroups; g++) {
        size_t len = 0;
        for (size_t i = 0; i < nv; i++) {
            const rvar *r = &rv->v[rv->tv[i][0]];
            if (i) len += (size_t)sprintf(label + len, ", ");
            size_t w0 = len;
            len += (size_t)sprintf(label + len, "%s=%s", mf_name(r),
                                   r->ls.names[digits[g * nv + i]]);
            if (i) {
                size_t w = obs_utf8_width(label + w0);
                while (w++ < width[i]) label[len++] = ' ';
                label[len] = '\0';
            }
        }
        fr->group_names[g] = strdup(label);
        if (!fr->group_names[g]) { rc = nomem(err); goto done; }
    }
done:
    free(codes);
    free(nlev);
    free(width);
    free(digits);
    free(label);
    return rc;
}

obs_status obs_frame_build_rhs(const obs_table *t, const obs_formula *f,
                               const obs_frame_spec *spec, obs_frame *fr, obs_error *err)
{
    int groups = spec->rhs == OBS_FRAME_GROUPS;
    int drop = spec->drop_unused_levels || spec->intercept;
    fr->term_labels = calloc(f->nterms + 1, sizeof(char *));
    if (!fr->term_labels) return nomem(err);
    fr->nterms = f->nterms;
    for (size_t i = 0; i < f->nterms; i++) {
        fr->term_labels[i] = strdup(f->terms[i].label);
        if (!fr->term_labels[i]) return nomem(err);
        if (groups && f->terms[i].nvars > 1)
            return obs_error_set(err, OBS_EUSAGE,
                                 "formula: interaction \"%s\" is not supported here: groups "
                                 "are the cross-classification of the terms (write a + b)",
                                 f->terms[i].label);
    }
    rvars rv;
    memset(&rv, 0, sizeof rv);
    obs_status rc = eval_vars(t, f, drop, groups, fr, &rv, err);
    if (!rc) rc = groups ? build_groups(f, &rv, fr, err) : build_design(f, spec, &rv, fr, err);
    rvars_free(&rv, f->nterms);
    return rc;
}
