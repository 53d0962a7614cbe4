/*
 * obsurv/plot.h — figures as display lists, rendered to SVG, PNG and PDF.
 *
 * A figure is built once as a list of primitives (lines, polylines, rectangles,
 * circles, text) in points (1/72 inch, origin top-left, y down) and rendered by
 * any back end: SVG text (inline in the HTML report), or cairo for PNG and PDF.
 * One drawing code, identical figures in every format.
 *
 * Helpers map data to the page (obs_plot_area), choose tick marks like R's
 * pretty(), and draw axes with labels.  Colours are 0xRRGGBB; the palette is
 * Okabe & Ito's colour-blind-safe set.
 *
 * Ownership: obs_plot_new returns a figure the caller frees with
 * obs_plot_free; strings given to obs_plot_text are copied.
 */
#ifndef OBSURV_PLOT_H
#define OBSURV_PLOT_H

#include <stdio.h>
#include <stddef.h>
#include "obsurv/error.h"

#define OBS_PLOT_NONE 0xFFFFFFFFu  /* "no colour": no fill / no stroke */

/* Okabe-Ito palette: black, orange, sky blue, bluish green, yellow, blue,
 * vermillion, reddish purple. */
extern const unsigned obs_palette[8];

typedef struct {
    unsigned stroke;     /* 0xRRGGBB or OBS_PLOT_NONE */
    unsigned fill;       /* 0xRRGGBB or OBS_PLOT_NONE */
    double width;        /* stroke width in points */
    double opacity;      /* fill opacity 0..1 */
    int dashed;          /* 0 solid, 1 dashed, 2 dotted */
} obs_plot_style;

typedef enum { OBS_ANCHOR_START, OBS_ANCHOR_MIDDLE, OBS_ANCHOR_END } obs_plot_anchor;

typedef struct obs_plot obs_plot;

obs_plot *obs_plot_new(double width, double height);
void obs_plot_free(obs_plot **p);

/* Primitives; each returns OBS_OK or OBS_ENOMEM. */
obs_status obs_plot_line(obs_plot *p, double x0, double y0, double x1, double y1, obs_plot_style s);
obs_status obs_plot_polyline(obs_plot *p, const double *x, const double *y, size_t n, obs_plot_style s);
obs_status obs_plot_rect(obs_plot *p, double x, double y, double w, double h, obs_plot_style s);
obs_status obs_plot_circle(obs_plot *p, double x, double y, double r, obs_plot_style s);
/* Text with its baseline at y; size in points; rotate in degrees (-90 for a
 * y-axis label); bold 0/1; colour 0xRRGGBB. */
obs_status obs_plot_text(obs_plot *p, double x, double y, const char *text, double size,
                         obs_plot_anchor anchor, double rotate, int bold, unsigned colour);

/* A data region mapped onto a rectangle of the page. */
typedef struct {
    double x0, x1, y0, y1;             /* data limits */
    double left, top, width, height;   /* page rectangle in points */
} obs_plot_area;

double obs_plot_px(const obs_plot_area *a, double x);  /* data x -> page x */
double obs_plot_py(const obs_plot_area *a, double y);  /* data y -> page y */

/* Tick marks for [lo, hi] like R's pretty(): about n intervals of 1, 2 or 5
 * times a power of ten covering the range.  Writes at most cap ticks. */
size_t obs_plot_pretty(double lo, double hi, int n, double *ticks, size_t cap);

/* Axes: the bottom and left axis lines, ticks, tick labels (printf format
 * fmt, e.g. "%g") and the axis title. */
obs_status obs_plot_axis_bottom(obs_plot *p, const obs_plot_area *a, const double *ticks, size_t n,
                                const char *fmt, const char *title);
obs_status obs_plot_axis_left(obs_plot *p, const obs_plot_area *a, const double *ticks, size_t n,
                              const char *fmt, const char *title);

/* Render.  SVG goes to fp (a complete <svg> element, no XML prolog, so it can
 * be inlined in HTML); PNG at `scale` pixels per point; PDF vector. */
obs_status obs_plot_write_svg(const obs_plot *p, FILE *fp, obs_error *err);
obs_status obs_plot_write_png(const obs_plot *p, const char *path, double scale, obs_error *err);
obs_status obs_plot_write_pdf(const obs_plot *p, const char *path, obs_error *err);

#endif
