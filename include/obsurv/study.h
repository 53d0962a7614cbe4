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
#include <stdio.h>
#include "obsurv/error.h"
#include "obsurv/table.h"
#include "obsurv/frame.h"
#include "obsurv/km.h"
#include "obsurv/logrank.h"
#include "obsurv/table1.h"
#include "obsurv/cox.h"
#include "obsurv/logit.h"
#include "obsurv/match.h"
#include "obsurv/balance.h"

typedef struct {
    char *column;
    char *value;              /* the level (or number, as text) selected */
    int line;                 /* line of the condition in the YAML file */
} obs_study_condition;

typedef struct {
    char *name;
    char *formula;            /* R-style, may use ps, center, subclass, weights */
    int matched;              /* 0: full cohort, 1: the matched cohort */
    char *ties;               /* efron (default), breslow, exact */
    obs_study_condition *where;   /* optional restriction (all must hold) */
    size_t nwhere;
    int line;                 /* line in the YAML file */
} obs_study_cox;

typedef struct {
    char *name;
    obs_study_condition *where;   /* all must hold */
    size_t nwhere;
    int line;
} obs_study_subgroup;

/* A published figure to set beside obsurv's estimate (the `published:` list).
 * estimate is one of: n, events, median, surv (at survival.at), logrank_p,
 * hr, hr_p (Cox model `model`, term `term`; invert: 1/HR), subgroup_hr,
 * subgroup_p, interaction_p, percent (Table 1: variable, level, arm). */
typedef struct {
    char *label;
    char *value;              /* as published, text ("123", "< 0.001", "74%") */
    char *estimate;
    char *arm, *model, *term, *subgroup, *variable, *level;
    int invert;
    int line;
} obs_study_published;

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
    char *match_rule;         /* matchit (default, as MatchIt 4.5.1) | exact */
    double *times; size_t ntimes;   /* survival time points */
    double surv_at;           /* the time of surv_60 etc. (60) */
    double km_xmax;           /* survival.xmax: x-axis limit of the KM figure (0 = last time) */
    int screen;               /* univariable Cox of every baseline variable */
    obs_study_cox *cox; size_t ncox;
    obs_study_subgroup *subgroups; size_t nsubgroups;
    char *subgroup_formula;   /* model fitted within each subgroup (default
                                 Surv(time, event) ~ treatment) */
    char **interaction; size_t ninteraction;  /* variables for the interaction test */
    obs_study_published *published; size_t npublished;
    long min_cell;            /* disclosure control; 0 = off */
    unsigned long seed;
    double conf_level;
    /* YAML lines of the references to data columns, for error messages */
    int treatment_line, arms_line, time_line, event_line, id_line, center_line;
    int ps_line, subgroup_formula_line, data_line;
    char *window_column;      /* study window: rows with window_column outside */
    double window_from, window_to;   /* [from, to] are excluded (NaN = open) */
    int window_line;
    int *baseline_lines, *nonnormal_lines, *exact_lines, *categorical_lines, *interaction_lines;
} obs_study_spec;

/* Parse and check the YAML file at path.  On success *out is owned by the
 * caller (obs_study_spec_free).  Errors are OBS_EUSAGE with
 * "PATH:LINE: message" (unknown key, wrong type, missing key). */
obs_status obs_study_spec_load(const char *path, obs_study_spec **out, obs_error *err);
void obs_study_spec_free(obs_study_spec **s);

/* ---- the runner ------------------------------------------------------- */

/* Disclosure control (report: min_cell N, study_disclosure.c).  Every count
 * a renderer shows carries a flag: 0 shown, OBS_STUDY_SMALL a count from 1
 * to N-1 (shown as "<N", null in JSON), OBS_STUDY_SECONDARY hidden so that
 * such a count cannot be recovered by subtraction (shown as "*", null in
 * JSON).  All flags are 0 when min_cell is 0. */
enum { OBS_STUDY_SHOWN = 0, OBS_STUDY_SMALL = 1, OBS_STUDY_SECONDARY = 2 };

typedef struct {
    char *reason;             /* "missing treatment", "treatment is neither A nor B", ... */
    size_t count;
    unsigned char hidden;     /* disclosure control of count */
} obs_study_exclusion;

/* One fitted Cox model (a spec model, a screen model or a subgroup model). */
typedef struct {
    char *name;
    char *formula;
    int matched;
    obs_frame *frame;         /* owns colnames; NULL when not fitted */
    obs_cox_model *model;     /* NULL when not fitted */
    int robust;
    unsigned char n_hidden, nevent_hidden, n_dropped_hidden;   /* disclosure control */
    size_t warning_dropped;   /* 1 + index in the result's warnings of the
                                 "rows dropped" warning; 0 none */
} obs_study_cox_fit;

/* One row of the univariable screen. */
typedef struct {
    char *variable, *term;
    size_t n, nevent;
    double hr, lower, upper, p;
    double p_variable;        /* LR test of the variable (all its terms) */
    unsigned char n_hidden, nevent_hidden;   /* disclosure control */
} obs_study_screen_row;

typedef struct {
    char *name;
    size_t n, nevent;
    size_t n_arm[2];
    double hr, lower, upper, p;   /* treated vs reference arm; NaN when not estimable */
    double interaction_chisq, interaction_df, interaction_p;  /* treatment x indicator */
    unsigned char n_hidden, nevent_hidden, n_arm_hidden[2];  /* disclosure control */
} obs_study_subgroup_result;

typedef struct {
    char *variable;
    double chisq, df, p;      /* LR test of treatment:variable */
    size_t n;
    unsigned char n_hidden;   /* disclosure control */
} obs_study_interaction;

typedef struct {
    const obs_study_published *spec;
    int found;                /* 0: the reference did not resolve */
    double estimate, lower, upper;  /* lower/upper NaN when no interval */
    int kind;                 /* 0 count, 1 time, 2 proportion, 3 ratio, 4 P value, 5 percent */
    unsigned char hidden;     /* disclosure control: a count or a percentage hidden
                                 (estimate NaN, found 0) */
} obs_study_comparison;

/* The flags of the cohort's counts (obs_study_result.hidden). */
typedef struct {
    unsigned char n_read, n, n_dropped, n_arm[2];
    unsigned char events[2];        /* per arm: KM events, log-rank observed */
    unsigned char *at_n_risk[2];    /* per arm, spec->ntimes numbers at risk */
    unsigned char ps_n, ps_missing, ps_arm[2];   /* with a score: [control, treated] */
    unsigned char matched, matched_arm[2], unmatched_arm[2];
} obs_study_hidden;

typedef struct {
    const obs_study_spec *spec;     /* not owned */
    char sha256[65];                /* of the data file ("" for stdin) */
    size_t n_read, n;               /* rows read, rows analysed */
    obs_study_exclusion *exclusions; size_t nexclusions;
    obs_table *data;                /* analysed cohort: treatment as a factor
                                       [reference, treated]; extra columns
                                       ps, subclass, weights */
    char *arm_names[2];
    size_t n_arm[2];
    /* survival */
    obs_km *km;                     /* 2 curves: [reference, treated] */
    obs_km_point *at[2];            /* ntimes points per arm (spec->times) */
    obs_km_point at_surv[2];        /* at spec->surv_at */
    obs_km_point at_60[2];          /* at 60 time units */
    obs_logrank *logrank;
    /* baseline */
    obs_table1 *table1, *table1_matched;
    /* propensity score and matching */
    obs_frame *ps_frame;            /* .treated ~ ps covariates */
    obs_logit_fit *ps_fit;
    size_t n_ps_missing;            /* analysed rows without a score */
    obs_match_result *match;        /* indices are ps_frame rows */
    obs_table *matched;             /* matched cohort (rows with weight > 0) */
    size_t n_matched, n_matched_arm[2];
    char **balance_terms; obs_balance_row *balance; size_t nbalance;
    /* models */
    obs_study_screen_row *screen; size_t nscreen;
    obs_study_cox_fit *cox; size_t ncox;
    obs_study_subgroup_result overall;   /* the subgroup model in the full cohort */
    obs_study_subgroup_result *subgroups; size_t nsubgroups;
    obs_study_interaction *interactions; size_t ninteractions;
    double interaction_p;           /* the first interaction variable's P, NaN if none */
    obs_study_comparison *comparisons; size_t ncomparisons;
    obs_warnings warnings;
    double seconds;                 /* run time of obs_study_run */
    /* disclosure control (spec->min_cell > 0): which counts are hidden */
    obs_study_hidden hidden;
    size_t warning_ps_missing, warning_unmatched;   /* 1 + index in warnings; 0 none */
} obs_study_result;

/* Run the study.  spec must outlive the result.  On success *out is owned
 * by the caller (obs_study_result_free).  Errors: OBS_EUSAGE naming the YAML
 * line for a column, arm, level or formula the data do not have (exit 2);
 * OBS_EDATA/OBS_EIO from reading the data; OBS_EFIT naming the model and its
 * line when a named Cox model cannot be fitted (exit 1).  Subgroups whose
 * model cannot be fitted are not errors: NaN estimates and a warning. */
obs_status obs_study_run(const obs_study_spec *spec, obs_study_result **out, obs_error *err);
void obs_study_result_free(obs_study_result **r);

/* ---- the report ------------------------------------------------------- */

typedef struct {
    const char *command_line;   /* as typed, for provenance */
    const char *date;           /* ISO 8601 */
    const char *version;        /* obsurv version */
} obs_study_provenance;

/* Write the report into directory dir (created if absent): index.html,
 * results.json, table1.csv, table1_matched.csv, cox_NAME.csv, screen.csv,
 * subgroups.csv, and km, ps_overlap, love, forest as .svg, .png and .pdf.
 * OBS_EIO naming the file that could not be written. */
obs_status obs_study_report_write(const obs_study_result *r, const obs_study_provenance *prov,
                                  const char *dir, obs_error *err);

/* Pieces of the report, each to a FILE the caller gives (0, or -1 on a
 * write error). */
int obs_study_write_json(const obs_study_result *r, const obs_study_provenance *prov, FILE *fp);
int obs_study_write_html(const obs_study_result *r, const obs_study_provenance *prov, FILE *fp,
                         obs_error *err);
/* The published-versus-obsurv table as plain text (for the terminal). */
int obs_study_write_comparison(const obs_study_result *r, FILE *fp);
/* A short plain-text summary: cohort, arms, log-rank, models. */
int obs_study_write_summary(const obs_study_result *r, FILE *fp);

#endif
