/*
 * cmd_weight.c — obsurv weight: inverse probability of treatment weights
 * from the logistic propensity model (formulas in obsurv/weight.h), the
 * balance they give, and the weights column written out with the data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "ps_cli.h"
#include "obsurv/render_frame.h"
#include "obsurv/weight.h"

static const char *USAGE =
    "usage: obsurv weight --data PATH --formula \"treat ~ x1 + x2\" [options]\n"
    "\n"
    "Inverse probability of treatment weights from a logistic propensity\n"
    "model (R glm): ATE 1/e and 1/(1-e), ATT 1 and e/(1-e); --stabilize\n"
    "multiplies by the marginal treatment probabilities; --trim LO,HI sets\n"
    "the weight of units whose score lies outside the LO and HI quantiles of\n"
    "the score to 0; --truncate LO,HI caps the weights at their LO and HI\n"
    "quantiles (quantiles as R's type 7; LO and HI are fractions, e.g.\n"
    "0.01,0.99).  Balance before and after weighting is reported.\n"
    "\n"
    "example:\n"
    "  obsurv weight --data lalonde.csv --estimand ate --stabilize \\\n"
    "      --formula \"treat ~ age + educ + race + married + nodegree + re74 + re75\" \\\n"
    "      --weights-out weighted.csv\n";

static int get_pair(const cli_args *a, const char *name, double *lo, double *hi, obs_error *err)
{
    double *v = NULL;
    size_t n = 0;
    *lo = *hi = NAN;
    if (cli_get_doubles(a, name, &v, &n, err)) return 1;
    if (!v) return 0;
    int bad = n != 2 || !(v[0] >= 0 && v[1] <= 1 && v[0] < v[1]);
    if (!bad) { *lo = v[0]; *hi = v[1]; }
    free(v);
    if (bad) {
        obs_error_set(err, OBS_EUSAGE, "%s takes two fractions LO,HI with 0 <= LO < HI <= 1", name);
        return 1;
    }
    return 0;
}

static void group_summary(obs_json *j, const char *key, const double *w, const int *treat,
                          size_t n, int g)
{
    double mn = INFINITY, mx = -INFINITY, s = 0, s2 = 0, cnt = 0;
    for (size_t i = 0; i < n; i++) {
        if (treat[i] != g) continue;
        if (w[i] < mn) mn = w[i];
        if (w[i] > mx) mx = w[i];
        s += w[i]; s2 += w[i] * w[i]; cnt++;
    }
    obs_json_key(j, key);
    obs_json_begin_object(j);
    obs_json_kv_int(j, "n", (long long)cnt);
    obs_json_kv_number(j, "min", mn);
    obs_json_kv_number(j, "max", mx);
    obs_json_kv_number(j, "mean", s / cnt);
    obs_json_kv_number(j, "sum", s);
    obs_json_kv_number(j, "ess", s2 > 0 ? s * s / s2 : NAN);   /* Kish's effective sample size */
    obs_json_end_object(j);
}

int cmd_weight(int argc, char **argv)
{
    static const cli_option opts[] = {
        CLI_COMMON_OPTIONS,
        {"--estimand", 1, "ate|att (ate)"},
        {"--stabilize", 0, "stabilized weights"},
        {"--trim", 1, "LO,HI: zero weight outside these score quantiles"},
        {"--truncate", 1, "LO,HI: cap weights at these weight quantiles"},
        {"--weights-out", 1, "write the rows used plus ps and weights as CSV"},
        {"--out-data", 1, "same as --weights-out"},
        {"--love-plot", 1, "write a love plot (SVG) of the balance"},
        {NULL, 0, NULL}};
    cli_args a;
    obs_error err;
    obs_error_clear(&err);
    if (cli_parse(argc, argv, opts, USAGE, &a)) return a.exit_code;
    obs_weight_options wo;
    obs_weight_options_default(&wo);
    const char *est = cli_get(&a, "--estimand") ? cli_get(&a, "--estimand") : "ate";
    if (strcmp(est, "att") == 0 || strcmp(est, "ATT") == 0) wo.estimand = OBS_ESTIMAND_ATT;
    else if (strcmp(est, "ate") == 0 || strcmp(est, "ATE") == 0) wo.estimand = OBS_ESTIMAND_ATE;
    else {
        obs_error_set(&err, OBS_EUSAGE, "--estimand must be ate or att, got \"%s\"", est);
        return cli_fail(&err);
    }
    wo.stabilize = cli_has(&a, "--stabilize");
    if (get_pair(&a, "--trim", &wo.trim_lo, &wo.trim_hi, &err) ||
        get_pair(&a, "--truncate", &wo.trunc_lo, &wo.trunc_hi, &err))
        return cli_fail(&err);
    const char *wout = cli_get(&a, "--weights-out") ? cli_get(&a, "--weights-out") : cli_get(&a, "--out-data");

    obs_frame_spec spec = {.rhs = OBS_FRAME_DESIGN, .intercept = 1,
                           .response_required = OBS_FRAME_NEED_BINARY, .drop_unused_levels = 1};
    obs_table *t = NULL;
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_logit_fit *fit = NULL;
    int *treat = NULL;
    double *w = NULL;
    size_t *idx = NULL, *keep = NULL;
    obs_balance_row *bal = NULL;
    obs_warnings warn;
    obs_warnings_init(&warn);
    int code = 0;
    a.read_all_columns = cli_has(&a, "--weights-out") || cli_has(&a, "--out-data");
    if (cli_load_frame(&a, &spec, &t, &f, &fr, &err)) { code = cli_fail(&err); goto done; }
    if (ps_fit(fr, 0, &fit, &err)) { code = cli_fail(&err); goto done; }
    cli_add_dropped_warning(&warn, fr);
    for (size_t k = 0; k < fit->warnings.n; k++)
        obs_warnings_add(&warn, "propensity model: %s", fit->warnings.msg[k]);
    size_t n = fr->n, ntrim = 0, ntrunc = 0, np = 0;
    treat = ps_treat_from_frame(fr);
    w = malloc(n * sizeof *w);
    idx = malloc(fr->p * sizeof *idx);
    keep = malloc(n * sizeof *keep);
    bal = malloc(fr->p * sizeof *bal);
    if (!treat || !w || !idx || !keep || !bal) {
        obs_error_set(&err, OBS_ENOMEM, "out of memory");
        code = cli_fail(&err);
        goto done;
    }
    if (obs_iptw(fit->fitted, treat, n, &wo, w, &ntrim, &ntrunc, &err)) {
        if (err.status == OBS_EDATA)   /* a score of 0 or 1: separation */
            obs_error_set(&err, OBS_EFIT, "%s; the weights are not defined (separation in the propensity model?)", err.msg);
        code = cli_fail(&err);
        goto done;
    }
    if (ps_balance(fr, treat, w, wo.estimand, bal, idx, &np, &err)) { code = cli_fail(&err); goto done; }
    if (cli_get(&a, "--love-plot") && ps_love_plot(cli_get(&a, "--love-plot"), fr, bal, idx, np, 1, &err)) {
        code = cli_fail(&err);
        goto done;
    }
    if (wout) {
        for (size_t i = 0; i < n; i++) keep[i] = i;
        const char *names[] = {"ps", "weights"};
        const double *vals[] = {fit->fitted, w};
        if (ps_write_rows_csv(wout, t, fr, keep, n, names, vals, 2, &err)) { code = cli_fail(&err); goto done; }
    }

    cli_output o;
    if (cli_output_open(&o, &a)) { code = 2; goto done; }
    if (a.format == CLI_JSON) {
        obs_json j;
        obs_json_init(&j, o.fp);
        obs_json_begin_object(&j);
        obs_json_kv_string(&j, "estimand", wo.estimand == OBS_ESTIMAND_ATT ? "ATT" : "ATE");
        obs_json_kv_bool(&j, "stabilized", wo.stabilize);
        obs_json_kv_int(&j, "n", (long long)n);
        obs_json_kv_int(&j, "n_dropped", (long long)fr->n_dropped);
        cli_json_exclusions(&j, fr);
        obs_json_kv_int(&j, "n_trimmed", (long long)ntrim);
        obs_json_kv_int(&j, "n_truncated", (long long)ntrunc);
        obs_json_key(&j, "weights");
        obs_json_begin_object(&j);
        group_summary(&j, "treated", w, treat, n, 1);
        group_summary(&j, "control", w, treat, n, 0);
        obs_json_end_object(&j);
        ps_balance_json(&j, fr, bal, idx, np, 1);
        obs_render_warnings_json(&j, &warn);
        obs_json_end_object(&j);
    } else {
        FILE *fp = o.fp;
        fprintf(fp, "Inverse probability of treatment weights (%s%s)\n%s\n",
                wo.estimand == OBS_ESTIMAND_ATT ? "ATT" : "ATE", wo.stabilize ? ", stabilized" : "", f->text);
        fprintf(fp, "n = %zu", n);
        if (ntrim) fprintf(fp, ", %zu trimmed (weight 0)", ntrim);
        if (ntrunc) fprintf(fp, ", %zu weights truncated", ntrunc);
        fprintf(fp, "\n\n");
        for (int g = 1; g >= 0; g--) {
            double mn = INFINITY, mx = -INFINITY, s = 0, s2 = 0;
            for (size_t i = 0; i < n; i++) if (treat[i] == g) {
                if (w[i] < mn) mn = w[i];
                if (w[i] > mx) mx = w[i];
                s += w[i]; s2 += w[i] * w[i];
            }
            fprintf(fp, "%-8s weights: min %.4g  max %.4g  sum %.4g  effective n %.1f\n",
                    g ? "treated" : "control", mn, mx, s, s * s / s2);
        }
        fputc('\n', fp);
        ps_balance_text(fp, fr, bal, idx, np, 1);
        cli_print_warnings(&warn);
    }
    code = cli_output_close(&o);

done:
    obs_warnings_free(&warn);
    obs_logit_fit_free(&fit);
    obs_frame_free(&fr);
    obs_formula_free(&f);
    obs_table_free(&t);
    free(treat); free(w); free(idx); free(keep); free(bal);
    return code;
}
