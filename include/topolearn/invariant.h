/* topolearn/invariant.h — exact invariants of chiral chains (SPEC 1.3-1.4).
 *
 * k-space winding of clean chains; real-space winding number (RSWN) and local marker of
 * any chain from Q_AB, the A-B block of Q = sign(H). On the chiral path Q_AB = U V^T
 * from the SVD h = U S V^T of the L x L block (never eigh of the 2L x 2L H): LAPACK's
 * bidiagonal SVD (dbdsdc) for plain SSH, band reduction (dgbbrd) then dbdsdc for longer
 * ranges, dense dgesdd for periodic chains. Chains with on-site terms are not chiral;
 * for them Q_AB is taken from the full H (dsyevd) and `chiral` is reported as 0. */
#ifndef TOPOLEARN_INVARIANT_H
#define TOPOLEARN_INVARIANT_H

#include "topolearn/chain.h"

/* ---- k-space winding ------------------------------------------------------------- */

/* Winding of h(k) = sum_r t_r e^{irk} around 0 for mean hoppings t[0..R-1] of ranges
 * r_min..r_max: r_min + (number of roots of sum_k t[k] z^k inside |z| < 1), roots from
 * the companion matrix (LAPACK dhseqr): exact integer, no k grid. *defined = 0 when
 * h(k) vanishes on the unit circle (a root within 1e-9 of |z| = 1: gap closed) or all
 * t are 0. */
tl_status tl_kspace_winding(const double *t, int r_min, int r_max, int *winding,
                            int *defined, tl_error *err);

/* The same for a chain: defined only when the chain is chiral and clean (each range has
 * one hopping value on every bond that exists). */
tl_status tl_kspace_winding_chain(const tl_chain_t *chain, int *winding, int *defined,
                                  tl_error *err);

/* ---- spectral solver (one workspace per chain shape, reused across chains) -------- */

typedef enum {
  TL_PATH_AUTO = 0,  /* choose from the structure (the default)          */
  TL_PATH_BIDIAG,    /* plain SSH (ranges {0,1} or {-1,0}), OBC: dbdsdc  */
  TL_PATH_BANDED,    /* OBC, any ranges: dgbbrd -> dbdsdc                 */
  TL_PATH_DENSE,     /* dgesdd of h (PBC, or forced)                     */
  TL_PATH_FULL_H     /* dsyevd of the 2L x 2L H (non-chiral, or forced)  */
} tl_path;

typedef struct {
  int L, r_min, r_max;  /* L: cells of the last chain run (<= capacity)          */
  int capacity;         /* largest L this workspace holds                        */
  tl_boundary boundary;
  tl_path path;     /* the path used by the last run                           */
  int chiral;       /* the last chain had no on-site terms                     */
  /* chiral paths: h = U diag(s) V^T */
  double *s;        /* L singular values, descending                           */
  double *u;        /* L x L column-major, column j = u_j (A amplitudes)       */
  double *vt;       /* L x L column-major, row j = v_j^T (B amplitudes)        */
  /* full-H path: H = Z diag(e) Z^T */
  double *e_full;   /* 2L eigenvalues, ascending                               */
  double *z_full;   /* 2L x 2L column-major eigenvectors, site order           */
  /* every path */
  double *qab;      /* L x L row-major: qab[n*L + m] = Q_AB[n, m]              */
  void *scratch;    /* private LAPACK workspace                                */
} tl_solver_t;

/* A workspace for chains of ranges r_min..r_max and up to L cells (windows of a long
 * chain run through one workspace of the largest window's size). */
tl_status tl_solver_new(tl_solver_t **out, int L, int r_min, int r_max,
                        tl_boundary bc, tl_error *err);
void tl_solver_free(tl_solver_t *solver);

/* Decomposes chain (same ranges, at most capacity cells) and fills qab. path = TL_PATH_AUTO picks
 * the fastest exact path; another value forces it (for cross-checks). */
tl_status tl_solver_run(tl_solver_t *solver, const tl_chain_t *chain, tl_path path,
                        tl_error *err);

/* After a run: the 2L energies, ascending (chiral: -s_1..-s_L, s_L..s_1). */
void tl_solver_energies(const tl_solver_t *solver, double *energies);

/* After a run: the L positive-energy states (chiral: psi_j = (u_j, v_j)/sqrt 2
 * interleaved; full-H: the L highest states), ascending in energy, as rows of psi
 * (L x 2L row-major, site order 2n + a), each in the sign gauge of SPEC 2. */
void tl_solver_eigvecs(const tl_solver_t *solver, double *psi);

/* Sign gauge: flips v (length n) so that its largest-magnitude entry is positive;
 * entries within 1e-9 of the largest magnitude are ties, the lowest index wins. */
void tl_gauge_fix(double *v, int n);

/* ---- real-space winding number -------------------------------------------------- */

typedef struct {
  double bulk_fraction; /* f in (0, 1], default 0.5                              */
  double delta;         /* ambiguity threshold on |W - round W|, default 0.1     */
} tl_rswn_opts_t;

typedef struct {
  double W;
  int label;       /* round(W)                                                  */
  int ambiguous;   /* |W - label| > delta                                       */
  int chiral;      /* 0: on-site terms broke chiral symmetry; W from the full H */
  int bulk_start;  /* first bulk cell, (L - L')/2                              */
  int bulk_cells;  /* L' = max(1, floor(f L + 1/2))                            */
} tl_rswn_t;

void tl_rswn_opts_default(tl_rswn_opts_t *opts);
tl_status tl_rswn_opts_validate(const tl_rswn_opts_t *opts, tl_error *err);

/* Bulk window of SPEC 1.4. */
void tl_bulk_window(int L, double bulk_fraction, int *start, int *cells);

/* Local marker w_loc(n) = -sum_m qab[n,m]^2 (x_m - x_n) for every cell (minimal-image
 * distance under PBC) into marker (L), then W as its bulk average. */
void tl_rswn_from_qab(const double *qab, int L, tl_boundary bc, const tl_rswn_opts_t *opts,
                      tl_rswn_t *res, double *marker);

/* One chain, allocating a solver for it (use tl_solver_* in loops). marker may be NULL. */
tl_status tl_rswn(const tl_chain_t *chain, const tl_rswn_opts_t *opts, tl_rswn_t *res,
                  double *marker, tl_error *err);

#endif
