/* What a network uses (SPEC 4, C4): SVD of the first dense layer of a trained mlp or
 * cnn, accuracy after keeping the top-k singular values, and where the top right-
 * singular vectors put their weight over both input axes — edge cells against their
 * uniform share, the two lowest-energy (edge) states against theirs. The measure can
 * show either answer: a proxy reading bulk states (e.g. the sign-gauge convention) or
 * one reading edge modes. */
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "models/kind.h"
#include "topolearn/train.h"

/* The kind's first dense layer (kind.h: which tensor, and the two axes of its input,
 * rows x cols of the heat map) and the weight's shape. */
typedef struct {
  tl_model_dense_view_t v;
  int tensor, rows, cols;   /* rows/cols of the weight: out x in */
} layer_view;

static tl_status first_dense(const tl_model_t *m, layer_view *lv, tl_error *err) {
  memset(lv, 0, sizeof *lv);
  if (!tl_model_has(m, TL_MODEL_PRUNABLE)) {
    char list[64];
    tl_model_kind_list(list, sizeof list, " or ", TL_MODEL_PRUNABLE);
    return tl_error_set(err, TL_ERR_INPUT, "a %s model has no dense layer to prune (expected %s)",
                        tl_model_kind_name(m->hp.kind), list);
  }
  m->hp.kind->dense_view(m, &lv->v);
  lv->tensor = tl_nn_params_find(m->params, lv->v.tensor);
  if (lv->tensor < 0)
    return tl_error_set(err, TL_ERR_INTERNAL, "prune: no tensor %s", lv->v.tensor);
  lv->rows = m->params->tensor[lv->tensor].rows;
  lv->cols = m->params->tensor[lv->tensor].cols;
  return TL_OK;
}

/* Weight of input i of a right-singular vector on the heat-map cell (a0, a1). */
static void heat(const layer_view *lv, const double *v, double *hm) {
  const tl_model_dense_view_t *d = &lv->v;
  memset(hm, 0, (size_t)d->ax0 * d->ax1 * sizeof *hm);
  for (int i = 0; i < lv->cols; i++) {
    const int a0 = (i / d->stride0) % d->ax0, a1 = (i / d->stride1) % d->ax1;
    hm[(size_t)a0 * d->ax1 + a1] += v[i] * v[i];
  }
}

/* w (R x C) = the top-k part of its SVD U diag(sv) VT. At full rank the original
 * weights are the reconstruction up to round-off; using them makes full rank equal the
 * unpruned model exactly. */
static void keep_top(float *w, const float *orig, const double *U, const double *sv,
                     const double *VT, int R, int C, int K, int k) {
  if (k >= K) {
    memcpy(w, orig, (size_t)R * C * sizeof *w);
    return;
  }
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++) {
      double x = 0;
      for (int q = 0; q < k; q++) x += U[(size_t)i * K + q] * sv[q] * VT[(size_t)q * C + j];
      w[(size_t)i * C + j] = (float)x;
    }
}

/* The accuracies at each k of the curve: 1, 2, 4, ... and K last. */
static tl_status curve(tl_model_t *m, float *w, const float *orig, const double *U,
                       const double *VT, const tl_samples_t *const *sets, int nsets,
                       const tl_eval_opts_t *eo, tl_prune_t *p, tl_error *err) {
  const int K = p->K;
  tl_status st = TL_OK;
  for (int k = 1; !st && p->npoints < TL_PRUNE_MAX_POINTS; k = k * 2 > K && k < K ? K : k * 2) {
    keep_top(w, orig, U, p->sigma, VT, p->rows, p->cols, K, k);
    p->k[p->npoints] = k;
    for (int s = 0; !st && s < nsets; s++) {
      tl_eval_t r;
      if (!(st = tl_model_eval(m, sets[s], eo, NULL, NULL, &r, err))) {
        p->acc[s][p->npoints] = r.accuracy;
        tl_eval_free(&r);
      }
    }
    p->npoints++;
    if (k == K) break;
  }
  memcpy(w, orig, (size_t)p->rows * p->cols * sizeof *w);
  if (st) return st;
  /* smallest k within 1% of the full accuracy on set 0 (K itself if none before) */
  const double full = p->acc[0][p->npoints - 1];
  p->k_needed = K;
  for (int q = 0; q < p->npoints; q++)
    if (p->acc[0][q] >= 0.99 * full) {
      p->k_needed = p->k[q];
      break;
    }
  return TL_OK;
}

/* Where the top vectors put their weight: edge cells and the two lowest states. */
static void vectors(const layer_view *lv, const double *VT, int e, tl_prune_t *p) {
  const tl_model_dense_view_t *d = &lv->v;
  const size_t cells = (size_t)d->ax0 * d->ax1;
  p->edge_uniform = 2.0 * e / d->ax1;
  p->lowstate_uniform = d->states ? 2.0 / d->ax0 : NAN;
  for (int q = 0; q < p->nvec; q++) {
    double *hm = p->heat + (size_t)q * cells;
    heat(lv, VT + (size_t)q * lv->cols, hm);
    double tot = 0, edge = 0, low = 0;
    for (int a0 = 0; a0 < d->ax0; a0++)
      for (int a1 = 0; a1 < d->ax1; a1++) {
        double x = hm[(size_t)a0 * d->ax1 + a1];
        tot += x;
        if (a1 < e || a1 >= d->ax1 - e) edge += x;
        if (d->states && a0 < 2) low += x;
      }
    p->heat_total[q] = tot;
    p->edge_frac[q] = edge / tot;
    p->lowstate_frac[q] = d->states ? low / tot : NAN;
  }
}

tl_status tl_model_prune(tl_model_t *m, const tl_samples_t *const *sets, int nsets,
                         const tl_eval_opts_t *eo, int edge_cells, tl_prune_t *out,
                         tl_error *err) {
  memset(out, 0, sizeof *out);
  if (nsets < 1 || nsets > TL_PRUNE_MAX_SETS)
    return tl_error_set(err, TL_ERR_INPUT, "pruning on %d sample sets (expected 1..%d)", nsets,
                        TL_PRUNE_MAX_SETS);
  layer_view lv;
  tl_status st = first_dense(m, &lv, err);
  if (st) return st;
  if (edge_cells < 0 || 2 * edge_cells > lv.v.ax1)
    return tl_error_set(err, TL_ERR_INPUT, "edge cells: %d at each end of %d (expected 0..%d)",
                        edge_cells, lv.v.ax1, lv.v.ax1 / 2);
  tl_eval_opts_t defaults;
  tl_eval_opts_default(&defaults);
  const int R = lv.rows, C = lv.cols, K = R < C ? R : C;
  out->rows = R, out->cols = C, out->K = K;
  out->nvec = K < TL_PRUNE_VECTORS ? K : TL_PRUNE_VECTORS;
  out->ax0 = lv.v.ax0, out->ax1 = lv.v.ax1, out->states = lv.v.states;
  float *w = m->params->param + m->params->tensor[lv.tensor].offset;
  float *orig = tl_malloc((size_t)R * C * sizeof *orig);
  double *a = tl_malloc((size_t)R * C * sizeof *a);
  double *U = tl_malloc((size_t)R * K * sizeof *U), *VT = tl_malloc((size_t)K * C * sizeof *VT);
  out->sigma = tl_malloc((size_t)K * sizeof *out->sigma);
  out->heat = tl_malloc((size_t)out->nvec * lv.v.ax0 * lv.v.ax1 * sizeof *out->heat);
  if (!orig || !a || !U || !VT || !out->sigma || !out->heat)
    st = tl_error_set(err, TL_ERR_NOMEM, "out of memory in prune");
  if (!st) {
    memcpy(orig, w, (size_t)R * C * sizeof *w);
    for (size_t i = 0; i < (size_t)R * C; i++) a[i] = orig[i];
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', R, C, a, C, out->sigma, U, K, VT, C);
    if (info) st = tl_error_set(err, TL_ERR_NUMERIC, "prune: dgesdd failed (info %d)", (int)info);
  }
  if (!st) st = curve(m, w, orig, U, VT, sets, nsets, eo ? eo : &defaults, out, err);
  if (!st) vectors(&lv, VT, edge_cells, out);
  tl_free(orig);
  tl_free(a);
  tl_free(U);
  tl_free(VT);
  if (st) tl_prune_free(out);
  return st;
}

void tl_prune_free(tl_prune_t *p) {
  if (!p) return;
  tl_free(p->sigma);
  tl_free(p->heat);
  p->sigma = NULL;
  p->heat = NULL;
}
