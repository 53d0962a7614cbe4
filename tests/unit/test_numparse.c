/*
 * test_numparse.c — obs_scan_decimal16 (src/numparse_scan.h, the CSV
 * reader's sixteen-byte number reader on AVX2 machines) against
 * obs_scan_decimal_inline, the scalar reader: whenever the former takes a
 * field it must give the same end and the same bits.  Fields of every
 * shape: with and without sign ('+', '-'), 0-9 integer digits, a point
 * with 0-10 digits after it, leading zeros, zeros (-0 included), followed
 * by a comma, a line end, an exponent, a second point, a letter, or
 * digits running past the 16 bytes.  Also: a field whose end lies in the
 * 16 bytes is taken; one that does not fit, or has an exponent, is
 * declined.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>
#include "../../src/numparse_scan.h"
#include "../../src/tile_kernel.h"

#ifdef OBS_HAVE_SCAN16
__attribute__((target("avx2"))) static const char *scan16(const char *p, double *v)
{
    return obs_scan_decimal16(p, v);
}
#endif

static void agrees_with_scalar(void **state)
{
    (void)state;
#ifdef OBS_HAVE_SCAN16
    if (!obs_simd_fma()) skip();
    unsigned long long sd = 1;
    size_t taken = 0;
    static const char *const tails[] = {",", ",1", "\n", "\r\n", "e5,", "E-2\n", ".3,", "x", "", "99999999999"};
    for (int it = 0; it < 2000000; it++) {
        char b[48];
        int L = 0;
        sd = sd * 6364136223846793005ULL + 1442695040888963407ULL;
        const unsigned long long x = sd >> 20;
        if (x & 1) b[L++] = (x & 2) ? '-' : '+';
        const int ni = (int)((x >> 2) % 10);
        for (int i = 0; i < ni; i++) {
            sd = sd * 6364136223846793005ULL + 1442695040888963407ULL;
            b[L++] = (char)('0' + ((x >> 40) & 1 ? 0 : (sd >> 33) % 10));   /* zeros often */
        }
        if ((x >> 6) & 1) {
            b[L++] = '.';
            const int nf = (int)((x >> 7) % 11);
            for (int i = 0; i < nf; i++) {
                sd = sd * 6364136223846793005ULL + 1442695040888963407ULL;
                b[L++] = (char)('0' + (sd >> 33) % 10);
            }
        }
        const char *tl = tails[(x >> 12) % 10];
        memcpy(b + L, tl, strlen(tl));
        const int tot = L + (int)strlen(tl);
        for (int i = tot; i < 48; i++) b[i] = (char)('0' + i % 10);
        double v1 = 0, v2 = 0;
        const char *e1 = obs_scan_decimal_inline(b, b + 48, &v1);
        const char *e2 = scan16(b, &v2);
        if (!e2) continue;
        taken++;
        assert_non_null(e1);
        assert_ptr_equal(e1, e2);
        assert_memory_equal(&v1, &v2, sizeof v1);
    }
    assert_true(taken > 500000);
    double v;
    const char *f14 = "12345678.123456,0";   /* 14 digits, the comma the 16th byte */
    assert_ptr_equal(scan16(f14, &v), f14 + 15);
    assert_true(v == 12345678.123456);
    assert_null(scan16("123456789.123456,", &v));     /* the comma past the 16 bytes */
    assert_null(scan16("1234567890.1234567,", &v));   /* past the 16 bytes */
    assert_null(scan16("1.5e3,00000000000", &v));     /* an exponent */
    assert_null(scan16(".5,00000000000000", &v));     /* no integer digit: the scalar reader's */
    assert_ptr_equal(scan16("-0.000,0000000000", &v), (const char *)"-0.000,0000000000" + 0 + 6);
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(agrees_with_scalar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
