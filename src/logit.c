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
#include "simd_math.h"
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
 * The normal-equations route: each IRLS step solves X'WX b = X'Wz by an
 * equilibrated Cholesky factorisation, the sums accumulated in one pass
 * over the rows that also computes the step before it (irls_pass: the
 * linear predictor eta = X b, mu, the deviance, and at these the next
 * step's W and z).  Equilibrated pivots below 1e-7 (near aliasing) send
 * the whole fit to the QR route (wls_qr, R's column-order aliasing), so on
 * this route cond(X'WX) after equilibration is modest and the rounding, a
 * relative error of about cond * eps, stays far below the 1e-6 parity
 * tolerance (observed: about 1e-12 against glm on the golden cases).  The
 * covariance of the last step is the inverse of the same equilibrated
 * factor.
 */
#define IRLS_PMAX 64     /* the normal route's widest design */
#define IRLS_BLOCK 128   /* rows per block (a multiple of 4) */
#define IRLS_COLS (IRLS_PMAX + 4)   /* X, z and zero padding to a multiple of 4 */

/* Per row of a block of nb <= IRLS_BLOCK rows, R's binomial() with its
 * guards (family.c: for |eta| > 30 linkinv uses eps or 1/eps for exp(eta)
 * and mu.eta is DBL_EPSILON):
 *   step (mu_given 0):  e = exp(eta), mu = e / (1 + e) into mu, and the unit
 *                       deviance 2 w (-log q), q = mu (y = 1) or 1 - mu
 *                       (y = 0), into dev (R: 2 w log(1/q), the same value);
 *   start (mu_given 1): mu as given (glm's starting values), no deviance;
 * then the IRLS working weight and response
 *   mu.eta = e / (1 + e)^2,  W = w mu.eta^2 / (mu (1 - mu)),
 *   z = eta + (y - mu) / mu.eta,  into W and z.
 * w NULL means weights 1; W is 0 for a row of weight 0.  The portable
 * route calls libm; the AVX2 + FMA route (logit_rows_fma) the same
 * formulas with obs_exp4 / obs_log4 (within 1 ulp of libm's). */
static void logit_rows(const double *eta, const double *y, const double *w, double *mu,
                       int mu_given, size_t nb, double *W, double *z, double *dev)
{
    for (size_t k = 0; k < nb; k++) {
        const double et = eta[k], wi = w ? w[k] : 1.0;
        const int out = et < -LOGIT_THRESH || et > LOGIT_THRESH;
        const double e = et < -LOGIT_THRESH ? DBL_EPSILON
                       : (et > LOGIT_THRESH ? 1.0 / DBL_EPSILON : exp(et));
        double m;
        if (!mu_given) {
            m = e / (1.0 + e);
            mu[k] = m;
            const double q = y[k] > 0.5 ? m : 1.0 - m;
            dev[k] = -2.0 * wi * log(q);
        } else {
            m = mu[k];
        }
        const double ope = 1.0 + e;
        const double me = out ? DBL_EPSILON : e / (ope * ope);
        const double var = m * (1.0 - m);
        z[k] = et + (y[k] - m) / me;
        W[k] = wi > 0 ? wi * me * me / var : 0.0;
    }
}

/* Per block, the sums of the normal equations in "row lanes": the block's
 * columns c[0..p-1] = X, c[p] = z, c[p+1..ps-1] = 0 (ps = p + 1 rounded up
 * to 4; nq quads of rows, W zero on padding rows), and for j < p, k >= j
 *     acc[(j ps + k) 4 + l] += sum over rows r = 4 q + l of (W_r x_rj) x_rk,
 * so lane l sums the rows of one residue mod 4 in row order; k = p gives
 * X'Wz.  (The caller adds the four lanes at the end: the same bits on one
 * or two threads, as the halves are fixed.)  Portable: a multiply, then
 * an add. */
static void lane_sums(double *acc, size_t ps, const double *const *c, const double *W, size_t p,
                      size_t nq)
{
    for (size_t j = 0; j < p; j++)
        for (size_t k = j; k <= p; k++) {
            double *a = acc + (j * ps + k) * 4;
            const double *xj = c[j], *xk = c[k];
            for (size_t q = 0; q < nq; q++)
                for (size_t l = 0; l < 4; l++) {
                    const size_t r = 4 * q + l;
                    a[l] += (W[r] * xj[r]) * xk[r];
                }
        }
}

#ifdef OBS_HAVE_FMA_KERNEL
/* logit_rows by four rows at a time (a tail of fewer than four through the
 * same vector arithmetic, padded): each lane's bits depend on its row
 * alone. */
__attribute__((target("avx2,fma")))
static void logit_rows4(const double *eta, const double *y, const double *w, double *mu,
                        int mu_given, double *W, double *z, double *dev)
{
    const __m256d et = _mm256_loadu_pd(eta), yv = _mm256_loadu_pd(y);
    const __m256d one = _mm256_set1_pd(1.0), eps = _mm256_set1_pd(DBL_EPSILON);
    const __m256d wv = w ? _mm256_loadu_pd(w) : one;
    const __m256d lo = _mm256_cmp_pd(et, _mm256_set1_pd(-LOGIT_THRESH), _CMP_LT_OQ);
    const __m256d hi = _mm256_cmp_pd(et, _mm256_set1_pd(LOGIT_THRESH), _CMP_GT_OQ);
    const __m256d out = _mm256_or_pd(lo, hi);
    /* exp of eta inside [-30, 30]; the guards' values outside */
    __m256d e = obs_exp4(_mm256_blendv_pd(et, _mm256_setzero_pd(), out));
    e = _mm256_blendv_pd(e, eps, lo);
    e = _mm256_blendv_pd(e, _mm256_set1_pd(1.0 / DBL_EPSILON), hi);
    const __m256d ope = _mm256_add_pd(one, e);
    __m256d m;
    if (!mu_given) {
        m = _mm256_div_pd(e, ope);
        _mm256_storeu_pd(mu, m);
        const __m256d q = _mm256_blendv_pd(_mm256_sub_pd(one, m), m,
                                           _mm256_cmp_pd(yv, _mm256_set1_pd(0.5), _CMP_GT_OQ));
        _mm256_storeu_pd(dev, _mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(-2.0), wv), obs_log4(q)));
    } else {
        m = _mm256_loadu_pd(mu);
    }
    const __m256d me = _mm256_blendv_pd(_mm256_div_pd(e, _mm256_mul_pd(ope, ope)), eps, out);
    const __m256d var = _mm256_mul_pd(m, _mm256_sub_pd(one, m));
    _mm256_storeu_pd(z, _mm256_add_pd(et, _mm256_div_pd(_mm256_sub_pd(yv, m), me)));
    const __m256d Wv = _mm256_div_pd(_mm256_mul_pd(_mm256_mul_pd(wv, me), me), var);
    _mm256_storeu_pd(W, _mm256_and_pd(Wv, _mm256_cmp_pd(wv, _mm256_setzero_pd(), _CMP_GT_OQ)));
}

__attribute__((target("avx2,fma")))
static void logit_rows_fma(const double *eta, const double *y, const double *w, double *mu,
                           int mu_given, size_t nb, double *W, double *z, double *dev)
{
    size_t k = 0;
    for (; k + 4 <= nb; k += 4)
        logit_rows4(eta + k, y + k, w ? w + k : NULL, mu + k, mu_given, W + k, z + k, dev + k);
    if (k < nb) {
        double eb[4] = {0, 0, 0, 0}, yb[4] = {0, 0, 0, 0}, wb[4] = {1, 1, 1, 1};
        double mb[4] = {0.5, 0.5, 0.5, 0.5}, Wb[4], zb[4], db[4];
        for (size_t i = k; i < nb; i++) {
            eb[i - k] = eta[i]; yb[i - k] = y[i];
            if (w) wb[i - k] = w[i];
            if (mu_given) mb[i - k] = mu[i];
        }
        logit_rows4(eb, yb, wb, mb, mu_given, Wb, zb, db);
        for (size_t i = k; i < nb; i++) {
            W[i] = Wb[i - k]; z[i] = zb[i - k];
            if (!mu_given) { mu[i] = mb[i - k]; dev[i] = db[i - k]; }
        }
    }
}

/* lane_sums by AVX2 + FMA, each term (W x_j) x_k fused into its lane's
 * sum: tiles of two j by four k in eight registers, j < p in steps of 2,
 * k from j rounded down to 4 to ps (sums left of the diagonal are never
 * read). */
__attribute__((target("avx2,fma")))
static void lane_sums_fma(double *acc, size_t ps, const double *const *c, const double *W, size_t p,
                          size_t nq)
{
    for (size_t j = 0; j < p; j += 2)
        for (size_t k = j & ~(size_t)3; k < ps; k += 4) {
            double *a0 = acc + (j * ps + k) * 4, *a1 = a0 + ps * 4;
            __m256d s00 = _mm256_loadu_pd(a0), s01 = _mm256_loadu_pd(a0 + 4);
            __m256d s02 = _mm256_loadu_pd(a0 + 8), s03 = _mm256_loadu_pd(a0 + 12);
            __m256d s10 = _mm256_loadu_pd(a1), s11 = _mm256_loadu_pd(a1 + 4);
            __m256d s12 = _mm256_loadu_pd(a1 + 8), s13 = _mm256_loadu_pd(a1 + 12);
            const double *xj0 = c[j], *xj1 = c[j + 1];
            const double *xk0 = c[k], *xk1 = c[k + 1], *xk2 = c[k + 2], *xk3 = c[k + 3];
            for (size_t r = 0; r < 4 * nq; r += 4) {
                const __m256d w = _mm256_loadu_pd(W + r);
                const __m256d t0 = _mm256_mul_pd(w, _mm256_loadu_pd(xj0 + r));
                const __m256d t1 = _mm256_mul_pd(w, _mm256_loadu_pd(xj1 + r));
                __m256d x = _mm256_loadu_pd(xk0 + r);
                s00 = _mm256_fmadd_pd(t0, x, s00); s10 = _mm256_fmadd_pd(t1, x, s10);
                x = _mm256_loadu_pd(xk1 + r);
                s01 = _mm256_fmadd_pd(t0, x, s01); s11 = _mm256_fmadd_pd(t1, x, s11);
                x = _mm256_loadu_pd(xk2 + r);
                s02 = _mm256_fmadd_pd(t0, x, s02); s12 = _mm256_fmadd_pd(t1, x, s12);
                x = _mm256_loadu_pd(xk3 + r);
                s03 = _mm256_fmadd_pd(t0, x, s03); s13 = _mm256_fmadd_pd(t1, x, s13);
            }
            _mm256_storeu_pd(a0, s00); _mm256_storeu_pd(a0 + 4, s01);
            _mm256_storeu_pd(a0 + 8, s02); _mm256_storeu_pd(a0 + 12, s03);
            _mm256_storeu_pd(a1, s10); _mm256_storeu_pd(a1 + 4, s11);
            _mm256_storeu_pd(a1 + 8, s12); _mm256_storeu_pd(a1 + 12, s13);
        }
}

/* eta[r] = sum_j b_j c[j][r] over 4 nq rows, each sum in the order
 * j = 0..p-1 with FMA. */
__attribute__((target("avx2,fma")))
static void eta_fma(double *eta, const double *const *c, const double *b, size_t p, size_t nq)
{
    for (size_t r = 0; r < 4 * nq; r += 4) {
        __m256d e = _mm256_setzero_pd();
        for (size_t j = 0; j < p; j++)
            e = _mm256_fmadd_pd(_mm256_broadcast_sd(b + j), _mm256_loadu_pd(c[j] + r), e);
        _mm256_storeu_pd(eta + r, e);
    }
}
#endif

/* One pass of irls_pass over rows [lo, hi). */
typedef struct {
    const double *const *xcol;   /* X: p columns of n */
    const double *y, *w;         /* w NULL: weights 1 */
    const double *b;             /* coefficients; NULL: eta and mu as given (start) */
    double *eta, *mu;            /* n: in (start) or out */
    size_t p, lo, hi;
    int fma;                     /* the AVX2 + FMA kernels (obs_simd_fma) */
    double dev;                  /* out: sum of the unit deviances, in row order (step) */
    double *xtwx, *xtwz;         /* out: p*p upper triangle (row-major), p */
    double *acc;                 /* scratch: IRLS_SCRATCH(p) doubles: ps^2 * 4 lane
                                  * sums, then p * IRLS_BLOCK for a short block */
} irls_chunk;

#define IRLS_PS(p) (((p) + 4) & ~(size_t)3)
#define IRLS_SCRATCH(p) (IRLS_PS(p) * IRLS_PS(p) * 4 + (p) * IRLS_BLOCK)

static void irls_chunk_run(void *arg)
{
    irls_chunk *c = arg;
    const size_t p = c->p, ps = IRLS_PS(p);
    double *acc = c->acc, *tailbuf = acc + ps * ps * 4;
    /* a block's columns: X (the data, or the zero-padded copy of a last
     * short block), z, zeros */
    static const double zeros[IRLS_BLOCK];
    const double *col[IRLS_COLS];
    double W[IRLS_BLOCK], z[IRLS_BLOCK], dev[IRLS_BLOCK], etab[IRLS_BLOCK];
    double devsum = 0;
    memset(acc, 0, ps * ps * 4 * sizeof *acc);
    for (size_t i0 = c->lo; i0 < c->hi; i0 += IRLS_BLOCK) {
        const size_t nb = c->hi - i0 < IRLS_BLOCK ? c->hi - i0 : IRLS_BLOCK;
        const size_t nq = (nb + 3) / 4;
        for (size_t j = 0; j < p; j++) col[j] = c->xcol[j] + i0;
        if (nb % 4) {             /* the short last block: zero-padded copies */
            for (size_t j = 0; j < p; j++) {
                double *t = tailbuf + j * 4 * nq;
                memcpy(t, col[j], nb * sizeof *t);
                for (size_t r = nb; r < 4 * nq; r++) t[r] = 0;
                col[j] = t;
            }
        }
        double *eta = c->eta + i0;
        if (c->b) {
#ifdef OBS_HAVE_FMA_KERNEL
            if (c->fma) {
                eta_fma(etab, col, c->b, p, nq);
                memcpy(eta, etab, nb * sizeof *eta);
            } else
#endif
            for (size_t r = 0; r < nb; r++) {
                double e = 0;
                for (size_t j = 0; j < p; j++) e += c->b[j] * col[j][r];
                eta[r] = e;
            }
        }
        const double *wb = c->w ? c->w + i0 : NULL;
#ifdef OBS_HAVE_FMA_KERNEL
        if (c->fma)
            logit_rows_fma(eta, c->y + i0, wb, c->mu + i0, !c->b, nb, W, z, dev);
        else
#endif
            logit_rows(eta, c->y + i0, wb, c->mu + i0, !c->b, nb, W, z, dev);
        if (c->b)
            for (size_t k = 0; k < nb; k++) devsum += dev[k];
        for (size_t k = nb; k < 4 * nq; k++) W[k] = z[k] = 0;
        col[p] = z;
        for (size_t j = p + 1; j < ps; j++) col[j] = zeros;
#ifdef OBS_HAVE_FMA_KERNEL
        if (c->fma)
            lane_sums_fma(acc, ps, col, W, p, nq);
        else
#endif
            lane_sums(acc, ps, col, W, p, nq);
    }
    for (size_t j = 0; j < p; j++)
        for (size_t k = j; k <= p; k++) {
            const double *a = acc + (j * ps + k) * 4;
            const double v = (a[0] + a[1]) + (a[2] + a[3]);
            if (k < p) c->xtwx[j * p + k] = v;
            else c->xtwz[j] = v;
        }
    c->dev = devsum;
}

/*
 * One pass over the rows on two fixed halves (the same bits on one or two
 * threads): with b, eta = X b, mu and the deviance (returned), then W and z
 * at them; without b (start), W and z at the given eta and mu (returns 0).
 * X'WX (upper triangle) and X'Wz go to part: two blocks of p*p + p, one per
 * half, added in order by normal_solve; scratch: 2 IRLS_SCRATCH(p)
 * doubles.  p <= IRLS_PMAX.
 */
static double irls_pass(const double *const *xcol, size_t n, size_t p, const double *y, const double *w,
                        const double *b, double *eta, double *mu, double *part, double *scratch)
{
    irls_chunk ch[2];
    size_t lo[3];
    obs_parallel_split(n, 2, lo);
    for (int c = 0; c < 2; c++)
        ch[c] = (irls_chunk){xcol, y, w, b, eta, mu, p, lo[c], lo[c + 1], obs_simd_fma(), 0,
                             part + c * (p * p + p), part + c * (p * p + p) + p * p,
                             scratch + c * IRLS_SCRATCH(p)};
    void *args[2] = {&ch[0], &ch[1]};
    obs_parallel_run(irls_chunk_run, args, 2, n >= 20000 ? obs_parallel_threads() : 1);
    return ch[0].dev + ch[1].dev;
}

/* Solve the normal equations from irls_pass's two partial sums (part):
 * A = X'WX equilibrated (sc[j] = 1 / sqrt(A_jj)) and factored in place
 * (A, sc: p*p and p, kept for the covariance), b (p) the solution.
 * Returns 0, or 1 when the equilibrated pivots show (near) aliasing or a
 * value is not finite: the caller takes the QR route. */
static int normal_solve(const double *part, size_t p, double *A, double *sc, int *aliased, double *b)
{
    const double *x0 = part, *z0 = part + p * p, *x1 = part + p * p + p, *z1 = x1 + p * p;
    for (size_t j = 0; j < p; j++) {
        b[j] = z0[j] + z1[j];
        for (size_t k = j; k < p; k++) A[j * p + k] = x0[j * p + k] + x1[j * p + k];
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

/* The QR route's pass after a step: eta = X b, mu = linkinv(eta) and the
 * unit deviances (into devi) over rows [lo, hi).  eta by blocks of rows,
 * column after column: each eta[i] sums x_ij b_j in the order
 * j = 0..p-1, with sequential reads instead of p strided streams. */
typedef struct {
    const double *const *xcol;   /* X: p columns of n */
    const double *b, *y, *w;
    double *eta, *mu, *devi;
    size_t n, p, lo, hi;
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
        c->mu[i] = e / (1.0 + e);   /* binomial()$linkinv with R's guards */
        c->devi[i] = dev_resid(c->y[i], c->mu[i], c->w ? c->w[i] : 1.0);
    }
}

/* The QR route's weighted system at the current eta and mu, rows
 * [lo, hi): wz[i] = sqrt(W) z and a_out (n x p) = sqrt(W) X.  Each row's
 * values depend on that row alone: the same bits on one or two threads. */
typedef struct {
    const double *const *xcol;   /* X: p columns of n */
    const double *y, *w, *eta, *mu;
    double *wz, *a_out;
    size_t n, p, lo, hi;
} weight_chunk;

static void weight_chunk_run(void *arg)
{
    weight_chunk *c = arg;
    const double *const *xcol = c->xcol;
    const double *y = c->y, *w = c->w, *eta = c->eta, *mu = c->mu;
    const size_t n = c->n, p = c->p;
    for (size_t i = c->lo; i < c->hi; i++) {
        double wi = w ? w[i] : 1.0;
        double me = mu_eta(eta[i]);
        double var = mu[i] * (1 - mu[i]);
        double zi = eta[i] + (y[i] - mu[i]) / me;
        double sw = wi > 0 ? sqrt(wi * me * me / var) : 0.0;
        c->wz[i] = sw * zi;
        for (size_t j = 0; j < p; j++) c->a_out[j * n + i] = sw * xcol[j][i];
    }
}

static void qr_weights(const double *const *xcol, size_t n, size_t p, const double *y, const double *w,
                       const double *eta, const double *mu, double *wz, double *a_out)
{
    weight_chunk wc[2];
    size_t lo[3];
    obs_parallel_split(n, 2, lo);
    for (int c = 0; c < 2; c++)
        wc[c] = (weight_chunk){xcol, y, w, eta, mu, wz, a_out, n, p, lo[c], lo[c + 1]};
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
    if (!w) {
        /* weights 1: y is 0 or 1, so each row takes one of two sets of
         * values, computed once by the same expressions; the deviance as
         * counts times the two unit deviances */
        double m[2], e[2], d[2];
        for (int k = 0; k < 2; k++) {
            m[k] = ((double)k + 0.5) / 2.0;
            e[k] = log(m[k] / (1 - m[k]));
            d[k] = dev_resid((double)k, m[k], 1.0);
        }
        size_t n1 = 0;
        for (size_t i = 0; i < n; i++) {
            const int k = y[i] > 0.5;
            mu[i] = m[k];
            eta[i] = e[k];
            n1 += (size_t)k;
        }
        return (double)(n - n1) * d[0] + (double)n1 * d[1];
    }
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

    /* a branch-free look first (a random 0/1 response would make the
     * tests below mispredict every other row); the rows are walked for the
     * message only when something is wrong */
    unsigned bad = 0;
    for (size_t i = 0; i < n; i++) bad |= (unsigned)(y[i] != 0.0) & (unsigned)(y[i] != 1.0);
    if (w)
        for (size_t i = 0; i < n; i++) bad |= (unsigned)!(w[i] >= 0 && isfinite(w[i]));
    for (size_t i = 0; i < n && bad; i++) {
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
    vtv = malloc(p * sizeof(double)); rdiag = malloc(p * sizeof(double));
    b = malloc(p * sizeof(double)); rinv = calloc(p * p, sizeof(double));
    cols = malloc(p * sizeof(size_t));
    if (!f->coef || !f->se || !f->z || !f->pval || !f->aliased || !f->runaway ||
        !f->cov || !f->eta || !f->fitted || !vtv || !rdiag || !b ||
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
    /* the normal-equations route (see normal_solve) while it is safe; if
     * it is not, the fit starts again from glm's starting values by QR
     * alone */
    int use_qr = (p > IRLS_PMAX || p <= 2);
    double *nscr = malloc((3 * p * p + 3 * p + 1 + (use_qr ? 0 : 2 * IRLS_SCRATCH(p))) * sizeof *nscr);
    if (!nscr) {
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
        goto done;
    }
    if (!use_qr) {
        /* each pass: the step at b (eta, mu, deviance) and the next
         * step's X'WX, X'Wz (into part); the first pass, the sums at the
         * starting values.  The sums of the pass that converges are not
         * used: the covariance is the factor of the step that gave b. */
        double *part = nscr, *A = nscr + 2 * (p * p + p), *sc = A + p * p;
        double *pscr = sc + p + 1;
        irls_pass(xcol, n, p, y, w, NULL, eta, mu, part, pscr);
        for (iter = 1; iter <= maxit; iter++) {
            if (normal_solve(part, p, A, sc, f->aliased, b)) { use_qr = 1; break; }
            rank = p;
            dev = irls_pass(xcol, n, p, y, w, b, eta, mu, part, pscr);
            obs_progress_event ev = {OBS_PROGRESS_ITER, "logit", (size_t)iter, 0, -dev / 2};
            obs_progress_report(&ev);
            conv = fabs(dev - devold) / (fabs(dev) + 0.1) < epsilon;
            if (conv || iter == maxit) {
                obs_chol_invert(A, p);
                for (size_t j = 0; j < p; j++)
                    for (size_t k = 0; k < p; k++)
                        f->cov[j * p + k] = A[(j > k ? k : j) * p + (j > k ? j : k)] * sc[j] * sc[k];
                chol_final = 1;
                break;
            }
            devold = dev;
        }
        if (use_qr) devold = irls_start(y, w, n, eta, mu);
    }
    if (use_qr) {
        /* R's route: a Householder QR of sqrt(W) X each step */
        a = malloc(n * p * sizeof(double));
        qty = malloc(n * sizeof(double));
        if (!a || !qty) {
            free(nscr);
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
            goto done;
        }
        for (iter = 1; iter <= maxit; iter++) {
            qr_weights(xcol, n, p, y, w, eta, mu, qty, a);
            rank = wls_qr(a, qty, n, p, vtv, rdiag, cols, f->aliased, b);
            if (rank == 0) {
                free(nscr);
                rc = obs_error_set(err, OBS_EFIT, "logistic regression: no estimable coefficient");
                goto done;
            }
            /* eta, mu and each row's deviance on two fixed halves of the
             * rows (into qty, free at this point), then the deviance summed
             * in row order: the same bits on one or two threads */
            eta_chunk ec[2];
            size_t lo[3];
            obs_parallel_split(n, 2, lo);
            for (int c = 0; c < 2; c++)
                ec[c] = (eta_chunk){xcol, b, y, w, eta, mu, qty, n, p, lo[c], lo[c + 1]};
            void *args[2] = {&ec[0], &ec[1]};
            obs_parallel_run(eta_chunk_run, args, 2, n >= 20000 ? obs_parallel_threads() : 1);
            dev = 0;
            for (size_t i = 0; i < n; i++) dev += qty[i];
            obs_progress_event ev = {OBS_PROGRESS_ITER, "logit", (size_t)iter, 0, -dev / 2};
            obs_progress_report(&ev);
            if (fabs(dev - devold) / (fabs(dev) + 0.1) < epsilon) { conv = 1; break; }
            devold = dev;
        }
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
    if (!w) {
        /* weights 1, y 0 or 1: the null deviance as counts times the two
         * unit deviances, and log dbinom(y; 1, mu) = y log mu + (1 - y)
         * log(1 - mu), which is minus half the unit deviance: the log
         * likelihood is -dev / 2 (R sums the log densities separately:
         * the same value up to rounding) */
        nulldev = (sumw - sumwy) * dev1[0] + sumwy * dev1[1];
        aic = -dev / 2;
    }
    for (size_t i = 0; w && i < n; i++) {
        double wi = w[i];
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
        f->auc = obs_auc(mu, y, NULL, n);
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
