/*
 * cli.h — the thin command-line layer: option parsing, loading data, output
 * to stdout or --out, error and warning reporting.  Only the CLI prints.
 *
 * A command is `int cmd_NAME(int argc, char **argv)` (argv[0] is the command
 * name) returning the process exit code.  Pattern:
 *
 *   static const cli_option opts[] = {
 *       CLI_COMMON_OPTIONS,                        // --data --formula --format --out --table --query
 *       {"--conf-level", 1, "confidence level (0.95)"},
 *       {NULL, 0, NULL}};
 *   cli_args a;
 *   if (cli_parse(argc, argv, opts, USAGE, &a)) return a.exit_code;  // handles --help
 *   ... obs_table *t; obs_formula *f; obs_frame *fr;
 *   if (cli_load_frame(&a, &spec, &t, &f, &fr, &err)) return cli_fail(&err);
 *   cli_output o; cli_output_open(&o, &a);   // buffers in memory
 *   ... render into o.fp ...
 *   return cli_output_close(&o, &err);       // writes to stdout/--out only now
 *
 * Output is buffered so that on error nothing reaches standard output.
 */
#ifndef OBSURV_CLI_H
#define OBSURV_CLI_H

#include <stdio.h>
#include "obsurv/error.h"
#include "obsurv/table.h"
#include "obsurv/formula.h"
#include "obsurv/frame.h"
#include "obsurv/json.h"

typedef struct {
    const char *name;   /* "--data" */
    int takes_value;    /* 1: "--data PATH" or "--data=PATH"; 0: a flag */
    const char *help;   /* one line for --help */
} cli_option;

#define CLI_COMMON_OPTIONS \
    {"--data", 1, "input: CSV (- for standard input), .dta, .sav, .zsav, .xpt, .sas7bdat or SQLite"}, \
    {"--formula", 1, "R-style model formula"}, \
    {"--format", 1, "text, json or csv (default text)"}, \
    {"--out", 1, "write the result to PATH instead of standard output"}, \
    {"--table", 1, "with a SQLite database: the table to read"}, \
    {"--query", 1, "with a SQLite database: the SQL query to read"}

#define CLI_MAX_OPTS 64

typedef enum { CLI_TEXT = 0, CLI_JSON, CLI_CSV, CLI_HTML } cli_format;

typedef struct {
    const char *command;                 /* argv[0] */
    const cli_option *opts;
    const char *values[CLI_MAX_OPTS];    /* value of opts[i] (or "1" for a flag), NULL if absent */
    const char *positional[8];           /* non-option arguments, in order */
    int npositional;
    cli_format format;
    int exit_code;                       /* set when cli_parse returns non-zero */
    int read_all_columns;                /* cli_load_frame: read every column, not
                                            only the model's (set by commands that
                                            write data rows back out) */
} cli_args;

/* Parse argv against opts (NULL-terminated).  Returns 0 to go on; non-zero
 * when the command must stop now with a->exit_code (0 after --help printed
 * usage to stdout, 2 after an error printed to stderr).  usage is the text
 * printed by --help before the option list (synopsis and a worked example). */
int cli_parse(int argc, char **argv, const cli_option *opts, const char *usage,
              cli_args *a);

/* Value of option name (e.g. "--data") or NULL when not given. */
const char *cli_get(const cli_args *a, const char *name);
/* 1 when the flag or option was given. */
int cli_has(const cli_args *a, const char *name);
/* Parse option name as a double / long; def when absent.  On a malformed
 * value sets err (OBS_EUSAGE naming the option) and returns non-zero. */
int cli_get_double(const cli_args *a, const char *name, double def, double *out, obs_error *err);
int cli_get_long(const cli_args *a, const char *name, long def, long *out, obs_error *err);
/* A comma-separated list of doubles ("--times 100,200"); *out malloc'd
 * (caller frees), *n its length; absent -> *out NULL, *n 0. */
int cli_get_doubles(const cli_args *a, const char *name, double **out, size_t *n, obs_error *err);
/* An option that must be given: err names it when absent. */
const char *cli_require(const cli_args *a, const char *name, obs_error *err);

/* Read the table named by --data (CSV, and later other formats by content). */
obs_status cli_load_table(const cli_args *a, obs_table **t, obs_error *err);

/* --data + --formula (+ spec) -> table, formula and frame.  On error
 * everything allocated is freed and the outputs are NULL. */
obs_status cli_load_frame(const cli_args *a, const obs_frame_spec *spec,
                          obs_table **t, obs_formula **f, obs_frame **fr,
                          obs_error *err);

/* After cli_load_frame, when the table will not be read again: free it
 * (*t NULL) when the frame borrows none of its columns (spec
 * borrow_columns 0, or nothing borrowable); otherwise free every array of
 * it except the numeric values fr->xcol points at, and keep *t, to be
 * freed with obs_table_free after the last use of fr.  Until then t is
 * only a holder of those columns: nothing may read it. */
void cli_table_release_unborrowed(obs_table **t, const obs_frame *fr);

/* glibc malloc: serve blocks up to mmap_threshold bytes from the heap and
 * keep freed memory there for reuse (fewer page faults when a command frees
 * the table and allocates the fit's arrays).  No-op elsewhere. */
void cli_keep_freed_memory(size_t mmap_threshold);

/* Print "obsurv: error: MSG" to stderr; return the exit code for err->status. */
int cli_fail(const obs_error *err);
/* Print each warning as "obsurv: warning: MSG" to stderr (text/csv modes). */
void cli_print_warnings(const obs_warnings *w);
/* Dropped-row warning text into w when fr->n_dropped > 0 ("N rows dropped:
 * missing values in x (a), y (b)"). */
void cli_add_dropped_warning(obs_warnings *w, const obs_frame *fr);

/* The rows a frame dropped, per variable and reason, as the JSON member
 * "exclusions": [{"variable", "reason", "count"}] (issue: nothing is lost
 * silently; the counts add up to n_dropped). */
void cli_json_exclusions(obs_json *j, const obs_frame *fr);
typedef struct {
    FILE *fp;          /* render here */
    char *buf;
    size_t len;
    const char *path;  /* --out or NULL for stdout */
} cli_output;

int cli_output_open(cli_output *o, const cli_args *a);
/* Write the buffered output to its destination; returns the exit code (0, or
 * 2 with a message when --out cannot be written). */
int cli_output_close(cli_output *o);
/* Discard buffered output (on error). */
void cli_output_discard(cli_output *o);

#endif
