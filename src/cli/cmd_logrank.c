/*
 * cmd_logrank.c — obsurv logrank: the G-rho family of tests as R's
 * survdiff(), printed as print(survdiff) does (text), or as JSON / CSV.
 *
 * Groups are the right-hand-side variables (cross-classified by the model
 * frame); strata() terms give the stratified test.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "obsurv/render_logrank.h"
#include "obsurv/json.h"
#include "obsurv/logrank.h"

static const char *USAGE =
    "usage: obsurv logrank --data PATH --formula \"Surv(time, status) ~ group\" [options]\n"
    "\n"
    "Tests whether survival differs between the groups of the right-hand side,\n"
    "as R's survdiff(): rho = 0 (default) is the log-rank test, rho = 1 the\n"
    "Peto & Peto modification of the Gehan-Wilcoxon test; each death time is\n"
    "weighted by S(t-)^rho (pooled Kaplan-Meier).  strata(x) in the formula\n"
    "gives the stratified test.\n"
    "\n"
    "example:\n"
    "  obsurv logrank --data lung.csv --formula \"Surv(time, status) ~ sex + strata(ph.ecog)\"\n";

/* Decimals R's fixed notation needs for 3 significant digits (formatReal). */
static int sig_decimals(double x, int digits)
{
    char buf[64], *e;
    int sig, ex, d;
    if (!isfinite(x) || x == 0) return 0;
    snprintf(buf, sizeof buf, "%.*e", digits - 1, fabs(x));
    e = strchr(buf, 'e');
    ex = atoi(e + 1);
    sig = digits;
    for (char *p = e - 1; sig > 1 && *p == '0'; p--) sig--;
    d = sig - 1 - ex;
    return d < 0 ? 0 : (d > 15 ? 15 : d);
}

/* R's format.pval(p, digits = 1) as print.survdiff shows it. */
static void format_pval(char *buf, size_t size, double p)
{
    char fixed[64], sci[64];
    if (!isfinite(p)) { snprintf(buf, size, "NA"); return; }
    if (p < DBL_EPSILON) { snprintf(buf, size, "<2e-16"); return; }
    snprintf(fixed, sizeof fixed, "%.*f", sig_decimals(p, 1), p);
    snprintf(sci, sizeof sci, "%.0e", p);
    snprintf(buf, size, "%s", strlen(fixed) <= strlen(sci) ? fixed : sci);
}

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

static void render_csv(FILE *fp, const obs_logrank *lr, const obs_frame *fr)
{
    size_t G = lr->ngroups;
    fputs("group,n,observed,expected,oe2_over_e,oe2_over_v,chisq,df,p\n", fp);
    for (size_t g = 0; g < G; g++) {
        double oe = lr->observed[g] - lr->expected[g];
        csv_string(fp, fr->group_names[g]);
        fprintf(fp, ",%zu", lr->n[g]);
        csv_number(fp, lr->observed[g]);
        csv_number(fp, lr->expected[g]);
        csv_number(fp, oe * oe / lr->expected[g]);
        csv_number(fp, oe * oe / lr->var[g * G + g]);
        csv_number(fp, lr->chisq);
        fprintf(fp, ",%d", lr->df);
        csv_number(fp, lr->p);
        fputc('\n', fp);
    }
}

/* print.survdiff: N Observed Expected (O-E)^2/E (O-E)^2/V, then Chisq= on df, p=. */
static void render_text(FILE *fp, const obs_logrank *lr, const obs_frame *fr, const char *formula)
{
    enum { NC = 5 };
    static const char *cn[NC] = {"N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"};
    size_t G = lr->ngroups;
    int dec[NC] = {0}, width[NC], rw = 0;
    char buf[64];
    double v[NC];

    fprintf(fp, "%s test (rho = %g): %s\n", lr->rho == 0 ? "Log-rank" : "G-rho", lr->rho, formula);
    if (fr->n_dropped)
        fprintf(fp, "n=%zu, %zu observation%s deleted due to missingness.\n", fr->n, fr->n_dropped,
                fr->n_dropped == 1 ? "" : "s");
    fputc('\n', fp);
    for (int c = 0; c < NC; c++) width[c] = (int)strlen(cn[c]);
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 2) {
            fprintf(fp, "%*s", rw, "");
            for (int c = 0; c < NC; c++) fprintf(fp, " %*s", width[c], cn[c]);
            fputc('\n', fp);
        }
        for (size_t g = 0; g < G; g++) {
            double oe = lr->observed[g] - lr->expected[g];
            v[0] = (double)lr->n[g]; v[1] = lr->observed[g]; v[2] = lr->expected[g];
            v[3] = oe * oe / lr->expected[g]; v[4] = oe * oe / lr->var[g * G + g];
            if (pass == 0) {
                int l = (int)strlen(fr->group_names[g]);
                if (l > rw) rw = l;
                for (int c = 0; c < NC; c++) { int d = sig_decimals(v[c], 3); if (d > dec[c]) dec[c] = d; }
                continue;
            }
            if (pass == 2) fprintf(fp, "%-*s", rw, fr->group_names[g]);
            for (int c = 0; c < NC; c++) {
                if (isfinite(v[c])) snprintf(buf, sizeof buf, "%.*f", dec[c], v[c]);
                else snprintf(buf, sizeof buf, "NA");
                if (pass == 1 && (int)strlen(buf) > width[c]) width[c] = (int)strlen(buf);
                if (pass == 2) fprintf(fp, " %*s", width[c], buf);
            }
            if (pass == 2) fputc('\n', fp);
        }
    }
    {
        char chi[64], p[64];
        double r = round(lr->chisq * 10) / 10;
        snprintf(chi, sizeof chi, "%.1f", r);
        if (strlen(chi) > 2 && strcmp(chi + strlen(chi) - 2, ".0") == 0) chi[strlen(chi) - 2] = '\0';
        format_pval(p, sizeof p, lr->p);
        fprintf(fp, "\n Chisq= %s  on %d degrees of freedom, p= %s\n", chi, lr->df, p);
    }
}

int cmd_logrank(int argc, char **argv)
{
    static const cli_option opts[] = {
        CLI_COMMON_OPTIONS,
        {"--rho", 1, "weight S(t-)^rho: 0 log-rank (default), 1 Peto-Peto"},
        {NULL, 0, NULL}};
    cli_args a;
    obs_error err;
    obs_table *t = NULL;
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_logrank *lr = NULL;
    obs_warnings warn;
    cli_output o = {0};
    double rho;
    int code = 0;

    obs_error_clear(&err);
    obs_warnings_init(&warn);
    if (cli_parse(argc, argv, opts, USAGE, &a)) return a.exit_code;
    if (cli_get_double(&a, "--rho", 0.0, &rho, &err)) return cli_fail(&err);
    if (!isfinite(rho)) {
        obs_error_set(&err, OBS_EUSAGE, "logrank: --rho must be a finite number");
        return cli_fail(&err);
    }
    if (a.format == CLI_HTML) {
        obs_error_set(&err, OBS_EUSAGE, "logrank: --format must be text, json or csv");
        return cli_fail(&err);
    }
    obs_frame_spec spec = {.rhs = OBS_FRAME_GROUPS, .response_required = OBS_FRAME_NEED_SURV,
                           .borrow_columns = 1,   /* the time column itself (the table outlives the frame) */
                           .drop_unused_levels = 1};
    if (cli_load_frame(&a, &spec, &t, &f, &fr, &err)) return cli_fail(&err);
    if (fr->response != OBS_RESP_SURV || fr->start) {
        obs_error_set(&err, OBS_EUSAGE, "logrank: the response must be Surv(time, event) (right-censored data only)");
        code = cli_fail(&err);
        goto done;
    }
    if (fr->group == NULL || fr->ngroups < 2) {
        obs_error_set(&err, OBS_EUSAGE, "logrank: no groups to test: formula \"%s\" has %s",
                      f->text, fr->group == NULL ? "no grouping variable" : "only one group");
        code = cli_fail(&err);
        goto done;
    }
    if (obs_logrank_test(fr->n, fr->time, fr->status, fr->group, fr->ngroups, fr->strata,
                         fr->nstrata, rho, &lr, &err)) {
        code = cli_fail(&err);
        goto done;
    }
    cli_add_dropped_warning(&warn, fr);
    if (lr->df == 0 &&      /* R: "NaNs produced" and p = NA; say why */
        obs_warnings_add(&warn, "no P value: 0 degrees of freedom (no events, or no more than "
                                "one group at risk at the event times)") != OBS_OK) {
        obs_error_set(&err, OBS_ENOMEM, "out of memory");
        code = cli_fail(&err);
        goto done;
    }
    if (cli_output_open(&o, &a)) { code = 2; goto done; }
    if (a.format == CLI_JSON) obs_render_logrank_json(o.fp, lr, fr, fr->n, &warn);
    else if (a.format == CLI_CSV) render_csv(o.fp, lr, fr);
    else render_text(o.fp, lr, fr, f->text);
    code = cli_output_close(&o);
    if (code == 0 && a.format != CLI_JSON) cli_print_warnings(&warn);
done:
    obs_warnings_free(&warn);
    obs_logrank_free(&lr);
    obs_frame_free(&fr);
    obs_formula_free(&f);
    obs_table_free(&t);
    return code;
}
