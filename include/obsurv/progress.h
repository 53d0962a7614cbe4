/*
 * obsurv/progress.h — progress reports from long computations.
 *
 * The library never prints: a long routine calls the hook it is given
 * (NULL: no reports) with what it is doing.  The CLI's hook (cli progress,
 * src/progress.c obs_progress_stderr) prints one overwritten line on
 * standard error, only when standard error is a terminal and only after
 * the run has taken about 2 seconds; it never writes to standard output.
 */
#ifndef OBSURV_PROGRESS_H
#define OBSURV_PROGRESS_H

#include <stddef.h>

typedef enum {
    OBS_PROGRESS_READ = 0,   /* count = bytes read so far, total = bytes */
    OBS_PROGRESS_ITER,       /* count = iteration, value = log-likelihood */
    OBS_PROGRESS_DONE        /* the run is over: clear the line */
} obs_progress_kind;

typedef struct {
    obs_progress_kind kind;
    const char *what;        /* "reading data.csv", "cox", "logit" */
    size_t count, total;
    double value;
} obs_progress_event;

/* A hook: ctx is the caller's, ev valid only during the call. */
typedef void (*obs_progress_fn)(void *ctx, const obs_progress_event *ev);

/* The CLI's hook: ctx unused (NULL).  Prints nothing unless standard error
 * is a terminal and at least 2 seconds have passed since the first call. */
void obs_progress_stderr(void *ctx, const obs_progress_event *ev);

/* Process-wide hook for routines whose callers cannot pass one (the model
 * fits called by the CLI's commands): NULL by default; the CLI sets it.
 * obs_progress_global_fill copies it into a (fn, ctx) pair;
 * obs_progress_report calls it when set. */
void obs_progress_set_global(obs_progress_fn fn, void *ctx);
void obs_progress_global_fill(obs_progress_fn *fn, void **ctx);
void obs_progress_report(const obs_progress_event *ev);

#endif
