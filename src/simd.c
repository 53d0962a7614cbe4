/*
 * simd.c — which register kernels run (see tile_kernel.h): AVX2 + FMA
 * when the CPU has both, unless OBSURV_SIMD=portable asks for the SSE2
 * kernels every x86-64 CPU has (a check, and the tests' way to run both).
 * The CPU is asked once; the variable is read at each call (once per pass
 * over the data, not per row).
 */
#include <stdlib.h>
#include <string.h>
#include "tile_kernel.h"

int obs_simd_fma(void)
{
#ifdef OBS_HAVE_FMA_KERNEL
    static int cpu = -1;   /* a benign race: every thread computes the same value */
    if (cpu < 0) {
        __builtin_cpu_init();
        cpu = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    const char *env = getenv("OBSURV_SIMD");
    return cpu && !(env && strcmp(env, "portable") == 0);
#else
    return 0;
#endif
}

#ifdef OBS_HAVE_FMA_KERNEL
/* out[k] = wt[k] exp(x[k]), four at a time.  Contract: |x[k]| <= 700, so
 * every 2^j below is a normal double.  Method: j = round(x / ln 2),
 * r = x - j ln 2 with ln 2 in two parts (Cody and Waite 1980; with FMA
 * the products are exact to 2^-100), |r| <= ln 2 / 2; exp(r) by the
 * Taylor polynomial of degree 13 in Horner form (truncation below
 * 0.35^14 / 14! < 5e-18, far under half an ulp); times 2^j through the
 * exponent bits.  Error within about 1 ulp of the exact value (glibc's exp
 * is within 0.5 ulp; tests/unit/test_simd.c checks 2 ulp on random
 * inputs).  The tail of fewer than four rows goes through the same
 * arithmetic one row at a time, so a value's bits do not depend on its
 * position. */
__attribute__((target("avx2,fma")))
static inline __m256d exp4(__m256d x)
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

__attribute__((target("avx2,fma")))
void obs_scaled_exp_fma(double *out, const double *wt, const double *x, size_t n)
{
    size_t k = 0;
    for (; k + 4 <= n; k += 4)
        _mm256_storeu_pd(out + k, _mm256_mul_pd(_mm256_loadu_pd(wt + k), exp4(_mm256_loadu_pd(x + k))));
    if (k < n) {
        double xb[4] = {0, 0, 0, 0}, wb[4] = {0, 0, 0, 0}, ob[4];
        for (size_t i = k; i < n; i++) { xb[i - k] = x[i]; wb[i - k] = wt[i]; }
        _mm256_storeu_pd(ob, _mm256_mul_pd(_mm256_loadu_pd(wb), exp4(_mm256_loadu_pd(xb))));
        for (size_t i = k; i < n; i++) out[i] = ob[i - k];
    }
}
#endif
