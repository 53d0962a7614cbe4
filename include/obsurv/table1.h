/*
 * obsurv/table1.h — baseline characteristics by group ("Table 1"), as R
 * tableone's CreateTableOne(vars, strata, data, factorVars) with
 * print(nonnormal =, exact =, smd = TRUE).
 *
 * Works on the table directly (not a model frame): rows with a missing
 * grouping value are left out (counted in n_dropped); each variable then
 * uses its own non-missing values, and its missing values are counted per
 * group.  Percentages are of the non-missing values, as tableone.
 *
 *   continuous  mean, SD (n - 1), median and quartiles (R quantile type 7);
 *               test: one-way ANOVA (oneway.test, var.equal = TRUE), or
 *               Kruskal-Wallis for --nonnormal ones;
 *               SMD |m1 - m2| / sqrt((v1 + v2) / 2).
 *   categorical counts and percentages per level (levels in byte order; a
 *               numeric column made categorical has its values as levels, in
 *               numeric order); test: chisq.test (Yates on 2 x 2), or
 *               fisher.test for --exact ones;
 *               SMD of Yang & Dalton (2012): sqrt(d' S^+ d), d the difference
 *               of the level proportions without the first level,
 *               S = (S1 + S2) / 2 with S_g = diag(p_g) - p_g p_g', S^+ the
 *               Moore-Penrose inverse (MASS::ginv).
 * With more than two groups the SMD is the mean of the pairwise SMDs (the
 * "average" tableone prints); the pairwise ones are kept too.  With fewer
 * than two groups there are no tests and no SMDs (NaN).
 */
#ifndef OBSURV_TABLE1_H
#define OBSURV_TABLE1_H

#include <stddef.h>
#include "obsurv/error.h"
#include "obsurv/table.h"
#include "obsurv/tests.h"

typedef enum { OBS_T1_CONTINUOUS = 0, OBS_T1_CATEGORICAL = 1 } obs_t1_type;

typedef enum {
    OBS_T1_TEST_NONE = 0,  /* fewer than two groups */
    OBS_T1_TEST_ANOVA,
    OBS_T1_TEST_KRUSKAL,
    OBS_T1_TEST_CHISQ,
    OBS_T1_TEST_FISHER
} obs_t1_test;

/* Options; every name list may be NULL with count 0. */
typedef struct {
    const char *by;                     /* grouping column, or NULL for overall only */
    const char *const *vars;            /* variables in order; NULL: every column but `by` */
    size_t nvars;
    const char *const *nonnormal;       /* continuous ones summarised by median [IQR] */
    size_t nnonnormal;
    const char *const *exact;           /* categorical ones tested with Fisher */
    size_t nexact;
    const char *const *categorical;     /* numeric columns to treat as categorical */
    size_t ncategorical;
} obs_table1_spec;

/* Continuous summary of one column (a group or overall). */
typedef struct {
    double n;        /* non-missing values */
    double missing;  /* missing values */
    double mean, sd, median, q1, q3;   /* NaN when undefined */
} obs_t1_summary;

typedef struct {
    char *variable;
    obs_t1_type type;
    int nonnormal;            /* continuous: summarised by median [IQR] */
    obs_t1_test test;
    obs_htest result;         /* p NaN when the test is undefined (see warnings) */
    double smd;               /* mean of the pairwise SMDs; NaN with < 2 groups */
    double *smd_pairs;        /* npairs: (0,1), (0,2), ..., (1,2), ... */
    size_t npairs;
    /* Columns of the summary: groups 0..ngroups-1, then overall at ngroups. */
    obs_t1_summary *summary;  /* continuous: ngroups + 1 */
    size_t nlevels;           /* categorical */
    char **levels;            /* nlevels labels */
    double *counts;           /* nlevels x (ngroups + 1), row-major */
    double *percent;          /* same shape: 100 * count / non-missing */
    double *missing;          /* ngroups + 1 missing counts (categorical) */
    unsigned char *hidden;    /* obs_table1_suppress: counts' shape, 1 = a count from 1
                                 to min_cell - 1, 2 = hidden so that one cannot be
                                 recovered; NULL when nothing is hidden */
} obs_table1_row;

typedef struct {
    char *by;                 /* NULL for overall only */
    size_t ngroups;
    char **groups;            /* ngroups level labels */
    double *group_n;          /* ngroups + 1 row counts (overall last) */
    size_t n_dropped;         /* rows left out: grouping value missing */
    size_t nrows;
    obs_table1_row *rows;
    obs_warnings warnings;    /* tests that could not be computed, ... */
    long min_cell;            /* disclosure control applied (obs_table1_suppress); 0 none */
    unsigned char *group_hidden; /* ngroups + 1 flags as obs_table1_row.hidden, or NULL */
    int n_dropped_hidden;     /* n_dropped is a count from 1 to min_cell - 1 */
} obs_table1;

/*
 * Build a Table 1 from t.  On success *out is a new result owned by the
 * caller (obs_table1_free).  Errors (OBS_EUSAGE, message naming the column):
 * an unknown column, `by` among the variables, --nonnormal on a categorical
 * variable, --exact or a test option on a continuous one, no variables.  A
 * test that cannot be computed (too few observations, a Fisher table over
 * the enumeration cap) is not an error: its p is NaN and a warning says why.
 */
obs_status obs_table1_build(const obs_table *t, const obs_table1_spec *spec,
                            obs_table1 **out, obs_error *err);

/* Disclosure control (table1_suppress.c): hide every count from 1 to
 * min_cell - 1 (group sizes, level counts with their percentages, the
 * summaries of a group with so few values, missing counts), then enough
 * further cells that no hidden one can be recovered by subtraction from a
 * margin.  Hidden values become NaN and t->min_cell is set; min_cell <= 0
 * does nothing.  Tests and SMDs are unchanged. */
obs_status obs_table1_suppress(obs_table1 *t, long min_cell, obs_error *err);

/* Release a result; accepts NULL and nulls *t. */
void obs_table1_free(obs_table1 **t);

/* "anova", "kruskal", "chisq", "fisher" or NULL for none. */
const char *obs_t1_test_name(obs_t1_test test);

#endif
