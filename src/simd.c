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
