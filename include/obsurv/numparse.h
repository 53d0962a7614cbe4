/*
 * obsurv/numparse.h — text to double, exactly rounded, with R's read.csv
 * idea of what a number is.
 *
 * A number (what R 4.2's type.convert accepts as numeric, checked with
 * LC_ALL=C Rscript -e 'str(read.csv(text="a\n..."))'):
 *   optional white space (space, tab, \v, \f, \r) on either side, then
 *   [+-] and one of
 *     decimal   digits [. digits] [(e|E) [+-] digits]  — at least one digit
 *               in the mantissa; the exponent digits may be absent ("1e" is 1,
 *               as in R); ".5" and "5." are numbers, "." is not;
 *     inf, infinity, nan  — any case ("INFINITY", "nan"), except that text
 *               starting with upper-case "NA" is never a number ("NAN" is a
 *               string in R);
 *     hex       0x hexdigits [(p|P) [+-] digits]  — hex fractions ("0x1.8")
 *               are not accepted (R parses them wrongly: 0x1.8 -> 24).
 * Not numbers: "", "NA", "1 2", "1d5", "1L", "1,000", "+-1", "e5".
 *
 * Accuracy: exactly rounded (round to nearest even).  Fast path (Clinger
 * 1990, "How to read floating point numbers accurately", PLDI): a mantissa
 * of at most 2^53 and a decimal exponent in [-22, 22] is one exact IEEE
 * multiplication or division by an exact power of ten.  Otherwise glibc
 * strtod_l in the C locale (exactly rounded) reads a copy of the text.
 * Note: R's own R_strtod is not always exactly rounded (long double
 * accumulation); on 300,000 random decimals 33 differed from strtod by one
 * ulp.  Overflow gives +-Inf, as R's 1e999 does; underflow gives 0 or a
 * subnormal.
 */
#ifndef OBSURV_NUMPARSE_H
#define OBSURV_NUMPARSE_H

#include <stddef.h>

/* Parse the whole text [p, p+len) as a number (grammar above).  Returns 1
 * and stores the value in *out, or returns 0 (and leaves *out alone) when
 * the text is not a number.  NaN text gives NaN. */
int obs_parse_double(const char *p, size_t len, double *out);

/* Hot-loop helper: scan a plain decimal ([+-] digits [. digits] [e [+-]
 * digits], no white space, no Inf/NaN/hex) starting at p, never reading at
 * or past end.  Returns the pointer just after the number and stores the
 * value in *out, or NULL when p does not start with a decimal number. */
const char *obs_scan_decimal(const char *p, const char *end, double *out);

#endif
