/*
 * fuzz_csv.c — libFuzzer target for the CSV reader (obs_csv_read_buffer).
 *
 * Any bytes: the call must return OBS_OK with a table, or an error status
 * with no table and a non-empty message, without a crash, leak, read out of
 * bounds or undefined behaviour.  On success the table's invariants are
 * checked: every column's missing count matches its flags, factor codes lie
 * in [0, nlevels) or are -1 exactly when missing, numeric values are NaN
 * exactly when missing, and every row's line number is within the input.
 *
 * Build and run: scripts/fuzz.sh csv   (seed corpus tests/fuzz/corpus/csv/)
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "obsurv/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    obs_table *t = NULL;
    obs_error err;
    obs_error_clear(&err);
    obs_status st = obs_csv_read_buffer((const char *)data, size, "fuzz.csv", &t, &err);
    if ((st == OBS_OK) != (t != NULL)) __builtin_trap();
    if (st != OBS_OK) {
        if (err.msg[0] == '\0' || memchr(err.msg, '\0', sizeof err.msg) == NULL) __builtin_trap();
        return 0;
    }
    size_t lines = 1;
    for (size_t i = 0; i < size; i++) lines += data[i] == '\n' || data[i] == '\r';
    for (size_t i = 0; i < t->nrow; i++)
        if (t->line[i] < 1 || t->line[i] > lines) __builtin_trap();
    for (size_t j = 0; j < t->ncol; j++) {
        const obs_column *c = &t->cols[j];
        if (c->name == NULL) __builtin_trap();
        size_t nmiss = 0;
        for (size_t i = 0; i < t->nrow; i++) {
            nmiss += c->missing[i] != 0;
            if (c->type == OBS_COL_NUMERIC) {
                if ((isnan(c->num[i]) != 0) != (c->missing[i] != 0)) __builtin_trap();
            } else {
                int code = c->codes[i];
                if (c->missing[i] ? code != -1 : (code < 0 || (size_t)code >= c->nlevels))
                    __builtin_trap();
            }
        }
        if (nmiss != c->nmissing) __builtin_trap();
        if (c->type == OBS_COL_FACTOR)
            for (size_t l = 1; l < c->nlevels; l++)
                if (strcmp(c->levels[l - 1], c->levels[l]) >= 0) __builtin_trap();
    }
    obs_table_free(&t);
    return 0;
}
