/*
 * reader.c — dispatch on content to the format readers; see obsurv/reader.h
 * for the magic bytes and the rules every reader follows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "obsurv/reader.h"
#include "obsurv/csv_opts.h"
#include "obsurv/csv.h"
#include "read_builder.h"

static const unsigned char SAS7BDAT_MAGIC[32] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc2, 0xea, 0x81, 0x60,
    0xb3, 0x14, 0x11, 0xcf, 0xbd, 0x92, 0x08, 0x00, 0x09, 0xc7, 0x31, 0x8c, 0x18, 0x1f, 0x10, 0x11};

static int starts(const unsigned char *h, size_t len, const char *magic, size_t mlen)
{
    return len >= mlen && memcmp(h, magic, mlen) == 0;
}

obs_format obs_format_detect(const unsigned char *h, size_t len)
{
    if (starts(h, len, "SQLite format 3", 16)) return OBS_FORMAT_SQLITE;   /* with its NUL */
    if (starts(h, len, "$FL2", 4) || starts(h, len, "$FL3", 4)) return OBS_FORMAT_SPSS;
    if (len >= 32 && memcmp(h, SAS7BDAT_MAGIC, 32) == 0) return OBS_FORMAT_SAS7BDAT;
    if (starts(h, len, "HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!", 48) ||
        starts(h, len, "HEADER RECORD*******LIBV8   HEADER RECORD!!!!!!!", 48))
        return OBS_FORMAT_XPORT;
    if (starts(h, len, "<stata_dta>", 11)) return OBS_FORMAT_STATA;
    if (len >= 4 && h[0] >= 102 && h[0] <= 115 && (h[1] == 1 || h[1] == 2) && h[2] == 1 && h[3] == 0)
        return OBS_FORMAT_STATA;
    return OBS_FORMAT_CSV;
}

/* The binary format an extension promises, or CSV. */
static obs_format format_of_extension(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash)) return OBS_FORMAT_CSV;
    dot++;
    if (strcasecmp(dot, "dta") == 0) return OBS_FORMAT_STATA;
    if (strcasecmp(dot, "sav") == 0 || strcasecmp(dot, "zsav") == 0) return OBS_FORMAT_SPSS;
    if (strcasecmp(dot, "sas7bdat") == 0) return OBS_FORMAT_SAS7BDAT;
    if (strcasecmp(dot, "xpt") == 0) return OBS_FORMAT_XPORT;
    if (strcasecmp(dot, "sqlite") == 0 || strcasecmp(dot, "sqlite3") == 0 || strcasecmp(dot, "db") == 0)
        return OBS_FORMAT_SQLITE;
    return OBS_FORMAT_CSV;
}

obs_status obs_read_file_bytes(const char *path, unsigned char **buf, size_t *len, obs_error *err)
{
    *buf = NULL;
    *len = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp) return obs_error_set(err, OBS_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap);
    obs_status rc = OBS_OK;
    if (!b) {
        rc = obs_error_set(err, OBS_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= OBS_READ_MAX_FILE) {
                rc = obs_error_set(err, OBS_EDATA, "%s: larger than %zu bytes: over the limit", path,
                                   (size_t)OBS_READ_MAX_FILE);
                goto done;
            }
            unsigned char *nb = realloc(b, cap * 2);
            if (!nb) {
                rc = obs_error_set(err, OBS_ENOMEM, "%s: out of memory", path);
                goto done;
            }
            b = nb;
            cap *= 2;
        }
        size_t got = fread(b + n, 1, cap - n, fp);
        n += got;
        if (got == 0) break;
    }
    if (ferror(fp)) rc = obs_error_set(err, OBS_EIO, "%s: read error", path);
done:
    fclose(fp);
    if (rc != OBS_OK) {
        free(b);
        return rc;
    }
    *buf = b;
    *len = n;
    return OBS_OK;
}

static int listed(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp(*list, name) == 0) return 1;
    return 0;
}

/* Keep only the listed columns of t, in file order (others released). */
static void keep_columns(obs_table *t, const char *const *columns)
{
    size_t m = 0;
    for (size_t j = 0; j < t->ncol; j++) {
        obs_column *c = &t->cols[j];
        if (listed(columns, c->name)) {
            if (m != j) t->cols[m] = *c;
            m++;
            continue;
        }
        free(c->name); free(c->label); free(c->num); free(c->codes); free(c->missing);
        for (size_t l = 0; l < c->nlevels; l++) free(c->levels[l]);
        free(c->levels);
    }
    for (size_t j = m; j < t->ncol; j++) memset(&t->cols[j], 0, sizeof t->cols[j]);
    t->ncol = m;
}

/* CSV with the column selection, two threads and the progress hook. */
static obs_status read_csv(const char *path, const obs_read_options *opt, obs_table **out,
                           obs_error *err)
{
    obs_csv_options o = {opt ? opt->columns : NULL, 0, NULL, NULL};
    obs_progress_global_fill(&o.progress, &o.progress_ctx);
    return obs_csv_read_opts(path, &o, out, err);
}

static obs_status read_binary(const char *path, obs_format f, const obs_read_options *opt,
                              obs_table **out, obs_error *err)
{
    obs_status rc = f == OBS_FORMAT_SQLITE ? obs_sqlite_read(path, opt, out, err)
                                           : obs_readstat_read(path, f, out, err);
    if (rc == OBS_OK && opt && opt->columns) keep_columns(*out, opt->columns);
    return rc;
}

obs_status obs_read_table(const char *path, const obs_read_options *opt,
                          obs_table **out, obs_error *err)
{
    unsigned char head[64];
    size_t n = 0;
    int sql_opts = opt && (opt->table || opt->query);
    *out = NULL;
    if (!path) return obs_error_set(err, OBS_EUSAGE, "no input file");
    if (strcmp(path, "-") == 0) {
        if (sql_opts)
            return obs_error_set(err, OBS_EUSAGE, "--table and --query need a SQLite database, not standard input");
        return read_csv(path, opt, out, err);
    }
    FILE *fp = fopen(path, "rb");
    if (!fp) return obs_error_set(err, OBS_EIO, "%s: cannot open: %s", path, strerror(errno));
    n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    obs_format f = obs_format_detect(head, n);
    obs_format ext = format_of_extension(path);
    if (f == OBS_FORMAT_CSV && ext != OBS_FORMAT_CSV)
        return obs_error_set(err, OBS_EDATA, "%s: not a %s file (wrong magic bytes%s)", path,
                             obs_format_name(ext), n == 0 ? "; the file is empty" : "");
    if (sql_opts && f != OBS_FORMAT_SQLITE)
        return obs_error_set(err, OBS_EUSAGE, "%s: --table and --query need a SQLite database; this is a %s file",
                             path, obs_format_name(f));
    return f == OBS_FORMAT_CSV ? read_csv(path, opt, out, err) : read_binary(path, f, opt, out, err);
}
