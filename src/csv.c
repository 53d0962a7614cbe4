/*
 * csv.c — CSV (RFC 4180) into an obs_table; see obsurv/csv.h.
 *
 * Design.  The whole input is in memory (csv_file.c maps a regular file or
 * reads a pipe whole) and is read in two passes:
 *
 *   pass 1  one walk over the bytes, row by row.  Every column starts
 *           numeric; a row of unquoted fields whose numeric columns hold
 *           plain decimals is read by one tight loop (fast_row: the decimal
 *           scanner inlined, unread fields skipped eight bytes at a time) —
 *           no copy, no allocation.  Any other row goes field by field: a
 *           plain decimal is parsed in place (obs_scan_decimal), any other
 *           field (quoted, blank, NA, Inf, white space, text) takes the
 *           careful path (read_field + classify).  The first non-number in a
 *           column turns it into a factor; its numbers are dropped and the
 *           column is skipped for the rest of the pass.  The line of every
 *           row start is kept.
 *   pass 2  only when factor columns exist: the rows are walked again in
 *           order from the first data row (blank lines passed over as in
 *           pass 1); each factor value is unescaped and interned in the
 *           column's hash table (strings in one growing arena), giving
 *           provisional codes in order of first appearance.  Levels are then
 *           sorted by strcmp and the codes remapped.
 *
 * Example: "id,arm\n1,a\n2,\"b\"\n3,NA\n" — pass 1 stores id = 1, 2, 3;
 * in row 1 "a" is not a number, so arm becomes a factor.  Pass 2 interns
 * "a" (code 0), "b" (code 1) and NA is missing (-1): levels {a, b}.
 *
 * Decisions (R 4.2 read.csv is the reference; LC_ALL=C):
 *  - Missing: an empty field, NA (quoted or not, exact upper case), a field
 *    of only white space, and NaN in a numeric column (R's is.na(NaN) is
 *    TRUE, so model frames drop it).  R keeps "" and "  " as strings in a
 *    character column; obsurv makes them missing everywhere.
 *  - Numbers: see obsurv/numparse.h (white space around numbers allowed,
 *    Inf/NaN/hex, 1e999 is Inf as in R).  Quoted numbers are numbers.
 *  - Text values keep their white space (" x" is a level, as in R).  A
 *    CRLF inside a quoted value is read as LF (as R does), so CRLF and LF
 *    files give the same levels; a lone CR is kept.
 *  - Blank lines (no bytes between line ends) are skipped anywhere, as R's
 *    blank.lines.skip does.  A lone CR that is not followed by LF is data.
 *  - A quote inside an unquoted field is a literal character (x"y); any
 *    character other than a separator after a closing quote is an error.
 *  - A header alone gives a table with 0 rows and all columns numeric.
 *  - Errors (OBS_EDATA, "FILE:LINE: ..."): empty input, a row whose field
 *    count differs from the header's, an unclosed quote (line where it
 *    opened), a NUL byte, invalid UTF-8 in a name or a text value, an empty
 *    or duplicate column name (R would invent "X" / "x.1"; we refuse).
 *  - Caps: at most OBS_CSV_MAX_COLUMNS columns, 2^31-1 levels per column;
 *    every size derived from the input is checked for overflow.
 */
#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/csv.h"
#include "obsurv/numparse.h"
#include "numparse_scan.h"
#include "tile_kernel.h"   /* obs_simd_fma */
#include "obsurv/csv_opts.h"
#include "obsurv/parallel.h"

#define OBS_CSV_MAX_COLUMNS (1u << 20)
#define INITIAL_ROWS_MAX ((size_t)1 << 20)

typedef struct {
    const char *base;     /* first byte of the input (after the BOM) */
    const char *end;      /* one past the last byte */
    const char *source;   /* name for messages */
    size_t line;          /* current 1-based line */
    obs_error *err;
} reader;

typedef struct {
    const char *s;        /* content (inside the quotes when quoted) */
    size_t len;
    int quoted;
    int escaped;          /* contains "" or CRLF (needs unescaping) */
} field;

/* ---------------------------------------------------------------- fields */

/* Is p at a line end (LF, CRLF, or CR as the last byte)? */
static int at_line_end(const reader *r, const char *p)
{
    return *p == '\n' || (*p == '\r' && (p + 1 == r->end || p[1] == '\n'));
}

/* Read the field starting at *pp.  On return *pp points at its terminator
 * (',' , a line end, or r->end) and r->line counts newlines inside quotes.
 * fieldno (1-based) is for messages. */
static obs_status read_field(reader *r, const char **pp, field *f, size_t fieldno)
{
    const char *p = *pp, *end = r->end;
    memset(f, 0, sizeof *f);
    if (p < end && *p == '"') {
        size_t open_line = r->line;
        const char *s = ++p;
        for (;;) {
            if (p >= end)
                return obs_error_set(r->err, OBS_EDATA, "%s:%zu: unclosed quote in field %zu",
                                     r->source, open_line, fieldno);
            char c = *p;
            if (c == '"') {
                if (p + 1 < end && p[1] == '"') { f->escaped = 1; p += 2; continue; }
                break;
            }
            if (c == '\n') {
                r->line++;
                if (p > s && p[-1] == '\r') f->escaped = 1; /* CRLF inside: read as LF, as R does */
            } else if (c == '\0')
                return obs_error_set(r->err, OBS_EDATA, "%s:%zu: NUL byte in field %zu (binary file?)",
                                     r->source, r->line, fieldno);
            p++;
        }
        f->s = s;
        f->len = (size_t)(p - s);
        f->quoted = 1;
        p++; /* closing quote */
        if (p < end && *p != ',' && !at_line_end(r, p))
            return obs_error_set(r->err, OBS_EDATA,
                                 "%s:%zu: unexpected character after the closing quote of field %zu",
                                 r->source, r->line, fieldno);
    } else {
        const char *s = p;
        /* eight bytes at a time while none of them is ',', '\n', '\r' or
         * NUL (a zero byte of v ^ pattern; the boolean test of Mycroft's
         * has-zero expression is exact); the loop below then finds the
         * exact end and reports errors as before */
        while (end - p >= 8) {
            uint64_t v, x, any = 0;
            memcpy(&v, p, 8);
#define CSV_HASZERO(w) (((w) - 0x0101010101010101ULL) & ~(w) & 0x8080808080808080ULL)
            x = v ^ 0x2C2C2C2C2C2C2C2CULL; any |= CSV_HASZERO(x);
            x = v ^ 0x0A0A0A0A0A0A0A0AULL; any |= CSV_HASZERO(x);
            x = v ^ 0x0D0D0D0D0D0D0D0DULL; any |= CSV_HASZERO(x);
            any |= CSV_HASZERO(v);
#undef CSV_HASZERO
            if (any) break;
            p += 8;
        }
        for (; p < end; p++) {
            char c = *p;
            if (c == ',' || c == '\n') break;
            if (c == '\r' && (p + 1 == end || p[1] == '\n')) break;
            if (c == '\r')   /* R would end the line here; a silent misread otherwise */
                return obs_error_set(r->err, OBS_EDATA,
                                     "%s:%zu: carriage return without a line feed in field %zu "
                                     "(classic Mac line ends? convert the file, e.g. tr '\\r' '\\n')",
                                     r->source, r->line, fieldno);
            if (c == '\0')
                return obs_error_set(r->err, OBS_EDATA, "%s:%zu: NUL byte in field %zu (binary file?)",
                                     r->source, r->line, fieldno);
        }
        f->s = s;
        f->len = (size_t)(p - s);
    }
    *pp = p;
    return OBS_OK;
}

/* After a field: returns 1 and steps over the ',' when another field
 * follows; returns 0 at the end of the row (stepping over the line end and
 * counting it). */
static int next_field(reader *r, const char **pp)
{
    const char *p = *pp;
    if (p >= r->end) return 0;
    if (*p == ',') { *pp = p + 1; return 1; }
    if (*p == '\r') p++;
    if (p < r->end && *p == '\n') p++;
    r->line++;
    *pp = p;
    return 0;
}

/* Count the fields from *pp to the end of the row (for a ragged-row message). */
static obs_status count_rest(reader *r, const char **pp, size_t *count)
{
    field f;
    obs_status st;
    do {
        if ((st = read_field(r, pp, &f, *count + 1))) return st;
        (*count)++;
    } while (next_field(r, pp));
    return OBS_OK;
}

static int is_blank_char(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* Missing: empty, exactly NA (quoted or not), or only white space. */
static int field_is_missing(const field *f)
{
    if (f->escaped) return 0;
    if (f->len == 2 && f->s[0] == 'N' && f->s[1] == 'A') return 1;
    for (size_t i = 0; i < f->len; i++)
        if (!is_blank_char(f->s[i])) return 0;
    return 1;
}

/* Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c == 0xE0) { need = 2; lo = 0xA0; }
        else if (c >= 0xE1 && c <= 0xEC) need = 2;
        else if (c == 0xED) { need = 2; hi = 0x9F; }
        else if (c >= 0xEE && c <= 0xEF) need = 2;
        else if (c == 0xF0) { need = 3; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) need = 3;
        else if (c == 0xF4) { need = 3; hi = 0x8F; }
        else return 0;
        if (n - i <= need) return 0;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t k = 2; k <= need; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF) return 0;
        i += need + 1;
    }
    return 1;
}

/* Copy a field's content into buf (growing it), undoing "" escapes and
 * turning CRLF into LF (so a file with CRLF line ends gives the same values),
 * with a terminating NUL.  Returns the length, or (size_t)-1 when out of
 * memory. */
static size_t unescape(const field *f, char **buf, size_t *cap)
{
    if (f->len + 1 > *cap) {
        size_t ncap = *cap ? *cap : 64;
        while (ncap < f->len + 1) ncap *= 2;
        char *nb = realloc(*buf, ncap);
        if (!nb) return (size_t)-1;
        *buf = nb;
        *cap = ncap;
    }
    size_t n = 0;
    for (size_t i = 0; i < f->len; i++) {
        if (f->escaped && f->s[i] == '\r' && i + 1 < f->len && f->s[i + 1] == '\n') continue;
        (*buf)[n++] = f->s[i];
        if (f->escaped && f->s[i] == '"') i++; /* skip the second quote of "" */
    }
    (*buf)[n] = '\0';
    return n;
}

/* ---------------------------------------------------------------- header */

typedef struct {
    char **names;
    size_t k;
} header;

static void header_free(header *h)
{
    if (h->names)
        for (size_t j = 0; j < h->k; j++) free(h->names[j]);
    free(h->names);
    h->names = NULL;
    h->k = 0;
}

static int cmp_name_index(const void *a, const void *b, void *ctx)
{
    char **names = ctx;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(names[i], names[j]);
    return c ? c : (i < j ? -1 : i > j);
}

static obs_status read_header(reader *r, const char **pp, header *h)
{
    size_t cap = 0, header_line = r->line;
    obs_status st = OBS_OK;
    field f;
    char *scratch = NULL;
    size_t scap = 0, *order = NULL;
    do {
        if (h->k >= OBS_CSV_MAX_COLUMNS) {
            st = obs_error_set(r->err, OBS_ENOMEM, "%s:%zu: more than %u columns",
                               r->source, r->line, OBS_CSV_MAX_COLUMNS);
            goto done;
        }
        if ((st = read_field(r, pp, &f, h->k + 1))) goto done;
        if (h->k == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            char **nn = realloc(h->names, ncap * sizeof *nn);
            if (!nn) goto nomem;
            h->names = nn;
            cap = ncap;
        }
        size_t n = unescape(&f, &scratch, &scap);
        if (n == (size_t)-1) goto nomem;
        if (!utf8_valid((const unsigned char *)scratch, n)) {
            st = obs_error_set(r->err, OBS_EDATA, "%s:%zu: column %zu: name is not valid UTF-8"
                               " (convert the file, e.g. iconv -f latin1 -t utf-8)",
                               r->source, r->line, h->k + 1);
            goto done;
        }
        if (n == 0) {
            st = obs_error_set(r->err, OBS_EDATA, "%s:%zu: column %zu has an empty name",
                               r->source, r->line, h->k + 1);
            goto done;
        }
        if (!(h->names[h->k] = strdup(scratch))) goto nomem;
        h->k++;
    } while (next_field(r, pp));

    /* duplicates: sort indices by name, compare neighbours */
    if (!(order = malloc(h->k * sizeof *order))) goto nomem;
    for (size_t j = 0; j < h->k; j++) order[j] = j;
    qsort_r(order, h->k, sizeof *order, cmp_name_index, h->names);
    for (size_t j = 1; j < h->k; j++)
        if (strcmp(h->names[order[j - 1]], h->names[order[j]]) == 0) {
            st = obs_error_set(r->err, OBS_EDATA, "%s:%zu: duplicate column name \"%s\" (columns %zu and %zu)",
                               r->source, header_line, h->names[order[j]], order[j - 1] + 1, order[j] + 1);
            goto done;
        }
    goto done;
nomem:
    st = obs_error_set(r->err, OBS_ENOMEM, "%s: out of memory reading the header", r->source);
done:
    free(scratch);
    free(order);
    return st;
}

/* ---------------------------------------------------------------- factors */

typedef struct {
    uint64_t hash;
    size_t off;           /* string in the arena */
    size_t len;
    int code;             /* provisional code, -1 = empty slot */
} slot;

typedef struct {
    slot *slots;
    size_t nslots;        /* power of two */
    size_t nlevels;
    size_t *level_off;    /* provisional code -> arena offset */
    size_t level_cap;
    char *arena;
    size_t arena_len, arena_cap;
} interner;

static void interner_free(interner *in)
{
    free(in->slots);
    free(in->level_off);
    free(in->arena);
    memset(in, 0, sizeof *in);
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int interner_grow(interner *in)
{
    size_t n = in->nslots ? 2 * in->nslots : 64;
    slot *s = malloc(n * sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < n; i++) s[i].code = -1;
    for (size_t i = 0; i < in->nslots; i++) {
        if (in->slots[i].code < 0) continue;
        size_t k = in->slots[i].hash & (n - 1);
        while (s[k].code >= 0) k = (k + 1) & (n - 1);
        s[k] = in->slots[i];
    }
    free(in->slots);
    in->slots = s;
    in->nslots = n;
    return 0;
}

/* Code of string s[0..n) (no NUL inside); new strings get the next code.
 * Returns -1 when out of memory or over the level cap, -2 for bad UTF-8. */
static long intern(interner *in, const char *s, size_t n)
{
    if (2 * (in->nlevels + 1) > in->nslots && interner_grow(in)) return -1;
    uint64_t h = hash_bytes(s, n);
    size_t k = h & (in->nslots - 1);
    while (in->slots[k].code >= 0) {
        slot *e = &in->slots[k];
        if (e->hash == h && e->len == n && memcmp(in->arena + e->off, s, n) == 0) return e->code;
        k = (k + 1) & (in->nslots - 1);
    }
    if (!utf8_valid((const unsigned char *)s, n)) return -2;
    if (in->nlevels >= INT32_MAX - 1) return -1;
    if (in->arena_len + n + 1 > in->arena_cap) {
        size_t cap = in->arena_cap ? in->arena_cap : 4096;
        while (cap < in->arena_len + n + 1) {
            if (cap > SIZE_MAX / 2) return -1;
            cap *= 2;
        }
        char *a = realloc(in->arena, cap);
        if (!a) return -1;
        in->arena = a;
        in->arena_cap = cap;
    }
    if (in->nlevels == in->level_cap) {
        size_t cap = in->level_cap ? 2 * in->level_cap : 16;
        size_t *lo = realloc(in->level_off, cap * sizeof *lo);
        if (!lo) return -1;
        in->level_off = lo;
        in->level_cap = cap;
    }
    memcpy(in->arena + in->arena_len, s, n);
    in->arena[in->arena_len + n] = '\0';
    in->slots[k] = (slot){h, in->arena_len, n, (int)in->nlevels};
    in->level_off[in->nlevels] = in->arena_len;
    in->arena_len += n + 1;
    return (long)in->nlevels++;
}

static int cmp_level(const void *a, const void *b, void *ctx)
{
    const interner *in = ctx;
    return strcmp(in->arena + in->level_off[*(const int *)a], in->arena + in->level_off[*(const int *)b]);
}

/* Sort the interned strings into c->levels and remap codes[0..n) to ranks. */
static int finish_factor(obs_column *c, interner *in, size_t n)
{
    size_t L = in->nlevels;
    int *order = malloc((L ? L : 1) * sizeof *order);
    int *rank = malloc((L ? L : 1) * sizeof *rank);
    int rc = -1;
    if (!order || !rank) goto done;
    if (!(c->levels = calloc(L ? L : 1, sizeof *c->levels))) goto done;
    for (size_t l = 0; l < L; l++) order[l] = (int)l;
    qsort_r(order, L, sizeof *order, cmp_level, in);
    for (size_t l = 0; l < L; l++) {
        rank[order[l]] = (int)l;
        if (!(c->levels[l] = strdup(in->arena + in->level_off[order[l]]))) goto done;
        c->nlevels = l + 1;
    }
    for (size_t i = 0; i < n; i++)
        if (c->codes[i] >= 0) c->codes[i] = rank[c->codes[i]];
    rc = 0;
done:
    free(order);
    free(rank);
    return rc;
}

/* ---------------------------------------------------------------- parse */

/* Column modes in columns.is_factor. */
#define COL_NUM 0         /* numeric so far */
#define COL_FACTOR 1      /* text seen: a factor (pass 2) */
#define COL_SKIP 2        /* not selected: fields only split */

typedef struct {
    size_t k, nrow, cap;
    double **num;         /* k arrays (NULL once a column is a factor, or skipped) */
    unsigned char *is_factor;  /* k modes COL_NUM / COL_FACTOR / COL_SKIP */
    size_t nfactor;
    size_t *rowline;      /* line of each row start (becomes the table's line[]) */
    unsigned char *slow;  /* k flags: 1 once a value of the column was stored by
                             the field-by-field route (a missing value, an
                             Inf...); 0: plain finite decimals only */
    int view;             /* 1: num/rowline point into storage owned
                             elsewhere (a thread's half): never grown or freed */
} columns;

static void columns_free(columns *c)
{
    if (c->view) { free(c->num); free(c->is_factor); free(c->slow); memset(c, 0, sizeof *c); return; }
    if (c->num)
        for (size_t j = 0; j < c->k; j++) free(c->num[j]);
    free(c->num);
    free(c->is_factor);
    free(c->slow);
    free(c->rowline);
    memset(c, 0, sizeof *c);
}

static int grow_rows(columns *c, size_t want)
{
    size_t cap = want, bytes;
    if (__builtin_mul_overflow(cap, sizeof(double), &bytes)) return -1;
    size_t *l = realloc(c->rowline, cap * sizeof *l);
    if (!l) return -1;
    c->rowline = l;
    for (size_t j = 0; j < c->k; j++) {
        if (c->is_factor[j]) continue;
        double *v = realloc(c->num[j], bytes);
        if (!v) return -1;
        c->num[j] = v;
    }
    c->cap = cap;
    return 0;
}

/* One chunk of CSV_CHUNK bytes at p (all readable): bit i of *comma set
 * when p[i] is ',', of *stop when it is '\n', '\r', '"' or NUL.  SSE2
 * compares sixteen bytes (every x86-64 has SSE2); elsewhere eight bytes
 * as a word, with exact per-byte masks (a zero byte of v ^ pattern:
 * ~(((w & 0x7F..) + 0x7F..) | w | 0x7F..), no false positive) whose high
 * bits are gathered into the low byte by one multiplication. */
#ifdef __SSE2__
#define CSV_CHUNK 16
static inline void csv_masks(const char *p, unsigned *comma, unsigned *stop)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    *comma = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
    const __m128i st = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                                 _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))),
                                    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                 _mm_cmpeq_epi8(v, _mm_setzero_si128())));
    *stop = (unsigned)_mm_movemask_epi8(st);
}
#else
#define CSV_CHUNK 8
#define CSV_ZMASK(w) (~((((w) & 0x7F7F7F7F7F7F7F7FULL) + 0x7F7F7F7F7F7F7F7FULL) | (w) | 0x7F7F7F7F7F7F7F7FULL))
#define CSV_PACK(m) ((unsigned)((((m) >> 7) * 0x0102040810204080ULL) >> 56))
static inline void csv_masks(const char *p, unsigned *comma, unsigned *stop)
{
    uint64_t v;
    memcpy(&v, p, 8);
    *comma = CSV_PACK(CSV_ZMASK(v ^ 0x2C2C2C2C2C2C2C2CULL));
    *stop = CSV_PACK(CSV_ZMASK(v ^ 0x0A0A0A0A0A0A0A0AULL) | CSV_ZMASK(v ^ 0x0D0D0D0D0D0D0D0DULL) |
                     CSV_ZMASK(v ^ 0x2222222222222222ULL) | CSV_ZMASK(v));
}
#undef CSV_ZMASK
#undef CSV_PACK
#endif

/* Set bits of a chunk mask (at most 16 bits), inline: without -mpopcnt
 * __builtin_popcount is a libgcc call (6% of a km run). */
static inline unsigned mask_count(unsigned x)
{
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return (x + (x >> 8)) & 0x1Fu;
}

/* Fast skip of the last `nf` fields of a row, none of them read (columns
 * skipped or already text): on success *pp points at the row's line end
 * ('\n', a CR that ends the line, or r->end), exactly where nf calls of
 * read_field/next_field would leave it before the last next_field, and 1 is
 * returned.  A chunk at a time (csv_masks): the commas before the first
 * '\n', '\r', '"' or NUL are counted.  Anything unusual (a quote, a NUL, a
 * CR inside a field, a row with more or fewer fields) returns 0 with *pp
 * untouched, and the caller takes the field-by-field path, which gives the
 * same results and messages. */
static int skip_rest_fast(const reader *r, const char **pp, size_t nf)
{
    const char *p = *pp, *end = r->end;
    size_t commas = 0;
    while (end - p >= CSV_CHUNK) {
        unsigned cm, stop;
        csv_masks(p, &cm, &stop);
        if (stop) {
            const unsigned b = (unsigned)__builtin_ctz(stop);
            commas += (size_t)mask_count(cm & ((1u << b) - 1));
            p += b;
            goto at_stop;
        }
        commas += (size_t)mask_count(cm);
        p += CSV_CHUNK;
    }
    for (; p < end; p++) {
        char c = *p;
        if (c == ',') commas++;
        else if (c == '\n' || c == '\r' || c == '"' || c == '\0') goto at_stop;
    }
    /* end of input: the row ends here */
    if (commas + 1 != nf) return 0;
    *pp = p;
    return 1;
at_stop:
    if (commas + 1 != nf) return 0;
    if (*p == '\n' || (*p == '\r' && (p + 1 == end || p[1] == '\n'))) {
        *pp = p;
        return 1;
    }
    return 0;
}

/* Fast skip of `nf` fields, none of them read, that are followed by more
 * fields of the row: on success *pp points at the comma that ends the last
 * of them (where nf - 1 calls of read_field/next_field and one read_field
 * would leave it) and 1 is returned; a chunk at a time as skip_rest_fast.
 * A quote, NUL, CR or line end before the nf-th comma returns 0 with *pp
 * untouched: the caller takes the field-by-field path. */
static int skip_some_fast(const reader *r, const char **pp, size_t nf)
{
    const char *p = *pp, *end = r->end;
    size_t need = nf;                 /* commas still to pass, >= 1 */
    while (end - p >= CSV_CHUNK) {
        unsigned cm, stop;
        csv_masks(p, &cm, &stop);
        if (stop) cm &= (1u << __builtin_ctz(stop)) - 1;        /* commas before it */
        const size_t nc = (size_t)mask_count(cm);
        if (nc >= need) {
            for (size_t t = 1; t < need; t++) cm &= cm - 1;     /* drop the first need-1 */
            *pp = p + __builtin_ctz(cm);
            return 1;
        }
        if (stop) return 0;
        need -= nc;
        p += CSV_CHUNK;
    }
    for (; p < end; p++) {
        char c = *p;
        if (c == ',') {
            if (--need == 0) { *pp = p; return 1; }
        } else if (c == '\n' || c == '\r' || c == '"' || c == '\0') {
            return 0;
        }
    }
    return 0;
}

/* fast_row's pieces: a run of fields only passed over, starting at field
 * j (eight or sixteen bytes at a time), leaving *q at its end and *j at its
 * last field, 0 when unusual; and the separator after field j at q: the
 * start of the next field or line, NULL when it is not the expected one. */
static inline __attribute__((always_inline)) int skip_run(const reader *r, const unsigned char *mode,
                                                          size_t k, size_t *j, const char **q)
{
    size_t m = *j + 1;
    while (m < k && mode[m] != COL_NUM) m++;
    if (m == k ? !skip_rest_fast(r, q, k - *j) : !skip_some_fast(r, q, m - *j)) return 0;
    if (*q == r->end) return 0;
    *j = m - 1;
    return 1;
}

static inline __attribute__((always_inline)) const char *after_sep(const reader *r, const char *q, size_t j,
                                                                   size_t k)
{
    const char sep = j + 1 < k ? ',' : '\n';
    if (*q == sep) return q + 1;
    if (sep == '\n' && *q == '\r' && q + 1 < r->end && q[1] == '\n') return q + 2;
    return NULL;
}

/* The common row, read in one tight loop: every field unquoted, each
 * numeric column's field a plain decimal (obs_scan_decimal's grammar), the
 * other fields passed over, the row ended by LF or CRLF.  Stores the
 * numbers of row i and returns the start of the next line; returns NULL
 * when the row is anything else (a blank, NA, quoted or text field, a
 * ragged row, a lone CR, an Inf, the input's last line without a line
 * end): the caller then reads the row field by field, from its start,
 * which gives the same values and every message (the numbers stored here
 * are overwritten or, for a column that turns into a factor, dropped).
 * One body for the portable scanner (fast_row) and the sixteen-byte one
 * (fast_row16, compiled for AVX2: the scanner cannot be passed as a
 * function into code for another target without losing its inlining). */
#define FAST_ROW_BODY(SCAN)                                                     \
    const char *end = r->end;                                                   \
    for (size_t j = 0; j < k; j++) {                                            \
        const char *q = p;                                                      \
        if (mode[j] == COL_NUM) {                                               \
            double v;                                                           \
            q = SCAN(p, end, &v);                                               \
            if (!q || q == end || v - v != 0.0) return NULL;                    \
            num[j][i] = v;                                                      \
        } else if (!skip_run(r, mode, k, &j, &q)) {                             \
            return NULL;                                                        \
        }                                                                       \
        if (!(p = after_sep(r, q, j, k))) return NULL;                          \
    }                                                                           \
    return p;

static inline __attribute__((always_inline)) const char *fast_row(const reader *r, const char *p,
                                                                  const unsigned char *mode, size_t k,
                                                                  double *const *num, size_t i)
{
    FAST_ROW_BODY(obs_scan_decimal_inline)
}

#ifdef OBS_HAVE_SCAN16
/* A number sixteen bytes at a time (obs_scan_decimal16: the same value)
 * when the field lies in them, else by the portable scanner. */
__attribute__((target("avx2"), always_inline))
static inline const char *scan_wide(const char *p, const char *end, double *v)
{
    const char *q = end - p > 16 ? obs_scan_decimal16(p, v) : NULL;
    return q ? q : obs_scan_decimal_inline(p, end, v);
}

__attribute__((target("avx2"), always_inline))
static inline const char *fast_row16(const reader *r, const char *p, const unsigned char *mode, size_t k,
                                     double *const *num, size_t i)
{
    FAST_ROW_BODY(scan_wide)
}

/* Consecutive common rows from p by fast_row16, from row *nrow while
 * below cap, each row's line into rowline: stops before a blank line or
 * a row fast_row16 does not take (which the caller then reads).  Returns
 * where it stopped; *nrow and *line advanced. */
__attribute__((target("avx2")))
static const char *fast_rows16(const reader *r, const char *p, const unsigned char *mode, size_t k,
                               double *const *num, size_t *rowline, size_t *nrow, size_t cap,
                               size_t *line)
{
    size_t i = *nrow, ln = *line;
    while (i < cap && p < r->end && *p != '\n' && *p != '\r') {
        const char *q = fast_row16(r, p, mode, k, num, i);
        if (!q) break;
        rowline[i++] = ln++;
        p = q;
    }
    *nrow = i;
    *line = ln;
    return p;
}
#endif
#undef FAST_ROW_BODY

/* Pass 1 (see the design note).  *pp is at the first data row. */
static obs_status pass_numbers(reader *r, const char *p, columns *c)
{
    const char *end = r->end;
    const size_t k = c->k;
    field f;
    obs_status st;

#ifdef OBS_HAVE_SCAN16
    const int simd = obs_simd_fma();
#endif
    while (p < end) {
#ifdef OBS_HAVE_SCAN16
        if (simd && c->nrow < c->cap) {   /* runs of common rows, sixteen bytes a number */
            p = fast_rows16(r, p, c->is_factor, k, c->num, c->rowline, &c->nrow, c->cap, &r->line);
            if (p >= end) break;
        }
#endif
        if (*p == '\n') { p++; r->line++; continue; }                      /* blank line */
        if (*p == '\r' && (p + 1 == end || p[1] == '\n')) { p += (p + 1 == end) ? 1 : 2; r->line++; continue; }
        if (c->nrow == c->cap) {
            if (c->view)
                return obs_error_set(r->err, OBS_ENOMEM, "%s:%zu: row capacity", r->source, r->line);
            size_t want = c->cap ? 2 * c->cap : 1024;
            if (want < c->cap || grow_rows(c, want))
                return obs_error_set(r->err, OBS_ENOMEM, "%s:%zu: out of memory after %zu rows",
                                     r->source, r->line, c->nrow);
        }
        const size_t i = c->nrow, row_line = r->line;
        c->rowline[i] = row_line;
        {
            const char *q = fast_row(r, p, c->is_factor, k, c->num, i);
            if (q) {
                p = q;
                r->line++;
                c->nrow++;
                continue;
            }
        }
        for (size_t j = 0;; j++) {
            int skipped = 0;
            if (c->is_factor[j] != COL_NUM) {   /* a run of fields only split */
                size_t m = j + 1;
                while (m < k && c->is_factor[m] != COL_NUM) m++;
                if (m == k) {
                    if (skip_rest_fast(r, &p, k - j)) {
                        next_field(r, &p);      /* the row's line end */
                        break;
                    }
                } else if (skip_some_fast(r, &p, m - j)) {
                    j = m - 1;                  /* p at the comma ending field m - 1 */
                    skipped = 1;
                }
            }
            if (skipped) {
                /* on to the comma below */
            } else if (c->is_factor[j] == COL_NUM) {
                double v;
                const char *q = obs_scan_decimal(p, end, &v);
                c->slow[j] = 1;
                if (q && (q == end || *q == ',' || at_line_end(r, q))) {
                    c->num[j][i] = v;
                    p = q;
                } else {
                    if ((st = read_field(r, &p, &f, j + 1))) return st;
                    if (field_is_missing(&f)) c->num[j][i] = NAN;
                    else if (!f.escaped && obs_parse_double(f.s, f.len, &v)) c->num[j][i] = v;
                    else { /* text: the column becomes a factor (pass 2) */
                        c->is_factor[j] = COL_FACTOR;
                        c->nfactor++;
                        if (!c->view) {
                            free(c->num[j]);
                            c->num[j] = NULL;
                        }
                    }
                }
            } else if ((st = read_field(r, &p, &f, j + 1))) {
                return st;
            }
            if (j + 1 == k) {
                if (p < end && *p == ',') {
                    size_t found = k;
                    p++;
                    if ((st = count_rest(r, &p, &found))) return st;
                    return obs_error_set(r->err, OBS_EDATA, "%s:%zu: expected %zu fields (as in the header), found %zu",
                                         r->source, row_line, k, found);
                }
                next_field(r, &p);
                break;
            }
            if (!next_field(r, &p))
                return obs_error_set(r->err, OBS_EDATA, "%s:%zu: expected %zu fields (as in the header), found %zu",
                                     r->source, row_line, k, j + 1);
        }
        c->nrow++;
    }
    return OBS_OK;
}

/* Pass 2: codes for the factor columns of table t from the row offsets. */
static obs_status pass_factors(reader *r, const char *p, columns *c, obs_table *t, const size_t *out_index)
{
    size_t k = c->k, last = 0, n = c->nrow;
    interner *in = calloc(k, sizeof *in);
    char *scratch = NULL;
    size_t scap = 0;
    obs_status st = OBS_OK;
    field f;

    if (!in) goto nomem;
    for (size_t j = 0; j < k; j++) {
        if (c->is_factor[j] != COL_FACTOR) continue;
        last = j;
        obs_column *col = &t->cols[out_index[j]];
        col->type = OBS_COL_FACTOR;
        col->codes = malloc((n ? n : 1) * sizeof *col->codes);
        col->missing = calloc(n ? n : 1, 1);
        if (!col->codes || !col->missing) goto nomem;
    }
    for (size_t i = 0; i < n; i++) {
        /* rows in order from the first data row: past blank lines as pass 1 */
        for (;;) {
            if (*p == '\n') p++;
            else if (*p == '\r' && (p + 1 == r->end || p[1] == '\n')) p += (p + 1 == r->end) ? 1 : 2;
            else break;
        }
        r->line = t->line[i];
        for (size_t j = 0; j <= last; j++) {
            size_t field_line = r->line;
            if ((st = read_field(r, &p, &f, j + 1))) goto done;
            if (c->is_factor[j] == COL_FACTOR) {
                obs_column *col = &t->cols[out_index[j]];
                if (field_is_missing(&f)) {
                    col->codes[i] = -1;
                    col->missing[i] = 1;
                    col->nmissing++;
                } else {
                    size_t len = unescape(&f, &scratch, &scap);
                    if (len == (size_t)-1) goto nomem;
                    long code = intern(&in[j], scratch, len);
                    if (code == -2) {
                        st = obs_error_set(r->err, OBS_EDATA, "%s:%zu: column \"%s\": value is not valid UTF-8"
                                           " (convert the file, e.g. iconv -f latin1 -t utf-8)",
                                           r->source, field_line, col->name);
                        goto done;
                    }
                    if (code < 0) goto nomem;
                    col->codes[i] = (int)code;
                }
            }
            if (j < last) p++; /* the ',' (pass 1 checked the row's shape) */
        }
        /* on to the next row: the fields after the last factor column
         * (eight bytes at a time when nothing is quoted), then the line end */
        if (last + 1 < k) {
            p++;
            if (!skip_rest_fast(r, &p, k - 1 - last))
                for (size_t j = last + 1;; j++) {
                    if ((st = read_field(r, &p, &f, j + 1))) goto done;
                    if (j + 1 == k) break;
                    p++;
                }
        }
        next_field(r, &p);
    }
    for (size_t j = 0; j < k; j++)
        if (c->is_factor[j] == COL_FACTOR && finish_factor(&t->cols[out_index[j]], &in[j], n)) goto nomem;
    goto done;
nomem:
    st = obs_error_set(r->err, OBS_ENOMEM, "%s: out of memory building factor columns", r->source);
done:
    if (in)
        for (size_t j = 0; j < k; j++) interner_free(&in[j]);
    free(in);
    free(scratch);
    return st;
}

/* ------------------------------------------------------- two halves */

typedef struct {
    reader r;
    columns c;
    const char *p;        /* first byte of the half */
    size_t newlines;      /* '\n' in the half (bounds its rows) */
    int quote;            /* a '"' in the half: the one-thread route reads the file */
    obs_status st;
    obs_error err;
} half;

static void count_half(void *arg)
{
    half *h = arg;
    size_t nl = 0;
    int quote = 0;
    const char *q = h->p, *end = h->r.end;
#ifdef __SSE2__
    /* sixteen bytes at a time: per-byte counts of '\n' (0 or -1 from the
     * compare, subtracted), summed every 255 steps before a byte overflows;
     * quotes or'ed into a second register */
    __m128i qacc = _mm_setzero_si128();
    while (end - q >= 16) {
        size_t steps = (size_t)(end - q) / 16;
        if (steps > 255) steps = 255;
        __m128i acc = _mm_setzero_si128();
        for (size_t s = 0; s < steps; s++, q += 16) {
            const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
            qacc = _mm_or_si128(qacc, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
        }
        const __m128i sad = _mm_sad_epu8(acc, _mm_setzero_si128());
        nl += (size_t)_mm_cvtsi128_si32(sad) + (size_t)_mm_extract_epi16(sad, 4);
    }
    quote = _mm_movemask_epi8(qacc) != 0;
#endif
    for (; q < end; q++) {
        nl += (*q == '\n');
        quote |= (*q == '"');
    }
    h->newlines = nl;
    h->quote = quote;
}

static void parse_half(void *arg)
{
    half *h = arg;
    h->st = pass_numbers(&h->r, h->p, &h->c);
}

/* Pass 1 over [p, end) in two halves at once, when there is no quote in
 * the data (found while counting the newlines), so a '\n' always ends a
 * row.  On success c holds every row as the one-thread pass would leave
 * it, with numeric arrays for the columns that stayed numeric; returns 0.
 * Returns 1 when the one-thread path must run instead (a quote, or an
 * error in a half: its message must come from the one-thread pass), -1
 * when out of memory. */
static int pass_numbers_2(const reader *r0, const char *p, columns *c)
{
    const size_t k = c->k;
    const char *mid = p + (size_t)(r0->end - p) / 2;
    const char *cut = memchr(mid, '\n', (size_t)(r0->end - mid));
    if (!cut || cut + 1 >= r0->end) return 1;
    cut++;
    half h[2];
    memset(h, 0, sizeof h);
    h[0].r = *r0; h[0].r.end = cut; h[0].p = p;
    h[1].r = *r0; h[1].r.line = 0; h[1].p = cut;
    for (int b = 0; b < 2; b++) h[b].r.err = &h[b].err;
    void *args[2] = {&h[0], &h[1]};
    obs_parallel_run(count_half, args, 2, 2);
    if (h[0].quote || h[1].quote) return 1;   /* a quoted field may hold a newline */

    /* one array per numeric column for both halves: half 0 at [0, nl0),
     * half 1 at [nl0, nl0 + nl1 + 1) */
    size_t cap0 = h[0].newlines, cap1 = h[1].newlines + 1, cap = cap0 + cap1;
    int rc = -1;
    if (grow_rows(c, cap)) return -1;
    for (int b = 0; b < 2; b++) {
        columns *hc = &h[b].c;
        size_t off = b ? cap0 : 0;
        hc->k = k;
        hc->view = 1;
        hc->cap = b ? cap1 : cap0;
        hc->num = calloc(k, sizeof *hc->num);
        hc->is_factor = malloc(k);
        hc->slow = calloc(k, 1);
        if (!hc->num || !hc->is_factor || !hc->slow) goto done;
        memcpy(hc->is_factor, c->is_factor, k);
        for (size_t j = 0; j < k; j++) hc->num[j] = c->num[j] ? c->num[j] + off : NULL;
        hc->rowline = c->rowline + off;
    }
    obs_parallel_run(parse_half, args, 2, 2);
    if (h[0].st || h[1].st) { rc = 1; goto done; }

    /* join: half 1 follows half 0 (closing the gap left by blank lines) */
    size_t n0 = h[0].c.nrow, n1 = h[1].c.nrow, line0 = h[0].r.line;
    for (size_t i = 0; i < n1; i++) c->rowline[cap0 + i] += line0;
    if (n0 < cap0) memmove(c->rowline + n0, c->rowline + cap0, n1 * sizeof *c->rowline);
    for (size_t j = 0; j < k; j++) {
        unsigned char m = c->is_factor[j];
        if (m == COL_NUM && (h[0].c.is_factor[j] == COL_FACTOR || h[1].c.is_factor[j] == COL_FACTOR)) {
            m = COL_FACTOR;
            c->nfactor++;
        }
        c->is_factor[j] = m;
        c->slow[j] |= h[0].c.slow[j] | h[1].c.slow[j];
        if (m != COL_NUM) {
            free(c->num[j]);
            c->num[j] = NULL;
        } else if (n0 < cap0) {
            memmove(c->num[j] + n0, c->num[j] + cap0, n1 * sizeof *c->num[j]);
        }
    }
    c->nrow = n0 + n1;
    rc = 0;
done:
    columns_free(&h[0].c);
    columns_free(&h[1].c);
    return rc;
}

/* Is name in the NULL-terminated list? */
static int listed(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp(*list, name) == 0) return 1;
    return 0;
}

typedef struct {
    obs_table *t;
    columns *c;
    const size_t *out_index;
    size_t j0, j1;        /* header columns [j0, j1) */
} finish_job;

/* Move the numeric arrays of header columns [j0, j1) into the table and
 * set their missing flags. */
static void finish_numeric(void *arg)
{
    finish_job *fj = arg;
    columns *c = fj->c;
    for (size_t j = fj->j0; j < fj->j1; j++) {
        if (c->is_factor[j] != COL_NUM) continue;
        obs_column *col = &fj->t->cols[fj->out_index[j]];
        col->type = OBS_COL_NUMERIC;
        col->num = c->num[j];
        c->num[j] = NULL;
        if (c->nrow > 0) {
            double *v = realloc(col->num, c->nrow * sizeof *v);
            if (v) col->num = v;
        }
        /* calloc: a column without missing values never writes its flags,
         * whose pages then stay the kernel's shared zeros (no new memory) */
        if (!(col->missing = calloc(c->nrow ? c->nrow : 1, 1))) continue;   /* caller checks */
        if (!c->slow[j]) {   /* finite decimals only: nothing to scan */
            col->nmissing = 0;
            col->all_finite = 1;
            continue;
        }
        size_t nmiss = 0, nonfinite = 0;
        const double *x = col->num;
        unsigned char *miss = col->missing;
        for (size_t i = 0; i < c->nrow; i++) {
            if (isnan(x[i])) { miss[i] = 1; nmiss++; }
            nonfinite += (x[i] - x[i] != 0.0);
        }
        col->nmissing = nmiss;
        col->all_finite = (nonfinite == 0);
    }
}

/* Inputs smaller than this are parsed on one thread. */
#define TWO_THREADS_MIN_BYTES ((size_t)4 << 20)

obs_status obs_csv_read_buffer(const char *buf, size_t len, const char *source,
                               obs_table **out, obs_error *err)
{
    obs_csv_options o = {NULL, 1, NULL, NULL};
    return obs_csv_read_buffer_opts(buf, len, source, &o, out, err);
}

obs_status obs_csv_read_buffer_opts(const char *buf, size_t len, const char *source,
                                    const obs_csv_options *o, obs_table **out, obs_error *err)
{
    reader r = {buf, buf + len, source ? source : "<data>", 1, err};
    header h = {NULL, 0};
    columns c;
    obs_table *t = NULL;
    obs_status st;
    const char *p = buf;
    size_t *out_index = NULL, nout = 0;
    int threads = o && o->threads > 0 ? o->threads : obs_parallel_threads();

    memset(&c, 0, sizeof c);
    *out = NULL;
    if (!buf && len) return obs_error_set(err, OBS_EUSAGE, "%s: no buffer", r.source);
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) p += 3;
    r.base = buf;
    /* leading blank lines */
    while (p < r.end && (*p == '\n' || (*p == '\r' && (p + 1 == r.end || p[1] == '\n')))) {
        p += (*p == '\r' && p + 1 < r.end) ? 2 : 1;
        r.line++;
    }
    if (p == r.end) return obs_error_set(err, OBS_EDATA, "%s:1: empty file (no header line)", r.source);
    if ((st = read_header(&r, &p, &h))) goto done;
    const char *const data = p;   /* the first data row (pass 2 starts there again) */

    c.k = h.k;
    c.num = calloc(c.k, sizeof *c.num);
    c.is_factor = calloc(c.k, 1);
    c.slow = calloc(c.k, 1);
    out_index = calloc(c.k, sizeof *out_index);
    if (!c.num || !c.is_factor || !c.slow || !out_index) goto nomem;
    for (size_t j = 0; j < c.k; j++) {
        if (o && o->columns && !listed(o->columns, h.names[j])) c.is_factor[j] = COL_SKIP;
        else out_index[j] = nout++;
    }
    if (o && o->progress) {
        obs_progress_event ev = {OBS_PROGRESS_READ, r.source, 0, len, 0.0};
        o->progress(o->progress_ctx, &ev);
    }
    {
        int done2 = 1;
        if (threads >= 2 && (size_t)(r.end - p) >= TWO_THREADS_MIN_BYTES) {
            int rc2 = pass_numbers_2(&r, p, &c);
            if (rc2 < 0) goto nomem;
            done2 = (rc2 == 0);
            if (!done2) {   /* start again on one thread */
                for (size_t j = 0; j < c.k; j++) {
                    free(c.num[j]);
                    c.num[j] = NULL;
                    if (c.is_factor[j] == COL_FACTOR) c.is_factor[j] = COL_NUM;
                }
                c.nfactor = 0;
                memset(c.slow, 0, c.k);
                c.nrow = c.cap = 0;
                free(c.rowline); c.rowline = NULL;
            }
        } else {
            done2 = 0;
        }
        if (!done2) {
            /* Rows are bounded by the newlines + 1 and, as a row of k fields
             * takes at least k bytes (k-1 commas and a line end), by bytes/k + 1:
             * start there (capped), double if needed. */
            size_t nl = 1, by_size = (size_t)(r.end - p) / c.k + 1;
            for (const char *q = p; (q = memchr(q, '\n', (size_t)(r.end - q))); q++) nl++;
            if (nl > by_size) nl = by_size;
            if (nl > INITIAL_ROWS_MAX) nl = INITIAL_ROWS_MAX;
            if (grow_rows(&c, nl)) goto nomem;
            if ((st = pass_numbers(&r, p, &c))) goto done;
        }
    }

    if (!(t = obs_table_new(0, nout, r.source))) goto nomem;
    t->nrow = c.nrow;
    free(t->line);
    t->line = c.rowline;
    c.rowline = NULL;
    if (c.nrow > 0) {
        size_t *l = realloc(t->line, c.nrow * sizeof *l);
        if (l) t->line = l;
    }
    for (size_t j = 0; j < c.k; j++) {
        if (c.is_factor[j] == COL_SKIP) continue;
        t->cols[out_index[j]].name = h.names[j];
        h.names[j] = NULL;
    }
    {
        finish_job fj[2] = {{t, &c, out_index, 0, c.k / 2}, {t, &c, out_index, c.k / 2, c.k}};
        void *args[2] = {&fj[0], &fj[1]};
        obs_parallel_run(finish_numeric, args, 2, c.nrow >= ((size_t)1 << 16) ? threads : 1);
        for (size_t j = 0; j < c.k; j++)
            if (c.is_factor[j] == COL_NUM && !t->cols[out_index[j]].missing) goto nomem;
    }
    if (c.nfactor && (st = pass_factors(&r, data, &c, t, out_index))) goto done;
    if (o && o->progress) {
        obs_progress_event ev = {OBS_PROGRESS_READ, r.source, len, len, 0.0};
        o->progress(o->progress_ctx, &ev);
    }
    *out = t;
    t = NULL;
    st = OBS_OK;
    goto done;
nomem:
    st = obs_error_set(err, OBS_ENOMEM, "%s: out of memory", r.source);
done:
    obs_table_free(&t);
    header_free(&h);
    columns_free(&c);
    free(out_index);
    return st;
}
