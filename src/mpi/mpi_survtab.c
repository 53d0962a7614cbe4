/*
 * mpi_survtab.c — obsurv-mpi km and logrank: Kaplan–Meier curves and the
 * G-rho test from data spread over the processes.
 *
 * Both estimators depend on the rows only through the table of distinct
 * rows: a curve or test is a function of, for each (group, stratum, time,
 * status), how many rows there are (and their total case weight).  So each
 * process reduces its rows to distinct rows with a count (sorting their CSV
 * text), process 0 gathers these (their number is bounded by the number of
 * distinct (group, stratum, time, status) values, not by n), merges equal
 * rows, and runs the one-process library code on the merged table:
 *
 *   - the model frame (obs_frame_build) on a CSV text of the distinct rows,
 *     so that group and strata names, their order, and the exclusions are
 *     those of the one-process tool; rows the frame drops are written once
 *     per original row so that the exclusion counts are exact;
 *   - km: obs_km_estimate with case weights = counts (no --weights), or the
 *     summed weights (integer --weights).  With whole-number weights the
 *     estimator uses Greenwood's variance, a function of the weighted
 *     numbers at risk and of events only, so the curves, their standard
 *     errors and intervals, and the medians are those of the one-process
 *     fit; the records per curve (n) are the summed counts.  With any
 *     non-integer weight the variance is the infinitesimal jackknife,
 *     which sums squared weights row by row: then the rows are merged only
 *     when their weights are equal too and process 0 expands every merged
 *     row into its original rows (count copies) — exact, but O(n) on
 *     process 0;
 *   - logrank: obs_logrank_test counts rows (it has no case weights), so
 *     process 0 expands the merged rows into count copies of (time, status,
 *     group, stratum): the exchange stays bounded, the memory on process 0
 *     is O(n) (4 numbers per row).
 */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/csv_opts.h"
#include "obsurv/km.h"
#include "obsurv/logrank.h"
#include "mpi_common.h"
#include "obsurv/render_frame.h"
#include "obsurv/render_km.h"
#include "obsurv/render_logrank.h"

#define KEY_SEP '\x1e'   /* between a row's cells and its weight token */
#define FLD_SEP '\x1f'   /* between key, count and weight sum */
#define REC_SEP '\x1d'   /* between records */

typedef struct {
    const char *key;
    double count, wsum;
} rec;

static int rec_cmp(const void *a, const void *b)
{
    return strcmp(((const rec *)a)->key, ((const rec *)b)->key);
}

/* Sort r[0..n-1] by key and add up equal keys; returns the new count. */
static size_t merge_recs(rec *r, size_t n)
{
    if (n == 0) return 0;
    qsort(r, n, sizeof *r, rec_cmp);
    size_t m = 0;
    for (size_t i = 1; i < n; i++) {
        if (!strcmp(r[i].key, r[m].key)) { r[m].count += r[i].count; r[m].wsum += r[i].wsum; }
        else r[++m] = r[i];
    }
    return m + 1;
}

/* The merged distinct rows on process 0 (NULL elsewhere); *nrec their
 * number, *total the rows over all processes, *nonint whether any weight
 * is not a whole number (then the weight is part of the key).  wcol: the
 * weight column's index or -1. */
static rec *distinct_rows(const obs_table *t, long wcol, size_t *nrec, double *total,
                          int *nonint, char **keep_text)
{
    int loc = 0;
    if (wcol >= 0) {
        const obs_column *w = &t->cols[wcol];
        for (size_t i = 0; i < t->nrow && !loc; i++)
            if (!w->missing[i] && w->num[i] != floor(w->num[i])) loc = 1;
    }
    MPI_Allreduce(&loc, nonint, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    double n = (double)t->nrow;
    MPI_Allreduce(&n, total, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);

    /* keys: the cells, KEY_SEP, the weight token ("NA", the value in the
     * non-integer case, else empty) */
    mpi_buf kb = {0};
    size_t *off = malloc((t->nrow + 1) * sizeof *off);
    rec *r = malloc((t->nrow + 1) * sizeof *r);
    if (!off || !r) mpi_die("out of memory");
    for (size_t i = 0; i < t->nrow; i++) {
        off[i] = kb.len;
        int first = 1;
        for (size_t j = 0; j < t->ncol; j++) {
            if ((long)j == wcol) continue;
            if (!first) mpi_buf_put(&kb, ",", 1);
            first = 0;
            mpi_put_cell(&kb, &t->cols[j], i);
        }
        char sep = KEY_SEP;
        mpi_buf_put(&kb, &sep, 1);
        double wv = 1.0;
        if (wcol >= 0) {
            const obs_column *w = &t->cols[wcol];
            if (w->missing[i]) { mpi_buf_puts(&kb, "NA"); wv = 0.0; }
            else {
                wv = w->num[i];
                if (*nonint) mpi_buf_printf(&kb, "%.17g", wv);
            }
        }
        mpi_buf_put(&kb, "", 1);   /* the NUL ending the key */
        r[i].count = 1.0;
        r[i].wsum = wv;
    }
    for (size_t i = 0; i < t->nrow; i++) r[i].key = kb.s + off[i];
    free(off);
    size_t m = merge_recs(r, t->nrow);

    mpi_buf out = {0};
    for (size_t i = 0; i < m; i++) {
        mpi_buf_puts(&out, r[i].key);
        mpi_buf_printf(&out, "%c%.17g%c%.17g%c", FLD_SEP, r[i].count, FLD_SEP, r[i].wsum, REC_SEP);
    }
    free(r);
    free(kb.s);
    size_t glen = 0;
    char *all = mpi_gather_bytes(out.s ? out.s : "", out.len, &glen);
    free(out.s);
    if (mpi_rank != 0) return NULL;

    size_t cap = 1;
    for (size_t i = 0; i < glen; i++) cap += (all[i] == REC_SEP);
    rec *g = malloc(cap * sizeof *g);
    if (!g) mpi_die("out of memory");
    size_t k = 0;
    for (char *p = all; p < all + glen;) {
        char *e = memchr(p, REC_SEP, (size_t)(all + glen - p));
        if (!e) break;
        *e = '\0';
        char *f1 = strchr(p, FLD_SEP), *f2 = f1 ? strchr(f1 + 1, FLD_SEP) : NULL;
        if (!f1 || !f2) mpi_die("internal: a malformed record");
        *f1 = *f2 = '\0';
        g[k].key = p;
        g[k].count = strtod(f1 + 1, NULL);
        g[k].wsum = strtod(f2 + 1, NULL);
        k++;
        p = e + 1;
    }
    *nrec = merge_recs(g, k);
    *keep_text = all;
    return g;
}

/* Process 0: the CSV text of the merged rows.  Record q is written
 * copies[q] times; its weight cell is the summed weight (or the key's token
 * in the non-integer case).  line_rec (out) maps each line to its record. */
static char *merged_csv(const obs_table *t, long wcol, const rec *r, size_t m, const size_t *copies,
                        int nonint, size_t *len, size_t **line_rec, size_t *nlines)
{
    mpi_buf b = {0};
    int first = 1;
    for (size_t j = 0; j < t->ncol; j++) {
        if ((long)j == wcol) continue;
        if (!first) mpi_buf_put(&b, ",", 1);
        first = 0;
        mpi_put_name(&b, t->cols[j].name);
    }
    if (wcol >= 0) { mpi_buf_put(&b, ",", 1); mpi_put_name(&b, t->cols[wcol].name); }
    mpi_buf_put(&b, "\n", 1);
    size_t nl = 0;
    for (size_t q = 0; q < m; q++) nl += copies[q];
    *line_rec = malloc((nl + 1) * sizeof **line_rec);
    if (!*line_rec) mpi_die("out of memory");
    size_t l = 0;
    for (size_t q = 0; q < m; q++) {
        const char *sep = strchr(r[q].key, KEY_SEP);
        size_t klen = (size_t)(sep - r[q].key);
        for (size_t c = 0; c < copies[q]; c++) {
            mpi_buf_put(&b, r[q].key, klen);
            if (wcol >= 0) {
                mpi_buf_put(&b, ",", 1);
                if (!strcmp(sep + 1, "NA")) mpi_buf_puts(&b, "NA");
                else if (nonint) mpi_buf_puts(&b, sep + 1);
                else mpi_buf_printf(&b, "%.17g", copies[q] > 1 ? r[q].wsum / r[q].count : r[q].wsum);
            }
            mpi_buf_put(&b, "\n", 1);
            (*line_rec)[l++] = q;
        }
    }
    *nlines = nl;
    *len = b.len;
    return b.s;
}

/* Process 0: the model frame of the merged rows (as obs_frame_build on the
 * whole data would make it), cnt[i] the original rows behind frame row i.
 * In the non-integer case every record is expanded.  Dies on errors. */
static obs_frame *merged_frame(const obs_table *t, long wcol, const rec *r, size_t m, int nonint,
                               const obs_formula *f, const obs_frame_spec *spec, const char *source,
                               double total, double **cnt)
{
    size_t *copies = malloc((m + 1) * sizeof *copies), *line_rec = NULL, nlines = 0, len = 0;
    if (!copies) mpi_die("out of memory");
    for (size_t q = 0; q < m; q++) copies[q] = nonint ? (size_t)r[q].count : 1;
    obs_frame *fr = NULL;
    obs_error err;
    obs_error_clear(&err);
    for (int pass = 0; pass < 2; pass++) {
        char *csv = merged_csv(t, wcol, r, m, copies, nonint, &len, &line_rec, &nlines);
        obs_csv_options o = {NULL, 1, NULL, NULL};
        obs_table *mt = NULL;
        if (obs_csv_read_buffer_opts(csv, len, source, &o, &mt, &err)) mpi_die("%s", err.msg);
        free(csv);
        if (obs_frame_build(mt, f, spec, &fr, &err))
            mpi_die_code(obs_status_exit_code(err.status) ? obs_status_exit_code(err.status) : 2, "%s", err.msg);
        obs_table_free(&mt);
        /* a dropped record standing for several rows: write it once per row
         * so that the exclusion counts are exact */
        unsigned char *kept = calloc(nlines + 1, 1);
        if (!kept) mpi_die("out of memory");
        for (size_t i = 0; i < fr->n; i++) kept[fr->row[i]] = 1;
        int again = 0;
        for (size_t l = 0; l < nlines; l++) {
            size_t q = line_rec[l];
            if (!kept[l] && copies[q] != (size_t)r[q].count) { copies[q] = (size_t)r[q].count; again = 1; }
        }
        free(kept);
        if (!again) break;
        obs_frame_free(&fr);
        free(line_rec);
    }
    *cnt = malloc((fr->n + 1) * sizeof **cnt);
    if (!*cnt) mpi_die("out of memory");
    for (size_t i = 0; i < fr->n; i++) {
        size_t q = line_rec[fr->row[i]];
        (*cnt)[i] = copies[q] > 1 || nonint ? 1.0 : r[q].count;
    }
    /* the whole data's counts */
    fr->n_read = (size_t)total;
    fr->n = fr->n;   /* frame rows (merged); the caller reports sum(cnt) */
    free(copies);
    free(line_rec);
    return fr;
}

/* ---------------------------------------------------------------- km */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The JSON of obsurv km (the library's renderer), n the rows used. */
static void km_json(FILE *fp, const obs_km *km, char **names, size_t n, const obs_frame *fr,
                    const char *weights, const double *times, size_t ntimes, const obs_warnings *warn)
{
    obs_km_point *pts = malloc((ntimes + 1) * sizeof *pts);
    if (!pts) mpi_die("out of memory");
    obs_render_km_json(fp, km, (const char *const *)names, fr, n, weights, times, ntimes, pts,
                       warn, 0);
    fputc('\n', fp);
    free(pts);
}

/* Parse "t1,t2,..." into a sorted malloc'd array. */
static double *parse_times(const char *s, size_t *n)
{
    size_t cap = 1;
    for (const char *p = s; *p; p++) cap += (*p == ',');
    double *t = malloc(cap * sizeof *t);
    if (!t) mpi_die("out of memory");
    *n = 0;
    const char *p = s;
    while (*p) {
        char *e;
        double v = strtod(p, &e);
        if (e == p || !isfinite(v) || (*e && *e != ',')) mpi_die("km: option --times: \"%s\" is not a list of finite times", s);
        t[(*n)++] = v;
        p = *e ? e + 1 : e;
    }
    qsort(t, *n, sizeof *t, cmp_double);
    return t;
}

int mpi_run_km(const mpi_args *a, const obs_formula *f)
{
    obs_km_options kopt;
    obs_km_options_default(&kopt);
    if (a->conf_type && obs_km_conf_type_parse(a->conf_type, &kopt.conf_type) != 0)
        mpi_die("km: --conf-type must be log, log-log or plain, not '%s'", a->conf_type);
    if (a->conf_level) {
        char *e;
        kopt.conf_level = strtod(a->conf_level, &e);
        if (*e || !(kopt.conf_level > 0 && kopt.conf_level < 1))
            mpi_die("km: --conf-level must be between 0 and 1, not %s", a->conf_level);
    }
    size_t ntimes = 0;
    double *times = a->times ? parse_times(a->times, &ntimes) : NULL;

    obs_table *t = mpi_read_table(a->data, f, a->weights, 1);
    long wcol = a->weights ? obs_table_find(t, a->weights) : -1;
    if (a->weights && wcol < 0) mpi_die("--weights: no column \"%s\" in %s", a->weights, a->data);
    size_t m = 0;
    double total = 0;
    int nonint = 0;
    char *text = NULL;
    rec *r = distinct_rows(t, wcol, &m, &total, &nonint, &text);
    int code = 0;
    if (mpi_rank == 0) {
        obs_frame_spec spec = {.rhs = OBS_FRAME_GROUPS, .response_required = OBS_FRAME_NEED_SURV,
                               .weights = a->weights, .drop_unused_levels = 1};
        double *cnt = NULL;
        obs_frame *fr = merged_frame(t, wcol, r, m, nonint, f, &spec, a->data, total, &cnt);
        if (fr->response != OBS_RESP_SURV || fr->start)
            mpi_die("km: the response must be Surv(time, event); counting-process data are not supported");
        size_t ng = fr->group ? fr->ngroups : 1, ns = fr->strata ? fr->nstrata : 1, nc = ng * ns;
        int *gcode = malloc((fr->n + 1) * sizeof *gcode);
        double *w = malloc((fr->n + 1) * sizeof *w);
        char **names = obs_km_curve_names(fr, f);    /* nc names, as survfit */
        if (!gcode || !w || !names) mpi_die("out of memory");
        size_t nused = 0;
        for (size_t i = 0; i < fr->n; i++) {
            gcode[i] = (fr->group ? fr->group[i] : 0) * (int)ns + (fr->strata ? fr->strata[i] : 0);
            w[i] = fr->weights ? fr->weights[i] : cnt[i];
            nused += (size_t)cnt[i];
        }
        obs_km *km = NULL;
        obs_error err;
        obs_error_clear(&err);
        if (obs_km_estimate(fr->n, fr->time, fr->status, w, gcode, nc, &kopt, &km, &err))
            mpi_die_code(obs_status_exit_code(err.status) ? obs_status_exit_code(err.status) : 2, "%s", err.msg);
        /* records per curve: the counts behind the merged rows */
        for (size_t k = 0; k < nc; k++) km->curves[k].n = 0;
        for (size_t i = 0; i < fr->n; i++) km->curves[gcode[i]].n += (size_t)cnt[i];
        fr->n = nused;
        obs_warnings warn;
        obs_warnings_init(&warn);
        mpi_dropped_warning(&warn, fr);
        km_json(stdout, km, names, nused, fr, a->weights, times, ntimes, &warn);
        obs_warnings_free(&warn);
        obs_km_free(&km);
        for (size_t k = 0; k < nc; k++) free(names[k]);
        free(names); free(gcode); free(w); free(cnt);
        obs_frame_free(&fr);
    }
    free(r);
    free(text);
    free(times);
    obs_table_free(&t);
    return code;
}

/* ---------------------------------------------------------------- logrank */

int mpi_run_logrank(const mpi_args *a, const obs_formula *f)
{
    double rho = 0.0;
    if (a->rho) {
        char *e;
        rho = strtod(a->rho, &e);
        if (*e || !isfinite(rho)) mpi_die("logrank: --rho must be a finite number");
    }
    obs_table *t = mpi_read_table(a->data, f, NULL, 1);
    size_t m = 0;
    double total = 0;
    int nonint = 0;
    char *text = NULL;
    rec *r = distinct_rows(t, -1, &m, &total, &nonint, &text);
    if (mpi_rank == 0) {
        obs_frame_spec spec = {.rhs = OBS_FRAME_GROUPS, .response_required = OBS_FRAME_NEED_SURV,
                               .drop_unused_levels = 1};
        double *cnt = NULL;
        obs_frame *fr = merged_frame(t, -1, r, m, 0, f, &spec, a->data, total, &cnt);
        if (fr->response != OBS_RESP_SURV || fr->start)
            mpi_die("logrank: the response must be Surv(time, event) (right-censored data only)");
        if (fr->group == NULL || fr->ngroups < 2)
            mpi_die("logrank: no groups to test: formula \"%s\" has %s", f->text,
                    fr->group == NULL ? "no grouping variable" : "only one group");
        /* expand the merged rows: survdiff counts rows */
        size_t N = 0;
        for (size_t i = 0; i < fr->n; i++) N += (size_t)cnt[i];
        double *tm = malloc((N + 1) * sizeof *tm);
        int *st = malloc((N + 1) * sizeof *st), *gr = malloc((N + 1) * sizeof *gr);
        int *sr = fr->strata ? malloc((N + 1) * sizeof *sr) : NULL;
        if (!tm || !st || !gr || (fr->strata && !sr)) mpi_die("out of memory");
        for (size_t i = 0, k = 0; i < fr->n; i++)
            for (size_t c = 0; c < (size_t)cnt[i]; c++, k++) {
                tm[k] = fr->time[i]; st[k] = fr->status[i]; gr[k] = fr->group[i];
                if (sr) sr[k] = fr->strata[i];
            }
        obs_logrank *lr = NULL;
        obs_error err;
        obs_error_clear(&err);
        if (obs_logrank_test(N, tm, st, gr, fr->ngroups, sr, fr->nstrata, rho, &lr, &err))
            mpi_die_code(obs_status_exit_code(err.status) ? obs_status_exit_code(err.status) : 2, "%s", err.msg);
        fr->n = N;
        obs_warnings warn;
        obs_warnings_init(&warn);
        mpi_dropped_warning(&warn, fr);
        if (lr->df == 0)
            obs_warnings_add(&warn, "no P value: 0 degrees of freedom (no events, or no more than "
                                    "one group at risk at the event times)");
        obs_render_logrank_json(stdout, lr, fr, N, &warn);
        obs_warnings_free(&warn);
        obs_logrank_free(&lr);
        free(tm); free(st); free(gr); free(sr); free(cnt);
        obs_frame_free(&fr);
    }
    free(r);
    free(text);
    obs_table_free(&t);
    return 0;
}
