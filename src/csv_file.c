/*
 * csv_file.c — obs_csv_read: bring a CSV file into memory for
 * obs_csv_read_buffer (csv.c).
 *
 * A regular file is mapped read-only and read ahead (MADV_SEQUENTIAL); its
 * pages are mapped as the parser's threads reach them (without
 * MAP_POPULATE, which mapped all of them on one thread before the parse:
 * 2-6 ms slower at 190 MB); standard input, pipes and other non-seekable files are read
 * whole into a growing buffer (doubling: each byte is copied at most about
 * once more on average; with glibc's default mmap threshold large blocks
 * even move by mremap, without a copy).  The buffer or mapping is released
 * before returning: the table owns copies of everything it keeps.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "obsurv/csv.h"
#include "obsurv/csv_opts.h"

/* Read all of fd into a malloc'd buffer (pipes, standard input). */
static obs_status slurp(int fd, const char *name, char **buf, size_t *len, obs_error *err)
{
    size_t cap = 1 << 20, n = 0;
#ifdef F_SETPIPE_SZ
    (void)fcntl(fd, F_SETPIPE_SZ, 1 << 20); /* fewer, larger reads from a pipe; may fail */
#endif
    char *b = malloc(cap);
    if (!b) return obs_error_set(err, OBS_ENOMEM, "%s: out of memory", name);
    for (;;) {
        if (n == cap) {
            if (cap > SIZE_MAX / 2) { free(b); return obs_error_set(err, OBS_ENOMEM, "%s: input too large", name); }
            char *nb = realloc(b, cap * 2);
            if (!nb) { free(b); return obs_error_set(err, OBS_ENOMEM, "%s: out of memory (%zu bytes read)", name, n); }
            b = nb;
            cap *= 2;
        }
        ssize_t got = read(fd, b + n, cap - n);
        if (got < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            free(b);
            return obs_error_set(err, OBS_EIO, "%s: read error: %s", name, strerror(e));
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    *buf = b;
    *len = n;
    return OBS_OK;
}

obs_status obs_csv_read(const char *path, obs_table **out, obs_error *err)
{
    obs_csv_options o = {NULL, 0, NULL, NULL};   /* all columns, threads auto */
    return obs_csv_read_opts(path, &o, out, err);
}

obs_status obs_csv_read_opts(const char *path, const obs_csv_options *o,
                             obs_table **out, obs_error *err)
{
    int is_stdin = path && strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    int fd;
    struct stat sb;
    obs_status st;

    memset(&sb, 0, sizeof sb);
    *out = NULL;
    if (!path) return obs_error_set(err, OBS_EUSAGE, "no CSV path given");
    fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return obs_error_set(err, OBS_EIO, "cannot open %s: %s", path, strerror(errno));
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) {
        if ((uintmax_t)sb.st_size > SIZE_MAX) {
            if (!is_stdin) close(fd);
            return obs_error_set(err, OBS_ENOMEM, "%s: file too large", name);
        }
        size_t len = (size_t)sb.st_size;
        void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map != MAP_FAILED) {
            if (!is_stdin) close(fd);
            madvise(map, len, MADV_SEQUENTIAL);
            st = obs_csv_read_buffer_opts(map, len, name, o, out, err);
            munmap(map, len);
            return st;
        }
    }
    if (S_ISDIR(sb.st_mode)) {
        if (!is_stdin) close(fd);
        return obs_error_set(err, OBS_EIO, "cannot read %s: is a directory", name);
    }
    char *buf = NULL;
    size_t len = 0;
    st = slurp(fd, name, &buf, &len, err);
    if (!is_stdin) close(fd);
    if (st) return st;
    st = obs_csv_read_buffer_opts(buf, len, name, o, out, err);
    free(buf);
    return st;
}
