/*
 * study_models.c — the models of a study: the spec's Cox models, the
 * univariable screen of every baseline variable, the treatment effect within
 * subgroups with its interaction test, and the published-versus-obsurv
 * comparison.
 *
 * Subgroups.  Within each subgroup (rows meeting every `where` condition)
 * the subgroup model (subgroup_formula, by default
 * Surv(time, event) ~ treatment) is fitted and the treatment term's hazard
 * ratio reported (treated arm vs reference arm).  The interaction P value of
 * a subgroup is a likelihood-ratio test in the full cohort: with I the
 * subgroup indicator (1 inside, 0 outside, missing when a condition column
 * is missing),
 *     M0: subgroup model + I        M1: M0 + treatment:I
 *     LR = 2 (logL(M1) - logL(M0)) ~ chi-square(df = rank(M1) - rank(M0)).
 * For each variable v of `interaction:` the same test with v in place of I
 * (factor(v) when v is listed as categorical), so a factor with k levels
 * gives k - 1 df.  Both models are fitted to the same rows (those complete
 * in the model's variables and v).  results.json's interaction_p is the
 * first interaction variable's P value.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/dist.h"
#include "study_internal.h"

void study_cox_fit_clear(obs_study_cox_fit *c)
{
    if (!c) return;
    free(c->name);
    free(c->formula);
    obs_frame_free(&c->frame);
    obs_cox_model_free(&c->model);
    memset(c, 0, sizeof *c);
}

long study_term_index(const obs_study_cox_fit *c, const char *name)
{
    if (!c->frame || !c->model) return -1;
    for (size_t k = 0; k < c->frame->p; k++)
        if (!strcmp(c->frame->colnames[k], name)) return (long)k;
    return -1;
}

void study_treatment_term(const obs_study_result *r, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", r->spec->treatment, r->arm_names[1]);
}

obs_status study_fit_cox(const obs_study_spec *s, const obs_table *t, const char *text,
                         const char *ties, const char *weights, int line, const char *what,
                         int borrow, obs_study_cox_fit *out, obs_error *err)
{
    obs_frame_spec fs = {.rhs = OBS_FRAME_DESIGN, .intercept = 0, .response_required = OBS_FRAME_NEED_SURV,
                         .weights = weights, .drop_unused_levels = 0, .borrow_columns = borrow};
    obs_formula *f = NULL;
    obs_status rc = study_frame(s, t, text, &fs, line, what, &f, &out->frame, err);
    obs_formula_free(&f);
    if (rc) return rc;
    obs_frame *fr = out->frame;
    obs_cox_options o;
    obs_cox_options_default(&o);
    o.conf_level = s->conf_level;
    if (ties && !strcmp(ties, "breslow")) o.ties = OBS_COX_BRESLOW;
    else if (ties && !strcmp(ties, "exact")) o.ties = OBS_COX_EXACT;
    if (fr->cluster) o.robust = 1;
    if (fr->weights)
        for (size_t i = 0; i < fr->n; i++)
            if (fr->weights[i] != floor(fr->weights[i])) { o.robust = 1; break; }
    out->robust = o.robust;
    obs_cox_data d = {.n = fr->n, .p = fr->p, .start = fr->start, .stop = fr->time, .status = fr->status,
                      .xcol = fr->xcol, .strata = fr->strata, .weights = fr->weights, .offset = fr->offset,
                      .cluster = fr->cluster};
    obs_error e;
    if ((rc = obs_cox_fit(&d, &o, &out->model, &e))) {
        obs_frame_free(&out->frame);
        return obs_error_set(err, rc, "%s:%d: %s: %s", s->path, line, what, e.msg);
    }
    return OBS_OK;
}

obs_status study_where(const obs_study_spec *s, const obs_table *t, const obs_study_condition *w,
                       size_t nw, signed char *mask, obs_error *err)
{
    for (size_t i = 0; i < t->nrow; i++) mask[i] = 1;
    for (size_t k = 0; k < nw; k++) {
        const obs_column *c = obs_table_column(t, w[k].column);
        if (!c)
            return obs_error_set(err, OBS_EUSAGE, "%s:%d: where: no column \"%s\" in the data", s->path,
                                 w[k].line, w[k].column);
        int code = -1;
        double v = NAN;
        if (c->type == OBS_COL_FACTOR) {
            for (size_t l = 0; l < c->nlevels; l++)
                if (!strcmp(c->levels[l], w[k].value)) code = (int)l;
            if (code < 0)
                return obs_error_set(err, OBS_EUSAGE, "%s:%d: where: \"%s\" is not a value of column \"%s\"",
                                     s->path, w[k].line, w[k].value, w[k].column);
        } else {
            char *end;
            v = strtod(w[k].value, &end);
            if (end == w[k].value || *end)
                return obs_error_set(err, OBS_EUSAGE, "%s:%d: where: column \"%s\" is numeric, \"%s\" is not a "
                                     "number", s->path, w[k].line, w[k].column, w[k].value);
        }
        for (size_t i = 0; i < t->nrow; i++) {
            if (mask[i] < 0) continue;
            if (c->missing[i]) { mask[i] = -1; continue; }
            int hold = c->type == OBS_COL_FACTOR ? c->codes[i] == code : c->num[i] == v;
            if (!hold) mask[i] = 0;
        }
    }
    return OBS_OK;
}

/* Rows of t whose mask is 1, as a new table; *m their count. */
static obs_table *subset_mask(const obs_table *t, const signed char *mask, size_t *m, obs_error *err)
{
    size_t *rows = malloc((t->nrow ? t->nrow : 1) * sizeof *rows), k = 0;
    if (!rows) {
        obs_error_set(err, OBS_ENOMEM, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < t->nrow; i++)
        if (mask[i] == 1) rows[k++] = i;
    *m = k;
    obs_table *u = obs_table_subset(t, rows, k, err);
    free(rows);
    return u;
}

static size_t rank_of(const obs_cox_model *m)
{
    size_t r = 0;
    for (size_t k = 0; k < m->p; k++) r += !m->aliased[k];
    return r;
}

/* LR test of base + extra vs base + extra + `treatment`:extra on t. */
static obs_status interaction_test(const obs_study_spec *s, const obs_table *t, const char *base,
                                   const char *extra, int line, const char *what, double *chisq,
                                   double *df, double *p, size_t *n, obs_error *err)
{
    study_str t0 = {0}, t1 = {0};
    obs_study_cox_fit m0 = {0}, m1 = {0};
    obs_status rc = OBS_OK;
    if (study_str_cat(&t0, "%s + %s", base, extra) ||
        study_str_cat(&t1, "%s + %s + `%s`:%s", base, extra, s->treatment, extra))
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
    if (!rc) rc = study_fit_cox(s, t, t0.s, NULL, NULL, line, what, 1, &m0, err);
    if (!rc) rc = study_fit_cox(s, t, t1.s, NULL, NULL, line, what, 1, &m1, err);
    if (!rc) {
        *chisq = 2 * (m1.model->loglik_model - m0.model->loglik_model);
        *df = (double)rank_of(m1.model) - (double)rank_of(m0.model);
        *p = *df > 0 ? obs_pchisq_upper(*chisq, *df) : NAN;
        *n = m1.frame->n;
    }
    study_str_free(&t0);
    study_str_free(&t1);
    study_cox_fit_clear(&m0);
    study_cox_fit_clear(&m1);
    return rc;
}

/* The treatment term of a fitted subgroup model into g. */
static void treatment_effect(const obs_study_result *r, const obs_study_cox_fit *c, obs_study_subgroup_result *g)
{
    char term[256];
    study_treatment_term(r, term, sizeof term);
    long k = study_term_index(c, term);
    g->n = c->frame->n;
    g->nevent = c->model->nevent;
    if (k < 0 || c->model->aliased[k]) return;
    g->hr = c->model->hr[k];
    g->lower = c->model->hr_lower[k];
    g->upper = c->model->hr_upper[k];
    g->p = c->model->p_value[k];
    const double *xk = c->frame->xcol[k];
    for (size_t i = 0; i < c->frame->n; i++) g->n_arm[xk[i] > 0.5]++;
}

static void subgroup_init(obs_study_subgroup_result *g)
{
    memset(g, 0, sizeof *g);
    g->hr = g->lower = g->upper = g->p = NAN;
    g->interaction_chisq = g->interaction_df = g->interaction_p = NAN;
}

static obs_status run_subgroups(const obs_study_spec *s, obs_study_result *r, const char *sf, obs_error *err)
{
    obs_status rc = OBS_OK;
    int sf_line = s->subgroup_formula_line ? s->subgroup_formula_line : s->treatment_line;
    /* the whole cohort */
    obs_study_cox_fit all = {0};
    subgroup_init(&r->overall);
    if (!(r->overall.name = strdup("All patients"))) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    obs_error e;
    rc = study_fit_cox(s, r->data, sf, NULL, NULL, sf_line, "subgroup_formula", 1, &all, &e);
    if (rc == OBS_EFIT) {
        obs_warnings_add(&r->warnings, "%s", e.msg);
        rc = OBS_OK;
    } else if (rc) {
        if (err) *err = e;
        return rc;
    } else {
        treatment_effect(r, &all, &r->overall);
        char term[256];
        study_treatment_term(r, term, sizeof term);
        if (study_term_index(&all, term) < 0)
            rc = obs_error_set(err, OBS_EUSAGE, "%s:%d: subgroup_formula: the model has no term \"%s\" (the "
                               "treatment, %s vs %s)", s->path, sf_line, term, s->arms[1], s->arms[0]);
    }
    study_cox_fit_clear(&all);
    if (rc || !s->nsubgroups) return rc;

    r->subgroups = calloc(s->nsubgroups, sizeof *r->subgroups);
    signed char *mask = malloc(r->data->nrow ? r->data->nrow : 1);
    if (!r->subgroups || !mask) {
        free(mask);
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    }
    obs_column *ind = (obs_column *)obs_table_column(r->data, STUDY_COL_INDICATOR);
    for (size_t g = 0; g < s->nsubgroups && !rc; g++) {
        const obs_study_subgroup *sg = &s->subgroups[g];
        obs_study_subgroup_result *out = &r->subgroups[g];
        subgroup_init(out);
        r->nsubgroups++;
        if (!(out->name = strdup(sg->name))) { rc = obs_error_set(err, OBS_ENOMEM, "out of memory"); break; }
        if ((rc = study_where(s, r->data, sg->where, sg->nwhere, mask, err))) break;
        size_t m = 0;
        obs_table *u = subset_mask(r->data, mask, &m, err);
        if (!u) { rc = err ? err->status : OBS_ENOMEM; break; }
        char what[300];
        snprintf(what, sizeof what, "subgroup \"%s\"", sg->name);
        obs_study_cox_fit fit = {0};
        if (m == 0) obs_warnings_add(&r->warnings, "%s:%d: subgroup \"%s\" has no patients", s->path, sg->line,
                                     sg->name);
        else if (study_fit_cox(s, u, sf, NULL, NULL, sg->line, what, 1, &fit, &e) == OBS_OK)
            treatment_effect(r, &fit, out);
        else if (e.status == OBS_EFIT || e.status == OBS_EDATA)
            obs_warnings_add(&r->warnings, "%s (no estimate)", e.msg);
        else {
            rc = e.status;
            if (err) *err = e;
        }
        study_cox_fit_clear(&fit);
        obs_table_free(&u);
        if (rc || m == 0) continue;
        /* interaction with the subgroup indicator, in the full cohort */
        size_t n1 = 0;
        for (size_t i = 0; i < r->data->nrow; i++) {
            ind->num[i] = mask[i] < 0 ? NAN : (double)mask[i];
            ind->missing[i] = mask[i] < 0;
            n1 += mask[i] < 0;
        }
        ind->nmissing = n1;
        char extra[64];
        study_quote(extra, sizeof extra, STUDY_COL_INDICATOR);
        size_t nn = 0;
        if (interaction_test(s, r->data, sf, extra, sg->line, what, &out->interaction_chisq, &out->interaction_df,
                             &out->interaction_p, &nn, &e))
            obs_warnings_add(&r->warnings, "%s (no interaction test)", e.msg);
    }
    free(mask);
    return rc;
}

static obs_status run_interactions(const obs_study_spec *s, obs_study_result *r, const char *sf, obs_error *err)
{
    if (!s->ninteraction) return OBS_OK;
    r->interactions = calloc(s->ninteraction, sizeof *r->interactions);
    if (!r->interactions) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    obs_status rc = OBS_OK;
    for (size_t k = 0; k < s->ninteraction && !rc; k++) {
        obs_study_interaction *it = &r->interactions[r->ninteractions++];
        it->chisq = it->df = it->p = NAN;
        if (!(it->variable = strdup(s->interaction[k]))) return obs_error_set(err, OBS_ENOMEM, "out of memory");
        char term[300], what[340];
        study_variable_term(s, r->data, s->interaction[k], term, sizeof term);
        snprintf(what, sizeof what, "interaction with %s", s->interaction[k]);
        obs_error e;
        rc = interaction_test(s, r->data, sf, term, s->interaction_lines[k], what, &it->chisq, &it->df, &it->p,
                              &it->n, &e);
        if (rc == OBS_EFIT) {
            obs_warnings_add(&r->warnings, "%s", e.msg);
            rc = OBS_OK;
        } else if (rc && err) *err = e;
    }
    if (r->ninteractions) r->interaction_p = r->interactions[0].p;
    return rc;
}

/* One univariable model per baseline variable (the treatment first). */
static obs_status run_screen(const obs_study_spec *s, obs_study_result *r, obs_error *err)
{
    size_t nv = s->nbaseline + 1, cap = 0;
    obs_status rc = OBS_OK;
    for (size_t v = 0; v < nv && !rc; v++) {
        const char *var = v == 0 ? s->treatment : s->baseline[v - 1];
        if (v > 0 && !strcmp(var, s->treatment)) continue;
        int line = v == 0 ? s->treatment_line : s->baseline_lines[v - 1];
        char term[300];
        study_str text = {0};
        study_variable_term(s, r->data, var, term, sizeof term);
        if (study_str_cat(&text, "Surv(`%s`, `%s`) ~ %s", s->time, s->event, term)) {
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
            break;
        }
        obs_study_cox_fit fit = {0};
        obs_error e;
        char what[340];
        snprintf(what, sizeof what, "univariable model of %s", var);
        rc = study_fit_cox(s, r->data, text.s, NULL, NULL, line, what, 1, &fit, &e);
        study_str_free(&text);
        if (rc == OBS_EFIT || rc == OBS_EDATA) {
            obs_warnings_add(&r->warnings, "%s", e.msg);
            rc = OBS_OK;
            continue;
        }
        if (rc) {
            if (err) *err = e;
            break;
        }
        for (size_t k = 0; k < fit.frame->p; k++) {
            if (r->nscreen == cap) {
                cap = cap ? 2 * cap : 16;
                obs_study_screen_row *x = realloc(r->screen, cap * sizeof *x);
                if (!x) { rc = obs_error_set(err, OBS_ENOMEM, "out of memory"); break; }
                r->screen = x;
            }
            obs_study_screen_row *row = &r->screen[r->nscreen++];
            memset(row, 0, sizeof *row);
            row->variable = strdup(var);
            row->term = strdup(fit.frame->colnames[k]);
            row->n = fit.frame->n;
            row->nevent = fit.model->nevent;
            int al = fit.model->aliased[k];
            row->hr = al ? NAN : fit.model->hr[k];
            row->lower = al ? NAN : fit.model->hr_lower[k];
            row->upper = al ? NAN : fit.model->hr_upper[k];
            row->p = al ? NAN : fit.model->p_value[k];
            row->p_variable = fit.model->lr.p;
            if (!row->variable || !row->term) rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
        }
        study_cox_fit_clear(&fit);
    }
    return rc;
}

static obs_status run_cox_models(const obs_study_spec *s, obs_study_result *r, obs_error *err)
{
    if (!s->ncox) return OBS_OK;
    r->cox = calloc(s->ncox, sizeof *r->cox);
    if (!r->cox) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    obs_status rc = OBS_OK;
    for (size_t m = 0; m < s->ncox && !rc; m++) {
        const obs_study_cox *cs = &s->cox[m];
        obs_study_cox_fit *c = &r->cox[r->ncox++];
        c->name = strdup(cs->name);
        c->formula = strdup(cs->formula);
        c->matched = cs->matched;
        if (!c->name || !c->formula) return obs_error_set(err, OBS_ENOMEM, "out of memory");
        const obs_table *t = cs->matched ? r->matched : r->data;
        if (!t) return obs_error_set(err, OBS_EFIT, "%s:%d: cox model \"%s\": the matched cohort is empty",
                                     s->path, cs->line, cs->name);
        obs_table *u = NULL;
        if (cs->nwhere) {
            signed char *mask = malloc(t->nrow ? t->nrow : 1);
            size_t k = 0;
            if (!mask) return obs_error_set(err, OBS_ENOMEM, "out of memory");
            rc = study_where(s, t, cs->where, cs->nwhere, mask, err);
            if (!rc && !(u = subset_mask(t, mask, &k, err))) rc = err ? err->status : OBS_ENOMEM;
            free(mask);
            if (rc) break;
            t = u;
        }
        char what[300];
        snprintf(what, sizeof what, "cox model \"%s\"", cs->name);
        /* kept in the result (r->cox), which outlives u and hands the
         * frame out (study.h): no borrowed columns */
        rc = study_fit_cox(s, t, cs->formula, cs->ties, cs->matched ? STUDY_COL_WEIGHTS : NULL, cs->line, what, 0,
                           c, err);
        if (!rc) {
            for (size_t k = 0; k < c->model->warnings.n; k++)
                obs_warnings_add(&r->warnings, "cox model \"%s\": %s", cs->name, c->model->warnings.msg[k]);
            if (c->frame->n_dropped) {
                c->warning_dropped = r->warnings.n + 1;
                obs_warnings_add(&r->warnings, "cox model \"%s\": %zu of %zu rows dropped (missing values)",
                                 cs->name, c->frame->n_dropped, c->frame->n_read);
            }
        }
        obs_table_free(&u);
    }
    return rc;
}

/* ---- published versus obsurv ------------------------------------------ */

static int arm_index(const obs_study_result *r, const char *arm)
{
    if (!arm) return -1;
    for (int k = 0; k < 2; k++)
        if (!strcmp(r->arm_names[k], arm)) return k;
    return -2;
}

static obs_status resolve(const obs_study_spec *s, const obs_study_result *r, const obs_study_published *pb,
                          obs_study_comparison *c, obs_error *err)
{
    c->spec = pb;
    c->estimate = c->lower = c->upper = NAN;
    const char *e = pb->estimate;
    int arm = arm_index(r, pb->arm);
    if (arm == -2)
        return obs_error_set(err, OBS_EUSAGE, "%s:%d: published: \"%s\" is not an arm (%s, %s)", s->path, pb->line,
                             pb->arm, r->arm_names[0], r->arm_names[1]);
    int needs_arm = !strcmp(e, "events") || !strcmp(e, "median") || !strcmp(e, "surv");
    if (needs_arm && arm < 0)
        return obs_error_set(err, OBS_EUSAGE, "%s:%d: published: estimate \"%s\" needs an \"arm\"", s->path,
                             pb->line, e);
    c->found = 1;
    if (!strcmp(e, "n")) {
        c->kind = 0;
        c->estimate = arm < 0 ? (double)r->n : (double)r->n_arm[arm];
    } else if (!strcmp(e, "events")) {
        c->kind = 0;
        c->estimate = r->km->curves[arm].events;
    } else if (!strcmp(e, "median")) {
        const obs_km_curve *k = &r->km->curves[arm];
        c->kind = 1;
        c->estimate = k->median;
        c->lower = k->median_lower;
        c->upper = k->median_upper;
    } else if (!strcmp(e, "surv")) {
        c->kind = 2;
        c->estimate = r->at_surv[arm].surv;
        c->lower = r->at_surv[arm].lower;
        c->upper = r->at_surv[arm].upper;
    } else if (!strcmp(e, "logrank_p")) {
        c->kind = 4;
        c->estimate = r->logrank->p;
    } else if (!strcmp(e, "hr") || !strcmp(e, "hr_p")) {
        if (!pb->model || !pb->term)
            return obs_error_set(err, OBS_EUSAGE, "%s:%d: published: \"%s\" needs \"model\" and \"term\"", s->path,
                                 pb->line, e);
        const obs_study_cox_fit *fit = NULL;
        for (size_t m = 0; m < r->ncox; m++)
            if (!strcmp(r->cox[m].name, pb->model)) fit = &r->cox[m];
        if (!fit)
            return obs_error_set(err, OBS_EUSAGE, "%s:%d: published: no cox model named \"%s\"", s->path, pb->line,
                                 pb->model);
        long k = study_term_index(fit, pb->term);
        if (k < 0)
            return obs_error_set(err, OBS_EUSAGE, "%s:%d: published: cox model \"%s\" has no term \"%s\"", s->path,
                                 pb->line, pb->model, pb->term);
        if (fit->model->aliased[k]) c->found = 0;
        else if (!strcmp(e, "hr_p")) {
            c->kind = 4;
            c->estimate = fit->model->p_value[k];
        } else {
            c->kind = 3;
            c->estimate = fit->model->hr[k];
            c->lower = fit->model->hr_lower[k];
            c->upper = fit->model->hr_upper[k];
            if (pb->invert) {
                double lo = c->lower;
                c->estimate = 1 / c->estimate;
                c->lower = 1 / c->upper;
                c->upper = 1 / lo;
            }
        }
    } else if (!strcmp(e, "subgroup_hr") || !strcmp(e, "subgroup_p") ||
               (!strcmp(e, "interaction_p") && pb->subgroup)) {
        const obs_study_subgroup_result *g = NULL;
        for (size_t k = 0; pb->subgroup && k < r->nsubgroups; k++)
            if (!strcmp(r->subgroups[k].name, pb->subgroup)) g = &r->subgroups[k];
        if (!g)
            return obs_error_set(err, OBS_EUSAGE, "%s:%d: published: no subgroup named \"%s\"", s->path, pb->line,
                                 pb->subgroup ? pb->subgroup : "");
        if (!strcmp(e, "subgroup_hr")) {
            c->kind = 3;
            c->estimate = g->hr;
            c->lower = g->lower;
            c->upper = g->upper;
            if (pb->invert) {
                double lo = c->lower;
                c->estimate = 1 / c->estimate;
                c->lower = 1 / c->upper;
                c->upper = 1 / lo;
            }
        } else {
            c->kind = 4;
            c->estimate = !strcmp(e, "subgroup_p") ? g->p : g->interaction_p;
        }
    } else if (!strcmp(e, "interaction_p")) {
        c->kind = 4;
        c->estimate = r->interaction_p;
    } else if (!strcmp(e, "percent")) {
        const obs_table1 *t = r->table1;
        const obs_table1_row *row = NULL;
        for (size_t k = 0; t && pb->variable && k < t->nrows; k++)
            if (!strcmp(t->rows[k].variable, pb->variable)) row = &t->rows[k];
        if (!row || row->type != OBS_T1_CATEGORICAL || !pb->level)
            return obs_error_set(err, OBS_EUSAGE, "%s:%d: published: \"percent\" needs a categorical baseline "
                                 "\"variable\" and a \"level\"", s->path, pb->line);
        size_t l = row->nlevels;
        for (size_t k = 0; k < row->nlevels; k++)
            if (!strcmp(row->levels[k], pb->level)) l = k;
        if (l == row->nlevels)
            return obs_error_set(err, OBS_EUSAGE, "%s:%d: published: \"%s\" is not a level of %s", s->path,
                                 pb->line, pb->level, pb->variable);
        size_t col = arm < 0 ? t->ngroups : (size_t)arm;
        c->kind = 5;
        c->estimate = row->percent[l * (t->ngroups + 1) + col];
    }
    if (!isfinite(c->estimate)) c->found = 0;
    return OBS_OK;
}

obs_status study_run_models(const obs_study_spec *s, obs_study_result *r, obs_error *err)
{
    study_str sf = {0};
    obs_status rc = OBS_OK;
    if (s->subgroup_formula) rc = study_str_cat(&sf, "%s", s->subgroup_formula) ? OBS_ENOMEM : OBS_OK;
    else rc = study_str_cat(&sf, "Surv(`%s`, `%s`) ~ `%s`", s->time, s->event, s->treatment) ? OBS_ENOMEM : OBS_OK;
    if (rc) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    if (s->screen) rc = run_screen(s, r, err);
    if (!rc) rc = run_cox_models(s, r, err);
    if (!rc) rc = run_subgroups(s, r, sf.s, err);
    if (!rc) rc = run_interactions(s, r, sf.s, err);
    study_str_free(&sf);
    if (!rc && s->npublished) {
        r->comparisons = calloc(s->npublished, sizeof *r->comparisons);
        if (!r->comparisons) return obs_error_set(err, OBS_ENOMEM, "out of memory");
        for (size_t k = 0; k < s->npublished && !rc; k++) {
            rc = resolve(s, r, &s->published[k], &r->comparisons[k], err);
            r->ncomparisons++;
        }
    }
    return rc;
}
