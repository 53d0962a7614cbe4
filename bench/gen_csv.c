/*
 * gen_csv.c — write a reproducible numeric CSV for the CSV load benchmark.
 *
 * usage: gen_csv [NROWS] > file.csv      (default 1,000,000 rows)
 *
 * 13 columns: id,time,status,trt,x1..x9.  id is the row number, time a
 * follow-up in days with 2 decimals, status and trt 0/1, x1..x9 doubles
 * printed with 15 significant digits as R's write.csv prints them
 * (e.g. -0.626453810742332, 123.456789012345), at scales 1 to 1000.
 * A fixed 64-bit LCG (Knuth's MMIX constants) and integer-only formatting
 * of the digits make the bytes identical on every machine: 1M rows are
 * 175,166,203 bytes, md5 d9e505ddf6eaae743dab8c1b2d962d2a.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 20240601u;

static uint64_t next(void)
{
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 11; /* 53 random bits */
}

/* Uniform integer in [0, n). */
static uint64_t below(uint64_t n) { return next() % n; }

int main(int argc, char **argv)
{
    long nrow = argc > 1 ? atol(argv[1]) : 1000000L;
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    fputs("id,time,status,trt,x1,x2,x3,x4,x5,x6,x7,x8,x9\n", stdout);
    for (long i = 1; i <= nrow; i++) {
        uint64_t t = below(500000);          /* time: 0.00 .. 4999.99 */
        printf("%ld,%" PRIu64 ".%02" PRIu64 ",%d,%d", i, t / 100, t % 100,
               (int)below(2), (int)below(2));
        for (int j = 0; j < 9; j++) {
            /* 15 significant digits, j % 4 + 1 of them before the point:
             * |x| in [10^(j%4), 10^(j%4+1)), sign negative half the time */
            int before = j % 4 + 1;
            uint64_t v = 100000000000000ULL + below(900000000000000ULL); /* 15 digits */
            char digits[16];
            snprintf(digits, sizeof digits, "%" PRIu64, v);
            /* drop trailing zeros of the fraction, as %.15g does */
            int last = 14;
            while (last >= before && digits[last] == '0') last--;
            printf(",%s%.*s", below(2) ? "-" : "", before, digits);
            if (last >= before) printf(".%.*s", last - before + 1, digits + before);
        }
        putchar('\n');
    }
    return ferror(stdout) ? 1 : 0;
}
