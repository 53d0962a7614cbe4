/*
 * dist.c — distribution functions from GSL; see obsurv/dist.h.
 */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include "obsurv/dist.h"

double obs_pchisq_upper(double x, double df)
{
    if (!(df > 0)) return NAN;
    if (isnan(x)) return NAN;
    if (x <= 0) return 1.0;
    return gsl_cdf_chisq_Q(x, df);
}

double obs_pnorm_upper(double z)
{
    if (isnan(z)) return NAN;
    return gsl_cdf_ugaussian_Q(z);
}

double obs_pnorm_two_sided(double z)
{
    if (isnan(z)) return NAN;
    return 2.0 * gsl_cdf_ugaussian_Q(fabs(z));
}

double obs_qnorm(double p)
{
    if (!(p >= 0 && p <= 1)) return NAN;
    return gsl_cdf_ugaussian_Pinv(p);
}

double obs_pt_upper(double t, double df)
{
    if (isnan(t) || !(df > 0)) return NAN;
    return gsl_cdf_tdist_Q(t, df);
}

double obs_pt_two_sided(double t, double df)
{
    if (isnan(t) || !(df > 0)) return NAN;
    return 2.0 * gsl_cdf_tdist_Q(fabs(t), df);
}

double obs_pf_upper(double f, double df1, double df2)
{
    if (isnan(f) || !(df1 > 0) || !(df2 > 0)) return NAN;
    if (f <= 0) return 1.0;
    return gsl_cdf_fdist_Q(f, df1, df2);
}
