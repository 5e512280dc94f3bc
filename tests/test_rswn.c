/* Real-space winding number against independent values: the k-space winding of clean
 * chains (ranges up to 3, negative windings, several L, both boundaries), integer
 * quantisation of disordered chains away from and near transitions, the marker
 * identities, OBC/PBC bulk agreement, solver paths agreeing, thread independence. */
#include <omp.h>

#include "check.h"
#include "physics_util.h"

/* Gapped families with their winding (hand-checked: the dominant coefficient's range
 * when one dominates; otherwise roots counted by hand). */
typedef struct {
  int r_min, r_max;
  double t[7];
  int winding;
} family_case;

static const family_case families[] = {
    {0, 1, {0.2, 1.0}, 1},
    {0, 1, {1.0, 0.2}, 0},
    {0, 1, {-0.3, 1.1}, 1},
    {0, 2, {0.1, 0.2, 1.0}, 2},       /* z^2 + 0.2 z + 0.1: |z| = 0.32, both inside */
    {0, 2, {0.2, 1.0, 0.2}, 1},       /* roots -0.21, -4.8                        */
    {0, 3, {0.05, 0.1, 0.1, 1.0}, 3},
    {-1, 0, {1.0, 0.2}, -1},
    {-1, 1, {0.15, 1.0, 0.1}, 0},
    {-2, 1, {1.0, 0.1, 0.2, 0.1}, -2},
    {-3, 0, {1.0, 0.1, 0.1, 0.05}, -3},
    {-3, 3, {0.01, 0.02, 0.03, 0.03, 0.03, 0.02, 1.0}, 3},
    {-3, 3, {1.0, 0.02, 0.03, 0.03, 0.03, 0.02, 0.01}, -3},
    {1, 3, {0.1, 1.0, 0.2}, 2},
};
static const int n_families = (int)(sizeof families / sizeof families[0]);

/* Clean gapped chains: W equals the k-space winding. The hoppings decay within a few
 * cells, so at these L the bulk marker is an integer to far below 1e-6. */
static void test_clean_matches_kspace(void **state) {
  (void)state;
  const int sizes[] = {60, 97, 150};
  for (int fi = 0; fi < n_families; fi++) {
    const family_case *fc = &families[fi];
    int kw, kd;
    tl_error err = {0};
    assert_int_equal(tl_kspace_winding(fc->t, fc->r_min, fc->r_max, &kw, &kd, &err), TL_OK);
    assert_int_equal(kd, 1);
    assert_int_equal(kw, fc->winding);
    for (int si = 0; si < 3; si++)
      for (int bc = TL_OBC; bc <= TL_PBC; bc++) {
        tl_chain_t *c = make_chain(sizes[si], fc->r_min, fc->r_max, fc->t, 0, bc, 1);
        double W = rswn_path(c, TL_PATH_AUTO, 0.5, NULL);
        if (fabs(W - kw) > TOL_WINDING_CLEAN)
          fail_msg("family %d (ranges %d..%d) L %d %s: W = %.12f, k-space %d", fi, fc->r_min,
                   fc->r_max, sizes[si], bc == TL_PBC ? "PBC" : "OBC", W, kw);
        tl_chain_free(c);
      }
  }
}

/* Every solver path that applies gives the same W (two independent algorithms). The
 * dense SVD and the full-H eigensolver are the references for the structured paths.
 * The full-H path drops zero modes (sign 0) that the SVD keeps; at L = 200 their tails
 * in the bulk are far below round-off at weak disorder, so W must agree to 1e-10. */
static void test_paths_agree(void **state) {
  (void)state;
  for (int fi = 0; fi < n_families; fi++) {
    const family_case *fc = &families[fi];
    tl_chain_t *c = make_chain(200, fc->r_min, fc->r_max, fc->t, 0.2, TL_OBC, 7 + fi);
    double dense = rswn_path(c, TL_PATH_DENSE, 0.5, NULL);
    double full = rswn_path(c, TL_PATH_FULL_H, 0.5, NULL);
    double banded = rswn_path(c, TL_PATH_BANDED, 0.5, NULL);
    /* round-off of L^3 decompositions, compared on W (zero modes pair differently) */
    assert_close("full-H vs dense W", fi, full, dense, TOL_IDENTITY);
    assert_close("banded vs dense W", fi, banded, dense, TOL_IDENTITY);
    if (fc->r_min == 0 && fc->r_max == 1)
      assert_close("bidiagonal vs dense W", fi, rswn_path(c, TL_PATH_BIDIAG, 0.5, NULL), dense,
                   TOL_IDENTITY);
    tl_chain_free(c);
  }
}

/* Disordered SSH far from the transition (SPEC 6): within 1e-2 of an integer for every
 * seed at L = 200, D = 1; near it (v/w = 1/2 or 2) only the 90th percentile must be. */
static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void test_disordered_quantised(void **state) {
  (void)state;
  const double far[2][3] = {{0.5, 2.0, 1}, {2.0, 0.5, 0}};
  for (int k = 0; k < 2; k++)
    for (uint64_t seed = 1; seed <= 20; seed++) {
      tl_chain_t *c = make_ssh(200, far[k][0], far[k][1], 1.0, TL_OBC, seed);
      double W = rswn_path(c, TL_PATH_AUTO, 0.5, NULL);
      if (fabs(W - far[k][2]) > 1e-2)
        fail_msg("v=%g w=%g seed %lu: W = %.6f", far[k][0], far[k][1], (unsigned long)seed, W);
      tl_chain_free(c);
    }
  const double near[2][3] = {{0.5, 1.0, 1}, {1.0, 0.5, 0}};
  for (int k = 0; k < 2; k++) {
    double dev[40];
    for (int s = 0; s < 40; s++) {
      tl_chain_t *c = make_ssh(200, near[k][0], near[k][1], 1.0, TL_OBC, 100 + s);
      double W = rswn_path(c, TL_PATH_AUTO, 0.5, NULL);
      dev[s] = fabs(W - near[k][2]);
      tl_chain_free(c);
    }
    qsort(dev, 40, sizeof dev[0], cmp_double);
    if (dev[35] > 1e-2) fail_msg("v=%g w=%g: 90th percentile |W - n| = %.4f", near[k][0], near[k][1], dev[35]);
  }
}

/* Marker identities: its bulk average is W; with f = 1 and OBC it sums to zero, because
 * rows and columns of the orthogonal Q_AB have unit norm (Tr[X, .] = 0). */
static void test_marker_identities(void **state) {
  (void)state;
  const int L = 90;
  tl_chain_t *c = make_ssh(L, 0.6, 1.0, 1.2, TL_OBC, 5);
  double marker[90];
  double W = rswn_path(c, TL_PATH_AUTO, 0.5, marker);
  int start, cells;
  tl_bulk_window(L, 0.5, &start, &cells);
  assert_int_equal(cells, 45);
  assert_int_equal(start, 22);
  double avg = 0;
  for (int n = start; n < start + cells; n++) avg += marker[n];
  assert_close("bulk average of marker vs W", 0, avg / cells, W, TOL_ROUNDOFF(L));
  double Wall = rswn_path(c, TL_PATH_AUTO, 1.0, marker), sum = 0;
  for (int n = 0; n < L; n++) sum += marker[n];
  assert_close("OBC f=1 marker sum", 0, sum, 0.0, TOL_ROUNDOFF(L) * L);
  assert_close("OBC f=1 W", 0, Wall, 0.0, TOL_ROUNDOFF(L));
  tl_chain_free(c);
}

/* Bulk window of SPEC 1.4 on hand-worked sizes. */
static void test_bulk_window(void **state) {
  (void)state;
  const int cases[][4] = {/* L, f*1000, L', start */
                          {10, 500, 5, 2}, {7, 500, 4, 1}, {32, 500, 16, 8}, {5, 1, 1, 2},
                          {9, 1000, 9, 0}, {3, 250, 1, 1}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int start, cells;
    tl_bulk_window(cases[i][0], cases[i][1] / 1000.0, &start, &cells);
    assert_int_equal(cells, cases[i][2]);
    assert_int_equal(start, cases[i][3]);
  }
}

/* OBC and PBC chains of one seed share their bulk bonds; the marker is local
 * (nearsightedness), so bulk markers agree to exponentially small differences. */
static void test_obc_pbc_bulk(void **state) {
  (void)state;
  const int L = 160;
  tl_chain_t *o = make_ssh(L, 0.4, 1.0, 0.8, TL_OBC, 9);
  tl_chain_t *p = make_ssh(L, 0.4, 1.0, 0.8, TL_PBC, 9);
  double mo[160], mp[160];
  rswn_path(o, TL_PATH_AUTO, 0.5, mo);
  rswn_path(p, TL_PATH_AUTO, 0.5, mp);
  for (int n = L / 4; n < 3 * L / 4; n++) assert_close("OBC vs PBC bulk marker", n, mo[n], mp[n], 1e-8);
  tl_chain_free(o);
  tl_chain_free(p);
}

/* Same chain, 1 and 2 threads: bit-identical W and marker. */
static void test_thread_independent(void **state) {
  (void)state;
  const int L = 400;
  const double t[3] = {0.3, 1.0, 0.6};
  tl_chain_t *c = make_chain(L, 0, 2, t, 1.0, TL_OBC, 11);
  static double m1[400], m2[400];
  int saved = omp_get_max_threads();
  for (tl_path path = TL_PATH_BANDED; path <= TL_PATH_FULL_H; path++) {
    omp_set_num_threads(1);
    double W1 = rswn_path(c, path, 0.5, m1);
    omp_set_num_threads(2);
    double W2 = rswn_path(c, path, 0.5, m2);
    if (W1 != W2) fail_msg("path %d: W %.17g (1 thread) != %.17g (2 threads)", (int)path, W1, W2);
    for (int n = 0; n < L; n++)
      if (m1[n] != m2[n]) fail_msg("path %d: marker[%d] differs between 1 and 2 threads", (int)path, n);
  }
  omp_set_num_threads(saved);
  tl_chain_free(c);
}

/* On-site terms: the chain is reported non-chiral and W comes from the full H; a tiny
 * on-site term leaves W close to the chiral value. */
static void test_onsite_breaks_chirality(void **state) {
  (void)state;
  tl_family_t f;
  tl_family_ssh(&f, 100, 0.3, 1.0);
  f.onsite = 1e-3;
  tl_rng_t rng;
  tl_rng_init(&rng, 4, 0);
  tl_chain_t *c;
  tl_error err = {0};
  assert_int_equal(tl_chain_build(&c, &f, &rng, &err), TL_OK);
  assert_false(tl_chain_is_chiral(c));
  tl_rswn_opts_t o;
  tl_rswn_opts_default(&o);
  tl_rswn_t r;
  assert_int_equal(tl_rswn(c, &o, &r, NULL, &err), TL_OK);
  assert_int_equal(r.chiral, 0);
  assert_int_equal(r.label, 1);
  assert_close("W with weak on-site disorder", 0, r.W, 1.0, 1e-3);
  tl_chain_free(c);
}

static void test_bad_options(void **state) {
  (void)state;
  tl_rswn_opts_t o;
  tl_rswn_opts_default(&o);
  tl_error err = {0};
  o.bulk_fraction = 1.5;
  assert_int_equal(tl_rswn_opts_validate(&o, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "1.5"));
  o.bulk_fraction = 0.5;
  o.delta = -1;
  assert_int_equal(tl_rswn_opts_validate(&o, &err), TL_ERR_INPUT);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clean_matches_kspace), cmocka_unit_test(test_paths_agree),
      cmocka_unit_test(test_disordered_quantised), cmocka_unit_test(test_marker_identities),
      cmocka_unit_test(test_bulk_window),          cmocka_unit_test(test_obc_pbc_bulk),
      cmocka_unit_test(test_thread_independent),   cmocka_unit_test(test_onsite_breaks_chirality),
      cmocka_unit_test(test_bad_options),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
