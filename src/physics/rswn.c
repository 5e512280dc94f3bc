/* Real-space winding number and local marker from Q_AB (SPEC 1.3):
 *   w_loc(n) = - sum_m q[n, m]^2 (x_m - x_n),   W = (1/L') sum_{n in bulk} w_loc(n). */
#include <math.h>

#include "topolearn/invariant.h"

void tl_rswn_opts_default(tl_rswn_opts_t *o) {
  o->bulk_fraction = 0.5;
  o->delta = 0.1;
}

tl_status tl_rswn_opts_validate(const tl_rswn_opts_t *o, tl_error *err) {
  if (!(o->bulk_fraction > 0.0 && o->bulk_fraction <= 1.0))
    return tl_error_set(err, TL_ERR_INPUT, "bulk fraction %g is out of range (expected 0 < f <= 1)",
                        o->bulk_fraction);
  if (!(o->delta > 0.0 && o->delta <= 0.5))
    return tl_error_set(err, TL_ERR_INPUT, "delta %g is out of range (expected 0 < delta <= 0.5)",
                        o->delta);
  return TL_OK;
}

void tl_bulk_window(int L, double f, int *start, int *cells) {
  int lp = (int)floor(f * L + 0.5);
  if (lp < 1) lp = 1;
  if (lp > L) lp = L;
  *cells = lp;
  *start = (L - lp) / 2;
}

/* Minimal image under PBC, in (-L/2, L/2]. */
static inline int cell_distance(int d, int L, tl_boundary bc) {
  if (bc == TL_PBC) {
    if (d > L / 2) d -= L;
    else if (d <= -(L + 1) / 2) d += L;
  }
  return d;
}

/* w_loc of cells n0..n0+ROWS-1 (all < L). Each row is summed in ascending m, exactly as a
 * row-at-a-time loop would, but ROWS independent sums run side by side: one row's sum
 * is a chain of dependent subtractions, which left the core waiting on each. */
#define ROWS 4
static void marker_rows(const double *qab, int L, tl_boundary bc, int n0, double w[ROWS]) {
  const double *row[ROWS];
  for (int k = 0; k < ROWS; k++) {
    row[k] = qab + (size_t)(n0 + k) * L;
    w[k] = 0.0;
  }
  if (bc == TL_OBC) { /* d = m - n, formed in double: exact, the same value */
    for (int m = 0; m < L; m++) {
      const double dm = m - n0;
      for (int k = 0; k < ROWS; k++) w[k] -= row[k][m] * row[k][m] * (dm - k);
    }
    return;
  }
  for (int m = 0; m < L; m++)
    for (int k = 0; k < ROWS; k++) {
      const double d = cell_distance(m - (n0 + k), L, bc);
      w[k] -= row[k][m] * row[k][m] * d;
    }
}

void tl_rswn_from_qab(const double *qab, int L, tl_boundary bc, const tl_rswn_opts_t *o,
                      tl_rswn_t *res, double *marker) {
  int start, cells;
  tl_bulk_window(L, o->bulk_fraction, &start, &cells);
  /* without a marker only the bulk rows are needed */
  const int lo = marker ? 0 : start, hi = marker ? L : start + cells;
  double sum = 0.0;
  for (int n0 = lo; n0 < hi; n0 += ROWS) {
    double w[ROWS];
    if (n0 + ROWS <= hi) {
      marker_rows(qab, L, bc, n0, w);
    } else { /* the last few rows, one at a time */
      for (int k = 0; k < hi - n0; k++) {
        const double *row = qab + (size_t)(n0 + k) * L;
        w[k] = 0.0;
        for (int m = 0; m < L; m++) w[k] -= row[m] * row[m] * (double)cell_distance(m - (n0 + k), L, bc);
      }
    }
    for (int k = 0; k < ROWS && n0 + k < hi; k++) {
      const int n = n0 + k;
      if (marker) marker[n] = w[k];
      if (n >= start && n < start + cells) sum += w[k]; /* ascending n, as before */
    }
  }
  res->W = sum / cells;
  res->label = (int)lround(res->W);
  res->ambiguous = fabs(res->W - res->label) > o->delta;
  res->bulk_start = start;
  res->bulk_cells = cells;
}

tl_status tl_rswn(const tl_chain_t *c, const tl_rswn_opts_t *o, tl_rswn_t *res, double *marker,
                  tl_error *err) {
  tl_status st = tl_rswn_opts_validate(o, err);
  if (st) return st;
  tl_solver_t *s;
  if ((st = tl_solver_new(&s, c->L, c->r_min, c->r_max, c->boundary, err))) return st;
  st = tl_solver_run(s, c, TL_PATH_AUTO, err);
  if (!st) {
    tl_rswn_from_qab(s->qab, c->L, c->boundary, o, res, marker);
    res->chiral = s->chiral;
  }
  tl_solver_free(s);
  return st;
}
