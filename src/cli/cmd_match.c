/*
 * cmd_match.c — obsurv match: propensity-score matching as MatchIt 4.5's
 * matchit(treat ~ covariates, method = "nearest" | "optimal").
 *
 * The score is the logistic model of cmd_logit (glm); the distance is the
 * fitted probability (--distance ps, MatchIt's default) or the linear
 * predictor (--distance logit, MatchIt's distance = "glm",
 * link = "linear.logit").
 */
#include <math.h>
#ifdef __GLIBC__
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "ps_cli.h"
#include "obsurv/render_frame.h"
#include "obsurv/match.h"

static const char *USAGE =
    "usage: obsurv match --data PATH --formula \"treat ~ x1 + x2\" [options]\n"
    "\n"
    "Propensity-score matching of controls to treated units (ATT), with the\n"
    "decisions of R's MatchIt 4.5 matchit(): nearest neighbour (greedy, in\n"
    "--order) or optimal (minimum total distance, GLPK min-cost flow).  Prints\n"
    "the matched sets and covariate balance before and after matching.\n"
    "--nearest-rule matchit (the default) reproduces MatchIt 4.5.1 exactly,\n"
    "including its comparison of distance differences truncated to whole\n"
    "numbers: on the probability scale the nearest available control *below*\n"
    "the treated unit's score wins, and a caliper under 1 does not bind.\n"
    "--nearest-rule exact takes the truly nearest control and a strict caliper.\n"
    "--caliper is in standard deviations of the distance over the units kept\n"
    "by --discard.  --order random uses obsurv's own generator (--seed), so\n"
    "its pairs cannot equal R's, which come from R's RNG.\n"
    "--matched writes the matched set as CSV.  --matched-format rows (the\n"
    "default) is MatchIt's match.data(): each kept row once, plus subclass\n"
    "(pair id, labelled as MatchIt labels nearest-neighbour pairs; empty with\n"
    "--replace, since a reused control belongs to several pairs) and weights\n"
    "(MatchIt's matching weights).  --matched-format pairs is MatchIt's\n"
    "get_matches(): one row per (pair, unit), so a control used by two\n"
    "treated units appears twice, plus id (the data row number; omitted when\n"
    "--id names the column), subclass (pairs numbered by treated unit in data\n"
    "order) and weights (1 for the treated unit, 1/k for each of its k\n"
    "controls).  For the analysis of survival after matching see\n"
    "doc/matched-analysis.md.\n"
    "\n"
    "example:\n"
    "  obsurv match --data lalonde.csv --format json --ratio 2 --caliper 0.2 \\\n"
    "      --formula \"treat ~ age + educ + race + married + nodegree + re74 + re75\" \\\n"
    "      --matched matched.csv\n";

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Dense ranks of v[0..n-1] among its distinct values, added to code as
 * code * ndistinct + rank.  s: n scratch. */
static void combine_ranks(const double *v, size_t n, double *s, long *code)
{
    size_t nd = 0;
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    for (size_t i = 0; i < n; i++) if (nd == 0 || s[i] != s[nd - 1]) s[nd++] = s[i];
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = nd;                 /* s[lo] == v[i] */
        while (hi - lo > 1) { size_t mid = (lo + hi) / 2; if (s[mid] <= v[i]) lo = mid; else hi = mid; }
        code[i] = code[i] * (long)nd + (long)lo;
    }
}

/* Exact-matching strata: each distinct combination of the --exact columns'
 * values (numbers, or factor codes) over the frame rows gets one code; the
 * codes are made dense again after every column, so they cannot overflow. */
static obs_status exact_strata(const obs_table *t, const obs_frame *fr, const char *list,
                               int *out, obs_error *err)
{
    size_t n = fr->n;
    char *copy = strdup(list), *save = NULL;
    double *v = malloc((n + 1) * sizeof *v), *s = malloc((n + 1) * sizeof *s);
    long *code = calloc(n + 1, sizeof *code), *zero = calloc(n + 1, sizeof *zero);
    obs_status rc = OBS_OK;
    if (!copy || !v || !s || !code || !zero) { rc = obs_error_set(err, OBS_ENOMEM, "out of memory"); goto done; }
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ') tok++;
        long c = obs_table_find(t, tok);
        if (c < 0) { rc = obs_error_set(err, OBS_EUSAGE, "--exact: no column \"%s\"", tok); goto done; }
        const obs_column *col = t->cols + c;
        for (size_t i = 0; i < n; i++) {
            size_t r = fr->row[i];
            v[i] = col->type == OBS_COL_NUMERIC ? col->num[r] : (double)col->codes[r];
        }
        combine_ranks(v, n, s, code);
        for (size_t i = 0; i < n; i++) { v[i] = (double)code[i]; zero[i] = 0; }
        combine_ranks(v, n, s, zero);            /* densify */
        memcpy(code, zero, n * sizeof *code);
    }
    for (size_t i = 0; i < n; i++) out[i] = (int)code[i];
done:
    free(copy); free(v); free(s); free(code); free(zero);
    return rc;
}

/* The --exact and --id columns also drop rows where they are missing. */
static const char **extra_columns(const char *exact, const char *id, char **buf)
{
    size_t cap = 2 + (exact ? strlen(exact) : 0);
    const char **list = calloc(cap + 1, sizeof *list);
    *buf = exact ? strdup(exact) : NULL;
    if (!list || (exact && !*buf)) { free(list); free(*buf); *buf = NULL; return NULL; }
    size_t k = 0;
    char *save = NULL;
    if (*buf)
        for (char *tok = strtok_r(*buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ') tok++;
            list[k++] = tok;
        }
    if (id) list[k++] = id;
    list[k] = NULL;
    return list;
}

/* Pair labels as obsurv numbers them: treated units in data order, 1.. (the
 * pair id in m->subclass); NaN for rows outside every pair. */
static obs_status data_order_labels(const obs_match_result *m, double *subclass, obs_error *err)
{
    (void)err;
    for (size_t i = 0; i < m->n; i++)
        subclass[i] = m->subclass[i] > 0 ? (double)m->subclass[i] : NAN;
    return OBS_OK;
}

typedef struct {
    char text[24];   /* the treated unit's 1-based position, in decimal */
    long old;        /* its pair id in m->subclass */
} pair_label;

static int cmp_label(const void *a, const void *b)
{
    return strcmp(((const pair_label *)a)->text, ((const pair_label *)b)->text);
}

/* Pair labels as MatchIt 4.5.1's match.data() gives them for nearest
 * matching.  Its mm2subclass names each pair after the 1-based position of
 * its treated unit among the units matched on, as a decimal string, and
 * factor() then numbers those strings 1.. in sorted (character) order: with
 * treated units at positions 2, 10 and 31 the labels are "10" -> 1,
 * "2" -> 2, "31" -> 3.  The partition is the one in m->subclass; only the
 * labels differ, which no analysis clustered on the pairs can see. */
static obs_status matchit_labels(const obs_match_result *m, double *subclass, obs_error *err)
{
    size_t np = m->n_treated_matched;
    pair_label *lab = malloc((np ? np : 1) * sizeof *lab);
    long *newid = calloc(np + 1, sizeof *newid);
    if (!lab || !newid) { free(lab); free(newid); return obs_error_set(err, OBS_ENOMEM, "out of memory"); }
    size_t k = 0;
    for (size_t tt = 0; tt < m->n_treated && k < np; tt++) {
        size_t i = m->treated[tt];
        if (m->subclass[i] <= 0) continue;
        snprintf(lab[k].text, sizeof lab[k].text, "%zu", i + 1);
        lab[k].old = m->subclass[i];
        k++;
    }
    qsort(lab, k, sizeof *lab, cmp_label);
    for (size_t r = 0; r < k; r++)
        if (lab[r].old >= 1 && (size_t)lab[r].old <= np) newid[lab[r].old] = (long)r + 1;
    for (size_t i = 0; i < m->n; i++) {
        long old = m->subclass[i];
        subclass[i] = old > 0 && (size_t)old <= np ? (double)newid[old] : NAN;
    }
    free(lab); free(newid);
    return OBS_OK;
}

/* --matched-format pairs: MatchIt's get_matches() layout.  For each matched
 * treated unit in data order (pair s = 1, 2, ...): its row with weight 1,
 * then each of its k controls (in the order they were matched) with weight
 * 1/k; a control used by several treated units appears once per pair, and
 * twice in one pair when MatchIt 4.5.1 matched it twice (ratio > 1 with
 * replacement).  Columns: the input columns, then id (the 1-based data row
 * number; not added when --id names a column, which then identifies the
 * units), subclass and weights. */
static obs_status write_pairs(const char *path, const obs_table *t, const obs_frame *fr,
                              const obs_match_result *m, int have_id, obs_error *err)
{
    if (!have_id && obs_table_find(t, "id") >= 0)
        return obs_error_set(err, OBS_EUSAGE, "--matched-format pairs adds a column \"id\", which the data "
                             "already has: name the identifying column with --id");
    size_t K = (size_t)m->ratio, nout = 0;
    for (size_t tt = 0; tt < m->n_treated; tt++) {
        const long *row = m->mm + tt * K;
        if (row[0] < 0) continue;
        nout++;
        for (size_t r = 0; r < K; r++) nout += row[r] >= 0;
    }
    size_t *units = malloc((nout ? nout : 1) * sizeof *units);
    double *id = malloc((nout ? nout : 1) * sizeof *id);
    double *sub = malloc((nout ? nout : 1) * sizeof *sub);
    double *w = malloc((nout ? nout : 1) * sizeof *w);
    obs_status rc = OBS_OK;
    if (!units || !id || !sub || !w) { rc = obs_error_set(err, OBS_ENOMEM, "out of memory"); goto done; }
    size_t o = 0, s = 0;
    for (size_t tt = 0; tt < m->n_treated; tt++) {
        const long *row = m->mm + tt * K;
        if (row[0] < 0) continue;
        size_t k = 0;
        for (size_t r = 0; r < K; r++) k += row[r] >= 0;
        s++;
        units[o] = m->treated[tt]; sub[o] = (double)s; w[o] = 1; o++;
        for (size_t r = 0; r < K; r++)
            if (row[r] >= 0) { units[o] = (size_t)row[r]; sub[o] = (double)s; w[o] = 1.0 / (double)k; o++; }
    }
    for (size_t r = 0; r < nout; r++) id[r] = (double)fr->row[units[r]] + 1;
    const char *names[] = {"id", "subclass", "weights"};
    const double *vals[] = {id, sub, w};
    rc = have_id ? ps_write_units_csv(path, t, fr, units, nout, names + 1, vals + 1, 2, err)
                 : ps_write_units_csv(path, t, fr, units, nout, names, vals, 3, err);
done:
    free(units); free(id); free(sub); free(w);
    return rc;
}

int cmd_match(int argc, char **argv)
{
    static const cli_option opts[] = {
        CLI_COMMON_OPTIONS,
        {"--method", 1, "nearest|optimal (nearest)"},
        {"--ratio", 1, "controls per treated unit (1)"},
        {"--replace", 0, "match with replacement"},
        {"--caliper", 1, "caliper in SDs of the distance (none)"},
        {"--distance", 1, "ps|logit: probability or linear predictor (ps)"},
        {"--order", 1, "largest|smallest|data|random (largest)"},
        {"--seed", 1, "seed for --order random (1)"},
        {"--exact", 1, "COL[,COL]: match exactly on these columns"},
        {"--discard", 1, "none|both|treated|control: common support (none)"},
        {"--nearest-rule", 1, "matchit|exact: compare differences as MatchIt 4.5.1 (default) or exactly"},
        {"--id", 1, "column identifying rows in the pairs (default: row number)"},
        {"--matched", 1, "write the matched set as CSV (see --matched-format)"},
        {"--matched-format", 1, "rows|pairs: as match.data() (rows) or get_matches() (pairs)"},
        {"--love-plot", 1, "write a love plot (SVG) of the balance"},
        {NULL, 0, NULL}};
    cli_args a;
    obs_error err;
    obs_error_clear(&err);
    if (cli_parse(argc, argv, opts, USAGE, &a)) return a.exit_code;
    /* as cmd_cox: blocks up to 512 KB from the heap and freed memory kept
     * there, so the arrays of the fit, the matching and the balance reuse
     * pages already faulted in (at 50k rows 6.9k -> 4.0k page faults,
     * about 10% of the run).  Bigger blocks stay mmap'ed: a 32 MB limit
     * raised the peak of a 1M-row match from 249 to 306 MB; 512 KB keeps
     * it at 249 MB. */
    cli_keep_freed_memory((size_t)512 << 10);

    obs_match_options mo;
    obs_match_options_default(&mo);
    long ratio, seed;
    double caliper;
    if (cli_get_long(&a, "--ratio", 1, &ratio, &err) || cli_get_long(&a, "--seed", 1, &seed, &err) ||
        cli_get_double(&a, "--caliper", NAN, &caliper, &err))
        return cli_fail(&err);
    if (ratio < 1 || ratio > 1000) {
        obs_error_set(&err, OBS_EUSAGE, "--ratio must be a whole number between 1 and 1000");
        return cli_fail(&err);
    }
    if (cli_has(&a, "--caliper") && !(caliper >= 0 && isfinite(caliper))) {
        obs_error_set(&err, OBS_EUSAGE, "--caliper must be a number >= 0");
        return cli_fail(&err);
    }
    mo.ratio = (int)ratio;
    mo.seed = (uint64_t)seed;
    mo.caliper = caliper;
    mo.replace = cli_has(&a, "--replace");
    const char *method = cli_get(&a, "--method") ? cli_get(&a, "--method") : "nearest";
    const char *dist = cli_get(&a, "--distance") ? cli_get(&a, "--distance") : "ps";
    const char *order = cli_get(&a, "--order") ? cli_get(&a, "--order") : "largest";
    const char *discard = cli_get(&a, "--discard") ? cli_get(&a, "--discard") : "none";
    int optimal = 0, logit_scale = 0;
    if (strcmp(method, "optimal") == 0) optimal = 1;
    else if (strcmp(method, "nearest") != 0) {
        obs_error_set(&err, OBS_EUSAGE, "--method must be nearest or optimal, got \"%s\"", method);
        return cli_fail(&err);
    }
    if (strcmp(dist, "logit") == 0) logit_scale = 1;
    else if (strcmp(dist, "ps") != 0) {
        obs_error_set(&err, OBS_EUSAGE, "--distance must be ps or logit, got \"%s\"", dist);
        return cli_fail(&err);
    }
    if (strcmp(order, "largest") == 0) mo.order = OBS_MATCH_ORDER_LARGEST;
    else if (strcmp(order, "smallest") == 0) mo.order = OBS_MATCH_ORDER_SMALLEST;
    else if (strcmp(order, "data") == 0) mo.order = OBS_MATCH_ORDER_DATA;
    else if (strcmp(order, "random") == 0) mo.order = OBS_MATCH_ORDER_RANDOM;
    else {
        obs_error_set(&err, OBS_EUSAGE, "--order must be largest, smallest, data or random, got \"%s\"", order);
        return cli_fail(&err);
    }
    if (strcmp(discard, "none") == 0) mo.discard = OBS_DISCARD_NONE;
    else if (strcmp(discard, "both") == 0) mo.discard = OBS_DISCARD_BOTH;
    else if (strcmp(discard, "treated") == 0) mo.discard = OBS_DISCARD_TREATED;
    else if (strcmp(discard, "control") == 0) mo.discard = OBS_DISCARD_CONTROL;
    else {
        obs_error_set(&err, OBS_EUSAGE, "--discard must be none, both, treated or control, got \"%s\"", discard);
        return cli_fail(&err);
    }
    const char *rule = cli_get(&a, "--nearest-rule") ? cli_get(&a, "--nearest-rule") : "matchit";
    if (strcmp(rule, "matchit") == 0) mo.rule = OBS_MATCH_RULE_MATCHIT;
    else if (strcmp(rule, "exact") == 0) mo.rule = OBS_MATCH_RULE_EXACT;
    else {
        obs_error_set(&err, OBS_EUSAGE, "--nearest-rule must be matchit or exact, got \"%s\"", rule);
        return cli_fail(&err);
    }
    const char *mformat = cli_get(&a, "--matched-format") ? cli_get(&a, "--matched-format") : "rows";
    int pairs_format = 0;
    if (strcmp(mformat, "pairs") == 0) pairs_format = 1;
    else if (strcmp(mformat, "rows") != 0) {
        obs_error_set(&err, OBS_EUSAGE, "--matched-format must be rows or pairs, got \"%s\"", mformat);
        return cli_fail(&err);
    }
    if (cli_has(&a, "--matched-format") && !cli_has(&a, "--matched")) {
        obs_error_set(&err, OBS_EUSAGE, "--matched-format needs --matched PATH");
        return cli_fail(&err);
    }
    if (optimal && (mo.replace || cli_has(&a, "--caliper"))) {
        obs_error_set(&err, OBS_EUSAGE, "--method optimal takes neither --replace nor --caliper");
        return cli_fail(&err);
    }

    const char *exact = cli_get(&a, "--exact"), *id = cli_get(&a, "--id");
    char *extra_buf = NULL;
    const char **extra = extra_columns(exact, id, &extra_buf);
    if (!extra) { obs_error_set(&err, OBS_ENOMEM, "out of memory"); return cli_fail(&err); }
    obs_frame_spec spec = {.rhs = OBS_FRAME_DESIGN, .intercept = 1,
                           .response_required = OBS_FRAME_NEED_BINARY,
                           .extra = extra, .drop_unused_levels = 1};
    obs_table *t = NULL;
    obs_formula *f = NULL;
    obs_frame *fr = NULL;
    obs_logit_fit *fit = NULL;
    obs_match_result *m = NULL;
    int *treat = NULL, *strata = NULL;
    double *distance = NULL, *subclass = NULL;
    size_t *idx = NULL, *keep = NULL;
    obs_balance_row *bal = NULL;
    obs_warnings warn;
    obs_warnings_init(&warn);
    int code = 0;
    long idcol = -1;
    a.read_all_columns = cli_has(&a, "--matched");   /* writes the input rows back out */
    if (cli_load_frame(&a, &spec, &t, &f, &fr, &err)) { code = cli_fail(&err); goto done; }
    if (id) idcol = obs_table_find(t, id);
    /* the table is read again only for --id, --exact and --matched: free
     * its memory before the fit otherwise (about 1 GB at 10M rows) */
    if (idcol < 0 && !exact && !cli_get(&a, "--matched")) obs_table_free(&t);
    if (ps_fit(fr, 0, &fit, &err)) { code = cli_fail(&err); goto done; }
    cli_add_dropped_warning(&warn, fr);
    for (size_t k = 0; k < fit->warnings.n; k++)
        obs_warnings_add(&warn, "propensity model: %s", fit->warnings.msg[k]);

    size_t n = fr->n;
    treat = ps_treat_from_frame(fr);
    distance = malloc(n * sizeof *distance);
    subclass = malloc(n * sizeof *subclass);
    idx = malloc(fr->p * sizeof *idx);
    keep = malloc(n * sizeof *keep);
    bal = malloc(fr->p * sizeof *bal);
    if (exact) strata = malloc(n * sizeof *strata);
    if (!treat || !distance || !subclass || !idx || !keep || !bal || (exact && !strata)) {
        obs_error_set(&err, OBS_ENOMEM, "out of memory");
        code = cli_fail(&err);
        goto done;
    }
    for (size_t i = 0; i < n; i++) distance[i] = logit_scale ? fit->eta[i] : fit->fitted[i];
    if (exact && exact_strata(t, fr, exact, strata, &err)) { code = cli_fail(&err); goto done; }
    obs_status rc = optimal ? obs_match_optimal(distance, treat, strata, n, &mo, &m, &err)
                            : obs_match_nearest(distance, treat, strata, n, &mo, &m, &err);
    if (rc) { code = cli_fail(&err); goto done; }
    if (!optimal && mo.rule == OBS_MATCH_RULE_MATCHIT && !isnan(mo.caliper))
        obs_warnings_add(&warn, "the caliper is applied as MatchIt 4.5.1 applies it: distance differences "
                         "are truncated to whole numbers first (use --nearest-rule exact for a strict caliper)");
    if (m->n_treated_matched == 0)
        obs_warnings_add(&warn, "no treated unit found a control%s: zero pairs",
                         isnan(mo.caliper) ? "" : " within the caliper");
    else if (m->n_treated_matched < m->n_treated)
        obs_warnings_add(&warn, "%zu of %zu treated units were not matched",
                         m->n_treated - m->n_treated_matched, m->n_treated);

    size_t np = 0;
    int with_after = m->n_treated_matched > 0;
    if (ps_balance(fr, treat, with_after ? m->weights : NULL, OBS_ESTIMAND_ATT, bal, idx, &np, &err)) {
        code = cli_fail(&err);
        goto done;
    }
    if (cli_get(&a, "--love-plot") &&
        ps_love_plot(cli_get(&a, "--love-plot"), fr, bal, idx, np, with_after, &err)) {
        code = cli_fail(&err);
        goto done;
    }
    if (cli_get(&a, "--matched")) {
        obs_status wrc;
        if (pairs_format) {
            wrc = write_pairs(cli_get(&a, "--matched"), t, fr, m, idcol >= 0, &err);
        } else {
            size_t nkeep = 0;
            for (size_t i = 0; i < n; i++)
                if (m->weights[i] > 0) keep[nkeep++] = i;
            if (!m->subclass) {
                for (size_t i = 0; i < n; i++) subclass[i] = NAN;
                wrc = OBS_OK;
            } else {
                wrc = optimal ? data_order_labels(m, subclass, &err) : matchit_labels(m, subclass, &err);
            }
            const char *names[] = {"subclass", "weights"};
            const double *vals[] = {subclass, m->weights};
            if (wrc == OBS_OK)
                wrc = ps_write_rows_csv(cli_get(&a, "--matched"), t, fr, keep, nkeep, names, vals, 2, &err);
        }
        if (wrc) { code = cli_fail(&err); goto done; }
    }

    cli_output o;
    if (cli_output_open(&o, &a)) { code = 2; goto done; }
    size_t K = (size_t)m->ratio, n_discarded = 0;
    for (size_t i = 0; i < n; i++) n_discarded += m->discarded[i];
    if (a.format == CLI_JSON) {
        obs_json j;
        obs_json_init(&j, o.fp);
        obs_json_begin_object(&j);
        obs_json_kv_string(&j, "method", optimal ? "optimal" : "nearest");
        obs_json_kv_int(&j, "ratio", m->ratio);
        obs_json_kv_bool(&j, "replace", mo.replace);
        obs_json_kv_number(&j, "caliper", mo.caliper);
        obs_json_kv_number(&j, "caliper_width", m->caliper_width);
        obs_json_kv_string(&j, "distance", logit_scale ? "logit" : "ps");
        obs_json_kv_string(&j, "order", optimal ? NULL : (mo.replace ? "data" : order));
        obs_json_kv_string(&j, "discard", discard);
        obs_json_kv_string(&j, "nearest_rule", optimal ? NULL : rule);
        obs_json_kv_int(&j, "n", (long long)n);
        obs_json_kv_int(&j, "n_dropped", (long long)fr->n_dropped);
        cli_json_exclusions(&j, fr);
        obs_json_kv_int(&j, "n_treated", (long long)m->n_treated);
        obs_json_kv_int(&j, "n_control", (long long)m->n_control);
        obs_json_kv_int(&j, "n_discarded", (long long)n_discarded);
        obs_json_kv_int(&j, "n_treated_matched", (long long)m->n_treated_matched);
        obs_json_kv_int(&j, "n_control_matched", (long long)m->n_control_matched);
        obs_json_kv_number(&j, "total_distance", m->total_distance);
        obs_json_key(&j, "pairs");
        obs_json_begin_array(&j);
        for (size_t tt = 0; tt < m->n_treated; tt++) {
            const long *row = m->mm + tt * K;
            if (row[0] < 0) continue;
            obs_json_begin_object(&j);
            obs_json_key(&j, "treated");
            ps_json_id(&j, t, fr, idcol, m->treated[tt]);
            obs_json_key(&j, "controls");
            obs_json_begin_array(&j);
            for (size_t r = 0; r < K; r++)
                if (row[r] >= 0) ps_json_id(&j, t, fr, idcol, (size_t)row[r]);
            obs_json_end_array(&j);
            obs_json_end_object(&j);
        }
        obs_json_end_array(&j);
        ps_balance_json(&j, fr, bal, idx, np, with_after);
        obs_render_warnings_json(&j, &warn);
        obs_json_end_object(&j);
    } else {
        FILE *fp = o.fp;
        fprintf(fp, "Propensity-score matching (%s, %ld:1%s, distance %s", optimal ? "optimal" : "nearest neighbour",
                (long)m->ratio, mo.replace ? ", with replacement" : "", logit_scale ? "logit" : "ps");
        if (!isnan(mo.caliper)) fprintf(fp, ", caliper %g SD = %g", mo.caliper, m->caliper_width);
        fprintf(fp, ")\n%s\n\n", f->text);
        fprintf(fp, "%-10s %8s %8s\n", "", "treated", "control");
        fprintf(fp, "%-10s %8zu %8zu\n", "all", m->n_treated, m->n_control);
        fprintf(fp, "%-10s %8zu %8zu\n", "matched", m->n_treated_matched, m->n_control_matched);
        fprintf(fp, "%-10s %8zu %8zu\n", "unmatched", m->n_treated - m->n_treated_matched,
                m->n_control - m->n_control_matched);
        if (n_discarded) fprintf(fp, "discarded (common support): %zu\n", n_discarded);
        fprintf(fp, "total |distance| within pairs: %.6g\n\n", m->total_distance);
        ps_balance_text(fp, fr, bal, idx, np, with_after);
        cli_print_warnings(&warn);
    }
    code = cli_output_close(&o);

done:
    obs_warnings_free(&warn);
    obs_match_result_free(&m);
    obs_logit_fit_free(&fit);
    obs_frame_free(&fr);
    obs_formula_free(&f);
    obs_table_free(&t);
    free(treat); free(strata); free(distance); free(subclass); free(idx); free(keep); free(bal);
    free(extra); free(extra_buf);
    return code;
}
