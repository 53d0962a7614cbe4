/*
 * cox_newton.c — the Newton-Raphson maximisation of the Cox partial
 * likelihood and the model built from it, shared by the one-process
 * obs_cox_fit (cox_fit.c, cox_exact.c passes) and obsurv-mpi
 * (src/mpi/mpi_cox.c, whose pass sums over the processes): one skeleton, so
 * both take the same steps and report the same model.
 *
 * Newton-Raphson (Therneau & Grambsch 2000, sec. 3.2; R coxfit6/agfit4):
 * start at b = 0; step = I^-1 u by the LDL' solve of linalg.c with
 * tolerance toler_chol (aliased columns get step 0); if the new
 * log-likelihood is smaller or not finite, step-halving: b_new = (b_new +
 * h b_old) / (h + 1) for the h-th consecutive halving; stop when
 * |1 - l_old / l_new| <= eps.  Verified against R in tests/golden/cox.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cox_internal.h"
#include "obsurv/dist.h"
#include "obsurv/linalg.h"
#include "obsurv/progress.h"

static int all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) if (!isfinite(v[i])) return 0;
    return 1;
}

static void report(const cox_newton_spec *s, int iter, double loglik)
{
    if (!s->progress) return;
    obs_progress_event ev = {OBS_PROGRESS_ITER, s->progress, (size_t)iter, 0, loglik};
    obs_progress_report(&ev);
}

/* Contract in cox_internal.h.  Right-censored data follow R's coxfit6,
 * counting-process data agfit4 (which also requires halving == 0 to
 * declare convergence), exact ties coxexact. */
void cox_newton(const cox_newton_spec *s, size_t p, const obs_cox_options *o, double *beta,
                double *u, double *imat, int *aliased, double loglik[2], double *sctest,
                int *iter, int *converged, int *rank, double *newbeta, double *oldbeta)
{
    int halving = 0;
    double best, newlk;

    loglik[0] = loglik[1] = s->pass(s->ctx, beta, u, imat);
    memcpy(newbeta, u, p * sizeof *u);
    *rank = obs_chol_decompose(imat, p, o->toler_chol, aliased);
    obs_chol_solve(imat, p, newbeta);
    *sctest = 0.0;
    for (size_t i = 0; i < p; i++) *sctest += u[i] * newbeta[i];
    *iter = 0; *converged = 0;
    if (o->max_iter == 0 || !isfinite(loglik[0]) || p == 0) {
        *converged = (p == 0);
        obs_chol_invert(imat, p);
        return;
    }
    for (size_t i = 0; i < p; i++) { oldbeta[i] = beta[i]; newbeta[i] = beta[i] + newbeta[i]; }
    best = loglik[0];

    for (*iter = 1; *iter <= o->max_iter; (*iter)++) {
        newlk = s->pass(s->ctx, newbeta, u, imat);
        report(s, *iter, newlk);   /* long fits: the CLI shows it on a terminal only */
        int notfinite = !isfinite(newlk) || !all_finite(u, p) || !all_finite(imat, p * p);
        int r2 = obs_chol_decompose(imat, p, o->toler_chol, aliased);
        if (s->counting && r2 != *rank) notfinite = 1;
        if (!notfinite && (!s->counting || halving == 0) &&
            fabs(1.0 - best / newlk) <= o->eps) {
            loglik[1] = newlk;
            *rank = r2;
            memcpy(beta, newbeta, p * sizeof *beta);
            obs_chol_invert(imat, p);
            *converged = 1;
            return;
        }
        /* Out of iterations.  Counting-process fits stop here, as R's
         * agfit4: the last point tried is kept unless it was worse than the
         * best by more than eps (then the best is recomputed below).
         * Right-censored Breslow/Efron fits, as R's coxfit6, take the step
         * once more and end with iter = max_iter + 1 at the last accepted
         * point; exact-ties fits, as R's coxexact, stop at max_iter there. */
        if (*iter == o->max_iter && s->exact) break;
        if (*iter == o->max_iter && s->counting) {
            if (!notfinite && (newlk - best) / fabs(best) >= -o->eps) {
                loglik[1] = newlk;
                *rank = r2;
                memcpy(beta, newbeta, p * sizeof *beta);
                obs_chol_invert(imat, p);
                return;
            }
            break;
        }
        if (notfinite || newlk < best) {
            halving++;
            for (size_t i = 0; i < p; i++)
                newbeta[i] = (newbeta[i] + halving * oldbeta[i]) / (halving + 1.0);
        } else {
            halving = 0;
            best = newlk;
            obs_chol_solve(imat, p, u);
            for (size_t i = 0; i < p; i++) {
                oldbeta[i] = newbeta[i];
                newbeta[i] += u[i];
            }
        }
    }
    /* out of iterations: report the last good estimate and its variance */
    memcpy(beta, oldbeta, p * sizeof *beta);
    loglik[1] = s->pass(s->ctx, beta, u, imat);
    if (!s->counting && !s->exact && o->max_iter > 1) {
        /* R's coxfit6 recomputes the information here and hands it to its
         * factor-inverse routine (chinv2) without factoring it first; as
         * the recomputed matrix fills the triangle that routine does not
         * read as L, the result is diag(1 / I_kk) with zero covariances
         * (checked: vcov() of survival 3.5-3 after iter.max = 2).  The same
         * here, for R's standard errors and Wald test; rank and aliasing
         * stay those of the last step's factorisation, as R's. */
        for (size_t j = 0; j < p; j++)
            for (size_t i = 0; i < p; i++) {
                const double d = imat[j * p + j];
                imat[j * p + i] = (i == j && d > 0) ? 1.0 / d : 0.0;
            }
        return;
    }
    *rank = obs_chol_decompose(imat, p, o->toler_chol, aliased);
    obs_chol_invert(imat, p);
}

void cox_model_from_newton(obs_cox_model *m, const double *beta, const double *u,
                           const double *imat, const double *mean, const double *scale,
                           const double loglik[2], int iter, int converged, int rank)
{
    const size_t p = m->p;
    for (size_t i = 0; i < p; i++) {
        m->coef[i] = beta[i] * scale[i];
        m->u[i] = u[i] / scale[i];
        m->means[i] = mean[i];
        for (size_t j = 0; j < p; j++) m->var[j * p + i] = imat[j * p + i] * scale[i] * scale[j];
    }
    m->loglik_null = loglik[0];
    m->loglik_model = loglik[1];
    m->iterations = iter;
    m->converged = converged;
    m->rank = rank < 0 ? -rank : rank;
}

obs_status cox_model_checks(obs_cox_model *m, const obs_cox_options *o, int counting,
                            double sctest, obs_error *err)
{
    const size_t p = m->p;
    /* warnings, as coxph.fit / agreg.fit */
    if (o->max_iter > 1 && p > 0) {
        if (!m->converged) {
            if (obs_warnings_add(&m->warnings, "Ran out of iterations and did not converge"))
                return obs_error_set(err, OBS_ENOMEM, "cox: out of memory");
        } else {
            char list[512] = "";
            size_t len = 0;
            for (size_t i = 0; i < p; i++) {
                double step = 0.0;
                for (size_t j = 0; j < p; j++) step += m->u[j] * m->var[i * p + j];
                step = fabs(step);
                int inf = !isfinite(m->u[i]) ||
                    (counting ? step > o->toler_inf * (1 + fabs(m->coef[i]))
                              : (step > o->eps && step > o->toler_inf * fabs(m->coef[i])));
                if (inf && len + 24 < sizeof list)
                    len += (size_t)snprintf(list + len, sizeof list - len, "%s%zu", len ? "," : "", i + 1);
            }
            if (len && obs_warnings_add(&m->warnings, "Loglik converged before variable %s; coefficient may be infinite.", list))
                return obs_error_set(err, OBS_ENOMEM, "cox: out of memory");
        }
    }
    size_t df = 0;
    for (size_t i = 0; i < p; i++) {
        if (m->aliased[i]) {
            m->coef[i] = NAN;
            if (obs_warnings_add(&m->warnings, "X matrix deemed to be singular; variable %zu is aliased (coefficient NA)", i + 1))
                return obs_error_set(err, OBS_ENOMEM, "cox: out of memory");
        } else df++;
    }
    m->lr.stat = 2.0 * (m->loglik_model - m->loglik_null);
    m->lr.df = (double)df;
    m->score.stat = sctest;
    m->score.df = (double)df;
    m->wald.df = (double)df;
    return OBS_OK;
}

double cox_wald_stat(const double *var, const double *b, const int *aliased, size_t p,
                     double toler, double *scratch_pp, double *scratch_p)
{
    size_t q = 0;
    for (size_t j = 0; j < p; j++) q += !aliased[j];
    for (size_t jc = 0, c = 0; jc < p; jc++) {
        if (aliased[jc]) continue;
        for (size_t jr = 0, r = 0; jr < p; jr++)
            if (!aliased[jr]) scratch_pp[c * q + r++] = var[jc * p + jr];
        scratch_p[c++] = b[jc];
    }
    obs_chol_decompose(scratch_pp, q, toler, NULL);
    double *sol = scratch_p + q;
    memcpy(sol, scratch_p, q * sizeof *sol);
    obs_chol_solve(scratch_pp, q, sol);
    double s = 0.0;
    for (size_t c = 0; c < q; c++) s += scratch_p[c] * sol[c];
    return s;
}

void cox_model_finish(obs_cox_model *m, const obs_cox_options *o)
{
    const size_t p = m->p;
    const double df = m->lr.df;
    m->lr.p = df ? obs_pchisq_upper(m->lr.stat, df) : NAN;
    m->wald.p = df ? obs_pchisq_upper(m->wald.stat, df) : NAN;
    m->score.p = df ? obs_pchisq_upper(m->score.stat, df) : NAN;
    if (m->robust_score.df > 0)
        m->robust_score.p = obs_pchisq_upper(m->robust_score.stat, m->robust_score.df);

    double zq = obs_qnorm(1.0 - (1.0 - o->conf_level) / 2.0);
    for (size_t i = 0; i < p; i++) {
        m->se[i] = sqrt(m->var[i * p + i]);
        double se = m->robust_se ? m->robust_se[i] : m->se[i];
        if (m->aliased[i]) {
            m->se[i] = NAN;
            if (m->robust_se) m->robust_se[i] = NAN;
            m->z[i] = m->p_value[i] = m->hr[i] = m->hr_lower[i] = m->hr_upper[i] = NAN;
            continue;
        }
        m->z[i] = m->coef[i] / se;
        m->p_value[i] = obs_pnorm_two_sided(m->z[i]);
        m->hr[i] = exp(m->coef[i]);
        m->hr_lower[i] = exp(m->coef[i] - zq * se);
        m->hr_upper[i] = exp(m->coef[i] + zq * se);
    }
}
