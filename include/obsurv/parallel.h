/*
 * obsurv/parallel.h — a fixed, deterministic split of work over at most two
 * threads (pthreads).
 *
 * Every parallel kernel in obsurv cuts its input into the SAME chunks
 * whatever the thread count, computes one partial result per chunk and
 * adds the partials in chunk order.  With one thread the chunks run one
 * after the other on the calling thread; with two they run at once.  The
 * arithmetic, and so every result bit, is the same either way.
 *
 * Thread count: obs_parallel_threads() is the number of online processors,
 * capped at OBS_PARALLEL_MAX, unless the environment variable
 * OBSURV_THREADS holds a number >= 1 (tests compare 1 and 2 threads).
 */
#ifndef OBSURV_PARALLEL_H
#define OBSURV_PARALLEL_H

#include <stddef.h>

#define OBS_PARALLEL_MAX 2

/* Threads to use (1 or 2). */
int obs_parallel_threads(void);

/* Run fn(arg[c]) for c = 0..nchunks-1 (nchunks <= OBS_PARALLEL_MAX) using
 * up to nthreads threads (the calling thread runs chunk 0).  Returns when
 * every call has returned.  If a thread cannot be started its chunk runs on
 * the calling thread. */
void obs_parallel_run(void (*fn)(void *), void *const *arg, int nchunks, int nthreads);

/* Split [0, n) into nchunks near-equal ranges: chunk c is [lo[c], lo[c+1]). */
void obs_parallel_split(size_t n, int nchunks, size_t *lo);

#endif
