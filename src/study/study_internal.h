/* src/study/study_internal.h — what the studies share: the study definition that each
 * study file fills and registry.c lists, the grid runner that trains its cells, in-memory
 * chain sets, one trained cell with its learning curve, cell files for resume, paths.
 *
 * A study is one file (trainability.c, disorder.c, size.c, unseen.c, prune.c) holding
 * one const tl_study_def_t: its grid of cells (settings x models x seeds), the sets it
 * draws, the judgement of one trained cell, its tables, figures and the claims it checks.
 * The grid runner (grid.c) trains every cell, resumes finished ones, spreads them over
 * processes and reports progress; the study never loops over cells itself. */
#ifndef TL_STUDY_INTERNAL_H
#define TL_STUDY_INTERNAL_H

#include <limits.h>

#include "topolearn/outfile.h"
#include "topolearn/report.h"
#include "topolearn/study.h"

#define TL_ANY_LABEL INT_MIN

/* A family of chains to draw in memory. Candidate k draws from stream (seed, k): the
 * mean hopping of each range uniformly in [t_lo, t_hi], then disorder. Candidates are
 * accepted in index order (want_label: only that label, non-ambiguous), so the set is
 * the same for any thread count. */
typedef struct {
  int L, r_min, r_max;
  double t_lo[2 * TL_RANGE_MAX + 1], t_hi[2 * TL_RANGE_MAX + 1];
  double disorder, onsite;
  tl_boundary boundary;
  long n;
  uint64_t seed;
  int want_label;
} tl_set_spec_t;

/* Plain SSH, v and w uniform in [0, 2] (the default family of docs/studies.md). */
void tl_set_spec_ssh(tl_set_spec_t *sp, int L, long n, uint64_t seed, double disorder);
/* Ranges 0..2 with t_0, t_1 in [0, 1] and t_2 in [1, 2], keeping winding-2 chains. */
void tl_set_spec_winding2(tl_set_spec_t *sp, int L, long n, uint64_t seed);
tl_status tl_set_make(const tl_set_spec_t *sp, tl_samples_t **out, tl_error *err);

/* Deterministic seeds derived from the base seed and a purpose tag. */
uint64_t tl_study_seed(uint64_t base, const char *tag, long index);

/* ---- the grid ------------------------------------------------------------------------ */

#define TL_GRID_MAX_SETTINGS 4

/* One setting of a study's grid: the cells trained on one training set. */
typedef struct {
  const char *name;  /* for progress lines: "clean chains", "trained at D = 1"            */
  const char *cells; /* DIR/cells/<cells>/ holds its cells; also the study name in the
                        owner hash of a multi-process run (tl_study_owns)                 */
  const char *own_spec, *own_name; /* a model of its own (spec, and the name its cells,
                                      seeds and rows go by), or NULL: the configuration's
                                      models                                            */
} tl_grid_setting_t;

/* One cell: indices into the grid and the model it trains. */
typedef struct {
  int setting, model, seed;
  const tl_study_model_t *spec;
} tl_grid_cell_t;

/* One trained cell. */
typedef struct {
  int epochs_to_success;  /* first epoch with test accuracy >= success, -1 if never */
  double final_loss, fit_acc;
  int epochs;
  double *curve;          /* epochs x TL_CURVE_COLS: loss, train_acc, test_acc, cos_lambda, cos_K */
} tl_cell_train_t;
#define TL_CURVE_COLS 5

typedef struct tl_study_def_s tl_study_def_t;

/* A study under way: its configuration, settings, its own state and what the judge
 * kept of every cell. */
typedef struct {
  const tl_study_def_t *def;
  const tl_study_config_t *c;
  int nsettings;
  tl_grid_setting_t setting[TL_GRID_MAX_SETTINGS];
  void *ctx;      /* def->ctx_size bytes: the study's sets and tables' inputs          */
  double *vals;   /* def->nvals per cell, NaN until judged (tl_grid_vals)               */
  double *curves; /* with def->keep_curves: epochs x TL_CURVE_COLS per cell (tl_grid_curve) */
  long ncells;
  long base[TL_GRID_MAX_SETTINGS]; /* index of each setting's first cell */
  tl_study_model_t own[TL_GRID_MAX_SETTINGS]; /* the settings' own models */
} tl_grid_t;

/* The values the judge wrote for a cell, and its learning curve. */
double *tl_grid_vals(const tl_grid_t *g, int setting, int model, int seed);
double *tl_grid_curve(const tl_grid_t *g, int setting, int model, int seed);
/* Models of a setting (its own model or the configuration's). */
int tl_grid_nmodels(const tl_grid_t *g, int setting);
const tl_study_model_t *tl_grid_model(const tl_grid_t *g, int setting, int model);

/* Work the study does besides training, for the time estimate: chains it draws, and
 * chains each judged cell evaluates (in units of one forward pass each). */
typedef struct {
  double chains_drawn;
  double chains_judged;
} tl_study_extra_work_t;

/* A study: one per file, listed once in registry.c. Every callback but figures and
 * report may assume the configuration passed tl_study_config_finish. */
struct tl_study_def_s {
  const char *name;
  const char *about;          /* one line: what it measures (help, report)           */
  const char *default_models; /* its --models when none are given                     */
  int reproduce_seeds;        /* reproduce without --models or --seeds: at most this many
                                 seeds (0: all)                                         */
  int needs_prunable;         /* every model must have a dense layer to prune          */
  size_t ctx_size;            /* bytes of its state, zeroed before setup               */
  int nvals;                  /* numbers the judge keeps per cell                      */
  int keep_curves;            /* keep every cell's learning curve for the tables        */
  int nfigures;               /* about how many figures it draws (time estimate)       */
  /* The settings of its grid (at most TL_GRID_MAX_SETTINGS), from the configuration
   * alone: the plan counts cells before any chain is drawn. */
  int (*settings)(const tl_study_config_t *c, tl_grid_setting_t *out);
  void (*extra_work)(const tl_study_config_t *c, tl_study_extra_work_t *w);
  /* Draws the sets into g->ctx; cleanup frees them (also after a failed setup). */
  tl_status (*setup)(tl_grid_t *g, tl_error *err);
  void (*cleanup)(tl_grid_t *g);
  /* The training set of a setting, and the test set of its learning curves. */
  void (*sets)(const tl_grid_t *g, int setting, const tl_samples_t **train,
               const tl_samples_t **test);
  /* Judges one trained (or reloaded) cell: fills v[0..nvals) and may keep more in ctx. */
  tl_status (*judge)(tl_grid_t *g, const tl_grid_cell_t *cell, tl_model_t *m,
                     const tl_cell_train_t *ct, double *v, tl_error *err);
  /* After every cell was judged: DIR/data tables and the summary. */
  tl_status (*tables)(tl_grid_t *g, tl_summary_t *sum, tl_error *err);
  /* Figures from the tables in DIR/data (models: the configuration's), listed in figs
   * under the study's name. */
  tl_status (*figures)(const tl_study_config_t *c, tl_figures_t *figs, tl_error *err);
  /* Its section of report.md: intro, tables, glossary, and the claims it checks, whose
   * numbers come from the summary it wrote (tl_report_claim_get), their seed counts and
   * spreads from the judged cells. */
  void (*report)(const tl_grid_t *g, const tl_summary_t *sum, tl_report_section_t *sec);
};

/* The registry (registry.c): the studies in the order reproduce runs them. */
int tl_study_def_count(void);
const tl_study_def_t *tl_study_def_at(int i);
const tl_study_def_t *tl_study_def_find(const char *name);

/* The grid runner: trains (or reloads) every cell of the study this process owns,
 * judges them, then writes the tables and fills sec (not with c->train_only). */
tl_status tl_grid_run(const tl_study_def_t *def, const tl_study_config_t *c,
                      const tl_study_hooks_t *h, tl_summary_t *sum, tl_report_section_t *sec,
                      tl_error *err);
/* Work units of the run of def (see tl_study_plan). */
tl_status tl_grid_plan(const tl_study_def_t *def, const tl_study_config_t *c,
                       tl_study_plan_t *plan, tl_error *err);

/* ---- one cell ------------------------------------------------------------------------ */

/* Where a cell's files go: DIR/cells/<cells>/<name>.{h5,curve.csv,cell}, name from the
 * model spec and seed index ("topo_exact_noise_0.1__s2"). */
typedef struct {
  char model[4096], curve[4096], cell[4096];
} tl_cell_paths_t;
void tl_cell_name(const char *model, int s, char *name, size_t cap);
tl_status tl_cell_paths(const tl_study_config_t *c, const char *cells, const char *model, int s,
                        tl_cell_paths_t *p, tl_error *err);

/* Per-epoch progress of a cell's training: called after every epoch; nonzero stops. */
typedef int (*tl_cell_epoch_fn)(void *ctx, int epoch, int epochs);

/* Trains (or, with c->resume and a finished cell file, reloads) the model of `model`
 * for seed index s on train, evaluating test after every epoch. Writes the model to
 * DIR/cells/<cells>/<cell>.h5 and the curve to <cell>.curve.csv. With c->train_only it
 * only trains cells this process owns and returns *out_model = NULL (nothing to judge);
 * callers then skip the cell. */
tl_status tl_cell_train(const tl_study_config_t *c, const char *cells,
                        const tl_study_model_t *model, int s, const tl_samples_t *train,
                        const tl_samples_t *test, tl_cell_epoch_fn on_epoch, void *epoch_ctx,
                        tl_model_t **out_model, tl_cell_train_t *out, tl_error *err);
void tl_cell_train_free(tl_cell_train_t *t);

/* Key-value cell files: "key,value" lines. Missing file: TL_ERR_IO. */
tl_status tl_cell_write(const char *path, const char *const *keys, const double *vals, int n,
                        tl_error *err);
tl_status tl_cell_read(const char *path, const char *const *keys, double *vals, int n,
                       tl_error *err);

/* ---- what the studies ask of a model (one place for the kind questions) -------------- */

/* Predicts W through the nearest-integer head: labels any integer, has a W error. */
int tl_study_w_head(const tl_model_hyper_t *hp);
/* Reads eigenvectors, so a gauge flip of the states changes its input. */
int tl_study_eigvec_input(const tl_model_hyper_t *hp);
/* Its parameters do not depend on L (tl_model_resize applies). */
int tl_study_size_independent(const tl_model_hyper_t *hp);
/* Has a first dense layer to prune. */
int tl_study_prunable(const tl_model_hyper_t *hp);
/* Reference cost of one sample-epoch (training + test pass) at L, in microseconds on the
 * reference two-core machine: the unit of the work estimates. */
double tl_study_cost_us(const tl_model_hyper_t *hp, int L);


/* Accuracy of m on s (non-ambiguous chains), optionally gauge-flipped / any-integer;
 * W_max receives max |W_pred - W| (NaN for mlp/cnn) when non-NULL. */
tl_status tl_study_accuracy(const tl_model_t *m, const tl_samples_t *s, int gauge_flip,
                            int any_integer, double *acc, double *W_max, tl_error *err);

/* DIR/sub/name into buf, creating DIR/sub. */
tl_status tl_study_path(const tl_study_config_t *c, const char *sub, const char *name,
                        char *buf, size_t cap, tl_error *err);
/* Begins the atomic output DIR/data/name. */
tl_status tl_study_table(const tl_study_config_t *c, const char *name, tl_outfile_t *o,
                         tl_error *err);

/* DIR/data/<name> and DIR/figures/<name> into buf. */
void tl_study_data_path(const tl_study_config_t *c, const char *name, char *buf, size_t cap);
void tl_study_figure_path(const tl_study_config_t *c, const char *name, char *buf, size_t cap);
/* After rendering figures/<png> with status st: lists it in figs under study with its
 * caption when st is TL_OK; returns st. */
tl_status tl_study_figure_done(tl_figures_t *figs, const char *study, const char *png,
                               const char *caption, tl_status st);

/* Index of the model called name in c->models, -1 when absent. */
int tl_study_model_index(const tl_study_config_t *c, const char *name);

/* A number for report text: %.4g, or "n/a" when not finite. */
const char *tl_study_num(char *buf, size_t cap, double x);

/* Median and quartiles of x[0..n) (n >= 1; x is reordered). */
void tl_quartiles(double *x, int n, double *q25, double *median, double *q75);

/* ",x" with %.6g, or "," when x is not finite (the tables' empty cell). */
void tl_study_put(FILE *fp, double x);

/* Summary keys "<model>/<what>", one spelling for the study that writes them and the
 * claims that read them. */
void tl_study_key(char *key, size_t cap, const char *model, const char *what);

#endif
