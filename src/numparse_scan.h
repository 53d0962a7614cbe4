/*
 * numparse_scan.h — the inline decimal scanner behind obs_scan_decimal
 * (numparse.c) and the CSV reader's row loop (csv.c): one copy of the code,
 * inlined where a call per number costs (see obsurv/numparse.h for the
 * grammar and the accuracy argument, numparse.c for the method).
 */
#ifndef OBSURV_NUMPARSE_SCAN_H
#define OBSURV_NUMPARSE_SCAN_H

#include <stdint.h>
#include <string.h>

/* strtod_l in the C locale on a copy of [p, p+len) (numparse.c). */
double obs_slow_strtod(const char *p, size_t len);

/* 10^0 .. 10^22 are exact doubles. */
static const double obs_exact_pow10[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#define OBS_MANTISSA_EXACT_MAX 9007199254740992ULL /* 2^53 */
#define OBS_EXPONENT_SATURATE 100000               /* |e| beyond this is 0 or Inf anyway */

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
static inline __attribute__((always_inline)) const char *obs_digit_run(const char *s, const char *end, uint64_t *m)
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

static inline __attribute__((always_inline)) const char *obs_scan_decimal_inline(const char *p, const char *end, double *out)
{
    const char *s = p, *t;
    uint64_t m = 0;            /* wraps harmlessly when there are > 19 digits */
    long nint, nfrac = 0, e = 0;
    int neg = 0;

    if (s < end && (*s == '-' || *s == '+')) {
        neg = (*s == '-');
        s++;
    }
    t = obs_digit_run(s, end, &m);
    nint = t - s;
    s = t;
    if (s < end && *s == '.') {
        s++;
        t = obs_digit_run(s, end, &m);
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
            if (x < OBS_EXPONENT_SATURATE) x = x * 10 + (*s - '0');
        e = eneg ? -x : x;
    }
    e -= nfrac;

    if (nint + nfrac <= 19 && m == 0) {
        *out = neg ? -0.0 : 0.0;
    } else if (nint + nfrac <= 19 && m <= OBS_MANTISSA_EXACT_MAX && e >= -22 && e <= 22) {
        double v = (double)m;   /* exact: m <= 2^53 */
        v = e < 0 ? v / obs_exact_pow10[-e] : v * obs_exact_pow10[e];
        *out = neg ? -v : v;
    } else {
        *out = obs_slow_strtod(p, (size_t)(s - p));
    }
    return s;
}

/* ---- sixteen bytes at a time (AVX2 machines; csv.c's fast rows) -------
 *
 * obs_scan_decimal16: the same value and end as obs_scan_decimal_inline
 * for a field [+-]digits[.digits] that, with the byte after it, lies in
 * the 16 bytes at p (all readable), with at least one integer digit and
 * no exponent; NULL for anything else (the caller then takes
 * obs_scan_decimal_inline, which also reads what this one declines).
 * Method: one compare each for digits and the point over the 16 bytes
 * gives the runs' lengths; the digits are gathered right-aligned into a
 * register without the point (one byte shuffle) and converted by
 * multiply-adds of pairs, quads and octets (the "parsing sixteen digits
 * with SIMD" scheme of Mula and Lemire); at most 15 digits, so the
 * integer m is below 2^53 and m / 10^f is the correctly rounded value, as
 * in obs_scan_decimal_inline (the same operations on the same m and f:
 * the same bits; tests/unit/test_numparse.c compares them).  Callers are
 * functions compiled for AVX2 that run only when obs_simd_fma() is 1. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define OBS_HAVE_SCAN16 1
__attribute__((target("avx2"), always_inline))
static inline const char *obs_scan_decimal16(const char *p, double *out)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    const unsigned c0 = (unsigned char)p[0];
    const unsigned neg = c0 == '-', sgn = neg | (c0 == '+');
    const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
    const unsigned dm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d));
    const unsigned dotm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
    const unsigned nd = ~dm | 0x10000u;           /* non-digits, bit 16 past the window */
    const unsigned nint = (unsigned)__builtin_ctz(nd >> sgn);
    const unsigned pos = sgn + nint;
    unsigned nfrac = 0, e = pos;
    if ((dotm >> pos) & 1) {
        nfrac = (unsigned)__builtin_ctz(nd >> (pos + 1));
        e = pos + 1 + nfrac;
    }
    if (nint == 0 || e >= 16 || p[e] == 'e' || p[e] == 'E') return NULL;
    /* output lane j holds digit t = j - (16 - D) (none for t < 0), taken
     * from byte sgn + t, one further on past the point */
    const int D = (int)(nint + nfrac);
    const __m128i iota = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m128i t = _mm_sub_epi8(iota, _mm_set1_epi8((char)(16 - D)));
    const __m128i past = _mm_cmpgt_epi8(t, _mm_set1_epi8((char)(nint - 1)));
    __m128i src = _mm_sub_epi8(_mm_add_epi8(t, _mm_set1_epi8((char)sgn)), past);
    src = _mm_or_si128(src, _mm_cmpgt_epi8(_mm_setzero_si128(), t));   /* t < 0: a zero byte */
    const __m128i dg = _mm_shuffle_epi8(d, src);
    const __m128i t1 = _mm_maddubs_epi16(dg, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
    const __m128i t2 = _mm_madd_epi16(t1, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
    const __m128i t3 = _mm_packus_epi32(t2, t2);
    const __m128i t4 = _mm_madd_epi16(t3, _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
    const uint64_t hi = (uint32_t)_mm_cvtsi128_si32(t4), lo = (uint32_t)_mm_extract_epi32(t4, 1);
    const uint64_t m = hi * 100000000u + lo;
    double val;
    if (m == 0) {
        val = 0.0;
    } else {
        val = (double)m;   /* exact: m < 10^15 */
        if (nfrac) val = val / obs_exact_pow10[nfrac];
    }
    *out = neg ? -val : val;
    return p + e;
}
#endif

#endif
