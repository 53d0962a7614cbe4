/*
 * fuzz_readstat.c — libFuzzer target for the ReadStat reader
 * (obs_readstat_read_buffer): Stata, SPSS, SAS7BDAT and XPORT from memory.
 * The format is the one the magic bytes name; inputs without a magic are
 * tried as each format in turn (the first byte picks it), so the parsers see
 * arbitrary bytes too.  Every call must return a status and a table or
 * nothing, without a crash, leak or undefined behaviour.
 *
 * Build (example):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude \
 *     tests/fuzz/fuzz_readstat.c src/read_readstat.c src/read_builder.c src/reader.c \
 *     src/read_sqlite.c src/csv.c src/csv_file.c src/numparse.c src/table.c src/error.c \
 *     -lreadstat -lsqlite3 -lm -o fuzz_readstat
 *   ./fuzz_readstat -max_total_time=60 tests/golden/formats/
 */
#include <stddef.h>
#include <stdint.h>
#include "obsurv/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    obs_format f = obs_format_detect(data, size);
    if (f == OBS_FORMAT_CSV || f == OBS_FORMAT_SQLITE) {
        static const obs_format any[4] = {OBS_FORMAT_STATA, OBS_FORMAT_SPSS, OBS_FORMAT_SAS7BDAT,
                                          OBS_FORMAT_XPORT};
        f = any[size ? data[0] % 4 : 0];
    }
    obs_table *t = NULL;
    obs_error err;
    obs_status st = obs_readstat_read_buffer(data, size, f, "fuzz", &t, &err);
    if ((st == OBS_OK) != (t != NULL)) __builtin_trap();
    obs_table_free(&t);
    return 0;
}
