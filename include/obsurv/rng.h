/*
 * obsurv/rng.h — a small portable pseudo-random number generator.
 *
 * Generator: xoshiro256** 1.0 (Blackman & Vigna, "Scrambled linear
 * pseudorandom number generators", ACM TOMS 47(4), 2021), period 2^256 - 1,
 * state seeded from one 64-bit seed through splitmix64 (Steele, Lea & Flood,
 * OOPSLA 2014) as the authors recommend.  Only exact 64-bit integer arithmetic
 * is used, so the same seed gives the same stream on every machine; the
 * derived doubles use only IEEE operations and the C library's log, sqrt and
 * cos, which are correctly rounded or nearly so on the platforms obsurv
 * supports.
 *
 *   obs_rng r; obs_rng_seed(&r, 42);
 *   double u = obs_rng_uniform(&r);        // in (0, 1), never 0 or 1
 *
 * The state is a plain struct owned by the caller: no global state.
 */
#ifndef OBSURV_RNG_H
#define OBSURV_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} obs_rng;

/* Seed the generator: splitmix64 run from seed fills the four state words. */
void obs_rng_seed(obs_rng *r, uint64_t seed);

/* Next 64 random bits. */
uint64_t obs_rng_next(obs_rng *r);

/* Uniform double in the open interval (0, 1): (k + 0.5) / 2^53 for the top
 * 53 bits k of the next output. */
double obs_rng_uniform(obs_rng *r);

/* Uniform integer in [0, n) without modulo bias (Lemire's nearly divisionless
 * method with rejection).  n must be >= 1. */
uint64_t obs_rng_below(obs_rng *r, uint64_t n);

/* Standard normal deviate by the Box-Muller transform, using two uniforms
 * per call (the second value is not cached, so the stream stays simple). */
double obs_rng_normal(obs_rng *r);

/* Standard exponential deviate (rate 1) by inversion: -log(U). */
double obs_rng_exponential(obs_rng *r);

#endif
