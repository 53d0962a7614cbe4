/*
 * args.c — option parsing for obsurv commands; see cli.h.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static long find_option(const cli_option *opts, const char *name, size_t len)
{
    for (long i = 0; opts[i].name; i++)
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0) return i;
    return -1;
}

static void print_usage(const char *usage, const cli_option *opts)
{
    fputs(usage, stdout);
    fputs("\nOptions:\n", stdout);
    for (long i = 0; opts[i].name; i++)
        printf("  %-18s %s\n", opts[i].name, opts[i].help ? opts[i].help : "");
    printf("  %-18s %s\n", "--help", "this text");
}

int cli_parse(int argc, char **argv, const cli_option *opts, const char *usage,
              cli_args *a)
{
    memset(a, 0, sizeof *a);
    a->command = argc > 0 ? argv[0] : "";
    a->opts = opts;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_usage(usage, opts);
            a->exit_code = 0;
            return 1;
        }
        if (strncmp(arg, "--", 2) != 0 || strcmp(arg, "-") == 0) {
            if (a->npositional == (int)(sizeof a->positional / sizeof a->positional[0])) {
                fprintf(stderr, "obsurv: error: %s: too many arguments\n", a->command);
                a->exit_code = 2;
                return 1;
            }
            a->positional[a->npositional++] = arg;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        long k = find_option(opts, arg, len);
        if (k < 0 || k >= CLI_MAX_OPTS) {
            fprintf(stderr, "obsurv: error: %s: unknown option '%.*s' (see obsurv %s --help)\n",
                    a->command, (int)len, arg, a->command);
            a->exit_code = 2;
            return 1;
        }
        if (opts[k].takes_value) {
            if (eq) a->values[k] = eq + 1;
            else if (i + 1 < argc) a->values[k] = argv[++i];
            else {
                fprintf(stderr, "obsurv: error: %s: option %s needs a value\n", a->command, opts[k].name);
                a->exit_code = 2;
                return 1;
            }
        } else {
            if (eq) {
                fprintf(stderr, "obsurv: error: %s: option %s takes no value\n", a->command, opts[k].name);
                a->exit_code = 2;
                return 1;
            }
            a->values[k] = "1";
        }
    }
    const char *fmt = cli_get(a, "--format");
    if (fmt) {
        if (strcmp(fmt, "text") == 0) a->format = CLI_TEXT;
        else if (strcmp(fmt, "json") == 0) a->format = CLI_JSON;
        else if (strcmp(fmt, "csv") == 0) a->format = CLI_CSV;
        else if (strcmp(fmt, "html") == 0) a->format = CLI_HTML;
        else {
            fprintf(stderr, "obsurv: error: %s: --format must be text, json, csv or html (table1), not '%s'\n",
                    a->command, fmt);
            a->exit_code = 2;
            return 1;
        }
    }
    return 0;
}

const char *cli_get(const cli_args *a, const char *name)
{
    long k = find_option(a->opts, name, strlen(name));
    return k < 0 ? NULL : a->values[k];
}

int cli_has(const cli_args *a, const char *name)
{
    return cli_get(a, name) != NULL;
}

const char *cli_require(const cli_args *a, const char *name, obs_error *err)
{
    const char *v = cli_get(a, name);
    if (!v) obs_error_set(err, OBS_EUSAGE, "%s: option %s is required", a->command, name);
    return v;
}

/* strtod over the whole string; 0 on success. */
static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || isnan(v)) return -1;
    *out = v;
    return 0;
}

int cli_get_double(const cli_args *a, const char *name, double def, double *out, obs_error *err)
{
    const char *v = cli_get(a, name);
    if (!v) {
        *out = def;
        return 0;
    }
    if (parse_double(v, out) != 0) {
        obs_error_set(err, OBS_EUSAGE, "%s: option %s: expected a number, got \"%s\"", a->command, name, v);
        return -1;
    }
    return 0;
}

int cli_get_long(const cli_args *a, const char *name, long def, long *out, obs_error *err)
{
    const char *v = cli_get(a, name);
    if (!v) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end != '\0' || errno == ERANGE) {
        obs_error_set(err, OBS_EUSAGE, "%s: option %s: expected a whole number, got \"%s\"", a->command, name, v);
        return -1;
    }
    *out = x;
    return 0;
}

int cli_get_doubles(const cli_args *a, const char *name, double **out, size_t *n, obs_error *err)
{
    *out = NULL;
    *n = 0;
    const char *v = cli_get(a, name);
    if (!v) return 0;
    size_t cap = 1;
    for (const char *p = v; *p; p++) cap += (*p == ',');
    double *x = malloc(cap * sizeof *x);
    char *copy = strdup(v);
    if (!x || !copy) {
        free(x);
        free(copy);
        obs_error_set(err, OBS_ENOMEM, "out of memory");
        return -1;
    }
    size_t k = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ') tok++;
        if (parse_double(tok, &x[k]) != 0) {
            obs_error_set(err, OBS_EUSAGE, "%s: option %s: expected numbers separated by commas, got \"%s\"",
                          a->command, name, tok);
            free(x);
            free(copy);
            return -1;
        }
        k++;
    }
    free(copy);
    if (k == 0) {
        free(x);
        obs_error_set(err, OBS_EUSAGE, "%s: option %s: expected at least one number", a->command, name);
        return -1;
    }
    *out = x;
    *n = k;
    return 0;
}
