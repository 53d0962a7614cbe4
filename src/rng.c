/*
 * rng.c — xoshiro256** seeded by splitmix64 (see obsurv/rng.h).
 *
 * Verified against the reference outputs of the authors' C code
 * (prng.di.unimi.it) in tests/unit/test_match.c (first outputs for a known
 * seed derived by hand from splitmix64).
 */
#include <math.h>
#include "obsurv/rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void obs_rng_seed(obs_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

uint64_t obs_rng_next(obs_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double obs_rng_uniform(obs_rng *r)
{
    uint64_t k = obs_rng_next(r) >> 11;             /* 53 bits */
    return ((double)k + 0.5) * (1.0 / 9007199254740992.0);
}

uint64_t obs_rng_below(obs_rng *r, uint64_t n)
{
    /* Lemire (2019), "Fast random integer generation in an interval". */
    unsigned __int128 m = (unsigned __int128)obs_rng_next(r) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            m = (unsigned __int128)obs_rng_next(r) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double obs_rng_normal(obs_rng *r)
{
    double u1 = obs_rng_uniform(r), u2 = obs_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925 * u2);
}

double obs_rng_exponential(obs_rng *r)
{
    return -log(obs_rng_uniform(r));
}
