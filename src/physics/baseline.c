/* Non-learned baselines: log-hopping rule and edge-state indicator (topolearn/baseline.h). */
#include <math.h>
#include <stdlib.h>

#include "topolearn/baseline.h"

int tl_baseline_loghop(const tl_chain_t *c) {
  const int R = tl_chain_ranges(c);
  int best = c->r_min;
  double best_mean = -INFINITY;
  for (int k = 0; k < R; k++) {
    const int r = c->r_min + k;
    double sum = 0;
    int n_bonds = 0;
    for (int n = 0; n < c->L; n++) {
      if (c->boundary == TL_OBC && (n + r < 0 || n + r >= c->L)) continue;
      sum += log(fmax(fabs(c->t[(size_t)n * R + k]), 1e-300));
      n_bonds++;
    }
    if (n_bonds && sum / n_bonds > best_mean) {
      best_mean = sum / n_bonds;
      best = r;
    }
  }
  return best;
}

void tl_edge_opts_default(tl_edge_opts_t *o, int L) {
  o->edge_cells = L / 8 > 1 ? L / 8 : 1;
  o->zero_ratio = 1e-2;
  o->edge_weight = 0.5;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Share of the weight of sublattice a of state psi (2L sites) within e cells of an end. */
static double edge_share(const double *psi, int a, int L, int e) {
  double all = 0, edge = 0;
  for (int n = 0; n < L; n++) {
    double w = psi[2 * n + a] * psi[2 * n + a];
    all += w;
    if (n < e || n >= L - e) edge += w;
  }
  return all > 0 ? edge / all : 0;
}

int tl_baseline_edge_modes(const double *energies, const double *psi, int L,
                           const tl_edge_opts_t *o) {
  if (L < 2) return 0;
  double *pos = tl_malloc((size_t)L * sizeof *pos);
  if (!pos) return 0;
  for (int j = 0; j < L; j++) pos[j] = fabs(energies[L + j]);
  qsort(pos, (size_t)L, sizeof *pos, cmp_double);
  const double median = pos[L / 2];
  tl_free(pos);
  int count = 0;
  for (int j = 0; j < L && fabs(energies[L + j]) < o->zero_ratio * median; j++) {
    const double *state = psi + (size_t)j * 2 * L;
    count += edge_share(state, 0, L, o->edge_cells) >= o->edge_weight &&
             edge_share(state, 1, L, o->edge_cells) >= o->edge_weight;
  }
  return count;
}
