/*
 * study_spec.c — read and check a study specification (YAML, libyaml).
 *
 * The file is loaded as a libyaml document (a node graph with a line mark on
 * every node), then walked key by key.  Each key is known; an unknown key,
 * a scalar where a list is expected, a missing required key or a bad number
 * is an error "PATH:LINE: ..." with the node's 1-based line.  Data columns
 * are not checked here (the spec does not know the data); the runner checks
 * them against the table and reports the line it kept for each reference.
 *
 * Example (examples/nelm/study.yaml has them all):
 *
 *   title: Surgery versus intra-arterial therapy
 *   data: nelm.csv
 *   treatment: {column: treatment, arms: [IAT, surgery]}
 *   outcome: {time: time, event: status, unit: months}
 *   baseline: {variables: [age, sex], nonnormal: [age]}
 *   propensity:
 *     formula: ~ age + sex
 *     match: {method: nearest, ratio: 1, caliper: 0.2, distance: logit}
 *   survival: {times: [12, 36, 60], at: 60}
 *   cox:
 *     - {name: propensity-adjusted, formula: "Surv(time, status) ~ treatment + ps"}
 *   subgroups:
 *     - {name: asymptomatic, where: {symptomatic: "no"}}
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "obsurv/study.h"

typedef struct {
    yaml_document_t *doc;
    const char *path;
    obs_error *err;
} ctx;

static int line_of(const yaml_node_t *n) { return (int)n->start_mark.line + 1; }

static obs_status fail(ctx *c, const yaml_node_t *n, const char *fmt, const char *a)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a ? a : "");
    return obs_error_set(c->err, OBS_EUSAGE, "%s:%d: %s", c->path, n ? line_of(n) : 1, msg);
}

static yaml_node_t *node(ctx *c, int id) { return yaml_document_get_node(c->doc, id); }

static obs_status scalar(ctx *c, yaml_node_t *n, const char *key, char **out)
{
    if (n->type != YAML_SCALAR_NODE) return fail(c, n, "%s: expected a single value", key);
    free(*out);
    *out = strndup((const char *)n->data.scalar.value, n->data.scalar.length);
    return *out ? OBS_OK : obs_error_set(c->err, OBS_ENOMEM, "out of memory");
}

static obs_status number(ctx *c, yaml_node_t *n, const char *key, double *out)
{
    if (n->type != YAML_SCALAR_NODE) return fail(c, n, "%s: expected a number", key);
    const char *s = (const char *)n->data.scalar.value;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(v))
        return fail(c, n, "%s: expected a number", key);
    *out = v;
    return OBS_OK;
}

static obs_status boolean(ctx *c, yaml_node_t *n, const char *key, int *out)
{
    char *s = NULL;
    obs_status rc = scalar(c, n, key, &s);
    if (rc) return rc;
    if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")) *out = 1;
    else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")) *out = 0;
    else rc = fail(c, n, "%s: expected true or false", key);
    free(s);
    return rc;
}

/* A list of scalars (or one scalar, taken as a list of one); *lines (when
 * lines != NULL) gets the YAML line of each item. */
static obs_status string_list_lines(ctx *c, yaml_node_t *n, const char *key, char ***out, size_t *nout,
                                    int **lines)
{
    size_t k = 1;
    if (n->type == YAML_SEQUENCE_NODE) k = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    else if (n->type != YAML_SCALAR_NODE) return fail(c, n, "%s: expected a list", key);
    *out = calloc(k ? k : 1, sizeof **out);
    if (lines) *lines = calloc(k ? k : 1, sizeof **lines);
    if (!*out || (lines && !*lines)) return obs_error_set(c->err, OBS_ENOMEM, "out of memory");
    *nout = k;
    for (size_t i = 0; i < k; i++) {
        yaml_node_t *item = n->type == YAML_SCALAR_NODE ? n : node(c, n->data.sequence.items.start[i]);
        if (lines) (*lines)[i] = line_of(item);
        obs_status rc = scalar(c, item, key, &(*out)[i]);
        if (rc) return rc;
    }
    return OBS_OK;
}

static obs_status string_list(ctx *c, yaml_node_t *n, const char *key, char ***out, size_t *nout)
{
    return string_list_lines(c, n, key, out, nout, NULL);
}

static obs_status number_list(ctx *c, yaml_node_t *n, const char *key, double **out, size_t *nout)
{
    if (n->type != YAML_SEQUENCE_NODE) return fail(c, n, "%s: expected a list of numbers", key);
    size_t k = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    *out = calloc(k ? k : 1, sizeof **out);
    if (!*out) return obs_error_set(c->err, OBS_ENOMEM, "out of memory");
    *nout = k;
    for (size_t i = 0; i < k; i++) {
        obs_status rc = number(c, node(c, n->data.sequence.items.start[i]), key, &(*out)[i]);
        if (rc) return rc;
    }
    return OBS_OK;
}

/* Iterate a mapping: for each pair, *key and *value; returns 0 at the end. */
typedef struct { yaml_node_pair_t *p, *end; } map_iter;

/* Begin iterating mapping n.  A key given twice is an error (YAML requires
 * unique keys; libyaml does not check, and a second value would silently
 * replace the first). */
static obs_status map_begin(ctx *c, yaml_node_t *n, const char *what, map_iter *it)
{
    if (n->type != YAML_MAPPING_NODE) return fail(c, n, "%s: expected keys and values", what);
    it->p = n->data.mapping.pairs.start;
    it->end = n->data.mapping.pairs.top;
    for (yaml_node_pair_t *a = it->p; a < it->end; a++) {
        yaml_node_t *ka = node(c, a->key);
        if (ka->type != YAML_SCALAR_NODE) continue;
        for (yaml_node_pair_t *b = it->p; b < a; b++) {
            yaml_node_t *kb = node(c, b->key);
            if (kb->type == YAML_SCALAR_NODE && kb->data.scalar.length == ka->data.scalar.length &&
                !memcmp(kb->data.scalar.value, ka->data.scalar.value, ka->data.scalar.length))
                return fail(c, ka, "duplicate key \"%s\"", (const char *)ka->data.scalar.value);
        }
    }
    return OBS_OK;
}

static int map_next(ctx *c, map_iter *it, const char **key, yaml_node_t **kn, yaml_node_t **value)
{
    if (it->p >= it->end) return 0;
    *kn = node(c, it->p->key);
    *value = node(c, it->p->value);
    *key = (*kn)->type == YAML_SCALAR_NODE ? (const char *)(*kn)->data.scalar.value : "?";
    it->p++;
    return 1;
}

static obs_status parse_treatment(ctx *c, yaml_node_t *n, obs_study_spec *s)
{
    map_iter it;
    const char *k;
    yaml_node_t *kn, *v;
    obs_status rc = map_begin(c, n, "treatment", &it);
    while (!rc && map_next(c, &it, &k, &kn, &v)) {
        if (!strcmp(k, "column")) {
            rc = scalar(c, v, "treatment.column", &s->treatment);
            s->treatment_line = line_of(v);
        } else if (!strcmp(k, "arms")) {
            s->arms_line = line_of(v);
            char **arms = NULL;
            size_t na = 0;
            rc = string_list(c, v, "treatment.arms", &arms, &na);
            if (!rc && na != 2) rc = fail(c, v, "treatment.arms: expected two arms, [control, treated]%s", NULL);
            for (size_t i = 0; i < na; i++) {
                if (!rc && i < 2) s->arms[i] = arms[i];
                else free(arms[i]);
            }
            free(arms);
        } else rc = fail(c, kn, "treatment: unknown key \"%s\" (column, arms)", k);
    }
    if (!rc && !s->treatment) rc = fail(c, n, "treatment: missing key \"column\"%s", NULL);
    if (!rc && !s->arms[0]) rc = fail(c, n, "treatment: missing key \"arms\"%s", NULL);
    return rc;
}

static obs_status parse_outcome(ctx *c, yaml_node_t *n, obs_study_spec *s)
{
    map_iter it;
    const char *k;
    yaml_node_t *kn, *v;
    obs_status rc = map_begin(c, n, "outcome", &it);
    while (!rc && map_next(c, &it, &k, &kn, &v)) {
        if (!strcmp(k, "time")) { rc = scalar(c, v, "outcome.time", &s->time); s->time_line = line_of(v); }
        else if (!strcmp(k, "event")) { rc = scalar(c, v, "outcome.event", &s->event); s->event_line = line_of(v); }
        else if (!strcmp(k, "unit")) rc = scalar(c, v, "outcome.unit", &s->time_unit);
        else rc = fail(c, kn, "outcome: unknown key \"%s\" (time, event, unit)", k);
    }
    if (!rc && (!s->time || !s->event)) rc = fail(c, n, "outcome: needs both \"time\" and \"event\"%s", NULL);
    return rc;
}

static obs_status parse_baseline(ctx *c, yaml_node_t *n, obs_study_spec *s)
{
    map_iter it;
    const char *k;
    yaml_node_t *kn, *v;
    obs_status rc = map_begin(c, n, "baseline", &it);
    while (!rc && map_next(c, &it, &k, &kn, &v)) {
        if (!strcmp(k, "variables"))
            rc = string_list_lines(c, v, "baseline.variables", &s->baseline, &s->nbaseline, &s->baseline_lines);
        else if (!strcmp(k, "nonnormal"))
            rc = string_list_lines(c, v, "baseline.nonnormal", &s->nonnormal, &s->nnonnormal, &s->nonnormal_lines);
        else if (!strcmp(k, "exact"))
            rc = string_list_lines(c, v, "baseline.exact", &s->exact, &s->nexact, &s->exact_lines);
        else if (!strcmp(k, "categorical"))
            rc = string_list_lines(c, v, "baseline.categorical", &s->categorical, &s->ncategorical,
                                   &s->categorical_lines);
        else if (!strcmp(k, "screen")) rc = boolean(c, v, "baseline.screen", &s->screen);
        else rc = fail(c, kn, "baseline: unknown key \"%s\" (variables, nonnormal, exact, categorical, screen)", k);
    }
    return rc;
}

static obs_status parse_match(ctx *c, yaml_node_t *n, obs_study_spec *s)
{
    map_iter it;
    const char *k;
    yaml_node_t *kn, *v;
    obs_status rc = map_begin(c, n, "propensity.match", &it);
    while (!rc && map_next(c, &it, &k, &kn, &v)) {
        if (!strcmp(k, "method")) {
            rc = scalar(c, v, "match.method", &s->match_method);
            if (!rc && strcmp(s->match_method, "nearest") && strcmp(s->match_method, "optimal") &&
                strcmp(s->match_method, "none"))
                rc = fail(c, v, "match.method: \"%s\" is not nearest, optimal or none", s->match_method);
        } else if (!strcmp(k, "ratio")) {
            double r;
            rc = number(c, v, "match.ratio", &r);
            if (!rc && (r < 1 || r != floor(r) || r > 100)) rc = fail(c, v, "match.ratio: expected a whole number from 1 to 100%s", NULL);
            if (!rc) s->match_ratio = (int)r;
        } else if (!strcmp(k, "caliper")) {
            rc = number(c, v, "match.caliper", &s->match_caliper);
            if (!rc && s->match_caliper < 0) rc = fail(c, v, "match.caliper: must not be negative%s", NULL);
        } else if (!strcmp(k, "distance")) {
            rc = scalar(c, v, "match.distance", &s->match_distance);
            if (!rc && strcmp(s->match_distance, "ps") && strcmp(s->match_distance, "logit"))
                rc = fail(c, v, "match.distance: \"%s\" is not ps or logit", s->match_distance);
        } else if (!strcmp(k, "rule")) {
            rc = scalar(c, v, "match.rule", &s->match_rule);
            if (!rc && strcmp(s->match_rule, "matchit") && strcmp(s->match_rule, "exact"))
                rc = fail(c, v, "match.rule: \"%s\" is not matchit or exact", s->match_rule);
        } else if (!strcmp(k, "replace")) rc = boolean(c, v, "match.replace", &s->match_replace);
        else rc = fail(c, kn, "match: unknown key \"%s\" (method, ratio, caliper, distance, replace, rule)", k);
    }
    return rc;
}

static obs_status parse_propensity(ctx *c, yaml_node_t *n, obs_study_spec *s)
{
    map_iter it;
    const char *k;
    yaml_node_t *kn, *v;
    obs_status rc = map_begin(c, n, "propensity", &it);
    while (!rc && map_next(c, &it, &k, &kn, &v)) {
        if (!strcmp(k, "formula")) { rc = scalar(c, v, "propensity.formula", &s->ps_formula); s->ps_line = line_of(v); }
        else if (!strcmp(k, "match")) rc = parse_match(c, v, s);
        else rc = fail(c, kn, "propensity: unknown key \"%s\" (formula, match)", k);
    }
    if (!rc && !s->ps_formula) rc = fail(c, n, "propensity: missing key \"formula\"%s", NULL);
    return rc;
}

static obs_status parse_survival(ctx *c, yaml_node_t *n, obs_study_spec *s)
{
    map_iter it;
    const char *k;
    yaml_node_t *kn, *v;
    obs_status rc = map_begin(c, n, "survival", &it);
    while (!rc && map_next(c, &it, &k, &kn, &v)) {
        if (!strcmp(k, "times")) rc = number_list(c, v, "survival.times", &s->times, &s->ntimes);
        else if (!strcmp(k, "at")) rc = number(c, v, "survival.at", &s->surv_at);
        else if (!strcmp(k, "xmax")) {
            rc = number(c, v, "survival.xmax", &s->km_xmax);
            if (!rc && s->km_xmax < 0) rc = fail(c, v, "survival.xmax: must not be negative%s", NULL);
        }
        else if (!strcmp(k, "conf_level")) {
            rc = number(c, v, "survival.conf_level", &s->conf_level);
            if (!rc && !(s->conf_level > 0 && s->conf_level < 1)) rc = fail(c, v, "conf_level: must be between 0 and 1%s", NULL);
        } else rc = fail(c, kn, "survival: unknown key \"%s\" (times, at, xmax, conf_level)", k);
    }
    return rc;
}

/* where: {column: value, ...} -> conditions with their lines. */
static obs_status parse_where(ctx *c, yaml_node_t *v, const char *what, obs_study_condition **out, size_t *nout)
{
    map_iter w = {NULL, NULL};
    const char *col;
    yaml_node_t *wk, *wv;
    obs_status rc = map_begin(c, v, what, &w);
    if (rc) return rc;
    size_t nw = (size_t)(w.end - w.p);
    *out = calloc(nw ? nw : 1, sizeof **out);
    if (!*out) return obs_error_set(c->err, OBS_ENOMEM, "out of memory");
    while (!rc && map_next(c, &w, &col, &wk, &wv)) {
        obs_study_condition *cd = &(*out)[(*nout)++];
        cd->column = strdup(col);
        cd->line = line_of(wk);
        rc = scalar(c, wv, what, &cd->value);
    }
    return rc;
}

static obs_status parse_cox(ctx *c, yaml_node_t *n, obs_study_spec *s)
{
    if (n->type != YAML_SEQUENCE_NODE) return fail(c, n, "cox: expected a list of models%s", NULL);
    size_t k = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    s->cox = calloc(k ? k : 1, sizeof *s->cox);
    if (!s->cox) return obs_error_set(c->err, OBS_ENOMEM, "out of memory");
    obs_status rc = OBS_OK;
    for (size_t i = 0; i < k && !rc; i++) {
        yaml_node_t *m = node(c, n->data.sequence.items.start[i]);
        obs_study_cox *cx = &s->cox[s->ncox++];
        cx->line = line_of(m);
        map_iter it;
        const char *key;
        yaml_node_t *kn, *v;
        rc = map_begin(c, m, "cox model", &it);
        while (!rc && map_next(c, &it, &key, &kn, &v)) {
            if (!strcmp(key, "name")) rc = scalar(c, v, "cox.name", &cx->name);
            else if (!strcmp(key, "formula")) rc = scalar(c, v, "cox.formula", &cx->formula);
            else if (!strcmp(key, "ties")) {
                rc = scalar(c, v, "cox.ties", &cx->ties);
                if (!rc && strcmp(cx->ties, "efron") && strcmp(cx->ties, "breslow") && strcmp(cx->ties, "exact"))
                    rc = fail(c, v, "cox.ties: \"%s\" is not efron, breslow or exact", cx->ties);
            } else if (!strcmp(key, "cohort")) {
                char *co = NULL;
                rc = scalar(c, v, "cox.cohort", &co);
                if (!rc && !strcmp(co, "matched")) cx->matched = 1;
                else if (!rc && strcmp(co, "full")) rc = fail(c, v, "cox.cohort: \"%s\" is not full or matched", co);
                free(co);
            } else if (!strcmp(key, "where")) rc = parse_where(c, v, "cox.where", &cx->where, &cx->nwhere);
            else rc = fail(c, kn, "cox: unknown key \"%s\" (name, formula, cohort, where, ties)", key);
        }
        if (!rc && !cx->formula) rc = fail(c, m, "cox: a model needs a \"formula\"%s", NULL);
        if (!rc && !cx->name) {
            char buf[32];
            snprintf(buf, sizeof buf, "model %zu", i + 1);
            cx->name = strdup(buf);
        }
    }
    return rc;
}

static obs_status parse_subgroups(ctx *c, yaml_node_t *n, obs_study_spec *s)
{
    if (n->type != YAML_SEQUENCE_NODE) return fail(c, n, "subgroups: expected a list%s", NULL);
    size_t k = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    s->subgroups = calloc(k ? k : 1, sizeof *s->subgroups);
    if (!s->subgroups) return obs_error_set(c->err, OBS_ENOMEM, "out of memory");
    obs_status rc = OBS_OK;
    for (size_t i = 0; i < k && !rc; i++) {
        yaml_node_t *m = node(c, n->data.sequence.items.start[i]);
        obs_study_subgroup *g = &s->subgroups[s->nsubgroups++];
        g->line = line_of(m);
        map_iter it;
        const char *key;
        yaml_node_t *kn, *v;
        rc = map_begin(c, m, "subgroup", &it);
        while (!rc && map_next(c, &it, &key, &kn, &v)) {
            if (!strcmp(key, "name")) rc = scalar(c, v, "subgroup.name", &g->name);
            else if (!strcmp(key, "where")) rc = parse_where(c, v, "subgroup.where", &g->where, &g->nwhere);
            else rc = fail(c, kn, "subgroup: unknown key \"%s\" (name, where)", key);
        }
        if (!rc && g->nwhere == 0) rc = fail(c, m, "subgroup: needs \"where\" with at least one column%s", NULL);
        if (!rc && !g->name) rc = fail(c, m, "subgroup: needs a \"name\"%s", NULL);
    }
    return rc;
}

static const char *const estimates[] = {"n", "events", "median", "surv", "logrank_p", "hr", "hr_p",
                                        "subgroup_hr", "subgroup_p", "interaction_p", "percent", NULL};

static obs_status parse_published(ctx *c, yaml_node_t *n, obs_study_spec *s)
{
    if (n->type != YAML_SEQUENCE_NODE) return fail(c, n, "published: expected a list%s", NULL);
    size_t k = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    s->published = calloc(k ? k : 1, sizeof *s->published);
    if (!s->published) return obs_error_set(c->err, OBS_ENOMEM, "out of memory");
    obs_status rc = OBS_OK;
    for (size_t i = 0; i < k && !rc; i++) {
        yaml_node_t *m = node(c, n->data.sequence.items.start[i]);
        obs_study_published *pb = &s->published[s->npublished++];
        pb->line = line_of(m);
        map_iter it;
        const char *key;
        yaml_node_t *kn, *v;
        rc = map_begin(c, m, "published item", &it);
        while (!rc && map_next(c, &it, &key, &kn, &v)) {
            if (!strcmp(key, "label")) rc = scalar(c, v, "published.label", &pb->label);
            else if (!strcmp(key, "value")) rc = scalar(c, v, "published.value", &pb->value);
            else if (!strcmp(key, "estimate")) {
                rc = scalar(c, v, "published.estimate", &pb->estimate);
                int ok = 0;
                for (size_t e = 0; !rc && estimates[e]; e++) ok |= !strcmp(estimates[e], pb->estimate);
                if (!rc && !ok)
                    rc = fail(c, v, "published.estimate: \"%s\" is not n, events, median, surv, logrank_p, hr, "
                                    "hr_p, subgroup_hr, subgroup_p, interaction_p or percent", pb->estimate);
            } else if (!strcmp(key, "arm")) rc = scalar(c, v, "published.arm", &pb->arm);
            else if (!strcmp(key, "model")) rc = scalar(c, v, "published.model", &pb->model);
            else if (!strcmp(key, "term")) rc = scalar(c, v, "published.term", &pb->term);
            else if (!strcmp(key, "subgroup")) rc = scalar(c, v, "published.subgroup", &pb->subgroup);
            else if (!strcmp(key, "variable")) rc = scalar(c, v, "published.variable", &pb->variable);
            else if (!strcmp(key, "level")) rc = scalar(c, v, "published.level", &pb->level);
            else if (!strcmp(key, "invert")) rc = boolean(c, v, "published.invert", &pb->invert);
            else rc = fail(c, kn, "published: unknown key \"%s\" (label, value, estimate, arm, model, term, "
                                  "subgroup, variable, level, invert)", key);
        }
        if (!rc && (!pb->label || !pb->value || !pb->estimate))
            rc = fail(c, m, "published: an item needs \"label\", \"value\" and \"estimate\"%s", NULL);
    }
    return rc;
}

/* window: {column: year, from: 1985, to: 2010} — the study period. */
static obs_status parse_window(ctx *c, yaml_node_t *n, obs_study_spec *s)
{
    map_iter it;
    const char *k;
    yaml_node_t *kn, *v;
    s->window_line = line_of(n);
    obs_status rc = map_begin(c, n, "window", &it);
    while (!rc && map_next(c, &it, &k, &kn, &v)) {
        if (!strcmp(k, "column")) rc = scalar(c, v, "window.column", &s->window_column);
        else if (!strcmp(k, "from")) rc = number(c, v, "window.from", &s->window_from);
        else if (!strcmp(k, "to")) rc = number(c, v, "window.to", &s->window_to);
        else rc = fail(c, kn, "window: unknown key \"%s\" (column, from, to)", k);
    }
    if (!rc && !s->window_column) rc = fail(c, n, "window: missing key \"column\"%s", NULL);
    if (!rc && s->window_from > s->window_to)
        rc = fail(c, n, "window: \"from\" is after \"to\"%s", NULL);
    return rc;
}

static obs_status parse_report(ctx *c, yaml_node_t *n, obs_study_spec *s)
{
    map_iter it;
    const char *k;
    yaml_node_t *kn, *v;
    obs_status rc = map_begin(c, n, "report", &it);
    while (!rc && map_next(c, &it, &k, &kn, &v)) {
        if (!strcmp(k, "min_cell")) {
            double m;
            rc = number(c, v, "report.min_cell", &m);
            if (!rc && (m < 0 || m != floor(m) || m > 1e9))
                rc = fail(c, v, "report.min_cell: expected a whole number from 0 to 1e9%s", NULL);
            if (!rc) s->min_cell = (long)m;
        } else rc = fail(c, kn, "report: unknown key \"%s\" (min_cell)", k);
    }
    return rc;
}

/* Resolve a relative data path against the spec's folder. */
static char *resolve(const char *spec_path, const char *p)
{
    if (p[0] == '/' || !strcmp(p, "-")) return strdup(p);
    const char *slash = strrchr(spec_path, '/');
    if (!slash) return strdup(p);
    size_t d = (size_t)(slash - spec_path) + 1;
    char *r = malloc(d + strlen(p) + 1);
    if (r) {
        memcpy(r, spec_path, d);
        strcpy(r + d, p);
    }
    return r;
}

static obs_status parse_root(ctx *c, yaml_node_t *root, obs_study_spec *s)
{
    map_iter it;
    const char *k;
    yaml_node_t *kn, *v;
    obs_status rc = map_begin(c, root, "study", &it);
    while (!rc && map_next(c, &it, &k, &kn, &v)) {
        if (!strcmp(k, "title")) rc = scalar(c, v, "title", &s->title);
        else if (!strcmp(k, "data")) { rc = scalar(c, v, "data", &s->data); s->data_line = line_of(v); }
        else if (!strcmp(k, "table")) rc = scalar(c, v, "table", &s->table);
        else if (!strcmp(k, "query")) rc = scalar(c, v, "query", &s->query);
        else if (!strcmp(k, "id")) { rc = scalar(c, v, "id", &s->id); s->id_line = line_of(v); }
        else if (!strcmp(k, "center")) { rc = scalar(c, v, "center", &s->center); s->center_line = line_of(v); }
        else if (!strcmp(k, "treatment")) rc = parse_treatment(c, v, s);
        else if (!strcmp(k, "outcome")) rc = parse_outcome(c, v, s);
        else if (!strcmp(k, "baseline")) rc = parse_baseline(c, v, s);
        else if (!strcmp(k, "propensity")) rc = parse_propensity(c, v, s);
        else if (!strcmp(k, "survival")) rc = parse_survival(c, v, s);
        else if (!strcmp(k, "cox")) rc = parse_cox(c, v, s);
        else if (!strcmp(k, "subgroups")) rc = parse_subgroups(c, v, s);
        else if (!strcmp(k, "interaction"))
            rc = string_list_lines(c, v, "interaction", &s->interaction, &s->ninteraction, &s->interaction_lines);
        else if (!strcmp(k, "subgroup_formula")) {
            rc = scalar(c, v, "subgroup_formula", &s->subgroup_formula);
            s->subgroup_formula_line = line_of(v);
        } else if (!strcmp(k, "published")) rc = parse_published(c, v, s);
        else if (!strcmp(k, "report")) rc = parse_report(c, v, s);
        else if (!strcmp(k, "window")) rc = parse_window(c, v, s);
        else if (!strcmp(k, "seed")) {
            double d;
            rc = number(c, v, "seed", &d);
            if (!rc && (d < 0 || d != floor(d) || d > 9007199254740992.0))
                rc = fail(c, v, "seed: expected a whole number from 0 to 2^53%s", NULL);
            if (!rc) s->seed = (unsigned long)d;
        } else
            rc = fail(c, kn, "unknown key \"%s\" (title, data, table, query, id, center, treatment, outcome, "
                             "baseline, propensity, survival, cox, subgroups, subgroup_formula, interaction, window, published, "
                             "report, seed)", k);
    }
    if (rc) return rc;
    if (!s->data) return fail(c, root, "missing key \"data\"%s", NULL);
    if (!s->treatment) return fail(c, root, "missing key \"treatment\"%s", NULL);
    if (!s->time) return fail(c, root, "missing key \"outcome\"%s", NULL);
    char *d = resolve(c->path, s->data);
    if (!d) return obs_error_set(c->err, OBS_ENOMEM, "out of memory");
    free(s->data);
    s->data = d;
    return OBS_OK;
}

obs_status obs_study_spec_load(const char *path, obs_study_spec **out, obs_error *err)
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp) return obs_error_set(err, OBS_EIO, "%s: cannot open the study file", path);
    obs_study_spec *s = calloc(1, sizeof *s);
    if (!s) {
        fclose(fp);
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    }
    s->path = strdup(path);
    s->match_ratio = 1;
    s->match_caliper = NAN;
    s->surv_at = 60;
    s->window_from = -INFINITY;
    s->window_to = INFINITY;
    s->screen = 1;
    s->conf_level = 0.95;
    s->seed = 2011;

    yaml_parser_t parser;
    yaml_document_t doc;
    obs_status rc = OBS_OK;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, fp);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = obs_error_set(err, OBS_EUSAGE, "%s:%zu: malformed YAML: %s", path,
                           parser.problem_mark.line + 1, parser.problem ? parser.problem : "syntax error");
    } else {
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        ctx c = {&doc, path, err};
        if (!root) rc = obs_error_set(err, OBS_EUSAGE, "%s:1: the study file is empty", path);
        else rc = parse_root(&c, root, s);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    fclose(fp);
    if (rc) obs_study_spec_free(&s);
    *out = s;
    return rc;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

void obs_study_spec_free(obs_study_spec **sp)
{
    if (!sp || !*sp) return;
    obs_study_spec *s = *sp;
    free(s->path); free(s->title); free(s->data); free(s->table); free(s->query);
    free(s->id); free(s->center); free(s->treatment); free(s->arms[0]); free(s->arms[1]);
    free(s->time); free(s->event); free(s->time_unit); free(s->window_column);
    free_list(s->baseline, s->nbaseline);
    free_list(s->nonnormal, s->nnonnormal);
    free_list(s->exact, s->nexact);
    free_list(s->categorical, s->ncategorical);
    free(s->ps_formula); free(s->match_method); free(s->match_distance); free(s->match_rule);
    free(s->subgroup_formula);
    free(s->baseline_lines); free(s->nonnormal_lines); free(s->exact_lines);
    free(s->categorical_lines); free(s->interaction_lines);
    for (size_t i = 0; i < s->npublished; i++) {
        obs_study_published *pb = &s->published[i];
        free(pb->label); free(pb->value); free(pb->estimate); free(pb->arm); free(pb->model);
        free(pb->term); free(pb->subgroup); free(pb->variable); free(pb->level);
    }
    free(s->published);
    free(s->times);
    for (size_t i = 0; i < s->ncox; i++) {
        free(s->cox[i].name); free(s->cox[i].formula); free(s->cox[i].ties);
        for (size_t j = 0; j < s->cox[i].nwhere; j++) {
            free(s->cox[i].where[j].column);
            free(s->cox[i].where[j].value);
        }
        free(s->cox[i].where);
    }
    free(s->cox);
    for (size_t i = 0; i < s->nsubgroups; i++) {
        free(s->subgroups[i].name);
        for (size_t j = 0; j < s->subgroups[i].nwhere; j++) {
            free(s->subgroups[i].where[j].column);
            free(s->subgroups[i].where[j].value);
        }
        free(s->subgroups[i].where);
    }
    free(s->subgroups);
    free_list(s->interaction, s->ninteraction);
    free(s);
    *sp = NULL;
}
