/* Every registered model kind (src/models/registry.c), so a new kind is tested by its
 * registry line alone:
 *   - its table is complete and agrees with its traits (a prunable kind names its dense
 *     layer, a W-head kind ends in the head's log_beta, a kind with exact inits accepts
 *     them and one without refuses them; lookup by name finds it);
 *   - the signed finite-difference gradient check of model_grad_check.h (every
 *     coordinate in double; with a W head also the W regression; the float build along
 *     one direction) on the kind's defaults with small layers, relu swapped for tanh,
 *     which is smooth (the relu kink is test_model_grad.c's business);
 *   - a save/load round trip after a short training run: bit-identical logits,
 *     parameters, optimiser moments, step, frozen flags, hyper-parameters and
 *     provenance, and an existing path refused without force. */
#include <unistd.h>

#include "model_grad_check.h"

static char DIR_[256];
static tl_samples_t *GRAD, *TRAIN;

static int setup(void **state) {
  (void)state;
  snprintf(DIR_, sizeof DIR_, "/tmp/tl_model_kinds_XXXXXX");
  if (!mkdtemp(DIR_)) return -1;
  GRAD = make_ssh_set(5, 8, 2.0, 0.5, 11, 0);    /* test_model_grad.c's: qab from states */
  TRAIN = make_ssh_set(60, 12, 2.0, 0.3, 77, 1); /* test_model_io.c's: qab stored */
  return 0;
}
static int teardown(void **state) {
  (void)state;
  tl_samples_free(GRAD);
  tl_samples_free(TRAIN);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", DIR_);
  return system(cmd);
}

static void test_registry(void **state) {
  (void)state;
  const int n = tl_model_kind_count();
  assert_true(n >= 4);
  assert_null(tl_model_kind_at(n));
  assert_null(tl_model_kind_find("transformer"));
  char all[256];
  tl_model_kind_list(all, sizeof all, "|", 0);
  for (int i = 0; i < n; i++) {
    const tl_model_kind_t *k = tl_model_kind_at(i);
    const char *name = tl_model_kind_name(k);
    print_message("kind %s: %s\n", name, tl_model_kind_help(k));
    assert_ptr_equal(tl_model_kind_find(name), k);
    assert_non_null(strstr(all, name));
    assert_true(strlen(tl_model_kind_help(k)) > 10);
    assert_true(k->tensors && k->init && k->input_size && k->acts && k->input_planes >= 1);
    assert_true(k->f32 && k->f32->featurise && k->f32->forward && k->f32->backward);
    assert_true(k->f64 && k->f64->featurise && k->f64->forward && k->f64->backward);
    assert_true(k->inputs != 0 && k->cost_us > 0 && (k->cost_power == 2 || k->cost_power == 3));
    assert_int_equal(tl_model_kind_has(k, TL_MODEL_PRUNABLE), k->dense_view != NULL);
    assert_int_equal(tl_model_kind_has(k, TL_MODEL_EXACT_INIT), k->exact_cosines != NULL);
    /* the defaults build a model, whose input is one the kind reads */
    tl_model_hyper_t hp;
    tl_model_hyper_default(&hp, k);
    assert_true(tl_model_kind_accepts(k, hp.input));
    tl_model_t *m = make_model(&hp, 12, 1);
    const tl_nn_params_t *p = m->params;
    if (tl_model_has(m, TL_MODEL_W_HEAD)) { /* the head's sharpness, last, at log beta0 */
      assert_string_equal(p->tensor[p->ntensors - 1].name, "log_beta");
      assert_true(p->param[p->tensor[p->ntensors - 1].offset] == (float)log(hp.beta0));
    } else {
      assert_int_equal(tl_nn_params_find(p, "log_beta"), -1);
    }
    tl_model_blocks_t lay;
    tl_model_layout(m, 16, &lay);
    assert_true(lay.n < TL_MODEL_MAX_BLOCKS); /* every block named */
    if (k->dense_view) { /* the layer to prune exists, and its axes cover its input */
      tl_model_dense_view_t v;
      k->dense_view(m, &v);
      const int t = tl_nn_params_find(p, v.tensor);
      assert_true(t >= 0 && v.ax0 >= 1 && v.ax1 >= 1);
      assert_int_equal(p->tensor[t].cols % (v.ax0 * v.ax1), 0);
    }
    tl_model_free(m);
    /* exact inits: accepted with the trait, refused naming the kind without it */
    hp.init = TL_INIT_EXACT;
    tl_model_hyper_fit_length(&hp, 12);
    tl_model_hyper_implied(&hp);
    tl_rng_t rng;
    tl_rng_init(&rng, 1, 0);
    tl_error err = {0};
    tl_status st = tl_model_new(&m, &hp, 12, 0, 1, &rng, &err);
    if (tl_model_kind_has(k, TL_MODEL_EXACT_INIT)) {
      assert_int_equal(st, TL_OK);
      tl_model_free(m);
    } else {
      assert_int_equal(st, TL_ERR_INPUT);
      assert_non_null(strstr(err.msg, name));
    }
  }
}

/* The kind's defaults with small layers (a check of every coordinate costs two forward
 * passes per parameter). */
static void small_hyper(const tl_model_kind_t *kind, tl_model_hyper_t *hp) {
  tl_model_hyper_default(hp, kind);
  hp->width[0] = 6, hp->width[1] = 5, hp->kernel = 3, hp->band = 3, hp->sym_hidden = 7;
}

static void test_gradient_every_kind(void **state) {
  (void)state;
  for (int i = 0; i < tl_model_kind_count(); i++) {
    const tl_model_kind_t *k = tl_model_kind_at(i);
    tl_model_hyper_t hp;
    small_hyper(k, &hp);
    if (hp.act == TL_ACT_RELU) hp.act = TL_ACT_TANH;
    tl_error err = {0};
    if (tl_model_hyper_classes(&hp, GRAD, 1, &err)) fail_msg("%s", err.msg);
    char name[64];
    snprintf(name, sizeof name, "%s defaults (%s)", tl_model_kind_name(k),
             tl_model_act_name(hp.act));
    check_model(name, &hp, GRAD, 0);
  }
}

/* Logits of m on every chain of TRAIN (float forward, one batch). */
static float *logits_of(const tl_model_t *m) {
  tl_model_ws_t *ws = NULL;
  tl_error err = {0};
  assert_int_equal(tl_model_ws_new(&ws, m, TRAIN->N, sizeof(float), &err), TL_OK);
  float *x = malloc(tl_model_input_size(m, TRAIN->N) * sizeof *x);
  int *idx = malloc(TRAIN->N * sizeof *idx);
  for (int i = 0; i < TRAIN->N; i++) idx[i] = i;
  tl_model_featurise_f32(m, TRAIN, idx, TRAIN->N, NULL, x);
  tl_model_forward_f32(m, m->params->param, x, TRAIN->N, ws);
  float *z = malloc((size_t)TRAIN->N * m->C * sizeof *z);
  memcpy(z, tl_model_logits_f32(m, ws), (size_t)TRAIN->N * m->C * sizeof *z);
  free(x), free(idx);
  tl_model_ws_free(ws);
  return z;
}

/* Small layers, and the non-default choices each kind offers: an exact init with
 * noise, the qab input (and a frozen head, below). */
static void roundtrip_hyper(const tl_model_kind_t *kind, tl_model_hyper_t *hp) {
  small_hyper(kind, hp);
  if (tl_model_kind_has(kind, TL_MODEL_EXACT_INIT))
    hp->init = TL_INIT_EXACT_NOISE, hp->init_sigma = 0.1;
  if (!tl_model_kind_fixed_input(kind) && tl_model_kind_accepts(kind, TL_INPUT_QAB))
    hp->input = TL_INPUT_QAB, hp->act = TL_ACT_TANH;
  hp->cmin = -1, hp->cmax = 2;
}

static void roundtrip(const tl_model_kind_t *kind) {
  tl_model_hyper_t hp;
  roundtrip_hyper(kind, &hp);
  tl_model_t *m = make_model(&hp, 12, 3), *back = NULL;
  tl_error err = {0};
  if (tl_model_kind_has(kind, TL_MODEL_W_HEAD))
    assert_int_equal(tl_model_freeze(m, "beta", &err), TL_OK);
  tl_train_opts_t o;
  tl_train_opts_default(&o);
  o.epochs = 2, o.batch = 16;
  tl_train_result_t res;
  if (tl_train(m, TRAIN, &o, &res, &err)) fail_msg("%s", err.msg); /* moments become non-zero */
  tl_model_provenance_t prov = {.seed = 0xfedcba9876543210ull}, got;
  snprintf(prov.command, sizeof prov.command, "topolearn train --model %s --seed 1",
           tl_model_kind_name(kind));
  snprintf(prov.data_hash, sizeof prov.data_hash, "sha256:0123abcd");
  char path[300];
  snprintf(path, sizeof path, "%s/%s.h5", DIR_, tl_model_kind_name(kind));
  assert_int_equal(tl_model_save(m, path, 0, &prov, &err), TL_OK);
  if (tl_model_load(&back, path, &got, &err)) fail_msg("%s", err.msg);
  const tl_nn_params_t *a = m->params, *b = back->params;
  assert_int_equal(a->count, b->count);
  assert_memory_equal(a->param, b->param, a->count * sizeof(float));
  assert_memory_equal(a->m, b->m, 2 * a->count * sizeof(float));
  assert_int_equal(a->step, b->step);
  for (int i = 0; i < a->ntensors; i++) {
    assert_string_equal(a->tensor[i].name, b->tensor[i].name);
    assert_int_equal(a->tensor[i].frozen, b->tensor[i].frozen);
  }
  assert_memory_equal(&m->hp, &back->hp, sizeof m->hp);
  assert_true(got.seed == prov.seed);
  assert_string_equal(got.command, prov.command);
  assert_string_equal(got.data_hash, prov.data_hash);
  assert_true(strlen(got.created) == 20 && got.created[19] == 'Z'); /* filled: UTC time */
  float *za = logits_of(m), *zb = logits_of(back);
  assert_memory_equal(za, zb, (size_t)TRAIN->N * m->C * sizeof(float));
  char line[256];
  tl_model_summary(back, line, sizeof line);
  assert_non_null(strstr(line, tl_model_kind_name(kind)));
  assert_null(strchr(line, '\n'));
  /* an existing path is refused without force, replaced with it */
  assert_int_equal(tl_model_save(m, path, 0, &prov, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "exists"));
  assert_int_equal(tl_model_save(m, path, 1, &prov, &err), TL_OK);
  free(za), free(zb);
  tl_model_free(m);
  tl_model_free(back);
}

static void test_roundtrip_every_kind(void **state) {
  (void)state;
  for (int i = 0; i < tl_model_kind_count(); i++) roundtrip(tl_model_kind_at(i));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registry),
      cmocka_unit_test(test_gradient_every_kind),
      cmocka_unit_test(test_roundtrip_every_kind),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
