/* topolearn/baseline.h — non-learned predictors of the winding, to tell which proxy a
 * network's accuracy matches (SPEC 4).
 *
 * Log-hopping rule: the disordered SSH transition in the thermodynamic limit lies where
 * <ln|w_n|> = <ln|v_n|> (Mondragon-Shem et al., PRL 113, 046802 (2014)); generalised to
 * longer ranges as "the range with the largest mean ln|t_r(n)| is the winding", which is
 * exact for a dominant range and reduces to the SSH rule for ranges {0, 1}.
 * Edge-state indicator: counts near-zero modes of h whose A- and B-parts both sit on the
 * end cells — what an observer of the spectrum and edge weights alone would call a
 * topological chain. It cannot tell the sign of the winding. */
#ifndef TOPOLEARN_BASELINE_H
#define TOPOLEARN_BASELINE_H

#include "topolearn/invariant.h"

/* Predicted winding by the log-hopping rule, over the bonds that exist (OBC drops the
 * bonds leaving the chain); |t| is floored at 1e-300 so a zero bond counts as -690. */
int tl_baseline_loghop(const tl_chain_t *chain);

typedef struct {
  int edge_cells;     /* e: cells at each end counted as edge (default max(1, L/8))     */
  double zero_ratio;  /* a mode is near zero when s_j < zero_ratio * median(s) (1e-2)   */
  double edge_weight; /* ... and >= this share of |u_j|^2 and of |v_j|^2 on the edges (0.5) */
} tl_edge_opts_t;

void tl_edge_opts_default(tl_edge_opts_t *o, int L);

/* Number of edge-localised near-zero modes among the L positive-energy states of a
 * chain in the data-set layout: energies (2L, ascending) and psi (L x 2L, rows =
 * states ascending in energy, site order 2n + a). */
int tl_baseline_edge_modes(const double *energies, const double *psi, int L,
                           const tl_edge_opts_t *o);

#endif
