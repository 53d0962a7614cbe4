/*
 * fuzz_frame.c — libFuzzer target for the model frame: CSV + formula ->
 * frame, for both kinds of right-hand side (groups for km/logrank, design
 * for cox/logit).  Input layout: the first line is the formula, the rest
 * is the CSV.  On success the frame must satisfy n + n_dropped == n_read,
 * the exclusion counts must sum to n_dropped, every used row index must lie
 * in the table, times must be finite and non-negative with status 0/1, and
 * group/strata codes must be in range.
 *
 * Build and run: scripts/fuzz.sh frame  (seed corpus tests/fuzz/corpus/frame/)
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/csv.h"
#include "obsurv/formula.h"
#include "obsurv/frame.h"

static void check_frame(const obs_frame *fr, const obs_table *t)
{
    if (fr->n + fr->n_dropped != fr->n_read || fr->n_read != t->nrow) __builtin_trap();
    size_t sum = 0;
    for (size_t e = 0; e < fr->nexclusions; e++) sum += fr->exclusions[e].count;
    if (sum != fr->n_dropped) __builtin_trap();
    for (size_t i = 0; i < fr->n; i++) {
        if (fr->row[i] >= t->nrow) __builtin_trap();
        if (i > 0 && fr->row[i] <= fr->row[i - 1]) __builtin_trap();
        if (fr->time != NULL) {
            if (!isfinite(fr->time[i])) __builtin_trap();
            if (fr->status[i] != 0 && fr->status[i] != 1) __builtin_trap();
        }
        if (fr->y != NULL && fr->y[i] != 0.0 && fr->y[i] != 1.0) __builtin_trap();
        if (fr->group != NULL && (fr->group[i] < 0 || (size_t)fr->group[i] >= fr->ngroups))
            __builtin_trap();
        if (fr->strata != NULL && (fr->strata[i] < 0 || (size_t)fr->strata[i] >= fr->nstrata))
            __builtin_trap();
    }
    for (size_t j = 0; j < fr->p; j++)
        if (fr->colnames[j] == NULL) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    if (nl == NULL) return 0;
    size_t flen = (size_t)(nl - data);
    char *ftext = malloc(flen + 1);
    if (ftext == NULL) return 0;
    memcpy(ftext, data, flen);
    ftext[flen] = '\0';

    obs_error err;
    obs_formula *f = NULL;
    obs_table *t = NULL;
    if (obs_formula_parse(ftext, &f, &err) != OBS_OK) goto done;
    if (obs_csv_read_buffer((const char *)nl + 1, size - flen - 1, "fuzz.csv", &t, &err) != OBS_OK)
        goto done;
    for (int kind = 0; kind < 3; kind++) {
        obs_frame_spec spec;
        memset(&spec, 0, sizeof spec);
        spec.rhs = kind == 0 ? OBS_FRAME_GROUPS : OBS_FRAME_DESIGN;
        spec.intercept = kind == 2;
        spec.response_required = kind == 2 ? OBS_FRAME_NEED_BINARY : (kind == 0 ? OBS_FRAME_NEED_SURV : 0);
        obs_frame *fr = NULL;
        obs_status st = obs_frame_build(t, f, &spec, &fr, &err);
        if ((st == OBS_OK) != (fr != NULL)) __builtin_trap();
        if (st != OBS_OK && err.msg[0] == '\0') __builtin_trap();
        if (fr != NULL) check_frame(fr, t);
        obs_frame_free(&fr);
    }
done:
    obs_table_free(&t);
    obs_formula_free(&f);
    free(ftext);
    return 0;
}
