/*
 * render_cox.c — Cox model results as JSON members and CSV; see
 * obsurv/render_cox.h.
 */
#include <math.h>
#include "obsurv/render_cox.h"

const char *obs_cox_ties_name(obs_cox_ties t)
{
    return t == OBS_COX_BRESLOW ? "breslow" : t == OBS_COX_EXACT ? "exact" : "efron";
}

static void json_test(obs_json *j, const char *key, const obs_cox_test *t)
{
    obs_json_key(j, key);
    obs_json_begin_object(j);
    obs_json_kv_number(j, "stat", t->stat);
    obs_json_kv_number(j, "df", t->df);
    obs_json_kv_number(j, "p", t->p);
    obs_json_end_object(j);
}

void obs_render_cox_json(obs_json *j, const obs_cox_model *m, const char *const *colnames)
{
    obs_json_kv_int(j, "n", (long long)m->n);
    obs_json_kv_int(j, "nevent", (long long)m->nevent);
    obs_render_cox_json_fit(j, m, colnames);
}

void obs_render_cox_json_fit(obs_json *j, const obs_cox_model *m, const char *const *colnames)
{
    obs_json_kv_string(j, "ties", obs_cox_ties_name(m->ties));
    obs_json_kv_bool(j, "converged", m->converged);
    obs_json_kv_int(j, "iterations", m->iterations);
    obs_json_key(j, "loglik");
    obs_json_begin_object(j);
    obs_json_kv_number(j, "null", m->loglik_null);
    obs_json_kv_number(j, "model", m->loglik_model);
    obs_json_end_object(j);
    obs_json_key(j, "coefficients");
    obs_json_begin_array(j);
    for (size_t k = 0; k < m->p; k++) {
        int al = m->aliased[k];
        obs_json_begin_object(j);
        obs_json_kv_string(j, "term", colnames[k]);
        obs_json_kv_number(j, "coef", al ? NAN : m->coef[k]);
        obs_json_kv_number(j, "se", al ? NAN : m->se[k]);
        obs_json_kv_number(j, "robust_se", al || !m->robust_se ? NAN : m->robust_se[k]);
        obs_json_kv_number(j, "z", al ? NAN : m->z[k]);
        obs_json_kv_number(j, "p", al ? NAN : m->p_value[k]);
        obs_json_kv_number(j, "hr", al ? NAN : m->hr[k]);
        obs_json_kv_number(j, "hr_lower", al ? NAN : m->hr_lower[k]);
        obs_json_kv_number(j, "hr_upper", al ? NAN : m->hr_upper[k]);
        obs_json_end_object(j);
    }
    obs_json_end_array(j);
    obs_json_key(j, "tests");
    obs_json_begin_object(j);
    json_test(j, "lr", &m->lr);
    json_test(j, "wald", &m->wald);
    json_test(j, "score", &m->score);
    if (m->robust_score.df > 0) json_test(j, "robust_score", &m->robust_score);
    obs_json_end_object(j);
    obs_json_key(j, "concordance");
    if (m->has_concordance) {
        obs_json_begin_object(j);
        obs_json_kv_number(j, "c", m->concordance);
        obs_json_kv_number(j, "se", m->concordance_se);
        obs_json_kv_number(j, "concordant", m->conc_counts[0]);
        obs_json_kv_number(j, "discordant", m->conc_counts[1]);
        obs_json_kv_number(j, "tied_x", m->conc_counts[2]);
        obs_json_end_object(j);
    } else {
        obs_json_null(j);
    }
}

static void csv_num(FILE *fp, double v)
{
    if (isfinite(v)) fprintf(fp, ",%.17g", v);
    else fputs(",NA", fp);
}

void obs_render_cox_csv(FILE *fp, const obs_cox_model *m, const char *const *colnames)
{
    fputs("term,coef,se,robust_se,z,p,hr,hr_lower,hr_upper\n", fp);
    for (size_t k = 0; k < m->p; k++) {
        int al = m->aliased[k];
        fputc('"', fp);
        for (const char *s = colnames[k]; *s; s++) {
            if (*s == '"') fputc('"', fp);
            fputc(*s, fp);
        }
        fputc('"', fp);
        csv_num(fp, al ? NAN : m->coef[k]);
        csv_num(fp, al ? NAN : m->se[k]);
        csv_num(fp, al || !m->robust_se ? NAN : m->robust_se[k]);
        csv_num(fp, al ? NAN : m->z[k]);
        csv_num(fp, al ? NAN : m->p_value[k]);
        csv_num(fp, al ? NAN : m->hr[k]);
        csv_num(fp, al ? NAN : m->hr_lower[k]);
        csv_num(fp, al ? NAN : m->hr_upper[k]);
        fputc('\n', fp);
    }
}
