/*
 * render_table1.c — JSON, text, CSV and HTML renderers for obs_table1.
 *
 * The text, CSV and HTML forms share one layout, as tableone prints it:
 *
 *                          Overall        1              2              p       test    SMD
 *   n                      228            138            90
 *   age (mean (SD))        62.45 (9.07)   63.34 (9.14)   61.08 (8.89)   0.064           0.251
 *   wt.loss (median [IQR]) 7.00 [0.00, 15.75] ...                        0.600   nonnorm 0.022
 *   ph.ecog (%)                                                          0.264   exact   0.233
 *      0                   63 (27.8)      36 (26.3)      27 (30.3)
 *
 * Digits as tableone's defaults: continuous 2, percentages 1, P values 3
 * ("<0.001" below), SMD 3.  A two-level categorical variable takes one line
 * for its second level ("sex = 2 (%)"), as tableone.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/json.h"
#include "obsurv/render_frame.h"
#include "obsurv/render_table1.h"

#define CELL 96

void obs_table1_format_p(double p, char *buf, size_t len)
{
    if (isnan(p))
        snprintf(buf, len, "%s", "");
    else if (p < 0.001)
        snprintf(buf, len, "%s", "<0.001");
    else
        snprintf(buf, len, "%.3f", p);
}

static void format_num(double v, int digits, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "NA");
    else
        snprintf(buf, len, "%.*f", digits, v);
}

void obs_table1_format_cell(const obs_table1 *t, const obs_table1_row *row, size_t level,
                            size_t column, char *buf, size_t len)
{
    char a[40], b[40], c[40];
    if (row->type == OBS_T1_CONTINUOUS) {
        const obs_t1_summary *s = &row->summary[column];
        if (t->min_cell > 0 && isnan(s->n)) {       /* hidden by obs_table1_suppress */
            snprintf(buf, len, "<%ld", t->min_cell);
            return;
        }
        if (row->nonnormal) {
            format_num(s->median, 2, a, sizeof a);
            format_num(s->q1, 2, b, sizeof b);
            format_num(s->q3, 2, c, sizeof c);
            snprintf(buf, len, "%s [%s, %s]", a, b, c);
        } else {
            format_num(s->mean, 2, a, sizeof a);
            format_num(s->sd, 2, b, sizeof b);
            snprintf(buf, len, "%s (%s)", a, b);
        }
        return;
    }
    size_t W = t->ngroups + 1;
    if (isnan(row->counts[level * W + column])) {       /* hidden by obs_table1_suppress */
        if (row->hidden && row->hidden[level * W + column] == 2) snprintf(buf, len, "*");
        else snprintf(buf, len, "<%ld", t->min_cell);
        return;
    }
    format_num(row->percent[level * W + column], 1, a, sizeof a);
    snprintf(buf, len, "%.0f (%s)", row->counts[level * W + column], a);
}

/* ---------- the shared grid ---------- */

typedef struct {
    size_t nlines, ncols;
    char *cells;      /* nlines * ncols * CELL */
    int *indent;      /* per line: 1 for a level line */
    size_t *var;      /* per line: row index + 1, 0 for the n line */
    long *level;      /* per line: level index or -1 */
} t1_grid;

static char *cell(t1_grid *g, size_t line, size_t col)
{
    return g->cells + (line * g->ncols + col) * CELL;
}

static int has_tests(const obs_table1 *t)
{
    return t->by != NULL;
}

/* Display column c (0 = overall, 1.. the groups) to a summary index. */
static size_t data_column(const obs_table1 *t, size_t c)
{
    return c == 0 ? t->ngroups : c - 1;
}

/* Group size g (ngroups = overall): "<N" or "*" when hidden by
 * obs_table1_suppress. */
static void format_n(const obs_table1 *t, size_t g, char *buf, size_t len)
{
    double n = t->group_n[g];
    if (isnan(n) && t->group_hidden && t->group_hidden[g] == 2) snprintf(buf, len, "*");
    else if (isnan(n)) snprintf(buf, len, "<%ld", t->min_cell);
    else snprintf(buf, len, "%.0f", n);
}

static int grid_build(const obs_table1 *t, t1_grid *g)
{
    size_t G = t->ngroups;
    size_t ndata = t->by ? G + 1 : 1;            /* Overall (+ groups) */
    g->ncols = 1 + ndata + (has_tests(t) ? 3 : 0);
    g->nlines = 2;                               /* header, n */
    for (size_t i = 0; i < t->nrows; i++) {
        const obs_table1_row *r = &t->rows[i];
        g->nlines += (r->type == OBS_T1_CATEGORICAL && r->nlevels != 2) ? 1 + r->nlevels : 1;
    }
    g->cells = calloc(g->nlines * g->ncols, CELL);
    g->indent = calloc(g->nlines, sizeof *g->indent);
    g->var = calloc(g->nlines, sizeof *g->var);
    g->level = calloc(g->nlines, sizeof *g->level);
    if (!g->cells || !g->indent || !g->var || !g->level)
        return -1;
    /* header */
    snprintf(cell(g, 0, 0), CELL, "%s", "");
    snprintf(cell(g, 0, 1), CELL, "%s", "Overall");
    if (t->by)
        for (size_t k = 0; k < G; k++)
            snprintf(cell(g, 0, 2 + k), CELL, "%s", t->groups[k]);
    if (has_tests(t)) {
        snprintf(cell(g, 0, g->ncols - 3), CELL, "p");
        snprintf(cell(g, 0, g->ncols - 2), CELL, "test");
        snprintf(cell(g, 0, g->ncols - 1), CELL, "SMD");
    }
    g->level[0] = -1;
    /* n */
    snprintf(cell(g, 1, 0), CELL, "n");
    format_n(t, G, cell(g, 1, 1), CELL);
    if (t->by)
        for (size_t k = 0; k < G; k++)
            format_n(t, k, cell(g, 1, 2 + k), CELL);
    g->level[1] = -1;
    size_t line = 2;
    for (size_t i = 0; i < t->nrows; i++) {
        const obs_table1_row *r = &t->rows[i];
        size_t head = line;
        g->var[line] = i + 1;
        g->level[line] = -1;
        if (r->type == OBS_T1_CONTINUOUS) {
            snprintf(cell(g, line, 0), CELL, "%s (%s)", r->variable,
                     r->nonnormal ? "median [IQR]" : "mean (SD)");
            for (size_t c = 0; c < ndata; c++) {
                size_t col = c == 0 ? G : c - 1;
                obs_table1_format_cell(t, r, 0, col, cell(g, line, 1 + c), CELL);
            }
            line++;
        } else if (r->nlevels == 2) {
            snprintf(cell(g, line, 0), CELL, "%s = %s (%%)", r->variable, r->levels[1]);
            g->level[line] = 1;
            for (size_t c = 0; c < ndata; c++)
                obs_table1_format_cell(t, r, 1, data_column(t, c), cell(g, line, 1 + c), CELL);
            line++;
        } else {
            snprintf(cell(g, line, 0), CELL, "%s (%%)", r->variable);
            line++;
            for (size_t l = 0; l < r->nlevels; l++, line++) {
                g->var[line] = i + 1;
                g->level[line] = (long)l;
                g->indent[line] = 1;
                snprintf(cell(g, line, 0), CELL, "%s", r->levels[l]);
                for (size_t c = 0; c < ndata; c++)
                    obs_table1_format_cell(t, r, l, data_column(t, c), cell(g, line, 1 + c),
                                           CELL);
            }
        }
        if (has_tests(t)) {
            obs_table1_format_p(r->result.p, cell(g, head, g->ncols - 3), CELL);
            const char *tn = r->test == OBS_T1_TEST_FISHER    ? "exact"
                             : r->test == OBS_T1_TEST_KRUSKAL ? "nonnorm"
                                                              : "";
            snprintf(cell(g, head, g->ncols - 2), CELL, "%s", tn);
            if (!isnan(r->smd))
                snprintf(cell(g, head, g->ncols - 1), CELL, "%.3f", r->smd);
        }
    }
    return 0;
}

static void grid_free(t1_grid *g)
{
    free(g->cells);
    free(g->indent);
    free(g->var);
    free(g->level);
}

/* ---------- text ---------- */

int obs_table1_write_text(const obs_table1 *t, FILE *fp)
{
    t1_grid g = {0};
    int rc = 0;
    size_t *w = NULL;
    if (grid_build(t, &g) || !(w = calloc(g.ncols, sizeof *w))) {
        rc = -1;
        goto done;
    }
    for (size_t l = 0; l < g.nlines; l++)
        for (size_t c = 0; c < g.ncols; c++) {
            size_t len = strlen(cell(&g, l, c)) + (c == 0 && g.indent[l] ? 3 : 0);
            if (len > w[c])
                w[c] = len;
        }
    if (t->by)
        fprintf(fp, "%*s  Stratified by %s\n", (int)w[0], "", t->by);
    for (size_t l = 0; l < g.nlines; l++) {
        /* pad each cell to its column, then drop the trailing blanks */
        char line[4096];
        size_t len = (size_t)snprintf(line, sizeof line, "  %s%-*s", g.indent[l] ? "   " : "",
                                      (int)(w[0] - (g.indent[l] ? 3 : 0)), cell(&g, l, 0));
        for (size_t c = 1; c < g.ncols && len < sizeof line; c++)
            len += (size_t)snprintf(line + len, sizeof line - len, " %-*s", (int)w[c],
                                    cell(&g, l, c));
        if (len >= sizeof line)
            len = sizeof line - 1;
        while (len > 0 && line[len - 1] == ' ')
            len--;
        fprintf(fp, "%.*s\n", (int)len, line);
    }
    if (t->by && t->ngroups > 2)
        fprintf(fp, "SMD: the mean of the pairwise standardised mean differences.\n");
    if (t->min_cell > 0)
        fprintf(fp, "<%ld: a count from 1 to %ld, hidden; *: hidden so that no such count can "
                    "be recovered by subtraction.\n", t->min_cell, t->min_cell - 1);
done:
    free(w);
    grid_free(&g);
    return rc || ferror(fp) ? -1 : 0;
}

/* ---------- CSV ---------- */

static void csv_field(FILE *fp, const char *s)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', fp);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', fp);
            fputc(*s, fp);
        }
        fputc('"', fp);
    } else {
        fputs(s, fp);
    }
}

static void csv_number(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, "%.17g", v);
    else
        fputs("NA", fp);
}

/* CSV: variable,level,type,Overall,<groups>,p,test,smd — one line for the
 * group sizes, one per continuous variable, one per level of a categorical
 * one (p, test and smd repeated on each).  Cells are formatted as the text
 * table; p and smd are full-precision numbers. */
int obs_table1_write_csv(const obs_table1 *t, FILE *fp)
{
    size_t G = t->ngroups, ndata = t->by ? G + 1 : 1;
    char buf[CELL];
    fputs("variable,level,type,Overall", fp);
    if (t->by)
        for (size_t k = 0; k < G; k++) {
            fputc(',', fp);
            csv_field(fp, t->groups[k]);
        }
    if (t->by)
        fputs(",p,test,smd", fp);
    fputs("\nn,,count", fp);
    for (size_t c = 0; c < ndata; c++) {
        format_n(t, c == 0 ? G : c - 1, buf, sizeof buf);
        fprintf(fp, ",%s", buf);
    }
    if (t->by)
        fputs(",,,", fp);
    fputc('\n', fp);
    for (size_t i = 0; i < t->nrows; i++) {
        const obs_table1_row *r = &t->rows[i];
        size_t nl = r->type == OBS_T1_CONTINUOUS ? 1 : r->nlevels;
        for (size_t l = 0; l < nl; l++) {
            csv_field(fp, r->variable);
            fputc(',', fp);
            if (r->type == OBS_T1_CATEGORICAL)
                csv_field(fp, r->levels[l]);
            fputs(r->type == OBS_T1_CATEGORICAL ? ",n (%)"
                  : r->nonnormal                ? ",median [IQR]"
                                                : ",mean (SD)", fp);
            for (size_t c = 0; c < ndata; c++) {
                obs_table1_format_cell(t, r, l, data_column(t, c), buf, sizeof buf);
                fputc(',', fp);
                csv_field(fp, buf);
            }
            if (t->by) {
                fputc(',', fp);
                csv_number(fp, r->result.p);
                fputc(',', fp);
                const char *tn = obs_t1_test_name(r->test);
                fputs(tn ? tn : "", fp);
                fputc(',', fp);
                csv_number(fp, r->smd);
            }
            fputc('\n', fp);
        }
    }
    return ferror(fp) ? -1 : 0;
}

/* ---------- HTML ---------- */

static void html_text(FILE *fp, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '&': fputs("&amp;", fp); break;
        case '"': fputs("&quot;", fp); break;
        default: fputc(*s, fp);
        }
    }
}

int obs_table1_write_html(const obs_table1 *t, FILE *fp, int standalone)
{
    t1_grid g = {0};
    if (grid_build(t, &g)) {
        grid_free(&g);
        return -1;
    }
    if (standalone)
        fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Table 1</title>\n"
              "<style>table.obsurv-table1{border-collapse:collapse;font-family:sans-serif}"
              "table.obsurv-table1 th,table.obsurv-table1 td{padding:2px 8px;text-align:left}"
              "table.obsurv-table1 thead th{border-bottom:1px solid #000}"
              "table.obsurv-table1 td.level{padding-left:24px}</style>\n</head><body>\n", fp);
    fputs("<table class=\"obsurv-table1\">\n", fp);
    if (t->by) {
        fprintf(fp, "<caption>Stratified by ");
        html_text(fp, t->by);
        fputs("</caption>\n", fp);
    }
    fputs("<thead><tr>", fp);
    for (size_t c = 0; c < g.ncols; c++) {
        fputs("<th>", fp);
        html_text(fp, cell(&g, 0, c));
        fputs("</th>", fp);
    }
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (size_t l = 1; l < g.nlines; l++) {
        fputs("<tr>", fp);
        for (size_t c = 0; c < g.ncols; c++) {
            fputs(c == 0 && g.indent[l] ? "<td class=\"level\">" : "<td>", fp);
            html_text(fp, cell(&g, l, c));
            fputs("</td>", fp);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody>\n</table>\n", fp);
    if (standalone)
        fputs("</body></html>\n", fp);
    grid_free(&g);
    return ferror(fp) ? -1 : 0;
}

/* ---------- JSON ---------- */

static void json_summary(obs_json *j, const obs_t1_summary *s, int nonnormal, long min_cell)
{
    obs_json_begin_object(j);
    if (min_cell > 0)
        obs_json_kv_bool(j, "suppressed", isnan(s->n));
    if (nonnormal) {
        obs_json_kv_number(j, "median", s->median);
        obs_json_kv_number(j, "q1", s->q1);
        obs_json_kv_number(j, "q3", s->q3);
        obs_json_kv_number(j, "mean", s->mean);
        obs_json_kv_number(j, "sd", s->sd);
    } else {
        obs_json_kv_number(j, "mean", s->mean);
        obs_json_kv_number(j, "sd", s->sd);
        obs_json_kv_number(j, "median", s->median);
        obs_json_kv_number(j, "q1", s->q1);
        obs_json_kv_number(j, "q3", s->q3);
    }
    obs_json_kv_number(j, "n", s->n);
    obs_json_kv_number(j, "missing", s->missing);
    obs_json_end_object(j);
}

int obs_table1_write_json(const obs_table1 *t, FILE *fp)
{
    obs_json j;
    size_t G = t->ngroups, W = G + 1;
    obs_json_init(&j, fp);
    obs_json_begin_object(&j);
    obs_json_kv_string(&j, "by", t->by);
    obs_json_kv_number(&j, "n", t->group_n[G]);
    obs_json_kv_number(&j, "n_dropped", t->n_dropped_hidden ? NAN : (double)t->n_dropped);
    if (t->min_cell > 0) {
        obs_json_kv_int(&j, "min_cell", t->min_cell);
        obs_json_key(&j, "suppressed");
        obs_json_begin_array(&j);
        if (isnan(t->group_n[G])) obs_json_string(&j, "n");
        if (t->n_dropped_hidden) obs_json_string(&j, "n_dropped");
        obs_json_end_array(&j);
    }
    obs_json_key(&j, "groups");
    obs_json_begin_array(&j);
    if (t->by)
        for (size_t g = 0; g < G; g++) {
            obs_json_begin_object(&j);
            obs_json_kv_string(&j, "level", t->groups[g]);
            obs_json_kv_number(&j, "n", t->group_n[g]);
            if (t->min_cell > 0) obs_json_kv_bool(&j, "suppressed", isnan(t->group_n[g]));
            obs_json_end_object(&j);
        }
    obs_json_end_array(&j);
    obs_json_key(&j, "rows");
    obs_json_begin_array(&j);
    for (size_t i = 0; i < t->nrows; i++) {
        const obs_table1_row *r = &t->rows[i];
        obs_json_begin_object(&j);
        obs_json_kv_string(&j, "variable", r->variable);
        obs_json_kv_string(&j, "type", r->type == OBS_T1_CONTINUOUS ? "continuous" : "categorical");
        if (r->type == OBS_T1_CONTINUOUS)
            obs_json_kv_bool(&j, "nonnormal", r->nonnormal);
        obs_json_kv_string(&j, "test", obs_t1_test_name(r->test));
        obs_json_kv_number(&j, "p", r->result.p);
        obs_json_kv_number(&j, "statistic", r->result.statistic);
        obs_json_key(&j, "df");
        obs_json_begin_array(&j);
        if (!isnan(r->result.df))
            obs_json_number(&j, r->result.df);
        if (!isnan(r->result.df2))
            obs_json_number(&j, r->result.df2);
        obs_json_end_array(&j);
        obs_json_kv_number(&j, "smd", r->smd);
        obs_json_kv_numbers(&j, "smd_pairs", r->smd_pairs, r->npairs);
        if (r->type == OBS_T1_CONTINUOUS) {
            obs_json_key(&j, "summary");
            obs_json_begin_object(&j);
            if (t->by)
                for (size_t g = 0; g < G; g++) {
                    obs_json_key(&j, t->groups[g]);
                    json_summary(&j, &r->summary[g], r->nonnormal, t->min_cell);
                }
            obs_json_end_object(&j);
            obs_json_key(&j, "overall");
            json_summary(&j, &r->summary[G], r->nonnormal, t->min_cell);
        } else {
            obs_json_key(&j, "levels");
            obs_json_begin_array(&j);
            for (size_t l = 0; l < r->nlevels; l++) {
                obs_json_begin_object(&j);
                obs_json_kv_string(&j, "level", r->levels[l]);
                obs_json_key(&j, "counts");
                obs_json_begin_object(&j);
                if (t->by)
                    for (size_t g = 0; g < G; g++)
                        obs_json_kv_number(&j, t->groups[g], r->counts[l * W + g]);
                obs_json_end_object(&j);
                obs_json_key(&j, "percent");
                obs_json_begin_object(&j);
                if (t->by)
                    for (size_t g = 0; g < G; g++)
                        obs_json_kv_number(&j, t->groups[g], r->percent[l * W + g]);
                obs_json_end_object(&j);
                obs_json_key(&j, "overall");
                obs_json_begin_object(&j);
                obs_json_kv_number(&j, "count", r->counts[l * W + G]);
                obs_json_kv_number(&j, "percent", r->percent[l * W + G]);
                obs_json_end_object(&j);
                if (t->min_cell > 0) {      /* the groups whose count and percent are hidden */
                    obs_json_key(&j, "suppressed");
                    obs_json_begin_array(&j);
                    for (size_t g = 0; g < W; g++)
                        if (isnan(r->counts[l * W + g]) && (t->by || g == G))
                            obs_json_string(&j, g == G ? "overall" : t->groups[g]);
                    obs_json_end_array(&j);
                }
                obs_json_end_object(&j);
            }
            obs_json_end_array(&j);
            obs_json_key(&j, "missing");
            obs_json_begin_object(&j);
            if (t->by)
                for (size_t g = 0; g < G; g++)
                    obs_json_kv_number(&j, t->groups[g], r->missing[g]);
            obs_json_end_object(&j);
            obs_json_key(&j, "overall");
            obs_json_begin_object(&j);
            obs_json_kv_number(&j, "missing", r->missing[G]);
            obs_json_end_object(&j);
        }
        obs_json_end_object(&j);
    }
    obs_json_end_array(&j);
    obs_render_warnings_json(&j, &t->warnings);
    obs_json_end_object(&j);
    return ferror(fp) ? -1 : 0;
}
