/*
 * cmd_table1.c — obsurv table1: baseline characteristics by group, as R
 * tableone's print(CreateTableOne(...), nonnormal =, exact =, smd = TRUE)
 * (text), or JSON (spec/cli.md), CSV, or HTML (a standalone page).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "obsurv/render_table1.h"
#include "obsurv/table1.h"

static const char *USAGE =
    "usage: obsurv table1 --data PATH --by COLUMN [options]\n"
    "\n"
    "Baseline characteristics by group (\"Table 1\"), as R tableone's CreateTableOne.\n"
    "Numeric columns are continuous: mean (SD), one-way ANOVA (oneway.test,\n"
    "var.equal = TRUE); --nonnormal ones median [IQR], Kruskal-Wallis.  Text\n"
    "columns (and --categorical numeric ones) are categorical: n (%) of the\n"
    "non-missing values, chi-squared test (Yates on 2 x 2); --exact ones Fisher's\n"
    "exact test (any r x c; very large tables are refused with a warning).\n"
    "SMD: standardised mean difference (Yang & Dalton for categorical variables);\n"
    "with more than two groups the mean of the pairwise ones.  Rows with a missing\n"
    "--by value are left out; other missing values are excluded per variable.\n"
    "Without --by: the overall column only.  --format html writes a page.\n"
    "\n"
    "Disclosure control: --min-cell N hides every count from 1 to N-1 (group\n"
    "sizes, level counts with their percentages, summaries of a group with so\n"
    "few values, missing counts), then as many further cells as it takes so that\n"
    "none can be recovered by subtraction from its column or line; \"<N\" in text,\n"
    "CSV and HTML, null in JSON with \"suppressed\" flags (\"min_cell\": N at the\n"
    "top).  Zero reveals no one and is shown.  Tests and SMDs are unchanged.\n"
    "Default off.\n"
    "\n"
    "example:\n"
    "  obsurv table1 --data lung.csv --by sex --vars age,ph.ecog,wt.loss \\\n"
    "      --categorical ph.ecog --nonnormal wt.loss\n";

static const cli_option OPTS[] = {
    CLI_COMMON_OPTIONS,
    {"--by", 1, "grouping column"},
    {"--vars", 1, "variables to describe, comma-separated (default: every other column)"},
    {"--nonnormal", 1, "continuous variables shown as median [IQR], Kruskal-Wallis test"},
    {"--exact", 1, "categorical variables tested with Fisher's exact test"},
    {"--categorical", 1, "numeric columns to treat as categorical"},
    {"--min-cell", 1, "N: hide counts from 1 to N-1 (disclosure control; default off)"},
    {NULL, 0, NULL}};

/* Split "a,b, c" into names (pointers into *copy); *names malloc'd. */
static int split_names(const char *s, char **copy, const char ***names, size_t *n)
{
    *copy = NULL;
    *names = NULL;
    *n = 0;
    if (!s)
        return 0;
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ',';
    *copy = strdup(s);
    *names = malloc(cap * sizeof **names);
    if (!*copy || !*names)
        return -1;
    char *save = NULL;
    for (char *tok = strtok_r(*copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        char *end = tok + strlen(tok);
        while (end > tok && end[-1] == ' ')
            *--end = '\0';
        if (*tok)
            (*names)[(*n)++] = tok;
    }
    return 0;
}

int cmd_table1(int argc, char **argv)
{
    cli_args a;
    if (cli_parse(argc, argv, OPTS, USAGE, &a))
        return a.exit_code;
    obs_error err;
    obs_error_clear(&err);
    if (cli_has(&a, "--formula")) {
        obs_error_set(&err, OBS_EUSAGE,
                      "table1: --formula is not used; name the columns with --by and --vars");
        return cli_fail(&err);
    }
    const char *opt[4] = {"--vars", "--nonnormal", "--exact", "--categorical"};
    char *copy[4] = {NULL};
    const char **names[4] = {NULL};
    size_t n[4] = {0};
    obs_table *t = NULL;
    obs_table1 *res = NULL;
    int code = 0;
    for (int k = 0; k < 4; k++)
        if (split_names(cli_get(&a, opt[k]), &copy[k], &names[k], &n[k])) {
            obs_error_set(&err, OBS_ENOMEM, "out of memory");
            code = cli_fail(&err);
            goto done;
        }
    long min_cell = 0;
    if (cli_get_long(&a, "--min-cell", 0, &min_cell, &err) || min_cell < 0) {
        if (min_cell < 0)
            obs_error_set(&err, OBS_EUSAGE, "table1: --min-cell must be a whole number >= 0, not %ld",
                          min_cell);
        code = cli_fail(&err);
        goto done;
    }
    if (cli_has(&a, "--vars") && n[0] == 0) {
        obs_error_set(&err, OBS_EUSAGE, "table1: --vars: expected column names separated by commas");
        code = cli_fail(&err);
        goto done;
    }
    if (cli_load_table(&a, &t, &err)) {
        code = cli_fail(&err);
        goto done;
    }
    obs_table1_spec spec = {
        .by = cli_get(&a, "--by"),
        .vars = cli_has(&a, "--vars") ? names[0] : NULL, .nvars = n[0],
        .nonnormal = names[1], .nnonnormal = n[1],
        .exact = names[2], .nexact = n[2],
        .categorical = names[3], .ncategorical = n[3]};
    if (obs_table1_build(t, &spec, &res, &err) || obs_table1_suppress(res, min_cell, &err)) {
        code = cli_fail(&err);
        goto done;
    }
    cli_output o;
    if (cli_output_open(&o, &a)) {
        obs_error_set(&err, OBS_ENOMEM, "out of memory");
        code = cli_fail(&err);
        goto done;
    }
    int wrc;
    switch (a.format) {
    case CLI_JSON: wrc = obs_table1_write_json(res, o.fp); break;
    case CLI_CSV: wrc = obs_table1_write_csv(res, o.fp); break;
    case CLI_HTML: wrc = obs_table1_write_html(res, o.fp, 1); break;
    default: wrc = obs_table1_write_text(res, o.fp); break;
    }
    if (wrc) {
        cli_output_discard(&o);
        obs_error_set(&err, OBS_ENOMEM, "table1: could not render the result");
        code = cli_fail(&err);
        goto done;
    }
    if (a.format != CLI_JSON)
        cli_print_warnings(&res->warnings);
    code = cli_output_close(&o);
done:
    for (int k = 0; k < 4; k++) {
        free(copy[k]);
        free(names[k]);
    }
    obs_table1_free(&res);
    obs_table_free(&t);
    return code;
}
