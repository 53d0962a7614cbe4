/*
 * figures.c — study figures as display lists; see obsurv/figures.h.
 *
 * Layout is in points.  The Kaplan-Meier figure is 480 x (300 + 16 per arm)
 * points: the curve panel on top, the numbers-at-risk table beneath with one
 * row per arm, its columns at the x-axis ticks (the number at risk at a tick
 * is the number with time >= tick: obs_km_at's n_risk).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/figures.h"

static unsigned arm_colour(size_t k)
{
    static const unsigned order[] = {5, 6, 3, 1, 7, 2, 4, 0};  /* blue, vermillion, green, ... */
    return obs_palette[order[k % 8]];
}

static void title_text(obs_plot *p, double width, const char *title)
{
    if (title && *title) obs_plot_text(p, width / 2, 18, title, 12, OBS_ANCHOR_MIDDLE, 0, 1, 0x000000);
}

obs_plot *obs_figure_km(const obs_km *km, const char *const *names, const char *time_unit,
                        double xmax, const char *title, long min_cell)
{
    double tmax = 0;
    for (size_t k = 0; k < km->ncurves; k++) {
        const obs_km_curve *c = &km->curves[k];
        if (c->ntime) tmax = fmax(tmax, c->time[c->ntime - 1]);
    }
    if (!(xmax > 0)) xmax = tmax > 0 ? tmax : 1;
    double ticks[32];
    size_t nt = 0;
    if (time_unit && !strcmp(time_unit, "months") && xmax >= 24) {
        /* months: ticks at whole years (12, 24, 36 or 60 months apart) */
        static const double steps[] = {12, 24, 36, 60, 120};
        double step = 120;
        for (size_t k = 0; k < sizeof steps / sizeof *steps; k++)
            if (xmax / steps[k] <= 10) { step = steps[k]; break; }
        for (double t = 0; t <= xmax * 1.0001 && nt < 32; t += step) ticks[nt++] = t;
    } else {
        nt = obs_plot_pretty(0, xmax, 6, ticks, 32);
        while (nt > 0 && ticks[nt - 1] > xmax * 1.0001) nt--;
    }
    double width = 480, top = title ? 30 : 12, ph = 230;
    double table_top = top + ph + 48;
    double height = table_top + 22 + 16.0 * (double)km->ncurves + 8;
    obs_plot *p = obs_plot_new(width, height);
    if (!p) return NULL;
    obs_plot_area a = {0, xmax, 0, 1, 110, top, width - 130, ph};
    title_text(p, width, title);

    /* light grid */
    double yt[] = {0, 0.2, 0.4, 0.6, 0.8, 1.0};
    obs_plot_style grid = {0xDDDDDD, OBS_PLOT_NONE, 0.5, 1, 0};
    for (size_t i = 1; i < 6; i++)
        obs_plot_line(p, a.left, obs_plot_py(&a, yt[i]), a.left + a.width, obs_plot_py(&a, yt[i]), grid);
    char xtitle[96];
    snprintf(xtitle, sizeof xtitle, "Time since treatment (%s)", time_unit ? time_unit : "months");
    obs_plot_axis_bottom(p, &a, ticks, nt, "%g", xtitle);
    obs_plot_axis_left(p, &a, yt, 6, "%.1f", "Overall survival probability");

    double start = obs_km_start_time(km);
    double *xs = NULL, *ys = NULL;
    for (size_t k = 0; k < km->ncurves; k++) {
        const obs_km_curve *c = &km->curves[k];
        if (!c->ntime) continue;
        free(xs);
        free(ys);
        xs = malloc((2 * c->ntime + 2) * sizeof *xs);
        ys = malloc((2 * c->ntime + 2) * sizeof *ys);
        if (!xs || !ys) break;
        size_t m = 0;
        double s = 1;
        xs[m] = obs_plot_px(&a, start > 0 ? 0 : start);
        ys[m++] = obs_plot_py(&a, 1);
        obs_plot_style line = {arm_colour(k), OBS_PLOT_NONE, 1.8, 1, 0};
        for (size_t i = 0; i < c->ntime && c->time[i] <= xmax; i++) {
            double x = obs_plot_px(&a, c->time[i]);
            if (c->surv[i] != s) {                 /* a step down at an event time */
                xs[m] = x; ys[m++] = obs_plot_py(&a, s);
                s = c->surv[i];
                xs[m] = x; ys[m++] = obs_plot_py(&a, s);
            }
            if (c->n_censor[i] > 0) {              /* censoring mark: a small vertical tick */
                double y = obs_plot_py(&a, c->surv[i]);
                obs_plot_line(p, x, y - 3.5, x, y + 3.5, line);
            }
        }
        double xe = fmin(c->time[c->ntime - 1], xmax);
        xs[m] = obs_plot_px(&a, xe);
        ys[m++] = obs_plot_py(&a, s);
        obs_plot_polyline(p, xs, ys, m, line);
        /* legend */
        double ly = top + 14 + 16.0 * (double)k, lx = a.left + a.width - 150;
        obs_plot_line(p, lx, ly - 4, lx + 22, ly - 4, line);
        obs_plot_text(p, lx + 28, ly, names ? names[k] : "", 10, OBS_ANCHOR_START, 0, 0, 0x000000);
    }
    free(xs);
    free(ys);

    /* numbers at risk */
    obs_plot_text(p, 8, table_top, "Number at risk", 10, OBS_ANCHOR_START, 0, 1, 0x000000);
    obs_km_point *pts = calloc(nt ? nt : 1, sizeof *pts);
    for (size_t k = 0; pts && k < km->ncurves; k++) {
        const obs_km_curve *c = &km->curves[k];
        double y = table_top + 18 + 16.0 * (double)k;
        obs_plot_text(p, 8, y, names ? names[k] : "", 10, OBS_ANCHOR_START, 0, 0, arm_colour(k));
        if (c->ntime) obs_km_at(c, start, ticks, nt, pts);
        for (size_t i = 0; i < nt; i++) {
            char buf[32];
            double r = c->ntime ? pts[i].n_risk : 0;
            if (min_cell > 0 && r > 0 && r < (double)min_cell) snprintf(buf, sizeof buf, "<%ld", min_cell);
            else if (r == floor(r)) snprintf(buf, sizeof buf, "%.0f", r);
            else snprintf(buf, sizeof buf, "%.1f", r);
            obs_plot_text(p, obs_plot_px(&a, ticks[i]), y, buf, 10, OBS_ANCHOR_MIDDLE, 0, 0, 0x000000);
        }
    }
    free(pts);
    return p;
}

obs_plot *obs_figure_forest(const obs_forest_row *rows, size_t nrows, const char *xlabel,
                            const char *title)
{
    return obs_figure_forest_text(rows, NULL, nrows, xlabel, title);
}

obs_plot *obs_figure_forest_text(const obs_forest_row *rows, const char *const *n_text, size_t nrows,
                                 const char *xlabel, const char *title)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < nrows; i++) {
        if (rows[i].header || !isfinite(rows[i].hr)) continue;
        if (isfinite(rows[i].lower) && rows[i].lower > 0) lo = fmin(lo, rows[i].lower);
        if (isfinite(rows[i].upper)) hi = fmax(hi, rows[i].upper);
        lo = fmin(lo, rows[i].hr);
        hi = fmax(hi, rows[i].hr);
    }
    if (!isfinite(lo) || !isfinite(hi)) { lo = 0.5; hi = 2; }
    lo = fmin(lo, 0.8);
    hi = fmax(hi, 1.25);
    double llo = floor(log2(lo)), lhi = ceil(log2(hi));
    double top = title ? 44 : 26, row_h = 20;
    double width = 620, height = top + row_h * (double)nrows + 52;
    obs_plot *p = obs_plot_new(width, height);
    if (!p) return NULL;
    title_text(p, width, title);
    obs_plot_area a = {llo, lhi, 0, (double)nrows, 230, top, 240, row_h * (double)nrows};
    obs_plot_text(p, 8, top - 8, "Subgroup", 10, OBS_ANCHOR_START, 0, 1, 0x000000);
    obs_plot_text(p, 200, top - 8, "n", 10, OBS_ANCHOR_END, 0, 1, 0x000000);
    obs_plot_text(p, 480, top - 8, "HR (95% CI)", 10, OBS_ANCHOR_START, 0, 1, 0x000000);
    obs_plot_text(p, 612, top - 8, "P", 10, OBS_ANCHOR_END, 0, 1, 0x000000);
    obs_plot_style ref = {0x777777, OBS_PLOT_NONE, 0.8, 1, 1};
    obs_plot_line(p, obs_plot_px(&a, 0), a.top, obs_plot_px(&a, 0), a.top + a.height, ref);
    obs_plot_style ci = {0x000000, OBS_PLOT_NONE, 1.2, 1, 0};
    obs_plot_style box = {OBS_PLOT_NONE, obs_palette[5], 0, 1, 0};
    for (size_t i = 0; i < nrows; i++) {
        const obs_forest_row *r = &rows[i];
        double y = a.top + row_h * ((double)i + 0.5);
        obs_plot_text(p, r->header ? 8 : 16, y + 3.5, r->label, 10, OBS_ANCHOR_START, 0, r->header, 0x000000);
        char buf[64];
        if (n_text && n_text[i]) {
            obs_plot_text(p, 200, y + 3.5, n_text[i], 10, OBS_ANCHOR_END, 0, 0, 0x000000);
        } else if (r->n >= 0) {
            snprintf(buf, sizeof buf, "%ld", r->n);
            obs_plot_text(p, 200, y + 3.5, buf, 10, OBS_ANCHOR_END, 0, 0, 0x000000);
        }
        if (r->header || !isfinite(r->hr) || r->hr <= 0) continue;
        double xl = obs_plot_px(&a, fmax(log2(r->lower), llo)), xu = obs_plot_px(&a, fmin(log2(r->upper), lhi));
        if (isfinite(r->lower) && isfinite(r->upper)) obs_plot_line(p, xl, y, xu, y, ci);
        double xh = obs_plot_px(&a, log2(r->hr));
        obs_plot_rect(p, xh - 4, y - 4, 8, 8, box);
        snprintf(buf, sizeof buf, "%.2f (%.2f-%.2f)", r->hr, r->lower, r->upper);
        obs_plot_text(p, 480, y + 3.5, buf, 10, OBS_ANCHOR_START, 0, 0, 0x000000);
        if (isfinite(r->p)) {
            if (r->p < 0.001) snprintf(buf, sizeof buf, "<0.001");
            else snprintf(buf, sizeof buf, "%.3f", r->p);
            obs_plot_text(p, 612, y + 3.5, buf, 10, OBS_ANCHOR_END, 0, 0, 0x000000);
        }
    }
    /* log axis with ticks at powers of two */
    double yb = a.top + a.height;
    obs_plot_style ax = {0x000000, OBS_PLOT_NONE, 0.8, 1, 0};
    obs_plot_line(p, a.left, yb, a.left + a.width, yb, ax);
    for (double e = llo; e <= lhi + 1e-9; e += 1) {
        double x = obs_plot_px(&a, e);
        char buf[32];
        snprintf(buf, sizeof buf, "%g", pow(2, e));
        obs_plot_line(p, x, yb, x, yb + 4, ax);
        obs_plot_text(p, x, yb + 15, buf, 10, OBS_ANCHOR_MIDDLE, 0, 0, 0x000000);
    }
    obs_plot_text(p, a.left + a.width / 2, yb + 32, xlabel ? xlabel : "Hazard ratio (log scale)", 11,
                  OBS_ANCHOR_MIDDLE, 0, 0, 0x000000);
    return p;
}

obs_plot *obs_figure_ps_overlap(const double *ps, const int *treat, size_t n,
                                const char *const names[2], const char *title)
{
    enum { BINS = 20 };
    double count[2][BINS] = {{0}};
    double maxc = 1;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(ps[i])) continue;
        int b = (int)floor(ps[i] * BINS);
        if (b < 0) b = 0;
        if (b >= BINS) b = BINS - 1;
        int g = treat[i] ? 1 : 0;
        count[g][b] += 1;
        maxc = fmax(maxc, count[g][b]);
    }
    double width = 480, top = (title ? 34 : 14) + 24, ph = 260;   /* legend above the panel */
    obs_plot *p = obs_plot_new(width, top + ph + 50);
    if (!p) return NULL;
    title_text(p, width, title);
    double yt[16];
    size_t ny = obs_plot_pretty(0, maxc, 3, yt, 16);
    double ymax = ny ? fmax(yt[ny - 1], maxc) : maxc;
    obs_plot_area a = {0, 1, -ymax, ymax, 70, top, width - 90, ph};
    double xt[] = {0, 0.2, 0.4, 0.6, 0.8, 1};
    obs_plot_axis_bottom(p, &a, xt, 6, "%.1f", "Propensity score");
    /* y axis: counts up (treated) and down (control) */
    double lt[33];
    size_t nl = 0;
    for (size_t i = 0; i < ny && nl < 32; i++) {
        lt[nl++] = yt[i];
        if (yt[i] > 0 && nl < 32) lt[nl++] = -yt[i];
    }
    obs_plot_style ax = {0x000000, OBS_PLOT_NONE, 0.8, 1, 0};
    obs_plot_line(p, a.left, a.top, a.left, a.top + a.height, ax);
    for (size_t i = 0; i < nl; i++) {
        double y = obs_plot_py(&a, lt[i]);
        char buf[32];
        snprintf(buf, sizeof buf, "%g", fabs(lt[i]));
        obs_plot_line(p, a.left - 4, y, a.left, y, ax);
        obs_plot_text(p, a.left - 7, y + 3.5, buf, 10, OBS_ANCHOR_END, 0, 0, 0x000000);
    }
    obs_plot_text(p, 22, a.top + a.height / 2, "Patients", 11, OBS_ANCHOR_MIDDLE, -90, 0, 0x000000);
    obs_plot_line(p, a.left, obs_plot_py(&a, 0), a.left + a.width, obs_plot_py(&a, 0), ax);
    for (int g = 0; g < 2; g++) {
        obs_plot_style bar = {0xFFFFFF, arm_colour((size_t)(1 - g)), 0.5, 0.85, 0};
        for (int b = 0; b < BINS; b++) {
            if (count[g][b] == 0) continue;
            double x0 = obs_plot_px(&a, (double)b / BINS), x1 = obs_plot_px(&a, (double)(b + 1) / BINS);
            double y0 = obs_plot_py(&a, 0), y1 = obs_plot_py(&a, g ? count[g][b] : -count[g][b]);
            obs_plot_rect(p, x0, fmin(y0, y1), x1 - x0, fabs(y1 - y0), bar);
        }
        char buf[128];
        snprintf(buf, sizeof buf, "%s (%s)", names ? names[g] : (g ? "treated" : "control"),
                 g ? "above" : "below");
        double lx = a.left + 10 + 200.0 * (1 - g), ly = a.top - 22;
        obs_plot_rect(p, lx, ly, 10, 10, bar);
        obs_plot_text(p, lx + 15, ly + 9, buf, 10, OBS_ANCHOR_START, 0, 0, 0x000000);
    }
    return p;
}

obs_plot *obs_figure_love(const char *const *terms, const double *before, const double *after,
                          size_t k, const char *after_label, const char *title)
{
    double maxs = 0.25;
    for (size_t i = 0; i < k; i++) {
        if (isfinite(before[i])) maxs = fmax(maxs, fabs(before[i]));
        if (after && isfinite(after[i])) maxs = fmax(maxs, fabs(after[i]));
    }
    double xt[16];
    size_t nx = obs_plot_pretty(0, maxs, 4, xt, 16);
    double xmax = nx ? fmax(xt[nx - 1], maxs) : maxs;
    double top = title ? 34 : 14, row_h = 18;
    double width = 480, ph = row_h * (double)(k ? k : 1);
    obs_plot *p = obs_plot_new(width, top + ph + 70);
    if (!p) return NULL;
    title_text(p, width, title);
    obs_plot_area a = {0, xmax, 0, (double)k, 180, top, width - 200, ph};
    obs_plot_style grid = {0xDDDDDD, OBS_PLOT_NONE, 0.5, 1, 0};
    obs_plot_style thr = {0x777777, OBS_PLOT_NONE, 0.8, 1, 1};
    obs_plot_line(p, obs_plot_px(&a, 0.1), a.top, obs_plot_px(&a, 0.1), a.top + a.height, thr);
    obs_plot_style pre = {obs_palette[6], OBS_PLOT_NONE, 1.2, 1, 0};
    obs_plot_style post = {OBS_PLOT_NONE, obs_palette[5], 0, 1, 0};
    for (size_t i = 0; i < k; i++) {
        double y = a.top + row_h * ((double)i + 0.5);
        obs_plot_line(p, a.left, y, a.left + a.width, y, grid);
        obs_plot_text(p, a.left - 8, y + 3.5, terms[i], 10, OBS_ANCHOR_END, 0, 0, 0x000000);
        if (isfinite(before[i])) obs_plot_circle(p, obs_plot_px(&a, fabs(before[i])), y, 3.5, pre);
        if (after && isfinite(after[i])) obs_plot_circle(p, obs_plot_px(&a, fabs(after[i])), y, 3.5, post);
    }
    obs_plot_axis_bottom(p, &a, xt, nx, "%g", "Absolute standardized mean difference");
    double ly = top + ph + 58;
    obs_plot_circle(p, a.left, ly - 4, 3.5, pre);
    obs_plot_text(p, a.left + 8, ly, "before", 10, OBS_ANCHOR_START, 0, 0, 0x000000);
    if (after) {
        obs_plot_circle(p, a.left + 80, ly - 4, 3.5, post);
        obs_plot_text(p, a.left + 88, ly, after_label ? after_label : "after", 10, OBS_ANCHOR_START, 0, 0,
                      0x000000);
    }
    return p;
}
