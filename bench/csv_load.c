/*
 * csv_load.c — time obs_csv_read on a file (best of N runs).
 *
 * usage: csv_load FILE [RUNS]     (default 3 runs)
 * Prints rows, columns, the per-run wall times and the best one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "obsurv/csv.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: csv_load FILE [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    double best = 1e300;
    for (int r = 0; r < runs; r++) {
        obs_table *t = NULL;
        obs_error err;
        double t0 = now();
        obs_status st = obs_csv_read(argv[1], &t, &err);
        double dt = now() - t0;
        if (st) {
            fprintf(stderr, "csv_load: %s\n", err.msg);
            return 2;
        }
        printf("run %d: %.3f s (%zu rows, %zu columns)\n", r + 1, dt, t->nrow, t->ncol);
        if (dt < best) best = dt;
        obs_table_free(&t);
    }
    printf("best of %d: %.3f s\n", runs, best);
    return 0;
}
