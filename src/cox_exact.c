/*
 * cox_exact.c — the exact partial likelihood for tied event times
 * (R's ties = "exact", SAS DISCRETE; Kalbfleisch & Prentice 2002, eq. 4.9).
 *
 * At an event time with d tied events D among the m rows at risk,
 *
 *   l_t = sum_{i in D} eta_i - log B(m, d),
 *   B(m, d) = sum over all d-subsets S of the risk set of prod_{i in S} r_i,
 *
 * the probability that exactly the observed set fails, given that d fail.
 * B comes from the recursion of Gail, Lubin & Rubinstein (1981, Biometrika
 * 68:703):  B(j, k) = B(j-1, k) + r_j B(j-1, k-1),  B(j, 0) = 1,
 * B(j, k) = 0 for k > j, over the rows j = 1..m of the risk set.  Its
 * gradient and Hessian follow by differentiating the recursion:
 *
 *   dB(j,k)  = dB(j-1,k)  + r_j [x_j B(j-1,k-1) + dB(j-1,k-1)]
 *   d2B(j,k) = d2B(j-1,k) + r_j [x_j x_j' B(j-1,k-1) + x_j dB(j-1,k-1)'
 *                                + dB(j-1,k-1) x_j' + d2B(j-1,k-1)]
 *
 * so u_t = sum_D x_i - dB/B and I_t = d2B/B - (dB/B)(dB/B)'.  The cost is
 * O(m d p^2) per event time.  Risk scores are taken relative to exp(c),
 * c the largest eta in the risk set, and log B gets d c back.  Case weights
 * are not used (the CLI refuses them with exact ties), except that rows of
 * weight 0 are left out.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cox_internal.h"

/* Contract: as cox_pass.  Scratch: allocates (d+1)(1 + p + p^2) doubles per
 * call once, for the largest tie; returns NAN on allocation failure. */
double cox_exact_pass(cox_work *w, const double *beta, double *u, double *imat)
{
    const size_t p = w->p;
    double loglik = 0.0;
    size_t maxd = 1;

    for (size_t k = 0; k < w->n; k++) {
        const double *xk = w->x + k * p;
        double e = w->off[k];
        for (size_t j = 0; j < p; j++) e += beta[j] * xk[j];
        w->eta[k] = e;
    }
    memset(u, 0, p * sizeof *u);
    memset(imat, 0, p * p * sizeof *imat);

    /* largest number of tied events */
    for (size_t s = 0; s < w->nstrata; s++)
        for (size_t k = w->sbeg[s]; k < w->sbeg[s + 1];) {
            size_t k2 = k, d = 0;
            while (k2 < w->sbeg[s + 1] && w->stop[k2] == w->stop[k]) {
                d += (size_t)(w->status[k2] && !w->skip[k2]);
                k2++;
            }
            if (d > maxd) maxd = d;
            k = k2;
        }
    double *B = malloc((maxd + 1) * sizeof *B);
    double *dB = malloc(((maxd + 1) * p + 1) * sizeof *dB);
    double *d2B = malloc(((maxd + 1) * p * p + 1) * sizeof *d2B);
    if (!B || !dB || !d2B) { free(B); free(dB); free(d2B); return NAN; }

    for (size_t s = 0; s < w->nstrata; s++) {
        const size_t b = w->sbeg[s], e = w->sbeg[s + 1];
        for (size_t k = b; k < e;) {
            const double t = w->stop[k];
            size_t k2 = k, d = 0;
            while (k2 < e && w->stop[k2] == t) {
                d += (size_t)(w->status[k2] && !w->skip[k2]);
                k2++;
            }
            if (d == 0) { k = k2; continue; }
            /* risk set: rows b..k2-1 with start < t */
            double c = -INFINITY;
            for (size_t q = b; q < k2; q++)
                if (!w->skip[q] && !(w->counting && w->start[q] >= t) && w->eta[q] > c) c = w->eta[q];
            memset(B, 0, (d + 1) * sizeof *B);
            memset(dB, 0, (d + 1) * p * sizeof *dB);
            memset(d2B, 0, (d + 1) * p * p * sizeof *d2B);
            B[0] = 1.0;
            size_t jcount = 0;
            for (size_t q = b; q < k2; q++) {
                if (w->skip[q] || (w->counting && w->start[q] >= t)) continue;
                const double *xq = w->x + q * p;
                double r = exp(w->eta[q] - c);
                jcount++;
                size_t top = jcount < d ? jcount : d;
                for (size_t kk = top; kk >= 1; kk--) {
                    double *d2 = d2B + kk * p * p, *d2m = d2B + (kk - 1) * p * p;
                    double *d1 = dB + kk * p, *d1m = dB + (kk - 1) * p;
                    for (size_t i = 0; i < p; i++)
                        for (size_t j = 0; j <= i; j++)
                            d2[j * p + i] += r * (xq[i] * xq[j] * B[kk - 1] + xq[i] * d1m[j] +
                                                  d1m[i] * xq[j] + d2m[j * p + i]);
                    for (size_t i = 0; i < p; i++) d1[i] += r * (xq[i] * B[kk - 1] + d1m[i]);
                    B[kk] += r * B[kk - 1];
                }
            }
            for (size_t q = k; q < k2; q++)
                if (w->status[q] && !w->skip[q]) {
                    loglik += w->eta[q];
                    for (size_t i = 0; i < p; i++) u[i] += w->x[q * p + i];
                }
            loglik -= log(B[d]) + (double)d * c;
            const double *d1 = dB + d * p, *d2 = d2B + d * p * p;
            for (size_t i = 0; i < p; i++) {
                double mi = d1[i] / B[d];
                u[i] -= mi;
                for (size_t j = 0; j <= i; j++)
                    imat[j * p + i] += d2[j * p + i] / B[d] - mi * d1[j] / B[d];
            }
            k = k2;
        }
    }
    free(B); free(dB); free(d2B);
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++) imat[i * p + j] = imat[j * p + i];
    return loglik;
}
