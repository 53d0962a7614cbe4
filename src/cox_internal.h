/*
 * cox_internal.h — the Cox workspace shared by src/cox_*.c (not public).
 *
 * The data are copied once into "sorted order": strata ascending, and within
 * a stratum stop time descending (the order in which risk sets grow), with
 * the covariates centred, scaled and stored row-major so that one pass over
 * the rows touches memory sequentially.  For counting-process data a second
 * permutation lists the same rows by start time descending within stratum,
 * so that two pointers add rows as their stop time is reached and remove
 * them once their start time is passed.
 */
#ifndef OBSURV_COX_INTERNAL_H
#define OBSURV_COX_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "obsurv/cox.h"

/* doubles in the block holding x: n p, 16 zeros, n + 1 scratch */
#define COX_XBLOCK(n, p) ((n) * (p) + 16 + (n) + 1)

typedef struct {
    size_t n, p;
    int counting;           /* start times given */
    obs_cox_ties ties;
    size_t nstrata;
    size_t *sbeg;           /* nstrata+1: stratum s occupies [sbeg[s], sbeg[s+1]) */
    size_t *row;            /* n: original row of sorted position k */
    double *x;              /* n*p row-major, centred and scaled, sorted; a block of
                               COX_XBLOCK(n, p) doubles (see cox_work.c) */
    double *stop, *start;   /* n sorted (start NULL unless counting) */
    int *status;            /* n sorted */
    double *wt, *off;       /* n sorted */
    int *skip;              /* n: 1 for rows at risk at no event time (counting) */
    size_t *by_start;       /* n: sorted positions ordered by start desc within stratum */
    double *mean, *scale;   /* p: x_used = (x - mean) * scale */
    double *eta;            /* n scratch: linear predictor in sorted order */
    double *a, *a2;         /* p scratch */
    double *cmat, *cmat2;   /* p*p scratch */
    double *rw;             /* n scratch (right-censored fast pass: risk weights),
                               inside x's block; NULL for counting-process data */
    double *gcoef;          /* 2 * ngroups scratch: Efron A0, A1 per event time */
    size_t ngroups;         /* distinct (stratum, event time) pairs */
    size_t half;            /* right-censored route: the pass runs as rows [0, half)
                               and [half, n), half a time-group boundary (n: none) */
    size_t half_groups;     /* event times (gcoef entries) before row half */
    double *half2;          /* 4p + p^2 scratch of the second half (right-censored) */
} cox_work;

/* Helpers below are forced inline: the loops that call them stay free of
 * calls. */
#define COX_INLINE static inline __attribute__((always_inline))

/* Column j (n values) of the input data: d->xcol[j] when given, else
 * inside the column-major d->x.  Call it outside the loops over rows. */
COX_INLINE const double *cox_data_col(const obs_cox_data *d, size_t j)
{
    return d->xcol ? d->xcol[j] : d->x + j * d->n;
}

/* ---- walking the sorted rows (cox_fit.c, cox_robust.c) ---------------- */

/* The rows tied at sorted position k's stop time t = w->stop[k]: they are
 * [k, return value) (within the stratum ending at e); *anydeath = 1 when
 * one of them is an event (skip rows included, as the passes need). */
COX_INLINE size_t cox_tied_end(const cox_work *w, size_t k, size_t e, int *anydeath)
{
    const double t = w->stop[k];
    size_t k2 = k;
    int any = 0;
    while (k2 < e && w->stop[k2] == t) { any |= w->status[k2]; k2++; }
    *anydeath = any;
    return k2;
}

#define COX_NONE ((size_t)-1)

/* Counting-process data: the next sorted row that leaves the risk set at
 * event time t (start >= t, rows never at risk passed over), *r walking
 * w->by_start up to the stratum end e; COX_NONE when no more leave at t.
 * Usage: for (size_t q; (q = cox_next_leaving(w, &r, e, t)) != COX_NONE;) */
COX_INLINE size_t cox_next_leaving(const cox_work *w, size_t *r, size_t e, double t)
{
    for (; *r < e; (*r)++) {
        size_t q = w->by_start[*r];
        if (w->start[q] < t) break;
        if (!w->skip[q]) { (*r)++; return q; }
    }
    return COX_NONE;
}

/* ---- the Breslow/Efron kernel shared by cox_pass (cox_fit.c) and the
 * distributed pass of obsurv-mpi (src/mpi/mpi_cox.c) -------------------
 *
 * Notation of cox_fit.c: at an event time t, the rows at risk (excluding
 * the events at t) have S0 = denom, S1 = a, S2 = cmat; the d tied events
 * at t have denom2, a2, cmat2 (the same sums), total weight deadwt.  All
 * sums are of w r relative to exp(center).  The operations and their
 * order are those of one place, so both callers give the same bits. */

/* a += rw x, and the lower triangle of cmat (cmat[j*p+i], j <= i) += rw x x';
 * a (p), cmat (p*p), x (p) do not overlap.  Remove a row with -rw. */
COX_INLINE void cox_risk_add(double *restrict a, double *restrict cmat,
                             const double *restrict x, size_t p, double rw)
{
    for (size_t i = 0; i < p; i++) {
        double t = rw * x[i];
        a[i] += t;
        for (size_t j = 0; j <= i; j++) cmat[j * p + i] += t * x[j];
    }
}

/* The Efron terms of one event time, summed over m = 0..nterm-1 (nterm =
 * ndead under Efron when ndead > 1, else 1: Breslow) with f_m = (m+1)/nterm,
 * D_m = denom + f_m denom2, W = deadwt / nterm:
 *   A_j = sum_m W f_m^j / D_m,  B_j = sum_m W f_m^j / D_m^2,
 * and *loglik -= W (sum_m log D_m + nterm center), the logs summed by
 * blocks of terms (below).  Requires ndead >= 1. */
typedef struct { double A0, A1, B0, B1, B2; } cox_efron_coef;

/* ln 2 = COX_LN2_HI + COX_LN2_LO, the first with 32 trailing zero bits
 * (k COX_LN2_HI is exact for |k| < 2^21) */
#define COX_LN2_HI 6.93147180369123816490e-01
#define COX_LN2_LO 1.90821492927058770002e-10

COX_INLINE cox_efron_coef cox_efron_terms(int ndead, int efron, double deadwt, double denom,
                                          double denom2, double center, double *loglik)
{
    cox_efron_coef c = {0, 0, 0, 0, 0};
    int nterm = (efron && ndead > 1) ? ndead : 1;
    double meanwt = deadwt / nterm;
    const double rn = 1.0 / nterm;
    /* sum_m log D_m by blocks of 8 terms: the product of the D_m's
     * mantissas (in [1/2, 1): no overflow or underflow in 8 factors) and
     * the sum of their exponents, one log per block, the exponents times
     * ln 2 in two parts (the first product exact): a term's rounding; a
     * D_m that is not a positive normal number takes its own log).  One
     * term (Breslow, a single event) is log D itself. */
    double logsum = 0.0, mprod = 1.0;
    long expo = 0;
    int inblock = 0;
    for (int m = 0; m < nterm; m++) {
        /* one division per term: f_m as (m + 1) times 1/nterm, the five
         * quotients by D and D^2 as products with 1/D (each a rounding,
         * far below the tolerances) */
        double f = (m + 1 == nterm) ? 1.0 : (double)(m + 1) * rn;
        double D = denom + f * denom2;
        const double inv = 1.0 / D, winv = meanwt * inv, winv2 = winv * inv;
        uint64_t bits;
        memcpy(&bits, &D, sizeof bits);
        const unsigned be = (unsigned)(bits >> 52);   /* sign and biased exponent */
        if (nterm > 1 && be > 0 && be < 0x7ff) {
            const uint64_t mb = (bits & UINT64_C(0x000fffffffffffff)) | UINT64_C(0x3fe0000000000000);
            double mant;
            memcpy(&mant, &mb, sizeof mant);
            mprod *= mant;
            expo += (long)be - 1022;
            if (++inblock == 8) {
                logsum += (double)expo * COX_LN2_HI + (log(mprod) + (double)expo * COX_LN2_LO);
                mprod = 1.0; expo = 0; inblock = 0;
            }
        } else {
            logsum += log(D);
        }
        c.A0 += winv;
        c.A1 += winv * f;
        c.B0 += winv2;
        c.B1 += winv2 * f;
        c.B2 += winv2 * f * f;
    }
    if (inblock) logsum += (double)expo * COX_LN2_HI + (log(mprod) + (double)expo * COX_LN2_LO);
    *loglik -= meanwt * (logsum + nterm * center);
    return c;
}

/* The running sums of one pass over a stratum (general route, with S2). */
typedef struct {
    size_t p;
    int efron;                      /* 1 Efron, 0 Breslow */
    double denom, *a, *cmat;        /* S0, S1, S2 (lower) of the rows at risk */
    double denom2, *a2, *cmat2;     /* the same of the events at the current time */
    double deadwt;                  /* their weight */
    int ndead;                      /* their number */
    double loglik, *u, *imat;       /* the pass's results so far (imat: lower) */
} cox_sums;

/* A new time: empty the tied set (a2, cmat2 only when it may receive events). */
COX_INLINE void cox_sums_new_time(cox_sums *s, int anydeath)
{
    s->denom2 = 0.0;
    s->deadwt = 0.0;
    s->ndead = 0;
    if (anydeath) {
        memset(s->a2, 0, s->p * sizeof *s->a2);
        memset(s->cmat2, 0, s->p * s->p * sizeof *s->cmat2);
    }
}

/* Row x (p) with weight wt, linear predictor eta and risk weight rw = wt
 * exp(eta - center) reaches its time: an event joins the tied set and adds
 * wt eta to loglik and wt x to u; a censored row joins the risk set. */
COX_INLINE void cox_sums_row(cox_sums *s, int dead, double wt, double eta, double rw,
                             const double *x)
{
    const size_t p = s->p;
    if (dead) {
        s->ndead++;
        s->deadwt += wt;
        s->denom2 += rw;
        s->loglik += wt * eta;
        for (size_t i = 0; i < p; i++) s->u[i] += wt * x[i];
        cox_risk_add(s->a2, s->cmat2, x, p, rw);
    } else {
        s->denom += rw;
        cox_risk_add(s->a, s->cmat, x, p, rw);
    }
}

/* The end of an event time's tied set: when it holds events, the Efron
 * terms (summing over m first needs only the scalars of cox_efron_terms,
 * O(nterm + p^2) per event time instead of O(nterm p^2)):
 *   u    -= A0 a + A1 a2
 *   imat += A0 cmat + A1 cmat2 - B0 a a' - B1 (a a2' + a2 a') - B2 a2 a2'
 * then the events join the risk set for earlier times. */
COX_INLINE void cox_sums_event_time(cox_sums *s, double center)
{
    if (s->ndead == 0) return;
    const size_t p = s->p;
    double *a = s->a, *cmat = s->cmat, *u = s->u, *imat = s->imat;
    const double *a2 = s->a2, *cmat2 = s->cmat2;
    cox_efron_coef c = cox_efron_terms(s->ndead, s->efron, s->deadwt, s->denom, s->denom2,
                                       center, &s->loglik);
    for (size_t i = 0; i < p; i++) {
        u[i] -= c.A0 * a[i] + c.A1 * a2[i];
        for (size_t j = 0; j <= i; j++)
            imat[j * p + i] += c.A0 * cmat[j * p + i] + c.A1 * cmat2[j * p + i]
                - c.B0 * a[i] * a[j] - c.B1 * (a[i] * a2[j] + a2[i] * a[j])
                - c.B2 * a2[i] * a2[j];
    }
    s->denom += s->denom2;
    for (size_t i = 0; i < p; i++) {
        a[i] += a2[i];
        for (size_t j = 0; j <= i; j++) cmat[j * p + i] += cmat2[j * p + i];
    }
}

/* ---- Newton-Raphson and the model (cox_newton.c) ----------------------- */

/* One pass at beta (p, scaled coordinates): returns the log partial
 * likelihood, fills u (p) and imat (p*p, full symmetric). */
typedef double (*cox_pass_fn)(void *ctx, const double *beta, double *u, double *imat);

typedef struct {
    cox_pass_fn pass;
    void *ctx;
    int counting;           /* agfit4's rules (counting-process data) */
    int exact;              /* coxexact's: stop at max_iter */
    const char *progress;   /* "what" of the iteration reports; NULL: none */
} cox_newton_spec;

/* The Newton-Raphson driver (Therneau & Grambsch sec. 3.2; R coxfit6,
 * agfit4, coxexact).  Contract: beta (p) holds the start (zeros) in scaled
 * coordinates and receives the estimate; u (p), imat (p*p) receive the
 * score and the inverse information (variance, scaled coordinates) at the
 * estimate; aliased (p) the aliasing flags; loglik[2] = at start, at
 * estimate; *sctest the score test at the start; *iter, *converged, *rank
 * (negative: see obs_chol_decompose).  Scratch newbeta, oldbeta (p).  No
 * allocation. */
void cox_newton(const cox_newton_spec *s, size_t p, const obs_cox_options *o, double *beta,
                double *u, double *imat, int *aliased, double loglik[2], double *sctest,
                int *iter, int *converged, int *rank, double *newbeta, double *oldbeta);

/* The model from the driver's results (back to the original scale):
 * m->coef, u, means, var (m->p = p, these arrays allocated), loglik_null,
 * loglik_model, iterations, converged, rank.  beta, u, imat as cox_newton
 * returned them; mean, scale (p) the centring and scaling. */
void cox_model_from_newton(obs_cox_model *m, const double *beta, const double *u,
                           const double *imat, const double *mean, const double *scale,
                           const double loglik[2], int iter, int converged, int rank);

/* After cox_model_from_newton (and the linear predictor, which needs the
 * coefficients before aliased ones become NaN): the warnings of coxph.fit /
 * agreg.fit (counting: agreg's infinite-coefficient rule), aliased
 * coefficients set to NaN with their warning, the likelihood-ratio and
 * score statistics with their df.  OBS_ENOMEM when a warning cannot be
 * stored. */
obs_status cox_model_checks(obs_cox_model *m, const obs_cox_options *o, int counting,
                            double sctest, obs_error *err);

/* b' V^-1 b over the non-aliased components (R's coxph.wtest); var p*p.
 * Scratch: scratch_pp (q*q), scratch_p (2q), q the non-aliased count. */
double cox_wald_stat(const double *var, const double *b, const int *aliased, size_t p,
                     double toler, double *scratch_pp, double *scratch_p);

/* The end of the model: the three tests' P values (and the robust score
 * test's when it has df), and per coefficient se (from var), z, P, hazard
 * ratio and its interval at o->conf_level (from robust_se when set); NaN
 * for aliased coefficients. */
void cox_model_finish(obs_cox_model *m, const obs_cox_options *o);

/* Sorting (cox_sort.c): an order-preserving key for a double, and a stable
 * radix sort of the pairs (key[i], idx[i]) by key; -1 when out of memory. */
uint64_t cox_double_key(double x);
int cox_radix_sort(uint64_t *key, size_t *idx, size_t n);
/* The same with caller scratch kbuf, ibuf (n + 1 each; NULL: allocated). */
int cox_radix_sort_buf(uint64_t *key, size_t *idx, size_t n, uint64_t *kbuf, size_t *ibuf);

/* v (n doubles) in ascending order of value into sv (-Inf first, NaN after
 * +Inf), with ord[k] the index in v of sv[k] (ord may be NULL) and tag[k] =
 * tag_in[ord[k]] (tag and tag_in may be NULL); equal values (-0 and +0
 * included) are adjacent in an unspecified order of their indices
 * (value_sort.c).  scratch: at least OBS_VALUE_SORT_SCRATCH(n) uint32.
 * Returns 0, or -1 when out of memory. */
#define OBS_VALUE_SORT_SCRATCH(n) ((n) + 3 * ((n) / 4 + 2))

/* One tie group of obs_value_sort's output: equal values (-0 and +0
 * equal), or both NaN. */
static inline int obs_same_value(double a, double b)
{
    return a == b || (a != a && b != b);
}
int obs_value_sort(const double *v, size_t n, double *sv, size_t *ord, const unsigned char *tag_in,
                   unsigned char *tag, uint32_t *scratch);

/* Stable counting sort of idx (n) by t[idx[k]], ascending (desc 0) or
 * descending: taken when every value is k / 10^d, d in 0..3 the same for
 * all (integer days, times with two decimals), k an integer with fewer
 * than 2^20 values between the least and the largest.  Such decimals
 * compare as their integers (distinct doubles, distinct k), so the order
 * is the one cox_radix_sort_buf gives on the same keys.  Returns 1 with
 * idx in order, 0 (idx untouched) when the values are not such decimals
 * (or a -0 is present), -1 out of memory.  key (n) and ibuf (n) scratch. */
int cox_decimal_sort(size_t *idx, size_t n, const double *t, int desc, uint32_t *key, size_t *ibuf);

/* nearbyint(x) for |x| < 2^51 in the default rounding mode (to nearest,
 * ties to even), without a libm call: adding and removing 1.5 * 2^52
 * leaves the integer nearest x. */
static inline double cox_round_int(double x)
{
    const double m = 6755399441055744.0;   /* not folded: IEEE arithmetic, no -ffast-math */
    return (x + m) - m;
}

/* Whether t[idx[k]] (idx NULL: t[k]), k < n, are all decimals k / 10^d as
 * cox_decimal_sort takes them: 1 with the scale 10^d and the least and
 * largest integers (each value is exactly (double)integer / scale), else 0. */
int cox_decimal_range(const size_t *idx, size_t n, const double *t, double *scale, int64_t *lo,
                      int64_t *hi);

/* Right-censored counts without a sort (cox_sort.c; km.c and logrank.c): when every time is a
 * decimal (cox_decimal_range) and the cells fit (S range G 2 <= max(4 n,
 * 2^16)), *cnt (calloc'd, the caller frees) holds in cell
 * ((s range + k) G + g) 2 + status the number of rows of stratum s
 * (strata NULL: 0), group g (group NULL: 0) and that status at the time
 * (lo + k) / scale; returns 1.  0: not applicable (nothing allocated); -1
 * out of memory.  status 0/1 and the codes in range (checked by the
 * caller); n < 2^32. */
int obs_surv_counts(size_t n, const double *time, const int *status, const int *strata, size_t S,
                    const int *group, size_t G, uint32_t **cnt, size_t *range, double *scale,
                    int64_t *lo);

/* Build the workspace (sorting, centring, scaling); owned by the caller,
 * freed with cox_work_free.  zero_one columns (all values in {-1,0,1}) are
 * neither centred nor scaled, as coxph's nocenter default. */
obs_status cox_work_init(cox_work *w, const obs_cox_data *d, obs_cox_ties ties,
                         obs_error *err);
void cox_work_free(cox_work *w);

/* One pass at beta (scaled coordinates): returns the log partial likelihood,
 * fills u (p) and the lower triangle of imat (p*p, column-major; the upper
 * triangle is mirrored too).  Breslow/Efron kernel in cox_fit.c, exact in
 * cox_exact.c. */
double cox_pass(cox_work *w, const double *beta, double *u, double *imat);
double cox_exact_pass(cox_work *w, const double *beta, double *u, double *imat);

/* Score, martingale and Schoenfeld residuals (cox_robust.c), each output
 * optional: resid (n*p row-major, sorted order, scaled coordinates) for
 * beta, unweighted, so that sum_k wt[k] resid[k] = u; mart (n); schoen (n*p). */
obs_status cox_score_residuals(cox_work *w, const double *beta, double *resid,
                               double *mart, double *schoen, obs_error *err);

/* Robust (sandwich) variance and robust score test (cox_robust.c). */
obs_status cox_robust(cox_work *w, const obs_cox_data *d, const obs_cox_options *o,
                      obs_cox_model *m, const double *beta_scaled, obs_error *err);

/* Concordance of the linear predictor (cox_concordance.c); cluster: codes
 * by original row (the IJ variance sums influences within clusters) or NULL.
 * scratch: nscratch doubles the caller no longer needs (may be NULL); used
 * instead of allocating when nscratch >= 11 n + 10 (COX_CONC_SCRATCH). */
#define COX_CONC_SCRATCH(n) (11 * (n) + 10)
obs_status cox_concordance(const cox_work *w, const double *lp_sorted,
                           const int *cluster, double *scratch, size_t nscratch,
                           obs_cox_model *m, obs_error *err);

#endif
