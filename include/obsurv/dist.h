/*
 * obsurv/dist.h — probability distributions, from GSL (gsl_cdf_*).
 *
 * Thin wrappers so that every P value in obsurv comes from one place and is
 * computed on the upper tail directly (no 1 - F cancellation).  Accuracy is
 * GSL's: close to double precision for the ranges used (verified against R's
 * pchisq/pnorm/pt/pf in tests/unit/test_dist.c).
 */
#ifndef OBSURV_DIST_H
#define OBSURV_DIST_H

/* P(X > x) for X ~ chi-square(df); 1 for x <= 0; NaN for df <= 0. */
double obs_pchisq_upper(double x, double df);
/* Two-sided normal P value 2 * P(Z > |z|). */
double obs_pnorm_two_sided(double z);
/* P(Z > z) and the quantile of the standard normal at probability p. */
double obs_pnorm_upper(double z);
double obs_qnorm(double p);
/* P(T > t) for T ~ t(df), and the two-sided P value. */
double obs_pt_upper(double t, double df);
double obs_pt_two_sided(double t, double df);
/* P(F > f) for F ~ F(df1, df2). */
double obs_pf_upper(double f, double df1, double df2);

#endif
