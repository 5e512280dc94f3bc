/* Chains of the SSH family: shape, realisation of disorder, dense blocks (SPEC 1.1-1.2). */
#include <math.h>
#include <string.h>

#include "topolearn/chain.h"

void tl_family_ssh(tl_family_t *fam, int L, double v, double w) {
  memset(fam, 0, sizeof *fam);
  fam->L = L;
  fam->r_min = 0;
  fam->r_max = 1;
  fam->t[0] = v;
  fam->t[1] = w;
  fam->boundary = TL_OBC;
}

tl_status tl_chain_shape_validate(int L, int r_min, int r_max, tl_error *err) {
  if (L < 1 || L > TL_L_MAX)
    return tl_error_set(err, TL_ERR_INPUT, "L = %d is out of range (expected 1..%d)", L, TL_L_MAX);
  if (r_min > r_max || r_min < -TL_RANGE_MAX || r_max > TL_RANGE_MAX)
    return tl_error_set(err, TL_ERR_INPUT,
                        "ranges %d..%d are invalid (expected r_min <= r_max within -%d..%d)",
                        r_min, r_max, TL_RANGE_MAX, TL_RANGE_MAX);
  return TL_OK;
}

tl_status tl_family_validate(const tl_family_t *fam, tl_error *err) {
  tl_status st = tl_chain_shape_validate(fam->L, fam->r_min, fam->r_max, err);
  if (st) return st;
  for (int k = 0; k <= fam->r_max - fam->r_min; k++) {
    int r = fam->r_min + k;
    if (!isfinite(fam->t[k]))
      return tl_error_set(err, TL_ERR_INPUT, "hopping t_%d = %g is not finite", r, fam->t[k]);
    if (!isfinite(fam->disorder[k]) || fam->disorder[k] < 0)
      return tl_error_set(err, TL_ERR_INPUT,
                          "disorder D_%d = %g is invalid (expected a finite value >= 0)", r,
                          fam->disorder[k]);
  }
  if (!isfinite(fam->onsite) || fam->onsite < 0)
    return tl_error_set(err, TL_ERR_INPUT,
                        "on-site disorder %g is invalid (expected a finite value >= 0)",
                        fam->onsite);
  if (fam->boundary != TL_OBC && fam->boundary != TL_PBC)
    return tl_error_set(err, TL_ERR_INPUT, "boundary %d is invalid (expected OBC or PBC)",
                        (int)fam->boundary);
  return TL_OK;
}

tl_status tl_chain_new(tl_chain_t **out, int L, int r_min, int r_max, tl_boundary bc,
                       tl_error *err) {
  *out = NULL;
  tl_status st = tl_chain_shape_validate(L, r_min, r_max, err);
  if (st) return st;
  tl_chain_t *c = tl_calloc(1, sizeof *c);
  if (!c) return tl_error_set(err, TL_ERR_NOMEM, "out of memory allocating a chain");
  c->L = L;
  c->r_min = r_min;
  c->r_max = r_max;
  c->boundary = bc;
  c->t = tl_calloc((size_t)L * (size_t)(r_max - r_min + 1), sizeof *c->t);
  if (!c->t) {
    tl_free(c);
    return tl_error_set(err, TL_ERR_NOMEM, "out of memory allocating hoppings for L = %d", L);
  }
  *out = c;
  return TL_OK;
}

void tl_chain_free(tl_chain_t *chain) {
  if (!chain) return;
  tl_free(chain->t);
  tl_free(chain->onsite);
  tl_free(chain);
}

/* Bond B_n -> A_{n+r} exists in an open chain only when 0 <= n + r < L. */
static int bond_exists(int L, tl_boundary bc, int n, int r) {
  return bc == TL_PBC || (n + r >= 0 && n + r < L);
}

void tl_chain_apply_boundary(tl_chain_t *c) {
  const int R = tl_chain_ranges(c);
  for (int n = 0; n < c->L; n++)
    for (int k = 0; k < R; k++)
      if (!bond_exists(c->L, c->boundary, n, c->r_min + k)) c->t[(size_t)n * R + k] = 0.0;
}

tl_status tl_chain_realise(tl_chain_t *c, const tl_family_t *fam, tl_rng_t *rng,
                           tl_error *err) {
  tl_status st = tl_family_validate(fam, err);
  if (st) return st;
  if (c->L != fam->L || c->r_min != fam->r_min || c->r_max != fam->r_max)
    return tl_error_set(err, TL_ERR_INTERNAL, "chain shape (L %d, r %d..%d) differs from family",
                        c->L, c->r_min, c->r_max);
  c->boundary = fam->boundary;
  const int R = tl_chain_ranges(c);
  for (int n = 0; n < c->L; n++)
    for (int k = 0; k < R; k++) {
      double u = fam->disorder[k] > 0 ? tl_rng_uniform(rng) - 0.5 : 0.0;
      c->t[(size_t)n * R + k] = fam->t[k] + fam->disorder[k] * u;
    }
  tl_chain_apply_boundary(c);
  if (fam->onsite > 0) {
    if (!c->onsite) c->onsite = tl_malloc(2 * (size_t)c->L * sizeof *c->onsite);
    if (!c->onsite) return tl_error_set(err, TL_ERR_NOMEM, "out of memory for on-site terms");
    for (int i = 0; i < 2 * c->L; i++) c->onsite[i] = fam->onsite * (tl_rng_uniform(rng) - 0.5);
  } else {
    tl_free(c->onsite);
    c->onsite = NULL;
  }
  return TL_OK;
}

tl_status tl_chain_build(tl_chain_t **out, const tl_family_t *fam, tl_rng_t *rng,
                         tl_error *err) {
  *out = NULL;
  tl_status st = tl_family_validate(fam, err);
  if (st) return st;
  tl_chain_t *c;
  if ((st = tl_chain_new(&c, fam->L, fam->r_min, fam->r_max, fam->boundary, err))) return st;
  if ((st = tl_chain_realise(c, fam, rng, err))) {
    tl_chain_free(c);
    return st;
  }
  *out = c;
  return TL_OK;
}

tl_status tl_chain_validate(const tl_chain_t *c, tl_error *err) {
  const int R = tl_chain_ranges(c);
  for (int n = 0; n < c->L; n++)
    for (int k = 0; k < R; k++)
      if (!isfinite(c->t[(size_t)n * R + k]))
        return tl_error_set(err, TL_ERR_INPUT, "hopping t_%d(%d) = %g is not finite",
                            c->r_min + k, n, c->t[(size_t)n * R + k]);
  if (c->onsite)
    for (int i = 0; i < 2 * c->L; i++)
      if (!isfinite(c->onsite[i]))
        return tl_error_set(err, TL_ERR_INPUT, "on-site term of site %d = %g is not finite", i,
                            c->onsite[i]);
  return TL_OK;
}

int tl_chain_is_chiral(const tl_chain_t *c) {
  if (!c->onsite) return 1;
  for (int i = 0; i < 2 * c->L; i++)
    if (c->onsite[i] != 0.0) return 0;
  return 1;
}

/* Row index of A_{n+r}, wrapped under PBC; -1 when the bond leaves an open chain. */
static int target_cell(int L, tl_boundary bc, int n, int r) {
  int m = n + r;
  if (bc == TL_PBC) return ((m % L) + L) % L;
  return (m >= 0 && m < L) ? m : -1;
}

void tl_chain_block(const tl_chain_t *c, double *h) {
  const int L = c->L, R = tl_chain_ranges(c);
  memset(h, 0, (size_t)L * L * sizeof *h);
  for (int n = 0; n < L; n++)
    for (int k = 0; k < R; k++) {
      int m = target_cell(L, c->boundary, n, c->r_min + k);
      if (m >= 0) h[m + (size_t)n * L] += c->t[(size_t)n * R + k];
    }
}

void tl_chain_hamiltonian(const tl_chain_t *c, double *H) {
  const int L = c->L, R = tl_chain_ranges(c);
  const size_t N = 2 * (size_t)L;
  memset(H, 0, N * N * sizeof *H);
  for (int n = 0; n < L; n++)
    for (int k = 0; k < R; k++) {
      int m = target_cell(L, c->boundary, n, c->r_min + k);
      if (m < 0) continue;
      size_t a = 2 * (size_t)m, b = 2 * (size_t)n + 1; /* A_m, B_n in site order */
      double t = c->t[(size_t)n * R + k];
      H[a + b * N] += t;
      H[b + a * N] += t;
    }
  if (c->onsite)
    for (size_t i = 0; i < N; i++) H[i + i * N] += c->onsite[i];
}
