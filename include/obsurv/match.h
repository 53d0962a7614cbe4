/*
 * obsurv/match.h — propensity-score matching, as R's MatchIt 4.5 matchit().
 *
 * Input: a distance per unit (the propensity score, or its logit), a 0/1
 * treatment, optionally exact-matching strata.  Output: for every treated unit
 * up to `ratio` matched controls (a match matrix as MatchIt's), the units
 * discarded by the common-support rule, MatchIt's matching weights and a
 * pair id (subclass).  Estimand: ATT (controls are matched to treated units).
 *
 *   obs_match_options o; obs_match_options_default(&o);
 *   o.ratio = 2; o.caliper = 0.2;
 *   obs_match_result *m;
 *   if (obs_match_nearest(ps, treat, NULL, n, &o, &m, &err)) ...;
 *   for (t...) for (r...) m->mm[t * m->ratio + r]   // unit index or -1
 *   obs_match_result_free(&m);
 */
#ifndef OBSURV_MATCH_H
#define OBSURV_MATCH_H

#include <stddef.h>
#include <stdint.h>
#include "obsurv/error.h"

typedef enum {
    OBS_MATCH_ORDER_LARGEST = 0,  /* treated by decreasing distance (default) */
    OBS_MATCH_ORDER_SMALLEST,     /* by increasing distance */
    OBS_MATCH_ORDER_DATA,         /* in data order */
    OBS_MATCH_ORDER_RANDOM        /* a random permutation from obs_rng(seed) */
} obs_match_order;

typedef enum {
    OBS_DISCARD_NONE = 0,
    OBS_DISCARD_BOTH,     /* outside the overlap of both groups' ranges */
    OBS_DISCARD_TREATED,  /* treated outside the controls' range */
    OBS_DISCARD_CONTROL   /* controls outside the treated's range */
} obs_match_discard;

/* How nearest-neighbour matching compares distance differences. */
typedef enum {
    OBS_MATCH_RULE_MATCHIT = 0, /* as MatchIt 4.5.1 (default): differences are
                                   truncated to whole numbers before they are
                                   compared (its C++ calls the integer abs()),
                                   so on the probability scale the nearest
                                   available control *below* the treated unit
                                   always wins, and a caliper below 1 never
                                   binds on that scale */
    OBS_MATCH_RULE_EXACT        /* true absolute differences: the nearest
                                   control wins (lower one on an exact tie),
                                   and the caliper is the stated width */
} obs_match_rule;

typedef struct {
    int ratio;                /* K controls per treated (1) */
    int replace;              /* controls may be reused (0) */
    double caliper;           /* in SDs of the distance; NaN = none */
    obs_match_order order;    /* (largest) */
    uint64_t seed;            /* for OBS_MATCH_ORDER_RANDOM */
    obs_match_discard discard;/* (none) */
    obs_match_rule rule;      /* (OBS_MATCH_RULE_MATCHIT) */
} obs_match_options;

void obs_match_options_default(obs_match_options *o);

typedef struct {
    size_t n, n_treated, n_control;
    int ratio;
    size_t *treated;          /* n_treated: unit index of each treated, data order */
    long *mm;                 /* n_treated x ratio (row-major): control unit or -1;
                                 column r holds the control found in pass r */
    unsigned char *discarded; /* n: 1 = outside common support */
    double *weights;          /* n: MatchIt's weights (0 = not kept) */
    long *subclass;           /* n: pair id 1.. (0 = not matched); NULL with
                                 replacement, as MatchIt */
    double caliper_width;     /* caliper on the distance scale, NaN = none */
    size_t n_treated_matched, n_control_matched;
    double total_distance;    /* sum of |d_t - d_c| over matched pairs */
} obs_match_result;

/* Greedy nearest-neighbour matching, as MatchIt's method = "nearest"
 * (nn_matchC_vec in MatchIt 4.5).
 *   distance n finite values; treat n values 0/1; exact n stratum codes or NULL
 * Treated units are taken in opt->order; in pass r = 1..ratio each takes the
 * available control closest in distance (within the caliper and its exact
 * stratum, not already matched to it).  Ties: all units are sorted by
 * distance, equal distances in data order (R's stable sort.list); between the
 * nearest available control below and above the treated unit in that order
 * the lower one wins when its distance difference is <= the upper one's.
 * O(n log n): one sort, then "next available" links with path compression.
 * On success *out is owned by the caller (obs_match_result_free).
 * Errors: OBS_EUSAGE for ratio < 1 or a negative caliper; OBS_EDATA when
 * there is no treated or no control unit. */
obs_status obs_match_nearest(const double *distance, const int *treat,
                             const int *exact, size_t n,
                             const obs_match_options *opt,
                             obs_match_result **out, obs_error *err);

/* Optimal 1:K matching without replacement (as MatchIt's method = "optimal",
 * i.e. optmatch::pairmatch / fullmatch with fixed ratio): the control sets
 * minimise the total absolute distance sum |d_t - d_c| over all matches,
 * solved as a minimum-cost flow with GLPK (glp_mincost_okalg); exact strata
 * are separate problems.  Costs are scaled to integers (see match_optimal.c).
 * Every treated unit gets K controls when the controls suffice (n_c >= K n_t
 * in each stratum), otherwise as many treated as possible are matched.
 * opt->caliper, order and replace are not used. */
obs_status obs_match_optimal(const double *distance, const int *treat,
                             const int *exact, size_t n,
                             const obs_match_options *opt,
                             obs_match_result **out, obs_error *err);

void obs_match_result_free(obs_match_result **m);

/* Common-support flags (MatchIt's discard()): out[i] = 1 when unit i lies
 * outside the range the rule keeps.  n >= 1, treat 0/1. */
void obs_match_discard_units(const double *distance, const int *treat, size_t n,
                             obs_match_discard rule, unsigned char *out);

/* Internal to the matching files: allocate a result for n units, and fill
 * weights, subclass and counts from m->mm (MatchIt's weights_matrixC: a
 * matched treated unit weighs 1, each of its k controls 1/k, summed over the
 * treated units a control serves; control weights are then scaled to sum to
 * the number of distinct matched controls). */
obs_match_result *obs_match_result_alloc(const int *treat, size_t n, int ratio);
void obs_match_result_finish(obs_match_result *m, const double *distance);

#endif
