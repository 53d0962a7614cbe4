/*
 * fuzz_study_spec.c — libFuzzer target for the YAML study specification
 * (obs_study_spec_load).  The loader takes a path, so each input is written
 * to an in-memory file (memfd) and loaded through /proc/self/fd/N.  The
 * call must return OBS_OK with a spec, or an error with no spec and a
 * message; never crash, leak or overflow.
 *
 * Build and run: scripts/fuzz.sh study_spec  (seed corpus tests/fuzz/corpus/study_spec/)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "obsurv/study.h"

static int memfd = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memfd < 0) {
        memfd = memfd_create("fuzz_study_spec", 0);
        if (memfd < 0) __builtin_trap();
    }
    if (ftruncate(memfd, 0) != 0) __builtin_trap();
    size_t off = 0;
    while (off < size) {
        ssize_t w = pwrite(memfd, data + off, size - off, (off_t)off);
        if (w <= 0) __builtin_trap();
        off += (size_t)w;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
    obs_study_spec *s = NULL;
    obs_error err;
    obs_error_clear(&err);
    obs_status st = obs_study_spec_load(path, &s, &err);
    if ((st == OBS_OK) != (s != NULL)) __builtin_trap();
    if (st != OBS_OK && err.msg[0] == '\0') __builtin_trap();
    obs_study_spec_free(&s);
    return 0;
}
