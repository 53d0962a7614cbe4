/*
 * simd_math.h — exp and log of four doubles at a time by AVX2 + FMA
 * (private to the library; x86-64 with GCC only, OBS_HAVE_FMA_KERNEL).
 * Callers are functions compiled with __attribute__((target("avx2,fma")))
 * that run only when obs_simd_fma() is 1 (tile_kernel.h).  Each lane's
 * value depends on that lane alone, so a row's bits do not depend on its
 * neighbours or on where a block starts.  tests/unit/test_simd.c checks
 * both against glibc on random arguments.
 */
#ifndef OBSURV_SIMD_MATH_H
#define OBSURV_SIMD_MATH_H

#include "tile_kernel.h"

#ifdef OBS_HAVE_FMA_KERNEL

/* exp(x) for |x| <= 700 (so every 2^j below is a normal double).
 * Method: j = round(x / ln 2), r = x - j ln 2 with ln 2 in two parts (Cody
 * and Waite 1980; with FMA the products are exact to 2^-100),
 * |r| <= ln 2 / 2; exp(r) by the Taylor polynomial of degree 13 in Horner
 * form (truncation below 0.35^14 / 14! < 5e-18, far under half an ulp);
 * times 2^j through the exponent bits.  Error within about 1 ulp of the
 * exact value (glibc's exp is within 0.5 ulp). */
__attribute__((target("avx2,fma")))
static inline __m256d obs_exp4(__m256d x)
{
    const __m256d log2e = _mm256_set1_pd(1.4426950408889634074);
    const __m256d ln2hi = _mm256_set1_pd(6.93147180559890330187e-01);
    const __m256d ln2lo = _mm256_set1_pd(5.49792301870837115524e-14);
    const __m256d j = _mm256_round_pd(_mm256_mul_pd(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256d r = _mm256_fnmadd_pd(j, ln2hi, x);
    r = _mm256_fnmadd_pd(j, ln2lo, r);
    /* 1/k! for k = 13 down to 0 */
    static const double c[14] = {1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0,
                                 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0,
                                 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0};
    __m256d s = _mm256_set1_pd(c[0]);
    for (int k = 1; k < 14; k++) s = _mm256_fmadd_pd(s, r, _mm256_set1_pd(c[k]));
    /* 2^j: (j + 1023) << 52 as the bits of a double */
    const __m128i ji = _mm256_cvtpd_epi32(j);
    const __m256i e = _mm256_slli_epi64(_mm256_add_epi64(_mm256_cvtepi32_epi64(ji), _mm256_set1_epi64x(1023)), 52);
    return _mm256_mul_pd(s, _mm256_castsi256_pd(e));
}

/* log(x) for x a positive normal double (DBL_MIN <= x <= DBL_MAX; other
 * lanes give meaningless values: callers keep them out).
 * Method: x = 2^k m with m in [sqrt(2)/2, sqrt(2)) (the exponent bits,
 * m halved when the mantissa is at least sqrt(2)); f = m - 1 (exact by
 * Sterbenz's lemma), s = f / (2 + f), |s| <= 0.1716, and
 *     log(1 + f) = 2 atanh(s) = 2 s + s R(z),  z = s^2,
 *     R(z) = sum_{i>=1} 2 z^i / (2i + 1)
 * (the atanh series), truncated after i = 10 (the first term left out is
 * below 2 z^11 / 23 < 1e-18 relative to 2 s).  Since 2 s = f - s f,
 * log(1 + f) = f - s (f - R): the large term f is exact and the correction
 * is at most 0.07 f, so its rounding stays well under an ulp.  Then
 * log x = k ln2_hi + (log(1 + f) + k ln2_lo), ln 2 in two parts with
 * k ln2_hi exact (ln2_hi has 32 trailing zero bits).  Error within about
 * 1 ulp of the exact value. */
__attribute__((target("avx2,fma")))
static inline __m256d obs_log4(__m256d x)
{
    const __m256i bits = _mm256_castpd_si256(x);
    const __m256i mant_mask = _mm256_set1_epi64x(0x000fffffffffffffLL);
    const __m256i one_bits = _mm256_set1_epi64x(0x3ff0000000000000LL);
    /* m in [1, 2) with x's mantissa; k0 = biased exponent */
    __m256d m = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(bits, mant_mask), one_bits));
    const __m256i k0 = _mm256_srli_epi64(bits, 52);
    const __m256d big = _mm256_cmp_pd(m, _mm256_set1_pd(1.41421356237309504880), _CMP_GE_OQ);
    m = _mm256_blendv_pd(m, _mm256_mul_pd(m, _mm256_set1_pd(0.5)), big);
    /* k = k0 - 1023 (+ 1 when halved) as a double: k0 | 2^52 read as a
     * double is 2^52 + k0 exactly */
    const __m256d two52 = _mm256_set1_pd(4503599627370496.0);
    const __m256d kb = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(k0, _mm256_castpd_si256(two52))), two52);
    const __m256d k = _mm256_add_pd(_mm256_sub_pd(kb, _mm256_set1_pd(1023.0)),
                                    _mm256_and_pd(big, _mm256_set1_pd(1.0)));
    const __m256d f = _mm256_sub_pd(m, _mm256_set1_pd(1.0));
    const __m256d s = _mm256_div_pd(f, _mm256_add_pd(f, _mm256_set1_pd(2.0)));
    const __m256d z = _mm256_mul_pd(s, s);
    /* R(z) = z (2/3 + z (2/5 + ... + z 2/21)) */
    static const double c[10] = {2.0 / 21, 2.0 / 19, 2.0 / 17, 2.0 / 15, 2.0 / 13,
                                 2.0 / 11, 2.0 / 9, 2.0 / 7, 2.0 / 5, 2.0 / 3};
    __m256d r = _mm256_set1_pd(c[0]);
    for (int i = 1; i < 10; i++) r = _mm256_fmadd_pd(r, z, _mm256_set1_pd(c[i]));
    r = _mm256_mul_pd(r, z);
    const __m256d ln2hi = _mm256_set1_pd(6.93147180369123816490e-01);   /* 0x3fe62e42fee00000 */
    const __m256d ln2lo = _mm256_set1_pd(1.90821492927058770002e-10);   /* ln 2 - ln2hi */
    /* log(1 + f) + k ln2_lo = f - (s (f - R) - k ln2_lo) */
    const __m256d corr = _mm256_fmsub_pd(s, _mm256_sub_pd(f, r), _mm256_mul_pd(k, ln2lo));
    return _mm256_fmadd_pd(k, ln2hi, _mm256_sub_pd(f, corr));
}

#endif
#endif
