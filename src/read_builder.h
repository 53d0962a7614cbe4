/*
 * read_builder.h — private: the column accumulator the binary readers
 * (ReadStat, SQLite) push values into, and its conversion to an obs_table.
 *
 * Readers see a row-at-a-time stream of cells of unknown final length, so
 * the builder grows its columns by doubling (capped by OBS_READ_MAX_CELLS);
 * at the end obs_builder_finish decides each column's type:
 *   numeric cells only            -> numeric column;
 *   any text cell                 -> factor, levels in byte order (as CSV);
 *   value labels (ReadStat)       -> factor, levels as haven::as_factor:
 *                                    labels and unlabelled values sorted by
 *                                    value, unlabelled values printed as R's
 *                                    as.character (obs_format_number_r),
 *                                    duplicate level names merged.
 * Missing cells stay missing in every case.  Ownership: the builder owns
 * every string pushed into it until finish/free.
 */
#ifndef OBSURV_READ_BUILDER_H
#define OBSURV_READ_BUILDER_H

#include <stddef.h>
#include <stdint.h>
#include "obsurv/table.h"

/* Caps against hostile inputs (declared sizes are never trusted). */
#define OBS_READ_MAX_COLS 32768
#define OBS_READ_MAX_CELLS ((size_t)1 << 27)      /* 134M cells ~ 1 GiB of doubles */
#define OBS_READ_MAX_STRING ((size_t)1 << 20)     /* one text value: 1 MiB */
#define OBS_READ_MAX_LABELS 1000000               /* value labels per column */

typedef struct {
    double key_num;      /* numeric key, or */
    char *key_str;       /* string key (SPSS string labels); NULL for numeric */
    char *text;          /* the label */
} obs_builder_label;

typedef struct {
    char *name, *label;
    const char *unit;            /* static text ("days since 1970-01-01") or NULL */
    double *num;                 /* cap cells; NaN for text/missing */
    char **str;                  /* NULL until a text cell arrives */
    unsigned char *isint;        /* NULL until obs_builder_set_int is used */
    unsigned char *missing;      /* cap flags */
    int has_text;
    int labelled;                /* value labels apply (as_factor levels) */
    obs_builder_label *labels;
    size_t nlabels, labels_cap;
} obs_builder_column;

typedef struct {
    obs_builder_column *cols;
    size_t ncol;
    size_t nrow;                 /* rows seen: max row index + 1 */
    size_t cap;                  /* rows allocated in every column */
    char *source;
} obs_builder;

/* Number -> text hook for a number in a text column (SQLite renders REALs
 * its own way).  NULL: integers "%lld" style, others %.15g. */
typedef void (*obs_builder_number_text)(double v, int isint, char *buf, size_t n);

obs_status obs_builder_init(obs_builder *b, size_t ncol, const char *source, obs_error *err);
void obs_builder_free(obs_builder *b);
obs_status obs_builder_set_name(obs_builder *b, size_t col, const char *name, const char *label,
                                obs_error *err);
/* Make room for row index `row` (0-based); nrow becomes at least row + 1. */
obs_status obs_builder_row(obs_builder *b, size_t row, obs_error *err);
/* Cells (row must have been made room for; col < ncol). */
void obs_builder_set_num(obs_builder *b, size_t row, size_t col, double v);
obs_status obs_builder_set_int(obs_builder *b, size_t row, size_t col, int64_t v, obs_error *err);
void obs_builder_set_missing(obs_builder *b, size_t row, size_t col);
/* Copy len bytes of text (a NUL inside is an error; an empty string is a
 * missing value, as in CSV). */
obs_status obs_builder_set_text(obs_builder *b, size_t row, size_t col, const char *s, size_t len,
                                obs_error *err);
/* A value label for column col (key_str NULL: numeric key). */
obs_status obs_builder_add_label(obs_builder *b, size_t col, double key_num, const char *key_str,
                                 const char *text, obs_error *err);

/* Build the table (caller owns *out).  The builder is left empty. */
obs_status obs_builder_finish(obs_builder *b, obs_builder_number_text fmt, obs_table **out,
                              obs_error *err);

/* Read the whole file at path (at most OBS_READ_MAX_FILE bytes, reader.h);
 * caller frees *buf.  OBS_EIO naming the file when it cannot be read. */
obs_status obs_read_file_bytes(const char *path, unsigned char **buf, size_t *len, obs_error *err);

#endif
