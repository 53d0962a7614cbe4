/*
 * obsurv/logrank.h — the G-rho family of k-sample tests (Harrington &
 * Fleming 1982), as R's survdiff computes it.
 *
 * rho = 0 is the log-rank test; rho = 1 the Peto & Peto modification of the
 * Gehan–Wilcoxon test.  Each death time is weighted by S(t-)^rho, S the
 * Kaplan–Meier estimate of the pooled sample (within stratum), so observed
 * and expected are weighted sums when rho != 0 (as survdiff prints them).
 * With strata the per-stratum O - E and variance matrices are summed.
 *
 * Verified against R 4.2.2 / survival 3.5-3 (tests/golden/logrank, 1e-8) and
 * a hand-worked example (tests/unit/test_logrank.c).
 */
#ifndef OBSURV_LOGRANK_H
#define OBSURV_LOGRANK_H

#include <stddef.h>
#include "obsurv/error.h"

typedef struct {
    size_t ngroups, nstrata;
    double rho;
    size_t *n;               /* ngroups: rows per group */
    size_t *n_strata;        /* nstrata: rows per stratum */
    double *observed;        /* ngroups: sum over strata */
    double *expected;        /* ngroups */
    double *observed_strata; /* ngroups x nstrata, [s * ngroups + g] */
    double *expected_strata;
    double *var;             /* ngroups x ngroups, row-major, summed over strata */
    double chisq;            /* (O-E)' V^- (O-E) over groups with E > 0, first dropped */
    int df;                  /* groups with E > 0, less one */
    double p;                /* P(chi2_df > chisq); NaN when df = 0 */
} obs_logrank;

/*
 * obs_logrank_test — the G-rho test.
 *
 *   n        rows
 *   time     n finite times
 *   status   n flags: 1 event, 0 censored
 *   group    n codes in [0, ngroups), ngroups >= 2
 *   strata   n codes in [0, nstrata), or NULL (one stratum; nstrata ignored)
 *   rho      the exponent of the weight S(t-)^rho, finite
 *   out      on success a new result owned by the caller (obs_logrank_free)
 *
 * At each death time t (d deaths among n at risk, n_k at risk and d_k deaths
 * in group k, weight w = S(t-)^rho):
 *     O_k += w d_k,   E_k += w d n_k / n,
 *     V_jk += w^2 d (n - d) / (n^2 (n - 1)) n_j (n [j = k] - n_k)   (n > 1),
 * the hypergeometric variance (Mantel 1966; Kalbfleisch & Prentice 2002, 7.3).
 * chisq solves V z = O - E on the groups with E > 0 less the first (as
 * survdiff).  Work: one sort, then O(ndeath_times * ngroups^2).
 * Errors: OBS_EUSAGE bad codes or rho; OBS_EDATA non-finite time or bad status;
 * OBS_EFIT fewer than two groups with rows, or a singular variance matrix;
 * OBS_ENOMEM.
 */
obs_status obs_logrank_test(size_t n, const double *time, const int *status,
                            const int *group, size_t ngroups,
                            const int *strata, size_t nstrata, double rho,
                            obs_logrank **out, obs_error *err);

/* Release a result; accepts NULL and nulls *lr. */
void obs_logrank_free(obs_logrank **lr);

#endif
