/*
 * obsurv/tests.h — classical hypothesis tests, as R's stats package computes them.
 *
 *   obs_chisq_test    chisq.test(x) on an r x c table (Yates' correction on 2 x 2 when asked)
 *   obs_fisher_test   fisher.test(x), two-sided, any r x c table (exact enumeration, see fisher.c)
 *   obs_oneway_test   oneway.test(y ~ g, var.equal = TRUE)  (one-way ANOVA F test)
 *   obs_kruskal_test  kruskal.test(y ~ g)                   (with the correction for ties)
 *
 * Every test fills an obs_htest.  A test that R would refuse (too few groups,
 * too few observations, an empty table) returns OBS_EFIT with a message and
 * sets p to NaN; a test R computes with a NaN statistic (a zero expected
 * count in chisq.test) returns OBS_OK with statistic and p NaN, as R gives NA.
 * Tables are row-major: cell (i, j) is x[i * nc + j].
 */
#ifndef OBSURV_TESTS_H
#define OBSURV_TESTS_H

#include <stddef.h>
#include "obsurv/error.h"

typedef struct {
    double statistic; /* X-squared, F or Kruskal-Wallis chi-squared; NaN for Fisher */
    double df;        /* degrees of freedom (numerator df for F); NaN for Fisher */
    double df2;       /* denominator df of F; NaN otherwise */
    double p;         /* P value, NaN when undefined */
} obs_htest;

/* Cap on the number of nodes (partial tables) the exact r x c Fisher test
 * visits before it gives up with OBS_EFIT; see fisher.c. */
#define OBS_FISHER_MAX_NODES 500000000L

/* Pearson's chi-squared test of independence on an nr x nc table of
 * non-negative counts x (row-major).  correct != 0 applies Yates' continuity
 * correction when the table is 2 x 2, as chisq.test(correct = TRUE).
 * Requires nr >= 2, nc >= 2 (R would run a goodness-of-fit test otherwise;
 * that is refused here with OBS_EUSAGE). */
obs_status obs_chisq_test(const double *x, size_t nr, size_t nc, int correct,
                          obs_htest *out, obs_error *err);

/* Fisher's exact test (two-sided) on an nr x nc table of non-negative
 * integer counts x (row-major), as fisher.test(x)$p.value: the sum of the
 * probabilities of all tables with the observed margins whose probability is
 * at most p_obs * (1 + 1e-7).  Requires nr >= 2 and nc >= 2.  OBS_EFIT when
 * the enumeration would exceed OBS_FISHER_MAX_NODES. */
obs_status obs_fisher_test(const long *x, size_t nr, size_t nc, obs_htest *out,
                           obs_error *err);

/* One-way ANOVA F test with equal variances, as oneway.test(y ~ g,
 * var.equal = TRUE).  y[0..n-1] values, g[0..n-1] group codes in
 * [0, ngroup) or -1; rows with NaN y or g < 0 are skipped.  Empty groups are
 * dropped (R's factor()).  OBS_EFIT when fewer than 2 groups remain or a
 * group has fewer than 2 observations (R stops). */
obs_status obs_oneway_test(const double *y, const int *g, size_t n, size_t ngroup,
                           obs_htest *out, obs_error *err);

/* Kruskal-Wallis rank sum test with the ties correction, as kruskal.test(y ~ g).
 * Same data conventions as obs_oneway_test.  OBS_EFIT when fewer than 2
 * non-empty groups remain; all values tied gives statistic and p NaN (R: NA)
 * with OBS_OK.  Allocates O(n) scratch once. */
obs_status obs_kruskal_test(const double *y, const int *g, size_t n, size_t ngroup,
                            obs_htest *out, obs_error *err);

#endif
