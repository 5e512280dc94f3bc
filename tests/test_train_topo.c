/* Training topo (SPEC 3, 4 trainability): frozen tensors do not move (parameters and
 * moments, bit for bit) while the others do; "beta" names the head's log_beta; from
 * exact+noise the loss falls; from the exact init with lambda and K frozen only beta
 * trains and accuracy stays 1; regression on W pulls W toward the RSWN. */
#include <stdlib.h>

#include "check.h"
#include "test_model_util.h"

static tl_samples_t *S;
static int setup(void **state) {
  (void)state;
  S = make_ssh_set(200, 16, 2.0, 0.0, 501, 0);
  return 0;
}
static int teardown(void **state) {
  (void)state;
  tl_samples_free(S);
  return 0;
}

typedef struct {
  double loss[32];
  int n;
} losses_t;
static int record(const tl_train_epoch_t *e, void *user) {
  losses_t *l = user;
  l->loss[l->n++] = e->loss;
  return 0;
}

static tl_model_t *topo(tl_model_init init, double sigma, double beta0) {
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("topo"));
  hp.init = init, hp.init_sigma = sigma, hp.beta0 = beta0;
  return make_model(&hp, 16, 8);
}

/* The distance measure: 0 at the exact init, sigma (relative) at exact+noise:sigma up
 * to the sampling error of L and L^2 normal draws (L = 16: 4 sigma / sqrt(2L) ~ 0.7
 * sigma for lambda, 0.2 sigma for K), about 1 for random. */
static void test_topo_distance(void **state) {
  (void)state;
  double dl, dk;
  tl_error err = {0};
  tl_model_t *m = topo(TL_INIT_EXACT, 0, 5.0);
  assert_int_equal(tl_model_topo_distance(m, &dl, &dk, &err), TL_OK);
  assert_true(dl == 0.0 && dk == 0.0);
  tl_model_free(m);
  m = topo(TL_INIT_EXACT_NOISE, 0.2, 5.0);
  assert_int_equal(tl_model_topo_distance(m, &dl, &dk, &err), TL_OK);
  assert_close("exact+noise:0.2, lambda distance", 0, dl, 0.2, 0.7 * 0.2);
  assert_close("exact+noise:0.2, K distance", 0, dk, 0.2, 0.2 * 0.2);
  tl_model_free(m);
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("sym"));
  m = make_model(&hp, 16, 1);
  assert_int_equal(tl_model_topo_distance(m, &dl, &dk, &err), TL_ERR_INPUT);
  tl_model_free(m);
}

static void test_freeze(void **state) {
  (void)state;
  const char *names[3] = {"K", "lambda", "beta"};
  for (int f = 0; f < 3; f++) {
    tl_model_t *m = topo(TL_INIT_EXACT_NOISE, 0.2, 5.0);
    tl_error err = {0};
    assert_int_equal(tl_model_freeze(m, names[f], &err), TL_OK);
    tl_nn_params_t *p = m->params;
    float *before = malloc(p->count * sizeof *before);
    memcpy(before, p->param, p->count * sizeof *before);
    tl_train_opts_t o;
    tl_train_opts_default(&o);
    o.epochs = 3, o.lr.lr = 1e-2;
    tl_train_result_t res;
    assert_int_equal(tl_train(m, S, &o, &res, &err), TL_OK);
    const int frozen = tl_nn_params_find(p, f == 2 ? "log_beta" : names[f]);
    for (int i = 0; i < p->ntensors; i++) {
      const tl_nn_tensor_t *t = &p->tensor[i];
      int moved = memcmp(before + t->offset, p->param + t->offset, t->size * sizeof(float));
      if (i == frozen) {
        assert_int_equal(moved, 0);
        for (size_t k = 0; k < t->size; k++) assert_true(p->m[t->offset + k] == 0.0f);
      } else if (!moved) {
        fail_msg("freezing %s: tensor %s did not train", names[f], t->name);
      }
    }
    free(before);
    tl_model_free(m);
  }
  tl_model_t *m = topo(TL_INIT_RANDOM, 0, 5.0);
  tl_error err = {0};
  assert_int_equal(tl_model_freeze(m, "gamma", &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "gamma"));
  tl_model_free(m);
}

static void test_noisy_init_trains(void **state) {
  (void)state;
  tl_model_t *m = topo(TL_INIT_EXACT_NOISE, 0.3, 1.0) /* soft head: O(0.1) loss */;
  losses_t l = {0};
  tl_train_opts_t o;
  tl_train_opts_default(&o);
  o.epochs = 10, o.lr.lr = 1e-2, o.callback = record, o.user = &l;
  tl_train_result_t res;
  tl_error err = {0};
  assert_int_equal(tl_train(m, S, &o, &res, &err), TL_OK);
  print_message("topo exact+noise:0.3: loss %.4f -> %.4f over %d epochs, train acc %.3f\n",
                l.loss[0], l.loss[l.n - 1], l.n, res.train_acc);
  assert_true(l.loss[l.n - 1] < 0.8 * l.loss[0]);
  tl_model_free(m);
}

static void test_exact_stays_exact(void **state) {
  (void)state;
  tl_model_t *m = topo(TL_INIT_EXACT, 0, 5.0);
  tl_error err = {0};
  assert_int_equal(tl_model_freeze(m, "lambda", &err), TL_OK);
  assert_int_equal(tl_model_freeze(m, "K", &err), TL_OK);
  const float rho0 = tl_nn_params_data(m->params, 2)[0];
  tl_train_opts_t o;
  tl_train_opts_default(&o);
  o.epochs = 3, o.lr.lr = 5e-2, o.val_fraction = 0.2;
  tl_train_result_t res;
  assert_int_equal(tl_train(m, S, &o, &res, &err), TL_OK);
  /* the exact W are integers: a sharper head lowers the loss, so beta grows */
  assert_true(tl_nn_params_data(m->params, 2)[0] > rho0);
  assert_close("exact topo, training accuracy", 0, res.train_acc, 1.0, 0.0);
  assert_close("exact topo, validation accuracy", 0, res.val_acc, 1.0, 0.0);
  tl_model_free(m);
}

static double w_mae(const tl_model_t *m) {
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  tl_eval_t ev;
  tl_error err = {0};
  if (tl_model_eval(m, S, &eo, NULL, NULL, &ev, &err)) fail_msg("%s", err.msg);
  double e = ev.W_mae;
  tl_eval_free(&ev);
  return e;
}

/* Regression on W (SPEC 3's "plus"): from exact+noise the mean |W - RSWN| falls; only
 * topo and sym have a W to regress. */
static void test_regression_on_W(void **state) {
  (void)state;
  tl_model_t *m = topo(TL_INIT_EXACT_NOISE, 0.1, 5.0);
  const double before = w_mae(m);
  tl_train_opts_t o;
  tl_train_opts_default(&o);
  o.epochs = 10, o.lr.lr = 3e-3, o.regress_w = 1;
  tl_train_result_t res;
  tl_error err = {0};
  assert_int_equal(tl_train(m, S, &o, &res, &err), TL_OK);
  const double after = w_mae(m);
  print_message("topo exact+noise:0.1, W regression: mean |W - RSWN| %.4f -> %.4f\n", before, after);
  assert_true(after < 0.5 * before);
  double dl, dk;
  assert_int_equal(tl_model_topo_distance(m, &dl, &dk, &err), TL_OK);
  print_message("  distance from the exact tensors after training: lambda %.3f, K %.3f\n", dl, dk);
  tl_model_free(m);
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("mlp"));
  m = make_model(&hp, 16, 1);
  assert_int_equal(tl_train(m, S, &o, &res, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "regression"));
  tl_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_topo_distance),
      cmocka_unit_test(test_freeze),
      cmocka_unit_test(test_noisy_init_trains),
      cmocka_unit_test(test_exact_stays_exact),
      cmocka_unit_test(test_regression_on_W),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
