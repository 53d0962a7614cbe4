/*
 * auc.c — the area under the ROC curve (the c-statistic of a logistic
 * fit): the Mann-Whitney estimate
 *     AUC = (sum of the midranks of the y = 1 scores - n1 (n1 + 1) / 2) / (n1 n0),
 * where a tie between a y = 1 and a y = 0 score counts 1/2 (Hanley and
 * McNeil 1982).  Only the ranks matter: the scores in value order by
 * obs_value_sort (buckets of value, value_sort.c), the outcomes carried
 * along, then one pass over the tie groups.  The rank sum is a sum of
 * half-integers, exact while below 2^53 (up to about 10^8 scores), and the
 * sorted order does not depend on the number of threads: one or two give
 * the same bits.  Infinite scores sort as any other; NaN scores after them,
 * as one tie group.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/logit.h"
#include "obsurv/parallel.h"
#include "cox_internal.h"

/* The rank sum of the y = 1 scores among sorted scores v[lo, hi) (with
 * outcomes yb; v[lo] holds rank lo + 1, and no tie group crosses lo or
 * hi), and their count. */
typedef struct {
    const double *v;
    const unsigned char *yb;
    size_t lo, hi;
    double rank_sum, n1;
} rank_job;

static void rank_job_run(void *arg)
{
    rank_job *j = arg;
    double rs = 0, c1 = 0;
    for (size_t i = j->lo; i < j->hi;) {
        size_t k = i + 1;
        while (k < j->hi && obs_same_value(j->v[k], j->v[i])) k++;
        double k1 = 0;
        for (size_t q = i; q < k; q++) k1 += j->yb[q];
        rs += k1 * (0.5 * ((double)i + 1 + (double)k));   /* ranks i+1..k: midrank */
        c1 += k1;
        i = k;
    }
    j->rank_sum = rs;
    j->n1 = c1;
}

double obs_auc(const double *s, const double *y, const unsigned char *mask, size_t n)
{
    /* the scores taking part (all, or copied when masked), and their
     * outcomes as bytes */
    size_t m = n;
    if (mask) {
        m = 0;
        for (size_t i = 0; i < n; i++) m += mask[i] != 0;
    }
    if (m == 0) return NAN;
    const double *v = s;
    double *vm = NULL, *sv = malloc(m * sizeof *sv);
    uint32_t *scr = malloc(OBS_VALUE_SORT_SCRATCH(m) * sizeof *scr);
    unsigned char *yin = malloc(m), *yb = malloc(m);
    double auc = NAN;
    if (!sv || !scr || !yin || !yb) goto done;
    if (mask) {
        if (!(vm = malloc(m * sizeof *vm))) goto done;
        v = vm;
    }
    for (size_t i = 0, k = 0; i < n; i++) {
        if (mask && !mask[i]) continue;
        if (vm) vm[k] = s[i];
        yin[k++] = y[i] > 0.5;
    }
    if (obs_value_sort(v, m, sv, NULL, yin, yb, scr)) goto done;
    /* the tie groups in two runs, cut at the first group boundary at or
     * after the middle (whatever the number of threads) */
    size_t h = m / 2;
    while (h > 0 && h < m && obs_same_value(sv[h], sv[h - 1])) h++;
    rank_job rj[2] = {{sv, yb, 0, h, 0, 0}, {sv, yb, h, m, 0, 0}};
    void *args[2] = {&rj[0], &rj[1]};
    obs_parallel_run(rank_job_run, args, 2, m >= 100000 ? obs_parallel_threads() : 1);
    const double n1 = rj[0].n1 + rj[1].n1, n0 = (double)m - n1;
    const double rank_sum = rj[0].rank_sum + rj[1].rank_sum;
    if (n1 > 0 && n0 > 0) auc = (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0);
done:
    free(sv); free(scr); free(yin); free(yb); free(vm);
    return auc;
}
