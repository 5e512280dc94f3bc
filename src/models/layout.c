/* Workspace layout of each model kind (see layout.h) and the workspace itself. */
#include <string.h>

#include "models/layout.h"

int tl_model_sym_features(const tl_model_t *m) { return 2 * m->hp.band + 1; }

int tl_model_cnn_channels(const tl_model_t *m) {
  return m->hp.input == TL_INPUT_HOPPING ? m->R : 2 * m->L;
}

int tl_model_mlp_inputs(const tl_model_t *m) {
  switch (m->hp.input) {
    case TL_INPUT_HOPPING: return m->L * m->R;
    case TL_INPUT_QAB: return m->L * m->L;
    default: return 2 * m->L * m->L;
  }
}

size_t tl_model_input_size(const tl_model_t *m, int B) {
  const size_t b = (size_t)B, L = (size_t)m->L;
  switch (m->hp.kind) {
    case TL_MODEL_TOPO: return 2 * b * L * L; /* a block, then b block */
    case TL_MODEL_SYM: return b * (size_t)m->bulk_cells * (size_t)tl_model_sym_features(m);
    case TL_MODEL_MLP: return b * (size_t)tl_model_mlp_inputs(m);
    case TL_MODEL_CNN: return b * (size_t)tl_model_cnn_channels(m) * L;
  }
  return 0;
}

void tl_model_input_planes(const tl_model_t *m, int *planes, size_t *per) {
  *planes = m->hp.kind == TL_MODEL_TOPO ? 2 : 1;
  *per = tl_model_input_size(m, 1) / (size_t)*planes;
}

void tl_model_layout(const tl_model_t *m, int B, tl_model_layout_t *lay) {
  memset(lay, 0, sizeof *lay);
  size_t at = 0;
#define TAKE(field, n) (lay->field = at, at += (size_t)(n))
  const size_t b = (size_t)B, BC = b * (size_t)m->C, L = (size_t)m->L;
  TAKE(logits, BC);
  TAKE(probs, BC);
  TAKE(dlogits, BC);
  TAKE(W, b);
  TAKE(dW, b);
  const tl_model_hyper_t *hp = &m->hp;
  if (hp->kind == TL_MODEL_TOPO) {
    TAKE(Q, b * L * L);
    TAKE(work, tl_nn_topo_work_size(m->L, m->L));
  } else if (hp->kind == TL_MODEL_SYM) {
    const size_t rows = b * (size_t)m->bulk_cells, H = (size_t)hp->sym_hidden;
    TAKE(h_pre, rows * H);
    TAKE(h_act, rows * H);
    TAKE(wloc, rows);
    TAKE(dwloc, rows);
    TAKE(dh_act, rows * H);
    TAKE(dh_pre, rows * H);
  } else if (hp->kind == TL_MODEL_MLP) {
    size_t widest = 0;
    for (int i = 0; i < hp->nlayers; i++) {
      const size_t n = b * (size_t)hp->width[i];
      TAKE(pre[i], n);
      TAKE(post[i], n);
      if (n > widest) widest = n;
    }
    TAKE(g1, widest);
    TAKE(g2, widest);
  } else { /* cnn */
    size_t widest = 0;
    int len = m->L, cin = tl_model_cnn_channels(m);
    for (int i = 0; i < hp->nlayers; i++) {
      const size_t n = b * (size_t)hp->width[i] * (size_t)len;
      lay->len[i] = len;
      TAKE(pre[i], n);
      TAKE(post[i], n);
      TAKE(cwork[i], tl_nn_conv1d_work_size(B, cin, hp->width[i], len, hp->kernel, 1));
      if (n > widest) widest = n;
      cin = hp->width[i];
      len /= hp->pool;
      TAKE(pooled[i], b * (size_t)cin * (size_t)len);
    }
    lay->len[hp->nlayers] = len;
    TAKE(g1, widest);
    TAKE(g2, widest);
  }
#undef TAKE
  lay->total = at;
}

tl_status tl_model_ws_new(tl_model_ws_t **out, const tl_model_t *m, int B, size_t elem,
                          tl_error *err) {
  *out = NULL;
  if (B <= 0) return tl_error_set(err, TL_ERR_INPUT, "batch size %d (expected >= 1)", B);
  if (elem != sizeof(float) && elem != sizeof(double))
    return tl_error_set(err, TL_ERR_INTERNAL, "workspace element size %zu", elem);
  tl_model_layout_t lay;
  tl_model_layout(m, B, &lay);
  tl_model_ws_t *ws = tl_calloc(1, sizeof *ws);
  if (ws) {
    ws->buf = tl_calloc(lay.total, elem);
    ws->labels = tl_calloc((size_t)B, sizeof *ws->labels);
    ws->wtarget = tl_calloc((size_t)B, sizeof *ws->wtarget);
  }
  if (!ws || !ws->buf || !ws->labels || !ws->wtarget) {
    tl_model_ws_free(ws);
    return tl_error_set(err, TL_ERR_NOMEM, "out of memory for a model workspace (batch %d)", B);
  }
  ws->B = B;
  ws->elem = elem;
  *out = ws;
  return TL_OK;
}

void tl_model_ws_free(tl_model_ws_t *ws) {
  if (!ws) return;
  tl_free(ws->buf);
  tl_free(ws->labels);
  tl_free(ws->wtarget);
  tl_free(ws);
}
