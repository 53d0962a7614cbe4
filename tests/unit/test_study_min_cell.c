/*
 * test_study_min_cell.c — disclosure control of the study runner
 * (report: min_cell N, src/study_disclosure.c) on the simulated NELM
 * registry (seed 164, 753 patients) with examples/nelm/study.yaml:
 *   - no count from 1 to N-1 is left in results.json (every member named n,
 *     n_*, events, nevent, count, observed, missing or counts, at any depth,
 *     is null, zero or at least N), for N = 50, 120 and 200;
 *   - the hidden counts are named in "suppressed" lists and the CSV files
 *     and the HTML page show "<N";
 *   - the warnings quote no hidden count;
 *   - min_cell 0 leaves results.json as it was (no min_cell, no suppressed
 *     member outside Table 1).
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
#include "obsurv/simulate.h"

#define SPEC OBSURV_TEST_DIR "/../examples/nelm/study.yaml"

static char csv_path[64];

static int setup(void **state)
{
    (void)state;
    obs_nelm_options o;
    obs_nelm_options_default(&o);
    obs_nelm_patient *rows = NULL;
    size_t n = 0;
    obs_error err;
    if (obs_simulate_nelm(&o, &rows, &n, &err)) return -1;
    strcpy(csv_path, "/tmp/obsurv_nelm_XXXXXX");
    int fd = mkstemp(csv_path);
    if (fd < 0) return -1;
    FILE *fp = fdopen(fd, "w");
    obs_status rc = obs_nelm_write_file(rows, n, fp, &err);
    fclose(fp);
    free(rows);
    return rc ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    remove(csv_path);
    return 0;
}

static obs_study_result *run_nelm(long min_cell, obs_study_spec **sp)
{
    obs_study_spec *s = NULL;
    obs_study_result *r = NULL;
    obs_error err;
    if (obs_study_spec_load(SPEC, &s, &err)) fail_msg("%s", err.msg);
    free(s->data);
    s->data = strdup(csv_path);
    s->min_cell = min_cell;
    if (obs_study_run(s, &r, &err)) fail_msg("%s", err.msg);
    *sp = s;
    return r;
}

static char *json_of(const obs_study_result *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    assert_non_null(mem);
    obs_study_provenance prov = {"test", "2011-01-01T00:00:00Z", "test"};
    assert_int_equal(obs_study_write_json(r, &prov, mem), 0);
    fclose(mem);
    return buf;
}

static int count_key(const char *k, size_t n)
{
    static const char *const names[] = {"n", "events", "nevent", "count", "observed", "missing", "counts"};
    if (n > 2 && !strncmp(k, "n_", 2)) return 1;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == n && !strncmp(k, names[i], n)) return 1;
    return 0;
}

/* Every number inside the value of a count member of JSON text js that is
 * from 1 to mc - 1; returns how many (and prints the first few). */
static size_t small_counts(const char *js, long mc)
{
    size_t bad = 0;
    for (const char *p = js; *p; p++) {
        if (*p != '"') continue;
        const char *k = p + 1, *e = strchr(k, '"');
        if (!e) break;
        p = e;
        if (e[1] != ':' || !count_key(k, (size_t)(e - k))) continue;
        /* the value: a number, null, or a flat object / array of them */
        const char *v = e + 2, *end = v;
        if (*v == '{' || *v == '[') {
            char close = *v == '{' ? '}' : ']';
            end = strchr(v, close);
            if (!end) break;
        } else end = v + strcspn(v, ",}]");
        for (const char *q = v; q < end; q++) {
            if (*q == '"') {                  /* skip a key inside {...} */
                q = strchr(q + 1, '"');
                if (!q || q >= end) break;
                continue;
            }
            if ((*q >= '0' && *q <= '9') && (q == v || strchr(":[,", q[-1]))) {
                double x = strtod(q, NULL);
                if (x >= 1 && x < (double)mc) {
                    if (bad < 5) print_message("small count %.*s: %g\n", (int)(e - k), k, x);
                    bad++;
                }
            }
        }
        p = end - 1;
    }
    return bad;
}

static void check_no_small_counts(long mc)
{
    obs_study_spec *s = NULL;
    obs_study_result *r = run_nelm(mc, &s);
    char *js = json_of(r);
    assert_int_equal(small_counts(js, mc), 0);
    char key[64];
    snprintf(key, sizeof key, "\"min_cell\":%ld", mc);
    assert_non_null(strstr(js, key));
    /* no warning quotes a hidden count */
    for (size_t k = 0; k < r->warnings.n; k++) {
        const char *m = r->warnings.msg[k];
        for (const char *q = m; *q; q++)
            if (*q >= '0' && *q <= '9' && (q == m || q[-1] == ' ')) {
                char *end;
                double x = strtod(q, &end);
                if (*end == ' ' && x >= 1 && x < (double)mc) fail_msg("warning \"%s\" quotes a small count", m);
                q = end - 1;
            }
    }
    free(js);
    obs_study_result_free(&r);
    obs_study_spec_free(&s);
}

static void test_no_small_count_50(void **state) { (void)state; check_no_small_counts(50); }
static void test_no_small_count_120(void **state) { (void)state; check_no_small_counts(120); }
static void test_no_small_count_200(void **state) { (void)state; check_no_small_counts(200); }

static char *slurp(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *fp = fopen(p, "rb");
    if (!fp) fail_msg("no %s", p);
    char *buf = calloc(1, 1 << 22);
    fread(buf, 1, (1 << 22) - 1, fp);
    fclose(fp);
    return buf;
}

/* min_cell 50: what is hidden, and how each output shows it. */
static void test_outputs_show_hidden(void **state)
{
    (void)state;
    obs_study_spec *s = NULL;
    obs_study_result *r = run_nelm(50, &s);
    /* the subgroup "asymptomatic, burden > 25%" has 47 IAT and 39 surgery
     * patients; at 120 months 20 IAT patients are at risk; 6 patients lack
     * an age (753 - 747): the screen's age row hides its n as secondary */
    const obs_study_subgroup_result *g = &r->subgroups[3];
    assert_string_equal(g->name, "asymptomatic, burden > 25%");
    assert_int_equal(g->n_arm_hidden[0], OBS_STUDY_SMALL);
    assert_int_equal(g->n_arm_hidden[1], OBS_STUDY_SMALL);
    assert_int_equal(g->n_hidden, OBS_STUDY_SHOWN);
    assert_int_equal(r->hidden.at_n_risk[0][3], OBS_STUDY_SMALL);
    assert_int_equal(r->screen[1].n_hidden, OBS_STUDY_SECONDARY);
    char *js = json_of(r);
    assert_non_null(strstr(js, "\"n_IAT\":null,\"n_surgery\":null,\"suppressed\":[\"n_IAT\",\"n_surgery\"]"));
    assert_non_null(strstr(js, "\"n_risk\":null"));
    free(js);
    char dir[] = "/tmp/obsurv_mincell_XXXXXX";
    assert_non_null(mkdtemp(dir));
    obs_study_provenance prov = {"test", "2011-01-01T00:00:00Z", "test"};
    obs_error err;
    if (obs_study_report_write(r, &prov, dir, &err)) fail_msg("%s", err.msg);
    char *b = slurp(dir, "subgroups.csv");
    assert_non_null(strstr(b, "\"asymptomatic, burden > 25%\",86,68,<50,<50,"));
    free(b);
    b = slurp(dir, "survival.csv");
    assert_non_null(strstr(b, "IAT,120,<50,"));
    free(b);
    b = slurp(dir, "screen.csv");
    assert_non_null(strstr(b, "age,age,*,*,"));
    free(b);
    b = slurp(dir, "index.html");
    assert_non_null(strstr(b, "Disclosure control (min_cell 50)"));
    assert_non_null(strstr(b, "<td class=\"num\">&lt;50</td>"));
    free(b);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    obs_study_result_free(&r);
    obs_study_spec_free(&s);
}

/* min_cell 0: no disclosure members; the same counts as always. */
static void test_off_by_default(void **state)
{
    (void)state;
    obs_study_spec *s = NULL;
    obs_study_result *r = run_nelm(0, &s);
    char *js = json_of(r);
    assert_null(strstr(js, "\"min_cell\""));
    assert_non_null(strstr(js, "\"n_IAT\":47,\"n_surgery\":39,\"hr\":"));
    /* "suppressed" appears nowhere (Table 1 writes it only with min_cell) */
    assert_null(strstr(js, "\"suppressed\""));
    /* the scanner finds the small counts that min_cell 50 hides */
    assert_true(small_counts(js, 50) > 0);
    free(js);
    obs_study_result_free(&r);
    obs_study_spec_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_small_count_50),
        cmocka_unit_test(test_no_small_count_120),
        cmocka_unit_test(test_no_small_count_200),
        cmocka_unit_test(test_outputs_show_hidden),
        cmocka_unit_test(test_off_by_default),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
