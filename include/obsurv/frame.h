/*
 * obsurv/frame.h — a model frame: a formula applied to a table.
 *
 * The frame is what every estimator reads: the response (survival times and
 * events, or a 0/1 outcome), the design matrix with R's dummy coding and
 * column names, strata, cluster, case weights and offset, all restricted to
 * the rows complete in every variable used.  Rows with a missing value are
 * dropped and counted, per variable (first missing variable in formula order
 * gets the row), so that n_used + n_dropped == n_read always holds.
 *
 * Dummy coding follows R's model.matrix with treatment contrasts: a factor
 * main effect gives one column per non-reference level, named term text +
 * level ("sexm", "factor(grade)3"); in an interaction a factor gets contrasts
 * when the term without it is in the model, full indicator coding otherwise
 * (R's marginality rule).  Numeric columns keep their name; log(x) is the
 * natural log (x <= 0 is an error naming the row).
 *
 * Event coding follows R's Surv: 0/1 (1 = event), 1/2 (2 = event), or
 * TRUE/FALSE; anything else is OBS_EDATA naming the row and value.
 * Times must be finite, and >= 0 in Surv(time, event) (R accepts -1 and
 * Inf; here they are OBS_EDATA naming the row); a start may be negative.
 * With OBS_FRAME_DESIGN a numeric column in a term, log() or offset() must
 * be finite in the used rows (1e999 reads as Inf): OBS_EDATA naming the row,
 * column and term.
 *
 * Levels are what R makes of data read by read.csv: a text column becomes a
 * factor after incomplete rows are dropped (levels present in the used
 * rows, C-locale order); factor(x) is evaluated on the whole table (levels
 * of every non-missing x, in numeric order, named as R's as.character), and
 * its levels absent from the used rows are kept as all-zero columns (coxph,
 * which then reports NA) or dropped (glm: intercept = 1 or
 * drop_unused_levels).  A factor with fewer than 2 levels is OBS_EDATA.
 *
 * Missing rows are counted against the first missing variable in the order:
 * response columns, term variables (term order), strata(), cluster(),
 * offset(), weights, spec->extra.
 *
 * Groups (OBS_FRAME_GROUPS) are the RHS terms cross-classified, named and
 * ordered as survfit/survdiff print them: "sex=1", "sex=1, ph.ecog=0"
 * (variables after the first padded to a common width, as survival's
 * strata() does: "sex=1, ph.karno=50 ", "sex=1, ph.karno=100"); only
 * combinations that occur; "all" for ~ 1.  Strata names are those coxph
 * uses: "sex=1", "sex=1, ph.ecog=0" for strata(sex, ph.ecog), bare levels
 * for text columns (strata(celltype) -> "adeno"), several strata() terms
 * joined by ", ".
 */
#ifndef OBSURV_FRAME_H
#define OBSURV_FRAME_H

#include <stddef.h>
#include "obsurv/error.h"
#include "obsurv/table.h"
#include "obsurv/formula.h"

/* What the estimator needs from the formula. */
typedef enum {
    OBS_FRAME_DESIGN = 0,  /* RHS terms -> design matrix (cox, logit, match) */
    OBS_FRAME_GROUPS       /* RHS terms -> groups, cross-classified (km, logrank) */
} obs_frame_rhs;

typedef struct {
    obs_frame_rhs rhs;
    int intercept;           /* design: add an "(Intercept)" column first (logit) */
    int response_required;   /* 0: any; else the obs_response_kind set required:
                                OBS_FRAME_NEED_SURV accepts both Surv forms,
                                OBS_FRAME_NEED_BINARY a 0/1 column */
    const char *weights;     /* case-weight column or NULL */
    const char *const *extra;/* NULL-terminated list of further columns whose
                                missing values also drop the row, or NULL */
    int drop_unused_levels;  /* 1: factor() levels absent from the used rows
                                are dropped (R's glm); 0: kept, giving an
                                all-zero design column (R's coxph).  A spec
                                with intercept = 1 (glm) always drops. */
    int borrow_columns;      /* design only.  0: x holds every column, n x p
                                (xcol[j] = x + j*n).  1: a design column that
                                is one plain numeric variable ("age", not
                                log(age), factor(age) or age:sex) is not
                                copied when every table row is used in order:
                                xcol[j] is the table's own column, and x holds
                                only the other columns.  Consumers of such a
                                frame must read xcol, never x as n x p, and
                                the table must outlive the frame. */
} obs_frame_spec;

#define OBS_FRAME_NEED_SURV   1
#define OBS_FRAME_NEED_BINARY 2

typedef struct {
    char *variable;          /* column (or term) whose missing value dropped rows */
    char *reason;            /* "missing value", "invalid time", ... */
    size_t count;
} obs_exclusion;

typedef struct {
    size_t n;                /* rows used */
    size_t n_read;           /* rows in the table */
    size_t n_dropped;        /* n_read - n */
    obs_exclusion *exclusions; size_t nexclusions;
    size_t *row;             /* n: 0-based table row of each used row */

    obs_response_kind response;
    double *time;            /* survival: stop time (n); NULL otherwise.  With
                                borrow_columns 1 and every row used, the
                                table's own column (time_borrowed 1: the
                                table must outlive the frame) */
    int time_borrowed;
    double *start;           /* counting process: start time (n); else NULL */
    int *status;             /* survival: 1 event, 0 censored (n) */
    double *y;               /* binary response 0/1 (n), else NULL */

    size_t p;                /* design columns */
    double *x;               /* the copied design columns, column-major:
                                with borrow_columns 0 all p of them, n x p,
                                x[j*n + i]; with borrow_columns 1 only those
                                not borrowed (read through xcol) */
    const double **xcol;     /* p column pointers, set whenever the RHS is a
                                design: column j is xcol[j][0..n-1], either
                                inside x or (borrow_columns 1) the table's
                                column.  Owned by the frame (the array, not
                                what a borrowed entry points to). */
    char **colnames;         /* p names as R's model.matrix */
    int *assign;             /* p: index of the term each column belongs to
                                (-1 for the intercept) */
    size_t nterms;
    char **term_labels;      /* nterms R term labels */

    int *group;              /* OBS_FRAME_GROUPS: n codes in [0, ngroups);
                                NULL with OBS_FRAME_DESIGN (and x, xcol NULL, p 0
                                with OBS_FRAME_GROUPS) */
    size_t ngroups;
    char **group_names;      /* "sex=1", "sex=1, ph.ecog=0"; "all" for ~ 1 */

    int *strata;             /* strata(): n codes in [0, nstrata), or NULL */
    size_t nstrata;
    char **strata_names;     /* as R: "sex=1" for one variable,
                                "sex=1, ph.ecog=0" for several */

    int *cluster;            /* cluster(): n codes, or NULL */
    size_t nclusters;

    double *weights;         /* n case weights or NULL (all 1) */
    double *offset;          /* n offsets or NULL (all 0) */
} obs_frame;

/* Apply formula f to table t as spec says.  On success *out is a new frame
 * owned by the caller (obs_frame_free); with spec->borrow_columns = 1 the
 * frame may point into t's columns, so t must outlive it.  Errors: unknown
 * column (OBS_EUSAGE, names the term), wrong response kind (OBS_EUSAGE), bad
 * event code or negative weight (OBS_EDATA, names file:line), no complete
 * rows (OBS_EDATA). */
obs_status obs_frame_build(const obs_table *t, const obs_formula *f,
                           const obs_frame_spec *spec, obs_frame **out,
                           obs_error *err);

void obs_frame_free(obs_frame **fr);

/* Write x as R's as.character() does for a double (15 significant digits,
 * fixed or scientific notation whichever is narrower): 100000 -> "1e+05",
 * 2.5 -> "2.5", 1/3 -> "0.333333333333333".  These are the level names of
 * factor(x).  buf of size >= 32 always suffices. */
void obs_format_number_r(double x, char *buf, size_t size);

#endif
