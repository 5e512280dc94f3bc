/* The topo contraction of SPEC 1.4 expresses the real-space winding number exactly:
 * with lambda = 2 and K[n,m] = -(m - n)/L' on bulk rows, W of the contraction equals
 * the RSWN computed here independently (LAPACKE_dgesdd of the SSH block, q = U V^T,
 * the marker summed over the bulk) to 1e-10 in double. Then the nearest-integer head
 * turns an integer W into that class. */
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "topolearn/nn.h"

/* SSH block h (L x L, rows A, columns B): h[n,n] = v_n, h[n+1,n] = w_n (OBC).
 * Fills a, b (S = L states x L cells): a_j = u_j / sqrt 2, b_j = v_j / sqrt 2 from the
 * SVD h = U S V^T, and returns the RSWN with bulk fraction f. */
static double ssh_states_and_rswn(int L, const double *v, const double *w, double f,
                                  double *a, double *b) {
  double *h = calloc((size_t)L * L, sizeof *h), *s = calloc((size_t)L, sizeof *s);
  double *U = calloc((size_t)L * L, sizeof *U), *VT = calloc((size_t)L * L, sizeof *VT);
  double *q = calloc((size_t)L * L, sizeof *q);
  for (int n = 0; n < L; n++) {
    h[n * L + n] = v[n];
    if (n + 1 < L) h[(n + 1) * L + n] = w[n];
  }
  lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'A', L, L, h, L, s, U, L, VT, L);
  assert_int_equal(info, 0);
  for (int n = 0; n < L; n++) /* q = U V^T, written out rather than via BLAS */
    for (int m = 0; m < L; m++) {
      double t = 0;
      for (int j = 0; j < L; j++) t += U[n * L + j] * VT[j * L + m];
      q[n * L + m] = t;
    }
  for (int j = 0; j < L; j++)
    for (int n = 0; n < L; n++) {
      a[j * L + n] = U[n * L + j] / sqrt(2.0);
      b[j * L + n] = VT[j * L + n] / sqrt(2.0);
    }
  int lp = (int)floor(f * L + 0.5);
  if (lp < 1) lp = 1;
  int start = (L - lp) / 2;
  double W = 0;
  for (int n = start; n < start + lp; n++)
    for (int m = 0; m < L; m++) W -= q[n * L + m] * q[n * L + m] * (m - n);
  free(h), free(s), free(U), free(VT), free(q);
  return W / lp;
}

/* The exact tensors of SPEC 1.4 for bulk fraction f. */
static void exact_tensors(int L, double f, double *lambda, double *K) {
  int lp = (int)floor(f * L + 0.5);
  if (lp < 1) lp = 1;
  int start = (L - lp) / 2;
  memset(K, 0, (size_t)L * L * sizeof *K);
  for (int j = 0; j < L; j++) lambda[j] = 2.0;
  for (int n = start; n < start + lp; n++)
    for (int m = 0; m < L; m++) K[n * L + m] = -(double)(m - n) / lp;
}

/* A batch of B = 4 chains, each with its own states: clean topological (v < w), clean
 * trivial (v > w), disordered topological, and one at the transition (v ~ w, W far
 * from an integer: the identity must hold there too). L = 41 (odd: the bulk window's
 * integer division matters) and L = 32; f = 1/2 and f = 1 (OBC: W = 0 exactly). */
static void test_topo_exact_equals_rswn(void **state) {
  (void)state;
  const int Ls[2] = {41, 32};
  const double fs[2] = {0.5, 1.0};
  for (int il = 0; il < 2; il++)
    for (int ifr = 0; ifr < 2; ifr++) {
      const int L = Ls[il], B = 4;
      const double f = fs[ifr];
      tl_rng_t rng;
      tl_rng_init(&rng, 21, (uint64_t)(il * 2 + ifr));
      size_t SL = (size_t)L * L;
      double *a = calloc(B * SL, sizeof *a), *bb = calloc(B * SL, sizeof *bb);
      double *v = calloc((size_t)L, sizeof *v), *w = calloc((size_t)L, sizeof *w);
      double rswn[4], W[4];
      for (int c = 0; c < B; c++) {
        for (int n = 0; n < L; n++) {
          double u1 = tl_rng_uniform(&rng) - 0.5, u2 = tl_rng_uniform(&rng) - 0.5;
          const double vm[4] = {0.4, 1.5, 0.5, 1.0}, wm[4] = {1.2, 0.6, 1.0, 1.0};
          const double D[4] = {0.0, 0.0, 0.8, 0.3};
          v[n] = vm[c] + D[c] * u1;
          w[n] = wm[c] + D[c] * u2;
        }
        rswn[c] = ssh_states_and_rswn(L, v, w, f, a + c * SL, bb + c * SL);
      }
      double *lambda = calloc((size_t)L, sizeof *lambda), *K = calloc(SL, sizeof *K);
      double *Q = calloc(B * SL, sizeof *Q), *work = calloc(tl_nn_topo_work_size(L, L), 8);
      exact_tensors(L, f, lambda, K);
      tl_nn_topo_forward_f64(W, Q, a, bb, lambda, K, B, L, L, work);
      char what[96];
      for (int c = 0; c < B; c++) {
        snprintf(what, sizeof what, "topo W vs RSWN (L=%d f=%g) chain", L, f);
        /* SPEC 1.4 and 6: the identity holds to round-off, 1e-10 in double */
        assert_close(what, c, W[c], rswn[c], TOL_IDENTITY);
        if (f == 1.0) assert_close("RSWN with f = 1 (OBC) is zero", c, rswn[c], 0.0, TOL_IDENTITY);
      }
      if (f == 0.5) { /* the physics came out right: the chains are what we meant */
        assert_close("clean topological chain winds once", 0, rswn[0], 1.0, TOL_WINDING_CLEAN);
        assert_close("clean trivial chain winds zero times", 1, rswn[1], 0.0, TOL_WINDING_CLEAN);
      }
      free(a), free(bb), free(v), free(w), free(lambda), free(K), free(Q), free(work);
    }
}

static int argmax(const double *z, int C) {
  int k = 0;
  for (int c = 1; c < C; c++)
    if (z[c] > z[k]) k = c;
  return k;
}
static int argmaxf(const float *z, int C) {
  int k = 0;
  for (int c = 1; c < C; c++)
    if (z[c] > z[k]) k = c;
  return k;
}

/* An integer W = c (and W = c +- 0.45, still nearest to c) selects class c, in both
 * precisions and for beta below and above 1 (rho = -2, 3). */
static void test_head_integer_argmax(void **state) {
  (void)state;
  const int cmin = -2, cmax = 3, C = cmax - cmin + 1;
  const double offs[3] = {0.0, 0.45, -0.45}, rhos[2] = {-2.0, 3.0};
  for (int ir = 0; ir < 2; ir++)
    for (int c = cmin; c <= cmax; c++)
      for (int io = 0; io < 3; io++) {
        double W = c + offs[io], z[6], rho = rhos[ir];
        float Wf = (float)W, zf[6], rhof = (float)rho;
        tl_nn_head_forward_f64(z, &W, &rho, 1, cmin, cmax);
        tl_nn_head_forward_f32(zf, &Wf, &rhof, 1, cmin, cmax);
        assert_int_equal(argmax(z, C) + cmin, c);
        assert_int_equal(argmaxf(zf, C) + cmin, c);
        if (io == 0) /* the winning logit of an exact integer is exactly 0 */
          assert_true(z[c - cmin] == 0.0 && zf[c - cmin] == 0.0f);
      }
}

/* beta = exp(rho): the logits of W = 0.5 against classes 0..1 are -beta/4. */
static void test_head_beta_parametrisation(void **state) {
  (void)state;
  double W = 0.5, rho = log(8.0), z[2];
  tl_nn_head_forward_f64(z, &W, &rho, 1, 0, 1);
  assert_close("head logit with beta = 8 at distance 1/2", 0, z[0], -2.0, TOL_ROUNDOFF(1));
  assert_close("head logit with beta = 8 at distance 1/2", 1, z[1], -2.0, TOL_ROUNDOFF(1));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_topo_exact_equals_rswn),
      cmocka_unit_test(test_head_integer_argmax),
      cmocka_unit_test(test_head_beta_parametrisation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
