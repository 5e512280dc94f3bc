/* Model construction: hyper-parameter defaults and checks, the named tensors of each
 * kind, and their initialisation (SPEC 3). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/layout.h"

void tl_model_hyper_default(tl_model_hyper_t *hp, tl_model_kind kind) {
  memset(hp, 0, sizeof *hp);
  hp->kind = kind;
  hp->input = kind == TL_MODEL_SYM ? TL_INPUT_QAB : TL_INPUT_EIGVEC;
  hp->nlayers = 2;
  hp->width[0] = hp->width[1] = kind == TL_MODEL_CNN ? 16 : 64;
  hp->act = kind == TL_MODEL_SYM ? TL_ACT_SQUARE : TL_ACT_RELU;
  hp->kernel = 5;
  hp->pool = 2;
  hp->band = 4;
  hp->sym_hidden = 16;
  hp->bulk_fraction = 0.5;
  hp->init = TL_INIT_RANDOM;
  hp->beta0 = 5.0;
  hp->cmin = 0;
  hp->cmax = 1;
}

static tl_status validate(const tl_model_hyper_t *hp, int L, int r_min, int r_max,
                          tl_error *err) {
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
  switch (hp->kind) {
    case TL_MODEL_TOPO:
      if (hp->input != TL_INPUT_EIGVEC)
        return tl_error_set(err, TL_ERR_INPUT, "model topo: input '%s' (topo reads eigvec)",
                            tl_model_input_name(hp->input));
      return TL_OK;
    case TL_MODEL_SYM:
      if (hp->input != TL_INPUT_QAB)
        return tl_error_set(err, TL_ERR_INPUT, "model sym: input '%s' (sym reads qab)",
                            tl_model_input_name(hp->input));
      if (hp->band < 0 || hp->band > 4096)
        return tl_error_set(err, TL_ERR_INPUT, "model sym: band %d (expected 0..4096)", hp->band);
      if (hp->sym_hidden < 1 || hp->sym_hidden > 65536)
        return tl_error_set(err, TL_ERR_INPUT, "model sym: hidden %d (expected >= 1)",
                            hp->sym_hidden);
      if (hp->init != TL_INIT_RANDOM &&
          (hp->act != TL_ACT_SQUARE || hp->sym_hidden < 2 * hp->band + 1))
        return tl_error_set(err, TL_ERR_INPUT, "model sym: init '%s' needs activation square "
                            "and hidden >= 2 band + 1 = %d", tl_model_init_name(hp->init),
                            2 * hp->band + 1);
      return TL_OK;
    case TL_MODEL_MLP:
    case TL_MODEL_CNN:
      if ((unsigned)hp->input > TL_INPUT_QAB ||
          (hp->kind == TL_MODEL_CNN && hp->input == TL_INPUT_QAB))
        return tl_error_set(err, TL_ERR_INPUT, "model %s: input %d is not supported "
                            "(expected eigvec|hopping%s)", tl_model_kind_name(hp->kind),
                            (int)hp->input, hp->kind == TL_MODEL_MLP ? "|qab" : "");
      if (hp->init != TL_INIT_RANDOM)
        return tl_error_set(err, TL_ERR_INPUT, "model %s: init '%s' (only random; exact inits "
                            "exist for topo and sym)", tl_model_kind_name(hp->kind),
                            tl_model_init_name(hp->init));
      if (hp->nlayers < (hp->kind == TL_MODEL_CNN) || hp->nlayers > TL_MODEL_MAX_LAYERS)
        return tl_error_set(err, TL_ERR_INPUT, "model %s: %d layers (expected %d..%d)",
                            tl_model_kind_name(hp->kind), hp->nlayers, hp->kind == TL_MODEL_CNN,
                            TL_MODEL_MAX_LAYERS);
      for (int i = 0; i < hp->nlayers; i++)
        if (hp->width[i] < 1 || hp->width[i] > 65536)
          return tl_error_set(err, TL_ERR_INPUT, "model %s: layer %d width %d (expected 1..65536)",
                              tl_model_kind_name(hp->kind), i + 1, hp->width[i]);
      if (hp->kind == TL_MODEL_CNN) {
        if (hp->kernel < 1 || hp->kernel > L)
          return tl_error_set(err, TL_ERR_INPUT, "model cnn: kernel %d (expected 1..L = %d)",
                              hp->kernel, L);
        if (hp->pool < 1)
          return tl_error_set(err, TL_ERR_INPUT, "model cnn: pool %d (expected >= 1)", hp->pool);
        int len = L;
        for (int i = 0; i < hp->nlayers; i++) len /= hp->pool;
        if (len < 1)
          return tl_error_set(err, TL_ERR_INPUT, "model cnn: pooling by %d over %d layers leaves "
                              "no cells of L = %d", hp->pool, hp->nlayers, L);
      }
      return TL_OK;
  }
  return tl_error_set(err, TL_ERR_INPUT, "model kind %d is unknown", (int)hp->kind);
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
   * any ranges, so topo, sym and eigvec/qab networks apply to chains of other ranges
   * (that is how a topo network labels a winding it never saw, SPEC 3). */
  const int reads_hoppings = (m->hp.kind == TL_MODEL_MLP || m->hp.kind == TL_MODEL_CNN) &&
                             m->hp.input == TL_INPUT_HOPPING;
  if (s->L != m->L || (reads_hoppings && (s->r_min != m->r_min || s->r_max != m->r_max)))
    return tl_error_set(err, TL_ERR_INPUT, "data: L = %d, ranges %d..%d, but the model was "
                        "built for L = %d, ranges %d..%d", s->L, s->r_min, s->r_max, m->L,
                        m->r_min, m->r_max);
  if ((m->hp.kind == TL_MODEL_TOPO || m->hp.kind == TL_MODEL_SYM) && s->boundary != m->hp.boundary)
    return tl_error_set(err, TL_ERR_INPUT, "data: %s chains, but the %s model measures "
                        "distances for %s", s->boundary == TL_PBC ? "PBC" : "OBC",
                        tl_model_kind_name(m->hp.kind), m->hp.boundary == TL_PBC ? "PBC" : "OBC");
  return TL_OK;
}

/* Named tensors, in the order forward.inc.h indexes them. */
static int tensor_specs(const tl_model_t *m, tl_nn_tensor_spec_t *sp, char names[][TL_NN_NAME_MAX]) {
  const tl_model_hyper_t *hp = &m->hp;
  int n = 0;
#define ADD(nm, r, c) (sp[n].name = (nm), sp[n].rows = (r), sp[n].cols = (c), n++)
  if (hp->kind == TL_MODEL_TOPO) {
    ADD("lambda", m->L, 1);
    ADD("K", m->L, m->L);
    ADD("log_beta", 1, 1);
  } else if (hp->kind == TL_MODEL_SYM) {
    const int F = tl_model_sym_features(m);
    ADD("w1", hp->sym_hidden, F);
    ADD("b1", hp->sym_hidden, 1);
    ADD("w2", 1, hp->sym_hidden);
    ADD("b2", 1, 1);
    ADD("log_beta", 1, 1);
  } else {
    int nin = hp->kind == TL_MODEL_MLP ? tl_model_mlp_inputs(m) : tl_model_cnn_channels(m);
    const int K = hp->kind == TL_MODEL_CNN ? hp->kernel : 1;
    int len = m->L;
    for (int i = 0; i < hp->nlayers; i++) {
      snprintf(names[2 * i], TL_NN_NAME_MAX, "%s%d_w", hp->kind == TL_MODEL_CNN ? "conv" : "dense", i + 1);
      snprintf(names[2 * i + 1], TL_NN_NAME_MAX, "%s%d_b", hp->kind == TL_MODEL_CNN ? "conv" : "dense", i + 1);
      ADD(names[2 * i], hp->width[i], nin * K);
      ADD(names[2 * i + 1], hp->width[i], 1);
      nin = hp->width[i];
      len /= hp->kind == TL_MODEL_CNN ? hp->pool : 1;
    }
    if (hp->kind == TL_MODEL_CNN) nin *= len;
    ADD("out_w", m->C, nin);
    ADD("out_b", m->C, 1);
  }
#undef ADD
  return n;
}

/* Adds sigma * rms(t) * N(0,1) to each entry: the perturbation's norm is sigma times
 * the tensor's, so "exact+noise:0.1" is a 10% relative distance from the exact point,
 * zero entries (off-bulk rows of K) included. */
static void add_relative_noise(float *t, size_t n, double sigma, tl_rng_t *rng) {
  double ss = 0;
  for (size_t i = 0; i < n; i++) ss += (double)t[i] * t[i];
  const double scale = sigma * sqrt(ss / (double)n);
  for (size_t i = 0; i < n; i++) t[i] = (float)(t[i] + scale * tl_rng_normal(rng));
}

/* K_exact[n,k] of SPEC 1.4: -(x_k - x_n)/L' on bulk rows, 0 elsewhere. */
static double exact_K(const tl_model_t *m, int n, int k) {
  if (n < m->bulk_start || n >= m->bulk_start + m->bulk_cells) return 0.0;
  return -(double)tl_model_distance(m, n, k) / m->bulk_cells;
}

tl_status tl_model_topo_distance(const tl_model_t *m, double *d_lambda, double *d_K,
                                 tl_error *err) {
  if (m->hp.kind != TL_MODEL_TOPO)
    return tl_error_set(err, TL_ERR_INPUT, "distance to the exact tensors: model %s is not topo",
                        tl_model_kind_name(m->hp.kind));
  const float *lambda = m->params->param + m->params->tensor[0].offset;
  const float *K = m->params->param + m->params->tensor[1].offset;
  double dl = 0, nl = 0, dk = 0, nk = 0;
  for (int j = 0; j < m->L; j++) dl += (lambda[j] - 2.0) * (lambda[j] - 2.0), nl += 4.0;
  for (int n = 0; n < m->L; n++)
    for (int k = 0; k < m->L; k++) {
      const double e = exact_K(m, n, k), d = K[(size_t)n * m->L + k] - e;
      dk += d * d, nk += e * e;
    }
  *d_lambda = sqrt(dl / nl);
  *d_K = sqrt(dk / nk); /* nk > 0: the bulk has a row with off-diagonal entries (L >= 2) */
  return TL_OK;
}

static void init_topo(tl_model_t *m, tl_rng_t *rng) {
  tl_nn_params_t *p = m->params;
  float *lambda = tl_nn_params_data(p, 0), *K = tl_nn_params_data(p, 1);
  const int L = m->L;
  if (m->hp.init == TL_INIT_RANDOM) {
    /* lambda_j ~ N(0, 1): no preferred sign or scale; K ~ N(0, 1/L): Q_AB rows have unit
     * norm, so W = sum K Q^2 is then O(1) at any L. */
    tl_nn_init_normal(lambda, (size_t)L, 0.0, 1.0, rng);
    tl_nn_init_normal(K, (size_t)L * L, 0.0, 1.0 / sqrt((double)L), rng);
  } else { /* SPEC 1.4 */
    for (int j = 0; j < L; j++) lambda[j] = 2.0f;
    for (int n = 0; n < L; n++)
      for (int k = 0; k < L; k++) K[(size_t)n * L + k] = (float)exact_K(m, n, k);
    if (m->hp.init == TL_INIT_EXACT_NOISE) {
      add_relative_noise(lambda, (size_t)L, m->hp.init_sigma, rng);
      add_relative_noise(K, (size_t)L * L, m->hp.init_sigma, rng);
    }
  }
}

static void init_sym(tl_model_t *m, tl_rng_t *rng) {
  tl_nn_params_t *p = m->params;
  const int F = tl_model_sym_features(m), H = m->hp.sym_hidden, D = m->hp.band;
  float *w1 = tl_nn_params_data(p, 0), *w2 = tl_nn_params_data(p, 2);
  if (m->hp.init == TL_INIT_RANDOM) {
    tl_nn_init_xavier(w1, (size_t)H * F, F, H, rng);
    tl_nn_init_xavier(w2, (size_t)H, H, 1, rng);
    return;
  }
  /* Hidden unit k reads feature k (d = k - D) with weight 1, squares it, and the output
   * weighs it by -d: w_loc(n) = sum_d -d q[n,n+d]^2 exactly (SPEC 3). Spare units 0. */
  for (int k = 0; k < F; k++) {
    w1[(size_t)k * F + k] = 1.0f;
    w2[k] = (float)-(k - D);
  }
  if (m->hp.init == TL_INIT_EXACT_NOISE) {
    add_relative_noise(w1, (size_t)H * F, m->hp.init_sigma, rng);
    add_relative_noise(w2, (size_t)H, m->hp.init_sigma, rng);
  }
}

/* mlp and cnn: He for relu layers, Xavier for tanh/square and the linear output layer;
 * biases 0. */
static void init_generic(tl_model_t *m, tl_rng_t *rng) {
  tl_nn_params_t *p = m->params;
  const int K = m->hp.kind == TL_MODEL_CNN ? m->hp.kernel : 1;
  for (int i = 0; i <= m->hp.nlayers; i++) {
    const tl_nn_tensor_t *t = &p->tensor[2 * i];
    float *w = tl_nn_params_data(p, 2 * i);
    const int fan_in = t->cols, fan_out = t->rows * (i < m->hp.nlayers ? K : 1);
    if (i < m->hp.nlayers && m->hp.act == TL_ACT_RELU) tl_nn_init_he(w, t->size, fan_in, rng);
    else tl_nn_init_xavier(w, t->size, fan_in, fan_out, rng);
  }
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
  tl_nn_tensor_spec_t sp[2 * TL_MODEL_MAX_LAYERS + 8];
  char names[2 * TL_MODEL_MAX_LAYERS][TL_NN_NAME_MAX];
  int n = tensor_specs(m, sp, names);
  if ((st = tl_nn_params_new(&m->params, sp, n, err))) {
    tl_model_free(m);
    return st;
  }
  if (hp->kind == TL_MODEL_TOPO || hp->kind == TL_MODEL_SYM) {
    tl_nn_params_data(m->params, n - 1)[0] = (float)log(hp->beta0); /* log_beta, last */
    if (hp->kind == TL_MODEL_TOPO) init_topo(m, rng);
    else init_sym(m, rng);
  } else {
    init_generic(m, rng);
  }
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
  if (m->hp.kind != TL_MODEL_SYM)
    return tl_error_set(err, TL_ERR_INPUT, "model %s is built for L = %d and cannot run at L = %d "
                        "(only sym is size-independent)", tl_model_kind_name(m->hp.kind), m->L, L);
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

tl_status tl_model_freeze(tl_model_t *m, const char *name, tl_error *err) {
  const char *t = strcmp(name, "beta") ? name : "log_beta"; /* the head stores log beta */
  if (tl_nn_params_find(m->params, t) < 0)
    return tl_error_set(err, TL_ERR_INPUT, "--freeze %s: model %s has no such tensor", name,
                        tl_model_kind_name(m->hp.kind));
  return tl_nn_params_set_frozen(m->params, t, 1, err);
}

int tl_model_predict_class(const tl_model_t *m, const float *logits, float W, int any_integer) {
  if (any_integer && (m->hp.kind == TL_MODEL_TOPO || m->hp.kind == TL_MODEL_SYM) &&
      fabsf(W) < 1e6f) /* beyond, lround would overflow: fall back to the classes */
    return (int)lroundf(W);
  int k = 0;
  for (int c = 1; c < m->C; c++)
    if (logits[c] > logits[k]) k = c;
  return m->hp.cmin + k;
}
