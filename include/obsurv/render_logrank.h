/*
 * obsurv/render_logrank.h — the JSON of `obsurv logrank` (cli.md: chisq, df,
 * p, rho, groups[{name, n, observed, expected}], plus n, n_dropped,
 * exclusions, var, strata and warnings), shared by obsurv and obsurv-mpi so
 * that the two give the same document.
 */
#ifndef OBSURV_RENDER_LOGRANK_H
#define OBSURV_RENDER_LOGRANK_H

#include <stdio.h>
#include "obsurv/error.h"
#include "obsurv/frame.h"
#include "obsurv/logrank.h"

/* Write the whole JSON document for test lr on frame fr (n rows used). */
void obs_render_logrank_json(FILE *fp, const obs_logrank *lr, const obs_frame *fr, size_t n,
                             const obs_warnings *warn);

#endif
