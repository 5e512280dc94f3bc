/* topolearn/report.h — CSV tables and gnuplot figures. Every output is atomic
 * (topolearn/outfile.h): it appears complete or not at all. */
#ifndef TOPOLEARN_REPORT_H
#define TOPOLEARN_REPORT_H

#include "topolearn/phase.h"

/* ---- summary: the numbers the report quotes --------------------------------------
 * The studies add them (src/study/), report.md and summary.json read them. */

#define TL_SUMMARY_MAX 1024
typedef struct {
  char study[24];
  char key[96];      /* e.g. "topo:random/fit_fraction" */
  double value;
  char text[96];     /* optional verdict text */
} tl_summary_entry_t;

typedef struct tl_summary_s {
  int n;
  tl_summary_entry_t e[TL_SUMMARY_MAX];
} tl_summary_t;

void tl_summary_add(tl_summary_t *s, const char *study, const char *key, double value,
                    const char *text);
/* NAN when absent. */
double tl_summary_get(const tl_summary_t *s, const char *study, const char *key);
tl_status tl_summary_write_json(const tl_summary_t *s, const char *path, tl_error *err);

/* Path of the gnuplot binary ($TL_GNUPLOT, else "gnuplot" on PATH), or NULL when there
 * is none: callers then skip figures with a warning instead of failing. */
const char *tl_gnuplot_path(void);

/* Runs a gnuplot script whose output terminal writes to the file named by the
 * placeholder "@OUT@" in script; the file appears at png_path only on success.
 * TL_ERR_IO when gnuplot is missing or fails (message says which). */
tl_status tl_gnuplot_render(const char *script, const char *png_path, int force, tl_error *err);

/* Heat map of column zcol over columns xcol, ycol (1-based) of a CSV with a header;
 * colour range [zlo, zhi] (NAN for automatic). A range from below 0 to above 0 gets a
 * diverging palette centred on 0; any other a sequential one (weights, shares, W >= 0),
 * with the colour bar labelled zlabel. */
tl_status tl_plot_heatmap(const char *csv_path, const char *png_path, int xcol, int ycol,
                          int zcol, const char *xlabel, const char *ylabel, const char *zlabel,
                          const char *title, double zlo, double zhi, int force, tl_error *err);

/* One curve of a line plot: columns (1-based) of a CSV with a header; lo/hi > 0 draw a
 * shaded band between those columns (e.g. interquartile range) under the curve. Every
 * series has its own colour and marker (series i of a figure: the i-th of a fixed list
 * of 16 colours and of 14 markers). */
typedef struct {
  const char *csv;
  int x, y, lo, hi;
  const char *label;
  const char *match; /* non-NULL: only rows whose first column equals this text */
  int panel;         /* small multiples: the panel it is drawn in (0-based)     */
} tl_plot_series_t;

/* One panel of a figure of small multiples. */
typedef struct {
  const char *title;
  const char *xlabel, *ylabel; /* NULL: the figure's                                  */
  double ymin, ymax;           /* NAN: the figure's                                   */
  double mark_lo, mark_hi;     /* x below mark_lo and above mark_hi (edge cells) are
                                  shaded; NAN: none                                    */
  double xmin, xmax;           /* NAN: automatic                                      */
} tl_plot_panel_t;
/* A panel titled t with every range automatic and nothing shaded. */
#define TL_PLOT_PANEL(t)                                                                   \
  ((tl_plot_panel_t){.title = (t), .ymin = NAN, .ymax = NAN, .mark_lo = NAN, .mark_hi = NAN, \
                     .xmin = NAN, .xmax = NAN})

typedef struct {
  const char *title, *xlabel, *ylabel;
  int logx, logy;
  double ymin, ymax; /* NAN: automatic; a ymax just above 1 keeps curves at 1 off the frame */
  int npanels;       /* > 1: small multiples, one panel per entry of panels          */
  const tl_plot_panel_t *panels;
  int max_rows;      /* bars: the first max_rows rows of the CSV (0: all)             */
  const char *key;   /* where the legend goes, in gnuplot's words ("inside bottom right");
                        NULL: right of each panel                                    */
  double dodge;      /* the markers of a panel's series drawn dodge x-units apart (a
                        factor 1 + dodge apart on a log x axis), so that series on the
                        same points stay apart; 0: none                              */
} tl_plot_axes_t;

tl_status tl_plot_lines(const char *png_path, const tl_plot_series_t *series, int n,
                        const tl_plot_axes_t *axes, int force, tl_error *err);

/* Grouped bars: one group per CSV row (label in label_col), one bar per value column;
 * a bar of height 0 is marked "0" and an empty value "not run". */
tl_status tl_plot_bars(const char *csv_path, const char *png_path, int label_col,
                       const int *value_cols, const char *const *value_labels, int n,
                       const tl_plot_axes_t *axes, int force, tl_error *err);

/* Figures written for report.md: each with its caption and the report section (a study's
 * name) it belongs to. */
#define TL_FIGURES_MAX 48
typedef struct {
  int n;
  char file[TL_FIGURES_MAX][256];    /* relative to DIR */
  char caption[TL_FIGURES_MAX][768];
  char section[TL_FIGURES_MAX][24];
} tl_figures_t;

/* Lists DIR-relative file under section with its caption (dropped past TL_FIGURES_MAX). */
void tl_figures_add(tl_figures_t *figs, const char *section, const char *file,
                    const char *caption);

/* ---- report.md: sections and the claims they check ------------------------------------
 * A study fills one section (src/study/); the report only lays them out, so it knows no
 * study by name. */

typedef enum {
  TL_VERDICT_NOT_MEASURED,   /* a number the claim needs is absent (missing says which) */
  TL_VERDICT_REPRODUCED,
  TL_VERDICT_PARTLY,
  TL_VERDICT_NOT_REPRODUCED
} tl_verdict;
const char *tl_verdict_name(tl_verdict v); /* "reproduced", "partly", ... */

/* One of the paper's claims against the numbers of the study that owns it. */
typedef struct {
  const char *id;          /* "C1" */
  const char *claim;       /* the claim, one sentence */
  const char *rule;        /* the thresholds of its verdicts, stated in the report */
  char measured[1536];     /* the numbers, each with its seed count and spread */
  tl_verdict verdict;
  char note[768];          /* what the verdict rests on, in words */
  char missing[512];       /* "study/key" of every number it asked for that no study wrote */
} tl_report_claim_t;

/* The value of summary key study/key for a claim; NaN, and the key appended to
 * cl->missing, when no study wrote it (the claim's verdict is then not measured). */
double tl_report_claim_get(tl_report_claim_t *cl, const tl_summary_t *s, const char *study,
                           const char *key);
/* Appends printf-style text to a fixed buffer (claims' texts), truncating. */
void tl_report_cat(char *buf, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* A table of report.md from DIR/data/<csv>: the key columns only (the CSV keeps the
 * rest), numbers to 4 significant digits. With pivot, one row per distinct value of the
 * row columns and one column per distinct value of the pivot column, holding value. */
typedef struct {
  const char *csv;
  const char *columns;  /* comma-separated columns to show, in order (NULL: all)        */
  const char *where;    /* "column=value" rows to keep (NULL: all)                      */
  const char *sort;     /* numeric column sorted ascending within runs of equal first
                           column (NULL: file order)                                   */
  const char *pivot, *value; /* pivot: columns holds the row key columns               */
  const char *pivot_label;   /* the pivot columns' heading ("D_0" for "D = 0.5" ...; NULL:
                                the pivot column's name)                               */
  const char *caption;  /* one paragraph above the table                               */
  int max_rows;         /* 0: all                                                       */
} tl_report_table_t;

typedef struct {
  const char *term, *meaning;
} tl_report_term_t;

#define TL_REPORT_TABLES 6
#define TL_REPORT_CLAIMS 4
typedef struct {
  const char *name;          /* the study; its figures are those listed under it        */
  const char *title;
  char intro[3072];          /* what the section measures and how to read it            */
  int ntables;
  tl_report_table_t table[TL_REPORT_TABLES];
  int nclaims;
  tl_report_claim_t claim[TL_REPORT_CLAIMS];
  const tl_report_term_t *terms; /* its columns and words, for the glossary (NULL-ended) */
} tl_report_section_t;

/* What the report says about the run as a whole. */
typedef struct {
  const char *command;
  double seconds;       /* wall time of the run                                       */
  double estimate;      /* the time estimated at its start                             */
  int quick;            /* a --quick run: a smoke test with indicative verdicts        */
  int L;                /* training chains' cells, and the rest of the common setup    */
  long n_train, n_test;
  int epochs, batch;
  double lr;
  const char *out_dir;  /* for the "next steps" */
} tl_report_meta_t;

/* DIR/report.md: title and setup, the glossary (the common terms and every section's),
 * the claims of every section with their verdicts, then each section with its tables and
 * figures, and the next steps. */
tl_status tl_report_write(const char *dir, const tl_report_meta_t *meta,
                          const tl_report_section_t *secs, int nsecs, const tl_figures_t *figs,
                          tl_error *err);

/* Phase-diagram grid as CSV: v,w,D,samples,W_mean,W_std,frac_ambiguous,W_kspace,W_error. */
tl_status tl_phase_write_csv(const char *path, const tl_phase_params_t *p,
                             const tl_phase_point_t *pts, int force, tl_error *err);

#endif
