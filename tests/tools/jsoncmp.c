/*
 * jsoncmp — compare obsurv's JSON output with an R reference.
 *
 * usage: jsoncmp [--rtol R] REFERENCE.json ACTUAL.json
 *
 * Every key of the reference must exist in the actual output with an equal
 * value: strings and booleans equal, null equal null, arrays of equal length
 * compared element by element, numbers equal when
 *     |a - b| <= rtol * max(|a|, |b|) + 1e-14
 * (the absolute floor only matters where the true value is zero and both
 * sides carry rounding noise).  Keys present only in the actual output are
 * ignored, so a reference may hold a subset.  Prints every mismatch with its
 * path; exit 0 when equal, 1 when not, 2 on unreadable input.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double rtol = 1e-8;
static long mismatches, compared;

static void report(const char *path, const char *what)
{
    if (mismatches < 50) fprintf(stderr, "jsoncmp: %s: %s\n", path, what);
    mismatches++;
}

static void compare(const char *path, json_t *ref, json_t *act)
{
    char buf[512], sub[1024];
    if (json_is_number(ref)) {
        compared++;
        if (!json_is_number(act)) {
            report(path, json_is_null(act) ? "expected a number, got null" : "expected a number");
            return;
        }
        double a = json_number_value(ref), b = json_number_value(act);
        double tol = rtol * fmax(fabs(a), fabs(b)) + 1e-14;
        if (!(fabs(a - b) <= tol)) {
            snprintf(buf, sizeof buf, "%.17g (R) vs %.17g (obsurv), relative difference %.3g", a, b,
                     fabs(a - b) / fmax(fabs(a), fabs(b)));
            report(path, buf);
        }
        return;
    }
    if (json_is_null(ref)) {
        compared++;
        if (!json_is_null(act)) report(path, "expected null");
        return;
    }
    if (json_is_string(ref)) {
        compared++;
        if (!json_is_string(act) || strcmp(json_string_value(ref), json_string_value(act)) != 0) {
            snprintf(buf, sizeof buf, "expected \"%s\", got %s%s%s", json_string_value(ref),
                     json_is_string(act) ? "\"" : "", json_is_string(act) ? json_string_value(act) : "non-string",
                     json_is_string(act) ? "\"" : "");
            report(path, buf);
        }
        return;
    }
    if (json_is_boolean(ref)) {
        compared++;
        if (!json_is_boolean(act) || json_is_true(ref) != json_is_true(act)) report(path, "boolean differs");
        return;
    }
    if (json_is_array(ref)) {
        if (!json_is_array(act)) {
            report(path, "expected an array");
            return;
        }
        if (json_array_size(ref) != json_array_size(act)) {
            snprintf(buf, sizeof buf, "array length %zu (R) vs %zu (obsurv)", json_array_size(ref),
                     json_array_size(act));
            report(path, buf);
            return;
        }
        for (size_t i = 0; i < json_array_size(ref); i++) {
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            compare(sub, json_array_get(ref, i), json_array_get(act, i));
        }
        return;
    }
    if (json_is_object(ref)) {
        if (!json_is_object(act)) {
            report(path, "expected an object");
            return;
        }
        const char *key;
        json_t *v;
        json_object_foreach(ref, key, v) {
            snprintf(sub, sizeof sub, "%s.%s", path, key);
            json_t *w = json_object_get(act, key);
            if (!w) report(sub, "missing in obsurv's output");
            else compare(sub, v, w);
        }
    }
}

int main(int argc, char **argv)
{
    int i = 1;
    if (argc > 2 && strcmp(argv[1], "--rtol") == 0) {
        rtol = atof(argv[2]);
        i = 3;
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: jsoncmp [--rtol R] REFERENCE.json ACTUAL.json\n");
        return 2;
    }
    json_error_t e;
    json_t *ref = json_load_file(argv[i], JSON_DECODE_ANY, &e);
    if (!ref) {
        fprintf(stderr, "jsoncmp: %s:%d: %s\n", argv[i], e.line, e.text);
        return 2;
    }
    json_t *act = json_load_file(argv[i + 1], JSON_DECODE_ANY, &e);
    if (!act) {
        fprintf(stderr, "jsoncmp: %s:%d: %s\n", argv[i + 1], e.line, e.text);
        return 2;
    }
    compare("$", ref, act);
    fprintf(stderr, "jsoncmp: %ld values compared, %ld differ (rtol %g)\n", compared, mismatches, rtol);
    json_decref(ref);
    json_decref(act);
    return mismatches ? 1 : 0;
}
