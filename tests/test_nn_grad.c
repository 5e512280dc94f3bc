/* Every nn op's backward pass in double against central differences, coordinate by
 * coordinate, for every parameter AND input gradient; and backward run twice gives
 * exactly twice the gradient (backward accumulates, the caller zeroes).
 *
 * Each op's output is reduced to one number by a random weighted sum f = sum_i r_i y_i
 * (llm.c's fakeloss), so dy = r exercises every output coordinate with its own weight
 * and a wrong sign or a transposed index cannot cancel. Inputs are drawn away from
 * kinks: relu inputs have |x| >= 0.1 and max-pool windows have no near-ties, both far
 * beyond the FD step h ~ 6e-6. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "topolearn/nn.h"

typedef struct {
  const char *name;
  double *x, *g; /* value and its analytic gradient */
  size_t n;
} probe_t;

/* One op under test: fwd returns the fakeloss, bwd accumulates every probe's gradient. */
typedef struct {
  int B, cin, cout, L, K, same, P, C, S, cmin, cmax;
  double *x, *w, *b, *y, *r, *dx, *dw, *db, *work, *aux, *x2, *dx2, dloss;
  int *idx, *labels;
} op_t;

static double *rnd(tl_rng_t *rng, size_t n, double lo, double hi) {
  double *v = calloc(n, sizeof *v);
  for (size_t i = 0; i < n; i++) v[i] = lo + (hi - lo) * tl_rng_uniform(rng);
  return v;
}
static double *zeros(size_t n) { return calloc(n ? n : 1, sizeof(double)); }
static double dot(const double *a, const double *b, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/* Zeroes, runs backward once (g1) and again (must be exactly 2 g1), then compares g1 with
 * central differences. h = cbrt(eps) max(1, |theta|) balances truncation (h^2) and
 * round-off (eps/h): both ~ eps^(2/3) ~ 4e-11 relative. TOL_FD_DOUBLE (1e-7) is applied
 * relative to max(1, |fd|): the fakelosses are O(1), so an O(1) floor covers gradients
 * that are exactly zero (relu off, max-pool losers) where a pure relative test is
 * undefined. The denominator is the step actually taken, (x+h) - (x-h) in floating
 * point, not 2h. */
static void gradcheck(const char *op, op_t *o, double (*fwd)(op_t *), void (*bwd)(op_t *),
                      probe_t *pr, int np) {
  double *g1[8];
  for (int p = 0; p < np; p++) memset(pr[p].g, 0, pr[p].n * sizeof(double));
  fwd(o);
  bwd(o);
  for (int p = 0; p < np; p++) {
    g1[p] = zeros(pr[p].n);
    memcpy(g1[p], pr[p].g, pr[p].n * sizeof(double));
  }
  bwd(o);
  char what[96];
  for (int p = 0; p < np; p++)
    for (size_t i = 0; i < pr[p].n; i++) {
      snprintf(what, sizeof what, "%s: d%s after two backward passes = 2 x one", op, pr[p].name);
      assert_close(what, i, pr[p].g[i], 2 * g1[p][i], 0.0); /* exact: see nn.h */
    }
  for (int p = 0; p < np; p++) {
    snprintf(what, sizeof what, "%s: d%s vs central difference", op, pr[p].name);
    for (size_t i = 0; i < pr[p].n; i++) {
      double *x = pr[p].x + i, x0 = *x, h = cbrt(DBL_EPSILON) * fmax(1.0, fabs(x0));
      *x = x0 + h;
      double fp = fwd(o), xp = *x;
      *x = x0 - h;
      double fm = fwd(o), xm = *x;
      *x = x0;
      double fd = (fp - fm) / (xp - xm);
      assert_close(what, i, g1[p][i], fd, TOL_FD_DOUBLE * fmax(1.0, fabs(fd)));
    }
    free(g1[p]);
  }
}

/* ---- dense ------------------------------------------------------------------------ */
static double dense_fwd(op_t *o) {
  tl_nn_dense_forward_f64(o->y, o->x, o->w, o->b, o->B, o->cin, o->cout);
  return dot(o->y, o->r, (size_t)o->B * o->cout);
}
static void dense_bwd(op_t *o) {
  tl_nn_dense_backward_f64(o->dx, o->dw, o->db, o->r, o->x, o->w, o->B, o->cin, o->cout);
}
static void test_dense_grad(void **state) {
  (void)state;
  tl_rng_t rng;
  tl_rng_init(&rng, 11, 0);
  op_t o = {.B = 3, .cin = 4, .cout = 5};
  size_t nx = 12, nw = 20, ny = 15;
  o.x = rnd(&rng, nx, -1, 1), o.w = rnd(&rng, nw, -1, 1), o.b = rnd(&rng, 5, -1, 1);
  o.y = zeros(ny), o.r = rnd(&rng, ny, -1, 1);
  o.dx = zeros(nx), o.dw = zeros(nw), o.db = zeros(5);
  probe_t pr[] = {{"inp", o.x, o.dx, nx}, {"w", o.w, o.dw, nw}, {"bias", o.b, o.db, 5}};
  gradcheck("dense", &o, dense_fwd, dense_bwd, pr, 3);
  free(o.x), free(o.w), free(o.b), free(o.y), free(o.r), free(o.dx), free(o.dw), free(o.db);
}

/* Forward against the definition out[b,o] = bias[o] + sum_i w[o,i] inp[b,i]: a pair
 * that used w transposed in both passes would pass the gradient check. */
static void test_dense_forward_definition(void **state) {
  (void)state;
  tl_rng_t rng;
  tl_rng_init(&rng, 19, 0);
  double *x = rnd(&rng, 6, -1, 1), *w = rnd(&rng, 12, -1, 1), *b = rnd(&rng, 4, -1, 1);
  double y[8];
  tl_nn_dense_forward_f64(y, x, w, b, 2, 3, 4);
  for (int n = 0; n < 2; n++)
    for (int o = 0; o < 4; o++) {
      double s = b[o];
      for (int i = 0; i < 3; i++) s += w[o * 3 + i] * x[n * 3 + i];
      /* a 3-term dot product plus bias: a few eps of round-off */
      assert_close("dense forward vs definition", n * 4 + o, y[n * 4 + o], s, TOL_ROUNDOFF(4));
    }
  free(x), free(w), free(b);
}

/* ---- conv1d ----------------------------------------------------------------------- */
static double conv_fwd(op_t *o) {
  tl_nn_conv1d_forward_f64(o->y, o->x, o->w, o->b, o->B, o->cin, o->cout, o->L, o->K,
                           o->same, o->work);
  int Lout = tl_nn_conv1d_out_len(o->L, o->K, o->same);
  return dot(o->y, o->r, (size_t)o->B * o->cout * Lout);
}
static void conv_bwd(op_t *o) {
  tl_nn_conv1d_backward_f64(o->dx, o->dw, o->db, o->r, o->x, o->w, o->B, o->cin, o->cout,
                            o->L, o->K, o->same, 0, o->work);
}
/* Odd K with 'same' (symmetric padding), even K with 'same' (one more zero on the right)
 * and 'valid': each padding rule has its own index arithmetic. */
static void test_conv1d_grad(void **state) {
  (void)state;
  const int cases[][2] = {{3, 1}, {4, 1}, {3, 0}};
  for (int c = 0; c < 3; c++) {
    tl_rng_t rng;
    tl_rng_init(&rng, 12, (uint64_t)c);
    op_t o = {.B = 2, .cin = 2, .cout = 3, .L = 7, .K = cases[c][0], .same = cases[c][1]};
    int Lout = tl_nn_conv1d_out_len(o.L, o.K, o.same);
    size_t nx = (size_t)o.B * o.cin * o.L, nw = (size_t)o.cout * o.cin * o.K;
    size_t ny = (size_t)o.B * o.cout * Lout;
    o.x = rnd(&rng, nx, -1, 1), o.w = rnd(&rng, nw, -1, 1), o.b = rnd(&rng, 3, -1, 1);
    o.y = zeros(ny), o.r = rnd(&rng, ny, -1, 1);
    o.dx = zeros(nx), o.dw = zeros(nw), o.db = zeros(3);
    o.work = zeros(tl_nn_conv1d_work_size(o.B, o.cin, o.cout, o.L, o.K, o.same));
    probe_t pr[] = {{"inp", o.x, o.dx, nx}, {"w", o.w, o.dw, nw}, {"bias", o.b, o.db, 3}};
    char name[48];
    snprintf(name, sizeof name, "conv1d K=%d same=%d", o.K, o.same);
    gradcheck(name, &o, conv_fwd, conv_bwd, pr, 3);
    free(o.x), free(o.w), free(o.b), free(o.y), free(o.r), free(o.dx), free(o.dw);
    free(o.db), free(o.work);
  }
}

/* Forward of 'same' conv against the definition, to catch a shift that backward would
 * share (a consistently shifted pair still passes the gradient check). */
static void test_conv1d_forward_definition(void **state) {
  (void)state;
  tl_rng_t rng;
  tl_rng_init(&rng, 13, 0);
  const int B = 2, cin = 2, cout = 2, L = 6, K = 4, pad = (K - 1) / 2;
  double *x = rnd(&rng, B * cin * L, -1, 1), *w = rnd(&rng, cout * cin * K, -1, 1);
  double *b = rnd(&rng, cout, -1, 1), *y = zeros(B * cout * L);
  double *work = zeros(tl_nn_conv1d_work_size(B, cin, cout, L, K, 1));
  tl_nn_conv1d_forward_f64(y, x, w, b, B, cin, cout, L, K, 1, work);
  for (int n = 0; n < B; n++)
    for (int oc = 0; oc < cout; oc++)
      for (int t = 0; t < L; t++) {
        double s = b[oc];
        for (int c = 0; c < cin; c++)
          for (int k = 0; k < K; k++) {
            int q = t + k - pad;
            if (q >= 0 && q < L) s += w[(oc * cin + c) * K + k] * x[(n * cin + c) * L + q];
          }
        /* a K-term dot product: a few eps of round-off */
        assert_close("conv1d same forward vs definition", (n * cout + oc) * L + t,
                     y[(n * cout + oc) * L + t], s, TOL_ROUNDOFF(K * cin));
      }
  free(x), free(w), free(b), free(y), free(work);
}

/* Backward reusing the forward's channel-major copy (kept = 1) gives exactly what it
 * gives when it makes the copy itself: the same values go into the same products. A
 * second kept backward (the copy must survive the first) doubles the sums exactly. */
static void test_conv1d_backward_kept(void **state) {
  (void)state;
  tl_rng_t rng;
  tl_rng_init(&rng, 14, 0);
  const int B = 3, cin = 4, cout = 2, L = 9, K = 3;
  const size_t nx = (size_t)B * cin * L, nw = (size_t)cout * cin * K, ny = (size_t)B * cout * L;
  double *x = rnd(&rng, nx, -1, 1), *w = rnd(&rng, nw, -1, 1), *b = rnd(&rng, cout, -1, 1);
  double *y = zeros(ny), *r = rnd(&rng, ny, -1, 1);
  double *dx[2] = {zeros(nx), zeros(nx)}, *dw[2] = {zeros(nw), zeros(nw)};
  double *db[2] = {zeros(cout), zeros(cout)};
  double *work = zeros(tl_nn_conv1d_work_size(B, cin, cout, L, K, 1));
  for (int kept = 0; kept < 2; kept++) {
    tl_nn_conv1d_forward_f64(y, x, w, b, B, cin, cout, L, K, 1, work);
    tl_nn_conv1d_backward_f64(dx[kept], dw[kept], db[kept], r, x, w, B, cin, cout, L, K, 1,
                              kept, work);
  }
  assert_memory_equal(dx[0], dx[1], nx * sizeof(double));
  assert_memory_equal(dw[0], dw[1], nw * sizeof(double));
  assert_memory_equal(db[0], db[1], cout * sizeof(double));
  tl_nn_conv1d_backward_f64(dx[1], dw[1], db[1], r, x, w, B, cin, cout, L, K, 1, 1, work);
  for (size_t i = 0; i < nx; i++) assert_true(dx[1][i] == 2 * dx[0][i]);
  for (size_t i = 0; i < nw; i++) assert_true(dw[1][i] == 2 * dw[0][i]);
  for (int i = 0; i < cout; i++) assert_true(db[1][i] == 2 * db[0][i]);
  free(x), free(w), free(b), free(y), free(r), free(work);
  for (int k = 0; k < 2; k++) free(dx[k]), free(dw[k]), free(db[k]);
}

/* ---- activations ------------------------------------------------------------------ */
static int g_act; /* 0 relu, 1 tanh, 2 square */
static double act_fwd(op_t *o) {
  size_t n = (size_t)o->B;
  if (g_act == 0) tl_nn_relu_forward_f64(o->y, o->x, n);
  if (g_act == 1) tl_nn_tanh_forward_f64(o->y, o->x, n);
  if (g_act == 2) tl_nn_square_forward_f64(o->y, o->x, n);
  return dot(o->y, o->r, n);
}
static void act_bwd(op_t *o) {
  size_t n = (size_t)o->B;
  if (g_act == 0) tl_nn_relu_backward_f64(o->dx, o->x, o->r, n);
  if (g_act == 1) tl_nn_tanh_backward_f64(o->dx, o->y, o->r, n);
  if (g_act == 2) tl_nn_square_backward_f64(o->dx, o->x, o->r, n);
}
static void test_activation_grad(void **state) {
  (void)state;
  const char *names[] = {"relu", "tanh", "square"};
  for (g_act = 0; g_act < 3; g_act++) {
    tl_rng_t rng;
    tl_rng_init(&rng, 14, (uint64_t)g_act);
    op_t o = {.B = 24};
    o.x = rnd(&rng, 24, 0.1, 1.5), o.y = zeros(24), o.r = rnd(&rng, 24, -1, 1);
    o.dx = zeros(24);
    for (int i = 0; i < 24; i += 2) o.x[i] = -o.x[i]; /* both sides, |x| >= 0.1 */
    probe_t pr[] = {{"inp", o.x, o.dx, 24}};
    gradcheck(names[g_act], &o, act_fwd, act_bwd, pr, 1);
    free(o.x), free(o.y), free(o.r), free(o.dx);
  }
}

/* ---- pooling ---------------------------------------------------------------------- */
static int g_max;
static double pool_fwd(op_t *o) {
  if (g_max) tl_nn_maxpool_forward_f64(o->y, o->idx, o->x, o->B, o->L, o->P);
  else tl_nn_meanpool_forward_f64(o->y, o->x, o->B, o->L, o->P);
  return dot(o->y, o->r, (size_t)o->B * (o->L / o->P));
}
static void pool_bwd(op_t *o) {
  if (g_max) tl_nn_maxpool_backward_f64(o->dx, o->r, o->idx, o->B, o->L, o->P);
  else tl_nn_meanpool_backward_f64(o->dx, o->r, o->B, o->L, o->P);
}
/* Windowed (P = 2 on L = 7: the tail cell is dropped and must get zero gradient) and
 * global (P = L). Max-pool inputs are a shuffled ladder with spacing 0.1: no ties. */
static void test_pool_grad(void **state) {
  (void)state;
  for (g_max = 0; g_max < 2; g_max++)
    for (int P = 2; P <= 7; P += 5) {
      tl_rng_t rng;
      tl_rng_init(&rng, 15, (uint64_t)(g_max * 10 + P));
      op_t o = {.B = 3, .L = 7, .P = P}; /* B here is rows = batch x channels */
      size_t nx = 21, ny = (size_t)3 * (7 / P);
      o.x = zeros(nx), o.y = zeros(ny), o.r = rnd(&rng, ny, -1, 1), o.dx = zeros(nx);
      o.idx = calloc(ny, sizeof(int));
      for (size_t i = 0; i < nx; i++) o.x[i] = 0.1 * (double)i - 1.0;
      for (size_t i = nx - 1; i > 0; i--) { /* Fisher-Yates */
        size_t j = (size_t)tl_rng_below(&rng, i + 1);
        double t = o.x[i];
        o.x[i] = o.x[j], o.x[j] = t;
      }
      probe_t pr[] = {{"inp", o.x, o.dx, nx}};
      char name[48];
      snprintf(name, sizeof name, "%spool P=%d", g_max ? "max" : "mean", P);
      gradcheck(name, &o, pool_fwd, pool_bwd, pr, 1);
      free(o.x), free(o.y), free(o.r), free(o.dx), free(o.idx);
    }
}

/* ---- losses ----------------------------------------------------------------------- */
static double xent_fwd(op_t *o) {
  double loss;
  tl_nn_xent_forward_f64(&loss, o->y, o->x, o->labels, o->B, o->C);
  return o->dloss * loss;
}
static void xent_bwd(op_t *o) {
  tl_nn_xent_backward_f64(o->dx, o->y, o->labels, o->B, o->C, o->dloss);
}
static double mse_fwd(op_t *o) {
  double loss;
  tl_nn_mse_forward_f64(&loss, o->x, o->x2, (size_t)o->B);
  return o->dloss * loss;
}
static void mse_bwd(op_t *o) { tl_nn_mse_backward_f64(o->dx, o->x, o->x2, (size_t)o->B, o->dloss); }

/* dloss = 0.7, not 1, so a backward that ignores its upstream gradient fails. */
static void test_loss_grad(void **state) {
  (void)state;
  tl_rng_t rng;
  tl_rng_init(&rng, 16, 0);
  int labels[4] = {0, 2, 1, 2};
  op_t o = {.B = 4, .C = 3, .labels = labels, .dloss = 0.7};
  o.x = rnd(&rng, 12, -2, 2), o.y = zeros(12), o.dx = zeros(12);
  probe_t pr[] = {{"logits", o.x, o.dx, 12}};
  gradcheck("softmax cross-entropy", &o, xent_fwd, xent_bwd, pr, 1);
  o.B = 12, o.x2 = rnd(&rng, 12, -1, 1);
  probe_t pm[] = {{"pred", o.x, o.dx, 12}};
  gradcheck("mse", &o, mse_fwd, mse_bwd, pm, 1);
  free(o.x), free(o.x2), free(o.y), free(o.dx);
}

/* Logits of 1e4 would overflow exp() without the max shift; the loss of a row
 * (z, z + d, ...) depends on differences only, so a shifted copy gives the same loss. */
static void test_xent_stable(void **state) {
  (void)state;
  double z[6] = {0.3, -1.2, 2.0, 1e4 + 0.3, 1e4 - 1.2, 1e4 + 2.0}, p[6], l1, l2;
  int lab[1] = {1};
  tl_nn_xent_forward_f64(&l1, p, z, lab, 1, 3);
  tl_nn_xent_forward_f64(&l2, p, z + 3, lab, 1, 3);
  assert_true(isfinite(l2));
  double want = log(exp(0.3) + exp(-1.2) + exp(2.0)) + 1.2;
  assert_close("xent of small logits vs formula", 0, l1, want, TOL_ROUNDOFF(3));
  /* 1e4 + x carries x only to 1e4 * eps ~ 2e-12 */
  assert_close("xent of logits shifted by 1e4", 0, l2, want, 1e4 * 16 * DBL_EPSILON);
}

/* ---- topo contraction and head ---------------------------------------------------- */
static double topo_fwd(op_t *o) {
  tl_nn_topo_forward_f64(o->y, o->aux, o->x, o->x2, o->w, o->b, o->B, o->S, o->L, o->work);
  return dot(o->y, o->r, (size_t)o->B);
}
static void topo_bwd(op_t *o) {
  tl_nn_topo_backward_f64(o->dw, o->db, o->dx, o->dx2, o->r, o->aux, o->x, o->x2, o->w, o->b,
                          o->B, o->S, o->L, o->work);
}
/* S = 4 states on L = 5 cells (S != L catches a swapped dimension); B = 3. */
static void test_topo_grad(void **state) {
  (void)state;
  tl_rng_t rng;
  tl_rng_init(&rng, 17, 0);
  op_t o = {.B = 3, .S = 4, .L = 5};
  size_t na = 3 * 4 * 5;
  o.x = rnd(&rng, na, -0.7, 0.7), o.x2 = rnd(&rng, na, -0.7, 0.7);
  o.w = rnd(&rng, 4, 0.5, 2.5), o.b = rnd(&rng, 25, -1, 1);
  o.y = zeros(3), o.aux = zeros(3 * 25), o.r = rnd(&rng, 3, -1, 1);
  o.dx = zeros(na), o.dx2 = zeros(na), o.dw = zeros(4), o.db = zeros(25);
  o.work = zeros(tl_nn_topo_work_size(4, 5));
  probe_t pr[] = {{"lambda", o.w, o.dw, 4}, {"K", o.b, o.db, 25}, {"a", o.x, o.dx, na},
                  {"b", o.x2, o.dx2, na}};
  gradcheck("topo contraction", &o, topo_fwd, topo_bwd, pr, 4);
  free(o.x), free(o.x2), free(o.w), free(o.b), free(o.y), free(o.aux), free(o.r);
  free(o.dx), free(o.dx2), free(o.dw), free(o.db), free(o.work);
}

static double head_fwd(op_t *o) {
  tl_nn_head_forward_f64(o->y, o->x, o->w, o->B, o->cmin, o->cmax);
  return dot(o->y, o->r, (size_t)o->B * (o->cmax - o->cmin + 1));
}
static void head_bwd(op_t *o) {
  tl_nn_head_backward_f64(o->dx, o->dw, o->r, o->x, o->w, o->B, o->cmin, o->cmax);
}
static void test_head_grad(void **state) {
  (void)state;
  tl_rng_t rng;
  tl_rng_init(&rng, 18, 0);
  op_t o = {.B = 3, .cmin = -1, .cmax = 2};
  o.x = rnd(&rng, 3, -1.5, 2.5), o.w = rnd(&rng, 1, -0.5, 0.5);
  o.y = zeros(12), o.r = rnd(&rng, 12, -1, 1), o.dx = zeros(3), o.dw = zeros(1);
  probe_t pr[] = {{"W", o.x, o.dx, 3}, {"rho", o.w, o.dw, 1}};
  gradcheck("nearest-integer head", &o, head_fwd, head_bwd, pr, 2);
  free(o.x), free(o.w), free(o.y), free(o.r), free(o.dx), free(o.dw);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dense_grad),      cmocka_unit_test(test_dense_forward_definition),
      cmocka_unit_test(test_conv1d_grad),
      cmocka_unit_test(test_conv1d_forward_definition),
      cmocka_unit_test(test_conv1d_backward_kept),
      cmocka_unit_test(test_activation_grad), cmocka_unit_test(test_pool_grad),
      cmocka_unit_test(test_loss_grad),       cmocka_unit_test(test_xent_stable),
      cmocka_unit_test(test_topo_grad),       cmocka_unit_test(test_head_grad),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
