/* tests/test_model_util.h — sample sets for the model and training tests. */
#ifndef TL_TESTS_MODEL_UTIL_H
#define TL_TESTS_MODEL_UTIL_H

#include "topolearn.h"

/* N plain-SSH chains of L cells, v and w uniform in [0, vmax], bond disorder D on both
 * ranges, OBC; chain i drawn from stream (seed, i). Fails the test on error. */
static inline tl_samples_t *make_ssh_set_bc(int N, int L, double vmax, double D, uint64_t seed,
                                            int with_qab, tl_boundary bc) {
  tl_samples_t *s = NULL;
  tl_solver_t *sol = NULL;
  tl_error err = {0};
  if (tl_samples_new(&s, N, L, 0, 1, bc, with_qab, &err)) fail_msg("%s", err.msg);
  if (tl_solver_new(&sol, L, 0, 1, bc, &err)) fail_msg("%s", err.msg);
  tl_rswn_opts_t o;
  tl_rswn_opts_default(&o);
  for (int i = 0; i < N; i++) {
    tl_rng_t rng;
    tl_rng_init(&rng, seed, (uint64_t)i);
    tl_family_t f;
    tl_family_ssh(&f, L, vmax * tl_rng_uniform(&rng), vmax * tl_rng_uniform(&rng));
    f.disorder[0] = f.disorder[1] = D;
    f.boundary = bc;
    tl_chain_t *c = NULL;
    if (tl_chain_build(&c, &f, &rng, &err)) fail_msg("%s", err.msg);
    if (tl_samples_fill(s, i, sol, c, &o, &err)) fail_msg("%s", err.msg);
    tl_chain_free(c);
  }
  tl_solver_free(sol);
  return s;
}

static inline tl_samples_t *make_ssh_set(int N, int L, double vmax, double D, uint64_t seed,
                                         int with_qab) {
  return make_ssh_set_bc(N, L, vmax, D, seed, with_qab, TL_OBC);
}

/* Chains with given (v, w) pairs and disorder D (stream (seed, i)). */
static inline tl_samples_t *make_ssh_list(int N, int L, const double *v, const double *w,
                                          double D, uint64_t seed) {
  tl_samples_t *s = NULL;
  tl_solver_t *sol = NULL;
  tl_error err = {0};
  if (tl_samples_new(&s, N, L, 0, 1, TL_OBC, 1, &err)) fail_msg("%s", err.msg);
  if (tl_solver_new(&sol, L, 0, 1, TL_OBC, &err)) fail_msg("%s", err.msg);
  tl_rswn_opts_t o;
  tl_rswn_opts_default(&o);
  for (int i = 0; i < N; i++) {
    tl_rng_t rng;
    tl_rng_init(&rng, seed, (uint64_t)i);
    tl_family_t f;
    tl_family_ssh(&f, L, v[i], w[i]);
    f.disorder[0] = f.disorder[1] = D;
    tl_chain_t *c = NULL;
    if (tl_chain_build(&c, &f, &rng, &err)) fail_msg("%s", err.msg);
    if (tl_samples_fill(s, i, sol, c, &o, &err)) fail_msg("%s", err.msg);
    tl_chain_free(c);
  }
  tl_solver_free(sol);
  return s;
}

/* The registered model kind called name (fails the test if there is none). */
static inline const tl_model_kind_t *kind_named(const char *name) {
  const tl_model_kind_t *k = tl_model_kind_find(name);
  if (!k) fail_msg("no model kind '%s'", name);
  return k;
}

static inline tl_model_t *make_model(const tl_model_hyper_t *hp, int L, uint64_t seed) {
  tl_rng_t rng;
  tl_rng_init(&rng, seed, 0);
  tl_model_t *m = NULL;
  tl_error err = {0};
  if (tl_model_new(&m, hp, L, 0, 1, &rng, &err)) fail_msg("tl_model_new: %s", err.msg);
  return m;
}

#endif
