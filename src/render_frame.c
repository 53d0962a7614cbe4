/*
 * render_frame.c — a frame's exclusions as a warning and as JSON; see
 * obsurv/render_frame.h.
 */
#include <stdio.h>
#include "obsurv/render_frame.h"

void obs_frame_dropped_warning(obs_warnings *w, const obs_frame *fr)
{
    if (!fr || fr->n_dropped == 0) return;
    char buf[OBS_ERROR_MAX];
    size_t len = (size_t)snprintf(buf, sizeof buf, "%zu of %zu rows dropped:", fr->n_dropped, fr->n_read);
    for (size_t i = 0; i < fr->nexclusions && len < sizeof buf; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s %s in %s (%zu)", i ? "," : "",
                                fr->exclusions[i].reason, fr->exclusions[i].variable, fr->exclusions[i].count);
    obs_warnings_add(w, "%s", buf);
}

void obs_render_exclusions_json(obs_json *j, const obs_frame *fr)
{
    obs_json_key(j, "exclusions");
    obs_json_begin_array(j);
    for (size_t i = 0; fr && i < fr->nexclusions; i++) {
        obs_json_begin_object(j);
        obs_json_kv_string(j, "variable", fr->exclusions[i].variable);
        obs_json_kv_string(j, "reason", fr->exclusions[i].reason);
        obs_json_kv_int(j, "count", (long long)fr->exclusions[i].count);
        obs_json_end_object(j);
    }
    obs_json_end_array(j);
}
