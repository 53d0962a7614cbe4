/*
 * test_figures.c — the study figures build and render: KM with its risk
 * table (numbers at risk equal the estimator's), forest, overlap, love plot.
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
#include "obsurv/figures.h"

static char *svg_of(obs_plot *p)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_int_equal(obs_plot_write_svg(p, fp, NULL), OBS_OK);
    fclose(fp);
    return buf;
}

static void test_km_figure(void **state)
{
    (void)state;
    /* two arms; arm 0: times 1..6, arm 1: 2,4,...,12; censored at 3 and 8 */
    double time[12];
    int status[12], group[12];
    for (int i = 0; i < 6; i++) {
        time[i] = i + 1; status[i] = i != 2; group[i] = 0;
        time[6 + i] = 2 * (i + 1); status[6 + i] = i != 3; group[6 + i] = 1;
    }
    obs_km *km = NULL;
    assert_int_equal(obs_km_estimate(12, time, status, NULL, group, 2, NULL, &km, NULL), OBS_OK);
    const char *names[] = {"IAT", "surgery"};
    obs_plot *p = obs_figure_km(km, names, "months", 12, "Overall survival", 0);
    assert_non_null(p);
    char *svg = svg_of(p);
    assert_non_null(strstr(svg, "Number at risk"));
    assert_non_null(strstr(svg, "Time since treatment (months)"));
    assert_non_null(strstr(svg, ">surgery</text>"));
    assert_non_null(strstr(svg, "<polyline"));
    /* at t = 0 both arms have 6 at risk; at t = 4 arm 0 has 3 (4, 5, 6) */
    assert_non_null(strstr(svg, ">6</text>"));
    assert_non_null(strstr(svg, ">3</text>"));
    free(svg);
    obs_plot_free(&p);
    /* disclosure control: numbers at risk from 1 to 4 shown as "<5" */
    p = obs_figure_km(km, names, "months", 12, NULL, 5);
    svg = svg_of(p);
    assert_non_null(strstr(svg, ">&lt;5</text>"));
    assert_null(strstr(svg, ">3</text>"));
    assert_non_null(strstr(svg, ">6</text>"));
    free(svg);
    obs_plot_free(&p);
    obs_km_free(&km);
}

static void test_other_figures(void **state)
{
    (void)state;
    obs_forest_row rows[] = {{"All", 0.5, 0.3, 0.8, 0.004, 100, 0},
                             {"Symptoms", NAN, NAN, NAN, NAN, -1, 1},
                             {"yes", 0.4, 0.2, 0.7, 0.0001, 60, 0}};
    obs_plot *f = obs_figure_forest(rows, 3, NULL, "Subgroups");
    char *svg = svg_of(f);
    assert_non_null(strstr(svg, "0.50 (0.30-0.80)"));
    assert_non_null(strstr(svg, "&lt;0.001"));
    free(svg);
    obs_plot_free(&f);

    double ps[6] = {0.1, 0.2, 0.5, 0.6, 0.9, NAN};
    int treat[6] = {0, 0, 1, 0, 1, 1};
    const char *arms[2] = {"IAT", "surgery"};
    obs_plot *o = obs_figure_ps_overlap(ps, treat, 6, arms, NULL);
    svg = svg_of(o);
    assert_non_null(strstr(svg, "Propensity score"));
    free(svg);
    obs_plot_free(&o);

    const char *terms[] = {"age", "sexm"};
    double before[] = {0.3, -0.2}, after[] = {0.01, 0.02};
    obs_plot *l = obs_figure_love(terms, before, after, 2, "matched", NULL);
    svg = svg_of(l);
    assert_non_null(strstr(svg, ">sexm</text>"));
    assert_non_null(strstr(svg, "<circle"));
    free(svg);
    obs_plot_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_km_figure),
        cmocka_unit_test(test_other_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
