/*
 * obsurv/logit.h — logistic regression by IRLS, as R's glm(family = binomial).
 *
 *   obs_logit_fit *fit;
 *   if (obs_logit_fit_irls(x, n, p, y, NULL, 1, NULL, &fit, &err)) ...;
 *   ... fit->coef[j], fit->se[j], fit->fitted[i] ...
 *   obs_logit_fit_free(&fit);
 *
 * The iteration is glm.fit's (R stats, glm.fit): start from
 * mu = (w y + 0.5) / (w + 1), eta = logit(mu); each step solves the weighted
 * least squares problem with working response z = eta + (y - mu) / mu.eta and
 * working weights w mu.eta^2 / (mu (1 - mu)); stop when
 * |dev - dev_old| / (|dev| + 0.1) < epsilon (1e-8), at most maxit (25) steps.
 * Aliased (linearly dependent) columns are found once, in column order, and
 * get coef = NaN (R's NA); standard errors come from the weighted
 * cross-product of the last least-squares step, as summary.glm uses.
 */
#ifndef OBSURV_LOGIT_H
#define OBSURV_LOGIT_H

#include <stddef.h>
#include "obsurv/error.h"

typedef struct {
    double epsilon;   /* relative deviance tolerance (1e-8) */
    int maxit;        /* maximum IRLS iterations (25) */
    int skip_auc;     /* 1: leave auc NaN (callers that never report it: match, weight) */
} obs_logit_control;

typedef struct {
    size_t n, p;          /* rows, design columns */
    size_t n_used;        /* rows with positive weight */
    double *coef;         /* p; NaN for an aliased column */
    double *se, *z, *pval;/* p; NaN for an aliased column */
    int *aliased;         /* p: 1 = aliased */
    double *cov;          /* p x p covariance (row-major); NaN rows/cols for aliased */
    double *eta;          /* n linear predictor x b */
    double *fitted;       /* n fitted probabilities */
    double deviance, null_deviance, aic, loglik;
    size_t rank;
    double df_residual, df_null;
    int iterations, converged;
    int boundary;         /* 1: fitted probabilities numerically 0 or 1 occurred */
    int *runaway;         /* p: 1 = coefficient that seems to diverge (separation) */
    double auc;           /* c-statistic of fitted on y (ties count 1/2) */
    obs_warnings warnings;
} obs_logit_fit;

/* Fit y ~ x.
 *   x       column-major n x p design (x[j*n + i]), the intercept column (if
 *           any) included; intercept = 1 when such a column exists (it sets
 *           the null model as glm does)
 *   y       n responses, each 0 or 1
 *   w       n prior weights >= 0, or NULL for all 1
 *   control NULL for the defaults
 *   names   p column names used in warnings, or NULL
 * On success *out is a new fit owned by the caller (obs_logit_fit_free).
 * Errors: OBS_EDATA for a response outside {0,1} or a negative weight,
 * OBS_EFIT when no column is estimable or fewer than 1 row has weight,
 * OBS_ENOMEM.  Non-convergence and fitted probabilities 0/1 are warnings. */
obs_status obs_logit_fit_irls(const double *x, size_t n, size_t p,
                              const double *y, const double *w, int intercept,
                              const obs_logit_control *control,
                              const char *const *names,
                              obs_logit_fit **out, obs_error *err);

/* The same fit with X given as p column pointers: column j is
 * xcol[j][0..n-1] (columns needn't be contiguous: a model frame's xcol).
 * obs_logit_fit_irls is this with xcol[j] = x + j*n; the results are the
 * same bits. */
obs_status obs_logit_fit_irls_cols(const double *const *xcol, size_t n, size_t p,
                                   const double *y, const double *w, int intercept,
                                   const obs_logit_control *control,
                                   const char *const *names,
                                   obs_logit_fit **out, obs_error *err);

void obs_logit_fit_free(obs_logit_fit **fit);

/* Area under the ROC curve of score s for outcome y (0/1), n rows:
 * (sum of midranks of the y = 1 rows - n1 (n1 + 1) / 2) / (n1 n0), the
 * Mann-Whitney estimate where a tie counts 1/2.  Rows with mask[i] == 0 are
 * skipped (mask may be NULL).  NaN when n1 or n0 is 0.  Allocates scratch. */
double obs_auc(const double *s, const double *y, const unsigned char *mask, size_t n);

#endif
