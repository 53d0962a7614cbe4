/*
 * study_internal.h — pieces shared by the study runner's files
 * (study_run.c: cohort, survival, propensity score and matching;
 * study_models.c: Cox models, the univariable screen, subgroups,
 * interaction tests and the published comparison; study_report_*.c: the
 * renderers).  Not a public header.
 */
#ifndef OBSURV_STUDY_INTERNAL_H
#define OBSURV_STUDY_INTERNAL_H

#include "obsurv/study.h"
#include "obsurv/formula.h"

/* Names of the columns the runner adds to the analysed table. */
#define STUDY_COL_TREATED ".treated"
#define STUDY_COL_PS "ps"
#define STUDY_COL_SUBCLASS "subclass"
#define STUDY_COL_WEIGHTS "weights"
#define STUDY_COL_INDICATOR ".in_subgroup"

/* A growable string (for building formula texts). */
typedef struct { char *s; size_t len, cap; } study_str;
int study_str_cat(study_str *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void study_str_free(study_str *b);

/* "`name`": a column reference usable in a formula, whatever its spelling. */
void study_quote(char *buf, size_t size, const char *name);

/* The term for a baseline variable: factor(`v`) for a numeric column the
 * spec lists as categorical, else `v`. */
void study_variable_term(const obs_study_spec *s, const obs_table *t, const char *v,
                         char *buf, size_t size);

/* Parse text, check that every column it names is in t, and build the
 * frame.  Errors are prefixed "SPEC:LINE: WHAT: ".  On success *f and *fr
 * are owned by the caller. */
obs_status study_frame(const obs_study_spec *s, const obs_table *t, const char *text,
                       const obs_frame_spec *fs, int line, const char *what,
                       obs_formula **f, obs_frame **fr, obs_error *err);

/* Fit a Cox model of text on t (rows restricted to those whose mask is 1
 * when mask != NULL).  weights: a column name or NULL.  On success
 * out->frame and out->model are set (robust when a cluster() term or
 * non-integer weights).  OBS_EFIT when the model cannot be fitted.
 * borrow: the frame's borrow_columns (1 only for a fit cleared before t is
 * freed and never handed out in the result: out->frame may point into t). */
obs_status study_fit_cox(const obs_study_spec *s, const obs_table *t, const char *text,
                         const char *ties, const char *weights, int line, const char *what,
                         int borrow, obs_study_cox_fit *out, obs_error *err);
void study_cox_fit_clear(obs_study_cox_fit *c);

/* mask[i] = 1 when row i of t meets every condition, 0 when one fails,
 * -1 when a condition column is missing.  Unknown columns or levels are
 * OBS_EUSAGE naming the condition's line. */
obs_status study_where(const obs_study_spec *s, const obs_table *t, const obs_study_condition *w,
                       size_t nw, signed char *mask, obs_error *err);

/* Index of the design column called name in a fitted model's frame, or -1. */
long study_term_index(const obs_study_cox_fit *c, const char *name);

/* Models, screen, subgroups, interactions, comparisons (study_models.c). */
obs_status study_run_models(const obs_study_spec *s, obs_study_result *r, obs_error *err);

/* Disclosure control (study_disclosure.c): when spec->min_cell > 0, set
 * the hidden flags of every count the renderers show, hide the published
 * comparisons of hidden counts and rewrite the warnings that quote one.
 * Called by obs_study_run after the models. */
obs_status study_disclosure(obs_study_result *r, obs_error *err);
/* A count as the renderers show it: "<N" (OBS_STUDY_SMALL), "*"
 * (OBS_STUDY_SECONDARY) or the number ("%.0f"). */
void study_fmt_count(const obs_study_result *r, double v, unsigned char hidden, char *buf, size_t size);

/* Formatting shared by the renderers. */
void study_fmt_p(double p, char *buf, size_t size);          /* "0.034", "<0.001" */
void study_fmt_num(double v, int digits, char *buf, size_t size);  /* "NR" for NaN */
/* Name of the treatment term ("treatmentsurgery"). */
void study_treatment_term(const obs_study_result *r, char *buf, size_t size);

/* CSV tables and comparison helpers (study_report_json.c). */
int study_write_cox_csv(const obs_study_cox_fit *c, FILE *fp);
int study_write_screen_csv(const obs_study_result *r, FILE *fp);
int study_write_subgroups_csv(const obs_study_result *r, FILE *fp);
int study_write_balance_csv(const obs_study_result *r, FILE *fp);
int study_write_survival_csv(const obs_study_result *r, FILE *fp);
void study_fmt_comparison(const obs_study_comparison *c, char *buf, size_t size);
int study_published_agrees(const obs_study_comparison *c);

#endif
