/*
 * simd.c — which register kernels run (see tile_kernel.h): AVX2 + FMA
 * when the CPU has both, unless OBSURV_SIMD=portable asks for the SSE2
 * kernels every x86-64 CPU has (a check, and the tests' way to run both).
 * The CPU is asked once; the variable is read at each call (once per pass
 * over the data, not per row).
 */
#include <stdlib.h>
#include <string.h>
#include "simd_math.h"

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
/* out[k] = wt[k] exp(x[k]), four at a time by obs_exp4 (simd_math.h).
 * Contract: |x[k]| <= 700.  The tail of fewer than four rows goes through
 * the same arithmetic one row at a time, so a value's bits do not depend
 * on its position. */
__attribute__((target("avx2,fma")))
void obs_scaled_exp_fma(double *out, const double *wt, const double *x, size_t n)
{
    size_t k = 0;
    for (; k + 4 <= n; k += 4)
        _mm256_storeu_pd(out + k, _mm256_mul_pd(_mm256_loadu_pd(wt + k), obs_exp4(_mm256_loadu_pd(x + k))));
    if (k < n) {
        double xb[4] = {0, 0, 0, 0}, wb[4] = {0, 0, 0, 0}, ob[4];
        for (size_t i = k; i < n; i++) { xb[i - k] = x[i]; wb[i - k] = wt[i]; }
        _mm256_storeu_pd(ob, _mm256_mul_pd(_mm256_loadu_pd(wb), obs_exp4(_mm256_loadu_pd(xb))));
        for (size_t i = k; i < n; i++) out[i] = ob[i - k];
    }
}
#endif
