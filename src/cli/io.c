/*
 * io.c — loading data and writing results for the CLI; see cli.h.
 */
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "obsurv/reader.h"
#include "obsurv/json.h"
#include "obsurv/render_frame.h"

obs_status cli_load_table(const cli_args *a, obs_table **t, obs_error *err)
{
    *t = NULL;
    const char *path = cli_require(a, "--data", err);
    if (!path) return err->status;
    obs_read_options opt = {.table = cli_get(a, "--table"), .query = cli_get(a, "--query")};
    return obs_read_table(path, &opt, t, err);
}

/* The columns a model frame reads: the formula's (response, terms,
 * strata/cluster/offset), the weights and the spec's extra columns.  *out
 * is a malloc'd NULL-terminated array of borrowed names. */
static obs_status frame_columns(const obs_formula *f, const obs_frame_spec *spec,
                                const char ***out, obs_error *err)
{
    size_t n = f->nresponse + 2, k = 0;
    for (size_t i = 0; i < f->nterms; i++)
        for (size_t v = 0; v < f->terms[i].nvars; v++) n += f->terms[i].vars[v].ncolumns;
    for (size_t i = 0; i < f->nspecials; i++) n += f->specials[i].ncolumns;
    for (size_t i = 0; spec->extra && spec->extra[i]; i++) n++;
    const char **list = malloc(n * sizeof *list);
    if (!list) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    for (size_t i = 0; i < f->nresponse; i++) list[k++] = f->response_columns[i];
    for (size_t i = 0; i < f->nterms; i++)
        for (size_t v = 0; v < f->terms[i].nvars; v++)
            for (size_t c = 0; c < f->terms[i].vars[v].ncolumns; c++)
                list[k++] = f->terms[i].vars[v].columns[c];
    for (size_t i = 0; i < f->nspecials; i++)
        for (size_t c = 0; c < f->specials[i].ncolumns; c++) list[k++] = f->specials[i].columns[c];
    if (spec->weights) list[k++] = spec->weights;
    for (size_t i = 0; spec->extra && spec->extra[i]; i++) list[k++] = spec->extra[i];
    list[k] = NULL;
    *out = list;
    return OBS_OK;
}

obs_status cli_load_frame(const cli_args *a, const obs_frame_spec *spec,
                          obs_table **t, obs_formula **f, obs_frame **fr,
                          obs_error *err)
{
    *t = NULL;
    *f = NULL;
    *fr = NULL;
    const char *text = cli_require(a, "--formula", err);
    if (!text) return err->status;
    obs_status rc = obs_formula_parse(text, f, err);   /* formula first: cheap */
    /* then only the columns the model uses are parsed */
    const char **cols = NULL;
    if (rc == OBS_OK && !a->read_all_columns) rc = frame_columns(*f, spec, &cols, err);
    if (rc == OBS_OK) {
        const char *path = cli_require(a, "--data", err);
        obs_read_options opt = {.table = cli_get(a, "--table"), .query = cli_get(a, "--query"), .columns = cols};
        rc = path ? obs_read_table(path, &opt, t, err) : err->status;
    }
    free(cols);
    if (rc == OBS_OK) rc = obs_frame_build(*t, *f, spec, fr, err);
    if (rc != OBS_OK) {
        obs_frame_free(fr);
        obs_formula_free(f);
        obs_table_free(t);
    }
    return rc;
}

void cli_table_release_unborrowed(obs_table **tp, const obs_frame *fr)
{
    obs_table *t = *tp;
    int any = 0;
    if (!t) return;
    for (size_t c = 0; c < t->ncol; c++) {
        obs_column *col = &t->cols[c];
        int borrowed = 0;
        for (size_t j = 0; col->num && fr->xcol && j < fr->p && !borrowed; j++)
            borrowed = fr->xcol[j] == col->num;
        borrowed |= (col->num && fr->time_borrowed && fr->time == col->num);
        any |= borrowed;
        if (!borrowed) { free(col->num); col->num = NULL; }
        free(col->codes); col->codes = NULL;
        free(col->missing); col->missing = NULL;
    }
    if (!any) { obs_table_free(tp); return; }
    free(t->line);
    t->line = NULL;
}

int cli_fail(const obs_error *err)
{
    fprintf(stderr, "obsurv: error: %s\n", err->msg[0] ? err->msg : "unknown error");
    int code = obs_status_exit_code(err->status);
    return code ? code : 2;
}

void cli_print_warnings(const obs_warnings *w)
{
    for (size_t i = 0; i < w->n; i++) fprintf(stderr, "obsurv: warning: %s\n", w->msg[i]);
}

void cli_add_dropped_warning(obs_warnings *w, const obs_frame *fr)
{
    obs_frame_dropped_warning(w, fr);
}

int cli_output_open(cli_output *o, const cli_args *a)
{
    o->buf = NULL;
    o->len = 0;
    o->path = cli_get(a, "--out");
    o->fp = open_memstream(&o->buf, &o->len);
    return o->fp ? 0 : -1;
}

int cli_output_close(cli_output *o)
{
    if (!o->fp) return 2;
    fclose(o->fp);
    o->fp = NULL;
    int rc = 0;
    FILE *dst = stdout;
    if (o->path && strcmp(o->path, "-") != 0) {
        dst = fopen(o->path, "wb");
        if (!dst) {
            fprintf(stderr, "obsurv: error: %s: cannot write the output file\n", o->path);
            free(o->buf);
            o->buf = NULL;
            return 2;
        }
    }
    if (o->len && fwrite(o->buf, 1, o->len, dst) != o->len) rc = 2;
    if (dst != stdout) {
        if (fclose(dst) != 0) rc = 2;
    } else if (fflush(stdout) != 0) {
        rc = 2;
    }
    if (rc) fprintf(stderr, "obsurv: error: %s: write failed\n", o->path ? o->path : "standard output");
    free(o->buf);
    o->buf = NULL;
    return rc;
}

void cli_output_discard(cli_output *o)
{
    if (o->fp) fclose(o->fp);
    o->fp = NULL;
    free(o->buf);
    o->buf = NULL;
}

void cli_json_exclusions(obs_json *j, const obs_frame *fr)
{
    obs_render_exclusions_json(j, fr);
}

void cli_keep_freed_memory(size_t mmap_threshold)
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
    mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#else
    (void)mmap_threshold;
#endif
}
