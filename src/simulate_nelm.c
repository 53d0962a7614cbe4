/*
 * simulate_nelm.c — the synthetic NELM registry (see obsurv/simulate.h).
 *
 * Design note.  The abstract of Mayo et al. (2011) fixes arm sizes, a few
 * per-arm prevalences, the per-arm median and 5-year overall survival, an
 * adjusted hazard ratio of 2.6 for ASYMPTOMATIC disease and two subgroup
 * statements (surgery helps symptomatic patients with > 25% hepatic burden;
 * no surgery effect among asymptomatic patients).  They are reconciled by
 * one modelling choice, written out in examples/nelm/README.md:
 *
 *   surgery lowers the hazard of SYMPTOMATIC patients only.
 *
 * Every patient carries the hazard of "liver-directed therapy without a
 * surgical benefit", h0(t) exp(x'beta + delta_B), except symptomatic
 * surgical patients, whose hazard is h0(t) exp(x'beta): the surgical benefit
 * exp(-delta_B) depends on the burden (B = burden > 25%).  Hence, after
 * adjustment, asymptomatic vs symptomatic HR = exp(delta_B) ~ 2.6 among
 * surgical patients and 1 among IAT patients; IAT vs surgery HR =
 * exp(delta_B) among symptomatic and 1 among asymptomatic patients.  The
 * large crude difference between the arms comes from this benefit plus
 * confounding by burden, extrahepatic disease and age.
 *
 * Survival is Weibull proportional hazards, H(t | x) = (t / scale)^shape
 * exp(eta), drawn by inversion: T = scale * exp((log E - eta) / shape) with
 * E ~ Exp(1).  Censoring: administrative at 2010-12-31 (follow-up at most
 * months from the treatment date to the end of 2010) and loss to follow-up,
 * exponential with 10% lost by 5 years, independent of everything else.
 *
 * Calibration: the free parameters (scale, shape, extrahepatic HR and
 * extrahepatic prevalence among IAT patients) were solved numerically in R
 * so that the true marginal survival of each arm (averaged over 300 000
 * covariate draws) has median 123 / 34 months and S(60) 0.74 / 0.30, with
 * delta chosen so that the adjusted asymptomatic HR among surgical patients
 * is 2.6 (tests/r/nelm_calibration.R checks it over many seeds and records
 * the result in tests/golden/nelm/calibration.txt).
 *
 * Determinism: one obs_rng stream (xoshiro256**, seeded by splitmix64) is
 * consumed in a fixed order, patient by patient; normal deviates use the
 * Marsaglia polar method (log, sqrt only: no sin/cos, whose last bits vary
 * more between libms).  We assume exp and log are correctly rounded or agree
 * to the last bit on the supported platforms (glibc >= 2.28, musl, macOS all
 * give < 1 ulp); times are then rounded to 0.01 months, so a 1-ulp
 * difference could only change a byte when a value sits within 1e-13 of a
 * rounding boundary.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "obsurv/rng.h"
#include "obsurv/simulate.h"

/* ---- Parameters (final; see examples/nelm/README.md) ------------------- */

#define NCENTER 9
#define FIRST_YEAR 1985
#define NYEAR 26                       /* 1985..2010 */
#define END_OF_FOLLOWUP 2011.0         /* 2010-12-31 24:00 in decimal years */

/* Weibull baseline: H0(t) = (t / SCALE)^SHAPE, t in months. */
static const double SCALE = 262.932;
static const double SHAPE = 1.3939;
/* Surgical benefit among symptomatic patients, by burden (log HR). */
static const double DELTA_BURDEN_HIGH = 1.06643339030387; /* log(2.905) */
static const double DELTA_BURDEN_LOW = 0.680568398353085; /* log(1.975) */
/* Prognostic effects (log HR). */
static const double BETA_BURDEN = 0.693147180559945;      /* log(2.0) */
static const double BETA_EXTRAHEPATIC = 1.50076079180623; /* log(4.4851) */
static const double BETA_AGE10 = 0.262364264467491;       /* log(1.3) per 10 years */
static const double BETA_SITE[OBS_NELM_NSITE] = {
    0.336472236621213,   /* pancreas       log(1.4) */
    -0.22314355131421,   /* small bowel    log(0.8) */
    0.0,                 /* unknown        */
    0.262364264467491,   /* colorectal     log(1.3) */
    0.262364264467491,   /* lung           log(1.3) */
    0.0};                /* other          */
/* Loss to follow-up: exponential, 10% lost by 60 months. */
static const double LOSS_RATE = 0.00175600125456589;      /* -log(0.9) / 60 */

/* Covariates, by arm [surgery, IAT]. */
static const double P_HORMONAL[2] = {0.28, 0.48};
static const double P_BURDEN[2] = {0.52, 0.76};
static const double P_EXTRAHEPATIC[2] = {0.10, 0.5272};
static const double AGE_MEAN[2] = {55.0, 60.0};
static const double AGE_SD = 12.0;
static const double P_SYMPTOMATIC_GIVEN_HORMONAL[2] = {0.70, 0.95}; /* [non, hormonal] */
static const double P_MALE = 0.55;
static const double P_SITE[OBS_NELM_NSITE] = {0.32, 0.27, 0.20, 0.08, 0.06, 0.07};
static const double P_CENTER[2][NCENTER] = {
    {0.20, 0.16, 0.14, 0.12, 0.10, 0.09, 0.08, 0.06, 0.05},
    {0.24, 0.08, 0.15, 0.07, 0.14, 0.06, 0.12, 0.05, 0.09}};
/* Year of treatment: weight 1 + YEAR_TREND[arm] * (year - 1985). */
static const double YEAR_TREND[2] = {0.04, 0.10};
static const double P_SURGERY_TYPE[3] = {0.78, 0.15, 0.07};
/* IAT type: radioembolization only from 2003 on. */
static const double P_IAT_TYPE_EARLY[3] = {0.70, 0.30, 0.0};
static const double P_IAT_TYPE_LATE[3] = {0.50, 0.20, 0.30};
#define RADIOEMBOLIZATION_FROM 2003
static const double P_IAT_SESSIONS[4] = {0.55, 0.25, 0.13, 0.07};
/* Missing completely at random, drawn after the outcome. */
static const double P_MISS_AGE = 0.01, P_MISS_SITE = 0.01, P_MISS_HORMONAL = 0.03,
                    P_MISS_SYMPTOMATIC = 0.02, P_MISS_BURDEN = 0.02,
                    P_MISS_EXTRAHEPATIC = 0.04;

/* ---- Drawing helpers ---------------------------------------------------- */

static int bernoulli(obs_rng *r, double p)
{
    return obs_rng_uniform(r) < p;
}

/* Index k with probability p[k] (k = 0..m-1); the last category takes the
 * rounding remainder so the p need only sum to 1 approximately. */
static int categorical(obs_rng *r, const double *p, int m)
{
    double u = obs_rng_uniform(r), c = 0.0;
    for (int k = 0; k < m - 1; k++) {
        c += p[k];
        if (u < c) return k;
    }
    return m - 1;
}

/* Standard normal by the Marsaglia polar method (Marsaglia & Bray 1964):
 * draw (v1, v2) uniform in the unit disc, return v1 sqrt(-2 log s / s). */
static double normal(obs_rng *r)
{
    double v1, v2, s;
    do {
        v1 = 2.0 * obs_rng_uniform(r) - 1.0;
        v2 = 2.0 * obs_rng_uniform(r) - 1.0;
        s = v1 * v1 + v2 * v2;
    } while (s >= 1.0 || s == 0.0);
    return v1 * sqrt(-2.0 * log(s) / s);
}

static int year_of_treatment(obs_rng *r, int arm)
{
    double w[NYEAR], total = 0.0;
    for (int j = 0; j < NYEAR; j++) {
        w[j] = 1.0 + YEAR_TREND[arm] * j;
        total += w[j];
    }
    for (int j = 0; j < NYEAR; j++) w[j] /= total;
    return FIRST_YEAR + categorical(r, w, NYEAR);
}

/* Round a positive time down to 0.01 months (never past the censoring
 * bound), at least 0.01. */
static double round_time(double t)
{
    double c = floor(t * 100.0) / 100.0;
    return c < 0.01 ? 0.01 : c;
}

/* ---- The generator ------------------------------------------------------ */

void obs_nelm_options_default(obs_nelm_options *o)
{
    o->seed = OBS_NELM_DEFAULT_SEED;
    o->n = OBS_NELM_DEFAULT_N;
}

/* Draw one patient of arm `arm` (covariates, outcome, then missingness). */
static void draw_patient(obs_rng *r, int arm, obs_nelm_patient *p)
{
    p->treatment = arm;
    p->center = 1 + categorical(r, P_CENTER[arm], NCENTER);
    p->year = year_of_treatment(r, arm);
    p->treated_at = p->year + 0.99 * obs_rng_uniform(r);
    double age = floor(AGE_MEAN[arm] + AGE_SD * normal(r) + 0.5);
    if (age < 20.0) age = 20.0;
    if (age > 89.0) age = 89.0;
    p->age = age;
    p->male = bernoulli(r, P_MALE);
    p->primary_site = categorical(r, P_SITE, OBS_NELM_NSITE);
    p->hormonal = bernoulli(r, P_HORMONAL[arm]);
    p->symptomatic = bernoulli(r, P_SYMPTOMATIC_GIVEN_HORMONAL[p->hormonal]);
    p->burden_gt25 = bernoulli(r, P_BURDEN[arm]);
    p->extrahepatic = bernoulli(r, P_EXTRAHEPATIC[arm]);

    int st = categorical(r, P_SURGERY_TYPE, 3);
    int it = categorical(r, p->year < RADIOEMBOLIZATION_FROM ? P_IAT_TYPE_EARLY
                                                             : P_IAT_TYPE_LATE, 3);
    int ns = 1 + categorical(r, P_IAT_SESSIONS, 4);
    p->surgery_type = arm == OBS_NELM_SURGERY ? st : -1;
    p->iat_type = arm == OBS_NELM_IAT ? it : -1;
    p->iat_sessions = arm == OBS_NELM_IAT ? ns : -1;

    /* Linear predictor: the surgical benefit applies to symptomatic
     * surgical patients only (see the design note). */
    double delta = p->burden_gt25 ? DELTA_BURDEN_HIGH : DELTA_BURDEN_LOW;
    double eta = BETA_BURDEN * p->burden_gt25 + BETA_EXTRAHEPATIC * p->extrahepatic
               + BETA_AGE10 * (age - 60.0) / 10.0 + BETA_SITE[p->primary_site];
    if (!(arm == OBS_NELM_SURGERY && p->symptomatic)) eta += delta;

    double e = obs_rng_exponential(r);
    double t_death = SCALE * exp((log(e) - eta) / SHAPE);
    double t_admin = (END_OF_FOLLOWUP - p->treated_at) * 12.0;
    double t_lost = obs_rng_exponential(r) / LOSS_RATE;
    double c = t_admin < t_lost ? t_admin : t_lost;
    p->status = t_death <= c;
    p->time = round_time(p->status ? t_death : c);

    /* Missing values, MCAR, drawn always so the stream stays aligned. */
    if (bernoulli(r, P_MISS_AGE)) p->age = NAN;
    if (bernoulli(r, P_MISS_SITE)) p->primary_site = -1;
    if (bernoulli(r, P_MISS_HORMONAL)) p->hormonal = -1;
    if (bernoulli(r, P_MISS_SYMPTOMATIC)) p->symptomatic = -1;
    if (bernoulli(r, P_MISS_BURDEN)) p->burden_gt25 = -1;
    if (bernoulli(r, P_MISS_EXTRAHEPATIC)) p->extrahepatic = -1;
}

/*
 * obs_simulate_nelm — contract.
 *   o     options (seed, n >= 2, n <= OBS_NELM_MAX_N).
 *   rows  out: malloc'd array of *n patients, ids 1..n; caller frees.
 * Arms: exactly round(n * 339 / 753) surgical patients, the rest IAT, in an
 * order shuffled by Fisher-Yates; then each patient's draws in a fixed order.
 * Status: OBS_OK, OBS_EUSAGE (bad n), OBS_ENOMEM.
 */
obs_status obs_simulate_nelm(const obs_nelm_options *o, obs_nelm_patient **rows,
                             size_t *n, obs_error *err)
{
    *rows = NULL;
    *n = 0;
    if (o->n < 2 || o->n > OBS_NELM_MAX_N)
        return obs_error_set(err, OBS_EUSAGE, "--n must be between 2 and %d, got %zu",
                             OBS_NELM_MAX_N, o->n);
    obs_nelm_patient *p = calloc(o->n, sizeof *p);
    if (!p) return obs_error_set(err, OBS_ENOMEM, "out of memory for %zu patients", o->n);

    obs_rng r;
    obs_rng_seed(&r, o->seed);
    size_t nsurg = (o->n * 339 + 376) / 753;   /* round(n * 339 / 753) */
    for (size_t i = 0; i < o->n; i++)
        p[i].treatment = i < nsurg ? OBS_NELM_SURGERY : OBS_NELM_IAT;
    for (size_t i = o->n - 1; i > 0; i--) {
        size_t j = (size_t)obs_rng_below(&r, (uint64_t)i + 1);
        int t = p[i].treatment;
        p[i].treatment = p[j].treatment;
        p[j].treatment = t;
    }
    for (size_t i = 0; i < o->n; i++) {
        draw_patient(&r, p[i].treatment, &p[i]);
        p[i].id = (int)(i + 1);
    }
    *rows = p;
    *n = o->n;
    return OBS_OK;
}

/* ---- CSV ---------------------------------------------------------------- */

static const char *const TREATMENT_NAME[2] = {"surgery", "IAT"};
static const char *const SITE_NAME[OBS_NELM_NSITE] = {
    "pancreas", "small_bowel", "unknown", "colorectal", "lung", "other"};
static const char *const SURGERY_TYPE_NAME[3] = {"resection", "resection_ablation", "ablation"};
static const char *const IAT_TYPE_NAME[3] = {"chemoembolization", "bland_embolization",
                                             "radioembolization"};

const char *obs_nelm_treatment_name(int c) { return c >= 0 && c < 2 ? TREATMENT_NAME[c] : "NA"; }
const char *obs_nelm_site_name(int c) { return c >= 0 && c < OBS_NELM_NSITE ? SITE_NAME[c] : "NA"; }
const char *obs_nelm_surgery_type_name(int c) { return c >= 0 && c < 3 ? SURGERY_TYPE_NAME[c] : "NA"; }
const char *obs_nelm_iat_type_name(int c) { return c >= 0 && c < 3 ? IAT_TYPE_NAME[c] : "NA"; }

/* Format a 0/1 flag or NA. */
static const char *flag(int v)
{
    return v < 0 ? "NA" : v ? "1" : "0";
}

static const char HEADER[] =
    "id,center,year,age,sex,primary_site,hormonal,symptomatic,burden_gt25,"
    "extrahepatic,treatment,surgery_type,iat_type,iat_sessions,time,status\n";

obs_status obs_nelm_write_csv(const obs_nelm_patient *rows, size_t n,
                              obs_write_fn write, void *ctx, obs_error *err)
{
    if (write(ctx, HEADER, sizeof HEADER - 1))
        return obs_error_set(err, OBS_EIO, "cannot write the simulated registry");
    char line[256], age[16], sessions[16];
    for (size_t i = 0; i < n; i++) {
        const obs_nelm_patient *p = &rows[i];
        if (isnan(p->age)) strcpy(age, "NA");
        else snprintf(age, sizeof age, "%d", (int)p->age);
        if (p->iat_sessions < 0) strcpy(sessions, "NA");
        else snprintf(sessions, sizeof sessions, "%d", p->iat_sessions);
        int len = snprintf(line, sizeof line, "%d,%d,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%.2f,%d\n",
                           p->id, p->center, p->year, age, p->male ? "male" : "female",
                           obs_nelm_site_name(p->primary_site), flag(p->hormonal),
                           flag(p->symptomatic), flag(p->burden_gt25), flag(p->extrahepatic),
                           obs_nelm_treatment_name(p->treatment),
                           obs_nelm_surgery_type_name(p->surgery_type),
                           obs_nelm_iat_type_name(p->iat_type), sessions, p->time, p->status);
        if (len < 0 || (size_t)len >= sizeof line || write(ctx, line, (size_t)len))
            return obs_error_set(err, OBS_EIO, "cannot write the simulated registry (row %zu)",
                                 i + 1);
    }
    return OBS_OK;
}

static int write_stdio(void *ctx, const char *buf, size_t len)
{
    return fwrite(buf, 1, len, (FILE *)ctx) != len;
}

obs_status obs_nelm_write_file(const obs_nelm_patient *rows, size_t n, FILE *fp,
                               obs_error *err)
{
    return obs_nelm_write_csv(rows, n, write_stdio, fp, err);
}
