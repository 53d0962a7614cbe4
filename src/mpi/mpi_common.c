/*
 * mpi_common.c — reading a process's part of the data, errors, text
 * buffers and byte exchange for obsurv-mpi (see mpi_common.h).
 *
 * Reading: every process reads the header line; process r then reads the
 * bytes [r S / K, (r+1) S / K) of the data lines, moved forward to the next
 * line start at both ends, so every row is read by exactly one process.
 * (A quoted field must not hold a newline; such a file is refused.)
 * When FILE contains '*' or '?' it is a glob: the matching files, sorted by
 * name, are dealt out to the processes (file i to process i mod K), each a
 * complete CSV with the same header.  Only the formula's columns are parsed.
 */
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/csv_opts.h"
#include "mpi_common.h"
#include "obsurv/render_frame.h"

int mpi_rank, mpi_size;

void mpi_die_code(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("obsurv-mpi: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, code);
    exit(code);
}

void mpi_buf_put(mpi_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap) cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) mpi_die("out of memory");
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void mpi_buf_puts(mpi_buf *b, const char *s) { mpi_buf_put(b, s, strlen(s)); }

void mpi_buf_printf(mpi_buf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) { mpi_buf_put(b, tmp, (size_t)n); return; }
    char *big = malloc((size_t)n + 1);
    if (!big) mpi_die("out of memory");
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    mpi_buf_put(b, big, (size_t)n);
    free(big);
}

/* Read path whole into a malloc'd buffer. */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) { free(b); b = NULL; }
    fclose(fp);
    if (b) *len = (size_t)n;
    return b;
}

/* This process's rows of path as a CSV text (header + its lines). */
static char *read_part(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    char *head = NULL;
    size_t hcap = 0;
    fseek(fp, 0, SEEK_SET);
    ssize_t hl = getline(&head, &hcap, fp);
    if (hl <= 0) { fclose(fp); free(head); return NULL; }
    long data0 = hl, span = size - data0;
    long lo = data0 + (long)((double)span * mpi_rank / mpi_size);
    long hi = data0 + (long)((double)span * (mpi_rank + 1) / mpi_size);
    if (mpi_rank == mpi_size - 1) hi = size;
    /* move both ends to line starts: a range starts after the first '\n'
     * at or after lo - 1 */
    long ends[2] = {lo, hi};
    for (int e = 0; e < 2; e++) {
        long pos = ends[e];
        if (pos <= data0 || pos >= size) continue;
        fseek(fp, pos - 1, SEEK_SET);
        int c;
        while ((c = fgetc(fp)) != EOF && c != '\n') pos++;
        ends[e] = (c == EOF) ? size : pos;
    }
    lo = ends[0]; hi = ends[1];
    if (hi < lo) hi = lo;
    char *buf = malloc((size_t)hl + (size_t)(hi - lo) + 1);
    if (!buf) { fclose(fp); free(head); return NULL; }
    memcpy(buf, head, (size_t)hl);
    fseek(fp, lo, SEEK_SET);
    size_t got = fread(buf + hl, 1, (size_t)(hi - lo), fp);
    fclose(fp);
    free(head);
    *len = (size_t)hl + got;
    /* a newline inside quotes would make a range start mid-row: every
     * line must hold an even number of quote characters */
    int odd = 0;
    for (size_t i = 0; i < *len; i++) {
        if (buf[i] == '"') odd ^= 1;
        else if (buf[i] == '\n' && odd)
            mpi_die("a quoted field spans lines: split the file into shards (--data 'part_*.csv')");
    }
    return buf;
}

/* Append the CSV text of a shard to *acc (dropping its header after the first). */
static void append_shard(char **acc, size_t *alen, const char *path)
{
    size_t n;
    char *b = slurp(path, &n);
    if (!b) mpi_die("cannot read the shard %s", path);
    size_t skip = 0;
    if (*acc) {
        const char *nl = memchr(b, '\n', n);
        skip = nl ? (size_t)(nl - b) + 1 : n;
    }
    char *na = realloc(*acc, *alen + (n - skip) + 2);
    if (!na) mpi_die("out of memory");
    *acc = na;
    memcpy(*acc + *alen, b + skip, n - skip);
    *alen += n - skip;
    if (*alen && (*acc)[*alen - 1] != '\n') (*acc)[(*alen)++] = '\n';
    free(b);
}

char *mpi_load_text(const char *data, size_t *len)
{
    if (!strpbrk(data, "*?")) return read_part(data, len);
    glob_t g;
    if (glob(data, 0, NULL, &g) != 0 || g.gl_pathc == 0) mpi_die("--data: no file matches %s", data);
    char *acc = NULL;
    size_t alen = 0;
    for (size_t i = 0; i < g.gl_pathc; i++)
        if ((int)(i % (size_t)mpi_size) == mpi_rank) append_shard(&acc, &alen, g.gl_pathv[i]);
    if (!acc) {
        /* no shard here: the first file's header line only */
        size_t n;
        char *b = slurp(g.gl_pathv[0], &n);
        if (!b) mpi_die("cannot read the shard %s", g.gl_pathv[0]);
        const char *nl = memchr(b, '\n', n);
        alen = nl ? (size_t)(nl - b) + 1 : n;
        acc = b;
    }
    globfree(&g);
    *len = alen;
    return acc;
}

obs_table *mpi_read_table(const char *data, const obs_formula *f, const char *extra, int text_ok)
{
    size_t n = 5, k = 0;
    for (size_t i = 0; i < f->nterms; i++)
        for (size_t v = 0; v < f->terms[i].nvars; v++) n += f->terms[i].vars[v].ncolumns;
    for (size_t i = 0; i < f->nspecials; i++) n += f->specials[i].ncolumns;
    const char **cols = malloc(n * sizeof *cols);
    if (!cols) mpi_die("out of memory");
    for (size_t i = 0; i < f->nresponse; i++) cols[k++] = f->response_columns[i];
    for (size_t i = 0; i < f->nterms; i++)
        for (size_t v = 0; v < f->terms[i].nvars; v++) {
            if (!text_ok && f->terms[i].vars[v].kind == OBS_VAR_FACTOR)
                mpi_die("factor() terms are not supported by obsurv-mpi (term \"%s\")", f->terms[i].label);
            for (size_t c = 0; c < f->terms[i].vars[v].ncolumns; c++) cols[k++] = f->terms[i].vars[v].columns[c];
        }
    for (size_t i = 0; i < f->nspecials; i++)
        for (size_t c = 0; c < f->specials[i].ncolumns; c++) cols[k++] = f->specials[i].columns[c];
    if (extra) cols[k++] = extra;
    cols[k] = NULL;

    size_t len = 0;
    char *text = mpi_load_text(data, &len);
    if (!text) mpi_die("cannot read --data %s", data);
    obs_csv_options o = {cols, 1, NULL, NULL};
    obs_table *t = NULL;
    obs_error err;
    obs_error_clear(&err);
    if (obs_csv_read_buffer_opts(text, len, data, &o, &t, &err)) mpi_die("%s", err.msg);
    free(text);
    if (!text_ok && t->nrow > 0)
        for (size_t j = 0; j < t->ncol; j++) {
            if (t->cols[j].type == OBS_COL_NUMERIC) continue;
            int strata_only = 1;   /* a text column used only in strata() is fine */
            for (size_t i = 0; i < f->nterms; i++)
                for (size_t v = 0; v < f->terms[i].nvars; v++)
                    for (size_t c = 0; c < f->terms[i].vars[v].ncolumns; c++)
                        if (!strcmp(f->terms[i].vars[v].columns[c], t->cols[j].name)) strata_only = 0;
            for (size_t i = 0; i < f->nspecials; i++)
                for (size_t c = 0; c < f->specials[i].ncolumns; c++)
                    if (f->specials[i].kind != OBS_VAR_STRATA &&
                        !strcmp(f->specials[i].columns[c], t->cols[j].name)) strata_only = 0;
            if (!strata_only)
                mpi_die("column \"%s\" is text: obsurv-mpi needs numeric columns", t->cols[j].name);
        }
    free(cols);
    return t;
}

void mpi_put_name(mpi_buf *b, const char *name)
{
    mpi_buf_put(b, "\"", 1);
    for (const char *p = name; *p; p++) {
        if (*p == '"') mpi_buf_put(b, "\"", 1);
        mpi_buf_put(b, p, 1);
    }
    mpi_buf_put(b, "\"", 1);
}

void mpi_put_cell(mpi_buf *b, const obs_column *c, size_t i)
{
    if (c->missing[i]) { mpi_buf_puts(b, "NA"); return; }
    if (c->type == OBS_COL_NUMERIC) mpi_buf_printf(b, "%.17g", c->num[i]);
    else mpi_put_name(b, c->levels[c->codes[i]]);
}

char *mpi_gather_bytes(const char *buf, size_t len, size_t *outlen)
{
    if (len > INT_MAX) mpi_die("more than 2 GB to gather on process 0");
    int n = (int)len, *cnt = NULL, *disp = NULL;
    char *out = NULL;
    if (mpi_rank == 0) {
        cnt = malloc((size_t)mpi_size * sizeof *cnt);
        disp = malloc((size_t)mpi_size * sizeof *disp);
        if (!cnt || !disp) mpi_die("out of memory");
    }
    MPI_Gather(&n, 1, MPI_INT, cnt, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (mpi_rank == 0) {
        size_t tot = 0;
        for (int r = 0; r < mpi_size; r++) {
            if (tot + (size_t)cnt[r] > INT_MAX) mpi_die("more than 2 GB to gather on process 0");
            disp[r] = (int)tot;
            tot += (size_t)cnt[r];
        }
        out = malloc(tot + 1);
        if (!out) mpi_die("out of memory");
        out[tot] = '\0';
        *outlen = tot;
    }
    MPI_Gatherv(buf, n, MPI_CHAR, out, cnt, disp, MPI_CHAR, 0, MPI_COMM_WORLD);
    free(cnt);
    free(disp);
    return out;
}

char *mpi_bcast_bytes(const char *buf, size_t len, size_t *outlen)
{
    unsigned long long n = len;
    MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    if (n > INT_MAX) mpi_die("more than 2 GB to broadcast");
    char *out = malloc((size_t)n + 1);
    if (!out) mpi_die("out of memory");
    if (mpi_rank == 0 && n) memcpy(out, buf, (size_t)n);
    MPI_Bcast(out, (int)n, MPI_CHAR, 0, MPI_COMM_WORLD);
    out[n] = '\0';
    *outlen = (size_t)n;
    return out;
}

void mpi_check_format(const char *format)
{
    if (format && strcmp(format, "json") != 0)
        mpi_die("--format %s: obsurv-mpi writes JSON only (--format json)", format);
}

void mpi_dropped_warning(obs_warnings *w, const obs_frame *fr)
{
    obs_frame_dropped_warning(w, fr);
}

void mpi_json_exclusions(obs_json *j, const obs_frame *fr)
{
    obs_render_exclusions_json(j, fr);
}
