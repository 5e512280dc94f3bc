/* topolearn/chain.h — one-dimensional chiral chains of the SSH family (SPEC 1.1-1.2).
 *
 * L unit cells n = 0..L-1 with sites A_n, B_n at x_n = n. The hopping t_r(n) connects
 * B_n to A_{n+r} for r = r_min..r_max (r = 0: intra-cell v, r = 1: inter-cell w,
 * negative r allowed). In the sublattice basis H = [[0, h], [h^T, 0]] with
 * h[n+r, n] = t_r(n) (rows A, columns B). Site order, whenever a wave function is
 * stored: interleaved, index 2n + a with a = 0 for A and a = 1 for B. */
#ifndef TOPOLEARN_CHAIN_H
#define TOPOLEARN_CHAIN_H

#include "topolearn/error.h"
#include "topolearn/rng.h"

#define TL_RANGE_MAX 16 /* largest |r| accepted: longer ranges are not physics we study */
#define TL_L_MAX 10000000

typedef enum { TL_OBC = 0, TL_PBC = 1 } tl_boundary;

/* A family of chains: mean hopping and bond-disorder strength per range, on-site
 * (chiral-breaking) disorder strength, size and boundary. */
typedef struct {
  int L;
  int r_min, r_max;
  double t[2 * TL_RANGE_MAX + 1];        /* t[k]: mean hopping of range r_min + k        */
  double disorder[2 * TL_RANGE_MAX + 1]; /* D_r: t_r(n) = t_r + D_r u, u in [-1/2, 1/2] */
  double onsite;                         /* D_0: eps in [-D_0/2, D_0/2] on every site   */
  tl_boundary boundary;
} tl_family_t;

/* One realisation. Owns its arrays. */
typedef struct {
  int L;
  int r_min, r_max;
  tl_boundary boundary;
  double *t;      /* L x R row-major, t[n*R + k] = t_{r_min+k}(n); bonds leaving an
                     open chain are 0                                                 */
  double *onsite; /* 2L in site order, or NULL when the chain is chiral              */
} tl_chain_t;

static inline int tl_chain_ranges(const tl_chain_t *c) { return c->r_max - c->r_min + 1; }

/* Plain SSH family: r = 0..1 with t_0 = v, t_1 = w, no disorder, OBC. */
void tl_family_ssh(tl_family_t *fam, int L, double v, double w);

/* Checks sizes, ranges and finiteness; one line naming the field on failure. */
tl_status tl_family_validate(const tl_family_t *fam, tl_error *err);

/* 1 <= L <= TL_L_MAX and r_min <= r_max within +-TL_RANGE_MAX; one line otherwise. */
tl_status tl_chain_shape_validate(int L, int r_min, int r_max, tl_error *err);

/* Allocates a chain of the given shape with all hoppings 0 and no on-site terms. */
tl_status tl_chain_new(tl_chain_t **out, int L, int r_min, int r_max, tl_boundary bc,
                       tl_error *err);
void tl_chain_free(tl_chain_t *chain);

/* Fills chain (same shape as fam) with one realisation drawn from rng. Draw order is
 * fixed — bonds cell-major then range (only ranges with D_r > 0 draw), then the 2L
 * on-site terms (only when D_0 > 0) — and every bond is drawn even when OBC drops it,
 * so OBC and PBC chains of one seed share their bulk. */
tl_status tl_chain_realise(tl_chain_t *chain, const tl_family_t *fam, tl_rng_t *rng,
                           tl_error *err);

/* Convenience: new + realise. */
tl_status tl_chain_build(tl_chain_t **out, const tl_family_t *fam, tl_rng_t *rng,
                         tl_error *err);

/* Zeroes the hoppings of bonds that leave an open chain (after editing t by hand). */
void tl_chain_apply_boundary(tl_chain_t *chain);

/* Checks every hopping and on-site term is finite. */
tl_status tl_chain_validate(const tl_chain_t *chain, tl_error *err);

/* 1 if the chain has no on-site terms (so H anticommutes with Gamma = P_A - P_B). */
int tl_chain_is_chiral(const tl_chain_t *chain);

/* Dense L x L block h, column-major (h[i + j*L] = h[i, j]). */
void tl_chain_block(const tl_chain_t *chain, double *h);

/* Dense 2L x 2L Hamiltonian in site order, column-major (symmetric). */
void tl_chain_hamiltonian(const tl_chain_t *chain, double *H);

#endif
