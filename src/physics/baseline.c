/* Non-learned baselines: log-hopping rule and edge-state indicator (topolearn/baseline.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* Share of sum_i x[i*stride]^2 that sits within e cells of either end. */
static double edge_share(const double *x, size_t stride, int L, int e) {
  double all = 0, edge = 0;
  for (int n = 0; n < L; n++) {
    double a = x[(size_t)n * stride] * x[(size_t)n * stride];
    all += a;
    if (n < e || n >= L - e) edge += a;
  }
  return all > 0 ? edge / all : 0;
}

int tl_baseline_edge_modes(const tl_solver_t *s, const tl_edge_opts_t *o) {
  const int L = s->L;
  if (s->path == TL_PATH_FULL_H || L < 2) return 0;
  /* median singular value: s is descending, so the middle entry */
  double *sorted = tl_malloc((size_t)L * sizeof *sorted);
  if (!sorted) return 0;
  memcpy(sorted, s->s, (size_t)L * sizeof *sorted);
  qsort(sorted, (size_t)L, sizeof *sorted, cmp_double);
  const double median = sorted[L / 2];
  tl_free(sorted);
  int count = 0;
  for (int j = L - 1; j >= 0 && s->s[j] < o->zero_ratio * median; j--) {
    double wu = edge_share(s->u + (size_t)j * L, 1, L, o->edge_cells);
    double wv = edge_share(s->vt + j, (size_t)L, L, o->edge_cells);
    count += wu >= o->edge_weight && wv >= o->edge_weight;
  }
  return count;
}
