/*
 * test_import.c — SHA-256 (src/sha256.c) and the multi-center import
 * (src/import.c).
 *
 * SHA-256: the FIPS 180-4 / NIST example vectors (empty, "abc", the 448-bit
 * two-block message, one million 'a'), and streaming in uneven pieces equals
 * one shot.  Import: a three-center round trip (CSV, Stata and SPSS files of
 * the ovarian data into one registry, read back through the SQLite reader),
 * schema mismatches (missing column, type) naming both files and the column,
 * a repeated file (in one call, and in a later call), and atomicity: a hook
 * that aborts half-way, and a child process killed (SIGKILL) half-way, both
 * leave the registry exactly as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "obsurv/import.h"
#include "obsurv/reader.h"
#include "obsurv/sha256.h"
#include "obsurv/csv.h"

#define FMT_DIR OBSURV_TEST_DIR "/golden/formats/"

static void hex_of(const void *data, size_t len, char hex[OBS_SHA256_HEX])
{
    unsigned char d[OBS_SHA256_BYTES];
    obs_sha256(data, len, d);
    obs_sha256_hex(d, hex);
}

static void test_sha256_vectors(void **state)
{
    (void)state;
    char hex[OBS_SHA256_HEX];
    hex_of("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hex_of("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    memset(million, 'a', 1000000);
    hex_of(million, 1000000, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* streaming in pieces of 1, 2, ..., 127 bytes gives the same digest */
    obs_sha256_ctx c;
    unsigned char d[OBS_SHA256_BYTES];
    obs_sha256_init(&c);
    size_t pos = 0, step = 1;
    while (pos < 1000000) {
        size_t take = step < 1000000 - pos ? step : 1000000 - pos;
        obs_sha256_update(&c, million + pos, take);
        pos += take;
        step = step % 127 + 1;
    }
    obs_sha256_final(&c, d);
    obs_sha256_hex(d, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
    /* 55, 56, 63, 64, 65 bytes: the padding boundaries (sha256sum of 'a' * n) */
    static const struct { size_t n; const char *hex; } pads[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"}};
    char buf[128];
    memset(buf, 'a', sizeof buf);
    for (size_t k = 0; k < 3; k++) {
        hex_of(buf, pads[k].n, hex);
        assert_string_equal(hex, pads[k].hex);
    }
}

/* ------------------------------------------------------------ import */

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/obsurv_import_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static long registry_count(const char *registry, const char *query)
{
    obs_read_options o = {.table = NULL, .query = query};
    obs_table *t = NULL;
    obs_error err;
    if (obs_read_table(registry, &o, &t, &err) != OBS_OK) return -1;
    long n = (long)t->cols[0].num[0];
    obs_table_free(&t);
    return n;
}

static void import_fails(const char *registry, const obs_import_source *src, size_t n,
                         obs_status want, const char *n1, const char *n2, const char *n3)
{
    obs_import_result res;
    obs_error err;
    obs_error_clear(&err);
    obs_status st = obs_import(registry, src, n, NULL, &res, &err);
    if (st != want || !strstr(err.msg, n1) || (n2 && !strstr(err.msg, n2)) || (n3 && !strstr(err.msg, n3)))
        fprintf(stderr, "status %d message \"%s\"\n", st, err.msg);
    assert_int_equal(st, want);
    assert_non_null(strstr(err.msg, n1));
    if (n2) assert_non_null(strstr(err.msg, n2));
    if (n3) assert_non_null(strstr(err.msg, n3));
    assert_int_equal(res.nfiles, 0);
}

static int abort_after(size_t rows, void *ctx)
{
    return rows >= *(size_t *)ctx;
}

static int kill_after(size_t rows, void *ctx)
{
    if (rows >= *(size_t *)ctx) raise(SIGKILL);
    return 0;
}

static void test_three_centers_round_trip(void **state)
{
    (void)state;
    char registry[128];
    snprintf(registry, sizeof registry, "%s/reg.sqlite", tmpdir);
    /* the CSV with Stata-style names (formats.R turns "." into "_") */
    char oslo[128];
    snprintf(oslo, sizeof oslo, "%s/oslo.csv", tmpdir);
    {
        FILE *in = fopen(OBSURV_SHARED_DATA "/ovarian.csv", "r"), *out = fopen(oslo, "w");
        assert_non_null(in);
        assert_non_null(out);
        int ch, header = 1;
        while ((ch = fgetc(in)) != EOF) {
            if (header && ch == '.') ch = '_';
            if (ch == '\n') header = 0;
            fputc(ch, out);
        }
        fclose(in);
        fclose(out);
    }
    obs_import_source src[3] = {{"oslo", oslo},
                                {"lund", FMT_DIR "ovarian.dta"},
                                {"bergen", FMT_DIR "ovarian.sav"}};
    obs_import_result res;
    obs_error err;
    obs_status st = obs_import(registry, src, 3, NULL, &res, &err);
    if (st) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, OBS_OK);
    assert_int_equal(res.rows, 78);
    assert_int_equal(res.registry_rows, 78);
    assert_int_equal(res.columns, 6);
    assert_int_equal(res.nfiles, 3);
    for (size_t k = 0; k < 3; k++) assert_int_equal(res.files[k].rows, 26);
    char hex[OBS_SHA256_HEX];
    assert_int_equal(obs_sha256_file(FMT_DIR "ovarian.dta", hex, &err), OBS_OK);
    assert_string_equal(res.files[1].sha256, hex);
    obs_import_result_free(&res);

    /* read it back: center is a factor, every other column equals ovarian x3 */
    obs_read_options o = {.table = "registry", .query = NULL};
    obs_table *t = NULL, *ov = NULL;
    assert_int_equal(obs_read_table(registry, &o, &t, &err), OBS_OK);
    assert_int_equal(obs_csv_read(OBSURV_SHARED_DATA "/ovarian.csv", &ov, &err), OBS_OK);
    assert_int_equal(t->nrow, 78);
    assert_int_equal(t->ncol, 7);
    const obs_column *center = &t->cols[0];
    assert_string_equal(center->name, "center");
    assert_int_equal(center->type, OBS_COL_FACTOR);
    assert_int_equal(center->nlevels, 3);   /* bergen lund oslo */
    assert_string_equal(center->levels[0], "bergen");
    for (size_t i = 0; i < 78; i++) {
        static const int code[3] = {2, 1, 0};
        assert_int_equal(center->codes[i], code[i / 26]);
        for (size_t j = 0; j < 6; j++) {
            char name[64];
            snprintf(name, sizeof name, "%s", ov->cols[j].name);
            for (char *p = name; *p; p++)
                if (*p == '.') *p = '_';
            assert_string_equal(t->cols[j + 1].name, name);
            assert_true(t->cols[j + 1].num[i] == ov->cols[j].num[i % 26]);
        }
    }
    obs_table_free(&t);
    obs_table_free(&ov);
    assert_int_equal(registry_count(registry, "SELECT count(*) FROM import_log"), 3);
    assert_int_equal(registry_count(registry, "SELECT sum(rows) FROM import_log"), 78);

    /* a repeated file: refused (later call), registry unchanged */
    obs_import_source again[1] = {{"lund2", FMT_DIR "ovarian.dta"}};
    import_fails(registry, again, 1, OBS_EUSAGE, "ovarian.dta", "already imported", "center lund");
    assert_int_equal(registry_count(registry, "SELECT count(*) FROM registry"), 78);

    /* the registry's schema binds later imports: veteran does not fit */
    obs_import_source vet[1] = {{"x", OBSURV_SHARED_DATA "/veteran.csv"}};
    import_fails(registry, vet, 1, OBS_EDATA, "veteran.csv", "reg.sqlite", "futime");

    /* atomicity: a hook aborts after 10 of 26 + 26 rows */
    char f1[128], f2[128];
    snprintf(f1, sizeof f1, "%s/more1.csv", tmpdir);
    snprintf(f2, sizeof f2, "%s/more2.csv", tmpdir);
    write_file(f1, "futime,fustat,age,resid_ds,rx,ecog_ps\n1,1,50,1,1,1\n2,0,60,2,2,2\n");
    write_file(f2, "rx,futime,fustat,age,resid_ds,ecog_ps\n1,3,1,55,1,1\n");   /* other order: fine */
    obs_import_source more[2] = {{"trondheim", f1}, {"tromso", f2}};
    size_t limit = 2;
    obs_import_options abort_opt = {NULL, abort_after, &limit};
    obs_error_clear(&err);
    assert_int_equal(obs_import(registry, more, 2, &abort_opt, &res, &err), OBS_EIO);
    assert_non_null(strstr(err.msg, "nothing was imported"));
    assert_int_equal(registry_count(registry, "SELECT count(*) FROM registry"), 78);
    assert_int_equal(registry_count(registry, "SELECT count(*) FROM import_log"), 3);

    /* a process killed half-way: the journal rolls it back */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        obs_import_options kill_opt = {NULL, kill_after, &limit};
        obs_import(registry, more, 2, &kill_opt, &res, &err);
        _exit(0);   /* not reached */
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_int_equal(registry_count(registry, "SELECT count(*) FROM registry"), 78);
    assert_int_equal(registry_count(registry, "SELECT count(*) FROM import_log"), 3);

    /* killed after enough rows that SQLite has spilled pages into the
     * database file: the hot journal restores it on the next open */
    char big[128];
    snprintf(big, sizeof big, "%s/big.csv", tmpdir);
    {
        FILE *fp = fopen(big, "w");
        assert_non_null(fp);
        fputs("futime,fustat,age,resid_ds,rx,ecog_ps\n", fp);
        for (int i = 0; i < 60000; i++) fprintf(fp, "%d,%d,%d.123456789,1,2,1\n", i, i % 2, 40 + i % 50);
        fclose(fp);
    }
    obs_import_source bigsrc[1] = {{"big", big}};
    size_t big_limit = 59000;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        obs_import_options kill_opt = {NULL, kill_after, &big_limit};
        obs_import(registry, bigsrc, 1, &kill_opt, &res, &err);
        _exit(0);   /* not reached */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    char journal[160];
    snprintf(journal, sizeof journal, "%s-journal", registry);
    assert_int_equal(access(journal, F_OK), 0);   /* the hot journal the kill left */
    assert_int_equal(registry_count(registry, "SELECT count(*) FROM registry"), 78);
    assert_int_equal(registry_count(registry, "SELECT count(*) FROM import_log"), 3);

    /* and then it goes through, columns matched by name */
    assert_int_equal(obs_import(registry, more, 2, NULL, &res, &err), OBS_OK);
    assert_int_equal(res.rows, 3);
    assert_int_equal(res.registry_rows, 81);
    obs_import_result_free(&res);
    assert_int_equal(registry_count(registry, "SELECT rx FROM registry WHERE center = 'tromso'"), 1);
    assert_int_equal(registry_count(registry, "SELECT futime FROM registry WHERE center = 'tromso'"), 3);
}

static void test_schema_mismatch_and_repeats(void **state)
{
    (void)state;
    char registry[128], a[128], b[128], c[128], d[128];
    snprintf(registry, sizeof registry, "%s/reg2.sqlite", tmpdir);
    snprintf(a, sizeof a, "%s/a.csv", tmpdir);
    snprintf(b, sizeof b, "%s/b.csv", tmpdir);
    snprintf(c, sizeof c, "%s/c.csv", tmpdir);
    snprintf(d, sizeof d, "%s/d.csv", tmpdir);
    write_file(a, "time,status,arm\n1,1,x\n2,0,y\n");
    write_file(b, "time,status,arm\n3,1,1\n4,0,2\n");          /* arm numeric here */
    write_file(c, "time,status\n5,1\n");                       /* no arm */
    write_file(d, "time,status,arm,center\n5,1,x,q\n");        /* reserved name */
    obs_import_source ab[2] = {{"A", a}, {"B", b}};
    import_fails(registry, ab, 2, OBS_EDATA, "column \"arm\" is text in", "a.csv", "numeric in");
    obs_import_source ac[2] = {{"A", a}, {"C", c}};
    import_fails(registry, ac, 2, OBS_EDATA, "c.csv: no column \"arm\"", "a.csv", NULL);
    obs_import_source ca[2] = {{"C", c}, {"A", a}};
    import_fails(registry, ca, 2, OBS_EDATA, "a.csv: column \"arm\" is not in", "c.csv", NULL);
    obs_import_source dd[1] = {{"D", d}};
    import_fails(registry, dd, 1, OBS_EDATA, "d.csv", "\"center\"", NULL);
    obs_import_source aa[2] = {{"A", a}, {"A2", a}};
    import_fails(registry, aa, 2, OBS_EUSAGE, "the same file as", "a.csv", "refused");
    obs_import_source none[1] = {{"", a}};
    import_fails(registry, none, 1, OBS_EUSAGE, "no center name", NULL, NULL);
    obs_import_source missing[1] = {{"M", "/nonexistent/x.csv"}};
    import_fails(registry, missing, 1, OBS_EIO, "/nonexistent/x.csv", NULL, NULL);
    /* nothing above created anything: the registry file does not exist */
    assert_int_not_equal(access(registry, F_OK), 0);
    /* a registry that is not a database */
    char notdb[128];
    snprintf(notdb, sizeof notdb, "%s/notdb.sqlite", tmpdir);
    write_file(notdb, "this is not a database, it is long enough to look like a header of one......\n");
    obs_import_source ok[1] = {{"A", a}};
    import_fails(notdb, ok, 1, OBS_EDATA, "notdb.sqlite", NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_three_centers_round_trip),
        cmocka_unit_test(test_schema_mismatch_and_repeats),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
