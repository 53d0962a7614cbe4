/*
 * formula.c — parse R-style model formulas into terms, as R's terms.formula.
 *
 * Method.  The text is split into tokens (names, back-quoted names, numbers,
 * the operators ~ + * : ( ) ,), then the right-hand side is read by recursive
 * descent with R's precedence, lowest first:
 *
 *     sum   := prod  { "+" prod }          A + B   : union of the term lists
 *     prod  := inter { "*" inter }         A * B   : A + B + A:B
 *     inter := atom  { ":" atom }          A : B   : every a:b, a outer
 *     atom  := name | fun "(" args ")" | "(" sum ")" | "1"
 *
 * A term is a set of variables (kept as a sorted list of variable indices,
 * the index being the order of first appearance in the formula, as in R's
 * "variables" attribute).  Duplicated terms are dropped when first seen
 * again (a:b and b:a are one term).  At the end the terms are ordered
 * stably by their number of variables (R: main effects, then two-way, ...)
 * and each label joins its variables in variable order, so
 *     ~ c:b + a        gives  a, b:c      (variables c, b, a -> label "c:b")
 * exactly as R prints attr(terms(f), "term.labels").
 *
 * Worked example:  Surv(t, d) ~ age*sex + strata(inst)
 *   variables: age(0) sex(1) strata(inst)(2)
 *   age*sex -> {0} {1} {0,1};  + {2}
 *   terms: age, sex, age:sex; specials: strata(inst)
 *
 * strata(), cluster() and offset() are specials: they must stand alone as
 * a term and are moved to f->specials in the order written.
 *
 * Verified against R 4.2.2 terms.formula (tests/unit/test_formula.c).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obsurv/formula.h"

/* ------------------------------------------------------------------ */
/* Tokens                                                              */

typedef enum {
    TK_END = 0, TK_NAME, TK_NUMBER, TK_LPAREN, TK_RPAREN, TK_COMMA,
    TK_PLUS, TK_STAR, TK_COLON, TK_TILDE, TK_OTHER
} token_kind;

typedef struct {
    token_kind kind;
    size_t pos;        /* 0-based byte offset in the text */
    size_t len;        /* bytes in the text */
    char *name;        /* TK_NAME: the name without back quotes (owned) */
} token;

typedef struct {
    obs_formula_var var;   /* kind, columns, text */
    size_t pos;            /* first position in the text (for messages) */
} pvar;

typedef struct {
    size_t *v;             /* sorted variable indices; n == 0: the intercept "1" */
    size_t n;
} pterm;

/* A list of terms in order of appearance, with a hash index (open
 * addressing, slot = index + 1, 0 empty) so that dropping duplicates stays
 * linear in the number of terms. */
typedef struct {
    pterm *t;
    size_t n, cap;
    size_t *slot;
    size_t nslot;          /* a power of two, > 2 n; 0 before the first add */
} tlist;

/* Caps on hostile formulas: a*b*c*... over n variables expands to 2^n - 1
 * terms, and nested parentheses recurse.  No model has this many terms; the
 * caps keep the parser's time and stack bounded (R would grind on). */
#define FORMULA_MAX_TERMS 1024
#define FORMULA_MAX_DEPTH 200

typedef struct {
    const char *text;
    token *tok;
    size_t ntok, at;       /* tokens and the cursor */
    size_t depth;          /* parentheses open in the recursive descent */
    pvar *vars;
    size_t nvars, capvars;
    obs_error *err;
    obs_status rc;
} parser;

/* Record an error at byte offset pos (column pos + 1), with an optional
 * hint after the place.  Returns the status. */
static obs_status fail_hint(parser *p, obs_status st, size_t pos, const char *what,
                            const char *hint)
{
    if (p->rc == OBS_OK) {
        p->rc = st;
        obs_error_set(p->err, st, "formula: %s at column %zu in \"%s\"%s%s", what, pos + 1,
                      p->text, hint ? ": " : "", hint ? hint : "");
    }
    return p->rc;
}

static obs_status fail(parser *p, obs_status st, size_t pos, const char *what)
{
    if (p->rc == OBS_OK) {
        p->rc = st;
        if (st == OBS_ENOMEM)
            obs_error_set(p->err, st, "formula: out of memory");
        else
            obs_error_set(p->err, st, "formula: %s at column %zu in \"%s\"",
                          what, pos + 1, p->text);
    }
    return p->rc;
}

static int is_name_start(unsigned char c)
{
    return isalpha(c) || c == '.' || c >= 0x80;
}

static int is_name_char(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '_' || c >= 0x80;
}

static char *dup_range(const char *s, size_t n)
{
    char *r = malloc(n + 1);
    if (r) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

static obs_status tokenize(parser *p)
{
    const char *s = p->text;
    size_t n = strlen(s), i = 0, cap = 16;
    p->tok = calloc(cap, sizeof(token));
    if (!p->tok) return fail(p, OBS_ENOMEM, 0, NULL);
    for (;;) {
        while (i < n && isspace((unsigned char)s[i])) i++;
        if (p->ntok + 1 >= cap) {
            token *nt = realloc(p->tok, 2 * cap * sizeof(token));
            if (!nt) return fail(p, OBS_ENOMEM, 0, NULL);
            memset(nt + cap, 0, cap * sizeof(token));
            p->tok = nt;
            cap *= 2;
        }
        token *t = &p->tok[p->ntok];
        t->pos = i;
        if (i >= n) {
            t->kind = TK_END;
            t->len = 0;
            p->ntok++;
            return OBS_OK;
        }
        unsigned char c = (unsigned char)s[i];
        size_t j = i + 1;
        if (c == '`') {
            while (j < n && s[j] != '`') j++;
            if (j >= n) return fail(p, OBS_EUSAGE, i, "unclosed back quote");
            if (j == i + 1) return fail(p, OBS_EUSAGE, i, "empty back-quoted name");
            t->kind = TK_NAME;
            t->name = dup_range(s + i + 1, j - i - 1);
            if (!t->name) return fail(p, OBS_ENOMEM, 0, NULL);
            j++;
        } else if (is_name_start(c) && !(c == '.' && j < n && isdigit((unsigned char)s[j]))) {
            while (j < n && is_name_char((unsigned char)s[j])) j++;
            t->kind = TK_NAME;
            t->name = dup_range(s + i, j - i);
            if (!t->name) return fail(p, OBS_ENOMEM, 0, NULL);
        } else if (isdigit(c) || c == '.') {
            while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '.')) j++;
            t->kind = TK_NUMBER;
        } else {
            switch (c) {
            case '(': t->kind = TK_LPAREN; break;
            case ')': t->kind = TK_RPAREN; break;
            case ',': t->kind = TK_COMMA; break;
            case '+': t->kind = TK_PLUS; break;
            case '*': t->kind = TK_STAR; break;
            case ':': t->kind = TK_COLON; break;
            case '~': t->kind = TK_TILDE; break;
            default:  t->kind = TK_OTHER; break;
            }
        }
        t->len = j - i;
        p->ntok++;
        i = j;
    }
}

/* ------------------------------------------------------------------ */
/* Deparsing names as R does                                           */

/* 1 when R would print name without back quotes (make.names-valid and
 * not a reserved word). */
static int is_syntactic(const char *name)
{
    static const char *const reserved[] = {
        "if", "else", "repeat", "while", "function", "for", "next", "break",
        "TRUE", "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_",
        "NA_character_", "NA_complex_", "in", NULL};
    const unsigned char *s = (const unsigned char *)name;
    if (!*s) return 0;
    if (!is_name_start(s[0])) return 0;
    if (s[0] == '.' && isdigit(s[1])) return 0;
    for (size_t i = 1; s[i]; i++)
        if (!is_name_char(s[i])) return 0;
    for (size_t k = 0; reserved[k]; k++)
        if (strcmp(name, reserved[k]) == 0) return 0;
    /* "..." and "..1" are reserved too */
    if (strcmp(name, "...") == 0) return 0;
    if (name[0] == '.' && name[1] == '.' && isdigit((unsigned char)name[2])) return 0;
    return 1;
}

/* Append name to buf (size cap, at *len), back-quoted when R would. */
static int append(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) {
        size_t nc = (*len + n + 1) * 2;
        char *nb = realloc(*buf, nc);
        if (!nb) return -1;
        *buf = nb;
        *cap = nc;
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
    return 0;
}

static int append_name(char **buf, size_t *len, size_t *cap, const char *name)
{
    if (is_syntactic(name)) return append(buf, len, cap, name);
    return append(buf, len, cap, "`") || append(buf, len, cap, name) ||
           append(buf, len, cap, "`");
}

/* ------------------------------------------------------------------ */
/* Variables and term lists                                            */

static void var_clear(obs_formula_var *v)
{
    for (size_t k = 0; k < v->ncolumns; k++) free(v->columns[k]);
    free(v->columns);
    free(v->text);
    memset(v, 0, sizeof *v);
}

/* Index of the variable (kind, columns) in p->vars, adding it when new.
 * Returns (size_t)-1 on allocation failure (p->rc set). */
static size_t var_intern(parser *p, obs_var_kind kind, char **cols, size_t ncols,
                         size_t pos)
{
    static const char *const fname[] = {"", "factor", "log", "strata", "cluster", "offset"};
    char *text = NULL;
    size_t len = 0, cap = 0;
    int bad = 0;
    if (kind == OBS_VAR_COLUMN) {
        bad = append_name(&text, &len, &cap, cols[0]);
    } else {
        bad = append(&text, &len, &cap, fname[kind]) || append(&text, &len, &cap, "(");
        for (size_t k = 0; k < ncols && !bad; k++)
            bad = (k && append(&text, &len, &cap, ", ")) ||
                  append_name(&text, &len, &cap, cols[k]);
        bad = bad || append(&text, &len, &cap, ")");
    }
    if (bad) {
        free(text);
        fail(p, OBS_ENOMEM, 0, NULL);
        return (size_t)-1;
    }
    for (size_t i = 0; i < p->nvars; i++)
        if (strcmp(p->vars[i].var.text, text) == 0) {
            free(text);
            return i;
        }
    if (p->nvars == p->capvars) {
        size_t nc = p->capvars ? 2 * p->capvars : 8;
        pvar *nv = realloc(p->vars, nc * sizeof(pvar));
        if (!nv) {
            free(text);
            fail(p, OBS_ENOMEM, 0, NULL);
            return (size_t)-1;
        }
        p->vars = nv;
        p->capvars = nc;
    }
    pvar *v = &p->vars[p->nvars];
    memset(v, 0, sizeof *v);
    v->var.kind = kind;
    v->var.text = text;
    v->pos = pos;
    v->var.columns = calloc(ncols, sizeof(char *));
    if (!v->var.columns) {
        free(text);
        fail(p, OBS_ENOMEM, 0, NULL);
        return (size_t)-1;
    }
    for (size_t k = 0; k < ncols; k++) {
        v->var.columns[k] = strdup(cols[k]);
        v->var.ncolumns = k + 1;
        if (!v->var.columns[k]) {
            var_clear(&v->var);
            fail(p, OBS_ENOMEM, 0, NULL);
            return (size_t)-1;
        }
    }
    return p->nvars++;
}

static void tlist_free(tlist *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->t[i].v);
    free(l->t);
    free(l->slot);
    memset(l, 0, sizeof *l);
}

/* FNV-1a over the variable indices of a term. */
static size_t term_hash(const pterm *t)
{
    uint64_t h = 14695981039346656037ULL ^ t->n;
    for (size_t i = 0; i < t->n; i++) {
        h ^= (uint64_t)t->v[i];
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

static int term_equal(const pterm *a, const pterm *b)
{
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i] != b->v[i]) return 0;
    return 1;
}

/* Add term t to l unless present; takes ownership of t->v either way. */
static obs_status tlist_add(parser *p, tlist *l, pterm t)
{
    if (l->nslot < 2 * (l->n + 1)) {            /* grow the index, re-insert */
        size_t ns = l->nslot ? 2 * l->nslot : 16;
        size_t *sl = calloc(ns, sizeof *sl);
        if (!sl) {
            free(t.v);
            return fail(p, OBS_ENOMEM, 0, NULL);
        }
        for (size_t i = 0; i < l->n; i++) {
            size_t h = term_hash(&l->t[i]) & (ns - 1);
            while (sl[h]) h = (h + 1) & (ns - 1);
            sl[h] = i + 1;
        }
        free(l->slot);
        l->slot = sl;
        l->nslot = ns;
    }
    size_t h = term_hash(&t) & (l->nslot - 1);
    for (; l->slot[h]; h = (h + 1) & (l->nslot - 1))
        if (term_equal(&l->t[l->slot[h] - 1], &t)) {
            free(t.v);
            return OBS_OK;
        }
    if (l->n >= FORMULA_MAX_TERMS) {
        free(t.v);
        return fail(p, OBS_EUSAGE, p->tok[p->at].pos,
                    "too many terms (more than 1024 after expanding \"*\")");
    }
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 4;
        pterm *nt = realloc(l->t, nc * sizeof(pterm));
        if (!nt) {
            free(t.v);
            return fail(p, OBS_ENOMEM, 0, NULL);
        }
        l->t = nt;
        l->cap = nc;
    }
    l->t[l->n++] = t;
    l->slot[h] = l->n;
    return OBS_OK;
}

/* 1 when l holds a term equal to t. */
static int tlist_has(const tlist *l, const pterm *t)
{
    if (l->nslot == 0) return 0;
    for (size_t h = term_hash(t) & (l->nslot - 1); l->slot[h]; h = (h + 1) & (l->nslot - 1))
        if (term_equal(&l->t[l->slot[h] - 1], t)) return 1;
    return 0;
}

/* The union of two sorted index lists into out->v (room for a->n + b->n). */
static void term_union(const pterm *a, const pterm *b, pterm *out)
{
    size_t i = 0, j = 0;
    out->n = 0;
    while (i < a->n || j < b->n) {
        size_t x;
        if (j >= b->n || (i < a->n && a->v[i] < b->v[j])) x = a->v[i++];
        else if (i >= a->n || b->v[j] < a->v[i]) x = b->v[j++];
        else { x = a->v[i]; i++; j++; }
        out->v[out->n++] = x;
    }
}

/* Append every term of src to dst (dedup); src is emptied. */
static obs_status tlist_merge(parser *p, tlist *dst, tlist *src)
{
    for (size_t i = 0; i < src->n; i++) {
        if (tlist_add(p, dst, src->t[i]) != OBS_OK) {
            for (size_t k = i + 1; k < src->n; k++) free(src->t[k].v);
            free(src->t);
            free(src->slot);
            memset(src, 0, sizeof *src);
            return p->rc;
        }
    }
    free(src->t);
    free(src->slot);
    memset(src, 0, sizeof *src);
    return OBS_OK;
}

/* a:b for every a in A (outer) and b in B (inner), as R's InteractTerms.
 * Each product is formed in one scratch buffer and copied out only when it
 * is new (expanding a*b*c... mostly meets products already there). */
static obs_status tlist_interact(parser *p, const tlist *a, const tlist *b, tlist *out)
{
    if (a->n * b->n > 16 * FORMULA_MAX_TERMS)
        return fail(p, OBS_EUSAGE, p->tok[p->at].pos,
                    "too many terms (more than 1024 after expanding \"*\")");
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < a->n; i++) if (a->t[i].n > na) na = a->t[i].n;
    for (size_t j = 0; j < b->n; j++) if (b->t[j].n > nb) nb = b->t[j].n;
    size_t *buf = malloc((na + nb + 1) * sizeof *buf);
    if (!buf) return fail(p, OBS_ENOMEM, 0, NULL);
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++) {
            pterm u = {buf, 0};
            term_union(&a->t[i], &b->t[j], &u);
            if (tlist_has(out, &u)) continue;
            pterm t = {malloc((u.n + 1) * sizeof(size_t)), u.n};
            if (!t.v) {
                free(buf);
                return fail(p, OBS_ENOMEM, 0, NULL);
            }
            memcpy(t.v, u.v, u.n * sizeof(size_t));
            if (tlist_add(p, out, t) != OBS_OK) {
                free(buf);
                return p->rc;
            }
        }
    free(buf);
    return OBS_OK;
}

/* ------------------------------------------------------------------ */
/* Recursive descent                                                   */

static token *peek(parser *p) { return &p->tok[p->at]; }

static obs_status unexpected(parser *p, const token *t, const char *expected)
{
    char msg[200];
    if (t->kind == TK_END)
        snprintf(msg, sizeof msg, "unexpected end of formula (expected %s)", expected);
    else if (t->kind == TK_OTHER && (p->text[t->pos] == '-' || p->text[t->pos] == '^' ||
                                     p->text[t->pos] == '/' || p->text[t->pos] == '%'))
        snprintf(msg, sizeof msg, "operator \"%c\" is not supported", p->text[t->pos]);
    else
        snprintf(msg, sizeof msg, "unexpected \"%.*s\" (expected %s)",
                 (int)(t->len > 40 ? 40 : t->len), p->text + t->pos, expected);
    return fail(p, OBS_EUSAGE, t->pos, msg);
}

static obs_status parse_sum(parser *p, tlist *out);

/* "(" [name { "," name }] ")" after a function name.  *cols (owned by the
 * caller, free it) borrows the names from the tokens; the caller checks the
 * arity. */
static obs_status parse_args(parser *p, char ***cols, size_t *ncols)
{
    token *t = peek(p);
    size_t open = t->pos, cap = 4;
    p->at++; /* "(" */
    *ncols = 0;
    *cols = malloc(cap * sizeof(char *));
    if (!*cols) return fail(p, OBS_ENOMEM, 0, NULL);
    for (;;) {
        t = peek(p);
        if (t->kind == TK_END) return fail(p, OBS_EUSAGE, open, "unbalanced parenthesis");
        if (t->kind == TK_RPAREN && *ncols == 0) break;
        if (t->kind != TK_NAME) {
            if (t->kind == TK_LPAREN || p->tok[p->at + 1].kind == TK_LPAREN ||
                (t->kind == TK_NUMBER))
                return fail(p, OBS_EUSAGE, t->pos,
                            "only column names are supported as function arguments");
            return unexpected(p, t, "a column name");
        }
        if (p->tok[p->at + 1].kind == TK_LPAREN)
            return fail(p, OBS_EUSAGE, t->pos,
                        "only column names are supported as function arguments");
        if (*ncols == cap) {
            cap *= 2;
            char **nc = realloc(*cols, cap * sizeof(char *));
            if (!nc) return fail(p, OBS_ENOMEM, 0, NULL);
            *cols = nc;
        }
        (*cols)[*ncols] = t->name;   /* borrowed from the token */
        (*ncols)++;
        p->at++;
        t = peek(p);
        if (t->kind == TK_COMMA) { p->at++; continue; }
        if (t->kind == TK_RPAREN) break;
        if (t->kind == TK_END) return fail(p, OBS_EUSAGE, open, "unbalanced parenthesis");
        return unexpected(p, t, "\",\" or \")\"");
    }
    p->at++; /* ")" */
    return OBS_OK;
}

static obs_status parse_atom(parser *p, tlist *out)
{
    token *t = peek(p);
    if (t->kind == TK_LPAREN) {
        size_t open = t->pos;
        if (p->depth >= FORMULA_MAX_DEPTH)
            return fail(p, OBS_EUSAGE, open, "parentheses nested too deeply (more than 200)");
        p->at++;
        p->depth++;
        if (parse_sum(p, out) != OBS_OK) return p->rc;
        p->depth--;
        t = peek(p);
        if (t->kind != TK_RPAREN) {
            if (t->kind == TK_END) return fail(p, OBS_EUSAGE, open, "unbalanced parenthesis");
            return unexpected(p, t, "\")\"");
        }
        p->at++;
        return OBS_OK;
    }
    if (t->kind == TK_NUMBER) {
        if (t->len == 1 && p->text[t->pos] == '1') {
            p->at++;
            pterm one = {NULL, 0};
            return tlist_add(p, out, one);
        }
        if (t->len == 1 && p->text[t->pos] == '0')
            return fail(p, OBS_EUSAGE, t->pos, "removing the intercept (0) is not supported");
        return unexpected(p, t, "a term");
    }
    if (t->kind == TK_RPAREN) return fail(p, OBS_EUSAGE, t->pos, "unbalanced parenthesis");
    if (t->kind != TK_NAME) return unexpected(p, t, "a term");

    token *name = t;
    p->at++;
    obs_var_kind kind = OBS_VAR_COLUMN;
    char **cols = &name->name, **args = NULL;
    size_t ncols = 1;
    if (peek(p)->kind == TK_LPAREN) {
        const char *fn = name->name;
        size_t lo = 1, hi = 1;
        if (strcmp(fn, "factor") == 0) kind = OBS_VAR_FACTOR;
        else if (strcmp(fn, "log") == 0) kind = OBS_VAR_LOG;
        else if (strcmp(fn, "strata") == 0) { kind = OBS_VAR_STRATA; hi = (size_t)-1; }
        else if (strcmp(fn, "cluster") == 0) kind = OBS_VAR_CLUSTER;
        else if (strcmp(fn, "offset") == 0) kind = OBS_VAR_OFFSET;
        else {
            char msg[160];
            if (strcmp(fn, "Surv") == 0)
                snprintf(msg, sizeof msg, "Surv() belongs on the left of \"~\"");
            else
                snprintf(msg, sizeof msg, "function %.60s() is not supported", fn);
            return fail_hint(p, OBS_EUSAGE, name->pos, msg,
                             "use factor(), log(), strata(), cluster() or offset()");
        }
        if (parse_args(p, &args, &ncols) != OBS_OK) {
            free(args);
            return p->rc;
        }
        if (ncols < lo || ncols > hi) {
            char msg[160];
            snprintf(msg, sizeof msg, "%s() takes %s column, got %zu", fn,
                     hi == 1 ? "one" : "at least one", ncols);
            free(args);
            return fail(p, OBS_EUSAGE, name->pos, msg);
        }
        cols = args;
    }
    size_t idx = var_intern(p, kind, cols, ncols, name->pos);
    free(args);
    if (idx == (size_t)-1) return p->rc;
    pterm term;
    term.n = 1;
    term.v = malloc(sizeof(size_t));
    if (!term.v) return fail(p, OBS_ENOMEM, 0, NULL);
    term.v[0] = idx;
    return tlist_add(p, out, term);
}

static obs_status parse_inter(parser *p, tlist *out)
{
    if (parse_atom(p, out) != OBS_OK) return p->rc;
    while (peek(p)->kind == TK_COLON) {
        p->at++;
        tlist rhs = {0}, prod = {0};
        if (parse_atom(p, &rhs) != OBS_OK || tlist_interact(p, out, &rhs, &prod) != OBS_OK) {
            tlist_free(&rhs);
            tlist_free(&prod);
            return p->rc;
        }
        tlist_free(&rhs);
        tlist_free(out);
        *out = prod;
    }
    return OBS_OK;
}

static obs_status parse_prod(parser *p, tlist *out)
{
    if (parse_inter(p, out) != OBS_OK) return p->rc;
    while (peek(p)->kind == TK_STAR) {
        p->at++;
        tlist rhs = {0}, inter = {0};
        if (parse_inter(p, &rhs) != OBS_OK || tlist_interact(p, out, &rhs, &inter) != OBS_OK ||
            tlist_merge(p, out, &rhs) != OBS_OK || tlist_merge(p, out, &inter) != OBS_OK) {
            tlist_free(&rhs);
            tlist_free(&inter);
            return p->rc;
        }
    }
    return OBS_OK;
}

static obs_status parse_sum(parser *p, tlist *out)
{
    if (parse_prod(p, out) != OBS_OK) return p->rc;
    while (peek(p)->kind == TK_PLUS) {
        p->at++;
        tlist rhs = {0};
        if (parse_prod(p, &rhs) != OBS_OK || tlist_merge(p, out, &rhs) != OBS_OK) {
            tlist_free(&rhs);
            return p->rc;
        }
    }
    return OBS_OK;
}

/* The left of "~": nothing, a column, or Surv(...). tokens [0, tilde). */
static obs_status parse_response(parser *p, size_t tilde, obs_formula *f)
{
    token *t = &p->tok[0];
    if (tilde == 0) {
        f->response = OBS_RESP_NONE;
        return OBS_OK;
    }
    if (t->kind != TK_NAME) return unexpected(p, t, "a response");
    if (tilde == 1) {
        f->response = OBS_RESP_COLUMN;
        f->response_columns[0] = strdup(t->name);
        if (!f->response_columns[0]) return fail(p, OBS_ENOMEM, 0, NULL);
        f->nresponse = 1;
        return OBS_OK;
    }
    if (p->tok[1].kind != TK_LPAREN) return unexpected(p, &p->tok[1], "\"~\"");
    if (strcmp(t->name, "Surv") != 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "response function %.60s() is not supported (use Surv)",
                 t->name);
        return fail(p, OBS_EUSAGE, t->pos, msg);
    }
    /* Surv( name , name [, name] ) exactly */
    size_t k = 2, n = 0;
    for (;;) {
        token *a = &p->tok[k];
        if (k >= tilde) return fail(p, OBS_EUSAGE, p->tok[1].pos, "unbalanced parenthesis");
        if (a->kind == TK_RPAREN && n == 0) break;
        if (a->kind != TK_NAME || p->tok[k + 1].kind == TK_LPAREN) {
            if (a->kind == TK_NAME || a->kind == TK_NUMBER || a->kind == TK_LPAREN)
                return fail(p, OBS_EUSAGE, a->pos,
                            "only column names are supported inside Surv()");
            return unexpected(p, a, "a column name");
        }
        if (n < 3) {
            f->response_columns[n] = strdup(a->name);
            if (!f->response_columns[n]) return fail(p, OBS_ENOMEM, 0, NULL);
        }
        n++;
        k++;
        if (k >= tilde) return fail(p, OBS_EUSAGE, p->tok[1].pos, "unbalanced parenthesis");
        if (p->tok[k].kind == TK_COMMA) { k++; continue; }
        if (p->tok[k].kind == TK_RPAREN) break;
        return unexpected(p, &p->tok[k], "\",\" or \")\"");
    }
    f->nresponse = n < 3 ? n : 3;
    if (n != 2 && n != 3) {
        char msg[120];
        snprintf(msg, sizeof msg,
                 "Surv() takes (time, event) or (start, stop, event), got %zu argument%s",
                 n, n == 1 ? "" : "s");
        return fail(p, OBS_EUSAGE, t->pos, msg);
    }
    f->response = n == 2 ? OBS_RESP_SURV : OBS_RESP_SURV_COUNTING;
    if (k + 1 != tilde) return unexpected(p, &p->tok[k + 1], "\"~\"");
    return OBS_OK;
}

/* Check parentheses balance over the whole token list first, so that the
 * message points at the unmatched one whatever else is wrong. */
static obs_status check_parens(parser *p)
{
    size_t depth = 0, *stack = malloc((p->ntok + 1) * sizeof(size_t));
    if (!stack) return fail(p, OBS_ENOMEM, 0, NULL);
    for (size_t i = 0; i < p->ntok; i++) {
        if (p->tok[i].kind == TK_LPAREN) stack[depth++] = p->tok[i].pos;
        else if (p->tok[i].kind == TK_RPAREN) {
            if (depth == 0) {
                free(stack);
                return fail(p, OBS_EUSAGE, p->tok[i].pos, "unbalanced parenthesis");
            }
            depth--;
        }
    }
    if (depth) {
        size_t pos = stack[depth - 1];
        free(stack);
        return fail(p, OBS_EUSAGE, pos, "unbalanced parenthesis");
    }
    free(stack);
    return OBS_OK;
}

static int cmp_order(const void *a, const void *b)
{
    const pterm *x = a, *y = b;
    return (x->n > y->n) - (x->n < y->n);
}

/* Move the parsed term list into f: specials apart, ordinary terms sorted by
 * order (stable: insertion sort keeps appearance order within an order). */
static obs_status build(parser *p, tlist *l, obs_formula *f)
{
    /* specials must stand alone */
    for (size_t i = 0; i < l->n; i++) {
        const pterm *t = &l->t[i];
        for (size_t k = 0; k < t->n && t->n > 1; k++) {
            const pvar *v = &p->vars[t->v[k]];
            if (v->var.kind >= OBS_VAR_STRATA) {
                char msg[200];
                snprintf(msg, sizeof msg, "%.120s cannot be part of an interaction",
                         v->var.text);
                return fail(p, OBS_EUSAGE, v->pos, msg);
            }
        }
    }
    /* stable sort by order (insertion sort: formulas are short) */
    for (size_t i = 1; i < l->n; i++) {
        pterm key = l->t[i];
        size_t j = i;
        while (j > 0 && cmp_order(&l->t[j - 1], &key) > 0) {
            l->t[j] = l->t[j - 1];
            j--;
        }
        l->t[j] = key;
    }
    f->terms = calloc(l->n + 1, sizeof(obs_formula_term));
    f->specials = calloc(l->n + 1, sizeof(obs_formula_var));
    if (!f->terms || !f->specials) return fail(p, OBS_ENOMEM, 0, NULL);
    /* specials in the order written = order of their variables */
    for (size_t vi = 0; vi < p->nvars; vi++) {
        if (p->vars[vi].var.kind < OBS_VAR_STRATA) continue;
        int used = 0;
        for (size_t i = 0; i < l->n; i++)
            if (l->t[i].n == 1 && l->t[i].v[0] == vi) used = 1;
        if (!used) continue;
        f->specials[f->nspecials++] = p->vars[vi].var;
        memset(&p->vars[vi].var, 0, sizeof(obs_formula_var));
    }
    for (size_t i = 0; i < l->n; i++) {
        const pterm *t = &l->t[i];
        if (t->n == 0) continue;                       /* the intercept "1" */
        if (t->n == 1 && p->vars[t->v[0]].var.text == NULL) continue; /* special */
        obs_formula_term *ft = &f->terms[f->nterms];
        ft->vars = calloc(t->n, sizeof(obs_formula_var));
        if (!ft->vars) return fail(p, OBS_ENOMEM, 0, NULL);
        f->nterms++;
        char *label = NULL;
        size_t len = 0, cap = 0;
        for (size_t k = 0; k < t->n; k++) {
            const obs_formula_var *src = &p->vars[t->v[k]].var;
            obs_formula_var *dst = &ft->vars[k];
            dst->kind = src->kind;
            dst->text = strdup(src->text);
            dst->columns = calloc(src->ncolumns, sizeof(char *));
            ft->nvars = k + 1;
            if (!dst->text || !dst->columns) { free(label); return fail(p, OBS_ENOMEM, 0, NULL); }
            for (size_t c = 0; c < src->ncolumns; c++) {
                dst->columns[c] = strdup(src->columns[c]);
                dst->ncolumns = c + 1;
                if (!dst->columns[c]) { free(label); return fail(p, OBS_ENOMEM, 0, NULL); }
            }
            if ((k && append(&label, &len, &cap, ":")) || append(&label, &len, &cap, src->text)) {
                free(label);
                return fail(p, OBS_ENOMEM, 0, NULL);
            }
        }
        ft->label = label;
    }
    return OBS_OK;
}

obs_status obs_formula_parse(const char *text, obs_formula **out, obs_error *err)
{
    parser p;
    memset(&p, 0, sizeof p);
    p.text = text ? text : "";
    p.err = err;
    *out = NULL;
    tlist terms = {0};
    obs_formula *f = calloc(1, sizeof *f);
    if (!f) return obs_error_set(err, OBS_ENOMEM, "formula: out of memory");
    f->text = strdup(p.text);
    if (!f->text) fail(&p, OBS_ENOMEM, 0, NULL);

    if (p.rc == OBS_OK) tokenize(&p);
    if (p.rc == OBS_OK && p.tok[0].kind == TK_END)
        obs_error_set(err, p.rc = OBS_EUSAGE, "formula: empty formula");
    if (p.rc == OBS_OK) check_parens(&p);

    size_t tilde = 0, ntilde = 0;
    for (size_t i = 0; p.rc == OBS_OK && i < p.ntok; i++)
        if (p.tok[i].kind == TK_TILDE) {
            if (ntilde++ == 0) tilde = i;
            else fail(&p, OBS_EUSAGE, p.tok[i].pos, "a second \"~\"");
        }
    if (p.rc == OBS_OK && ntilde == 0)
        obs_error_set(err, p.rc = OBS_EUSAGE, "formula: missing \"~\" in \"%s\"", p.text);
    if (p.rc == OBS_OK) parse_response(&p, tilde, f);
    if (p.rc == OBS_OK) {
        p.at = tilde + 1;
        if (peek(&p)->kind == TK_END)
            fail(&p, OBS_EUSAGE, p.tok[tilde].pos, "nothing on the right of \"~\" (use ~ 1)");
    }
    if (p.rc == OBS_OK && parse_sum(&p, &terms) == OBS_OK && peek(&p)->kind != TK_END)
        unexpected(&p, peek(&p), "\"+\", \"*\", \":\" or end of formula");
    if (p.rc == OBS_OK) build(&p, &terms, f);

    tlist_free(&terms);
    for (size_t i = 0; i < p.nvars; i++) var_clear(&p.vars[i].var);
    free(p.vars);
    for (size_t i = 0; i < p.ntok; i++) free(p.tok[i].name);
    free(p.tok);
    if (p.rc != OBS_OK) {
        obs_formula_free(&f);
        return p.rc;
    }
    *out = f;
    return OBS_OK;
}

void obs_formula_free(obs_formula **fp)
{
    if (!fp || !*fp) return;
    obs_formula *f = *fp;
    for (size_t i = 0; i < 3; i++) free(f->response_columns[i]);
    if (f->terms) {
        for (size_t i = 0; i < f->nterms; i++) {
            for (size_t k = 0; k < f->terms[i].nvars; k++) var_clear(&f->terms[i].vars[k]);
            free(f->terms[i].vars);
            free(f->terms[i].label);
        }
        free(f->terms);
    }
    if (f->specials) {
        for (size_t i = 0; i < f->nspecials; i++) var_clear(&f->specials[i]);
        free(f->specials);
    }
    free(f->text);
    free(f);
    *fp = NULL;
}
