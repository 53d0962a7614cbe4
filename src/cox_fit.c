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
 * The per-time sums and the Efron terms are the inline cox_sums_* and
 * cox_efron_terms of cox_internal.h (obsurv-mpi's pass uses the same).
 * Newton-Raphson (Therneau & Grambsch sec. 3.2; R coxfit6/agfit4) and the
 * model's tests are cox_newton.c.  Verified against R in tests/golden/cox and by hand in tests/unit/test_cox.c.
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

/* ---- the right-censored route: no running S2 matrix ------------------
 *
 * Without start times, the information's S2 part sums over event times t
 * of A0(t) S2(t) + A1(t) S2dead(t) (notation of cox_pass below), and S2(t)
 * is a sum over the rows at risk; exchanging the sums,
 *
 *   sum_t [A0 S2 + A1 S2dead](t) = sum_i w_i r_i c_i x_i x_i',
 *   c_i = sum_{event times t < t_i} A0(t) + (i dead ? A1(t_i) : A0(t_i) if t_i an event time),
 *
 * so a pass keeps only S0 and S1 (O(p) per row), records A0, A1 per event
 * time, and the O(p^2) work is one weighted cross-product
 * sum_i v_i x_i x_i' over the rows.
 *
 * Every step runs on two fixed halves of the sorted rows, [0, h) and
 * [h, n) with h a time-group boundary near n/2 (cox_work_init), whose
 * partial results are added in order: the same bits on one or two threads.
 *   1. eta, r = w exp(eta) per row; the first half also sums r over its
 *      rows of the stratum that continues past h: S0 of the risk set at h.
 *   2. the running sums S0, S1 down each half, the second's S0 starting
 *      from that carry and its S1 from 0; each half's loglik, score and
 *      a a' information terms, and A0, A1 of its event times.  The terms
 *      of S1 at h (the first half's final S1) are added to the second
 *      half's at the join: they enter linearly or as c c' (see there).
 *   3. v = r c walking up each half (C at the top of the second half's
 *      first stratum is the start of the first half's walk: summed in the
 *      walk's own order, so v is the same bits as one walk up).
 *   4. the cross-product.
 * Taken when no risk-score rescaling can occur (|eta| <= 200: then
 * cox_pass's running centre stays 0); the results differ from the general
 * route by rounding only. */

typedef struct {
    const cox_work *w;
    const double *beta;
    size_t lo, hi;          /* sorted rows [lo, hi) */
    size_t g0, g1;          /* event times (gcoef entries) before lo, before hi */
    double maxabs;          /* step 1 out: max |eta| over [lo, hi) */
    size_t carry_lo;        /* step 1: sum r over [carry_lo, hi) (= hi: none) */
    double carry_denom;     /* step 1 out (first half); step 2 in (second half) */
    int carried;            /* step 2: the stratum at lo starts from the carry */
    double sA0, sB0, *m;    /* step 2 out when carried: sums over its event times
                               of A0, B0 and B0 a + B1 a2 (p), a from 0 */
    double *a, *a2;         /* step 2 scratch, p each */
    double *u, *imat;       /* step 2 out: score (p), information (p*p, upper) */
    double loglik;          /* step 2 out */
    size_t g_first;         /* step 2 out: event times of the first stratum met */
    double C0;              /* step 3: C at hi for the stratum that continues past hi */
    double *part;           /* step 4 out: p*p upper triangle */
    int phase;              /* 1, 2, or 3 (steps 3 and 4) */
    int fma;                /* steps 1 and 4 by AVX2 + FMA (exp, tiles) */
} fast_chunk;

#define CROSS_PMAX 24
#define CROSS_BLOCK 128

/* Step 1 on [lo, hi). */
static void fast_eta(fast_chunk *c)
{
    const cox_work *w = c->w;
    const size_t p = w->p;
    double mx = 0.0;
    size_t k = c->lo;
    int zero = 1;
    for (size_t j = 0; j < p && zero; j++) zero = (c->beta[j] == 0.0);
    /* the first step (b = 0): eta is the offset, x is not read (the sums
     * below would add zeros, which changes at most the sign of a zero);
     * else four rows at a time (four independent sums, each in the order
     * of the general pass: the same bits, without the latency chain) */
    if (zero)
        for (; k < c->hi; k++) w->eta[k] = w->off[k] + 0.0;
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
    if (mx > 200) return;
#ifdef OBS_HAVE_FMA_KERNEL
    if (c->fma) obs_scaled_exp_fma(w->rw + c->lo, w->wt + c->lo, w->eta + c->lo, c->hi - c->lo);
    else
#endif
        for (k = c->lo; k < c->hi; k++) w->rw[k] = w->wt[k] * exp(w->eta[k]);
    double denom = 0.0;
    for (k = c->carry_lo; k < c->hi; k++) denom += w->rw[k];
    c->carry_denom = denom;
}

/* The part [*b, *e) of stratum s inside rows [lo, hi); 0 when empty. */
static int stratum_part(const cox_work *w, size_t s, size_t lo, size_t hi, size_t *b, size_t *e)
{
    *b = w->sbeg[s] > lo ? w->sbeg[s] : lo;
    *e = w->sbeg[s + 1] < hi ? w->sbeg[s + 1] : hi;
    return *b < *e;
}

/* Step 2 on [lo, hi): the running sums down each stratum of the half. */
static void fast_sums(fast_chunk *c)
{
    const cox_work *w = c->w;
    const size_t p = w->p;
    const int efron = (w->ties == OBS_COX_EFRON);
    double *a = c->a, *a2 = c->a2, *u = c->u, *imat = c->imat, *gc = w->gcoef;
    double loglik = 0.0;
    size_t g = c->g0;
    memset(u, 0, p * sizeof *u);
    memset(imat, 0, p * p * sizeof *imat);
    c->g_first = 0;
    for (size_t s = 0; s < w->nstrata; s++) {
        size_t b, e;
        if (!stratum_part(w, s, c->lo, c->hi, &b, &e)) continue;
        const int carried = (b == c->lo && c->carried);
        double denom = carried ? c->carry_denom : 0.0;
        memset(a, 0, p * sizeof *a);
        if (carried) {
            c->sA0 = c->sB0 = 0.0;
            memset(c->m, 0, p * sizeof *c->m);
        }
        for (size_t k = b; k < e;) {
            int anydeath;
            const size_t k2 = cox_tied_end(w, k, e, &anydeath);
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
                    obs_axpy(u, w->wt[q], xq, p);
                    obs_axpy(a2, rw, xq, p);
                } else {
                    denom += rw;
                    obs_axpy(a, rw, xq, p);
                }
            }
            if (anydeath) {
                cox_efron_coef ec = {0, 0, 0, 0, 0};
                if (ndead > 0) {
                    ec = cox_efron_terms(ndead, efron, deadwt, denom, denom2, 0.0, &loglik);
                    if (carried) {
                        c->sA0 += ec.A0;
                        c->sB0 += ec.B0;
                        for (size_t i = 0; i < p; i++) c->m[i] += ec.B0 * a[i] + ec.B1 * a2[i];
                    }
                    for (size_t i = 0; i < p; i++) {
                        u[i] -= ec.A0 * a[i] + ec.A1 * a2[i];
                        for (size_t j = 0; j <= i; j++)
                            imat[j * p + i] -= ec.B0 * a[i] * a[j] + ec.B1 * (a[i] * a2[j] + a2[i] * a[j])
                                + ec.B2 * a2[i] * a2[j];
                    }
                    denom += denom2;
                    for (size_t i = 0; i < p; i++) a[i] += a2[i];
                }
                gc[2 * g] = ec.A0;
                gc[2 * g + 1] = ec.A1;
                g++;
            }
            k = k2;
        }
        if (b == c->lo) c->g_first = g - c->g0;
    }
    c->loglik = loglik;
}

/* Step 3 on [lo, hi): the cross-product weights v = r c, walking up from
 * the half's last row (C starts at C0 in a stratum that continues past hi). */
static void fast_weights(fast_chunk *c)
{
    const cox_work *w = c->w;
    const double *gc = w->gcoef;
    size_t gg = c->g1;
    for (size_t s = w->nstrata; s-- > 0;) {
        size_t b, e;
        if (!stratum_part(w, s, c->lo, c->hi, &b, &e)) continue;
        double C = (e == c->hi && w->sbeg[s + 1] > c->hi) ? c->C0 : 0.0;
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
    }
}

/* Step 4 on [lo, hi): sum_k v_k x_k x_k' into part (upper triangle). */
static void fast_cross(fast_chunk *c)
{
    const cox_work *w = c->w;
    const size_t p = w->p;
    double *cm = c->part;
    memset(cm, 0, p * p * sizeof *cm);
    if (p <= CROSS_PMAX) {
        /* Vector tiles: the rows go in blocks of CROSS_BLOCK, and tiles of
         * elements of the lower triangle (they may run past the diagonal
         * or the last column: those sums are dropped) are accumulated over
         * a block's rows in vector registers, reading x in place (x's block
         * has 16 zeros after it).  AVX2 + FMA: 4 x 4 tiles, each term
         * x_i (v x_j) fused into its sum, the weight applied in the kernel.
         * SSE2: T = v x_i formed once per row (zeros up to a multiple of 4
         * columns past p), 2 x 4 tiles adding the terms t x_j in row order
         * as the plain loop below: its bits (a row of weight 0 adds zeros
         * instead of being skipped, which can only turn a -0 into +0). */
        const size_t ts = (p + 4) & ~(size_t)3;
        double acc[(CROSS_PMAX + 4) * (CROSS_PMAX + 4)];
        memset(acc, 0, ts * ts * sizeof *acc);
#ifdef OBS_HAVE_FMA_KERNEL
        if (c->fma) {
            for (size_t k0 = c->lo; k0 < c->hi; k0 += CROSS_BLOCK) {
                const size_t nb = c->hi - k0 < CROSS_BLOCK ? c->hi - k0 : CROSS_BLOCK;
                obs_tiles_lower_scaled_fma(acc, ts, w->x + k0 * p, p, w->rw + k0, p, nb);
            }
        } else
#endif
        {
            double T[CROSS_BLOCK * (CROSS_PMAX + 4)];
            for (size_t r = 0; r < CROSS_BLOCK; r++)       /* T's padding: zeros, once */
                for (size_t i = p; i < ts; i++) T[r * ts + i] = 0.0;
            for (size_t k0 = c->lo; k0 < c->hi; k0 += CROSS_BLOCK) {
                const size_t nb = c->hi - k0 < CROSS_BLOCK ? c->hi - k0 : CROSS_BLOCK;
                const double *X = w->x + k0 * p;
                for (size_t r = 0; r < nb; r++) {
                    const double v = w->rw[k0 + r];
                    for (size_t i = 0; i < p; i++) T[r * ts + i] = v * X[r * p + i];
                }
                obs_tiles_lower(acc, ts, T, X, p, p, nb);
            }
        }
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j <= i; j++) cm[j * p + i] = acc[i * ts + j];
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

static void fast_chunk_run(void *arg)
{
    fast_chunk *c = arg;
    switch (c->phase) {
    case 1: fast_eta(c); break;
    case 2: fast_sums(c); break;
    default: fast_weights(c); fast_cross(c); break;
    }
}

/* Returns 0 and the pass results when the route applies, 1 otherwise (the
 * caller then runs the general pass; eta has been overwritten, rw not). */
static int cox_pass_fast(cox_work *w, const double *beta, double *u, double *imat, double *loglik_out)
{
    const size_t p = w->p, n = w->n, h = w->half;
    int threads = n >= 20000 ? obs_parallel_threads() : 1;
    /* the stratum at row h, when it began before h, continues across */
    size_t sh = 0;
    while (sh < w->nstrata && w->sbeg[sh + 1] <= h) sh++;
    const int across = (h < n && w->sbeg[sh] < h);
    double *s2 = w->half2;   /* second half: a, a2, u (p each), imat (p*p), m (p) */
    fast_chunk ch[2];
    memset(ch, 0, sizeof ch);
    ch[0] = (fast_chunk){.w = w, .beta = beta, .lo = 0, .hi = h, .g0 = 0, .g1 = w->half_groups,
                         .carry_lo = across ? w->sbeg[sh] : h,
                         .a = w->a, .a2 = w->a2, .u = u, .imat = imat, .part = w->cmat};
    ch[1] = (fast_chunk){.w = w, .beta = beta, .lo = h, .hi = n, .g0 = w->half_groups,
                         .g1 = w->ngroups, .carry_lo = n, .m = s2 + 3 * p + p * p, .a = s2, .a2 = s2 + p,
                         .u = s2 + 2 * p, .imat = s2 + 3 * p, .part = w->cmat2};
    void *args[2] = {&ch[0], &ch[1]};
    ch[0].phase = ch[1].phase = 1;
    ch[0].fma = ch[1].fma = obs_simd_fma();
    obs_parallel_run(fast_chunk_run, args, 2, threads);
    if (!(ch[0].maxabs <= 200 && ch[1].maxabs <= 200)) return 1;

    ch[1].carried = across;
    ch[1].carry_denom = ch[0].carry_denom;
    ch[0].phase = ch[1].phase = 2;
    obs_parallel_run(fast_chunk_run, args, 2, threads);
    if (across) {
        /* the second half's sums of the stratum across ran with S1 from 0:
         * with c = S1 at h (the first half's a at its end), each event
         * time's u term -A0 (c + a) and information terms
         * -B0 (c + a)(c + a)' - B1 ((c + a) a2' + a2 (c + a)') add
         * -A0 c and -B0 c c' - c m_t' - m_t c', m_t = B0 a + B1 a2 */
        const double *cv = ch[0].a, *mv = ch[1].m;
        for (size_t i = 0; i < p; i++) {
            ch[1].u[i] -= ch[1].sA0 * cv[i];
            for (size_t j = 0; j <= i; j++)
                ch[1].imat[j * p + i] -= ch[1].sB0 * cv[i] * cv[j] + cv[i] * mv[j] + mv[i] * cv[j];
        }
    }
    double loglik = ch[0].loglik + ch[1].loglik;
    for (size_t i = 0; i < p; i++) u[i] += ch[1].u[i];
    for (size_t i = 0; i < p * p; i++) imat[i] += ch[1].imat[i];

    /* C at h for the stratum across: the second half's walk up its first
     * stratum, summed in the same order */
    ch[0].C0 = 0.0;
    if (across)
        for (size_t gg = w->half_groups + ch[1].g_first; gg-- > w->half_groups;)
            ch[0].C0 += w->gcoef[2 * gg];
    ch[0].phase = ch[1].phase = 3;      /* steps 3 and 4 */
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
 * Scratch: w->eta, w->a, w->a2, w->cmat, w->cmat2.  No allocation.  The
 * sums and the Efron terms are cox_sums_* of cox_internal.h. */
double cox_pass(cox_work *w, const double *beta, double *u, double *imat)
{
    const size_t p = w->p;
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

    cox_sums S = {.p = p, .efron = (w->ties == OBS_COX_EFRON), .a = w->a, .cmat = w->cmat,
                  .a2 = w->a2, .cmat2 = w->cmat2, .loglik = 0.0, .u = u, .imat = imat};
    double *a = S.a, *a2 = S.a2, *cmat = S.cmat, *cmat2 = S.cmat2;
    for (size_t s = 0; s < w->nstrata; s++) {
        const size_t b = w->sbeg[s], e = w->sbeg[s + 1];
        double center = 0.0, etasum = 0.0;
        size_t nrisk = 0, r = b;   /* r walks by_start */
        S.denom = 0.0;
        memset(a, 0, p * sizeof *a);
        memset(cmat, 0, p * p * sizeof *cmat);

        for (size_t k = b; k < e;) {
            const double t = w->stop[k];
            int anydeath;
            const size_t k2 = cox_tied_end(w, k, e, &anydeath);

            if (w->counting && anydeath) {
                /* remove rows no longer at risk: start >= t */
                for (size_t q; (q = cox_next_leaving(w, &r, e, t)) != COX_NONE;) {
                    if (--nrisk == 0) {
                        S.denom = 0.0; etasum = 0.0;
                        memset(a, 0, p * sizeof *a);
                        memset(cmat, 0, p * p * sizeof *cmat);
                    } else {
                        etasum -= w->eta[q];
                        cox_risk_add(a, cmat, w->x + q * p, p, -w->wt[q] * exp(w->eta[q] - center));
                        S.denom -= w->wt[q] * exp(w->eta[q] - center);
                    }
                }
            }

            cox_sums_new_time(&S, anydeath);
            for (size_t q = k; q < k2; q++) {
                if (w->skip[q]) continue;
                nrisk++;
                etasum += w->eta[q];
                if (fabs(etasum / nrisk - center) > 200) {
                    double shift = etasum / nrisk - center;
                    double f = exp(-shift);
                    center += shift;
                    S.denom *= f;
                    for (size_t i = 0; i < p; i++) a[i] *= f;
                    for (size_t i = 0; i < p * p; i++) cmat[i] *= f;
                    S.denom2 *= f;
                    for (size_t i = 0; i < p; i++) a2[i] *= f;
                    for (size_t i = 0; i < p * p; i++) cmat2[i] *= f;
                }
                cox_sums_row(&S, w->status[q], w->wt[q], w->eta[q],
                             w->wt[q] * exp(w->eta[q] - center), w->x + q * p);
            }
            cox_sums_event_time(&S, center);
            k = k2;
        }
    }
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++) imat[i * p + j] = imat[j * p + i];
    return S.loglik;
}

static double pass_breslow_efron(void *w, const double *beta, double *u, double *imat)
{
    return cox_pass(w, beta, u, imat);
}

static double pass_exact(void *w, const double *beta, double *u, double *imat)
{
    return cox_exact_pass(w, beta, u, imat);
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

/* The linear predictor of rows [lo, hi) in the input order (blocks of
 * LP_BLOCK rows stay in cache while the columns are added). */
typedef struct {
    const obs_cox_data *d;
    const double *coef;
    double mb;
    double *lp;
    size_t lo, hi;
} lp_chunk;

#define LP_BLOCK 2048

static void lp_chunk_run(void *arg)
{
    const lp_chunk *c = arg;
    const obs_cox_data *d = c->d;
    double *lp = c->lp;
    for (size_t i0 = c->lo; i0 < c->hi; i0 += LP_BLOCK) {
        const size_t i1 = c->hi - i0 < LP_BLOCK ? c->hi : i0 + LP_BLOCK;
        for (size_t i = i0; i < i1; i++) lp[i] = d->offset ? d->offset[i] : 0.0;
        for (size_t j = 0; j < d->p; j++) {
            const double *xj = cox_data_col(d, j), bj = c->coef[j];
            for (size_t i = i0; i < i1; i++) lp[i] += xj[i] * bj;
        }
        for (size_t i = i0; i < i1; i++) lp[i] -= c->mb;
    }
}

/* lp in sorted order, positions [lo, hi): out[k] = lp[row[k]] */
typedef struct {
    double *out;
    const double *lp;
    const size_t *row;
    size_t lo, hi;
} lp_gather;

static void lp_gather_run(void *arg)
{
    const lp_gather *g = arg;
    for (size_t k = g->lo; k < g->hi; k++) g->out[k] = g->lp[g->row[k]];
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
    cox_newton_spec ns = {w.ties == OBS_COX_EXACT ? pass_exact : pass_breslow_efron, &w,
                          w.counting, w.ties == OBS_COX_EXACT, "cox"};
    cox_newton(&ns, p, o, beta, m->u, imat, m->aliased, loglik, &sctest, &iter, &converged,
               &rank, newbeta, oldbeta);
    memcpy(bscaled, beta, p * sizeof *beta);
    cox_model_from_newton(m, beta, m->u, imat, w.mean, w.scale, loglik, iter, converged, rank);

    /* linear predictor in original row order: x'b + offset - means'b */
    {   /* each row's sum in the order offset, x_1 b_1, ..., - means'b: two
         * fixed halves of the rows, each in blocks column by column */
        double mb = 0.0;
        for (size_t j = 0; j < p; j++) mb += w.mean[j] * m->coef[j];
        lp_chunk lc[2];
        size_t lo[3];
        void *args[2] = {&lc[0], &lc[1]};
        obs_parallel_split(n, 2, lo);
        for (int c = 0; c < 2; c++) lc[c] = (lp_chunk){d, m->coef, mb, m->linear_predictor, lo[c], lo[c + 1]};
        obs_parallel_run(lp_chunk_run, args, 2, n >= 20000 ? obs_parallel_threads() : 1);
    }

    rc = cox_model_checks(m, o, w.counting, sctest, err);
    if (rc) goto fail;
    {
        /* scratch reuse: newbeta holds b (0 for aliased), and the imat area
         * (2p^2 + 2 doubles, no longer needed) the Wald scratch (p^2 + 2p) */
        double *b0 = newbeta, *tmp = imat;
        for (size_t i = 0; i < p; i++) b0[i] = m->aliased[i] ? 0.0 : m->coef[i];
        m->wald.stat = cox_wald_stat(m->var, b0, m->aliased, p, o->toler_chol, tmp, tmp + p * p);
        if (o->robust || d->cluster) {
            rc = cox_robust(&w, d, o, m, bscaled, err);
            if (rc) goto fail;
            m->wald.stat = cox_wald_stat(m->robust_var, b0, m->aliased, p, o->toler_chol, tmp, tmp + p * p);
        }
    }
    cox_model_finish(m, o);

    if (o->concordance) {
        /* the fit is done: eta takes the sorted linear predictor and x's
         * block (pages already touched) serves as the concordance's scratch */
        double *lp_sorted = w.eta;
        lp_gather g[2];
        size_t lo[3];
        void *args[2] = {&g[0], &g[1]};
        obs_parallel_split(n, 2, lo);
        for (int c = 0; c < 2; c++) g[c] = (lp_gather){lp_sorted, m->linear_predictor, w.row, lo[c], lo[c + 1]};
        obs_parallel_run(lp_gather_run, args, 2, n >= 20000 ? obs_parallel_threads() : 1);
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
