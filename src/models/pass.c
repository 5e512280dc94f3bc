/* The passes of every kind (model.h): the kind's featurise, forward and backward in this
 * precision, the nearest-integer head of the W-head kinds, and the losses. Built once
 * per precision, like the kinds (see models/real.h); the functions are declared for
 * both precisions in model.h. */
#include "models/real.h"

static const tl_model_pass_t *pass_of(const tl_model_t *m) {
#ifdef TL_MODEL_DOUBLE
  return m->hp.kind->f64;
#else
  return m->hp.kind->f32;
#endif
}

static tl_model_outs_t outs_of(const tl_model_t *m, const tl_model_ws_t *ws) {
  tl_model_blocks_t a;
  tl_model_outs_t o;
  tl_model_outs(m, ws->B, &a, &o);
  return o;
}

void TL_MODEL_FN(tl_model_featurise)(const tl_model_t *m, const tl_samples_t *s,
                                     const int *idx, int B, const signed char *flips,
                                     tl_real *x) {
  pass_of(m)->featurise(m, s, idx, B, flips, x);
}

tl_real *TL_MODEL_FN(tl_model_logits)(const tl_model_t *m, tl_model_ws_t *ws) {
  return tl_ws_at(ws, outs_of(m, ws).logits);
}
tl_real *TL_MODEL_FN(tl_model_W)(const tl_model_t *m, tl_model_ws_t *ws) {
  return tl_ws_at(ws, outs_of(m, ws).W);
}
tl_real *TL_MODEL_FN(tl_model_dlogits)(const tl_model_t *m, tl_model_ws_t *ws) {
  return tl_ws_at(ws, outs_of(m, ws).dlogits);
}

/* A W-head kind's forward ends at W; the head, shared by those kinds, maps W to the
 * logits with its sharpness log_beta (the last tensor). */
void TL_MODEL_FN(tl_model_forward)(const tl_model_t *m, const tl_real *theta,
                                   const tl_real *x, int B, tl_model_ws_t *ws) {
  pass_of(m)->forward(m, theta, x, B, ws);
  if (tl_model_has(m, TL_MODEL_W_HEAD)) {
    const tl_model_outs_t o = outs_of(m, ws);
    TL_NN_FN(tl_nn_head_forward)(tl_ws_at(ws, o.logits), tl_ws_at(ws, o.W),
                                 theta + tl_model_head_offset(m), B, m->hp.cmin, m->hp.cmax);
  }
}

void TL_MODEL_FN(tl_model_loss)(const tl_model_t *m, tl_model_ws_t *ws, int B,
                                tl_real *loss) {
  const tl_model_outs_t o = outs_of(m, ws);
  tl_real *probs = tl_ws_at(ws, o.probs), *dlogits = tl_ws_at(ws, o.dlogits);
  TL_NN_FN(tl_nn_xent_forward)(loss, probs, tl_ws_at(ws, o.logits), ws->labels, B, m->C);
  tl_real_zero(dlogits, (size_t)B * m->C);
  TL_NN_FN(tl_nn_xent_backward)(dlogits, probs, ws->labels, B, m->C, 1);
  ws->dout = TL_MODEL_OUT_LOGITS;
}

void TL_MODEL_FN(tl_model_loss_w)(const tl_model_t *m, tl_model_ws_t *ws, int B,
                                  tl_real *loss) {
  const tl_model_outs_t o = outs_of(m, ws);
  const tl_real *W = tl_ws_at(ws, o.W);
  tl_real *dW = tl_ws_at(ws, o.dW);
  double s = 0; /* summed in double, as the losses in nn */
  for (int b = 0; b < B; b++) {
    const double d = (double)W[b] - ws->wtarget[b];
    s += d * d;
    dW[b] = (tl_real)(2 * d / B);
  }
  *loss = (tl_real)(s / B);
  ws->dout = TL_MODEL_OUT_W;
}

/* After the cross-entropy a W-head kind goes back through the head first; after the W
 * loss it starts at dW, and the head gets no gradient. */
void TL_MODEL_FN(tl_model_backward)(const tl_model_t *m, const tl_real *theta,
                                    tl_real *grad, const tl_real *x, tl_real *dx, int B,
                                    tl_model_ws_t *ws) {
  if (tl_model_has(m, TL_MODEL_W_HEAD) && ws->dout == TL_MODEL_OUT_LOGITS) {
    const tl_model_outs_t o = outs_of(m, ws);
    const size_t h = tl_model_head_offset(m);
    tl_real *dW = tl_ws_at(ws, o.dW);
    tl_real_zero(dW, (size_t)B);
    TL_NN_FN(tl_nn_head_backward)(dW, grad + h, tl_ws_at(ws, o.dlogits), tl_ws_at(ws, o.W),
                                  theta + h, B, m->hp.cmin, m->hp.cmax);
  }
  pass_of(m)->backward(m, theta, grad, x, dx, B, ws);
}
