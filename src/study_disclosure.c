/*
 * study_disclosure.c — disclosure control of a study's outputs
 * (report: min_cell N): which counts the report, results.json, the CSV
 * files and the terminal summary may show.
 *
 * Rule, as obsurv table1 / km --min-cell.  A count from 1 to N-1 identifies
 * too few people to publish and is hidden (OBS_STUDY_SMALL: "<N" in text,
 * HTML, SVG and CSV, null in JSON with the field named in a "suppressed"
 * list); zero identifies no one and is shown.  Percentages of a hidden
 * count are hidden with it (Table 1 by obs_table1_suppress; a published
 * "percent" comparison whose Table 1 cell is hidden).
 *
 * Secondary suppression (OBS_STUDY_SECONDARY, "*").  A hidden count must
 * not come back by subtraction, so:
 *   - additive relations among the counts shown (a total and its parts):
 *       read     = analysed + excluded        excluded = sum of the reasons
 *       analysed = arm 1 + arm 2              analysed = with a score + without
 *       with a score = its control + treated  (per arm) with a score = matched + not matched
 *       matched  = matched arm 1 + arm 2      total deaths = deaths arm 1 + arm 2
 *       subgroup n = its arm 1 + arm 2
 *     (and an arm's patients with a score, whose complement in the arm, not
 *     shown, is a count too);
 *     whenever one relation holds exactly one hidden count, the smallest
 *     other non-zero count of it is hidden too, the analysed n and the
 *     matched n last (they are the study's headline numbers); repeated until
 *     no relation has exactly one (L. H. Cox, JASA 75:377-385, 1980, as
 *     table1_suppress.c);
 *   - a count over a subset of the analysed cohort (a screen model, a
 *     subgroup and its arms, an interaction test, a Cox model of the full
 *     cohort) whose complement in the cohort (cohort n - n, deaths - deaths)
 *     is from 1 to N-1 is hidden too: the difference would reveal the few
 *     patients left out (for instance those with a missing covariate, which
 *     Table 1 hides);
 *   - a Cox model whose dropped rows are hidden hides its n as well.
 * Not covered: differences between two overlapping subgroups (or a subgroup
 * and a Cox model restricted by `where:`) that the spec itself defines; the
 * concordance pair counts; the bars of the propensity-score histogram
 * (counts per bin, drawn, not written); the Kaplan-Meier curves and intervals, hazard
 * ratios, confidence intervals and P values (kept, as published tables keep
 * them).  Like table1's, this is a heuristic, not an audit.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "study_internal.h"

static int small(double v, long mc)
{
    return v >= 1 && v < (double)mc;
}

/* The flag of v: OBS_STUDY_SMALL when v is from 1 to mc - 1. */
static unsigned char flag_small(double v, long mc)
{
    return small(v, mc) ? OBS_STUDY_SMALL : OBS_STUDY_SHOWN;
}

/* Hide *f as secondary when the complement total - v is a small count. */
static void complement(unsigned char *f, double v, double total, long mc)
{
    if (!*f && v > 0 && small(total - v, mc)) *f = OBS_STUDY_SECONDARY;
}

void study_fmt_count(const obs_study_result *r, double v, unsigned char hidden, char *buf, size_t size)
{
    if (hidden == OBS_STUDY_SECONDARY) snprintf(buf, size, "*");
    else if (hidden) snprintf(buf, size, "<%ld", r->spec->min_cell);
    else snprintf(buf, size, "%.0f", v);
}

/* ---- additive relations ------------------------------------------------ */

typedef struct {
    double v;
    unsigned char *flag;
    int last;                 /* hide only when no other cell can be */
} cell;

/* When exactly one of c[0..n-1] is hidden, hide the smallest other non-zero
 * one (cells marked `last` only when nothing else is left).  Returns 1 when
 * something was hidden. */
static int complete_relation(const cell *c, size_t n)
{
    size_t nhidden = 0, best = n, best_last = n;
    for (size_t i = 0; i < n; i++) {
        if (*c[i].flag) nhidden++;
        else if (c[i].v > 0) {
            size_t *b = c[i].last ? &best_last : &best;
            if (*b == n || c[i].v < c[*b].v) *b = i;
        }
    }
    if (nhidden != 1) return 0;
    size_t b = best < n ? best : best_last;
    if (b == n) return 0;
    *c[b].flag = OBS_STUDY_SECONDARY;
    return 1;
}

static obs_status cohort_relations(obs_study_result *r, obs_error *err)
{
    obs_study_hidden *h = &r->hidden;
    size_t nex = r->nexclusions;
    double ps_arm[2] = {0, 0};
    if (r->ps_frame)
        for (size_t i = 0; i < r->ps_frame->n; i++) ps_arm[r->ps_frame->y[i] > 0.5] += 1;
    cell *c = malloc((nex + 4) * sizeof *c);
    if (!c) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    double ev[2] = {r->km->curves[0].events, r->km->curves[1].events};
    /* an arm's patients without a score (not shown) = its n - with a score */
    if (r->ps_frame)
        for (int k = 0; k < 2; k++) complement(&h->ps_arm[k], ps_arm[k], (double)r->n_arm[k], r->spec->min_cell);
    for (int changed = 1; changed;) {
        changed = 0;
        cell a[3] = {{(double)r->n_read, &h->n_read, 0}, {(double)r->n, &h->n, 1},
                     {(double)(r->n_read - r->n), &h->n_dropped, 0}};
        changed |= complete_relation(a, 3);
        c[0] = a[2];
        for (size_t k = 0; k < nex; k++) c[k + 1] = (cell){(double)r->exclusions[k].count, &r->exclusions[k].hidden, 0};
        changed |= complete_relation(c, nex + 1);
        cell arms[3] = {{(double)r->n, &h->n, 1}, {(double)r->n_arm[0], &h->n_arm[0], 0},
                        {(double)r->n_arm[1], &h->n_arm[1], 0}};
        changed |= complete_relation(arms, 3);
        /* the total deaths (the screen's treatment model, the log-rank
         * test) is hidden where it is shown, by its own rule, not here */
        unsigned char total = 0;
        cell events[3] = {{ev[0] + ev[1], &total, 1}, {ev[0], &h->events[0], 0}, {ev[1], &h->events[1], 0}};
        changed |= complete_relation(events, 3);
        if (r->ps_frame) {
            cell ps[3] = {{(double)r->n, &h->n, 1}, {(double)r->ps_frame->n, &h->ps_n, 0},
                          {(double)r->n_ps_missing, &h->ps_missing, 0}};
            changed |= complete_relation(ps, 3);
            cell psa[3] = {{(double)r->ps_frame->n, &h->ps_n, 0}, {ps_arm[0], &h->ps_arm[0], 0},
                           {ps_arm[1], &h->ps_arm[1], 0}};
            changed |= complete_relation(psa, 3);
        }
        if (r->match) {
            for (int k = 0; k < 2; k++) {
                cell m[3] = {{ps_arm[k], &h->ps_arm[k], 0}, {(double)r->n_matched_arm[k], &h->matched_arm[k], 0},
                             {ps_arm[k] - (double)r->n_matched_arm[k], &h->unmatched_arm[k], 0}};
                changed |= complete_relation(m, 3);
            }
            cell m[3] = {{(double)r->n_matched, &h->matched, 1},
                         {(double)r->n_matched_arm[0], &h->matched_arm[0], 0},
                         {(double)r->n_matched_arm[1], &h->matched_arm[1], 0}};
            changed |= complete_relation(m, 3);
        }
    }
    free(c);
    return OBS_OK;
}

/* ---- subsets of the cohort --------------------------------------------- */

static void subgroup_flags(const obs_study_result *r, obs_study_subgroup_result *g, long mc)
{
    double events = r->km->curves[0].events + r->km->curves[1].events;
    g->n_hidden = flag_small((double)g->n, mc);
    g->nevent_hidden = flag_small((double)g->nevent, mc);
    complement(&g->n_hidden, (double)g->n, (double)r->n, mc);
    complement(&g->nevent_hidden, (double)g->nevent, events, mc);
    for (int k = 0; k < 2; k++) {
        g->n_arm_hidden[k] = flag_small((double)g->n_arm[k], mc);
        complement(&g->n_arm_hidden[k], (double)g->n_arm[k], (double)r->n_arm[k], mc);
    }
    cell c[3] = {{(double)g->n, &g->n_hidden, 0}, {(double)g->n_arm[0], &g->n_arm_hidden[0], 0},
                 {(double)g->n_arm[1], &g->n_arm_hidden[1], 0}};
    while (complete_relation(c, 3)) {}
}

/* Rewrite warning k (1-based; 0: none) of r. */
static obs_status set_warning(obs_study_result *r, size_t k, const char *msg, obs_error *err)
{
    if (!k || k > r->warnings.n) return OBS_OK;
    char *m = strdup(msg);
    if (!m) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    free(r->warnings.msg[k - 1]);
    r->warnings.msg[k - 1] = m;
    return OBS_OK;
}

/* Table 1's group sizes follow the flow's flags (and the other way round),
 * so that neither shows what the other hides. */
static void sync_table1(obs_table1 *t, unsigned char *arm)
{
    if (!t || !t->group_hidden || t->ngroups != 2) return;
    for (int k = 0; k < 2; k++) {
        if (arm[k] && !t->group_hidden[k]) {
            t->group_n[k] = NAN;
            t->group_hidden[k] = arm[k];
        } else if (!arm[k] && t->group_hidden[k]) {
            arm[k] = t->group_hidden[k];
        }
    }
}

obs_status study_disclosure(obs_study_result *r, obs_error *err)
{
    const obs_study_spec *s = r->spec;
    long mc = s->min_cell;
    if (mc <= 0) return OBS_OK;
    obs_study_hidden *h = &r->hidden;
    obs_status rc = OBS_OK;
    h->n_read = flag_small((double)r->n_read, mc);
    h->n = flag_small((double)r->n, mc);
    h->n_dropped = flag_small((double)(r->n_read - r->n), mc);
    for (size_t k = 0; k < r->nexclusions; k++) r->exclusions[k].hidden = flag_small((double)r->exclusions[k].count, mc);
    double ps_arm[2] = {0, 0};
    if (r->ps_frame)
        for (size_t i = 0; i < r->ps_frame->n; i++) ps_arm[r->ps_frame->y[i] > 0.5] += 1;
    for (int k = 0; k < 2; k++) {
        h->n_arm[k] = flag_small((double)r->n_arm[k], mc);
        h->events[k] = flag_small(r->km->curves[k].events, mc);
        h->at_n_risk[k] = calloc(s->ntimes ? s->ntimes : 1, 1);
        if (!h->at_n_risk[k]) return obs_error_set(err, OBS_ENOMEM, "out of memory");
        for (size_t i = 0; i < s->ntimes; i++) h->at_n_risk[k][i] = flag_small(r->at[k][i].n_risk, mc);
        h->ps_arm[k] = flag_small(ps_arm[k], mc);
        h->matched_arm[k] = flag_small((double)r->n_matched_arm[k], mc);
        h->unmatched_arm[k] = flag_small(ps_arm[k] - (double)r->n_matched_arm[k], mc);
    }
    if (r->ps_frame) {
        h->ps_n = flag_small((double)r->ps_frame->n, mc);
        h->ps_missing = flag_small((double)r->n_ps_missing, mc);
    }
    h->matched = flag_small((double)r->n_matched, mc);
    sync_table1(r->table1, h->n_arm);
    sync_table1(r->table1_matched, h->matched_arm);
    if ((rc = cohort_relations(r, err))) return rc;
    sync_table1(r->table1, h->n_arm);
    sync_table1(r->table1_matched, h->matched_arm);

    double events = r->km->curves[0].events + r->km->curves[1].events;
    for (size_t k = 0; k < r->nscreen; k++) {
        obs_study_screen_row *q = &r->screen[k];
        q->n_hidden = flag_small((double)q->n, mc);
        q->nevent_hidden = flag_small((double)q->nevent, mc);
        complement(&q->n_hidden, (double)q->n, (double)r->n, mc);
        complement(&q->nevent_hidden, (double)q->nevent, events, mc);
    }
    subgroup_flags(r, &r->overall, mc);
    for (size_t g = 0; g < r->nsubgroups; g++) subgroup_flags(r, &r->subgroups[g], mc);
    for (size_t k = 0; k < r->ninteractions; k++) {
        obs_study_interaction *it = &r->interactions[k];
        it->n_hidden = flag_small((double)it->n, mc);
        complement(&it->n_hidden, (double)it->n, (double)r->n, mc);
    }
    char a[48], b[48], msg[1024];
    for (size_t m = 0; m < r->ncox && !rc; m++) {
        obs_study_cox_fit *c = &r->cox[m];
        if (!c->model || !c->frame) continue;
        c->n_hidden = flag_small((double)c->model->n, mc);
        c->nevent_hidden = flag_small((double)c->model->nevent, mc);
        c->n_dropped_hidden = flag_small((double)c->frame->n_dropped, mc);
        if (c->n_dropped_hidden && !c->n_hidden) c->n_hidden = OBS_STUDY_SECONDARY;
        if (!c->matched && !(m < s->ncox && s->cox[m].nwhere))   /* a model of the whole cohort */
            complement(&c->nevent_hidden, (double)c->model->nevent, events, mc);
        if (c->warning_dropped && c->n_dropped_hidden) {
            study_fmt_count(r, (double)c->frame->n_dropped, c->n_dropped_hidden, a, sizeof a);
            snprintf(msg, sizeof msg, "cox model \"%s\": %s of %zu rows dropped (missing values)", c->name, a,
                     c->frame->n_read);
            rc = set_warning(r, c->warning_dropped, msg, err);
        }
    }
    if (!rc && r->warning_ps_missing && h->ps_missing) {
        study_fmt_count(r, (double)r->n_ps_missing, h->ps_missing, a, sizeof a);
        snprintf(msg, sizeof msg, "%s patients have no propensity score (a covariate is missing)", a);
        rc = set_warning(r, r->warning_ps_missing, msg, err);
    }
    if (!rc && r->warning_unmatched && r->match && (h->unmatched_arm[1] || h->ps_arm[1])) {
        study_fmt_count(r, ps_arm[1] - (double)r->n_matched_arm[1], h->unmatched_arm[1], a, sizeof a);
        study_fmt_count(r, ps_arm[1], h->ps_arm[1], b, sizeof b);
        snprintf(msg, sizeof msg, "%s of %s patients of arm %s were not matched", a, b, s->arms[1]);
        rc = set_warning(r, r->warning_unmatched, msg, err);
    }

    /* published comparisons of a hidden count or percentage */
    for (size_t k = 0; k < r->ncomparisons; k++) {
        obs_study_comparison *c = &r->comparisons[k];
        const obs_study_published *pb = c->spec;
        int arm = -1;
        for (int j = 0; j < 2 && pb->arm; j++)
            if (!strcmp(r->arm_names[j], pb->arm)) arm = j;
        unsigned char hide = 0;
        if (!strcmp(pb->estimate, "n")) hide = arm < 0 ? h->n : h->n_arm[arm];
        else if (!strcmp(pb->estimate, "events") && arm >= 0) hide = h->events[arm];
        else if (!strcmp(pb->estimate, "percent") && r->table1) {
            const obs_table1 *t = r->table1;
            for (size_t i = 0; i < t->nrows; i++) {
                const obs_table1_row *row = &t->rows[i];
                if (strcmp(row->variable, pb->variable) || row->type != OBS_T1_CATEGORICAL || !row->hidden) continue;
                size_t col = arm < 0 ? t->ngroups : (size_t)arm;
                for (size_t l = 0; l < row->nlevels; l++)
                    if (pb->level && !strcmp(row->levels[l], pb->level))
                        hide = row->hidden[l * (t->ngroups + 1) + col];
            }
        }
        if (hide) {
            c->hidden = hide;
            c->found = 0;
            c->estimate = c->lower = c->upper = NAN;
        }
    }
    return rc;
}
