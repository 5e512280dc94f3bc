/* SVD pruning of a model's first dense layer (tl_model_prune, SPEC 4 C4), against facts
 * known independently of the code under test: a weight built as an exact rank-1 outer
 * product u v^T has one singular value |u| |v| and the rest zero; its right-singular
 * vector is v, so its weight shares are those of v, computed here from v directly; the
 * full-rank point of the curve is the unpruned model (tl_model_eval's accuracy, exactly),
 * and the model's parameters come back bit for bit. */
#include "check.h"
#include "test_model_util.h"

/* Singular values of a float matrix in double: eps-relative to the largest, with the
 * float rounding of u v^T (each entry within FLT_EPSILON / 2 relative) on top. */
#define TOL_SIGMA_F32 (8.0 * FLT_EPSILON)

static tl_model_t *mlp_eigvec(int L) {
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("mlp"));
  hp.nlayers = 1;
  hp.width[0] = 8;
  return make_model(&hp, L, 5);
}

static float *tensor(tl_model_t *m, const char *name, int *rows, int *cols) {
  const int t = tl_nn_params_find(m->params, name);
  assert_true(t >= 0);
  *rows = m->params->tensor[t].rows;
  *cols = m->params->tensor[t].cols;
  return m->params->param + m->params->tensor[t].offset;
}

/* dense1_w = u v^T with v on the two lowest states of the eigvec input (inputs
 * i = state * 2L + 2 * cell + site, states ascending in energy) and, within them, only
 * on cells 0 and L-1 (edge cells for e = 1). */
static void test_rank_one(void **state) {
  (void)state;
  const int L = 12;
  tl_model_t *m = mlp_eigvec(L);
  int R, C;
  float *w = tensor(m, "dense1_w", &R, &C);
  assert_int_equal(C, 2 * L * L);
  double u[8], v[2 * 12 * 12] = {0}, nu = 0, nv = 0;
  for (int i = 0; i < R; i++) {
    u[i] = 0.5 + 0.25 * i;
    nu += u[i] * u[i];
  }
  for (int st = 0; st < 2; st++)
    for (int site = 0; site < 2; site++) {
      v[st * 2 * L + 0 + site] = 1.0 + st + 0.5 * site;                  /* cell 0     */
      v[st * 2 * L + 2 * (L - 1) + site] = 2.0 - 0.25 * st + 0.5 * site; /* cell L - 1 */
    }
  for (int j = 0; j < C; j++) nv += v[j] * v[j];
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++) w[(size_t)i * C + j] = (float)(u[i] * v[j]);
  const size_t np = m->params->count;
  float *before = malloc(np * sizeof *before);
  memcpy(before, m->params->param, np * sizeof *before);

  tl_samples_t *s = make_ssh_set(300, L, 2.0, 0.0, 11, 0);
  const tl_samples_t *sets[1] = {s};
  tl_prune_t p;
  tl_error err = {0};
  assert_int_equal(tl_model_prune(m, sets, 1, NULL, 1, &p, &err), TL_OK);
  assert_int_equal(p.K, R);
  assert_close("sigma_1 = |u| |v|", 0, p.sigma[0], sqrt(nu * nv), TOL_SIGMA_F32 * sqrt(nu * nv));
  for (int q = 1; q < p.K; q++) assert_close("sigma_q = 0", q, p.sigma[q], 0.0, TOL_SIGMA_F32 * p.sigma[0]);
  /* the curve: 1, 2, 4, 8 = K */
  assert_int_equal(p.npoints, 4);
  for (int q = 0; q < p.npoints; q++) assert_int_equal(p.k[q], 1 << q);
  /* full rank is the unpruned model, and the parameters are restored bit for bit */
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  tl_eval_t ev;
  assert_int_equal(tl_model_eval(m, s, &eo, NULL, NULL, &ev, &err), TL_OK);
  assert_true(p.acc[0][p.npoints - 1] == ev.accuracy);
  tl_eval_free(&ev);
  assert_memory_equal(before, m->params->param, np * sizeof *before);
  /* the top vector is v: all of its weight on the two lowest states and on the edge
   * cells (e = 1 at each end: uniform share 2/L), shares from v itself */
  assert_close("edge share of v", 0, p.edge_frac[0], 1.0, TOL_IDENTITY);
  assert_close("edge uniform", 0, p.edge_uniform, 2.0 / L, 0.0);
  assert_close("low-state share of v", 0, p.lowstate_frac[0], 1.0, TOL_IDENTITY);
  assert_close("low-state uniform", 0, p.lowstate_uniform, 2.0 / L, 0.0);
  /* heat map of vector 1: state 0, cell 0 holds (v[0]^2 + v[1]^2) / |v|^2 */
  const double h00 = (v[0] * v[0] + v[1] * v[1]) / nv;
  assert_close("heat[0][0,0]", 0, p.heat[0] / p.heat_total[0], h00, TOL_IDENTITY);
  /* k = 1 keeps all of a rank-1 layer: the model's predictions do not change */
  assert_true(p.acc[0][0] == p.acc[0][p.npoints - 1]);
  assert_int_equal(p.k_needed, 1);
  tl_prune_free(&p);
  tl_prune_free(&p); /* harmless twice */
  tl_samples_free(s);
  free(before);
  tl_model_free(m);
}

/* A trained-like random layer: sigma descending, accuracies in [0, 1] for two sets, and
 * a cnn (no state axis: the low-state share is NaN). */
static void test_random_layers(void **state) {
  (void)state;
  const int L = 16;
  tl_samples_t *a = make_ssh_set(200, L, 2.0, 0.0, 3, 0), *b = make_ssh_set(150, L, 2.0, 1.0, 4, 0);
  const tl_samples_t *sets[2] = {a, b};
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("cnn"));
  tl_model_t *m = make_model(&hp, L, 9);
  tl_prune_t p;
  tl_error err = {0};
  assert_int_equal(tl_model_prune(m, sets, 2, NULL, 1, &p, &err), TL_OK);
  assert_true(p.K == (p.rows < p.cols ? p.rows : p.cols));
  for (int q = 1; q < p.K; q++) assert_true(p.sigma[q] <= p.sigma[q - 1]);
  assert_int_equal(p.k[p.npoints - 1], p.K);
  for (int s = 0; s < 2; s++)
    for (int q = 0; q < p.npoints; q++) assert_true(p.acc[s][q] >= 0 && p.acc[s][q] <= 1);
  assert_int_equal(p.states, 0);
  assert_true(isnan(p.lowstate_frac[0]) && isnan(p.lowstate_uniform));
  assert_int_equal(p.ax1, L / 4); /* two pools of 2 */
  tl_prune_free(&p);
  tl_model_free(m);
  tl_samples_free(a);
  tl_samples_free(b);
}

static void test_refusals(void **state) {
  (void)state;
  const int L = 12;
  tl_samples_t *s = make_ssh_set(20, L, 2.0, 0.0, 1, 1);
  const tl_samples_t *sets[1] = {s};
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("topo"));
  tl_model_t *topo = make_model(&hp, L, 1);
  tl_prune_t p;
  tl_error err = {0};
  assert_int_equal(tl_model_prune(topo, sets, 1, NULL, 2, &p, &err), TL_ERR_INPUT);
  assert_string_equal(err.msg, "a topo model has no dense layer to prune (expected mlp or cnn)");
  tl_model_t *m = mlp_eigvec(L);
  assert_int_equal(tl_model_prune(m, sets, 1, NULL, 7, &p, &err), TL_ERR_INPUT);
  assert_string_equal(err.msg, "edge cells: 7 at each end of 12 (expected 0..6)");
  assert_int_equal(tl_model_prune(m, sets, 0, NULL, 2, &p, &err), TL_ERR_INPUT);
  tl_model_free(topo);
  tl_model_free(m);
  tl_samples_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rank_one),
      cmocka_unit_test(test_random_layers),
      cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
