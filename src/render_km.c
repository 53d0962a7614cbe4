/*
 * render_km.c — Kaplan–Meier curves as JSON; see obsurv/render_km.h.
 */
#include <math.h>
#include "obsurv/render_km.h"
#include "obsurv/render_frame.h"

/* 1 when count v must be hidden under min_cell mc (0 = off): a count from 1
 * to mc - 1.  Zero identifies no one and stays. */
static int hidden(double v, long mc)
{
    return mc > 0 && v >= 1 && v < (double)mc;
}

/* A count under min_cell: null when hidden. */
static void json_count(obs_json *j, const char *key, double v, long mc)
{
    obs_json_kv_number(j, key, hidden(v, mc) ? NAN : v);
}

/* Counts v[0..n-1] with hidden ones null; *any set when one was hidden. */
static void json_counts(obs_json *j, const char *key, const double *v, size_t n, long mc, int *any)
{
    obs_json_key(j, key);
    obs_json_begin_array(j);
    for (size_t i = 0; i < n; i++) {
        int h = hidden(v[i], mc);
        *any |= h;
        obs_json_number(j, h ? NAN : v[i]);
    }
    obs_json_end_array(j);
}

/* "suppressed": the names among names[0..n-1] whose flag is set. */
static void json_suppressed(obs_json *j, const char *const *names, const int *flag, size_t n)
{
    obs_json_key(j, "suppressed");
    obs_json_begin_array(j);
    for (size_t k = 0; k < n; k++)
        if (flag[k]) obs_json_string(j, names[k]);
    obs_json_end_array(j);
}

static void json_point(obs_json *j, const obs_km_point *p, long mc)
{
    static const char *const names[3] = {"n_risk", "n_event", "n_censor"};
    int flag[3] = {hidden(p->n_risk, mc), hidden(p->n_event, mc), hidden(p->n_censor, mc)};
    obs_json_begin_object(j);
    obs_json_kv_number(j, "time", p->time);
    obs_json_kv_number(j, "surv", p->surv);
    obs_json_kv_number(j, "std_err", p->std_err);
    obs_json_kv_number(j, "lower", p->lower);
    obs_json_kv_number(j, "upper", p->upper);
    json_count(j, "n_risk", p->n_risk, mc);
    json_count(j, "n_event", p->n_event, mc);
    json_count(j, "n_censor", p->n_censor, mc);
    if (mc > 0) json_suppressed(j, names, flag, 3);
    obs_json_end_object(j);
}

void obs_render_km_json(FILE *fp, const obs_km *km, const char *const *names,
                        const obs_frame *fr, size_t n, const char *weights,
                        const double *times, size_t ntimes, obs_km_point *pts,
                        const obs_warnings *warn, long min_cell)
{
    const long mc = min_cell;
    obs_json j;
    double start = obs_km_start_time(km);
    obs_json_init(&j, fp);
    obs_json_begin_object(&j);
    obs_json_kv_string(&j, "conf_type", obs_km_conf_type_name(km->opt.conf_type));
    obs_json_kv_number(&j, "conf_level", km->opt.conf_level);
    json_count(&j, "n", (double)n, mc);
    json_count(&j, "n_dropped", (double)fr->n_dropped, mc);
    if (mc > 0) {
        static const char *const top[2] = {"n", "n_dropped"};
        int flag[2] = {hidden((double)n, mc), hidden((double)fr->n_dropped, mc)};
        obs_json_kv_int(&j, "min_cell", mc);
        json_suppressed(&j, top, flag, 2);
    }
    if (mc == 0) {
        obs_render_exclusions_json(&j, fr);
    } else {                      /* the same list, small counts hidden */
        obs_json_key(&j, "exclusions");
        obs_json_begin_array(&j);
        for (size_t i = 0; i < fr->nexclusions; i++) {
            obs_json_begin_object(&j);
            obs_json_kv_string(&j, "variable", fr->exclusions[i].variable);
            obs_json_kv_string(&j, "reason", fr->exclusions[i].reason);
            json_count(&j, "count", (double)fr->exclusions[i].count, mc);
            obs_json_end_object(&j);
        }
        obs_json_end_array(&j);
    }
    obs_json_kv_string(&j, "weights", weights);
    obs_json_kv_bool(&j, "robust_se", km->robust);
    obs_json_key(&j, "strata");
    obs_json_begin_array(&j);
    for (size_t k = 0; k < km->ncurves; k++) {
        const obs_km_curve *c = &km->curves[k];
        if (c->ntime == 0) continue;
        obs_json_begin_object(&j);
        obs_json_kv_string(&j, "name", names[k]);
        static const char *const counts[6] = {"n", "n_weighted", "events", "n_risk", "n_event",
                                              "n_censor"};
        int flag[6] = {hidden((double)c->n, mc), weights && hidden(c->n_weighted, mc),
                       hidden(c->events, mc), 0, 0, 0};
        json_count(&j, "n", (double)c->n, mc);
        if (weights) json_count(&j, "n_weighted", c->n_weighted, mc);
        json_count(&j, "events", c->events, mc);
        obs_json_kv_number(&j, "median", c->median);
        obs_json_kv_number(&j, "median_lower", c->median_lower);
        obs_json_kv_number(&j, "median_upper", c->median_upper);
        obs_json_kv_numbers(&j, "time", c->time, c->ntime);
        json_counts(&j, "n_risk", c->n_risk, c->ntime, mc, &flag[3]);
        json_counts(&j, "n_event", c->n_event, c->ntime, mc, &flag[4]);
        json_counts(&j, "n_censor", c->n_censor, c->ntime, mc, &flag[5]);
        if (mc > 0) json_suppressed(&j, counts, flag, 6);
        obs_json_kv_numbers(&j, "surv", c->surv, c->ntime);
        obs_json_kv_numbers(&j, "std_err", c->std_err, c->ntime);
        obs_json_kv_numbers(&j, "lower", c->lower, c->ntime);
        obs_json_kv_numbers(&j, "upper", c->upper, c->ntime);
        if (times) {
            obs_km_at(c, start, times, ntimes, pts);
            obs_json_key(&j, "at");
            obs_json_begin_array(&j);
            for (size_t r = 0; r < ntimes; r++) json_point(&j, &pts[r], mc);
            obs_json_end_array(&j);
        }
        obs_json_end_object(&j);
    }
    obs_json_end_array(&j);
    obs_render_warnings_json(&j, warn);
    obs_json_end_object(&j);
}
