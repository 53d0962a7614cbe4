/*
 * ps_cli.c — shared rendering for the propensity-score commands; see ps_cli.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ps_cli.h"
#include "obsurv/plot.h"

int *ps_treat_from_frame(const obs_frame *fr)
{
    int *t = malloc((fr->n ? fr->n : 1) * sizeof *t);
    if (!t) return NULL;
    for (size_t i = 0; i < fr->n; i++) t[i] = fr->y[i] > 0.5;
    return t;
}

obs_status ps_fit(const obs_frame *fr, int want_auc, obs_logit_fit **fit, obs_error *err)
{
    int intercept = 0;
    for (size_t j = 0; j < fr->p; j++)
        if (strcmp(fr->colnames[j], "(Intercept)") == 0) intercept = 1;
    const obs_logit_control ctl = {1e-8, 25, !want_auc};   /* glm.control defaults */
    return obs_logit_fit_irls_cols(fr->xcol, fr->n, fr->p, fr->y, fr->weights, intercept, &ctl,
                                   (const char *const *)fr->colnames, fit, err);
}

size_t ps_covariate_columns(const obs_frame *fr, size_t *idx)
{
    size_t np = 0;
    for (size_t j = 0; j < fr->p; j++)
        if (strcmp(fr->colnames[j], "(Intercept)") != 0) idx[np++] = j;
    return np;
}

obs_status ps_balance(const obs_frame *fr, const int *treat, const double *w,
                      obs_estimand est, obs_balance_row *rows, size_t *idx,
                      size_t *np, obs_error *err)
{
    *np = ps_covariate_columns(fr, idx);
    /* one call for all the covariates: the group row lists are built once
     * (each column's numbers are computed exactly as alone) */
    const double **cols = malloc((*np + 1) * sizeof *cols);
    if (!cols) return obs_error_set(err, OBS_ENOMEM, "balance: out of memory");
    for (size_t k = 0; k < *np; k++) cols[k] = fr->xcol[idx[k]];
    obs_status rc = obs_balance_compute_cols(cols, fr->n, *np, treat, w, est, rows, err);
    free(cols);
    return rc;
}

void ps_balance_json(obs_json *j, const obs_frame *fr, const obs_balance_row *rows,
                     const size_t *idx, size_t np, int with_after)
{
    obs_json_key(j, "balance");
    obs_json_begin_array(j);
    for (size_t k = 0; k < np; k++) {
        const obs_balance_row *r = rows + k;
        obs_json_begin_object(j);
        obs_json_kv_string(j, "term", fr->colnames[idx[k]]);
        obs_json_kv_number(j, "mean_treated_before", r->mean_t_before);
        obs_json_kv_number(j, "mean_control_before", r->mean_c_before);
        obs_json_kv_number(j, "smd_before", r->smd_before);
        obs_json_kv_number(j, "var_ratio_before", r->var_ratio_before);
        if (with_after) {
            obs_json_kv_number(j, "mean_treated_after", r->mean_t_after);
            obs_json_kv_number(j, "mean_control_after", r->mean_c_after);
            obs_json_kv_number(j, "smd_after", r->smd_after);
            obs_json_kv_number(j, "var_ratio_after", r->var_ratio_after);
        }
        obs_json_end_object(j);
    }
    obs_json_end_array(j);
}

static void fmt_num(char *buf, size_t len, double v)
{
    if (isnan(v)) snprintf(buf, len, "%s", "NA");
    else snprintf(buf, len, "%.4f", v);
}

void ps_balance_text(FILE *fp, const obs_frame *fr, const obs_balance_row *rows,
                     const size_t *idx, size_t np, int with_after)
{
    size_t wname = 4;
    for (size_t k = 0; k < np; k++)
        if (strlen(fr->colnames[idx[k]]) > wname) wname = strlen(fr->colnames[idx[k]]);
    fprintf(fp, "Balance (standardized mean differences, variance ratios):\n");
    fprintf(fp, "%-*s %12s %12s", (int)wname, "term", "SMD before", "VR before");
    if (with_after) fprintf(fp, " %12s %12s", "SMD after", "VR after");
    fputc('\n', fp);
    for (size_t k = 0; k < np; k++) {
        char a[32], b[32], c[32], d[32];
        fmt_num(a, sizeof a, rows[k].smd_before);
        fmt_num(b, sizeof b, rows[k].var_ratio_before);
        fprintf(fp, "%-*s %12s %12s", (int)wname, fr->colnames[idx[k]], a, b);
        if (with_after) {
            fmt_num(c, sizeof c, rows[k].smd_after);
            fmt_num(d, sizeof d, rows[k].var_ratio_after);
            fprintf(fp, " %12s %12s", c, d);
        }
        fputc('\n', fp);
    }
}

obs_status ps_love_plot(const char *path, const obs_frame *fr, const obs_balance_row *rows,
                        const size_t *idx, size_t np, int with_after, obs_error *err)
{
    double row_h = 18, top = 30, bottom = 50, left = 150, right = 30;
    double height = top + bottom + row_h * (double)(np ? np : 1), width = 480;
    double xmax = 0.1;
    for (size_t k = 0; k < np; k++) {
        if (fabs(rows[k].smd_before) > xmax) xmax = fabs(rows[k].smd_before);
        if (with_after && fabs(rows[k].smd_after) > xmax) xmax = fabs(rows[k].smd_after);
    }
    double ticks[16];
    size_t nt = obs_plot_pretty(0, xmax, 5, ticks, 16);
    if (nt > 0 && ticks[nt - 1] > xmax) xmax = ticks[nt - 1];
    obs_plot *p = obs_plot_new(width, height);
    if (!p) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    obs_plot_area a = {0, xmax, 0, (double)np, left, top, width - left - right, row_h * (double)np};
    obs_plot_style grid = {0xBBBBBB, OBS_PLOT_NONE, 0.8, 1, 1};
    obs_plot_style before = {obs_palette[6], OBS_PLOT_NONE, 1.2, 1, 0};
    obs_plot_style after = {obs_palette[5], obs_palette[5], 1.2, 1, 0};
    obs_plot_line(p, obs_plot_px(&a, 0.1), top, obs_plot_px(&a, 0.1), top + a.height, grid);
    for (size_t k = 0; k < np; k++) {
        double y = top + row_h * ((double)k + 0.5);
        obs_plot_text(p, left - 6, y + 4, fr->colnames[idx[k]], 10, OBS_ANCHOR_END, 0, 0, 0x000000);
        obs_plot_circle(p, obs_plot_px(&a, fabs(rows[k].smd_before)), y, 4, before);
        if (with_after && isfinite(rows[k].smd_after))
            obs_plot_circle(p, obs_plot_px(&a, fabs(rows[k].smd_after)), y, 4, after);
    }
    obs_plot_axis_bottom(p, &a, ticks, nt, "%g", "absolute standardized mean difference");
    obs_plot_circle(p, left, 14, 4, before);
    obs_plot_text(p, left + 8, 18, "before", 10, OBS_ANCHOR_START, 0, 0, 0x000000);
    if (with_after) {
        obs_plot_circle(p, left + 70, 14, 4, after);
        obs_plot_text(p, left + 78, 18, "after", 10, OBS_ANCHOR_START, 0, 0, 0x000000);
    }
    FILE *fp = fopen(path, "wb");
    obs_status rc = OBS_OK;
    if (!fp) rc = obs_error_set(err, OBS_EIO, "%s: cannot write the love plot", path);
    else {
        rc = obs_plot_write_svg(p, fp, err);
        if (fclose(fp) != 0 && rc == OBS_OK) rc = obs_error_set(err, OBS_EIO, "%s: write failed", path);
    }
    obs_plot_free(&p);
    return rc;
}

/* CSV field: quoted when it holds a comma, quote, CR or LF. */
static void csv_field(FILE *fp, const char *s)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', fp);
        for (; *s; s++) { if (*s == '"') fputc('"', fp); fputc(*s, fp); }
        fputc('"', fp);
    } else {
        fputs(s, fp);
    }
}

/* Shortest %.Ng (N <= 17) that reads back as v. */
static void csv_number(FILE *fp, double v)
{
    char buf[40];
    if (isnan(v)) return;                        /* missing: empty */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    fputs(buf, fp);
}

/* Shared by the two writers: extra values are indexed by frame row
 * (by_output_row 0) or by output row (1). */
static obs_status write_rows(const char *path, const obs_table *t, const obs_frame *fr,
                             const size_t *keep, size_t nkeep, const char *const *names,
                             const double *const *values, size_t nextra, int by_output_row,
                             obs_error *err)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) return obs_error_set(err, OBS_EIO, "%s: cannot open for writing", path);
    for (size_t c = 0; c < t->ncol; c++) {
        if (c) fputc(',', fp);
        csv_field(fp, t->cols[c].name);
    }
    for (size_t k = 0; k < nextra; k++) { fputc(',', fp); csv_field(fp, names[k]); }
    fputc('\n', fp);
    for (size_t r = 0; r < nkeep; r++) {
        size_t i = keep[r], row = fr->row[i];
        for (size_t c = 0; c < t->ncol; c++) {
            const obs_column *col = t->cols + c;
            if (c) fputc(',', fp);
            if (col->missing && col->missing[row]) continue;
            if (col->type == OBS_COL_NUMERIC) csv_number(fp, col->num[row]);
            else csv_field(fp, col->levels[col->codes[row]]);
        }
        for (size_t k = 0; k < nextra; k++) {
            fputc(',', fp);
            csv_number(fp, values[k][by_output_row ? r : i]);
        }
        fputc('\n', fp);
    }
    if (fclose(fp) != 0) return obs_error_set(err, OBS_EIO, "%s: write failed", path);
    return OBS_OK;
}

obs_status ps_write_rows_csv(const char *path, const obs_table *t, const obs_frame *fr,
                             const size_t *keep, size_t nkeep, const char *const *names,
                             const double *const *values, size_t nextra, obs_error *err)
{
    return write_rows(path, t, fr, keep, nkeep, names, values, nextra, 0, err);
}

obs_status ps_write_units_csv(const char *path, const obs_table *t, const obs_frame *fr,
                              const size_t *units, size_t nout, const char *const *names,
                              const double *const *values, size_t nextra, obs_error *err)
{
    return write_rows(path, t, fr, units, nout, names, values, nextra, 1, err);
}

void ps_json_id(obs_json *j, const obs_table *t, const obs_frame *fr, long idcol, size_t i)
{
    size_t row = fr->row[i];
    if (idcol < 0) { obs_json_int(j, (long long)row + 1); return; }
    const obs_column *col = t->cols + idcol;
    if (col->type == OBS_COL_NUMERIC) obs_json_number(j, col->num[row]);
    else obs_json_string(j, col->levels[col->codes[row]]);
}
