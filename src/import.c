/*
 * import.c — multi-center import into a SQLite registry; see obsurv/import.h.
 *
 * Order of work (all checks before the first write, one transaction):
 *   1. hash every file (SHA-256) and refuse one given twice;
 *   2. read every file (obs_read_table) and check its schema against the
 *      first file's: same column names, same types;
 *   3. open the registry, BEGIN IMMEDIATE (a writer lock, so two imports
 *      cannot interleave), refuse hashes already in import_log, check or
 *      create the registry table;
 *   4. insert every row of every file (prepared statement, values bound),
 *      then one log row per file; COMMIT.  Any error: ROLLBACK.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>
#include "obsurv/import.h"
#include "obsurv/reader.h"
#include "obsurv/table.h"

#define OBS_READ_MAX_COLS_IMPORT 1999   /* SQLite allows 2000 columns per table, "center" is one */

static const char *type_name(obs_col_type t)
{
    return t == OBS_COL_NUMERIC ? "numeric" : "text";
}

/* Check table t (from path) against the reference ref (from ref_path). */
static obs_status check_schema(const obs_table *ref, const char *ref_path, const obs_table *t,
                               const char *path, obs_error *err)
{
    for (size_t j = 0; j < ref->ncol; j++) {
        long k = obs_table_find(t, ref->cols[j].name);
        if (k < 0)
            return obs_error_set(err, OBS_EDATA, "%s: no column \"%s\", which %s has: the schemas differ",
                                 path, ref->cols[j].name, ref_path);
        if (t->cols[k].type != ref->cols[j].type)
            return obs_error_set(err, OBS_EDATA, "column \"%s\" is %s in %s but %s in %s",
                                 ref->cols[j].name, type_name(ref->cols[j].type), ref_path,
                                 type_name(t->cols[k].type), path);
    }
    for (size_t j = 0; j < t->ncol; j++)
        if (obs_table_find(ref, t->cols[j].name) < 0)
            return obs_error_set(err, OBS_EDATA, "%s: column \"%s\" is not in %s: the schemas differ",
                                 path, t->cols[j].name, ref_path);
    return OBS_OK;
}

static obs_status sql_fail(sqlite3 *db, const char *registry, const char *what, obs_error *err)
{
    int code = sqlite3_errcode(db) & 0xff;
    obs_status st = code == SQLITE_NOTADB || code == SQLITE_CORRUPT ? OBS_EDATA
                  : code == SQLITE_NOMEM ? OBS_ENOMEM : OBS_EIO;
    return obs_error_set(err, st, "%s: %s: %s", registry, what, sqlite3_errmsg(db));
}

/* Check the existing registry table's columns against the data (ref);
 * *exists = 0 when there is no such table. */
static obs_status check_registry_table(sqlite3 *db, const char *registry, const char *table,
                                       const obs_table *ref, const char *ref_path, int *exists,
                                       obs_error *err)
{
    obs_status rc = OBS_OK;
    sqlite3_stmt *st = NULL;
    size_t seen = 0;
    int has_center = 0;
    *exists = 0;
    char *sql = sqlite3_mprintf("SELECT name, upper(type) FROM pragma_table_info(%Q)", table);
    if (!sql) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = sql_fail(db, registry, "reading the registry schema", err);
        goto done;
    }
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *type = (const char *)sqlite3_column_text(st, 1);
        *exists = 1;
        if (!name) continue;
        if (strcmp(name, "center") == 0) {
            has_center = 1;
            continue;
        }
        long k = obs_table_find(ref, name);
        if (k < 0) {
            rc = obs_error_set(err, OBS_EDATA, "%s: no column \"%s\", which table \"%s\" of %s has: the schemas differ",
                               ref_path, name, table, registry);
            goto done;
        }
        obs_col_type want = type && strstr(type, "TEXT") ? OBS_COL_FACTOR : OBS_COL_NUMERIC;
        if (ref->cols[k].type != want) {
            rc = obs_error_set(err, OBS_EDATA, "column \"%s\" is %s in table \"%s\" of %s but %s in %s",
                               name, type_name(want), table, registry, type_name(ref->cols[k].type), ref_path);
            goto done;
        }
        seen++;
    }
    if (r != SQLITE_DONE) {
        rc = sql_fail(db, registry, "reading the registry schema", err);
        goto done;
    }
    if (*exists && !has_center) {
        rc = obs_error_set(err, OBS_EDATA, "%s: table \"%s\" has no \"center\" column: not a registry table",
                           registry, table);
    } else if (*exists && seen != ref->ncol) {
        for (size_t j = 0; j < ref->ncol; j++) {
            /* find the data column the registry lacks */
            sqlite3_reset(st);
            int found = 0;
            while (sqlite3_step(st) == SQLITE_ROW)
                if (strcmp((const char *)sqlite3_column_text(st, 0), ref->cols[j].name) == 0) found = 1;
            if (!found) {
                rc = obs_error_set(err, OBS_EDATA, "%s: column \"%s\" is not in table \"%s\" of %s: the schemas differ",
                                   ref_path, ref->cols[j].name, table, registry);
                break;
            }
        }
        if (rc == OBS_OK)
            rc = obs_error_set(err, OBS_EDATA, "%s: the columns differ from table \"%s\" of %s", ref_path, table, registry);
    }
done:
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return rc;
}

static obs_status create_tables(sqlite3 *db, const char *registry, const char *table,
                                const obs_table *ref, int table_exists, obs_error *err)
{
    obs_status rc = OBS_OK;
    char *sql = NULL;
    if (sqlite3_exec(db,
                     "CREATE TABLE IF NOT EXISTS import_log ("
                     " id INTEGER PRIMARY KEY, registry_table TEXT NOT NULL, center TEXT NOT NULL,"
                     " file TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE, rows INTEGER NOT NULL,"
                     " columns INTEGER NOT NULL, time TEXT NOT NULL)",
                     NULL, NULL, NULL) != SQLITE_OK)
        return sql_fail(db, registry, "creating the import log", err);
    if (table_exists) return OBS_OK;
    sql = sqlite3_mprintf("CREATE TABLE \"%w\" (\"center\" TEXT NOT NULL", table);
    for (size_t j = 0; sql && j < ref->ncol; j++) {
        char *next = sqlite3_mprintf("%s, \"%w\" %s", sql, ref->cols[j].name,
                                     ref->cols[j].type == OBS_COL_NUMERIC ? "REAL" : "TEXT");
        sqlite3_free(sql);
        sql = next;
    }
    char *full = sql ? sqlite3_mprintf("%s)", sql) : NULL;
    sqlite3_free(sql);
    if (!full) return obs_error_set(err, OBS_ENOMEM, "out of memory");
    if (sqlite3_exec(db, full, NULL, NULL, NULL) != SQLITE_OK)
        rc = sql_fail(db, registry, "creating the registry table", err);
    sqlite3_free(full);
    return rc;
}

/* Refuse a hash already logged. */
static obs_status check_log(sqlite3 *db, const char *registry, const obs_import_entry *e,
                            obs_error *err)
{
    sqlite3_stmt *st = NULL;
    obs_status rc = OBS_OK;
    if (sqlite3_prepare_v2(db, "SELECT file, center, registry_table, time FROM import_log WHERE sha256 = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return sql_fail(db, registry, "reading the import log", err);
    sqlite3_bind_text(st, 1, e->sha256, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        rc = obs_error_set(err, OBS_EUSAGE,
                           "%s: already imported into %s (as %s, center %s, table %s, at %s; sha256 %s)",
                           e->path, registry, sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                           sqlite3_column_text(st, 2), sqlite3_column_text(st, 3), e->sha256);
    else if (r != SQLITE_DONE)
        rc = sql_fail(db, registry, "reading the import log", err);
    sqlite3_finalize(st);
    return rc;
}

/* Insert every row of t for center; the statement's parameters are
 * ?1 = center, ?2.. = ref's columns in order. */
static obs_status insert_rows(sqlite3 *db, sqlite3_stmt *ins, const char *registry,
                              const obs_table *ref, const obs_table *t, const char *center,
                              const obs_import_options *opt, size_t *done, obs_error *err)
{
    long map[OBS_READ_MAX_COLS_IMPORT];
    for (size_t j = 0; j < ref->ncol; j++) map[j] = obs_table_find(t, ref->cols[j].name);
    for (size_t i = 0; i < t->nrow; i++) {
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, center, -1, SQLITE_STATIC);
        for (size_t j = 0; j < ref->ncol; j++) {
            const obs_column *c = &t->cols[map[j]];
            int p = (int)j + 2;
            if (c->missing[i]) sqlite3_bind_null(ins, p);
            else if (c->type == OBS_COL_NUMERIC) sqlite3_bind_double(ins, p, c->num[i]);
            else sqlite3_bind_text(ins, p, c->levels[c->codes[i]], -1, SQLITE_STATIC);
        }
        if (sqlite3_step(ins) != SQLITE_DONE) return sql_fail(db, registry, "inserting a row", err);
        ++*done;
        if (opt && opt->on_row && opt->on_row(*done, opt->ctx))
            return obs_error_set(err, OBS_EIO, "%s: import interrupted after %zu rows; nothing was imported",
                                 registry, *done);
    }
    return OBS_OK;
}

void obs_import_result_free(obs_import_result *res)
{
    if (!res) return;
    for (size_t k = 0; k < res->nfiles && res->files; k++) {
        free(res->files[k].center);
        free(res->files[k].path);
    }
    free(res->files);
    free(res->table);
    memset(res, 0, sizeof *res);
}

obs_status obs_import(const char *registry, const obs_import_source *src, size_t n,
                      const obs_import_options *opt, obs_import_result *res, obs_error *err)
{
    obs_status rc = OBS_OK;
    obs_table **tables = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL, *log = NULL;
    char *sql = NULL;
    int in_tx = 0;
    const char *table = opt && opt->table ? opt->table : "registry";
    memset(res, 0, sizeof *res);

    if (!registry || !*registry) return obs_error_set(err, OBS_EUSAGE, "import: no registry (--into PATH)");
    if (n == 0) return obs_error_set(err, OBS_EUSAGE, "import: no files (--center NAME FILE)");
    if (!*table || strcmp(table, "import_log") == 0 || strncmp(table, "sqlite_", 7) == 0)
        return obs_error_set(err, OBS_EUSAGE, "import: \"%s\" cannot be the registry table", table);
    res->files = calloc(n, sizeof *res->files);
    tables = calloc(n, sizeof *tables);
    res->table = strdup(table);
    if (!res->files || !tables || !res->table) {
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
        goto done;
    }
    res->nfiles = n;
    /* 1. hashes; 2. tables and schemas */
    for (size_t k = 0; k < n && rc == OBS_OK; k++) {
        obs_import_entry *e = &res->files[k];
        if (!src[k].center || !*src[k].center || !src[k].path) {
            rc = obs_error_set(err, OBS_EUSAGE, "import: file %zu has no center name", k + 1);
            break;
        }
        e->center = strdup(src[k].center);
        e->path = strdup(src[k].path);
        if (!e->center || !e->path) {
            rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
            break;
        }
        rc = obs_sha256_file(src[k].path, e->sha256, err);
        for (size_t q = 0; q < k && rc == OBS_OK; q++)
            if (strcmp(res->files[q].sha256, e->sha256) == 0)
                rc = obs_error_set(err, OBS_EUSAGE, "%s: the same file as %s (sha256 %s): refused",
                                   e->path, res->files[q].path, e->sha256);
        if (rc == OBS_OK) rc = obs_read_table(src[k].path, NULL, &tables[k], err);
        if (rc == OBS_OK && obs_table_find(tables[k], "center") >= 0)
            rc = obs_error_set(err, OBS_EDATA, "%s: has a column \"center\"; import adds that column itself",
                               e->path);
        if (rc == OBS_OK && tables[k]->ncol > OBS_READ_MAX_COLS_IMPORT)
            rc = obs_error_set(err, OBS_EDATA, "%s: %zu columns: over the import limit of %d", e->path,
                               tables[k]->ncol, OBS_READ_MAX_COLS_IMPORT);
        if (rc == OBS_OK && k > 0) rc = check_schema(tables[0], src[0].path, tables[k], src[k].path, err);
        if (rc == OBS_OK) e->rows = tables[k]->nrow;
    }
    if (rc) goto done;
    res->columns = tables[0]->ncol;

    /* 3. the registry, one transaction */
    if (sqlite3_open_v2(registry, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        rc = db ? obs_error_set(err, OBS_EIO, "%s: cannot open the registry: %s", registry, sqlite3_errmsg(db))
                : obs_error_set(err, OBS_ENOMEM, "out of memory");
        goto done;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        rc = sql_fail(db, registry, "cannot start a transaction", err);
        goto done;
    }
    in_tx = 1;
    int exists = 0;
    rc = create_tables(db, registry, table, tables[0], 1, err);   /* the log first: it is checked next */
    for (size_t k = 0; k < n && rc == OBS_OK; k++) rc = check_log(db, registry, &res->files[k], err);
    if (rc == OBS_OK) rc = check_registry_table(db, registry, table, tables[0], src[0].path, &exists, err);
    if (rc == OBS_OK) rc = create_tables(db, registry, table, tables[0], exists, err);
    if (rc) goto done;

    /* 4. rows, then the log */
    sql = sqlite3_mprintf("INSERT INTO \"%w\" (\"center\"", table);
    for (size_t j = 0; sql && j < tables[0]->ncol; j++) {
        char *next = sqlite3_mprintf("%s, \"%w\"", sql, tables[0]->cols[j].name);
        sqlite3_free(sql);
        sql = next;
    }
    for (size_t j = 0; sql && j <= tables[0]->ncol; j++) {
        char *next = sqlite3_mprintf(j == 0 ? "%s) VALUES (?" : "%s, ?", sql);
        sqlite3_free(sql);
        sql = next;
    }
    char *full = sql ? sqlite3_mprintf("%s)", sql) : NULL;
    sqlite3_free(sql);
    sql = full;
    if (!sql) {
        rc = obs_error_set(err, OBS_ENOMEM, "out of memory");
        goto done;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO import_log (registry_table, center, file, sha256, rows, columns, time)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                           -1, &log, NULL) != SQLITE_OK) {
        rc = sql_fail(db, registry, "preparing the insert", err);
        goto done;
    }
    size_t done_rows = 0;
    for (size_t k = 0; k < n && rc == OBS_OK; k++) {
        obs_import_entry *e = &res->files[k];
        rc = insert_rows(db, ins, registry, tables[0], tables[k], e->center, opt, &done_rows, err);
        if (rc) break;
        sqlite3_reset(log);
        sqlite3_bind_text(log, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(log, 2, e->center, -1, SQLITE_STATIC);
        sqlite3_bind_text(log, 3, e->path, -1, SQLITE_STATIC);
        sqlite3_bind_text(log, 4, e->sha256, -1, SQLITE_STATIC);
        sqlite3_bind_int64(log, 5, (sqlite3_int64)e->rows);
        sqlite3_bind_int64(log, 6, (sqlite3_int64)tables[k]->ncol);
        if (sqlite3_step(log) != SQLITE_DONE) rc = sql_fail(db, registry, "writing the import log", err);
    }
    if (rc) goto done;
    res->rows = done_rows;
    {
        sqlite3_stmt *cnt = NULL;
        char *q = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", table);
        if (q && sqlite3_prepare_v2(db, q, -1, &cnt, NULL) == SQLITE_OK && sqlite3_step(cnt) == SQLITE_ROW)
            res->registry_rows = (size_t)sqlite3_column_int64(cnt, 0);
        else rc = sql_fail(db, registry, "counting the registry rows", err);
        sqlite3_finalize(cnt);
        sqlite3_free(q);
    }
    if (rc) goto done;
    sqlite3_finalize(ins);
    sqlite3_finalize(log);
    ins = log = NULL;
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = sql_fail(db, registry, "commit failed; nothing was imported", err);
        goto done;
    }
    in_tx = 0;
done:
    sqlite3_finalize(ins);
    sqlite3_finalize(log);
    if (in_tx) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    sqlite3_free(sql);
    if (tables)
        for (size_t k = 0; k < n; k++) obs_table_free(&tables[k]);
    free(tables);
    if (rc) obs_import_result_free(res);
    return rc;
}
