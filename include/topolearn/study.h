/* topolearn/study.h — the studies (docs/studies.md): trainability, disorder, size,
 * unseen windings, pruning; the registry that lists them and the summary and report
 * sections they fill.
 *
 * A study is a grid of cells (setting x model x seed). Each finished cell is written
 * to DIR/cells/<setting>/<cell>.{cell,curve.csv,h5} at once, so an interrupted study
 * resumed with `resume` skips finished cells and ends with the same numbers as an
 * uninterrupted one. Tables go to DIR/data/NAME.csv, figures to DIR/figures/NAME.png, the
 * numbers the report quotes to the summary (DIR/summary.json), and the claims the study
 * checks to its report section. Studies are looked up by name in one registry
 * (src/study/registry.c); a new study is one file there and one line in it. */
#ifndef TOPOLEARN_STUDY_H
#define TOPOLEARN_STUDY_H

#include "topolearn/report.h"
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

/* Full defaults (quick = 0) or the `--quick` ones (small sizes: a smoke test). */
tl_status tl_study_config_default(tl_study_config_t *c, const char *study, int quick,
                                  tl_error *err);
/* After the caller's changes: parses the models (models_text, or the study's default
 * list) for the final L and checks the sizes. */
tl_status tl_study_config_finish(tl_study_config_t *c, const char *study, tl_error *err);
/* The default model list of a study, NULL for an unknown study. */
const char *tl_study_default_models(const char *study);

/* ---- progress and interruption ----------------------------------------------------- */

/* Work is counted in units of one microsecond of the reference two-core machine, from
 * what a run does (trainings, evaluations, chains drawn), so that a measured rate turns
 * it into a time estimate (tl_study_plan). */
typedef struct {
  double work;       /* units this process will spend on cells and tables               */
  double figures;    /* units of drawing its figures afterwards (tl_study_figures)       */
  long cells;        /* cells of the grid in all                                        */
  long train;        /* of which this process trains                                    */
  long reload;       /* of which it reloads (finished before a resume)                  */
} tl_study_plan_t;

/* What a study is doing, handed to the progress hook at every step: between cells,
 * after every training epoch and at the phases around the grid. */
typedef struct {
  const char *study;
  const char *phase;   /* "drawing chains", "training", "evaluating", "reloading",
                          "writing tables"                                              */
  const char *setting; /* the cell's setting ("clean chains", "trained at D = 1"; NULL
                          outside a cell)                                               */
  const char *model;   /* the cell's model spec (NULL outside a cell)                   */
  int seed, seeds;     /* the cell's seed index (0-based) and the seeds per model        */
  int epoch, epochs;   /* training: epochs finished of epochs (0 otherwise)              */
  long cell, cells;    /* cells started (1-based) and in all                            */
  double work_done;    /* units of this study done (tl_study_plan_t.work in all; a cell
                          reloaded on resume counts only its reading and judging, as in
                          the plan, so a rate stays true)                                */
} tl_study_event_t;

/* A nonzero return stops the run with TL_ERR_INTERRUPTED (finished cells stay on disk
 * for resume). */
typedef int (*tl_study_progress_fn)(void *ctx, const tl_study_event_t *ev);

typedef struct {
  tl_study_progress_fn fn;
  void *ctx;
} tl_study_hooks_t;

/* ---- the registry ---------------------------------------------------------------------- */

/* The studies in the order `reproduce` runs them (i = 0 .. tl_study_count() - 1). */
int tl_study_count(void);
const char *tl_study_name_at(int i);
/* One line: what the study measures; NULL for an unknown name. */
const char *tl_study_about(const char *name);
/* The names joined for a message: "trainability, disorder, size, unseen or prune". */
const char *tl_study_list(void);
/* reproduce without --models or --seeds trains a study at most this many seeds (0: no
 * cap). */
int tl_study_reproduce_seeds(const char *name);

/* 1 if this process trains the cell (setting's cells, model, seed) of a multi-process run. */
int tl_study_owns(const tl_study_config_t *c, const char *study, const char *model, int seed);

/* The work of a run of study `name` with c (c finished by tl_study_config_finish): the
 * cells this process trains and reloads and their units. */
tl_status tl_study_plan(const char *name, const tl_study_config_t *c, tl_study_plan_t *plan,
                        tl_error *err);

/* Runs study `name` (TL_ERR_INPUT naming the known ones for an unknown name): trains or
 * reloads every cell, writes DIR/data tables and adds its numbers to sum. With sec, also
 * fills its report section (claims included); not with c->train_only. */
tl_status tl_study_run(const char *name, const tl_study_config_t *c, const tl_study_hooks_t *h,
                       tl_summary_t *sum, tl_report_section_t *sec, tl_error *err);

/* The study's figures from its tables in DIR/data into DIR/figures, listed in figs under
 * its name. Missing gnuplot: TL_ERR_IO. */
tl_status tl_study_figures(const char *name, const tl_study_config_t *c, tl_figures_t *figs,
                           tl_error *err);

#endif
