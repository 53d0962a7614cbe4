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

/* 10^0 .. 10^22 are exact doubles. */
static const double exact_pow10[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#define MANTISSA_EXACT_MAX 9007199254740992ULL /* 2^53 */
#define EXPONENT_SATURATE 100000               /* |e| beyond this is 0 or Inf anyway */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void c_locale_init(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

/* strtod_l on a NUL-terminated copy of [p, p+len); the grammar was checked
 * by the caller.  No allocation unless the text is longer than 255 bytes. */
static double slow_strtod(const char *p, size_t len)
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

/* Accumulate the run of digits at s into *m; returns the end of the run.
 * Eight bytes at a time: a byte is a digit iff its high nibble is 3 and
 * adding 6 does not carry out of the low nibble; the first non-digit is
 * the lowest nonzero byte of the classification word (a carry or borrow
 * only moves up, from a non-digit byte, so the bytes below it are exact).
 * A short run (1-7 digits, as in "0.518294") is shifted up so that the
 * digits take the low-order places of an eight-digit number with leading
 * zeros, and converted by three multiplications (SWAR: "parsing eight
 * digits with three multiplications", W. Mula and D. Lemire; the digits
 * pair up in lanes of 8, 16, 32 bits; little-endian: the first digit is
 * the lowest byte).  The mantissa is
 * the same integer, modulo 2^64, as one digit at a time. */
static inline const char *digit_run(const char *s, const char *end, uint64_t *m)
{
    static const uint64_t pow10_u64[9] = {1, 10, 100, 1000, 10000, 100000, 1000000,
                                           10000000, 100000000};
    uint64_t acc = *m;
    while (end - s >= 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        uint64_t cls = ((v & 0xF0F0F0F0F0F0F0F0ULL) |
                        (((v + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) ^
                       0x3333333333333333ULL;
        unsigned nd = cls ? (unsigned)__builtin_ctzll(cls) / 8 : 8;
        if (nd == 0) { *m = acc; return s; }
        uint64_t d = (v - 0x3030303030303030ULL) << (8 * (8 - nd));
        d = ((d * (1 + (10ULL << 8))) >> 8) & 0x00FF00FF00FF00FFULL;
        d = ((d * (1 + (100ULL << 16))) >> 16) & 0x0000FFFF0000FFFFULL;
        d = (d * (1 + (10000ULL << 32))) >> 32;
        acc = acc * pow10_u64[nd] + d;
        s += nd;
        if (nd < 8) { *m = acc; return s; }
    }
    while (s < end && (unsigned)(*s - '0') < 10) {
        acc = acc * 10 + (unsigned)(*s - '0');
        s++;
    }
    *m = acc;
    return s;
}

const char *obs_scan_decimal(const char *p, const char *end, double *out)
{
    const char *s = p, *t;
    uint64_t m = 0;            /* wraps harmlessly when there are > 19 digits */
    long nint, nfrac = 0, e = 0;
    int neg = 0;

    if (s < end && (*s == '-' || *s == '+')) {
        neg = (*s == '-');
        s++;
    }
    t = digit_run(s, end, &m);
    nint = t - s;
    s = t;
    if (s < end && *s == '.') {
        s++;
        t = digit_run(s, end, &m);
        nfrac = t - s;
        s = t;
    }
    if (nint + nfrac == 0) return NULL;
    /* exponent: the digits may be absent, as R accepts "1e" and "1e+" */
    if (s < end && (*s == 'e' || *s == 'E')) {
        long x = 0;
        int eneg = 0;
        s++;
        if (s < end && (*s == '-' || *s == '+')) {
            eneg = (*s == '-');
            s++;
        }
        for (; s < end && (unsigned)(*s - '0') < 10; s++)
            if (x < EXPONENT_SATURATE) x = x * 10 + (*s - '0');
        e = eneg ? -x : x;
    }
    e -= nfrac;

    if (nint + nfrac <= 19 && m == 0) {
        *out = neg ? -0.0 : 0.0;
    } else if (nint + nfrac <= 19 && m <= MANTISSA_EXACT_MAX && e >= -22 && e <= 22) {
        double v = (double)m;   /* exact: m <= 2^53 */
        v = e < 0 ? v / exact_pow10[-e] : v * exact_pow10[e];
        *out = neg ? -v : v;
    } else {
        *out = slow_strtod(p, (size_t)(s - p));
    }
    return s;
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
        *out = slow_strtod(p, (size_t)(end - p));
        return 1;
    }
    if (obs_scan_decimal(p, end, &v) != end) return 0;
    *out = v;
    return 1;
}
