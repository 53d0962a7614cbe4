/*
 * test_fuzz_regressions.c — replay every input in tests/fuzz/regressions/
 * through the fuzz target it was found with (the file name's prefix: csv-,
 * formula-, frame-, study_spec-).  The targets themselves are compiled in
 * here (tests/fuzz/fuzz_*.c), so the same invariants are checked: a status
 * and a result or nothing, a message on error, the frame's row accounting;
 * a violated invariant traps.  Under the sanitizer build (OBSURV_SANITIZE)
 * this also catches the memory errors and leaks the fuzzer found.  A replay
 * must also be quick: the formula-star-chain input once took exponential
 * time (2^25 terms), so each replay must finish within 2 seconds.
 *
 * Then the specific findings, checked by their messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#define LLVMFuzzerTestOneInput fuzz_csv_one
#include "../fuzz/fuzz_csv.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_formula_one
#include "../fuzz/fuzz_formula.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_frame_one
#include "../fuzz/fuzz_frame.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_study_spec_one
#include "../fuzz/fuzz_study_spec.c"
#undef LLVMFuzzerTestOneInput

#include "obsurv/study.h"

typedef int (*target_fn)(const uint8_t *, size_t);

static const struct {
    const char *prefix;
    target_fn fn;
} targets[] = {{"csv-", fuzz_csv_one},
               {"formula-", fuzz_formula_one},
               {"frame-", fuzz_frame_one},
               {"study_spec-", fuzz_study_spec_one}};

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    size_t cap = 4096, len = 0;
    uint8_t *b = malloc(cap);
    size_t k;
    while (b && (k = fread(b + len, 1, cap - len, fp)) > 0) {
        len += k;
        if (len == cap) {
            uint8_t *nb = realloc(b, cap *= 2);
            if (!nb) { free(b); b = NULL; }
            else b = nb;
        }
    }
    fclose(fp);
    *n = len;
    return b;
}

static void test_replay_all(void **state)
{
    (void)state;
    const char *dir = OBSURV_TEST_DIR "/fuzz/regressions";
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    size_t replayed = 0;
    while ((e = readdir(d)) != NULL) {
        for (size_t k = 0; k < sizeof targets / sizeof targets[0]; k++) {
            if (strncmp(e->d_name, targets[k].prefix, strlen(targets[k].prefix)) != 0) continue;
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            size_t n = 0;
            uint8_t *data = slurp(path, &n);
            if (!data) fail_msg("cannot read %s", path);
            clock_t t0 = clock();
            targets[k].fn(data, n);
            double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
            if (secs > 2.0) fail_msg("%s took %.1f s", e->d_name, secs);
            free(data);
            replayed++;
        }
    }
    closedir(d);
    assert_true(replayed >= 5);
}

/* formula-star-chain-timeout: a*b*c*... over 25 names expanded to 2^25 - 1
 * terms (minutes, gigabytes); now refused at 1024 terms.  Deep nesting
 * recursed once per parenthesis; now refused beyond 200. */
static void test_formula_caps(void **state)
{
    (void)state;
    obs_formula *f = NULL;
    obs_error err;
    char text[4096];
    strcpy(text, "y ~ a1");
    for (int k = 2; k <= 30; k++) snprintf(text + strlen(text), sizeof text - strlen(text), "*a%d", k);
    assert_int_equal(obs_formula_parse(text, &f, &err), OBS_EUSAGE);
    assert_non_null(strstr(err.msg, "too many terms"));
    /* ten variables fully crossed (1023 terms) still parse */
    strcpy(text, "y ~ a1");
    for (int k = 2; k <= 10; k++) snprintf(text + strlen(text), sizeof text - strlen(text), "*a%d", k);
    assert_int_equal(obs_formula_parse(text, &f, &err), OBS_OK);
    assert_int_equal(f->nterms, 1023);
    obs_formula_free(&f);
    strcpy(text, "y ~ ");
    for (int k = 0; k < 300; k++) strcat(text, "(");
    strcat(text, "a");
    for (int k = 0; k < 300; k++) strcat(text, ")");
    assert_int_equal(obs_formula_parse(text, &f, &err), OBS_EUSAGE);
    assert_non_null(strstr(err.msg, "nested too deeply"));
    /* 100 levels are fine */
    strcpy(text, "y ~ ");
    for (int k = 0; k < 100; k++) strcat(text, "(");
    strcat(text, "a");
    for (int k = 0; k < 100; k++) strcat(text, ")");
    assert_int_equal(obs_formula_parse(text, &f, &err), OBS_OK);
    obs_formula_free(&f);
}

/* Load YAML text through a temporary file. */
static obs_status load_spec(const char *yaml, obs_study_spec **s, obs_error *err)
{
    char path[] = "/tmp/obsurv-fuzzreg-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
    close(fd);
    obs_status st = obs_study_spec_load(path, s, err);
    unlink(path);
    return st;
}

/* study_spec-duplicate-key-leak: a key given twice replaced (and leaked) the
 * first value; now an error naming the line.  study_spec-huge-numbers:
 * 1e300 was converted to int/long (undefined behaviour). */
static void test_study_spec_findings(void **state)
{
    (void)state;
    obs_study_spec *s = NULL;
    obs_error err;
    const char *head = "data: x.csv\ntreatment: {column: t, arms: [a, b]}\n"
                       "outcome: {time: time, event: status}\n";
    char buf[1024];
    snprintf(buf, sizeof buf, "%sbaseline:\n  variables: [a]\n  variables: [b]\n", head);
    assert_int_equal(load_spec(buf, &s, &err), OBS_EUSAGE);
    assert_non_null(strstr(err.msg, ":6: duplicate key \"variables\""));
    snprintf(buf, sizeof buf, "%sdata: y.csv\n", head);
    assert_int_equal(load_spec(buf, &s, &err), OBS_EUSAGE);
    assert_non_null(strstr(err.msg, ":4: duplicate key \"data\""));
    snprintf(buf, sizeof buf, "%sreport: {min_cell: 1e300}\n", head);
    assert_int_equal(load_spec(buf, &s, &err), OBS_EUSAGE);
    assert_non_null(strstr(err.msg, "report.min_cell"));
    snprintf(buf, sizeof buf, "%sseed: 1e300\n", head);
    assert_int_equal(load_spec(buf, &s, &err), OBS_EUSAGE);
    assert_non_null(strstr(err.msg, "seed"));
    snprintf(buf, sizeof buf, "%sreport: {min_cell: 5}\nseed: 42\n", head);
    assert_int_equal(load_spec(buf, &s, &err), OBS_OK);
    assert_int_equal(s->min_cell, 5);
    assert_int_equal(s->seed, 42);
    obs_study_spec_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_all),
        cmocka_unit_test(test_formula_caps),
        cmocka_unit_test(test_study_spec_findings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
