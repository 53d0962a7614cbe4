/*
 * obsurv_mpi.c — obsurv-mpi: distributed fits on MPI (Open MPI), each
 * process reading its own part of the data.
 *
 *   mpirun -np K obsurv-mpi logit --data FILE --formula "y ~ x1 + x2" [--format json]
 *
 * Reading: every process reads the header line; process r then reads the
 * bytes [r S / K, (r+1) S / K) of the data lines, moved forward to the next
 * line start at both ends, so every row is read by exactly one process.
 * (A quoted field must not hold a newline; such a file is refused.)
 * When FILE contains '*' or '?' it is a glob: the matching files, sorted by
 * name, are dealt out to the processes (file i to process i mod K), each a
 * complete CSV with the same header.  Only the formula's columns are
 * parsed (obs_csv_read_buffer_opts).  Text (factor) columns and factor()
 * terms are refused: their levels would differ between processes.
 *
 * logit: IRLS as glm.fit (src/logit.c) with the normal equations: each
 * iteration every process forms its X'WX and X'Wz, one MPI_Allreduce adds
 * them (p^2 + p + 2 doubles, independent of n), every process solves the
 * same equilibrated Cholesky system and updates its own eta; the deviance
 * is one more allreduce.  The covariance is (X'WX)^-1 at the last weights,
 * as R's (R'R)^-1.  Agreement with the one-process fit: about cond(X'WX)
 * times machine epsilon (tests/mpi: 1e-9 relative).
 *
 * Output: JSON (the keys of obsurv logit's JSON that do not need all rows
 * in one place: no AUC).  Process 0 prints; errors are printed by the
 * process that met them and every process exits with 2.
 */
#include <glob.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <float.h>
#include "obsurv/csv_opts.h"
#include "obsurv/dist.h"
#include "obsurv/formula.h"
#include "obsurv/frame.h"
#include "obsurv/json.h"
#include "obsurv/linalg.h"

static int rank_, size_;

static void die(const char *msg)
{
    fprintf(stderr, "obsurv-mpi: error: %s\n", msg);
    MPI_Abort(MPI_COMM_WORLD, 2);
    exit(2);
}

/* Read file path whole into a malloc'd buffer. */
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
    long lo = data0 + (long)((double)span * rank_ / size_), hi = data0 + (long)((double)span * (rank_ + 1) / size_);
    if (rank_ == size_ - 1) hi = size;
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
        else if (buf[i] == '\n' && odd) die("a quoted field spans lines: split the file into shards (--data 'part_*.csv')");
    }
    return buf;
}

/* Append the CSV text of shard into *acc (dropping its header after the first). */
static void append_shard(char **acc, size_t *alen, const char *path)
{
    size_t n;
    char *b = slurp(path, &n);
    if (!b) die("cannot read a shard");
    size_t skip = 0;
    if (*acc) {
        const char *nl = memchr(b, '\n', n);
        skip = nl ? (size_t)(nl - b) + 1 : n;
    }
    *acc = realloc(*acc, *alen + (n - skip) + 2);
    memcpy(*acc + *alen, b + skip, n - skip);
    *alen += n - skip;
    if (*alen && (*acc)[*alen - 1] != '\n') (*acc)[(*alen)++] = '\n';
    free(b);
}

static char *load_text(const char *data, size_t *len)
{
    if (!strpbrk(data, "*?")) return read_part(data, len);
    glob_t g;
    if (glob(data, 0, NULL, &g) != 0 || g.gl_pathc == 0) die("--data: no file matches the pattern");
    char *acc = NULL;
    size_t alen = 0;
    /* every process needs a header even with no shard: take the first
     * file's header line */
    for (size_t i = 0; i < g.gl_pathc; i++)
        if ((int)(i % (size_t)size_) == rank_) append_shard(&acc, &alen, g.gl_pathv[i]);
    if (!acc) {
        size_t n;
        char *b = slurp(g.gl_pathv[0], &n);
        if (!b) die("cannot read a shard");
        const char *nl = memchr(b, '\n', n);
        alen = nl ? (size_t)(nl - b) + 1 : n;
        acc = b;
    }
    globfree(&g);
    *len = alen;
    return acc;
}

/* The formula's columns (response, terms, specials), NULL-terminated. */
static const char **formula_columns(const obs_formula *f)
{
    size_t n = 4, k = 0;
    for (size_t i = 0; i < f->nterms; i++)
        for (size_t v = 0; v < f->terms[i].nvars; v++) n += f->terms[i].vars[v].ncolumns;
    for (size_t i = 0; i < f->nspecials; i++) n += f->specials[i].ncolumns;
    const char **l = malloc(n * sizeof *l);
    for (size_t i = 0; i < f->nresponse; i++) l[k++] = f->response_columns[i];
    for (size_t i = 0; i < f->nterms; i++)
        for (size_t v = 0; v < f->terms[i].nvars; v++) {
            if (f->terms[i].vars[v].kind == OBS_VAR_FACTOR) die("factor() terms are not supported by obsurv-mpi");
            for (size_t c = 0; c < f->terms[i].vars[v].ncolumns; c++) l[k++] = f->terms[i].vars[v].columns[c];
        }
    for (size_t i = 0; i < f->nspecials; i++)
        for (size_t c = 0; c < f->specials[i].ncolumns; c++) l[k++] = f->specials[i].columns[c];
    l[k] = NULL;
    return l;
}

/* ------------------------------------------------------------ logit */

static double linkinv(double eta)
{
    double e = eta < -30 ? DBL_EPSILON : (eta > 30 ? 1.0 / DBL_EPSILON : exp(eta));
    return e / (1.0 + e);
}
static double mu_eta(double eta)
{
    if (eta > 30 || eta < -30) return DBL_EPSILON;
    double ex = exp(eta), op = 1.0 + ex;
    return ex / (op * op);
}
static double dev_resid(double y, double mu)
{
    double a = y > 0 ? y * log(y / mu) : 0.0;
    double b = y < 1 ? (1 - y) * log((1 - y) / (1 - mu)) : 0.0;
    return 2.0 * (a + b);
}

static int run_logit(const obs_frame *fr, int json)
{
    /* a process without rows (more processes than shards) takes part with
     * zero sums; p comes from the others */
    unsigned long lp = fr ? (unsigned long)fr->p : 0, gp = 0;
    MPI_Allreduce(&lp, &gp, 1, MPI_UNSIGNED_LONG, MPI_MAX, MPI_COMM_WORLD);
    if (fr && lp != gp) die("the processes' design matrices differ (a 0/1 column constant in one part?)");
    const size_t n = fr ? fr->n : 0, p = gp;
    const double *x = fr ? fr->x : NULL, *y = fr ? fr->y : NULL;
    double *eta = malloc((n + 1) * sizeof *eta), *mu = malloc((n + 1) * sizeof *mu);
    size_t m = p * p + p + 2;
    double *loc = calloc(m, sizeof *loc), *glob_ = calloc(m, sizeof *glob_);
    double *A = malloc(p * p * sizeof *A), *b = malloc(p * sizeof *b), *sc = malloc(p * sizeof *sc);
    int *al = calloc(p, sizeof *al);
    if (!eta || !mu || !loc || !glob_ || !A || !b || !sc || !al) die("out of memory");

    double devold = 0, dev = 0, sumy = 0;
    for (size_t i = 0; i < n; i++) {
        mu[i] = (y[i] + 0.5) / 2.0;
        eta[i] = log(mu[i] / (1 - mu[i]));
        devold += dev_resid(y[i], mu[i]);
        sumy += y[i];
    }
    double in[3] = {devold, sumy, (double)n}, out[3];
    MPI_Allreduce(in, out, 3, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    devold = out[0];
    const double ybar = out[1] / out[2], ntot = out[2];
    int iter, conv = 0, maxit = 25;
    for (iter = 1; iter <= maxit; iter++) {
        memset(loc, 0, m * sizeof *loc);
        double *xtwx = loc, *xtwz = loc + p * p;
        for (size_t i = 0; i < n; i++) {
            double me = mu_eta(eta[i]), var = mu[i] * (1 - mu[i]);
            double z = eta[i] + (y[i] - mu[i]) / me, wt = me * me / var;
            for (size_t j = 0; j < p; j++) {
                double t = wt * x[j * n + i];
                xtwz[j] += t * z;
                for (size_t k = j; k < p; k++) xtwx[j * p + k] += t * x[k * n + i];
            }
        }
        MPI_Allreduce(loc, glob_, (int)m, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        for (size_t j = 0; j < p; j++) sc[j] = 1.0 / sqrt(glob_[j * p + j]);
        for (size_t j = 0; j < p; j++) {
            b[j] = glob_[p * p + j] * sc[j];
            for (size_t k = j; k < p; k++) A[j * p + k] = glob_[j * p + k] * sc[j] * sc[k];
        }
        if ((size_t)obs_chol_decompose(A, p, 1e-11, al) != p) die("logit: the design is singular (aliased columns are not supported by obsurv-mpi)");
        obs_chol_solve(A, p, b);
        for (size_t j = 0; j < p; j++) b[j] *= sc[j];
        double d = 0;
        for (size_t i = 0; i < n; i++) {
            double e = 0;
            for (size_t j = 0; j < p; j++) e += x[j * n + i] * b[j];
            eta[i] = e;
            mu[i] = linkinv(e);
            d += dev_resid(y[i], mu[i]);
        }
        MPI_Allreduce(&d, &dev, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        if (fabs(dev - devold) / (fabs(dev) + 0.1) < 1e-8) { conv = 1; break; }
        devold = dev;
    }
    if (iter > maxit) iter = maxit;
    /* covariance: (X'WX)^-1 at the last weights (A holds its factor) */
    obs_chol_invert(A, p);
    double nulldev = 0, aic = 0;
    for (size_t i = 0; i < n; i++) {
        nulldev += dev_resid(y[i], ybar);
        aic += y[i] > 0.5 ? log(mu[i]) : log(1 - mu[i]);
    }
    double lin[2] = {nulldev, aic}, lout[2];
    MPI_Allreduce(lin, lout, 2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    long long nd = fr ? (long long)fr->n_dropped : 0, ndt = 0;
    MPI_Allreduce(&nd, &ndt, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    if (rank_ == 0) {
        obs_json j;
        obs_json_init(&j, stdout);
        obs_json_begin_object(&j);
        obs_json_kv_int(&j, "n", (long long)ntot);
        obs_json_kv_int(&j, "n_dropped", ndt);
        obs_json_kv_bool(&j, "converged", conv);
        obs_json_kv_int(&j, "iterations", iter);
        obs_json_kv_number(&j, "deviance", dev);
        obs_json_kv_number(&j, "null_deviance", lout[0]);
        obs_json_kv_number(&j, "df_residual", ntot - (double)p);
        obs_json_kv_number(&j, "df_null", ntot - 1);
        obs_json_kv_number(&j, "aic", -2 * lout[1] + 2.0 * (double)p);
        obs_json_kv_number(&j, "loglik", lout[1]);
        obs_json_kv_int(&j, "rank", (long long)p);
        obs_json_kv_int(&j, "processes", size_);
        obs_json_key(&j, "coefficients");
        obs_json_begin_array(&j);
        for (size_t k = 0; k < p; k++) {
            double se = sqrt(A[k * p + k] * sc[k] * sc[k]), z = b[k] / se;
            obs_json_begin_object(&j);
            obs_json_kv_string(&j, "term", fr->colnames[k]);
            obs_json_kv_number(&j, "coef", b[k]);
            obs_json_kv_number(&j, "se", se);
            obs_json_kv_number(&j, "z", z);
            obs_json_kv_number(&j, "p", obs_pnorm_two_sided(z));
            obs_json_end_object(&j);
        }
        obs_json_end_array(&j);
        obs_json_end_object(&j);
        fputc('\n', stdout);
    }
    (void)json;
    free(eta); free(mu); free(loc); free(glob_); free(A); free(b); free(sc); free(al);
    return 0;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    const char *cmd = argc > 1 ? argv[1] : NULL, *data = NULL, *formula = NULL;
    for (int i = 2; i + 1 < argc; i++) {
        if (!strcmp(argv[i], "--data")) data = argv[++i];
        else if (!strcmp(argv[i], "--formula")) formula = argv[++i];
        else if (!strcmp(argv[i], "--format")) i++;
    }
    if (!cmd || !data || !formula || strcmp(cmd, "logit") != 0) {
        if (rank_ == 0)
            fprintf(stderr, "usage: mpirun -np K obsurv-mpi logit --data FILE|'GLOB' --formula F [--format json]\n"
                            "(km, logrank and cox: not yet distributed; use obsurv)\n");
        MPI_Finalize();
        return 2;
    }
    obs_error err;
    obs_formula *f = NULL;
    if (obs_formula_parse(formula, &f, &err)) die(err.msg);
    const char **cols = formula_columns(f);
    size_t len = 0;
    char *text = load_text(data, &len);
    if (!text) die("cannot read --data");
    obs_csv_options o = {cols, 1, NULL, NULL};
    obs_table *t = NULL;
    if (obs_csv_read_buffer_opts(text, len, data, &o, &t, &err)) die(err.msg);
    free(text);
    for (size_t j = 0; j < t->ncol; j++)
        if (t->cols[j].type != OBS_COL_NUMERIC && t->nrow > 0) {
            char msg[300];
            snprintf(msg, sizeof msg, "column \"%s\" is text: obsurv-mpi needs numeric columns", t->cols[j].name);
            die(msg);
        }
    obs_frame_spec spec = {.rhs = OBS_FRAME_DESIGN, .intercept = 1,
                           .response_required = OBS_FRAME_NEED_BINARY, .drop_unused_levels = 1};
    obs_frame *fr = NULL;
    if (t->nrow == 0 && rank_ == 0) die("process 0 has no rows (fewer shards than processes?)");
    if (t->nrow > 0 && obs_frame_build(t, f, &spec, &fr, &err)) die(err.msg);
    int rc = run_logit(fr, 1);
    obs_frame_free(&fr);
    obs_table_free(&t);
    obs_formula_free(&f);
    free(cols);
    MPI_Finalize();
    return rc;
}
