/*
 * obsurv/csv.h — CSV reader (RFC 4180) into an obs_table.
 *
 * Accepts: quoted fields with "" escapes and embedded newlines (a row that
 * spans lines keeps the line where it starts in table->line), LF or CRLF
 * line ends, a leading UTF-8 BOM, a missing final newline; blank lines are
 * skipped (as R's blank.lines.skip).
 *
 * Missing values: an empty field, NA (unquoted or quoted, as R's read.csv),
 * a field of only white space, and NaN in a numeric column (R's is.na(NaN)
 * is TRUE).  Unlike R, "" is missing in a text column too.
 *
 * Typing: a column is numeric when every non-missing value is a number as
 * R 4.2's read.csv sees one (obsurv/numparse.h: white space around it allowed,
 * Inf/-Inf/Infinity any case, 1e999 = Inf, hex integers; quoted numbers are
 * numbers); otherwise it is a factor with levels in byte order (strcmp) and
 * codes -1 for missing.  TRUE/FALSE columns (R: logical) are factors with
 * levels FALSE, TRUE.  Numbers are exactly rounded.
 *
 * A column with no non-missing value is numeric, all missing (R: logical).
 * A header line alone gives a table of 0 rows, every column numeric.
 * Column names are kept as written (R's check.names would turn "my var"
 * into "my.var").
 *
 * Errors (OBS_EDATA, message "FILE:LINE: ..."): empty input (no header), a
 * row with a different number of fields than the header ("expected K fields
 * (as in the header), found N"), an unclosed quote (the line where it
 * opened), a character after a closing quote, a NUL byte, a carriage
 * return not followed by a line feed outside quotes (classic Mac line ends,
 * which R would read as line ends), invalid UTF-8 in
 * a column name or a text value (names the column), an empty column name
 * (names its position; R would invent "X") or a duplicate one (R would
 * rename it "x.1").  OBS_EIO when the file cannot be opened or read;
 * OBS_ENOMEM when memory runs out or a size passes the caps (1,048,576
 * columns, 2^31-2 levels per column).
 *
 * Speed: the file is mapped (regular files) or read whole (pipes), then one
 * pass over the bytes parses numbers in place; no allocation per field.  A
 * 1M-row, 13-column numeric file (175 MB, bench/gen_csv) loads in about
 * 0.3 s on one core (bench/README.md).
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
