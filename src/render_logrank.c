/*
 * render_logrank.c — a log-rank / G-rho test as JSON; see
 * obsurv/render_logrank.h.
 */
#include "obsurv/render_logrank.h"
#include "obsurv/render_frame.h"

void obs_render_logrank_json(FILE *fp, const obs_logrank *lr, const obs_frame *fr, size_t n,
                             const obs_warnings *warn)
{
    obs_json j;
    size_t G = lr->ngroups;
    obs_json_init(&j, fp);
    obs_json_begin_object(&j);
    obs_json_kv_number(&j, "chisq", lr->chisq);
    obs_json_kv_int(&j, "df", lr->df);
    obs_json_kv_number(&j, "p", lr->p);
    obs_json_kv_number(&j, "rho", lr->rho);
    obs_json_kv_int(&j, "n", (long long)n);
    obs_json_kv_int(&j, "n_dropped", (long long)fr->n_dropped);
    obs_render_exclusions_json(&j, fr);
    obs_json_key(&j, "groups");
    obs_json_begin_array(&j);
    for (size_t g = 0; g < G; g++) {
        double oe = lr->observed[g] - lr->expected[g];
        obs_json_begin_object(&j);
        obs_json_kv_string(&j, "name", fr->group_names[g]);
        obs_json_kv_int(&j, "n", (long long)lr->n[g]);
        obs_json_kv_number(&j, "observed", lr->observed[g]);
        obs_json_kv_number(&j, "expected", lr->expected[g]);
        obs_json_kv_number(&j, "oe2_over_e", oe * oe / lr->expected[g]);
        obs_json_kv_number(&j, "oe2_over_v", oe * oe / lr->var[g * G + g]);
        obs_json_end_object(&j);
    }
    obs_json_end_array(&j);
    obs_json_key(&j, "var");
    obs_json_begin_array(&j);
    for (size_t g = 0; g < G; g++) {
        obs_json_begin_array(&j);
        for (size_t h = 0; h < G; h++) obs_json_number(&j, lr->var[g * G + h]);
        obs_json_end_array(&j);
    }
    obs_json_end_array(&j);
    if (fr->strata) {
        obs_json_key(&j, "strata");
        obs_json_begin_array(&j);
        for (size_t s = 0; s < lr->nstrata; s++) {
            obs_json_begin_object(&j);
            obs_json_kv_string(&j, "name", fr->strata_names[s]);
            obs_json_kv_int(&j, "n", (long long)lr->n_strata[s]);
            obs_json_kv_numbers(&j, "observed", lr->observed_strata + s * G, G);
            obs_json_kv_numbers(&j, "expected", lr->expected_strata + s * G, G);
            obs_json_end_object(&j);
        }
        obs_json_end_array(&j);
    }
    obs_render_warnings_json(&j, warn);
    obs_json_end_object(&j);
}
