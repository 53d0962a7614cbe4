/*
 * test_progress.c — the progress hook (obsurv/progress.h): the sequence of
 * events a hook receives (not their timing), the process-wide hook, and
 * that the terminal printer writes nothing when standard error is not a
 * terminal (as under ctest, pipes and files).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "obsurv/csv_opts.h"
#include "obsurv/progress.h"

typedef struct {
    int n;
    obs_progress_event ev[64];
} recorder;

static void record(void *ctx, const obs_progress_event *ev)
{
    recorder *r = ctx;
    if (r->n < 64) r->ev[r->n++] = *ev;
}

/* The global hook: unset by default reports go nowhere; set, every report
 * reaches it in order with its context; fill returns the pair. */
static void test_global_hook(void **state)
{
    (void)state;
    recorder r = {0};
    obs_progress_fn fn = record;
    void *ctx = &r;
    obs_progress_event a = {OBS_PROGRESS_ITER, "cox", 1, 0, -10.5};
    obs_progress_set_global(NULL, NULL);
    obs_progress_report(&a);                 /* no hook: nothing */
    obs_progress_global_fill(&fn, &ctx);
    assert_null(fn);
    assert_null(ctx);
    obs_progress_set_global(record, &r);
    obs_progress_report(&a);
    a.count = 2; a.value = -9.25;
    obs_progress_report(&a);
    obs_progress_event done = {OBS_PROGRESS_DONE, "cox", 0, 0, 0.0};
    obs_progress_report(&done);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.ev[0].kind, OBS_PROGRESS_ITER);
    assert_int_equal(r.ev[0].count, 1);
    assert_true(r.ev[0].value == -10.5);
    assert_int_equal(r.ev[1].count, 2);
    assert_true(r.ev[1].value == -9.25);
    assert_int_equal(r.ev[2].kind, OBS_PROGRESS_DONE);
    assert_string_equal(r.ev[2].what, "cox");
    obs_progress_global_fill(&fn, &ctx);
    assert_true(fn == record);
    assert_ptr_equal(ctx, &r);
    obs_progress_set_global(NULL, NULL);
}

/* The CSV reader reports READ events: first 0 of len bytes, last len of
 * len, counts never decreasing. */
static void test_csv_read_events(void **state)
{
    (void)state;
    static const char text[] = "a,b\n1,2\n3,4\n5,6\n";
    size_t len = sizeof text - 1;
    recorder r = {0};
    obs_csv_options o = {NULL, 1, record, &r};
    obs_table *t = NULL;
    obs_error err;
    obs_error_clear(&err);
    assert_int_equal(obs_csv_read_buffer_opts(text, len, "mem.csv", &o, &t, &err), OBS_OK);
    assert_int_equal(t->nrow, 3);
    assert_true(r.n >= 2);
    assert_int_equal(r.ev[0].kind, OBS_PROGRESS_READ);
    assert_int_equal(r.ev[0].count, 0);
    assert_int_equal(r.ev[0].total, len);
    for (int k = 1; k < r.n; k++) {
        assert_int_equal(r.ev[k].kind, OBS_PROGRESS_READ);
        assert_true(r.ev[k].count >= r.ev[k - 1].count);
    }
    assert_int_equal(r.ev[r.n - 1].count, len);
    assert_int_equal(r.ev[r.n - 1].total, len);
    obs_table_free(&t);
}

/* obs_progress_stderr on a standard error that is a file: nothing written,
 * whatever the events. */
static void test_stderr_printer_silent_when_not_tty(void **state)
{
    (void)state;
    char path[] = "/tmp/obsurv_progress_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);
    assert_false(isatty(STDERR_FILENO));
    obs_progress_event ev[3] = {{OBS_PROGRESS_READ, "reading x.csv", 1 << 20, 8 << 20, 0.0},
                                {OBS_PROGRESS_ITER, "cox", 3, 0, -512.25},
                                {OBS_PROGRESS_DONE, "cox", 0, 0, 0.0}};
    for (int k = 0; k < 3; k++) obs_progress_stderr(NULL, &ev[k]);
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    off_t size = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(path);
    assert_int_equal(size, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_global_hook),
        cmocka_unit_test(test_csv_read_events),
        cmocka_unit_test(test_stderr_printer_silent_when_not_tty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
