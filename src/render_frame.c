/*
 * render_frame.c — a frame's exclusions as a warning and as JSON; see
 * obsurv/render_frame.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

void obs_render_warnings_json(obs_json *j, const obs_warnings *w)
{
    obs_json_key(j, "warnings");
    obs_json_begin_array(j);
    for (size_t k = 0; k < w->n; k++) obs_json_string(j, w->msg[k]);
    obs_json_end_array(j);
}

char **obs_km_curve_names(const obs_frame *fr, const obs_formula *f)
{
    size_t ng = fr->group ? fr->ngroups : 1, ns = fr->strata ? fr->nstrata : 1;
    const char *sterm = NULL;               /* "strata(sex)" */
    for (size_t i = 0; f && i < f->nspecials; i++)
        if (f->specials[i].kind == OBS_VAR_STRATA) { sterm = f->specials[i].text; break; }
    int has_groups = fr->group && f && f->nterms > 0;
    size_t width = 0;
    for (size_t b = 0; fr->strata && b < ns; b++) {
        size_t w = strlen(fr->strata_names[b]);
        if (w > width) width = w;
    }
    char **names = calloc(ng * ns, sizeof *names);
    if (!names) return NULL;
    for (size_t a = 0; a < ng; a++)
        for (size_t b = 0; b < ns; b++) {
            const char *gn = fr->group && fr->group_names ? fr->group_names[a] : "all";
            const char *sn = fr->strata ? fr->strata_names[b] : NULL;
            size_t len = strlen(gn) + (sn ? strlen(sn) + width + (sterm ? strlen(sterm) : 0) + 8 : 0) + 1;
            char *s = malloc(len);
            if (!s) {
                for (size_t k = 0; k < ng * ns; k++) free(names[k]);
                free(names);
                return NULL;
            }
            if (!sn) snprintf(s, len, "%s", gn);
            else if (!has_groups) snprintf(s, len, "%s%s%s", sterm ? sterm : "", sterm ? "=" : "", sn);
            else snprintf(s, len, "%s, %s%s%-*s", gn, sterm ? sterm : "", sterm ? "=" : "", (int)width, sn);
            names[a * ns + b] = s;
        }
    return names;
}
