/* tests/model_grad_check.h — the gradient check of a whole model, shared by
 * test_model_grad.c (chosen configurations of each kind) and test_model_registry.c (every
 * registered kind).
 *
 * check_model runs the full backward pass (featurised input -> logits -> softmax
 * cross-entropy) in double against central differences of the loss, coordinate by
 * coordinate, for every parameter; with TL_MODEL_INPUT_GRAD also every input entry; a
 * W-head kind also under the W regression loss (W - target)^2. It also runs backward
 * twice and requires exactly twice the gradient (backward accumulates).
 *
 * The double build runs the same source as the float one (src/models/kinds/, built
 * once per precision), so this checks the training code itself. Steps h = cbrt(eps)
 * max(1, |theta|) and TOL_FD_DOUBLE on signed values relative to max(1, |fd|) (the loss
 * is O(1), see test_nn_grad.c). Kinks: tanh and square are smooth; with relu_guard the
 * run asserts that no pre-activation (the workspace blocks named "pre", kind.h) lies
 * within 1e-3 of zero, far beyond what an h ~ 6e-6 step moves it (inputs are O(1)), so
 * no relu switches between the two sides of a difference. The float build then passes
 * a signed directional check on the same models (the relu ones excepted: a float step
 * of ~5e-3 would cross kinks). */
#ifndef TL_TESTS_MODEL_GRAD_CHECK_H
#define TL_TESTS_MODEL_GRAD_CHECK_H

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "models/kind.h"
#include "test_model_util.h"

typedef struct {
  tl_model_t *m;
  tl_model_ws_t *ws;
  double *theta, *x;
  int B, regress; /* regress: the loss is (W - target)^2 (tl_model_loss_w) */
} run_t;

static double loss_at(run_t *r) {
  double loss;
  tl_model_forward_f64(r->m, r->theta, r->x, r->B, r->ws);
  if (r->regress) tl_model_loss_w_f64(r->m, r->ws, r->B, &loss);
  else tl_model_loss_f64(r->m, r->ws, r->B, &loss);
  return loss;
}

/* Smallest |pre-activation| (the "pre" blocks of the workspace) after a forward. */
static double min_abs_pre(run_t *r) {
  tl_model_blocks_t lay;
  tl_model_layout(r->m, r->B, &lay);
  double mn = INFINITY;
  const double *buf = r->ws->buf;
  for (int i = 0; i < lay.n; i++)
    if (!strcmp(lay.block[i].name, "pre"))
      for (size_t k = 0; k < lay.block[i].size; k++)
        mn = fmin(mn, fabs(buf[lay.block[i].offset + k]));
  return mn;
}

/* Forward in double on samples 0..B-1; 1 if every pre-activation is clear of 0. */
static int kink_free(run_t *r, const tl_samples_t *s) {
  int idx[5] = {0, 1, 2, 3, 4};
  double *th = calloc(r->m->params->count, sizeof *th);
  double *x = calloc(tl_model_input_size(r->m, r->B), sizeof *x);
  for (size_t i = 0; i < r->m->params->count; i++) th[i] = r->m->params->param[i];
  tl_model_featurise_f64(r->m, s, idx, r->B, NULL, x);
  tl_model_forward_f64(r->m, th, x, r->B, r->ws);
  free(th), free(x);
  return min_abs_pre(r) > 1e-3;
}

static void fd_check(const char *what, run_t *r, double *x, const double *g, size_t n) {
  char msg[128];
  snprintf(msg, sizeof msg, "%s vs central difference", what);
  for (size_t i = 0; i < n; i++) {
    double x0 = x[i], h = cbrt(DBL_EPSILON) * fmax(1.0, fabs(x0));
    x[i] = x0 + h;
    double fp = loss_at(r), xp = x[i];
    x[i] = x0 - h;
    double fm = loss_at(r), xm = x[i];
    x[i] = x0;
    double fd = (fp - fm) / (xp - xm);
    assert_close(msg, i, g[i], fd, TOL_FD_DOUBLE * fmax(1.0, fabs(fd)));
  }
}

/* The float training build on the same model: a SIGNED directional check (STYLE) along
 * a unit direction d over the whole parameter buffer, h = cbrt(FLT_EPSILON)
 * max(1, max|theta|), TOL_FD_FLOAT relative to max(1, |fd|) (an absolute floor of 1e-3,
 * 5x the float round-off noise of the difference quotient); the negated gradient must
 * fail it. */
static void float_directional(const char *name, tl_model_t *m, const tl_samples_t *s,
                              const int *labels, int B) {
  tl_error err = {0};
  tl_model_ws_t *ws = NULL;
  assert_int_equal(tl_model_ws_new(&ws, m, B, sizeof(float), &err), TL_OK);
  tl_nn_params_t *p = m->params;
  float *x = calloc(tl_model_input_size(m, B), sizeof *x), *d = calloc(p->count, sizeof *d);
  float *theta = calloc(p->count, sizeof *theta);
  int idx[5] = {0, 1, 2, 3, 4};
  memcpy(ws->labels, labels, B * sizeof *labels);
  tl_model_featurise_f32(m, s, idx, B, NULL, x);
  tl_rng_t rng;
  tl_rng_init(&rng, 99, 0);
  tl_nn_init_normal(d, p->count, 0.0, 1.0, &rng);
  float loss, fp, fm;
  tl_nn_params_zero_grad(p);
  tl_model_forward_f32(m, p->param, x, B, ws);
  tl_model_loss_f32(m, ws, B, &loss);
  tl_model_backward_f32(m, p->param, p->grad, x, NULL, B, ws);
  /* d: half a random unit vector, half the unit gradient. A random direction alone
   * in thousands of dimensions is nearly orthogonal to g, and its derivative would sink
   * below the float loss's round-off noise (~1e-6 / h ~ 2e-4); the gradient half keeps
   * g . d ~ |g| / 2, while the random half still probes other directions. */
  double gn = 0, rn = 0, gd = 0, tmax = 1;
  for (size_t i = 0; i < p->count; i++) {
    gn += (double)p->grad[i] * p->grad[i];
    rn += (double)d[i] * d[i];
    tmax = fmax(tmax, fabs(p->param[i]));
  }
  for (size_t i = 0; i < p->count; i++) {
    d[i] = (float)(0.5 * d[i] / sqrt(rn) + 0.5 * p->grad[i] / sqrt(gn));
    gd += (double)p->grad[i] * d[i];
  }
  memcpy(theta, p->param, p->count * sizeof *theta);
  const float h = cbrtf(FLT_EPSILON) * (float)tmax;
  for (size_t i = 0; i < p->count; i++) theta[i] = p->param[i] + h * d[i];
  tl_model_forward_f32(m, theta, x, B, ws);
  tl_model_loss_f32(m, ws, B, &fp);
  for (size_t i = 0; i < p->count; i++) theta[i] = p->param[i] - h * d[i];
  tl_model_forward_f32(m, theta, x, B, ws);
  tl_model_loss_f32(m, ws, B, &fm);
  double fd = ((double)fp - fm) / (2.0 * h), tol = TOL_FD_FLOAT * fmax(1.0, fabs(fd));
  char what[128];
  snprintf(what, sizeof what, "%s: float grad . d vs central difference", name);
  print_message("%s: float g.d %.6f, fd %.6f, |diff|/tol %.2f\n", name, gd, fd, fabs(gd - fd) / tol);
  assert_close(what, 0, gd, fd, tol);
  if (!(fabs(fd) > 10 * tol) || !(fabs(-gd - fd) > tol))
    fail_msg("%s: directional derivative %g too small to tell a sign error", name, fd);
  free(x), free(d), free(theta);
  tl_model_ws_free(ws);
}

static void check_model_loss(const char *name, const tl_model_hyper_t *hp,
                             const tl_samples_t *s, int relu_guard, int regress) {
  const int B = 5, L = s->L;
  run_t r = {.B = B, .regress = regress};
  tl_error err = {0};
  /* relu: the first model seed whose pre-activations all keep clear of the kink */
  for (uint64_t seed = 7;; seed++) {
    r.m = make_model(hp, L, seed);
    assert_int_equal(tl_model_ws_new(&r.ws, r.m, B, sizeof(double), &err), TL_OK);
    if (!relu_guard || seed == 40 || kink_free(&r, s)) break;
    tl_model_ws_free(r.ws);
    tl_model_free(r.m);
  }
  const size_t P = r.m->params->count, X = tl_model_input_size(r.m, B);
  r.theta = calloc(P, sizeof(double));
  r.x = calloc(X, sizeof(double));
  double *g = calloc(P, sizeof(double)), *g2 = calloc(P, sizeof(double));
  double *dx = calloc(X, sizeof(double)), *dx2 = calloc(X, sizeof(double));
  for (size_t i = 0; i < P; i++) r.theta[i] = r.m->params->param[i];
  int idx[5] = {0, 1, 2, 3, 4};
  tl_model_featurise_f64(r.m, s, idx, B, NULL, r.x);
  for (int b = 0; b < B; b++) { /* labels inside the class range, some "wrong" */
    int c = s->label[idx[b]] - r.m->hp.cmin + (b == 2);
    r.ws->labels[b] = c < r.m->C ? c : 0;
    r.ws->wtarget[b] = s->W[idx[b]] + 0.3 * (b - 2); /* targets off the model's W */
  }
  double loss = loss_at(&r);
  assert_true(isfinite(loss) && loss > 1e-3); /* a non-trivial loss has gradients */
  if (relu_guard) assert_true(min_abs_pre(&r) > 1e-3);
  const int topo = tl_model_kind_has(hp->kind, TL_MODEL_INPUT_GRAD); /* dx checked too */
  tl_model_backward_f64(r.m, r.theta, g, r.x, topo ? dx : NULL, B, r.ws);
  memcpy(g2, g, P * sizeof *g);
  memcpy(dx2, dx, X * sizeof *dx);
  tl_model_backward_f64(r.m, r.theta, g2, r.x, topo ? dx2 : NULL, B, r.ws);
  char what[96];
  snprintf(what, sizeof what, "%s: gradient after two backward passes = 2 x one", name);
  for (size_t i = 0; i < P; i++) assert_close(what, i, g2[i], 2 * g[i], 0.0);
  for (size_t i = 0; i < X; i++) assert_close(what, i, dx2[i], 2 * dx[i], 0.0);
  for (int t = 0; t < r.m->params->ntensors; t++) {
    const tl_nn_tensor_t *tt = &r.m->params->tensor[t];
    snprintf(what, sizeof what, "%s: d loss / d %s", name, tt->name);
    fd_check(what, &r, r.theta + tt->offset, g + tt->offset, tt->size);
  }
  if (topo) {
    snprintf(what, sizeof what, "%s: d loss / d input amplitudes", name);
    fd_check(what, &r, r.x, dx, X);
  }
  if (regress) { /* the head is not in a W loss: its gradient is exactly zero */
    const tl_nn_tensor_t *hb = &r.m->params->tensor[tl_nn_params_find(r.m->params, "log_beta")];
    assert_true(g[hb->offset] == 0.0);
  }
  if (!relu_guard && !regress) float_directional(name, r.m, s, r.ws->labels, B);
  free(r.theta), free(r.x), free(g), free(g2), free(dx), free(dx2);
  tl_model_ws_free(r.ws);
  tl_model_free(r.m);
}

static void check_model(const char *name, const tl_model_hyper_t *hp, const tl_samples_t *s,
                        int relu_guard) {
  check_model_loss(name, hp, s, relu_guard, 0);
  if (tl_model_kind_has(hp->kind, TL_MODEL_W_HEAD)) {
    char what[96];
    snprintf(what, sizeof what, "%s, W regression", name);
    check_model_loss(what, hp, s, relu_guard, 1);
  }
}

#endif
