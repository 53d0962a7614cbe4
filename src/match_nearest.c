/*
 * match_nearest.c — greedy nearest-neighbour matching on a scalar distance,
 * with the decisions of MatchIt 4.5 (matchit(method = "nearest"), its
 * nn_matchC_vec), and MatchIt's weights and common-support rule.
 *
 * Design note.  All units are sorted once by (exact stratum, distance, data
 * index); the controls, in that order, form an array c[1..nc].  A treated
 * unit sits between two control positions: `pos` = the first control after
 * it.  Greedy matching repeatedly asks "nearest still-available control at
 * or below position q" and "at or above q".  Two parent arrays (left, right)
 * answer that as a union-find: an available position is its own root; when
 * a control is used up, left[q] = q - 1 and right[q] = q + 1; finds compress
 * paths.  Each query costs amortised almost O(1), so matching is
 * O(n log n) for the sort plus O(n K alpha(n)).  Positions 0 and nc + 1 are
 * sentinels that stay available.
 *
 * Worked example (one stratum, ratio 1, order largest).  Distances:
 *   controls  c1=0.10  c2=0.30  c3=0.30  c4=0.80     treated t1=0.30 t2=0.75
 * sorted: c1 .10, c2 .30 (row 2), t1 .30 (row 5), c3 .30 (row 6), t2 .75, c4 .80
 * t2 first (largest): below c3 (gap .45), above c4 (gap .05).
 *   exact rule: c4 is nearer -> c4.  MatchIt rule: both gaps truncate to 0,
 *   0 <= 0, the lower one wins -> c3.
 * t1: below c2 (gap 0); above: c3 (exact rule) or c4 (MatchIt rule); a tie
 *   or a truncated tie, the lower position wins -> c2 under both rules.
 * Comparisons of a gap with the caliper use the same gap function, so under
 * the MatchIt rule a caliper narrower than 1 only excludes gaps >= 1.
  */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/match.h"
#include "obsurv/rng.h"
#include "cox_internal.h"   /* cox_radix_sort, cox_double_key */

void obs_match_options_default(obs_match_options *o)
{
    o->ratio = 1;
    o->replace = 0;
    o->caliper = NAN;
    o->order = OBS_MATCH_ORDER_LARGEST;
    o->seed = 1;
    o->discard = OBS_DISCARD_NONE;
    o->rule = OBS_MATCH_RULE_MATCHIT;
}

void obs_match_discard_units(const double *d, const int *treat, size_t n,
                             obs_match_discard rule, unsigned char *out)
{
    double min0 = INFINITY, max0 = -INFINITY, min1 = INFINITY, max1 = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (treat[i]) { if (d[i] < min1) min1 = d[i]; if (d[i] > max1) max1 = d[i]; }
        else          { if (d[i] < min0) min0 = d[i]; if (d[i] > max0) max0 = d[i]; }
    }
    double lo = -INFINITY, hi = INFINITY;
    switch (rule) {
    case OBS_DISCARD_BOTH:    lo = fmax(min0, min1); hi = fmin(max0, max1); break;
    case OBS_DISCARD_CONTROL: lo = min1; hi = max1; break;
    case OBS_DISCARD_TREATED: lo = min0; hi = max0; break;
    default: break;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = rule != OBS_DISCARD_NONE && (d[i] < lo || d[i] > hi);
}

void obs_match_result_free(obs_match_result **m)
{
    if (!m || !*m) return;
    free((*m)->treated); free((*m)->mm); free((*m)->discarded);
    free((*m)->weights); free((*m)->subclass);
    free(*m);
    *m = NULL;
}

obs_match_result *obs_match_result_alloc(const int *treat, size_t n, int ratio)
{
    obs_match_result *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->n = n; m->ratio = ratio; m->caliper_width = NAN;
    for (size_t i = 0; i < n; i++) {
        if (treat[i]) m->n_treated++; else m->n_control++;
    }
    m->treated = malloc((m->n_treated ? m->n_treated : 1) * sizeof(size_t));
    m->mm = malloc((m->n_treated ? m->n_treated : 1) * (size_t)ratio * sizeof(long));
    m->discarded = calloc(n ? n : 1, 1);
    m->weights = calloc(n ? n : 1, sizeof(double));
    m->subclass = calloc(n ? n : 1, sizeof(long));
    if (!m->treated || !m->mm || !m->discarded || !m->weights || !m->subclass) {
        obs_match_result_free(&m);
        return NULL;
    }
    size_t t = 0;
    for (size_t i = 0; i < n; i++) if (treat[i]) m->treated[t++] = i;
    for (size_t k = 0; k < m->n_treated * (size_t)ratio; k++) m->mm[k] = -1;
    return m;
}

void obs_match_result_finish(obs_match_result *m, const double *d)
{
    size_t K = (size_t)m->ratio;
    memset(m->weights, 0, m->n * sizeof(double));
    m->n_treated_matched = m->n_control_matched = 0;
    m->total_distance = 0;
    for (size_t t = 0; t < m->n_treated; t++) {
        const long *row = m->mm + t * K;
        if (row[0] < 0) continue;                 /* weights_matrixC: column 1 decides */
        double k = 0;
        for (size_t r = 0; r < K; r++) if (row[r] >= 0) k++;
        for (size_t r = 0; r < K; r++)
            if (row[r] >= 0) {
                m->weights[row[r]] += 1.0 / k;
                m->total_distance += fabs(d[m->treated[t]] - d[row[r]]);
            }
        m->weights[m->treated[t]] += 1.0;
        m->n_treated_matched++;
    }
    /* Controls: every unit with weight > 0 that is not a matched treated
     * unit (a matched treated unit weighs exactly 1).  Scale the controls'
     * weights to sum to their number, then restore the treated weights. */
    size_t used = 0;
    double sumw = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->weights[i] > 0) { used++; sumw += m->weights[i]; }
    used -= m->n_treated_matched;
    sumw -= (double)m->n_treated_matched;
    if (used > 0 && sumw > 0) {
        double scale = (double)used / sumw;
        for (size_t i = 0; i < m->n; i++) m->weights[i] *= scale;
        for (size_t t = 0; t < m->n_treated; t++)
            if (m->mm[t * K] >= 0) m->weights[m->treated[t]] = 1.0;
    }
    m->n_control_matched = used;

    if (m->subclass) {                            /* pair ids, treated in data order */
        memset(m->subclass, 0, m->n * sizeof(long));
        long id = 0;
        for (size_t t = 0; t < m->n_treated; t++) {
            const long *row = m->mm + t * K;
            if (row[0] < 0) continue;
            m->subclass[m->treated[t]] = ++id;
            for (size_t r = 0; r < K; r++) if (row[r] >= 0) m->subclass[row[r]] = id;
        }
    }
}

/* Sort key for all units: (stratum, distance, index). */
typedef struct { int stratum; double d; size_t i; } unit_key;

static int cmp_unit(const void *a, const void *b)
{
    const unit_key *x = a, *y = b;
    if (x->stratum != y->stratum) return x->stratum < y->stratum ? -1 : 1;
    if (x->d != y->d) return x->d < y->d ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* Sort keys, given in ascending index order, as qsort with cmp_unit would:
 * two stable LSD radix sorts (cox_sort.c), by distance (-0 as +0: the
 * comparison finds them equal), then by stratum; ties keep index order.
 * Returns -1 (nothing done) when out of memory or a distance is NaN (the
 * caller then uses qsort). */
static int sort_units(unit_key *keys, size_t n)
{
    for (size_t k = 0; k < n; k++) if (isnan(keys[k].d)) return -1;
    uint64_t *key = malloc((n + 1) * sizeof *key);
    size_t *idx = malloc((n + 1) * sizeof *idx);
    unit_key *tmp = malloc((n + 1) * sizeof *tmp);
    int rc = -1, strata = 0;
    if (!key || !idx || !tmp) goto done;
    for (size_t k = 0; k < n; k++) {
        key[k] = cox_double_key(keys[k].d == 0 ? 0.0 : keys[k].d);
        idx[k] = k;
        if (keys[k].stratum != keys[0].stratum) strata = 1;
    }
    if (cox_radix_sort(key, idx, n)) goto done;
    if (strata) {
        for (size_t k = 0; k < n; k++)
            key[k] = (uint64_t)((uint32_t)keys[idx[k]].stratum ^ 0x80000000u);   /* signed order */
        if (cox_radix_sort(key, idx, n)) goto done;
    }
    for (size_t k = 0; k < n; k++) tmp[k] = keys[idx[k]];
    memcpy(keys, tmp, n * sizeof *keys);
    rc = 0;
done:
    free(key); free(idx); free(tmp);
    return rc;
}

/* Treated order keys: by distance (sign gives the direction), then index. */
typedef struct { double d; size_t t; } treated_key;

static int cmp_treated(const void *a, const void *b)
{
    const treated_key *x = a, *y = b;
    if (x->d != y->d) return x->d < y->d ? -1 : 1;
    return (x->t > y->t) - (x->t < y->t);
}

/* Sort treated keys, given in ascending t order, as qsort with cmp_treated
 * would: a stable LSD radix sort by distance (-0 as +0), ties in t order.
 * Returns -1 (nothing done) when out of memory or a distance is NaN. */
static int sort_treated(treated_key *tk, size_t n)
{
    for (size_t k = 0; k < n; k++) if (isnan(tk[k].d)) return -1;
    uint64_t *key = malloc((n + 1) * sizeof *key);
    size_t *idx = malloc((n + 1) * sizeof *idx);
    treated_key *tmp = malloc((n + 1) * sizeof *tmp);
    int rc = -1;
    if (key && idx && tmp) {
        for (size_t k = 0; k < n; k++) {
            key[k] = cox_double_key(tk[k].d == 0 ? 0.0 : tk[k].d);
            idx[k] = k;
        }
        if (cox_radix_sort(key, idx, n) == 0) {
            for (size_t k = 0; k < n; k++) tmp[k] = tk[idx[k]];
            memcpy(tk, tmp, n * sizeof *tk);
            rc = 0;
        }
    }
    free(key); free(idx); free(tmp);
    return rc;
}

/* The size of a distance difference as the comparisons see it: |x|, or
 * under the MatchIt 4.5.1 rule |x| truncated to a whole number (its
 * nn_matchC_vec compares abs() of a double through the integer abs). */
static double gap(double x, obs_match_rule rule)
{
    if (rule == OBS_MATCH_RULE_EXACT) return fabs(x);
    double t = fabs(x);
    return t >= 2147483647.0 ? 2147483647.0 : floor(t);
}

/* Whether control c counts as already matched to a treated unit whose first
 * r matches are row[0..r-1].  Exact rule: c is one of them.  MatchIt 4.5.1
 * rule (next_unit != NULL): its nn_matchC_vec compares 0-based positions with
 * the 1-based row numbers it stored, so it skips the unit that follows each
 * matched control in data order within the exact stratum, and never the
 * matched control itself (with --replace a control can serve one treated
 * unit twice, as in MatchIt). */
static int already(const long *row, size_t r, size_t c, const long *next_unit)
{
    for (size_t s = 0; s < r; s++) {
        if (row[s] < 0) continue;
        if (next_unit ? next_unit[row[s]] == (long)c : row[s] == (long)c) return 1;
    }
    return 0;
}

/* Union-find: nearest available position <= q (left) or >= q (right). */
static size_t find_root(size_t *parent, size_t q)
{
    size_t r = q;
    while (parent[r] != r) r = parent[r];
    while (parent[q] != r) { size_t nx = parent[q]; parent[q] = r; q = nx; }
    return r;
}

obs_status obs_match_nearest(const double *distance, const int *treat,
                             const int *exact, size_t n,
                             const obs_match_options *opt,
                             obs_match_result **out, obs_error *err)
{
    obs_status rc = OBS_OK;
    obs_match_result *m = NULL;
    unit_key *keys = NULL;
    treated_key *tkeys = NULL;
    size_t *ctrl = NULL, *left = NULL, *right = NULL, *tpos = NULL, *tlo = NULL,
           *thi = NULL, *ord = NULL, *times = NULL;
    size_t *tindex_of_unit = NULL;
    long *next_unit = NULL;
    *out = NULL;

    if (opt->ratio < 1)
        return obs_error_set(err, OBS_EUSAGE, "--ratio must be a whole number >= 1");
    if (opt->caliper < 0)
        return obs_error_set(err, OBS_EUSAGE, "--caliper must be >= 0");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(distance[i]))
            return obs_error_set(err, OBS_EDATA, "distance of unit %zu is not finite", i + 1);

    m = obs_match_result_alloc(treat, n, opt->ratio);
    if (!m) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    if (m->n_treated == 0 || m->n_control == 0) {
        rc = obs_error_set(err, OBS_EDATA, "matching needs treated and control units (%zu treated, %zu control)",
                           m->n_treated, m->n_control);
        goto done;
    }
    if (opt->replace) { free(m->subclass); m->subclass = NULL; }
    size_t n1 = m->n_treated, n0 = m->n_control, K = (size_t)opt->ratio;
    obs_match_discard_units(distance, treat, n, opt->discard, m->discarded);

    /* Caliper width: caliper x SD of the distance over the kept units
     * (MatchIt's process.caliper, std.caliper = TRUE: sd(distance[!discarded])). */
    double cal = INFINITY;
    if (!isnan(opt->caliper)) {
        double s1 = 0, s2 = 0, cnt = 0;
        for (size_t i = 0; i < n; i++) if (!m->discarded[i]) { s1 += distance[i]; cnt++; }
        double mean = cnt > 0 ? s1 / cnt : 0;
        for (size_t i = 0; i < n; i++)
            if (!m->discarded[i]) s2 += (distance[i] - mean) * (distance[i] - mean);
        double sd = cnt > 1 ? sqrt(s2 / (cnt - 1)) : 0;
        cal = opt->caliper * sd;
        m->caliper_width = cal;
    }

    keys = malloc(n * sizeof *keys);
    tkeys = malloc(n1 * sizeof *tkeys);
    ctrl = malloc((n0 + 2) * sizeof *ctrl);
    left = malloc((n0 + 2) * sizeof *left);
    right = malloc((n0 + 2) * sizeof *right);
    times = calloc(n0 + 2, sizeof *times);
    tpos = malloc(n1 * sizeof *tpos);
    tlo = malloc(n1 * sizeof *tlo);
    thi = malloc(n1 * sizeof *thi);
    ord = malloc(n1 * sizeof *ord);
    tindex_of_unit = malloc(n * sizeof *tindex_of_unit);
    if (!keys || !tkeys || !ctrl || !left || !right || !times || !tpos || !tlo ||
        !thi || !ord || !tindex_of_unit) {
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t t = 0; t < n1; t++) tindex_of_unit[m->treated[t]] = t;
    for (size_t i = 0; i < n; i++) {
        keys[i].stratum = exact ? exact[i] : 0;
        keys[i].d = distance[i];
        keys[i].i = i;
    }
    if (sort_units(keys, n)) qsort(keys, n, sizeof *keys, cmp_unit);

    /* Control positions 1..n0; each treated unit's insertion point and the
     * range [lo, hi] of control positions in its stratum. */
    size_t q = 0, seg_start = 1;
    int cur = keys[0].stratum;
    size_t first_t_in_seg = 0;      /* index into a list of treated seen in this segment */
    size_t *seg_treated = ord;      /* reuse ord as scratch for the segment's treated */
    size_t nseg_t = 0;
    (void)first_t_in_seg;
    for (size_t k = 0; k <= n; k++) {
        if (k == n || keys[k].stratum != cur) {
            for (size_t s = 0; s < nseg_t; s++) { tlo[seg_treated[s]] = seg_start; thi[seg_treated[s]] = q; }
            nseg_t = 0;
            seg_start = q + 1;
            if (k == n) break;
            cur = keys[k].stratum;
        }
        size_t i = keys[k].i;
        if (treat[i]) {
            size_t t = tindex_of_unit[i];
            tpos[t] = q + 1;
            seg_treated[nseg_t++] = t;
        } else {
            ctrl[++q] = i;
        }
    }
    for (size_t c = 0; c <= n0 + 1; c++) left[c] = right[c] = c;
    for (size_t c = 1; c <= n0; c++)
        if (m->discarded[ctrl[c]]) { left[c] = c - 1; right[c] = c + 1; }

    /* Treated order (MatchIt: order(distance[treat == 1], decreasing = ...),
     * a stable sort, so ties stay in data order; with replacement MatchIt
     * uses data order, which gives the same matches). */
    obs_match_order order = opt->replace ? OBS_MATCH_ORDER_DATA : opt->order;
    for (size_t t = 0; t < n1; t++) {
        tkeys[t].t = t;
        tkeys[t].d = order == OBS_MATCH_ORDER_LARGEST ? -distance[m->treated[t]] : distance[m->treated[t]];
    }
    if ((order == OBS_MATCH_ORDER_LARGEST || order == OBS_MATCH_ORDER_SMALLEST) &&
        sort_treated(tkeys, n1))
        qsort(tkeys, n1, sizeof *tkeys, cmp_treated);
    for (size_t t = 0; t < n1; t++) ord[t] = tkeys[t].t;
    if (order == OBS_MATCH_ORDER_RANDOM) {        /* Fisher-Yates */
        obs_rng rng;
        obs_rng_seed(&rng, opt->seed);
        for (size_t t = n1; t > 1; t--) {
            size_t j = (size_t)obs_rng_below(&rng, t);
            size_t tmp = ord[t - 1]; ord[t - 1] = ord[j]; ord[j] = tmp;
        }
    }

    size_t reuse_max = opt->replace ? n1 : 1;
    obs_match_rule rule = opt->rule;
    if (rule == OBS_MATCH_RULE_MATCHIT && K > 1) {
        /* next unit in data order within the same exact stratum */
        next_unit = malloc(n * sizeof *next_unit);
        if (!next_unit) { rc = obs_error_set(err, OBS_ENOMEM, "out of memory"); goto done; }
        for (size_t k = 0; k < n; k++) { keys[k].i = k; keys[k].stratum = exact ? exact[k] : 0; keys[k].d = 0; }
        if (sort_units(keys, n)) qsort(keys, n, sizeof *keys, cmp_unit);   /* (stratum, index) */
        for (size_t k = 0; k < n; k++)
            next_unit[keys[k].i] = k + 1 < n && keys[k + 1].stratum == keys[k].stratum ? (long)keys[k + 1].i : -1;
    }
    size_t available = 0;
    for (size_t c = 1; c <= n0; c++) if (!m->discarded[ctrl[c]]) available++;
    /* Control unit -> position, to test "already matched to this treated". */
    for (size_t r = 0; r < K && available > 0; r++) {
        for (size_t oi = 0; oi < n1 && available > 0; oi++) {
            size_t t = ord[oi];
            size_t ti = m->treated[t];
            if (m->discarded[ti]) continue;
            long *row = m->mm + t * K;
            double dt = distance[ti];
            /* nearest available control below */
            size_t ql = tpos[t] - 1, best_l = 0, best_r = 0;
            int have_l = 0, have_r = 0;
            for (;;) {
                ql = find_root(left, ql);
                if (ql < tlo[t] || ql == 0) break;
                int dup = already(row, r, ctrl[ql], next_unit);
                if (dup) { ql--; continue; }
                if (gap(dt - distance[ctrl[ql]], rule) > cal) break;
                have_l = 1; best_l = ql; break;
            }
            size_t qr = tpos[t];
            for (;;) {
                qr = find_root(right, qr);
                if (qr > thi[t] || qr == n0 + 1) break;
                int dup = already(row, r, ctrl[qr], next_unit);
                if (dup) { qr++; continue; }
                if (gap(dt - distance[ctrl[qr]], rule) > cal) break;
                have_r = 1; best_r = qr; break;
            }
            size_t c;
            if (have_l && have_r)
                c = gap(distance[ctrl[best_l]] - dt, rule) <= gap(distance[ctrl[best_r]] - dt, rule) ? best_l : best_r;
            else if (have_l) c = best_l;
            else if (have_r) c = best_r;
            else continue;
            row[r] = (long)ctrl[c];
            if (++times[c] >= reuse_max) {
                left[c] = c - 1; right[c] = c + 1;
                available--;
            }
        }
    }
    obs_match_result_finish(m, distance);

done:
    free(keys); free(tkeys); free(ctrl); free(left); free(right); free(times);
    free(tpos); free(tlo); free(thi); free(ord); free(tindex_of_unit); free(next_unit);
    if (rc != OBS_OK) obs_match_result_free(&m);
    *out = m;
    return rc;
}
