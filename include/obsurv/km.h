/*
 * obsurv/km.h — the Kaplan–Meier estimator, as R's survfit() computes it.
 *
 * Input is plain arrays (times, event flags, optional case weights, optional
 * group codes), so the estimator knows nothing of formulas or files.  One
 * curve per group; each curve lists every distinct time (event or censoring)
 * with the number at risk, events, censorings, S(t), the standard error of
 * S(t) and a pointwise confidence interval; plus the median and its
 * confidence interval as print.survfit reports them.
 *
 * Variance (survival 3.5 survfitKM):
 *   - no weights, or all weights whole numbers: Greenwood,
 *       var log S(t) = sum_{t_j <= t} d_j / (n_j (n_j - d_j))
 *     with n_j, d_j the (weighted) numbers at risk and events;
 *   - any non-integer weight: R switches to the robust (infinitesimal
 *     jackknife) variance, var S(t) = sum_i (w_i dS(t)/dw_i)^2, and so do we.
 *
 * Method, accuracy and verification: src/km.c; tests/unit/test_km.c (hand-
 * worked exact case) and tests/golden/km (R 4.2.2, survival 3.5-3, 1e-8).
 */
#ifndef OBSURV_KM_H
#define OBSURV_KM_H

#include <stddef.h>
#include "obsurv/error.h"

typedef enum {
    OBS_KM_CONF_LOG = 0,    /* R's default: S exp(+-z se(log S)), upper capped at 1 */
    OBS_KM_CONF_LOGLOG,     /* exp(-exp(log(-log S) -+ z se / log S)) */
    OBS_KM_CONF_PLAIN       /* S +- z se(S), clipped to [0, 1] */
} obs_km_conf_type;

typedef struct {
    obs_km_conf_type conf_type;
    double conf_level;      /* in (0, 1); 0.95 by default */
} obs_km_options;

/* Defaults: log, 0.95. */
void obs_km_options_default(obs_km_options *opt);
/* Parse "log" | "log-log" | "plain"; returns 0 on success, -1 otherwise. */
int obs_km_conf_type_parse(const char *s, obs_km_conf_type *out);
const char *obs_km_conf_type_name(obs_km_conf_type t);

/* One Kaplan–Meier curve.  Arrays have ntime entries.  NaN stands for R's NA
 * (e.g. the log interval where S = 0, a median not reached). */
typedef struct {
    size_t n;            /* records (rows) in the group */
    double n_weighted;   /* sum of case weights (= n without weights) */
    double events;       /* (weighted) number of events */
    size_t ntime;
    double *time;        /* distinct times, ascending */
    double *n_risk;      /* (weighted) number at risk at time[k] */
    double *n_event;
    double *n_censor;
    double *surv;        /* S(time[k]) */
    double *std_err;     /* standard error of S (summary.survfit's std.err) */
    double *lower, *upper;
    double median, median_lower, median_upper;   /* NaN: not reached */
} obs_km_curve;

typedef struct {
    size_t ncurves;      /* = ngroups; a group with no rows has ntime == 0 */
    obs_km_curve *curves;
    int robust;          /* 1 when std_err is the infinitesimal-jackknife SE */
    obs_km_options opt;
} obs_km;

/*
 * obs_km_estimate — Kaplan–Meier curves for each group.
 *
 *   n        rows
 *   time     n finite times
 *   status   n flags: 1 event, 0 censored
 *   weights  n finite case weights >= 0, or NULL (all 1)
 *   group    n codes in [0, ngroups), or NULL (one group; ngroups must be 1)
 *   opt      conf type and level, or NULL for the defaults
 *   out      on success a new result owned by the caller (obs_km_free)
 *
 * Product limit: S(t) = prod_{t_j <= t} (1 - d_j / n_j) (Kaplan & Meier 1958).
 * Work: one sort of the rows (by group, then time; radix, O(n)), then running
 * sums; allocation is O(n) up front, none in the loops.  Without weights,
 * when every time is a decimal (days, or up to three decimals, over fewer
 * than 2^20 steps), counts by (group, time) replace the sort: the same
 * per-time counts, so the same curves bit for bit.
 * Errors: OBS_EUSAGE for bad options/codes, OBS_EDATA for non-finite
 * times or invalid weights, OBS_ENOMEM.
 */
obs_status obs_km_estimate(size_t n, const double *time, const int *status,
                           const double *weights, const int *group,
                           size_t ngroups, const obs_km_options *opt,
                           obs_km **out, obs_error *err);

/* Release a result; accepts NULL and nulls *km. */
void obs_km_free(obs_km **km);

/* The curve read at a time, as summary(fit, times = t, extend = TRUE). */
typedef struct {
    double time;
    double n_risk;     /* at risk at t: at the first curve time >= t; 0 beyond the last */
    double n_event;    /* events in (previous requested time, t] */
    double n_censor;   /* censorings in the same interval */
    double surv, std_err, lower, upper;  /* at the last curve time <= t; 1, 0, 1, 1 before */
} obs_km_point;

/*
 * obs_km_at — read curve c at ntimes requested times.
 *
 *   times   ntimes finite times, ascending (the caller sorts, as R does)
 *   start   the curves' common start time, min(0, every curve time): R's
 *           survfit0 adds a row (start, S = 1, se = 0, CI = [1, 1]) to each
 *           curve whose first time is later
 *   out     ntimes points
 *
 * n_event / n_censor are differences of cumulative counts between successive
 * requested times, as summary.survfit does.  An empty curve gives NaN.
 */
void obs_km_at(const obs_km_curve *c, double start, const double *times,
               size_t ntimes, obs_km_point *out);

/* min(0, every time of every curve): the start time R's survfit0 uses. */
double obs_km_start_time(const obs_km *km);

/*
 * obs_survival_order — the one sort of survival data.
 *
 * Writes to order[0..n-1] the row indices sorted by key (when key != NULL,
 * codes in [0, nkeys)) and then by ascending time; rows with equal key and
 * time keep their input order (stable).  LSD radix sort on the IEEE bits of
 * the times, O(n).  Times must not be NaN.  Returns OBS_ENOMEM or OBS_OK.
 */
obs_status obs_survival_order(size_t n, const double *time, const int *key,
                              size_t nkeys, size_t *order, obs_error *err);

#endif
