/* src/models/kinds/cnn.c — cnn, convolutions along the chain (SPEC 3).
 *
 * The input as channels over the L cells: eigvec (channel 2j + a: state j's amplitude
 * on sublattice a) or hopping (channel k: range r_min + k). Conv layers of hp.width
 * channels ('same' padding, kernel hp.kernel), hp.act, mean pooling by hp.pool, then a
 * dense layer from the flattened last pooling to the C logits. Tensors conv<i>_w
 * (out x in K), conv<i>_b for i = 1..nlayers, then out_w, out_b. Init random only: He
 * normal for relu layers, Xavier uniform otherwise and for the output layer, biases 0.
 * tl_model_prune reads the output layer, its first dense one.
 * Built once per precision (see models/real.h). */
#include <stdio.h>

#include "models/real.h"

/* ---- layout and passes (float and double) ------------------------------------------- */

typedef struct { /* layer i < nlayers: conv layer i + 1; i = nlayers: the output */
  size_t w[TL_MODEL_MAX_LAYERS + 1], b[TL_MODEL_MAX_LAYERS + 1];
} cnn_tensors_t;
typedef struct {
  size_t pre[TL_MODEL_MAX_LAYERS], post[TL_MODEL_MAX_LAYERS], pooled[TL_MODEL_MAX_LAYERS];
  /* each layer's conv1d workspace, kept from forward to backward so that backward
   * reuses the channel-major copy of the layer's input (tl_nn_conv1d_backward, kept) */
  size_t cwork[TL_MODEL_MAX_LAYERS];
  size_t g1, g2;                    /* gradient scratch of the widest layer      */
  int len[TL_MODEL_MAX_LAYERS + 1]; /* cells entering layer i; len[n] after all */
} cnn_acts_t;

/* Input channels: 2L (eigvec: states x sublattice) or R (hopping). */
static int cnn_channels(const tl_model_t *m) {
  return m->hp.input == TL_INPUT_HOPPING ? m->R : 2 * m->L;
}

/* Cells left after the poolings of all layers. */
static int cnn_cells_out(const tl_model_hyper_t *hp, int L) {
  for (int i = 0; i < hp->nlayers; i++) L /= hp->pool;
  return L;
}

static void cnn_tensors(const tl_model_t *m, tl_model_blocks_t *t, cnn_tensors_t *o) {
  const int n = m->hp.nlayers;
  int nin = cnn_channels(m);
  for (int i = 0; i < n; i++) {
    o->w[i] = tl_model_add_tensor(t, "conv%d_w", i + 1, m->hp.width[i], nin * m->hp.kernel);
    o->b[i] = tl_model_add_tensor(t, "conv%d_b", i + 1, m->hp.width[i], 1);
    nin = m->hp.width[i];
  }
  nin *= cnn_cells_out(&m->hp, m->L);
  o->w[n] = tl_model_add_tensor(t, "out_w", 0, m->C, nin);
  o->b[n] = tl_model_add_tensor(t, "out_b", 0, m->C, 1);
}

static void cnn_acts(const tl_model_t *m, int B, tl_model_blocks_t *a, cnn_acts_t *o) {
  const tl_model_hyper_t *hp = &m->hp;
  size_t widest = 0;
  int len = m->L, cin = cnn_channels(m);
  for (int i = 0; i < hp->nlayers; i++) {
    const size_t n = (size_t)B * hp->width[i] * (size_t)len;
    o->len[i] = len;
    o->pre[i] = tl_model_add_act(a, "pre", i + 1, n);
    o->post[i] = tl_model_add_act(a, "post", i + 1, n);
    o->cwork[i] = tl_model_add_act(a, "cwork", i + 1,
                               tl_nn_conv1d_work_size(B, cin, hp->width[i], len, hp->kernel, 1));
    if (n > widest) widest = n;
    cin = hp->width[i];
    len /= hp->pool;
    o->pooled[i] = tl_model_add_act(a, "pooled", i + 1, (size_t)B * cin * (size_t)len);
  }
  o->len[hp->nlayers] = len;
  o->g1 = tl_model_add_act(a, "g1", 0, widest);
  o->g2 = tl_model_add_act(a, "g2", 0, widest);
}

static void cnn_layout(const tl_model_t *m, int B, cnn_tensors_t *t, tl_model_outs_t *o,
                       cnn_acts_t *a) {
  tl_model_blocks_t params, acts;
  tl_model_blocks_init(&params, 0);
  cnn_tensors(m, &params, t);
  tl_model_outs(m, B, &acts, o);
  cnn_acts(m, B, &acts, a);
}

/* x (B, channels, L). */
static void cnn_featurise(const tl_model_t *m, const tl_samples_t *s, const int *idx, int B,
                          const signed char *flips, tl_real *x) {
  const int L = m->L, R = m->R, Cin = cnn_channels(m);
  for (int bi = 0; bi < B; bi++) {
    const int i = idx[bi];
    const double *psi = s->psi + (size_t)i * 2 * L * L;
    const signed char *fl = flips ? flips + (size_t)bi * L : NULL;
    tl_real *f = x + (size_t)bi * Cin * L;
    if (m->hp.input == TL_INPUT_HOPPING) {
      for (int k = 0; k < R; k++)
        for (int n = 0; n < L; n++)
          f[(size_t)k * L + n] = (tl_real)s->t[(size_t)i * L * R + (size_t)n * R + k];
    } else {
      for (int j = 0; j < L; j++) {
        const double sg = fl ? fl[j] : 1;
        for (int a = 0; a < 2; a++)
          for (int n = 0; n < L; n++)
            f[(size_t)(2 * j + a) * L + n] = (tl_real)(sg * psi[(size_t)j * 2 * L + 2 * n + a]);
      }
    }
  }
}

static void cnn_forward(const tl_model_t *m, const tl_real *theta, const tl_real *x, int B,
                        tl_model_ws_t *ws) {
  cnn_tensors_t t;
  tl_model_outs_t o;
  cnn_acts_t a;
  cnn_layout(m, ws->B, &t, &o, &a);
  const tl_model_hyper_t *hp = &m->hp;
  const int n = hp->nlayers;
  const tl_real *in = x;
  int cin = cnn_channels(m);
  for (int i = 0; i < n; i++) {
    const int cout = hp->width[i], len = a.len[i];
    tl_real *pre = tl_ws_at(ws, a.pre[i]), *post = tl_ws_at(ws, a.post[i]);
    tl_real *pooled = tl_ws_at(ws, a.pooled[i]);
    TL_NN_FN(tl_nn_conv1d_forward)(pre, in, theta + t.w[i], theta + t.b[i], B, cin, cout, len,
                                   hp->kernel, 1, tl_ws_at(ws, a.cwork[i]));
    tl_act_forward(hp->act, post, pre, (size_t)B * cout * len);
    TL_NN_FN(tl_nn_meanpool_forward)(pooled, post, B * cout, len, hp->pool);
    in = pooled;
    cin = cout;
  }
  TL_NN_FN(tl_nn_dense_forward)(tl_ws_at(ws, o.logits), in, theta + t.w[n], theta + t.b[n], B,
                                cin * a.len[n], m->C);
}

static void cnn_backward(const tl_model_t *m, const tl_real *theta, tl_real *grad,
                         const tl_real *x, tl_real *dx, int B, tl_model_ws_t *ws) {
  cnn_tensors_t t;
  tl_model_outs_t o;
  cnn_acts_t a;
  cnn_layout(m, ws->B, &t, &o, &a);
  const tl_model_hyper_t *hp = &m->hp;
  const int n = hp->nlayers, cin0 = cnn_channels(m), nlast = hp->width[n - 1] * a.len[n];
  tl_real *g1 = tl_ws_at(ws, a.g1), *g2 = tl_ws_at(ws, a.g2);
  tl_real_zero(g1, (size_t)B * nlast);
  TL_NN_FN(tl_nn_dense_backward)(g1, grad + t.w[n], grad + t.b[n], tl_ws_at(ws, o.dlogits),
                                 tl_ws_at(ws, a.pooled[n - 1]), theta + t.w[n], B, nlast, m->C);
  for (int i = n - 1; i >= 0; i--) { /* g1 holds d pooled[i] */
    const int cout = hp->width[i], len = a.len[i], cin = i ? hp->width[i - 1] : cin0;
    const size_t N = (size_t)B * cout * len;
    tl_real_zero(g2, N);
    TL_NN_FN(tl_nn_meanpool_backward)(g2, g1, B * cout, len, hp->pool);
    tl_real_zero(g1, N);
    tl_act_backward(hp->act, g1, tl_ws_at(ws, a.pre[i]), tl_ws_at(ws, a.post[i]), g2, N);
    if (i) tl_real_zero(g2, (size_t)B * cin * len);
    TL_NN_FN(tl_nn_conv1d_backward)(i ? g2 : NULL, grad + t.w[i], grad + t.b[i], g1,
                                    i ? tl_ws_at(ws, a.pooled[i - 1]) : x, theta + t.w[i], B,
                                    cin, cout, len, hp->kernel, 1, 1, tl_ws_at(ws, a.cwork[i]));
    tl_real *swap = g1; /* d pooled[i-1] is in g2 now */
    g1 = g2;
    g2 = swap;
  }
}

const tl_model_pass_t TL_MODEL_PASSES(cnn) = {cnn_featurise, cnn_forward, cnn_backward};

#ifndef TL_MODEL_DOUBLE /* ---- the rest of the kind, built once ------------------------ */

static void cnn_tensor_list(const tl_model_t *m, tl_model_blocks_t *t) {
  cnn_tensors_t o;
  cnn_tensors(m, t, &o);
}

static void cnn_act_list(const tl_model_t *m, int B, tl_model_blocks_t *a) {
  cnn_acts_t o;
  cnn_acts(m, B, a, &o);
}

static size_t cnn_input_size(const tl_model_t *m) {
  return (size_t)cnn_channels(m) * (size_t)m->L;
}

static void cnn_defaults(tl_model_hyper_t *hp) { hp->width[0] = hp->width[1] = 16; }

static tl_status cnn_validate(const tl_model_hyper_t *hp, int L, tl_error *err) {
  tl_status st = tl_model_check_widths(hp, 1, err);
  if (st) return st;
  if (hp->kernel < 1 || hp->kernel > L)
    return tl_error_set(err, TL_ERR_INPUT, "model cnn: kernel %d (expected 1..L = %d)",
                        hp->kernel, L);
  if (hp->pool < 1)
    return tl_error_set(err, TL_ERR_INPUT, "model cnn: pool %d (expected >= 1)", hp->pool);
  if (cnn_cells_out(hp, L) < 1)
    return tl_error_set(err, TL_ERR_INPUT, "model cnn: pooling by %d over %d layers leaves "
                        "no cells of L = %d", hp->pool, hp->nlayers, L);
  return TL_OK;
}

static int cnn_describe(const tl_model_t *m, char *buf, size_t cap) {
  char w[128];
  tl_model_widths_string(&m->hp, w, sizeof w);
  return snprintf(buf, cap, "%s, channels %s kernel %d pool %d %s, ",
                  tl_model_input_name(m->hp.input), w, m->hp.kernel, m->hp.pool,
                  tl_model_act_name(m->hp.act));
}

static void cnn_init(tl_model_t *m, tl_rng_t *rng) {
  tl_model_blocks_t list;
  cnn_tensors_t t;
  tl_model_blocks_init(&list, 0);
  cnn_tensors(m, &list, &t);
  for (int i = 0; i <= m->hp.nlayers; i++) {
    const tl_model_block_t *w = tl_model_block_at(&list, t.w[i]);
    const int conv = i < m->hp.nlayers;
    tl_model_init_weights(m->params->param + t.w[i], w->size, w->cols,
                          w->rows * (conv ? m->hp.kernel : 1),
                          conv && m->hp.act == TL_ACT_RELU, rng);
  }
}

/* The output layer over channels x pooled cells of the last pooling. */
static void cnn_dense_view(const tl_model_t *m, tl_model_dense_view_t *v) {
  const int len = cnn_cells_out(&m->hp, m->L);
  v->tensor = "out_w";
  v->ax1 = len;
  v->ax0 = m->hp.width[m->hp.nlayers - 1];
  v->states = 0;
  v->stride0 = len;
  v->stride1 = 1;
}

extern const tl_model_pass_f64_t tl_cnn_pass_f64;

const tl_model_kind_t tl_model_kind_cnn = {
    .name = "cnn",
    .help = "1-d convolutions along the chain on the states or hoppings, mean pooling, "
            "a dense output",
    .traits = TL_MODEL_PRUNABLE,
    .hyper = TL_HYPER_WIDTHS | TL_HYPER_ACT | TL_HYPER_KERNEL | TL_HYPER_POOL,
    .inputs = 1u << TL_INPUT_EIGVEC | 1u << TL_INPUT_HOPPING,
    .cost_us = 10,
    .cost_power = 2,
    .defaults = cnn_defaults,
    .validate = cnn_validate,
    .describe = cnn_describe,
    .tensors = cnn_tensor_list,
    .init = cnn_init,
    .input_size = cnn_input_size,
    .input_planes = 1,
    .acts = cnn_act_list,
    .f32 = &tl_cnn_pass_f32,
    .f64 = &tl_cnn_pass_f64,
    .dense_view = cnn_dense_view,
};

#endif /* TL_MODEL_DOUBLE */
