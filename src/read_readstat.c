/*
 * read_readstat.c — Stata, SPSS and SAS files through ReadStat
 * (WizardMac/ReadStat 1.1, readstat.h) into an obs_table; the conversion
 * rules are in obsurv/reader.h.
 *
 * The whole file is read into memory (at most OBS_READ_MAX_FILE bytes) and
 * ReadStat reads it through in-memory I/O handlers, so the same code serves
 * files, tests and fuzz targets.  ReadStat pushes metadata, variables, values
 * and value labels through callbacks; values go into an obs_builder
 * (read_builder.h) that grows by doubling under hard caps, and value labels
 * are attached at the end (Stata stores them after the data).  Declared sizes
 * are checked against the caps and against what actually arrives.
 *
 * Dates (converted as haven 2.5 does, so that the numbers equal R's):
 *   Stata  %td, %d: days since 1960-01-01  -> minus 3653 days
 *          %tc, %tC: ms since 1960-01-01   -> / 1000 minus 315619200 s
 *   SPSS   DATE ADATE EDATE JDATE SDATE: s since 1582-10-14 -> / 86400 minus 141428 days
 *          DATETIME: s since 1582-10-14    -> minus 12219379200 s
 *          TIME DTIME: seconds             -> unchanged
 *   SAS    DATE MMDDYY DDMMYY YYMMDD WEEKDATE E8601DA ...: days since 1960 -> minus 3653
 *          DATETIME E8601DT: s since 1960  -> minus 315619200 s
 *          TIME HHMM: seconds              -> unchanged
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <readstat.h>
#include "obsurv/reader.h"
#include "read_builder.h"

static const char UNIT_DATE[] = "days since 1970-01-01";
static const char UNIT_DATETIME[] = "seconds since 1970-01-01 00:00:00 UTC";
static const char UNIT_TIME[] = "seconds since midnight";

typedef enum { CONV_NONE = 0, CONV_DATE, CONV_DATETIME, CONV_TIME } conversion;

/* ---- in-memory I/O ------------------------------------------------------ */

typedef struct {
    const unsigned char *buf;
    size_t len, pos;
} mem_io;

static int mem_open(const char *path, void *io_ctx)
{
    (void)path;
    ((mem_io *)io_ctx)->pos = 0;
    return 0;
}

static int mem_close(void *io_ctx)
{
    (void)io_ctx;
    return 0;
}

static readstat_off_t mem_seek(readstat_off_t offset, readstat_io_flags_t whence, void *io_ctx)
{
    mem_io *m = io_ctx;
    readstat_off_t base = whence == READSTAT_SEEK_SET ? 0
                        : whence == READSTAT_SEEK_CUR ? (readstat_off_t)m->pos
                        : (readstat_off_t)m->len;
    if (offset > 0 && base > (readstat_off_t)m->len) return -1;
    readstat_off_t to = base + offset;
    if (to < 0 || to > (readstat_off_t)m->len) return -1;
    m->pos = (size_t)to;
    return to;
}

static ssize_t mem_read(void *buf, size_t nbyte, void *io_ctx)
{
    mem_io *m = io_ctx;
    size_t left = m->len - m->pos;
    size_t n = nbyte < left ? nbyte : left;
    if (n) memcpy(buf, m->buf + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static readstat_error_t mem_update(long file_size, readstat_progress_handler progress,
                                   void *user_ctx, void *io_ctx)
{
    (void)file_size; (void)progress; (void)user_ctx; (void)io_ctx;
    return READSTAT_OK;
}

/* ---- parse context ------------------------------------------------------ */

typedef struct {
    char *set;            /* label set name */
    double key_num;
    char *key_str;        /* NULL: numeric key */
    char *text;
} pending_label;

typedef struct {
    obs_format fmt;
    const char *source;
    obs_builder b;
    int have_builder;
    long declared_rows;       /* -1 unknown */
    int version;              /* the file format's version (ReadStat's metadata) */
    conversion *conv;         /* per column */
    char **labelset;          /* per column: value label set name or NULL */
    size_t nlabelset;         /* entries of labelset (the builder forgets ncol when done) */
    pending_label *labels;
    size_t nlabels, labels_cap;
    obs_error *err;
    obs_status rc;            /* first error raised by a handler */
    char rs_msg[256];         /* first message from ReadStat's error handler */
} parse_ctx;

static int fail(parse_ctx *c, obs_status rc)
{
    if (c->rc == OBS_OK) c->rc = rc;
    return READSTAT_HANDLER_ABORT;
}

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* Letters of an SPSS/SAS format name, upper-cased, without width/decimals. */
static void format_word(const char *fmt, char *w, size_t n)
{
    size_t k = 0;
    for (; *fmt && k + 1 < n; fmt++) {
        char ch = *fmt;
        if (ch >= 'a' && ch <= 'z') ch = (char)(ch - 'a' + 'A');
        if (ch >= 'A' && ch <= 'Z') w[k++] = ch;
        else if (k > 0) break;
    }
    w[k] = '\0';
}

static int word_in(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(w, *list) == 0) return 1;
    return 0;
}

static conversion classify(obs_format fmt, const char *format)
{
    if (!format || !*format) return CONV_NONE;
    if (fmt == OBS_FORMAT_STATA) {
        if (has_prefix(format, "%td") || has_prefix(format, "%d")) return CONV_DATE;
        if (has_prefix(format, "%tc") || has_prefix(format, "%tC")) return CONV_DATETIME;
        return CONV_NONE;
    }
    char w[32];
    format_word(format, w, sizeof w);
    if (fmt == OBS_FORMAT_SPSS) {
        static const char *const d[] = {"DATE", "ADATE", "EDATE", "JDATE", "SDATE", NULL};
        static const char *const dt[] = {"DATETIME", NULL};
        static const char *const t[] = {"TIME", "DTIME", NULL};
        return word_in(w, d) ? CONV_DATE : word_in(w, dt) ? CONV_DATETIME : word_in(w, t) ? CONV_TIME
                                                                                     : CONV_NONE;
    }
    /* SAS (sas7bdat, xport); E8601DA etc. lose their digits in format_word */
    static const char *const d[] = {"DATE", "DAY", "DDMMYY", "DOWNAME", "JULDAY", "JULIAN", "MMDDYY",
                                    "MMYY", "MMYYC", "MMYYD", "MMYYN", "MMYYP", "MMYYS", "MONNAME",
                                    "MONTH", "MONYY", "QTR", "QTRR", "NENGO", "WEEKDATE", "WEEKDATX",
                                    "WEEKDAY", "WEEKV", "WORDDATE", "WORDDATX", "YEAR", "YYMM", "YYMMC",
                                    "YYMMD", "YYMMN", "YYMMP", "YYMMS", "YYMMDD", "YYMON", "YYQ", "YYQC",
                                    "YYQD", "YYQN", "YYQP", "YYQS", "YYQR", "YYQRC", "YYQRD", "YYQRN",
                                    "YYQRP", "YYQRS", NULL};
    static const char *const dt[] = {"DATETIME", "DATEAMPM", "DTDATE", "DTMONYY", "DTWKDATX",
                                     "DTYEAR", "DTYYQC", NULL};
    static const char *const t[] = {"TIME", "HHMM", "HOUR", "MMSS", "TOD", NULL};
    if (strcmp(w, "E") == 0) {   /* ISO 8601 formats E8601DA / E8601DT / E8601TM */
        if (strstr(format, "8601DA") || strstr(format, "8601da")) return CONV_DATE;
        if (strstr(format, "8601DT") || strstr(format, "8601dt")) return CONV_DATETIME;
        if (strstr(format, "8601TM") || strstr(format, "8601tm")) return CONV_TIME;
        return CONV_NONE;
    }
    if (strcmp(w, "B") == 0) return CONV_NONE;
    return word_in(w, dt) ? CONV_DATETIME : word_in(w, t) ? CONV_TIME : word_in(w, d) ? CONV_DATE
                                                                               : CONV_NONE;
}

static double convert(obs_format fmt, conversion cv, double v)
{
    switch (cv) {
    case CONV_DATE:
        return fmt == OBS_FORMAT_SPSS ? v / 86400.0 - 141428.0 : v - 3653.0;
    case CONV_DATETIME:
        if (fmt == OBS_FORMAT_SPSS) return v - 12219379200.0;
        if (fmt == OBS_FORMAT_STATA) return v / 1000.0 - 315619200.0;
        return v - 315619200.0;
    default:
        return v;
    }
}

static int ensure_builder(parse_ctx *c, long ncol)
{
    if (c->have_builder) return 0;
    if (ncol < 0 || ncol > OBS_READ_MAX_COLS) {
        obs_error_set(c->err, OBS_EDATA, "%s: declares %ld variables (limit %d)", c->source, ncol,
                      OBS_READ_MAX_COLS);
        return fail(c, OBS_EDATA);
    }
    obs_status rc = obs_builder_init(&c->b, (size_t)ncol, c->source, c->err);
    if (rc) return fail(c, rc);
    c->have_builder = 1;
    c->conv = calloc(ncol ? (size_t)ncol : 1, sizeof *c->conv);
    c->labelset = calloc(ncol ? (size_t)ncol : 1, sizeof *c->labelset);
    c->nlabelset = c->labelset ? (size_t)ncol : 0;
    if (!c->conv || !c->labelset) {
        obs_error_set(c->err, OBS_ENOMEM, "%s: out of memory", c->source);
        return fail(c, OBS_ENOMEM);
    }
    return 0;
}

static int on_metadata(readstat_metadata_t *md, void *ctx)
{
    parse_ctx *c = ctx;
    long nvar = readstat_get_var_count(md);
    long nrow = readstat_get_row_count(md);
    c->declared_rows = nrow;
    c->version = readstat_get_file_format_version(md);
    if (nvar > 0 && nrow > 0 && (size_t)nrow > OBS_READ_MAX_CELLS / (size_t)nvar) {
        obs_error_set(c->err, OBS_EDATA, "%s: declares %ld rows of %ld variables: over the limit of %zu cells",
                      c->source, nrow, nvar, OBS_READ_MAX_CELLS);
        return fail(c, OBS_EDATA);
    }
    return ensure_builder(c, nvar);
}

/* The longest value-label-set name the file can hold.  ReadStat passes a
 * Stata name straight from the file's fixed-width lbllist entry, which a
 * damaged file need not NUL-terminate (found by fuzz_readstat): 9-byte
 * entries before format 110, 33 before 118, 129 from 118 on (Stata's dta
 * specification), one byte of each for the terminator.  Other formats'
 * names are built by ReadStat and terminated. */
static size_t label_name_max(const parse_ctx *c)
{
    if (c->fmt != OBS_FORMAT_STATA) return (size_t)-1;
    return c->version < 110 ? 8 : c->version < 118 ? 32 : 128;
}

static int on_variable(int index, readstat_variable_t *var, const char *val_labels, void *ctx)
{
    parse_ctx *c = ctx;
    if (!c->have_builder) {
        obs_error_set(c->err, OBS_EDATA, "%s: variable before the file header", c->source);
        return fail(c, OBS_EDATA);
    }
    if (index < 0 || (size_t)index >= c->b.ncol) {
        obs_error_set(c->err, OBS_EDATA, "%s: variable %d beyond the %zu declared", c->source, index + 1,
                      c->b.ncol);
        return fail(c, OBS_EDATA);
    }
    const char *name = readstat_variable_get_name(var);
    obs_status rc = obs_builder_set_name(&c->b, (size_t)index, name, readstat_variable_get_label(var), c->err);
    if (rc) return fail(c, rc);
    if (readstat_variable_get_type_class(var) == READSTAT_TYPE_CLASS_STRING) {
        c->b.cols[index].has_text = 1;
    } else {
        c->conv[index] = classify(c->fmt, readstat_variable_get_format(var));
        c->b.cols[index].unit = c->conv[index] == CONV_DATE ? UNIT_DATE
                              : c->conv[index] == CONV_DATETIME ? UNIT_DATETIME
                              : c->conv[index] == CONV_TIME ? UNIT_TIME : NULL;
    }
    if (val_labels && *val_labels &&
        !(c->labelset[index] = strndup(val_labels, strnlen(val_labels, label_name_max(c))))) {
        obs_error_set(c->err, OBS_ENOMEM, "%s: out of memory", c->source);
        return fail(c, OBS_ENOMEM);
    }
    return READSTAT_HANDLER_OK;
}

static int on_value(int obs_index, readstat_variable_t *var, readstat_value_t value, void *ctx)
{
    parse_ctx *c = ctx;
    int j = readstat_variable_get_index(var);
    if (!c->have_builder || j < 0 || (size_t)j >= c->b.ncol || obs_index < 0) {
        obs_error_set(c->err, OBS_EDATA, "%s: value outside the declared table", c->source);
        return fail(c, OBS_EDATA);
    }
    if (c->declared_rows >= 0 && obs_index >= c->declared_rows) {
        obs_error_set(c->err, OBS_EDATA, "%s: more rows than the %ld declared", c->source, c->declared_rows);
        return fail(c, OBS_EDATA);
    }
    size_t row = (size_t)obs_index;
    obs_status rc = obs_builder_row(&c->b, row, c->err);
    if (rc) return fail(c, rc);
    if (readstat_value_is_missing(value, var)) {
        obs_builder_set_missing(&c->b, row, (size_t)j);
        return READSTAT_HANDLER_OK;
    }
    if (readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING) {
        const char *s = readstat_string_value(value);
        rc = obs_builder_set_text(&c->b, row, (size_t)j, s ? s : "", s ? strlen(s) : 0, c->err);
        if (rc) return fail(c, rc);
    } else {
        double v = readstat_double_value(value);
        obs_builder_set_num(&c->b, row, (size_t)j, convert(c->fmt, c->conv[j], v));
    }
    return READSTAT_HANDLER_OK;
}

static int on_value_label(const char *set, readstat_value_t value, const char *label, void *ctx)
{
    parse_ctx *c = ctx;
    if (c->nlabels >= OBS_READ_MAX_LABELS) {
        obs_error_set(c->err, OBS_EDATA, "%s: more than %d value labels", c->source, OBS_READ_MAX_LABELS);
        return fail(c, OBS_EDATA);
    }
    if (c->nlabels == c->labels_cap) {
        size_t cap = c->labels_cap ? 2 * c->labels_cap : 64;
        pending_label *l = realloc(c->labels, cap * sizeof *l);
        if (!l) {
            obs_error_set(c->err, OBS_ENOMEM, "%s: out of memory", c->source);
            return fail(c, OBS_ENOMEM);
        }
        c->labels = l;
        c->labels_cap = cap;
    }
    pending_label *l = &c->labels[c->nlabels];
    memset(l, 0, sizeof *l);
    if (readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING) {
        const char *s = readstat_string_value(value);
        l->key_str = strdup(s ? s : "");
        if (!l->key_str) goto nomem;
    } else {
        l->key_num = readstat_value_is_tagged_missing(value) || readstat_value_is_system_missing(value)
                         ? NAN : readstat_double_value(value);
    }
    l->set = strdup(set ? set : "");
    l->text = strdup(label ? label : "");
    if (!l->set || !l->text) {
        free(l->key_str);
        free(l->set);
        free(l->text);
        goto nomem;
    }
    c->nlabels++;
    return READSTAT_HANDLER_OK;
nomem:
    obs_error_set(c->err, OBS_ENOMEM, "%s: out of memory", c->source);
    return fail(c, OBS_ENOMEM);
}

static void on_error(const char *msg, void *ctx)
{
    parse_ctx *c = ctx;
    if (!c->rs_msg[0] && msg) {
        snprintf(c->rs_msg, sizeof c->rs_msg, "%s", msg);
        size_t n = strlen(c->rs_msg);
        while (n && (c->rs_msg[n - 1] == '\n' || c->rs_msg[n - 1] == '\r')) c->rs_msg[--n] = '\0';
    }
}

static int cmp_label_set(const void *pa, const void *pb)
{
    const pending_label *a = pa, *b = pb;
    return strcmp(a->set, b->set);
}

/* Attach the value labels to the columns that name their set. */
static obs_status attach_labels(parse_ctx *c)
{
    if (c->nlabels > 1) qsort(c->labels, c->nlabels, sizeof *c->labels, cmp_label_set);
    for (size_t j = 0; j < c->b.ncol; j++) {
        if (!c->labelset[j]) continue;
        /* lower bound of the set name */
        size_t lo = 0, hi = c->nlabels;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(c->labels[mid].set, c->labelset[j]) < 0) lo = mid + 1;
            else hi = mid;
        }
        for (size_t k = lo; k < c->nlabels && strcmp(c->labels[k].set, c->labelset[j]) == 0; k++) {
            obs_status rc = obs_builder_add_label(&c->b, j, c->labels[k].key_num, c->labels[k].key_str,
                                                  c->labels[k].text, c->err);
            if (rc) return rc;
        }
        if (c->b.cols[j].nlabels > OBS_READ_MAX_LABELS) break;
    }
    return OBS_OK;
}

static void ctx_free(parse_ctx *c)
{
    if (c->labelset)
        for (size_t j = 0; j < c->nlabelset; j++) free(c->labelset[j]);
    if (c->have_builder) obs_builder_free(&c->b);
    free(c->labelset);
    free(c->conv);
    for (size_t k = 0; k < c->nlabels; k++) {
        free(c->labels[k].set);
        free(c->labels[k].key_str);
        free(c->labels[k].text);
    }
    free(c->labels);
}

const char *obs_format_name(obs_format f)
{
    switch (f) {
    case OBS_FORMAT_STATA: return "Stata";
    case OBS_FORMAT_SPSS: return "SPSS";
    case OBS_FORMAT_SAS7BDAT: return "SAS7BDAT";
    case OBS_FORMAT_XPORT: return "SAS XPORT";
    case OBS_FORMAT_SQLITE: return "SQLite";
    default: return "CSV";
    }
}

obs_status obs_readstat_read_buffer(const void *buf, size_t len, obs_format fmt,
                                    const char *source, obs_table **out, obs_error *err)
{
    parse_ctx c;
    mem_io io = {buf, len, 0};
    readstat_error_t rs;
    obs_status rc = OBS_OK;
    *out = NULL;
    memset(&c, 0, sizeof c);
    c.fmt = fmt;
    c.source = source ? source : "<data>";
    c.err = err;
    c.declared_rows = -1;
    readstat_parser_t *p = readstat_parser_init();
    if (!p) return obs_error_set(err, OBS_ENOMEM, "%s: out of memory", c.source);
    readstat_set_open_handler(p, mem_open);
    readstat_set_close_handler(p, mem_close);
    readstat_set_seek_handler(p, mem_seek);
    readstat_set_read_handler(p, mem_read);
    readstat_set_update_handler(p, mem_update);
    readstat_set_io_ctx(p, &io);
    readstat_set_metadata_handler(p, on_metadata);
    readstat_set_variable_handler(p, on_variable);
    readstat_set_value_handler(p, on_value);
    readstat_set_value_label_handler(p, on_value_label);
    readstat_set_error_handler(p, on_error);
    switch (fmt) {
    case OBS_FORMAT_STATA: rs = readstat_parse_dta(p, c.source, &c); break;
    case OBS_FORMAT_SPSS: rs = readstat_parse_sav(p, c.source, &c); break;
    case OBS_FORMAT_SAS7BDAT: rs = readstat_parse_sas7bdat(p, c.source, &c); break;
    case OBS_FORMAT_XPORT: rs = readstat_parse_xport(p, c.source, &c); break;
    default:
        readstat_parser_free(p);
        return obs_error_set(err, OBS_EUSAGE, "%s: not a ReadStat format", c.source);
    }
    readstat_parser_free(p);
    if (c.rc != OBS_OK) {
        rc = c.rc;                       /* our handler's message is in err */
    } else if (rs != READSTAT_OK) {
        rc = obs_error_set(err, OBS_EDATA, "%s: not a readable %s file: %s%s%s", c.source,
                           obs_format_name(fmt), readstat_error_message(rs),
                           c.rs_msg[0] ? ": " : "", c.rs_msg);
    } else if (!c.have_builder) {
        rc = obs_error_set(err, OBS_EDATA, "%s: not a readable %s file: no header", c.source,
                           obs_format_name(fmt));
    } else if (c.declared_rows >= 0 && c.b.ncol > 0 && c.b.nrow != (size_t)c.declared_rows) {
        rc = obs_error_set(err, OBS_EDATA, "%s: declares %ld rows but holds %zu", c.source,
                           c.declared_rows, c.b.nrow);
    } else {
        rc = attach_labels(&c);
        if (rc == OBS_OK) {
            /* a header-only file: make room so that every column has storage */
            if (c.b.nrow == 0 && c.b.cap == 0 && c.b.ncol > 0) {
                rc = obs_builder_row(&c.b, 0, err);
                c.b.nrow = 0;
            }
            if (rc == OBS_OK) rc = obs_builder_finish(&c.b, NULL, out, err);
        }
    }
    ctx_free(&c);
    return rc;
}

obs_status obs_readstat_read(const char *path, obs_format fmt, obs_table **out, obs_error *err)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    *out = NULL;
    obs_status rc = obs_read_file_bytes(path, &buf, &len, err);
    if (rc == OBS_OK) rc = obs_readstat_read_buffer(buf, len, fmt, path, out, err);
    free(buf);
    return rc;
}
