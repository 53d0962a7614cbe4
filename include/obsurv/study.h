/*
 * obsurv/study.h — a whole observational study from one YAML specification.
 *
 * A study spec names the data, the treatment and its two arms, the outcome,
 * the baseline variables, the propensity model with its matching, the Cox
 * models, the survival time points and the subgroups (see
 * examples/nelm/study.yaml for every key).  obs_study_spec_load parses and
 * checks it; every error names the line of the YAML file.  The runner
 * (obs_study_run, study_run.c) executes it and fills an obs_study_result
 * that the report writer (study_report.c) renders as HTML, JSON, CSV and
 * figures.
 */
#ifndef OBSURV_STUDY_H
#define OBSURV_STUDY_H

#include <stddef.h>
#include "obsurv/error.h"

typedef struct {
    char *name;
    char *formula;            /* R-style, may use ps, center, subclass */
    int matched;              /* 0: full cohort, 1: the matched cohort */
    char *ties;               /* efron (default), breslow, exact */
    int line;                 /* line in the YAML file */
} obs_study_cox;

typedef struct {
    char *column;
    char *value;              /* the level (or number, as text) selected */
} obs_study_condition;

typedef struct {
    char *name;
    obs_study_condition *where;   /* all must hold */
    size_t nwhere;
    int line;
} obs_study_subgroup;

typedef struct {
    char *path;               /* YAML file (for messages and relative paths) */
    char *title;
    char *data;               /* data file, resolved against the spec's folder */
    char *table, *query;      /* SQLite source */
    char *id, *center;        /* optional columns */
    char *treatment;          /* column */
    char *arms[2];            /* [0] the reference (control) arm, [1] the treated arm */
    char *time, *event;
    char *time_unit;          /* "months" (default) */
    char **baseline; size_t nbaseline;
    char **nonnormal; size_t nnonnormal;
    char **exact; size_t nexact;
    char **categorical; size_t ncategorical;
    char *ps_formula;         /* right-hand side "~ age + sex + ..." */
    char *match_method;       /* nearest | optimal | none */
    int match_ratio;
    double match_caliper;     /* NaN = none */
    char *match_distance;     /* ps | logit */
    int match_replace;
    double *times; size_t ntimes;   /* survival time points */
    double surv_at;           /* the time of surv_60 etc. (60) */
    int screen;               /* univariable Cox of every baseline variable */
    obs_study_cox *cox; size_t ncox;
    obs_study_subgroup *subgroups; size_t nsubgroups;
    char **interaction; size_t ninteraction;  /* variables for the interaction test */
    long min_cell;            /* disclosure control; 0 = off */
    unsigned long seed;
    double conf_level;
} obs_study_spec;

/* Parse and check the YAML file at path.  On success *out is owned by the
 * caller (obs_study_spec_free).  Errors are OBS_EUSAGE with
 * "PATH:LINE: message" (unknown key, wrong type, missing key). */
obs_status obs_study_spec_load(const char *path, obs_study_spec **out, obs_error *err);
void obs_study_spec_free(obs_study_spec **s);

#endif
