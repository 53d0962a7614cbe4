/*
 * cmd_km.c — obsurv km: Kaplan–Meier curves as R's survfit(), printed as
 * print(fit) + summary(fit) (text), or as JSON / CSV (spec/cli.md).
 *
 * Groups are the right-hand-side variables cross-classified by the model
 * frame; strata() terms are crossed with them (name "g, s").  Empty
 * combinations are left out, as survfit does.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "obsurv/render_frame.h"
#include "obsurv/render_km.h"
#include "obsurv/json.h"
#include "obsurv/km.h"

static const char *USAGE =
    "usage: obsurv km --data PATH --formula \"Surv(time, status) ~ group\" [options]\n"
    "\n"
    "Kaplan-Meier survival curves, one per level (or combination of levels) of\n"
    "the right-hand side; \"~ 1\" gives one curve.  As R's survfit(): every\n"
    "distinct time, numbers at risk, events and censorings, S(t), its standard\n"
    "error (Greenwood; infinitesimal jackknife with non-integer --weights) and a\n"
    "pointwise interval; the median with its interval as print(fit) reports it;\n"
    "--times reads the curves at given times as summary(fit, times, extend = TRUE).\n"
    "\n"
    "Disclosure control: --min-cell N hides every count from 1 to N-1 (n, events,\n"
    "n_dropped, and each number at risk, of events and of censorings): \"<N\" in\n"
    "text and CSV, null in JSON with the field named in a \"suppressed\" list\n"
    "(\"min_cell\": N at the top).  Zero reveals no one and is shown.  The curves\n"
    "and their intervals are not altered.  Default off.\n"
    "\n"
    "example:\n"
    "  obsurv km --data lung.csv --formula \"Surv(time, status) ~ sex\" --times 180,365\n";

/* ---- number formatting like R's print with digits = 3 ------------------- */

/* Decimals R's fixed notation needs to show x with `digits` significant
 * digits, trailing zeros dropped (formatReal). */
static int sig_decimals(double x, int digits)
{
    char buf[64], *e;
    int sig, ex;
    if (!isfinite(x) || x == 0) return 0;
    snprintf(buf, sizeof buf, "%.*e", digits - 1, fabs(x));
    e = strchr(buf, 'e');
    ex = atoi(e + 1);
    sig = digits;
    for (char *p = e - 1; sig > 1 && *p == '0'; p--) sig--;
    int d = sig - 1 - ex;
    if (d < 0) d = 0;
    if (d > 15) d = 15;
    return d;
}

static int column_decimals(const double *x, size_t n, size_t stride)
{
    int d = 0;
    for (size_t i = 0; i < n; i++) {
        int k = sig_decimals(x[i * stride], 3);
        if (k > d) d = k;
    }
    return d;
}

static void fmt_fixed(char *buf, size_t size, double x, int decimals)
{
    if (!isfinite(x)) snprintf(buf, size, "NA");
    else snprintf(buf, size, "%.*f", decimals, x);
}

/* ---- disclosure control (--min-cell) ------------------------------------- */

/* 1 when count v must be hidden under --min-cell mc (0 = off): a count from 1
 * to mc - 1.  Zero identifies no one and stays. */
static int hidden(double v, long mc)
{
    return mc > 0 && v >= 1 && v < (double)mc;
}

/* Print an n x m matrix (row-major) with row labels and column names, each
 * column formatted like R (3 significant digits, common decimals).  Columns
 * j with is_count[j] (is_count may be NULL) show "<mc" for a hidden count. */
static void print_matrix(FILE *fp, size_t n, size_t m, const double *x,
                         const char *const *rownames, const char *const *colnames,
                         const int *is_count, long mc)
{
    int dec[16], width[16], rw = 0;
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        int l = rownames ? (int)strlen(rownames[i]) : 0;
        if (l > rw) rw = l;
    }
    for (size_t j = 0; j < m && j < 16; j++) {
        dec[j] = column_decimals(x + j, n, m);
        width[j] = (int)strlen(colnames[j]);
        for (size_t i = 0; i < n; i++) {
            if (is_count && is_count[j] && hidden(x[i * m + j], mc)) snprintf(buf, sizeof buf, "<%ld", mc);
            else fmt_fixed(buf, sizeof buf, x[i * m + j], dec[j]);
            if ((int)strlen(buf) > width[j]) width[j] = (int)strlen(buf);
        }
    }
    fprintf(fp, "%*s", rw, "");
    for (size_t j = 0; j < m && j < 16; j++) fprintf(fp, " %*s", width[j], colnames[j]);
    fputc('\n', fp);
    for (size_t i = 0; i < n; i++) {
        fprintf(fp, "%-*s", rw, rownames ? rownames[i] : "");
        for (size_t j = 0; j < m && j < 16; j++) {
            if (is_count && is_count[j] && hidden(x[i * m + j], mc)) snprintf(buf, sizeof buf, "<%ld", mc);
            else fmt_fixed(buf, sizeof buf, x[i * m + j], dec[j]);
            fprintf(fp, " %*s", width[j], buf);
        }
        fputc('\n', fp);
    }
}

/* ---- CSV helpers ------------------------------------------------------------ */

static void csv_string(FILE *fp, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) { fputs(s, fp); return; }
    fputc('"', fp);
    for (; *s; s++) { if (*s == '"') fputc('"', fp); fputc(*s, fp); }
    fputc('"', fp);
}

static void csv_number(FILE *fp, double x)
{
    if (isfinite(x)) fprintf(fp, ",%.17g", x);
    else fputs(",NA", fp);
}

/* A count under --min-cell: "<mc" when hidden. */
static void csv_count(FILE *fp, double x, long mc)
{
    if (hidden(x, mc)) fprintf(fp, ",<%ld", mc);
    else csv_number(fp, x);
}

/* ---- groups ----------------------------------------------------------------- */

typedef struct {
    int *code;          /* n codes (owned) or NULL for one group */
    size_t ncodes;
    char **names;       /* ncodes names (owned) */
} km_groups;

static void km_groups_free(km_groups *g)
{
    if (g->names)
        for (size_t k = 0; k < g->ncodes; k++) free(g->names[k]);
    free(g->names);
    free(g->code);
}

/* Cross the frame's groups with its strata (when any), named as survfit does. */
static obs_status km_make_groups(const obs_frame *fr, const obs_formula *f, km_groups *g, obs_error *err)
{
    size_t ng = fr->group ? fr->ngroups : 1, ns = fr->strata ? fr->nstrata : 1;
    memset(g, 0, sizeof *g);
    g->ncodes = ng * ns;
    if (fr->group || fr->strata) {
        g->code = malloc((fr->n ? fr->n : 1) * sizeof *g->code);
        if (!g->code) goto nomem;
        for (size_t i = 0; i < fr->n; i++)
            g->code[i] = (fr->group ? fr->group[i] : 0) * (int)ns + (fr->strata ? fr->strata[i] : 0);
    }
    if (!(g->names = obs_km_curve_names(fr, f))) goto nomem;
    return OBS_OK;
nomem:
    km_groups_free(g);
    return obs_error_set(err, OBS_ENOMEM, "out of memory");
}

/* ---- renderers ---------------------------------------------------------------- */

static void render_csv(FILE *fp, const obs_km *km, const km_groups *g,
                       const double *times, size_t ntimes, obs_km_point *pts, long mc)
{
    double start = obs_km_start_time(km);
    fputs("strata,time,n_risk,n_event,n_censor,surv,std_err,lower,upper\n", fp);
    for (size_t k = 0; k < km->ncurves; k++) {
        const obs_km_curve *c = &km->curves[k];
        if (c->ntime == 0) continue;
        if (times) {
            obs_km_at(c, start, times, ntimes, pts);
            for (size_t r = 0; r < ntimes; r++) {
                csv_string(fp, g->names[k]);
                csv_number(fp, pts[r].time); csv_count(fp, pts[r].n_risk, mc);
                csv_count(fp, pts[r].n_event, mc); csv_count(fp, pts[r].n_censor, mc);
                csv_number(fp, pts[r].surv); csv_number(fp, pts[r].std_err);
                csv_number(fp, pts[r].lower); csv_number(fp, pts[r].upper);
                fputc('\n', fp);
            }
            continue;
        }
        for (size_t r = 0; r < c->ntime; r++) {
            csv_string(fp, g->names[k]);
            csv_number(fp, c->time[r]); csv_count(fp, c->n_risk[r], mc);
            csv_count(fp, c->n_event[r], mc); csv_count(fp, c->n_censor[r], mc);
            csv_number(fp, c->surv[r]); csv_number(fp, c->std_err[r]);
            csv_number(fp, c->lower[r]); csv_number(fp, c->upper[r]);
            fputc('\n', fp);
        }
    }
}

/* print(fit) then summary(fit) (event times, or --times). */
static obs_status render_text(FILE *fp, const obs_km *km, const km_groups *g, const obs_frame *fr,
                              const char *formula, const char *weights, const double *times,
                              size_t ntimes, obs_km_point *pts, long mc, obs_error *err)
{
    size_t nc = 0, maxrows = ntimes, w = weights ? 1 : 0;
    double *m = NULL;
    const char **rn = NULL;
    char lcl[32], ucl[32], lo[40], up[40];
    double start = obs_km_start_time(km);

    for (size_t k = 0; k < km->ncurves; k++) {
        if (km->curves[k].ntime) nc++;
        if (km->curves[k].ntime > maxrows) maxrows = km->curves[k].ntime;
    }
    m = malloc((nc + maxrows + 1) * 7 * sizeof *m);
    rn = malloc((nc + 1) * sizeof *rn);
    if (!m || !rn) {
        free(m); free(rn);
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    }
    fprintf(fp, "Kaplan-Meier estimate: %s\n", formula);
    if (hidden((double)fr->n, mc)) fprintf(fp, "n = <%ld", mc);
    else fprintf(fp, "n = %zu", fr->n);
    if (hidden((double)fr->n_dropped, mc))
        fprintf(fp, " (<%ld observations deleted due to missingness)", mc);
    else if (fr->n_dropped)
        fprintf(fp, " (%zu observation%s deleted due to missingness)", fr->n_dropped,
                fr->n_dropped == 1 ? "" : "s");
    fputs("\n\n", fp);

    snprintf(lcl, sizeof lcl, "%gLCL", km->opt.conf_level);
    snprintf(ucl, sizeof ucl, "%gUCL", km->opt.conf_level);
    {
        const char *cn_plain[5] = {"n", "events", "median", lcl, ucl};
        const char *cn_w[6] = {"records", "n", "events", "median", lcl, ucl};
        size_t r = 0, cols = 5 + w;
        for (size_t k = 0; k < km->ncurves; k++) {
            const obs_km_curve *c = &km->curves[k];
            double *row = m + r * cols;
            if (c->ntime == 0) continue;
            rn[r] = g->names[k];
            *row++ = (double)c->n;
            if (w) *row++ = c->n_weighted;
            row[0] = c->events; row[1] = c->median;
            row[2] = c->median_lower; row[3] = c->median_upper;
            r++;
        }
        static const int count_plain[5] = {1, 1, 0, 0, 0}, count_w[6] = {1, 1, 1, 0, 0, 0};
        print_matrix(fp, r, cols, m, rn, w ? cn_w : cn_plain, w ? count_w : count_plain, mc);
    }

    snprintf(lo, sizeof lo, "lower %g%% CI", 100 * km->opt.conf_level);
    snprintf(up, sizeof up, "upper %g%% CI", 100 * km->opt.conf_level);
    {
        const char *cn[7] = {"time", "n.risk", "n.event", "survival", "std.err", lo, up};
        for (size_t k = 0; k < km->ncurves; k++) {
            const obs_km_curve *c = &km->curves[k];
            size_t r = 0;
            if (c->ntime == 0) continue;
            fprintf(fp, "\n%s\n", g->names[k]);
            if (times) {
                obs_km_at(c, start, times, ntimes, pts);
                for (size_t q = 0; q < ntimes; q++, r++) {
                    double *row = m + r * 7;
                    row[0] = pts[q].time; row[1] = pts[q].n_risk; row[2] = pts[q].n_event;
                    row[3] = pts[q].surv; row[4] = pts[q].std_err;
                    row[5] = pts[q].lower; row[6] = pts[q].upper;
                }
            } else {
                for (size_t q = 0; q < c->ntime; q++) {
                    double *row = m + r * 7;
                    if (!(c->n_event[q] > 0)) continue;
                    row[0] = c->time[q]; row[1] = c->n_risk[q]; row[2] = c->n_event[q];
                    row[3] = c->surv[q]; row[4] = c->std_err[q];
                    row[5] = c->lower[q]; row[6] = c->upper[q];
                    r++;
                }
            }
            static const int count[7] = {0, 1, 1, 0, 0, 0, 0};
            print_matrix(fp, r, 7, m, NULL, cn, count, mc);
        }
    }
    free(m); free(rn);
    return OBS_OK;
}

/* A count as text: "<mc" when hidden. */
static void format_count(char *buf, size_t size, double v, long mc)
{
    if (hidden(v, mc)) snprintf(buf, size, "<%ld", mc);
    else snprintf(buf, size, "%.0f", v);
}

/* cli_add_dropped_warning under --min-cell: the counts from 1 to mc - 1 as
 * "<mc", so that the warning does not reveal what the output hides. */
static void add_dropped_warning_hidden(obs_warnings *w, const obs_frame *fr, long mc)
{
    char buf[OBS_ERROR_MAX], a[32], b[32];
    size_t len;
    if (fr->n_dropped == 0) return;
    format_count(a, sizeof a, (double)fr->n_dropped, mc);
    format_count(b, sizeof b, (double)fr->n_read, mc);
    len = (size_t)snprintf(buf, sizeof buf, "%s of %s rows dropped:", a, b);
    for (size_t i = 0; i < fr->nexclusions && len < sizeof buf; i++) {
        const obs_exclusion *e = &fr->exclusions[i];
        format_count(a, sizeof a, (double)e->count, mc);
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s %s in %s (%s)", i ? "," : "",
                                e->reason, e->variable, a);
    }
    obs_warnings_add(w, "%s", buf);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int cmd_km(int argc, char **argv)
{
    static const cli_option opts[] = {
        CLI_COMMON_OPTIONS,
        {"--conf-type", 1, "log|log-log|plain (default log)"},
        {"--conf-level", 1, "level of the pointwise intervals (0.95)"},
        {"--times", 1, "t1,t2,...: read the curves at these times"},
        {"--weights", 1, "case-weight column"},
        {"--min-cell", 1, "N: hide counts from 1 to N-1 (disclosure control; default off)"},
        {NULL, 0, NULL}};
    cli_args a;
    obs_error err;
    obs_km_options kopt;
    obs_table *t = NULL;
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_km *km = NULL;
    km_groups g = {0};
    double *times = NULL;
    size_t ntimes = 0;
    obs_km_point *pts = NULL;
    obs_warnings warn;
    cli_output o = {0};
    int code = 0;
    const char *ct;

    obs_error_clear(&err);
    obs_warnings_init(&warn);
    if (cli_parse(argc, argv, opts, USAGE, &a)) return a.exit_code;
    obs_km_options_default(&kopt);
    ct = cli_get(&a, "--conf-type");
    if (ct && obs_km_conf_type_parse(ct, &kopt.conf_type) != 0) {
        obs_error_set(&err, OBS_EUSAGE, "km: --conf-type must be log, log-log or plain, not '%s'", ct);
        return cli_fail(&err);
    }
    if (cli_get_double(&a, "--conf-level", 0.95, &kopt.conf_level, &err)) return cli_fail(&err);
    if (!(kopt.conf_level > 0 && kopt.conf_level < 1)) {
        obs_error_set(&err, OBS_EUSAGE, "km: --conf-level must be between 0 and 1, not %g",
                      kopt.conf_level);
        return cli_fail(&err);
    }
    if (a.format == CLI_HTML) {
        obs_error_set(&err, OBS_EUSAGE, "km: --format must be text, json or csv");
        return cli_fail(&err);
    }
    long mc = 0;
    if (cli_get_long(&a, "--min-cell", 0, &mc, &err)) return cli_fail(&err);
    if (mc < 0) {
        obs_error_set(&err, OBS_EUSAGE, "km: --min-cell must be a whole number >= 0, not %ld", mc);
        return cli_fail(&err);
    }
    if (cli_get_doubles(&a, "--times", &times, &ntimes, &err)) return cli_fail(&err);
    for (size_t k = 0; k < ntimes; k++)
        if (!isfinite(times[k])) {
            obs_error_set(&err, OBS_EUSAGE, "km: option --times: %g is not a finite time", times[k]);
            free(times);
            return cli_fail(&err);
        }
    if (times) qsort(times, ntimes, sizeof *times, cmp_double);   /* R sorts them */

    obs_frame_spec spec = {.rhs = OBS_FRAME_GROUPS, .response_required = OBS_FRAME_NEED_SURV,
                           .borrow_columns = 1,   /* the time column itself (the table outlives the frame) */
                           .weights = cli_get(&a, "--weights"), .drop_unused_levels = 1};
    if (cli_load_frame(&a, &spec, &t, &f, &fr, &err)) { code = cli_fail(&err); goto done; }
    if (fr->response != OBS_RESP_SURV || fr->start) {
        obs_error_set(&err, OBS_EUSAGE,
                      "km: the response must be Surv(time, event); counting-process data are not supported");
        code = cli_fail(&err);
        goto done;
    }
    if (km_make_groups(fr, f, &g, &err)) { code = cli_fail(&err); goto done; }
    if (obs_km_estimate(fr->n, fr->time, fr->status, fr->weights, g.code, g.ncodes, &kopt, &km, &err)) {
        code = cli_fail(&err);
        goto done;
    }
    if (ntimes) {
        pts = malloc(ntimes * sizeof *pts);
        if (!pts) { obs_error_set(&err, OBS_ENOMEM, "out of memory"); code = cli_fail(&err); goto done; }
    }
    if (mc > 0) add_dropped_warning_hidden(&warn, fr, mc);
    else cli_add_dropped_warning(&warn, fr);
    if (cli_output_open(&o, &a)) { code = 2; goto done; }
    if (a.format == CLI_JSON) {
        obs_render_km_json(o.fp, km, (const char *const *)g.names, fr, fr->n, spec.weights,
                           times, ntimes, pts, &warn, mc);
    } else if (a.format == CLI_CSV) {
        render_csv(o.fp, km, &g, times, ntimes, pts, mc);
    } else if (render_text(o.fp, km, &g, fr, f->text, spec.weights, times, ntimes, pts, mc, &err)) {
        cli_output_discard(&o);
        code = cli_fail(&err);
        goto done;
    }
    code = cli_output_close(&o);
    if (code == 0 && a.format != CLI_JSON) cli_print_warnings(&warn);
done:
    obs_warnings_free(&warn);
    free(pts);
    free(times);
    km_groups_free(&g);
    obs_km_free(&km);
    obs_frame_free(&fr);
    obs_formula_free(&f);
    obs_table_free(&t);
    return code;
}
