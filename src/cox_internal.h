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

#include <stddef.h>
#include <stdint.h>
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
} cox_work;

/* Sorting (cox_sort.c): an order-preserving key for a double, and a stable
 * radix sort of the pairs (key[i], idx[i]) by key; -1 when out of memory. */
uint64_t cox_double_key(double x);
int cox_radix_sort(uint64_t *key, size_t *idx, size_t n);
/* The same with caller scratch kbuf, ibuf (n + 1 each; NULL: allocated). */
int cox_radix_sort_buf(uint64_t *key, size_t *idx, size_t n, uint64_t *kbuf, size_t *ibuf);

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
