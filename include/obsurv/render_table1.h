/*
 * obsurv/render_table1.h — renderers for a Table 1 result (obsurv/table1.h):
 * JSON (the cli.md contract), text (like print(CreateTableOne(...))), CSV
 * (one line per variable or level, formatted cells as the printed table) and
 * HTML (a <table> fragment, or a standalone page, for reports).
 *
 * Renderers only format: they write to the FILE the caller gives and return
 * 0, or -1 when a write or an allocation (the text layout grid) failed.
 */
#ifndef OBSURV_RENDER_TABLE1_H
#define OBSURV_RENDER_TABLE1_H

#include <stdio.h>
#include "obsurv/table1.h"

int obs_table1_write_json(const obs_table1 *t, FILE *fp);
int obs_table1_write_text(const obs_table1 *t, FILE *fp);
int obs_table1_write_csv(const obs_table1 *t, FILE *fp);
/* standalone != 0: a complete HTML page around the table. */
int obs_table1_write_html(const obs_table1 *t, FILE *fp, int standalone);

/* Cell text as the printed table shows it (buffers of len bytes):
 *   continuous  "65.39 (8.86)" or for nonnormal "63.00 [57.00, 70.00]"
 *   level       "36 (26.3)"
 *   p           "0.008", "<0.001", "" when NaN;  smd "0.479" */
void obs_table1_format_p(double p, char *buf, size_t len);
/* column: 0..ngroups-1 a group, ngroups overall; level ignored for a
 * continuous row. */
void obs_table1_format_cell(const obs_table1 *t, const obs_table1_row *row, size_t level,
                            size_t column, char *buf, size_t len);

#endif
