/*
 * frame_internal.h — pieces shared by frame.c (rows, response, specials)
 * and frame_levels.c (factor levels, group labels, the design matrix).
 * Not a public header.
 */
#ifndef OBSURV_FRAME_INTERNAL_H
#define OBSURV_FRAME_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "obsurv/frame.h"

/* The table rows of the frame's rows, or NULL when every row is used:
 * rows are only ever dropped, so then frame row r is table row r (callers
 * index by r and need not read fr->row). */
static inline const size_t *obs_frame_rows_or_null(const obs_frame *fr, const obs_table *t)
{
    return fr->n == t->nrow ? NULL : fr->row;
}

/* The levels of one categorical variable as R's factor() would make them.
 *   factor column: the table's levels (already in C-locale order) that occur
 *                  in the scope, map[code] -> level or -1;
 *   numeric column: the distinct values of the scope in numeric order, named
 *                  by as.character (15 significant digits); values whose
 *                  names coincide are one level, as in R's factor(). */
typedef struct {
    size_t nlev;
    char **names;          /* nlev level names (owned) */
    int *map;              /* factor column: nlevels entries */
    double *uvals;         /* numeric: nuvals sorted distinct values */
    int *umap;             /* numeric: uvals index -> level */
    size_t nuvals;
} obs_levelset;

/* Build the levels of column c (log-transformed when islog) over the scope:
 * rows[0..m-1] when rows != NULL, else every non-missing row of the table.
 * Rows in the scope must not be missing in c.  Returns OBS_OK or
 * OBS_ENOMEM.  Free with obs_levelset_free. */
obs_status obs_levelset_build(obs_levelset *ls, const obs_column *c, size_t nrow,
                              const size_t *rows, size_t m, int islog, obs_error *err);

/* out[r] = the level of table row rows[r] (rows NULL: row r) of column c,
 * r < n (rows not missing in c), or -1 when its value is outside the set. */
void obs_levelset_code_rows(const obs_levelset *ls, const obs_column *c, const size_t *rows, size_t n,
                            int islog, int *out);

void obs_levelset_free(obs_levelset *ls);

/* Cross-classify n rows by nvar codes (codes[v][i] in [0, nlev[v]), the
 * first variable most significant, as survival's strata()).  Outputs:
 * out[i] in [0, *ncombos), combos numbered in key order; *digits (owned,
 * *ncombos x nvar, row-major) the level of each variable in each combo.
 * Only combinations that occur are numbered.  OBS_ENOMEM on failure. */
obs_status obs_cross_classify(size_t n, size_t nvar, int *const *codes, const size_t *nlev,
                              int *out, size_t *ncombos, int **digits, obs_error *err);

/* "file:line" of table row i (0-based) into buf; returns buf. */
const char *obs_frame_rowloc(const obs_table *t, size_t i, char *buf, size_t size);

/* The right-hand side (frame_design.c): after fr->n and fr->row are set,
 * fill term_labels and either the design matrix (x, p, colnames, assign) or
 * the groups (group, ngroups, group_names) as spec->rhs says. */
obs_status obs_frame_build_rhs(const obs_table *t, const obs_formula *f,
                               const obs_frame_spec *spec, obs_frame *fr, obs_error *err);

/* Display width of a UTF-8 string in characters (as R's format pads). */
size_t obs_utf8_width(const char *s);

#endif
