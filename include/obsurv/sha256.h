/*
 * obsurv/sha256.h — SHA-256 (FIPS 180-4) of a buffer or a file.
 *
 * Used to fingerprint imported files (the registry's import log refuses a
 * file it has seen) and by the study report.  Streaming interface plus
 * one-shot helpers; the digest is 32 bytes, its hex form 64 lower-case
 * characters and a NUL.
 */
#ifndef OBSURV_SHA256_H
#define OBSURV_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include "obsurv/error.h"

#define OBS_SHA256_BYTES 32
#define OBS_SHA256_HEX 65   /* 64 hex digits + NUL */

typedef struct {
    uint32_t h[8];          /* chaining state H0..H7 */
    uint64_t nbytes;        /* message length so far */
    unsigned char block[64];
    size_t fill;            /* bytes waiting in block */
} obs_sha256_ctx;

void obs_sha256_init(obs_sha256_ctx *c);
void obs_sha256_update(obs_sha256_ctx *c, const void *data, size_t len);
/* Pad, finish and write the 32-byte digest; c must be re-initialised to reuse. */
void obs_sha256_final(obs_sha256_ctx *c, unsigned char digest[OBS_SHA256_BYTES]);

/* One shot: digest of len bytes at data. */
void obs_sha256(const void *data, size_t len, unsigned char digest[OBS_SHA256_BYTES]);
/* Digest as 64 lower-case hex characters + NUL. */
void obs_sha256_hex(const unsigned char digest[OBS_SHA256_BYTES], char hex[OBS_SHA256_HEX]);
/* Hex digest of the file at path (OBS_EIO naming the file when it cannot be read). */
obs_status obs_sha256_file(const char *path, char hex[OBS_SHA256_HEX], obs_error *err);

#endif
