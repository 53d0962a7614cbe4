/*
 * obsurv/reader.h — one entry point for every input format.
 *
 * obs_read_table looks at the file's first bytes (not only its extension)
 * and hands it to the right reader: CSV (csv.h), Stata .dta, SPSS .sav/.zsav,
 * SAS .sas7bdat and .xpt (ReadStat), or a SQLite database (a table or the
 * rows of a query).  Every reader fills the same obs_table.
 *
 * Magic bytes (checked in this order):
 *   SQLite     "SQLite format 3\0" at offset 0
 *   SPSS       "$FL2" (.sav) or "$FL3" (.zsav)
 *   SAS7BDAT   the 32-byte SAS magic at offset 0 (00 x12, C2 EA 81 60 B3 14 11 CF ...)
 *   XPORT      "HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!" (v5)
 *              or "HEADER RECORD*******LIBV8   HEADER RECORD!!!!!!!" (v8)
 *   Stata      "<stata_dta>" (formats 117-119) or byte 0 in 102..115 with
 *              byte 1 (byte order) 1 or 2 and byte 2 (file type) 1
 *   otherwise  CSV — unless the extension names a binary format, which is then
 *              an error ("lung.dta: not a Stata file (wrong magic bytes)").
 *
 * What the binary readers produce (the same table the CSV reader would give
 * for the same data):
 *   - numeric variables -> numeric columns; string variables -> factors with
 *     levels in byte order; an empty string is missing (as an empty CSV field);
 *   - variables with value labels -> factors with haven::as_factor's levels:
 *     labels and unlabelled values sorted by value, unlabelled values printed
 *     as R's as.character prints them ("2.5", "1e+05"), equal labels merged;
 *   - system, tagged (Stata .a-.z, SAS .A-.Z) and user-defined (SPSS)
 *     missing values -> missing;
 *   - dates become numbers as R/haven holds them: dates in days since
 *     1970-01-01, date-times in seconds since 1970-01-01 00:00:00 UTC, times
 *     in seconds since midnight; the column label then ends with
 *     "(unit: days since 1970-01-01)" (or is just "unit: ..." when the
 *     variable had no label);
 *   - variable labels -> obs_column.label;
 *   - line[i] is the 1-based row number.
 * Every input is hostile: sizes are capped (columns, cells, text length,
 * labels, file size), never trusted; a malformed file is OBS_EDATA with a
 * message naming it.
 */
#ifndef OBSURV_READER_H
#define OBSURV_READER_H

#include <stddef.h>
#include "obsurv/table.h"

typedef struct {
    const char *table;   /* SQLite: table name, or NULL */
    const char *query;   /* SQLite: SELECT statement, or NULL */
    const char *const *columns;  /* NULL-terminated names to keep, or NULL for
                                    all: CSV skips the others while parsing
                                    (csv_opts.h); other formats drop them
                                    after reading.  Names absent from the
                                    file are ignored (the frame reports them). */
} obs_read_options;

typedef enum {
    OBS_FORMAT_CSV = 0,
    OBS_FORMAT_STATA,
    OBS_FORMAT_SPSS,
    OBS_FORMAT_SAS7BDAT,
    OBS_FORMAT_XPORT,
    OBS_FORMAT_SQLITE
} obs_format;

/* Largest binary file read into memory (bytes). */
#define OBS_READ_MAX_FILE ((size_t)1 << 31)

/* Read path ("-" = standard input, CSV only).  opt may be NULL.  On success
 * *out is a new table owned by the caller; on failure NULL and a status. */
obs_status obs_read_table(const char *path, const obs_read_options *opt,
                          obs_table **out, obs_error *err);

/* The format of a file whose first len bytes are head (CSV when nothing
 * matches; see the magic list above). */
obs_format obs_format_detect(const unsigned char *head, size_t len);
/* "CSV", "Stata", "SPSS", "SAS7BDAT", "SAS XPORT", "SQLite". */
const char *obs_format_name(obs_format f);

/* ReadStat formats (STATA, SPSS, SAS7BDAT, XPORT) from a file or from
 * memory (len bytes; source names it in messages).  Same contract as
 * obs_read_table. */
obs_status obs_readstat_read(const char *path, obs_format fmt, obs_table **out, obs_error *err);
obs_status obs_readstat_read_buffer(const void *buf, size_t len, obs_format fmt,
                                    const char *source, obs_table **out, obs_error *err);

/* A SQLite database, opened read-only with PRAGMA query_only: opt->table
 * (every row of that table or view), opt->query (one read-only SELECT), or,
 * with neither, the only table of the database (more or fewer is an error
 * that lists the tables).  TEXT -> factor, INTEGER/REAL -> numeric, NULL
 * (and empty text) -> missing; a column mixing text and numbers is a factor
 * of the text forms (SQLite's own: 3, 2.5, 1.0e+20).  A BLOB is an error. */
obs_status obs_sqlite_read(const char *path, const obs_read_options *opt, obs_table **out,
                           obs_error *err);
/* The same from a database image in memory (len bytes, not modified). */
obs_status obs_sqlite_read_buffer(const void *buf, size_t len, const char *source,
                                  const obs_read_options *opt, obs_table **out, obs_error *err);

#endif
