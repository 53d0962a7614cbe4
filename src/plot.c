/*
 * plot.c — display-list figures with SVG and cairo back ends; see obsurv/plot.h.
 *
 * The list is an array of tagged items; polyline points live in one growing
 * array of doubles.  SVG output escapes text for XML and uses a generic
 * sans-serif font family; cairo uses the "sans-serif" toy font face, which
 * fontconfig resolves (DejaVu Sans on Debian).  Text widths differ slightly
 * between the two, so layouts leave slack instead of measuring text.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include "obsurv/plot.h"

const unsigned obs_palette[8] = {0x000000, 0xE69F00, 0x56B4E9, 0x009E73,
                                 0xF0E442, 0x0072B2, 0xD55E00, 0xCC79A7};

typedef enum { ITEM_LINE, ITEM_POLYLINE, ITEM_RECT, ITEM_CIRCLE, ITEM_TEXT } item_kind;

typedef struct {
    item_kind kind;
    obs_plot_style style;
    double a, b, c, d;      /* line: x0 y0 x1 y1; rect: x y w h; circle: x y r; text: x y size rotate */
    size_t first, n;        /* polyline: points[first .. first + 2n) */
    char *text;
    obs_plot_anchor anchor;
    int bold;
    unsigned colour;
} item;

struct obs_plot {
    double width, height;
    item *items;
    size_t n, cap;
    double *points;
    size_t npoints, points_cap;
};

obs_plot *obs_plot_new(double width, double height)
{
    obs_plot *p = calloc(1, sizeof *p);
    if (p) {
        p->width = width;
        p->height = height;
    }
    return p;
}

void obs_plot_free(obs_plot **pp)
{
    if (!pp || !*pp) return;
    obs_plot *p = *pp;
    for (size_t i = 0; i < p->n; i++) free(p->items[i].text);
    free(p->items);
    free(p->points);
    free(p);
    *pp = NULL;
}

static item *push(obs_plot *p)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        item *it = realloc(p->items, cap * sizeof *it);
        if (!it) return NULL;
        p->items = it;
        p->cap = cap;
    }
    item *it = &p->items[p->n++];
    memset(it, 0, sizeof *it);
    return it;
}

obs_status obs_plot_line(obs_plot *p, double x0, double y0, double x1, double y1, obs_plot_style s)
{
    item *it = push(p);
    if (!it) return OBS_ENOMEM;
    *it = (item){.kind = ITEM_LINE, .style = s, .a = x0, .b = y0, .c = x1, .d = y1};
    return OBS_OK;
}

obs_status obs_plot_polyline(obs_plot *p, const double *x, const double *y, size_t n, obs_plot_style s)
{
    if (p->npoints + 2 * n > p->points_cap) {
        size_t cap = p->points_cap ? p->points_cap : 256;
        while (cap < p->npoints + 2 * n) cap *= 2;
        double *pts = realloc(p->points, cap * sizeof *pts);
        if (!pts) return OBS_ENOMEM;
        p->points = pts;
        p->points_cap = cap;
    }
    item *it = push(p);
    if (!it) return OBS_ENOMEM;
    *it = (item){.kind = ITEM_POLYLINE, .style = s, .first = p->npoints, .n = n};
    for (size_t i = 0; i < n; i++) {
        p->points[p->npoints++] = x[i];
        p->points[p->npoints++] = y[i];
    }
    return OBS_OK;
}

obs_status obs_plot_rect(obs_plot *p, double x, double y, double w, double h, obs_plot_style s)
{
    item *it = push(p);
    if (!it) return OBS_ENOMEM;
    *it = (item){.kind = ITEM_RECT, .style = s, .a = x, .b = y, .c = w, .d = h};
    return OBS_OK;
}

obs_status obs_plot_circle(obs_plot *p, double x, double y, double r, obs_plot_style s)
{
    item *it = push(p);
    if (!it) return OBS_ENOMEM;
    *it = (item){.kind = ITEM_CIRCLE, .style = s, .a = x, .b = y, .c = r};
    return OBS_OK;
}

obs_status obs_plot_text(obs_plot *p, double x, double y, const char *text, double size,
                         obs_plot_anchor anchor, double rotate, int bold, unsigned colour)
{
    char *copy = strdup(text ? text : "");
    if (!copy) return OBS_ENOMEM;
    item *it = push(p);
    if (!it) {
        free(copy);
        return OBS_ENOMEM;
    }
    *it = (item){.kind = ITEM_TEXT, .a = x, .b = y, .c = size, .d = rotate, .text = copy,
                 .anchor = anchor, .bold = bold, .colour = colour};
    return OBS_OK;
}

double obs_plot_px(const obs_plot_area *a, double x)
{
    return a->left + (x - a->x0) / (a->x1 - a->x0) * a->width;
}

double obs_plot_py(const obs_plot_area *a, double y)
{
    return a->top + a->height - (y - a->y0) / (a->y1 - a->y0) * a->height;
}

size_t obs_plot_pretty(double lo, double hi, int n, double *ticks, size_t cap)
{
    if (!(hi > lo) || n < 1 || cap == 0) {
        if (cap) ticks[0] = lo;
        return cap ? 1 : 0;
    }
    double raw = (hi - lo) / n;
    double mag = pow(10.0, floor(log10(raw)));
    double r = raw / mag, unit;
    if (r < 1.5) unit = 1;
    else if (r < 3) unit = 2;
    else if (r < 7) unit = 5;
    else unit = 10;
    unit *= mag;
    double start = floor(lo / unit + 1e-9) * unit;
    size_t k = 0;
    for (double t = start; t <= hi + 1e-9 * unit && k < cap; t += unit) {
        double v = fabs(t) < 1e-12 * unit ? 0 : t;
        if (v >= lo - 1e-9 * unit) ticks[k++] = v;
    }
    return k;
}

static const obs_plot_style axis_style = {0x000000, OBS_PLOT_NONE, 0.8, 1, 0};

obs_status obs_plot_axis_bottom(obs_plot *p, const obs_plot_area *a, const double *ticks, size_t n,
                                const char *fmt, const char *title)
{
    double y = a->top + a->height;
    obs_status rc = obs_plot_line(p, a->left, y, a->left + a->width, y, axis_style);
    char buf[64];
    for (size_t i = 0; i < n && rc == OBS_OK; i++) {
        double x = obs_plot_px(a, ticks[i]);
        rc = obs_plot_line(p, x, y, x, y + 4, axis_style);
        snprintf(buf, sizeof buf, fmt, ticks[i]);
        if (rc == OBS_OK) rc = obs_plot_text(p, x, y + 15, buf, 10, OBS_ANCHOR_MIDDLE, 0, 0, 0x000000);
    }
    if (rc == OBS_OK && title)
        rc = obs_plot_text(p, a->left + a->width / 2, y + 32, title, 11, OBS_ANCHOR_MIDDLE, 0, 0, 0x000000);
    return rc;
}

obs_status obs_plot_axis_left(obs_plot *p, const obs_plot_area *a, const double *ticks, size_t n,
                              const char *fmt, const char *title)
{
    double x = a->left;
    obs_status rc = obs_plot_line(p, x, a->top, x, a->top + a->height, axis_style);
    char buf[64];
    for (size_t i = 0; i < n && rc == OBS_OK; i++) {
        double y = obs_plot_py(a, ticks[i]);
        rc = obs_plot_line(p, x - 4, y, x, y, axis_style);
        snprintf(buf, sizeof buf, fmt, ticks[i]);
        if (rc == OBS_OK) rc = obs_plot_text(p, x - 7, y + 3.5, buf, 10, OBS_ANCHOR_END, 0, 0, 0x000000);
    }
    if (rc == OBS_OK && title)
        rc = obs_plot_text(p, x - 38, a->top + a->height / 2, title, 11, OBS_ANCHOR_MIDDLE, -90, 0, 0x000000);
    return rc;
}

/* ---- SVG ---------------------------------------------------------------- */

static void svg_colour(FILE *fp, const char *attr, unsigned c)
{
    if (c == OBS_PLOT_NONE) fprintf(fp, " %s=\"none\"", attr);
    else fprintf(fp, " %s=\"#%06X\"", attr, c & 0xFFFFFFu);
}

static void svg_style(FILE *fp, const obs_plot_style *s)
{
    svg_colour(fp, "stroke", s->stroke);
    if (s->stroke != OBS_PLOT_NONE) fprintf(fp, " stroke-width=\"%.2f\"", s->width);
    svg_colour(fp, "fill", s->fill);
    if (s->fill != OBS_PLOT_NONE && s->opacity < 1) fprintf(fp, " fill-opacity=\"%.2f\"", s->opacity);
    if (s->dashed == 1) fputs(" stroke-dasharray=\"5,3\"", fp);
    else if (s->dashed == 2) fputs(" stroke-dasharray=\"1.5,2.5\"", fp);
}

static void svg_escape(FILE *fp, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '&': fputs("&amp;", fp); break;
        case '"': fputs("&quot;", fp); break;
        default: fputc(*s, fp);
        }
    }
}

obs_status obs_plot_write_svg(const obs_plot *p, FILE *fp, obs_error *err)
{
    fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n",
            p->width, p->height, p->width, p->height);
    fprintf(fp, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#FFFFFF\"/>\n", p->width, p->height);
    for (size_t i = 0; i < p->n; i++) {
        const item *it = &p->items[i];
        switch (it->kind) {
        case ITEM_LINE:
            fprintf(fp, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"", it->a, it->b, it->c, it->d);
            svg_style(fp, &it->style);
            fputs("/>\n", fp);
            break;
        case ITEM_POLYLINE:
            fputs("<polyline points=\"", fp);
            for (size_t k = 0; k < it->n; k++)
                fprintf(fp, "%s%.2f,%.2f", k ? " " : "", p->points[it->first + 2 * k],
                        p->points[it->first + 2 * k + 1]);
            fputc('"', fp);
            svg_style(fp, &it->style);
            fputs(" stroke-linejoin=\"round\"/>\n", fp);
            break;
        case ITEM_RECT:
            fprintf(fp, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"", it->a, it->b, it->c, it->d);
            svg_style(fp, &it->style);
            fputs("/>\n", fp);
            break;
        case ITEM_CIRCLE:
            fprintf(fp, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\"", it->a, it->b, it->c);
            svg_style(fp, &it->style);
            fputs("/>\n", fp);
            break;
        case ITEM_TEXT: {
            static const char *anchors[] = {"start", "middle", "end"};
            fprintf(fp, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.1f\" text-anchor=\"%s\" fill=\"#%06X\"",
                    it->a, it->b, it->c, anchors[it->anchor], it->colour & 0xFFFFFFu);
            if (it->bold) fputs(" font-weight=\"bold\"", fp);
            if (it->d != 0) fprintf(fp, " transform=\"rotate(%.1f %.2f %.2f)\"", it->d, it->a, it->b);
            fputc('>', fp);
            svg_escape(fp, it->text);
            fputs("</text>\n", fp);
            break;
        }
        }
    }
    fputs("</svg>\n", fp);
    if (ferror(fp)) return obs_error_set(err, OBS_EIO, "cannot write SVG");
    return OBS_OK;
}

/* ---- cairo (PNG, PDF) ----------------------------------------------------- */

static void cairo_rgb(cairo_t *cr, unsigned c, double alpha)
{
    cairo_set_source_rgba(cr, ((c >> 16) & 255) / 255.0, ((c >> 8) & 255) / 255.0, (c & 255) / 255.0, alpha);
}

static void cairo_paint_style(cairo_t *cr, const obs_plot_style *s)
{
    if (s->fill != OBS_PLOT_NONE) {
        cairo_rgb(cr, s->fill, s->opacity > 0 ? s->opacity : 1);
        if (s->stroke != OBS_PLOT_NONE) cairo_fill_preserve(cr);
        else cairo_fill(cr);
    }
    if (s->stroke != OBS_PLOT_NONE) {
        static const double dash[] = {5, 3}, dot[] = {1.5, 2.5};
        if (s->dashed == 1) cairo_set_dash(cr, dash, 2, 0);
        else if (s->dashed == 2) cairo_set_dash(cr, dot, 2, 0);
        else cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_line_width(cr, s->width);
        cairo_rgb(cr, s->stroke, 1);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
}

static void cairo_draw(const obs_plot *p, cairo_t *cr)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (size_t i = 0; i < p->n; i++) {
        const item *it = &p->items[i];
        switch (it->kind) {
        case ITEM_LINE:
            cairo_move_to(cr, it->a, it->b);
            cairo_line_to(cr, it->c, it->d);
            cairo_paint_style(cr, &it->style);
            break;
        case ITEM_POLYLINE:
            for (size_t k = 0; k < it->n; k++) {
                double x = p->points[it->first + 2 * k], y = p->points[it->first + 2 * k + 1];
                if (k == 0) cairo_move_to(cr, x, y);
                else cairo_line_to(cr, x, y);
            }
            cairo_paint_style(cr, &it->style);
            break;
        case ITEM_RECT:
            cairo_rectangle(cr, it->a, it->b, it->c, it->d);
            cairo_paint_style(cr, &it->style);
            break;
        case ITEM_CIRCLE:
            cairo_new_sub_path(cr);
            cairo_arc(cr, it->a, it->b, it->c, 0, 2 * M_PI);
            cairo_paint_style(cr, &it->style);
            break;
        case ITEM_TEXT: {
            cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                                   it->bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
            cairo_set_font_size(cr, it->c);
            cairo_text_extents_t ext;
            cairo_text_extents(cr, it->text, &ext);
            double dx = it->anchor == OBS_ANCHOR_START ? 0
                        : it->anchor == OBS_ANCHOR_MIDDLE ? -ext.x_advance / 2 : -ext.x_advance;
            cairo_save(cr);
            cairo_translate(cr, it->a, it->b);
            if (it->d != 0) cairo_rotate(cr, it->d * M_PI / 180);
            cairo_move_to(cr, dx, 0);
            cairo_rgb(cr, it->colour, 1);
            cairo_show_text(cr, it->text);
            cairo_restore(cr);
            cairo_new_path(cr);
            break;
        }
        }
    }
}

obs_status obs_plot_write_png(const obs_plot *p, const char *path, double scale, obs_error *err)
{
    if (!(scale > 0)) scale = 2;
    int w = (int)ceil(p->width * scale), h = (int)ceil(p->height * scale);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, scale, scale);
    cairo_draw(p, cr);
    cairo_destroy(cr);
    cairo_status_t st = cairo_surface_write_to_png(s, path);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS)
        return obs_error_set(err, OBS_EIO, "%s: cannot write PNG: %s", path, cairo_status_to_string(st));
    return OBS_OK;
}

obs_status obs_plot_write_pdf(const obs_plot *p, const char *path, obs_error *err)
{
    cairo_surface_t *s = cairo_pdf_surface_create(path, p->width, p->height);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return obs_error_set(err, OBS_EIO, "%s: cannot write PDF", path);
    }
    cairo_t *cr = cairo_create(s);
    cairo_draw(p, cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS)
        return obs_error_set(err, OBS_EIO, "%s: cannot write PDF: %s", path, cairo_status_to_string(st));
    return OBS_OK;
}
