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

/* Write the member "warnings": [messages of w, in order] into the JSON
 * object open in j. */
void obs_render_warnings_json(obs_json *j, const obs_warnings *w);

/*
 * Names of the Kaplan-Meier curves of a frame built with OBS_FRAME_GROUPS,
 * crossed with its strata, as R's survfit names them: the group name
 * ("sex=1", "all" for ~ 1), and for strata() "strata(x)=LABEL" with strata()'s
 * label ("sex=1" for a numeric column, the bare level for a text column); with
 * both, "GROUP, strata(x)=LABEL" with the labels right-padded to the widest,
 * as R pads every variable after the first.  Returns ngroups * nstrata
 * malloc'd strings (group-major; caller frees each and the array), NULL when
 * out of memory.  f is the frame's formula (for the strata() term text).
 */
char **obs_km_curve_names(const obs_frame *fr, const obs_formula *f);

#endif
