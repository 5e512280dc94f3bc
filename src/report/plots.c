/* Line plots with bands and grouped bar charts, rendered by gnuplot (see gnuplot.c).
 * Every figure gets labelled axes and a title; captions live in report.md. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "topolearn/report.h"

#define SCRIPT_MAX 16384

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

static int preamble(char *script, size_t *len, const tl_plot_axes_t *ax) {
  char t[512], xl[256], yl[256];
  quote(t, sizeof t, ax->title);
  quote(xl, sizeof xl, ax->xlabel);
  quote(yl, sizeof yl, ax->ylabel);
  int ok = add(script, len,
               "set terminal pngcairo size 960,640 enhanced font 'Sans,12'\n"
               "set output '@OUT@'\nset datafile separator ','\n"
               "set title \"%s\"\nset xlabel \"%s\"\nset ylabel \"%s\"\n"
               "set grid\nset key outside right top\nset tics out\n",
               t, xl, yl);
  if (ax->logx) ok &= add(script, len, "set logscale x 2\n");
  if (ax->logy) ok &= add(script, len, "set logscale y\nset format y \"10^{%%L}\"\n");
  if (isfinite(ax->ymin) || isfinite(ax->ymax)) {
    char lo[32] = "*", hi[32] = "*";
    if (isfinite(ax->ymin)) snprintf(lo, sizeof lo, "%g", ax->ymin);
    if (isfinite(ax->ymax)) snprintf(hi, sizeof hi, "%g", ax->ymax);
    ok &= add(script, len, "set yrange [%s:%s]\n", lo, hi);
  }
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

tl_status tl_plot_lines(const char *png_path, const tl_plot_series_t *series, int n,
                        const tl_plot_axes_t *axes, int force, tl_error *err) {
  char script[SCRIPT_MAX];
  size_t len = 0;
  int ok = preamble(script, &len, axes) && add(script, &len, "plot ");
  int first = 1;
  for (int i = 0; i < n && ok; i++) { /* bands first, so curves draw on top */
    const tl_plot_series_t *s = &series[i];
    if (s->lo <= 0 || s->hi <= 0) continue;
    char lo[160], hi[160];
    column(lo, sizeof lo, s, s->lo);
    column(hi, sizeof hi, s, s->hi);
    ok &= add(script, &len, "%s'%s' every ::1 using %d:%s:%s with filledcurves fs transparent "
              "solid 0.2 noborder lc %d notitle", first ? "" : ", ", s->csv, s->x, lo, hi, i % 8 + 1);
    first = 0;
  }
  for (int i = 0; i < n && ok; i++) {
    const tl_plot_series_t *s = &series[i];
    char label[256];
    quote(label, sizeof label, s->label);
    char y[160];
    column(y, sizeof y, s, s->y);
    /* gnuplot cycles 8 colours: later series are dashed with other points */
    ok &= add(script, &len, "%s'%s' every ::1 using %d:%s with linespoints lw 2 pt %d ps 0.7 "
              "dt %d lc %d title \"%s\"", first ? "" : ", ", s->csv, s->x, y, 7 + 2 * (i / 8),
              1 + i / 8, i % 8 + 1, label);
    first = 0;
  }
  ok &= add(script, &len, "\n");
  if (!ok) return tl_error_set(err, TL_ERR_INPUT, "%s: plot script too long (%d series)", png_path, n);
  return tl_gnuplot_render(script, png_path, force, err);
}

tl_status tl_plot_bars(const char *csv_path, const char *png_path, int label_col,
                       const int *value_cols, const char *const *value_labels, int n,
                       const tl_plot_axes_t *axes, int force, tl_error *err) {
  char script[SCRIPT_MAX];
  size_t len = 0;
  int ok = preamble(script, &len, axes) &&
           add(script, &len, "set style data histogram\nset style histogram cluster gap 1\n"
                             "set style fill solid 0.8 border -1\nset boxwidth 0.9\n"
                             "set xtics rotate by -35 left\nplot ");
  for (int i = 0; i < n && ok; i++) {
    char label[256];
    quote(label, sizeof label, value_labels[i]);
    ok &= add(script, &len, "%s'%s' every ::1 using %d:xtic(%d) title \"%s\"", i ? ", " : "",
              csv_path, value_cols[i], label_col, label);
  }
  ok &= add(script, &len, "\n");
  if (!ok) return tl_error_set(err, TL_ERR_INPUT, "%s: plot script too long", png_path);
  return tl_gnuplot_render(script, png_path, force, err);
}
