/* The float32 build of the ops: (1) every forward agrees with the double build on the
 * same inputs within the float round-off bound of its reductions; (2) two small float
 * models (topo -> head -> xent, and conv1d -> tanh -> meanpool -> dense -> xent), with
 * their parameters in one tl_nn_params_t, pass a SIGNED directional-derivative check
 * against central differences in float, and the same check rejects the negated
 * gradient (kann compares absolute values, which a wrong sign passes); (3) conv1d gives
 * the same bits at 1 and 2 threads. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "topolearn/nn.h"

static void fill(tl_rng_t *rng, double *d, float *f, size_t n, double lo, double hi) {
  for (size_t i = 0; i < n; i++) { /* float-representable, so both builds see one input */
    f[i] = (float)(lo + (hi - lo) * tl_rng_uniform(rng));
    d[i] = f[i];
  }
}
static void absv(double *dst, const double *src, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = fabs(src[i]);
}
/* |yf - yd| <= TOL_F32_SUM(depth) * yabs, plus half an ulp for the final rounding. */
static void compare(const char *what, const float *yf, const double *yd, const double *yabs,
                    size_t n, int depth) {
  for (size_t i = 0; i < n; i++)
    assert_close(what, i, yf[i], yd[i],
                 TOL_F32_SUM(depth) * yabs[i] + 0.5 * FLT_EPSILON * fabs(yd[i]));
}

#define N 256
static void test_f32_matches_f64_forward(void **state) {
  (void)state;
  tl_rng_t rng;
  tl_rng_init(&rng, 31, 0);
  static double xd[N], wd[N], bd[N], x2d[N], yd[N], ya[N], xa[N], wa[N], ba[N], x2a[N];
  static double work[4 * N];
  static float xf[N], wf[N], bf[N], x2f[N], yf[N], workf[4 * N];
  fill(&rng, xd, xf, N, -1, 1), fill(&rng, wd, wf, N, -1, 1), fill(&rng, bd, bf, N, -1, 1);
  fill(&rng, x2d, x2f, N, -1, 1);
  absv(xa, xd, N), absv(wa, wd, N), absv(ba, bd, N), absv(x2a, x2d, N);

  /* dense 3x7 -> 3x5: depth in + 1 (bias) */
  tl_nn_dense_forward_f64(yd, xd, wd, bd, 3, 7, 5);
  tl_nn_dense_forward_f64(ya, xa, wa, ba, 3, 7, 5);
  tl_nn_dense_forward_f32(yf, xf, wf, bf, 3, 7, 5);
  compare("dense f32 vs f64", yf, yd, ya, 15, 8);

  /* conv1d B=2 cin=3 cout=2 L=9 K=4 same: depth cin K + 1 */
  tl_nn_conv1d_forward_f64(yd, xd, wd, bd, 2, 3, 2, 9, 4, 1, work);
  tl_nn_conv1d_forward_f64(ya, xa, wa, ba, 2, 3, 2, 9, 4, 1, work);
  tl_nn_conv1d_forward_f32(yf, xf, wf, bf, 2, 3, 2, 9, 4, 1, workf);
  compare("conv1d f32 vs f64", yf, yd, ya, 36, 13);

  /* tanh: float tanh is the double one rounded (half an ulp, in compare) */
  tl_nn_tanh_forward_f64(yd, xd, 40);
  tl_nn_tanh_forward_f32(yf, xf, 40);
  memset(ya, 0, sizeof ya);
  compare("tanh f32 vs f64", yf, yd, ya, 40, 0);

  /* mean pool P=5 over 4 rows of 10: depth P + 1 (the division) */
  tl_nn_meanpool_forward_f64(yd, xd, 4, 10, 5);
  tl_nn_meanpool_forward_f64(ya, xa, 4, 10, 5);
  tl_nn_meanpool_forward_f32(yf, xf, 4, 10, 5);
  compare("meanpool f32 vs f64", yf, yd, ya, 8, 6);

  /* topo B=2 S=5 L=6: Q has depth S, W (summed in double) doubles Q's relative error */
  const int B = 2, S = 5, L = 6;
  tl_nn_topo_forward_f64(yd, work, xd, x2d, wd, bd, B, S, L, work + N);
  tl_nn_topo_forward_f64(ya, work, xa, x2a, wa, ba, B, S, L, work + N);
  tl_nn_topo_forward_f32(yf, workf, xf, x2f, wf, bf, B, S, L, workf + N);
  compare("topo W f32 vs f64", yf, yd, ya, (size_t)B, 2 * S + 1);

  /* head: exp, a difference, two products: depth 4 relative to |z| */
  double zd[8], rd = 0.3;
  float zf[8], rf = 0.3f;
  rd = rf;
  tl_nn_head_forward_f64(zd, xd, &rd, 2, -1, 2);
  tl_nn_head_forward_f32(zf, xf, &rf, 2, -1, 2);
  absv(ya, zd, 8);
  compare("head f32 vs f64", zf, zd, ya, 8, 4);

  /* xent: sums run in double in both builds; only the stored loss is rounded */
  int labels[3] = {2, 0, 1};
  double ld, pd[12];
  float lf, pf[12];
  tl_nn_xent_forward_f64(&ld, pd, xd, labels, 3, 4);
  tl_nn_xent_forward_f32(&lf, pf, xf, labels, 3, 4);
  memset(ya, 0, sizeof ya);
  compare("xent loss f32 vs f64", &lf, &ld, ya, 1, 0);
  compare("softmax f32 vs f64", pf, pd, ya, 12, 0);
}

/* ---- signed directional derivative on two float models ------------------------------ */

typedef struct {
  tl_nn_params_t *p;
  int kind; /* 0 topo, 1 cnn */
  float *x, *x2, *h1, *h2, *h3, *logits, *probs, *work;
  float *dh1, *dh2, *dh3, *dlogits;
  int *labels;
} model_t;

enum { NB = 4, NS = 6, NL = 6, CMIN = -1, CMAX = 2, CIN = 2, COUT = 3, KW = 3, NCLS = 3 };

static float model_loss(model_t *m, int backward) {
  tl_nn_params_t *p = m->p;
  float loss;
  if (m->kind == 0) {
    float *lambda = tl_nn_params_data(p, 0), *K = tl_nn_params_data(p, 1);
    float *rho = tl_nn_params_data(p, 2);
    tl_nn_topo_forward_f32(m->h1, m->h2, m->x, m->x2, lambda, K, NB, NS, NL, m->work);
    tl_nn_head_forward_f32(m->logits, m->h1, rho, NB, CMIN, CMAX);
    tl_nn_xent_forward_f32(&loss, m->probs, m->logits, m->labels, NB, CMAX - CMIN + 1);
    if (!backward) return loss;
    memset(m->dlogits, 0, sizeof(float) * NB * (CMAX - CMIN + 1));
    memset(m->dh1, 0, sizeof(float) * NB);
    tl_nn_xent_backward_f32(m->dlogits, m->probs, m->labels, NB, CMAX - CMIN + 1, 1.0f);
    tl_nn_head_backward_f32(m->dh1, tl_nn_params_grad(p, 2), m->dlogits, m->h1, rho, NB, CMIN,
                            CMAX);
    tl_nn_topo_backward_f32(tl_nn_params_grad(p, 0), tl_nn_params_grad(p, 1), NULL, NULL,
                            m->dh1, m->h2, m->x, m->x2, lambda, K, NB, NS, NL, m->work);
    return loss;
  }
  float *cw = tl_nn_params_data(p, 0), *cb = tl_nn_params_data(p, 1);
  float *fw = tl_nn_params_data(p, 2), *fb = tl_nn_params_data(p, 3);
  const size_t nh = (size_t)NB * COUT * NL;
  tl_nn_conv1d_forward_f32(m->h1, m->x, cw, cb, NB, CIN, COUT, NL, KW, 1, m->work);
  tl_nn_tanh_forward_f32(m->h2, m->h1, nh);
  tl_nn_meanpool_forward_f32(m->h3, m->h2, NB * COUT, NL, NL); /* global: (NB, COUT) */
  tl_nn_dense_forward_f32(m->logits, m->h3, fw, fb, NB, COUT, NCLS);
  tl_nn_xent_forward_f32(&loss, m->probs, m->logits, m->labels, NB, NCLS);
  if (!backward) return loss;
  memset(m->dlogits, 0, sizeof(float) * NB * NCLS);
  memset(m->dh3, 0, sizeof(float) * NB * COUT);
  memset(m->dh2, 0, sizeof(float) * nh);
  memset(m->dh1, 0, sizeof(float) * nh);
  tl_nn_xent_backward_f32(m->dlogits, m->probs, m->labels, NB, NCLS, 1.0f);
  tl_nn_dense_backward_f32(m->dh3, tl_nn_params_grad(p, 2), tl_nn_params_grad(p, 3),
                           m->dlogits, m->h3, fw, NB, COUT, NCLS);
  tl_nn_meanpool_backward_f32(m->dh2, m->dh3, NB * COUT, NL, NL);
  tl_nn_tanh_backward_f32(m->dh1, m->h2, m->dh2, nh);
  tl_nn_conv1d_backward_f32(NULL, tl_nn_params_grad(p, 0), tl_nn_params_grad(p, 1), m->dh1,
                            m->x, cw, NB, CIN, COUT, NL, KW, 1, 0, m->work);
  return loss;
}

/* Direction d ~ N(0,1) over the whole parameter buffer (one loop, llm.c); h scaled by
 * max |theta| so the step is relative. */
static void directional_check(const char *name, model_t *m, tl_rng_t *rng) {
  tl_nn_params_t *p = m->p;
  float *d = calloc(p->count, sizeof *d), *theta = calloc(p->count, sizeof *theta);
  tl_nn_init_normal(d, p->count, 0.0, 1.0, rng);
  tl_nn_params_zero_grad(p);
  model_loss(m, 1);
  double gd = 0, tmax = 1;
  for (size_t i = 0; i < p->count; i++) {
    gd += (double)p->grad[i] * d[i];
    tmax = fmax(tmax, fabs(p->param[i]));
  }
  memcpy(theta, p->param, p->count * sizeof *theta);
  const float h = cbrtf(FLT_EPSILON) * (float)tmax;
  for (size_t i = 0; i < p->count; i++) p->param[i] = theta[i] + h * d[i];
  float fp = model_loss(m, 0);
  for (size_t i = 0; i < p->count; i++) p->param[i] = theta[i] - h * d[i];
  float fm = model_loss(m, 0);
  memcpy(p->param, theta, p->count * sizeof *theta);
  double fd = ((double)fp - fm) / (2.0 * h), tol = TOL_FD_FLOAT * fmax(1.0, fabs(fd));
  char what[128];
  snprintf(what, sizeof what, "%s: grad . d vs central difference in float", name);
  assert_close(what, 0, gd, fd, tol);
  /* the check is signed and sharp: the negated gradient must fail it */
  if (!(fabs(fd) > 10 * tol) || !(fabs(-gd - fd) > tol))
    fail_msg("%s: directional derivative %g too small to tell a sign error", name, fd);
  free(d), free(theta);
}

static void test_float_directional_topo(void **state) {
  (void)state;
  tl_rng_t rng;
  tl_rng_init(&rng, 32, 0);
  tl_nn_tensor_spec_t specs[] = {{"lambda", NS, 1}, {"K", NL, NL}, {"rho", 1, 1}};
  model_t m = {.kind = 0};
  tl_error err;
  assert_int_equal(tl_nn_params_new(&m.p, specs, 3, &err), TL_OK);
  tl_nn_init_normal(tl_nn_params_data(m.p, 0), NS, 2.0, 0.3, &rng);
  tl_nn_init_xavier(tl_nn_params_data(m.p, 1), NL * NL, NL, NL, &rng);
  tl_nn_params_data(m.p, 2)[0] = 0.5f;
  static float x[NB * NS * NL], x2[NB * NS * NL], W[NB], Q[NB * NL * NL], z[NB * 4], pr[NB * 4], dz[NB * 4];
  static float dW[NB], work[NL * NL + 3 * NS * NL];
  int labels[NB] = {0, 1, 3, 2};
  tl_nn_init_normal(x, NB * NS * NL, 0.0, 0.4, &rng);
  tl_nn_init_normal(x2, NB * NS * NL, 0.0, 0.4, &rng);
  m.x = x, m.x2 = x2, m.h1 = W, m.h2 = Q, m.logits = z, m.probs = pr, m.dlogits = dz;
  m.dh1 = dW, m.work = work, m.labels = labels;
  directional_check("topo -> head -> xent", &m, &rng);
  tl_nn_params_free(m.p);
}

static void test_float_directional_cnn(void **state) {
  (void)state;
  tl_rng_t rng;
  tl_rng_init(&rng, 33, 0);
  tl_nn_tensor_spec_t specs[] = {
      {"conv.w", COUT, CIN * KW}, {"conv.b", COUT, 1}, {"fc.w", NCLS, COUT}, {"fc.b", NCLS, 1}};
  model_t m = {.kind = 1};
  tl_error err;
  assert_int_equal(tl_nn_params_new(&m.p, specs, 4, &err), TL_OK);
  tl_nn_init_xavier(m.p->param, m.p->count, CIN * KW, COUT, &rng); /* one loop, all */
  static float x[NB * CIN * NL], h1[NB * COUT * NL], h2[NB * COUT * NL], h3[NB * COUT];
  static float dh1[NB * COUT * NL], dh2[NB * COUT * NL], dh3[NB * COUT], z[NB * NCLS];
  static float pr[NB * NCLS], dz[NB * NCLS], work[NB * NL * (2 * CIN * KW + COUT)];
  int labels[NB] = {0, 2, 1, 2};
  tl_nn_init_normal(x, NB * CIN * NL, 0.0, 1.0, &rng);
  m.x = x, m.h1 = h1, m.h2 = h2, m.h3 = h3, m.dh1 = dh1, m.dh2 = dh2, m.dh3 = dh3;
  m.logits = z, m.probs = pr, m.dlogits = dz, m.work = work, m.labels = labels;
  assert_true(tl_nn_conv1d_work_size(NB, CIN, COUT, NL, KW, 1) <= sizeof work / sizeof *work);
  directional_check("conv1d -> tanh -> meanpool -> dense -> xent", &m, &rng);
  tl_nn_params_free(m.p);
}

static float *frand(tl_rng_t *rng, size_t n) { /* uniform in [-1, 1) */
  float *v = malloc(n * sizeof *v);
  for (size_t i = 0; i < n; i++) v[i] = (float)(2 * tl_rng_uniform(rng) - 1);
  return v;
}

/* conv1d at 1 and at 2 threads, bit for bit (SPEC 6: results independent of the thread
 * count). The batch spans three blocks of tl_nn_conv1d_block samples, the last one
 * short, at the shapes of the bench's first layer, where OpenBLAS's threaded sgemm
 * rounds differently from its 1-thread sgemm (the reason conv1d runs 1-thread products
 * per block). */
static void test_conv1d_threads(void **state) {
  (void)state;
  tl_rng_t rng;
  tl_rng_init(&rng, 15, 0);
  const int B = 40, cin = 64, cout = 16, L = 32, K = 5;
  const size_t nx = (size_t)B * cin * L, nw = (size_t)cout * cin * K, ny = (size_t)B * cout * L;
  float *x = frand(&rng, nx), *w = frand(&rng, nw), *b = frand(&rng, cout), *r = frand(&rng, ny);
  float *work = calloc(tl_nn_conv1d_work_size(B, cin, cout, L, K, 1), sizeof(float));
  float *y[2], *dx[2], *dw[2], *db[2];
  const int before = omp_get_max_threads();
  for (int t = 0; t < 2; t++) {
    y[t] = calloc(ny, sizeof(float)), dx[t] = calloc(nx, sizeof(float));
    dw[t] = calloc(nw, sizeof(float)), db[t] = calloc(cout, sizeof(float));
    omp_set_num_threads(t + 1);
    tl_nn_conv1d_forward_f32(y[t], x, w, b, B, cin, cout, L, K, 1, work);
    tl_nn_conv1d_backward_f32(dx[t], dw[t], db[t], r, x, w, B, cin, cout, L, K, 1, 1, work);
  }
  omp_set_num_threads(before);
  assert_memory_equal(y[0], y[1], ny * sizeof(float));
  assert_memory_equal(dx[0], dx[1], nx * sizeof(float));
  assert_memory_equal(dw[0], dw[1], nw * sizeof(float));
  assert_memory_equal(db[0], db[1], cout * sizeof(float));
  free(x), free(w), free(b), free(r), free(work);
  for (int t = 0; t < 2; t++) free(y[t]), free(dx[t]), free(dw[t]), free(db[t]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_f32_matches_f64_forward),
      cmocka_unit_test(test_float_directional_topo),
      cmocka_unit_test(test_float_directional_cnn),
      cmocka_unit_test(test_conv1d_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
