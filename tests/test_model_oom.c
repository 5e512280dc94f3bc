/* Out-of-memory paths (SQLite-style): the n-th allocation fails, for every n until the
 * call succeeds; each failure must return TL_ERR_NOMEM with a message, leave the out
 * pointer NULL, and leak nothing (the sanitizer build checks leaks). */
#include <stdlib.h>

#include "check.h"
#include "test_model_util.h"

static tl_samples_t *S;
static int setup(void **state) {
  (void)state;
  S = make_ssh_set(20, 8, 2.0, 0.0, 601, 0);
  return 0;
}
static int teardown(void **state) {
  (void)state;
  tl_samples_free(S);
  return 0;
}

/* Runs call with the n-th allocation failing, n = 1, 2, ... until it succeeds. */
#define EACH_FAILURE(call, cleanup)                                        \
  for (long n_ = 1;; n_++) {                                               \
    tl_error err = {0};                                                    \
    tl_alloc_fail_after(n_);                                               \
    tl_status st_ = (call);                                                \
    tl_alloc_fail_after(0);                                                \
    if (st_ == TL_OK) { cleanup; break; }                                  \
    assert_int_equal(st_, TL_ERR_NOMEM);                                   \
    assert_true(err.msg[0] != '\0');                                       \
    assert_true(n_ < 1000);                                                \
  }

static void test_oom(void **state) {
  (void)state;
  tl_samples_t *s = NULL;
  EACH_FAILURE(tl_samples_new(&s, 4, 8, 0, 1, TL_OBC, 1, &err), tl_samples_free(s));
  const tl_model_kind_t *const kinds[4] = {kind_named("topo"), kind_named("sym"), kind_named("mlp"), kind_named("cnn")};
  for (int k = 0; k < 4; k++) {
    tl_model_hyper_t hp;
    tl_model_hyper_default(&hp, kinds[k]);
    hp.width[0] = 4, hp.width[1] = 3, hp.kernel = 3;
    tl_rng_t rng;
    tl_rng_init(&rng, 1, 0);
    tl_model_t *m = NULL;
    EACH_FAILURE((m = NULL, tl_model_new(&m, &hp, 8, 0, 1, &rng, &err)), (void)0);
    assert_non_null(m);
    tl_model_ws_t *ws = NULL;
    EACH_FAILURE(tl_model_ws_new(&ws, m, 5, sizeof(float), &err), tl_model_ws_free(ws));
    tl_train_opts_t o;
    tl_train_opts_default(&o);
    o.epochs = 1, o.batch = 8;
    tl_train_result_t res;
    EACH_FAILURE(tl_train(m, S, &o, &res, &err), (void)0);
    tl_eval_opts_t eo;
    tl_eval_opts_default(&eo);
    eo.gauge_flip = 1;
    tl_eval_t ev;
    EACH_FAILURE(tl_model_eval(m, S, &eo, NULL, NULL, &ev, &err), tl_eval_free(&ev));
    if (kinds[k] == kind_named("sym")) {
      tl_model_t *big = NULL;
      EACH_FAILURE(tl_model_resize(&big, m, 12, &err), tl_model_free(big));
    }
    tl_model_free(m);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_oom)};
  return cmocka_run_group_tests(tests, setup, teardown);
}
