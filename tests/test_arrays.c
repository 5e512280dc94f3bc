/* The array API (topolearn/arrays.h) against the chain API it wraps: bit-identical
 * chains, W, markers and spectra; the SPEC 1.4 identity Q_AB = 2 sum_j a_j b_j^T on its
 * outputs; energies against an independent dense eigensolver; OBC-dropped bonds ignored
 * and inputs untouched; bad shapes and values rejected with a message; every
 * out-of-memory path returns TL_ERR_NOMEM without leaking (ASan tier). */
#include <lapacke.h>

#include "check.h"
#include "physics_util.h"

static const double ssh_t[2] = {0.5, 1.0};

/* Same seed, same draws: the arrays equal tl_chain_build's, bit for bit (the CLI's
 * chain for --seed s is stream (s, 0)). On-site terms come after the bonds. */
static void test_chain_matches_chain_build(void **state) {
  (void)state;
  const int L = 37;
  const double D[2] = {0.7, 1.3};
  for (int bc = TL_OBC; bc <= TL_PBC; bc++) {
    tl_family_t f;
    tl_family_ssh(&f, L, ssh_t[0], ssh_t[1]);
    f.disorder[0] = D[0];
    f.disorder[1] = D[1];
    f.onsite = 0.25;
    f.boundary = bc;
    tl_rng_t rng;
    tl_rng_init(&rng, 42, 3);
    tl_chain_t *c;
    tl_error err = {0};
    assert_int_equal(tl_chain_build(&c, &f, &rng, &err), TL_OK);
    double t[2 * 37], eps[2 * 37];
    assert_int_equal(tl_arrays_chain(L, 0, 1, ssh_t, D, 0.25, bc, 42, 3, t, eps, &err), TL_OK);
    assert_memory_equal(t, c->t, sizeof t);
    assert_memory_equal(eps, c->onsite, sizeof eps);
    if (bc == TL_OBC) assert_true(t[2 * (L - 1) + 1] == 0.0); /* w bond leaving the chain */
    tl_chain_free(c);
  }
  /* no on-site disorder: eps is all zeros */
  double t[2 * 37], eps[2 * 37];
  tl_error err = {0};
  assert_int_equal(tl_arrays_chain(L, 0, 1, ssh_t, NULL, 0.0, TL_OBC, 1, 0, t, eps, &err), TL_OK);
  for (int i = 0; i < 2 * L; i++) assert_true(eps[i] == 0.0);
}

/* W, label, bulk window and every marker equal tl_rswn / tl_rswn_windowed on the same
 * chain, bit for bit (the same code runs); the caller's array is not modified. */
static void test_rswn_matches_chain_api(void **state) {
  (void)state;
  const double t3[3] = {0.2, 1.0, 0.3};
  struct { int L, r_min, r_max; const double *t; double D, onsite; tl_boundary bc; } cases[] = {
      {120, 0, 1, ssh_t, 1.0, 0.0, TL_OBC}, {120, 0, 1, ssh_t, 1.0, 0.0, TL_PBC},
      {90, -1, 1, t3, 0.5, 0.0, TL_OBC},    {64, 0, 1, ssh_t, 0.3, 0.05, TL_OBC}};
  for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
    tl_family_t f = {0};
    f.L = cases[ci].L;
    f.r_min = cases[ci].r_min;
    f.r_max = cases[ci].r_max;
    for (int k = 0; k <= f.r_max - f.r_min; k++) {
      f.t[k] = cases[ci].t[k];
      f.disorder[k] = cases[ci].D;
    }
    f.onsite = cases[ci].onsite;
    f.boundary = cases[ci].bc;
    tl_rng_t rng;
    tl_rng_init(&rng, 7 + ci, 0);
    tl_chain_t *c;
    tl_error err = {0};
    assert_int_equal(tl_chain_build(&c, &f, &rng, &err), TL_OK);
    const int L = c->L, R = tl_chain_ranges(c);
    double *m_ref = malloc(L * sizeof *m_ref), *m = malloc(L * sizeof *m);
    double *tcopy = malloc((size_t)L * R * sizeof *tcopy);
    memcpy(tcopy, c->t, (size_t)L * R * sizeof *tcopy);
    tl_rswn_opts_t o;
    tl_rswn_opts_default(&o);
    tl_rswn_t ref;
    assert_int_equal(tl_rswn(c, &o, &ref, m_ref, &err), TL_OK);
    tl_window_result_t res;
    tl_path used;
    assert_int_equal(tl_arrays_rswn(tcopy, L, c->r_min, c->r_max, c->boundary, c->onsite, NULL,
                                    TL_PATH_AUTO, TL_METHOD_FULL, NULL, &res, m, &used, &err),
                     TL_OK);
    assert_true(res.rswn.W == ref.W);
    assert_int_equal(res.rswn.label, ref.label);
    assert_int_equal(res.rswn.chiral, ref.chiral);
    assert_int_equal(res.rswn.bulk_start, ref.bulk_start);
    assert_int_equal(res.rswn.bulk_cells, ref.bulk_cells);
    assert_int_equal(res.full, 1);
    assert_memory_equal(m, m_ref, L * sizeof *m);
    assert_memory_equal(tcopy, c->t, (size_t)L * R * sizeof *tcopy); /* input untouched */
    assert_int_equal(used, c->onsite ? TL_PATH_FULL_H : c->boundary == TL_PBC ? TL_PATH_DENSE
                                                      : R == 2 ? TL_PATH_BIDIAG : TL_PATH_BANDED);
    if (!c->onsite) { /* windowed: equal to tl_rswn_windowed with the same options */
      tl_window_opts_t wo;
      tl_window_opts_default(&wo);
      wo.block = 20;
      wo.buffer0 = 10;
      tl_window_result_t wref;
      assert_int_equal(tl_rswn_windowed(c, &o, &wo, &wref, m_ref, &err), TL_OK);
      assert_int_equal(tl_arrays_rswn(tcopy, L, c->r_min, c->r_max, c->boundary, NULL, &o,
                                      TL_PATH_AUTO, TL_METHOD_WINDOW, &wo, &res, m, NULL, &err),
                       TL_OK);
      assert_true(res.rswn.W == wref.rswn.W);
      assert_true(res.W_error == wref.W_error);
      assert_int_equal(res.full, wref.full);
      assert_memory_equal(m, m_ref, L * sizeof *m); /* NaN outside the bulk, same bits */
    }
    free(m_ref);
    free(m);
    free(tcopy);
    tl_chain_free(c);
  }
}

/* Under OBC the values of bonds that leave the chain do not matter (even non-finite
 * ones), as in the hoppings-file reader. */
static void test_obc_dropped_bonds_ignored(void **state) {
  (void)state;
  const int L = 40;
  double t[80], m1[40], m2[40];
  tl_error err = {0};
  assert_int_equal(tl_arrays_chain(L, 0, 1, ssh_t, NULL, 0, TL_OBC, 1, 0, t, NULL, &err), TL_OK);
  tl_window_result_t r1, r2;
  assert_int_equal(tl_arrays_rswn(t, L, 0, 1, TL_OBC, NULL, NULL, TL_PATH_AUTO, TL_METHOD_FULL,
                                  NULL, &r1, m1, NULL, &err), TL_OK);
  t[2 * L - 1] = NAN;
  assert_int_equal(tl_arrays_rswn(t, L, 0, 1, TL_OBC, NULL, NULL, TL_PATH_AUTO, TL_METHOD_FULL,
                                  NULL, &r2, m2, NULL, &err), TL_OK);
  assert_true(isnan(t[2 * L - 1])); /* caller's array left as it was */
  assert_true(r1.rswn.W == r2.rswn.W);
  assert_memory_equal(m1, m2, sizeof m1);
}

/* Energies equal dsyev of the dense H (an independent algorithm) to round-off; the
 * positive-energy states satisfy Q_AB = 2 sum_j a_j b_j^T (SPEC 1.4) to TOL_IDENTITY and
 * are unit vectors; the output equals tl_solver_* bit for bit. */
static void test_eig_identities(void **state) {
  (void)state;
  const int L = 50, N = 2 * L;
  double t[100];
  const double D[2] = {1.0, 1.0};
  tl_error err = {0};
  for (int bc = TL_OBC; bc <= TL_PBC; bc++) {
    assert_int_equal(tl_arrays_chain(L, 0, 1, ssh_t, D, 0, bc, 5, 0, t, NULL, &err), TL_OK);
    double *e = malloc(N * sizeof *e), *psi = malloc((size_t)L * N * sizeof *psi);
    double *q = malloc((size_t)L * L * sizeof *q), *H = malloc((size_t)N * N * sizeof *H);
    double *ev = malloc(N * sizeof *ev);
    assert_int_equal(tl_arrays_eig(t, L, 0, 1, bc, NULL, TL_PATH_AUTO, e, psi, q, &err), TL_OK);
    tl_chain_t *c;
    assert_int_equal(tl_chain_new(&c, L, 0, 1, bc, &err), TL_OK);
    memcpy(c->t, t, sizeof t);
    tl_chain_hamiltonian(c, H);
    assert_int_equal(LAPACKE_dsyev(LAPACK_COL_MAJOR, 'N', 'U', N, H, N, ev), 0);
    for (int i = 0; i < N; i++) assert_close("energy vs dsyev", i, e[i], ev[i], TOL_ROUNDOFF(N));
    for (int n = 0; n < L; n++)
      for (int m = 0; m < L; m++) {
        double s = 0;
        for (int j = 0; j < L; j++) s += 2.0 * psi[(size_t)j * N + 2 * n] * psi[(size_t)j * N + 2 * m + 1];
        assert_close("Q_AB = 2 sum a b^T", n * L + m, s, q[(size_t)n * L + m], TOL_IDENTITY);
      }
    for (int j = 0; j < L; j++) {
      double nrm = 0;
      for (int i = 0; i < N; i++) nrm += psi[(size_t)j * N + i] * psi[(size_t)j * N + i];
      assert_close("|psi_j|^2", j, nrm, 1.0, TOL_IDENTITY);
    }
    tl_solver_t *s;
    assert_int_equal(tl_solver_new(&s, L, 0, 1, bc, &err), TL_OK);
    assert_int_equal(tl_solver_run(s, c, TL_PATH_AUTO, &err), TL_OK);
    tl_solver_energies(s, ev);
    assert_memory_equal(ev, e, N * sizeof *e);
    assert_memory_equal(s->qab, q, (size_t)L * L * sizeof *q);
    tl_solver_free(s);
    tl_chain_free(c);
    free(e), free(psi), free(q), free(H), free(ev);
  }
}

/* k-space winding of a chain given as arrays: defined only when clean and chiral. */
static void test_kspace(void **state) {
  (void)state;
  double t[60];
  const double D[2] = {0.5, 0.5};
  int w, d;
  tl_error err = {0};
  assert_int_equal(tl_arrays_chain(30, 0, 1, ssh_t, NULL, 0, TL_OBC, 1, 0, t, NULL, &err), TL_OK);
  assert_int_equal(tl_arrays_kspace_winding(t, 30, 0, 1, TL_OBC, NULL, &w, &d, &err), TL_OK);
  assert_int_equal(d, 1);
  assert_int_equal(w, 1);
  assert_int_equal(tl_arrays_chain(30, 0, 1, ssh_t, D, 0, TL_OBC, 1, 0, t, NULL, &err), TL_OK);
  assert_int_equal(tl_arrays_kspace_winding(t, 30, 0, 1, TL_OBC, NULL, &w, &d, &err), TL_OK);
  assert_int_equal(d, 0);
}

/* Bad input: status TL_ERR_INPUT and a message naming the argument and value. */
static void expect_input_error(tl_status st, const tl_error *err, const char *needle) {
  if (st != TL_ERR_INPUT || !strstr(err->msg, needle))
    fail_msg("status %d, message '%s' (expected TL_ERR_INPUT with '%s')", (int)st, err->msg, needle);
}

static void test_bad_input(void **state) {
  (void)state;
  double t[20] = {0}, m[10], e[20];
  for (int i = 0; i < 20; i++) t[i] = 1.0;
  tl_window_result_t r;
  tl_error err = {0};
  t[7] = NAN;
  expect_input_error(tl_arrays_rswn(t, 10, 0, 1, TL_OBC, NULL, NULL, TL_PATH_AUTO, TL_METHOD_FULL,
                                    NULL, &r, m, NULL, &err), &err, "t_1(3) = nan is not finite");
  t[7] = 1.0;
  expect_input_error(tl_arrays_rswn(t, 0, 0, 1, TL_OBC, NULL, NULL, TL_PATH_AUTO, TL_METHOD_FULL,
                                    NULL, &r, m, NULL, &err), &err, "L = 0 is out of range");
  expect_input_error(tl_arrays_rswn(t, 10, 1, 0, TL_OBC, NULL, NULL, TL_PATH_AUTO, TL_METHOD_FULL,
                                    NULL, &r, m, NULL, &err), &err, "ranges 1..0 are invalid");
  expect_input_error(tl_arrays_rswn(t, 10, 0, 1, (tl_boundary)5, NULL, NULL, TL_PATH_AUTO,
                                    TL_METHOD_FULL, NULL, &r, m, NULL, &err), &err, "boundary 5");
  expect_input_error(tl_arrays_rswn(NULL, 10, 0, 1, TL_OBC, NULL, NULL, TL_PATH_AUTO,
                                    TL_METHOD_FULL, NULL, &r, m, NULL, &err), &err, "NULL array");
  tl_rswn_opts_t o = {1.5, 0.1};
  expect_input_error(tl_arrays_rswn(t, 10, 0, 1, TL_OBC, NULL, &o, TL_PATH_AUTO, TL_METHOD_FULL,
                                    NULL, &r, m, NULL, &err), &err, "bulk fraction 1.5");
  double eps[20] = {0};
  eps[3] = 0.1;
  expect_input_error(tl_arrays_rswn(t, 10, 0, 1, TL_OBC, eps, NULL, TL_PATH_AUTO,
                                    TL_METHOD_WINDOW, NULL, &r, m, NULL, &err), &err, "chiral chain");
  eps[3] = INFINITY;
  expect_input_error(tl_arrays_eig(t, 10, 0, 1, TL_OBC, eps, TL_PATH_AUTO, e, NULL, NULL, &err),
                     &err, "on-site term of site 3 = inf");
  expect_input_error(tl_arrays_eig(t, 10, 0, 1, TL_PBC, NULL, TL_PATH_BANDED, e, NULL, NULL, &err),
                     &err, "banded path needs open boundaries");
  expect_input_error(tl_arrays_chain(10, 0, 1, ssh_t, (double[]){-1, 0}, 0, TL_OBC, 1, 0, t, NULL,
                                     &err), &err, "disorder D_0 = -1 is invalid");
}

/* Fail the n-th allocation for every n until a call succeeds: each failure is
 * TL_ERR_NOMEM with nothing leaked (checked by the sanitizer build). */
static void test_out_of_memory(void **state) {
  (void)state;
  const int L = 30;
  double t[60], eps[60], m[30], e[60], psi[30 * 60];
  tl_error err = {0};
  assert_int_equal(tl_arrays_chain(L, 0, 1, ssh_t, NULL, 0, TL_OBC, 1, 0, t, NULL, &err), TL_OK);
  for (int i = 0; i < 2 * L; i++) eps[i] = 0.01 * (i % 3);
  for (int which = 0; which < 4; which++) {
    for (long n = 1;; n++) {
      tl_alloc_fail_after(n);
      tl_window_result_t r;
      tl_status st;
      if (which == 0)
        st = tl_arrays_rswn(t, L, 0, 1, TL_OBC, NULL, NULL, TL_PATH_AUTO, TL_METHOD_FULL, NULL, &r,
                            m, NULL, &err);
      else if (which == 1)
        st = tl_arrays_eig(t, L, 0, 1, TL_OBC, eps, TL_PATH_AUTO, e, psi, NULL, &err);
      else if (which == 2)
        st = tl_arrays_chain(L, 0, 1, ssh_t, NULL, 0.5, TL_OBC, 1, 0, t, eps, &err);
      else
        st = tl_arrays_rswn(t, L, 0, 1, TL_OBC, NULL, NULL, TL_PATH_AUTO, TL_METHOD_WINDOW,
                            &(tl_window_opts_t){4, 2, 64, 1e-8}, &r, m, NULL, &err);
      tl_alloc_fail_after(0);
      if (st == TL_OK) break;
      if (st != TL_ERR_NOMEM) fail_msg("entry %d, allocation %ld: status %d (%s)", which, n, (int)st, err.msg);
      assert_true(n < 1000);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_chain_matches_chain_build),
      cmocka_unit_test(test_rswn_matches_chain_api),
      cmocka_unit_test(test_obc_dropped_bonds_ignored),
      cmocka_unit_test(test_eig_identities),
      cmocka_unit_test(test_kspace),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
