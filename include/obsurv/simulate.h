/*
 * obsurv/simulate.h — the simulated flagship registry (NELM, surgery vs IAT).
 *
 * The real patient data of Mayo et al. (Ann Surg Oncol 2011;18:3657-65) are
 * not public.  obs_simulate_nelm draws a synthetic registry from a documented
 * model (examples/nelm/README.md, parameters in src/simulate_nelm.c) that
 * reproduces the published figures in expectation: per-arm Kaplan-Meier
 * medians 123 / 34 months and 5-year survival 74% / 30%, the asymptomatic
 * hazard ratio 2.6 and the subgroup pattern.
 *
 *   obs_nelm_options o; obs_nelm_options_default(&o);   // seed 164, n 753
 *   obs_nelm_patient *rows; size_t n;
 *   if (obs_simulate_nelm(&o, &rows, &n, &err) == OBS_OK) {
 *       obs_nelm_write_file(rows, n, stdout, &err);
 *       free(rows);
 *   }
 *
 * Same options, same rows, same CSV bytes on every machine: the generator is
 * obs_rng (xoshiro256**), and the only libm calls are exp, log and sqrt.
 */
#ifndef OBSURV_SIMULATE_H
#define OBSURV_SIMULATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "obsurv/error.h"

#define OBS_NELM_DEFAULT_SEED 164    /* a representative registry: see examples/nelm/README.md */
#define OBS_NELM_DEFAULT_N 753
#define OBS_NELM_MAX_N 10000000      /* cap on --n (rows take ~100 bytes each) */

typedef struct {
    uint64_t seed;   /* default OBS_NELM_DEFAULT_SEED */
    size_t n;        /* patients, >= 2; surgery gets round(n * 339 / 753) */
} obs_nelm_options;

/* Codes of the categorical columns; the CSV writes the names in comments. */
enum { OBS_NELM_SURGERY = 0, OBS_NELM_IAT = 1 };                  /* surgery, IAT */
enum { OBS_NELM_PANCREAS = 0, OBS_NELM_SMALL_BOWEL, OBS_NELM_UNKNOWN_PRIMARY,
       OBS_NELM_COLORECTAL, OBS_NELM_LUNG, OBS_NELM_OTHER_SITE, OBS_NELM_NSITE };
enum { OBS_NELM_RESECTION = 0, OBS_NELM_RESECTION_ABLATION, OBS_NELM_ABLATION };
enum { OBS_NELM_CHEMOEMBOLIZATION = 0, OBS_NELM_BLAND_EMBOLIZATION,
       OBS_NELM_RADIOEMBOLIZATION };

/* One patient.  -1 (or NaN for age) marks a missing value; surgery_type is
 * -1 for IAT patients, iat_type and iat_sessions are -1 for surgical ones. */
typedef struct {
    int id;              /* 1..n */
    int center;          /* 1..9 */
    int year;            /* 1985..2010, year of treatment */
    double treated_at;   /* treatment date in decimal years, year <= . < year+1 */
    double age;          /* years (whole), NaN when missing */
    int male;            /* 0 female, 1 male */
    int primary_site;    /* OBS_NELM_PANCREAS.., -1 missing */
    int hormonal;        /* 0/1, -1 missing */
    int symptomatic;     /* 0/1, -1 missing */
    int burden_gt25;     /* hepatic tumour burden > 25%: 0/1, -1 missing */
    int extrahepatic;    /* extrahepatic disease: 0/1, -1 missing */
    int treatment;       /* OBS_NELM_SURGERY or OBS_NELM_IAT */
    int surgery_type;    /* OBS_NELM_RESECTION.. or -1 */
    int iat_type;        /* OBS_NELM_CHEMOEMBOLIZATION.. or -1 */
    int iat_sessions;    /* 1..4 or -1 */
    double time;         /* months, a multiple of 0.01, > 0, as written */
    int status;          /* 1 dead, 0 censored */
} obs_nelm_patient;

/* Defaults: seed 164, n 753. */
void obs_nelm_options_default(obs_nelm_options *o);

/* Draw the registry.  On OBS_OK *rows is a malloc'd array of *n patients
 * (caller frees with free()); on error *rows is NULL and err says why
 * (OBS_EUSAGE for n < 2 or n > OBS_NELM_MAX_N, OBS_ENOMEM). */
obs_status obs_simulate_nelm(const obs_nelm_options *o, obs_nelm_patient **rows,
                             size_t *n, obs_error *err);

/* Output hook: write len bytes of buf; return 0 on success, non-zero on a
 * write error (the writer then stops with OBS_EIO). */
typedef int (*obs_write_fn)(void *ctx, const char *buf, size_t len);

/* Write rows as CSV (header + one line per patient, "\n" line ends, NA for
 * missing, time with two decimals) through write(ctx, ...). */
obs_status obs_nelm_write_csv(const obs_nelm_patient *rows, size_t n,
                              obs_write_fn write, void *ctx, obs_error *err);

/* The same, into a stdio stream. */
obs_status obs_nelm_write_file(const obs_nelm_patient *rows, size_t n, FILE *fp,
                               obs_error *err);

/* Names of the coded levels as the CSV writes them ("surgery", "pancreas", ...). */
const char *obs_nelm_treatment_name(int code);
const char *obs_nelm_site_name(int code);
const char *obs_nelm_surgery_type_name(int code);
const char *obs_nelm_iat_type_name(int code);

#endif
