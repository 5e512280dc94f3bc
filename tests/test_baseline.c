/* Baselines on chains whose answer is known: the log-hopping rule on clean and strongly
 * dimerised disordered chains and for a dominant longer range; the edge indicator counts
 * the W zero modes of a winding-W open chain and none for a trivial or periodic one. */
#include "check.h"
#include "physics_util.h"

static void test_loghop(void **state) {
  (void)state;
  tl_chain_t *c = make_ssh(40, 0.5, 1.0, 0, TL_OBC, 1);
  assert_int_equal(tl_baseline_loghop(c), 1);
  tl_chain_free(c);
  c = make_ssh(40, 1.0, 0.5, 0.5, TL_OBC, 2);
  assert_int_equal(tl_baseline_loghop(c), 0);
  tl_chain_free(c);
  const double t[4] = {0.1, 0.2, 0.3, 1.0}; /* ranges -1..2, range 2 dominates */
  c = make_chain(40, -1, 2, t, 0.1, TL_OBC, 3);
  assert_int_equal(tl_baseline_loghop(c), 2);
  tl_chain_free(c);
  /* The rule compares geometric means: v_n alternating 0.01 and 1.9 (arithmetic mean
   * 0.955, geometric 0.138) against w = 0.5 is topological, and so says the RSWN. */
  c = make_ssh(400, 1, 1, 0, TL_OBC, 1);
  for (int n = 0; n < 400; n++) {
    c->t[2 * n] = (n % 2) ? 1.9 : 0.01;
    c->t[2 * n + 1] = n < 399 ? 0.5 : 0.0;
  }
  assert_int_equal(tl_baseline_loghop(c), 1);
  tl_rswn_opts_t o;
  tl_rswn_opts_default(&o);
  tl_rswn_t r;
  tl_error err = {0};
  assert_int_equal(tl_rswn(c, &o, &r, NULL, &err), TL_OK);
  assert_int_equal(r.label, 1);
  tl_chain_free(c);
}

static int edge_modes(const tl_chain_t *c) {
  tl_solver_t *s;
  tl_error err = {0};
  assert_int_equal(tl_solver_new(&s, c->L, c->r_min, c->r_max, c->boundary, &err), TL_OK);
  assert_int_equal(tl_solver_run(s, c, TL_PATH_AUTO, &err), TL_OK);
  tl_edge_opts_t o;
  tl_edge_opts_default(&o, c->L);
  double *E = malloc(2 * c->L * sizeof *E), *psi = malloc(2 * (size_t)c->L * c->L * sizeof *psi);
  tl_solver_energies(s, E);
  tl_solver_eigvecs(s, psi);
  int n = tl_baseline_edge_modes(E, psi, c->L, &o);
  free(E);
  free(psi);
  tl_solver_free(s);
  return n;
}

static void test_edge_modes(void **state) {
  (void)state;
  tl_chain_t *c = make_ssh(40, 0.3, 1.0, 0.3, TL_OBC, 1);
  assert_int_equal(edge_modes(c), 1);
  tl_chain_free(c);
  c = make_ssh(40, 1.0, 0.3, 0.3, TL_OBC, 1);
  assert_int_equal(edge_modes(c), 0);
  tl_chain_free(c);
  c = make_ssh(40, 0.3, 1.0, 0.3, TL_PBC, 1); /* no ends, no edge modes */
  assert_int_equal(edge_modes(c), 0);
  tl_chain_free(c);
  const double t[3] = {0.1, 0.2, 1.0}; /* winding 2: two edge modes */
  c = make_chain(48, 0, 2, t, 0, TL_OBC, 1);
  assert_int_equal(edge_modes(c), 2);
  tl_chain_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_loghop),
      cmocka_unit_test(test_edge_modes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
