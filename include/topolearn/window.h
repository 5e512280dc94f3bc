/* topolearn/window.h — linear-scaling RSWN for long chains (nearsightedness).
 *
 * Away from criticality Q = sign(H) is exponentially local, so the marker of a cell
 * depends only on hoppings within a few localisation lengths. The cells are split into
 * blocks; each block's markers come from the structured SVD of the sub-chain
 * block + buffer on both sides (an open sub-chain cut out of the chain). The buffer
 * doubles until the block's markers change by less than tol between two buffers; the
 * change is the error estimate (exponential convergence makes the last change an
 * upper bound on the remaining error). A window that would reach both ends of the chain
 * is the whole chain: then the full computation runs instead, and says so. */
#ifndef TOPOLEARN_WINDOW_H
#define TOPOLEARN_WINDOW_H

#include "topolearn/invariant.h"

#define TL_WINDOW_AUTO_MIN_L 2000 /* --method auto windows chains at least this long */

typedef struct {
  int block;        /* cells per block (default 200)                              */
  int buffer0;      /* first buffer on each side (default 50)                      */
  int buffer_limit; /* largest buffer tried (default 16384); beyond: not converged */
  double tol;       /* max |marker change| between two buffers (default 1e-8)     */
} tl_window_opts_t;

typedef struct {
  tl_rswn_t rswn;   /* W, label, ambiguous, bulk window; chiral = 1              */
  double W_error;   /* (1/L') sum over bulk cells of the last marker change      */
  int buffer_max;   /* largest buffer used by any block (0 for the full path)    */
  int full;         /* 1: computed by the full path (window would span the chain) */
  int converged;    /* 0: some block reached buffer_limit above tol              */
} tl_window_result_t;

void tl_window_opts_default(tl_window_opts_t *wo);
tl_status tl_window_opts_validate(const tl_window_opts_t *wo, tl_error *err);

/* Windowed RSWN of a chiral chain. Only the bulk cells are computed: the marker of a
 * cell near an end of a topological chain holds the edge-mode pairing across the whole
 * chain, which is not local (and differs between SVD routines). marker: NULL, or L
 * values with NaN outside the bulk window. */
tl_status tl_rswn_windowed(const tl_chain_t *chain, const tl_rswn_opts_t *opts,
                           const tl_window_opts_t *wo, tl_window_result_t *res,
                           double *marker, tl_error *err);

#endif
