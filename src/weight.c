/*
 * weight.c — IPTW weights (formulas in obsurv/weight.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/weight.h"

void obs_weight_options_default(obs_weight_options *o)
{
    o->estimand = OBS_ESTIMAND_ATE;
    o->stabilize = 0;
    o->trim_lo = o->trim_hi = NAN;
    o->trunc_lo = o->trunc_hi = NAN;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double obs_quantile7(const double *x, size_t n, double prob)
{
    if (n == 0) return NAN;
    double *s = malloc(n * sizeof *s);
    if (!s) return NAN;
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    double h = (double)(n - 1) * prob;        /* type 7: 1 + (n - 1) p, 1-based */
    size_t lo = (size_t)floor(h);
    double q = lo + 1 < n ? s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]) : s[n - 1];
    free(s);
    return q;
}

static int bad_pair(double lo, double hi)
{
    if (isnan(lo) && isnan(hi)) return 0;
    return !(lo >= 0 && hi <= 1 && lo < hi);
}

obs_status obs_iptw(const double *e, const int *treat, size_t n,
                    const obs_weight_options *o, double *w,
                    size_t *n_trimmed, size_t *n_truncated, obs_error *err)
{
    size_t n1 = 0, n0 = 0, trimmed = 0, truncated = 0;
    if (bad_pair(o->trim_lo, o->trim_hi) || bad_pair(o->trunc_lo, o->trunc_hi))
        return obs_error_set(err, OBS_EUSAGE, "percentiles must satisfy 0 <= lo < hi <= 1");
    for (size_t i = 0; i < n; i++) {
        if (!(e[i] > 0 && e[i] < 1))
            return obs_error_set(err, OBS_EDATA, "propensity score of unit %zu is %g, outside (0, 1)", i + 1, e[i]);
        if (treat[i]) n1++; else n0++;
    }
    if (n1 == 0 || n0 == 0)
        return obs_error_set(err, OBS_EDATA, "weighting needs treated and control units");
    double p1 = (double)n1 / (double)n, p0 = (double)n0 / (double)n;
    for (size_t i = 0; i < n; i++) {
        if (o->estimand == OBS_ESTIMAND_ATE)
            w[i] = treat[i] ? 1.0 / e[i] : 1.0 / (1.0 - e[i]);
        else
            w[i] = treat[i] ? 1.0 : e[i] / (1.0 - e[i]);
        if (o->stabilize) {
            if (o->estimand == OBS_ESTIMAND_ATE) w[i] *= treat[i] ? p1 : p0;
            else if (!treat[i]) w[i] *= p0 / p1;
        }
    }
    if (!isnan(o->trim_lo)) {
        double lo = obs_quantile7(e, n, o->trim_lo), hi = obs_quantile7(e, n, o->trim_hi);
        if (isnan(lo) || isnan(hi)) return obs_error_set(err, OBS_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            if (e[i] < lo || e[i] > hi) { w[i] = 0; trimmed++; }
    }
    if (!isnan(o->trunc_lo)) {
        double lo = obs_quantile7(w, n, o->trunc_lo), hi = obs_quantile7(w, n, o->trunc_hi);
        if (isnan(lo) || isnan(hi)) return obs_error_set(err, OBS_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            if (w[i] == 0) continue;              /* trimmed units stay out */
            if (w[i] < lo) { w[i] = lo; truncated++; }
            else if (w[i] > hi) { w[i] = hi; truncated++; }
        }
    }
    if (n_trimmed) *n_trimmed = trimmed;
    if (n_truncated) *n_truncated = truncated;
    return OBS_OK;
}
