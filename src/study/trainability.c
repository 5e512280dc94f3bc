/* Trainability (claims C1-C3): for each model/initialisation and seed, does training fit
 * the training distribution, and did it learn the invariant — accuracy also on chains a
 * proxy cannot fake (bond disorder D = 2, gauge-flipped states, winding 2 for models
 * that can label it) and, for topo/sym, W close to the RSWN? Epochs to success, final
 * accuracies, loss curves with bands, and for topo the cosine of the learned tensors
 * with the exact ones along training (scale-free, hence blind to the gauge
 * lambda -> c lambda, K -> K / c^2 that leaves W unchanged). A random-label control
 * (an eigvec MLP trained on coin flips) must stay at chance. Its figures, expressivity
 * (C1) and report section are in trainability_report.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study/trainability.h"

static void sets_free(tr_ctx *s) {
  tl_samples_free(s->train);
  tl_samples_free(s->test);
  tl_samples_free(s->hard);
  tl_samples_free(s->w2);
  tl_samples_free(s->random_train);
  tl_samples_free(s->random_test);
}

/* Copies of the training and test sets with labels drawn at random, independent of the
 * chains: a pipeline that leaked labels into the inputs would beat chance on them. */
static tl_status random_labels(const tl_study_config_t *c, tr_ctx *s, tl_error *err) {
  tl_status st = tl_samples_copy(&s->random_train, s->train, err);
  if (!st) st = tl_samples_copy(&s->random_test, s->test, err);
  tl_samples_t *sets[2] = {s->random_train, s->random_test};
  for (int k = 0; k < 2 && !st; k++) {
    tl_rng_t rng;
    tl_rng_init(&rng, tl_study_seed(c->seed, "control", k), 0);
    for (int i = 0; i < sets[k]->N; i++) {
      sets[k]->label[i] = (int)tl_rng_below(&rng, 2);
      sets[k]->W[i] = sets[k]->label[i];
      sets[k]->ambiguous[i] = 0;
    }
  }
  return st;
}

static tl_status setup(tl_grid_t *g, tl_error *err) {
  const tl_study_config_t *c = g->c;
  tr_ctx *s = g->ctx;
  tl_set_spec_t sp;
  tl_set_spec_ssh(&sp, c->L, c->n_train, tl_study_seed(c->seed, "train", 0), c->train_disorder);
  sp.r_min = c->train_r_min; /* --train-ranges: every mean hopping uniform in [0, 2] */
  sp.r_max = c->train_r_max;
  for (int k = 0; k <= sp.r_max - sp.r_min; k++) sp.t_lo[k] = 0, sp.t_hi[k] = 2;
  tl_status st = tl_set_make(&sp, &s->train, err);
  sp.n = c->n_test;
  sp.seed = tl_study_seed(c->seed, "test", 0);
  if (!st) st = tl_set_make(&sp, &s->test, err);
  sp.disorder = 2.0;
  sp.seed = tl_study_seed(c->seed, "hard-disorder", 0);
  if (!st) st = tl_set_make(&sp, &s->hard, err);
  tl_set_spec_winding2(&sp, c->L, c->n_test / 4 > 16 ? c->n_test / 4 : 16, tl_study_seed(c->seed, "winding2", 0));
  if (!st) st = tl_set_make(&sp, &s->w2, err);
  if (!st) st = random_labels(c, s, err);
  return st;
}

static void cleanup(tl_grid_t *g) { sets_free(g->ctx); }

static int settings(const tl_study_config_t *c, tl_grid_setting_t *out) {
  (void)c;
  out[TR_MODELS] = (tl_grid_setting_t){"clean chains", "trainability", NULL, NULL};
  out[TR_CONTROL] = (tl_grid_setting_t){"random labels", "trainability", "mlp:eigvec",
                                        TR_CONTROL_NAME};
  return 2;
}

static void extra_work(const tl_study_config_t *c, tl_study_extra_work_t *w) {
  /* winding-2 chains are kept from about one candidate in three */
  w->chains_drawn = (double)c->n_train + 2.75 * (double)c->n_test;
  w->chains_judged = 3.25 * (double)c->n_test;
}

static void sets(const tl_grid_t *g, int setting, const tl_samples_t **train,
                 const tl_samples_t **test) {
  const tr_ctx *s = g->ctx;
  *train = setting == TR_CONTROL ? s->random_train : s->train;
  *test = setting == TR_CONTROL ? s->random_test : s->test;
}

/* The "learned the invariant" tests of one trained model; the control keeps its test
 * accuracy only. */
static tl_status judge(tl_grid_t *g, const tl_grid_cell_t *cell, tl_model_t *m,
                       const tl_cell_train_t *ct, double *v, tl_error *err) {
  const tl_study_config_t *c = g->c;
  const tr_ctx *s = g->ctx;
  v[K_FIT] = ct->fit_acc;
  v[K_EPOCHS] = ct->epochs_to_success;
  if (cell->setting == TR_CONTROL) return TL_OK;
  const int w_head = tl_study_w_head(&m->hp), eigvec = tl_study_eigvec_input(&m->hp);
  tl_status st = tl_study_accuracy(m, s->hard, 0, 0, &v[K_DIS], NULL, err);
  if (!st && eigvec) st = tl_study_accuracy(m, s->test, 1, 0, &v[K_GAUGE], NULL, err);
  if (!st && w_head) st = tl_study_accuracy(m, s->w2, 0, 1, &v[K_W2], NULL, err);
  if (!st && w_head) {
    double acc;
    st = tl_study_accuracy(m, s->test, 0, 1, &acc, &v[K_WMAX], err);
  }
  if (st) return st;
  tl_model_exact_cosines(m, &v[K_COSL], &v[K_COSK]);
  v[K_FITS] = v[K_FIT] >= c->success;
  int learned = v[K_FITS] && v[K_DIS] >= c->success;
  if (eigvec) learned &= v[K_GAUGE] >= c->success;
  if (w_head) learned &= v[K_W2] >= c->success && v[K_WMAX] < c->w_tol;
  v[K_LEARNED] = learned;
  return TL_OK;
}

const char *const tr_judge_keys[K_N] = {"fit_acc", "epochs_to_success", "acc_disorder2",
                                        "acc_gauge_flipped", "acc_winding2", "W_max_err",
                                        "cos_lambda", "cos_K", "fits", "learned"};

static tl_status cells_table(const tl_grid_t *g, tl_error *err) {
  const tl_study_config_t *c = g->c;
  tl_outfile_t o;
  tl_status st = tl_study_table(c, "trainability_cells.csv", &o, err);
  if (st) return st;
  fprintf(o.fp, "model,seed");
  for (int k = 0; k < K_N; k++) fprintf(o.fp, ",%s", tr_judge_keys[k]);
  fprintf(o.fp, "\n");
  for (int mi = 0; mi < c->nmodels; mi++)
    for (int si = 0; si < c->seeds; si++) {
      fprintf(o.fp, "%s,%d", c->models[mi].name, si);
      for (int k = 0; k < K_N; k++) tl_study_put(o.fp, tl_grid_vals(g, TR_MODELS, mi, si)[k]);
      fprintf(o.fp, "\n");
    }
  return tl_outfile_commit(&o, err);
}

/* Median over the seeds of column k where it is finite (NaN when nowhere). */
static double seed_median(const tl_grid_t *g, int mi, int k, double *scratch) {
  int nn = 0;
  for (int si = 0; si < g->c->seeds; si++) {
    const double x = tl_grid_vals(g, TR_MODELS, mi, si)[k];
    if (isfinite(x)) scratch[nn++] = x;
  }
  double a, b, med = NAN;
  if (nn) tl_quartiles(scratch, nn, &a, &med, &b);
  return med;
}

static void model_row(const tl_grid_t *g, int mi, FILE *fp, tl_summary_t *sum, double *scratch) {
  const int S = g->c->seeds;
  double fits = 0, learned = 0, q[3] = {NAN, NAN, NAN}, lo = INFINITY, hi = -INFINITY;
  int ns = 0;
  for (int si = 0; si < S; si++) {
    const double *v = tl_grid_vals(g, TR_MODELS, mi, si);
    fits += v[K_FITS];
    learned += v[K_LEARNED];
    lo = fmin(lo, v[K_FIT]);
    hi = fmax(hi, v[K_FIT]);
    if (v[K_EPOCHS] > 0) scratch[ns++] = v[K_EPOCHS];
  }
  if (ns) tl_quartiles(scratch, ns, &q[0], &q[1], &q[2]);
  double med[6];
  const int cols[6] = {K_FIT, K_DIS, K_GAUGE, K_W2, K_WMAX, K_COSK};
  for (int k = 0; k < 6; k++) med[k] = seed_median(g, mi, cols[k], scratch);
  const char *name = g->c->models[mi].name;
  fprintf(fp, "%s,%.4g,%.4g", name, fits / S, learned / S);
  tl_study_put(fp, q[1]);
  tl_study_put(fp, q[0]);
  tl_study_put(fp, q[2]);
  tl_study_put(fp, med[0]);
  tl_study_put(fp, lo);
  tl_study_put(fp, hi);
  for (int k = 1; k < 6; k++) tl_study_put(fp, med[k]);
  fprintf(fp, "\n");
  const char *what[6] = {TR_FIT_FRACTION, TR_LEARNED_FRACTION, "epochs_median",
                         TR_ACC_DISORDER2_MEDIAN, "W_max_err_median", "cos_K_median"};
  const double x[6] = {fits / S, learned / S, q[1], med[1], med[4], med[5]};
  for (int k = 0; k < 6; k++) {
    char key[96];
    tl_study_key(key, sizeof key, name, what[k]);
    tl_summary_add(sum, "trainability", key, x[k], NULL);
  }
}

/* Per model: success fractions, epochs to success, final accuracies; the control last. */
static tl_status models_table(const tl_grid_t *g, tl_summary_t *sum, double control_acc,
                              double *scratch, tl_error *err) {
  tl_outfile_t o;
  tl_status st = tl_study_table(g->c, "trainability.csv", &o, err);
  if (st) return st;
  fprintf(o.fp, "model,fit_fraction,learned_fraction,epochs_median,epochs_q25,epochs_q75,"
                "fit_acc_median,fit_acc_min,fit_acc_max,acc_disorder2_median,acc_gauge_median,"
                "acc_winding2_median,W_max_err_median,cos_K_median\n");
  for (int mi = 0; mi < g->c->nmodels; mi++) model_row(g, mi, o.fp, sum, scratch);
  fprintf(o.fp, "%s,,,,,,%.4g,,,,,,,\n", TR_CONTROL_NAME, control_acc);
  return tl_outfile_commit(&o, err);
}

/* Learning curves: median and IQR over seeds, per model. */
static tl_status curves_table(const tl_grid_t *g, double *scratch, tl_error *err) {
  const tl_study_config_t *c = g->c;
  tl_outfile_t o;
  tl_status st = tl_study_table(c, "trainability_curves.csv", &o, err);
  if (st) return st;
  fprintf(o.fp, "model,epoch,loss_median,loss_q25,loss_q75,test_acc_median,test_acc_q25,"
                "test_acc_q75,cos_K_median,cos_K_q25,cos_K_q75\n");
  for (int mi = 0; mi < c->nmodels; mi++)
    for (int e = 0; e < c->epochs; e++) {
      fprintf(o.fp, "%s,%d", c->models[mi].name, e + 1);
      const int cols[3] = {0, 2, 4};
      for (int k = 0; k < 3; k++) {
        int nn = 0;
        for (int si = 0; si < c->seeds; si++) {
          const double x = tl_grid_curve(g, TR_MODELS, mi, si)[(size_t)e * TL_CURVE_COLS + cols[k]];
          if (isfinite(x)) scratch[nn++] = x;
        }
        double a = NAN, b = NAN, med = NAN;
        if (nn) tl_quartiles(scratch, nn, &a, &med, &b);
        tl_study_put(o.fp, med);
        tl_study_put(o.fp, a);
        tl_study_put(o.fp, b);
      }
      fprintf(o.fp, "\n");
    }
  return tl_outfile_commit(&o, err);
}

static tl_status tables(tl_grid_t *g, tl_summary_t *sum, tl_error *err) {
  const tl_study_config_t *c = g->c;
  tl_status st = tr_expressivity(c, g->ctx, sum, err);
  double control_acc = 0;
  for (int sd = 0; sd < c->seeds; sd++) control_acc += tl_grid_vals(g, TR_CONTROL, 0, sd)[K_FIT] / c->seeds;
  if (!st) tl_summary_add(sum, "trainability", TR_CONTROL_NAME "/test_acc", control_acc, "chance is 0.5");
  double *scratch = tl_calloc((size_t)c->seeds + (size_t)c->epochs, sizeof *scratch);
  if (!st && !scratch) st = tl_error_set(err, TL_ERR_NOMEM, "out of memory for the trainability tables");
  if (!st) st = cells_table(g, err);
  if (!st) st = models_table(g, sum, control_acc, scratch, err);
  if (!st) st = curves_table(g, scratch, err);
  tl_free(scratch);
  return st;
}

const tl_study_def_t tl_study_trainability = {
    .name = "trainability",
    .about = "how often training from each initialisation fits, and learns the invariant (C1-C3)",
    .default_models = "topo:random,topo:exact+noise:0.01,topo:exact+noise:0.1,topo:exact+noise:1,"
                      "topo:exact,sym:random,sym:exact,mlp:eigvec,mlp:eigvec:gauge,mlp:hopping,"
                      "cnn:eigvec",
    .reproduce_seeds = 0,
    .ctx_size = sizeof(tr_ctx),
    .nvals = K_N,
    .keep_curves = 1,
    .nfigures = 4,
    .settings = settings,
    .extra_work = extra_work,
    .setup = setup,
    .cleanup = cleanup,
    .sets = sets,
    .judge = judge,
    .tables = tables,
    .figures = tr_figures,
    .report = tr_report,
};
