/* The physics on plain arrays (topolearn/arrays.h): each entry wraps the caller's
 * buffers in a tl_chain_t and runs the same chain/solver/RSWN code as the CLI, so a
 * chain gives bit-identical numbers whichever door it came in through. */
#include <string.h>

#include "topolearn/arrays.h"

/* Shape checks shared by every entry; one line naming the argument on failure. */
static tl_status check_shape(const double *t, int L, int r_min, int r_max, tl_boundary bc,
                             tl_error *err) {
  if (!t) return tl_error_set(err, TL_ERR_INPUT, "hoppings: NULL array");
  tl_status st = tl_chain_shape_validate(L, r_min, r_max, err);
  if (st) return st;
  if ((int)bc != TL_OBC && (int)bc != TL_PBC)
    return tl_error_set(err, TL_ERR_INPUT, "boundary %d is invalid (expected 0 = OBC or 1 = PBC)",
                        (int)bc);
  return TL_OK;
}

/* A chain holding a copy of t (O(L R), negligible next to the decomposition) so that
 * OBC-dropped bonds can be zeroed as the hoppings-file reader does, without touching
 * the caller's array; then validated (finite values) with the chain's own messages. */
static tl_status wrap_chain(tl_chain_t **out, const double *t, int L, int r_min, int r_max,
                            tl_boundary bc, const double *onsite, tl_error *err) {
  *out = NULL;
  tl_status st = check_shape(t, L, r_min, r_max, bc, err);
  if (st) return st;
  tl_chain_t *c;
  if ((st = tl_chain_new(&c, L, r_min, r_max, bc, err))) return st;
  memcpy(c->t, t, (size_t)L * (size_t)(r_max - r_min + 1) * sizeof *t);
  tl_chain_apply_boundary(c);
  if (onsite) {
    if (!(c->onsite = tl_malloc(2 * (size_t)L * sizeof *c->onsite))) {
      tl_chain_free(c);
      return tl_error_set(err, TL_ERR_NOMEM, "out of memory for on-site terms at L = %d", L);
    }
    memcpy(c->onsite, onsite, 2 * (size_t)L * sizeof *onsite);
  }
  if ((st = tl_chain_validate(c, err))) {
    tl_chain_free(c);
    return st;
  }
  *out = c;
  return TL_OK;
}

tl_status tl_arrays_chain(int L, int r_min, int r_max, const double *t_mean,
                          const double *disorder, double onsite, tl_boundary bc,
                          uint64_t seed, uint64_t stream, double *t, double *eps,
                          tl_error *err) {
  if (!t_mean) return tl_error_set(err, TL_ERR_INPUT, "mean hoppings: NULL array");
  tl_status st = check_shape(t, L, r_min, r_max, bc, err);
  if (st) return st;
  tl_family_t fam;
  memset(&fam, 0, sizeof fam);
  fam.L = L;
  fam.r_min = r_min;
  fam.r_max = r_max;
  fam.boundary = bc;
  fam.onsite = onsite;
  for (int k = 0; k <= r_max - r_min; k++) {
    fam.t[k] = t_mean[k];
    fam.disorder[k] = disorder ? disorder[k] : 0.0;
  }
  tl_rng_t rng;
  tl_rng_init(&rng, seed, stream);
  tl_chain_t *c;
  if ((st = tl_chain_build(&c, &fam, &rng, err))) return st;
  memcpy(t, c->t, (size_t)L * (size_t)(r_max - r_min + 1) * sizeof *t);
  if (eps) {
    if (c->onsite) memcpy(eps, c->onsite, 2 * (size_t)L * sizeof *eps);
    else memset(eps, 0, 2 * (size_t)L * sizeof *eps);
  }
  tl_chain_free(c);
  return TL_OK;
}

tl_status tl_arrays_rswn(const double *t, int L, int r_min, int r_max, tl_boundary bc,
                         const double *onsite, const tl_rswn_opts_t *opts, tl_path path,
                         tl_method method, const tl_window_opts_t *wo,
                         tl_window_result_t *res, double *marker, tl_path *path_used,
                         tl_error *err) {
  if (!res) return tl_error_set(err, TL_ERR_INPUT, "rswn: NULL result");
  memset(res, 0, sizeof *res);
  tl_rswn_opts_t o;
  tl_window_opts_t w;
  if (opts) o = *opts;
  else tl_rswn_opts_default(&o);
  if (wo) w = *wo;
  else tl_window_opts_default(&w);
  tl_status st = tl_rswn_opts_validate(&o, err);
  if (st) return st;
  if ((int)method < (int)TL_METHOD_FULL || (int)method > (int)TL_METHOD_AUTO)
    return tl_error_set(err, TL_ERR_INPUT, "method %d is unknown (expected full, window or auto)",
                        (int)method);
  if ((int)path < (int)TL_PATH_AUTO || (int)path > (int)TL_PATH_FULL_H)
    return tl_error_set(err, TL_ERR_INPUT, "solver path %d is unknown", (int)path);
  tl_chain_t *c;
  if ((st = wrap_chain(&c, t, L, r_min, r_max, bc, onsite, err))) return st;
  /* The CLI's dispatch (cmd_winding.c), so that both give the same numbers. */
  const int chiral = tl_chain_is_chiral(c);
  if (method == TL_METHOD_WINDOW && (!chiral || path != TL_PATH_AUTO)) {
    tl_chain_free(c);
    return tl_error_set(err, TL_ERR_INPUT, "method window needs a chiral chain and path auto");
  }
  const int windowed = method == TL_METHOD_WINDOW ||
                       (method == TL_METHOD_AUTO && chiral && path == TL_PATH_AUTO &&
                        L >= TL_WINDOW_AUTO_MIN_L);
  if (windowed) {
    st = tl_rswn_windowed(c, &o, &w, res, marker, err);
    if (!st && path_used) *path_used = TL_PATH_AUTO;
  } else {
    tl_solver_t *s;
    st = tl_solver_new(&s, L, r_min, r_max, bc, err);
    if (!st) st = tl_solver_run(s, c, path, err);
    if (!st) {
      tl_rswn_from_qab(s->qab, L, bc, &o, &res->rswn, marker);
      res->rswn.chiral = s->chiral;
      res->full = 1;
      res->converged = 1;
      if (path_used) *path_used = s->path;
    }
    tl_solver_free(s);
  }
  tl_chain_free(c);
  return st;
}

tl_status tl_arrays_eig(const double *t, int L, int r_min, int r_max, tl_boundary bc,
                        const double *onsite, tl_path path, double *energies, double *psi,
                        double *qab, tl_error *err) {
  if ((int)path < (int)TL_PATH_AUTO || (int)path > (int)TL_PATH_FULL_H)
    return tl_error_set(err, TL_ERR_INPUT, "solver path %d is unknown", (int)path);
  tl_chain_t *c;
  tl_status st = wrap_chain(&c, t, L, r_min, r_max, bc, onsite, err);
  if (st) return st;
  tl_solver_t *s;
  st = tl_solver_new(&s, L, r_min, r_max, bc, err);
  if (!st) st = tl_solver_run(s, c, path, err);
  if (!st) {
    if (energies) tl_solver_energies(s, energies);
    if (psi) tl_solver_eigvecs(s, psi);
    if (qab) memcpy(qab, s->qab, (size_t)L * (size_t)L * sizeof *qab);
  }
  tl_solver_free(s);
  tl_chain_free(c);
  return st;
}

tl_status tl_arrays_kspace_winding(const double *t, int L, int r_min, int r_max,
                                   tl_boundary bc, const double *onsite, int *winding,
                                   int *defined, tl_error *err) {
  if (!winding || !defined) return tl_error_set(err, TL_ERR_INPUT, "kspace winding: NULL output");
  *winding = 0;
  *defined = 0;
  tl_chain_t *c;
  tl_status st = wrap_chain(&c, t, L, r_min, r_max, bc, onsite, err);
  if (st) return st;
  st = tl_kspace_winding_chain(c, winding, defined, err);
  tl_chain_free(c);
  return st;
}
