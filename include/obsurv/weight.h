/*
 * obsurv/weight.h — inverse probability of treatment weights (IPTW).
 *
 * With propensity score e = P(T = 1 | x) (Rosenbaum & Rubin 1983; weights as
 * in Austin & Stuart, Stat Med 2015, 34:3661, table 1):
 *   ATE  treated 1 / e,   control 1 / (1 - e)
 *   ATT  treated 1,       control e / (1 - e)
 * Stabilized (Robins, Hernan & Brumback 2000; Xu et al. 2010): ATE weights
 * multiplied by the marginal P(T = t) of the unit's own group, i.e. n1/n for
 * the treated and n0/n for the controls; ATT control weights multiplied by
 * (n0/n) / (n1/n) so that they sum to about n0.
 * Trimming at percentiles (lo, hi): units whose e lies outside the lo-th and
 * hi-th sample quantiles of e (R's quantile type 7) get weight 0.
 * Truncation at percentiles (lo, hi): weights below the lo-th quantile of the
 * weights are raised to it, weights above the hi-th lowered to it
 * (Cole & Hernan, Am J Epidemiol 2008, 168:656).
 */
#ifndef OBSURV_WEIGHT_H
#define OBSURV_WEIGHT_H

#include <stddef.h>
#include "obsurv/error.h"
#include "obsurv/balance.h"

typedef struct {
    obs_estimand estimand;   /* ATE (default) or ATT */
    int stabilize;           /* 0/1 */
    double trim_lo, trim_hi; /* percentiles in [0,1] of the score, NaN = none */
    double trunc_lo, trunc_hi; /* percentiles in [0,1] of the weights, NaN = none */
} obs_weight_options;

void obs_weight_options_default(obs_weight_options *o);

/* R's quantile(x, prob, type = 7) of n values; sorts a private copy. NaN on
 * allocation failure or n == 0. */
double obs_quantile7(const double *x, size_t n, double prob);

/* Weights w[0..n-1] from scores e (0 < e < 1) and treatment 0/1.
 * Counts of units set to 0 by trimming and of truncated weights go to
 * *n_trimmed / *n_truncated (may be NULL).
 * Errors: OBS_EDATA for a score outside (0,1) or an empty group; OBS_EUSAGE
 * for percentiles outside [0,1] or lo >= hi. */
obs_status obs_iptw(const double *e, const int *treat, size_t n,
                    const obs_weight_options *o, double *w,
                    size_t *n_trimmed, size_t *n_truncated, obs_error *err);

#endif
