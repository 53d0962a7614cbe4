/*
 * obsurv/import.h — multi-center import into one SQLite registry.
 *
 * Each center sends a file (any format obs_read_table reads).  obs_import
 * appends all of them to one registry table with a leading "center" column,
 * in ONE transaction: either every file is in, or the registry is unchanged
 * (also when the process is killed half-way: SQLite's rollback journal).
 *
 * Checks before anything is written:
 *   - every file has the same columns (names; order may differ) with the
 *     same types (numeric or text) as the first file, and as the registry
 *     table when it already exists; a mismatch names both files and the
 *     column;
 *   - no data column is called "center";
 *   - no file is imported twice: its SHA-256 must not be in the import log
 *     already, nor repeated in this call.
 * Registry layout: table TABLE("center" TEXT NOT NULL, one REAL or TEXT
 * column per data column; NULL for missing), and table import_log(id,
 * registry_table, center, file, sha256 UNIQUE, rows, columns, time) with one
 * row per file (time in UTC, ISO 8601).  Every row read is written:
 * rows in the log = obs_table nrow of the file.
 */
#ifndef OBSURV_IMPORT_H
#define OBSURV_IMPORT_H

#include <stddef.h>
#include "obsurv/error.h"
#include "obsurv/sha256.h"

typedef struct {
    const char *center;   /* center name (non-empty) */
    const char *path;     /* its data file */
} obs_import_source;

typedef struct {
    const char *table;    /* registry table name; NULL = "registry" */
    /* Test hook: called after each inserted row with the number of rows
     * inserted so far in this call; a non-zero return aborts the import
     * (everything rolled back).  NULL for none. */
    int (*on_row)(size_t rows_done, void *ctx);
    void *ctx;
} obs_import_options;

typedef struct {
    char *center, *path;
    char sha256[OBS_SHA256_HEX];
    size_t rows;
} obs_import_entry;

typedef struct {
    obs_import_entry *files;   /* nfiles entries, in the order given */
    size_t nfiles;
    size_t rows;               /* rows appended in this call */
    size_t columns;            /* data columns (without "center") */
    size_t registry_rows;      /* rows in the registry table after the import */
    char *table;
} obs_import_result;

/* Import n sources into the SQLite database at registry (created when
 * absent).  opt may be NULL.  On success *res is filled (caller frees with
 * obs_import_result_free); on failure the registry is unchanged and *res
 * is empty.  Errors: OBS_EUSAGE (bad arguments, repeated file), OBS_EDATA
 * (unreadable file, schema mismatch), OBS_EIO (registry cannot be written). */
obs_status obs_import(const char *registry, const obs_import_source *src, size_t n,
                      const obs_import_options *opt, obs_import_result *res, obs_error *err);

/* Release what a result owns; accepts NULL and an empty result. */
void obs_import_result_free(obs_import_result *res);

#endif
