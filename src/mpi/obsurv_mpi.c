/*
 * obsurv_mpi.c — obsurv-mpi: distributed fits on MPI (Open MPI), each
 * process reading its own part of the data (doc/mpi.md).
 *
 *   mpirun -np K obsurv-mpi logit|cox|km|logrank --data FILE|'GLOB' --formula F [options]
 *
 * The JSON is that of the one-process obsurv command (same keys and the
 * same numbers to rounding; tests/mpi/run_mpi.sh holds them at 1e-9).
 * Reading (src/mpi/mpi_common.c): byte ranges of one file aligned to row
 * starts, or shards of a glob dealt out to the processes.
 *
 * logit: IRLS as glm.fit (src/logit.c) with the normal equations: each
 * iteration every process forms its X'WX and X'Wz, one MPI_Allreduce adds
 * them (p^2 + p + 2 doubles, independent of n), every process solves the
 * same equilibrated Cholesky system and updates its own eta; the deviance
 * is one more allreduce.  The covariance is (X'WX)^-1 at the last weights,
 * as R's (R'R)^-1.  Agreement with the one-process fit: about cond(X'WX)
 * times machine epsilon.  The keys of obsurv logit's JSON that do not
 * need all rows in one place (no AUC).
 * cox: src/mpi/mpi_cox.c; km and logrank: src/mpi/mpi_survtab.c.
 *
 * Process 0 prints; an error is printed by the process that meets it and
 * every process ends with exit code 2 (usage, data) or 1 (no fit).
 */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <float.h>
#include "obsurv/dist.h"
#include "obsurv/formula.h"
#include "obsurv/frame.h"
#include "obsurv/json.h"
#include "obsurv/linalg.h"
#include "obsurv/progress.h"
#include "mpi_common.h"

#define rank_ mpi_rank
#define size_ mpi_size
#define die(msg) mpi_die("%s", msg)

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

static const char *USAGE =
    "usage: mpirun -np K obsurv-mpi COMMAND --data FILE|'GLOB' --formula F [options]\n"
    "  logit    --formula \"y ~ x1 + x2\"\n"
    "  cox      --formula \"Surv(time, status) ~ x1 + strata(s)\" [--ties efron|breslow] [--weights W]\n"
    "           [--max-iter N] [--conf-level L]\n"
    "  km       --formula \"Surv(time, status) ~ g + strata(s)\" [--weights W] [--conf-type T]\n"
    "           [--conf-level L] [--times t1,t2,...]\n"
    "  logrank  --formula \"Surv(time, status) ~ g + strata(s)\" [--rho R]\n"
    "  [--format json]: the output is the JSON of the one-process obsurv command (doc/mpi.md)\n";

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mpi_size);
    mpi_args a = {0};
    a.cmd = argc > 1 ? argv[1] : NULL;
    static const struct { const char *opt; size_t off; } opts[] = {
        {"--data", offsetof(mpi_args, data)}, {"--formula", offsetof(mpi_args, formula)},
        {"--weights", offsetof(mpi_args, weights)}, {"--format", offsetof(mpi_args, format)},
        {"--conf-type", offsetof(mpi_args, conf_type)}, {"--conf-level", offsetof(mpi_args, conf_level)},
        {"--times", offsetof(mpi_args, times)}, {"--rho", offsetof(mpi_args, rho)},
        {"--ties", offsetof(mpi_args, ties)}, {"--max-iter", offsetof(mpi_args, max_iter)}};
    int bad = 0;
    for (int i = 2; i < argc && !bad; i++) {
        size_t k, nopt = sizeof opts / sizeof opts[0];
        for (k = 0; k < nopt; k++)
            if (!strcmp(argv[i], opts[k].opt)) break;
        if (k == nopt || i + 1 >= argc) {
            if (mpi_rank == 0) {
                if (!strcmp(argv[i], "--robust") || !strcmp(argv[i], "--residuals") ||
                    !strcmp(argv[i], "--predict") || !strcmp(argv[i], "--zph") || !strcmp(argv[i], "--min-cell"))
                    fprintf(stderr, "obsurv-mpi: error: %s is not available in obsurv-mpi (doc/mpi.md); use obsurv\n", argv[i]);
                else fprintf(stderr, "obsurv-mpi: error: unknown option or missing value: %s\n%s", argv[i], USAGE);
            }
            bad = 1;
            break;
        }
        *(const char **)((char *)&a + opts[k].off) = argv[++i];
    }
    int known = a.cmd && (!strcmp(a.cmd, "logit") || !strcmp(a.cmd, "cox") || !strcmp(a.cmd, "km") ||
                          !strcmp(a.cmd, "logrank"));
    if (!bad && (!known || !a.data || !a.formula)) {
        if (mpi_rank == 0) fputs(USAGE, stderr);
        bad = 1;
    }
    if (bad) {
        MPI_Finalize();
        return 2;
    }
    mpi_check_format(a.format);
    if (mpi_rank == 0) obs_progress_set_global(obs_progress_stderr, NULL);   /* terminal stderr only */
    obs_error err;
    obs_error_clear(&err);
    obs_formula *f = NULL;
    if (obs_formula_parse(a.formula, &f, &err)) mpi_die("%s", err.msg);
    int rc;
    if (!strcmp(a.cmd, "km")) rc = mpi_run_km(&a, f);
    else if (!strcmp(a.cmd, "logrank")) rc = mpi_run_logrank(&a, f);
    else if (!strcmp(a.cmd, "cox")) rc = mpi_run_cox(&a, f);
    else {
        obs_table *t = mpi_read_table(a.data, f, NULL, 0);
        obs_frame_spec spec = {.rhs = OBS_FRAME_DESIGN, .intercept = 1,
                               .response_required = OBS_FRAME_NEED_BINARY, .drop_unused_levels = 1};
        obs_frame *fr = NULL;
        if (t->nrow == 0 && mpi_rank == 0) die("process 0 has no rows (fewer shards than processes?)");
        if (t->nrow > 0 && obs_frame_build(t, f, &spec, &fr, &err)) die(err.msg);
        rc = run_logit(fr, 1);
        obs_frame_free(&fr);
        obs_table_free(&t);
    }
    obs_formula_free(&f);
    fflush(stdout);
    MPI_Finalize();
    return rc;
}
