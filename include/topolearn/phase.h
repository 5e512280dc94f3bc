/* topolearn/phase.h — W over a parameter grid (topolearn phase-diagram).
 *
 * Two grids: (v, w) of a chain family (x = v = t_0, y = w = t_1), and (w, D) at fixed v
 * (x = w, y = bond disorder on every range). Each point averages `samples` disorder
 * realisations; realisation s of point p draws from stream (seed, p * samples + s), so
 * the grid is identical whatever the thread count. */
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

/* Fills out[iy * nx + ix]. progress (may be NULL, see error.h) counts realisations. */
tl_status tl_phase_diagram(const tl_phase_params_t *p, tl_phase_point_t *out,
                           tl_progress_fn progress, void *ctx, tl_error *err);

#endif
