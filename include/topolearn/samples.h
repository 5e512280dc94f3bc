/* topolearn/samples.h — in-memory sample sets: N chains of one shape with their states,
 * Q_AB, energies and RSWN labels, the sets models train and evaluate on. Filled from the
 * solver (tl_samples_fill) or from a data-set file (tl_dataset_load_samples). Data layer:
 * it knows chains and invariants, not models. */
#ifndef TOPOLEARN_SAMPLES_H
#define TOPOLEARN_SAMPLES_H

#include <stdint.h>

#include "topolearn/chain.h"
#include "topolearn/error.h"
#include "topolearn/invariant.h"

/* N chains of one shape (L cells, ranges r_min..r_max, R = r_max - r_min + 1). The
 * HDF5 data-set reader fills the same struct. Per chain i:
 *   t        + i*L*R     hoppings, t[n*R + k] = t_{r_min+k}(n)
 *   psi      + i*L*2L    positive-energy states as rows, ascending energy, site order
 *                        2n + a, normalised over the 2L sites (tl_solver_eigvecs)
 *   qab      + i*L*L     Q_AB row-major; NULL when not stored (models then form it
 *                        from psi as 2 sum_j a_j b_j^T, exact by SPEC 1.4)
 *   energies + i*2L      ascending
 *   W[i], label[i] = round(W), ambiguous[i] (SPEC 1.3) */
typedef struct tl_samples_s {
  int N, L, r_min, r_max, R;
  tl_boundary boundary;  /* of every chain (distances in the marker, sym's features) */
  double *t, *psi, *qab, *energies, *W;
  int *label;
  uint8_t *ambiguous;
} tl_samples_t;

/* All arrays zeroed; with_qab = 0 leaves qab NULL. */
tl_status tl_samples_new(tl_samples_t **out, int N, int L, int r_min, int r_max,
                         tl_boundary bc, int with_qab, tl_error *err);
void tl_samples_free(tl_samples_t *s); /* NULL is a no-op */
/* A deep copy (e.g. to relabel a control set). */
tl_status tl_samples_copy(tl_samples_t **out, const tl_samples_t *s, tl_error *err);

/* Fills chain i from the solver (which must hold a workspace for the chain's shape):
 * tl_solver_run, eigvecs, energies, qab, and W / label / ambiguity by tl_rswn_from_qab
 * with opts. The chain must have the set's L, ranges and boundary. */
tl_status tl_samples_fill(tl_samples_t *s, int i, tl_solver_t *solver,
                          const tl_chain_t *chain, const tl_rswn_opts_t *opts,
                          tl_error *err);

/* Every stored value finite, labels = round(W) and ambiguity flags 0/1: one line
 * naming the chain and field otherwise (TL_ERR_INPUT). tl_train and tl_model_eval
 * call it, so a corrupt file is reported as such rather than as a diverged run. */
tl_status tl_samples_validate(const tl_samples_t *s, tl_error *err);

/* Label range over the chains that count (non-ambiguous unless keep_ambiguous);
 * TL_ERR_INPUT if there are none. */
tl_status tl_samples_label_range(const tl_samples_t *s, int keep_ambiguous, int *cmin,
                                 int *cmax, tl_error *err);

/* Q_AB[n, m] of chain i: the stored value, or 2 sum_j a_j(n) b_j(m) formed from psi. */
double tl_samples_qab(const tl_samples_t *s, int i, int n, int m);

#endif
