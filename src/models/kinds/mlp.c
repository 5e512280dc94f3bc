/* src/models/kinds/mlp.c — mlp, a generic network on a whole chain (SPEC 3).
 *
 * The input flattened: eigvec (L states x 2L sites, sites 2n + a), hopping (L cells x
 * R ranges) or qab (L x L); hidden dense layers of hp.width with hp.act (none with
 * nlayers = 0: multinomial logistic regression), then a dense layer to the C logits.
 * Tensors dense<i>_w (out x in), dense<i>_b for i = 1..nlayers, then out_w, out_b.
 * Init random only: He normal for relu layers, Xavier uniform otherwise and for the
 * output layer, biases 0. Its first dense layer is what tl_model_prune reads.
 * Built once per precision (see models/real.h). */
#include <stdio.h>

#include "models/real.h"

/* ---- layout and passes (float and double) ------------------------------------------- */

typedef struct { /* layer i < nlayers: hidden layer i + 1; i = nlayers: the output */
  size_t w[TL_MODEL_MAX_LAYERS + 1], b[TL_MODEL_MAX_LAYERS + 1];
} mlp_tensors_t;
typedef struct {
  size_t pre[TL_MODEL_MAX_LAYERS], post[TL_MODEL_MAX_LAYERS];
  size_t g1, g2; /* gradient scratch of the widest layer */
} mlp_acts_t;

static int mlp_inputs(const tl_model_t *m) {
  switch (m->hp.input) {
    case TL_INPUT_HOPPING: return m->L * m->R;
    case TL_INPUT_QAB: return m->L * m->L;
    default: return 2 * m->L * m->L;
  }
}

static void mlp_tensors(const tl_model_t *m, tl_model_blocks_t *t, mlp_tensors_t *o) {
  const int n = m->hp.nlayers;
  int nin = mlp_inputs(m);
  for (int i = 0; i < n; i++) {
    o->w[i] = tl_model_add_tensor(t, "dense%d_w", i + 1, m->hp.width[i], nin);
    o->b[i] = tl_model_add_tensor(t, "dense%d_b", i + 1, m->hp.width[i], 1);
    nin = m->hp.width[i];
  }
  o->w[n] = tl_model_add_tensor(t, "out_w", 0, m->C, nin);
  o->b[n] = tl_model_add_tensor(t, "out_b", 0, m->C, 1);
}

static void mlp_acts(const tl_model_t *m, int B, tl_model_blocks_t *a, mlp_acts_t *o) {
  size_t widest = 0;
  for (int i = 0; i < m->hp.nlayers; i++) {
    const size_t n = (size_t)B * m->hp.width[i];
    o->pre[i] = tl_model_add_act(a, "pre", i + 1, n);
    o->post[i] = tl_model_add_act(a, "post", i + 1, n);
    if (n > widest) widest = n;
  }
  o->g1 = tl_model_add_act(a, "g1", 0, widest);
  o->g2 = tl_model_add_act(a, "g2", 0, widest);
}

static void mlp_layout(const tl_model_t *m, int B, mlp_tensors_t *t, tl_model_outs_t *o,
                       mlp_acts_t *a) {
  tl_model_blocks_t params, acts;
  tl_model_blocks_init(&params, 0);
  mlp_tensors(m, &params, t);
  tl_model_outs(m, B, &acts, o);
  mlp_acts(m, B, &acts, a);
}

static void mlp_featurise(const tl_model_t *m, const tl_samples_t *s, const int *idx, int B,
                          const signed char *flips, tl_real *x) {
  const int L = m->L;
  const size_t P = (size_t)mlp_inputs(m);
  for (int bi = 0; bi < B; bi++) {
    const int i = idx[bi];
    const double *psi = s->psi + (size_t)i * 2 * L * L;
    const signed char *fl = flips ? flips + (size_t)bi * L : NULL;
    tl_real *f = x + (size_t)bi * P;
    if (m->hp.input == TL_INPUT_HOPPING) {
      for (size_t k = 0; k < P; k++) f[k] = (tl_real)s->t[(size_t)i * P + k];
    } else if (m->hp.input == TL_INPUT_QAB) {
      for (int n = 0; n < L; n++)
        for (int mm = 0; mm < L; mm++)
          f[(size_t)n * L + mm] = (tl_real)tl_samples_qab(s, i, n, mm);
    } else { /* flattened (L states x 2L sites) */
      for (int j = 0; j < L; j++) {
        const double sg = fl ? fl[j] : 1;
        for (int k = 0; k < 2 * L; k++)
          f[(size_t)j * 2 * L + k] = (tl_real)(sg * psi[(size_t)j * 2 * L + k]);
      }
    }
  }
}

/* x (B, inputs) -> logits (B, C). */
static void mlp_forward(const tl_model_t *m, const tl_real *theta, const tl_real *x, int B,
                        tl_model_ws_t *ws) {
  mlp_tensors_t t;
  tl_model_outs_t o;
  mlp_acts_t a;
  mlp_layout(m, ws->B, &t, &o, &a);
  const int n = m->hp.nlayers;
  const tl_real *in = x;
  int nin = mlp_inputs(m);
  for (int i = 0; i < n; i++) {
    const int nout = m->hp.width[i];
    tl_real *pre = tl_ws_at(ws, a.pre[i]), *post = tl_ws_at(ws, a.post[i]);
    TL_NN_FN(tl_nn_dense_forward)(pre, in, theta + t.w[i], theta + t.b[i], B, nin, nout);
    tl_act_forward(m->hp.act, post, pre, (size_t)B * nout);
    in = post;
    nin = nout;
  }
  TL_NN_FN(tl_nn_dense_forward)(tl_ws_at(ws, o.logits), in, theta + t.w[n], theta + t.b[n], B,
                                nin, m->C);
}

static void mlp_backward(const tl_model_t *m, const tl_real *theta, tl_real *grad,
                         const tl_real *x, tl_real *dx, int B, tl_model_ws_t *ws) {
  mlp_tensors_t t;
  tl_model_outs_t o;
  mlp_acts_t a;
  mlp_layout(m, ws->B, &t, &o, &a);
  const int n = m->hp.nlayers;
  tl_real *g1 = tl_ws_at(ws, a.g1), *g2 = tl_ws_at(ws, a.g2);
  const tl_real *last = n ? tl_ws_at(ws, a.post[n - 1]) : x;
  const int nlast = n ? m->hp.width[n - 1] : mlp_inputs(m);
  if (n) tl_real_zero(g1, (size_t)B * nlast);
  TL_NN_FN(tl_nn_dense_backward)(n ? g1 : NULL, grad + t.w[n], grad + t.b[n],
                                 tl_ws_at(ws, o.dlogits), last, theta + t.w[n], B, nlast, m->C);
  for (int i = n - 1; i >= 0; i--) { /* g1 holds d post[i] */
    const int nout = m->hp.width[i], nin = i ? m->hp.width[i - 1] : mlp_inputs(m);
    tl_real_zero(g2, (size_t)B * nout);
    tl_act_backward(m->hp.act, g2, tl_ws_at(ws, a.pre[i]), tl_ws_at(ws, a.post[i]), g1,
                    (size_t)B * nout);
    if (i) tl_real_zero(g1, (size_t)B * nin);
    TL_NN_FN(tl_nn_dense_backward)(i ? g1 : NULL, grad + t.w[i], grad + t.b[i], g2,
                                   i ? tl_ws_at(ws, a.post[i - 1]) : x, theta + t.w[i], B, nin,
                                   nout);
  }
}

const tl_model_pass_t TL_MODEL_PASSES(mlp) = {mlp_featurise, mlp_forward, mlp_backward};

#ifndef TL_MODEL_DOUBLE /* ---- the rest of the kind, built once ------------------------ */

static void mlp_tensor_list(const tl_model_t *m, tl_model_blocks_t *t) {
  mlp_tensors_t o;
  mlp_tensors(m, t, &o);
}

static void mlp_act_list(const tl_model_t *m, int B, tl_model_blocks_t *a) {
  mlp_acts_t o;
  mlp_acts(m, B, a, &o);
}

static size_t mlp_input_size(const tl_model_t *m) { return (size_t)mlp_inputs(m); }

static tl_status mlp_validate(const tl_model_hyper_t *hp, int L, tl_error *err) {
  return tl_model_check_widths(hp, 0, err);
}

static int mlp_describe(const tl_model_t *m, char *buf, size_t cap) {
  char w[128];
  tl_model_widths_string(&m->hp, w, sizeof w);
  return snprintf(buf, cap, "%s, hidden %s %s, ", tl_model_input_name(m->hp.input),
                  m->hp.nlayers ? w : "none", tl_model_act_name(m->hp.act));
}

static void mlp_init(tl_model_t *m, tl_rng_t *rng) {
  tl_model_blocks_t list;
  mlp_tensors_t t;
  tl_model_blocks_init(&list, 0);
  mlp_tensors(m, &list, &t);
  for (int i = 0; i <= m->hp.nlayers; i++) {
    const tl_model_block_t *w = tl_model_block_at(&list, t.w[i]);
    tl_model_init_weights(m->params->param + t.w[i], w->size, w->cols, w->rows,
                          i < m->hp.nlayers && m->hp.act == TL_ACT_RELU, rng);
  }
}

/* The first dense layer (the output layer without hidden ones) over its input's axes:
 * eigvec states x cells (2 sites each), hopping ranges x cells (input n R + k, so
 * transposed), qab cells x cells. */
static void mlp_dense_view(const tl_model_t *m, tl_model_dense_view_t *v) {
  const int L = m->L;
  v->tensor = m->hp.nlayers > 0 ? "dense1_w" : "out_w";
  v->states = 0;
  if (m->hp.input == TL_INPUT_EIGVEC) {
    v->ax0 = L, v->ax1 = L, v->states = 1, v->stride0 = 2 * L, v->stride1 = 2;
  } else if (m->hp.input == TL_INPUT_HOPPING) {
    v->ax0 = m->R, v->ax1 = L, v->stride0 = 1, v->stride1 = m->R;
  } else {
    v->ax0 = L, v->ax1 = L, v->stride0 = L, v->stride1 = 1;
  }
}

extern const tl_model_pass_f64_t tl_mlp_pass_f64;

const tl_model_kind_t tl_model_kind_mlp = {
    .name = "mlp",
    .help = "dense layers on the flattened states, hoppings or Q_AB",
    .traits = TL_MODEL_PRUNABLE,
    .hyper = TL_HYPER_WIDTHS | TL_HYPER_ACT,
    .inputs = 1u << TL_INPUT_EIGVEC | 1u << TL_INPUT_HOPPING | 1u << TL_INPUT_QAB,
    .cost_us = 5,
    .cost_power = 2,
    .validate = mlp_validate,
    .describe = mlp_describe,
    .tensors = mlp_tensor_list,
    .init = mlp_init,
    .input_size = mlp_input_size,
    .input_planes = 1,
    .acts = mlp_act_list,
    .f32 = &tl_mlp_pass_f32,
    .f64 = &tl_mlp_pass_f64,
    .dense_view = mlp_dense_view,
};

#endif /* TL_MODEL_DOUBLE */
