/*
 * obsurv/csv.h — CSV reader (RFC 4180) into an obs_table.
 *
 * Accepts: quoted fields with "" escapes and embedded newlines, LF or CRLF
 * line ends, a leading UTF-8 BOM, a missing final newline.  Missing values:
 * an empty field or NA (unquoted or quoted).  A column is numeric when every
 * non-missing value parses as a number (decimal, exponent, Inf, -Inf, NaN is
 * not accepted: see csv.c); otherwise it is a factor with levels in byte order.
 * Quoted numbers ("12") are numbers, as R's read.csv treats them.
 *
 * Errors (OBS_EDATA, message "FILE:LINE: ..."): a row with a different number
 * of fields than the header, an unclosed quote, a NUL byte, invalid UTF-8 in
 * a header or factor value, an empty file, duplicate or empty column names.
 *
 * Speed: one pass over the bytes, numbers parsed in place (exactly rounded),
 * no allocation per field.
 */
#ifndef OBSURV_CSV_H
#define OBSURV_CSV_H

#include <stddef.h>
#include "obsurv/table.h"

/* Read the CSV file at path ("-" = standard input).  On success *out is a new
 * table owned by the caller.  On failure returns a status and *out is NULL. */
obs_status obs_csv_read(const char *path, obs_table **out, obs_error *err);

/* Read CSV text from memory (len bytes; need not be NUL-terminated).  source
 * names it in messages.  Same contract as obs_csv_read. */
obs_status obs_csv_read_buffer(const char *buf, size_t len, const char *source,
                               obs_table **out, obs_error *err);

#endif
