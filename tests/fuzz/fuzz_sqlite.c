/*
 * fuzz_sqlite.c — libFuzzer target for the SQLite reader
 * (obs_sqlite_read_buffer): a database image from memory, read as its only
 * table (or failing with the list of tables).  Must never crash, leak or
 * write: the image is deserialized read-only.
 *
 * Build: as fuzz_readstat.c, with this file instead; seed corpus
 * the .sqlite files of tests/golden/formats.
 */
#include <stddef.h>
#include <stdint.h>
#include "obsurv/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    obs_table *t = NULL;
    obs_error err;
    obs_status st = obs_sqlite_read_buffer(data, size, "fuzz", NULL, &t, &err);
    if ((st == OBS_OK) != (t != NULL)) __builtin_trap();
    obs_table_free(&t);
    return 0;
}
