/*
 * obsurv/formula.h — R-style model formulas (the subset in spec/cli.md).
 *
 *   formula  := response "~" terms
 *   response := Surv(time, event) | Surv(start, stop, event) | column
 *   terms    := "1" | term { "+" term }
 *   term     := factor { ":" factor } | factor "*" factor
 *   factor   := column | factor(column) | strata(col{,col}) | cluster(column)
 *             | log(column) | offset(column)
 *
 * Also accepted, as R reads them: parentheses for grouping ("(a + b):c"),
 * chains "a*b*c" and "a*b:c" (":" binds tighter than "*", "*" than "+"),
 * "1 + a" (= a), back-quoted names ("`my var`").  Not supported (an
 * OBS_EUSAGE naming the column of the text): "-", "^", "/", "%in%", "0",
 * functions other than those above, expressions inside a function.
 *
 * Parsing only: no data is touched.  Terms are stored as R's terms.formula
 * orders them (by interaction order, then by appearance; `a*b` expands to
 * a + b + a:b; duplicates dropped).  strata(), cluster() and offset() are
 * "specials" kept apart from the terms.
 */
#ifndef OBSURV_FORMULA_H
#define OBSURV_FORMULA_H

#include <stddef.h>
#include "obsurv/error.h"

typedef enum {
    OBS_RESP_NONE = 0,      /* "~ x" with nothing on the left */
    OBS_RESP_COLUMN,        /* y ~ ...               vars[0] = y */
    OBS_RESP_SURV,          /* Surv(time, event)     vars = time, event */
    OBS_RESP_SURV_COUNTING  /* Surv(start, stop, event) */
} obs_response_kind;

typedef enum {
    OBS_VAR_COLUMN = 0,     /* x        */
    OBS_VAR_FACTOR,         /* factor(x): numeric column treated as a factor */
    OBS_VAR_LOG,            /* log(x)   */
    OBS_VAR_STRATA,         /* strata(a, b, ...)  (special) */
    OBS_VAR_CLUSTER,        /* cluster(id)        (special) */
    OBS_VAR_OFFSET          /* offset(x)          (special) */
} obs_var_kind;

/* One factor of a term: a column, or a function of columns. */
typedef struct {
    obs_var_kind kind;
    char **columns;         /* ncolumns column names (several only for strata) */
    size_t ncolumns;
    char *text;             /* as R deparses it: "age", "factor(grade)", "log(bili)" */
} obs_formula_var;

typedef struct {
    obs_formula_var *vars;  /* nvars factors joined by ':' */
    size_t nvars;
    char *label;            /* R's term label: "age", "sex:age" */
} obs_formula_term;

typedef struct {
    obs_response_kind response;
    char *response_columns[3];  /* 1 (column), 2 (Surv) or 3 (counting) names */
    size_t nresponse;
    obs_formula_term *terms;    /* ordinary terms, R's order */
    size_t nterms;
    obs_formula_var *specials;  /* strata / cluster / offset, in order written */
    size_t nspecials;
    char *text;                 /* the formula as given */
} obs_formula;

/* Parse text.  On success *out is a new formula owned by the caller
 * (obs_formula_free).  Errors are OBS_EUSAGE with a message naming the
 * offending token and its 1-based position, e.g.
 *   formula: unbalanced parenthesis at column 12 in "Surv(time, status ~ age" */
obs_status obs_formula_parse(const char *text, obs_formula **out, obs_error *err);

void obs_formula_free(obs_formula **f);

#endif
