/* tests/physics_util.h — small builders shared by the physics tests. */
#ifndef TL_TESTS_PHYSICS_UTIL_H
#define TL_TESTS_PHYSICS_UTIL_H

#include "topolearn.h"

/* A chain from mean hoppings t[0..R-1] of ranges r_min..r_max with one bond disorder D
 * on every range; fails the test on error. */
static inline tl_chain_t *make_chain(int L, int r_min, int r_max, const double *t, double D,
                                     tl_boundary bc, uint64_t seed) {
  tl_family_t f = {0};
  f.L = L;
  f.r_min = r_min;
  f.r_max = r_max;
  for (int k = 0; k <= r_max - r_min; k++) {
    f.t[k] = t[k];
    f.disorder[k] = D;
  }
  f.boundary = bc;
  tl_rng_t rng;
  tl_rng_init(&rng, seed, 0);
  tl_chain_t *c = NULL;
  tl_error err = {0};
  if (tl_chain_build(&c, &f, &rng, &err)) fail_msg("make_chain: %s", err.msg);
  return c;
}

static inline tl_chain_t *make_ssh(int L, double v, double w, double D, tl_boundary bc,
                                   uint64_t seed) {
  const double t[2] = {v, w};
  return make_chain(L, 0, 1, t, D, bc, seed);
}

/* W (and optionally the marker) through a given solver path. */
static inline double rswn_path(const tl_chain_t *c, tl_path path, double f, double *marker) {
  tl_solver_t *s;
  tl_error err = {0};
  if (tl_solver_new(&s, c->L, c->r_min, c->r_max, c->boundary, &err)) fail_msg("%s", err.msg);
  if (tl_solver_run(s, c, path, &err)) fail_msg("solver path %d: %s", (int)path, err.msg);
  tl_rswn_opts_t o;
  tl_rswn_opts_default(&o);
  o.bulk_fraction = f;
  tl_rswn_t r;
  tl_rswn_from_qab(s->qab, c->L, c->boundary, &o, &r, marker);
  tl_solver_free(s);
  return r.W;
}

#endif
