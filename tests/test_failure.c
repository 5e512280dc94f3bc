/* The failure a parallel loop reports (src/core/failure.h): the lowest failing index,
 * with its message, whatever the thread count or schedule, including when each thread
 * stops at its first failure as the library's loops do. */
#include <omp.h>
#include <string.h>

#include "check.h"
#include "core/failure.h"

/* Indices 300, 301, 700 and 900 fail; each thread skips the rest after its first. */
static tl_failure_t run_loop(int threads, int dynamic) {
  tl_failure_t f;
  tl_failure_init(&f);
#pragma omp parallel num_threads(threads)
  {
    tl_status mine = TL_OK;
    long at = -1;
    tl_error e = {0};
    if (dynamic) {
#pragma omp for schedule(dynamic, 1)
      for (long i = 0; i < 1000; i++) {
        if (mine) continue;
        if (i == 300 || i == 301 || i == 700 || i == 900)
          mine = tl_error_set(&e, i == 300 ? TL_ERR_NUMERIC : TL_ERR_NOMEM, "failed at %ld", i), at = i;
      }
    } else {
#pragma omp for schedule(static)
      for (long i = 0; i < 1000; i++) {
        if (mine) continue;
        if (i == 300 || i == 301 || i == 700 || i == 900)
          mine = tl_error_set(&e, i == 300 ? TL_ERR_NUMERIC : TL_ERR_NOMEM, "failed at %ld", i), at = i;
      }
    }
    tl_failure_offer(&f, mine, at, &e);
  }
  return f;
}

static void test_lowest_index_wins(void **state) {
  (void)state;
  for (int t = 1; t <= 4; t++)
    for (int dyn = 0; dyn < 2; dyn++)
      for (int rep = 0; rep < 20; rep++) {
        tl_failure_t f = run_loop(t, dyn);
        if (f.status != TL_ERR_NUMERIC || f.index != 300 || strcmp(f.err.msg, "failed at 300"))
          fail_msg("%d threads, %s: status %d index %ld '%s' (expected index 300)", t,
                   dyn ? "dynamic" : "static", (int)f.status, f.index, f.err.msg);
        assert_int_equal(f.err.status, TL_ERR_NUMERIC);
      }
}

static void test_no_failure_and_setup_failure(void **state) {
  (void)state;
  tl_failure_t f;
  tl_failure_init(&f);
  tl_error e = {0};
  tl_failure_offer(&f, TL_OK, 5, &e); /* nothing offered */
  assert_int_equal(f.status, TL_OK);
  tl_error_set(&e, TL_ERR_NOMEM, "setup");
  tl_failure_offer(&f, TL_ERR_NOMEM, -1, &e); /* before the loop: below every index */
  tl_error_set(&e, TL_ERR_NUMERIC, "in the loop");
  tl_failure_offer(&f, TL_ERR_NUMERIC, 0, &e);
  assert_int_equal(f.status, TL_ERR_NOMEM);
  assert_string_equal(f.err.msg, "setup");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lowest_index_wins),
      cmocka_unit_test(test_no_failure_and_setup_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
