/* topolearn/arrays.h — the physics on plain arrays, for callers that hold chains as
 * buffers (NumPy through ctypes, Fortran, other languages' FFIs) rather than tl_chain_t.
 *
 * Layout everywhere (the same as tl_chain_t and the data-set fields, SPEC 1.1 and 2):
 *   t       L x R row-major, R = r_max - r_min + 1, t[n*R + k] = t_{r_min+k}(n), the bond
 *           B_n -> A_{n+r}. Under OBC, entries of bonds that leave the chain are ignored.
 *   onsite  2L in site order (2n + a, a = 0 for A, 1 for B), or NULL for a chiral chain.
 *   marker  L, local winding marker of every cell.
 *   energies 2L ascending; psi L x 2L row-major, row j = j-th positive-energy state in
 *           site order and the sign gauge of SPEC 2; qab L x L row-major.
 * Outputs are written in place into caller-owned buffers of exactly these sizes; inputs
 * are never modified. Each call is built on chain.h / invariant.h / window.h (one
 * solver workspace per call, freed before returning) and gives bit-identical results to
 * the CLI for the same chain and options. Every function validates its shape arguments
 * and the finiteness of the values and reports the first problem in err. */
#ifndef TOPOLEARN_ARRAYS_H
#define TOPOLEARN_ARRAYS_H

#include <stdint.h>

#include "topolearn/invariant.h"
#include "topolearn/window.h"

/* How tl_arrays_rswn computes W (the CLI's --method). */
typedef enum {
  TL_METHOD_FULL = 0, /* one decomposition of the whole chain                          */
  TL_METHOD_WINDOW,   /* tl_rswn_windowed: chiral chains, path TL_PATH_AUTO only        */
  TL_METHOD_AUTO      /* window when chiral, path auto and L >= TL_WINDOW_AUTO_MIN_L    */
} tl_method;

/* One realisation of the family (mean hoppings t_mean[0..R-1], bond disorder D_r
 * disorder[0..R-1] or NULL for none, on-site strength onsite >= 0) drawn from the
 * random stream (seed, stream) exactly as tl_chain_build does — the CLI's chain for
 * --seed s is stream (s, 0). Writes t (L x R; OBC-dropped bonds 0) and, when eps is not
 * NULL, the 2L on-site terms (all 0 when onsite == 0). */
tl_status tl_arrays_chain(int L, int r_min, int r_max, const double *t_mean,
                          const double *disorder, double onsite, tl_boundary bc,
                          uint64_t seed, uint64_t stream, double *t, double *eps,
                          tl_error *err);

/* RSWN of the chain (t, onsite) with options opts (NULL: defaults), solver path (forced
 * unless TL_PATH_AUTO; TL_METHOD_FULL only) and method; wo: window options (NULL:
 * defaults). res (not NULL) receives W, label, ambiguity, chirality, bulk window and,
 * for windows, the error estimate (res->full = 1 and W_error = 0 for the full method).
 * marker: NULL or L values; windows leave NaN outside the bulk. *path_used (may be
 * NULL) receives the solver path of the full method; TL_PATH_AUTO when the windowed
 * method ran (also when it fell back to one full decomposition, res->full = 1). */
tl_status tl_arrays_rswn(const double *t, int L, int r_min, int r_max, tl_boundary bc,
                         const double *onsite, const tl_rswn_opts_t *opts, tl_path path,
                         tl_method method, const tl_window_opts_t *wo,
                         tl_window_result_t *res, double *marker, tl_path *path_used,
                         tl_error *err);

/* Spectrum of the chain: any of energies (2L), psi (L x 2L), qab (L x L) may be NULL. */
tl_status tl_arrays_eig(const double *t, int L, int r_min, int r_max, tl_boundary bc,
                        const double *onsite, tl_path path, double *energies, double *psi,
                        double *qab, tl_error *err);

/* k-space winding of a chain given as arrays (tl_kspace_winding_chain: defined only for
 * a chiral chain with one value per range on every existing bond). For mean hoppings
 * alone, call tl_kspace_winding directly. */
tl_status tl_arrays_kspace_winding(const double *t, int L, int r_min, int r_max,
                                   tl_boundary bc, const double *onsite, int *winding,
                                   int *defined, tl_error *err);

#endif
