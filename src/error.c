/*
 * error.c — errors and warnings as values; see obsurv/error.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/error.h"

obs_status obs_error_set(obs_error *err, obs_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = status;
    }
    return status;
}

void obs_error_clear(obs_error *err)
{
    if (err) {
        err->status = OBS_OK;
        err->msg[0] = '\0';
    }
}

int obs_status_exit_code(obs_status status)
{
    switch (status) {
    case OBS_OK: return 0;
    case OBS_EFIT: return 1;
    default: return 2;
    }
}

void obs_warnings_init(obs_warnings *w)
{
    w->msg = NULL;
    w->n = w->cap = 0;
}

obs_status obs_warnings_add(obs_warnings *w, const char *fmt, ...)
{
    char buf[OBS_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < w->n; i++)      /* the same caveat once */
        if (strcmp(w->msg[i], buf) == 0) return OBS_OK;
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 4;
        char **m = realloc(w->msg, cap * sizeof *m);
        if (!m) return OBS_ENOMEM;
        w->msg = m;
        w->cap = cap;
    }
    w->msg[w->n] = strdup(buf);
    if (!w->msg[w->n]) return OBS_ENOMEM;
    w->n++;
    return OBS_OK;
}

void obs_warnings_free(obs_warnings *w)
{
    if (!w) return;
    for (size_t i = 0; i < w->n; i++) free(w->msg[i]);
    free(w->msg);
    obs_warnings_init(w);
}
