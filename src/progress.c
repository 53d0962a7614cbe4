/*
 * progress.c — the progress hook of obsurv/progress.h.
 *
 * obs_progress_stderr is the terminal printer the CLI installs; it writes
 * to standard error only (never standard output), only when that is a
 * terminal, and only once the run has lasted 2 seconds, so short runs,
 * pipes, files and JSON output never see it.  The rest of the library only
 * calls hooks.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "obsurv/progress.h"

static obs_progress_fn global_fn;
static void *global_ctx;

void obs_progress_set_global(obs_progress_fn fn, void *ctx)
{
    global_fn = fn;
    global_ctx = ctx;
}

void obs_progress_global_fill(obs_progress_fn *fn, void **ctx)
{
    *fn = global_fn;
    *ctx = global_ctx;
}

void obs_progress_report(const obs_progress_event *ev)
{
    if (global_fn) global_fn(global_ctx, ev);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void obs_progress_stderr(void *ctx, const obs_progress_event *ev)
{
    static double t0 = -1.0;
    static int tty = -1, shown = 0;
    (void)ctx;
    if (tty < 0) tty = isatty(STDERR_FILENO);
    if (!tty) return;
    double t = now();
    if (t0 < 0) t0 = t;
    if (ev->kind == OBS_PROGRESS_DONE) {
        if (shown) fprintf(stderr, "\r\033[K");
        shown = 0;
        return;
    }
    if (t - t0 < 2.0) return;
    if (ev->kind == OBS_PROGRESS_READ)
        fprintf(stderr, "\r\033[K%s: %zu of %zu MB", ev->what, ev->count >> 20, ev->total >> 20);
    else
        fprintf(stderr, "\r\033[K%s: iteration %zu, log-likelihood %.10g", ev->what, ev->count, ev->value);
    shown = 1;
}
