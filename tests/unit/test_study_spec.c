/*
 * test_study_spec.c — the YAML study specification: a full spec, defaults,
 * and errors that name the line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "obsurv/study.h"

static char path[64];

static const char *write_spec(const char *text)
{
    strcpy(path, "/tmp/obsurv_spec_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs(text, fp);
    fclose(fp);
    return path;
}

static void test_full(void **state)
{
    (void)state;
    const char *p = write_spec(
        "title: NELM\n"
        "data: nelm.csv\n"
        "id: id\n"
        "center: center\n"
        "treatment: {column: treatment, arms: [IAT, surgery]}\n"
        "outcome: {time: time, event: status, unit: months}\n"
        "baseline:\n"
        "  variables: [age, sex, hormonal]\n"
        "  nonnormal: [age]\n"
        "propensity:\n"
        "  formula: ~ age + sex + hormonal\n"
        "  match: {method: nearest, ratio: 2, caliper: 0.2, distance: logit}\n"
        "survival: {times: [12, 36, 60], at: 60}\n"
        "cox:\n"
        "  - name: adjusted\n"
        "    formula: Surv(time, status) ~ treatment + ps\n"
        "  - name: matched\n"
        "    formula: Surv(time, status) ~ treatment + cluster(subclass)\n"
        "    cohort: matched\n"
        "subgroups:\n"
        "  - name: asymptomatic\n"
        "    where: {symptomatic: \"no\"}\n"
        "interaction: [symptomatic]\n"
        "report: {min_cell: 5}\n"
        "seed: 7\n");
    obs_study_spec *s = NULL;
    obs_error err;
    assert_int_equal(obs_study_spec_load(p, &s, &err), OBS_OK);
    assert_string_equal(s->title, "NELM");
    assert_string_equal(s->data, "/tmp/nelm.csv");              /* relative to the spec */
    assert_string_equal(s->arms[0], "IAT");
    assert_string_equal(s->arms[1], "surgery");
    assert_int_equal(s->nbaseline, 3);
    assert_int_equal(s->match_ratio, 2);
    assert_true(s->match_caliper == 0.2);
    assert_int_equal(s->ntimes, 3);
    assert_int_equal(s->ncox, 2);
    assert_int_equal(s->cox[1].matched, 1);
    assert_int_equal(s->cox[1].line, 17);
    assert_int_equal(s->nsubgroups, 1);
    assert_string_equal(s->subgroups[0].where[0].value, "no");
    assert_int_equal(s->min_cell, 5);
    assert_int_equal(s->seed, 7);
    obs_study_spec_free(&s);
    assert_null(s);
    remove(p);
}

static void test_defaults(void **state)
{
    (void)state;
    const char *p = write_spec("data: /x.csv\ntreatment: {column: t, arms: [a, b]}\n"
                               "outcome: {time: time, event: status}\n");
    obs_study_spec *s = NULL;
    assert_int_equal(obs_study_spec_load(p, &s, NULL), OBS_OK);
    assert_string_equal(s->data, "/x.csv");
    assert_int_equal(s->match_ratio, 1);
    assert_true(isnan(s->match_caliper));
    assert_true(s->surv_at == 60);
    assert_true(s->conf_level == 0.95);
    obs_study_spec_free(&s);
    remove(p);
}

static void expect_error(const char *text, const char *needle)
{
    const char *p = write_spec(text);
    obs_study_spec *s = NULL;
    obs_error err;
    assert_int_equal(obs_study_spec_load(p, &s, &err), OBS_EUSAGE);
    assert_null(s);
    if (!strstr(err.msg, needle)) fail_msg("\"%s\" lacks \"%s\"", err.msg, needle);
    remove(p);
}

static void test_errors(void **state)
{
    (void)state;
    const char *head = "data: x.csv\ntreatment: {column: t, arms: [a, b]}\noutcome: {time: time, event: status}\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%scolour: blue\n", head);
    expect_error(buf, ":4: unknown key \"colour\"");
    snprintf(buf, sizeof buf, "%ssurvival: {times: [12, abc]}\n", head);
    expect_error(buf, ":4: survival.times: expected a number");
    snprintf(buf, sizeof buf, "%scox:\n  - name: a\n    formulae: x\n", head);
    expect_error(buf, ":6: cox: unknown key \"formulae\"");
    expect_error("data: x.csv\ntreatment: {column: t, arms: [a, b, c]}\n", ":2: treatment.arms: expected two arms");
    expect_error("data: x.csv\ntreatment: [unclosed\n", "malformed YAML");
    expect_error("title: x\n", "missing key \"data\"");
    snprintf(buf, sizeof buf, "%spropensity: {formula: ~ a, match: {method: greedy}}\n", head);
    expect_error(buf, ":4: match.method: \"greedy\" is not nearest, optimal or none");
    obs_study_spec *s = NULL;
    obs_error err;
    assert_int_equal(obs_study_spec_load("/nonexistent/spec.yaml", &s, &err), OBS_EIO);
}

static void test_extensions(void **state)
{
    (void)state;
    const char *p = write_spec(
        "data: /x.csv\n"
        "treatment: {column: t, arms: [a, b]}\n"
        "outcome: {time: time, event: status}\n"
        "propensity: {formula: ~ x, match: {rule: exact}}\n"
        "survival: {xmax: 240}\n"
        "cox:\n"
        "  - {name: sub, formula: \"Surv(time, status) ~ x\", where: {t: b}}\n"
        "subgroup_formula: Surv(time, status) ~ t + ps\n"
        "published:\n"
        "  - {label: median, value: \"123\", estimate: median, arm: b}\n"
        "  - {label: hr, value: \"2.6\", estimate: hr, model: sub, term: x, invert: true}\n");
    obs_study_spec *s = NULL;
    obs_error err;
    if (obs_study_spec_load(p, &s, &err)) fail_msg("%s", err.msg);
    assert_string_equal(s->match_rule, "exact");
    assert_true(s->km_xmax == 240);
    assert_int_equal(s->cox[0].nwhere, 1);
    assert_string_equal(s->cox[0].where[0].value, "b");
    assert_int_equal(s->cox[0].where[0].line, 7);
    assert_string_equal(s->subgroup_formula, "Surv(time, status) ~ t + ps");
    assert_int_equal(s->subgroup_formula_line, 8);
    assert_int_equal(s->npublished, 2);
    assert_int_equal(s->published[1].invert, 1);
    assert_int_equal(s->published[1].line, 11);
    assert_int_equal(s->treatment_line, 2);
    assert_int_equal(s->time_line, 3);
    assert_int_equal(s->ps_line, 4);
    obs_study_spec_free(&s);
    remove(p);
    const char *head = "data: x.csv\ntreatment: {column: t, arms: [a, b]}\noutcome: {time: time, event: status}\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%spublished:\n  - {label: x, value: \"1\", estimate: mean}\n", head);
    expect_error(buf, ":5: published.estimate: \"mean\" is not");
    snprintf(buf, sizeof buf, "%spublished:\n  - {label: x, estimate: n}\n", head);
    expect_error(buf, ":5: published: an item needs");
    snprintf(buf, sizeof buf, "%spropensity: {formula: ~ a, match: {rule: loose}}\n", head);
    expect_error(buf, ":4: match.rule: \"loose\" is not matchit or exact");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_extensions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
