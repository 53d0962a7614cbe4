/*
 * gen_surv.c — reproducible synthetic survival data for the benchmarks.
 *
 * usage: gen_surv NROWS [SEED [TRT_INTERCEPT]] > file.csv
 *
 * Columns: id, time, status, trt, x1..x10.  x_j ~ N(0,1) (Box-Muller on a
 * 64-bit LCG), trt ~ Bernoulli(logistic(0.4 x1 - 0.3 x2 + 0.2 x3 + c0)), c0 = -1 by default, so
 * that a propensity model has signal; the event time is exponential with
 * log hazard 0.5 trt + sum_j b_j x_j (b_j = 0.3, -0.2, 0.1, 0, ...), the
 * censoring time exponential with the same mean plus administrative
 * censoring at 10; times rounded to 2 decimals (ties, as registries have).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state;

static double uniform(void)   /* in (0, 1) */
{
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(state >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(void)
{
    return sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    state = argc > 2 ? strtoull(argv[2], NULL, 10) : 2011;
    double c0 = argc > 3 ? atof(argv[3]) : -1.0;   /* -1: 28% treated; -0.9: 30% */
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    static const double b[10] = {0.3, -0.2, 0.1, 0.05, -0.05, 0, 0.2, -0.1, 0, 0.15};
    fputs("id,time,status,trt,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10\n", stdout);
    for (long i = 1; i <= n; i++) {
        double x[10], lp = 0;
        for (int j = 0; j < 10; j++) x[j] = normal();
        double pt = 1 / (1 + exp(-(0.4 * x[0] - 0.3 * x[1] + 0.2 * x[2] + c0)));
        int trt = uniform() < pt;
        lp = 0.5 * trt;
        for (int j = 0; j < 10; j++) lp += b[j] * x[j];
        double te = -log(uniform()) / (0.2 * exp(lp));
        double tc = fmin(-log(uniform()) / 0.2, 10);
        double t = fmin(te, tc);
        t = round(t * 100) / 100;
        if (t <= 0) t = 0.01;
        printf("%ld,%.2f,%d,%d", i, t, te <= tc, trt);
        for (int j = 0; j < 10; j++) printf(",%.6f", x[j]);
        putchar('\n');
    }
    return 0;
}
