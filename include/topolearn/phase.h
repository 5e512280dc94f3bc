/* topolearn/phase.h — W over a parameter grid (topolearn phase-diagram).
 *
 * Two grids: (v, w) of a chain family (x = v = t_0, y = w = t_1), and (w, D) at fixed v
 * (x = w, y = bond disorder on every range). Each point averages `samples` disorder
 * realisations; realisation s of point p draws from stream (seed, p * S + s) with S the
 * realisations per point (tl_phase_samples_run), so the grid is identical whatever the
 * thread count, and a run can stop and continue later (tl_phase_diagram_continue, the
 * checkpoints at the end). */
#ifndef TOPOLEARN_PHASE_H
#define TOPOLEARN_PHASE_H

#include "topolearn/window.h"

typedef enum { TL_PHASE_VW = 0, TL_PHASE_WD = 1 } tl_phase_mode;

typedef struct {
  tl_phase_mode mode;
  tl_family_t base;       /* L, ranges, boundary, other hoppings; t_0 = v in WD mode */
  double x_lo, x_hi;      /* v range (VW) or w range (WD)                            */
  double y_lo, y_hi;      /* w range (VW) or D range (WD)                            */
  int nx, ny;             /* grid points per axis (>= 1; 1 point sits at lo)         */
  int samples;            /* realisations per point (1 when there is no disorder)    */
  uint64_t seed;
  tl_rswn_opts_t rswn;
  int method;             /* -1 auto (windows from TL_WINDOW_AUTO_MIN_L), 0 full, 1 window */
  tl_window_opts_t window;
} tl_phase_params_t;

/* Defaults for everything but the grid: method auto, window buffers up to 256 cells
 * (a point at the transition then reports its error estimate instead of running an
 * ever larger SVD). */
void tl_phase_params_default(tl_phase_params_t *p);

typedef struct {
  double v, w, D;         /* the point                                               */
  double W_mean, W_std;   /* over the realisations (std 0 for one sample)             */
  double frac_ambiguous;  /* fraction of realisations with |W - round W| > delta      */
  double W_kspace;        /* k-space winding of the clean chain, NaN where undefined */
  double W_error;         /* mean windowed error estimate (0 when computed in full)  */
  int samples;
} tl_phase_point_t;

tl_status tl_phase_params_validate(const tl_phase_params_t *p, tl_error *err);

/* Fills out[iy * nx + ix]. progress (may be NULL, see error.h) counts realisations; a
 * cancel returns TL_ERR_INTERRUPTED and keeps nothing. */
tl_status tl_phase_diagram(const tl_phase_params_t *p, tl_phase_point_t *out,
                           tl_progress_fn progress, void *ctx, tl_error *err);

/* Realisations per point: samples, or 1 when no point of the grid has disorder. */
int tl_phase_samples_run(const tl_phase_params_t *p);
/* 1 when W comes from the windowed RSWN (method window, or auto at L >= TL_WINDOW_AUTO_MIN_L
 * on a chiral family), 0 for the full SVD. */
int tl_phase_params_windowed(const tl_phase_params_t *p);

/* ---- runs that stop and continue ---------------------------------------------------
 * Realisation i = point * S + s is a pure function of (p, i), and the points are reduced
 * in index order, so any set of finished realisations can be kept and the rest computed
 * later: the points then equal an uninterrupted run's bit for bit, whatever the thread
 * counts of the runs. */
typedef struct {
  long total;               /* nx * ny * S realisations                                */
  int S;                    /* realisations per point (tl_phase_samples_run)           */
  long done_count;          /* entries with done[i] = 1                                */
  double *W;                /* [total] W of realisation i                              */
  double *W_error;          /* [total] windowed error estimate (0 when computed in full) */
  unsigned char *ambiguous; /* [total] 0/1                                             */
  unsigned char *done;      /* [total] 1: entry i holds realisation i                  */
} tl_phase_state_t;

/* A state for p with nothing done; free with tl_phase_state_free (NULL is fine). */
tl_status tl_phase_state_new(tl_phase_state_t **s, const tl_phase_params_t *p, tl_error *err);
void tl_phase_state_free(tl_phase_state_t *s);

/* Computes the realisations s lacks, then fills out as tl_phase_diagram does. progress
 * counts every finished realisation, kept ones included; its nonzero return stops the
 * run with TL_ERR_INTERRUPTED, out untouched and s holding every realisation finished so
 * far (a cancel once all are done changes nothing). s must be made for p. */
tl_status tl_phase_diagram_continue(const tl_phase_params_t *p, tl_phase_state_t *s,
                                    tl_phase_point_t *out, tl_progress_fn progress, void *ctx,
                                    tl_error *err);

/* Checkpoints (docs/FORMAT.md "Phase-diagram checkpoints"): a small HDF5 file of kind
 * TL_PHASE_CHECKPOINT_KIND holding a state and the canonical description of its p. */
#define TL_PHASE_CHECKPOINT_KIND "phase_checkpoint"

/* Where topolearn phase-diagram --out PREFIX keeps its checkpoint: PREFIX.partial.h5. */
void tl_phase_checkpoint_path(const char *prefix, char *buf, size_t cap);

/* Everything in p that determines the points, as "key=value" words in a fixed order
 * (doubles in their shortest exact form); not threads or outputs. */
void tl_phase_params_describe(const tl_phase_params_t *p, char *buf, size_t cap);

/* Writes s to path whole or not at all (temporary + rename), replacing a file there. */
tl_status tl_phase_checkpoint_save(const char *path, const tl_phase_params_t *p,
                                   const tl_phase_state_t *s, tl_error *err);

/* Reads the checkpoint at path into a new state after validating it (kind, attributes,
 * shapes, types, 0/1 flags, finite values where done) and comparing its parameters with
 * p: one line naming the first key=value that differs. */
tl_status tl_phase_checkpoint_load(const char *path, const tl_phase_params_t *p,
                                   tl_phase_state_t **s, tl_error *err);

#endif
