/*
 * mpi_common.h — what the commands of obsurv-mpi share (src/mpi/): the
 * process's rank, reading its part of the data, errors, a growable text
 * buffer, and moving text between the processes.
 */
#ifndef OBSURV_MPI_COMMON_H
#define OBSURV_MPI_COMMON_H

#include <stddef.h>
#include "obsurv/formula.h"
#include "obsurv/frame.h"
#include "obsurv/json.h"
#include "obsurv/table.h"

extern int mpi_rank, mpi_size;

/* Print "obsurv-mpi: error: ..." and end every process with exit code
 * code (2: usage or data, 1: the model cannot be fitted).  For an error
 * one process meets alone (MPI_Abort). */
void mpi_die_code(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
#define mpi_die(...) mpi_die_code(2, __VA_ARGS__)

/* A growable byte buffer (s NUL-terminated, len bytes). */
typedef struct { char *s; size_t len, cap; } mpi_buf;
void mpi_buf_put(mpi_buf *b, const char *s, size_t n);
void mpi_buf_puts(mpi_buf *b, const char *s);
void mpi_buf_printf(mpi_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* This process's part of --data (a file split by byte ranges at row
 * starts, or a glob whose files are dealt out) as CSV text with the header
 * line; malloc'd, *len bytes. */
char *mpi_load_text(const char *data, size_t *len);

/* Read this process's part: only the formula's columns and extra (a column
 * name or NULL).  text_ok: 0 refuses text columns used by ordinary terms
 * (their dummy coding would differ between processes); strata() columns
 * may always be text. */
obs_table *mpi_read_table(const char *data, const obs_formula *f, const char *extra, int text_ok);

/* One CSV cell of column c, row i: numbers with 17 significant digits (they
 * read back exactly), text quoted, missing as NA. */
void mpi_put_cell(mpi_buf *b, const obs_column *c, size_t i);
/* The header line's names, quoted, comma-separated (no newline). */
void mpi_put_name(mpi_buf *b, const char *name);

/* Gather every process's bytes on process 0 in rank order; returns a
 * malloc'd buffer (NUL-terminated) on process 0, NULL elsewhere. */
char *mpi_gather_bytes(const char *buf, size_t len, size_t *outlen);
/* Broadcast process 0's bytes; returns a malloc'd copy on every process. */
char *mpi_bcast_bytes(const char *buf, size_t len, size_t *outlen);

/* The --format given: NULL or "json" are accepted; anything else exits 2. */
void mpi_check_format(const char *format);

/* The dropped-rows warning exactly as the one-process CLI writes it. */
void mpi_dropped_warning(obs_warnings *w, const obs_frame *fr);
/* "exclusions": [...] as the one-process CLI writes it. */
void mpi_json_exclusions(obs_json *j, const obs_frame *fr);

/* Commands (src/mpi/mpi_survtab.c, src/mpi/mpi_cox.c). */
typedef struct {
    const char *cmd, *data, *formula, *weights, *format;
    const char *conf_type, *conf_level, *times, *rho, *ties, *max_iter;
} mpi_args;
int mpi_run_km(const mpi_args *a, const obs_formula *f);
int mpi_run_logrank(const mpi_args *a, const obs_formula *f);
int mpi_run_cox(const mpi_args *a, const obs_formula *f);

#endif
