/*
 * cmd_cox.c — obsurv cox: the Cox proportional-hazards model as R's coxph,
 * printed like summary(coxph), or as JSON / CSV (spec/cli.md "obsurv cox").
 */
#include <math.h>
#include <stdio.h>
#ifdef __GLIBC__
#endif
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "obsurv/render_cox.h"
#include "obsurv/render_frame.h"
#include "obsurv/cox.h"
#include "obsurv/json.h"
#include "obsurv/reader.h"

static const char *USAGE =
    "usage: obsurv cox --data PATH --formula \"Surv(time, status) ~ x1 + x2\" [options]\n"
    "\n"
    "Cox proportional-hazards regression fitted as R's coxph: Newton-Raphson\n"
    "on the partial likelihood (ties efron, breslow or exact), strata(),\n"
    "offset(), cluster() (robust sandwich variance), case weights, and\n"
    "counting-process data Surv(start, stop, event).  Prints coefficients,\n"
    "hazard ratios with confidence intervals, the likelihood-ratio, Wald and\n"
    "score tests and the concordance, as summary(coxph) does.\n"
    "Non-integer case weights imply --robust, as in R.\n"
    "--zph km adds cox.zph's test of proportional hazards; --residuals TYPE\n"
    "writes residuals.coxph(fit, TYPE) as CSV (row = 1-based input row).\n"
    "\n"
    "example:\n"
    "  obsurv cox --data lung.csv --formula \"Surv(time, status) ~ age + sex + ph.ecog\"\n";

static void json_predict(obs_json *j, const obs_frame *fr, const obs_cox_survfit *sf);

static void json_zph(obs_json *j, const obs_frame *fr, const obs_cox_zph *z, const char *tr)
{
    obs_json_key(j, "zph");
    obs_json_begin_object(j);
    obs_json_kv_string(j, "transform", tr);
    obs_json_key(j, "table");
    obs_json_begin_array(j);
    for (size_t t = 0; t < z->nterms; t++) {
        obs_json_begin_object(j);
        obs_json_kv_string(j, "term", fr->term_labels[z->term[t]]);
        obs_json_kv_number(j, "chisq", z->chisq[t]);
        obs_json_kv_number(j, "df", z->df[t]);
        obs_json_kv_number(j, "p", z->p[t]);
        obs_json_end_object(j);
    }
    obs_json_end_array(j);
    obs_json_key(j, "global");
    obs_json_begin_object(j);
    obs_json_kv_number(j, "chisq", z->chisq[z->nterms]);
    obs_json_kv_number(j, "df", z->df[z->nterms]);
    obs_json_kv_number(j, "p", z->p[z->nterms]);
    obs_json_end_object(j);
    obs_json_end_object(j);
}

/* Residuals: CSV (row, [time,] columns) or JSON {type, columns, row, [time,]
 * values}; row is the 1-based input row number. */
static void render_residuals(FILE *fp, const obs_frame *fr, const obs_cox_residuals *r,
                             const char *type, int json)
{
    int one = (r->ncol == 1);
    if (json) {
        obs_json j;
        obs_json_init(&j, fp);
        obs_json_begin_object(&j);
        obs_json_kv_string(&j, "type", type);
        obs_json_key(&j, "columns");
        obs_json_begin_array(&j);
        if (one) obs_json_string(&j, type);
        else for (size_t c = 0; c < r->ncol; c++) obs_json_string(&j, fr->colnames[c]);
        obs_json_end_array(&j);
        obs_json_key(&j, "row");
        obs_json_begin_array(&j);
        for (size_t i = 0; i < r->nrow; i++) obs_json_int(&j, (long long)fr->row[r->row[i]] + 1);
        obs_json_end_array(&j);
        if (r->time) obs_json_kv_numbers(&j, "time", r->time, r->nrow);
        obs_json_key(&j, "values");
        obs_json_begin_array(&j);
        for (size_t i = 0; i < r->nrow; i++) {
            if (one) { obs_json_number(&j, r->value[i]); continue; }
            obs_json_begin_array(&j);
            for (size_t c = 0; c < r->ncol; c++) obs_json_number(&j, r->value[i * r->ncol + c]);
            obs_json_end_array(&j);
        }
        obs_json_end_array(&j);
        obs_json_end_object(&j);
        return;
    }
    fprintf(fp, "row");
    if (r->time) fprintf(fp, ",time");
    if (one) fprintf(fp, ",%s", type);
    else for (size_t c = 0; c < r->ncol; c++) fprintf(fp, ",\"%s\"", fr->colnames[c]);
    fprintf(fp, "\n");
    for (size_t i = 0; i < r->nrow; i++) {
        fprintf(fp, "%zu", fr->row[r->row[i]] + 1);
        if (r->time) fprintf(fp, ",%.17g", r->time[i]);
        for (size_t c = 0; c < r->ncol; c++) fprintf(fp, ",%.17g", r->value[i * r->ncol + c]);
        fprintf(fp, "\n");
    }
}

static void render_json(FILE *fp, const obs_frame *fr, const obs_cox_model *m,
                        const obs_cox_zph *zph, const char *ztr, const obs_cox_survfit *sf,
                        const obs_warnings *warn, double level, int robust)
{
    obs_json j;
    obs_json_init(&j, fp);
    obs_json_begin_object(&j);
    obs_render_cox_json(&j, m, (const char *const *)fr->colnames);
    obs_json_kv_int(&j, "n_dropped", (long long)fr->n_dropped);
        cli_json_exclusions(&j, fr);
    obs_json_kv_bool(&j, "robust", robust);
    obs_json_kv_number(&j, "conf_level", level);
    if (zph) json_zph(&j, fr, zph, ztr);
    if (sf) json_predict(&j, fr, sf);
    if (fr->strata) {
        obs_json_key(&j, "strata");
        obs_json_begin_array(&j);
        for (size_t s = 0; s < fr->nstrata; s++) obs_json_string(&j, fr->strata_names[s]);
        obs_json_end_array(&j);
    }
    obs_render_warnings_json(&j, warn);
    obs_json_end_object(&j);
}

/* R's format.pval-like short P value for the test lines. */
static void fmt_p(char *buf, size_t size, double p)
{
    if (!isfinite(p)) snprintf(buf, size, "NA");
    else if (p < 2.2e-16) snprintf(buf, size, "<2e-16");
    else snprintf(buf, size, "%.2g", p);
}

static void render_text(FILE *fp, const obs_formula *f, const obs_frame *fr,
                        const obs_cox_model *m, const obs_cox_zph *zph, const char *ztr,
                        double level, int robust)
{
    char pb[32];
    fprintf(fp, "Call: coxph(formula = %s, ties = \"%s\")\n\n", f->text, obs_cox_ties_name(m->ties));
    if (m->p == 0) {   /* as print.coxph.null */
        fprintf(fp, "Null model\n  log likelihood= %.7g\n  n= %zu, number of events= %zu\n",
                m->loglik_model, m->n, m->nevent);
        return;
    }
    fprintf(fp, "  n= %zu, number of events= %zu\n", m->n, m->nevent);
    if (fr->n_dropped)
        fprintf(fp, "   (%zu observation%s deleted due to missingness)\n", fr->n_dropped,
                fr->n_dropped == 1 ? "" : "s");
    fprintf(fp, "\n");
    int nw = 20;   /* the term column, as wide as the longest name (as print.default) */
    for (size_t k = 0; k < m->p; k++)
        if ((int)strlen(fr->colnames[k]) > nw) nw = (int)strlen(fr->colnames[k]);
    fprintf(fp, "%-*s %12s %12s %12s", nw, "", "coef", "exp(coef)", "se(coef)");
    if (robust) fprintf(fp, " %12s", "robust se");
    fprintf(fp, " %9s %11s\n", "z", "Pr(>|z|)");
    for (size_t k = 0; k < m->p; k++) {
        fprintf(fp, "%-*s", nw, fr->colnames[k]);
        if (m->aliased[k]) {
            fprintf(fp, " %12s %12s %12s", "NA", "NA", "NA");
            if (robust) fprintf(fp, " %12s", "NA");
            fprintf(fp, " %9s %11s\n", "NA", "NA");
            continue;
        }
        fprintf(fp, " %12.6g %12.6g %12.6g", m->coef[k], m->hr[k], m->se[k]);
        if (robust) fprintf(fp, " %12.6g", m->robust_se[k]);
        double p = m->p_value[k];
        const char *star = p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : p < 0.1 ? "." : "";
        fprintf(fp, " %9.3f %11.3g %s\n", m->z[k], p, star);
    }
    fprintf(fp, "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n\n");
    char lo[32], hi[32];
    snprintf(lo, sizeof lo, "lower .%02.0f", level * 100);
    snprintf(hi, sizeof hi, "upper .%02.0f", level * 100);
    fprintf(fp, "%-*s %12s %12s %12s %12s\n", nw, "", "exp(coef)", "exp(-coef)", lo, hi);
    for (size_t k = 0; k < m->p; k++) {
        if (m->aliased[k]) {
            fprintf(fp, "%-*s %12s %12s %12s %12s\n", nw, fr->colnames[k], "NA", "NA", "NA", "NA");
            continue;
        }
        fprintf(fp, "%-*s %12.4g %12.4g %12.4g %12.4g\n", nw, fr->colnames[k], m->hr[k],
                1.0 / m->hr[k], m->hr_lower[k], m->hr_upper[k]);
    }
    fprintf(fp, "\n");
    if (m->has_concordance)
        fprintf(fp, "Concordance= %.3f  (se = %.3f )\n", m->concordance, m->concordance_se);
    fmt_p(pb, sizeof pb, m->lr.p);
    fprintf(fp, "Likelihood ratio test= %.4g  on %g df,   p=%s\n", m->lr.stat, m->lr.df, pb);
    fmt_p(pb, sizeof pb, m->wald.p);
    fprintf(fp, "Wald test            = %.4g  on %g df,   p=%s\n", m->wald.stat, m->wald.df, pb);
    fmt_p(pb, sizeof pb, m->score.p);
    fprintf(fp, "Score (logrank) test = %.4g  on %g df,   p=%s", m->score.stat, m->score.df, pb);
    if (m->robust_score.df > 0) {
        fmt_p(pb, sizeof pb, m->robust_score.p);
        fprintf(fp, ",   Robust = %.4g  p=%s\n\n", m->robust_score.stat, pb);
        fprintf(fp, "  (Note: the likelihood ratio and score tests assume independence of\n"
                    "     observations within a cluster, the Wald and robust score tests do not).\n");
    } else fprintf(fp, "\n");
    if (!m->converged) fprintf(fp, "(did not converge in %d iterations)\n", m->iterations);
    if (zph) {
        fprintf(fp, "\nTest of proportional hazards (cox.zph, transform = \"%s\"):\n", ztr);
        int tw = 20;
        for (size_t t = 0; t < zph->nterms; t++)
            if ((int)strlen(fr->term_labels[zph->term[t]]) > tw) tw = (int)strlen(fr->term_labels[zph->term[t]]);
        fprintf(fp, "%-*s %10s %4s %10s\n", tw, "", "chisq", "df", "p");
        for (size_t t = 0; t <= zph->nterms; t++)
            fprintf(fp, "%-*s %10.4g %4g %10.4g\n", tw,
                    t < zph->nterms ? fr->term_labels[zph->term[t]] : "GLOBAL",
                    zph->chisq[t], zph->df[t], zph->p[t]);
    }
}

static void render_csv(FILE *fp, const obs_frame *fr, const obs_cox_model *m)
{
    obs_render_cox_csv(fp, m, (const char *const *)fr->colnames);
}

/* ---- --predict: the design matrix of new covariate profiles -------------- */

typedef struct {
    size_t n;
    double *x;        /* n x p column-major */
    double *offset;   /* n or NULL */
    int *strata;      /* n codes of the fitted frame, or NULL (all strata) */
} newdata;

static void newdata_free(newdata *nd)
{
    free(nd->x); free(nd->offset); free(nd->strata);
    memset(nd, 0, sizeof *nd);
}

static int formula_uses(const obs_formula *f, const char *name, int *is_strata)
{
    for (size_t k = 0; k < f->nterms; k++)
        for (size_t v = 0; v < f->terms[k].nvars; v++)
            for (size_t q = 0; q < f->terms[k].vars[v].ncolumns; q++)
                if (!strcmp(f->terms[k].vars[v].columns[q], name)) { *is_strata = 0; return 1; }
    for (size_t s = 0; s < f->nspecials; s++)
        for (size_t q = 0; q < f->specials[s].ncolumns; q++)
            if (!strcmp(f->specials[s].columns[q], name)) {
                if (f->specials[s].kind == OBS_VAR_CLUSTER) return 0;
                *is_strata = (f->specials[s].kind == OBS_VAR_STRATA);
                return 1;
            }
    return 0;
}

/* Build the design of the rows of the table at path with the coding of the
 * fitted frame: the new rows are appended to the fitted table (factor
 * levels of the fitted data; a level it lacks is an error), columns the
 * model does not need from them (response, weights, cluster) are filled
 * from the first used row, and the frame is rebuilt; the design columns must
 * come out identical.  Strata: given in the new data (all strata columns)
 * or absent (each profile in every stratum). */
static obs_status newdata_design(const obs_table *t, const obs_formula *f,
                                 const obs_frame_spec *spec, const obs_frame *fr,
                                 const char *path, newdata *out, obs_error *err)
{
    obs_table *nd = NULL, *ct = NULL;
    obs_frame *fc = NULL;
    obs_status rc;
    obs_read_options ro = {.table = NULL, .query = NULL};
    int nstrata_cols = 0, nstrata_given = 0;

    memset(out, 0, sizeof *out);
    rc = obs_read_table(path, &ro, &nd, err);
    if (rc) return rc;
    for (size_t j = 0; j < t->ncol; j++) {
        int is_strata = 0;
        if (!formula_uses(f, t->cols[j].name, &is_strata)) continue;
        long k = obs_table_find(nd, t->cols[j].name);
        if (is_strata) { nstrata_cols++; nstrata_given += (k >= 0); }
        else if (k < 0 && !(f->nresponse && (!strcmp(t->cols[j].name, f->response_columns[0]) ||
                                             !strcmp(t->cols[j].name, f->response_columns[1]) ||
                                             (f->nresponse > 2 && !strcmp(t->cols[j].name, f->response_columns[2]))))) {
            rc = obs_error_set(err, OBS_EUSAGE, "%s: column \"%s\" is missing (the model uses it)",
                               path, t->cols[j].name);
            goto done;
        }
    }
    if (nstrata_given && nstrata_given != nstrata_cols) {
        rc = obs_error_set(err, OBS_EUSAGE, "%s: give every strata() column or none", path);
        goto done;
    }

    const size_t n0 = t->nrow, n1 = nd->nrow, r0 = fr->row[0];
    ct = obs_table_new(n0 + n1, t->ncol, t->source);
    if (!ct) { rc = obs_error_set(err, OBS_ENOMEM, "out of memory"); goto done; }
    for (size_t i = 0; i < n0; i++) ct->line[i] = t->line[i];
    for (size_t i = 0; i < n1; i++) ct->line[n0 + i] = nd->line[i];
    for (size_t j = 0; j < t->ncol; j++) {
        const obs_column *tc = &t->cols[j];
        long k = obs_table_find(nd, tc->name);
        int is_strata = 0;
        if (k >= 0 && !formula_uses(f, tc->name, &is_strata)) k = -1;   /* unused: fill */
        const obs_column *nc = k >= 0 ? &nd->cols[k] : NULL;
        obs_column *cc = &ct->cols[j];
        if (tc->type == OBS_COL_NUMERIC) {
            rc = obs_column_init_numeric(ct, j, tc->name, err);
            if (rc) goto done;
            if (nc && nc->type != OBS_COL_NUMERIC) {
                rc = obs_error_set(err, OBS_EDATA, "%s: column \"%s\" must be numeric, as in the data",
                                   path, tc->name);
                goto done;
            }
            for (size_t i = 0; i < n0; i++) { cc->num[i] = tc->num[i]; cc->missing[i] = tc->missing[i]; }
            for (size_t i = 0; i < n1; i++) {
                cc->num[n0 + i] = nc ? nc->num[i] : tc->num[r0];
                cc->missing[n0 + i] = nc ? nc->missing[i] : 0;
            }
        } else {
            rc = obs_column_init_factor(ct, j, tc->name, (const char *const *)tc->levels, tc->nlevels, err);
            if (rc) goto done;
            for (size_t i = 0; i < n0; i++) { cc->codes[i] = tc->codes[i]; cc->missing[i] = tc->missing[i]; }
            for (size_t i = 0; i < n1; i++) {
                int code = tc->codes[r0], miss = 0;
                if (nc) {
                    if (nc->missing[i]) { code = -1; miss = 1; }
                    else if (nc->type != OBS_COL_FACTOR) {
                        rc = obs_error_set(err, OBS_EDATA, "%s: column \"%s\" must be text, as in the data",
                                           path, tc->name);
                        goto done;
                    } else {
                        const char *lv = nc->levels[nc->codes[i]];
                        code = obs_column_level_code(tc, lv);
                        if (code < 0) {
                            rc = obs_error_set(err, OBS_EDATA, "%s:%zu: column \"%s\": level \"%s\" is not in the data",
                                               path, nd->line[i], tc->name, lv);
                            goto done;
                        }
                    }
                }
                cc->codes[n0 + i] = code;
                cc->missing[n0 + i] = (unsigned char)miss;
            }
        }
        cc->nmissing = 0;
        for (size_t i = 0; i < n0 + n1; i++) cc->nmissing += cc->missing[i];
    }
    rc = obs_frame_build(ct, f, spec, &fc, err);
    if (rc) goto done;
    int same = (fc->p == fr->p);
    for (size_t j = 0; same && j < fr->p; j++) same = !strcmp(fc->colnames[j], fr->colnames[j]);
    if (!same) {
        rc = obs_error_set(err, OBS_EDATA, "%s: the new rows do not fit the model's coding "
                           "(a value of factor() not in the data?)", path);
        goto done;
    }
    size_t cnt = 0;
    for (size_t i = 0; i < fc->n; i++) cnt += (fc->row[i] >= n0);
    if (cnt != n1) {
        size_t miss = 0;
        for (size_t i = 0, q = 0; i < n1; i++) {
            while (q < fc->n && fc->row[q] < n0 + i) q++;
            if (q >= fc->n || fc->row[q] != n0 + i) { miss = i; break; }
        }
        rc = obs_error_set(err, OBS_EDATA, "%s:%zu: a value the model needs is missing", path, nd->line[miss]);
        goto done;
    }
    out->n = n1;
    out->x = malloc((n1 * fr->p + 1) * sizeof *out->x);
    out->offset = fc->offset ? malloc(n1 * sizeof *out->offset) : NULL;
    out->strata = (fr->strata && nstrata_given) ? malloc(n1 * sizeof *out->strata) : NULL;
    if (!out->x || (fc->offset && !out->offset) || (fr->strata && nstrata_given && !out->strata)) {
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0, q = 0; i < fc->n; i++) {
        if (fc->row[i] < n0) continue;
        for (size_t j = 0; j < fr->p; j++) out->x[j * n1 + q] = fc->xcol[j][i];
        if (out->offset) out->offset[q] = fc->offset[i];
        if (out->strata) {
            const char *name = fc->strata_names[fc->strata[i]];
            int code = -1;
            for (size_t s = 0; s < fr->nstrata; s++) if (!strcmp(fr->strata_names[s], name)) code = (int)s;
            if (code < 0) {
                rc = obs_error_set(err, OBS_EDATA, "%s:%zu: stratum %s is not in the data", path,
                                   nd->line[fc->row[i] - n0], name);
                goto done;
            }
            out->strata[q] = code;
        }
        q++;
    }
done:
    if (rc) newdata_free(out);
    obs_frame_free(&fc);
    obs_table_free(&ct);
    obs_table_free(&nd);
    return rc;
}

static void json_predict(obs_json *j, const obs_frame *fr, const obs_cox_survfit *sf)
{
    obs_json_key(j, "predict");
    obs_json_begin_object(j);
    obs_json_kv_string(j, "conf_type", "log");
    obs_json_kv_number(j, "conf_level", sf->conf_level);
    obs_json_key(j, "curves");
    obs_json_begin_array(j);
    for (size_t c = 0; c < sf->ncurves; c++) {
        const obs_cox_curve *k = &sf->curve[c];
        obs_json_begin_object(j);
        obs_json_kv_int(j, "profile", (long long)k->profile + 1);
        obs_json_kv_string(j, "strata", fr->strata ? fr->strata_names[k->stratum] : NULL);
        obs_json_kv_numbers(j, "time", k->time, k->ntime);
        obs_json_kv_numbers(j, "n_risk", k->n_risk, k->ntime);
        obs_json_kv_numbers(j, "n_event", k->n_event, k->ntime);
        obs_json_kv_numbers(j, "n_censor", k->n_censor, k->ntime);
        obs_json_kv_numbers(j, "surv", k->surv, k->ntime);
        obs_json_kv_numbers(j, "std_err", k->std_err, k->ntime);
        obs_json_kv_numbers(j, "cumhaz", k->cumhaz, k->ntime);
        obs_json_kv_numbers(j, "std_chaz", k->std_chaz, k->ntime);
        obs_json_kv_numbers(j, "lower", k->lower, k->ntime);
        obs_json_kv_numbers(j, "upper", k->upper, k->ntime);
        obs_json_end_object(j);
    }
    obs_json_end_array(j);
    obs_json_end_object(j);
}

static void text_predict(FILE *fp, const obs_frame *fr, const obs_cox_survfit *sf)
{
    for (size_t c = 0; c < sf->ncurves; c++) {
        const obs_cox_curve *k = &sf->curve[c];
        fprintf(fp, "\nPredicted survival, profile %zu%s%s:\n", k->profile + 1,
                fr->strata ? ", " : "", fr->strata ? fr->strata_names[k->stratum] : "");
        fprintf(fp, "%10s %8s %8s %10s %10s %10s %10s\n", "time", "n.risk", "n.event", "survival",
                "std.err", "lower", "upper");
        for (size_t i = 0; i < k->ntime; i++) {
            if (k->n_event[i] <= 0) continue;
            fprintf(fp, "%10g %8g %8g %10.4g %10.4g %10.4g %10.4g\n", k->time[i], k->n_risk[i],
                    k->n_event[i], k->surv[i], k->std_err[i], k->lower[i], k->upper[i]);
        }
    }
}

static void csv_predict(FILE *fp, const obs_frame *fr, const obs_cox_survfit *sf)
{
    fprintf(fp, "profile,strata,time,n_risk,n_event,n_censor,surv,std_err,lower,upper\n");
    for (size_t c = 0; c < sf->ncurves; c++) {
        const obs_cox_curve *k = &sf->curve[c];
        for (size_t i = 0; i < k->ntime; i++)
            fprintf(fp, "%zu,\"%s\",%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", k->profile + 1,
                    fr->strata ? fr->strata_names[k->stratum] : "", k->time[i], k->n_risk[i],
                    k->n_event[i], k->n_censor[i], k->surv[i], k->std_err[i], k->lower[i], k->upper[i]);
    }
}

int cmd_cox(int argc, char **argv)
{
    static const cli_option opts[] = {
        CLI_COMMON_OPTIONS,
        {"--ties", 1, "efron|breslow|exact (default efron)"},
        {"--weights", 1, "case-weight column"},
        {"--robust", 0, "robust (sandwich) standard errors"},
        {"--conf-level", 1, "level of the hazard-ratio intervals (0.95)"},
        {"--max-iter", 1, "Newton-Raphson iterations (20)"},
        {"--residuals", 1, "martingale|deviance|score|schoenfeld|scaledsch|dfbeta: write these instead (CSV, or JSON)"},
        {"--predict", 1, "CSV of covariate profiles: add survfit(fit, newdata) curves"},
        {"--zph", 1, "km|rank|identity|log: add the proportional-hazards test (cox.zph)"},
        {NULL, 0, NULL}};
    cli_args a;
    obs_error err;
    obs_error_clear(&err);
    if (cli_parse(argc, argv, opts, USAGE, &a)) return a.exit_code;
    /* blocks up to 32 MB from the heap, and freed memory kept there: the
     * table's columns, freed after the frame is built, are reused by the
     * fit's arrays instead of being returned to the kernel and faulted in
     * again (at 1M rows 120k -> 81k page faults, ~5% of the run) */
    cli_keep_freed_memory((size_t)32 << 20);

    obs_cox_options o;
    obs_cox_options_default(&o);
    const char *ties = cli_get(&a, "--ties");
    if (ties) {
        if (!strcmp(ties, "efron")) o.ties = OBS_COX_EFRON;
        else if (!strcmp(ties, "breslow")) o.ties = OBS_COX_BRESLOW;
        else if (!strcmp(ties, "exact")) o.ties = OBS_COX_EXACT;
        else {
            obs_error_set(&err, OBS_EUSAGE, "--ties: expected efron, breslow or exact, got \"%s\"", ties);
            return cli_fail(&err);
        }
    }
    if (cli_get_double(&a, "--conf-level", 0.95, &o.conf_level, &err)) return cli_fail(&err);
    if (!(o.conf_level > 0 && o.conf_level < 1)) {
        obs_error_set(&err, OBS_EUSAGE, "--conf-level must be between 0 and 1");
        return cli_fail(&err);
    }
    long maxit;
    if (cli_get_long(&a, "--max-iter", 20, &maxit, &err)) return cli_fail(&err);
    if (maxit < 0 || maxit > 10000) {
        obs_error_set(&err, OBS_EUSAGE, "--max-iter must be between 0 and 10000");
        return cli_fail(&err);
    }
    o.max_iter = (int)maxit;
    o.robust = cli_has(&a, "--robust");
    if (o.ties == OBS_COX_EXACT && cli_has(&a, "--weights")) {
        obs_error_set(&err, OBS_EUSAGE, "--weights cannot be combined with --ties exact");
        return cli_fail(&err);
    }

    int rtype = -1, ztype = -1;
    const char *rs = cli_get(&a, "--residuals"), *zs = cli_get(&a, "--zph");
    if (rs && (rtype = obs_cox_resid_type_parse(rs)) < 0) {
        obs_error_set(&err, OBS_EUSAGE, "--residuals: expected martingale, deviance, score, "
                      "schoenfeld, scaledsch or dfbeta, got \"%s\"", rs);
        return cli_fail(&err);
    }
    if (zs) {
        static const char *zn[] = {"km", "rank", "identity", "log"};
        for (int k = 0; k < 4; k++) if (!strcmp(zs, zn[k])) ztype = k;
        if (ztype < 0) {
            obs_error_set(&err, OBS_EUSAGE, "--zph: expected km, rank, identity or log, got \"%s\"", zs);
            return cli_fail(&err);
        }
    }

    obs_frame_spec spec = {.rhs = OBS_FRAME_DESIGN, .intercept = 0,
                           .response_required = OBS_FRAME_NEED_SURV,
                           .weights = cli_get(&a, "--weights"), .drop_unused_levels = 0,
                           .borrow_columns = 1};
    obs_table *t = NULL;
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_cox_model *m = NULL;
    obs_cox_residuals *res = NULL;
    obs_cox_zph *zph = NULL;
    obs_cox_survfit *sf = NULL;
    newdata nd = {0, NULL, NULL, NULL};
    obs_warnings warn;
    int code = 0;
    obs_warnings_init(&warn);
    if (cli_load_frame(&a, &spec, &t, &f, &fr, &err)) return cli_fail(&err);
    /* only --predict reads the table again: otherwise release its memory
     * before the fit (at 10M rows it is about 1 GB), all but the columns
     * the frame's design borrows (freed with t at the end) */
    if (!cli_get(&a, "--predict")) cli_table_release_unborrowed(&t, fr);

    if (fr->weights) {
        for (size_t i = 0; i < fr->n; i++)
            if (fr->weights[i] != floor(fr->weights[i])) { o.robust = 1; break; }
    }
    if (fr->cluster) o.robust = 1;

    obs_cox_data d = {.n = fr->n, .p = fr->p, .start = fr->start, .stop = fr->time,
                      .status = fr->status, .xcol = fr->xcol, .strata = fr->strata,
                      .weights = fr->weights, .offset = fr->offset, .cluster = fr->cluster};
    if (obs_cox_fit(&d, &o, &m, &err)) { code = cli_fail(&err); goto done; }

    cli_add_dropped_warning(&warn, fr);
    for (size_t k = 0; k < m->warnings.n; k++) obs_warnings_add(&warn, "%s", m->warnings.msg[k]);
    if (rtype >= 0 &&
        obs_cox_residuals_compute(&d, &o, m, (obs_cox_resid_type)rtype, &res, &err)) {
        code = cli_fail(&err);
        goto done;
    }
    if (ztype >= 0 &&
        obs_cox_zph_compute(&d, &o, m, fr->assign, (obs_zph_transform)ztype, &zph, &err)) {
        code = cli_fail(&err);
        goto done;
    }

    const char *pp = cli_get(&a, "--predict");
    if (pp && (newdata_design(t, f, &spec, fr, pp, &nd, &err) ||
               obs_cox_survfit_compute(&d, &o, m, nd.n, nd.x, nd.offset, nd.strata, &sf, &err))) {
        code = cli_fail(&err);
        goto done;
    }

    cli_output out;
    if (cli_output_open(&out, &a)) { code = 2; goto done; }
    if (res) render_residuals(out.fp, fr, res, rs, a.format == CLI_JSON);
    else if (a.format == CLI_JSON) render_json(out.fp, fr, m, zph, zs, sf, &warn, o.conf_level, o.robust);
    else if (a.format == CLI_CSV && sf) csv_predict(out.fp, fr, sf);
    else if (a.format == CLI_CSV) render_csv(out.fp, fr, m);
    else {
        render_text(out.fp, f, fr, m, zph, zs, o.conf_level, o.robust);
        if (sf) text_predict(out.fp, fr, sf);
    }
    if (a.format != CLI_JSON) cli_print_warnings(&warn);
    code = cli_output_close(&out);

done:
    obs_cox_residuals_free(&res);
    obs_cox_survfit_free(&sf);
    newdata_free(&nd);
    obs_cox_zph_free(&zph);
    obs_warnings_free(&warn);
    obs_cox_model_free(&m);
    obs_frame_free(&fr);
    obs_formula_free(&f);
    obs_table_free(&t);
    return code;
}
