/* k-space winding: root counting against windings known in closed form, gap closing,
 * degenerate coefficients. */
#include "check.h"
#include "topolearn/invariant.h"

static int winding(const double *t, int r_min, int r_max, int *defined) {
  int w;
  tl_error err = {0};
  assert_int_equal(tl_kspace_winding(t, r_min, r_max, &w, defined, &err), TL_OK);
  return w;
}

/* SSH: h(k) = v + w e^{ik} winds once iff |w| > |v|; signs of v, w do not matter. */
static void test_ssh(void **state) {
  (void)state;
  int d;
  const double cases[][3] = {{0.5, 1, 1}, {1, 0.5, 0}, {-0.5, 1, 1}, {0.5, -1, 1},
                             {0, 1, 1},   {1, 0, 0},   {-2, 1, 0}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int w = winding(cases[i], 0, 1, &d);
    assert_int_equal(d, 1);
    assert_int_equal(w, (int)cases[i][2]);
  }
}

/* A single dominant range r gives winding r (h(k) ~ t_r e^{irk}), for r in -3..3. */
static void test_dominant_range(void **state) {
  (void)state;
  for (int r_min = -3; r_min <= 0; r_min++)
    for (int r_max = r_min; r_max <= 3; r_max++)
      for (int dom = r_min; dom <= r_max; dom++) {
        double t[7];
        for (int k = 0; k <= r_max - r_min; k++) t[k] = 0.1 / (1 + k);
        t[dom - r_min] = 1.0;
        int d, w = winding(t, r_min, r_max, &d);
        assert_int_equal(d, 1);
        if (w != dom) fail_msg("ranges %d..%d dominant %d: winding %d", r_min, r_max, dom, w);
      }
}

/* Gap closes at v = w (root at z = -1) and for t_0 = t_2 with t_1 = 0 (roots at ±i). */
static void test_gapless(void **state) {
  (void)state;
  int d;
  const double ssh[2] = {1, 1};
  winding(ssh, 0, 1, &d);
  assert_int_equal(d, 0);
  const double r2[3] = {1, 0, 1};
  winding(r2, 0, 2, &d);
  assert_int_equal(d, 0);
  const double zero[3] = {0, 0, 0};
  winding(zero, -1, 1, &d);
  assert_int_equal(d, 0);
}

/* Chains: clean chains have a k-space winding, disordered or on-site ones do not. */
static void test_chain_definedness(void **state) {
  (void)state;
  tl_family_t f;
  tl_family_ssh(&f, 20, 0.5, 1);
  tl_rng_t rng;
  tl_rng_init(&rng, 3, 0);
  tl_chain_t *c;
  tl_error err = {0};
  assert_int_equal(tl_chain_build(&c, &f, &rng, &err), TL_OK);
  int w, d;
  tl_kspace_winding_chain(c, &w, &d, &err);
  assert_int_equal(d, 1);
  assert_int_equal(w, 1);
  tl_chain_free(c);
  f.disorder[0] = f.disorder[1] = 0.5;
  assert_int_equal(tl_chain_build(&c, &f, &rng, &err), TL_OK);
  tl_kspace_winding_chain(c, &w, &d, &err);
  assert_int_equal(d, 0);
  tl_chain_free(c);
  f.disorder[0] = f.disorder[1] = 0;
  f.onsite = 0.3;
  assert_int_equal(tl_chain_build(&c, &f, &rng, &err), TL_OK);
  tl_kspace_winding_chain(c, &w, &d, &err);
  assert_int_equal(d, 0);
  tl_chain_free(c);
}

static void test_nonfinite_rejected(void **state) {
  (void)state;
  double t[2] = {NAN, 1};
  int w, d;
  tl_error err = {0};
  assert_int_equal(tl_kspace_winding(t, 0, 1, &w, &d, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "t_0"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ssh),          cmocka_unit_test(test_dominant_range),
      cmocka_unit_test(test_gapless),      cmocka_unit_test(test_chain_definedness),
      cmocka_unit_test(test_nonfinite_rejected),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
