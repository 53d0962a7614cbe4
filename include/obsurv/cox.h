/*
 * obsurv/cox.h — the Cox proportional-hazards model (R survival::coxph).
 *
 * The estimator reads plain arrays (obs_cox_data), so it can be driven by a
 * model frame or by a unit test.  It maximises the partial likelihood with
 * Breslow, Efron or exact handling of tied event times, with strata, case
 * weights, an offset, and right-censored or counting-process (start, stop]
 * data, by Newton-Raphson as R does it (centred and scaled covariates,
 * step-halving, convergence on the relative change of the log-likelihood),
 * and reports the inference summary.coxph prints.
 *
 *   obs_cox_options o; obs_cox_options_default(&o);
 *   obs_cox_model *m;
 *   if (obs_cox_fit(&data, &o, &m, &err) == OBS_OK) { ... m->coef[j] ... }
 *   obs_cox_model_free(&m);
 */
#ifndef OBSURV_COX_H
#define OBSURV_COX_H

#include <stddef.h>
#include "obsurv/error.h"

typedef enum { OBS_COX_EFRON = 0, OBS_COX_BRESLOW, OBS_COX_EXACT } obs_cox_ties;

typedef struct {
    size_t n, p;
    const double *start;    /* n entry times (counting process) or NULL */
    const double *stop;     /* n event/censoring times */
    const int *status;      /* n: 1 event, 0 censored */
    const double *x;        /* column-major n x p: x[j*n + i]; NULL when p = 0 */
    const double *const *xcol; /* or NULL; else p column pointers: column j is
                               xcol[j][0..n-1] and x is ignored (a model
                               frame's xcol, columns needn't be contiguous) */
    const int *strata;      /* n codes >= 0, or NULL (one stratum) */
    const double *weights;  /* n case weights >= 0, or NULL (all 1) */
    const double *offset;   /* n offsets, or NULL (all 0) */
    const int *cluster;     /* n codes in [0, n) for the robust variance, or NULL */
} obs_cox_data;

typedef struct {
    obs_cox_ties ties;
    int robust;             /* sandwich variance (implied by cluster) */
    int max_iter;           /* 20 */
    double eps;             /* 1e-9: relative change in loglik */
    double toler_chol;      /* DBL_EPSILON^0.75 */
    double toler_inf;       /* sqrt(eps): the "may be infinite" check */
    double conf_level;      /* 0.95 */
    int concordance;        /* compute Harrell's C (1) */
} obs_cox_options;

void obs_cox_options_default(obs_cox_options *o);

typedef struct { double stat, df, p; } obs_cox_test;

typedef struct {
    size_t n, p;            /* rows, columns of x */
    size_t nevent;          /* rows with status 1 (unweighted, as R) */
    obs_cox_ties ties;
    int converged, iterations, rank;
    double loglik_null, loglik_model;
    double *coef;           /* p; NAN for an aliased column */
    int *aliased;           /* p flags */
    double *var;            /* p*p model-based variance (0 rows for aliased) */
    double *robust_var;     /* p*p sandwich variance, or NULL */
    double *se, *robust_se; /* p; robust_se NULL when not robust */
    double *z, *p_value;    /* p; from robust_se when robust (summary.coxph) */
    double *hr, *hr_lower, *hr_upper;
    double *means;          /* p centring values (0 for 0/1 columns, as R) */
    double *u;              /* p score at the final estimate */
    double *linear_predictor; /* n: x'b + offset - means'b, as R's fit$linear.predictors */
    obs_cox_test lr, wald, score, robust_score; /* robust_score.df = 0 when absent */
    int has_concordance;
    double concordance, concordance_se;
    double conc_counts[5];  /* concordant, discordant, tied.x, tied.y, tied.xy */
    obs_warnings warnings;
} obs_cox_model;

/* Fit.  d: the data (see obs_cox_data; rows must have stop > start, status
 * 0/1, finite values).  On OBS_OK *out is a new model owned by the caller
 * (obs_cox_model_free).  OBS_EFIT when there are no events, OBS_EDATA for
 * invalid input (negative weight, stop <= start), OBS_ENOMEM.
 * Caveats (non-convergence, infinite coefficient, aliasing) are warnings
 * in (*out)->warnings. */
obs_status obs_cox_fit(const obs_cox_data *d, const obs_cox_options *o,
                       obs_cox_model **out, obs_error *err);

void obs_cox_model_free(obs_cox_model **m);

/* ---- residuals (R's residuals.coxph) ------------------------------------ */

typedef enum {
    OBS_COX_RESID_MARTINGALE = 0, OBS_COX_RESID_DEVIANCE, OBS_COX_RESID_SCORE,
    OBS_COX_RESID_SCHOENFELD, OBS_COX_RESID_SCALEDSCH, OBS_COX_RESID_DFBETA
} obs_cox_resid_type;

typedef struct {
    obs_cox_resid_type type;
    size_t nrow, ncol;      /* ncol 1 (martingale, deviance) or p */
    double *value;          /* nrow x ncol, row-major */
    size_t *row;            /* nrow: 0-based index into the data of each row */
    double *time;           /* Schoenfeld types: event time of each row; else NULL */
} obs_cox_residuals;

/* Parse "martingale", "deviance", "score", "schoenfeld", "scaledsch",
 * "dfbeta"; returns -1 for anything else. */
int obs_cox_resid_type_parse(const char *s);

/* Residuals of the fitted model m on the data d it was fitted to (same d and
 * o as obs_cox_fit).  Martingale, deviance, score: unweighted, one row per
 * data row; dfbeta: weighted (w_i L_i V), one row per data row;
 * Schoenfeld / scaled Schoenfeld: one row per event, ordered by stratum and
 * time (ties in data order), as R.  Scaled Schoenfeld = nevent * r V + b
 * (V the model-based variance).  Aliased columns give 0.  Ties "exact" are
 * computed with Efron's weights.  *out owned by the caller. */
obs_status obs_cox_residuals_compute(const obs_cox_data *d, const obs_cox_options *o,
                                     const obs_cox_model *m, obs_cox_resid_type type,
                                     obs_cox_residuals **out, obs_error *err);
void obs_cox_residuals_free(obs_cox_residuals **r);

/* ---- proportional-hazards test (R's cox.zph) ----------------------------- */

typedef enum { OBS_ZPH_KM = 0, OBS_ZPH_RANK, OBS_ZPH_IDENTITY, OBS_ZPH_LOG } obs_zph_transform;

typedef struct {
    size_t nterms;
    double *chisq, *df, *p;         /* nterms + 1: the terms, then GLOBAL */
    size_t *term;                   /* nterms: index of the term (assign code) */
} obs_cox_zph;

/* Score test of beta(t) = beta + gamma g(t) for each term (the columns with
 * equal assign code, aliased columns left out) and globally, at the fitted
 * beta (Grambsch & Therneau 1994; the exact score test of survival 3.x's
 * cox.zph).  g(t) is 1 - KM(t-) (km; the KM of all rows, unweighted),
 * rank(t) (average ranks over all rows), t, or log(t), centred at its mean
 * over the event rows.  assign: p term codes (e.g. the frame's assign), or
 * NULL for one term per column.  *out owned by the caller. */
obs_status obs_cox_zph_compute(const obs_cox_data *d, const obs_cox_options *o,
                               const obs_cox_model *m, const int *assign,
                               obs_zph_transform transform, obs_cox_zph **out,
                               obs_error *err);
void obs_cox_zph_free(obs_cox_zph **z);

/* ---- predicted survival curves (R's survfit(fit, newdata)) ------------- */

typedef struct {
    size_t profile;         /* 0-based index of the covariate profile */
    int stratum;            /* stratum code of the curve (0 without strata) */
    size_t ntime;
    double *time;           /* every distinct stop time of the stratum */
    double *n_risk, *n_event, *n_censor;  /* weighted, as survfit */
    double *surv;           /* exp(-H(t | z)) */
    double *cumhaz, *std_chaz;            /* H and its standard error */
    double *std_err;        /* standard error of S: surv * std_chaz */
    double *lower, *upper;  /* log-type interval: exp(-H -/+ z se), upper <= 1 */
} obs_cox_curve;

typedef struct {
    size_t ncurves;
    obs_cox_curve *curve;
    double conf_level;
} obs_cox_survfit;

/* Predicted survival for nnew covariate profiles newx (nnew x p,
 * column-major, the design columns of m), with offsets newoffset (or NULL)
 * and stratum codes newstrata (or NULL: every profile gets a curve in every
 * stratum, profile-major).  Cumulative hazard: Breslow's estimator for ties
 * "breslow"/"exact", Efron's for "efron" (survfit.coxph's ctype 1 / 2),
 * H(t|z) = exp((z - means)'b + offset) H0(t); its variance is
 * r^2 sum dH0^2-terms + g' V g, g = dH/db (Tsiatis 1981; Therneau &
 * Grambsch 2000, sec. 10.2).  Intervals use conf_level of o.  *out owned by
 * the caller. */
obs_status obs_cox_survfit_compute(const obs_cox_data *d, const obs_cox_options *o,
                                   const obs_cox_model *m, size_t nnew,
                                   const double *newx, const double *newoffset,
                                   const int *newstrata, obs_cox_survfit **out,
                                   obs_error *err);
void obs_cox_survfit_free(obs_cox_survfit **s);

#endif
