/*
 * obsurv/json.h — a small streaming JSON writer for results.
 *
 * Numbers are written with 17 significant digits (%.17g) so that a double
 * round-trips; NaN and infinities are written as null, as cli.md requires.
 * Commas and nesting are tracked by the writer: callers just open, write
 * key/value pairs and close.  Output is compact with a newline at the end of
 * the top-level value.
 *
 *   obs_json j; obs_json_init(&j, stdout);
 *   obs_json_begin_object(&j);
 *     obs_json_key(&j, "n"); obs_json_int(&j, 228);
 *     obs_json_key(&j, "p"); obs_json_number(&j, 0.0013);
 *   obs_json_end_object(&j);
 */
#ifndef OBSURV_JSON_H
#define OBSURV_JSON_H

#include <stdio.h>
#include <stddef.h>

#define OBS_JSON_MAX_DEPTH 64

typedef struct {
    FILE *fp;
    int depth;
    unsigned char first[OBS_JSON_MAX_DEPTH]; /* 1 while no element written at depth */
    int after_key;
} obs_json;

void obs_json_init(obs_json *j, FILE *fp);
void obs_json_begin_object(obs_json *j);
void obs_json_end_object(obs_json *j);
void obs_json_begin_array(obs_json *j);
void obs_json_end_array(obs_json *j);
void obs_json_key(obs_json *j, const char *key);
void obs_json_number(obs_json *j, double v);      /* null when not finite */
void obs_json_int(obs_json *j, long long v);
void obs_json_bool(obs_json *j, int v);
void obs_json_null(obs_json *j);
void obs_json_string(obs_json *j, const char *s); /* NULL -> null */

/* key + value shorthands */
void obs_json_kv_number(obs_json *j, const char *key, double v);
void obs_json_kv_int(obs_json *j, const char *key, long long v);
void obs_json_kv_string(obs_json *j, const char *key, const char *s);
void obs_json_kv_bool(obs_json *j, const char *key, int v);
/* an array of n doubles / ints */
void obs_json_kv_numbers(obs_json *j, const char *key, const double *v, size_t n);
void obs_json_kv_ints(obs_json *j, const char *key, const int *v, size_t n);

#endif
