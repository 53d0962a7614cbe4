/*
 * obsurv/render_cox.h — a fitted Cox model as JSON members and CSV rows.
 *
 * One renderer for `obsurv cox` and for the study report, so that a model
 * in results.json has exactly the shape of `obsurv cox --format json`
 * (cli.md): ties, converged, iterations, loglik{null, model},
 * coefficients[{term, coef, se, robust_se, z, p, hr, hr_lower, hr_upper}]
 * (all null for an aliased term, as R gives NA), tests{lr, wald, score
 * [, robust_score]}, concordance{c, se, ...} or null.
 */
#ifndef OBSURV_RENDER_COX_H
#define OBSURV_RENDER_COX_H

#include <stdio.h>
#include "obsurv/cox.h"
#include "obsurv/json.h"

const char *obs_cox_ties_name(obs_cox_ties t);

/* Write the model's members into the JSON object open in j (the caller
 * opens and closes the object and adds n_dropped, warnings, ...).
 * colnames: m->p term names. */
void obs_render_cox_json(obs_json *j, const obs_cox_model *m, const char *const *colnames);

/* The same members without n and nevent (for a caller that writes the counts
 * itself, e.g. hidden by disclosure control). */
void obs_render_cox_json_fit(obs_json *j, const obs_cox_model *m, const char *const *colnames);

/* The coefficient table as CSV with a header row; NA for missing values. */
void obs_render_cox_csv(FILE *fp, const obs_cox_model *m, const char *const *colnames);

#endif
