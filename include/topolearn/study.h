/* topolearn/study.h — the studies of SPEC 4: trainability, disorder, size, unseen
 * windings, pruning, and the summary they feed into the report.
 *
 * A study is a grid of cells (model x seed x setting). Each finished cell is written
 * to DIR/cells/<study>/<cell>.csv at once, so an interrupted study resumed with
 * `resume` skips finished cells and ends with the same numbers as an uninterrupted one.
 * Tables go to DIR/data/NAME.csv, figures to DIR/figures/NAME.png, and the numbers the report
 * quotes to the summary (DIR/summary.json). */
#ifndef TOPOLEARN_STUDY_H
#define TOPOLEARN_STUDY_H

#include "topolearn/train.h"

#define TL_STUDY_MAX_MODELS 24
#define TL_STUDY_MAX_SWEEP 16
#define TL_STUDY_NAME_MAX 64

/* One model of a study: a name for tables ("topo:exact+noise:0.1", "mlp:eigvec:gauge"),
 * its hyper-parameters and how it trains. */
typedef struct {
  char name[TL_STUDY_NAME_MAX];
  tl_model_hyper_t hp;
  int augment_gauge;
} tl_study_model_t;

/* "kind[:input][:init][:gauge]": topo:random, topo:exact, topo:exact+noise:0.1,
 * sym:random, sym:exact, mlp:eigvec, mlp:eigvec:gauge, mlp:hopping, mlp:qab,
 * cnn:eigvec, cnn:hopping. Defaults of tl_model_hyper_default for the rest; sym uses
 * the square activation and a band covering the chain (band = L - 1) when exact. */
tl_status tl_study_model_parse(const char *spec, int L, tl_study_model_t *out, tl_error *err);

/* Comma-separated list of specs. */
tl_status tl_study_models_parse(const char *list, int L, tl_study_model_t *models, int *n,
                                tl_error *err);

typedef struct tl_study_config_s {
  int L;                  /* cells of the training chains                      */
  long n_train, n_test;   /* chains per training / test set                    */
  int epochs, batch;
  double lr;
  int seeds;              /* independent trainings per model                    */
  uint64_t seed;          /* base seed: data sets and seeds derive from it      */
  double train_disorder;  /* bond disorder of the training set                 */
  int train_r_min, train_r_max; /* trainability: ranges of the training family (0..1:
                                   SSH; each mean hopping uniform in [0, 2])        */
  double success;         /* accuracy that counts as success (0.99)            */
  double w_tol;           /* topo/sym "learned": max |W - RSWN| below this (0.1) */
  double sweep[TL_STUDY_MAX_SWEEP];  /* disorder study: test disorders         */
  int nsweep;
  int edge_cells;         /* prune: cells at each end counted as edge          */
  int threads;            /* OpenMP/BLAS threads (0: default)                   */
  tl_study_model_t models[TL_STUDY_MAX_MODELS];
  int nmodels;
  const char *models_text; /* CLI: a --models list to parse once L is known (NULL: defaults) */
  const char *out_dir;
  int resume;             /* skip cells already finished in out_dir            */
  int rank, nranks;       /* several processes (MPI): this one trains the cells it
                             owns (a hash of study, model and seed modulo nranks)  */
  int train_only;         /* train the owned cells and stop before any table: the
                             first phase of a multi-process run, whose rank 0 then
                             reruns with resume to aggregate every cell           */
  int figures;            /* render PNG figures (needs gnuplot)                */
  int quiet;
} tl_study_config_t;

/* Full defaults (quick = 0) or the `--quick` ones (minutes on two cores). */
tl_status tl_study_config_default(tl_study_config_t *c, const char *study, int quick,
                                  tl_error *err);
/* After the caller's changes: parses the models (models_text, or the study's default
 * list) for the final L and checks the sizes. */
tl_status tl_study_config_finish(tl_study_config_t *c, const char *study, tl_error *err);
/* The default model list of a study, NULL for an unknown study. */
const char *tl_study_default_models(const char *study);

/* ---- summary: the numbers the report quotes ------------------------------------- */

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

/* ---- progress and interruption ----------------------------------------------------- */

/* Study progress: called between cells (study, done, total, cell name) and after every
 * training epoch (study NULL, done = total = -1); a nonzero return stops with
 * TL_ERR_INTERRUPTED (finished cells stay on disk for resume). */
typedef int (*tl_study_progress_fn)(void *ctx, const char *study, long done, long total,
                                    const char *cell);

typedef struct {
  tl_study_progress_fn fn;
  void *ctx;
} tl_study_hooks_t;

/* ---- the studies --------------------------------------------------------------------- */

tl_status tl_study_trainability(const tl_study_config_t *c, const tl_study_hooks_t *h,
                                tl_summary_t *sum, tl_error *err);
tl_status tl_study_disorder(const tl_study_config_t *c, const tl_study_hooks_t *h,
                            tl_summary_t *sum, tl_error *err);
tl_status tl_study_size(const tl_study_config_t *c, const tl_study_hooks_t *h,
                        tl_summary_t *sum, tl_error *err);
tl_status tl_study_unseen(const tl_study_config_t *c, const tl_study_hooks_t *h,
                          tl_summary_t *sum, tl_error *err);
tl_status tl_study_prune(const tl_study_config_t *c, const tl_study_hooks_t *h,
                         tl_summary_t *sum, tl_error *err);

/* By name ("trainability", "disorder", "size", "unseen", "prune"); TL_ERR_INPUT naming
 * the known ones for an unknown name. */
/* 1 if this process trains the cell (study, model, seed) of a multi-process run. */
int tl_study_owns(const tl_study_config_t *c, const char *study, const char *model, int seed);

tl_status tl_study_run(const char *name, const tl_study_config_t *c, const tl_study_hooks_t *h,
                       tl_summary_t *sum, tl_error *err);

#endif
