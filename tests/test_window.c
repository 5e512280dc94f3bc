/* Windowed RSWN against the full computation on chains where both run: W and the bulk
 * markers agree within the reported error estimate — away from the transition, near
 * it, and at strong disorder (where a short buffer meets sub-chain zero modes) — the
 * estimate is never below the true error, and the thread count changes nothing. */
#include <omp.h>

#include "check.h"
#include "physics_util.h"

typedef struct {
  double v, w, D;
  int L;
  uint64_t seed;
} window_case;

static void compare(const window_case *wc, int *buffer_used) {
  tl_chain_t *c = make_ssh(wc->L, wc->v, wc->w, wc->D, TL_OBC, wc->seed);
  const int L = c->L;
  double *full = malloc(L * sizeof *full), *win = malloc(L * sizeof *win);
  double Wf = rswn_path(c, TL_PATH_AUTO, 0.5, full);
  tl_rswn_opts_t o;
  tl_rswn_opts_default(&o);
  tl_window_opts_t wo;
  tl_window_opts_default(&wo);
  tl_window_result_t r;
  tl_error err = {0};
  assert_int_equal(tl_rswn_windowed(c, &o, &wo, &r, win, &err), TL_OK);
  assert_int_equal(r.full, 0);
  assert_true(r.converged);
  double l1 = 0;
  for (int n = r.rswn.bulk_start; n < r.rswn.bulk_start + r.rswn.bulk_cells; n++)
    l1 += fabs(win[n] - full[n]);
  l1 /= r.rswn.bulk_cells;
  /* 1e-12: round-off of two different SVDs of the bulk, below any estimate we assert */
  if (!(fabs(r.rswn.W - Wf) <= r.W_error + 1e-12))
    fail_msg("(v,w,D)=(%g,%g,%g) L %d: |W_win - W_full| = %.3g > estimate %.3g", wc->v, wc->w,
             wc->D, L, fabs(r.rswn.W - Wf), r.W_error);
  if (!(l1 <= r.W_error + 1e-12))
    fail_msg("(v,w,D)=(%g,%g,%g) L %d: mean |marker error| %.3g > estimate %.3g", wc->v, wc->w,
             wc->D, L, l1, r.W_error);
  assert_true(r.W_error < 1e-8); /* tol 1e-8 per cell bounds the mean change */
  assert_true(isnan(win[0]) && isnan(win[L - 1]));
  *buffer_used = r.buffer_max;
  free(full);
  free(win);
  tl_chain_free(c);
}

static void test_away_from_transition(void **state) {
  (void)state;
  int buf;
  const window_case wc = {0.5, 1.0, 1.0, 3000, 1};
  compare(&wc, &buf);
  assert_true(buf <= 200); /* short buffers suffice where Q is exponentially local */
}

static void test_near_transition(void **state) {
  (void)state;
  int buf;
  const window_case wc = {0.9, 1.0, 1.0, 3000, 2};
  compare(&wc, &buf);
  assert_true(buf >= 200); /* the localisation length grows: the buffer must too */
}

static void test_strong_disorder(void **state) {
  (void)state;
  int buf;
  for (uint64_t seed = 3; seed < 6; seed++) {
    const window_case wc = {0.5, 1.0, 2.5, 2000, seed};
    compare(&wc, &buf);
  }
}

static void test_ranges_and_pbc(void **state) {
  (void)state;
  const double t[3] = {0.3, 1.0, 0.5};
  for (int bc = TL_OBC; bc <= TL_PBC; bc++) {
    tl_chain_t *c = make_chain(1200, 0, 2, t, 0.8, bc, 7);
    double Wf = rswn_path(c, TL_PATH_AUTO, 0.5, NULL);
    tl_rswn_opts_t o;
    tl_rswn_opts_default(&o);
    tl_window_opts_t wo;
    tl_window_opts_default(&wo);
    tl_window_result_t r;
    tl_error err = {0};
    assert_int_equal(tl_rswn_windowed(c, &o, &wo, &r, NULL, &err), TL_OK);
    assert_int_equal(r.full, 0);
    if (!(fabs(r.rswn.W - Wf) <= r.W_error + 1e-12))
      fail_msg("ranges 0..2 %s: |dW| %.3g > estimate %.3g", bc ? "PBC" : "OBC", fabs(r.rswn.W - Wf), r.W_error);
    tl_chain_free(c);
  }
}

static void test_thread_count_and_fallback(void **state) {
  (void)state;
  tl_chain_t *c = make_ssh(2500, 0.6, 1.0, 1.5, TL_OBC, 9);
  tl_rswn_opts_t o;
  tl_rswn_opts_default(&o);
  tl_window_opts_t wo;
  tl_window_opts_default(&wo);
  tl_window_result_t r1, r2;
  tl_error err = {0};
  static double m1[2500], m2[2500];
  int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  assert_int_equal(tl_rswn_windowed(c, &o, &wo, &r1, m1, &err), TL_OK);
  omp_set_num_threads(2);
  assert_int_equal(tl_rswn_windowed(c, &o, &wo, &r2, m2, &err), TL_OK);
  omp_set_num_threads(saved);
  assert_true(r1.rswn.W == r2.rswn.W && r1.W_error == r2.W_error && r1.buffer_max == r2.buffer_max);
  assert_memory_equal(m1, m2, sizeof m1);
  tl_chain_free(c);
  /* a chain shorter than block + 2 buffers is computed in full, and says so */
  c = make_ssh(250, 0.6, 1.0, 1.0, TL_OBC, 9);
  assert_int_equal(tl_rswn_windowed(c, &o, &wo, &r1, NULL, &err), TL_OK);
  assert_int_equal(r1.full, 1);
  assert_close("fallback W", 0, r1.rswn.W, rswn_path(c, TL_PATH_AUTO, 0.5, NULL), 0);
  tl_chain_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_away_from_transition), cmocka_unit_test(test_near_transition),
      cmocka_unit_test(test_strong_disorder),      cmocka_unit_test(test_ranges_and_pbc),
      cmocka_unit_test(test_thread_count_and_fallback),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
