/* k-space winding of clean chains (SPEC 1.3).
 *
 * h(k) = sum_r t_r e^{irk} = z^{r_min} p(z) on |z| = 1 with p(z) = sum_k t[k] z^k, so by
 * the argument principle its winding is r_min + #(roots of p inside the unit circle).
 * We count roots (companion-matrix eigenvalues from LAPACK's dhseqr) rather than
 * integrate the phase on a k grid: the count is an exact integer, and a root on the
 * unit circle says unambiguously that the gap is closed. */
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "topolearn/invariant.h"

#define GAP_TOL 1e-9 /* a root this close to |z| = 1 means h(k) = 0 for some k */

tl_status tl_kspace_winding(const double *t, int r_min, int r_max, int *winding,
                            int *defined, tl_error *err) {
  *winding = 0;
  *defined = 0;
  int R = r_max - r_min + 1;
  if (R < 1 || R > 2 * TL_RANGE_MAX + 1)
    return tl_error_set(err, TL_ERR_INPUT, "ranges %d..%d are invalid", r_min, r_max);
  for (int k = 0; k < R; k++)
    if (!isfinite(t[k]))
      return tl_error_set(err, TL_ERR_INPUT, "hopping t_%d = %g is not finite", r_min + k, t[k]);
  int lo = 0, hi = R - 1;
  while (hi >= 0 && t[hi] == 0.0) hi--;
  if (hi < 0) return TL_OK; /* h(k) = 0: no gap */
  while (t[lo] == 0.0) lo++; /* each zero low coefficient is a root at z = 0 */
  int m = hi - lo;           /* degree of the reduced polynomial */
  int inside = lo;
  if (m > 0) {
    double C[(2 * TL_RANGE_MAX + 1) * (2 * TL_RANGE_MAX + 1)];
    double wr[2 * TL_RANGE_MAX + 1], wi[2 * TL_RANGE_MAX + 1];
    memset(C, 0, sizeof C);
    /* Upper-Hessenberg companion of the monic z^m + sum_j (t[lo+j]/t[hi]) z^j. */
    for (int j = 0; j < m; j++) C[0 + (size_t)j * m] = -t[hi - 1 - j] / t[hi];
    for (int i = 1; i < m; i++) C[i + (size_t)(i - 1) * m] = 1.0;
    double z;
    lapack_int info = LAPACKE_dhseqr(LAPACK_COL_MAJOR, 'E', 'N', m, 1, m, C, m, wr, wi, &z, 1);
    if (info != 0)
      return tl_error_set(err, TL_ERR_NUMERIC, "dhseqr failed (info %d) on the winding polynomial",
                          (int)info);
    for (int j = 0; j < m; j++) {
      double a = hypot(wr[j], wi[j]);
      if (fabs(a - 1.0) <= GAP_TOL) return TL_OK; /* gap closed */
      inside += a < 1.0;
    }
  }
  *winding = r_min + inside;
  *defined = 1;
  return TL_OK;
}

tl_status tl_kspace_winding_chain(const tl_chain_t *c, int *winding, int *defined,
                                  tl_error *err) {
  *winding = 0;
  *defined = 0;
  if (!tl_chain_is_chiral(c)) return TL_OK;
  const int R = tl_chain_ranges(c);
  double t[2 * TL_RANGE_MAX + 1];
  for (int k = 0; k < R; k++) {
    int r = c->r_min + k, seen = 0;
    t[k] = 0.0;
    for (int n = 0; n < c->L; n++) {
      if (c->boundary == TL_OBC && (n + r < 0 || n + r >= c->L)) continue; /* dropped bond */
      double x = c->t[(size_t)n * R + k];
      if (!seen) {
        t[k] = x;
        seen = 1;
      } else if (x != t[k]) {
        return TL_OK; /* disordered: no k-space invariant */
      }
    }
  }
  return tl_kspace_winding(t, c->r_min, c->r_max, winding, defined, err);
}
