/* Evaluation: accuracy, loss, confusion matrix, W error; per-chain predictions. */
#include <math.h>
#include <string.h>

#include "models/eval_core.h"

void tl_eval_opts_default(tl_eval_opts_t *o) {
  memset(o, 0, sizeof *o);
  o->batch = 256;
}

void tl_model_draw_flips(signed char *flips, int L, tl_rng_t *rng) {
  for (int j = 0; j < L; j++) flips[j] = (tl_rng_u32(rng) & 1u) ? -1 : 1;
}

/* Cross-entropy of one row of logits, log-sum-exp shifted by the max (as the op). */
static double xent_row(const float *z, int C, int label) {
  float zmax = z[0];
  for (int c = 1; c < C; c++)
    if (z[c] > zmax) zmax = z[c];
  double s = 0;
  for (int c = 0; c < C; c++) s += exp((double)z[c] - zmax);
  return zmax + log(s) - z[label];
}

int tl_model_eval_core(const tl_model_t *m, const tl_samples_t *s, const int *idx, int n,
                       tl_model_ws_t *ws, float *x, signed char *flips, uint64_t gauge_seed,
                       int any_integer, int regress_w, int *pred, double *W, double *loss) {
  const int kindW = tl_model_has(m, TL_MODEL_W_HEAD);
  int correct = 0;
  for (int at = 0; at < n; at += ws->B) {
    const int B = n - at < ws->B ? n - at : ws->B;
    if (flips)
      for (int b = 0; b < B; b++) {
        tl_rng_t rng;
        tl_rng_init(&rng, gauge_seed, (uint64_t)idx[at + b]);
        tl_model_draw_flips(flips + (size_t)b * m->L, m->L, &rng);
      }
    tl_model_featurise_f32(m, s, idx + at, B, flips, x);
    tl_model_forward_f32(m, m->params->param, x, B, ws);
    const float *z = tl_model_logits_f32(m, ws), *w = tl_model_W_f32(m, ws);
    for (int b = 0; b < B; b++) {
      const int i = idx[at + b], label = s->label[i];
      const float *zb = z + (size_t)b * m->C;
      const int p = tl_model_predict_class(m, zb, kindW ? w[b] : 0.0f, any_integer);
      pred[at + b] = p;
      if (W) W[at + b] = kindW ? w[b] : NAN;
      correct += p == label;
      if (regress_w && kindW)
        loss[at + b] = ((double)w[b] - s->W[i]) * ((double)w[b] - s->W[i]);
      else
        loss[at + b] = (label >= m->hp.cmin && label <= m->hp.cmax)
                           ? xent_row(zb, m->C, label - m->hp.cmin) : NAN;
    }
  }
  return correct;
}

void tl_eval_free(tl_eval_t *res) {
  if (!res) return;
  tl_free(res->confusion);
  res->confusion = NULL;
}

tl_status tl_model_eval(const tl_model_t *m, const tl_samples_t *s, const tl_eval_opts_t *o,
                        int *pred_out, double *W_out, tl_eval_t *res, tl_error *err) {
  memset(res, 0, sizeof *res);
  tl_status st0 = tl_model_check_data(m, s, err);
  if (!st0) st0 = tl_samples_validate(s, err);
  if (st0) return st0;
  if (o->batch < 1) return tl_error_set(err, TL_ERR_INPUT, "eval batch %d (expected >= 1)", o->batch);
  const int N = s->N, B = o->batch < N ? o->batch : N;
  tl_model_ws_t *ws = NULL;
  tl_status st = tl_model_ws_new(&ws, m, B, sizeof(float), err);
  if (st) return st;
  int *idx = tl_malloc((size_t)N * sizeof *idx), *pred = tl_malloc((size_t)N * sizeof *pred);
  double *W = tl_malloc((size_t)N * sizeof *W), *loss = tl_malloc((size_t)N * sizeof *loss);
  float *x = tl_malloc(tl_model_input_size(m, B) * sizeof *x);
  signed char *flips = o->gauge_flip ? tl_malloc((size_t)B * m->L) : NULL;
  if (!idx || !pred || !W || !loss || !x || (o->gauge_flip && !flips)) {
    st = tl_error_set(err, TL_ERR_NOMEM, "out of memory evaluating %d chains", N);
    goto done;
  }
  for (int i = 0; i < N; i++) idx[i] = i;
  tl_model_eval_core(m, s, idx, N, ws, x, flips, o->gauge_seed, o->any_integer, 0, pred, W,
                     loss);
  if (pred_out) memcpy(pred_out, pred, (size_t)N * sizeof *pred);
  if (W_out) memcpy(W_out, W, (size_t)N * sizeof *W);
  /* Counted chains: confusion range, accuracy, loss and W error over them only. */
  int first = 1;
  for (int i = 0; i < N; i++) {
    if (s->ambiguous[i] && !o->keep_ambiguous) continue;
    const int lo = s->label[i] < pred[i] ? s->label[i] : pred[i];
    const int hi = s->label[i] > pred[i] ? s->label[i] : pred[i];
    if (first || lo < res->cmin) res->cmin = lo;
    if (first || hi > res->cmax) res->cmax = hi;
    first = 0;
  }
  if (first) {
    st = tl_error_set(err, TL_ERR_INPUT, "data: all %d chains are ambiguous (nothing to "
                      "evaluate; use --keep-ambiguous)", N);
    goto done;
  }
  if (res->cmax - res->cmin > 1000) { /* a diverged W head can predict anything */
    res->cmin = res->cmin < -500 ? -500 : res->cmin;
    res->cmax = res->cmin + 1000;
  }
  const int nc = res->cmax - res->cmin + 1;
  res->confusion = tl_calloc((size_t)nc * nc, sizeof *res->confusion);
  if (!res->confusion) {
    st = tl_error_set(err, TL_ERR_NOMEM, "out of memory for a %d-class confusion matrix", nc);
    goto done;
  }
  const int kindW = tl_model_has(m, TL_MODEL_W_HEAD);
  double ls = 0, wsum = 0, wmax = 0;
  int ln = 0;
  for (int i = 0; i < N; i++) {
    if (s->ambiguous[i] && !o->keep_ambiguous) continue;
    res->n++;
    res->correct += pred[i] == s->label[i];
    const int t = s->label[i] - res->cmin, p = pred[i] - res->cmin;
    if (t >= 0 && t < nc && p >= 0 && p < nc) res->confusion[(size_t)t * nc + p]++;
    if (!isnan(loss[i])) ls += loss[i], ln++;
    if (kindW) {
      const double e = fabs(W[i] - s->W[i]);
      wsum += e;
      wmax = e > wmax || isnan(e) ? e : wmax;
    }
  }
  res->accuracy = (double)res->correct / res->n;
  res->loss = ln ? ls / ln : NAN;
  res->W_mae = kindW ? wsum / res->n : NAN;
  res->W_max = kindW ? wmax : NAN;
done:
  if (st) tl_eval_free(res);
  tl_model_ws_free(ws);
  tl_free(idx), tl_free(pred), tl_free(W), tl_free(loss), tl_free(x), tl_free(flips);
  return st;
}
