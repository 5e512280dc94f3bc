/* Model construction for every kind: hyper-parameter defaults and the checks common to
 * all kinds, the parameter buffer from the kind's named tensors (plus the head of a
 * W-head kind), and what the generic code asks of a model (SPEC 3). What differs
 * between kinds is in src/models/kinds/, reached through the table (kind.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/kind.h"

void tl_model_hyper_default(tl_model_hyper_t *hp, const tl_model_kind_t *kind) {
  memset(hp, 0, sizeof *hp);
  hp->kind = kind;
  hp->input = TL_INPUT_EIGVEC;
  hp->nlayers = 2;
  hp->width[0] = hp->width[1] = 64;
  hp->act = TL_ACT_RELU;
  hp->kernel = 5;
  hp->pool = 2;
  hp->band = 4;
  hp->sym_hidden = 16;
  hp->bulk_fraction = 0.5;
  hp->init = TL_INIT_RANDOM;
  hp->beta0 = 5.0;
  hp->cmin = 0;
  hp->cmax = 1;
  if (kind && kind->defaults) kind->defaults(hp);
}

tl_status tl_model_hyper_classes(tl_model_hyper_t *hp, const tl_samples_t *s,
                                 int keep_ambiguous, tl_error *err) {
  tl_status st = tl_samples_label_range(s, keep_ambiguous, &hp->cmin, &hp->cmax, err);
  if (!st && tl_model_kind_has(hp->kind, TL_MODEL_W_HEAD)) {
    hp->cmin -= 1; /* the reason is in model.h */
    hp->cmax += 1;
  }
  return st;
}

void tl_model_hyper_fit_length(tl_model_hyper_t *hp, int L) {
  if (hp->kind && hp->kind->fit_length) hp->kind->fit_length(hp, L);
}

void tl_model_hyper_implied(tl_model_hyper_t *hp) {
  if (hp->kind && hp->kind->implied) hp->kind->implied(hp);
}

/* The input among the kind's and an init it has. */
static tl_status validate_kind_choices(const tl_model_hyper_t *hp, tl_error *err) {
  const tl_model_kind_t *k = hp->kind;
  char list[64];
  tl_model_kind_inputs(k, list, sizeof list, "|");
  if (!tl_model_kind_accepts(k, hp->input)) {
    if (tl_model_kind_fixed_input(k))
      return tl_error_set(err, TL_ERR_INPUT, "model %s: input '%s' (%s reads %s)", k->name,
                          tl_model_input_name(hp->input), k->name, list);
    return tl_error_set(err, TL_ERR_INPUT, "model %s: input %d is not supported (expected %s)",
                        k->name, (int)hp->input, list);
  }
  if (hp->init != TL_INIT_RANDOM && !tl_model_kind_has(k, TL_MODEL_EXACT_INIT)) {
    tl_model_kind_list(list, sizeof list, " and ", TL_MODEL_EXACT_INIT);
    return tl_error_set(err, TL_ERR_INPUT, "model %s: init '%s' (only random; exact inits "
                        "exist for %s)", k->name, tl_model_init_name(hp->init), list);
  }
  return TL_OK;
}

static tl_status validate(const tl_model_hyper_t *hp, int L, int r_min, int r_max,
                          tl_error *err) {
  if (!hp->kind) return tl_error_set(err, TL_ERR_INPUT, "model: no kind");
  if (L < 2 || L > 4096)
    return tl_error_set(err, TL_ERR_INPUT, "model: L = %d (expected 2..4096)", L);
  /* in long long: the values may come from a file, and cmax - cmin of two ints
   * overflows (labels of +-2e9) */
  if (r_min > r_max || (long long)r_max - r_min + 1 > 2 * TL_RANGE_MAX + 1)
    return tl_error_set(err, TL_ERR_INPUT, "model: ranges %d..%d", r_min, r_max);
  if (hp->cmin > hp->cmax || (long long)hp->cmax - hp->cmin > 64 || hp->cmin < -1000000 ||
      hp->cmax > 1000000) /* labels are round(W) with |W| <= 1e6 (tl_samples_validate) */
    return tl_error_set(err, TL_ERR_INPUT, "model: classes %d..%d (expected cmin <= cmax, "
                        "at most 65 classes within -1e6..1e6)", hp->cmin, hp->cmax);
  if ((unsigned)hp->act > TL_ACT_SQUARE)
    return tl_error_set(err, TL_ERR_INPUT, "model: activation %d is unknown", (int)hp->act);
  if (hp->boundary != TL_OBC && hp->boundary != TL_PBC)
    return tl_error_set(err, TL_ERR_INPUT, "model: boundary %d is unknown", (int)hp->boundary);
  if (!(hp->bulk_fraction > 0 && hp->bulk_fraction <= 1))
    return tl_error_set(err, TL_ERR_INPUT, "model: bulk fraction %g (expected (0, 1])",
                        hp->bulk_fraction);
  if (!(hp->beta0 > 0 && isfinite(hp->beta0)))
    return tl_error_set(err, TL_ERR_INPUT, "model: initial beta %g (expected > 0)", hp->beta0);
  if (hp->init == TL_INIT_EXACT_NOISE && !(hp->init_sigma > 0 && isfinite(hp->init_sigma)))
    return tl_error_set(err, TL_ERR_INPUT, "model: init noise sigma %g (expected > 0)",
                        hp->init_sigma);
  if ((unsigned)hp->init > TL_INIT_EXACT_NOISE)
    return tl_error_set(err, TL_ERR_INPUT, "model: init %d is unknown", (int)hp->init);
  tl_status st = validate_kind_choices(hp, err);
  if (!st && hp->kind->validate) st = hp->kind->validate(hp, L, err);
  return st;
}

tl_status tl_model_check_widths(const tl_model_hyper_t *hp, int min_layers, tl_error *err) {
  const char *name = hp->kind->name;
  if (hp->nlayers < min_layers || hp->nlayers > TL_MODEL_MAX_LAYERS)
    return tl_error_set(err, TL_ERR_INPUT, "model %s: %d layers (expected %d..%d)", name,
                        hp->nlayers, min_layers, TL_MODEL_MAX_LAYERS);
  for (int i = 0; i < hp->nlayers; i++)
    if (hp->width[i] < 1 || hp->width[i] > 65536)
      return tl_error_set(err, TL_ERR_INPUT, "model %s: layer %d width %d (expected 1..65536)",
                          name, i + 1, hp->width[i]);
  return TL_OK;
}

int tl_model_distance(const tl_model_t *m, int n, int k) {
  int d = k - n, L = m->L;
  if (m->hp.boundary == TL_PBC) { /* minimal image in (-L/2, L/2], as tl_rswn_from_qab */
    if (d > L / 2) d -= L;
    else if (d <= -(L + 1) / 2) d += L;
  }
  return d;
}

tl_status tl_model_check_data(const tl_model_t *m, const tl_samples_t *s, tl_error *err) {
  /* Only hopping inputs have one column per range; states and Q_AB look the same for
   * any ranges, so models on them apply to chains of other ranges (that is how a topo
   * network labels a winding it never saw, SPEC 3). */
  const int reads_hoppings = m->hp.input == TL_INPUT_HOPPING;
  if (s->L != m->L || (reads_hoppings && (s->r_min != m->r_min || s->r_max != m->r_max)))
    return tl_error_set(err, TL_ERR_INPUT, "data: L = %d, ranges %d..%d, but the model was "
                        "built for L = %d, ranges %d..%d", s->L, s->r_min, s->r_max, m->L,
                        m->r_min, m->r_max);
  if (tl_model_has(m, TL_MODEL_USES_BOUNDARY) && s->boundary != m->hp.boundary)
    return tl_error_set(err, TL_ERR_INPUT, "data: %s chains, but the %s model measures "
                        "distances for %s", s->boundary == TL_PBC ? "PBC" : "OBC",
                        m->hp.kind->name, m->hp.boundary == TL_PBC ? "PBC" : "OBC");
  return TL_OK;
}

/* The kind's tensors, then the head's log_beta (nn.h) for a W-head kind: last, where
 * tl_model_head_offset finds it. */
static void tensor_list(const tl_model_t *m, tl_model_blocks_t *t) {
  tl_model_blocks_init(t, 0);
  m->hp.kind->tensors(m, t);
  if (tl_model_has(m, TL_MODEL_W_HEAD)) tl_model_add_tensor(t, "log_beta", 0, 1, 1);
}

size_t tl_model_head_offset(const tl_model_t *m) {
  const tl_nn_params_t *p = m->params;
  return p->tensor[p->ntensors - 1].offset;
}

static tl_status params_new(tl_model_t *m, tl_error *err) {
  tl_model_blocks_t t;
  tensor_list(m, &t);
  tl_nn_tensor_spec_t sp[TL_MODEL_MAX_BLOCKS];
  char names[TL_MODEL_MAX_BLOCKS][TL_NN_NAME_MAX];
  for (int i = 0; i < t.n; i++) {
    tl_model_block_name(&t.block[i], names[i], sizeof names[i]);
    sp[i] = (tl_nn_tensor_spec_t){names[i], t.block[i].rows, t.block[i].cols};
  }
  return tl_nn_params_new(&m->params, sp, t.n, err);
}

void tl_model_add_noise(float *t, size_t n, double sigma, tl_rng_t *rng) {
  /* the perturbation's norm is sigma times the tensor's, so "exact+noise:0.1" is a 10%
   * relative distance from the exact point, zero entries (off-bulk rows of K) included */
  double ss = 0;
  for (size_t i = 0; i < n; i++) ss += (double)t[i] * t[i];
  const double scale = sigma * sqrt(ss / (double)n);
  for (size_t i = 0; i < n; i++) t[i] = (float)(t[i] + scale * tl_rng_normal(rng));
}

void tl_model_init_weights(float *w, size_t n, int fan_in, int fan_out, int relu,
                           tl_rng_t *rng) {
  if (relu) tl_nn_init_he(w, n, fan_in, rng);
  else tl_nn_init_xavier(w, n, fan_in, fan_out, rng);
}

tl_status tl_model_new(tl_model_t **out, const tl_model_hyper_t *hp, int L, int r_min,
                       int r_max, tl_rng_t *rng, tl_error *err) {
  *out = NULL;
  tl_status st = validate(hp, L, r_min, r_max, err);
  if (st) return st;
  tl_model_t *m = tl_calloc(1, sizeof *m);
  if (!m) return tl_error_set(err, TL_ERR_NOMEM, "out of memory for a model");
  m->hp = *hp;
  m->L = L;
  m->r_min = r_min;
  m->r_max = r_max;
  m->R = r_max - r_min + 1;
  m->C = hp->cmax - hp->cmin + 1;
  tl_bulk_window(L, hp->bulk_fraction, &m->bulk_start, &m->bulk_cells);
  if ((st = params_new(m, err))) {
    tl_model_free(m);
    return st;
  }
  if (tl_model_has(m, TL_MODEL_W_HEAD))
    m->params->param[tl_model_head_offset(m)] = (float)log(hp->beta0);
  hp->kind->init(m, rng);
  *out = m;
  return TL_OK;
}

void tl_model_free(tl_model_t *m) {
  if (!m) return;
  tl_nn_params_free(m->params);
  tl_free(m);
}

tl_status tl_model_resize(tl_model_t **out, const tl_model_t *m, int L, tl_error *err) {
  *out = NULL;
  if (!tl_model_has(m, TL_MODEL_SIZE_INDEPENDENT)) {
    char list[64];
    tl_model_kind_list(list, sizeof list, ", ", TL_MODEL_SIZE_INDEPENDENT);
    return tl_error_set(err, TL_ERR_INPUT, "model %s is built for L = %d and cannot run at "
                        "L = %d (only %s is size-independent)", m->hp.kind->name, m->L, L, list);
  }
  tl_model_hyper_t hp = m->hp;
  hp.init = TL_INIT_RANDOM; /* the parameters are copied below */
  tl_rng_t rng;
  tl_rng_init(&rng, 0, 0);
  tl_status st = tl_model_new(out, &hp, L, m->r_min, m->r_max, &rng, err);
  if (st) return st;
  tl_nn_params_t *p = (*out)->params;
  (*out)->hp = m->hp;
  memcpy(p->param, m->params->param, 4 * p->count * sizeof *p->param); /* param, grad, m, v */
  for (int i = 0; i < p->ntensors; i++) p->tensor[i].frozen = m->params->tensor[i].frozen;
  p->step = m->params->step;
  return TL_OK;
}

tl_status tl_model_topo_distance(const tl_model_t *m, double *d_lambda, double *d_K,
                                 tl_error *err) {
  if (!m->hp.kind->exact_distance)
    return tl_error_set(err, TL_ERR_INPUT, "distance to the exact tensors: model %s has no "
                        "measure of it", m->hp.kind->name);
  m->hp.kind->exact_distance(m, d_lambda, d_K);
  return TL_OK;
}

void tl_model_exact_cosines(const tl_model_t *m, double *cos_lambda, double *cos_K) {
  *cos_lambda = *cos_K = NAN;
  if (m->hp.kind->exact_cosines) m->hp.kind->exact_cosines(m, cos_lambda, cos_K);
}

tl_status tl_model_freeze(tl_model_t *m, const char *name, tl_error *err) {
  const char *t = strcmp(name, "beta") ? name : "log_beta"; /* the head stores log beta */
  if (tl_nn_params_find(m->params, t) < 0)
    return tl_error_set(err, TL_ERR_INPUT, "--freeze %s: model %s has no such tensor", name,
                        m->hp.kind->name);
  return tl_nn_params_set_frozen(m->params, t, 1, err);
}

int tl_model_predict_class(const tl_model_t *m, const float *logits, float W, int any_integer) {
  if (any_integer && tl_model_has(m, TL_MODEL_W_HEAD) &&
      fabsf(W) < 1e6f) /* beyond, lround would overflow: fall back to the classes */
    return (int)lroundf(W);
  int k = 0;
  for (int c = 1; c < m->C; c++)
    if (logits[c] > logits[k]) k = c;
  return m->hp.cmin + k;
}
