/*
 * numparse.c — decimal text to double, exactly rounded; see obsurv/numparse.h.
 *
 * Method.  The digits are accumulated (eight at a time when possible) into
 * a 64-bit integer mantissa m and a decimal exponent e, so the number is
 * m * 10^e.  When there are at most 19 digits (so m is exact), m <= 2^53 and |e| <= 22, both m and 10^|e| are exact doubles and one IEEE
 * multiplication or division rounds the exact product once: the result is
 * exactly rounded (Clinger 1990, "How to read floating point numbers
 * accurately", PLDI '90, the "fast path").  This covers the decimals found in
 * data files (up to 15 significant digits).  Everything else goes to glibc's
 * strtod_l in the C locale, which is exactly rounded, on a copy of the text.
 *
 * Verified by tests/unit/test_csv.c against strtod on random decimals.
 */
#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/numparse.h"
#include "numparse_scan.h"

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void c_locale_init(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

/* strtod_l on a NUL-terminated copy of [p, p+len); the grammar was checked
 * by the caller.  No allocation unless the text is longer than 255 bytes. */
double obs_slow_strtod(const char *p, size_t len)
{
    char stack[256];
    char *copy = stack;
    double v;
    if (len >= sizeof stack) {
        copy = malloc(len + 1);
        if (!copy) return NAN; /* cannot happen in practice; reported as NaN */
    }
    memcpy(copy, p, len);
    copy[len] = '\0';
    pthread_once(&c_locale_once, c_locale_init);
    v = c_locale ? strtod_l(copy, NULL, c_locale) : strtod(copy, NULL);
    if (copy != stack) free(copy);
    return v;
}

const char *obs_scan_decimal(const char *p, const char *end, double *out)
{
    return obs_scan_decimal_inline(p, end, out);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static int word_is(const char *p, size_t len, const char *w)
{
    return strlen(w) == len && strncasecmp(p, w, len) == 0;
}

int obs_parse_double(const char *p, size_t len, double *out)
{
    const char *end = p + len, *s;
    int neg = 0;
    double v;

    while (p < end && is_blank(*p)) p++;
    while (end > p && is_blank(end[-1])) end--;
    if (p == end) return 0;
    if (end - p >= 2 && p[0] == 'N' && p[1] == 'A') return 0; /* NA, NAN: not numbers */

    s = p;
    if (*s == '-' || *s == '+') {
        neg = (*s == '-');
        s++;
    }
    if (s < end && isalpha((unsigned char)*s) && *s != 'e' && *s != 'E') {
        size_t n = (size_t)(end - s);
        if (word_is(s, n, "inf") || word_is(s, n, "infinity")) {
            *out = neg ? -INFINITY : INFINITY;
            return 1;
        }
        if (word_is(s, n, "nan")) {
            *out = NAN;
            return 1;
        }
        return 0;
    }
    if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        const char *h = s + 2;
        if (!isxdigit((unsigned char)*h)) return 0;
        while (h < end && isxdigit((unsigned char)*h)) h++;
        if (h < end && (*h == 'p' || *h == 'P')) {
            h++;
            if (h < end && (*h == '-' || *h == '+')) h++;
            while (h < end && (unsigned)(*h - '0') < 10) h++;
        }
        if (h != end) return 0;
        *out = obs_slow_strtod(p, (size_t)(end - p));
        return 1;
    }
    if (obs_scan_decimal(p, end, &v) != end) return 0;
    *out = v;
    return 1;
}
