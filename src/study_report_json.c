/*
 * study_report_json.c — a study result as results.json (the cli.md "obsurv
 * study" keys and more), as CSV tables, and as plain text for the terminal
 * (a summary and the published-versus-obsurv comparison).
 *
 * results.json keys (cli.md floor first): n, n_dropped, arms[{name, n,
 * events, median, median_lower, median_upper, surv_60, surv_60_lower,
 * surv_60_upper, ...}], logrank{chisq, df, p}, cox[{name, coefficients[...]
 * as obsurv cox}], subgroups[{name, n, hr, hr_lower, hr_upper, p, ...}],
 * interaction_p; then n_read, exclusions, survival at the spec's times,
 * propensity model, matching, balance, table1 / table1_matched (as obsurv
 * table1 --format json), screen, interactions, published, warnings and
 * provenance.  With report: min_cell N, hidden counts are null and named in
 * "suppressed" lists (study_disclosure.c), "<N" or "*" in CSV and text.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/json.h"
#include "obsurv/render_table1.h"
#include "obsurv/render_cox.h"
#include "obsurv/render_frame.h"
#include "study_internal.h"

void study_fmt_p(double p, char *buf, size_t size)
{
    if (!isfinite(p)) snprintf(buf, size, "NA");
    else if (p < 0.001) snprintf(buf, size, "<0.001");
    else snprintf(buf, size, "%.3f", p);
}

void study_fmt_num(double v, int digits, char *buf, size_t size)
{
    if (!isfinite(v)) snprintf(buf, size, "NR");
    else snprintf(buf, size, "%.*f", digits, v);
}

/* ---- disclosure control (report: min_cell; study_disclosure.c) ---------
 * A hidden count is written as null; each object that holds counts gets a
 * "suppressed" list naming its hidden fields, as obsurv km --min-cell does
 * ("min_cell": N at the top).  With min_cell 0 nothing changes. */

/* key: v as an integer (as_int) or a number, null when hidden. */
static void json_count(obs_json *j, const char *key, double v, unsigned char hidden, int as_int)
{
    if (hidden) {
        obs_json_key(j, key);
        obs_json_null(j);
    } else if (as_int) obs_json_kv_int(j, key, (long long)v);
    else obs_json_kv_number(j, key, v);
}

/* "suppressed": the names among names[0..n-1] whose flag is set (only with
 * min_cell > 0). */
static void json_suppressed(obs_json *j, const obs_study_result *r, const char *const *names,
                            const unsigned char *flag, size_t n)
{
    if (r->spec->min_cell <= 0) return;
    obs_json_key(j, "suppressed");
    obs_json_begin_array(j);
    for (size_t k = 0; k < n; k++)
        if (flag[k]) obs_json_string(j, names[k]);
    obs_json_end_array(j);
}

/* Embed a JSON value written by another renderer after a key. */
static void json_raw_begin(obs_json *j, const char *key)
{
    obs_json_key(j, key);
    j->after_key = 0;
    j->first[j->depth] = 0;
}

static void json_subgroup(obs_json *j, const obs_study_result *r, const obs_study_subgroup_result *g)
{
    obs_json_begin_object(j);
    obs_json_kv_string(j, "name", g->name);
    json_count(j, "n", (double)g->n, g->n_hidden, 1);
    json_count(j, "events", (double)g->nevent, g->nevent_hidden, 1);
    char key[2][300];
    for (int k = 0; k < 2; k++) {
        snprintf(key[k], sizeof key[k], "n_%s", r->arm_names[k]);
        json_count(j, key[k], (double)g->n_arm[k], g->n_arm_hidden[k], 1);
    }
    const char *names[4] = {"n", "events", key[0], key[1]};
    unsigned char flag[4] = {g->n_hidden, g->nevent_hidden, g->n_arm_hidden[0], g->n_arm_hidden[1]};
    json_suppressed(j, r, names, flag, 4);
    obs_json_kv_number(j, "hr", g->hr);
    obs_json_kv_number(j, "hr_lower", g->lower);
    obs_json_kv_number(j, "hr_upper", g->upper);
    obs_json_kv_number(j, "p", g->p);
    obs_json_kv_number(j, "interaction_chisq", g->interaction_chisq);
    obs_json_kv_number(j, "interaction_df", g->interaction_df);
    obs_json_kv_number(j, "interaction_p", g->interaction_p);
    obs_json_end_object(j);
}

static void json_arm(obs_json *j, const obs_study_result *r, int k)
{
    const obs_study_spec *s = r->spec;
    const obs_km_curve *c = &r->km->curves[k];
    obs_json_begin_object(j);
    obs_json_kv_string(j, "name", r->arm_names[k]);
    json_count(j, "n", (double)c->n, r->hidden.n_arm[k], 1);
    json_count(j, "events", c->events, r->hidden.events[k], 0);
    static const char *const names[2] = {"n", "events"};
    unsigned char flag[2] = {r->hidden.n_arm[k], r->hidden.events[k]};
    json_suppressed(j, r, names, flag, 2);
    obs_json_kv_number(j, "median", c->median);
    obs_json_kv_number(j, "median_lower", c->median_lower);
    obs_json_kv_number(j, "median_upper", c->median_upper);
    obs_json_kv_number(j, "surv_60", r->at_60[k].surv);
    obs_json_kv_number(j, "surv_60_lower", r->at_60[k].lower);
    obs_json_kv_number(j, "surv_60_upper", r->at_60[k].upper);
    if (s->surv_at != 60) {
        char key[64];
        snprintf(key, sizeof key, "surv_%g", s->surv_at);
        obs_json_kv_number(j, key, r->at_surv[k].surv);
        snprintf(key, sizeof key, "surv_%g_lower", s->surv_at);
        obs_json_kv_number(j, key, r->at_surv[k].lower);
        snprintf(key, sizeof key, "surv_%g_upper", s->surv_at);
        obs_json_kv_number(j, key, r->at_surv[k].upper);
    }
    obs_json_key(j, "at");
    obs_json_begin_array(j);
    for (size_t i = 0; i < s->ntimes; i++) {
        const obs_km_point *pt = &r->at[k][i];
        obs_json_begin_object(j);
        obs_json_kv_number(j, "time", pt->time);
        unsigned char h = r->hidden.at_n_risk[k] ? r->hidden.at_n_risk[k][i] : 0;
        json_count(j, "n_risk", pt->n_risk, h, 0);
        obs_json_kv_number(j, "surv", pt->surv);
        obs_json_kv_number(j, "std_err", pt->std_err);
        obs_json_kv_number(j, "lower", pt->lower);
        obs_json_kv_number(j, "upper", pt->upper);
        static const char *const names[1] = {"n_risk"};
        json_suppressed(j, r, names, &h, 1);
        obs_json_end_object(j);
    }
    obs_json_end_array(j);
    obs_json_end_object(j);
}

static void json_propensity(obs_json *j, const obs_study_result *r)
{
    const obs_study_spec *s = r->spec;
    const obs_logit_fit *f = r->ps_fit;
    obs_json_key(j, "propensity");
    obs_json_begin_object(j);
    obs_json_kv_string(j, "formula", s->ps_formula);
    const obs_study_hidden *h = &r->hidden;
    json_count(j, "n", (double)r->ps_frame->n, h->ps_n, 1);
    json_count(j, "n_missing", (double)r->n_ps_missing, h->ps_missing, 1);
    {
        static const char *const names[2] = {"n", "n_missing"};
        unsigned char flag[2] = {h->ps_n, h->ps_missing};
        json_suppressed(j, r, names, flag, 2);
    }
    obs_json_kv_bool(j, "converged", f->converged);
    obs_json_kv_number(j, "auc", f->auc);
    obs_json_kv_number(j, "deviance", f->deviance);
    obs_json_kv_number(j, "null_deviance", f->null_deviance);
    obs_json_kv_number(j, "aic", f->aic);
    obs_json_key(j, "coefficients");
    obs_json_begin_array(j);
    for (size_t k = 0; k < f->p; k++) {
        obs_json_begin_object(j);
        obs_json_kv_string(j, "term", r->ps_frame->colnames[k]);
        obs_json_kv_number(j, "coef", f->coef[k]);
        obs_json_kv_number(j, "se", f->se[k]);
        obs_json_kv_number(j, "z", f->z[k]);
        obs_json_kv_number(j, "p", f->pval[k]);
        obs_json_end_object(j);
    }
    obs_json_end_array(j);
    obs_json_end_object(j);
    if (r->match) {
        const obs_match_result *m = r->match;
        obs_json_key(j, "matching");
        obs_json_begin_object(j);
        obs_json_kv_string(j, "method", s->match_method ? s->match_method : "nearest");
        obs_json_kv_int(j, "ratio", m->ratio);
        obs_json_kv_bool(j, "replace", s->match_replace);
        obs_json_kv_number(j, "caliper", s->match_caliper);
        obs_json_kv_number(j, "caliper_width", m->caliper_width);
        obs_json_kv_string(j, "distance", s->match_distance ? s->match_distance : "ps");
        obs_json_kv_string(j, "rule", s->match_rule ? s->match_rule : "matchit");
        json_count(j, "n_treated", (double)m->n_treated, h->ps_arm[1], 1);
        json_count(j, "n_control", (double)m->n_control, h->ps_arm[0], 1);
        json_count(j, "n_treated_matched", (double)m->n_treated_matched, h->matched_arm[1], 1);
        json_count(j, "n_control_matched", (double)m->n_control_matched, h->matched_arm[0], 1);
        json_count(j, "n_matched", (double)r->n_matched, h->matched, 1);
        static const char *const names[5] = {"n_treated", "n_control", "n_treated_matched", "n_control_matched",
                                             "n_matched"};
        unsigned char flag[5] = {h->ps_arm[1], h->ps_arm[0], h->matched_arm[1], h->matched_arm[0], h->matched};
        json_suppressed(j, r, names, flag, 5);
        obs_json_end_object(j);
    }
    obs_json_key(j, "balance");
    obs_json_begin_array(j);
    for (size_t k = 0; k < r->nbalance; k++) {
        const obs_balance_row *b = &r->balance[k];
        obs_json_begin_object(j);
        obs_json_kv_string(j, "term", r->balance_terms[k]);
        obs_json_kv_number(j, "smd_before", b->smd_before);
        obs_json_kv_number(j, "smd_after", b->smd_after);
        obs_json_kv_number(j, "var_ratio_before", b->var_ratio_before);
        obs_json_kv_number(j, "var_ratio_after", b->var_ratio_after);
        obs_json_end_object(j);
    }
    obs_json_end_array(j);
}

/* A Cox model's members as obsurv cox writes them, with n and nevent null
 * when hidden. */
static void json_cox_members(obs_json *j, const obs_study_cox_fit *c)
{
    json_count(j, "n", (double)c->model->n, c->n_hidden, 1);
    json_count(j, "nevent", (double)c->model->nevent, c->nevent_hidden, 1);
    obs_render_cox_json_fit(j, c->model, (const char *const *)c->frame->colnames);
}

int obs_study_write_json(const obs_study_result *r, const obs_study_provenance *prov, FILE *fp)
{
    const obs_study_spec *s = r->spec;
    obs_json j;
    obs_json_init(&j, fp);
    obs_json_begin_object(&j);
    const obs_study_hidden *h = &r->hidden;
    obs_json_kv_string(&j, "title", s->title);
    json_count(&j, "n", (double)r->n, h->n, 1);
    json_count(&j, "n_dropped", (double)(r->n_read - r->n), h->n_dropped, 1);
    json_count(&j, "n_read", (double)r->n_read, h->n_read, 1);
    if (s->min_cell > 0) {
        static const char *const names[3] = {"n", "n_dropped", "n_read"};
        unsigned char flag[3] = {h->n, h->n_dropped, h->n_read};
        obs_json_kv_int(&j, "min_cell", s->min_cell);
        json_suppressed(&j, r, names, flag, 3);
    }
    obs_json_key(&j, "exclusions");
    obs_json_begin_array(&j);
    for (size_t i = 0; i < r->nexclusions; i++) {
        static const char *const names[1] = {"count"};
        obs_json_begin_object(&j);
        obs_json_kv_string(&j, "reason", r->exclusions[i].reason);
        json_count(&j, "count", (double)r->exclusions[i].count, r->exclusions[i].hidden, 1);
        json_suppressed(&j, r, names, &r->exclusions[i].hidden, 1);
        obs_json_end_object(&j);
    }
    obs_json_end_array(&j);
    obs_json_key(&j, "treatment");
    obs_json_begin_object(&j);
    obs_json_kv_string(&j, "column", s->treatment);
    obs_json_kv_string(&j, "reference", r->arm_names[0]);
    obs_json_kv_string(&j, "treated", r->arm_names[1]);
    obs_json_end_object(&j);
    obs_json_kv_string(&j, "time_unit", s->time_unit ? s->time_unit : "months");
    obs_json_kv_number(&j, "surv_at", s->surv_at);
    obs_json_kv_number(&j, "conf_level", s->conf_level);
    obs_json_key(&j, "arms");
    obs_json_begin_array(&j);
    for (int k = 0; k < 2; k++) json_arm(&j, r, k);
    obs_json_end_array(&j);
    obs_json_key(&j, "logrank");
    obs_json_begin_object(&j);
    obs_json_kv_number(&j, "chisq", r->logrank->chisq);
    obs_json_kv_int(&j, "df", r->logrank->df);
    obs_json_kv_number(&j, "p", r->logrank->p);
    obs_json_key(&j, "observed");
    obs_json_begin_array(&j);
    for (int k = 0; k < 2; k++) obs_json_number(&j, h->events[k] ? NAN : r->logrank->observed[k]);
    obs_json_end_array(&j);
    obs_json_key(&j, "expected");
    obs_json_begin_array(&j);
    for (int k = 0; k < 2; k++) obs_json_number(&j, r->logrank->expected[k]);
    obs_json_end_array(&j);
    {
        static const char *const names[1] = {"observed"};
        unsigned char flag = h->events[0] || h->events[1];
        json_suppressed(&j, r, names, &flag, 1);
    }
    obs_json_end_object(&j);

    obs_json_key(&j, "cox");
    obs_json_begin_array(&j);
    for (size_t m = 0; m < r->ncox; m++) {
        const obs_study_cox_fit *c = &r->cox[m];
        obs_json_begin_object(&j);
        obs_json_kv_string(&j, "name", c->name);
        obs_json_kv_string(&j, "formula", c->formula);
        obs_json_kv_string(&j, "cohort", c->matched ? "matched" : "full");
        json_cox_members(&j, c);
        json_count(&j, "n_dropped", (double)c->frame->n_dropped, c->n_dropped_hidden, 1);
        obs_json_kv_bool(&j, "robust", c->robust);
        static const char *const names[3] = {"n", "nevent", "n_dropped"};
        unsigned char flag[3] = {c->n_hidden, c->nevent_hidden, c->n_dropped_hidden};
        json_suppressed(&j, r, names, flag, 3);
        obs_json_end_object(&j);
    }
    obs_json_end_array(&j);

    obs_json_key(&j, "overall");
    json_subgroup(&j, r, &r->overall);
    obs_json_key(&j, "subgroups");
    obs_json_begin_array(&j);
    for (size_t g = 0; g < r->nsubgroups; g++) json_subgroup(&j, r, &r->subgroups[g]);
    obs_json_end_array(&j);
    obs_json_kv_number(&j, "interaction_p", r->interaction_p);
    obs_json_key(&j, "interactions");
    obs_json_begin_array(&j);
    for (size_t k = 0; k < r->ninteractions; k++) {
        obs_json_begin_object(&j);
        static const char *const names[1] = {"n"};
        obs_json_kv_string(&j, "variable", r->interactions[k].variable);
        json_count(&j, "n", (double)r->interactions[k].n, r->interactions[k].n_hidden, 1);
        obs_json_kv_number(&j, "chisq", r->interactions[k].chisq);
        obs_json_kv_number(&j, "df", r->interactions[k].df);
        obs_json_kv_number(&j, "p", r->interactions[k].p);
        json_suppressed(&j, r, names, &r->interactions[k].n_hidden, 1);
        obs_json_end_object(&j);
    }
    obs_json_end_array(&j);

    obs_json_key(&j, "screen");
    obs_json_begin_array(&j);
    for (size_t k = 0; k < r->nscreen; k++) {
        const obs_study_screen_row *q = &r->screen[k];
        obs_json_begin_object(&j);
        obs_json_kv_string(&j, "variable", q->variable);
        obs_json_kv_string(&j, "term", q->term);
        json_count(&j, "n", (double)q->n, q->n_hidden, 1);
        json_count(&j, "events", (double)q->nevent, q->nevent_hidden, 1);
        obs_json_kv_number(&j, "hr", q->hr);
        obs_json_kv_number(&j, "hr_lower", q->lower);
        obs_json_kv_number(&j, "hr_upper", q->upper);
        obs_json_kv_number(&j, "p", q->p);
        obs_json_kv_number(&j, "p_variable", q->p_variable);
        static const char *const names[2] = {"n", "events"};
        unsigned char flag[2] = {q->n_hidden, q->nevent_hidden};
        json_suppressed(&j, r, names, flag, 2);
        obs_json_end_object(&j);
    }
    obs_json_end_array(&j);

    if (r->ps_fit) json_propensity(&j, r);
    if (r->table1) {
        json_raw_begin(&j, "table1");
        obs_table1_write_json(r->table1, fp);
    }
    if (r->table1_matched) {
        json_raw_begin(&j, "table1_matched");
        obs_table1_write_json(r->table1_matched, fp);
    }
    obs_json_key(&j, "published");
    obs_json_begin_array(&j);
    for (size_t k = 0; k < r->ncomparisons; k++) {
        const obs_study_comparison *c = &r->comparisons[k];
        obs_json_begin_object(&j);
        obs_json_kv_string(&j, "label", c->spec->label);
        obs_json_kv_string(&j, "published", c->spec->value);
        obs_json_kv_number(&j, "estimate", c->estimate);
        obs_json_kv_number(&j, "lower", c->lower);
        obs_json_kv_number(&j, "upper", c->upper);
        if (c->hidden) obs_json_kv_bool(&j, "suppressed", 1);
        obs_json_end_object(&j);
    }
    obs_json_end_array(&j);
    obs_render_warnings_json(&j, &r->warnings);
    obs_json_key(&j, "provenance");
    obs_json_begin_object(&j);
    obs_json_kv_string(&j, "obsurv_version", prov && prov->version ? prov->version : NULL);
    obs_json_kv_string(&j, "spec", s->path);
    obs_json_kv_string(&j, "data", s->data);
    obs_json_kv_string(&j, "data_sha256", r->sha256[0] ? r->sha256 : NULL);
    obs_json_kv_int(&j, "seed", (long long)s->seed);
    obs_json_kv_string(&j, "command", prov ? prov->command_line : NULL);
    obs_json_kv_string(&j, "date", prov ? prov->date : NULL);
    obs_json_end_object(&j);
    obs_json_end_object(&j);
    return ferror(fp) ? -1 : 0;
}

/* ---- CSV --------------------------------------------------------------- */

static void csv_field(FILE *fp, const char *s)
{
    if (s && strpbrk(s, ",\"\r\n")) {
        fputc('"', fp);
        for (; *s; s++) {
            if (*s == '"') fputc('"', fp);
            fputc(*s, fp);
        }
        fputc('"', fp);
    } else if (s) fputs(s, fp);
}

static void csv_num(FILE *fp, double v)
{
    if (isfinite(v)) fprintf(fp, ",%.17g", v);
    else fputs(",NA", fp);
}

/* ",count", or ",<N" / ",*" when hidden (fmt: the unhidden format). */
static void csv_count(FILE *fp, const obs_study_result *r, double v, unsigned char hidden, int as_num)
{
    char b[48];
    if (hidden) {
        study_fmt_count(r, v, hidden, b, sizeof b);
        fprintf(fp, ",%s", b);
    } else if (as_num) csv_num(fp, v);
    else fprintf(fp, ",%zu", (size_t)v);
}

int study_write_cox_csv(const obs_study_cox_fit *c, FILE *fp)
{
    obs_render_cox_csv(fp, c->model, (const char *const *)c->frame->colnames);
    return ferror(fp) ? -1 : 0;
}

int study_write_screen_csv(const obs_study_result *r, FILE *fp)
{
    fputs("variable,term,n,events,hr,hr_lower,hr_upper,p,p_variable\n", fp);
    for (size_t k = 0; k < r->nscreen; k++) {
        const obs_study_screen_row *q = &r->screen[k];
        csv_field(fp, q->variable);
        fputc(',', fp);
        csv_field(fp, q->term);
        csv_count(fp, r, (double)q->n, q->n_hidden, 0);
        csv_count(fp, r, (double)q->nevent, q->nevent_hidden, 0);
        csv_num(fp, q->hr);
        csv_num(fp, q->lower);
        csv_num(fp, q->upper);
        csv_num(fp, q->p);
        csv_num(fp, q->p_variable);
        fputc('\n', fp);
    }
    return ferror(fp) ? -1 : 0;
}

int study_write_subgroups_csv(const obs_study_result *r, FILE *fp)
{
    fputs("subgroup,n,events,", fp);
    csv_field(fp, r->arm_names[0]);
    fputc(',', fp);
    csv_field(fp, r->arm_names[1]);
    fputs(",hr,hr_lower,hr_upper,p,interaction_p\n", fp);
    for (size_t g = 0; g <= r->nsubgroups; g++) {
        const obs_study_subgroup_result *q = g == 0 ? &r->overall : &r->subgroups[g - 1];
        csv_field(fp, q->name);
        csv_count(fp, r, (double)q->n, q->n_hidden, 0);
        csv_count(fp, r, (double)q->nevent, q->nevent_hidden, 0);
        csv_count(fp, r, (double)q->n_arm[0], q->n_arm_hidden[0], 0);
        csv_count(fp, r, (double)q->n_arm[1], q->n_arm_hidden[1], 0);
        csv_num(fp, q->hr);
        csv_num(fp, q->lower);
        csv_num(fp, q->upper);
        csv_num(fp, q->p);
        csv_num(fp, q->interaction_p);
        fputc('\n', fp);
    }
    return ferror(fp) ? -1 : 0;
}

int study_write_balance_csv(const obs_study_result *r, FILE *fp)
{
    fputs("term,smd_before,smd_after,var_ratio_before,var_ratio_after\n", fp);
    for (size_t k = 0; k < r->nbalance; k++) {
        csv_field(fp, r->balance_terms[k]);
        csv_num(fp, r->balance[k].smd_before);
        csv_num(fp, r->balance[k].smd_after);
        csv_num(fp, r->balance[k].var_ratio_before);
        csv_num(fp, r->balance[k].var_ratio_after);
        fputc('\n', fp);
    }
    return ferror(fp) ? -1 : 0;
}

int study_write_survival_csv(const obs_study_result *r, FILE *fp)
{
    fputs("arm,time,n_risk,surv,std_err,lower,upper\n", fp);
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < r->spec->ntimes; i++) {
            const obs_km_point *pt = &r->at[k][i];
            csv_field(fp, r->arm_names[k]);
            csv_num(fp, pt->time);
            csv_count(fp, r, pt->n_risk, r->hidden.at_n_risk[k] ? r->hidden.at_n_risk[k][i] : 0, 1);
            csv_num(fp, pt->surv);
            csv_num(fp, pt->std_err);
            csv_num(fp, pt->lower);
            csv_num(fp, pt->upper);
            fputc('\n', fp);
        }
    return ferror(fp) ? -1 : 0;
}

/* ---- text -------------------------------------------------------------- */

/* An estimate as the report shows it: a proportion as a percentage, a P
 * value as 0.034 / <0.001, a time or ratio with its interval. */
void study_fmt_comparison(const obs_study_comparison *c, char *buf, size_t size)
{
    char e[32], lo[32], hi[32];
    if (c->hidden == OBS_STUDY_SECONDARY) {      /* disclosure control */
        snprintf(buf, size, "*");
        return;
    }
    if (c->hidden) {
        snprintf(buf, size, "hidden");
        return;
    }
    if (!c->found) {
        snprintf(buf, size, "not estimable");
        return;
    }
    switch (c->kind) {
    case 0: snprintf(buf, size, "%.0f", c->estimate); return;
    case 4:
        if (c->estimate < 0.001) snprintf(buf, size, "%.2g", c->estimate);
        else snprintf(buf, size, "%.3f", c->estimate);
        return;
    case 5: snprintf(buf, size, "%.1f%%", c->estimate); return;
    case 2:
        snprintf(buf, size, "%.1f%% (%.1f-%.1f)", 100 * c->estimate, 100 * c->lower, 100 * c->upper);
        return;
    default: {
        int d = c->kind == 1 ? 1 : 2;
        study_fmt_num(c->estimate, d, e, sizeof e);
        study_fmt_num(c->lower, d, lo, sizeof lo);
        study_fmt_num(c->upper, d, hi, sizeof hi);
        snprintf(buf, size, "%s (%s-%s)", e, lo, hi);
    }
    }
}

/* 1 when the published number lies in the interval, 0 when not, -1 when it
 * cannot be said (no number or no interval).  "74%" reads as 0.74 for a
 * proportion; "< 0.001" for a P value is met by any estimate below 0.001. */
int study_published_agrees(const obs_study_comparison *c)
{
    const char *v = c->spec->value;
    if (!c->found) return -1;
    while (*v == ' ') v++;
    int less = 0;
    if (*v == '<') {
        less = 1;
        v++;
        while (*v == ' ') v++;
    }
    char *end;
    double x = strtod(v, &end);
    if (end == v) return -1;
    int pct = *end == '%';
    if (less) return c->kind == 4 ? c->estimate < x : isfinite(c->upper) ? c->upper < x : c->estimate < x;
    if (c->kind == 4) {
        /* a P value agrees when both are on the same side of 0.05 */
        return (c->estimate < 0.05) == (x < 0.05);
    }
    if (c->kind == 2 && (pct || x > 1)) x /= 100;
    if (!isfinite(c->lower) || !isfinite(c->upper)) {
        if (c->kind == 5 || c->kind == 0) return fabs(c->estimate - x) <= 0.1 * fabs(x) ? 1 : 0;
        return -1;
    }
    return x >= c->lower && x <= c->upper;
}

int obs_study_write_comparison(const obs_study_result *r, FILE *fp)
{
    if (!r->ncomparisons) return 0;
    size_t w = 9;
    for (size_t k = 0; k < r->ncomparisons; k++)
        if (strlen(r->comparisons[k].spec->label) > w) w = strlen(r->comparisons[k].spec->label);
    fprintf(fp, "%-*s  %-12s  %-24s  %s\n", (int)w, "Published figure", "published", "obsurv (95% CI)", "agrees");
    for (size_t k = 0; k < w + 50; k++) fputc('-', fp);
    fputc('\n', fp);
    for (size_t k = 0; k < r->ncomparisons; k++) {
        const obs_study_comparison *c = &r->comparisons[k];
        char est[96];
        study_fmt_comparison(c, est, sizeof est);
        int a = study_published_agrees(c);
        fprintf(fp, "%-*s  %-12s  %-24s  %s\n", (int)w, c->spec->label, c->spec->value, est,
                a < 0 ? "-" : a ? "yes" : "no");
    }
    return ferror(fp) ? -1 : 0;
}

int obs_study_write_summary(const obs_study_result *r, FILE *fp)
{
    const obs_study_spec *s = r->spec;
    char a[32], b[32], c[32];
    fprintf(fp, "%s\n", s->title ? s->title : "Study");
    const obs_study_hidden *h = &r->hidden;
    char n0[48], n1[48], n2[48], n3[48], n4[48];
    study_fmt_count(r, (double)r->n_read, h->n_read, n0, sizeof n0);
    study_fmt_count(r, (double)(r->n_read - r->n), h->n_dropped, n1, sizeof n1);
    study_fmt_count(r, (double)r->n, h->n, n2, sizeof n2);
    study_fmt_count(r, (double)r->n_arm[0], h->n_arm[0], n3, sizeof n3);
    study_fmt_count(r, (double)r->n_arm[1], h->n_arm[1], n4, sizeof n4);
    fprintf(fp, "  %s rows read, %s excluded, %s analysed (%s %s, %s %s)", n0, n1, n2, r->arm_names[0], n3,
            r->arm_names[1], n4);
    if (r->match) {
        study_fmt_count(r, (double)r->n_matched, h->matched, n0, sizeof n0);
        fprintf(fp, "; %s matched", n0);
    }
    fputc('\n', fp);
    for (int k = 0; k < 2; k++) {
        const obs_km_curve *cv = &r->km->curves[k];
        study_fmt_num(cv->median, 1, a, sizeof a);
        study_fmt_num(cv->median_lower, 1, b, sizeof b);
        study_fmt_num(cv->median_upper, 1, c, sizeof c);
        fprintf(fp, "  %-12s median %s (%s-%s) %s; survival at %g %.1f%% (%.1f-%.1f)\n", r->arm_names[k], a, b, c,
                s->time_unit ? s->time_unit : "months", s->surv_at, 100 * r->at_surv[k].surv,
                100 * r->at_surv[k].lower, 100 * r->at_surv[k].upper);
    }
    study_fmt_p(r->logrank->p, a, sizeof a);
    fprintf(fp, "  log-rank chi-square %.2f on %d df, P %s\n", r->logrank->chisq, r->logrank->df, a);
    return ferror(fp) ? -1 : 0;
}
