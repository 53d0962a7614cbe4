/*
 * obsurv/table.h — the columnar data table every reader fills.
 *
 * A table is n rows by k columns.  A column is numeric (double values) or a
 * factor (integer codes into a sorted level list).  Missing values are
 * first-class: `missing[i]` is 1 when row i is missing in that column (and
 * then num[i] is NaN, or codes[i] is -1).  Every row remembers the line of
 * the source file it started on, so later errors can name it.
 *
 * Factor levels are in byte order (C locale, strcmp), as R sorts them with
 * LC_ALL=C, except for labelled columns from Stata/SPSS/SAS files, whose
 * levels keep their value-label order (as haven::as_factor gives them).  Ownership: the table owns every array and string in it;
 * obs_table_free releases them all.
 */
#ifndef OBSURV_TABLE_H
#define OBSURV_TABLE_H

#include <stddef.h>
#include "obsurv/error.h"

typedef enum { OBS_COL_NUMERIC = 0, OBS_COL_FACTOR = 1 } obs_col_type;

typedef struct {
    char *name;
    char *label;            /* variable label (ReadStat) or NULL */
    obs_col_type type;
    double *num;            /* OBS_COL_NUMERIC: n values, NaN where missing */
    int *codes;             /* OBS_COL_FACTOR: n codes in [0, nlevels), -1 missing */
    char **levels;          /* OBS_COL_FACTOR: nlevels level strings, sorted */
    size_t nlevels;
    unsigned char *missing; /* n flags: 1 = missing */
    size_t nmissing;        /* number of missing values */
    unsigned char all_finite; /* OBS_COL_NUMERIC: 1 when every value is known
                               * finite (no missing, NaN or Inf: the CSV reader
                               * knows it without a scan); 0 = not known */
} obs_column;

typedef struct {
    size_t nrow, ncol;
    obs_column *cols;       /* ncol columns */
    size_t *line;           /* nrow: 1-based source line where each row starts */
    char *source;           /* file name used in messages ("<stdin>", path) */
} obs_table;

/* Create an empty table with ncol columns and room for nrow rows (line[]
 * allocated, all 0); columns are zeroed (no name, no arrays yet).  Caller
 * owns the result (obs_table_free).  NULL when out of memory. */
obs_table *obs_table_new(size_t nrow, size_t ncol, const char *source);

/* Release a table and everything it owns.  Accepts NULL and nulls *t. */
void obs_table_free(obs_table **t);

/* Index of the column called name, or -1. */
long obs_table_find(const obs_table *t, const char *name);

/* Convenience: the column called name, or NULL. */
const obs_column *obs_table_column(const obs_table *t, const char *name);

/* A factor column's code for a level string, or -1. */
int obs_column_level_code(const obs_column *c, const char *level);

/* Give column j of t (t->nrow rows) a name and a type, allocating its arrays:
 * numeric values all NaN and missing flags 0, or factor codes all -1 with a
 * copy of the nlevels level strings (which must already be sorted by strcmp).
 * Fill num/codes and missing, then set nmissing.  Any previous contents of
 * the column are released.  For readers other than CSV.  OBS_ENOMEM on
 * failure (the table stays freeable). */
obs_status obs_column_init_numeric(obs_table *t, size_t j, const char *name,
                                   obs_error *err);
obs_status obs_column_init_factor(obs_table *t, size_t j, const char *name,
                                  const char *const *levels, size_t nlevels,
                                  obs_error *err);

/* Build a table with the rows rows[0..m-1] of t (in that order); all columns
 * are kept, factor levels unchanged.  Caller owns the result. */
obs_table *obs_table_subset(const obs_table *t, const size_t *rows, size_t m,
                            obs_error *err);

#endif
