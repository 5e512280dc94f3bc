/* src/models/kinds/topo.c — topo, the invariant's own form (SPEC 1.4, SPEC 3).
 *
 * From a chain's states a_j, b_j (A and B amplitudes, j over the L lowest positive
 * energies): Q = sum_j lambda_j a_j b_j^T and W = sum_{n,m} K[n,m] Q[n,m]^2, then the
 * nearest-integer head on W (pass.c). Tensors lambda (L x 1) and K (L x L), then the
 * head's log_beta. Input: eigvec as two planes, all samples' a (B,S,L), then all b.
 *   random       lambda_j ~ N(0, 1), K ~ N(0, 1/L) (Q_AB rows have unit norm, so W is
 *                O(1) at any L)
 *   exact        lambda = 2, K[n,m] = -(x_m - x_n)/L' on bulk rows n, 0 elsewhere: the
 *                RSWN marker (SPEC 1.4)
 *   exact+noise  those plus the relative noise of model.h
 * Built once per precision (see models/real.h). */
#include <math.h>

#include "models/real.h"

/* ---- layout and passes (float and double) ------------------------------------------- */

typedef struct {
  size_t lambda, K; /* offsets in the parameter buffer */
} topo_tensors_t;
typedef struct {
  size_t Q, work; /* Q (B,L,L) kept for backward; tl_nn_topo_work_size */
} topo_acts_t;

static void topo_tensors(const tl_model_t *m, tl_model_blocks_t *t, topo_tensors_t *o) {
  o->lambda = tl_model_add_tensor(t, "lambda", 0, m->L, 1);
  o->K = tl_model_add_tensor(t, "K", 0, m->L, m->L);
}

static void topo_acts(const tl_model_t *m, int B, tl_model_blocks_t *a, topo_acts_t *o) {
  const size_t L = (size_t)m->L;
  o->Q = tl_model_add_act(a, "Q", 0, (size_t)B * L * L);
  o->work = tl_model_add_act(a, "work", 0, tl_nn_topo_work_size(m->L, m->L));
}

/* Where the tensors (t), the generic outputs (o) and topo's activations (a) live for
 * a workspace of B samples. */
static void topo_layout(const tl_model_t *m, int B, topo_tensors_t *t, tl_model_outs_t *o,
                        topo_acts_t *a) {
  tl_model_blocks_t params, acts;
  tl_model_blocks_init(&params, 0);
  topo_tensors(m, &params, t);
  tl_model_outs(m, B, &acts, o);
  topo_acts(m, B, &acts, a);
}

static void topo_featurise(const tl_model_t *m, const tl_samples_t *s, const int *idx, int B,
                           const signed char *flips, tl_real *x) {
  const int L = m->L;
  const size_t LL = (size_t)L * L;
  for (int bi = 0; bi < B; bi++) {
    const double *psi = s->psi + (size_t)idx[bi] * 2 * LL;
    const signed char *fl = flips ? flips + (size_t)bi * L : NULL;
    tl_real *a = x + (size_t)bi * LL, *b = x + (size_t)B * LL + (size_t)bi * LL;
    for (int j = 0; j < L; j++) {
      const double sg = fl ? fl[j] : 1;
      for (int n = 0; n < L; n++) {
        a[(size_t)j * L + n] = (tl_real)(sg * psi[(size_t)j * 2 * L + 2 * n]);
        b[(size_t)j * L + n] = (tl_real)(sg * psi[(size_t)j * 2 * L + 2 * n + 1]);
      }
    }
  }
}

/* x: a (B,S,L) then b (B,S,L) -> W (B). */
static void topo_forward(const tl_model_t *m, const tl_real *theta, const tl_real *x, int B,
                         tl_model_ws_t *ws) {
  topo_tensors_t t;
  tl_model_outs_t o;
  topo_acts_t a;
  topo_layout(m, ws->B, &t, &o, &a); /* offsets for the workspace's B; B <= ws->B used */
  const int L = m->L;
  const size_t SL = (size_t)B * L * L;
  TL_NN_FN(tl_nn_topo_forward)(tl_ws_at(ws, o.W), tl_ws_at(ws, a.Q), x, x + SL,
                               theta + t.lambda, theta + t.K, B, L, L, tl_ws_at(ws, a.work));
}

/* From dW (B) into d lambda, d K and, if dx, d a and d b. */
static void topo_backward(const tl_model_t *m, const tl_real *theta, tl_real *grad,
                          const tl_real *x, tl_real *dx, int B, tl_model_ws_t *ws) {
  topo_tensors_t t;
  tl_model_outs_t o;
  topo_acts_t a;
  topo_layout(m, ws->B, &t, &o, &a);
  const int L = m->L;
  const size_t SL = (size_t)B * L * L;
  TL_NN_FN(tl_nn_topo_backward)(grad + t.lambda, grad + t.K, dx, dx ? dx + SL : NULL,
                                tl_ws_at(ws, o.dW), tl_ws_at(ws, a.Q), x, x + SL,
                                theta + t.lambda, theta + t.K, B, L, L, tl_ws_at(ws, a.work));
}

const tl_model_pass_t TL_MODEL_PASSES(topo) = {topo_featurise, topo_forward, topo_backward};

#ifndef TL_MODEL_DOUBLE /* ---- the rest of the kind, built once ------------------------ */

static topo_tensors_t topo_tensors_of(const tl_model_t *m) {
  tl_model_blocks_t list;
  topo_tensors_t t;
  tl_model_blocks_init(&list, 0);
  topo_tensors(m, &list, &t);
  return t;
}

static void topo_tensor_list(const tl_model_t *m, tl_model_blocks_t *t) {
  topo_tensors_t o;
  topo_tensors(m, t, &o);
}

static void topo_act_list(const tl_model_t *m, int B, tl_model_blocks_t *a) {
  topo_acts_t o;
  topo_acts(m, B, a, &o);
}

static size_t topo_input_size(const tl_model_t *m) { return 2 * (size_t)m->L * m->L; }

/* K_exact[n,k] of SPEC 1.4: -(x_k - x_n)/L' on bulk rows, 0 elsewhere. */
static double exact_K(const tl_model_t *m, int n, int k) {
  if (n < m->bulk_start || n >= m->bulk_start + m->bulk_cells) return 0.0;
  return -(double)tl_model_distance(m, n, k) / m->bulk_cells;
}

static void topo_init(tl_model_t *m, tl_rng_t *rng) {
  const topo_tensors_t t = topo_tensors_of(m);
  float *lambda = m->params->param + t.lambda, *K = m->params->param + t.K;
  const int L = m->L;
  if (m->hp.init == TL_INIT_RANDOM) {
    /* lambda_j ~ N(0, 1): no preferred sign or scale; K ~ N(0, 1/L): Q_AB rows have unit
     * norm, so W = sum K Q^2 is then O(1) at any L. */
    tl_nn_init_normal(lambda, (size_t)L, 0.0, 1.0, rng);
    tl_nn_init_normal(K, (size_t)L * L, 0.0, 1.0 / sqrt((double)L), rng);
    return;
  }
  for (int j = 0; j < L; j++) lambda[j] = 2.0f; /* SPEC 1.4 */
  for (int n = 0; n < L; n++)
    for (int k = 0; k < L; k++) K[(size_t)n * L + k] = (float)exact_K(m, n, k);
  if (m->hp.init == TL_INIT_EXACT_NOISE) {
    tl_model_add_noise(lambda, (size_t)L, m->hp.init_sigma, rng);
    tl_model_add_noise(K, (size_t)L * L, m->hp.init_sigma, rng);
  }
}

/* |lambda - 2| / |2| and |K - K_exact| / |K_exact| (Frobenius). */
static void topo_distance(const tl_model_t *m, double *d_lambda, double *d_K) {
  const topo_tensors_t t = topo_tensors_of(m);
  const float *lambda = m->params->param + t.lambda, *K = m->params->param + t.K;
  double dl = 0, nl = 0, dk = 0, nk = 0;
  for (int j = 0; j < m->L; j++) dl += (lambda[j] - 2.0) * (lambda[j] - 2.0), nl += 4.0;
  for (int n = 0; n < m->L; n++)
    for (int k = 0; k < m->L; k++) {
      const double e = exact_K(m, n, k), d = K[(size_t)n * m->L + k] - e;
      dk += d * d, nk += e * e;
    }
  *d_lambda = sqrt(dl / nl);
  *d_K = sqrt(dk / nk); /* nk > 0: the bulk has a row with off-diagonal entries (L >= 2) */
}

/* Cosines of lambda with the all-2 vector and of K with K_exact: blind to the scale
 * training may give them. */
static void topo_cosines(const tl_model_t *m, double *cos_lambda, double *cos_K) {
  const topo_tensors_t t = topo_tensors_of(m);
  const float *lam = m->params->param + t.lambda, *K = m->params->param + t.K;
  const int L = m->L;
  double dot = 0, nn = 0;
  for (int j = 0; j < L; j++) {
    dot += 2.0 * lam[j];
    nn += (double)lam[j] * lam[j];
  }
  *cos_lambda = nn > 0 ? dot / (sqrt(nn) * 2.0 * sqrt((double)L)) : 0;
  double kd = 0, kk = 0, ee = 0;
  for (int n = m->bulk_start; n < m->bulk_start + m->bulk_cells; n++)
    for (int k = 0; k < L; k++) {
      const double e = exact_K(m, n, k);
      kd += e * K[(size_t)n * L + k];
      ee += e * e;
    }
  for (size_t i = 0; i < (size_t)L * L; i++) kk += (double)K[i] * K[i];
  *cos_K = kk > 0 && ee > 0 ? kd / sqrt(kk * ee) : 0;
}

extern const tl_model_pass_f64_t tl_topo_pass_f64;

const tl_model_kind_t tl_model_kind_topo = {
    .name = "topo",
    .help = "the invariant's form: W = sum K .* (sum_j lambda_j a_j b_j^T)^2 from the "
            "states, nearest-integer head",
    .traits = TL_MODEL_W_HEAD | TL_MODEL_EXACT_INIT | TL_MODEL_USES_BOUNDARY |
              TL_MODEL_INPUT_GRAD,
    .inputs = 1u << TL_INPUT_EIGVEC,
    .cost_us = 3,
    .cost_power = 3,
    .tensors = topo_tensor_list,
    .init = topo_init,
    .input_size = topo_input_size,
    .input_planes = 2,
    .acts = topo_act_list,
    .f32 = &tl_topo_pass_f32,
    .f64 = &tl_topo_pass_f64,
    .exact_distance = topo_distance,
    .exact_cosines = topo_cosines,
};

#endif /* TL_MODEL_DOUBLE */
