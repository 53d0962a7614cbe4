/*
 * mpi_cox.c — obsurv-mpi cox: the Cox model (Efron or Breslow ties,
 * right-censored data, strata, integer case weights, offset) fitted on
 * data spread over the processes, with the same Newton-Raphson as the
 * one-process obs_cox_fit (src/cox_fit.c).
 *
 * 1. Each process reads its rows and builds its model frame.  The strata
 *    codes and names must be global: every process sends process 0 one
 *    row per local stratum and its dropped rows (as CSV text); process 0
 *    builds the frame of those rows, which gives the global strata names
 *    and order, the exclusions, and each process's local-to-global strata
 *    map (broadcast back).  O(strata + dropped rows), once.
 * 2. Sample sort by (stratum ascending, time descending): each process
 *    sorts its rows, contributes up to 64 evenly spaced keys, every process
 *    picks the same K-1 splitters from all the keys, and one MPI_Alltoallv
 *    moves the rows.  A row's destination depends on its key only, so the
 *    rows of a tied (stratum, time) group all land on one process.  Then
 *    process r holds a contiguous block of the global order.
 * 3. Centring and scaling as coxph (weighted mean, reciprocal weighted mean
 *    absolute deviation; 0/+-1 columns untouched): three MPI_Allreduce.
 * 4. One pass at beta (Therneau & Grambsch 2000, sec. 3.3; the formulas of
 *    src/cox_fit.c): the risk set of a time is the rows of its stratum with
 *    a later or equal time, i.e. the earlier rows here plus every row of
 *    that stratum on lower-ranked processes.  Each process sums S0 = sum w r,
 *    S1 = sum w r x and S2 = sum w r x x' over its last stratum's rows; one
 *    MPI_Allgather of these K (p^2 + p + 4) numbers lets each process add
 *    up the sums of the lower ranks holding its first stratum (a segmented
 *    exclusive scan).  Starting from those sums, the pass runs the Breslow/
 *    Efron running sums of cox_pass over the local rows (the same inline
 *    cox_sums_* of src/cox_internal.h), and an
 *    MPI_Allreduce adds loglik, score and information (p^2 + p + 1).
 *    exp() is taken relative to a global constant (0 while every |eta| <=
 *    200, as the one-process route; else the largest eta): one scalar
 *    MPI_Allreduce.  Nothing exchanged per iteration grows with n.
 * 5. Newton-Raphson by the library's own cox_newton (src/cox_newton.c,
 *    coxfit6): start at 0, LDL' solve with toler_chol, step-halving,
 *    |1 - l_old/l_new| <= eps, one more step at max_iter.  Every process
 *    holds the same sums, so all take the same steps.
 * 6. SEs, LR, Wald and score tests and warnings by the functions of
 *    obs_cox_fit (cox_model_from_newton, _checks, _finish); the
 *    concordance needs all pairs of rows: process 0 gathers (stratum, time,
 *    status, weight, linear predictor) — 5 numbers a row, O(n) once, not per
 *    iteration — and runs the one-process cox_concordance.
 *
 * Refused (exit 2): counting-process (start, stop] data, ties exact,
 * cluster() / --robust and non-integer weights (they imply the robust
 * variance), factor() and text columns in the terms.
 */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../cox_internal.h"
#include "obsurv/csv_opts.h"
#include "obsurv/dist.h"
#include "obsurv/linalg.h"
#include "obsurv/progress.h"
#include "obsurv/render_cox.h"
#include "obsurv/render_frame.h"
#include "mpi_common.h"

#define REC_SEP '\x1d'

/* Packed row: code, time, status, weight, offset, x[0..p-1] (raw). */
enum { C_CODE = 0, C_TIME, C_STATUS, C_WT, C_OFF, C_X };

typedef struct {
    size_t n, p, R;
    double *rows;            /* n * R packed rows, sorted by key */
    double *x;               /* n * p centred and scaled, row-major */
    double *eta, *rw;
    size_t nstr, *sbeg;      /* local strata segments */
    double *a, *a2, *cmat, *cmat2, *tail, *all, *carry, *red;
    double *mean, *scale;
    int efron;
} dcox;

static int key_cmp(const void *pa, const void *pb)
{
    const double *a = pa, *b = pb;
    if (a[C_CODE] != b[C_CODE]) return a[C_CODE] < b[C_CODE] ? -1 : 1;
    if (a[C_TIME] != b[C_TIME]) return a[C_TIME] > b[C_TIME] ? -1 : 1;
    return 0;
}

/* Sample sort of d->rows over the processes (see 2. above). */
static void sample_sort(dcox *d)
{
    const size_t R = d->R;
    const int K = mpi_size;
    qsort(d->rows, d->n, R * sizeof(double), key_cmp);
    int s = d->n < 64 ? (int)d->n : 64;
    double *smp = malloc((size_t)(2 * s + 2) * sizeof *smp);
    int *cnt = malloc((size_t)K * sizeof *cnt), *disp = malloc((size_t)K * sizeof *disp);
    if (!smp || !cnt || !disp) mpi_die("out of memory");
    for (int i = 0; i < s; i++) {
        const double *row = d->rows + (((size_t)i * d->n + d->n / 2) / (size_t)s) * R;
        smp[2 * i] = row[C_CODE];
        smp[2 * i + 1] = row[C_TIME];
    }
    int ns = 2 * s;
    MPI_Allgather(&ns, 1, MPI_INT, cnt, 1, MPI_INT, MPI_COMM_WORLD);
    int M = 0;
    for (int r = 0; r < K; r++) { disp[r] = M; M += cnt[r]; }
    double *allk = malloc((size_t)(M + 2) * sizeof *allk);
    if (!allk) mpi_die("out of memory");
    MPI_Allgatherv(smp, ns, MPI_DOUBLE, allk, cnt, disp, MPI_DOUBLE, MPI_COMM_WORLD);
    M /= 2;
    qsort(allk, (size_t)M, 2 * sizeof(double), key_cmp);
    /* splitters: keys (i M / K), i = 1..K-1; a row goes to the number of
     * splitters strictly before its key */
    int *scnt = calloc((size_t)K, sizeof *scnt), *sdisp = malloc((size_t)K * sizeof *sdisp);
    int *rcnt = malloc((size_t)K * sizeof *rcnt), *rdisp = malloc((size_t)K * sizeof *rdisp);
    if (!scnt || !sdisp || !rcnt || !rdisp) mpi_die("out of memory");
    int b = 0;
    for (size_t k = 0; k < d->n; k++) {
        const double *row = d->rows + k * R;
        while (b < K - 1 && M > 0 && key_cmp(allk + 2 * (((size_t)(b + 1) * (size_t)M) / (size_t)K), row) < 0) b++;
        scnt[b] += (int)R;
    }
    MPI_Alltoall(scnt, 1, MPI_INT, rcnt, 1, MPI_INT, MPI_COMM_WORLD);
    size_t tot = 0, so = 0;
    for (int r = 0; r < K; r++) {
        sdisp[r] = (int)so; so += (size_t)scnt[r];
        rdisp[r] = (int)tot; tot += (size_t)rcnt[r];
    }
    double *recv = malloc((tot + 1) * sizeof *recv);
    if (!recv) mpi_die("out of memory");
    MPI_Alltoallv(d->rows, scnt, sdisp, MPI_DOUBLE, recv, rcnt, rdisp, MPI_DOUBLE, MPI_COMM_WORLD);
    free(d->rows);
    d->rows = recv;
    d->n = tot / R;
    qsort(d->rows, d->n, R * sizeof(double), key_cmp);
    free(smp); free(cnt); free(disp); free(allk); free(scnt); free(sdisp); free(rcnt); free(rdisp);
}

/* One pass at beta (scaled coordinates) over all processes: returns the
 * log partial likelihood; u (p) the score, imat (p*p) the information,
 * identical on every process.  See 4. above. */
static double dpass(dcox *d, const double *beta, double *u, double *imat)
{
    const size_t p = d->p, n = d->n, R = d->R, T = 4 + p + p * p;
    double mx[2] = {0.0, -INFINITY};
    for (size_t k = 0; k < n; k++) {
        const double *xk = d->x + k * p;
        double e = d->rows[k * R + C_OFF];
        for (size_t j = 0; j < p; j++) e += beta[j] * xk[j];
        d->eta[k] = e;
        if (e != e) mx[0] = INFINITY;
        else if (fabs(e) > mx[0]) mx[0] = fabs(e);
        if (e > mx[1]) mx[1] = e;
    }
    MPI_Allreduce(MPI_IN_PLACE, mx, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    const double center = (mx[0] <= 200 || !isfinite(mx[1])) ? 0.0 : mx[1];
    for (size_t k = 0; k < n; k++) {
        const double w = d->rows[k * R + C_WT];
        d->rw[k] = w == 0.0 ? 0.0 : w * exp(d->eta[k] - center);
    }

    /* sums over the last local stratum, for the processes after this one */
    double *tail = d->tail;
    memset(tail, 0, T * sizeof *tail);
    if (n > 0) {
        tail[0] = 1.0;
        tail[1] = d->rows[C_CODE];
        tail[2] = d->rows[(n - 1) * R + C_CODE];
        for (size_t k = d->sbeg[d->nstr - 1]; k < n; k++) {
            if (d->rows[k * R + C_WT] == 0.0) continue;
            tail[3] += d->rw[k];
            cox_risk_add(tail + 4, tail + 4 + p, d->x + k * p, p, d->rw[k]);
        }
    }
    MPI_Allgather(tail, (int)T, MPI_DOUBLE, d->all, (int)T, MPI_DOUBLE, MPI_COMM_WORLD);
    double *carry = d->carry;
    memset(carry, 0, T * sizeof *carry);
    if (n > 0)
        for (int q = mpi_rank - 1; q >= 0; q--) {
            const double *o = d->all + (size_t)q * T;
            if (o[0] == 0.0) continue;
            if (o[2] != d->rows[C_CODE]) break;
            for (size_t i = 3; i < T; i++) carry[i] += o[i];
            if (o[1] != o[2]) break;
        }

    double *red = d->red;
    memset(red, 0, (1 + p + p * p) * sizeof *red);
    cox_sums S = {.p = p, .efron = d->efron, .a = d->a, .cmat = d->cmat, .a2 = d->a2,
                  .cmat2 = d->cmat2, .loglik = 0.0, .u = red + 1, .imat = red + 1 + p};
    for (size_t s = 0; s < d->nstr; s++) {
        const size_t b = d->sbeg[s], e = d->sbeg[s + 1];
        S.denom = 0.0;
        memset(S.a, 0, p * sizeof *S.a);
        memset(S.cmat, 0, p * p * sizeof *S.cmat);
        if (s == 0) {
            S.denom = carry[3];
            memcpy(S.a, carry + 4, p * sizeof *S.a);
            memcpy(S.cmat, carry + 4 + p, p * p * sizeof *S.cmat);
        }
        for (size_t k = b; k < e;) {
            const double t = d->rows[k * R + C_TIME];
            size_t k2 = k;
            int anydeath = 0;
            while (k2 < e && d->rows[k2 * R + C_TIME] == t) { anydeath |= d->rows[k2 * R + C_STATUS] != 0.0; k2++; }
            cox_sums_new_time(&S, anydeath);
            for (size_t q = k; q < k2; q++) {
                const double wq = d->rows[q * R + C_WT];
                if (wq == 0.0) continue;      /* weight 0: in no sum (cox_work skip) */
                cox_sums_row(&S, d->rows[q * R + C_STATUS] != 0.0, wq, d->eta[q], d->rw[q], d->x + q * p);
            }
            cox_sums_event_time(&S, center);
            k = k2;
        }
    }
    red[0] = S.loglik;
    MPI_Allreduce(MPI_IN_PLACE, red, (int)(1 + p + p * p), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    memcpy(u, red + 1, p * sizeof *u);
    memcpy(imat, red + 1 + p, p * p * sizeof *imat);
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++) imat[i * p + j] = imat[j * p + i];
    return red[0];
}

static double pass_dist(void *d, const double *beta, double *u, double *imat)
{
    return dpass(d, beta, u, imat);
}

/* Step 1: the global strata map and process 0's frame of representative
 * and dropped rows (NULL elsewhere).  map: local stratum -> global code. */
static obs_frame *global_strata(const obs_table *t, const obs_frame *fr, const obs_formula *f,
                                const obs_frame_spec *spec, const char *source, int **map)
{
    mpi_buf b = {0};
    size_t ns = fr ? (fr->strata ? fr->nstrata : 1) : 0;
    *map = calloc(ns + 1, sizeof **map);
    if (!*map) mpi_die("out of memory");
    if (fr) {
        unsigned char *used = calloc(t->nrow + 1, 1);
        size_t *rep = malloc((ns + 1) * sizeof *rep);
        if (!used || !rep) mpi_die("out of memory");
        for (size_t s = 0; s < ns; s++) rep[s] = (size_t)-1;
        for (size_t i = 0; i < fr->n; i++) {
            used[fr->row[i]] = 1;
            size_t s = fr->strata ? (size_t)fr->strata[i] : 0;
            if (rep[s] == (size_t)-1) rep[s] = fr->row[i];
        }
        for (size_t s = 0; s < ns; s++) {
            if (rep[s] == (size_t)-1) continue;   /* a level no used row has */
            mpi_buf_printf(&b, "R%d:%zu:", mpi_rank, s);
            for (size_t j = 0; j < t->ncol; j++) {
                if (j) mpi_buf_put(&b, ",", 1);
                mpi_put_cell(&b, &t->cols[j], rep[s]);
            }
            char sep = REC_SEP;
            mpi_buf_put(&b, &sep, 1);
        }
        for (size_t i = 0; i < t->nrow; i++) {
            if (used[i]) continue;
            mpi_buf_puts(&b, "D");
            for (size_t j = 0; j < t->ncol; j++) {
                if (j) mpi_buf_put(&b, ",", 1);
                mpi_put_cell(&b, &t->cols[j], i);
            }
            char sep = REC_SEP;
            mpi_buf_put(&b, &sep, 1);
        }
        free(used); free(rep);
    }
    size_t glen = 0;
    char *all = mpi_gather_bytes(b.s ? b.s : "", b.len, &glen);
    free(b.s);

    obs_frame *f0 = NULL;
    mpi_buf maps = {0};   /* triples rank, local stratum, global code */
    if (mpi_rank == 0) {
        mpi_buf csv = {0};
        for (size_t j = 0; j < t->ncol; j++) {
            if (j) mpi_buf_put(&csv, ",", 1);
            mpi_put_name(&csv, t->cols[j].name);
        }
        mpi_buf_put(&csv, "\n", 1);
        size_t nl = 0, cap = 16;
        int *rr = malloc(cap * sizeof *rr), *rs = malloc(cap * sizeof *rs);
        long *line = malloc(cap * sizeof *line);
        size_t nrep = 0;
        for (char *p = all; p < all + glen;) {
            char *e = memchr(p, REC_SEP, (size_t)(all + glen - p));
            if (!e) break;
            *e = '\0';
            if (*p == 'R') {
                int r; size_t s; int off = 0;
                if (sscanf(p + 1, "%d:%zu:%n", &r, &s, &off) < 2) mpi_die("internal: bad record");
                if (nrep == cap) {
                    cap *= 2;
                    rr = realloc(rr, cap * sizeof *rr); rs = realloc(rs, cap * sizeof *rs);
                    line = realloc(line, cap * sizeof *line);
                }
                rr[nrep] = r; rs[nrep] = (int)s; line[nrep] = (long)nl; nrep++;
                mpi_buf_puts(&csv, p + 1 + off);
            } else mpi_buf_puts(&csv, p + 1);
            mpi_buf_put(&csv, "\n", 1);
            nl++;
            p = e + 1;
        }
        obs_error err;
        obs_error_clear(&err);
        obs_csv_options o = {NULL, 1, NULL, NULL};
        obs_table *mt = NULL;
        if (obs_csv_read_buffer_opts(csv.s, csv.len, source, &o, &mt, &err)) mpi_die("%s", err.msg);
        free(csv.s);
        if (obs_frame_build(mt, f, spec, &f0, &err))
            mpi_die_code(obs_status_exit_code(err.status) ? obs_status_exit_code(err.status) : 2, "%s", err.msg);
        obs_table_free(&mt);
        long *pos = malloc((nl + 1) * sizeof *pos);
        if (!pos) mpi_die("out of memory");
        for (size_t l = 0; l < nl; l++) pos[l] = -1;
        for (size_t i = 0; i < f0->n; i++) pos[f0->row[i]] = (long)i;
        for (size_t k = 0; k < nrep; k++) {
            long i = pos[line[k]];
            if (i < 0) mpi_die("internal: a process's row is not in the global frame");
            int code = f0->strata ? f0->strata[i] : 0;
            int tri[3] = {rr[k], rs[k], code};
            mpi_buf_put(&maps, (const char *)tri, sizeof tri);
        }
        free(pos); free(rr); free(rs); free(line);
    }
    free(all);
    size_t mlen = 0;
    char *mb = mpi_bcast_bytes(maps.s, maps.len, &mlen);
    free(maps.s);
    for (size_t k = 0; k + 3 * sizeof(int) <= mlen; k += 3 * sizeof(int)) {
        int tri[3];
        memcpy(tri, mb + k, sizeof tri);
        if (tri[0] == mpi_rank && (size_t)tri[1] < ns) (*map)[tri[1]] = tri[2];
    }
    free(mb);
    return f0;
}

static double *dalloc(size_t n)
{
    double *v = calloc(n ? n : 1, sizeof *v);
    if (!v) mpi_die("out of memory");
    return v;
}

int mpi_run_cox(const mpi_args *a, const obs_formula *f)
{
    obs_cox_options o;
    obs_cox_options_default(&o);
    if (a->ties) {
        if (!strcmp(a->ties, "efron")) o.ties = OBS_COX_EFRON;
        else if (!strcmp(a->ties, "breslow")) o.ties = OBS_COX_BRESLOW;
        else if (!strcmp(a->ties, "exact")) mpi_die("--ties exact is not available in obsurv-mpi (use obsurv)");
        else mpi_die("--ties: expected efron, breslow or exact, got \"%s\"", a->ties);
    }
    if (a->conf_level) {
        char *e;
        o.conf_level = strtod(a->conf_level, &e);
        if (*e || !(o.conf_level > 0 && o.conf_level < 1)) mpi_die("--conf-level must be between 0 and 1");
    }
    if (a->max_iter) {
        char *e;
        long v = strtol(a->max_iter, &e, 10);
        if (*e || v < 0 || v > 10000) mpi_die("--max-iter must be between 0 and 10000");
        o.max_iter = (int)v;
    }
    if (f->nresponse == 3) mpi_die("cox: counting-process data Surv(start, stop, event) are not available in obsurv-mpi (use obsurv)");
    for (size_t i = 0; i < f->nspecials; i++)
        if (f->specials[i].kind == OBS_VAR_CLUSTER)
            mpi_die("cox: cluster() (the robust variance) is not available in obsurv-mpi (use obsurv)");

    obs_table *t = mpi_read_table(a->data, f, a->weights, 0);
    obs_frame_spec spec = {.rhs = OBS_FRAME_DESIGN, .intercept = 0, .response_required = OBS_FRAME_NEED_SURV,
                           .weights = a->weights, .drop_unused_levels = 0};
    obs_frame *fr = NULL;
    obs_error err;
    obs_error_clear(&err);
    if (t->nrow == 0 && mpi_rank == 0) mpi_die("process 0 has no rows (fewer shards than processes?)");
    if (t->nrow > 0 && obs_frame_build(t, f, &spec, &fr, &err))
        mpi_die_code(obs_status_exit_code(err.status) ? obs_status_exit_code(err.status) : 2, "%s", err.msg);
    if (fr && (fr->response != OBS_RESP_SURV || fr->start))
        mpi_die("cox: the response must be Surv(time, event)");
    int nonint = 0;
    if (fr && fr->weights)
        for (size_t i = 0; i < fr->n && !nonint; i++) nonint = fr->weights[i] != floor(fr->weights[i]);
    MPI_Allreduce(MPI_IN_PLACE, &nonint, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (nonint) mpi_die("cox: non-integer --weights imply the robust variance, which obsurv-mpi does not compute (use obsurv)");

    unsigned long lp = fr ? (unsigned long)fr->p : 0, gp = 0;
    MPI_Allreduce(&lp, &gp, 1, MPI_UNSIGNED_LONG, MPI_MAX, MPI_COMM_WORLD);
    if (fr && lp != gp) mpi_die("the processes' design matrices differ");
    int *smap = NULL;
    obs_frame *f0 = global_strata(t, fr, f, &spec, a->data, &smap);

    /* pack the rows */
    dcox d = {0};
    d.p = gp;
    d.R = C_X + d.p;
    d.n = fr ? fr->n : 0;
    d.efron = (o.ties == OBS_COX_EFRON);
    const size_t p = d.p, R = d.R;
    d.rows = dalloc(d.n * R);
    for (size_t i = 0; i < d.n; i++) {
        double *row = d.rows + i * R;
        row[C_CODE] = fr->strata ? smap[fr->strata[i]] : 0;
        row[C_TIME] = fr->time[i];
        row[C_STATUS] = fr->status[i];
        row[C_WT] = fr->weights ? fr->weights[i] : 1.0;
        row[C_OFF] = fr->offset ? fr->offset[i] : 0.0;
        for (size_t j = 0; j < p; j++) row[C_X + j] = fr->x[j * fr->n + i];
    }
    double glob[3] = {(double)d.n, 0.0, 0.0};   /* rows, events, weight sum */
    for (size_t i = 0; i < d.n; i++) {
        const double *row = d.rows + i * R;
        glob[1] += (row[C_STATUS] == 1.0 && row[C_WT] > 0);
        glob[2] += row[C_WT];
    }
    MPI_Allreduce(MPI_IN_PLACE, glob, 3, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    const double N = glob[0], nevent = glob[1], sumw = glob[2];
    if (!(sumw > 0)) mpi_die_code(1, "cox: the case weights sum to zero");
    if (nevent == 0) mpi_die_code(1, "cox: no events (every observation is censored): the model cannot be fitted");

    /* centring and scaling (cox_work_init): 0/+-1 columns untouched */
    d.mean = dalloc(p);
    d.scale = dalloc(p);
    {
        double *buf = dalloc(2 * p + 1);
        int *zo = malloc((p + 1) * sizeof *zo);
        if (!zo) mpi_die("out of memory");
        for (size_t j = 0; j < p; j++) {
            zo[j] = 1;
            for (size_t i = 0; i < d.n && zo[j]; i++) {
                double v = d.rows[i * R + C_X + j];
                if (v != 0.0 && v != 1.0 && v != -1.0) zo[j] = 0;
            }
        }
        MPI_Allreduce(MPI_IN_PLACE, zo, (int)p, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        for (size_t j = 0; j < p; j++)
            for (size_t i = 0; i < d.n; i++) buf[j] += d.rows[i * R + C_WT] * d.rows[i * R + C_X + j];
        MPI_Allreduce(MPI_IN_PLACE, buf, (int)p, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        for (size_t j = 0; j < p; j++) d.mean[j] = zo[j] ? 0.0 : buf[j] / sumw;
        for (size_t j = 0; j < p; j++) {
            buf[p + j] = 0.0;
            for (size_t i = 0; i < d.n; i++)
                buf[p + j] += d.rows[i * R + C_WT] * fabs(d.rows[i * R + C_X + j] - d.mean[j]);
        }
        MPI_Allreduce(MPI_IN_PLACE, buf + p, (int)p, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        for (size_t j = 0; j < p; j++) {
            double mad = zo[j] ? 0.0 : buf[p + j];
            d.scale[j] = (zo[j] || !(mad > 0)) ? 1.0 : sumw / mad;
        }
        free(buf); free(zo);
    }

    sample_sort(&d);
    const size_t n = d.n, T = 4 + p + p * p;
    d.x = dalloc(n * p);
    for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < p; j++)
            d.x[k * p + j] = (d.rows[k * R + C_X + j] - d.mean[j]) * d.scale[j];
    d.eta = dalloc(n); d.rw = dalloc(n);
    d.sbeg = malloc((n + 2) * sizeof *d.sbeg);
    if (!d.sbeg) mpi_die("out of memory");
    d.nstr = 0;
    for (size_t k = 0; k < n; k++)
        if (k == 0 || d.rows[k * R + C_CODE] != d.rows[(k - 1) * R + C_CODE]) d.sbeg[d.nstr++] = k;
    d.sbeg[d.nstr] = n;
    d.a = dalloc(p); d.a2 = dalloc(p); d.cmat = dalloc(p * p); d.cmat2 = dalloc(p * p);
    d.tail = dalloc(T); d.carry = dalloc(T); d.all = dalloc((size_t)mpi_size * T);
    d.red = dalloc(1 + p + p * p);

    /* fit */
    double *beta = dalloc(p), *newbeta = dalloc(p), *oldbeta = dalloc(p);
    double *u = dalloc(p), *imat = dalloc(p * p);
    int *aliased = calloc(p + 1, sizeof *aliased);
    if (!aliased) mpi_die("out of memory");
    double loglik[2], sctest;
    int iter, converged, rank;
    /* Newton-Raphson and the model exactly as obs_cox_fit (cox_newton.c):
     * every process holds the same sums, so all take the same steps */
    cox_newton_spec ns = {pass_dist, &d, 0, 0, mpi_rank == 0 ? "cox (mpi)" : NULL};
    cox_newton(&ns, p, &o, beta, u, imat, aliased, loglik, &sctest, &iter, &converged, &rank,
               newbeta, oldbeta);
    if (mpi_rank == 0) {
        obs_progress_event ev = {OBS_PROGRESS_DONE, "cox (mpi)", 0, 0, 0.0};
        obs_progress_report(&ev);
    }

    obs_cox_model *m = calloc(1, sizeof *m);
    if (!m) mpi_die("out of memory");
    obs_warnings_init(&m->warnings);
    m->n = (size_t)N; m->p = p; m->nevent = (size_t)nevent; m->ties = o.ties;
    m->coef = dalloc(p); m->aliased = aliased; m->var = dalloc(p * p); m->se = dalloc(p);
    m->z = dalloc(p); m->p_value = dalloc(p); m->hr = dalloc(p); m->hr_lower = dalloc(p);
    m->hr_upper = dalloc(p); m->means = dalloc(p); m->u = dalloc(p);
    cox_model_from_newton(m, beta, u, imat, d.mean, d.scale, loglik, iter, converged, rank);

    /* linear predictor of the local rows: x'b + offset - means'b */
    double *lpv = dalloc(n), mb = 0.0;
    for (size_t j = 0; j < p; j++) mb += d.mean[j] * m->coef[j];
    for (size_t k = 0; k < n; k++) {
        double e = d.rows[k * R + C_OFF];
        for (size_t j = 0; j < p; j++) e += d.rows[k * R + C_X + j] * m->coef[j];
        lpv[k] = e - mb;
    }

    if (cox_model_checks(m, &o, 0, sctest, &err)) mpi_die("%s", err.msg);
    for (size_t i = 0; i < p; i++) newbeta[i] = aliased[i] ? 0.0 : m->coef[i];
    {
        double *vv = dalloc(p * p + 1), *bb = dalloc(2 * p + 1);
        m->wald.stat = cox_wald_stat(m->var, newbeta, aliased, p, o.toler_chol, vv, bb);
        free(vv); free(bb);
    }
    cox_model_finish(m, &o);

    /* concordance: (stratum, time, status, weight, lp) of every row on
     * process 0, then the one-process cox_concordance */
    {
        double *pk = dalloc(5 * n);
        for (size_t k = 0; k < n; k++) {
            pk[5 * k] = d.rows[k * R + C_CODE];
            pk[5 * k + 1] = d.rows[k * R + C_TIME];
            pk[5 * k + 2] = d.rows[k * R + C_STATUS];
            pk[5 * k + 3] = d.rows[k * R + C_WT];
            pk[5 * k + 4] = lpv[k];
        }
        size_t glen = 0;
        char *g = mpi_gather_bytes((const char *)pk, 5 * n * sizeof *pk, &glen);
        free(pk);
        if (mpi_rank == 0) {
            size_t NN = glen / (5 * sizeof(double));
            const double *gp_ = (const double *)g;
            double *tm = dalloc(NN), *wt = dalloc(NN), *lpg = dalloc(NN), *lps = dalloc(NN);
            int *st = malloc((NN + 1) * sizeof *st), *sc = malloc((NN + 1) * sizeof *sc);
            if (!st || !sc) mpi_die("out of memory");
            for (size_t k = 0; k < NN; k++) {
                sc[k] = (int)gp_[5 * k]; tm[k] = gp_[5 * k + 1]; st[k] = (int)gp_[5 * k + 2];
                wt[k] = gp_[5 * k + 3]; lpg[k] = gp_[5 * k + 4];
            }
            obs_cox_data cd = {.n = NN, .p = 0, .stop = tm, .status = st,
                               .strata = (f0 && f0->strata) ? sc : NULL, .weights = wt};
            cox_work w;
            if (cox_work_init(&w, &cd, o.ties, &err)) mpi_die("%s", err.msg);
            for (size_t k = 0; k < NN; k++) lps[k] = lpg[w.row[k]];
            if (cox_concordance(&w, lps, NULL, NULL, 0, m, &err)) mpi_die("%s", err.msg);
            cox_work_free(&w);
            free(tm); free(wt); free(lpg); free(lps); free(st); free(sc);
        }
        free(g);
    }

    if (mpi_rank == 0) {
        f0->n_read = (size_t)N + f0->n_dropped;
        f0->n = (size_t)N;
        obs_warnings warn;
        obs_warnings_init(&warn);
        mpi_dropped_warning(&warn, f0);
        for (size_t k = 0; k < m->warnings.n; k++) obs_warnings_add(&warn, "%s", m->warnings.msg[k]);
        obs_json j;
        obs_json_init(&j, stdout);
        obs_json_begin_object(&j);
        obs_render_cox_json(&j, m, (const char *const *)f0->colnames);
        obs_json_kv_int(&j, "n_dropped", (long long)f0->n_dropped);
        mpi_json_exclusions(&j, f0);
        obs_json_kv_bool(&j, "robust", 0);
        obs_json_kv_number(&j, "conf_level", o.conf_level);
        if (f0->strata) {
            obs_json_key(&j, "strata");
            obs_json_begin_array(&j);
            for (size_t s = 0; s < f0->nstrata; s++) obs_json_string(&j, f0->strata_names[s]);
            obs_json_end_array(&j);
        }
        obs_render_warnings_json(&j, &warn);
        obs_json_kv_int(&j, "processes", mpi_size);
        obs_json_end_object(&j);
        fputc('\n', stdout);
        obs_warnings_free(&warn);
    }
    obs_cox_model_free(&m);
    free(lpv); free(beta); free(newbeta); free(oldbeta); free(u); free(imat);
    free(d.rows); free(d.x); free(d.eta); free(d.rw); free(d.sbeg); free(d.a); free(d.a2);
    free(d.cmat); free(d.cmat2); free(d.tail); free(d.carry); free(d.all); free(d.red);
    free(d.mean); free(d.scale); free(smap);
    obs_frame_free(&f0);
    obs_frame_free(&fr);
    obs_table_free(&t);
    return 0;
}
