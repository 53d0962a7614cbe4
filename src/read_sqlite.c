/*
 * read_sqlite.c — a SQLite table, view or query into an obs_table; the
 * typing rules are in obsurv/reader.h.
 *
 * Safety: the database is opened SQLITE_OPEN_READONLY, then PRAGMA
 * query_only = 1 (no statement may write, even through a user query),
 * trusted_schema = 0 and the defensive flag (a hostile schema cannot call
 * functions with side effects), cell_size_check = 1 (corrupt pages are
 * detected early), and limits on value length and column count.  A user
 * query must be one statement that sqlite3_stmt_readonly accepts.
 *
 * Typing is decided after all rows are read (obs_builder): a column whose
 * cells are all INTEGER/REAL/NULL is numeric; one with any TEXT cell is a
 * factor, its numbers turned into the text SQLite itself would give
 * (CAST(x AS TEXT): integers in decimal, reals "%!.15g", e.g. 1.0, 2.5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "obsurv/reader.h"
#include "read_builder.h"

static void sqlite_number_text(double v, int isint, char *buf, size_t n)
{
    if (isint) snprintf(buf, n, "%lld", (long long)v);
    else sqlite3_snprintf((int)n, buf, "%!.15g", v);
}

static obs_status db_error(sqlite3 *db, const char *source, int rc, obs_error *err)
{
    int code = rc & 0xff;
    if (code == SQLITE_NOMEM) return obs_error_set(err, OBS_ENOMEM, "%s: out of memory", source);
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        return obs_error_set(err, OBS_EDATA, "%s: not a readable SQLite database: %s", source,
                             sqlite3_errmsg(db));
    if (code == SQLITE_CANTOPEN || code == SQLITE_IOERR)
        return obs_error_set(err, OBS_EIO, "%s: %s", source, sqlite3_errmsg(db));
    return obs_error_set(err, OBS_EDATA, "%s: %s", source, sqlite3_errmsg(db));
}

/* The tables of the database, comma-separated, into buf; their count. */
static int list_tables(sqlite3 *db, char *buf, size_t n, obs_status *rc, const char *source,
                       obs_error *err)
{
    sqlite3_stmt *st = NULL;
    int count = 0, r;
    size_t len = 0;
    buf[0] = '\0';
    r = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
                               "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", -1, &st, NULL);
    if (r != SQLITE_OK) {
        *rc = db_error(db, source, r, err);
        return -1;
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (len < n) len += snprintf(buf + len, n - len, "%s%s", count ? ", " : "", name ? name : "");
        count++;
    }
    if (len >= n && n > 4) strcpy(buf + n - 4, "...");
    if (r != SQLITE_DONE) {
        *rc = db_error(db, source, r, err);
        count = -1;
    }
    sqlite3_finalize(st);
    return count;
}

/* 1 when a table or view called name exists. */
static int relation_exists(sqlite3 *db, const char *name, obs_status *rc, const char *source,
                           obs_error *err)
{
    sqlite3_stmt *st = NULL;
    int r = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ?1",
                               -1, &st, NULL);
    if (r != SQLITE_OK) {
        *rc = db_error(db, source, r, err);
        return -1;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    int found = r == SQLITE_ROW;
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        *rc = db_error(db, source, r, err);
        found = -1;
    }
    sqlite3_finalize(st);
    return found;
}

/* Only white space, semicolons and SQL comments in s. */
static int only_trailing_noise(const char *s)
{
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ';') s++;
        else if (s[0] == '-' && s[1] == '-') {
            while (*s && *s != '\n') s++;
        } else if (s[0] == '/' && s[1] == '*') {
            const char *e = strstr(s + 2, "*/");
            if (!e) return 1;
            s = e + 2;
        } else return 0;
    }
    return 1;
}

/* Read from an open database handle; see obs_sqlite_read. */
static obs_status read_db(sqlite3 *db, const char *source, const obs_read_options *opt,
                          obs_table **out, obs_error *err)
{
    obs_status rc = OBS_OK;
    sqlite3_stmt *st = NULL;
    char *sql = NULL;
    char tables[512];
    obs_builder b;
    int have_builder = 0, r;
    const char *table = opt ? opt->table : NULL, *query = opt ? opt->query : NULL;

    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)OBS_READ_MAX_STRING);
    sqlite3_limit(db, SQLITE_LIMIT_COLUMN, OBS_READ_MAX_COLS > 32767 ? 32767 : OBS_READ_MAX_COLS);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    r = sqlite3_exec(db, "PRAGMA query_only = 1; PRAGMA cell_size_check = 1;", NULL, NULL, NULL);
    if (r != SQLITE_OK) return db_error(db, source, r, err);

    if (table && query)
        return obs_error_set(err, OBS_EUSAGE, "%s: give --table or --query, not both", source);
    if (query) {
        const char *tail = NULL;
        r = sqlite3_prepare_v2(db, query, -1, &st, &tail);
        if (r != SQLITE_OK) {
            rc = obs_error_set(err, (r & 0xff) == SQLITE_NOTADB || (r & 0xff) == SQLITE_CORRUPT ? OBS_EDATA
                                                                                                : OBS_EUSAGE,
                               "%s: --query: %s", source, sqlite3_errmsg(db));
            goto done;
        }
        if (!st) {
            rc = obs_error_set(err, OBS_EUSAGE, "%s: --query is empty", source);
            goto done;
        }
        if (tail && !only_trailing_noise(tail)) {
            rc = obs_error_set(err, OBS_EUSAGE, "%s: --query must be a single SELECT statement", source);
            goto done;
        }
        if (!sqlite3_stmt_readonly(st) || sqlite3_column_count(st) == 0) {
            rc = obs_error_set(err, OBS_EUSAGE, "%s: --query must be a SELECT statement that returns rows", source);
            goto done;
        }
    } else {
        int ntables = list_tables(db, tables, sizeof tables, &rc, source, err);
        if (ntables < 0) goto done;
        if (table) {
            int found = relation_exists(db, table, &rc, source, err);
            if (found < 0) goto done;
            if (!found) {
                rc = obs_error_set(err, OBS_EUSAGE, "%s: no table \"%s\" (tables: %s)", source, table,
                                   ntables ? tables : "none");
                goto done;
            }
        } else if (ntables != 1) {
            rc = obs_error_set(err, OBS_EUSAGE,
                               ntables == 0 ? "%s: the database has no tables%s"
                                            : "%s: the database has several tables (%s); choose one with --table NAME or --query SQL",
                               source, ntables ? tables : "");
            goto done;
        } else {
            table = tables;   /* exactly one name, no separator */
        }
        sql = sqlite3_mprintf("SELECT * FROM \"%w\"", table);
        if (!sql) {
            rc = obs_error_set(err, OBS_ENOMEM, "%s: out of memory", source);
            goto done;
        }
        r = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
        if (r != SQLITE_OK) {
            rc = db_error(db, source, r, err);
            goto done;
        }
    }

    int ncol = sqlite3_column_count(st);
    rc = obs_builder_init(&b, (size_t)ncol, source, err);
    if (rc) goto done;
    have_builder = 1;
    for (int j = 0; j < ncol && rc == OBS_OK; j++) {
        const char *name = sqlite3_column_name(st, j);
        for (int k = 0; k < j; k++)
            if (strcmp(b.cols[k].name, name ? name : "") == 0) {
                rc = obs_error_set(err, OBS_EDATA, "%s: duplicate column name \"%s\"", source, name);
                goto done;
            }
        rc = obs_builder_set_name(&b, (size_t)j, name, NULL, err);
    }
    if (rc) goto done;
    /* a table with no rows still needs storage in each column */
    if (ncol > 0) {
        rc = obs_builder_row(&b, 0, err);
        b.nrow = 0;
        if (rc) goto done;
    }
    size_t row = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        rc = obs_builder_row(&b, row, err);
        if (rc) goto done;
        for (int j = 0; j < ncol; j++) {
            switch (sqlite3_column_type(st, j)) {
            case SQLITE_NULL:
                obs_builder_set_missing(&b, row, (size_t)j);
                break;
            case SQLITE_INTEGER:
                rc = obs_builder_set_int(&b, row, (size_t)j, sqlite3_column_int64(st, j), err);
                break;
            case SQLITE_FLOAT:
                obs_builder_set_num(&b, row, (size_t)j, sqlite3_column_double(st, j));
                break;
            case SQLITE_TEXT: {
                const unsigned char *s = sqlite3_column_text(st, j);
                int len = sqlite3_column_bytes(st, j);
                if (!s && len > 0) rc = obs_error_set(err, OBS_ENOMEM, "%s: out of memory", source);
                else rc = obs_builder_set_text(&b, row, (size_t)j, (const char *)s, (size_t)len, err);
                break;
            }
            default:
                rc = obs_error_set(err, OBS_EDATA, "%s: row %zu: column \"%s\": a BLOB value cannot be read",
                                   source, row + 1, b.cols[j].name);
            }
            if (rc) goto done;
        }
        row++;
    }
    if (r != SQLITE_DONE) {
        rc = db_error(db, source, r, err);
        goto done;
    }
    have_builder = 0;
    rc = obs_builder_finish(&b, sqlite_number_text, out, err);
done:
    if (have_builder) obs_builder_free(&b);
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return rc;
}

obs_status obs_sqlite_read(const char *path, const obs_read_options *opt, obs_table **out,
                           obs_error *err)
{
    sqlite3 *db = NULL;
    *out = NULL;
    int r = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    obs_status rc;
    if (r != SQLITE_OK) rc = db ? db_error(db, path, r, err) : obs_error_set(err, OBS_ENOMEM, "%s: out of memory", path);
    else rc = read_db(db, path, opt, out, err);
    sqlite3_close(db);
    return rc;
}

obs_status obs_sqlite_read_buffer(const void *buf, size_t len, const char *source,
                                  const obs_read_options *opt, obs_table **out, obs_error *err)
{
    sqlite3 *db = NULL;
    obs_status rc;
    *out = NULL;
    source = source ? source : "<memory>";
    int r = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL);
    if (r != SQLITE_OK) {
        rc = obs_error_set(err, OBS_ENOMEM, "%s: out of memory", source);
    } else {
        /* a private copy: SQLite may not write to the caller's buffer */
        unsigned char *copy = sqlite3_malloc64(len ? len : 1);
        if (!copy) {
            rc = obs_error_set(err, OBS_ENOMEM, "%s: out of memory", source);
        } else {
            if (len) memcpy(copy, buf, len);
            r = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
                                    SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
            rc = r == SQLITE_OK ? read_db(db, source, opt, out, err) : db_error(db, source, r, err);
        }
    }
    sqlite3_close(db);
    return rc;
}
