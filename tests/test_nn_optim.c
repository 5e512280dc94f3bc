/* The parameter buffer, initialisers, optimisers and learning-rate schedules: hand-
 * computed single steps, convergence on an ill-conditioned quadratic, frozen tensors,
 * schedule endpoints, input validation, and every out-of-memory path of
 * tl_nn_params_new (run under ASan/LSan in the sanitizer build, which reports leaks). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "topolearn/nn.h"

static tl_nn_params_t *two_tensors(void) {
  tl_nn_tensor_spec_t specs[] = {{"w", 2, 3}, {"b", 4, 1}};
  tl_nn_params_t *p;
  tl_error err;
  assert_int_equal(tl_nn_params_new(&p, specs, 2, &err), TL_OK);
  return p;
}

static void test_params_layout_and_views(void **state) {
  (void)state;
  tl_nn_params_t *p = two_tensors();
  assert_int_equal(p->count, 10);
  assert_int_equal(tl_nn_params_find(p, "b"), 1);
  assert_int_equal(tl_nn_params_find(p, "nope"), -1);
  /* views are back to back in one buffer, and grad/m/v are parallel slices */
  assert_ptr_equal(tl_nn_params_data(p, 1), p->param + 6);
  assert_ptr_equal(tl_nn_params_grad(p, 1), p->grad + 6);
  assert_ptr_equal(p->grad, p->param + 10);
  for (size_t i = 0; i < p->count; i++) assert_true(p->param[i] == 0 && p->v[i] == 0);
  for (size_t i = 0; i < p->count; i++) p->grad[i] = 1.0f, p->m[i] = 2.0f, p->v[i] = 3.0f;
  p->step = 5;
  tl_nn_params_zero_grad(p);
  tl_nn_params_reset_optim(p);
  for (size_t i = 0; i < p->count; i++) assert_true(p->grad[i] == 0 && p->m[i] == 0 && p->v[i] == 0);
  assert_int_equal(p->step, 0);
  tl_error err;
  assert_int_equal(tl_nn_params_set_frozen(p, "K", 1, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "'K'")); /* the message names the tensor */
  tl_nn_params_free(p);
  tl_nn_params_free(NULL);
}

static void test_params_bad_specs(void **state) {
  (void)state;
  tl_nn_params_t *p = (tl_nn_params_t *)&p; /* must be reset to NULL on failure */
  tl_error err;
  tl_nn_tensor_spec_t dup[] = {{"w", 2, 2}, {"w", 1, 1}};
  assert_int_equal(tl_nn_params_new(&p, dup, 2, &err), TL_ERR_INPUT);
  assert_null(p);
  assert_non_null(strstr(err.msg, "twice"));
  tl_nn_tensor_spec_t zero[] = {{"w", 0, 2}};
  assert_int_equal(tl_nn_params_new(&p, zero, 1, &err), TL_ERR_INPUT);
  tl_nn_tensor_spec_t noname[] = {{"", 1, 1}};
  assert_int_equal(tl_nn_params_new(&p, noname, 1, &err), TL_ERR_INPUT);
}

/* Fail the 1st, 2nd, ... allocation until construction succeeds: each failure returns
 * TL_ERR_NOMEM with *out NULL, and frees what it had (LSan checks in the ASan build). */
static void test_params_new_out_of_memory(void **state) {
  (void)state;
  tl_nn_tensor_spec_t specs[] = {{"w", 3, 3}};
  int failures = 0;
  for (long n = 1; n < 20; n++) {
    tl_nn_params_t *p = NULL;
    tl_error err;
    tl_alloc_fail_after(n);
    tl_status st = tl_nn_params_new(&p, specs, 1, &err);
    tl_alloc_fail_after(0);
    if (st == TL_OK) {
      tl_nn_params_free(p);
      break;
    }
    assert_int_equal(st, TL_ERR_NOMEM);
    assert_null(p);
    failures++;
  }
  assert_int_equal(failures, 3); /* struct, tensor table, buffer: every path was hit */
}

/* PyTorch SGD with decoupled decay: v = mu v + g; theta = (1 - lr wd) theta - lr v.
 * theta = 1.5, g = 0.2, v = 0.4, mu = 0.9, lr = 0.1, wd = 0.01:
 * v = 0.36 + 0.2 = 0.56; theta = 1.5 * 0.999 - 0.056 = 1.4425. A frozen tensor and its
 * velocity do not move. */
static void test_sgd_momentum_one_step(void **state) {
  (void)state;
  tl_nn_params_t *p = two_tensors();
  for (size_t i = 0; i < p->count; i++) p->param[i] = 1.5f, p->grad[i] = 0.2f, p->m[i] = 0.4f;
  tl_error err;
  assert_int_equal(tl_nn_params_set_frozen(p, "b", 1, &err), TL_OK);
  tl_nn_optim_t o;
  tl_nn_optim_default(&o, TL_NN_SGD);
  o.weight_decay = 0.01;
  assert_int_equal(tl_nn_optim_validate(&o, &err), TL_OK);
  tl_nn_optim_step(&o, p, 0.1);
  for (int i = 0; i < 6; i++) { /* float arithmetic: TOL_F32_STEP relative */
    assert_close("sgd momentum: velocity", i, p->m[i], 0.56, TOL_F32_STEP * 0.56);
    assert_close("sgd momentum: theta", i, p->param[i], 1.4425, TOL_F32_STEP * 1.4425);
  }
  for (int i = 6; i < 10; i++) /* frozen: untouched, bit for bit */
    assert_true(p->param[i] == 1.5f && p->m[i] == 0.4f);
  tl_nn_params_free(p);
}

/* Bias-corrected Adam's first step is lr g / (|g| + eps) = lr sign(g) (up to eps/|g| =
 * 3e-8): without the correction it would be lr (1-b1) / sqrt(1-b2) = 3.16 lr. With
 * decoupled decay wd = 0.1 and lr = 0.01: theta = 1 * 0.999 -+ 0.01. */
static void test_adam_first_step(void **state) {
  (void)state;
  tl_nn_params_t *p = two_tensors();
  for (size_t i = 0; i < p->count; i++) p->param[i] = 1.0f, p->grad[i] = (i % 2) ? 0.3f : -0.3f;
  tl_nn_optim_t o;
  tl_nn_optim_default(&o, TL_NN_ADAM);
  o.weight_decay = 0.1;
  tl_nn_optim_step(&o, p, 0.01);
  assert_int_equal(p->step, 1);
  for (size_t i = 0; i < p->count; i++) {
    double want = 0.999 - ((i % 2) ? 0.01 : -0.01);
    assert_close("adam first step", i, p->param[i], want, TOL_F32_STEP);
  }
  tl_nn_params_free(p);
}

/* f = 1/2 sum c_i (theta_i - t_i)^2 with curvatures c_i from 1 to 1000, 1500 steps of
 * Adam under a cosine schedule from 0.05 to 0. Adam's steps are ~lr whatever the
 * gradient's scale, so at constant lr it would hover at distance ~lr from the minimum;
 * annealing to 0 lets it settle. It ends at float resolution (~5e-7 here); 1e-4 is
 * 500x below the initial lr and 2e4x below the initial distance, with room to spare. */
static void test_adam_converges_on_quadratic(void **state) {
  (void)state;
  tl_nn_tensor_spec_t specs[] = {{"theta", 10, 1}};
  tl_nn_params_t *p;
  tl_error err;
  assert_int_equal(tl_nn_params_new(&p, specs, 1, &err), TL_OK);
  double c[10], t[10];
  for (int i = 0; i < 10; i++) c[i] = pow(10.0, i / 3.0), t[i] = 0.5 * (i - 4.5), p->param[i] = 0;
  tl_nn_optim_t o;
  tl_nn_optim_default(&o, TL_NN_ADAM);
  tl_nn_lr_t s = {.kind = TL_NN_LR_COSINE, .lr = 0.05, .total_epochs = 1500, .lr_min = 0};
  assert_int_equal(tl_nn_lr_validate(&s, &err), TL_OK);
  for (int k = 0; k < 1500; k++) {
    tl_nn_params_zero_grad(p);
    for (int i = 0; i < 10; i++) p->grad[i] += (float)(c[i] * (p->param[i] - t[i]));
    tl_nn_optim_step(&o, p, tl_nn_lr_at(&s, k));
  }
  for (int i = 0; i < 10; i++)
    assert_close("adam on a quadratic: theta vs minimiser", i, p->param[i], t[i], 1e-4);
  tl_nn_params_free(p);
}

/* Schedules are exact formulas in double: values compared to a few eps. */
static void test_lr_schedules(void **state) {
  (void)state;
  const double tol = 4 * DBL_EPSILON;
  tl_nn_lr_t cs = {.kind = TL_NN_LR_COSINE, .lr = 0.1, .total_epochs = 10, .lr_min = 0.001};
  assert_close("cosine at epoch 0", 0, tl_nn_lr_at(&cs, 0), 0.1, tol);
  assert_close("cosine at the middle", 5, tl_nn_lr_at(&cs, 5), 0.0505, tol);
  assert_close("cosine at the last epoch", 10, tl_nn_lr_at(&cs, 10), 0.001, tol);
  assert_close("cosine after the last epoch", 12, tl_nn_lr_at(&cs, 12), 0.001, tol);
  assert_true(tl_nn_lr_at(&cs, 3) > tl_nn_lr_at(&cs, 4)); /* decreasing */
  tl_nn_lr_t st = {.kind = TL_NN_LR_STEP, .lr = 0.1, .step_epochs = 3, .gamma = 0.5};
  assert_close("step before the first drop", 2, tl_nn_lr_at(&st, 2), 0.1, tol);
  assert_close("step at the first drop", 3, tl_nn_lr_at(&st, 3), 0.05, tol);
  assert_close("step after two drops", 7, tl_nn_lr_at(&st, 7), 0.025, tol);
  tl_nn_lr_t k = {.kind = TL_NN_LR_CONSTANT, .lr = 0.3};
  assert_close("constant", 99, tl_nn_lr_at(&k, 99), 0.3, 0.0);
  tl_error err;
  st.step_epochs = 0;
  assert_int_equal(tl_nn_lr_validate(&st, &err), TL_ERR_INPUT);
  cs.lr_min = 0.2;
  assert_int_equal(tl_nn_lr_validate(&cs, &err), TL_ERR_INPUT);
  tl_nn_optim_t o;
  tl_nn_optim_default(&o, TL_NN_SGD);
  o.momentum = 1.0;
  assert_int_equal(tl_nn_optim_validate(&o, &err), TL_ERR_INPUT);
  tl_nn_optim_default(&o, TL_NN_ADAM);
  o.weight_decay = -1;
  assert_int_equal(tl_nn_optim_validate(&o, &err), TL_ERR_INPUT);
}

/* Moments of 1e5 draws within 5 sigma of their sampling error; equal seeds give equal
 * weights (the stream is the only source of randomness). */
static void test_initialisers(void **state) {
  (void)state;
  enum { n = 100000 };
  static float w[n], w2[n];
  tl_rng_t r, r2;
  tl_rng_init(&r, 41, 0);
  tl_nn_init_he(w, n, 50, &r);
  double s2 = 0;
  for (int i = 0; i < n; i++) s2 += (double)w[i] * w[i];
  /* var of w^2 for a normal is 2 sigma^4: sigma of the mean of w^2 is sqrt(2/n) sigma^2 */
  assert_close("he variance 2/fan_in", 0, s2 / n, 0.04, 5 * sqrt(2.0 / n) * 0.04);
  tl_nn_init_xavier(w, n, 20, 30, &r);
  double a = sqrt(6.0 / 50), v = 0;
  for (int i = 0; i < n; i++) {
    assert_true(fabs(w[i]) <= a);
    v += (double)w[i] * w[i];
  }
  /* uniform(-a, a): E w^2 = a^2/3, sd of w^2 = a^2 sqrt(4/45) */
  assert_close("xavier variance a^2/3", 0, v / n, a * a / 3, 5 * a * a * sqrt(4.0 / 45 / n));
  tl_rng_init(&r, 42, 3);
  tl_rng_init(&r2, 42, 3);
  tl_nn_init_normal(w, 100, 1.0, 0.1, &r);
  tl_nn_init_normal(w2, 100, 1.0, 0.1, &r2);
  assert_memory_equal(w, w2, 100 * sizeof *w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_params_layout_and_views),
      cmocka_unit_test(test_params_bad_specs),
      cmocka_unit_test(test_params_new_out_of_memory),
      cmocka_unit_test(test_sgd_momentum_one_step),
      cmocka_unit_test(test_adam_first_step),
      cmocka_unit_test(test_adam_converges_on_quadratic),
      cmocka_unit_test(test_lr_schedules),
      cmocka_unit_test(test_initialisers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
