/*
 * study_report_html.c — the study report: one self-contained HTML page
 * (inline CSS, figures as inline SVG, no script, no network), the figures
 * as SVG, PNG and PDF files, and the CSV tables, written into a directory.
 *
 * The page follows the order of a paper: patient flow, the published
 * figures beside obsurv's estimates, Table 1 before and after matching, the
 * propensity score (overlap, balance), survival by arm (Kaplan-Meier with
 * numbers at risk, medians, survival at the spec's times, log-rank), the
 * univariable screen, the Cox models, the subgroups (forest plot,
 * interaction tests), a methods paragraph generated from the spec, warnings
 * and provenance.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "obsurv/figures.h"
#include "obsurv/render_table1.h"
#include "study_internal.h"

enum { FIG_FLOW, FIG_KM, FIG_PS, FIG_LOVE, FIG_FOREST, NFIG };
static const char *const fig_file[NFIG] = {"flow", "km", "ps_overlap", "love", "forest"};

static const char *unit_of(const obs_study_spec *s) { return s->time_unit ? s->time_unit : "months"; }

static void esc(FILE *fp, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '&': fputs("&amp;", fp); break;
        case '"': fputs("&quot;", fp); break;
        default: fputc(*s, fp);
        }
    }
}

/* A count as the report shows it ("<N", "*" or the number; study_fmt_count).
 * Returns buf. */
static const char *cnt(const obs_study_result *r, double v, unsigned char hidden, char *buf, size_t size)
{
    study_fmt_count(r, v, hidden, buf, size);
    return buf;
}

/* ---- figures ----------------------------------------------------------- */

/* Patient flow: boxes joined by arrows, exclusions to the side. */
static obs_plot *figure_flow(const obs_study_result *r)
{
    double width = 620, bw = 250, bh = 44, x = 40, gap = 34;
    size_t nex = r->nexclusions;
    int stages = 2 + (r->ps_fit != NULL) + (r->match != NULL);
    double height = 20 + stages * (bh + gap);
    obs_plot *p = obs_plot_new(width, height);
    if (!p) return NULL;
    obs_plot_style box = {0x333333, 0xF2F6FA, 1, 1, 0};
    obs_plot_style side = {0x333333, 0xFBF3EA, 1, 1, 0};
    obs_plot_style arrow = {0x333333, OBS_PLOT_NONE, 1.2, 1, 0};
    char l1[256], l2[256], a[48], b[48], c[48];
    const obs_study_hidden *h = &r->hidden;
    double y = 10;
    for (int st = 0; st < stages; st++) {
        if (st == 0) {
            snprintf(l1, sizeof l1, "Patients in the registry");
            snprintf(l2, sizeof l2, "n = %s", cnt(r, (double)r->n_read, h->n_read, a, sizeof a));
        } else if (st == 1) {
            snprintf(l1, sizeof l1, "Analysed");
            snprintf(l2, sizeof l2, "n = %s (%s %s, %s %s)", cnt(r, (double)r->n, h->n, a, sizeof a),
                     r->arm_names[0], cnt(r, (double)r->n_arm[0], h->n_arm[0], b, sizeof b), r->arm_names[1],
                     cnt(r, (double)r->n_arm[1], h->n_arm[1], c, sizeof c));
        } else if (st == 2) {
            snprintf(l1, sizeof l1, "With a propensity score");
            snprintf(l2, sizeof l2, "n = %s (%s without: missing covariate)",
                     cnt(r, (double)r->ps_frame->n, h->ps_n, a, sizeof a),
                     cnt(r, (double)r->n_ps_missing, h->ps_missing, b, sizeof b));
        } else {
            snprintf(l1, sizeof l1, "Matched cohort");
            snprintf(l2, sizeof l2, "n = %s (%s %s, %s %s)", cnt(r, (double)r->n_matched, h->matched, a, sizeof a),
                     r->arm_names[0], cnt(r, (double)r->n_matched_arm[0], h->matched_arm[0], b, sizeof b),
                     r->arm_names[1], cnt(r, (double)r->n_matched_arm[1], h->matched_arm[1], c, sizeof c));
        }
        obs_plot_rect(p, x, y, bw, bh, box);
        obs_plot_text(p, x + bw / 2, y + 18, l1, 11, OBS_ANCHOR_MIDDLE, 0, 1, 0x000000);
        obs_plot_text(p, x + bw / 2, y + 34, l2, 10, OBS_ANCHOR_MIDDLE, 0, 0, 0x000000);
        if (st + 1 < stages) {
            double ax = x + bw / 2, y0 = y + bh, y1 = y + bh + gap;
            obs_plot_line(p, ax, y0, ax, y1 - 1, arrow);
            double hx[] = {ax - 4, ax, ax + 4}, hy[] = {y1 - 7, y1 - 1, y1 - 7};
            obs_plot_polyline(p, hx, hy, 3, arrow);
            if (st == 0 || (st == 2 && r->match)) {   /* side box: exclusions, or not matched */
                double sx = x + bw + 40, sy = y + bh + 2, sh;
                size_t lines = st == 0 ? (nex ? nex : 1) : 2;
                sh = 20 + 14.0 * (double)lines;
                sy = y + bh + gap / 2 - sh / 2;
                obs_plot_line(p, ax, y + bh + gap / 2, sx, y + bh + gap / 2, arrow);
                obs_plot_rect(p, sx, sy, width - sx - 10, sh, side);
                if (st == 0) {
                    snprintf(l1, sizeof l1, "Excluded: n = %s",
                             cnt(r, (double)(r->n_read - r->n), h->n_dropped, a, sizeof a));
                    obs_plot_text(p, sx + 8, sy + 15, l1, 10, OBS_ANCHOR_START, 0, 1, 0x000000);
                    for (size_t k = 0; k < nex; k++) {
                        snprintf(l1, sizeof l1, "%s: %s", r->exclusions[k].reason,
                                 cnt(r, (double)r->exclusions[k].count, r->exclusions[k].hidden, a, sizeof a));
                        obs_plot_text(p, sx + 8, sy + 29 + 14.0 * (double)k, l1, 10, OBS_ANCHOR_START, 0, 0,
                                      0x000000);
                    }
                    if (!nex) obs_plot_text(p, sx + 8, sy + 29, "none", 10, OBS_ANCHOR_START, 0, 0, 0x000000);
                } else {
                    obs_plot_text(p, sx + 8, sy + 15, "Not matched", 10, OBS_ANCHOR_START, 0, 1, 0x000000);
                    for (int k = 0; k < 2; k++) {
                        size_t have = 0;
                        for (size_t i = 0; i < r->ps_frame->n; i++) have += (r->ps_frame->y[i] > 0.5) == k;
                        snprintf(l1, sizeof l1, "%s: %s", r->arm_names[k],
                                 cnt(r, (double)(have - r->n_matched_arm[k]), h->unmatched_arm[k], a, sizeof a));
                        obs_plot_text(p, sx + 8, sy + 29 + 14.0 * k, l1, 10, OBS_ANCHOR_START, 0, 0, 0x000000);
                    }
                }
            }
        }
        y += bh + gap;
    }
    return p;
}

static obs_plot *figure_km(const obs_study_result *r)
{
    char names[2][300];
    const char *nm[2];
    for (int k = 0; k < 2; k++) {
        snprintf(names[k], sizeof names[k], "%s", r->arm_names[k]);
        nm[k] = names[k];
    }
    return obs_figure_km(r->km, nm, unit_of(r->spec), r->spec->km_xmax, NULL, r->spec->min_cell);
}

static obs_plot *figure_forest(const obs_study_result *r)
{
    size_t n = r->nsubgroups + 1;
    obs_forest_row *rows = calloc(n, sizeof *rows);
    char (*ntext)[48] = calloc(n, sizeof *ntext);
    const char **shown = calloc(n, sizeof *shown);
    if (!rows || !ntext || !shown) {
        free(rows);
        free(ntext);
        free(shown);
        return NULL;
    }
    for (size_t g = 0; g < n; g++) {
        const obs_study_subgroup_result *q = g == 0 ? &r->overall : &r->subgroups[g - 1];
        rows[g] = (obs_forest_row){q->name, q->hr, q->lower, q->upper, q->p, (long)q->n, 0};
        if (q->n_hidden) shown[g] = cnt(r, (double)q->n, q->n_hidden, ntext[g], sizeof ntext[g]);
    }
    char xl[300];
    snprintf(xl, sizeof xl, "Hazard ratio, %s vs %s (log scale)", r->arm_names[1], r->arm_names[0]);
    obs_plot *p = obs_figure_forest_text(rows, shown, n, xl, NULL);
    free(rows);
    free(ntext);
    free(shown);
    return p;
}

static obs_plot *figure_ps(const obs_study_result *r)
{
    const obs_frame *fr = r->ps_frame;
    int *treat = malloc((fr->n ? fr->n : 1) * sizeof *treat);
    if (!treat) return NULL;
    for (size_t i = 0; i < fr->n; i++) treat[i] = fr->y[i] > 0.5;
    const char *names[2] = {r->arm_names[0], r->arm_names[1]};
    obs_plot *p = obs_figure_ps_overlap(r->ps_fit->fitted, treat, fr->n, names, NULL);
    free(treat);
    return p;
}

static obs_plot *figure_love(const obs_study_result *r)
{
    double *before = malloc((r->nbalance ? r->nbalance : 1) * sizeof *before);
    double *after = malloc((r->nbalance ? r->nbalance : 1) * sizeof *after);
    obs_plot *p = NULL;
    if (before && after) {
        for (size_t k = 0; k < r->nbalance; k++) {
            before[k] = r->balance[k].smd_before;
            after[k] = r->balance[k].smd_after;
        }
        p = obs_figure_love((const char *const *)r->balance_terms, before, r->n_matched ? after : NULL, r->nbalance,
                            "after matching", NULL);
    }
    free(before);
    free(after);
    return p;
}

/* Build the figures the result supports (NULL for the others). */
static void build_figures(const obs_study_result *r, obs_plot *fig[NFIG])
{
    fig[FIG_FLOW] = figure_flow(r);
    fig[FIG_KM] = figure_km(r);
    fig[FIG_PS] = r->ps_fit ? figure_ps(r) : NULL;
    fig[FIG_LOVE] = r->ps_fit && r->nbalance ? figure_love(r) : NULL;
    fig[FIG_FOREST] = figure_forest(r);
}

static void free_figures(obs_plot *fig[NFIG])
{
    for (int k = 0; k < NFIG; k++) obs_plot_free(&fig[k]);
}

/* ---- HTML pieces -------------------------------------------------------- */

static const char *CSS =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;color:#111;max-width:1060px;margin:24px auto;"
    "padding:0 20px;line-height:1.45;font-size:15px}"
    "h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;border-bottom:2px solid #0072B2;padding-bottom:3px;"
    "margin-top:36px}h3{font-size:16px;margin-bottom:6px}"
    ".sub{color:#555;margin-top:0}"
    "table{border-collapse:collapse;margin:8px 0 16px;font-size:13.5px}"
    "th,td{padding:3px 9px;text-align:left;vertical-align:top}"
    "thead th,tr.head th{border-bottom:1.5px solid #333;background:#f4f6f8}"
    "tbody tr:nth-child(even){background:#fafafa}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
    "table{border-top:1.5px solid #333;border-bottom:1.5px solid #333}"
    "figure{margin:12px 0 20px}figure svg{width:100%;max-width:780px;height:auto;display:block}"
    "figcaption{font-size:13px;color:#333;max-width:760px}"
    ".yes{color:#009E73;font-weight:bold}.no{color:#D55E00;font-weight:bold}"
    ".warn{background:#fff6e5;border-left:4px solid #E69F00;padding:6px 12px}"
    ".prov td:first-child{color:#555}code{font-size:13px}"
    ".grid{display:flex;flex-wrap:wrap;gap:24px}.grid figure{flex:1 1 460px;min-width:0}";

static int inline_figure(FILE *fp, const obs_plot *p, const char *id, const char *caption, obs_error *err)
{
    if (!p) return 0;
    fprintf(fp, "<figure id=\"fig-%s\">\n", id);
    if (obs_plot_write_svg(p, fp, err)) return -1;
    fputs("<figcaption>", fp);
    fputs(caption, fp);   /* captions are built here, already HTML */
    fputs("</figcaption></figure>\n", fp);
    return 0;
}

static void td_num(FILE *fp, double v, int digits)
{
    char b[48];
    study_fmt_num(v, digits, b, sizeof b);
    fprintf(fp, "<td class=\"num\">%s</td>", b);
}

/* <td class="num">count</td>, "<N" or "*" when hidden (disclosure control). */
static void td_count(FILE *fp, const obs_study_result *r, double v, unsigned char hidden)
{
    char b[48];
    fputs("<td class=\"num\">", fp);
    esc(fp, cnt(r, v, hidden, b, sizeof b));
    fputs("</td>", fp);
}

static void td_p(FILE *fp, double p)
{
    char b[32];
    study_fmt_p(p, b, sizeof b);
    fprintf(fp, "<td class=\"num\">%s</td>", isfinite(p) ? b : "");
}

static void td_hr(FILE *fp, double hr, double lo, double hi)
{
    char a[32], b[32], c[32];
    study_fmt_num(hr, 2, a, sizeof a);
    study_fmt_num(lo, 2, b, sizeof b);
    study_fmt_num(hi, 2, c, sizeof c);
    if (isfinite(hr)) fprintf(fp, "<td class=\"num\">%s</td><td class=\"num\">%s&ndash;%s</td>", a, b, c);
    else fputs("<td class=\"num\">NE</td><td></td>", fp);
}

static void section_published(FILE *fp, const obs_study_result *r)
{
    if (!r->ncomparisons) return;
    fputs("<h2 id=\"published\">Published figures and obsurv's estimates</h2>\n"
          "<p>Each figure of the publication beside the estimate from these data, with its 95% confidence "
          "interval. <em>Agrees</em>: the published value lies inside the interval; for a percentage without an "
          "interval, within 10% of it (relative); for a P value, on the same side of 0.05; for a bound such as "
          "&lt; 1, the upper confidence limit (or the P value) lies below it.</p>\n"
          "<table><thead><tr><th>Quantity</th><th class=\"num\">Published</th><th class=\"num\">obsurv (95% CI)</th>"
          "<th>Agrees</th></tr></thead><tbody>\n", fp);
    for (size_t k = 0; k < r->ncomparisons; k++) {
        const obs_study_comparison *c = &r->comparisons[k];
        char est[96];
        study_fmt_comparison(c, est, sizeof est);
        int a = study_published_agrees(c);
        fputs("<tr><td>", fp);
        esc(fp, c->spec->label);
        fputs("</td><td class=\"num\">", fp);
        esc(fp, c->spec->value);
        fputs("</td><td class=\"num\">", fp);
        esc(fp, est);
        fprintf(fp, "</td><td class=\"%s\">%s</td></tr>\n", a < 0 ? "" : a ? "yes" : "no",
                a < 0 ? "&ndash;" : a ? "yes" : "no");
    }
    fputs("</tbody></table>\n", fp);
}

static void section_survival(FILE *fp, const obs_study_result *r, obs_plot *const fig[NFIG], obs_error *err)
{
    const obs_study_spec *s = r->spec;
    char cap[1024], pb[32];
    study_fmt_p(r->logrank->p, pb, sizeof pb);
    fputs("<h2 id=\"survival\">Overall survival by treatment</h2>\n", fp);
    snprintf(cap, sizeof cap,
             "<b>Figure 2.</b> Kaplan-Meier estimates of overall survival by treatment arm (tick marks: censored "
             "patients); the number of patients at risk is given under the time axis. Log-rank test: "
             "&chi;&sup2; = %.2f on %d df, P %s%s.",
             r->logrank->chisq, r->logrank->df, pb[0] == '<' ? "" : "= ", pb[0] == '<' ? "&lt; 0.001" : pb);
    inline_figure(fp, fig[FIG_KM], "km", cap, err);
    fprintf(fp, "<table><thead><tr><th>Arm</th><th class=\"num\">Patients</th><th class=\"num\">Deaths</th>"
                "<th class=\"num\">Median (%s)</th><th class=\"num\">95%% CI</th>", unit_of(s));
    fprintf(fp, "<th class=\"num\">Survival at %g %s (95%% CI)</th></tr></thead><tbody>\n", s->surv_at, unit_of(s));
    for (int k = 0; k < 2; k++) {
        const obs_km_curve *c = &r->km->curves[k];
        char m[32], lo[32], hi[32];
        study_fmt_num(c->median, 1, m, sizeof m);
        study_fmt_num(c->median_lower, 1, lo, sizeof lo);
        study_fmt_num(c->median_upper, 1, hi, sizeof hi);
        fputs("<tr><td>", fp);
        esc(fp, r->arm_names[k]);
        char na[48], ev[48];
        fputs("</td><td class=\"num\">", fp);
        esc(fp, cnt(r, (double)c->n, r->hidden.n_arm[k], na, sizeof na));
        fputs("</td><td class=\"num\">", fp);
        esc(fp, cnt(r, c->events, r->hidden.events[k], ev, sizeof ev));
        fprintf(fp, "</td><td class=\"num\">%s</td>"
                    "<td class=\"num\">%s&ndash;%s</td><td class=\"num\">%.1f%% (%.1f&ndash;%.1f)</td></tr>\n",
                m, lo, hi, 100 * r->at_surv[k].surv, 100 * r->at_surv[k].lower, 100 * r->at_surv[k].upper);
    }
    fputs("</tbody></table>\n<p>NR: not reached.</p>\n", fp);
    if (s->ntimes) {
        fputs("<h3>Survival at fixed times</h3>\n<table><thead><tr><th>Time</th>", fp);
        for (int k = 0; k < 2; k++) {
            fputs("<th class=\"num\">", fp);
            esc(fp, r->arm_names[k]);
            fputs(": at risk</th><th class=\"num\">", fp);
            esc(fp, r->arm_names[k]);
            fputs(": survival (95% CI)</th>", fp);
        }
        fputs("</tr></thead><tbody>\n", fp);
        for (size_t i = 0; i < s->ntimes; i++) {
            fprintf(fp, "<tr><td>%g %s</td>", r->at[0][i].time, unit_of(s));
            for (int k = 0; k < 2; k++) {
                const obs_km_point *pt = &r->at[k][i];
                char nr[48];
                fputs("<td class=\"num\">", fp);
                esc(fp, cnt(r, pt->n_risk, r->hidden.at_n_risk[k] ? r->hidden.at_n_risk[k][i] : 0, nr, sizeof nr));
                fprintf(fp, "</td><td class=\"num\">%.1f%% (%.1f&ndash;%.1f)</td>", 100 * pt->surv, 100 * pt->lower,
                        100 * pt->upper);
            }
            fputs("</tr>\n", fp);
        }
        fputs("</tbody></table>\n", fp);
    }
}

static void cox_table(FILE *fp, const obs_study_cox_fit *c)
{
    fputs("<table><thead><tr><th>Term</th><th class=\"num\">HR</th><th class=\"num\">95% CI</th>"
          "<th class=\"num\">P</th><th class=\"num\">coef</th><th class=\"num\">SE</th>", fp);
    if (c->robust) fputs("<th class=\"num\">robust SE</th>", fp);
    fputs("</tr></thead><tbody>\n", fp);
    const obs_cox_model *m = c->model;
    for (size_t k = 0; k < m->p; k++) {
        fputs("<tr><td>", fp);
        esc(fp, c->frame->colnames[k]);
        fputs("</td>", fp);
        if (m->aliased[k]) {
            fputs("<td class=\"num\">NA</td><td></td><td></td><td></td><td></td>", fp);
            if (c->robust) fputs("<td></td>", fp);
        } else {
            td_hr(fp, m->hr[k], m->hr_lower[k], m->hr_upper[k]);
            td_p(fp, m->p_value[k]);
            td_num(fp, m->coef[k], 4);
            td_num(fp, m->se[k], 4);
            if (c->robust) td_num(fp, m->robust_se[k], 4);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody></table>\n", fp);
}

static void section_screen(FILE *fp, const obs_study_result *r)
{
    if (r->nscreen) {
        fputs("<h2 id=\"screen\">Factors associated with survival: univariable Cox models</h2>\n"
              "<p>One Cox model per baseline variable in the analysed cohort (patients with the variable "
              "recorded).</p>\n<table><thead><tr><th>Variable</th><th>Term</th><th class=\"num\">n</th>"
              "<th class=\"num\">Deaths</th><th class=\"num\">HR</th><th class=\"num\">95% CI</th>"
              "<th class=\"num\">P</th><th class=\"num\">P (variable, LR)</th></tr></thead><tbody>\n", fp);
        for (size_t k = 0; k < r->nscreen; k++) {
            const obs_study_screen_row *q = &r->screen[k];
            int first = k == 0 || strcmp(r->screen[k - 1].variable, q->variable);
            fputs("<tr><td>", fp);
            if (first) esc(fp, q->variable);
            fputs("</td><td>", fp);
            esc(fp, q->term);
            fputs("</td>", fp);
            td_count(fp, r, (double)q->n, q->n_hidden);
            td_count(fp, r, (double)q->nevent, q->nevent_hidden);
            td_hr(fp, q->hr, q->lower, q->upper);
            td_p(fp, q->p);
            if (first) td_p(fp, q->p_variable);
            else fputs("<td></td>", fp);
            fputs("</tr>\n", fp);
        }
        fputs("</tbody></table>\n", fp);
    }
}

static void section_models(FILE *fp, const obs_study_result *r)
{
    const obs_study_spec *s = r->spec;
    if (r->ncox) {
        fputs("<h2 id=\"cox\">Multivariable Cox models</h2>\n", fp);
        for (size_t m = 0; m < r->ncox; m++) {
            const obs_study_cox_fit *c = &r->cox[m];
            const obs_study_cox *cs = &s->cox[m];
            fputs("<h3>", fp);
            esc(fp, c->name);
            fputs("</h3>\n<p><code>", fp);
            esc(fp, c->formula);
            fprintf(fp, "</code> &mdash; %s cohort", c->matched ? "matched" : "full");
            for (size_t k = 0; k < cs->nwhere; k++) {
                fputs(k ? ", " : ", restricted to ", fp);
                esc(fp, cs->where[k].column);
                fputs(" = ", fp);
                esc(fp, cs->where[k].value);
            }
            char pb[32];
            study_fmt_p(c->model->lr.p, pb, sizeof pb);
            char na[48], nd[48];
            fputs("; n = ", fp);
            esc(fp, cnt(r, (double)c->model->n, c->n_hidden, na, sizeof na));
            fputs(", deaths = ", fp);
            esc(fp, cnt(r, (double)c->model->nevent, c->nevent_hidden, nd, sizeof nd));
            fprintf(fp, "%s; likelihood-ratio test %.2f on %g df, P %s%s%s.</p>\n",
                    c->frame->n_dropped ? " (rows with missing values left out)" : "",
                    c->model->lr.stat, c->model->lr.df, pb[0] == '<' ? "" : "= ", pb[0] == '<' ? "&lt; 0.001" : pb,
                    c->robust ? "; robust (sandwich) standard errors" : "");
            cox_table(fp, c);
        }
    }
}

static void section_subgroups(FILE *fp, const obs_study_result *r, obs_plot *const fig[NFIG], obs_error *err)
{
    const obs_study_spec *s = r->spec;
    char cap[1600], model[600];
    if (s->subgroup_formula) snprintf(model, sizeof model, "%s", s->subgroup_formula);
    else snprintf(model, sizeof model, "Surv(%s, %s) ~ %s", s->time, s->event, s->treatment);
    fputs("<h2 id=\"subgroups\">Treatment effect in subgroups</h2>\n", fp);
    snprintf(cap, sizeof cap,
             "<b>Figure 5.</b> Hazard ratio of death, %s versus %s, with 95%% confidence intervals, in all "
             "patients and within each subgroup (model: <code>%s</code>). HR &lt; 1 favours %s.",
             r->arm_names[1], r->arm_names[0], model, r->arm_names[1]);
    inline_figure(fp, fig[FIG_FOREST], "forest", cap, err);
    fputs("<table><thead><tr><th>Subgroup</th><th class=\"num\">n</th><th class=\"num\">Deaths</th>"
          "<th class=\"num\">HR</th><th class=\"num\">95% CI</th><th class=\"num\">P</th>"
          "<th class=\"num\">P for interaction</th></tr></thead><tbody>\n", fp);
    for (size_t g = 0; g <= r->nsubgroups; g++) {
        const obs_study_subgroup_result *q = g == 0 ? &r->overall : &r->subgroups[g - 1];
        fputs("<tr><td>", fp);
        esc(fp, q->name);
        fputs("</td>", fp);
        td_count(fp, r, (double)q->n, q->n_hidden);
        td_count(fp, r, (double)q->nevent, q->nevent_hidden);
        td_hr(fp, q->hr, q->lower, q->upper);
        td_p(fp, q->p);
        td_p(fp, q->interaction_p);
        fputs("</tr>\n", fp);
    }
    fputs("</tbody></table>\n", fp);
    if (r->ninteractions) {
        fputs("<h3>Interaction tests</h3>\n<table><thead><tr><th>Treatment &times;</th><th class=\"num\">n</th>"
              "<th class=\"num\">LR &chi;&sup2;</th><th class=\"num\">df</th><th class=\"num\">P</th></tr></thead>"
              "<tbody>\n", fp);
        for (size_t k = 0; k < r->ninteractions; k++) {
            const obs_study_interaction *it = &r->interactions[k];
            fputs("<tr><td>", fp);
            esc(fp, it->variable);
            fputs("</td>", fp);
            td_count(fp, r, (double)it->n, it->n_hidden);
            td_num(fp, it->chisq, 2);
            fprintf(fp, "<td class=\"num\">%g</td>", it->df);
            td_p(fp, it->p);
            fputs("</tr>\n", fp);
        }
        fputs("</tbody></table>\n", fp);
    }
    fputs("<p>P for interaction: likelihood-ratio test, in the full cohort, of adding the product of treatment "
          "and the subgroup indicator (or variable) to the subgroup model with the indicator as a main effect.</p>\n",
          fp);
}

static void list_text(FILE *fp, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(i + 1 == n ? " and " : ", ", fp);
        esc(fp, v[i]);
    }
}

static void section_methods(FILE *fp, const obs_study_result *r, const obs_study_provenance *prov)
{
    const obs_study_spec *s = r->spec;
    fputs("<h2 id=\"methods\">Methods</h2>\n<p>", fp);
    fprintf(fp, "Patients treated with ");
    esc(fp, r->arm_names[1]);
    fputs(" were compared with patients treated with ", fp);
    esc(fp, r->arm_names[0]);
    char c1[48], c2[48];
    fprintf(fp, " (the reference arm). Of %s patients in the data, %s were analysed; patients with a missing "
                "treatment, another treatment, or no survival time or vital status were excluded. ",
            cnt(r, (double)r->n_read, r->hidden.n_read, c1, sizeof c1), cnt(r, (double)r->n, r->hidden.n, c2, sizeof c2));
    if (s->nbaseline) {
        fputs("Baseline characteristics (", fp);
        list_text(fp, s->baseline, s->nbaseline);
        fputs(") were compared between arms with the chi-square test", fp);
        if (s->nexact) {
            fputs(" (Fisher's exact test for ", fp);
            list_text(fp, s->exact, s->nexact);
            fputs(")", fp);
        }
        fputs(" and one-way analysis of variance", fp);
        if (s->nnonnormal) {
            fputs(", or the Kruskal-Wallis test for non-normally distributed variables (", fp);
            list_text(fp, s->nonnormal, s->nnonnormal);
            fputs(")", fp);
        }
        fputs(", and summarised by standardized mean differences (SMD). ", fp);
    }
    fprintf(fp, "Overall survival, in %s from treatment, was estimated by the Kaplan-Meier method with %g%% "
                "confidence intervals on the log scale (Greenwood variance) and compared with the log-rank test. ",
            unit_of(s), 100 * s->conf_level);
    if (r->nscreen)
        fputs("Factors associated with survival were screened with univariable Cox proportional-hazards models. ",
              fp);
    if (r->ps_fit) {
        fputs("The propensity score, the probability of receiving ", fp);
        esc(fp, r->arm_names[1]);
        fputs(", was estimated by logistic regression on <code>", fp);
        esc(fp, s->ps_formula);
        fprintf(fp, "</code> (patients with a missing covariate have no score: ");
        esc(fp, cnt(r, (double)r->n_ps_missing, r->hidden.ps_missing, c1, sizeof c1));
        fputs("). ", fp);
        if (r->match) {
            const char *method = s->match_method ? s->match_method : "nearest";
            fprintf(fp, "Patients were matched %d:%d by %s matching on the %s of the propensity score%s",
                    1, s->match_ratio, !strcmp(method, "optimal") ? "optimal" : "greedy nearest-neighbour",
                    s->match_distance && !strcmp(s->match_distance, "logit") ? "logit" : "value",
                    s->match_replace ? " with replacement" : " without replacement");
            if (!isnan(s->match_caliper) && strcmp(method, "optimal"))
                fprintf(fp, ", within a caliper of %g standard deviations%s", s->match_caliper,
                        s->match_rule && !strcmp(s->match_rule, "exact") ? ""
                                                                          : " (applied as MatchIt 4.5.1 applies it)");
            fputs(" (as R's MatchIt); ", fp);
            esc(fp, cnt(r, (double)r->n_matched, r->hidden.matched, c1, sizeof c1));
            fputs(" patients were matched. Balance was assessed by the SMD (threshold 0.1) before and after "
                  "matching. ", fp);
        }
    }
    if (r->ncox)
        fputs("Multivariable Cox models (Efron's method for ties) were fitted as listed; models on the matched "
              "cohort use the matching weights, and a cluster() term on the matched pair gives robust (sandwich) "
              "standard errors. ", fp);
    if (r->nsubgroups)
        fputs("The treatment effect was estimated within each subgroup, and effect modification was tested with a "
              "likelihood-ratio test of the treatment-by-subgroup interaction in the full cohort. ", fp);
    fprintf(fp, "P values are two-sided. All analyses used obsurv %s, whose estimators reproduce R "
                "(survival 3.5, MatchIt 4.5, stats) to stated tolerances.</p>\n",
            prov && prov->version ? prov->version : "");
}

int obs_study_write_html(const obs_study_result *r, const obs_study_provenance *prov, FILE *fp, obs_error *err)
{
    const obs_study_spec *s = r->spec;
    obs_plot *fig[NFIG];
    build_figures(r, fig);
    char cap[1024];
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", fp);
    esc(fp, s->title ? s->title : "Study report");
    fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", CSS);
    esc(fp, s->title ? s->title : "Study report");
    fputs("</h1>\n<p class=\"sub\">", fp);
    esc(fp, r->arm_names[1]);
    fputs(" versus ", fp);
    esc(fp, r->arm_names[0]);
    char nb[48];
    fputs(" &middot; ", fp);
    esc(fp, cnt(r, (double)r->n, r->hidden.n, nb, sizeof nb));
    fprintf(fp, " patients &middot; report by obsurv %s%s%s</p>\n",
            prov && prov->version ? prov->version : "", prov && prov->date ? ", " : "",
            prov && prov->date ? prov->date : "");

    fputs("<h2 id=\"flow\">Patient flow</h2>\n", fp);
    snprintf(cap, sizeof cap, "<b>Figure 1.</b> Patients read, excluded (with reasons), analysed%s.",
             r->match ? " and matched on the propensity score" : "");
    inline_figure(fp, fig[FIG_FLOW], "flow", cap, err);
    if (s->min_cell > 0)
        fprintf(fp, "<p class=\"warn\">Disclosure control (min_cell %ld): throughout this report, &lt;%ld marks a "
                    "count from 1 to %ld, hidden, with the percentages that would reveal it; * marks a count hidden "
                    "so that no such count can be recovered by subtraction. Hazard ratios, confidence intervals, "
                    "P values and survival estimates are shown.</p>\n",
                s->min_cell, s->min_cell, s->min_cell - 1);

    section_published(fp, r);

    if (r->table1) {
        fputs("<h2 id=\"table1\">Table 1. Baseline characteristics by treatment</h2>\n", fp);
        obs_table1_write_html(r->table1, fp, 0);
        fputs("<p>Continuous variables: mean (SD), or median [IQR] where marked; categorical: n (%). P: "
              "chi-square, Fisher, ANOVA or Kruskal-Wallis test; SMD: standardized mean difference.</p>\n", fp);
    }
    section_survival(fp, r, fig, err);
    section_screen(fp, r);
    if (r->ps_fit) {
        fputs("<h2 id=\"propensity\">Propensity score</h2>\n<div class=\"grid\">\n", fp);
        snprintf(cap, sizeof cap,
                 "<b>Figure 3.</b> Distribution of the propensity score (probability of %s) by arm, before "
                 "matching; c-statistic %.3f.", r->arm_names[1], r->ps_fit->auc);
        inline_figure(fp, fig[FIG_PS], "ps-overlap", cap, err);
        snprintf(cap, sizeof cap,
                 "<b>Figure 4.</b> Covariate balance: absolute standardized mean differences before and after "
                 "matching; dashed line at 0.1.");
        inline_figure(fp, fig[FIG_LOVE], "love", cap, err);
        fputs("</div>\n", fp);
    }
    if (r->table1_matched) {
        fputs("<h2 id=\"table1-matched\">Table 1b. Baseline characteristics after propensity-score matching</h2>\n",
              fp);
        obs_table1_write_html(r->table1_matched, fp, 0);
    }
    section_models(fp, r);
    section_subgroups(fp, r, fig, err);
    section_methods(fp, r, prov);

    if (r->warnings.n) {
        fputs("<h2 id=\"warnings\">Warnings</h2>\n<div class=\"warn\"><ul>\n", fp);
        for (size_t k = 0; k < r->warnings.n; k++) {
            fputs("<li>", fp);
            esc(fp, r->warnings.msg[k]);
            fputs("</li>\n", fp);
        }
        fputs("</ul></div>\n", fp);
    }
    fputs("<h2 id=\"provenance\">Provenance</h2>\n<table class=\"prov\"><tbody>\n<tr><td>Data</td><td><code>", fp);
    esc(fp, s->data);
    fputs("</code></td></tr>\n<tr><td>Data SHA-256</td><td><code>", fp);
    esc(fp, r->sha256[0] ? r->sha256 : "(standard input)");
    fputs("</code></td></tr>\n<tr><td>Study specification</td><td><code>", fp);
    esc(fp, s->path);
    fputs("</code></td></tr>\n<tr><td>obsurv version</td><td>", fp);
    esc(fp, prov && prov->version ? prov->version : "");
    fputs("</td></tr>\n<tr><td>Command</td><td><code>", fp);
    esc(fp, prov && prov->command_line ? prov->command_line : "");
    fprintf(fp, "</code></td></tr>\n<tr><td>Seed</td><td>%lu</td></tr>\n<tr><td>Date</td><td>", s->seed);
    esc(fp, prov && prov->date ? prov->date : "");
    fprintf(fp, "</td></tr>\n<tr><td>Run time</td><td>%.3f s (analysis)</td></tr>\n</tbody></table>\n", r->seconds);
    fputs("</body>\n</html>\n", fp);
    free_figures(fig);
    return ferror(fp) ? -1 : 0;
}

/* ---- the directory ----------------------------------------------------- */

static obs_status open_out(const char *dir, const char *name, FILE **fp, char *path, size_t size, obs_error *err)
{
    snprintf(path, size, "%s/%s", dir, name);
    *fp = fopen(path, "wb");
    if (!*fp) return obs_error_set(err, OBS_EIO, "%s: cannot write: %s", path, strerror(errno));
    return OBS_OK;
}

static obs_status close_out(FILE *fp, int rc, const char *path, obs_error *err)
{
    if (fclose(fp) != 0 || rc) return obs_error_set(err, OBS_EIO, "%s: write failed", path);
    return OBS_OK;
}

/* "propensity-adjusted" -> "propensity_adjusted" for file names. */
static void slug(const char *name, char *buf, size_t size)
{
    size_t k = 0;
    for (const char *p = name; *p && k + 1 < size; p++) {
        char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) buf[k++] = c;
        else if (c >= 'A' && c <= 'Z') buf[k++] = (char)(c - 'A' + 'a');
        else if (k && buf[k - 1] != '_') buf[k++] = '_';
    }
    while (k && buf[k - 1] == '_') k--;
    buf[k] = 0;
    if (!k) snprintf(buf, size, "model");
}

obs_status obs_study_report_write(const obs_study_result *r, const obs_study_provenance *prov, const char *dir,
                                  obs_error *err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return obs_error_set(err, OBS_EIO, "%s: cannot create the report folder: %s", dir, strerror(errno));
    char path[4096];
    FILE *fp;
    obs_status rc;
    if ((rc = open_out(dir, "results.json", &fp, path, sizeof path, err))) return rc;
    if ((rc = close_out(fp, obs_study_write_json(r, prov, fp), path, err))) return rc;
    if ((rc = open_out(dir, "index.html", &fp, path, sizeof path, err))) return rc;
    int w = obs_study_write_html(r, prov, fp, err);
    if ((rc = close_out(fp, w, path, err))) return rc;
    if (r->table1) {
        if ((rc = open_out(dir, "table1.csv", &fp, path, sizeof path, err))) return rc;
        if ((rc = close_out(fp, obs_table1_write_csv(r->table1, fp), path, err))) return rc;
    }
    if (r->table1_matched) {
        if ((rc = open_out(dir, "table1_matched.csv", &fp, path, sizeof path, err))) return rc;
        if ((rc = close_out(fp, obs_table1_write_csv(r->table1_matched, fp), path, err))) return rc;
    }
    for (size_t m = 0; m < r->ncox; m++) {
        char name[300], sl[256];
        slug(r->cox[m].name, sl, sizeof sl);
        snprintf(name, sizeof name, "cox_%s.csv", sl);
        if ((rc = open_out(dir, name, &fp, path, sizeof path, err))) return rc;
        if ((rc = close_out(fp, study_write_cox_csv(&r->cox[m], fp), path, err))) return rc;
    }
    if ((rc = open_out(dir, "screen.csv", &fp, path, sizeof path, err))) return rc;
    if ((rc = close_out(fp, study_write_screen_csv(r, fp), path, err))) return rc;
    if ((rc = open_out(dir, "subgroups.csv", &fp, path, sizeof path, err))) return rc;
    if ((rc = close_out(fp, study_write_subgroups_csv(r, fp), path, err))) return rc;
    if ((rc = open_out(dir, "survival.csv", &fp, path, sizeof path, err))) return rc;
    if ((rc = close_out(fp, study_write_survival_csv(r, fp), path, err))) return rc;
    if (r->nbalance) {
        if ((rc = open_out(dir, "balance.csv", &fp, path, sizeof path, err))) return rc;
        if ((rc = close_out(fp, study_write_balance_csv(r, fp), path, err))) return rc;
    }
    obs_plot *fig[NFIG];
    build_figures(r, fig);
    for (int k = 0; k < NFIG && !rc; k++) {
        if (!fig[k]) continue;
        char name[64];
        snprintf(name, sizeof name, "%s.svg", fig_file[k]);
        if ((rc = open_out(dir, name, &fp, path, sizeof path, err))) break;
        rc = obs_plot_write_svg(fig[k], fp, err);
        if (fclose(fp) != 0 && !rc) rc = obs_error_set(err, OBS_EIO, "%s: write failed", path);
        if (rc) break;
        snprintf(path, sizeof path, "%s/%s.png", dir, fig_file[k]);
        if ((rc = obs_plot_write_png(fig[k], path, 2.0, err))) break;
        snprintf(path, sizeof path, "%s/%s.pdf", dir, fig_file[k]);
        rc = obs_plot_write_pdf(fig[k], path, err);
    }
    free_figures(fig);
    return rc;
}
