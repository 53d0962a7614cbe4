/*
 * table1_suppress.c — disclosure control for a Table 1 (--min-cell N).
 *
 * Rule.  A count from 1 to N-1 identifies too few people to publish (zero
 * identifies no one and stays).  Hidden are:
 *   - a group size (the "n" line) and n_dropped in that range (and, when
 *     one group size is hidden, the smallest other: the overall n is the
 *     sum);
 *   - a categorical cell (level x group, or overall) whose count is in that
 *     range: its count and its percentage;
 *   - a continuous summary (mean, SD, median, quartiles) of a group whose
 *     non-missing n is in that range, and the n itself;
 *   - a missing-value count in that range.
 * Secondary suppression.  A single hidden cell could be recovered by
 * subtraction: within a group column, from the non-missing total and the
 * other levels; within a level, from the overall count and the other
 * groups.  So whenever a column (the levels of one variable in one group)
 * or a line (one level across the groups and overall) holds exactly one
 * hidden cell, the smallest other non-zero cell there is hidden too; this
 * repeats until no line or column has exactly one (the "at least two per
 * margin" rule of cell suppression: L. H. Cox, Suppression methodology and
 * statistical disclosure control, JASA 75:377-385, 1980).  It is a
 * heuristic, not an audit: with several margins a hidden cell may still be
 * bounded by linear programming.
 * Hidden values become NaN (r->hidden says which and why), which the
 * renderers print as "<N" for a small count and "*" for a secondary one
 * (text, CSV, HTML) and null with a "suppressed" flag (JSON).  Tests, P
 * values and SMDs are kept, as published tables keep them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/table1.h"

static int small(double v, long mc)
{
    return v >= 1 && v < (double)mc;
}

/* Hide cell k of a categorical row (count and percent); why: 1 small, 2
 * secondary. */
static void hide(obs_table1_row *r, size_t k, unsigned char why)
{
    r->counts[k] = NAN;
    r->percent[k] = NAN;
    r->hidden[k] = why;
}

/* In the cells idx[0..n-1] of r: when exactly one is hidden, hide the
 * smallest other non-zero one.  Returns 1 when something was hidden. */
static int complete_margin(obs_table1_row *r, const size_t *idx, size_t n)
{
    size_t nhidden = 0, best = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        double v = r->counts[idx[i]];
        if (isnan(v)) nhidden++;
        else if (v > 0 && (best == (size_t)-1 || v < r->counts[best])) best = idx[i];
    }
    if (nhidden != 1 || best == (size_t)-1) return 0;
    hide(r, best, 2);
    return 1;
}

obs_status obs_table1_suppress(obs_table1 *t, long min_cell, obs_error *err)
{
    if (min_cell <= 0) return OBS_OK;
    t->min_cell = min_cell;
    size_t G = t->ngroups, W = G + 1;
    /* group sizes: the overall n is their sum, so one hidden group size
     * takes the smallest other with it */
    t->group_hidden = calloc(W, 1);
    if (!t->group_hidden) return obs_error_set(err, OBS_ENOMEM, "table1: out of memory");
    size_t nhidden = 0, best = W;
    for (size_t g = 0; g < W; g++)
        if (small(t->group_n[g], min_cell)) {
            t->group_n[g] = NAN;
            t->group_hidden[g] = 1;
            nhidden++;
        }
    for (size_t g = 0; g < G && G > 1; g++)
        if (!t->group_hidden[g] && t->group_n[g] > 0 && (best == W || t->group_n[g] < t->group_n[best]))
            best = g;
    if (nhidden == 1 && G > 1 && best < W) {
        t->group_n[best] = NAN;
        t->group_hidden[best] = 2;
    }
    if (small((double)t->n_dropped, min_cell)) {
        /* and the warning obs_table1_build wrote about them */
        t->n_dropped_hidden = 1;
        for (size_t k = 0; k < t->warnings.n; k++) {
            char *m = t->warnings.msg[k], *tail = strstr(m, " rows dropped: missing values in ");
            if (!tail || strtoul(m, NULL, 10) != t->n_dropped) continue;
            char *nm = malloc(strlen(m) + 32);
            if (!nm) return obs_error_set(err, OBS_ENOMEM, "table1: out of memory");
            sprintf(nm, "<%ld%s", min_cell, tail);
            char *paren = strrchr(nm, '(');           /* "... in sex (3)" -> "(<5)" */
            if (paren) sprintf(paren, "(<%ld)", min_cell);
            free(m);
            t->warnings.msg[k] = nm;
        }
    }
    size_t idx[4096];
    for (size_t i = 0; i < t->nrows; i++) {
        obs_table1_row *r = &t->rows[i];
        if (r->type == OBS_T1_CONTINUOUS) {
            for (size_t g = 0; g < W; g++) {
                obs_t1_summary *s = &r->summary[g];
                if (small(s->n, min_cell)) {
                    s->n = s->mean = s->sd = s->median = s->q1 = s->q3 = NAN;
                }
                if (small(s->missing, min_cell)) s->missing = NAN;
            }
            continue;
        }
        for (size_t g = 0; g < W; g++)
            if (small(r->missing[g], min_cell)) r->missing[g] = NAN;
        r->hidden = calloc(r->nlevels * W + 1, 1);
        if (!r->hidden)
            return obs_error_set(err, OBS_ENOMEM, "table1: out of memory");
        for (size_t k = 0; k < r->nlevels * W; k++)
            if (small(r->counts[k], min_cell)) hide(r, k, 1);
        if (r->nlevels > sizeof idx / sizeof idx[0] || W > sizeof idx / sizeof idx[0]) {
            /* too large to balance: hide the whole variable */
            for (size_t k = 0; k < r->nlevels * W; k++)
                if (!r->hidden[k]) hide(r, k, 2);
            continue;
        }
        for (int changed = 1; changed;) {
            changed = 0;
            for (size_t g = 0; g < W; g++) {        /* columns: levels of group g */
                for (size_t l = 0; l < r->nlevels; l++) idx[l] = l * W + g;
                changed |= complete_margin(r, idx, r->nlevels);
            }
            if (G > 1)                              /* lines: groups + overall */
                for (size_t l = 0; l < r->nlevels; l++) {
                    for (size_t g = 0; g < W; g++) idx[g] = l * W + g;
                    changed |= complete_margin(r, idx, W);
                }
        }
    }
    return OBS_OK;
}
