/* Named blocks (kind.h), the workspace layout of every kind and the workspace itself:
 * the generic outputs first (logits, probs, dlogits, W, dW), then the kind's
 * activations. Offsets are in elements, so one layout serves the float and the double
 * workspace. */
#include <stdio.h>
#include <string.h>

#include "models/kind.h"

void tl_model_blocks_init(tl_model_blocks_t *b, size_t start) {
  b->n = 0;
  b->total = start;
}

static size_t add_block(tl_model_blocks_t *b, const char *name, int layer, int rows, int cols,
                        size_t size) {
  const size_t at = b->total;
  if (b->n < TL_MODEL_MAX_BLOCKS) /* a kind stays below the bound: checked in its tests */
    b->block[b->n++] = (tl_model_block_t){name, layer, rows, cols, at, size};
  b->total += size;
  return at;
}

size_t tl_model_add_tensor(tl_model_blocks_t *b, const char *name, int layer, int rows, int cols) {
  return add_block(b, name, layer, rows, cols, (size_t)rows * (size_t)cols);
}

size_t tl_model_add_act(tl_model_blocks_t *b, const char *name, int layer, size_t size) {
  return add_block(b, name, layer, 0, 0, size);
}

const tl_model_block_t *tl_model_block_at(const tl_model_blocks_t *b, size_t offset) {
  for (int i = 0; i < b->n; i++)
    if (b->block[i].offset == offset && b->block[i].size) return &b->block[i];
  return NULL;
}

void tl_model_block_name(const tl_model_block_t *blk, char *buf, size_t cap) {
  if (blk->layer > 0) snprintf(buf, cap, blk->name, blk->layer);
  else snprintf(buf, cap, "%s", blk->name);
}

void tl_model_outs(const tl_model_t *m, int B, tl_model_blocks_t *a, tl_model_outs_t *o) {
  const size_t b = (size_t)B, BC = b * (size_t)m->C;
  tl_model_blocks_init(a, 0);
  o->logits = tl_model_add_act(a, "logits", 0, BC);
  o->probs = tl_model_add_act(a, "probs", 0, BC);
  o->dlogits = tl_model_add_act(a, "dlogits", 0, BC);
  o->W = tl_model_add_act(a, "W", 0, b);   /* W-head kinds */
  o->dW = tl_model_add_act(a, "dW", 0, b);
}

void tl_model_layout(const tl_model_t *m, int B, tl_model_blocks_t *a) {
  tl_model_outs_t o;
  tl_model_outs(m, B, a, &o);
  m->hp.kind->acts(m, B, a);
}

size_t tl_model_input_size(const tl_model_t *m, int B) {
  return (size_t)B * m->hp.kind->input_size(m);
}

tl_status tl_model_ws_new(tl_model_ws_t **out, const tl_model_t *m, int B, size_t elem,
                          tl_error *err) {
  *out = NULL;
  if (B <= 0) return tl_error_set(err, TL_ERR_INPUT, "batch size %d (expected >= 1)", B);
  if (elem != sizeof(float) && elem != sizeof(double))
    return tl_error_set(err, TL_ERR_INTERNAL, "workspace element size %zu", elem);
  tl_model_blocks_t lay;
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
