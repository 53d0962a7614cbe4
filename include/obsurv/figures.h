/*
 * obsurv/figures.h — the figures of a survival study, as display lists
 * (obsurv/plot.h) ready for SVG, PNG and PDF.
 *
 * - obs_figure_km: Kaplan-Meier curves by arm with censoring marks and the
 *   numbers at risk in a table aligned under the time axis.
 * - obs_figure_forest: hazard ratios with confidence intervals on a log
 *   axis, one row per subgroup or term, with n and P in columns.
 * - obs_figure_ps_overlap: mirrored histograms of the propensity score by arm.
 * - obs_figure_love: absolute standardized mean differences before and after
 *   matching or weighting, with the 0.1 threshold.
 *
 * Colours come from the Okabe-Ito palette; fonts are 10-12 pt at the page
 * size, which is the size the figures are meant to be shown at.
 * Ownership: each returns a new obs_plot (caller frees), NULL on no memory.
 */
#ifndef OBSURV_FIGURES_H
#define OBSURV_FIGURES_H

#include <stddef.h>
#include "obsurv/plot.h"
#include "obsurv/km.h"

/* curves: km->ncurves curves named names[k]; time_unit labels the axis
 * ("months"); xmax 0 = the last time.  min_cell > 0: numbers at risk from 1
 * to min_cell - 1 are shown as "<min_cell" (disclosure control). */
obs_plot *obs_figure_km(const obs_km *km, const char *const *names, const char *time_unit,
                        double xmax, const char *title, long min_cell);

typedef struct {
    const char *label;
    double hr, lower, upper;   /* NaN hr: a header row or not estimable */
    double p;                  /* NaN: not shown */
    long n;                    /* < 0: not shown */
    int header;                /* 1: bold label, no estimate */
} obs_forest_row;

obs_plot *obs_figure_forest(const obs_forest_row *rows, size_t nrows, const char *xlabel,
                            const char *title);
/* The same with n_text[i], when n_text and n_text[i] are not NULL, shown in
 * place of rows[i].n (disclosure control: "<10", "*"). */
obs_plot *obs_figure_forest_text(const obs_forest_row *rows, const char *const *n_text, size_t nrows,
                                 const char *xlabel, const char *title);

/* ps n scores in [0, 1]; treat n flags; names [control, treated]. */
obs_plot *obs_figure_ps_overlap(const double *ps, const int *treat, size_t n,
                                const char *const names[2], const char *title);

/* terms k labels; before / after k SMDs (after may be NULL). */
obs_plot *obs_figure_love(const char *const *terms, const double *before, const double *after,
                          size_t k, const char *after_label, const char *title);

#endif
