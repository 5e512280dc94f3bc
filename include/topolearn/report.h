/* topolearn/report.h — CSV tables and gnuplot figures. Every output is atomic
 * (topolearn/outfile.h): it appears complete or not at all. */
#ifndef TOPOLEARN_REPORT_H
#define TOPOLEARN_REPORT_H

#include "topolearn/phase.h"

/* Path of the gnuplot binary ($TL_GNUPLOT, else "gnuplot" on PATH), or NULL when there
 * is none: callers then skip figures with a warning instead of failing. */
const char *tl_gnuplot_path(void);

/* Runs a gnuplot script whose output terminal writes to the file named by the
 * placeholder "@OUT@" in script; the file appears at png_path only on success.
 * TL_ERR_IO when gnuplot is missing or fails (message says which). */
tl_status tl_gnuplot_render(const char *script, const char *png_path, int force, tl_error *err);

/* Heat map of column zcol over columns xcol, ycol (1-based) of a CSV with a header;
 * colour range [zlo, zhi] (NAN for automatic). */
tl_status tl_plot_heatmap(const char *csv_path, const char *png_path, int xcol, int ycol,
                          int zcol, const char *xlabel, const char *ylabel, const char *zlabel,
                          const char *title, double zlo, double zhi, int force, tl_error *err);

/* One curve of a line plot: columns (1-based) of a CSV with a header; lo/hi > 0 draw a
 * shaded band between those columns (e.g. interquartile range) under the curve. */
typedef struct {
  const char *csv;
  int x, y, lo, hi;
  const char *label;
  const char *match; /* non-NULL: only rows whose first column equals this text */
} tl_plot_series_t;

typedef struct {
  const char *title, *xlabel, *ylabel;
  int logx, logy;
  double ymin, ymax; /* NAN: automatic */
} tl_plot_axes_t;

tl_status tl_plot_lines(const char *png_path, const tl_plot_series_t *series, int n,
                        const tl_plot_axes_t *axes, int force, tl_error *err);

/* Grouped bars: one group per CSV row (label in label_col), one bar per value column. */
tl_status tl_plot_bars(const char *csv_path, const char *png_path, int label_col,
                       const int *value_cols, const char *const *value_labels, int n,
                       const tl_plot_axes_t *axes, int force, tl_error *err);

/* Figures of a finished study from its CSVs in DIR/data into DIR/figures; each figure
 * is listed with its caption in captions (for report.md). Missing gnuplot: TL_ERR_IO. */
#define TL_FIGURES_MAX 32
typedef struct {
  int n;
  char file[TL_FIGURES_MAX][256];    /* relative to DIR */
  char caption[TL_FIGURES_MAX][512];
} tl_figures_t;

tl_status tl_report_study_figures(const char *study, const char *dir, const char *const *models,
                                  int nmodels, tl_figures_t *figs, tl_error *err);

/* DIR/report.md from the summary, the CSVs in DIR/data and the figures. */
struct tl_study_config_s;
struct tl_summary_s;
tl_status tl_report_write(const char *dir, const struct tl_summary_s *sum, const tl_figures_t *figs,
                          const struct tl_study_config_s *cfg_train,
                          const struct tl_study_config_s *cfg_disorder, const char *command,
                          double seconds, tl_error *err);

/* Phase-diagram grid as CSV: v,w,D,samples,W_mean,W_std,frac_ambiguous,W_kspace,W_error. */
tl_status tl_phase_write_csv(const char *path, const tl_phase_params_t *p,
                             const tl_phase_point_t *pts, int force, tl_error *err);

#endif
