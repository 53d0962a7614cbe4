/*
 * test_plot.c — the display list renders to SVG, PNG and PDF; pretty ticks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "obsurv/plot.h"

static void test_pretty(void **state)
{
    (void)state;
    double t[32];
    size_t n = obs_plot_pretty(0, 1, 5, t, 32);     /* R: pretty(c(0, 1)) = 0 .2 .4 .6 .8 1 */
    assert_int_equal(n, 6);
    assert_true(t[0] == 0 && t[5] > 0.999999 && t[5] < 1.000001);
    n = obs_plot_pretty(0, 123, 5, t, 32);           /* R: pretty(c(0, 123)) = 0 20 ... 120 */
    assert_int_equal(n, 7);
    assert_true(t[6] == 120);
    n = obs_plot_pretty(0, 1000, 5, t, 32);          /* 0 200 ... 1000 */
    assert_int_equal(n, 6);
}

static obs_plot *sample(void)
{
    obs_plot *p = obs_plot_new(300, 200);
    obs_plot_area a = {0, 100, 0, 1, 50, 20, 230, 140};
    double tx[8], ty[8];
    size_t nx = obs_plot_pretty(0, 100, 5, tx, 8), ny = obs_plot_pretty(0, 1, 4, ty, 8);
    assert_int_equal(obs_plot_axis_bottom(p, &a, tx, nx, "%g", "Months"), OBS_OK);
    assert_int_equal(obs_plot_axis_left(p, &a, ty, ny, "%.1f", "Survival <S(t)> & more"), OBS_OK);
    double x[3] = {obs_plot_px(&a, 0), obs_plot_px(&a, 50), obs_plot_px(&a, 100)};
    double y[3] = {obs_plot_py(&a, 1), obs_plot_py(&a, 0.5), obs_plot_py(&a, 0.2)};
    obs_plot_style s = {obs_palette[5], OBS_PLOT_NONE, 1.5, 1, 0};
    assert_int_equal(obs_plot_polyline(p, x, y, 3, s), OBS_OK);
    obs_plot_style f = {OBS_PLOT_NONE, obs_palette[1], 0, 0.4, 0};
    assert_int_equal(obs_plot_rect(p, 60, 30, 20, 20, f), OBS_OK);
    assert_int_equal(obs_plot_circle(p, 100, 100, 3, s), OBS_OK);
    return p;
}

static void test_svg(void **state)
{
    (void)state;
    obs_plot *p = sample();
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_int_equal(obs_plot_write_svg(p, fp, NULL), OBS_OK);
    fclose(fp);
    assert_non_null(strstr(buf, "<svg "));
    assert_non_null(strstr(buf, "<polyline"));
    assert_non_null(strstr(buf, "&lt;S(t)&gt; &amp; more"));   /* text is escaped */
    assert_non_null(strstr(buf, "#0072B2"));
    assert_non_null(strstr(buf, "</svg>"));
    free(buf);
    obs_plot_free(&p);
    assert_null(p);
    obs_plot_free(NULL);
}

static void test_png_pdf(void **state)
{
    (void)state;
    obs_plot *p = sample();
    char png[] = "/tmp/obsurv_plot_XXXXXX";
    int fd = mkstemp(png);
    assert_true(fd >= 0);
    assert_int_equal(obs_plot_write_png(p, png, 2, NULL), OBS_OK);
    FILE *fp = fopen(png, "rb");
    unsigned char sig[8] = {0};
    assert_int_equal(fread(sig, 1, 8, fp), 8);
    fclose(fp);
    assert_memory_equal(sig, "\x89PNG\r\n\x1a\n", 8);
    assert_int_equal(obs_plot_write_pdf(p, png, NULL), OBS_OK);   /* reuse the name */
    fp = fopen(png, "rb");
    char head[5] = {0};
    assert_int_equal(fread(head, 1, 4, fp), 4);
    fclose(fp);
    assert_string_equal(head, "%PDF");
    remove(png);
    obs_error err;
    assert_int_equal(obs_plot_write_png(p, "/nonexistent/dir/x.png", 2, &err), OBS_EIO);
    obs_plot_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pretty),
        cmocka_unit_test(test_svg),
        cmocka_unit_test(test_png_pdf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
