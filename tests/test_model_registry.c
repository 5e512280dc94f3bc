/* Every registered model kind (src/models/registry.c), from its table alone, so a new
 * kind is tested by its registry line without an edit here:
 *   - its table is complete and agrees with its traits (a prunable kind names its dense
 *     layer, a W-head kind ends in the head's log_beta, a kind with exact inits accepts
 *     them and one without refuses them; lookup by name finds it);
 *   - hyper-parameter validation: each hyper-parameter the kind reads (TL_HYPER_*, its
 *     input, its init) refuses a bad value in one line naming the field and the kind,
 *     and one it does not read is ignored;
 *   - the signed finite-difference gradient check of model_grad_check.h (every
 *     coordinate in double; with a W head also the W regression; the float build along
 *     one direction) on the kind's defaults with small layers, relu swapped for tanh,
 *     which is smooth (the relu kink is test_model_grad.c's business);
 *   - a save/load round trip after a short training run: bit-identical logits,
 *     parameters, optimiser moments, step, frozen flags, hyper-parameters and
 *     provenance, and an existing path refused without force;
 *   - each trait against what the model does: a size-independent kind has the same
 *     parameters at every L and runs at another L (the others are refused there); a
 *     prunable one prunes, its full-rank point is the unpruned accuracy and its weights
 *     come back exactly; a W-head kind's logits pick round(W) and its classes are
 *     widened; the exact init reproduces the RSWN; a kind that measures distances
 *     refuses chains of the other boundary; only a kind with an input gradient writes
 *     one. */
#include <unistd.h>

#include "model_grad_check.h"

static char DIR_[256];
static tl_samples_t *GRAD, *TRAIN, *CLEAN, *LONG, *PBC;

static int setup(void **state) {
  (void)state;
  snprintf(DIR_, sizeof DIR_, "/tmp/tl_model_registry_XXXXXX");
  if (!mkdtemp(DIR_)) return -1;
  GRAD = make_ssh_set(5, 8, 2.0, 0.5, 11, 0);    /* test_model_grad.c's: qab from states */
  TRAIN = make_ssh_set(60, 12, 2.0, 0.3, 77, 1); /* test_model_io.c's: qab stored */
  CLEAN = make_ssh_set(40, 12, 2.0, 0.0, 78, 0);             /* the exact inits' */
  LONG = make_ssh_set(20, 16, 2.0, 0.3, 79, 0);              /* another L */
  PBC = make_ssh_set_bc(20, 12, 2.0, 0.3, 80, 0, TL_PBC);    /* the other boundary */
  return 0;
}
static int teardown(void **state) {
  (void)state;
  tl_samples_free(GRAD);
  tl_samples_free(TRAIN);
  tl_samples_free(CLEAN);
  tl_samples_free(LONG);
  tl_samples_free(PBC);
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

/* ---- hyper-parameter validation ------------------------------------------------------ */

/* A bad value of each hyper-parameter a kind may read, and the word its message names.
 * A new TL_HYPER_* bit needs a row (test_hyper_rows_cover_every_bit checks). */
typedef struct {
  unsigned bit;
  const char *field;
  int every_kind; /* checked for every kind (model.c), so not ignored where unread */
  void (*spoil)(tl_model_hyper_t *hp);
} bad_hyper_t;

static void spoil_widths(tl_model_hyper_t *hp) { hp->nlayers = TL_MODEL_MAX_LAYERS + 1; }
static void spoil_act(tl_model_hyper_t *hp) { hp->act = (tl_model_act)(TL_ACT_SQUARE + 1); }
static void spoil_kernel(tl_model_hyper_t *hp) { hp->kernel = 0; }
static void spoil_pool(tl_model_hyper_t *hp) { hp->pool = 0; }
static void spoil_band(tl_model_hyper_t *hp) { hp->band = -1; }
static void spoil_hidden(tl_model_hyper_t *hp) { hp->sym_hidden = 0; }

static const bad_hyper_t BAD[] = {
    {TL_HYPER_WIDTHS, "layers", 0, spoil_widths},  {TL_HYPER_ACT, "activation", 1, spoil_act},
    {TL_HYPER_KERNEL, "kernel", 0, spoil_kernel},  {TL_HYPER_POOL, "pool", 0, spoil_pool},
    {TL_HYPER_BAND, "band", 0, spoil_band},        {TL_HYPER_SYM_HIDDEN, "hidden", 0, spoil_hidden},
};
#define NBAD ((int)(sizeof BAD / sizeof *BAD))

/* tl_model_new on hp at L = 12: TL_OK, or TL_ERR_INPUT with err set. */
static tl_status try_new(const tl_model_hyper_t *hp, tl_error *err) {
  tl_model_t *m = NULL;
  tl_rng_t rng;
  tl_rng_init(&rng, 5, 0);
  tl_status st = tl_model_new(&m, hp, 12, 0, 1, &rng, err);
  assert_true(st == TL_OK || st == TL_ERR_INPUT);
  assert_true(st == TL_OK ? m != NULL : m == NULL); /* all or nothing */
  tl_model_free(m);
  return st;
}

/* Refused in one line naming the field (and the kind, for a kind's own check). */
static void expect_refused(const tl_model_kind_t *k, const tl_model_hyper_t *hp,
                           const char *field, int names_kind) {
  tl_error err = {0};
  if (try_new(hp, &err) != TL_ERR_INPUT)
    fail_msg("kind %s: a bad %s was accepted", tl_model_kind_name(k), field);
  print_message("kind %s, bad %s: %s\n", tl_model_kind_name(k), field, err.msg);
  assert_non_null(strstr(err.msg, field));
  if (names_kind) assert_non_null(strstr(err.msg, tl_model_kind_name(k)));
  assert_null(strchr(err.msg, '\n'));
}

static void test_hyper_rows_cover_every_bit(void **state) {
  (void)state;
  unsigned covered = 0;
  for (int b = 0; b < NBAD; b++) covered |= BAD[b].bit;
  for (int i = 0; i < tl_model_kind_count(); i++) {
    const tl_model_kind_t *k = tl_model_kind_at(i);
    for (unsigned bit = 1; bit; bit <<= 1)
      if (tl_model_kind_reads(k, bit) && !(covered & bit))
        fail_msg("kind %s reads hyper-parameter bit 0x%x, which has no bad value here",
                 tl_model_kind_name(k), bit);
  }
}

static void test_hyper_validation(void **state) {
  (void)state;
  for (int i = 0; i < tl_model_kind_count(); i++) {
    const tl_model_kind_t *k = tl_model_kind_at(i);
    tl_model_hyper_t hp;
    tl_error err = {0};
    tl_model_hyper_default(&hp, k);
    assert_int_equal(try_new(&hp, &err), TL_OK); /* the defaults are valid */
    for (int b = 0; b < NBAD; b++) {
      tl_model_hyper_default(&hp, k);
      BAD[b].spoil(&hp);
      if (tl_model_kind_reads(k, BAD[b].bit)) {
        expect_refused(k, &hp, BAD[b].field, !BAD[b].every_kind);
      } else if (!BAD[b].every_kind && try_new(&hp, &err) != TL_OK) {
        fail_msg("kind %s does not read %s (TL_HYPER 0x%x) but refused it: %s",
                 tl_model_kind_name(k), BAD[b].field, BAD[b].bit, err.msg);
      }
    }
    /* the input: one the kind does not read, and one that is no input at all */
    for (int in = TL_INPUT_EIGVEC; in <= TL_INPUT_QAB + 1; in++) {
      tl_model_hyper_default(&hp, k);
      hp.input = (tl_model_input)in;
      if (tl_model_kind_accepts(k, hp.input)) assert_int_equal(try_new(&hp, &err), TL_OK);
      else expect_refused(k, &hp, "input", 1);
    }
    /* the init: with exact inits a noise level must be positive, without them only
     * random is accepted */
    tl_model_hyper_default(&hp, k);
    tl_model_hyper_fit_length(&hp, 12);
    hp.init = TL_INIT_EXACT_NOISE, hp.init_sigma = 0;
    expect_refused(k, &hp, "sigma", 0);
    hp.init_sigma = 0.1;
    if (tl_model_kind_has(k, TL_MODEL_EXACT_INIT)) assert_int_equal(try_new(&hp, &err), TL_OK);
    else expect_refused(k, &hp, "init", 1);
    tl_model_hyper_default(&hp, k); /* the head's sharpness */
    hp.beta0 = 0;
    expect_refused(k, &hp, "beta", 0);
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

/* ---- each trait against what the model does ------------------------------------------- */

/* A model of kind k's small defaults at chain length L (classes of TRAIN). */
static tl_model_t *small_model(const tl_model_kind_t *k, int L, uint64_t seed) {
  tl_model_hyper_t hp;
  small_hyper(k, &hp);
  tl_error err = {0};
  if (tl_model_hyper_classes(&hp, TRAIN, 1, &err)) fail_msg("%s", err.msg);
  return make_model(&hp, L, seed);
}

/* SIZE_INDEPENDENT: the same parameters at L = 12 and 16, and the model runs at 16;
 * without it the parameters depend on L and the model refuses other lengths. */
static void check_size(const tl_model_kind_t *k) {
  tl_model_t *a = small_model(k, 12, 1), *b = small_model(k, 16, 1), *r = NULL;
  const int indep = tl_model_kind_has(k, TL_MODEL_SIZE_INDEPENDENT);
  assert_int_equal(a->params->count == b->params->count, indep);
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  tl_eval_t ev;
  tl_error err = {0};
  assert_int_equal(tl_model_eval(a, LONG, &eo, NULL, NULL, &ev, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "L = 16"));
  tl_status st = tl_model_resize(&r, a, 16, &err);
  if (!indep) {
    assert_int_equal(st, TL_ERR_INPUT);
    assert_non_null(strstr(err.msg, tl_model_kind_name(k)));
  } else {
    assert_int_equal(st, TL_OK);
    assert_memory_equal(r->params->param, a->params->param, a->params->count * sizeof(float));
    double *Wp = calloc((size_t)LONG->N, sizeof *Wp);
    assert_int_equal(tl_model_eval(r, LONG, &eo, NULL, Wp, &ev, &err), TL_OK);
    assert_true(ev.n > 0 && ev.accuracy >= 0 && ev.accuracy <= 1);
    for (int i = 0; i < LONG->N && tl_model_has(r, TL_MODEL_W_HEAD); i++) assert_true(isfinite(Wp[i]));
    tl_eval_free(&ev);
    free(Wp);
  }
  tl_model_free(r);
  tl_model_free(a);
  tl_model_free(b);
}

/* PRUNABLE: the curve ends at full rank with the unpruned accuracy, and the weights are
 * restored exactly; without it, refused naming the kind. */
static void check_prune(const tl_model_kind_t *k) {
  tl_model_t *m = small_model(k, 12, 2);
  float *before = malloc(m->params->count * sizeof *before);
  memcpy(before, m->params->param, m->params->count * sizeof *before);
  const tl_samples_t *sets[1] = {TRAIN};
  tl_prune_t pr;
  tl_error err = {0};
  tl_status st = tl_model_prune(m, sets, 1, NULL, 1, &pr, &err);
  if (!tl_model_kind_has(k, TL_MODEL_PRUNABLE)) {
    assert_int_equal(st, TL_ERR_INPUT);
    assert_non_null(strstr(err.msg, tl_model_kind_name(k)));
  } else {
    if (st) fail_msg("%s: %s", tl_model_kind_name(k), err.msg);
    tl_eval_opts_t eo;
    tl_eval_opts_default(&eo);
    tl_eval_t ev;
    assert_int_equal(tl_model_eval(m, TRAIN, &eo, NULL, NULL, &ev, &err), TL_OK);
    assert_true(pr.npoints >= 1 && pr.k[pr.npoints - 1] == pr.K && pr.K >= 1);
    assert_true(pr.acc[0][pr.npoints - 1] == ev.accuracy);
    tl_eval_free(&ev);
    tl_prune_free(&pr);
  }
  assert_memory_equal(m->params->param, before, m->params->count * sizeof *before);
  free(before);
  tl_model_free(m);
}

/* W_HEAD: classes widened by one on each side, and every sample's logits pick round(W)
 * clamped to them (the nearest-integer head); without it, the label range as it is. */
static void check_w_head(const tl_model_kind_t *k) {
  int lo, hi;
  tl_error err = {0};
  assert_int_equal(tl_samples_label_range(TRAIN, 1, &lo, &hi, &err), TL_OK);
  tl_model_t *m = small_model(k, 12, 3);
  const int head = tl_model_kind_has(k, TL_MODEL_W_HEAD);
  assert_int_equal(m->hp.cmin, lo - head);
  assert_int_equal(m->hp.cmax, hi + head);
  if (head) {
    const int N = TRAIN->N;
    tl_model_ws_t *ws = NULL;
    assert_int_equal(tl_model_ws_new(&ws, m, N, sizeof(float), &err), TL_OK);
    float *x = malloc(tl_model_input_size(m, N) * sizeof *x);
    int *idx = malloc(N * sizeof *idx);
    for (int i = 0; i < N; i++) idx[i] = i;
    tl_model_featurise_f32(m, TRAIN, idx, N, NULL, x);
    tl_model_forward_f32(m, m->params->param, x, N, ws);
    const float *z = tl_model_logits_f32(m, ws), *W = tl_model_W_f32(m, ws);
    for (int i = 0; i < N; i++) {
      long want = lroundf(W[i]);
      want = want < m->hp.cmin ? m->hp.cmin : want > m->hp.cmax ? m->hp.cmax : want;
      assert_int_equal(tl_model_predict_class(m, z + (size_t)i * m->C, W[i], 0), want);
    }
    free(x), free(idx);
    tl_model_ws_free(ws);
  }
  tl_model_free(m);
}

/* EXACT_INIT: fitted to the length, the exact init labels every clean chain and its W is
 * the RSWN within test_model_exact.c's 1e-4 (float round-off ~1e-7), and its tensors
 * have cosine 1 with the exact ones; without the trait, no such measure (NaN). */
static void check_exact(const tl_model_kind_t *k) {
  double cl, ck;
  if (!tl_model_kind_has(k, TL_MODEL_EXACT_INIT)) {
    tl_model_t *m = small_model(k, 12, 4);
    tl_model_exact_cosines(m, &cl, &ck);
    assert_true(isnan(cl) && isnan(ck));
    tl_model_free(m);
    return;
  }
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, k);
  tl_model_hyper_fit_length(&hp, 12);
  hp.init = TL_INIT_EXACT;
  tl_error err = {0};
  assert_int_equal(tl_model_hyper_classes(&hp, CLEAN, 0, &err), TL_OK);
  tl_model_t *m = make_model(&hp, 12, 4);
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  tl_eval_t ev;
  assert_int_equal(tl_model_eval(m, CLEAN, &eo, NULL, NULL, &ev, &err), TL_OK);
  print_message("kind %s, exact init: accuracy %.4f on %d clean chains, max |W - RSWN| %.2e\n",
                tl_model_kind_name(k), ev.accuracy, ev.n, ev.W_max);
  assert_true(ev.n > CLEAN->N / 2);
  assert_close("exact init: accuracy", 0, ev.accuracy, 1.0, 0.0);
  if (tl_model_kind_has(k, TL_MODEL_W_HEAD)) assert_true(ev.W_max < 1e-4);
  tl_model_exact_cosines(m, &cl, &ck);
  assert_close("exact init: cos_K", 0, ck, 1.0, 1e-6);
  if (!isnan(cl)) assert_close("exact init: cos_lambda", 0, cl, 1.0, 1e-6);
  tl_eval_free(&ev);
  tl_model_free(m);
}

/* USES_BOUNDARY: a model built for open chains refuses periodic ones; the others read
 * chains of either boundary. */
static void check_boundary(const tl_model_kind_t *k) {
  tl_model_t *m = small_model(k, 12, 5);
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  tl_eval_t ev;
  tl_error err = {0};
  tl_status st = tl_model_eval(m, PBC, &eo, NULL, NULL, &ev, &err);
  if (tl_model_kind_has(k, TL_MODEL_USES_BOUNDARY)) {
    assert_int_equal(st, TL_ERR_INPUT);
    assert_non_null(strstr(err.msg, "PBC"));
  } else {
    assert_int_equal(st, TL_OK);
    tl_eval_free(&ev);
  }
  tl_model_free(m);
}

/* INPUT_GRAD: backward writes d loss / d input (its values are checked against finite
 * differences in test_gradient_every_kind); without the trait dx stays untouched. */
static void check_input_grad(const tl_model_kind_t *k) {
  tl_model_t *m = small_model(k, 12, 6);
  const int B = 4;
  tl_error err = {0};
  tl_model_ws_t *ws = NULL;
  assert_int_equal(tl_model_ws_new(&ws, m, B, sizeof(double), &err), TL_OK);
  const size_t P = m->params->count, X = tl_model_input_size(m, B);
  double *th = calloc(P, sizeof *th), *g = calloc(P, sizeof *g);
  double *x = calloc(X, sizeof *x), *dx = calloc(X, sizeof *dx), loss;
  for (size_t i = 0; i < P; i++) th[i] = m->params->param[i];
  int idx[4] = {0, 1, 2, 3};
  tl_model_featurise_f64(m, TRAIN, idx, B, NULL, x);
  for (int b = 0; b < B; b++) ws->labels[b] = b % m->C;
  tl_model_forward_f64(m, th, x, B, ws);
  tl_model_loss_f64(m, ws, B, &loss);
  tl_model_backward_f64(m, th, g, x, dx, B, ws);
  size_t nonzero = 0;
  for (size_t i = 0; i < X; i++) nonzero += dx[i] != 0;
  assert_int_equal(nonzero > 0, tl_model_kind_has(k, TL_MODEL_INPUT_GRAD));
  free(th), free(g), free(x), free(dx);
  tl_model_ws_free(ws);
  tl_model_free(m);
}

static void test_traits_behaviour(void **state) {
  (void)state;
  for (int i = 0; i < tl_model_kind_count(); i++) {
    const tl_model_kind_t *k = tl_model_kind_at(i);
    print_message("kind %s: traits against behaviour\n", tl_model_kind_name(k));
    check_size(k);
    check_prune(k);
    check_w_head(k);
    check_exact(k);
    check_boundary(k);
    check_input_grad(k);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registry),
      cmocka_unit_test(test_hyper_rows_cover_every_bit),
      cmocka_unit_test(test_hyper_validation),
      cmocka_unit_test(test_gradient_every_kind),
      cmocka_unit_test(test_roundtrip_every_kind),
      cmocka_unit_test(test_traits_behaviour),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
