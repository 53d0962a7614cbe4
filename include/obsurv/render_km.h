/*
 * obsurv/render_km.h — the JSON of `obsurv km` (cli.md: conf_type,
 * conf_level, n, n_dropped, exclusions, weights, robust_se, strata[{name, n,
 * [n_weighted,] events, median, median_lower, median_upper, time, n_risk,
 * n_event, n_censor, surv, std_err, lower, upper[, at]}], warnings), shared
 * by obsurv and obsurv-mpi so that the two give the same document.
 */
#ifndef OBSURV_RENDER_KM_H
#define OBSURV_RENDER_KM_H

#include <stdio.h>
#include "obsurv/error.h"
#include "obsurv/frame.h"
#include "obsurv/km.h"

/* Write the whole JSON document for the curves km (curve k named names[k];
 * curves without times are left out) on frame fr (n: the rows used, as
 * reported; fr gives n_dropped and the exclusions).  weights: the weights
 * column or NULL.  times (ntimes, sorted) or NULL: each curve read at those
 * times ("at"), pts a caller's scratch of ntimes points.  min_cell > 0:
 * disclosure control (every count from 1 to min_cell - 1 null, named in a
 * "suppressed" list, "min_cell" at the top); 0: off. */
void obs_render_km_json(FILE *fp, const obs_km *km, const char *const *names,
                        const obs_frame *fr, size_t n, const char *weights,
                        const double *times, size_t ntimes, obs_km_point *pts,
                        const obs_warnings *warn, long min_cell);

#endif
