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

void tl_rswn_from_qab(const double *qab, int L, tl_boundary bc, const tl_rswn_opts_t *o,
                      tl_rswn_t *res, double *marker) {
  int start, cells;
  tl_bulk_window(L, o->bulk_fraction, &start, &cells);
  double sum = 0.0;
  for (int n = 0; n < L; n++) {
    const int in_bulk = n >= start && n < start + cells;
    if (!marker && !in_bulk) continue;
    const double *row = qab + (size_t)n * L;
    double w = 0.0;
    for (int m = 0; m < L; m++) {
      int d = m - n;
      if (bc == TL_PBC) { /* minimal image, in (-L/2, L/2] */
        if (d > L / 2) d -= L;
        else if (d <= -(L + 1) / 2) d += L;
      }
      w -= row[m] * row[m] * d;
    }
    if (marker) marker[n] = w;
    if (in_bulk) sum += w;
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
