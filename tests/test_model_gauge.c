/* Gauge (SPEC 3): the sign of each eigenvector is a convention. Flipping states
 * negates exactly those rows of an eigvec input and leaves hopping and Q_AB inputs
 * alone; topo's W and sym's W are invariant (bit for bit: topo's Q = sum lambda a b^T
 * sees (-a)(-b) = ab exactly, sym reads Q_AB), while a generic eigvec network changes
 * its logits. Also: sym is size-independent (tl_model_resize keeps it exact at another
 * L), the other kinds refuse to resize. And sample sets with non-finite values or
 * labels that are not round(W) are refused naming the chain and field. */
#include <stdlib.h>

#include "check.h"
#include "test_model_util.h"

static tl_samples_t *S;
static int setup(void **state) {
  (void)state;
  S = make_ssh_set(40, 12, 2.0, 0.5, 404, 0);
  return 0;
}
static int teardown(void **state) {
  (void)state;
  tl_samples_free(S);
  return 0;
}

static void flips_for(signed char *fl, int B, int L, uint64_t seed) {
  tl_rng_t rng;
  tl_rng_init(&rng, seed, 0);
  int neg = 0;
  for (int i = 0; i < B * L; i++) neg += (fl[i] = (tl_rng_u32(&rng) & 1) ? -1 : 1) < 0;
  assert_true(neg > 0 && neg < B * L);
}

static void test_featurise_flips(void **state) {
  (void)state;
  const int B = 4, L = 12;
  int idx[4] = {3, 0, 7, 39};
  signed char fl[4 * 12];
  flips_for(fl, B, L, 1);
  const tl_model_kind_t *const kinds[4] = {kind_named("mlp"), kind_named("mlp"), kind_named("mlp"), kind_named("cnn")};
  const tl_model_input ins[4] = {TL_INPUT_EIGVEC, TL_INPUT_HOPPING, TL_INPUT_QAB, TL_INPUT_EIGVEC};
  for (int k = 0; k < 4; k++) {
    tl_model_hyper_t hp;
    tl_model_hyper_default(&hp, kinds[k]);
    hp.input = ins[k];
    tl_model_t *m = make_model(&hp, L, 1);
    const size_t n = tl_model_input_size(m, B), per = n / B;
    float *x0 = calloc(n, sizeof *x0), *x1 = calloc(n, sizeof *x1);
    tl_model_featurise_f32(m, S, idx, B, NULL, x0);
    tl_model_featurise_f32(m, S, idx, B, fl, x1);
    for (int b = 0; b < B; b++)
      for (size_t e = 0; e < per; e++) {
        /* the state an entry belongs to: mlp eigvec row j of (L x 2L); cnn channel 2j+a */
        int j = kinds[k] == kind_named("mlp") ? (int)(e / (2 * L)) : (int)(e / L) / 2;
        float want = x0[b * per + e];
        if (ins[k] == TL_INPUT_EIGVEC) want *= fl[b * L + j];
        assert_true(x1[b * per + e] == want);
      }
    free(x0), free(x1);
    tl_model_free(m);
  }
}

/* Evaluate with and without gauge flips; W per chain. */
static void eval_W(const tl_model_t *m, int flip, double *W, int *pred) {
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  eo.keep_ambiguous = 1;
  eo.gauge_flip = flip;
  eo.gauge_seed = 5;
  tl_eval_t ev;
  tl_error err = {0};
  if (tl_model_eval(m, S, &eo, pred, W, &ev, &err)) fail_msg("%s", err.msg);
  tl_eval_free(&ev);
}

static void test_invariant_models(void **state) {
  (void)state;
  const tl_model_kind_t *const kinds[2] = {kind_named("topo"), kind_named("sym")};
  for (int k = 0; k < 2; k++) {
    tl_model_hyper_t hp;
    tl_model_hyper_default(&hp, kinds[k]); /* random init: invariance is structural */
    tl_model_t *m = make_model(&hp, 12, 2);
    double W0[40], W1[40];
    int p0[40], p1[40];
    eval_W(m, 0, W0, p0);
    eval_W(m, 1, W1, p1);
    assert_memory_equal(W0, W1, sizeof W0);
    tl_model_free(m);
  }
}

static void test_eigvec_mlp_is_not_invariant(void **state) {
  (void)state;
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("mlp"));
  tl_model_t *m = make_model(&hp, 12, 2);
  tl_model_ws_t *ws = NULL;
  tl_error err = {0};
  assert_int_equal(tl_model_ws_new(&ws, m, 4, sizeof(float), &err), TL_OK);
  int idx[4] = {0, 1, 2, 3};
  signed char fl[48];
  flips_for(fl, 4, 12, 3);
  float x[4 * 288], z0[8];
  tl_model_featurise_f32(m, S, idx, 4, NULL, x);
  tl_model_forward_f32(m, m->params->param, x, 4, ws);
  memcpy(z0, tl_model_logits_f32(m, ws), sizeof z0);
  tl_model_featurise_f32(m, S, idx, 4, fl, x);
  tl_model_forward_f32(m, m->params->param, x, 4, ws);
  assert_memory_not_equal(z0, tl_model_logits_f32(m, ws), sizeof z0);
  tl_model_ws_free(ws);
  tl_model_free(m);
}

/* Corrupt sample values are reported as such (chain and field), before any training. */
static void test_samples_validate(void **state) {
  (void)state;
  tl_samples_t *s = make_ssh_set(6, 8, 2.0, 0.0, 7, 1);
  tl_error err = {0};
  assert_int_equal(tl_samples_validate(s, &err), TL_OK);
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("mlp"));
  tl_model_t *m = make_model(&hp, 8, 1);
  tl_train_opts_t o;
  tl_train_opts_default(&o);
  tl_train_result_t res;
  s->psi[3 * 128 + 5] = NAN; /* chain 3, entry 5 (L x 2L = 128 per chain) */
  assert_int_equal(tl_train(m, s, &o, &res, &err), TL_ERR_INPUT);
  assert_string_equal(err.msg, "chain 3: eigvecs entry 5 is not finite");
  s->psi[3 * 128 + 5] = 0;
  s->label[2] = 1 - s->label[2];
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  tl_eval_t ev;
  assert_int_equal(tl_model_eval(m, s, &eo, NULL, NULL, &ev, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "chain 2: label"));
  tl_model_free(m);
  tl_samples_free(s);
}

static void test_sym_resize(void **state) {
  (void)state;
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("sym"));
  hp.init = TL_INIT_EXACT;
  hp.band = 20, hp.sym_hidden = 41; /* covers L = 20 below */
  tl_model_t *m = make_model(&hp, 12, 1), *big = NULL;
  tl_error err = {0};
  assert_int_equal(tl_model_resize(&big, m, 20, &err), TL_OK);
  assert_int_equal(big->L, 20);
  assert_memory_equal(big->params->param, m->params->param, m->params->count * sizeof(float));
  tl_samples_t *s20 = make_ssh_set(30, 20, 2.0, 0.5, 405, 1);
  double W[30];
  int pred[30];
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  tl_eval_t ev;
  assert_int_equal(tl_model_eval(big, s20, &eo, pred, W, &ev, &err), TL_OK);
  assert_close("sym exact resized from L = 12 to 20: accuracy", 0, ev.accuracy, 1.0, 0.0);
  assert_true(ev.W_max < 1e-4); /* the expressivity bar of test_model_exact */
  tl_eval_free(&ev);
  /* the wrong L is refused by eval, and non-sym kinds refuse to resize */
  assert_int_equal(tl_model_eval(m, s20, &eo, pred, W, &ev, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "L = 20"));
  tl_model_hyper_default(&hp, kind_named("topo"));
  tl_model_t *topo = make_model(&hp, 12, 1), *t2 = NULL;
  assert_int_equal(tl_model_resize(&t2, topo, 20, &err), TL_ERR_INPUT);
  assert_null(t2);
  tl_model_free(topo);
  tl_samples_free(s20);
  tl_model_free(big);
  tl_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_featurise_flips),
      cmocka_unit_test(test_invariant_models),
      cmocka_unit_test(test_eigvec_mlp_is_not_invariant),
      cmocka_unit_test(test_sym_resize),
      cmocka_unit_test(test_samples_validate),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
