/*
 * cmd_logit.c — obsurv logit: logistic regression as R's
 * glm(formula, family = binomial), with odds ratios, Wald intervals and the
 * c-statistic of the fitted probabilities.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "ps_cli.h"
#include "obsurv/render_frame.h"
#include "obsurv/dist.h"

static const char *USAGE =
    "usage: obsurv logit --data PATH --formula \"y ~ x1 + x2\" [options]\n"
    "\n"
    "Logistic regression fitted as R's glm(family = binomial): IRLS from\n"
    "mu = (y + 0.5) / 2, convergence |dev - dev_old| / (|dev| + 0.1) < 1e-8,\n"
    "at most 25 iterations.  Prints coefficients, standard errors, z, P,\n"
    "odds ratios with Wald intervals, deviances, AIC and the AUC of the\n"
    "fitted probabilities.  The response must be 0/1 (or TRUE/FALSE).\n"
    "\n"
    "example:\n"
    "  obsurv logit --data lalonde.csv \\\n"
    "      --formula \"treat ~ age + educ + race + married + nodegree + re74 + re75\"\n";

int cmd_logit(int argc, char **argv)
{
    static const cli_option opts[] = {
        CLI_COMMON_OPTIONS,
        {"--weights", 1, "prior weights column (glm's weights)"},
        {"--conf-level", 1, "level of the odds-ratio intervals (0.95)"},
        {NULL, 0, NULL}};
    cli_args a;
    obs_error err;
    obs_error_clear(&err);
    if (cli_parse(argc, argv, opts, USAGE, &a)) return a.exit_code;
    double level;
    if (cli_get_double(&a, "--conf-level", 0.95, &level, &err)) return cli_fail(&err);
    if (!(level > 0 && level < 1)) {
        obs_error_set(&err, OBS_EUSAGE, "--conf-level must be between 0 and 1");
        return cli_fail(&err);
    }
    obs_frame_spec spec = {.rhs = OBS_FRAME_DESIGN, .intercept = 1,
                           .response_required = OBS_FRAME_NEED_BINARY,
                           .weights = cli_get(&a, "--weights"), .drop_unused_levels = 1,
                           .borrow_columns = 1};
    obs_table *t = NULL;
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_logit_fit *fit = NULL;
    if (cli_load_frame(&a, &spec, &t, &f, &fr, &err)) return cli_fail(&err);
    /* the frame holds all the fit needs: free the table's memory now (all
     * but the columns the design borrows; those go with t at the end) */
    cli_table_release_unborrowed(&t, fr);
    int code = 0;
    if (ps_fit(fr, 1, &fit, &err)) { code = cli_fail(&err); goto done; }

    obs_warnings warn;
    obs_warnings_init(&warn);
    cli_add_dropped_warning(&warn, fr);
    for (size_t k = 0; k < fit->warnings.n; k++) obs_warnings_add(&warn, "%s", fit->warnings.msg[k]);

    double zq = obs_qnorm(1 - (1 - level) / 2);
    cli_output o;
    if (cli_output_open(&o, &a)) { code = 2; obs_warnings_free(&warn); goto done; }
    if (a.format == CLI_JSON) {
        obs_json j;
        obs_json_init(&j, o.fp);
        obs_json_begin_object(&j);
        obs_json_kv_int(&j, "n", (long long)fr->n);
        obs_json_kv_int(&j, "n_dropped", (long long)fr->n_dropped);
        cli_json_exclusions(&j, fr);
        obs_json_kv_bool(&j, "converged", fit->converged);
        obs_json_kv_int(&j, "iterations", fit->iterations);
        obs_json_kv_number(&j, "deviance", fit->deviance);
        obs_json_kv_number(&j, "null_deviance", fit->null_deviance);
        obs_json_kv_number(&j, "df_residual", fit->df_residual);
        obs_json_kv_number(&j, "df_null", fit->df_null);
        obs_json_kv_number(&j, "aic", fit->aic);
        obs_json_kv_number(&j, "loglik", fit->loglik);
        obs_json_kv_int(&j, "rank", (long long)fit->rank);
        obs_json_kv_number(&j, "auc", fit->auc);
        obs_json_kv_number(&j, "conf_level", level);
        obs_json_key(&j, "coefficients");
        obs_json_begin_array(&j);
        for (size_t k = 0; k < fr->p; k++) {
            double b = fit->coef[k], se = fit->se[k];
            obs_json_begin_object(&j);
            obs_json_kv_string(&j, "term", fr->colnames[k]);
            obs_json_kv_number(&j, "coef", b);
            obs_json_kv_number(&j, "se", se);
            obs_json_kv_number(&j, "z", fit->z[k]);
            obs_json_kv_number(&j, "p", fit->pval[k]);
            obs_json_kv_number(&j, "or", exp(b));
            obs_json_kv_number(&j, "or_lower", exp(b - zq * se));
            obs_json_kv_number(&j, "or_upper", exp(b + zq * se));
            obs_json_kv_bool(&j, "aliased", fit->aliased[k]);
            obs_json_end_object(&j);
        }
        obs_json_end_array(&j);
        obs_render_warnings_json(&j, &warn);
        obs_json_end_object(&j);
    } else {
        FILE *fp = o.fp;
        fprintf(fp, "Logistic regression (glm, binomial, logit link): %s\n", f->text);
        fprintf(fp, "n = %zu", fr->n);
        if (fr->n_dropped) fprintf(fp, " (%zu rows dropped)", fr->n_dropped);
        fprintf(fp, "\n\nCoefficients:\n");
        int nw = 16;   /* the term column, as wide as the longest name */
        for (size_t k = 0; k < fr->p; k++)
            if ((int)strlen(fr->colnames[k]) > nw) nw = (int)strlen(fr->colnames[k]);
        fprintf(fp, "%-*s %13s %12s %9s %11s %11s %11s %11s\n", nw, "", "Estimate", "Std. Error",
                "z value", "Pr(>|z|)", "OR", "lower", "upper");
        for (size_t k = 0; k < fr->p; k++) {
            double b = fit->coef[k], se = fit->se[k];
            if (fit->aliased[k]) {
                fprintf(fp, "%-*s %13s %12s %9s %11s %11s %11s %11s\n", nw, fr->colnames[k],
                        "NA", "NA", "NA", "NA", "NA", "NA", "NA");
                continue;
            }
            fprintf(fp, "%-*s %13.6g %12.6g %9.3f %11.4g %11.4g %11.4g %11.4g\n", nw, fr->colnames[k],
                    b, se, fit->z[k], fit->pval[k], exp(b), exp(b - zq * se), exp(b + zq * se));
        }
        fprintf(fp, "(odds-ratio intervals: Wald, %g%%)\n\n", 100 * level);
        fprintf(fp, "    Null deviance: %.2f  on %g  degrees of freedom\n", fit->null_deviance, fit->df_null);
        fprintf(fp, "Residual deviance: %.2f  on %g  degrees of freedom\n", fit->deviance, fit->df_residual);
        fprintf(fp, "AIC: %.2f    AUC (c-statistic): %.4f\n", fit->aic, fit->auc);
        fprintf(fp, "Number of Fisher Scoring iterations: %d%s\n", fit->iterations,
                fit->converged ? "" : " (not converged)");
        cli_print_warnings(&warn);
    }
    obs_warnings_free(&warn);
    code = cli_output_close(&o);

done:
    obs_logit_fit_free(&fit);
    obs_frame_free(&fr);
    obs_formula_free(&f);
    obs_table_free(&t);
    return code;
}
