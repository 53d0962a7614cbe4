/*
 * fuzz_formula.c — libFuzzer target for the formula parser
 * (obs_formula_parse).  The input is used as a NUL-terminated string (bytes
 * after an embedded NUL are ignored, as the API takes a C string).  The call
 * must return OBS_OK with a formula whose counts are consistent, or an error
 * with no formula and a message; never crash, leak or overflow.
 *
 * Build and run: scripts/fuzz.sh formula  (seed corpus tests/fuzz/corpus/formula/)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/formula.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    obs_formula *f = NULL;
    obs_error err;
    obs_error_clear(&err);
    obs_status st = obs_formula_parse(text, &f, &err);
    if ((st == OBS_OK) != (f != NULL)) __builtin_trap();
    if (st != OBS_OK && err.msg[0] == '\0') __builtin_trap();
    if (f != NULL) {
        if (f->nresponse > 3) __builtin_trap();
        for (size_t i = 0; i < f->nresponse; i++)
            if (f->response_columns[i] == NULL) __builtin_trap();
        for (size_t k = 0; k < f->nterms; k++) {
            const obs_formula_term *tm = &f->terms[k];
            if (tm->label == NULL || tm->nvars == 0) __builtin_trap();
            for (size_t v = 0; v < tm->nvars; v++)
                for (size_t c = 0; c < tm->vars[v].ncolumns; c++)
                    if (tm->vars[v].columns[c] == NULL) __builtin_trap();
        }
        for (size_t s = 0; s < f->nspecials; s++)
            if (f->specials[s].ncolumns == 0) __builtin_trap();
    }
    obs_formula_free(&f);
    free(text);
    return 0;
}
