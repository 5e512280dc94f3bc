/* src/models/kinds/sym.c — sym, a local network on Q_AB (SPEC 3).
 *
 * One cell network, shared by every bulk cell n, reads the band of Q_AB around the cell,
 * q[n, n+d] for |d| <= band (2 band + 1 features; zero outside an open chain; under PBC
 * wrapped, and only where d is the minimal image, so a band >= L/2 sees every site
 * once): dense (sym_hidden units), hp.act, dense to one number w_loc(n). W is the mean
 * of w_loc over the bulk cells, then the nearest-integer head (pass.c). Its parameters
 * do not depend on L, so it runs at any chain length (tl_model_resize). Tensors w1
 * (H x 2D+1), b1 (H), w2 (1 x H), b2 (1), then the head's log_beta.
 *   random       Xavier uniform w1, w2; biases 0
 *   exact        (activation square, H >= 2D+1) hidden unit k reads feature d = k - D
 *                with weight 1, output weight -d, biases 0: w_loc(n) = sum_d -d
 *                q[n,n+d]^2, the local marker of SPEC 1.4
 *   exact+noise  those plus the relative noise of model.h (w1, w2)
 * Built once per precision (see models/real.h). */
#include <math.h>
#include <stdio.h>

#include "models/real.h"

/* ---- layout and passes (float and double) ------------------------------------------- */

typedef struct {
  size_t w1, b1, w2, b2;
} sym_tensors_t;
typedef struct { /* rows = B * bulk cells */
  size_t h_pre, h_act, wloc, dwloc, dh_act, dh_pre;
} sym_acts_t;

static int sym_features(const tl_model_t *m) { return 2 * m->hp.band + 1; }

static void sym_tensors(const tl_model_t *m, tl_model_blocks_t *t, sym_tensors_t *o) {
  const int H = m->hp.sym_hidden;
  o->w1 = tl_model_add_tensor(t, "w1", 0, H, sym_features(m));
  o->b1 = tl_model_add_tensor(t, "b1", 0, H, 1);
  o->w2 = tl_model_add_tensor(t, "w2", 0, 1, H);
  o->b2 = tl_model_add_tensor(t, "b2", 0, 1, 1);
}

static void sym_acts(const tl_model_t *m, int B, tl_model_blocks_t *a, sym_acts_t *o) {
  const size_t rows = (size_t)B * m->bulk_cells, H = (size_t)m->hp.sym_hidden;
  o->h_pre = tl_model_add_act(a, "pre", 1, rows * H);
  o->h_act = tl_model_add_act(a, "post", 1, rows * H);
  o->wloc = tl_model_add_act(a, "wloc", 0, rows);
  o->dwloc = tl_model_add_act(a, "dwloc", 0, rows);
  o->dh_act = tl_model_add_act(a, "dpost", 1, rows * H);
  o->dh_pre = tl_model_add_act(a, "dpre", 1, rows * H);
}

static void sym_layout(const tl_model_t *m, int B, sym_tensors_t *t, tl_model_outs_t *o,
                       sym_acts_t *a) {
  tl_model_blocks_t params, acts;
  tl_model_blocks_init(&params, 0);
  sym_tensors(m, &params, t);
  tl_model_outs(m, B, &acts, o);
  sym_acts(m, B, &acts, a);
}

/* x: (B, bulk cells, 2D+1), q[n, n+d] at d + D. */
static void sym_featurise(const tl_model_t *m, const tl_samples_t *s, const int *idx, int B,
                          const signed char *flips, tl_real *x) {
  const int L = m->L, D = m->hp.band, F = 2 * D + 1, pbc = m->hp.boundary == TL_PBC;
  for (int bi = 0; bi < B; bi++) {
    tl_real *f = x + (size_t)bi * m->bulk_cells * F;
    for (int c = 0; c < m->bulk_cells; c++) {
      const int n = m->bulk_start + c;
      for (int d = -D; d <= D; d++) {
        int mm = n + d, in = mm >= 0 && mm < L;
        if (pbc) {
          mm = ((mm % L) + L) % L;
          in = tl_model_distance(m, n, mm) == d;
        }
        f[(size_t)c * F + d + D] = in ? (tl_real)tl_samples_qab(s, idx[bi], n, mm) : 0;
      }
    }
  }
}

/* The cell network on every (sample, bulk cell) row, then W = the bulk mean. */
static void sym_forward(const tl_model_t *m, const tl_real *theta, const tl_real *x, int B,
                        tl_model_ws_t *ws) {
  sym_tensors_t t;
  tl_model_outs_t o;
  sym_acts_t a;
  sym_layout(m, ws->B, &t, &o, &a);
  const int F = sym_features(m), H = m->hp.sym_hidden, Lb = m->bulk_cells, rows = B * Lb;
  tl_real *h_pre = tl_ws_at(ws, a.h_pre), *h_act = tl_ws_at(ws, a.h_act);
  tl_real *wl = tl_ws_at(ws, a.wloc), *W = tl_ws_at(ws, o.W);
  TL_NN_FN(tl_nn_dense_forward)(h_pre, x, theta + t.w1, theta + t.b1, rows, F, H);
  tl_act_forward(m->hp.act, h_act, h_pre, (size_t)rows * H);
  TL_NN_FN(tl_nn_dense_forward)(wl, h_act, theta + t.w2, theta + t.b2, rows, H, 1);
  for (int b = 0; b < B; b++) { /* bulk average, summed in double like the RSWN */
    double s = 0;
    for (int c = 0; c < Lb; c++) s += wl[(size_t)b * Lb + c];
    W[b] = (tl_real)(s / Lb);
  }
}

static void sym_backward(const tl_model_t *m, const tl_real *theta, tl_real *grad,
                         const tl_real *x, tl_real *dx, int B, tl_model_ws_t *ws) {
  sym_tensors_t t;
  tl_model_outs_t o;
  sym_acts_t a;
  sym_layout(m, ws->B, &t, &o, &a);
  const int F = sym_features(m), H = m->hp.sym_hidden, Lb = m->bulk_cells, rows = B * Lb;
  const size_t RH = (size_t)rows * H;
  const tl_real *dW = tl_ws_at(ws, o.dW);
  tl_real *dwl = tl_ws_at(ws, a.dwloc), *dh_act = tl_ws_at(ws, a.dh_act);
  tl_real *dh_pre = tl_ws_at(ws, a.dh_pre);
  for (int b = 0; b < B; b++)
    for (int c = 0; c < Lb; c++) dwl[(size_t)b * Lb + c] = dW[b] / Lb;
  tl_real_zero(dh_act, RH);
  TL_NN_FN(tl_nn_dense_backward)(dh_act, grad + t.w2, grad + t.b2, dwl, tl_ws_at(ws, a.h_act),
                                 theta + t.w2, rows, H, 1);
  tl_real_zero(dh_pre, RH);
  tl_act_backward(m->hp.act, dh_pre, tl_ws_at(ws, a.h_pre), tl_ws_at(ws, a.h_act), dh_act, RH);
  TL_NN_FN(tl_nn_dense_backward)(NULL, grad + t.w1, grad + t.b1, dh_pre, x, theta + t.w1,
                                 rows, F, H);
}

const tl_model_pass_t TL_MODEL_PASSES(sym) = {sym_featurise, sym_forward, sym_backward};

#ifndef TL_MODEL_DOUBLE /* ---- the rest of the kind, built once ------------------------ */

static sym_tensors_t sym_tensors_of(const tl_model_t *m) {
  tl_model_blocks_t list;
  sym_tensors_t t;
  tl_model_blocks_init(&list, 0);
  sym_tensors(m, &list, &t);
  return t;
}

static void sym_tensor_list(const tl_model_t *m, tl_model_blocks_t *t) {
  sym_tensors_t o;
  sym_tensors(m, t, &o);
}

static void sym_act_list(const tl_model_t *m, int B, tl_model_blocks_t *a) {
  sym_acts_t o;
  sym_acts(m, B, a, &o);
}

static size_t sym_input_size(const tl_model_t *m) {
  return (size_t)m->bulk_cells * (size_t)sym_features(m);
}

static void sym_defaults(tl_model_hyper_t *hp) {
  hp->input = TL_INPUT_QAB;
  hp->act = TL_ACT_SQUARE;
}

static tl_status sym_validate(const tl_model_hyper_t *hp, int L, tl_error *err) {
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
}

/* The band covers the chain: the marker is then exactly representable. */
static void sym_fit_length(tl_model_hyper_t *hp, int L) {
  hp->act = TL_ACT_SQUARE;
  hp->band = L - 1;
  hp->sym_hidden = 2 * hp->band + 1;
}

static void sym_implied(tl_model_hyper_t *hp) {
  if (hp->init == TL_INIT_EXACT && hp->act != TL_ACT_SQUARE) hp->act = TL_ACT_SQUARE;
}

static int sym_describe(const tl_model_t *m, char *buf, size_t cap) {
  return snprintf(buf, cap, "band %d, hidden %d %s, ", m->hp.band, m->hp.sym_hidden,
                  tl_model_act_name(m->hp.act));
}

static void sym_init(tl_model_t *m, tl_rng_t *rng) {
  const sym_tensors_t t = sym_tensors_of(m);
  const int F = sym_features(m), H = m->hp.sym_hidden, D = m->hp.band;
  float *w1 = m->params->param + t.w1, *w2 = m->params->param + t.w2;
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
    tl_model_add_noise(w1, (size_t)H * F, m->hp.init_sigma, rng);
    tl_model_add_noise(w2, (size_t)H, m->hp.init_sigma, rng);
  }
}

/* With the square activation the cell network computes x^T M x + (linear) + const with
 * M = sum_h w2_h w1_h w1_h^T over its hidden units; the exact marker is M = diag(-d),
 * d = -D..D. The cosine of M with it is blind to the order and scale of the hidden
 * units, the sym network's gauge. No lambda: cos_lambda stays NaN. */
static void sym_cosines(const tl_model_t *m, double *cos_lambda, double *cos_K) {
  if (m->hp.act != TL_ACT_SQUARE) return;
  const sym_tensors_t t = sym_tensors_of(m);
  const int H = m->hp.sym_hidden, F = sym_features(m), D = (F - 1) / 2;
  const float *w1 = m->params->param + t.w1, *w2 = m->params->param + t.w2;
  double dot = 0, mm = 0, ee = 0;
  for (int a = 0; a < F; a++)
    for (int b = 0; b < F; b++) {
      double M = 0;
      for (int h = 0; h < H; h++) M += (double)w2[h] * w1[(size_t)h * F + a] * w1[(size_t)h * F + b];
      const double e = a == b ? -(double)(a - D) : 0.0;
      dot += M * e;
      mm += M * M;
      ee += e * e;
    }
  *cos_K = mm > 0 && ee > 0 ? dot / sqrt(mm * ee) : 0;
}

extern const tl_model_pass_f64_t tl_sym_pass_f64;

const tl_model_kind_t tl_model_kind_sym = {
    .name = "sym",
    .help = "one cell network on the band of Q_AB around each bulk cell, averaged, "
            "nearest-integer head; any L",
    .traits = TL_MODEL_W_HEAD | TL_MODEL_SIZE_INDEPENDENT | TL_MODEL_EXACT_INIT |
              TL_MODEL_USES_BOUNDARY,
    .hyper = TL_HYPER_ACT | TL_HYPER_BAND | TL_HYPER_SYM_HIDDEN,
    .inputs = 1u << TL_INPUT_QAB,
    .cost_us = 6,
    .cost_power = 3,
    .defaults = sym_defaults,
    .validate = sym_validate,
    .fit_length = sym_fit_length,
    .implied = sym_implied,
    .describe = sym_describe,
    .tensors = sym_tensor_list,
    .init = sym_init,
    .input_size = sym_input_size,
    .input_planes = 1,
    .acts = sym_act_list,
    .f32 = &tl_sym_pass_f32,
    .f64 = &tl_sym_pass_f64,
    .exact_cosines = sym_cosines,
};

#endif /* TL_MODEL_DOUBLE */
