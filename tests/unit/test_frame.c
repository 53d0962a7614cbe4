/*
 * test_frame.c — the model frame: hand-worked cases, then R references.
 *
 * Layers:
 *   1. hand cases on small CSV texts (event coding, missing rows, coding of
 *      factors in interactions, errors naming file:line / term);
 *   2. the .tsv files in tests/golden/frame/ written by tests/r/frame.R (R 4.2.2,
 *      survival 3.5-3): colnames(model.matrix(fit)), the rows used, the
 *      design values, survfit/survdiff group names, coxph strata names;
 *   3. numbers.tsv: factor level names (R's as.character of a double).
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

#include "obsurv/csv.h"
#include "obsurv/formula.h"
#include "obsurv/frame.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static obs_table *csv(const char *text)
{
    obs_table *t = NULL;
    obs_error err;
    obs_error_clear(&err);
    if (obs_csv_read_buffer(text, strlen(text), "d.csv", &t, &err) != OBS_OK)
        fail_msg("csv: %s", err.msg);
    return t;
}

static const obs_frame_spec COX = {OBS_FRAME_DESIGN, 0, OBS_FRAME_NEED_SURV, NULL, NULL, 0, 0};
static const obs_frame_spec GLM = {OBS_FRAME_DESIGN, 1, OBS_FRAME_NEED_BINARY, NULL, NULL, 0, 0};
static const obs_frame_spec KM = {OBS_FRAME_GROUPS, 0, OBS_FRAME_NEED_SURV, NULL, NULL, 0, 0};

/* Build a frame from CSV text; fails the test on error. */
static obs_frame *frame(const char *text, const char *formula, const obs_frame_spec *spec)
{
    obs_table *t = csv(text);
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_error err;
    obs_error_clear(&err);
    if (obs_formula_parse(formula, &f, &err) != OBS_OK) fail_msg("%s", err.msg);
    if (obs_frame_build(t, f, spec, &fr, &err) != OBS_OK) fail_msg("%s: %s", formula, err.msg);
    obs_formula_free(&f);
    obs_table_free(&t);
    return fr;
}

/* Expect obs_frame_build to fail with status st and a message containing frag. */
static void frame_error(const char *text, const char *formula, const obs_frame_spec *spec,
                        obs_status st, const char *frag)
{
    obs_table *t = csv(text);
    obs_formula *f = NULL;
    obs_frame *fr = (obs_frame *)0x1;
    obs_error err;
    obs_error_clear(&err);
    if (obs_formula_parse(formula, &f, &err) != OBS_OK) fail_msg("%s", err.msg);
    obs_status rc = obs_frame_build(t, f, spec, &fr, &err);
    if (rc != st) fail_msg("%s: status %d (%s), want %d", formula, (int)rc, err.msg, (int)st);
    assert_null(fr);
    if (!strstr(err.msg, frag)) fail_msg("%s: message \"%s\" lacks \"%s\"", formula, err.msg, frag);
    obs_formula_free(&f);
    obs_table_free(&t);
}

static void names_are(char **got, size_t n, const char *const *want)
{
    size_t m = 0;
    while (want[m]) m++;
    if (n != m) {
        for (size_t i = 0; i < n; i++) print_message("  got \"%s\"\n", got[i]);
        fail_msg("%zu names, want %zu", n, m);
    }
    for (size_t i = 0; i < n; i++) assert_string_equal(got[i], want[i]);
}
#define NAMES(got, n, ...) do { \
        static const char *const w_[] = {__VA_ARGS__, NULL}; names_are(got, n, w_); \
    } while (0)

/* ------------------------------------------------------------------ */
/* 1. hand-worked cases                                                */

/* Surv event coding (survival::Surv): max 2 -> 1/2 coding; else 0/1;
 * TRUE/FALSE text -> logical; all 1 -> all events. */
static void test_event_coding(void **state)
{
    (void)state;
    obs_frame *fr = frame("t,d\n1,1\n2,2\n3,1\n", "Surv(t, d) ~ 1", &KM);
    assert_int_equal(fr->n, 3);
    assert_int_equal(fr->status[0], 0);
    assert_int_equal(fr->status[1], 1);
    assert_int_equal(fr->status[2], 0);
    assert_null(fr->start);
    assert_int_equal(fr->ngroups, 1);
    assert_string_equal(fr->group_names[0], "all");
    obs_frame_free(&fr);
    assert_null(fr);

    fr = frame("t,d\n1,1\n2,0\n3,1\n", "Surv(t, d) ~ 1", &KM);
    assert_int_equal(fr->status[0], 1);
    assert_int_equal(fr->status[1], 0);
    obs_frame_free(&fr);

    fr = frame("t,d\n1,1\n2,1\n", "Surv(t, d) ~ 1", &KM);       /* all 1: all events */
    assert_int_equal(fr->status[0] + fr->status[1], 2);
    obs_frame_free(&fr);

    fr = frame("t,d\n1,TRUE\n2,FALSE\n3,T\n", "Surv(t, d) ~ 1", &KM);
    assert_int_equal(fr->status[0], 1);
    assert_int_equal(fr->status[1], 0);
    assert_int_equal(fr->status[2], 1);
    obs_frame_free(&fr);

    /* negative or infinite times: R's Surv and survfit accept them and
     * report S(t) at t = -1 or a median of Inf; obsurv names the row
     * (issue 8, tests/cli/catalogue.t).  A counting-process start may be
     * negative. */
    frame_error("t,d\n-1,1\n2,0\n", "Surv(t, d) ~ 1", &KM, OBS_EDATA,
                "d.csv:2: column \"t\": survival time must be a finite number >= 0, got -1");
    frame_error("t,d\n1,1\n1e999,0\n", "Surv(t, d) ~ 1", &KM, OBS_EDATA,
                "d.csv:3: column \"t\": survival time must be a finite number >= 0, got Inf");
    frame_error("a,t,d\n-Inf,1,1\n", "Surv(a, t, d) ~ 1", &KM, OBS_EDATA,
                "d.csv:2: column \"a\": start time must be a finite number, got -Inf");
    fr = frame("a,t,d\n-2,-1,1\n0,2,0\n", "Surv(a, t, d) ~ 1", &KM);
    assert_true(fr->start[0] == -2.0 && fr->time[0] == -1.0);
    obs_frame_free(&fr);

    frame_error("t,d\n1,1\n2,3\n", "Surv(t, d) ~ 1", &KM, OBS_EDATA,
                "d.csv:3: column \"d\": event must be 0/1, 1/2 or TRUE/FALSE, got 3");
    /* 1/2 coding decided on the whole column: a 0 is then invalid */
    frame_error("t,d\n1,1\n2,2\n5,0\n", "Surv(t, d) ~ 1", &KM, OBS_EDATA,
                "d.csv:4: column \"d\": event must be 0/1, 1/2 or TRUE/FALSE, got 0");
    frame_error("t,d\n1,dead\n2,alive\n", "Surv(t, d) ~ 1", &KM, OBS_EDATA,
                "d.csv:2: column \"d\": event must be 0/1, 1/2 or TRUE/FALSE, got \"dead\"");
    frame_error("t,d\n1,0.5\n", "Surv(t, d) ~ 1", &KM, OBS_EDATA, "got 0.5");
    frame_error("t,d\na,1\n", "Surv(t, d) ~ 1", &KM, OBS_EUSAGE, "not numeric");
}

static void test_counting_and_binary(void **state)
{
    (void)state;
    obs_frame *fr = frame("a,b,d,x\n0,1,1,5\n1,3,0,6\n", "Surv(a, b, d) ~ x", &COX);
    assert_int_equal(fr->response, OBS_RESP_SURV_COUNTING);
    assert_true(fr->start[1] == 1.0 && fr->time[1] == 3.0 && fr->status[1] == 0);
    obs_frame_free(&fr);
    frame_error("a,b,d,x\n0,1,1,5\n\n3,3,0,6\n", "Surv(a, b, d) ~ x", &COX, OBS_EDATA,
                "stop time must be after start time (a = 3, b = 3)");

    /* y mixes numbers and TRUE: a text column, whose values must be TRUE/FALSE */
    frame_error("y,x\n0,1\n1,2\nTRUE,3\n", "y ~ x", &GLM, OBS_EDATA, "got \"0\"");
    fr = frame("y,x\n0,1\n1,2\n1,3\n", "y ~ x", &GLM);
    assert_non_null(fr->y);
    assert_true(fr->y[0] == 0 && fr->y[2] == 1);
    assert_int_equal(fr->p, 2);
    NAMES(fr->colnames, fr->p, "(Intercept)", "x");
    assert_int_equal(fr->assign[0], -1);
    assert_int_equal(fr->assign[1], 0);
    obs_frame_free(&fr);
    /* the check is on the rows used: a 2 in a dropped row is fine (as glm) */
    fr = frame("y,x\n0,1\n1,2\n2,\n", "y ~ x", &GLM);
    assert_int_equal(fr->n, 2);
    obs_frame_free(&fr);
    frame_error("y,x\n0,1\n1,2\n2,3\n", "y ~ x", &GLM, OBS_EDATA,
                "d.csv:4: column \"y\": response must be 0/1 or TRUE/FALSE, got 2");
    frame_error("y,x\n0,1\n", "Surv(y, x) ~ 1", &GLM, OBS_EUSAGE, "must be a 0/1 column");
    frame_error("y,x\n0,1\n", "y ~ x", &COX, OBS_EUSAGE, "must be Surv(time, event)");
}

/* Missing values: each dropped row is counted against its first missing
 * variable (response, term variables, strata, cluster, offset, weights,
 * extra). */
static void test_missing(void **state)
{
    (void)state;
    const char *d = "t,d,a,b,s,w,e\n"
                    "1,1,,,1,1,1\n"     /* a missing (and b) -> a */
                    "2,,1,,1,1,1\n"     /* d missing -> d */
                    "3,1,1,,1,1,1\n"    /* b -> b */
                    "4,0,1,2,,1,1\n"    /* s -> s */
                    "5,1,1,2,1,,1\n"    /* w -> w */
                    "6,1,1,2,1,1,\n"    /* e -> e */
                    "7,1,1,2,1,1,1\n"
                    "8,0,2,3,2,2,1\n";
    static const char *const extra[] = {"e", NULL};
    obs_frame_spec spec = {OBS_FRAME_DESIGN, 0, OBS_FRAME_NEED_SURV, "w", extra, 0, 0};
    obs_frame *fr = frame(d, "Surv(t, d) ~ a + b + strata(s)", &spec);
    assert_int_equal(fr->n_read, 8);
    assert_int_equal(fr->n, 2);
    assert_int_equal(fr->n_dropped, 6);
    assert_int_equal(fr->nexclusions, 6);
    static const char *const var[] = {"d", "a", "b", "s", "w", "e"};
    size_t total = 0;
    for (size_t k = 0; k < 6; k++) {
        assert_string_equal(fr->exclusions[k].variable, var[k]);
        assert_string_equal(fr->exclusions[k].reason, "missing value");
        assert_int_equal(fr->exclusions[k].count, 1);
        total += fr->exclusions[k].count;
    }
    assert_int_equal(fr->n + total, fr->n_read);
    assert_int_equal(fr->row[0], 6);
    assert_int_equal(fr->row[1], 7);
    assert_true(fr->weights[0] == 1 && fr->weights[1] == 2);
    assert_int_equal(fr->nstrata, 2);
    NAMES(fr->strata_names, fr->nstrata, "s=1", "s=2");
    obs_frame_free(&fr);

    frame_error("t,d,a\n1,1,\n2,0,\n", "Surv(t, d) ~ a", &COX, OBS_EDATA, "no complete rows");
}

/* Coding of factors (treatment contrasts) and R's marginality rule.
 * Data: g in {a, b, c}, x numeric.
 *   ~ g           -> gb gc                       (contrasts)
 *   ~ x:g         -> x:ga x:gb x:gc              (x alone absent: dummies)
 *   ~ x + x:g     -> x  x:gb x:gc                (x present: contrasts)
 *   ~ g:h         -> ga:h1 gb:h1 gc:h1 ga:h2 ...  (first varies fastest)
 * as R 4.2.2's model.matrix gives. */
static void test_design_coding(void **state)
{
    (void)state;
    const char *d = "t,d,g,x,h\n1,1,a,1.5,1\n2,0,b,2,2\n3,1,c,4,1\n4,1,a,8,2\n";
    obs_frame *fr = frame(d, "Surv(t, d) ~ g", &COX);
    NAMES(fr->colnames, fr->p, "gb", "gc");
    /* column-major: x[j*n + i] */
    static const double gb[] = {0, 1, 0, 0}, gc[] = {0, 0, 1, 0};
    for (size_t i = 0; i < 4; i++) {
        assert_true(fr->x[0 * 4 + i] == gb[i]);
        assert_true(fr->x[1 * 4 + i] == gc[i]);
    }
    NAMES(fr->term_labels, fr->nterms, "g");
    obs_frame_free(&fr);

    fr = frame(d, "Surv(t, d) ~ x:g", &COX);
    NAMES(fr->colnames, fr->p, "x:ga", "x:gb", "x:gc");
    assert_true(fr->x[0] == 1.5 && fr->x[3] == 8 && fr->x[4 + 1] == 2 && fr->x[4 + 0] == 0);
    obs_frame_free(&fr);

    fr = frame(d, "Surv(t, d) ~ x + x:g", &COX);
    NAMES(fr->colnames, fr->p, "x", "x:gb", "x:gc");
    assert_int_equal(fr->assign[2], 1);
    obs_frame_free(&fr);

    fr = frame(d, "Surv(t, d) ~ g:factor(h)", &COX);
    NAMES(fr->colnames, fr->p, "ga:factor(h)1", "gb:factor(h)1", "gc:factor(h)1",
          "ga:factor(h)2", "gb:factor(h)2", "gc:factor(h)2");
    obs_frame_free(&fr);

    fr = frame(d, "Surv(t, d) ~ g*x", &COX);
    NAMES(fr->colnames, fr->p, "gb", "gc", "x", "gb:x", "gc:x");
    NAMES(fr->term_labels, fr->nterms, "g", "x", "g:x");
    obs_frame_free(&fr);

    /* log(x): natural log; x <= 0 refused naming the row */
    fr = frame(d, "Surv(t, d) ~ log(x)", &COX);
    assert_true(fabs(fr->x[3] - log(8.0)) == 0);
    NAMES(fr->colnames, fr->p, "log(x)");
    obs_frame_free(&fr);
    frame_error("t,d,x\n1,1,2\n2,0,0\n", "Surv(t, d) ~ log(x)", &COX, OBS_EDATA,
                "d.csv:3: log(x): column \"x\" is 0; log needs a positive value");

    /* factor(x) on numbers: numeric order, names as R's as.character */
    fr = frame("t,d,x\n1,1,10\n2,0,2.5\n3,1,100000\n4,1,2.5\n", "Surv(t, d) ~ factor(x)", &COX);
    NAMES(fr->colnames, fr->p, "factor(x)10", "factor(x)1e+05");
    obs_frame_free(&fr);
    /* a column of whole numbers is an integer vector for read.csv: no exponent
     * (R: d <- read.csv(...); colnames(model.matrix(~factor(x) + factor(y), d))
     *  gives "factor(x)200000", "factor(y)1e+05") */
    fr = frame("t,d,x,y\n1,1,100000,100000\n2,0,200000,0.5\n3,1,100000,100000\n",
               "Surv(t, d) ~ factor(x) + factor(y)", &COX);
    NAMES(fr->colnames, fr->p, "factor(x)200000", "factor(y)1e+05");
    obs_frame_free(&fr);

    /* back-quoted names keep their quotes in column names, as R */
    fr = frame("t,d,my var,g\n1,1,1,u\n2,0,2,v\n", "Surv(t, d) ~ `my var` + g", &COX);
    NAMES(fr->colnames, fr->p, "`my var`", "gv");
    obs_frame_free(&fr);
}

/* Levels: a text column's levels are those present in the used rows (R
 * makes the factor after dropping rows); factor(x) keeps the levels of the
 * whole table for coxph (an all-zero column, R's NA coefficient) and drops
 * them for glm (drop.unused.levels = TRUE). */
static void test_levels(void **state)
{
    (void)state;
    const char *d = "t,d,g,x,k\n1,1,a,,0\n2,0,b,1,0\n3,1,c,2,1\n4,1,b,3,1\n5,0,c,4,0\n";
    obs_frame *fr = frame(d, "Surv(t, d) ~ g + x", &COX);
    NAMES(fr->colnames, fr->p, "gc", "x");            /* "a" only in the dropped row */
    obs_frame_free(&fr);

    const char *d2 = "t,d,x,k\n1,1,,5\n2,0,1,0\n3,1,2,1\n4,1,3,1\n5,0,4,0\n";
    fr = frame(d2, "Surv(t, d) ~ x + factor(k)", &COX);
    NAMES(fr->colnames, fr->p, "x", "factor(k)1", "factor(k)5");
    for (size_t i = 0; i < fr->n; i++) assert_true(fr->x[2 * fr->n + i] == 0);
    obs_frame_free(&fr);
    fr = frame("y,x,k\n1,,5\n0,1,0\n1,2,1\n1,3,1\n0,4,0\n", "y ~ x + factor(k)", &GLM);
    NAMES(fr->colnames, fr->p, "(Intercept)", "x", "factor(k)1");
    obs_frame_free(&fr);

    frame_error("t,d,g\n1,1,a\n2,0,a\n", "Surv(t, d) ~ g", &COX, OBS_EDATA,
                "term \"g\": contrasts can be applied only to factors with 2 or more levels");
}

static void test_groups_and_strata(void **state)
{
    (void)state;
    const char *d = "t,d,sex,grp,w\n1,1,1,x,10\n2,0,2,yy,100\n3,1,1,yy,10\n4,1,2,x,100\n5,1,2,x,10\n";
    obs_frame *fr = frame(d, "Surv(t, d) ~ sex + grp", &KM);
    NAMES(fr->group_names, fr->ngroups, "sex=1, grp=x ", "sex=1, grp=yy", "sex=2, grp=x ",
          "sex=2, grp=yy");
    static const int g[] = {0, 3, 1, 2, 2};
    for (size_t i = 0; i < 5; i++) assert_int_equal(fr->group[i], g[i]);
    assert_null(fr->x);
    obs_frame_free(&fr);

    /* only present combinations; strata() gives the stratified test */
    fr = frame(d, "Surv(t, d) ~ grp + strata(sex, w)", &KM);
    NAMES(fr->group_names, fr->ngroups, "grp=x", "grp=yy");
    NAMES(fr->strata_names, fr->nstrata, "sex=1, w=10 ", "sex=2, w=10 ", "sex=2, w=100");
    obs_frame_free(&fr);

    /* text strata columns: bare levels (strata()'s shortlabel) */
    fr = frame(d, "Surv(t, d) ~ sex + strata(grp)", &COX);
    NAMES(fr->strata_names, fr->nstrata, "x", "yy");
    obs_frame_free(&fr);

    fr = frame(d, "Surv(t, d) ~ sex + cluster(w) + offset(t) + offset(w)", &COX);
    assert_int_equal(fr->nclusters, 2);
    assert_int_equal(fr->cluster[0], 0);
    assert_int_equal(fr->cluster[1], 1);
    assert_true(fr->offset[1] == 102);                   /* offsets add up, as R */
    NAMES(fr->colnames, fr->p, "sex");
    obs_frame_free(&fr);

    frame_error(d, "Surv(t, d) ~ sex:grp", &KM, OBS_EUSAGE, "interaction \"sex:grp\"");

    /* R: names(survfit(Surv(time, status) ~ log(age), lung[1:5, ])$strata) */
    fr = frame("time,status,age\n306,2,74\n455,2,68\n1010,1,56\n210,2,57\n883,2,60\n",
               "Surv(time, status) ~ log(age)", &KM);
    NAMES(fr->group_names, fr->ngroups, "log(age)=4.02535169073515", "log(age)=4.04305126783455",
          "log(age)=4.0943445622221", "log(age)=4.21950770517611", "log(age)=4.30406509320417");
    obs_frame_free(&fr);
}

static void test_bad_input(void **state)
{
    (void)state;
    const char *d = "t,d,age,g,w\n1,1,50,a,1\n2,0,60,b,-1\n";
    frame_error(d, "Surv(t, d) ~ foo:age", &COX, OBS_EUSAGE,
                "formula: unknown column \"foo\" in term \"foo:age\"");
    frame_error(d, "Surv(time, d) ~ age", &COX, OBS_EUSAGE,
                "unknown column \"time\" in the response");
    frame_error(d, "Surv(t, d) ~ age + strata(zz)", &COX, OBS_EUSAGE,
                "unknown column \"zz\" in term \"strata(zz)\"");
    frame_error(d, "Surv(t, d) ~ log(g)", &COX, OBS_EUSAGE, "log(g): column \"g\" is not numeric");
    obs_frame_spec spec = COX;
    spec.weights = "w";
    frame_error(d, "Surv(t, d) ~ age", &spec, OBS_EDATA,
                "d.csv:3: column \"w\": weights must be finite and >= 0, got -1");
    spec.weights = "nope";
    frame_error(d, "Surv(t, d) ~ age", &spec, OBS_EUSAGE, "unknown weights column \"nope\"");
    spec.weights = "g";
    frame_error(d, "Surv(t, d) ~ age", &spec, OBS_EUSAGE, "weights column \"g\" is not numeric");
    obs_frame_free(NULL);
}

/* Property: the frame of a permuted table is the permuted frame. */
static void test_row_order(void **state)
{
    (void)state;
    obs_frame *a = frame("t,d,g,x\n1,1,a,1\n2,0,b,2\n3,1,c,\n4,1,a,4\n", "Surv(t,d) ~ g*x", &COX);
    obs_frame *b = frame("t,d,g,x\n4,1,a,4\n3,1,c,\n2,0,b,2\n1,1,a,1\n", "Surv(t,d) ~ g*x", &COX);
    assert_int_equal(a->p, b->p);
    assert_int_equal(a->n, 3);
    for (size_t j = 0; j < a->p; j++) {
        assert_string_equal(a->colnames[j], b->colnames[j]);
        for (size_t i = 0; i < a->n; i++)
            assert_true(a->x[j * a->n + i] == b->x[j * b->n + (a->n - 1 - i)]);
    }
    obs_frame_free(&a);
    obs_frame_free(&b);
}

/* ------------------------------------------------------------------ */
/* 2. R references                                                     */

#define MAXF 64

typedef struct {
    char *buf;
    char *f[MAXF + 8];
    size_t nf;
} line_fields;

/* Split line (modified in place) at tabs. */
static void split(char *line, line_fields *lf)
{
    lf->nf = 0;
    char *p = line;
    for (;;) {
        char *tab = strchr(p, '\t');
        if (lf->nf < MAXF + 8) lf->f[lf->nf++] = p;
        if (!tab) break;
        *tab = '\0';
        p = tab + 1;
    }
}

static obs_table *load(const char *name)
{
    static obs_table *cache[3];
    static const char *const names[] = {"lung", "veteran", "lalonde"};
    for (size_t k = 0; k < 3; k++)
        if (strcmp(name, names[k]) == 0) {
            if (!cache[k]) {
                char path[1024];
                obs_error err;
                snprintf(path, sizeof path, "%s/%s.csv", OBSURV_SHARED_DATA, name);
                if (obs_csv_read(path, &cache[k], &err) != OBS_OK) fail_msg("%s", err.msg);
            }
            return cache[k];
        }
    fail_msg("unknown data %s", name);
    return NULL;
}

static int close_enough(double a, double b)
{
    return fabs(a - b) <= 1e-14 * fmax(fabs(a), fabs(b)) + 1e-300;
}

static void check_case(const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/golden/frame/%s.tsv", OBSURV_TEST_DIR, file);
    FILE *fp = fopen(path, "r");
    if (!fp) fail_msg("cannot open %s (run LC_ALL=C Rscript tests/r/frame.R)", path);
    char line[65536];
    char data[64] = "", mode[16] = "", formula[512] = "";
    obs_frame *fr = NULL;
    obs_formula *f = NULL;
    size_t row = 0, nex = 0, total_dropped = 0;
    line_fields lf;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        split(line, &lf);
        const char *key = lf.f[0];
        if (strcmp(key, "data") == 0) snprintf(data, sizeof data, "%s", lf.f[1]);
        else if (strcmp(key, "mode") == 0) snprintf(mode, sizeof mode, "%s", lf.f[1]);
        else if (strcmp(key, "formula") == 0) {
            snprintf(formula, sizeof formula, "%s", lf.f[1]);
            obs_error err;
            obs_error_clear(&err);
            const obs_frame_spec *spec = strcmp(mode, "cox") == 0 ? &COX
                                       : strcmp(mode, "glm") == 0 ? &GLM : &KM;
            if (obs_formula_parse(formula, &f, &err) != OBS_OK) fail_msg("%s", err.msg);
            if (obs_frame_build(load(data), f, spec, &fr, &err) != OBS_OK)
                fail_msg("%s: %s: %s", file, formula, err.msg);
        } else if (strcmp(key, "n") == 0) {
            if (fr->n != (size_t)atol(lf.f[1])) fail_msg("%s: n %zu, R %s", file, fr->n, lf.f[1]);
            assert_int_equal(fr->n + fr->n_dropped, fr->n_read);
        } else if (strcmp(key, "dropped") == 0) {
            if (nex >= fr->nexclusions) fail_msg("%s: missing exclusion %s", file, lf.f[1]);
            assert_string_equal(fr->exclusions[nex].variable, lf.f[1]);
            assert_int_equal(fr->exclusions[nex].count, atol(lf.f[2]));
            total_dropped += fr->exclusions[nex].count;
            nex++;
        } else if (strcmp(key, "colnames") == 0) {
            if (fr->p != lf.nf - 1) {
                for (size_t j = 0; j < fr->p; j++) print_message("  got %s\n", fr->colnames[j]);
                fail_msg("%s: p %zu, R %zu", file, fr->p, lf.nf - 1);
            }
            for (size_t j = 0; j < fr->p; j++) assert_string_equal(fr->colnames[j], lf.f[j + 1]);
        } else if (strcmp(key, "groups") == 0) {
            if (fr->ngroups != lf.nf - 1) fail_msg("%s: %zu groups, R %zu", file, fr->ngroups, lf.nf - 1);
            for (size_t j = 0; j < fr->ngroups; j++) assert_string_equal(fr->group_names[j], lf.f[j + 1]);
        } else if (strcmp(key, "strata") == 0) {
            if (fr->nstrata != lf.nf - 1) {
                for (size_t j = 0; j < fr->nstrata; j++) print_message("  got \"%s\"\n", fr->strata_names[j]);
                fail_msg("%s: %zu strata, R %zu", file, fr->nstrata, lf.nf - 1);
            }
            for (size_t j = 0; j < fr->nstrata; j++) assert_string_equal(fr->strata_names[j], lf.f[j + 1]);
        } else if (strcmp(key, "row") == 0) {
            if (row >= fr->n) fail_msg("%s: more rows than %zu", file, fr->n);
            size_t k = 1;
            assert_int_equal(fr->row[row] + 1, atol(lf.f[k++]));
            double y = atof(lf.f[k++]);
            if (fr->status) assert_int_equal(fr->status[row], (int)y);
            else assert_true(fr->y[row] == y);
            if (fr->group) {
                assert_int_equal(fr->group[row] + 1, atol(lf.f[k++]));
                if (fr->strata) assert_int_equal(fr->strata[row] + 1, atol(lf.f[k++]));
                assert_int_equal(k, lf.nf);
            } else {
                if (fr->strata) assert_int_equal(fr->strata[row] + 1, atol(lf.f[k++]));
                if (fr->cluster) assert_int_equal(fr->cluster[row] + 1, atol(lf.f[k++]));
                assert_int_equal(lf.nf - k, fr->p);
                for (size_t j = 0; j < fr->p; j++) {
                    double r = strtod(lf.f[k + j], NULL), o = fr->x[j * fr->n + row];
                    if (!close_enough(o, r))
                        fail_msg("%s: row %zu column %s: %.17g, R %.17g", file, row + 1,
                                 fr->colnames[j], o, r);
                }
            }
            row++;
        }
    }
    fclose(fp);
    assert_int_equal(row, fr->n);
    assert_int_equal(nex, fr->nexclusions);
    assert_int_equal(total_dropped, fr->n_dropped);
    obs_frame_free(&fr);
    obs_formula_free(&f);
}

static void test_golden(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "cox_numeric", "cox_factor", "cox_star", "cox_num_by_factor", "cox_factor_by_factor",
        "cox_marginality", "cox_missing", "cox_strata", "cox_strata2", "cox_num_by_num",
        "cox_cluster", "cox_unused_level", "vet_celltype", "vet_star", "vet_strata_text", "vet_factor_by_text",
        "vet_two_strata", "glm_lalonde", "glm_star", "glm_log", "km_sex", "km_two",
        "km_factor", "km_all", "km_padded", "km_padded_num", "logrank_strata", NULL};
    for (size_t k = 0; cases[k]; k++) check_case(cases[k]);
}

/* 3. factor level names: R's as.character() of a double */
static void test_number_names(void **state)
{
    (void)state;
    char path[1024], line[256], buf[64];
    snprintf(path, sizeof path, "%s/golden/frame/numbers.tsv", OBSURV_TEST_DIR);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t n = 0;
    line_fields lf;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        split(line, &lf);
        assert_int_equal(lf.nf, 2);
        obs_format_number_r(strtod(lf.f[0], NULL), buf, sizeof buf);
        if (strcmp(buf, lf.f[1]) != 0) fail_msg("%s: got %s, R %s", lf.f[0], buf, lf.f[1]);
        n++;
    }
    fclose(fp);
    assert_true(n >= 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_coding),
        cmocka_unit_test(test_counting_and_binary),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_design_coding),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_groups_and_strata),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_row_order),
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_number_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
