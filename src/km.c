/*
 * km.c — Kaplan–Meier curves as R's survfit (survival 3.5) computes them.
 *
 * Design note, with a worked example.  Rows are sorted once (by group, then
 * time: obs_survival_order, an LSD radix sort on the IEEE bits), then each
 * group is one pass over its block.  Take six rows
 *
 *     time   1  2  2  3  4  4
 *     status 1  1  0  1  0  1
 *
 * The distinct times are 1 2 3 4; at risk n = 6 5 3 2 (a backward running
 * sum of the weights), events d = 1 1 1 1, censored 0 1 0 1.  Then
 * S = 5/6, 5/6*4/5 = 2/3, 2/3*2/3 = 4/9, 4/9*1/2 = 2/9, and Greenwood's
 * var log S(t) = sum d/(n(n-d)) = 1/30, 1/30+1/20, ... (tests/unit/test_km.c
 * carries the whole example in exact arithmetic).
 *
 * Standard errors (survfitKM in survival 3.5):
 *   - Greenwood (Greenwood 1926; Kalbfleisch & Prentice 2002, eq. 1.16)
 *     with weighted n_j, d_j when there are no weights or all are integers;
 *     std_err = S(t) sqrt(var log S(t)), Inf where n_j = d_j (R: NaN SE).
 *   - Otherwise R uses the infinitesimal jackknife, var S(t) =
 *     sum_i (w_i dS(t)/dw_i)^2.  Differentiating S = prod(1 - d_j/n_j) in
 *     w_i (with dN_i, Y_i the event and at-risk indicators of row i):
 *         d log S(t)/dw_i = sum_{t_j <= t} (d_j Y_i(t_j) - n_j dN_i(t_j))
 *                                         / (n_j (n_j - d_j))
 *                         = H(min(t, T_i)) - [T_i <= t] delta_i / (n(T_i) - d(T_i)),
 *     H(t) = sum_{t_j <= t} d_j / (n_j (n_j - d_j)).  Rows still at risk
 *     after t share the value H(t), so
 *         var S(t) / S(t)^2 = H(t)^2 sum_{T_i > t} w_i^2 + sum_{T_i <= t} c_i,
 *     c_i = w_i^2 (H(T_i) - delta_i / (n(T_i) - d(T_i)))^2: two running sums.
 *     Where S = 0 every derivative is 0 and so is the SE (as in R).
 * Intervals (R's survfit_confint): log, log-log, plain as in km.h; NA (NaN)
 * where the transform is undefined (S = 0; S = 1 for log-log).
 * Median (print.survfit / survmean's rule): the first time with
 * S < 0.5 + tol, tol = sqrt(DBL_EPSILON); when S is within tol of 0.5 there,
 * the midpoint of that time and the next time S drops; the same rule on the
 * lower and upper curves gives the interval.
 *
 * Accuracy: the running products and sums are R's; results agree with R to
 * ~1e-15 relative (tests/golden/km holds them at 1e-8).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "obsurv/km.h"
#include "cox_internal.h"   /* cox_decimal_sort */
#include "obsurv/dist.h"

void obs_km_options_default(obs_km_options *opt)
{
    opt->conf_type = OBS_KM_CONF_LOG;
    opt->conf_level = 0.95;
}

int obs_km_conf_type_parse(const char *s, obs_km_conf_type *out)
{
    if (s == NULL) return -1;
    if (strcmp(s, "log") == 0) *out = OBS_KM_CONF_LOG;
    else if (strcmp(s, "log-log") == 0) *out = OBS_KM_CONF_LOGLOG;
    else if (strcmp(s, "plain") == 0) *out = OBS_KM_CONF_PLAIN;
    else return -1;
    return 0;
}

const char *obs_km_conf_type_name(obs_km_conf_type t)
{
    switch (t) {
    case OBS_KM_CONF_LOG: return "log";
    case OBS_KM_CONF_LOGLOG: return "log-log";
    case OBS_KM_CONF_PLAIN: return "plain";
    }
    return "?";
}

/* ---- the sort ---------------------------------------------------------- */

/* Order-preserving map of a double onto an unsigned integer (-0 -> +0). */
static uint64_t time_bits(double t)
{
    uint64_t u;
    if (t == 0) t = 0.0;
    memcpy(&u, &t, sizeof u);
    return (u & UINT64_C(0x8000000000000000)) ? ~u : (u | UINT64_C(0x8000000000000000));
}

obs_status obs_survival_order(size_t n, const double *time, const int *key,
                              size_t nkeys, size_t *order, obs_error *err)
{
    enum { BITS = 16, NB = 1 << BITS, PASSES = 64 / BITS };
    obs_status rc = OBS_OK;
    uint64_t *k = NULL, *k2 = NULL;
    uint32_t *o1 = NULL, *o2 = NULL;        /* 32-bit row numbers: less to move */
    size_t *count = NULL, *kcount = NULL;
    size_t i;

    if (n == 0) return OBS_OK;
    if (n > UINT32_MAX)
        return obs_error_set(err, OBS_ENOMEM, "%zu rows: more than the sort handles", n);
    k = malloc(n * sizeof *k);
    k2 = malloc(n * sizeof *k2);
    o1 = malloc(n * sizeof *o1);
    o2 = malloc(n * sizeof *o2);
    count = calloc((size_t)PASSES * NB, sizeof *count);
    kcount = calloc((key ? nkeys : 0) + 1, sizeof *kcount);
    if (!k || !k2 || !o1 || !o2 || !count || !kcount) {
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory sorting %zu rows", n);
        goto done;
    }
    {   /* decimal times (integer days, two decimals): one counting pass
         * (cox_decimal_sort, the same order as the radix sort below) */
        size_t *idx = (size_t *)k, *ibuf = (size_t *)k2;
        for (i = 0; i < n; i++) idx[i] = i;
        int dec = cox_decimal_sort(idx, n, time, 0, o2, ibuf);
        if (dec < 0) {
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory sorting %zu rows", n);
            goto done;
        }
        if (dec) {
            for (i = 0; i < n; i++) o1[i] = (uint32_t)idx[i];
            goto by_key;
        }
    }
    /* One read pass: the keys and the histograms of all four 16-bit digits. */
    for (i = 0; i < n; i++) {
        uint64_t u = time_bits(time[i]);
        k[i] = u;
        o1[i] = (uint32_t)i;
        for (int d = 0; d < PASSES; d++) count[(size_t)d * NB + ((u >> (d * BITS)) & (NB - 1))]++;
    }
    /* LSD radix, least significant digit first; a digit that is the same in
     * every key is skipped (e.g. the low mantissa bits of whole-number times). */
    for (int d = 0; d < PASSES; d++) {
        size_t *c = count + (size_t)d * NB, pos = 0;
        unsigned shift = (unsigned)(d * BITS);
        int trivial = 0;
        for (size_t b = 0; b < NB; b++) {
            size_t m = c[b];
            if (m == n) { trivial = 1; break; }
            c[b] = pos;
            pos += m;
        }
        if (trivial) continue;
        for (i = 0; i < n; i++) {
            size_t dst = c[(k[i] >> shift) & (NB - 1)]++;
            k2[dst] = k[i];
            o2[dst] = o1[i];
        }
        { uint64_t *t = k; k = k2; k2 = t; }
        { uint32_t *t = o1; o1 = o2; o2 = t; }
    }
by_key:
    if (key && nkeys > 1) {           /* stable counting sort on the key */
        size_t pos = 0;
        for (i = 0; i < n; i++) kcount[key[o1[i]]]++;
        for (size_t b = 0; b < nkeys; b++) { size_t m = kcount[b]; kcount[b] = pos; pos += m; }
        for (i = 0; i < n; i++) order[kcount[key[o1[i]]]++] = o1[i];
    } else {
        for (i = 0; i < n; i++) order[i] = o1[i];
    }
done:
    free(k); free(k2); free(o1); free(o2); free(count); free(kcount);
    return rc;
}

/* ---- intervals and medians ---------------------------------------------- */

/* Pointwise interval for S with standard error se_log of log S (survfit_confint). */
static void conf_interval(obs_km_conf_type type, double z, double s, double se_log,
                          double *lower, double *upper)
{
    switch (type) {
    case OBS_KM_CONF_PLAIN: {
        double h = se_log * s * z;
        double lo = s - h, up = s + h;
        *lower = isnan(lo) ? NAN : (lo < 0 ? 0 : lo);
        *upper = isnan(up) ? NAN : (up > 1 ? 1 : up);
        break;
    }
    case OBS_KM_CONF_LOG: {
        /* exp(log S -+ h) as S / e^h and S e^h: one exp per time */
        if (s == 0) { *lower = *upper = NAN; break; }
        double e = exp(z * se_log);
        double up = s * e;
        *lower = s / e;
        *upper = isnan(up) ? NAN : (up > 1 ? 1 : up);
        break;
    }
    case OBS_KM_CONF_LOGLOG: {
        if (s == 0 || s == 1) { *lower = *upper = NAN; break; }
        /* exp(-exp(log(-log S) -+ h)) = exp(log S e^-+h) */
        double ls = log(s);
        double e = exp(z * se_log / ls);
        *lower = exp(ls / e);
        *upper = exp(ls * e);
        break;
    }
    }
}

/* survmean's "minmin": the time where curve y (on times x) first falls below
 * 0.5 (+tol); the midpoint to the next drop when it sits at 0.5; NaN if never. */
static double km_median_of(const double *y, const double *x, size_t m)
{
    const double tol = sqrt(DBL_EPSILON);
    size_t k, first = m;
    for (k = 0; k < m; k++)
        if (!isnan(y[k]) && y[k] < 0.5 + tol) { first = k; break; }
    if (first == m) return NAN;
    if (fabs(y[first] - 0.5) < tol) {
        for (k = first + 1; k < m; k++)
            if (!isnan(y[k]) && y[k] < y[first]) return (x[first] + x[k]) / 2;
    }
    return x[first];
}

/* ---- the estimator ------------------------------------------------------ */

void obs_km_free(obs_km **km)
{
    if (km == NULL || *km == NULL) return;
    for (size_t g = 0; g < (*km)->ncurves; g++) free((*km)->curves[g].time);
    free((*km)->curves);
    free(*km);
    *km = NULL;
}

static obs_status km_validate(size_t n, const double *time, const int *status,
                              const double *weights, const int *group,
                              size_t ngroups, const obs_km_options *opt,
                              obs_error *err)
{
    if (!(opt->conf_level > 0 && opt->conf_level < 1))
        return obs_error_set(err, OBS_EUSAGE, "conf-level must be between 0 and 1, got %g",
                             opt->conf_level);
    if (opt->conf_type != OBS_KM_CONF_LOG && opt->conf_type != OBS_KM_CONF_LOGLOG &&
        opt->conf_type != OBS_KM_CONF_PLAIN)
        return obs_error_set(err, OBS_EUSAGE, "unknown confidence interval type");
    if (ngroups == 0 || (group == NULL && ngroups != 1))
        return obs_error_set(err, OBS_EUSAGE, "km: %zu groups without group codes", ngroups);
    /* a branch-free look first (a 0/1 status in random order would make
     * the tests below mispredict every other row); the rows are walked
     * for the message only when something is wrong */
    unsigned bad = 0;
    for (size_t i = 0; i < n; i++) {
        const double t = time[i];
        bad |= (unsigned)(t - t != 0.0) | ((unsigned)status[i] > 1u);
        if (group) bad |= (unsigned)(group[i] < 0) | (unsigned)((size_t)group[i] >= ngroups);
    }
    if (weights)
        for (size_t i = 0; i < n; i++) bad |= (unsigned)!(isfinite(weights[i]) && weights[i] >= 0);
    for (size_t i = 0; i < n && bad; i++) {
        if (!isfinite(time[i]))
            return obs_error_set(err, OBS_EDATA, "row %zu: time is not a finite number", i + 1);
        if (status[i] != 0 && status[i] != 1)
            return obs_error_set(err, OBS_EDATA, "row %zu: status %d is not 0 or 1", i + 1, status[i]);
        if (weights && !(isfinite(weights[i]) && weights[i] >= 0))
            return obs_error_set(err, OBS_EDATA, "row %zu: weight %g is not a finite number >= 0",
                                 i + 1, weights[i]);
        if (group && (group[i] < 0 || (size_t)group[i] >= ngroups))
            return obs_error_set(err, OBS_EUSAGE, "row %zu: group code %d out of range", i + 1, group[i]);
    }
    return OBS_OK;
}

/*
 * One curve from m rows sorted by time (time, status, weights or NULL).  The curve's arrays
 * are already allocated with c->ntime entries; w2risk is scratch of
 * c->ntime doubles.
 */
static void km_curve_finish(const double *time, const unsigned char *status,
                            const double *weights, size_t m, int robust, const obs_km_options *opt,
                            double z, obs_km_curve *c, double *w2risk);

static void km_curve(const double *time, const unsigned char *status,
                     const double *weights, size_t m, int robust, const obs_km_options *opt,
                     double z, obs_km_curve *c, double *w2risk)
{
    size_t j, p;
    /* Pass 1: per distinct time, weight of events, of censorings, sum of w^2. */
    c->n = m;
    for (p = 0, j = 0; p < m; j++) {
        double t = time[p], d = 0, cen = 0, ww = 0;
        c->time[j] = t;
        for (; p < m && time[p] == t; p++) {
            double w = weights ? weights[p] : 1.0;
            if (status[p]) d += w; else cen += w;
            ww += w * w;
        }
        c->n_event[j] = d; c->n_censor[j] = cen; w2risk[j] = ww;
    }
    km_curve_finish(time, status, weights, m, robust, opt, z, c, w2risk);
}

/* The curve from its per-time weights of events and censorings (c->time,
 * n_event, n_censor and w2risk[j], the sum of squared weights at t_j, set
 * for c->ntime times); the rows (sorted by time) are read only when
 * robust. */
static void km_curve_finish(const double *time, const unsigned char *status,
                            const double *weights, size_t m, int robust, const obs_km_options *opt,
                            double z, obs_km_curve *c, double *w2risk)
{
    size_t nt = c->ntime, j, p;
    double nrisk, w2, s, v, h, csum;
    c->n_weighted = 0; c->events = 0;
    /* Backward running sums: number at risk and sum of w^2 over rows with T_i > t_j. */
    nrisk = 0; w2 = 0;
    for (j = nt; j-- > 0;) {
        double ww = w2risk[j];
        nrisk += c->n_event[j] + c->n_censor[j];
        c->n_risk[j] = nrisk;
        w2risk[j] = w2;            /* strictly later rows */
        w2 += ww;
    }
    c->n_weighted = nrisk;
    /* Pass 2: product limit, variance, interval. */
    s = 1; v = 0; h = 0; csum = 0;
    for (p = 0, j = 0; j < nt; j++) {
        double nj = c->n_risk[j], dj = c->n_event[j];
        c->events += dj;
        if (dj > 0) {
            s *= (nj - dj) / nj;
            if (nj > dj) {
                double inc = dj / (nj * (nj - dj));
                v += inc; h += inc;
            } else {
                v = INFINITY;
            }
        }
        if (robust) {
            /* c_i for the rows leaving at t_j, then the SE of S. */
            double gap = nj - dj;
            for (; p < m && time[p] == c->time[j]; p++) {
                double w = weights[p];
                double a = h - (status[p] && gap > 0 ? 1.0 / gap : 0.0);
                csum += w * w * a * a;
            }
            c->std_err[j] = (s == 0) ? 0.0 : s * sqrt(h * h * w2risk[j] + csum);
        } else {
            c->std_err[j] = s * sqrt(v);   /* 0 * Inf = NaN where S = 0, as R */
        }
        c->surv[j] = s;
        {
            double se_log;
            if (robust) se_log = (c->std_err[j] == 0) ? 0.0 : c->std_err[j] / s;
            else se_log = sqrt(v);
            conf_interval(opt->conf_type, z, s, se_log, &c->lower[j], &c->upper[j]);
        }
    }
    c->median = km_median_of(c->surv, c->time, nt);
    c->median_lower = km_median_of(c->lower, c->time, nt);
    c->median_upper = km_median_of(c->upper, c->time, nt);
}

/* A curve of nt distinct times: its arrays in one block (freed via time),
 * medians NaN until computed.  0, or -1 out of memory. */
static int curve_alloc(obs_km_curve *c, size_t nt)
{
    c->ntime = nt;
    c->median = c->median_lower = c->median_upper = NAN;
    if (nt == 0) return 0;
    if (!(c->time = malloc(8 * nt * sizeof(double)))) return -1;
    c->n_risk = c->time + nt;   c->n_event = c->time + 2 * nt;
    c->n_censor = c->time + 3 * nt; c->surv = c->time + 4 * nt;
    c->std_err = c->time + 5 * nt; c->lower = c->time + 6 * nt;
    c->upper = c->time + 7 * nt;
    return 0;
}

/* The curves from obs_surv_counts (one stratum per group, G = 1): no sort.
 * The same per-time counts, in the same time order, as km_curve's first
 * pass over the sorted rows (integers: exact), so the same curves.
 * w2: range doubles of scratch. */
static obs_status km_from_counts(obs_km *km, const uint32_t *cnt, size_t range, double scale, int64_t lo,
                                 const obs_km_options *opt, double z, double *w2)
{
    for (size_t g = 0; g < km->ncurves; g++) {
        obs_km_curve *c = &km->curves[g];
        const uint32_t *cg = cnt + g * range * 2;
        size_t nt = 0, m = 0;
        for (size_t k = 0; k < range; k++) {
            const size_t r = (size_t)cg[2 * k] + cg[2 * k + 1];
            nt += r > 0;
            m += r;
        }
        c->n = m;
        if (curve_alloc(c, nt)) return OBS_ENOMEM;
        if (nt == 0) continue;
        for (size_t k = 0, j = 0; k < range; k++) {
            const double d = cg[2 * k + 1], cen = cg[2 * k];
            if (d + cen == 0) continue;
            c->time[j] = (double)(lo + (int64_t)k) / scale;   /* the time itself (cox_decimal_range) */
            c->n_event[j] = d; c->n_censor[j] = cen; w2[j] = d + cen;   /* unit weights: w^2 = 1 */
            j++;
        }
        km_curve_finish(NULL, NULL, NULL, m, 0, opt, z, c, w2);
    }
    return OBS_OK;
}

obs_status obs_km_estimate(size_t n, const double *time, const int *status,
                           const double *weights, const int *group,
                           size_t ngroups, const obs_km_options *opt_in,
                           obs_km **out, obs_error *err)
{
    obs_status rc;
    obs_km_options opt;
    obs_km *km = NULL;
    size_t *order = NULL, *start = NULL;
    double *scratch = NULL, *st = NULL, *sw = NULL;
    unsigned char *ss = NULL;
    int robust = 0;
    double z;

    *out = NULL;
    if (opt_in) opt = *opt_in; else obs_km_options_default(&opt);
    rc = km_validate(n, time, status, weights, group, ngroups, &opt, err);
    if (rc) return rc;
    if (weights)
        for (size_t i = 0; i < n && !robust; i++)
            if (weights[i] != floor(weights[i])) robust = 1;
    z = obs_qnorm(1 - (1 - opt.conf_level) / 2);

    km = calloc(1, sizeof *km);
    order = malloc((n ? n : 1) * sizeof *order);
    start = calloc(ngroups + 1, sizeof *start);
    scratch = malloc((n ? n : 1) * sizeof *scratch);
    st = malloc((n ? n : 1) * sizeof *st);
    ss = malloc(n ? n : 1);
    if (weights) sw = malloc((n ? n : 1) * sizeof *sw);
    if (!km || !order || !start || !scratch || !st || !ss || (weights && !sw)) goto nomem;
    km->ncurves = ngroups;
    km->robust = robust;
    km->opt = opt;
    km->curves = calloc(ngroups, sizeof *km->curves);
    if (!km->curves) goto nomem;
    if (!weights) {
        /* unit weights and decimal times: counts by (group, time), no sort */
        uint32_t *cnt = NULL;
        size_t range = 0;
        double scale = 1;
        int64_t lo = 0;
        const int hc = obs_surv_counts(n, time, status, group, ngroups, NULL, 1, &cnt, &range, &scale, &lo);
        if (hc < 0) goto nomem;
        if (hc > 0) {
            double *w2 = malloc(range * sizeof *w2);
            const obs_status r2 = w2 ? km_from_counts(km, cnt, range, scale, lo, &opt, z, w2) : OBS_ENOMEM;
            free(w2);
            free(cnt);
            if (r2) goto nomem;
            free(order); free(start); free(scratch); free(st); free(ss); free(sw);
            *out = km;
            return OBS_OK;
        }
    }
    rc = obs_survival_order(n, time, group, ngroups, order, err);
    if (rc) goto fail;
    /* Gather once into sorted order: every later pass reads memory in sequence. */
    for (size_t p = 0; p < n; p++) {
        size_t i = order[p];
        st[p] = time[i];
        ss[p] = (unsigned char)status[i];
        if (sw) sw[p] = weights[i];
    }

    /* Group boundaries and distinct-time counts. */
    for (size_t i = 0; i < n; i++) start[(group ? group[i] : 0) + 1]++;
    for (size_t g = 0; g < ngroups; g++) start[g + 1] += start[g];
    for (size_t g = 0; g < ngroups; g++) {
        obs_km_curve *c = &km->curves[g];
        size_t a = start[g], b = start[g + 1], nt = 0;
        for (size_t p = a; p < b; p++)
            if (p == a || st[p] != st[p - 1]) nt++;
        if (curve_alloc(c, nt)) goto nomem;
        if (nt == 0) continue;
        km_curve(st + a, ss + a, sw ? sw + a : NULL, b - a, robust, &opt, z, c, scratch);
    }
    free(order); free(start); free(scratch); free(st); free(ss); free(sw);
    *out = km;
    return OBS_OK;
nomem:
    rc = obs_error_set(err, OBS_ENOMEM, "out of memory in km (%zu rows)", n);
fail:
    free(order); free(start); free(scratch); free(st); free(ss); free(sw);
    obs_km_free(&km);
    return rc;
}

/* ---- reading a curve at given times --------------------------------------- */

double obs_km_start_time(const obs_km *km)
{
    double t0 = 0;
    for (size_t g = 0; g < km->ncurves; g++)
        if (km->curves[g].ntime > 0 && km->curves[g].time[0] < t0) t0 = km->curves[g].time[0];
    return t0;
}

void obs_km_at(const obs_km_curve *c, double start, const double *times,
               size_t ntimes, obs_km_point *out)
{
    size_t k = 0;            /* curve rows with time <= t so far */
    double cum_d = 0, cum_c = 0, prev_d = 0, prev_c = 0, prev_t = -INFINITY;

    for (size_t r = 0; r < ntimes; r++) {
        obs_km_point *pt = &out[r];
        double t = times[r];
        size_t lt;
        pt->time = t;
        if (c->ntime == 0) {
            pt->n_risk = pt->n_event = pt->n_censor = NAN;
            pt->surv = pt->std_err = pt->lower = pt->upper = NAN;
            continue;
        }
        if (t < prev_t) { k = 0; cum_d = cum_c = prev_d = prev_c = 0; }  /* unsorted input */
        prev_t = t;
        while (k < c->ntime && c->time[k] <= t) {
            cum_d += c->n_event[k]; cum_c += c->n_censor[k]; k++;
        }
        /* rows with time < t: k less those equal to t */
        lt = k;
        while (lt > 0 && c->time[lt - 1] == t) lt--;
        pt->n_risk = lt < c->ntime ? c->n_risk[lt] : 0.0;
        pt->n_event = cum_d - prev_d; pt->n_censor = cum_c - prev_c;
        prev_d = cum_d; prev_c = cum_c;
        if (k == 0) {
            /* before the first curve time: survfit0's row at start (or the
             * first row itself when the curve starts at start). */
            if (c->time[0] == start) {
                pt->surv = c->surv[0]; pt->std_err = c->std_err[0];
                pt->lower = c->lower[0]; pt->upper = c->upper[0];
            } else {
                pt->surv = 1; pt->std_err = 0; pt->lower = 1; pt->upper = 1;
            }
        } else {
            pt->surv = c->surv[k - 1]; pt->std_err = c->std_err[k - 1];
            pt->lower = c->lower[k - 1]; pt->upper = c->upper[k - 1];
        }
    }
}
