/* Line plots with bands (one figure, or small multiples) and grouped bar charts, rendered
 * by gnuplot (see gnuplot.c). Every figure gets labelled axes and a title; captions live
 * in report.md. Every series of a figure has its own colour and marker; where series
 * coincide (several models at accuracy 1) the earlier ones are drawn wider, so each
 * stays visible around the later ones. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "topolearn/report.h"

#define SCRIPT_MAX 65536

/* 16 colours that stay apart on white (Tableau 10 and six darker or lighter partners),
 * and 14 gnuplot point types (filled and open shapes); a series' pair is unique. */
static const char *const colours[16] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                        "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
                                        "#000000", "#0b3d91", "#7b0f0f", "#1b5e20", "#b35900",
                                        "#4a148c"};
static const int markers[14] = {7, 5, 9, 11, 13, 15, 6, 4, 8, 10, 12, 14, 1, 2};

/* Appends printf-style text to script; returns 0 when it would overflow. */
__attribute__((format(printf, 3, 4))) static int add(char *script, size_t *len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(script + *len, SCRIPT_MAX - *len, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= SCRIPT_MAX - *len) return 0;
  *len += (size_t)n;
  return 1;
}

/* gnuplot strings are double-quoted: escape quotes and backslashes, drop newlines. */
static void quote(char *out, size_t cap, const char *s) {
  size_t k = 0;
  for (; s && *s && k + 3 < cap; s++) {
    if (*s == '"' || *s == '\\') out[k++] = '\\';
    out[k++] = (*s == '\n') ? ' ' : *s;
  }
  out[k] = '\0';
}

static int yrange(char *script, size_t *len, double ymin, double ymax) {
  char lo[32] = "*", hi[32] = "*";
  if (isfinite(ymin)) snprintf(lo, sizeof lo, "%g", ymin);
  if (isfinite(ymax)) snprintf(hi, sizeof hi, "%g", ymax);
  return add(script, len, "set yrange [%s:%s]\n", lo, hi);
}

static int labels(char *script, size_t *len, const char *title, const char *xlabel, const char *ylabel) {
  char t[512], xl[256], yl[256];
  quote(t, sizeof t, title);
  quote(xl, sizeof xl, xlabel);
  quote(yl, sizeof yl, ylabel);
  return add(script, len, "set title \"%s\"\nset xlabel \"%s\"\nset ylabel \"%s\"\n", t, xl, yl);
}

static int preamble(char *script, size_t *len, const tl_plot_axes_t *ax, int width, int height) {
  int ok = add(script, len,
               "set terminal pngcairo size %d,%d enhanced font 'Sans,12'\n"
               "set output '@OUT@'\nset datafile separator ','\n"
               "set grid\nset tics out\n", width, height);
  if (ax->logx) ok &= add(script, len, "set logscale x 2\n");
  if (ax->logy) ok &= add(script, len, "set logscale y\nset format y \"10^{%%L}\"\n");
  return ok;
}

/* Column expression: "$k", or only the rows whose first column is s->match. */
static void column(char *out, size_t cap, const tl_plot_series_t *s, int k) {
  if (!s->match) {
    snprintf(out, cap, "%d", k);
    return;
  }
  char m[96];
  quote(m, sizeof m, s->match);
  snprintf(out, cap, "(strcol(1) eq \"%s\" ? column(%d) : NaN)", m, k);
}

/* A series' colour and marker: those of the first series with its label, so a series
 * repeated in several panels (a baseline) looks the same in each. */
static int style(const tl_plot_series_t *series, int i) {
  for (int j = 0; j < i; j++)
    if (series[j].label && series[i].label && !strcmp(series[j].label, series[i].label)) return j;
  return i;
}

/* x of series rank of count: the column, dodged. */
static void xcolumn(char *out, size_t cap, const tl_plot_series_t *s, const tl_plot_axes_t *ax,
                    int rank, int count) {
  const double k = rank - (count - 1) / 2.0;
  if (!ax->dodge || count < 2) snprintf(out, cap, "%d", s->x);
  else if (ax->logx) snprintf(out, cap, "($%d*%.6g)", s->x, pow(1 + ax->dodge, k));
  else snprintf(out, cap, "($%d%+.6g)", s->x, ax->dodge * k);
}

/* The plot command of the series of one panel: bands first, curves on top. */
static int plot_panel(char *script, size_t *len, const tl_plot_series_t *series, int n,
                      const tl_plot_axes_t *ax, int panel) {
  int ok = add(script, len, "plot "), first = 1, count = 0, rank = 0;
  for (int i = 0; i < n; i++) count += series[i].panel == panel;
  for (int i = 0, r = 0; i < n && ok; i++) { /* r: the series' rank in the panel */
    const tl_plot_series_t *s = &series[i];
    if (s->panel != panel) continue;
    r++;
    if (s->lo <= 0 || s->hi <= 0) continue;
    char lo[160], hi[160], x[64];
    column(lo, sizeof lo, s, s->lo);
    column(hi, sizeof hi, s, s->hi);
    xcolumn(x, sizeof x, s, ax, r - 1, count); /* the band moves with its curve */
    ok &= add(script, len, "%s'%s' every ::1 using %s:%s:%s with filledcurves fs transparent "
              "solid 0.15 noborder lc rgb '%s' notitle", first ? "" : ", ", s->csv, x, lo, hi,
              colours[style(series, i) % 16]);
    first = 0;
  }
  for (int i = 0; i < n && ok; i++) {
    const tl_plot_series_t *s = &series[i];
    if (s->panel != panel) continue;
    char label[256], y[160], x[64];
    quote(label, sizeof label, s->label);
    column(y, sizeof y, s, s->y);
    xcolumn(x, sizeof x, s, ax, rank, count);
    /* the first series of a panel widest: coinciding curves stay visible */
    const double lw = count > 1 ? 1.2 + 5.0 * (count - 1 - rank) / (count - 1) : 2.0;
    const int k = style(series, i);
    ok &= add(script, len, "%s'%s' every ::1 using %s:%s with linespoints lw %.2f pt %d ps 1.0 "
              "dt %d lc rgb '%s' title \"%s\"", first ? "" : ", ", s->csv, x, y, lw,
              markers[k % 14], 1 + k / 16, colours[k % 16], label);
    first = 0;
    rank++;
  }
  if (first) ok &= add(script, len, "NaN notitle"); /* an empty panel still draws its axes */
  return ok && add(script, len, "\n");
}

static int panel_setup(char *script, size_t *len, const tl_plot_axes_t *ax, const tl_plot_panel_t *p) {
  int ok = labels(script, len, p->title, p->xlabel ? p->xlabel : ax->xlabel,
                  p->ylabel ? p->ylabel : ax->ylabel);
  ok &= yrange(script, len, isfinite(p->ymin) || isfinite(p->ymax) ? p->ymin : ax->ymin,
               isfinite(p->ymin) || isfinite(p->ymax) ? p->ymax : ax->ymax);
  ok &= add(script, len, "unset object\n");
  char lo[32] = "*", hi[32] = "*";
  if (isfinite(p->xmin)) snprintf(lo, sizeof lo, "%g", p->xmin);
  if (isfinite(p->xmax)) snprintf(hi, sizeof hi, "%g", p->xmax);
  ok &= add(script, len, "set xrange [%s:%s]\n", lo, hi);
  if (isfinite(p->mark_lo))
    ok &= add(script, len, "set object 1 rect from graph 0, graph 0 to first %g, graph 1 behind "
              "fc rgb '#e8e8e8' fs solid noborder\n", p->mark_lo);
  if (isfinite(p->mark_hi))
    ok &= add(script, len, "set object 2 rect from first %g, graph 0 to graph 1, graph 1 behind "
              "fc rgb '#e8e8e8' fs solid noborder\n", p->mark_hi);
  return ok;
}

tl_status tl_plot_lines(const char *png_path, const tl_plot_series_t *series, int n,
                        const tl_plot_axes_t *axes, int force, tl_error *err) {
  char script[SCRIPT_MAX];
  size_t len = 0;
  const int np = axes->npanels > 1 ? axes->npanels : 1;
  const int cols = np <= 3 ? np : 2, rows = (np + cols - 1) / cols;
  int ok;
  if (np == 1) {
    ok = preamble(script, &len, axes, 1000, 640) && labels(script, &len, axes->title, axes->xlabel, axes->ylabel) &&
         yrange(script, &len, axes->ymin, axes->ymax) && add(script, &len, "set key outside right top\n") &&
         plot_panel(script, &len, series, n, axes, 0);
  } else {
    char t[512];
    quote(t, sizeof t, axes->title);
    ok = preamble(script, &len, axes, 640 * cols, 600 * rows + 40) &&
         add(script, &len, "set key %s font ',10'\n"
                           "set multiplot layout %d,%d title \"%s\" font ',14'\n",
             axes->key ? axes->key : "outside right top vertical", rows, cols, t);
    for (int p = 0; p < np && ok; p++)
      ok = panel_setup(script, &len, axes, &axes->panels[p]) && plot_panel(script, &len, series, n, axes, p);
    ok = ok && add(script, &len, "unset multiplot\n");
  }
  if (!ok) return tl_error_set(err, TL_ERR_INPUT, "%s: plot script too long (%d series)", png_path, n);
  return tl_gnuplot_render(script, png_path, force, err);
}

tl_status tl_plot_bars(const char *csv_path, const char *png_path, int label_col,
                       const int *value_cols, const char *const *value_labels, int n,
                       const tl_plot_axes_t *axes, int force, tl_error *err) {
  char script[SCRIPT_MAX];
  size_t len = 0;
  const double width = 0.8 / (n > 0 ? n : 1);
  char rows[32] = "::1"; /* every row after the header, or the first max_rows */
  if (axes->max_rows > 0) snprintf(rows, sizeof rows, "::1::%d", axes->max_rows);
  int ok = preamble(script, &len, axes, 1000, 640) &&
           labels(script, &len, axes->title, axes->xlabel, axes->ylabel) &&
           yrange(script, &len, axes->ymin, axes->ymax) &&
           add(script, &len, "set key outside top center horizontal\nset style fill solid 0.8 border -1\n"
                             "set xtics rotate by -35 left\nset grid noxtics\n"
                             "set xrange [-0.6:*]\n") &&
           add(script, &len, "plot '%s' every %s using 0:(NaN):xtic(%d) notitle", csv_path, rows,
               label_col);
  for (int i = 0; i < n && ok; i++) {
    char label[256];
    quote(label, sizeof label, value_labels[i]);
    const double off = (i - (n - 1) / 2.0) * width;
    /* a bar at its row's position; a value of 0 gets a "0" above the axis, an empty
     * one "not run" (valid() is false for an empty field) */
    ok &= add(script, &len, ", '%s' every %s using ($0%+g):%d:(%g) with boxes lc rgb '%s' title \"%s\""
              ", '' every %s using ($0%+g):(valid(%d) ? ($%d == 0 ? 0.02 : NaN) : 0.02):"
              "(valid(%d) ? \"0\" : \"not run\") with labels rotate by 90 left font ',9' notitle",
              csv_path, rows, off, value_cols[i], width, colours[i % 16], label, rows, off,
              value_cols[i], value_cols[i], value_cols[i]);
  }
  ok &= add(script, &len, "\n");
  if (!ok) return tl_error_set(err, TL_ERR_INPUT, "%s: plot script too long", png_path);
  return tl_gnuplot_render(script, png_path, force, err);
}
