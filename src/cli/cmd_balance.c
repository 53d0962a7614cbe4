/*
 * cmd_balance.c — obsurv balance: standardized mean differences and variance
 * ratios of the design-matrix terms between treated and control units,
 * unweighted and (with --weights) weighted, as MatchIt's summary.matchit.
 * Typical use: on the --matched output of obsurv match with --weights weights.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "ps_cli.h"
#include "obsurv/render_frame.h"

static const char *USAGE =
    "usage: obsurv balance --data PATH --formula \"treat ~ x1 + x2\" [--weights COL] [options]\n"
    "\n"
    "Covariate balance between treated (1) and control (0) units for every\n"
    "design-matrix term: means, standardized mean differences (ATT: SD of the\n"
    "treated; ATE: sqrt of the mean of both groups' variances) and variance\n"
    "ratios, before and, with --weights, after weighting.\n"
    "\n"
    "example:\n"
    "  obsurv match --data lalonde.csv --formula \"treat ~ age + educ\" --matched m.csv\n"
    "  obsurv balance --data m.csv --formula \"treat ~ age + educ\" --weights weights\n";

int cmd_balance(int argc, char **argv)
{
    static const cli_option opts[] = {
        CLI_COMMON_OPTIONS,
        {"--weights", 1, "weights column (matching or IPTW weights)"},
        {"--estimand", 1, "att|ate (att)"},
        {"--love-plot", 1, "write a love plot (SVG)"},
        {NULL, 0, NULL}};
    cli_args a;
    obs_error err;
    obs_error_clear(&err);
    if (cli_parse(argc, argv, opts, USAGE, &a)) return a.exit_code;
    const char *est = cli_get(&a, "--estimand") ? cli_get(&a, "--estimand") : "att";
    obs_estimand e;
    if (strcmp(est, "att") == 0 || strcmp(est, "ATT") == 0) e = OBS_ESTIMAND_ATT;
    else if (strcmp(est, "ate") == 0 || strcmp(est, "ATE") == 0) e = OBS_ESTIMAND_ATE;
    else {
        obs_error_set(&err, OBS_EUSAGE, "--estimand must be att or ate, got \"%s\"", est);
        return cli_fail(&err);
    }
    obs_frame_spec spec = {.rhs = OBS_FRAME_DESIGN, .intercept = 1,
                           .response_required = OBS_FRAME_NEED_BINARY,
                           .weights = cli_get(&a, "--weights"), .drop_unused_levels = 1};
    obs_table *t = NULL;
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    int *treat = NULL;
    size_t *idx = NULL;
    obs_balance_row *bal = NULL;
    obs_warnings warn;
    obs_warnings_init(&warn);
    int code = 0;
    size_t np = 0;
    a.read_all_columns = 1;
    if (cli_load_frame(&a, &spec, &t, &f, &fr, &err)) { code = cli_fail(&err); goto done; }
    cli_add_dropped_warning(&warn, fr);
    treat = ps_treat_from_frame(fr);
    idx = malloc(fr->p * sizeof *idx);
    bal = malloc(fr->p * sizeof *bal);
    if (!treat || !idx || !bal) { obs_error_set(&err, OBS_ENOMEM, "out of memory"); code = cli_fail(&err); goto done; }
    int with_after = fr->weights != NULL;
    if (ps_balance(fr, treat, fr->weights, e, bal, idx, &np, &err)) { code = cli_fail(&err); goto done; }
    if (cli_get(&a, "--love-plot") && ps_love_plot(cli_get(&a, "--love-plot"), fr, bal, idx, np, with_after, &err)) {
        code = cli_fail(&err);
        goto done;
    }
    cli_output o;
    if (cli_output_open(&o, &a)) { code = 2; goto done; }
    if (a.format == CLI_JSON) {
        obs_json j;
        obs_json_init(&j, o.fp);
        obs_json_begin_object(&j);
        obs_json_kv_string(&j, "estimand", e == OBS_ESTIMAND_ATT ? "ATT" : "ATE");
        obs_json_kv_int(&j, "n", (long long)fr->n);
        obs_json_kv_int(&j, "n_dropped", (long long)fr->n_dropped);
        cli_json_exclusions(&j, fr);
        obs_json_kv_string(&j, "weights", cli_get(&a, "--weights"));
        ps_balance_json(&j, fr, bal, idx, np, with_after);
        obs_render_warnings_json(&j, &warn);
        obs_json_end_object(&j);
    } else {
        fprintf(o.fp, "Covariate balance (%s)%s\n%s\n\n", e == OBS_ESTIMAND_ATT ? "ATT" : "ATE",
                with_after ? ", after = weighted" : "", f->text);
        ps_balance_text(o.fp, fr, bal, idx, np, with_after);
        cli_print_warnings(&warn);
    }
    code = cli_output_close(&o);
done:
    obs_warnings_free(&warn);
    obs_frame_free(&fr);
    obs_formula_free(&f);
    obs_table_free(&t);
    free(treat); free(idx); free(bal);
    return code;
}
