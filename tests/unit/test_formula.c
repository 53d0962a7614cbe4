/*
 * test_formula.c — the formula parser against R's terms.formula.
 *
 * Expected term labels were produced with R 4.2.2:
 *   attr(terms(FORMULA), "term.labels")
 * e.g. terms(~ c:b + a)  -> "a" "b:c"; terms(~ (a+b):(c+d)) -> "a:c" "a:d" "b:c" "b:d";
 * terms(y ~ (a + b)*c) -> "a" "b" "c" "a:c" "b:c".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "obsurv/formula.h"

/* Parse text and check the ordinary term labels (NULL-terminated list). */
static void check_labels(const char *text, const char *const *want)
{
    obs_formula *f = NULL;
    obs_error err;
    obs_error_clear(&err);
    obs_status rc = obs_formula_parse(text, &f, &err);
    if (rc != OBS_OK) fail_msg("%s: %s", text, err.msg);
    size_t n = 0;
    while (want[n]) n++;
    if (f->nterms != n) {
        for (size_t i = 0; i < f->nterms; i++) print_message("  got %s\n", f->terms[i].label);
        fail_msg("%s: %zu terms, want %zu", text, f->nterms, n);
    }
    for (size_t i = 0; i < n; i++) assert_string_equal(f->terms[i].label, want[i]);
    obs_formula_free(&f);
    assert_null(f);
}

#define LABELS(text, ...) do { \
        static const char *const w_[] = {__VA_ARGS__, NULL}; \
        check_labels(text, w_); \
    } while (0)

static void expect_error(const char *text, const char *fragment)
{
    obs_formula *f = (obs_formula *)0x1;
    obs_error err;
    obs_error_clear(&err);
    obs_status rc = obs_formula_parse(text, &f, &err);
    if (rc != OBS_EUSAGE) fail_msg("%s: status %d, want OBS_EUSAGE", text, (int)rc);
    assert_null(f);
    if (!strstr(err.msg, fragment)) fail_msg("%s: message \"%s\" lacks \"%s\"", text, err.msg, fragment);
}

static void test_ordering_as_r(void **state)
{
    (void)state;
    LABELS("y ~ a*b + c", "a", "b", "c", "a:b");
    LABELS("y ~ a:b + b:a + c + a", "c", "a", "a:b");
    LABELS("y ~ b:a + a + b", "a", "b", "b:a");
    LABELS("y ~ a:b:c + a + c:b", "a", "b:c", "a:b:c");
    LABELS("~ (a+b):(c+d)", "a:c", "a:d", "b:c", "b:d");
    LABELS("~ a*b:c", "a", "b:c", "a:b:c");
    LABELS("~ a:b*c", "c", "a:b", "a:b:c");
    LABELS("~ a*b*c", "a", "b", "c", "a:b", "a:c", "b:c", "a:b:c");
    LABELS("~ 1 + a", "a");
    LABELS("y ~ a + a", "a");
}

static void test_deparse(void **state)
{
    (void)state;
    LABELS("y ~ `my var` + log( x ) + factor(z)", "`my var`", "log(x)", "factor(z)");
    LABELS("~ `TRUE` + `a b` + .x + `age`", "`TRUE`", "`a b`", ".x", "age");
    LABELS("Surv(time,status)~age*factor(ph.ecog)",
           "age", "factor(ph.ecog)", "age:factor(ph.ecog)");
    LABELS(" \t y\n~\tsex : age ", "sex:age");
    LABELS("Surv (time,status) ~ log ( x ) + factor( `a b` )", "log(x)", "factor(`a b`)");
    LABELS("y ~ a + b:a", "a", "a:b");
    LABELS("y ~ (a + b)*c", "a", "b", "c", "a:c", "b:c");
}

static void test_response_and_specials(void **state)
{
    (void)state;
    obs_formula *f = NULL;
    obs_error err;
    assert_int_equal(obs_formula_parse(
        "Surv(start, stop, event) ~ age + strata(sex, inst) + cluster(id) + offset(lo) + x",
        &f, &err), OBS_OK);
    assert_int_equal(f->response, OBS_RESP_SURV_COUNTING);
    assert_int_equal(f->nresponse, 3);
    assert_string_equal(f->response_columns[0], "start");
    assert_string_equal(f->response_columns[2], "event");
    assert_int_equal(f->nterms, 2);
    assert_string_equal(f->terms[0].label, "age");
    assert_string_equal(f->terms[1].label, "x");
    assert_int_equal(f->nspecials, 3);
    assert_int_equal(f->specials[0].kind, OBS_VAR_STRATA);
    assert_string_equal(f->specials[0].text, "strata(sex, inst)");
    assert_int_equal(f->specials[0].ncolumns, 2);
    assert_string_equal(f->specials[0].columns[1], "inst");
    assert_int_equal(f->specials[1].kind, OBS_VAR_CLUSTER);
    assert_string_equal(f->specials[1].text, "cluster(id)");
    assert_int_equal(f->specials[2].kind, OBS_VAR_OFFSET);
    assert_string_equal(f->specials[2].columns[0], "lo");
    obs_formula_free(&f);

    assert_int_equal(obs_formula_parse("Surv(`t 1`, d) ~ 1", &f, &err), OBS_OK);
    assert_int_equal(f->response, OBS_RESP_SURV);
    assert_string_equal(f->response_columns[0], "t 1");
    assert_int_equal(f->nterms, 0);
    assert_int_equal(f->nspecials, 0);
    obs_formula_free(&f);

    assert_int_equal(obs_formula_parse("treat ~ age + log(re74)", &f, &err), OBS_OK);
    assert_int_equal(f->response, OBS_RESP_COLUMN);
    assert_string_equal(f->response_columns[0], "treat");
    assert_int_equal(f->terms[1].vars[0].kind, OBS_VAR_LOG);
    assert_string_equal(f->terms[1].vars[0].columns[0], "re74");
    obs_formula_free(&f);

    assert_int_equal(obs_formula_parse("~ factor(grade):sex", &f, &err), OBS_OK);
    assert_int_equal(f->response, OBS_RESP_NONE);
    assert_int_equal(f->terms[0].nvars, 2);
    assert_int_equal(f->terms[0].vars[0].kind, OBS_VAR_FACTOR);
    assert_int_equal(f->terms[0].vars[1].kind, OBS_VAR_COLUMN);
    obs_formula_free(&f);
    obs_formula_free(&f);   /* NULL-safe */
    obs_formula_free(NULL);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("", "empty formula");
    expect_error("   ", "empty formula");
    expect_error("Surv(time, status) age", "missing \"~\"");
    expect_error("Surv(time, status ~ age", "unbalanced parenthesis at column 5");
    expect_error("y ~ log(age))", "unbalanced parenthesis at column 13");
    expect_error("y ~ (a + b", "unbalanced parenthesis at column 5");
    expect_error("y ~ age +", "unexpected end of formula");
    expect_error("y ~ + age", "unexpected \"+\" (expected a term) at column 5");
    expect_error("y ~ age * * sex", "unexpected \"*\"");
    expect_error("y ~", "nothing on the right");
    expect_error("y ~ sqrt(x)", "function sqrt() is not supported at column 5");
    expect_error("Surv(time) ~ x", "Surv() takes (time, event) or (start, stop, event), got 1 argument");
    expect_error("Surv(a, b, c, d) ~ x", "got 4 arguments");
    expect_error("Surv(time, status) ~ age:strata(sex)", "strata(sex) cannot be part of an interaction at column 26");
    expect_error("Surv(time, status) ~ age*cluster(id)", "cluster(id) cannot be part of an interaction");
    expect_error("y ~ a ~ b", "a second \"~\" at column 7");
    expect_error("y ~ x - 1", "operator \"-\" is not supported at column 7");
    expect_error("y ~ 0 + x", "removing the intercept");
    expect_error("y ~ (a+b)^2", "operator \"^\" is not supported");
    expect_error("y ~ factor(a, b)", "factor() takes one column, got 2");
    expect_error("y ~ log(log(x))", "only column names are supported as function arguments");
    expect_error("y ~ `age", "unclosed back quote");
    expect_error("y ~ a + Surv(t, d)", "Surv() belongs on the left");
    expect_error("sqrt(y) ~ a", "response function sqrt() is not supported");
    expect_error("y ~ strata()", "strata() takes at least one column, got 0");
    expect_error("y ~ _x", "unexpected \"_\"");
}

/* Robustness: random token soups and mutations of valid formulas either
 * parse or fail with OBS_EUSAGE and a message; never crash (run under
 * -DOBSURV_SANITIZE=ON to catch memory errors).  Deterministic LCG. */
static void test_random_input(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "Surv(", "time", ",", "status", ")", "~", "+", "*", ":", "(", ")", "age",
        "factor(", "log(", "strata(", "cluster(", "offset(", "`x y`", "1", "0", " ",
        "-", "sqrt(", "`", "_", ".5", "a.b", "\t", "^", ",,"};
    static const char *const seeds[] = {
        "Surv(time, status) ~ age*factor(sex) + strata(inst) + cluster(id)",
        "y ~ (a + b):c + log(x) + offset(o)", "Surv(a, b, c) ~ 1"};
    const size_t npieces = sizeof pieces / sizeof pieces[0];
    uint64_t s = 88172645463325252ULL;
    char buf[512];
    for (int iter = 0; iter < 20000; iter++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        if (iter % 2) {
            size_t len = 0, k = 1 + s % 12;
            buf[0] = '\0';
            for (size_t j = 0; j < k; j++) {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                const char *p = pieces[s % npieces];
                if (len + strlen(p) + 1 >= sizeof buf) break;
                memcpy(buf + len, p, strlen(p) + 1);
                len += strlen(p);
            }
        } else {
            const char *seed = seeds[s % 3];
            size_t len = strlen(seed);
            memcpy(buf, seed, len + 1);
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            size_t at = s % len;
            if (s & 1) memmove(buf + at, buf + at + 1, len - at);  /* delete a byte */
            else buf[at] = "()~+*:,` 1"[(s >> 8) % 10];               /* replace one */
        }
        obs_formula *f = NULL;
        obs_error err;
        obs_error_clear(&err);
        obs_status rc = obs_formula_parse(buf, &f, &err);
        if (rc == OBS_OK) {
            assert_non_null(f);
            for (size_t i = 0; i < f->nterms; i++) assert_non_null(f->terms[i].label);
            obs_formula_free(&f);
        } else {
            if (rc != OBS_EUSAGE) fail_msg("\"%s\": status %d", buf, (int)rc);
            assert_null(f);
            assert_true(strncmp(err.msg, "formula: ", 9) == 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ordering_as_r),
        cmocka_unit_test(test_deparse),
        cmocka_unit_test(test_response_and_specials),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_random_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
