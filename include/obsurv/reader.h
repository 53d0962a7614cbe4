/*
 * obsurv/reader.h — one entry point for every input format.
 *
 * obs_read_table looks at the file's first bytes (not only its extension)
 * and hands it to the right reader: CSV (csv.h), Stata .dta, SPSS .sav/.zsav,
 * SAS .sas7bdat and .xpt (ReadStat), or a SQLite database (a table or the
 * rows of a query).  Every reader fills the same obs_table.
 */
#ifndef OBSURV_READER_H
#define OBSURV_READER_H

#include "obsurv/table.h"

typedef struct {
    const char *table;   /* SQLite: table name, or NULL */
    const char *query;   /* SQLite: SELECT statement, or NULL */
} obs_read_options;

/* Read path ("-" = standard input, CSV only).  opt may be NULL.  On success
 * *out is a new table owned by the caller; on failure NULL and a status. */
obs_status obs_read_table(const char *path, const obs_read_options *opt,
                          obs_table **out, obs_error *err);

#endif
