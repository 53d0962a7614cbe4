/*
 * parallel.c — the fixed two-chunk split of obsurv/parallel.h.
 *
 * Determinism is the contract: callers always make the same chunks and add
 * the partial results in chunk order; this file only decides whether the
 * chunks run at the same time.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include "obsurv/parallel.h"

int obs_parallel_threads(void)
{
    const char *env = getenv("OBSURV_THREADS");
    if (env && *env) {
        long v = strtol(env, NULL, 10);
        if (v >= 1) return v > OBS_PARALLEL_MAX ? OBS_PARALLEL_MAX : (int)v;
    }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu < 1) ncpu = 1;
    return ncpu > OBS_PARALLEL_MAX ? OBS_PARALLEL_MAX : (int)ncpu;
}

typedef struct {
    void (*fn)(void *);
    void *arg;
} job;

static void *trampoline(void *p)
{
    job *j = p;
    j->fn(j->arg);
    return NULL;
}

void obs_parallel_run(void (*fn)(void *), void *const *arg, int nchunks, int nthreads)
{
    pthread_t th[OBS_PARALLEL_MAX];
    job jobs[OBS_PARALLEL_MAX];
    int started[OBS_PARALLEL_MAX] = {0};
    if (nchunks > OBS_PARALLEL_MAX) nchunks = OBS_PARALLEL_MAX;
    for (int c = 1; c < nchunks && c < nthreads; c++) {
        jobs[c].fn = fn;
        jobs[c].arg = arg[c];
        started[c] = (pthread_create(&th[c], NULL, trampoline, &jobs[c]) == 0);
    }
    if (nchunks > 0) fn(arg[0]);
    for (int c = 1; c < nchunks; c++) {
        if (started[c]) pthread_join(th[c], NULL);
        else fn(arg[c]);
    }
}

void obs_parallel_split(size_t n, int nchunks, size_t *lo)
{
    for (int c = 0; c <= nchunks; c++) lo[c] = (size_t)((unsigned long long)n * (unsigned)c / (unsigned)nchunks);
}
