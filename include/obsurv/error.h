/*
 * obsurv/error.h — errors as values.
 *
 * Every library routine that can fail takes an `obs_error *err` (may be NULL)
 * and returns an obs_status.  The message names the place: file, line,
 * column or term, e.g.  data.csv:17: column "age": expected a number, got "abc".
 * The library never prints and never exits; the CLI maps a status to an exit
 * code (OBS_EDATA and OBS_EUSAGE -> 2, OBS_EFIT -> 1, OBS_ENOMEM -> 2).
 */
#ifndef OBSURV_ERROR_H
#define OBSURV_ERROR_H

#include <stddef.h>

typedef enum {
    OBS_OK = 0,
    OBS_EUSAGE,   /* bad option, bad formula, unknown column          -> exit 2 */
    OBS_EDATA,    /* malformed or invalid data                        -> exit 2 */
    OBS_EFIT,     /* a model that cannot be fitted (no events, ...)   -> exit 1 */
    OBS_ENOMEM,   /* allocation failed or a size over the caps        -> exit 2 */
    OBS_EIO       /* cannot open / read / write a file                -> exit 2 */
} obs_status;

#define OBS_ERROR_MAX 1024

typedef struct {
    obs_status status;
    char msg[OBS_ERROR_MAX];
} obs_error;

/* Record status and a printf-style message in err (if non-NULL); returns status. */
obs_status obs_error_set(obs_error *err, obs_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Clear err to OBS_OK / "". err may be NULL. */
void obs_error_clear(obs_error *err);

/* Exit code for a status (0, 1 or 2) as cli.md specifies. */
int obs_status_exit_code(obs_status status);

/*
 * Warnings: a growable list of messages a fit attaches to its result
 * (non-convergence, infinite coefficient, aliased term, dropped rows).
 */
typedef struct {
    char **msg;
    size_t n, cap;
} obs_warnings;

void obs_warnings_init(obs_warnings *w);
/* Append a formatted warning; returns OBS_ENOMEM on allocation failure. */
obs_status obs_warnings_add(obs_warnings *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void obs_warnings_free(obs_warnings *w);

#endif
