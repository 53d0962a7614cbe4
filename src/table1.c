/*
 * table1.c — baseline characteristics by group, as tableone's CreateTableOne
 * (see obsurv/table1.h for what is computed and which R function each number
 * matches).  Tests are in htest.c and fisher.c.
 *
 * Flow: resolve the options to columns; code each row's group (rows with a
 * missing group are dropped); then per variable: summaries per group and
 * overall, the test, the standardised mean differences.
 *
 * Verified against R 4.2.2 (base stats; tableone's formulas rebuilt in base
 * R, since tableone is not installed) by tests/r/table1.R ->
 * tests/golden/table1/, at 1e-6 relative.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include "obsurv/table1.h"

const char *obs_t1_test_name(obs_t1_test test)
{
    switch (test) {
    case OBS_T1_TEST_ANOVA: return "anova";
    case OBS_T1_TEST_KRUSKAL: return "kruskal";
    case OBS_T1_TEST_CHISQ: return "chisq";
    case OBS_T1_TEST_FISHER: return "fisher";
    default: return NULL;
    }
}

static char *t1_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static int in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}

static int dbl_cmp(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* Label of a numeric value as R's as.character shows a factor level:
 * up to 15 significant digits. */
static void num_label(double v, char *buf, size_t len)
{
    snprintf(buf, len, "%.15g", v);
}

/*
 * Distinct non-missing values of a numeric column over the used rows, sorted
 * (the levels of R's factor()).  *out malloc'd (caller frees), *n its length.
 */
static int distinct_values(const double *x, const int *grp, size_t nrow, double **out, size_t *n)
{
    double *v = malloc((nrow ? nrow : 1) * sizeof *v);
    if (!v)
        return -1;
    size_t m = 0;
    for (size_t r = 0; r < nrow; r++)
        if (!isnan(x[r]) && (!grp || grp[r] >= 0))
            v[m++] = x[r];
    qsort(v, m, sizeof *v, dbl_cmp);
    size_t w = 0;
    for (size_t i = 0; i < m; i++)
        if (w == 0 || v[i] != v[w - 1])
            v[w++] = v[i];
    *out = v;
    *n = w;
    return 0;
}

/* Index of v in the sorted distinct array d[0..n-1], or -1. */
static long find_value(const double *d, size_t n, double v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < n && d[lo] == v) ? (long)lo : -1;
}

/* R's quantile(x, p, type = 7) of sorted x[0..n-1]: index h = 1 + (n-1) p,
 * (1 - f) x[lo] + f x[hi] with f the fractional part (as R writes it). */
static double quantile7(const double *x, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double index = 1.0 + (double)(n - 1) * p;
    double lo = floor(index), hi = ceil(index);
    double qs = x[(size_t)lo - 1];
    double h = index - lo;
    if (index > lo && x[(size_t)hi - 1] != qs)
        qs = (1.0 - h) * qs + h * x[(size_t)hi - 1];
    return qs;
}

/*
 * Continuous summary of the values v[0..m-1] (non-missing, unsorted; sorted
 * in place).  mean: two passes (sum / n, then the mean residual added, as R's
 * mean); sd with n - 1; median and quartiles as R's median and quantile.
 */
static void summarise(double *v, size_t m, double missing, obs_t1_summary *s)
{
    s->n = (double)m;
    s->missing = missing;
    s->mean = s->sd = s->median = s->q1 = s->q3 = NAN;
    if (m == 0)
        return;
    double sum = 0.0;
    for (size_t i = 0; i < m; i++)
        sum += v[i];
    double mean = sum / (double)m, corr = 0.0;
    for (size_t i = 0; i < m; i++)
        corr += v[i] - mean;
    mean += corr / (double)m;
    s->mean = mean;
    if (m > 1) {
        double ss = 0.0;
        for (size_t i = 0; i < m; i++)
            ss += (v[i] - mean) * (v[i] - mean);
        s->sd = sqrt(ss / (double)(m - 1));
    }
    qsort(v, m, sizeof *v, dbl_cmp);
    s->median = (m % 2) ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2.0;
    s->q1 = quantile7(v, m, 0.25);
    s->q3 = quantile7(v, m, 0.75);
}

/* Continuous SMD of two groups: |m1 - m2| / sqrt((v1 + v2) / 2); 0 when the
 * difference and both variances are 0 (tableone's StdDiff). */
static double smd_continuous(const obs_t1_summary *a, const obs_t1_summary *b)
{
    double d = a->mean - b->mean;
    double va = a->sd * a->sd, vb = b->sd * b->sd;
    double pooled = (va + vb) / 2.0;
    if (d == 0.0 && pooled == 0.0)
        return 0.0;
    return fabs(d / sqrt(pooled));
}

/*
 * Categorical SMD of two groups (Yang & Dalton 2012): with p, q the level
 * proportions of the two groups without the first level (k = L - 1 of them;
 * all L when L = 1), S = (diag(p) - pp' + diag(q) - qq') / 2 and d = p - q,
 * SMD = sqrt(d' S^+ d).  S^+ is the Moore-Penrose inverse from the eigen
 * decomposition of the symmetric S, keeping eigenvalues above
 * sqrt(DBL_EPSILON) times the largest (MASS::ginv's tolerance).  An all-zero
 * S gives 0 when d = 0 and NaN otherwise (tableone).
 * Allocates two k x k GSL matrices per call.  Returns NaN on GSL failure.
 */
static double smd_categorical(const double *p, const double *q, size_t k)
{
    int zero_s = 1, zero_d = 1;
    for (size_t i = 0; i < k; i++) {
        if (isnan(p[i]) || isnan(q[i]))
            return NAN;
        if (p[i] != q[i])
            zero_d = 0;
    }
    gsl_matrix *S = gsl_matrix_alloc(k, k), *V = gsl_matrix_alloc(k, k);
    gsl_vector *ev = gsl_vector_alloc(k);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(k);
    double out = NAN;
    if (!S || !V || !ev || !w)
        goto done;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) {
            double s = -(p[i] * p[j] + q[i] * q[j]) / 2.0;
            if (i == j)
                s = (p[i] * (1.0 - p[i]) + q[i] * (1.0 - q[i])) / 2.0;
            if (s != 0.0)
                zero_s = 0;
            gsl_matrix_set(S, i, j, s);
        }
    if (zero_s) {
        out = zero_d ? 0.0 : NAN;
        goto done;
    }
    if (gsl_eigen_symmv(S, ev, V, w))
        goto done;
    double emax = 0.0;
    for (size_t i = 0; i < k; i++)
        if (gsl_vector_get(ev, i) > emax)
            emax = gsl_vector_get(ev, i);
    double tol = sqrt(2.220446049250313e-16) * emax, md = 0.0;
    for (size_t e = 0; e < k; e++) {
        double lam = gsl_vector_get(ev, e);
        if (!(lam > tol))
            continue;
        double proj = 0.0;   /* v_e' d */
        for (size_t i = 0; i < k; i++)
            proj += gsl_matrix_get(V, i, e) * (p[i] - q[i]);
        md += proj * proj / lam;
    }
    out = sqrt(md);
done:
    gsl_matrix_free(S);
    gsl_matrix_free(V);
    gsl_vector_free(ev);
    if (w)
        gsl_eigen_symmv_free(w);
    return out;
}

static void row_free(obs_table1_row *r)
{
    free(r->variable);
    free(r->smd_pairs);
    free(r->summary);
    if (r->levels)
        for (size_t i = 0; i < r->nlevels; i++)
            free(r->levels[i]);
    free(r->levels);
    free(r->counts);
    free(r->percent);
    free(r->missing);
    free(r->hidden);
}

void obs_table1_free(obs_table1 **tp)
{
    if (!tp || !*tp)
        return;
    obs_table1 *t = *tp;
    free(t->by);
    if (t->groups)
        for (size_t g = 0; g < t->ngroups; g++)
            free(t->groups[g]);
    free(t->groups);
    free(t->group_n);
    free(t->group_hidden);
    if (t->rows)
        for (size_t i = 0; i < t->nrows; i++)
            row_free(&t->rows[i]);
    free(t->rows);
    obs_warnings_free(&t->warnings);
    free(t);
    *tp = NULL;
}

/* Set the pairwise SMDs and their mean; pair(a, b) fills one. */
static int smd_pairs_alloc(obs_table1_row *row, size_t ngroups)
{
    row->smd = NAN;
    row->npairs = ngroups >= 2 ? ngroups * (ngroups - 1) / 2 : 0;
    if (row->npairs == 0)
        return 0;
    row->smd_pairs = malloc(row->npairs * sizeof *row->smd_pairs);
    return row->smd_pairs ? 0 : -1;
}

static void smd_mean(obs_table1_row *row)
{
    if (row->npairs == 0)
        return;
    double s = 0.0;
    for (size_t i = 0; i < row->npairs; i++)
        s += row->smd_pairs[i];
    row->smd = s / (double)row->npairs;
}

/* Continuous variable: summaries, test, SMDs.  scratch holds nrow doubles. */
static obs_status build_continuous(const obs_table1 *t1, const obs_column *c, const int *grp,
                                   size_t nrow, int nonnormal, obs_table1_row *row,
                                   double *scratch, obs_warnings *warn, obs_error *err)
{
    size_t G = t1->ngroups;
    row->type = OBS_T1_CONTINUOUS;
    row->nonnormal = nonnormal;
    row->summary = calloc(G + 1, sizeof *row->summary);
    if (!row->summary || smd_pairs_alloc(row, G))
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    for (size_t g = 0; g <= G; g++) {
        size_t m = 0;
        double miss = 0.0;
        for (size_t r = 0; r < nrow; r++) {
            if (grp[r] < 0 || (g < G && (size_t)grp[r] != g))
                continue;
            if (c->missing[r] || isnan(c->num[r]))
                miss += 1.0;
            else
                scratch[m++] = c->num[r];
        }
        summarise(scratch, m, miss, &row->summary[g]);
    }
    row->test = OBS_T1_TEST_NONE;
    row->result = (obs_htest){NAN, NAN, NAN, NAN};
    if (G < 2)
        return OBS_OK;
    row->test = nonnormal ? OBS_T1_TEST_KRUSKAL : OBS_T1_TEST_ANOVA;
    obs_error terr;
    obs_error_clear(&terr);
    obs_status st = nonnormal ? obs_kruskal_test(c->num, grp, nrow, G, &row->result, &terr)
                              : obs_oneway_test(c->num, grp, nrow, G, &row->result, &terr);
    if (st == OBS_ENOMEM)
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    if (st != OBS_OK && obs_warnings_add(warn, "%s: no P value: %s", row->variable, terr.msg))
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t a = 0; a < G; a++)
        for (size_t b = a + 1; b < G; b++)
            row->smd_pairs[k++] = smd_continuous(&row->summary[a], &row->summary[b]);
    smd_mean(row);
    return OBS_OK;
}

/* Categorical variable: codes[r] in [0, L) or -1 (missing); labels owned by
 * the caller and copied. */
static obs_status build_categorical(const obs_table1 *t1, const int *codes, char **labels,
                                    size_t L, const int *grp, size_t nrow, int exact,
                                    obs_table1_row *row, obs_warnings *warn, obs_error *err)
{
    size_t G = t1->ngroups, W = G + 1;
    row->type = OBS_T1_CATEGORICAL;
    row->nlevels = L;
    row->levels = calloc(L ? L : 1, sizeof *row->levels);
    row->counts = calloc((L ? L : 1) * W, sizeof *row->counts);
    row->percent = calloc((L ? L : 1) * W, sizeof *row->percent);
    row->missing = calloc(W, sizeof *row->missing);
    double *nonmiss = calloc(W, sizeof *nonmiss);
    obs_status rc = OBS_OK;
    if (!row->levels || !row->counts || !row->percent || !row->missing || !nonmiss
        || smd_pairs_alloc(row, G)) {
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t l = 0; l < L; l++)
        if (!(row->levels[l] = t1_strdup(labels[l]))) {
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
            goto done;
        }
    for (size_t r = 0; r < nrow; r++) {
        if (grp[r] < 0)
            continue;
        if (codes[r] < 0) {
            row->missing[grp[r]] += 1.0;
            row->missing[G] += 1.0;
        } else {
            row->counts[(size_t)codes[r] * W + (size_t)grp[r]] += 1.0;
            row->counts[(size_t)codes[r] * W + G] += 1.0;
            nonmiss[grp[r]] += 1.0;
            nonmiss[G] += 1.0;
        }
    }
    for (size_t l = 0; l < L; l++)
        for (size_t g = 0; g < W; g++)
            row->percent[l * W + g] = nonmiss[g] > 0 ? 100.0 * row->counts[l * W + g] / nonmiss[g]
                                                     : NAN;
    row->test = OBS_T1_TEST_NONE;
    row->result = (obs_htest){NAN, NAN, NAN, NAN};
    if (G < 2)
        goto done;
    row->test = exact ? OBS_T1_TEST_FISHER : OBS_T1_TEST_CHISQ;
    if (L < 2) {
        /* tableone: a one-row cross table gives NA */
        if (obs_warnings_add(warn, "%s: no P value: only one level", row->variable))
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
    } else {
        /* the levels x groups cross table, as xtabs(~ var + strata) */
        double *xd = malloc(L * G * sizeof *xd);
        long *xl = malloc(L * G * sizeof *xl);
        if (!xd || !xl) {
            free(xd);
            free(xl);
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t l = 0; l < L; l++)
            for (size_t g = 0; g < G; g++) {
                xd[l * G + g] = row->counts[l * W + g];
                xl[l * G + g] = (long)row->counts[l * W + g];
            }
        obs_error terr;
        obs_error_clear(&terr);
        obs_status st = exact ? obs_fisher_test(xl, L, G, &row->result, &terr)
                              : obs_chisq_test(xd, L, G, 1, &row->result, &terr);
        free(xd);
        free(xl);
        if (st == OBS_ENOMEM) {
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
            goto done;
        }
        if (st != OBS_OK && obs_warnings_add(warn, "%s: no P value: %s", row->variable, terr.msg)) {
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
            goto done;
        }
        if (st == OBS_OK && isnan(row->result.p)
            && obs_warnings_add(warn, "%s: no P value: a level or group has no observations",
                                row->variable)) {
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
            goto done;
        }
    }
    {
        /* SMDs on the proportions without the first level (all when L == 1) */
        size_t k = L > 1 ? L - 1 : L, off = L > 1 ? 1 : 0, pair = 0;
        double *pa = malloc((2 * k + 1) * sizeof *pa), *pb = pa ? pa + k : NULL;
        if (!pa) {
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t a = 0; a < G; a++)
            for (size_t b = a + 1; b < G; b++) {
                for (size_t i = 0; i < k; i++) {
                    /* proportions as counts / n, as prop.table */
                    pa[i] = nonmiss[a] > 0 ? row->counts[(i + off) * W + a] / nonmiss[a] : NAN;
                    pb[i] = nonmiss[b] > 0 ? row->counts[(i + off) * W + b] / nonmiss[b] : NAN;
                }
                row->smd_pairs[pair++] = k ? smd_categorical(pa, pb, k) : NAN;
            }
        free(pa);
        smd_mean(row);
    }
done:
    free(nonmiss);
    return rc;
}

/* Codes and labels of a categorical variable from column c (over all rows of
 * the table, as R's factor() sees the whole column).  *labels and its
 * strings are malloc'd; *codes malloc'd. */
static obs_status categorical_codes(const obs_column *c, size_t nrow, int **codes,
                                    char ***labels, size_t *L, obs_error *err)
{
    *codes = malloc((nrow ? nrow : 1) * sizeof **codes);
    *labels = NULL;
    *L = 0;
    if (!*codes)
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    if (c->type == OBS_COL_FACTOR) {
        *labels = calloc(c->nlevels ? c->nlevels : 1, sizeof **labels);
        if (!*labels)
            return obs_error_set(err, OBS_ENOMEM, "out of memory");
        for (size_t l = 0; l < c->nlevels; l++)
            if (!((*labels)[l] = t1_strdup(c->levels[l])))
                return obs_error_set(err, OBS_ENOMEM, "out of memory");
        *L = c->nlevels;
        for (size_t r = 0; r < nrow; r++)
            (*codes)[r] = c->missing[r] ? -1 : c->codes[r];
        return OBS_OK;
    }
    double *d = NULL;
    size_t n = 0;
    if (distinct_values(c->num, NULL, nrow, &d, &n))
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    *labels = calloc(n ? n : 1, sizeof **labels);
    if (!*labels) {
        free(d);
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    }
    *L = n;
    for (size_t l = 0; l < n; l++) {
        char buf[64];
        num_label(d[l], buf, sizeof buf);
        if (!((*labels)[l] = t1_strdup(buf))) {
            free(d);
            return obs_error_set(err, OBS_ENOMEM, "out of memory");
        }
    }
    for (size_t r = 0; r < nrow; r++)
        (*codes)[r] = (c->missing[r] || isnan(c->num[r])) ? -1 : (int)find_value(d, n, c->num[r]);
    free(d);
    return OBS_OK;
}

static void free_labels(char **labels, size_t L)
{
    if (labels)
        for (size_t l = 0; l < L; l++)
            free(labels[l]);
    free(labels);
}

/* Group codes of the rows: grp[r] in [0, ngroups) or -1 (missing). */
static obs_status group_rows(const obs_table *t, obs_table1 *t1, int *grp, obs_error *err)
{
    size_t nrow = t->nrow;
    if (!t1->by) {
        t1->ngroups = 1;
        t1->groups = calloc(1, sizeof *t1->groups);
        if (!t1->groups || !(t1->groups[0] = t1_strdup("Overall")))
            return obs_error_set(err, OBS_ENOMEM, "out of memory");
        for (size_t r = 0; r < nrow; r++)
            grp[r] = 0;
        return OBS_OK;
    }
    const obs_column *c = obs_table_column(t, t1->by);
    int *codes = NULL;
    char **labels = NULL;
    size_t L = 0;
    obs_status rc = categorical_codes(c, nrow, &codes, &labels, &L, err);
    if (rc) {
        free(codes);
        free_labels(labels, L);
        return rc;
    }
    /* keep the levels that occur (R's by() on the observed values) */
    size_t *map = calloc(L ? L : 1, sizeof *map);
    if (!map) {
        free(codes);
        free_labels(labels, L);
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    }
    for (size_t r = 0; r < nrow; r++)
        if (codes[r] >= 0)
            map[codes[r]] = 1;
    size_t G = 0;
    for (size_t l = 0; l < L; l++)
        map[l] = map[l] ? ++G : 0;
    t1->ngroups = G;
    t1->groups = calloc(G ? G : 1, sizeof *t1->groups);
    if (!t1->groups)
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
    for (size_t l = 0; l < L && !rc; l++)
        if (map[l]) {
            t1->groups[map[l] - 1] = labels[l];
            labels[l] = NULL;
        }
    for (size_t r = 0; r < nrow; r++)
        grp[r] = codes[r] >= 0 ? (int)map[codes[r]] - 1 : -1;
    free(map);
    free(codes);
    free_labels(labels, L);
    return rc;
}

obs_status obs_table1_build(const obs_table *t, const obs_table1_spec *spec,
                            obs_table1 **out, obs_error *err)
{
    *out = NULL;
    obs_status rc = OBS_OK;
    const char *by = spec->by;
    if (by && obs_table_find(t, by) < 0)
        return obs_error_set(err, OBS_EUSAGE, "%s: --by: column \"%s\" not found",
                             t->source ? t->source : "data", by);
    /* option lists must name existing columns */
    const char *const *lists[3] = {spec->nonnormal, spec->exact, spec->categorical};
    size_t nlists[3] = {spec->nnonnormal, spec->nexact, spec->ncategorical};
    const char *optname[3] = {"--nonnormal", "--exact", "--categorical"};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < nlists[k]; i++)
            if (obs_table_find(t, lists[k][i]) < 0)
                return obs_error_set(err, OBS_EUSAGE, "%s: %s: column \"%s\" not found",
                                     t->source ? t->source : "data", optname[k], lists[k][i]);
    for (size_t i = 0; i < spec->nvars; i++) {
        if (obs_table_find(t, spec->vars[i]) < 0)
            return obs_error_set(err, OBS_EUSAGE, "%s: --vars: column \"%s\" not found",
                                 t->source ? t->source : "data", spec->vars[i]);
        if (by && strcmp(spec->vars[i], by) == 0)
            return obs_error_set(err, OBS_EUSAGE,
                                 "--vars: column \"%s\" is the grouping column (--by)", by);
    }
    size_t nvars = spec->vars ? spec->nvars : t->ncol - (by ? 1 : 0);
    if (nvars == 0)
        return obs_error_set(err, OBS_EUSAGE, "table1: no variables to describe");

    obs_table1 *t1 = calloc(1, sizeof *t1);
    int *grp = malloc((t->nrow ? t->nrow : 1) * sizeof *grp);
    double *scratch = malloc((t->nrow ? t->nrow : 1) * sizeof *scratch);
    if (!t1 || !grp || !scratch) {
        free(t1);
        free(grp);
        free(scratch);
        return obs_error_set(err, OBS_ENOMEM, "out of memory");
    }
    obs_warnings_init(&t1->warnings);
    if (by && !(t1->by = t1_strdup(by))) {
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = group_rows(t, t1, grp, err)))
        goto fail;
    size_t G = t1->ngroups;
    t1->group_n = calloc(G + 1, sizeof *t1->group_n);
    t1->rows = calloc(nvars, sizeof *t1->rows);
    if (!t1->group_n || !t1->rows) {
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t r = 0; r < t->nrow; r++) {
        if (grp[r] < 0) {
            t1->n_dropped++;
            continue;
        }
        t1->group_n[grp[r]] += 1.0;
        t1->group_n[G] += 1.0;
    }
    if (t1->n_dropped
        && obs_warnings_add(&t1->warnings, "%zu rows dropped: missing values in %s (%zu)",
                            t1->n_dropped, by, t1->n_dropped)) {
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
        goto fail;
    }

    for (size_t v = 0, col = 0; v < nvars; v++) {
        const obs_column *c;
        if (spec->vars) {
            c = obs_table_column(t, spec->vars[v]);
        } else {
            while (by && strcmp(t->cols[col].name, by) == 0)
                col++;
            c = &t->cols[col++];
        }
        obs_table1_row *row = &t1->rows[t1->nrows++];
        if (!(row->variable = t1_strdup(c->name))) {
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
            goto fail;
        }
        int categorical = c->type == OBS_COL_FACTOR
                          || in_list(c->name, spec->categorical, spec->ncategorical);
        int nonnormal = in_list(c->name, spec->nonnormal, spec->nnonnormal);
        int exact = in_list(c->name, spec->exact, spec->nexact);
        if (categorical && nonnormal) {
            rc = obs_error_set(err, OBS_EUSAGE,
                               "--nonnormal: column \"%s\" is categorical (only continuous "
                               "variables have a median [IQR])", c->name);
            goto fail;
        }
        if (!categorical && exact) {
            rc = obs_error_set(err, OBS_EUSAGE,
                               "--exact: column \"%s\" is continuous (add it to --categorical "
                               "to test its values with Fisher's exact test)", c->name);
            goto fail;
        }
        if (!categorical) {
            /* An infinite value (1e999 in the file) would make the mean and SD
             * NaN without a word; name the row instead (issue 8). */
            for (size_t r = 0; r < t->nrow && !rc; r++)
                if (grp[r] >= 0 && !c->missing[r] && isinf(c->num[r]))
                    rc = obs_error_set(err, OBS_EDATA,
                                       "%s:%zu: column \"%s\": value is infinite (%s); a "
                                       "continuous variable needs finite numbers",
                                       t->source ? t->source : "<data>", t->line ? t->line[r] : r + 1,
                                       c->name, c->num[r] > 0 ? "Inf" : "-Inf");
            if (rc)
                goto fail;
            rc = build_continuous(t1, c, grp, t->nrow, nonnormal, row, scratch,
                                  &t1->warnings, err);
        } else {
            int *codes = NULL;
            char **labels = NULL;
            size_t L = 0;
            rc = categorical_codes(c, t->nrow, &codes, &labels, &L, err);
            if (!rc)
                rc = build_categorical(t1, codes, labels, L, grp, t->nrow, exact, row,
                                       &t1->warnings, err);
            free(codes);
            free_labels(labels, L);
        }
        if (rc)
            goto fail;
    }
    free(grp);
    free(scratch);
    *out = t1;
    return OBS_OK;
fail:
    free(grp);
    free(scratch);
    obs_table1_free(&t1);
    return rc;
}
