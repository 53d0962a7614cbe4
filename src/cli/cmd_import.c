/*
 * cmd_import.c — obsurv import: append center files to a SQLite registry
 * (library: obsurv/import.h).  --center takes two words (NAME FILE) and may
 * repeat, so the arguments are parsed here rather than by cli_parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "obsurv/import.h"
#include "obsurv/json.h"

static const char USAGE[] =
    "usage: obsurv import --center NAME FILE [--center NAME FILE ...] --into REGISTRY.sqlite\n"
    "                     [--table NAME] [--format text|json] [--out PATH]\n"
    "\n"
    "Appends every center's file (CSV, Stata, SPSS, SAS or SQLite, chosen by\n"
    "content) to one table of a SQLite registry, with a \"center\" column, in a\n"
    "single transaction: all files or none.  The files must have the same\n"
    "columns and types (checked against each other and against the registry);\n"
    "each file's SHA-256 goes into the registry's import_log table, and a file\n"
    "already imported is refused.\n"
    "\n"
    "Example:\n"
    "  obsurv import --center oslo oslo.csv --center lund lund.dta --into nelm.sqlite\n"
    "  obsurv km --data nelm.sqlite --table registry --formula \"Surv(time, status) ~ center\"\n"
    "\n"
    "Options:\n"
    "  --center NAME FILE  a center and its data file (repeat for each center)\n"
    "  --into PATH         the registry database (created when absent)\n"
    "  --table NAME        registry table (default registry)\n"
    "  --format F          text (default) or json\n"
    "  --out PATH          write the summary to PATH instead of standard output\n"
    "  --help              this text\n";

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "obsurv: error: import: %s%s%s (see obsurv import --help)\n", msg,
            arg ? " " : "", arg ? arg : "");
    return 2;
}

/* Value of "--opt VALUE" or "--opt=VALUE" at argv[*i]; NULL when absent. */
static const char *option_value(int argc, char **argv, int *i, const char *opt, int *bad)
{
    size_t len = strlen(opt);
    if (strncmp(argv[*i], opt, len) != 0) return NULL;
    if (argv[*i][len] == '=') return argv[*i] + len + 1;
    if (argv[*i][len] != '\0') return NULL;
    if (*i + 1 >= argc) {
        *bad = 1;
        return NULL;
    }
    return argv[++*i];
}

static void render(FILE *fp, int json, const char *into, const obs_import_result *r)
{
    if (json) {
        obs_json j;
        obs_json_init(&j, fp);
        obs_json_begin_object(&j);
        obs_json_kv_string(&j, "into", into);
        obs_json_kv_string(&j, "table", r->table);
        obs_json_kv_int(&j, "rows", (long long)r->rows);
        obs_json_kv_int(&j, "columns", (long long)r->columns);
        obs_json_kv_int(&j, "registry_rows", (long long)r->registry_rows);
        obs_json_key(&j, "files");
        obs_json_begin_array(&j);
        for (size_t k = 0; k < r->nfiles; k++) {
            obs_json_begin_object(&j);
            obs_json_kv_string(&j, "center", r->files[k].center);
            obs_json_kv_string(&j, "file", r->files[k].path);
            obs_json_kv_string(&j, "sha256", r->files[k].sha256);
            obs_json_kv_int(&j, "rows", (long long)r->files[k].rows);
            obs_json_end_object(&j);
        }
        obs_json_end_array(&j);
        obs_json_end_object(&j);
        fputc('\n', fp);
        return;
    }
    fprintf(fp, "Imported %zu rows from %zu file%s into table \"%s\" of %s (%zu rows now).\n\n", r->rows,
            r->nfiles, r->nfiles == 1 ? "" : "s", r->table, into, r->registry_rows);
    fprintf(fp, "%-16s %8s  %-64s  %s\n", "center", "rows", "sha256", "file");
    for (size_t k = 0; k < r->nfiles; k++)
        fprintf(fp, "%-16s %8zu  %s  %s\n", r->files[k].center, r->files[k].rows, r->files[k].sha256,
                r->files[k].path);
}

int cmd_import(int argc, char **argv)
{
    obs_import_source *src = calloc(argc > 1 ? (size_t)argc : 1, sizeof *src);
    size_t n = 0;
    const char *into = NULL, *table = NULL, *format = NULL, *out = NULL;
    int rc = 2;
    if (!src) return usage_error("out of memory", NULL);
    for (int i = 1; i < argc; i++) {
        const char *v;
        int bad = 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(USAGE, stdout);
            free(src);
            return 0;
        }
        if (strcmp(argv[i], "--center") == 0) {
            if (i + 2 >= argc || strncmp(argv[i + 1], "--", 2) == 0 || strncmp(argv[i + 2], "--", 2) == 0) {
                free(src);
                return usage_error("--center needs a name and a file:", "--center NAME FILE");
            }
            src[n].center = argv[i + 1];
            src[n].path = argv[i + 2];
            n++;
            i += 2;
        } else if ((v = option_value(argc, argv, &i, "--into", &bad)) != NULL) into = v;
        else if ((v = option_value(argc, argv, &i, "--table", &bad)) != NULL) table = v;
        else if ((v = option_value(argc, argv, &i, "--format", &bad)) != NULL) format = v;
        else if ((v = option_value(argc, argv, &i, "--out", &bad)) != NULL) out = v;
        else {
            free(src);
            return usage_error(bad ? "option needs a value:" : "unknown argument", argv[i]);
        }
        if (bad) {
            free(src);
            return usage_error("option needs a value:", argv[i]);
        }
    }
    if (format && strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
        free(src);
        return usage_error("--format must be text or json, not", format);
    }
    if (!into) {
        free(src);
        return usage_error("missing --into REGISTRY.sqlite", NULL);
    }
    if (n == 0) {
        free(src);
        return usage_error("no files: give --center NAME FILE", NULL);
    }
    obs_import_options opt = {table, NULL, NULL};
    obs_import_result res;
    obs_error err;
    obs_error_clear(&err);
    if (obs_import(into, src, n, &opt, &res, &err) != OBS_OK) {
        free(src);
        return cli_fail(&err);
    }
    free(src);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) {
        obs_import_result_free(&res);
        return usage_error("out of memory", NULL);
    }
    render(mem, format && strcmp(format, "json") == 0, into, &res);
    fclose(mem);
    obs_import_result_free(&res);
    FILE *dst = out && strcmp(out, "-") != 0 ? fopen(out, "wb") : stdout;
    if (!dst) {
        fprintf(stderr, "obsurv: error: %s: cannot write the output file (the import itself succeeded)\n", out);
        free(buf);
        return 2;
    }
    rc = fwrite(buf, 1, len, dst) == len ? 0 : 2;
    if (dst != stdout) {
        if (fclose(dst) != 0) rc = 2;
    } else if (fflush(stdout) != 0) rc = 2;
    free(buf);
    return rc;
}
