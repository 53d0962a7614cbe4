/*
 * study_run.c — run a study specification: the analysed cohort, survival by
 * arm, Table 1, the propensity score and the matched cohort.  The models
 * (Cox, screen, subgroups, interactions) are in study_models.c; the report
 * in study_report_*.c.
 *
 * Data flow (one way):
 *
 *   file --obs_read_table--> raw table
 *        --cohort-----------> analysed table: rows with a treatment in one of
 *                             the two arms, a time and an event; the
 *                             treatment column rebuilt as a factor whose
 *                             levels are [reference, treated] (so that Cox
 *                             terms read "treatmentsurgery" and Table 1's
 *                             columns come in the spec's order); added
 *                             columns .treated (0/1), ps, subclass, weights
 *        --KM, log-rank----> by arm (survival 3.5 survfit / survdiff)
 *        --logit-----------> ps (glm binomial on the spec's formula); rows
 *                             with a missing covariate have no score
 *        --match-----------> MatchIt-style matching on the score (or its
 *                             logit): subclass and weights; the matched
 *                             table holds the rows with weight > 0
 *        --Table 1, balance before and after.
 *
 * Every reference to a data column is checked against the table before any
 * estimation, and an error names the YAML line of the reference.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "obsurv/reader.h"
#include "obsurv/sha256.h"
#include "study_internal.h"

/* ---- small helpers ----------------------------------------------------- */

int study_str_cat(study_str *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0) return -1;
    if (b->len + (size_t)k + 1 > b->cap) {
        size_t cap = (b->len + (size_t)k + 1) * 2;
        char *s = realloc(b->s, cap);
        if (!s) return -1;
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)k;
    return 0;
}

void study_str_free(study_str *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void study_quote(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "`%s`", name);
}

static int in_list(char *const *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], name)) return 1;
    return 0;
}

void study_variable_term(const obs_study_spec *s, const obs_table *t, const char *v,
                         char *buf, size_t size)
{
    const obs_column *c = obs_table_column(t, v);
    if (c && c->type == OBS_COL_NUMERIC && in_list(s->categorical, s->ncategorical, v))
        snprintf(buf, size, "factor(`%s`)", v);
    else snprintf(buf, size, "`%s`", v);
}

static int is_added_column(const char *name)
{
    return !strcmp(name, STUDY_COL_TREATED) || !strcmp(name, STUDY_COL_PS) ||
           !strcmp(name, STUDY_COL_SUBCLASS) || !strcmp(name, STUDY_COL_WEIGHTS) ||
           !strcmp(name, STUDY_COL_INDICATOR);
}

/* A list of the table's columns for messages ("id, center, year, ..."). */
static void column_list(const obs_table *t, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (size_t j = 0; j < t->ncol && used + 8 < size; j++) {
        if (is_added_column(t->cols[j].name)) continue;
        int k = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", t->cols[j].name);
        if (k < 0 || (size_t)k >= size - used) {
            snprintf(buf + used, size - used, ", ...");
            break;
        }
        used += (size_t)k;
    }
}

static obs_status check_column(const obs_study_spec *s, const obs_table *t, const char *name,
                               int line, const char *what, obs_error *err)
{
    if (obs_table_find(t, name) >= 0) return OBS_OK;
    char cols[400];
    column_list(t, cols, sizeof cols);
    return obs_error_set(err, OBS_EUSAGE, "%s:%d: %s: no column \"%s\" in the data (columns: %s)",
                         s->path, line, what, name, cols);
}

obs_status study_frame(const obs_study_spec *s, const obs_table *t, const char *text,
                       const obs_frame_spec *fs, int line, const char *what,
                       obs_formula **f, obs_frame **fr, obs_error *err)
{
    obs_error e;
    *f = NULL;
    *fr = NULL;
    if (obs_formula_parse(text, f, &e))
        return obs_error_set(err, e.status, "%s:%d: %s: %s", s->path, line, what, e.msg);
    const obs_formula *F = *f;
    obs_status rc = OBS_OK;
    for (size_t k = 0; k < F->nresponse && !rc; k++)
        rc = check_column(s, t, F->response_columns[k], line, what, err);
    for (size_t k = 0; k < F->nterms && !rc; k++)
        for (size_t v = 0; v < F->terms[k].nvars && !rc; v++)
            for (size_t c = 0; c < F->terms[k].vars[v].ncolumns && !rc; c++)
                rc = check_column(s, t, F->terms[k].vars[v].columns[c], line, what, err);
    for (size_t k = 0; k < F->nspecials && !rc; k++)
        for (size_t c = 0; c < F->specials[k].ncolumns && !rc; c++)
            rc = check_column(s, t, F->specials[k].columns[c], line, what, err);
    if (!rc && fs->weights) rc = check_column(s, t, fs->weights, line, what, err);
    if (!rc && obs_frame_build(t, F, fs, fr, &e))
        rc = obs_error_set(err, e.status, "%s:%d: %s: %s", s->path, line, what, e.msg);
    if (rc) obs_formula_free(f);
    return rc;
}

/* ---- the analysed cohort ---------------------------------------------- */

/* Which arm a row's treatment value is: 0, 1, or -1 (neither); -2 missing. */
typedef struct {
    const obs_column *col;
    int code[2];          /* factor codes of the arms */
    double value[2];      /* numeric values of the arms */
} arm_map;

static obs_status map_arms(const obs_study_spec *s, const obs_table *raw, arm_map *am, obs_error *err)
{
    am->col = obs_table_column(raw, s->treatment);
    const obs_column *c = am->col;
    for (int k = 0; k < 2; k++) {
        int found = 0;
        if (c->type == OBS_COL_FACTOR) {
            for (size_t l = 0; l < c->nlevels; l++)
                if (!strcmp(c->levels[l], s->arms[k])) { am->code[k] = (int)l; found = 1; }
        } else {
            char *end;
            double v = strtod(s->arms[k], &end);
            if (end != s->arms[k] && !*end) {
                am->value[k] = v;
                for (size_t i = 0; i < raw->nrow && !found; i++)
                    found = !c->missing[i] && c->num[i] == v;
            }
        }
        if (found) continue;
        char vals[300];
        size_t used = 0;
        vals[0] = 0;
        if (c->type == OBS_COL_FACTOR) {
            for (size_t l = 0; l < c->nlevels && used + 40 < sizeof vals; l++)
                used += (size_t)snprintf(vals + used, sizeof vals - used, "%s%s", l ? ", " : "", c->levels[l]);
        } else {
            double seen[8];
            size_t ns = 0;
            for (size_t i = 0; i < raw->nrow && ns < 8; i++) {
                if (c->missing[i]) continue;
                int dup = 0;
                for (size_t q = 0; q < ns; q++) dup |= seen[q] == c->num[i];
                if (dup) continue;
                seen[ns++] = c->num[i];
                used += (size_t)snprintf(vals + used, sizeof vals - used, "%s%g", ns > 1 ? ", " : "", c->num[i]);
            }
            if (ns == 8) snprintf(vals + used, sizeof vals - used, ", ...");
        }
        return obs_error_set(err, OBS_EUSAGE,
                             "%s:%d: treatment.arms: \"%s\" is not a value of column \"%s\" (values: %s)",
                             s->path, s->arms_line, s->arms[k], s->treatment, vals);
    }
    if (!strcmp(s->arms[0], s->arms[1]))
        return obs_error_set(err, OBS_EUSAGE, "%s:%d: treatment.arms: the two arms are the same", s->path,
                             s->arms_line);
    return OBS_OK;
}

static int arm_of(const arm_map *am, size_t i)
{
    const obs_column *c = am->col;
    if (c->missing[i]) return -2;
    for (int k = 0; k < 2; k++) {
        if (c->type == OBS_COL_FACTOR ? c->codes[i] == am->code[k] : c->num[i] == am->value[k]) return k;
    }
    return -1;
}

static obs_status add_exclusion(obs_study_result *r, const char *reason, size_t count, obs_error *err)
{
    if (!count) return OBS_OK;
    obs_study_exclusion *e = realloc(r->exclusions, (r->nexclusions + 1) * sizeof *e);
    if (!e) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    r->exclusions = e;
    e[r->nexclusions].reason = strdup(reason);
    e[r->nexclusions].count = count;
    e[r->nexclusions].hidden = OBS_STUDY_SHOWN;
    if (!e[r->nexclusions].reason) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    r->nexclusions++;
    return OBS_OK;
}

#define NADDED 5

static obs_status build_cohort(const obs_study_spec *s, const obs_table *raw, obs_study_result *r,
                               obs_error *err)
{
    obs_status rc;
    static const char *const added[NADDED] = {STUDY_COL_TREATED, STUDY_COL_PS, STUDY_COL_SUBCLASS,
                                              STUDY_COL_WEIGHTS, STUDY_COL_INDICATOR};
    for (size_t k = 0; k < NADDED; k++)
        if (obs_table_find(raw, added[k]) >= 0)
            return obs_error_set(err, OBS_EUSAGE, "%s: the data have a column \"%s\", a name obsurv study "
                                 "gives to a column it adds; rename it", raw->source, added[k]);
    arm_map am;
    if ((rc = map_arms(s, raw, &am, err))) return rc;
    const obs_column *tc = obs_table_column(raw, s->time), *ec = obs_table_column(raw, s->event);
    if (tc->type != OBS_COL_NUMERIC)
        return obs_error_set(err, OBS_EUSAGE, "%s:%d: outcome.time: column \"%s\" is not numeric", s->path,
                             s->time_line, s->time);
    size_t n = raw->nrow, m = 0, miss_t = 0, other = 0, miss_time = 0, miss_event = 0;
    size_t *keep = malloc((n ? n : 1) * sizeof *keep);
    int *arm = malloc((n ? n : 1) * sizeof *arm);
    if (!keep || !arm) {
        free(keep);
        free(arm);
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    }
    /* the study window: rows whose window column is missing or outside */
    const obs_column *wc = s->window_column ? obs_table_column(raw, s->window_column) : NULL;
    size_t bad_time = 0, miss_window = 0, outside = 0;
    for (size_t i = 0; i < n; i++) {
        int a = arm_of(&am, i);
        if (a == -2) { miss_t++; continue; }
        if (a == -1) { other++; continue; }
        if (tc->missing[i]) { miss_time++; continue; }
        if (!isfinite(tc->num[i]) || tc->num[i] < 0) { bad_time++; continue; }
        if (ec->missing[i]) { miss_event++; continue; }
        if (wc && wc->missing[i]) { miss_window++; continue; }
        if (wc && (wc->num[i] < s->window_from || wc->num[i] > s->window_to)) { outside++; continue; }
        arm[m] = a;
        keep[m++] = i;
    }
    char reason[256];
    rc = add_exclusion(r, "missing treatment", miss_t, err);
    snprintf(reason, sizeof reason, "treatment neither %s nor %s", s->arms[0], s->arms[1]);
    if (!rc) rc = add_exclusion(r, reason, other, err);
    if (!rc) rc = add_exclusion(r, "missing survival time", miss_time, err);
    if (!rc) rc = add_exclusion(r, "invalid survival time (negative or infinite)", bad_time, err);
    if (!rc) rc = add_exclusion(r, "missing vital status", miss_event, err);
    if (!rc && wc) {
        snprintf(reason, sizeof reason, "missing %s (study window)", s->window_column);
        rc = add_exclusion(r, reason, miss_window, err);
        snprintf(reason, sizeof reason, "outside the study window (%s %g to %g)", s->window_column,
                 s->window_from, s->window_to);
        if (!rc) rc = add_exclusion(r, reason, outside, err);
    }
    r->n_read = n;
    r->n = m;
    obs_table *sub = NULL, *u = NULL;
    if (!rc && m == 0) rc = obs_error_set(err, OBS_EDATA, "%s: no row has a treatment arm, a time and an event",
                                          raw->source);
    if (!rc && !(sub = obs_table_subset(raw, keep, m, err))) rc = err ? err->status : OBS_ENOMEM;
    if (!rc && !(u = obs_table_new(m, raw->ncol + NADDED, raw->source)))
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
    if (!rc) {
        for (size_t j = 0; j < raw->ncol; j++) {
            u->cols[j] = sub->cols[j];
            memset(&sub->cols[j], 0, sizeof sub->cols[j]);
        }
        memcpy(u->line, sub->line, m * sizeof *u->line);
        long jt = obs_table_find(u, s->treatment);
        const char *levels[2] = {s->arms[0], s->arms[1]};
        rc = obs_column_init_factor(u, (size_t)jt, s->treatment, levels, 2, err);
        for (size_t i = 0; !rc && i < m; i++) u->cols[jt].codes[i] = arm[i];
        for (size_t k = 0; !rc && k < NADDED; k++) rc = obs_column_init_numeric(u, raw->ncol + k, added[k], err);
        if (!rc) {
            obs_column *tr = &u->cols[raw->ncol];
            for (size_t i = 0; i < m; i++) tr->num[i] = arm[i];
            for (size_t k = 1; k < NADDED; k++) {   /* ps, subclass, weights, indicator: missing until set */
                obs_column *c = &u->cols[raw->ncol + k];
                memset(c->missing, 1, m);
                c->nmissing = m;
            }
        }
    }
    for (size_t i = 0; i < m; i++) r->n_arm[arm[i]]++;
    obs_table_free(&sub);
    free(keep);
    free(arm);
    if (rc) obs_table_free(&u);
    r->data = u;
    return rc;
}

/* Set a numeric column's value (or missing when v is NaN). */
static void set_num(obs_column *c, size_t i, double v)
{
    int was = c->missing[i];
    c->num[i] = v;
    c->missing[i] = isnan(v) ? 1 : 0;
    c->nmissing += (size_t)c->missing[i] - (size_t)was;
}

/* ---- survival by arm --------------------------------------------------- */

static obs_status run_survival(const obs_study_spec *s, obs_study_result *r, obs_error *err)
{
    char text[512];
    snprintf(text, sizeof text, "Surv(`%s`, `%s`) ~ `%s`", s->time, s->event, s->treatment);
    obs_frame_spec fs = {.rhs = OBS_FRAME_GROUPS, .response_required = OBS_FRAME_NEED_SURV};
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_status rc = study_frame(s, r->data, text, &fs, s->time_line, "outcome", &f, &fr, err);
    if (rc) return rc;
    if (fr->ngroups != 2) {
        rc = obs_error_set(err, OBS_EDATA, "%s:%d: treatment.arms: only one arm has patients", s->path,
                           s->arms_line);
        goto done;
    }
    obs_km_options ko;
    obs_km_options_default(&ko);
    ko.conf_level = s->conf_level;
    if ((rc = obs_km_estimate(fr->n, fr->time, fr->status, NULL, fr->group, 2, &ko, &r->km, err))) goto done;
    double start = obs_km_start_time(r->km);
    double *times = NULL;
    if (s->ntimes) {
        times = malloc(s->ntimes * sizeof *times);
        if (!times) { rc = obs_error_set(err, OBS_ENOMEM, "out of memory"); goto done; }
        memcpy(times, s->times, s->ntimes * sizeof *times);
        for (size_t i = 1; i < s->ntimes; i++)      /* insertion sort: a handful of times */
            for (size_t j = i; j > 0 && times[j] < times[j - 1]; j--) {
                double x = times[j]; times[j] = times[j - 1]; times[j - 1] = x;
            }
    }
    double sixty = 60;
    for (int k = 0; k < 2; k++) {
        r->at[k] = calloc(s->ntimes ? s->ntimes : 1, sizeof *r->at[k]);
        if (!r->at[k]) { rc = obs_error_set(err, OBS_ENOMEM, "out of memory"); break; }
        if (s->ntimes) obs_km_at(&r->km->curves[k], start, times, s->ntimes, r->at[k]);
        obs_km_at(&r->km->curves[k], start, &s->surv_at, 1, &r->at_surv[k]);
        obs_km_at(&r->km->curves[k], start, &sixty, 1, &r->at_60[k]);
    }
    free(times);
    if (!rc) rc = obs_logrank_test(fr->n, fr->time, fr->status, fr->group, 2, NULL, 0, 0, &r->logrank, err);
done:
    obs_frame_free(&fr);
    obs_formula_free(&f);
    return rc;
}

/* ---- Table 1 ----------------------------------------------------------- */

static obs_status run_table1(const obs_study_spec *s, const obs_table *t, obs_table1 **out, obs_error *err)
{
    obs_table1_spec ts = {.by = s->treatment,
                          .vars = (const char *const *)s->baseline, .nvars = s->nbaseline,
                          .nonnormal = (const char *const *)s->nonnormal, .nnonnormal = s->nnonnormal,
                          .exact = (const char *const *)s->exact, .nexact = s->nexact,
                          .categorical = (const char *const *)s->categorical, .ncategorical = s->ncategorical};
    obs_error e;
    if (obs_table1_build(t, &ts, out, &e))
        return obs_error_set(err, e.status, "%s:%d: baseline: %s", s->path,
                             s->baseline_lines ? s->baseline_lines[0] : 1, e.msg);
    /* report: min_cell — small counts and the percentages that reveal them */
    if (s->min_cell > 0) return obs_table1_suppress(*out, s->min_cell, err);
    return OBS_OK;
}

/* ---- propensity score and matching ------------------------------------ */

static obs_status run_propensity(const obs_study_spec *s, obs_study_result *r, obs_error *err)
{
    study_str text = {0};
    const char *rhs = s->ps_formula;
    while (*rhs == ' ') rhs++;
    if (study_str_cat(&text, "`%s` %s%s", STUDY_COL_TREATED, *rhs == '~' ? "" : "~ ", rhs))
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    obs_frame_spec fs = {.rhs = OBS_FRAME_DESIGN, .intercept = 1, .response_required = OBS_FRAME_NEED_BINARY,
                         .drop_unused_levels = 1};
    obs_formula *f = NULL;
    obs_status rc = study_frame(s, r->data, text.s, &fs, s->ps_line, "propensity.formula", &f, &r->ps_frame, err);
    study_str_free(&text);
    obs_formula_free(&f);
    if (rc) return rc;
    obs_frame *fr = r->ps_frame;
    obs_error e;
    if (obs_logit_fit_irls_cols(fr->xcol, fr->n, fr->p, fr->y, NULL, 1, NULL, (const char *const *)fr->colnames,
                                &r->ps_fit, &e))
        return obs_error_set(err, e.status, "%s:%d: propensity model: %s", s->path, s->ps_line, e.msg);
    for (size_t k = 0; k < r->ps_fit->warnings.n; k++)
        obs_warnings_add(&r->warnings, "propensity model: %s", r->ps_fit->warnings.msg[k]);
    obs_column *ps = (obs_column *)obs_table_column(r->data, STUDY_COL_PS);
    for (size_t i = 0; i < fr->n; i++) set_num(ps, fr->row[i], r->ps_fit->fitted[i]);
    r->n_ps_missing = r->n - fr->n;
    if (r->n_ps_missing) {
        r->warning_ps_missing = r->warnings.n + 1;
        obs_warnings_add(&r->warnings, "%zu patients have no propensity score (a covariate is missing)",
                         r->n_ps_missing);
    }

    const char *method = s->match_method ? s->match_method : "nearest";
    int *treat = malloc((fr->n ? fr->n : 1) * sizeof *treat);
    double *dist = malloc((fr->n ? fr->n : 1) * sizeof *dist);
    if (!treat || !dist) { rc = obs_error_set(err, OBS_ENOMEM, "out of memory"); goto done; }
    int logit = s->match_distance && !strcmp(s->match_distance, "logit");
    for (size_t i = 0; i < fr->n; i++) {
        treat[i] = fr->y[i] > 0.5;
        dist[i] = logit ? r->ps_fit->eta[i] : r->ps_fit->fitted[i];
    }
    if (strcmp(method, "none")) {
        obs_match_options mo;
        obs_match_options_default(&mo);
        mo.ratio = s->match_ratio;
        mo.caliper = s->match_caliper;
        mo.replace = s->match_replace;
        mo.seed = s->seed;
        if (s->match_rule && !strcmp(s->match_rule, "exact")) mo.rule = OBS_MATCH_RULE_EXACT;
        int optimal = !strcmp(method, "optimal");
        rc = optimal ? obs_match_optimal(dist, treat, NULL, fr->n, &mo, &r->match, &e)
                     : obs_match_nearest(dist, treat, NULL, fr->n, &mo, &r->match, &e);
        if (rc) {
            rc = obs_error_set(err, rc, "%s:%d: matching: %s", s->path, s->ps_line, e.msg);
            goto done;
        }
        if (optimal && (!isnan(s->match_caliper) || s->match_replace))
            obs_warnings_add(&r->warnings, "optimal matching uses neither a caliper nor replacement");
        if (!optimal && mo.rule == OBS_MATCH_RULE_MATCHIT && !isnan(mo.caliper))
            obs_warnings_add(&r->warnings, "the caliper is applied as MatchIt 4.5.1 applies it (distance "
                             "differences truncated to whole numbers); match.rule: exact gives a strict caliper");
        if (r->match->n_treated_matched < r->match->n_treated) {
            r->warning_unmatched = r->warnings.n + 1;
            obs_warnings_add(&r->warnings, "%zu of %zu patients of arm %s were not matched",
                             r->match->n_treated - r->match->n_treated_matched, r->match->n_treated, s->arms[1]);
        }
        obs_column *sc = (obs_column *)obs_table_column(r->data, STUDY_COL_SUBCLASS);
        obs_column *wc = (obs_column *)obs_table_column(r->data, STUDY_COL_WEIGHTS);
        for (size_t i = 0; i < r->n; i++) set_num(wc, i, 0);
        size_t *rows = malloc((fr->n ? fr->n : 1) * sizeof *rows), m = 0;
        if (!rows) { rc = obs_error_set(err, OBS_ENOMEM, "out of memory"); goto done; }
        for (size_t i = 0; i < fr->n; i++) {
            size_t row = fr->row[i];
            set_num(wc, row, r->match->weights[i]);
            if (r->match->subclass && r->match->subclass[i] > 0) set_num(sc, row, (double)r->match->subclass[i]);
            if (r->match->weights[i] > 0) {
                rows[m++] = row;
                r->n_matched_arm[treat[i]]++;
            }
        }
        r->n_matched = m;
        /* rows in table order (fr->row ascending already) */
        if (m == 0) obs_warnings_add(&r->warnings, "no patient was matched");
        else if (!(r->matched = obs_table_subset(r->data, rows, m, err))) rc = err ? err->status : OBS_ENOMEM;
        free(rows);
        if (rc) goto done;
    }
    /* balance of the score model's design columns, before and after */
    r->nbalance = 0;
    r->balance = calloc(fr->p ? fr->p : 1, sizeof *r->balance);
    r->balance_terms = calloc(fr->p ? fr->p : 1, sizeof *r->balance_terms);
    if (!r->balance || !r->balance_terms) { rc = obs_error_set(err, OBS_ENOMEM, "out of memory"); goto done; }
    const double *w = r->match && r->n_matched ? r->match->weights : NULL;
    for (size_t j = 0; j < fr->p && !rc; j++) {
        if (!strcmp(fr->colnames[j], "(Intercept)")) continue;
        rc = obs_balance_compute(fr->xcol[j], fr->n, 1, treat, w, OBS_ESTIMAND_ATT, &r->balance[r->nbalance],
                                 err);
        if (!rc && !(r->balance_terms[r->nbalance++] = strdup(fr->colnames[j])))
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
    }
done:
    free(treat);
    free(dist);
    return rc;
}

/* ---- the whole run ----------------------------------------------------- */

static obs_status check_references(const obs_study_spec *s, const obs_table *t, obs_error *err)
{
    obs_status rc = check_column(s, t, s->treatment, s->treatment_line, "treatment.column", err);
    if (!rc) rc = check_column(s, t, s->time, s->time_line, "outcome.time", err);
    if (!rc) rc = check_column(s, t, s->event, s->event_line, "outcome.event", err);
    if (!rc && s->id) rc = check_column(s, t, s->id, s->id_line, "id", err);
    if (!rc && s->center) rc = check_column(s, t, s->center, s->center_line, "center", err);
    if (!rc && s->window_column) {
        rc = check_column(s, t, s->window_column, s->window_line, "window.column", err);
        const obs_column *wc = rc ? NULL : obs_table_column(t, s->window_column);
        if (wc && wc->type != OBS_COL_NUMERIC)
            rc = obs_error_set(err, OBS_EUSAGE, "%s:%d: window.column: column \"%s\" is not numeric", s->path,
                               s->window_line, s->window_column);
    }
    for (size_t i = 0; i < s->nbaseline && !rc; i++)
        rc = check_column(s, t, s->baseline[i], s->baseline_lines[i], "baseline.variables", err);
    for (size_t i = 0; i < s->nnonnormal && !rc; i++)
        rc = check_column(s, t, s->nonnormal[i], s->nonnormal_lines[i], "baseline.nonnormal", err);
    for (size_t i = 0; i < s->nexact && !rc; i++)
        rc = check_column(s, t, s->exact[i], s->exact_lines[i], "baseline.exact", err);
    for (size_t i = 0; i < s->ncategorical && !rc; i++)
        rc = check_column(s, t, s->categorical[i], s->categorical_lines[i], "baseline.categorical", err);
    for (size_t i = 0; i < s->ninteraction && !rc; i++)
        rc = check_column(s, t, s->interaction[i], s->interaction_lines[i], "interaction", err);
    for (size_t g = 0; g < s->nsubgroups && !rc; g++)
        for (size_t k = 0; k < s->subgroups[g].nwhere && !rc; k++)
            rc = check_column(s, t, s->subgroups[g].where[k].column, s->subgroups[g].where[k].line,
                              "subgroup.where", err);
    for (size_t m = 0; m < s->ncox && !rc; m++)
        for (size_t k = 0; k < s->cox[m].nwhere && !rc; k++)
            rc = check_column(s, t, s->cox[m].where[k].column, s->cox[m].where[k].line, "cox.where", err);
    for (size_t m = 0; m < s->ncox && !rc; m++)
        if (s->cox[m].matched && !(s->ps_formula && !(s->match_method && !strcmp(s->match_method, "none"))))
            rc = obs_error_set(err, OBS_EUSAGE, "%s:%d: cox: cohort: matched needs propensity.match", s->path,
                               s->cox[m].line);
    return rc;
}

obs_status obs_study_run(const obs_study_spec *s, obs_study_result **out, obs_error *err)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    *out = NULL;
    obs_study_result *r = calloc(1, sizeof *r);
    if (!r) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    r->spec = s;
    r->interaction_p = NAN;
    obs_warnings_init(&r->warnings);
    obs_table *raw = NULL;
    obs_read_options ro = {.table = s->table, .query = s->query};
    obs_status rc = obs_read_table(s->data, &ro, &raw, err);
    if (!rc && strcmp(s->data, "-")) {
        obs_error e;
        if (obs_sha256_file(s->data, r->sha256, &e)) r->sha256[0] = 0;
    }
    if (!rc) rc = check_references(s, raw, err);
    if (!rc) rc = build_cohort(s, raw, r, err);
    obs_table_free(&raw);
    for (int k = 0; !rc && k < 2; k++)
        if (!(r->arm_names[k] = strdup(s->arms[k]))) rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
    if (!rc) rc = run_survival(s, r, err);
    if (!rc && s->nbaseline) rc = run_table1(s, r->data, &r->table1, err);
    if (!rc && s->ps_formula) rc = run_propensity(s, r, err);
    if (!rc && s->nbaseline && r->matched) rc = run_table1(s, r->matched, &r->table1_matched, err);
    if (!rc) rc = study_run_models(s, r, err);
    if (!rc && s->min_cell > 0) rc = study_disclosure(r, err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (rc) obs_study_result_free(&r);
    *out = r;
    return rc;
}

void obs_study_result_free(obs_study_result **rp)
{
    if (!rp || !*rp) return;
    obs_study_result *r = *rp;
    for (size_t i = 0; i < r->nexclusions; i++) free(r->exclusions[i].reason);
    free(r->exclusions);
    obs_table_free(&r->data);
    free(r->arm_names[0]);
    free(r->arm_names[1]);
    obs_km_free(&r->km);
    free(r->at[0]);
    free(r->at[1]);
    free(r->hidden.at_n_risk[0]);
    free(r->hidden.at_n_risk[1]);
    obs_logrank_free(&r->logrank);
    obs_table1_free(&r->table1);
    obs_table1_free(&r->table1_matched);
    obs_frame_free(&r->ps_frame);
    obs_logit_fit_free(&r->ps_fit);
    obs_match_result_free(&r->match);
    obs_table_free(&r->matched);
    for (size_t i = 0; i < r->nbalance; i++) free(r->balance_terms[i]);
    free(r->balance_terms);
    free(r->balance);
    for (size_t i = 0; i < r->nscreen; i++) {
        free(r->screen[i].variable);
        free(r->screen[i].term);
    }
    free(r->screen);
    for (size_t i = 0; i < r->ncox; i++) study_cox_fit_clear(&r->cox[i]);
    free(r->cox);
    free(r->overall.name);
    for (size_t i = 0; i < r->nsubgroups; i++) free(r->subgroups[i].name);
    free(r->subgroups);
    for (size_t i = 0; i < r->ninteractions; i++) free(r->interactions[i].variable);
    free(r->interactions);
    free(r->comparisons);
    obs_warnings_free(&r->warnings);
    free(r);
    *rp = NULL;
}
