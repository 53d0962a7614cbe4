/*
 * test_study_run.c — the study runner on examples/lung/study.yaml (R's lung
 * data, sex as the "treatment", arms 1 and 2): cohort and arms, Kaplan-Meier
 * medians identical to obs_km's, the log-rank test identical to
 * obs_logrank's, Cox models, subgroups and interaction tests against R, the
 * report's files and results.json keys, and errors that name the YAML line.
 *
 * R references (R 4.2.2, survival 3.5-3), LC_ALL=C Rscript:
 *   d <- read.csv("lung.csv"); d$sex <- factor(d$sex)
 *   g <- glm(I(sex == "2") ~ age + ph.ecog + ph.karno, binomial, d)   # ps = fitted(g)
 *   coxph(Surv(time, status) ~ sex + age + ph.ecog, d)                   # "adjusted"
 *   coxph(Surv(time, status) ~ sex + ps, d)                              # "propensity-adjusted"
 *   coxph(Surv(time, status) ~ sex, d, subset = ph.ecog == e)            # subgroups, e = 0, 1, 2
 *   LR of sex + I vs sex + I + sex:I, I = (ph.ecog == e)                 # subgroup interaction
 *   LR of sex + factor(ph.ecog) vs ... + sex:factor(ph.ecog), df 2       # interaction: [ph.ecog]
 *   coxph(Surv(time, status) ~ factor(ph.ecog), d)                       # screen
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "obsurv/study.h"
#include "obsurv/reader.h"
#include "obsurv/frame.h"
#include "obsurv/km.h"
#include "obsurv/logrank.h"

#define LUNG OBSURV_SHARED_DATA "/lung.csv"
#define SPEC OBSURV_TEST_DIR "/../examples/lung/study.yaml"

static void close_rel(double got, double want, double rtol)
{
    double tol = rtol * fmax(fabs(got), fabs(want)) + 1e-14;
    if (!(fabs(got - want) <= tol)) fail_msg("got %.17g, want %.17g (rtol %g)", got, want, rtol);
}

static obs_study_spec *load_lung(void)
{
    obs_study_spec *s = NULL;
    obs_error err;
    if (obs_study_spec_load(SPEC, &s, &err)) fail_msg("%s", err.msg);
    free(s->data);
    s->data = strdup(LUNG);
    return s;
}

static const obs_study_cox_fit *model(const obs_study_result *r, const char *name)
{
    for (size_t m = 0; m < r->ncox; m++)
        if (!strcmp(r->cox[m].name, name)) return &r->cox[m];
    fail_msg("no model %s", name);
    return NULL;
}

static void test_lung_numbers(void **state)
{
    (void)state;
    obs_study_spec *s = load_lung();
    obs_study_result *r = NULL;
    obs_error err;
    if (obs_study_run(s, &r, &err)) fail_msg("%s", err.msg);
    assert_int_equal(r->n_read, 228);
    assert_int_equal(r->n, 228);
    assert_string_equal(r->arm_names[0], "1");
    assert_string_equal(r->arm_names[1], "2");
    assert_int_equal(r->n_arm[0], 138);
    assert_int_equal(r->n_arm[1], 90);

    /* medians and log-rank identical to obs_km / obs_logrank on the same data */
    obs_table *t = NULL;
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_km *km = NULL;
    obs_logrank *lr = NULL;
    assert_int_equal(obs_read_table(LUNG, NULL, &t, &err), OBS_OK);
    assert_int_equal(obs_formula_parse("Surv(time, status) ~ sex", &f, &err), OBS_OK);
    obs_frame_spec fs = {.rhs = OBS_FRAME_GROUPS, .response_required = OBS_FRAME_NEED_SURV};
    assert_int_equal(obs_frame_build(t, f, &fs, &fr, &err), OBS_OK);
    assert_int_equal(obs_km_estimate(fr->n, fr->time, fr->status, NULL, fr->group, fr->ngroups, NULL, &km, &err),
                     OBS_OK);
    assert_int_equal(obs_logrank_test(fr->n, fr->time, fr->status, fr->group, fr->ngroups, NULL, 0, 0, &lr, &err),
                     OBS_OK);
    for (int k = 0; k < 2; k++) {
        assert_true(r->km->curves[k].median == km->curves[k].median);
        assert_true(r->km->curves[k].median_lower == km->curves[k].median_lower);
        assert_true(r->km->curves[k].median_upper == km->curves[k].median_upper);
        assert_true(r->km->curves[k].events == km->curves[k].events);
    }
    assert_true(r->km->curves[0].median == 270 && r->km->curves[1].median == 426);
    assert_true(r->logrank->chisq == lr->chisq);
    assert_true(r->logrank->p == lr->p);
    obs_logrank_free(&lr);
    obs_km_free(&km);
    obs_frame_free(&fr);
    obs_formula_free(&f);
    obs_table_free(&t);

    /* Cox models against R */
    const obs_study_cox_fit *adj = model(r, "adjusted");
    assert_string_equal(adj->frame->colnames[0], "sex2");
    static const double adj_coef[] = {-0.55261239570363052, 0.01106676456007348, 0.46372847537042777};
    static const double adj_p[] = {0.00098605137213846408, 0.23241568099961193, 4.4470666518567775e-05};
    for (int k = 0; k < 3; k++) {
        close_rel(adj->model->coef[k], adj_coef[k], 1e-6);
        close_rel(adj->model->p_value[k], adj_p[k], 1e-6);
    }
    const obs_study_cox_fit *psa = model(r, "propensity-adjusted");
    close_rel(psa->model->coef[0], -0.50458922953017482, 1e-6);
    close_rel(psa->model->coef[1], -2.44095703182276, 1e-6);
    close_rel(psa->model->p_value[1], 0.077316765554537814, 1e-6);
    assert_int_equal(r->n_ps_missing, 2);

    /* subgroups: HR, CI, P and the interaction LR test */
    static const double hr[3][4] = {
        {0.54061047167379317, 0.25309377192428795, 1.1547486129796569, 0.11219903553154735},
        {0.53088040489038602, 0.33348253884346984, 0.84512372154173732, 0.0076007377842465381},
        {0.69504990508728592, 0.37203283657954739, 1.2985261596890005, 0.25396811185563817}};
    static const double inter[3][2] = {{0.12083074687984663, 0.72813521840903606},
                                       {0.16262104484303563, 0.68675475995730639},
                                       {0.41079483593739496, 0.52156635351057101}};
    assert_int_equal(r->nsubgroups, 3);
    for (int g = 0; g < 3; g++) {
        const obs_study_subgroup_result *q = &r->subgroups[g];
        close_rel(q->hr, hr[g][0], 1e-6);
        close_rel(q->lower, hr[g][1], 1e-6);
        close_rel(q->upper, hr[g][2], 1e-6);
        close_rel(q->p, hr[g][3], 1e-6);
        close_rel(q->interaction_chisq, inter[g][0], 1e-6);
        close_rel(q->interaction_p, inter[g][1], 1e-6);
    }
    assert_int_equal(r->subgroups[0].n, 63);
    assert_int_equal(r->ninteractions, 1);
    close_rel(r->interactions[0].chisq, 0.56140744941012599, 1e-6);
    assert_true(r->interactions[0].df == 2);
    close_rel(r->interaction_p, 0.75525206486409613, 1e-6);

    /* screen: factor(ph.ecog) hazard ratios and the variable's LR P */
    static const double ecog[] = {1.4460563459811189, 2.5002407773679836, 9.0973235593083999};
    int seen = 0;
    for (size_t k = 0; k < r->nscreen; k++) {
        if (strcmp(r->screen[k].variable, "ph.ecog")) continue;
        close_rel(r->screen[k].hr, ecog[seen++], 1e-6);
        close_rel(r->screen[k].p_variable, 0.00035609589182269697, 1e-6);
    }
    assert_int_equal(seen, 3);
    assert_true(r->match && r->n_matched > 0 && r->n_matched_arm[0] == r->n_matched_arm[1]);
    assert_non_null(r->table1);
    assert_non_null(r->table1_matched);
    obs_study_result_free(&r);
    assert_null(r);
    obs_study_spec_free(&s);
}

static int has_file(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *fp = fopen(p, "rb");
    if (!fp) return 0;
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fclose(fp);
    return size > 0;
}

static void test_report_files(void **state)
{
    (void)state;
    obs_study_spec *s = load_lung();
    obs_study_result *r = NULL;
    obs_error err;
    if (obs_study_run(s, &r, &err)) fail_msg("%s", err.msg);
    char dir[] = "/tmp/obsurv_study_XXXXXX";
    assert_non_null(mkdtemp(dir));
    obs_study_provenance prov = {"obsurv study test", "2011-01-01T00:00:00Z", "test"};
    if (obs_study_report_write(r, &prov, dir, &err)) fail_msg("%s", err.msg);
    static const char *files[] = {"index.html", "results.json", "table1.csv", "table1_matched.csv",
                                  "cox_adjusted.csv", "cox_propensity_adjusted.csv", "cox_matched.csv",
                                  "screen.csv", "subgroups.csv", "km.svg", "km.png", "km.pdf", "forest.svg",
                                  "forest.png", "forest.pdf", "love.svg", "love.png", "love.pdf",
                                  "ps_overlap.svg", "ps_overlap.png", "ps_overlap.pdf", NULL};
    for (size_t k = 0; files[k]; k++)
        if (!has_file(dir, files[k])) fail_msg("missing %s", files[k]);
    /* results.json keys of cli.md */
    char p[512], *buf = calloc(1, 1 << 20);
    snprintf(p, sizeof p, "%s/results.json", dir);
    FILE *fp = fopen(p, "rb");
    assert_non_null(fp);
    size_t len = fread(buf, 1, (1 << 20) - 1, fp);
    fclose(fp);
    assert_true(len > 100);
    static const char *keys[] = {"{\"title\":", "\"n\":228", "\"n_dropped\":0", "\"arms\":[{\"name\":\"1\"",
                                 "\"median\":270", "\"median_lower\":", "\"median_upper\":", "\"surv_60\":",
                                 "\"surv_60_lower\":", "\"surv_60_upper\":", "\"surv_365\":",
                                 "\"logrank\":{\"chisq\":", "\"cox\":[{\"name\":\"adjusted\"",
                                 "\"coefficients\":[{\"term\":\"sex2\"", "\"hr_lower\":", "\"robust_se\":",
                                 "\"subgroups\":[{\"name\":\"ECOG 0\"", "\"interaction_p\":0.755",
                                 "\"data_sha256\":\"", NULL};
    for (size_t k = 0; keys[k]; k++)
        if (!strstr(buf, keys[k])) fail_msg("results.json lacks %s", keys[k]);
    free(buf);
    /* the page: every figure inline */
    snprintf(p, sizeof p, "%s/index.html", dir);
    fp = fopen(p, "rb");
    buf = calloc(1, 1 << 22);
    len = fread(buf, 1, (1 << 22) - 1, fp);
    fclose(fp);
    static const char *ids[] = {"id=\"fig-flow\"", "id=\"fig-km\"", "id=\"fig-ps-overlap\"", "id=\"fig-love\"",
                                "id=\"fig-forest\"", "<svg", "Number at risk", NULL};
    for (size_t k = 0; ids[k]; k++)
        if (!strstr(buf, ids[k])) fail_msg("index.html lacks %s", ids[k]);
    assert_null(strstr(buf, "http://www.w3.org/1999/xlink\" href=\"http"));  /* no network */
    assert_null(strstr(buf, "<script"));
    free(buf);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    obs_study_result_free(&r);
    obs_study_spec_free(&s);
}

static char path[64];

static obs_status run_text(const char *text, obs_error *err)
{
    strcpy(path, "/tmp/obsurv_study_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fprintf(fp, "data: %s\n%s", LUNG, text);
    fclose(fp);
    obs_study_spec *s = NULL;
    obs_study_result *r = NULL;
    obs_status rc = obs_study_spec_load(path, &s, err);
    if (!rc) rc = obs_study_run(s, &r, err);
    obs_study_result_free(&r);
    obs_study_spec_free(&s);
    remove(path);
    return rc;
}

static void expect(const char *text, obs_status status, const char *needle)
{
    obs_error err;
    obs_status rc = run_text(text, &err);
    if (rc != status) fail_msg("status %d, want %d (%s)", rc, status, rc ? err.msg : "");
    if (!strstr(err.msg, needle)) fail_msg("\"%s\" lacks \"%s\"", err.msg, needle);
}

static void test_errors(void **state)
{
    (void)state;
    const char *head = "treatment: {column: sex, arms: [\"1\", \"2\"]}\noutcome: {time: time, event: status}\n";
    char buf[1024];
    /* line 2 is the treatment line (line 1 is data:) */
    expect("treatment: {column: sexx, arms: [\"1\", \"2\"]}\noutcome: {time: time, event: status}\n", OBS_EUSAGE,
           ":2: treatment.column: no column \"sexx\"");
    expect("treatment: {column: sex, arms: [\"1\", \"3\"]}\noutcome: {time: time, event: status}\n", OBS_EUSAGE,
           ":2: treatment.arms: \"3\" is not a value of column \"sex\" (values: 1, 2)");
    snprintf(buf, sizeof buf, "%sbaseline:\n  variables:\n    - age\n    - weight\n", head);
    expect(buf, OBS_EUSAGE, ":7: baseline.variables: no column \"weight\"");
    snprintf(buf, sizeof buf, "%scox:\n  - name: a\n    formula: Surv(time, status) ~ sex + agee\n", head);
    expect(buf, OBS_EUSAGE, ":5: cox model \"a\": no column \"agee\"");
    snprintf(buf, sizeof buf, "%ssubgroups:\n  - {name: x, where: {ph.ecog: fit}}\n", head);
    expect(buf, OBS_EUSAGE, ":5: where: column \"ph.ecog\" is numeric, \"fit\" is not a number");
    snprintf(buf, sizeof buf, "%scox:\n  - {name: m, formula: \"Surv(time, status) ~ sex\", cohort: matched}\n", head);
    expect(buf, OBS_EUSAGE, ":5: cox: cohort: matched needs propensity.match");
    snprintf(buf, sizeof buf, "%spublished:\n  - {label: x, value: \"1\", estimate: median, arm: \"7\"}\n", head);
    expect(buf, OBS_EUSAGE, ":5: published: \"7\" is not an arm");
    /* a minimal spec runs: no baseline, no propensity */
    obs_error err;
    assert_int_equal(run_text(head, &err), OBS_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lung_numbers),
        cmocka_unit_test(test_report_files),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
