/* What the physics and the file's own attributes imply about the values of a data set
 * (docs/FORMAT.md "Validation"). The finiteness of every value is tl_dataset_read's
 * check; these rules go further, because a corrupt but finite value (random bytes read
 * as 1e300) passes it and then makes a training diverge, which is no way to say that a
 * file is bad. Every rule is exact up to a stated round-off margin, so no file topolearn
 * wrote can fail it, and cheap: O(L R) per chain except the marker, which is recomputed
 * from the stored Q_AB in O(L^2), the cost of reading Q_AB. The same rows pass through
 * here whether a data set is opened with TL_DATASET_VERIFY or a checkpoint's kept rows
 * are resumed. */
#include <math.h>
#include <string.h>

#include "data/dataset_io.h"

/* Round-off margins. Values stored in double come from LAPACK decompositions and sums
 * whose errors are bounded by a small multiple of L eps ||.||, below 1e-12 relative for
 * any L a full file can hold (eigvecs alone are 16 L^2 bytes per chain): 1e-9 leaves a
 * thousandfold headroom (measured: 5e-15 on norms, 1e-15 on markers). Values stored in
 * float32 carry 2^-24 relative rounding each, so a sum of squares weighing 1 errs by
 * about 1.2e-7 (measured: 8e-8); 1e-5 leaves a hundredfold. */
#define TOL64 1e-9
#define TOL32 1e-5

#define bad(err, ...) tl_error_set(err, TL_ERR_INPUT, __VA_ARGS__)

tl_status tl_ds_check_meta(const char *path, const tl_dataset_meta_t *m, tl_error *err) {
  for (int k = 0; k <= m->r_max - m->r_min; k++) {
    const double lo = m->t_lo[k], hi = m->t_hi[k], D = m->disorder[k];
    if (!isfinite(lo) || !isfinite(hi) || lo > hi || !isfinite(D) || D < 0)
      return bad(err, "%s: attributes of range %d: hop_lo = %g, hop_hi = %g, disorder = %g "
                 "(expected finite hop_lo <= hop_hi and disorder >= 0)", path, m->r_min + k,
                 lo, hi, D);
  }
  if (!isfinite(m->onsite) || m->onsite < 0)
    return bad(err, "%s: attribute onsite_disorder = %g (expected a finite number >= 0)", path,
               m->onsite);
  return TL_OK;
}

void tl_ds_check_init(tl_ds_check_t *c, const char *path, const tl_dataset_meta_t *m,
                      int qab_float32, int windowed, double *scratch) {
  memset(c, 0, sizeof *c);
  c->path = path;
  c->m = m;
  c->R = m->r_max - m->r_min + 1;
  c->tol_eig = m->eig_float32 ? TOL32 : TOL64;
  c->tol_qab = qab_float32 ? TOL32 : TOL64;
  c->windowed = windowed;
  c->marker = scratch;
  c->last_candidate = -1;
  tl_bulk_window(m->L, m->bulk_fraction, &c->bulk_start, &c->bulk_cells);
  for (int k = 0; k < c->R; k++) { /* t_r(n) = t_r + D_r u, t_r in [lo, hi], |u| <= 1/2 */
    const double D = m->disorder[k], scale = fmax(fabs(m->t_lo[k]), fabs(m->t_hi[k])) + D;
    c->hop_lo[k] = m->t_lo[k] - D / 2 - TOL64 * scale;
    c->hop_hi[k] = m->t_hi[k] + D / 2 + TOL64 * scale;
  }
}

/* Hoppings inside the family's bounds; a bond that leaves an open chain is exactly 0. */
static tl_status check_hoppings(const tl_ds_check_t *c, long i, const double *t, tl_error *err) {
  const tl_dataset_meta_t *m = c->m;
  for (int n = 0; n < m->L; n++)
    for (int k = 0; k < c->R; k++) {
      const double x = t[(size_t)n * c->R + k];
      const int r = m->r_min + k;
      if (m->boundary == TL_OBC && (n + r < 0 || n + r >= m->L)) {
        if (x != 0.0)
          return bad(err, "%s: dataset 'hoppings', chain %ld, cell %d, range %d is %.17g "
                     "(expected 0: the bond leaves the open chain)", c->path, i, n, r, x);
      } else if (!(x >= c->hop_lo[k] && x <= c->hop_hi[k])) {
        return bad(err, "%s: dataset 'hoppings', chain %ld, cell %d, range %d is %.17g (expected "
                   "%.17g..%.17g: hop_lo..hop_hi -+ disorder/2)", c->path, i, n, r, x,
                   m->t_lo[k] - m->disorder[k] / 2, m->t_hi[k] + m->disorder[k] / 2);
      }
    }
  return TL_OK;
}

/* On-site terms are D_0 (u - 1/2): at most D_0 / 2 in magnitude (exact in floating point:
 * both factors are, and rounding is monotonic). */
static tl_status check_onsite(const tl_ds_check_t *c, long i, const double *eps, tl_error *err) {
  const double lim = c->m->onsite / 2;
  for (int s = 0; s < 2 * c->m->L; s++)
    if (!(fabs(eps[s]) <= lim))
      return bad(err, "%s: dataset 'onsite', chain %ld, site %d is %.17g (expected |eps| <= "
                 "onsite_disorder/2 = %.17g)", c->path, i, s, eps[s], lim);
  return TL_OK;
}

/* ||H||_2 <= max row sum of |H| <= sum_r max_n |t_r(n)| + max |eps|: every row of H holds
 * one bond per range (B_n: its own; A_m: the one from B_{m-r}) and one on-site term. */
static double spectral_bound(const tl_ds_check_t *c, const double *t, const double *eps) {
  double g = 0;
  for (int k = 0; k < c->R; k++) {
    double mk = 0;
    for (int n = 0; n < c->m->L; n++) mk = fmax(mk, fabs(t[(size_t)n * c->R + k]));
    g += mk;
  }
  double me = 0;
  for (int s = 0; eps && s < 2 * c->m->L; s++) me = fmax(me, fabs(eps[s]));
  return g + me;
}

/* Ascending; for chiral chains (no on-site terms) exactly -s_1..-s_L, s_L..s_1; inside the
 * bound the hoppings give. */
static tl_status check_energies(const tl_ds_check_t *c, long i, const double *E, const double *t,
                                const double *eps, tl_error *err) {
  const int N = 2 * c->m->L;
  for (int k = 0; k + 1 < N; k++)
    if (!(E[k] <= E[k + 1]))
      return bad(err, "%s: dataset 'energies', chain %ld: entry %d = %.17g exceeds entry %d = "
                 "%.17g (expected ascending)", c->path, i, k, E[k], k + 1, E[k + 1]);
  if (!eps)
    for (int k = 0; k < N / 2; k++)
      if (E[N - 1 - k] != -E[k])
        return bad(err, "%s: dataset 'energies', chain %ld: entries %d and %d are %.17g and %.17g "
                   "(expected E and -E: the spectrum of a chiral chain is symmetric)", c->path, i,
                   k, N - 1 - k, E[k], E[N - 1 - k]);
  const double g = spectral_bound(c, t, eps), lim = g * (1 + TOL64);
  for (int k = 0; k < N; k++)
    if (!(fabs(E[k]) <= lim))
      return bad(err, "%s: dataset 'energies', chain %ld, entry %d is %.6g (expected |E| <= %.6g, "
                 "the bound of the chain's hoppings)", c->path, i, k, E[k], g);
  return TL_OK;
}

/* Every stored state is normalised over the 2L sites. */
static tl_status check_eigvecs(const tl_ds_check_t *c, long i, const double *psi, tl_error *err) {
  const int L = c->m->L;
  for (int j = 0; j < L; j++) {
    const double *v = psi + (size_t)j * 2 * L;
    double s = 0;
    for (int a = 0; a < 2 * L; a++) s += v[a] * v[a];
    if (!(fabs(s - 1) <= c->tol_eig))
      return bad(err, "%s: dataset 'eigvecs', chain %ld, state %d has norm^2 %.17g (expected 1 "
                 "within %g: states are normalised)", c->path, i, j, s, c->tol_eig);
  }
  return TL_OK;
}

/* Rows of Q_AB: unit vectors for chiral chains (Q_AB = U V^T is orthogonal), at most
 * unit for others (a block of sign(H), whose zero modes are dropped). Then the marker is
 * Q_AB's (tl_rswn_from_qab, the generator's own function), within the rows' round-off:
 * each term q^2 d errs by tol q^2 |d|, and sum_m q^2 |d| < L. */
static tl_status check_qab(tl_ds_check_t *c, long i, const double *q, const double *marker,
                           const double *W, int chiral, tl_error *err) {
  const int L = c->m->L;
  for (int n = 0; n < L; n++) {
    double s = 0;
    for (int k = 0; k < L; k++) s += q[(size_t)n * L + k] * q[(size_t)n * L + k];
    if (chiral ? !(fabs(s - 1) <= c->tol_qab) : !(s <= 1 + c->tol_qab))
      return bad(err, "%s: dataset 'qab', chain %ld, row %d has norm^2 %.17g (expected %s within "
                 "%g: Q_AB is %s)", c->path, i, n, s, chiral ? "1" : "at most 1", c->tol_qab,
                 chiral ? "orthogonal" : "a block of sign(H)");
  }
  const tl_rswn_opts_t o = {c->m->bulk_fraction, c->m->delta};
  tl_rswn_t r;
  tl_rswn_from_qab(q, L, c->m->boundary, &o, &r, c->marker);
  const double tol = c->tol_qab * L;
  for (int n = 0; n < L; n++)
    if (!(fabs(marker[n] - c->marker[n]) <= tol))
      return bad(err, "%s: dataset 'local_marker', chain %ld, cell %d is %.17g but Q_AB gives "
                 "%.17g (expected equal within %g)", c->path, i, n, marker[n], c->marker[n], tol);
  if (!(fabs(*W - r.W) <= tol))
    return bad(err, "%s: chain %ld has W = %.17g but Q_AB gives %.17g (expected equal within %g)",
               c->path, i, *W, r.W, tol);
  return TL_OK;
}

/* |w_loc(n)| <= sum_m q^2 |x_m - x_n| < L, and W is the mean of the bulk marker (the
 * generator sums it in ascending cells, full and windowed alike). */
static tl_status check_marker(const tl_ds_check_t *c, long i, const double *marker, double W,
                              tl_error *err) {
  const int L = c->m->L;
  double sum = 0, abs_sum = 0;
  for (int n = 0; n < L; n++) {
    if (isnan(marker[n])) continue; /* outside the window of a long-chain file (checked) */
    if (!(fabs(marker[n]) <= L))
      return bad(err, "%s: dataset 'local_marker', chain %ld, cell %d is %.6g (expected |w_loc| <= "
                 "L = %d)", c->path, i, n, marker[n], L);
  }
  for (int n = c->bulk_start; n < c->bulk_start + c->bulk_cells; n++) {
    sum += marker[n];
    abs_sum += fabs(marker[n]);
  }
  const double mean = sum / c->bulk_cells, tol = TOL64 * (1 + abs_sum / c->bulk_cells);
  if (!(fabs(W - mean) <= tol))
    return bad(err, "%s: chain %ld has W = %.17g but its bulk marker averages %.17g (expected "
               "equal within %.3g)", c->path, i, W, mean, tol);
  return TL_OK;
}

/* W_kspace is NaN or a winding r_min..r_max, and defined only for a clean chiral chain:
 * every bond of a range the same, no on-site term (tl_kspace_winding_chain). */
static tl_status check_kspace(const tl_ds_check_t *c, long i, double kw, const double *t,
                              const double *eps, tl_error *err) {
  const tl_dataset_meta_t *m = c->m;
  if (isnan(kw)) return TL_OK;
  if (!(kw == floor(kw) && kw >= m->r_min && kw <= m->r_max))
    return bad(err, "%s: dataset 'W_kspace', chain %ld is %.17g (expected NaN or an integer in "
               "r_min..r_max = %d..%d)", c->path, i, kw, m->r_min, m->r_max);
  for (int s = 0; eps && s < 2 * m->L; s++)
    if (eps[s] != 0)
      return bad(err, "%s: dataset 'W_kspace', chain %ld is %g (expected NaN: the chain has "
                 "on-site terms)", c->path, i, kw);
  for (int k = 0; k < c->R; k++) {
    const int r = m->r_min + k;
    int seen = 0;
    double first = 0;
    for (int n = 0; n < m->L; n++) {
      if (m->boundary == TL_OBC && (n + r < 0 || n + r >= m->L)) continue;
      const double x = t[(size_t)n * c->R + k];
      if (seen && x != first)
        return bad(err, "%s: dataset 'W_kspace', chain %ld is %g (expected NaN: its hoppings of "
                   "range %d differ between cells)", c->path, i, kw, r);
      first = x, seen = 1;
    }
  }
  return TL_OK;
}

tl_status tl_ds_check_winding(const char *path, const char *unit, long i, double W, int L,
                              double delta, const int32_t *label, uint8_t amb, tl_error *err) {
  /* Rows of Q_AB have norm at most 1 and distances are below L, so |W| <= L (and labels
   * of +-2e9 would overflow class arithmetic later). */
  if (!(fabs(W) <= L))
    return bad(err, "%s: %s %ld has W = %.6g (expected |W| <= L = %d)", path, unit, i, W, L);
  long want = lround(W);
  int want_amb = fabs(W - (double)want) > delta;
  if (label && (*label != want || amb != want_amb))
    return bad(err, "%s: %s %ld has label %d, ambiguous %d but W = %.6g (expected label "
               "round(W) = %ld, ambiguous %d)", path, unit, i, (int)*label, (int)amb, W, want,
               want_amb);
  if (!label && amb != want_amb)
    return bad(err, "%s: %s %ld has ambiguous %d but W = %.6g (expected %d: |W - round(W)| %s "
               "delta = %g)", path, unit, i, (int)amb, W, want_amb, want_amb ? ">" : "<=", delta);
  return TL_OK;
}

/* Chain i is candidate i without balancing; with it, candidates are accepted in
 * increasing order, so candidate[i] > candidate[i-1] (hence >= i). */
static tl_status check_candidate(tl_ds_check_t *c, long i, int64_t k, tl_error *err) {
  if (!c->m->balanced && k != i)
    return bad(err, "%s: dataset 'candidate', chain %ld is %lld (expected %ld: without balancing "
               "chain i is candidate i)", c->path, i, (long long)k, i);
  if (c->m->balanced && !(k > c->last_candidate && k >= i))
    return bad(err, "%s: dataset 'candidate', chain %ld is %lld (expected above %lld, the one "
               "before, and >= %ld: candidates are accepted in increasing order)", c->path, i,
               (long long)k, (long long)c->last_candidate, i);
  c->last_candidate = k;
  return TL_OK;
}

tl_status tl_ds_check_rows(tl_ds_check_t *c, const tl_ds_rows_t *r, tl_error *err) {
  const tl_dataset_meta_t *m = c->m;
  const int L = m->L;
  for (long j = 0; j < r->count; j++) {
    const long i = r->first + j;
#define ROW(f) (r->v[f] ? r->v[f] + (size_t)j * (size_t)tl_ds_field_per_chain(f, L, c->R) : NULL)
    const double *t = ROW(TL_FIELD_HOPPINGS), *eps = ROW(TL_FIELD_ONSITE);
    const double *E = ROW(TL_FIELD_ENERGIES), *psi = ROW(TL_FIELD_EIGVECS);
    const double *q = ROW(TL_FIELD_QAB), *marker = ROW(TL_FIELD_LOCAL_MARKER);
    const double W = r->v[TL_FIELD_W][j];
#undef ROW
    tl_status st = tl_ds_check_winding(c->path, "chain", i, W, L, m->delta, &r->label[j],
                                       r->ambiguous[j], err);
    if (!st) st = check_hoppings(c, i, t, err);
    if (!st && eps) st = check_onsite(c, i, eps, err);
    if (!st && E) st = check_energies(c, i, E, t, eps, err);
    if (!st && psi) st = check_eigvecs(c, i, psi, err);
    if (!st) st = check_marker(c, i, marker, W, err);
    if (!st && q) st = check_qab(c, i, q, marker, &r->v[TL_FIELD_W][j], !eps, err);
    if (!st) st = check_kspace(c, i, r->v[TL_FIELD_W_KSPACE][j], t, eps, err);
    if (!st) st = check_candidate(c, i, r->candidate[j], err);
    if (st) return st;
  }
  return TL_OK;
}
