/*
 * logit.c — logistic regression by iteratively reweighted least squares,
 * step for step as R's glm.fit with family = binomial(link = "logit").
 *
 * Method (McCullagh & Nelder, Generalized Linear Models, 2nd ed., sec. 2.5):
 * each iteration solves min || sqrt(W) (z - X b) || with
 *     mu.eta = dmu/deta = e^eta / (1 + e^eta)^2,   V(mu) = mu (1 - mu),
 *     z = eta + (y - mu) / mu.eta,   W = w mu.eta^2 / V(mu),
 * by a Householder QR of sqrt(W) X (as R's Cdqrls does, no normal
 * equations, so the accuracy does not depend on the square of the condition
 * number).  The link functions carry R's guards (binomial()$linkinv and
 * mu.eta in family.c): for |eta| > 30 the exponential is replaced by eps or
 * 1/eps, and mu.eta by DBL_EPSILON.  Aliased columns: a column whose norm
 * after the reflections of the preceding columns falls below 1e-11 times its
 * own norm is set aside (dqrdc2's limited pivoting with glm.fit's tol =
 * min(1e-7, epsilon / 1000)); its coefficient is 0 during the iterations and
 * NaN in the result.
 *
 * Accuracy: the coefficients agree with R to about 1e-12 relative on the
 * test problems (tests/golden/logit, tests/unit/test_logit.c), the standard
 * errors likewise, because the iteration path is the same.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/logit.h"
#include "obsurv/progress.h"
#include "tile_kernel.h"
#include "obsurv/dist.h"
#include "obsurv/linalg.h"
#include "obsurv/parallel.h"
#include "cox_internal.h"

#define LOGIT_THRESH 30.0
#define QR_TOL 1e-11

/* binomial()$mu.eta with R's guards. */
static double mu_eta(double eta)
{
    if (eta > LOGIT_THRESH || eta < -LOGIT_THRESH)
        return DBL_EPSILON;
    double ex = exp(eta), opexp = 1.0 + ex;
    return ex / (opexp * opexp);
}

/* mu_eta(eta) given ex = exp(eta) as eta_chunk_run's linkinv computed it
 * (linkinv and mu_eta call exp on the same range of eta): the same value. */
static double mu_eta_ex(double eta, double ex)
{
    if (eta > LOGIT_THRESH || eta < -LOGIT_THRESH)
        return DBL_EPSILON;
    double opexp = 1.0 + ex;
    return ex / (opexp * opexp);
}

/* Unit deviance contribution 2 w (y log(y/mu) + (1-y) log((1-y)/(1-mu))). */
static double dev_resid(double y, double mu, double w)
{
    double a = y > 0 ? y * log(y / mu) : 0.0;
    double b = y < 1 ? (1 - y) * log((1 - y) / (1 - mu)) : 0.0;
    return 2.0 * w * (a + b);
}

/* log dbinom(k; size, prob), the terms of binomial()$aic. */
static double log_dbinom(double k, double size, double prob)
{
    double lc = lgamma(size + 1) - lgamma(k + 1) - lgamma(size - k + 1);
    double a = k > 0 ? k * log(prob) : 0.0;
    double b = size - k > 0 ? (size - k) * log1p(-prob) : 0.0;
    return lc + a + b;
}

/* The AUC by the radix sort of cox_sort.c (same order as a comparison
 * sort: ties are grouped by value below, so the order inside a group does
 * not matter).  The outcome rides in the low bit of the sorted index
 * (2 i + y), and equal values are equal keys (-0 and +0, adjacent keys, are
 * taken as equal): the sorted pass reads no score or outcome by position.
 * scratch: AUC_SCRATCH(n) words. */
#define AUC_SCRATCH(n) (4 * ((n ? n : 1) + 1))

static double auc_in(const double *s, const double *y, const unsigned char *mask, size_t n,
                     uint64_t *scratch)
{
    size_t m = 0;
    const size_t cap = n ? n : 1;
    uint64_t *key = scratch;                           /* keys, then the sort's key buffer */
    size_t *idx = (size_t *)(scratch + 2 * (cap + 1)); /* likewise */
    for (size_t i = 0; i < n; i++)
        if (!mask || mask[i]) { key[m] = cox_double_key(s[i]); idx[m] = 2 * i + (y[i] > 0.5); m++; }
    if (cox_radix_sort_buf(key, idx, m, key + cap + 1, idx + cap + 1)) return NAN;
    const uint64_t neg0 = (uint64_t)INT64_MAX, pos0 = neg0 + 1;   /* keys of -0, +0 */
    double n1 = 0, n0 = 0, rank_sum = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i + 1;
        while (j < m && (key[j] == key[i] || (key[i] == neg0 && key[j] == pos0))) j++;
        double midrank = 0.5 * ((double)i + 1 + (double)j);   /* ranks i+1..j */
        for (size_t k = i; k < j; k++) {
            if (idx[k] & 1) { n1++; rank_sum += midrank; } else n0++;
        }
        i = j;
    }
    if (n1 == 0 || n0 == 0) return NAN;
    return (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0);
}

double obs_auc(const double *s, const double *y, const unsigned char *mask, size_t n)
{
    uint64_t *scratch = malloc(AUC_SCRATCH(n) * sizeof *scratch);
    if (!scratch) return NAN;
    double auc = auc_in(s, y, mask, n, scratch);
    free(scratch);
    return auc;
}

/* Apply the Householder reflectors 0..rank-1 (columns cols[k] of a, v'v in
 * vtv) to y (n), given dot = v_0'y.  Each pass over y does reflector k's
 * update and, on the updated values, the next reflector's dot product —
 * after the last one, the sum of squares of y below row rank-1, which is
 * returned: the same operations in the same order as separate loops, with
 * half the passes over memory. */
static double apply_reflectors(const double *a, const size_t *cols, const double *vtv,
                               size_t rank, size_t n, double *y, double dot)
{
    double s2 = 0;
    for (size_t k = 0; k < rank; k++) {
        const double *v = a + cols[k] * n;
        const double f = 2.0 * dot / vtv[k];
        y[k] -= f * v[k];
        if (k + 1 < rank) {
            const double *vn = a + cols[k + 1] * n;
            double d = 0;
            for (size_t i = k + 1; i < n; i++) {
                y[i] -= f * v[i];
                d += vn[i] * y[i];
            }
            dot = d;
        } else {
            for (size_t i = k + 1; i < n; i++) {
                y[i] -= f * v[i];
                s2 += y[i] * y[i];
            }
        }
    }
    return s2;
}

/*
 * One weighted least-squares solve by Householder QR, in column order with
 * aliasing.
 *   a      n x p scratch, column-major: in sqrt(W) X, out reflectors/R
 *   qty    n: in sqrt(W) z, out Q' sqrt(W) z
 *   vtv, rdiag  p scratch: v'v of each reflector, diagonal of R
 *   cols   p: out, the non-aliased columns in order; returns the rank
 *   aliased p: out 1 for set-aside columns
 *   b      p: out coefficients (0 for aliased)
 */
static size_t wls_qr(double *a, double *qty, size_t n, size_t p, double *vtv,
                     double *rdiag, size_t *cols, int *aliased, double *b)
{
    size_t rank = 0;
    for (size_t j = 0; j < p; j++) {
        double *aj = a + j * n;
        double orig = 0, dot = 0, sigma = 0;
        /* the column's norm, and the first reflector's dot product in the
         * same pass; then the earlier reflectors (apply_reflectors) */
        if (rank == 0) {
            for (size_t i = 0; i < n; i++) orig += aj[i] * aj[i];
            sigma = orig;                          /* the same sum */
        } else {
            const double *v0 = a + cols[0] * n;
            for (size_t i = 0; i < n; i++) {
                orig += aj[i] * aj[i];
                dot += v0[i] * aj[i];
            }
        }
        orig = sqrt(orig);
        if (rank > 0) sigma = apply_reflectors(a, cols, vtv, rank, n, aj, dot);
        sigma = sqrt(sigma);
        if (rank >= n || !(sigma > QR_TOL * orig) || orig == 0) {
            aliased[j] = 1;
            continue;
        }
        aliased[j] = 0;
        double alpha = aj[rank] > 0 ? -sigma : sigma;
        aj[rank] -= alpha;                        /* v = x - alpha e1 */
        vtv[rank] = 2.0 * sigma * (sigma + fabs(aj[rank] + alpha));
        rdiag[rank] = alpha;
        cols[rank++] = j;
    }
    if (rank > 0) {                               /* Q'y, the same way */
        const double *v0 = a + cols[0] * n;
        double dot = 0;
        for (size_t i = 0; i < n; i++) dot += v0[i] * qty[i];
        (void)apply_reflectors(a, cols, vtv, rank, n, qty, dot);
    }
    for (size_t j = 0; j < p; j++) b[j] = 0;
    for (size_t m = rank; m-- > 0;) {             /* back substitution */
        double s = qty[m];
        for (size_t l = m + 1; l < rank; l++) s -= a[cols[l] * n + m] * b[cols[l]];
        b[cols[m]] = s / rdiag[m];
    }
    return rank;
}

/*
 * The fast route for all but the last IRLS step: the normal equations
 * X'WX b = X'Wz accumulated in one pass over the rows and solved by an
 * equilibrated Cholesky factorisation.  The rows are cut into two fixed
 * halves whose partial sums are added in order (same bits on one or two
 * threads).  The covariance of the last step is the inverse of the same
 * equilibrated factor.  Equilibrated pivots below 1e-7 (near aliasing) send
 * the whole fit to the QR route (wls_qr, R's column-order aliasing), so on
 * this route cond(X'WX) after equilibration is modest and the rounding, a
 * relative error of about cond * eps, stays far below the 1e-6 parity
 * tolerance (observed: about 1e-12 against glm on the golden cases).
 */
typedef struct {
    const double *const *xcol;   /* X: p columns of n */
    const double *wt, *wz;       /* W, W z */
    size_t n, p, lo, hi;
    double *xtwx, *xtwz;         /* out: p*p lower triangle, p */
    int fma;                     /* the AVX2 + FMA tiles (obs_simd_fma) */
} normal_chunk;

#define NORMAL_PMAX 24
#define NORMAL_BLOCK 128

/* no-tree-loop-distribute-patterns: the short per-row zero padding must not
 * become a memset call */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
static void normal_chunk_run(void *arg)
{
    normal_chunk *c = arg;
    const size_t p = c->p;
    const double *const *xcol = c->xcol;
    double row[64];
    memset(c->xtwx, 0, p * p * sizeof *c->xtwx);
    memset(c->xtwz, 0, p * sizeof *c->xtwz);
    if (p <= NORMAL_PMAX) {
        /* Blocks of NORMAL_BLOCK rows (rows of weight 0 left out) are
         * copied row-major (stride ps, zero padded) with T = w x_j; tiles
         * of elements (j, k >= j rounded down to 4; 2 x 4 by SSE2 or 4 x 4
         * by AVX2 + FMA; the sums left of the diagonal or past column p are
         * dropped) are accumulated over the block's rows in vector
         * registers.  Each element adds the terms (w x_j) x_k in row order
         * as the plain loop below (fused into the sum with FMA): the SSE2
         * route gives the plain loop's bits. */
        const size_t ps = (p + 4) & ~(size_t)3;
        double X[NORMAL_BLOCK * (NORMAL_PMAX + 4)], T[NORMAL_BLOCK * (NORMAL_PMAX + 4)];
        double acc[(NORMAL_PMAX + 4) * (NORMAL_PMAX + 4)];
        double *xtwz = c->xtwz;
        memset(acc, 0, ps * ps * sizeof *acc);
        size_t i = c->lo;
        while (i < c->hi) {
            size_t nb = 0;
            for (; i < c->hi && nb < NORMAL_BLOCK; i++) {
                const double wi = c->wt[i];
                if (wi == 0.0) continue;
                double *xr = X + nb * ps, *tr = T + nb * ps;
                for (size_t j = 0; j < p; j++) {
                    const double v = xcol[j][i];
                    xr[j] = v;
                    tr[j] = wi * v;
                    xtwz[j] += c->wz[i] * v;
                }
                for (size_t j = p; j < ps; j++) xr[j] = tr[j] = 0.0;
                nb++;
            }
            obs_tiles(c->fma, 1, acc, ps, T, X, ps, p, nb);
        }
        for (size_t j = 0; j < p; j++)
            for (size_t k = j; k < p; k++) c->xtwx[j * p + k] = acc[j * ps + k];
        return;
    }
    for (size_t i = c->lo; i < c->hi; i++) {
        const double wi = c->wt[i];
        if (wi == 0.0) continue;
        for (size_t j = 0; j < p; j++) row[j] = xcol[j][i];
        for (size_t j = 0; j < p; j++) {
            const double t = wi * row[j];
            c->xtwz[j] += c->wz[i] * row[j];
            for (size_t k = j; k < p; k++) c->xtwx[j * p + k] += t * row[k];
        }
    }
}

/* Solve the normal equations at weights wt and working values wz (= W z);
 * scratch: 2 (p*p + p) + p*p + p doubles.  Returns 0 with b (p), or 1 when
 * the equilibrated pivots show (near) aliasing: the caller takes the QR. */
static int wls_normal(const double *const *xcol, const double *wt, const double *wz, size_t n, size_t p,
                      double *scratch, int *aliased, double *b)
{
    if (p > 64) return 1;
    double *part = scratch, *A = scratch + 2 * (p * p + p), *sc = A + p * p;
    normal_chunk ch[2];
    size_t lo[3];
    obs_parallel_split(n, 2, lo);
    for (int c = 0; c < 2; c++)
        ch[c] = (normal_chunk){xcol, wt, wz, n, p, lo[c], lo[c + 1],
                               part + c * (p * p + p), part + c * (p * p + p) + p * p,
                               obs_simd_fma()};
    void *args[2] = {&ch[0], &ch[1]};
    obs_parallel_run(normal_chunk_run, args, 2, n >= 20000 ? obs_parallel_threads() : 1);
    for (size_t j = 0; j < p; j++) {
        b[j] = ch[0].xtwz[j] + ch[1].xtwz[j];
        for (size_t k = j; k < p; k++) A[j * p + k] = ch[0].xtwx[j * p + k] + ch[1].xtwx[j * p + k];
    }
    for (size_t j = 0; j < p; j++) {
        if (!(A[j * p + j] > 0) || !isfinite(A[j * p + j])) return 1;
        sc[j] = 1.0 / sqrt(A[j * p + j]);
    }
    for (size_t j = 0; j < p; j++) {
        b[j] *= sc[j];
        for (size_t k = j; k < p; k++) A[j * p + k] *= sc[j] * sc[k];
    }
    int rank = obs_chol_decompose(A, p, 1e-7, aliased);
    for (size_t j = 0; j < p; j++) aliased[j] = 0;
    if (rank != (int)p) return 1;
    obs_chol_solve(A, p, b);
    for (size_t j = 0; j < p; j++) {
        b[j] *= sc[j];
        if (!isfinite(b[j])) return 1;
    }
    return 0;
}

/* eta = X b, mu = linkinv(eta) and the unit deviances (into devi) over
 * rows [lo, hi).  eta by blocks of rows, column after column: each eta[i]
 * still sums x_ij b_j in the order j = 0..p-1 (the same bits), with
 * sequential reads instead of p strided streams. */
typedef struct {
    const double *const *xcol;   /* X: p columns of n */
    const double *b, *y, *w;
    double *eta, *mu, *devi;
    size_t n, p, lo, hi;
    double *ex;                  /* optional out: linkinv's exp(eta) per row */
} eta_chunk;

static void eta_chunk_run(void *arg)
{
    eta_chunk *c = arg;
    const size_t p = c->p;
    for (size_t i0 = c->lo; i0 < c->hi; i0 += 2048) {
        const size_t i1 = c->hi - i0 < 2048 ? c->hi : i0 + 2048;
        double *eta = c->eta;
        for (size_t i = i0; i < i1; i++) eta[i] = 0;
        for (size_t j = 0; j < p; j++)   /* each element: eta + x_ij b_j */
            obs_axpy(eta + i0, c->b[j], c->xcol[j] + i0, i1 - i0);
    }
    for (size_t i = c->lo; i < c->hi; i++) {
        const double eta = c->eta[i];
        double e = eta < -LOGIT_THRESH ? DBL_EPSILON
                 : (eta > LOGIT_THRESH ? 1.0 / DBL_EPSILON : exp(eta));
        if (c->ex) c->ex[i] = e;
        c->mu[i] = e / (1.0 + e);   /* binomial()$linkinv with R's guards */
        c->devi[i] = dev_resid(c->y[i], c->mu[i], c->w ? c->w[i] : 1.0);
    }
}

/* The IRLS weights of rows [lo, hi) at the current eta and mu:
 *   normal route (a_out NULL):  wt[i] = W,  wz[i] = W z;
 *   QR route:  wz[i] = sqrt(W) z and a_out (n x p) = sqrt(W) X.
 * Each row's values depend on that row alone: the same bits on one or two
 * threads. */
typedef struct {
    const double *const *xcol;   /* X: p columns of n */
    const double *y, *w, *eta, *mu;
    double *wt, *wz, *a_out;
    size_t n, p, lo, hi;
    const double *ex;            /* NULL, or exp(eta) from eta_chunk_run */
} weight_chunk;

static void weight_chunk_run(void *arg)
{
    weight_chunk *c = arg;
    const double *const *xcol = c->xcol;
    const double *y = c->y, *w = c->w, *eta = c->eta, *mu = c->mu;
    const size_t n = c->n, p = c->p;
    for (size_t i = c->lo; i < c->hi; i++) {
        double wi = w ? w[i] : 1.0;
        double me = c->ex ? mu_eta_ex(eta[i], c->ex[i]) : mu_eta(eta[i]);
        double var = mu[i] * (1 - mu[i]);
        double zi = eta[i] + (y[i] - mu[i]) / me;
        double sw = wi > 0 ? sqrt(wi * me * me / var) : 0.0;
        if (c->a_out) {
            c->wz[i] = sw * zi;
            for (size_t j = 0; j < p; j++) c->a_out[j * n + i] = sw * xcol[j][i];
        } else {
            c->wt[i] = sw * sw;
            c->wz[i] = sw * sw * zi;
        }
    }
}

static void irls_weights(const double *const *xcol, size_t n, size_t p, const double *y, const double *w,
                         const double *eta, const double *mu, const double *ex,
                         double *wt, double *wz, double *a_out)
{
    weight_chunk wc[2];
    size_t lo[3];
    obs_parallel_split(n, 2, lo);
    for (int c = 0; c < 2; c++)
        wc[c] = (weight_chunk){xcol, y, w, eta, mu, wt, wz, a_out, n, p, lo[c], lo[c + 1], ex};
    void *args[2] = {&wc[0], &wc[1]};
    obs_parallel_run(weight_chunk_run, args, 2, n >= 20000 ? obs_parallel_threads() : 1);
}

void obs_logit_fit_free(obs_logit_fit **fit)
{
    if (!fit || !*fit) return;
    obs_logit_fit *f = *fit;
    free(f->coef); free(f->se); free(f->z); free(f->pval); free(f->aliased);
    free(f->cov); free(f->eta); free(f->fitted); free(f->runaway);
    obs_warnings_free(&f->warnings);
    free(f);
    *fit = NULL;
}

/* glm.fit's starting values, binomial()$initialize: mu = (w y + 1/2) /
 * (w + 1), eta = logit(mu) (n rows into eta, mu); returns the deviance at
 * them (the first "old" deviance).  Called again when the normal route
 * hands the fit to QR: the same values, the same bits. */
static double irls_start(const double *y, const double *w, size_t n, double *eta, double *mu)
{
    double dev = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        mu[i] = (wi * y[i] + 0.5) / (wi + 1.0);
        eta[i] = log(mu[i] / (1 - mu[i]));
        dev += dev_resid(y[i], mu[i], wi);
    }
    return dev;
}

obs_status obs_logit_fit_irls(const double *x, size_t n, size_t p,
                              const double *y, const double *w, int intercept,
                              const obs_logit_control *control,
                              const char *const *names,
                              obs_logit_fit **out, obs_error *err)
{
    const double **xcol = malloc((p + 1) * sizeof *xcol);
    *out = NULL;
    if (!xcol) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    for (size_t j = 0; j < p; j++) xcol[j] = x + j * n;
    obs_status rc = obs_logit_fit_irls_cols(xcol, n, p, y, w, intercept, control, names, out, err);
    free(xcol);
    return rc;
}

obs_status obs_logit_fit_irls_cols(const double *const *xcol, size_t n, size_t p,
                                   const double *y, const double *w, int intercept,
                                   const obs_logit_control *control,
                                   const char *const *names,
                                   obs_logit_fit **out, obs_error *err)
{
    double epsilon = control ? control->epsilon : 1e-8;
    int maxit = control ? control->maxit : 25;
    obs_status rc = OBS_OK;
    obs_logit_fit *f = NULL;
    double *a = NULL, *qty = NULL, *vtv = NULL, *rdiag = NULL, *b = NULL, *rinv = NULL;
    size_t *cols = NULL;
    *out = NULL;

    for (size_t i = 0; i < n; i++) {
        if (!(y[i] == 0 || y[i] == 1))
            return obs_error_set(err, OBS_EDATA, "response must be 0 or 1, got %g (row %zu)", y[i], i + 1);
        if (w && !(w[i] >= 0 && isfinite(w[i])))
            return obs_error_set(err, OBS_EDATA, "weights must be finite and >= 0, got %g (row %zu)", w[i], i + 1);
    }
    if (n == 0 || p == 0)
        return obs_error_set(err, OBS_EFIT, "logistic regression: no rows or no columns");

    f = calloc(1, sizeof *f);
    if (!f) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    obs_warnings_init(&f->warnings);
    f->n = n; f->p = p;
    f->coef = malloc(p * sizeof(double)); f->se = malloc(p * sizeof(double));
    f->z = malloc(p * sizeof(double)); f->pval = malloc(p * sizeof(double));
    f->aliased = calloc(p, sizeof(int)); f->runaway = calloc(p, sizeof(int));
    f->cov = malloc(p * p * sizeof(double));
    f->eta = malloc(n * sizeof(double)); f->fitted = malloc(n * sizeof(double));
    a = malloc(n * p * sizeof(double)); qty = malloc(n * sizeof(double));
    vtv = malloc(p * sizeof(double)); rdiag = malloc(p * sizeof(double));
    b = malloc(p * sizeof(double)); rinv = calloc(p * p, sizeof(double));
    cols = malloc(p * sizeof(size_t));
    if (!f->coef || !f->se || !f->z || !f->pval || !f->aliased || !f->runaway ||
        !f->cov || !f->eta || !f->fitted || !a || !qty || !vtv || !rdiag || !b ||
        !rinv || !cols) {
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
        goto done;
    }

    double *eta = f->eta, *mu = f->fitted;
    double sumw = 0, sumwy = 0, devold = irls_start(y, w, n, eta, mu), dev = 0;
    size_t n_used = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        sumw += wi; sumwy += wi * y[i];
        if (wi > 0) n_used++;
    }
    if (n_used == 0) {
        rc = obs_error_set(err, OBS_EFIT, "logistic regression: no row has a positive weight");
        goto done;
    }
    f->n_used = n_used;

    size_t rank = 0;
    int iter = 0, conv = 0;
    int chol_final = 0;        /* 1: f->cov already set from the normal equations */
    /* the normal-equations route (see wls_normal) while it is safe; if it
     * is not, the fit starts again from glm's starting values by QR alone */
    int use_qr = (p > 64);
    double *nscr = malloc((3 * p * p + 3 * p + 1) * sizeof *nscr);
    if (!nscr) {
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
        goto done;
    }
    /* exp(eta) of the last normal-route step, kept by eta_chunk_run in a's
     * fourth column (free on that route) for the next step's mu_eta; never
     * used after eta is reset (restart, QR redo) */
    double *const ex_keep = p > 3 ? a + 3 * n : NULL;
    int have_ex;
restart:
    have_ex = 0;
    for (iter = 1; iter <= maxit; iter++) {
        int qr_step = use_qr;
        if (!use_qr) {
            /* W into a's first column, W z into qty; eta/mu of this step
             * kept in a's second/third columns for the final QR redo */
            double *wt = a;
            irls_weights(xcol, n, p, y, w, eta, mu, have_ex ? ex_keep : NULL, wt, qty, NULL);
            if (p <= 2 || wls_normal(xcol, wt, qty, n, p, nscr, f->aliased, b)) {
                use_qr = 1;                        /* from the start, by QR only */
                devold = irls_start(y, w, n, eta, mu);
                goto restart;
            }
            rank = p;
        }
        if (qr_step) {
            irls_weights(xcol, n, p, y, w, eta, mu, NULL, NULL, qty, a);
            rank = wls_qr(a, qty, n, p, vtv, rdiag, cols, f->aliased, b);
            if (rank == 0) {
                free(nscr);
                rc = obs_error_set(err, OBS_EFIT, "logistic regression: no estimable coefficient");
                goto done;
            }
        }
        /* eta, mu and each row's deviance on two fixed halves of the rows
         * (into qty, free at this point), then the deviance summed in row
         * order: the same bits on one or two threads */
        {
            eta_chunk ec[2];
            size_t lo[3];
            obs_parallel_split(n, 2, lo);
            for (int c = 0; c < 2; c++)
                ec[c] = (eta_chunk){xcol, b, y, w, eta, mu, qty, n, p, lo[c], lo[c + 1],
                                   use_qr ? NULL : ex_keep};
            void *args[2] = {&ec[0], &ec[1]};
            obs_parallel_run(eta_chunk_run, args, 2, n >= 20000 ? obs_parallel_threads() : 1);
            dev = 0;
            for (size_t i = 0; i < n; i++) dev += qty[i];
            have_ex = !use_qr && ex_keep;
        }
        {   /* progress of long fits (the CLI shows it on a terminal only) */
            obs_progress_event ev = {OBS_PROGRESS_ITER, "logit", (size_t)iter, 0, -dev / 2};
            obs_progress_report(&ev);
        }
        int done_now = fabs(dev - devold) / (fabs(dev) + 0.1) < epsilon || iter == maxit;
        if (done_now && !qr_step) {
            /* the last step by the normal equations: its covariance is
             * the inverse of the equilibrated X'WX factor kept in nscr */
            double *A = nscr + 2 * (p * p + p), *sc = A + p * p;
            obs_chol_invert(A, p);
            for (size_t j = 0; j < p; j++)
                for (size_t k = 0; k < p; k++)
                    f->cov[j * p + k] = A[(j > k ? k : j) * p + (j > k ? j : k)] * sc[j] * sc[k];
            chol_final = 1;
        }
        if (fabs(dev - devold) / (fabs(dev) + 0.1) < epsilon) { conv = 1; break; }
        devold = dev;
    }
    free(nscr);
    if (iter > maxit) iter = maxit;
    f->iterations = iter;
    f->converged = conv;
    f->rank = rank;
    f->deviance = dev;

    if (chol_final) {
        rank = p;
        for (size_t j = 0; j < p; j++) f->aliased[j] = 0;
        goto coefficients;
    }
    /* Covariance (R'R)^-1 over the non-aliased columns: invert R, then Rinv Rinv'. */
    for (size_t m = 0; m < rank; m++) {
        rinv[m * rank + m] = 1.0 / rdiag[m];
        for (size_t l = m; l-- > 0;) {            /* row l of column m */
            double s = 0;
            for (size_t k = l + 1; k <= m; k++) s += a[cols[k] * n + l] * rinv[k * rank + m];
            rinv[l * rank + m] = -s / rdiag[l];
        }
    }
    for (size_t j = 0; j < p * p; j++) f->cov[j] = NAN;
    for (size_t r1 = 0; r1 < rank; r1++)
        for (size_t r2 = 0; r2 < rank; r2++) {
            double s = 0;
            for (size_t k = (r1 > r2 ? r1 : r2); k < rank; k++)
                s += rinv[r1 * rank + k] * rinv[r2 * rank + k];
            f->cov[cols[r1] * p + cols[r2]] = s;
        }
coefficients:
    for (size_t j = 0; j < p; j++) {
        if (f->aliased[j]) {
            f->coef[j] = f->se[j] = f->z[j] = f->pval[j] = NAN;
            obs_warnings_add(&f->warnings, "coefficient of %s not defined because of singularities (aliased)",
                             names ? names[j] : "a column");
            continue;
        }
        f->coef[j] = b[j];
        f->se[j] = sqrt(f->cov[j * p + j]);
        f->z[j] = b[j] / f->se[j];
        f->pval[j] = obs_pnorm_two_sided(f->z[j]);
    }

    /* Null deviance, AIC, degrees of freedom as glm.fit and binomial()$aic. */
    double wtdmu = intercept ? sumwy / sumw : 0.5;
    double aic = 0, nulldev = 0;
    /* the terms that depend on y alone when the weight is 1, computed once
     * by the same calls (y is 0 or 1): the same bits as row by row */
    const double dev1[2] = {dev_resid(0.0, wtdmu, 1.0), dev_resid(1.0, wtdmu, 1.0)};
    const double lc1[2] = {lgamma(1.0 + 1) - lgamma(0.0 + 1) - lgamma(1.0 - 0.0 + 1),
                           lgamma(1.0 + 1) - lgamma(1.0 + 1) - lgamma(1.0 - 1.0 + 1)};
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        if (wi == 1.0) {
            const int yi = y[i] > 0;
            nulldev += dev1[yi];
            double k = (double)yi;                  /* nearbyint(1 * y) */
            double a = k > 0 ? k * log(mu[i]) : 0.0;
            double b = 1.0 - k > 0 ? (1.0 - k) * log1p(-mu[i]) : 0.0;
            aic += lc1[yi] + a + b;                 /* log_dbinom(k, 1, mu) */
            continue;
        }
        nulldev += dev_resid(y[i], wtdmu, wi);
        if (wi > 0) {
            double m = wi;                          /* binomial aic: m = weights */
            aic += log_dbinom(nearbyint(m * y[i]), nearbyint(m), mu[i]);
        }
    }
    f->null_deviance = nulldev;
    f->loglik = aic;
    f->aic = -2.0 * aic + 2.0 * (double)rank;
    f->df_null = (double)n_used - (intercept ? 1 : 0);
    f->df_residual = (double)n_used - (double)rank;

    /* glm.fit's boundary warning, and which coefficients run away. */
    double eps = 10 * DBL_EPSILON;
    for (size_t i = 0; i < n; i++)
        if ((w ? w[i] : 1.0) > 0 && (mu[i] > 1 - eps || mu[i] < eps)) { f->boundary = 1; break; }
    if (!conv)
        obs_warnings_add(&f->warnings, "algorithm did not converge in %d iterations", maxit);
    if (f->boundary || !conv) {
        if (f->boundary)
            obs_warnings_add(&f->warnings, "fitted probabilities numerically 0 or 1 occurred");
        for (size_t j = 0; j < p; j++) {
            if (f->aliased[j]) continue;
            const double *xj = xcol[j];
            double s1 = 0, s2 = 0, cnt = 0;
            for (size_t i = 0; i < n; i++) { s1 += xj[i]; s2 += xj[i] * xj[i]; cnt++; }
            double sd = sqrt(fmax(0, (s2 - s1 * s1 / cnt) / (cnt > 1 ? cnt - 1 : 1)));
            if (sd == 0) continue;                 /* the intercept */
            /* A coefficient that keeps growing: a one-SD change multiplies the
             * odds by more than e^15, or its SE spans more than 50 SD units. */
            if (fabs(f->coef[j]) * sd > 15 || f->se[j] * sd > 50) {
                f->runaway[j] = 1;
                obs_warnings_add(&f->warnings,
                    "complete or quasi-complete separation: the coefficient of %s may be infinite",
                    names ? names[j] : "a column");
            }
        }
    }
    f->auc = NAN;
    if (control && control->skip_auc) {
        /* not wanted: the sort of n scores is skipped */
    } else if (!w) {
        /* a's first columns (touched by the fit, dead now) as the sort's
         * scratch when they are large enough: no new pages */
        f->auc = n * p >= AUC_SCRATCH(n) ? auc_in(mu, y, NULL, n, (uint64_t *)a)
                                         : obs_auc(mu, y, NULL, n);
    } else {  /* AUC over the rows that take part in the fit */
        unsigned char *mask = malloc(n);
        if (mask) {
            for (size_t i = 0; i < n; i++) mask[i] = w[i] > 0;
            f->auc = obs_auc(mu, y, mask, n);
            free(mask);
        }
    }

done:
    free(a); free(qty); free(vtv); free(rdiag); free(b); free(rinv); free(cols);
    if (rc != OBS_OK) obs_logit_fit_free(&f);
    *out = f;
    return rc;
}
