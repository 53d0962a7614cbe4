/*
 * obsurv/balance.h — covariate balance between treated and control units,
 * before and after matching or weighting, as MatchIt 4.5's summary.matchit
 * (bal1var with standardize = TRUE) computes it.
 *
 * For each covariate x (a design-matrix column):
 *   means      weighted means of the treated and of the controls;
 *   SMD        (mean_t - mean_c) / s, where s does not change after
 *              matching: ATT  s = SD of the treated in the full sample,
 *              ATE  s = sqrt((s1^2 + s0^2) / 2), both groups in the full
 *              sample.  A binary (0/1) column uses sqrt(m (1 - m)) for a
 *              group's SD, a numeric one the unbiased SD.  When
 *              |mean_t - mean_c| <= sqrt(DBL_EPSILON) the raw difference is
 *              reported (as MatchIt);
 *   var ratio  var_t / var_c with weighted variances
 *              sum w (x - m)^2 / (1 - sum w^2), w normalised to sum 1
 *              (MatchIt's wvar); NaN for a binary column.
 */
#ifndef OBSURV_BALANCE_H
#define OBSURV_BALANCE_H

#include <stddef.h>
#include "obsurv/error.h"

typedef enum { OBS_ESTIMAND_ATT = 0, OBS_ESTIMAND_ATE } obs_estimand;

typedef struct {
    int binary;                       /* column takes only values 0 and 1 */
    double mean_t_before, mean_c_before, smd_before, var_ratio_before;
    double mean_t_after, mean_c_after, smd_after, var_ratio_after;  /* NaN without weights */
} obs_balance_row;

/* Balance of the p columns of x (column-major n x p, x[j*n + i]).
 *   treat  n values 0/1
 *   w      n matching or IPTW weights >= 0 for "after", or NULL (after = NaN)
 *   rows   p results (caller's array)
 * Errors: OBS_EDATA when a group is empty. */
obs_status obs_balance_compute(const double *x, size_t n, size_t p, const int *treat,
                               const double *w, obs_estimand estimand,
                               obs_balance_row *rows, obs_error *err);

/* The same with the p columns given as pointers: column j is
 * xcol[j][0..n-1] (columns needn't be contiguous: a model frame's xcol,
 * or a chosen subset of them). */
obs_status obs_balance_compute_cols(const double *const *xcol, size_t n, size_t p, const int *treat,
                                    const double *w, obs_estimand estimand,
                                    obs_balance_row *rows, obs_error *err);

#endif
