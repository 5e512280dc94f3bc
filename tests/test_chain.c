/* Chains: the block/Hamiltonian conventions of SPEC 1.1, boundary handling, disorder
 * bounds and draw order, validation of bad families. */
#include "check.h"
#include "physics_util.h"

/* h[n+r, n] = t_r(n): B_n couples to A_{n+r}; H in site order 2n + a. */
static void test_block_and_hamiltonian_convention(void **state) {
  (void)state;
  const double t[3] = {0.5, 1.5, -0.25}; /* ranges -1..1 */
  tl_chain_t *c = make_chain(6, -1, 1, t, 0, TL_OBC, 1);
  double h[36], H[144];
  tl_chain_block(c, h);
  tl_chain_hamiltonian(c, H);
  for (int n = 0; n < 6; n++)
    for (int m = 0; m < 6; m++) {
      int r = m - n;
      double want = (r >= -1 && r <= 1) ? t[r + 1] : 0.0;
      assert_close("h[m, n]", m * 6 + n, h[m + 6 * n], want, 0);
      assert_close("H[A_m, B_n]", m * 6 + n, H[2 * m + (2 * n + 1) * 12], want, 0);
      assert_close("H[B_n, A_m]", m * 6 + n, H[(2 * n + 1) + 2 * m * 12], want, 0);
      assert_close("H[A_m, A_n]", m * 6 + n, H[2 * m + 2 * n * 12], 0, 0);
    }
  /* OBC: bond B_0 -> A_{-1} and B_5 -> A_6 leave the chain and are stored as 0 */
  assert_true(c->t[0 * 3 + 0] == 0.0 && c->t[5 * 3 + 2] == 0.0 && c->t[5 * 3 + 1] == 1.5);
  tl_chain_free(c);
  c = make_chain(6, -1, 1, t, 0, TL_PBC, 1);
  tl_chain_block(c, h);
  assert_close("PBC wrap h[5, 0] = t_-1", 0, h[5 + 6 * 0], -0.0 + 0.5, 0);
  assert_close("PBC wrap h[0, 5] = t_1", 0, h[0 + 6 * 5], -0.25, 0);
  tl_chain_free(c);
}

/* Bond disorder stays within t_r +/- D_r/2, has mean ~ t_r, and OBC/PBC of one seed
 * share every bond that exists in both. */
static void test_disorder(void **state) {
  (void)state;
  const double t[2] = {0.7, 1.2};
  tl_chain_t *o = make_chain(5000, 0, 1, t, 0.8, TL_OBC, 3);
  tl_chain_t *p = make_chain(5000, 0, 1, t, 0.8, TL_PBC, 3);
  double mean = 0;
  for (int n = 0; n < 5000; n++) {
    assert_true(fabs(o->t[2 * n] - 0.7) <= 0.4);
    mean += o->t[2 * n];
    assert_true(o->t[2 * n] == p->t[2 * n]);
    if (n < 4999) assert_true(o->t[2 * n + 1] == p->t[2 * n + 1]);
  }
  /* uniform on a width-0.8 interval: sigma = 0.8/sqrt(12)/sqrt(5000) = 3.3e-3; 5 sigma */
  assert_close("mean of disordered t_0", 0, mean / 5000, 0.7, 5 * 3.3e-3);
  assert_true(o->t[2 * 4999 + 1] == 0.0 && p->t[2 * 4999 + 1] != 0.0);
  tl_chain_free(o);
  tl_chain_free(p);
}

static void test_bad_family(void **state) {
  (void)state;
  tl_family_t f;
  tl_error err = {0};
  tl_family_ssh(&f, 0, 1, 1);
  assert_int_equal(tl_family_validate(&f, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "L = 0"));
  tl_family_ssh(&f, 10, 1, NAN);
  assert_int_equal(tl_family_validate(&f, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "t_1"));
  tl_family_ssh(&f, 10, 1, 1);
  f.disorder[0] = -1;
  assert_int_equal(tl_family_validate(&f, &err), TL_ERR_INPUT);
  tl_family_ssh(&f, 10, 1, 1);
  f.r_min = 2;
  assert_int_equal(tl_family_validate(&f, &err), TL_ERR_INPUT);
  tl_chain_t *c = (tl_chain_t *)0x1;
  assert_int_equal(tl_chain_new(&c, -3, 0, 1, TL_OBC, &err), TL_ERR_INPUT);
  assert_null(c);
  tl_chain_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_block_and_hamiltonian_convention),
      cmocka_unit_test(test_disorder),
      cmocka_unit_test(test_bad_family),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
