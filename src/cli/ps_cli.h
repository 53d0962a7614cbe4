/*
 * ps_cli.h — pieces shared by the propensity-score commands (logit, match,
 * weight, balance): fitting the score from a frame, rendering balance tables
 * in JSON and text, writing the kept input rows with extra columns as CSV,
 * and the love plot.
 */
#ifndef OBSURV_PS_CLI_H
#define OBSURV_PS_CLI_H

#include <stdio.h>
#include "cli.h"
#include "obsurv/json.h"
#include "obsurv/logit.h"
#include "obsurv/balance.h"

/* Treatment 0/1 of every frame row as ints; caller frees.  NULL on ENOMEM. */
int *ps_treat_from_frame(const obs_frame *fr);

/* Logistic model of the frame's response on its design (with intercept),
 * read through fr->xcol (any borrow_columns); want_auc 0 skips the
 * c-statistic (fit->auc NaN) for commands that never report it. */
obs_status ps_fit(const obs_frame *fr, int want_auc, obs_logit_fit **fit, obs_error *err);

/* Design columns other than the intercept: count, and their indices into
 * fr->colnames / fr->xcol (written to idx, size fr->p). */
size_t ps_covariate_columns(const obs_frame *fr, size_t *idx);

/* Balance of the frame's covariates (design without the intercept) with
 * after-weights w (or NULL), read through fr->xcol.  rows: caller's array
 * of fr->p; *np set. */
obs_status ps_balance(const obs_frame *fr, const int *treat, const double *w,
                      obs_estimand est, obs_balance_row *rows, size_t *idx,
                      size_t *np, obs_error *err);

void ps_balance_json(obs_json *j, const obs_frame *fr, const obs_balance_row *rows,
                     const size_t *idx, size_t np, int with_after);
void ps_balance_text(FILE *fp, const obs_frame *fr, const obs_balance_row *rows,
                     const size_t *idx, size_t np, int with_after);

/* Love plot (|SMD| before and after per term) as SVG at path. */
obs_status ps_love_plot(const char *path, const obs_frame *fr, const obs_balance_row *rows,
                        const size_t *idx, size_t np, int with_after, obs_error *err);

/* Write the table rows t->row-of-frame listed in keep (frame row indices,
 * nkeep of them) with every table column, plus extra numeric columns
 * (names[k], values[k][frame row]; NaN written empty), as CSV at path. */
obs_status ps_write_rows_csv(const char *path, const obs_table *t, const obs_frame *fr,
                             const size_t *keep, size_t nkeep, const char *const *names,
                             const double *const *values, size_t nextra, obs_error *err);

/* As ps_write_rows_csv, but a frame row may repeat (units[r], r < nout) and
 * the extra columns are indexed by output row: values[k][r].  Used for
 * MatchIt's get_matches() layout, one row per (pair, unit). */
obs_status ps_write_units_csv(const char *path, const obs_table *t, const obs_frame *fr,
                              const size_t *units, size_t nout, const char *const *names,
                              const double *const *values, size_t nextra, obs_error *err);

/* Identifier of frame row i: the --id column's value (number or string) or
 * the 1-based data row number, written as a JSON value / into buf. */
void ps_json_id(obs_json *j, const obs_table *t, const obs_frame *fr, long idcol, size_t i);

#endif
