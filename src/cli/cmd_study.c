/*
 * cmd_study.c — obsurv study SPEC.yaml --out DIR: a whole observational
 * study from one specification (spec/cli.md "obsurv study").  The library
 * runs it (obs_study_run) and writes the report (obs_study_report_write);
 * this command parses the options, prints a short summary and the
 * published-versus-obsurv table to standard output, and warnings to
 * standard error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"
#include "obsurv/study.h"

#ifndef OBSURV_VERSION
#define OBSURV_VERSION "0.0.0"
#endif

static const char *USAGE =
    "usage: obsurv study SPEC.yaml --out DIR [--data PATH] [--min-cell N] [--quiet]\n"
    "\n"
    "Runs the observational study that SPEC.yaml describes: the patient flow,\n"
    "Table 1 by arm before and after propensity-score matching, Kaplan-Meier\n"
    "survival by arm with the log-rank test, the propensity model and matching\n"
    "(as MatchIt), a univariable Cox screen, the Cox models of the spec, and\n"
    "the treatment effect in subgroups with interaction tests.  Writes DIR/\n"
    "index.html (one self-contained page), results.json, CSV tables and the\n"
    "figures as SVG, PNG and PDF.  Prints a summary and, when the spec has a\n"
    "published: list, each published figure beside obsurv's estimate.\n"
    "Keys of the spec: see examples/nelm/study.yaml.\n"
    "--min-cell N hides every count from 1 to N-1 (and what reveals it) in all\n"
    "outputs, as report: min_cell: N in the spec (the option wins).\n"
    "SOURCE_DATE_EPOCH, when set, fixes the date written in the report.\n"
    "\n"
    "example:\n"
    "  obsurv simulate nelm --out nelm.csv\n"
    "  obsurv study examples/nelm/study.yaml --out report/nelm\n";

int cmd_study(int argc, char **argv)
{
    static const cli_option opts[] = {
        {"--out", 1, "the report folder (created if absent)"},
        {"--data", 1, "the data file (overrides the spec's data:)"},
        {"--min-cell", 1, "disclosure control: hide counts 1..N-1 (overrides report: min_cell:)"},
        {"--quiet", 0, "print nothing on success"},
        {NULL, 0, NULL}};
    cli_args a;
    obs_error err;
    obs_error_clear(&err);
    if (cli_parse(argc, argv, opts, USAGE, &a)) return a.exit_code;
    if (a.npositional != 1) {
        obs_error_set(&err, OBS_EUSAGE, "study: expected one SPEC.yaml (see obsurv study --help)");
        return cli_fail(&err);
    }
    const char *out = cli_require(&a, "--out", &err);
    if (!out) return cli_fail(&err);

    /* provenance: the command line and the date (SOURCE_DATE_EPOCH or now) */
    size_t len = 16;
    for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 3;
    char *cmdline = malloc(len);
    if (!cmdline) {
        obs_error_set(&err, OBS_ENOMEM, "out of memory");
        return cli_fail(&err);
    }
    strcpy(cmdline, "obsurv");
    for (int i = 0; i < argc; i++) {
        strcat(cmdline, " ");
        int quote = strpbrk(argv[i], " \t\"'$") != NULL;
        if (quote) strcat(cmdline, "'");
        strcat(cmdline, argv[i]);
        if (quote) strcat(cmdline, "'");
    }
    char date[64];
    time_t now = time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) now = (time_t)strtoll(sde, NULL, 10);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    obs_study_provenance prov = {cmdline, date, OBSURV_VERSION};

    obs_study_spec *spec = NULL;
    obs_study_result *r = NULL;
    int code = 0;
    if (obs_study_spec_load(a.positional[0], &spec, &err)) {
        code = cli_fail(&err);
        goto done;
    }
    if (cli_get(&a, "--data")) {
        char *d = strdup(cli_get(&a, "--data"));
        if (!d) {
            obs_error_set(&err, OBS_ENOMEM, "out of memory");
            code = cli_fail(&err);
            goto done;
        }
        free(spec->data);
        spec->data = d;
    }
    if (cli_get(&a, "--min-cell")) {
        long mc = 0;
        if (cli_get_long(&a, "--min-cell", 0, &mc, &err)) {
            code = cli_fail(&err);
            goto done;
        }
        if (mc < 0 || mc > 1000000000L) {
            obs_error_set(&err, OBS_EUSAGE, "study: option --min-cell: expected a whole number from 0 to 1e9, got %ld", mc);
            code = cli_fail(&err);
            goto done;
        }
        spec->min_cell = mc;
    }
    if (obs_study_run(spec, &r, &err) ||
        obs_study_report_write(r, &prov, out, &err)) {
        code = cli_fail(&err);
        goto done;
    }
    cli_print_warnings(&r->warnings);
    if (!cli_has(&a, "--quiet")) {
        obs_study_write_summary(r, stdout);
        if (r->ncomparisons) {
            fputc('\n', stdout);
            obs_study_write_comparison(r, stdout);
        }
        printf("\nreport: %s/index.html (results.json, tables, figures)\n", out);
    }
done:
    obs_study_result_free(&r);
    obs_study_spec_free(&spec);
    free(cmdline);
    return code;
}
