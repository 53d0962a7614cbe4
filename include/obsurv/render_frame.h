/*
 * obsurv/render_frame.h — what a model frame dropped, for people and programs.
 *
 * Every command reports its exclusions the same way: a warning line
 * ("15 of 228 rows dropped: missing value in ph.ecog (1), missing value in
 * wt.loss (14)") and the JSON member "exclusions": [{"variable", "reason",
 * "count"}], whose counts add up to n_dropped.
 */
#ifndef OBSURV_RENDER_FRAME_H
#define OBSURV_RENDER_FRAME_H

#include "obsurv/frame.h"
#include "obsurv/json.h"

/* Add the dropped-rows warning to w when fr dropped any row. */
void obs_frame_dropped_warning(obs_warnings *w, const obs_frame *fr);

/* Write the member "exclusions" into the JSON object open in j. */
void obs_render_exclusions_json(obs_json *j, const obs_frame *fr);

#endif
