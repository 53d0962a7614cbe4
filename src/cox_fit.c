/*
 * cox_fit.c — the Cox partial likelihood (Breslow and Efron) and its
 * Newton-Raphson maximisation, as R's coxph does it.
 *
 * Log partial likelihood with case weights w_i, risk scores r_i = exp(eta_i),
 * eta_i = x_i'b + offset_i.  At an event time t with d tied events (set D,
 * weights summing to W, mean weight W/d) and risk set R(t):
 *
 *   Breslow:  l_t = sum_{i in D} w_i eta_i - W log S0,   S0 = sum_{R} w_i r_i
 *   Efron:    l_t = sum_{i in D} w_i eta_i - (W/d) sum_{k=0}^{d-1} log S0_k,
 *             S0_k = S0 - (k/d) sum_{D} w_i r_i
 *
 * (Efron 1977, JASA 72:557; Therneau & Grambsch 2000, sec. 3.3).  With
 * S1_k, S2_k the same sums of w r x and w r x x', xbar_k = S1_k/S0_k, the
 * score is u = sum_D w_i x_i - (W/d) sum_k xbar_k and the information
 * I = (W/d) sum_k (S2_k/S0_k - xbar_k xbar_k').  Breslow is the case d = 1.
 *
 * Risk sets are running sums: rows are visited by stop time descending
 * within stratum; each row is added to S0, S1, S2 when its stop time is
 * reached and (counting process) removed once an event time is reached that
 * is <= its start time.  One pass is O(n p^2) and allocates nothing.  To keep
 * exp() finite the sums are held relative to exp(c), c a running mean of
 * the linear predictor, rescaled when the mean moves by more than 200
 * (Therneau's agfit4 device); log S0 is then log(sum) + c.
 *
 * Newton-Raphson (Therneau & Grambsch sec. 3.2; R coxfit6/agfit4): start at
 * b = 0; step = I^-1 u by the LDL' solve of linalg.c with tolerance
 * toler_chol (aliased columns get step 0); if the new log-likelihood is
 * smaller or not finite, step-halving: b_new = (b_new + h b_old) / (h + 1)
 * for the h-th consecutive halving; stop when |1 - l_old / l_new| <= eps.
 * Verified against R in tests/golden/cox and by hand in tests/unit/test_cox.c.
 */
#include <float.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cox_internal.h"
#include "obsurv/progress.h"
#include "tile_kernel.h"
#include "obsurv/dist.h"
#include "obsurv/linalg.h"
#include "obsurv/parallel.h"

void obs_cox_options_default(obs_cox_options *o)
{
    o->ties = OBS_COX_EFRON;
    o->robust = 0;
    o->max_iter = 20;
    o->eps = 1e-9;
    o->toler_chol = pow(DBL_EPSILON, 0.75);
    o->toler_inf = sqrt(1e-9);
    o->conf_level = 0.95;
    o->concordance = 1;
}

/* Add (sign +1) or remove (sign -1) row k to the sums denom, a, cmat with
 * risk weight rw (= w exp(eta - c)). Lower triangle of cmat only. */
static inline void risk_update(double *restrict a, double *restrict cmat,
                               const double *restrict xk, size_t p, double rw)
{
    for (size_t i = 0; i < p; i++) {
        double t = rw * xk[i];
        a[i] += t;
        for (size_t j = 0; j <= i; j++) cmat[j * p + i] += t * xk[j];
    }
}

/* ---- the right-censored route: no running S2 matrix ------------------
 *
 * Without start times, the information's S2 part sums over event times t
 * of A0(t) S2(t) + A1(t) S2dead(t) (notation of cox_pass below), and S2(t)
 * is a sum over the rows at risk; exchanging the sums,
 *
 *   sum_t [A0 S2 + A1 S2dead](t) = sum_i w_i r_i c_i x_i x_i',
 *   c_i = sum_{event times t < t_i} A0(t) + (i dead ? A1(t_i) : A0(t_i) if t_i an event time),
 *
 * so one sequential pass keeps only S0 and S1 (O(p) per row), records A0,
 * A1 per event time, and the O(p^2) work is one weighted cross-product
 * sum_i v_i x_i x_i' over the rows — cut into two fixed halves whose
 * partial sums are added in order, so the result is the same on one or two
 * threads.  Taken when no risk-score rescaling can occur (|eta| <= 200:
 * then cox_pass's running centre stays 0), so the log-likelihood and the
 * score are bit for bit those of the general route; the information
 * differs by rounding only. */

typedef struct {
    const cox_work *w;
    const double *beta;
    size_t lo, hi;
    double maxabs;          /* out: max |eta| over [lo, hi) */
    double *part;           /* cross-product: p*p lower triangle out */
    int phase;              /* 0: eta and risk weights, 1: cross-product */
} fast_chunk;

#define CROSS_PMAX 24
#define CROSS_BLOCK 128

static void fast_chunk_run(void *arg)
{
    fast_chunk *c = arg;
    const cox_work *w = c->w;
    const size_t p = w->p;
    if (c->phase == 0) {
        double mx = 0.0;
        size_t k = c->lo;
        /* four rows at a time (four independent sums, each in the order of
         * the general pass: the same bits, without the latency chain) */
        for (; k + 4 <= c->hi; k += 4) {
            const double *x0 = w->x + k * p;
            double e0 = w->off[k], e1 = w->off[k + 1], e2 = w->off[k + 2], e3 = w->off[k + 3];
            for (size_t j = 0; j < p; j++) {
                const double b = c->beta[j];
                e0 += b * x0[j]; e1 += b * x0[p + j]; e2 += b * x0[2 * p + j]; e3 += b * x0[3 * p + j];
            }
            w->eta[k] = e0; w->eta[k + 1] = e1; w->eta[k + 2] = e2; w->eta[k + 3] = e3;
        }
        for (; k < c->hi; k++) {
            const double *xk = w->x + k * p;
            double e = w->off[k];
            for (size_t j = 0; j < p; j++) e += c->beta[j] * xk[j];
            w->eta[k] = e;
        }
        for (k = c->lo; k < c->hi; k++) {
            const double e = w->eta[k];
            if (fabs(e) > mx || e != e) mx = (e != e) ? INFINITY : fabs(e);
        }
        c->maxabs = mx;
        if (mx <= 200)
            for (size_t k = c->lo; k < c->hi; k++) w->rw[k] = w->wt[k] * exp(w->eta[k] - 0.0);
        return;
    }
    double *cm = c->part;
    memset(cm, 0, p * p * sizeof *cm);
    if (p <= CROSS_PMAX) {
        /* Vector tiles: the rows go in blocks of CROSS_BLOCK; T = v x_i is
         * formed once per row (plus a zero column p).  Each tile of
         * elements (i..i+1, j..j+3) of the lower triangle (it may run past
         * the diagonal or the last column: those sums are dropped) is
         * accumulated over the block's rows in four SSE2 registers
         * (separate multiply and add), reading x in place (x's block has
         * 16 zeros after it).  Every element adds the same terms
         * t * x_j in row order as the plain loop below, so the sums are
         * the same bits (a row of weight 0 adds zeros instead of being
         * skipped, which can only turn a -0 into +0). */
        const size_t ps = (p + 4) & ~(size_t)3, ts = p + 1;
        double T[CROSS_BLOCK * (CROSS_PMAX + 1)];
        double acc[(CROSS_PMAX + 1) * (CROSS_PMAX + 4)];
        memset(acc, 0, (p + 1) * ps * sizeof *acc);
        for (size_t k0 = c->lo; k0 < c->hi; k0 += CROSS_BLOCK) {
            const size_t nb = c->hi - k0 < CROSS_BLOCK ? c->hi - k0 : CROSS_BLOCK;
            const double *X = w->x + k0 * p;
            for (size_t r = 0; r < nb; r++) {
                const double v = w->rw[k0 + r];
                for (size_t i = 0; i < p; i++) T[r * ts + i] = v * X[r * p + i];
                T[r * ts + p] = 0.0;
            }
            for (size_t i = 0; i < p; i += 2) {
                for (size_t j = 0; j <= i + 1; j += 4)
                    obs_tile_2x4(acc + i * ps + j, ps, T + i, ts, X + j, p, nb);
            }
        }
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j <= i; j++) cm[j * p + i] = acc[i * ps + j];
        return;
    }
    for (size_t k = c->lo; k < c->hi; k++) {
        const double v = w->rw[k];
        if (v == 0.0) continue;
        const double *xk = w->x + k * p;
        for (size_t i = 0; i < p; i++) {
            const double t = v * xk[i];
            double *col = cm + i;          /* cm[j * p + i], j <= i */
            for (size_t j = 0; j <= i; j++) col[j * p] += t * xk[j];
        }
    }
}

/* y += s x over p elements, two at a time in SSE2 registers (separate
 * multiply and add: each element gets exactly y_i + s x_i, as the plain
 * loop; y and x never overlap). */
static inline void axpy(double *restrict y, double s, const double *restrict x, size_t p)
{
    typedef double v2d __attribute__((vector_size(16)));
    const v2d sv = {s, s};
    size_t i = 0;
    for (; i + 2 <= p; i += 2) {
        v2d yv, xv;
        memcpy(&yv, y + i, sizeof yv);
        memcpy(&xv, x + i, sizeof xv);
        yv += sv * xv;
        memcpy(y + i, &yv, sizeof yv);
    }
    if (i < p) y[i] += s * x[i];
}

/* Returns 0 and the pass results when the route applies, 1 otherwise (the
 * caller then runs the general pass; eta has been overwritten, rw not). */
static int cox_pass_fast(cox_work *w, const double *beta, double *u, double *imat, double *loglik_out)
{
    const size_t p = w->p, n = w->n;
    const int efron = (w->ties == OBS_COX_EFRON);
    double *a = w->a, *a2 = w->a2, *gc = w->gcoef;
    double loglik = 0.0;
    size_t lo[3];
    obs_parallel_split(n, 2, lo);
    int threads = n >= 20000 ? obs_parallel_threads() : 1;
    fast_chunk ch[2] = {{w, beta, lo[0], lo[1], 0, w->cmat, 0}, {w, beta, lo[1], lo[2], 0, w->cmat2, 0}};
    void *args[2] = {&ch[0], &ch[1]};
    obs_parallel_run(fast_chunk_run, args, 2, threads);
    if (!(ch[0].maxabs <= 200 && ch[1].maxabs <= 200)) return 1;

    memset(u, 0, p * sizeof *u);
    memset(imat, 0, p * p * sizeof *imat);
    size_t g = 0;
    for (size_t s = 0; s < w->nstrata; s++) {
        const size_t b = w->sbeg[s], e = w->sbeg[s + 1];
        const size_t g0 = g;
        double denom = 0.0;
        memset(a, 0, p * sizeof *a);
        for (size_t k = b; k < e;) {
            const double t = w->stop[k];
            size_t k2 = k;
            int anydeath = 0;
            while (k2 < e && w->stop[k2] == t) { anydeath |= w->status[k2]; k2++; }
            double denom2 = 0.0, deadwt = 0.0;
            int ndead = 0;
            if (anydeath) memset(a2, 0, p * sizeof *a2);
            for (size_t q = k; q < k2; q++) {
                if (w->skip[q]) continue;
                const double *xq = w->x + q * p;
                const double rw = w->rw[q];
                if (w->status[q]) {
                    ndead++;
                    deadwt += w->wt[q];
                    denom2 += rw;
                    loglik += w->wt[q] * w->eta[q];
                    axpy(u, w->wt[q], xq, p);
                    axpy(a2, rw, xq, p);
                } else {
                    denom += rw;
                    axpy(a, rw, xq, p);
                }
            }
            if (anydeath) {
                double A0 = 0, A1 = 0, B0 = 0, B1 = 0, B2 = 0;
                if (ndead > 0) {
                    int nterm = (efron && ndead > 1) ? ndead : 1;
                    double meanwt = deadwt / nterm;
                    for (int m = 0; m < nterm; m++) {
                        double f = (double)(m + 1) / nterm;
                        double D = denom + f * denom2;
                        loglik -= meanwt * (log(D) + 0.0);
                        A0 += meanwt / D;
                        A1 += meanwt * f / D;
                        B0 += meanwt / (D * D);
                        B1 += meanwt * f / (D * D);
                        B2 += meanwt * f * f / (D * D);
                    }
                    for (size_t i = 0; i < p; i++) {
                        u[i] -= A0 * a[i] + A1 * a2[i];
                        for (size_t j = 0; j <= i; j++)
                            imat[j * p + i] -= B0 * a[i] * a[j] + B1 * (a[i] * a2[j] + a2[i] * a[j])
                                + B2 * a2[i] * a2[j];
                    }
                    denom += denom2;
                    for (size_t i = 0; i < p; i++) a[i] += a2[i];
                }
                gc[2 * g] = A0;
                gc[2 * g + 1] = A1;
                g++;
            }
            k = k2;
        }
        /* cross-product weights v = r c, walking up from the earliest time */
        double C = 0.0;
        size_t gg = g;
        for (size_t k = e; k > b;) {
            const double t = w->stop[k - 1];
            size_t k1 = k;
            int anydeath = 0;
            while (k1 > b && w->stop[k1 - 1] == t) { anydeath |= w->status[k1 - 1]; k1--; }
            double A0 = 0.0, A1 = 0.0;
            if (anydeath) { gg--; A0 = gc[2 * gg]; A1 = gc[2 * gg + 1]; }
            for (size_t q = k1; q < k; q++)
                w->rw[q] = w->skip[q] ? 0.0 : w->rw[q] * (C + (w->status[q] ? A1 : A0));
            C += A0;
            k = k1;
        }
        (void)g0;
    }
    ch[0].phase = ch[1].phase = 1;
    obs_parallel_run(fast_chunk_run, args, 2, threads);
    for (size_t c = 0; c < 2; c++)
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j <= i; j++) imat[j * p + i] += ch[c].part[j * p + i];
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++) imat[i * p + j] = imat[j * p + i];
    *loglik_out = loglik;
    return 0;
}

/* Contract: w built by cox_work_init (ties Breslow or Efron); beta: p
 * (scaled coordinates).  Output: return value the log partial likelihood;
 * u (p) the score; imat (p*p column-major, full symmetric) the information.
 * Scratch: w->eta, w->a, w->a2, w->cmat, w->cmat2.  No allocation. */
double cox_pass(cox_work *w, const double *beta, double *u, double *imat)
{
    const size_t p = w->p;
    const int efron = (w->ties == OBS_COX_EFRON);
    double *a = w->a, *a2 = w->a2, *cmat = w->cmat, *cmat2 = w->cmat2;
    double loglik = 0.0;

    if (!w->counting && w->rw && cox_pass_fast(w, beta, u, imat, &loglik) == 0) return loglik;

    for (size_t k = 0; k < w->n; k++) {
        const double *xk = w->x + k * p;
        double e = w->off[k];
        for (size_t j = 0; j < p; j++) e += beta[j] * xk[j];
        w->eta[k] = e;
    }
    memset(u, 0, p * sizeof *u);
    memset(imat, 0, p * p * sizeof *imat);

    for (size_t s = 0; s < w->nstrata; s++) {
        const size_t b = w->sbeg[s], e = w->sbeg[s + 1];
        double denom = 0.0, center = 0.0, etasum = 0.0;
        size_t nrisk = 0, r = b;   /* r walks by_start */
        memset(a, 0, p * sizeof *a);
        memset(cmat, 0, p * p * sizeof *cmat);

        for (size_t k = b; k < e;) {
            const double t = w->stop[k];
            size_t k2 = k;
            int anydeath = 0;
            while (k2 < e && w->stop[k2] == t) { anydeath |= w->status[k2]; k2++; }

            if (w->counting && anydeath) {
                /* remove rows no longer at risk: start >= t */
                for (; r < e; r++) {
                    size_t q = w->by_start[r];
                    if (w->start[q] < t) break;
                    if (w->skip[q]) continue;
                    if (--nrisk == 0) {
                        denom = 0.0; etasum = 0.0;
                        memset(a, 0, p * sizeof *a);
                        memset(cmat, 0, p * p * sizeof *cmat);
                    } else {
                        etasum -= w->eta[q];
                        risk_update(a, cmat, w->x + q * p, p, -w->wt[q] * exp(w->eta[q] - center));
                        denom -= w->wt[q] * exp(w->eta[q] - center);
                    }
                }
            }

            double denom2 = 0.0, deadwt = 0.0;
            int ndead = 0;
            if (anydeath) {
                memset(a2, 0, p * sizeof *a2);
                memset(cmat2, 0, p * p * sizeof *cmat2);
            }
            for (size_t q = k; q < k2; q++) {
                if (w->skip[q]) continue;
                nrisk++;
                etasum += w->eta[q];
                if (fabs(etasum / nrisk - center) > 200) {
                    double shift = etasum / nrisk - center;
                    double f = exp(-shift);
                    center += shift;
                    denom *= f;
                    for (size_t i = 0; i < p; i++) a[i] *= f;
                    for (size_t i = 0; i < p * p; i++) cmat[i] *= f;
                    denom2 *= f;
                    for (size_t i = 0; i < p; i++) a2[i] *= f;
                    for (size_t i = 0; i < p * p; i++) cmat2[i] *= f;
                }
                const double *xq = w->x + q * p;
                double rw = w->wt[q] * exp(w->eta[q] - center);
                if (w->status[q]) {
                    ndead++;
                    deadwt += w->wt[q];
                    denom2 += rw;
                    loglik += w->wt[q] * w->eta[q];
                    for (size_t i = 0; i < p; i++) u[i] += w->wt[q] * xq[i];
                    risk_update(a2, cmat2, xq, p, rw);
                } else {
                    denom += rw;
                    risk_update(a, cmat, xq, p, rw);
                }
            }

            if (ndead > 0) {
                /* Efron terms m = 0..nterm-1 with a fraction f_m = (m+1)/nterm
                 * of the tied events in the sums: D_m = denom + f_m denom2,
                 * S1_m = a + f_m a2, S2_m = cmat + f_m cmat2.  Summing over m
                 * first needs only the scalars below, so the cost per event
                 * time is O(nterm + p^2) instead of O(nterm p^2):
                 *   u    -= A0 a + A1 a2
                 *   imat += A0 cmat + A1 cmat2 - B0 a a' - B1 (a a2' + a2 a') - B2 a2 a2'
                 * with A_j = sum_m W f_m^j / D_m, B_j = sum_m W f_m^j / D_m^2. */
                int nterm = (efron && ndead > 1) ? ndead : 1;
                double meanwt = deadwt / nterm;
                double A0 = 0, A1 = 0, B0 = 0, B1 = 0, B2 = 0;
                for (int m = 0; m < nterm; m++) {
                    double f = (double)(m + 1) / nterm;
                    double D = denom + f * denom2;
                    loglik -= meanwt * (log(D) + center);
                    A0 += meanwt / D;
                    A1 += meanwt * f / D;
                    B0 += meanwt / (D * D);
                    B1 += meanwt * f / (D * D);
                    B2 += meanwt * f * f / (D * D);
                }
                for (size_t i = 0; i < p; i++) {
                    u[i] -= A0 * a[i] + A1 * a2[i];
                    for (size_t j = 0; j <= i; j++)
                        imat[j * p + i] += A0 * cmat[j * p + i] + A1 * cmat2[j * p + i]
                            - B0 * a[i] * a[j] - B1 * (a[i] * a2[j] + a2[i] * a[j])
                            - B2 * a2[i] * a2[j];
                }
                /* the events join the risk set for earlier times */
                denom += denom2;
                for (size_t i = 0; i < p; i++) {
                    a[i] += a2[i];
                    for (size_t j = 0; j <= i; j++) cmat[j * p + i] += cmat2[j * p + i];
                }
            }
            k = k2;
        }
    }
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++) imat[i * p + j] = imat[j * p + i];
    return loglik;
}

static int all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) if (!isfinite(v[i])) return 0;
    return 1;
}

/* The Newton-Raphson driver.  Contract: w ready; beta (p) holds the start
 * (zeros) in scaled coordinates and receives the estimate; u (p), imat (p*p)
 * receive the score and the inverse information (variance, scaled
 * coordinates) at the estimate; aliased (p) the aliasing flags.  loglik[2]
 * = at start, at estimate; *sctest the score test at the start; *iter,
 * *converged.  Scratch newbeta, oldbeta (p).  Right-censored data follow R's
 * coxfit6, counting-process data agfit4 (which also requires halving == 0
 * to declare convergence). */
static void cox_newton(cox_work *w, const obs_cox_options *o, double *beta,
                       double *u, double *imat, int *aliased, double loglik[2],
                       double *sctest, int *iter, int *converged, int *rank,
                       double *newbeta, double *oldbeta)
{
    const size_t p = w->p;
    double (*pass)(cox_work *, const double *, double *, double *) =
        (w->ties == OBS_COX_EXACT) ? cox_exact_pass : cox_pass;
    int halving = 0;
    double best, newlk;

    loglik[0] = loglik[1] = pass(w, beta, u, imat);
    memcpy(newbeta, u, p * sizeof *u);
    *rank = obs_chol_decompose(imat, p, o->toler_chol, aliased);
    obs_chol_solve(imat, p, newbeta);
    *sctest = 0.0;
    for (size_t i = 0; i < p; i++) *sctest += u[i] * newbeta[i];
    *iter = 0; *converged = 0;
    if (o->max_iter == 0 || !isfinite(loglik[0]) || p == 0) {
        *converged = (p == 0);
        obs_chol_invert(imat, p);
        return;
    }
    for (size_t i = 0; i < p; i++) { oldbeta[i] = beta[i]; newbeta[i] = beta[i] + newbeta[i]; }
    best = loglik[0];

    for (*iter = 1; *iter <= o->max_iter; (*iter)++) {
        newlk = pass(w, newbeta, u, imat);
        {   /* progress of long fits (the CLI shows it on a terminal only) */
            obs_progress_event ev = {OBS_PROGRESS_ITER, "cox", (size_t)*iter, 0, newlk};
            obs_progress_report(&ev);
        }
        int notfinite = !isfinite(newlk) || !all_finite(u, p) || !all_finite(imat, p * p);
        int r2 = obs_chol_decompose(imat, p, o->toler_chol, aliased);
        if (w->counting && r2 != *rank) notfinite = 1;
        if (!notfinite && (!w->counting || halving == 0) &&
            fabs(1.0 - best / newlk) <= o->eps) {
            loglik[1] = newlk;
            *rank = r2;
            memcpy(beta, newbeta, p * sizeof *beta);
            obs_chol_invert(imat, p);
            *converged = 1;
            return;
        }
        /* Out of iterations.  Counting-process fits stop here, as R's
         * agfit4: the last point tried is kept unless it was worse than the
         * best by more than eps (then the best is recomputed below).
         * Right-censored Breslow/Efron fits, as R's coxfit6, take the step
         * once more and end with iter = max_iter + 1 at the last accepted
         * point; exact-ties fits, as R's coxexact, stop at max_iter there. */
        if (*iter == o->max_iter && w->ties == OBS_COX_EXACT) break;
        if (*iter == o->max_iter && w->counting) {
            if (!notfinite && (newlk - best) / fabs(best) >= -o->eps) {
                loglik[1] = newlk;
                *rank = r2;
                memcpy(beta, newbeta, p * sizeof *beta);
                obs_chol_invert(imat, p);
                return;
            }
            break;
        }
        if (notfinite || newlk < best) {
            halving++;
            for (size_t i = 0; i < p; i++)
                newbeta[i] = (newbeta[i] + halving * oldbeta[i]) / (halving + 1.0);
        } else {
            halving = 0;
            best = newlk;
            obs_chol_solve(imat, p, u);
            for (size_t i = 0; i < p; i++) {
                oldbeta[i] = newbeta[i];
                newbeta[i] += u[i];
            }
        }
    }
    /* out of iterations: report the last good estimate and its variance */
    memcpy(beta, oldbeta, p * sizeof *beta);
    loglik[1] = pass(w, beta, u, imat);
    *rank = obs_chol_decompose(imat, p, o->toler_chol, aliased);
    obs_chol_invert(imat, p);
}

void obs_cox_model_free(obs_cox_model **mp)
{
    if (!mp || !*mp) return;
    obs_cox_model *m = *mp;
    free(m->coef); free(m->aliased); free(m->var); free(m->robust_var);
    free(m->se); free(m->robust_se); free(m->z); free(m->p_value);
    free(m->hr); free(m->hr_lower); free(m->hr_upper); free(m->means);
    free(m->u); free(m->linear_predictor);
    obs_warnings_free(&m->warnings);
    free(m);
    *mp = NULL;
}

/* b' V^-1 b over the non-aliased components (R's coxph.wtest), V p*p. */
static double wald_stat(const double *var, const double *b, const int *aliased, size_t p,
                        double toler, double *scratch_pp, double *scratch_p)
{
    size_t q = 0;
    for (size_t j = 0; j < p; j++) q += !aliased[j];
    for (size_t jc = 0, c = 0; jc < p; jc++) {
        if (aliased[jc]) continue;
        for (size_t jr = 0, r = 0; jr < p; jr++)
            if (!aliased[jr]) scratch_pp[c * q + r++] = var[jc * p + jr];
        scratch_p[c++] = b[jc];
    }
    obs_chol_decompose(scratch_pp, q, toler, NULL);
    double *sol = scratch_p + q;
    memcpy(sol, scratch_p, q * sizeof *sol);
    obs_chol_solve(scratch_pp, q, sol);
    double s = 0.0;
    for (size_t c = 0; c < q; c++) s += scratch_p[c] * sol[c];
    return s;
}

static double *alloc_doubles(size_t n) { return calloc(n ? n : 1, sizeof(double)); }

obs_status obs_cox_fit(const obs_cox_data *d, const obs_cox_options *o,
                       obs_cox_model **out, obs_error *err)
{
    cox_work w;
    obs_cox_model *m = NULL;
    double *scratch = NULL;
    obs_status rc;
    const size_t n = d->n, p = d->p;

    *out = NULL;
    if (o->ties == OBS_COX_EXACT && (o->robust || d->cluster))
        return obs_error_set(err, OBS_EUSAGE, "cox: the robust variance is not available with ties exact "
                             "(R: dfbeta residuals are not available for the exact method)");
    rc = cox_work_init(&w, d, o->ties, err);
    if (rc) { cox_work_free(&w); return rc; }

    size_t nevent = 0;
    for (size_t i = 0; i < n; i++)
        nevent += (d->status[i] == 1 && (!d->weights || d->weights[i] > 0));
    if (nevent == 0) {
        cox_work_free(&w);
        return obs_error_set(err, OBS_EFIT, "cox: no events (every observation is censored): the model cannot be fitted");
    }

    m = calloc(1, sizeof *m);
    scratch = alloc_doubles(4 * p + 2 * p * p + 2);
    if (!m || !scratch) { rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory"); goto fail; }
    obs_warnings_init(&m->warnings);
    m->n = n; m->p = p; m->nevent = nevent; m->ties = o->ties;
    m->coef = alloc_doubles(p); m->aliased = calloc(p + 1, sizeof *m->aliased);
    m->var = alloc_doubles(p * p); m->se = alloc_doubles(p); m->z = alloc_doubles(p);
    m->p_value = alloc_doubles(p); m->hr = alloc_doubles(p); m->hr_lower = alloc_doubles(p);
    m->hr_upper = alloc_doubles(p); m->means = alloc_doubles(p); m->u = alloc_doubles(p);
    m->linear_predictor = alloc_doubles(n);
    if (!m->coef || !m->aliased || !m->var || !m->se || !m->z || !m->p_value || !m->hr ||
        !m->hr_lower || !m->hr_upper || !m->means || !m->u || !m->linear_predictor) {
        rc = obs_error_set(err, OBS_ENOMEM, "cox: out of memory"); goto fail;
    }

    double *beta = scratch, *newbeta = scratch + p, *oldbeta = scratch + 2 * p;
    double *bscaled = scratch + 3 * p, *imat = scratch + 4 * p;
    double loglik[2], sctest;
    int iter, converged, rank;
    cox_newton(&w, o, beta, m->u, imat, m->aliased, loglik, &sctest, &iter, &converged,
               &rank, newbeta, oldbeta);
    memcpy(bscaled, beta, p * sizeof *beta);

    /* back to the original scale */
    for (size_t i = 0; i < p; i++) {
        m->coef[i] = beta[i] * w.scale[i];
        m->u[i] /= w.scale[i];
        m->means[i] = w.mean[i];
        for (size_t j = 0; j < p; j++) m->var[j * p + i] = imat[j * p + i] * w.scale[i] * w.scale[j];
    }
    m->loglik_null = loglik[0];
    m->loglik_model = loglik[1];
    m->iterations = iter;
    m->converged = converged;
    m->rank = rank < 0 ? -rank : rank;

    /* linear predictor in original row order: x'b + offset - means'b */
    {
        double mb = 0.0;
        for (size_t j = 0; j < p; j++) mb += w.mean[j] * m->coef[j];
        for (size_t i = 0; i < n; i++) {
            double e = d->offset ? d->offset[i] : 0.0;
            for (size_t j = 0; j < p; j++) e += d->x[j * n + i] * m->coef[j];
            m->linear_predictor[i] = e - mb;
        }
    }

    /* warnings, as coxph.fit / agreg.fit */
    if (o->max_iter > 1 && p > 0) {
        if (!converged) {
            rc = obs_warnings_add(&m->warnings, "Ran out of iterations and did not converge");
            if (rc) goto fail;
        } else {
            char list[512] = "";
            size_t len = 0;
            for (size_t i = 0; i < p; i++) {
                double step = 0.0;
                for (size_t j = 0; j < p; j++) step += m->u[j] * m->var[i * p + j];
                step = fabs(step);
                int inf = !isfinite(m->u[i]) ||
                    (w.counting ? step > o->toler_inf * (1 + fabs(m->coef[i]))
                                : (step > o->eps && step > o->toler_inf * fabs(m->coef[i])));
                if (inf && len + 24 < sizeof list)
                    len += (size_t)snprintf(list + len, sizeof list - len, "%s%zu", len ? "," : "", i + 1);
            }
            if (len) {
                rc = obs_warnings_add(&m->warnings, "Loglik converged before variable %s; coefficient may be infinite.", list);
                if (rc) goto fail;
            }
        }
    }
    size_t df = 0;
    for (size_t i = 0; i < p; i++) {
        if (m->aliased[i]) {
            m->coef[i] = NAN;
            rc = obs_warnings_add(&m->warnings, "X matrix deemed to be singular; variable %zu is aliased (coefficient NA)", i + 1);
            if (rc) goto fail;
        } else df++;
    }

    /* tests */
    m->lr.stat = 2.0 * (loglik[1] - loglik[0]);
    m->lr.df = (double)df;
    m->score.stat = sctest;
    m->score.df = (double)df;
    {
        /* scratch reuse: newbeta holds b (0 for aliased), and the imat area
         * (2p^2 + 2 doubles, no longer needed) the Wald scratch (p^2 + 2p) */
        double *b0 = newbeta, *tmp = imat;
        for (size_t i = 0; i < p; i++) b0[i] = m->aliased[i] ? 0.0 : m->coef[i];
        m->wald.stat = wald_stat(m->var, b0, m->aliased, p, o->toler_chol, tmp, tmp + p * p);
        m->wald.df = (double)df;
        if (o->robust || d->cluster) {
            rc = cox_robust(&w, d, o, m, bscaled, err);
            if (rc) goto fail;
            m->wald.stat = wald_stat(m->robust_var, b0, m->aliased, p, o->toler_chol, tmp, tmp + p * p);
        }
    }
    m->lr.p = df ? obs_pchisq_upper(m->lr.stat, (double)df) : NAN;
    m->wald.p = df ? obs_pchisq_upper(m->wald.stat, (double)df) : NAN;
    m->score.p = df ? obs_pchisq_upper(m->score.stat, (double)df) : NAN;
    if (m->robust_score.df > 0)
        m->robust_score.p = obs_pchisq_upper(m->robust_score.stat, m->robust_score.df);

    {
        double zq = obs_qnorm(1.0 - (1.0 - o->conf_level) / 2.0);
        for (size_t i = 0; i < p; i++) {
            m->se[i] = sqrt(m->var[i * p + i]);
            double se = m->robust_se ? m->robust_se[i] : m->se[i];
            if (m->aliased[i]) {
                m->se[i] = NAN;
                if (m->robust_se) m->robust_se[i] = NAN;
                m->z[i] = m->p_value[i] = m->hr[i] = m->hr_lower[i] = m->hr_upper[i] = NAN;
                continue;
            }
            m->z[i] = m->coef[i] / se;
            m->p_value[i] = obs_pnorm_two_sided(m->z[i]);
            m->hr[i] = exp(m->coef[i]);
            m->hr_lower[i] = exp(m->coef[i] - zq * se);
            m->hr_upper[i] = exp(m->coef[i] + zq * se);
        }
    }

    if (o->concordance) {
        /* the fit is done: eta takes the sorted linear predictor and x's
         * block (pages already touched) serves as the concordance's scratch */
        double *lp_sorted = w.eta;
        for (size_t k = 0; k < n; k++) lp_sorted[k] = m->linear_predictor[w.row[k]];
        rc = cox_concordance(&w, lp_sorted, d->cluster, w.x, COX_XBLOCK(n, p), m, err);
        if (rc) goto fail;
    }

    free(scratch);
    cox_work_free(&w);
    *out = m;
    return OBS_OK;

fail:
    if (rc == OBS_OK) rc = OBS_ENOMEM;
    free(scratch);
    cox_work_free(&w);
    obs_cox_model_free(&m);
    return rc;
}
