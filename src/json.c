/*
 * json.c — streaming JSON writer; see obsurv/json.h.
 *
 * Characters go out with the unlocked stdio calls (putc_unlocked,
 * fputs_unlocked): a writer is used by one thread at a time, and taking
 * the stream's lock for every character was a visible share of writing
 * large outputs (the matched pairs) once the process has started threads.
 */
#include <math.h>
#include <stdio.h>
#include "obsurv/json.h"

void obs_json_init(obs_json *j, FILE *fp)
{
    j->fp = fp;
    j->depth = 0;
    j->first[0] = 1;
    j->after_key = 0;
}

/* Before a value (or a key in an object): a comma unless first. */
static void sep(obs_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (!j->first[j->depth]) putc_unlocked(',', j->fp);
    j->first[j->depth] = 0;
}

static void open(obs_json *j, char c)
{
    sep(j);
    putc_unlocked(c, j->fp);
    if (j->depth + 1 < OBS_JSON_MAX_DEPTH) j->depth++;
    j->first[j->depth] = 1;
}

static void close_(obs_json *j, char c)
{
    putc_unlocked(c, j->fp);
    if (j->depth > 0) j->depth--;
    if (j->depth == 0) putc_unlocked('\n', j->fp);
}

void obs_json_begin_object(obs_json *j) { open(j, '{'); }
void obs_json_end_object(obs_json *j) { close_(j, '}'); }
void obs_json_begin_array(obs_json *j) { open(j, '['); }
void obs_json_end_array(obs_json *j) { close_(j, ']'); }

static void write_string(FILE *fp, const char *s)
{
    putc_unlocked('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs_unlocked("\\\"", fp); break;
        case '\\': fputs_unlocked("\\\\", fp); break;
        case '\n': fputs_unlocked("\\n", fp); break;
        case '\r': fputs_unlocked("\\r", fp); break;
        case '\t': fputs_unlocked("\\t", fp); break;
        default:
            if (*p < 0x20) fprintf(fp, "\\u%04x", *p);
            else putc_unlocked(*p, fp);
        }
    }
    putc_unlocked('"', fp);
}

void obs_json_key(obs_json *j, const char *key)
{
    sep(j);
    write_string(j->fp, key);
    putc_unlocked(':', j->fp);
    j->after_key = 1;
}

/* Decimal digits of v, as printf's "%lld" writes them. */
static void write_int(FILE *fp, long long v)
{
    char buf[24], *e = buf + sizeof buf, *p = e;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do { *--p = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) *--p = '-';
    fwrite_unlocked(p, 1, (size_t)(e - p), fp);
}

void obs_json_number(obs_json *j, double v)
{
    sep(j);
    if (!isfinite(v)) fputs_unlocked("null", j->fp);
    else if (v == 0) fputs_unlocked("0", j->fp);               /* no "-0" */
    /* a whole number below 2^53 in magnitude: "%.17g" prints its digits
     * with no exponent (fewer than 17 of them), as write_int does, fast */
    else if (fabs(v) < 9007199254740992.0 && v == floor(v)) write_int(j->fp, (long long)v);
    else fprintf(j->fp, "%.17g", v);
}

void obs_json_int(obs_json *j, long long v)
{
    sep(j);
    write_int(j->fp, v);
}

void obs_json_bool(obs_json *j, int v)
{
    sep(j);
    fputs_unlocked(v ? "true" : "false", j->fp);
}

void obs_json_null(obs_json *j)
{
    sep(j);
    fputs_unlocked("null", j->fp);
}

void obs_json_string(obs_json *j, const char *s)
{
    sep(j);
    if (!s) fputs_unlocked("null", j->fp);
    else write_string(j->fp, s);
}

void obs_json_kv_number(obs_json *j, const char *key, double v) { obs_json_key(j, key); obs_json_number(j, v); }
void obs_json_kv_int(obs_json *j, const char *key, long long v) { obs_json_key(j, key); obs_json_int(j, v); }
void obs_json_kv_string(obs_json *j, const char *key, const char *s) { obs_json_key(j, key); obs_json_string(j, s); }
void obs_json_kv_bool(obs_json *j, const char *key, int v) { obs_json_key(j, key); obs_json_bool(j, v); }

void obs_json_kv_numbers(obs_json *j, const char *key, const double *v, size_t n)
{
    obs_json_key(j, key);
    obs_json_begin_array(j);
    for (size_t i = 0; i < n; i++) obs_json_number(j, v[i]);
    obs_json_end_array(j);
}

void obs_json_kv_ints(obs_json *j, const char *key, const int *v, size_t n)
{
    obs_json_key(j, key);
    obs_json_begin_array(j);
    for (size_t i = 0; i < n; i++) obs_json_int(j, v[i]);
    obs_json_end_array(j);
}
