/* Trainability (SPEC 4): for each model/initialisation and seed, does training fit the
 * training distribution, and did it learn the invariant — accuracy also on chains a
 * proxy cannot fake (bond disorder D = 2, gauge-flipped states, winding 2 for models
 * that can label it) and, for topo/sym, W close to the RSWN? Epochs to success, final
 * accuracies, loss curves with bands, and for topo the cosine of the learned tensors
 * with the exact ones along training (scale-free, hence blind to the gauge
 * lambda -> c lambda, K -> K / c^2 that leaves W unchanged). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study/study_internal.h"
#include "topolearn/outfile.h"

typedef struct {
  tl_samples_t *train, *test, *hard, *w2;
} sets_t;

static void sets_free(sets_t *s) {
  tl_samples_free(s->train);
  tl_samples_free(s->test);
  tl_samples_free(s->hard);
  tl_samples_free(s->w2);
}

static tl_status make_sets(const tl_study_config_t *c, sets_t *s, tl_error *err) {
  memset(s, 0, sizeof *s);
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
  if (st) sets_free(s);
  return st;
}

enum { K_FIT, K_EPOCHS, K_DIS, K_GAUGE, K_W2, K_WMAX, K_COSL, K_COSK, K_FITS, K_LEARNED, K_N };

/* The "learned the invariant" tests of one trained model. */
static tl_status judge(const tl_study_config_t *c, const tl_model_t *m, const sets_t *s,
                       const tl_cell_train_t *ct, double *v, tl_error *err) {
  const int invariant_head = tl_model_has(m, TL_MODEL_W_HEAD);
  const int eigvec_input = m->hp.input == TL_INPUT_EIGVEC; /* gauge flips reach it */
  v[K_FIT] = ct->fit_acc;
  v[K_EPOCHS] = ct->epochs_to_success;
  tl_status st = tl_study_accuracy(m, s->hard, 0, 0, &v[K_DIS], NULL, err);
  v[K_GAUGE] = NAN;
  if (!st && eigvec_input) st = tl_study_accuracy(m, s->test, 1, 0, &v[K_GAUGE], NULL, err);
  v[K_W2] = NAN;
  v[K_WMAX] = NAN;
  if (!st && invariant_head) st = tl_study_accuracy(m, s->w2, 0, 1, &v[K_W2], NULL, err);
  if (!st && invariant_head) {
    double acc;
    st = tl_study_accuracy(m, s->test, 0, 1, &acc, &v[K_WMAX], err);
  }
  if (st) return st;
  tl_model_exact_cosines(m, &v[K_COSL], &v[K_COSK]);
  v[K_FITS] = v[K_FIT] >= c->success;
  int learned = v[K_FITS] && v[K_DIS] >= c->success;
  if (eigvec_input) learned &= v[K_GAUGE] >= c->success;
  if (invariant_head) learned &= v[K_W2] >= c->success && v[K_WMAX] < c->w_tol;
  v[K_LEARNED] = learned;
  return TL_OK;
}

static const char *const judge_keys[K_N] = {"fit_acc", "epochs_to_success", "acc_disorder2",
                                            "acc_gauge_flipped", "acc_winding2", "W_max_err",
                                            "cos_lambda", "cos_K", "fits", "learned"};

/* Expressivity (C1): the exact initialisations, untrained, against the RSWN on the
 * clean test set, at bond disorder 2 and on winding-2 chains. */
static tl_status expressivity(const tl_study_config_t *c, const sets_t *s, tl_summary_t *sum,
                              tl_error *err) {
  char path[4096];
  tl_outfile_t o;
  tl_status st = tl_study_path(c, "data", "expressivity.csv", path, sizeof path, err);
  if (!st) st = tl_outfile_begin(&o, path, 1, 1, err);
  if (st) return st;
  fprintf(o.fp, "model,set,accuracy,W_max_err\n");
  const char *specs[2] = {"topo:exact", "sym:exact"};
  const char *set_names[3] = {"clean", "bond_disorder_2", "winding_2"};
  const tl_samples_t *sets[3] = {s->test, s->hard, s->w2};
  for (int k = 0; k < 2 && !st; k++)
    for (int t = 0; t < 3 && !st; t++) {
      /* one exact model per set: the ranges of the set fix the model's shape */
      tl_study_model_t md;
      tl_model_t *m = NULL;
      tl_rng_t rng;
      tl_rng_init(&rng, 0, 0);
      if ((st = tl_study_model_parse(specs[k], c->L, &md, err))) break;
      md.hp.cmin = 0;
      md.hp.cmax = 2;
      if ((st = tl_model_new(&m, &md.hp, c->L, sets[t]->r_min, sets[t]->r_max, &rng, err))) break;
      double acc, wmax;
      st = tl_study_accuracy(m, sets[t], 0, 1, &acc, &wmax, err);
      tl_model_free(m);
      if (st) break;
      fprintf(o.fp, "%s,%s,%.6f,%.3g\n", specs[k], set_names[t], acc, wmax);
      char key[96];
      snprintf(key, sizeof key, "%s/acc_%s", specs[k], set_names[t]);
      tl_summary_add(sum, "expressivity", key, acc, NULL);
      snprintf(key, sizeof key, "%s/W_max_err_%s", specs[k], set_names[t]);
      tl_summary_add(sum, "expressivity", key, wmax, NULL);
    }
  if (st) {
    tl_outfile_abort(&o);
    return st;
  }
  return tl_outfile_commit(&o, err);
}

/* Random-label control: an eigvec MLP trained and tested on labels drawn at random,
 * independent of the chains. Its test accuracy must sit at chance (1/2): a pipeline that
 * leaked labels into the inputs would show here. */
static tl_status control(const tl_study_config_t *c, const tl_study_hooks_t *h, const sets_t *s,
                         tl_summary_t *sum, double *acc_mean, tl_error *err) {
  tl_samples_t *tr = NULL, *te = NULL;
  tl_status st = tl_samples_copy(&tr, s->train, err);
  if (!st) st = tl_samples_copy(&te, s->test, err);
  tl_samples_t *sets[2] = {tr, te};
  for (int k = 0; k < 2 && !st; k++) {
    tl_rng_t rng;
    tl_rng_init(&rng, tl_study_seed(c->seed, "control", k), 0);
    for (int i = 0; i < sets[k]->N; i++) {
      sets[k]->label[i] = (int)tl_rng_below(&rng, 2);
      sets[k]->W[i] = sets[k]->label[i];
      sets[k]->ambiguous[i] = 0;
    }
  }
  tl_study_model_t md;
  if (!st) st = tl_study_model_parse("mlp:eigvec", c->L, &md, err);
  snprintf(md.name, sizeof md.name, "control:random-labels");
  *acc_mean = 0;
  for (int sd = 0; sd < c->seeds && !st; sd++) {
    tl_model_t *m;
    tl_cell_train_t ct;
    if ((st = tl_cell_train(c, h, "trainability", &md, sd, tr, te, &m, &ct, err))) break;
    if (!m) continue;
    *acc_mean += ct.fit_acc / c->seeds;
    tl_cell_train_free(&ct);
    tl_model_free(m);
  }
  if (!st) tl_summary_add(sum, "trainability", "control:random-labels/test_acc", *acc_mean,
                          "chance is 0.5");
  tl_samples_free(tr);
  tl_samples_free(te);
  return st;
}

static void put(FILE *fp, double x) {
  if (isfinite(x)) fprintf(fp, ",%.6g", x);
  else fprintf(fp, ",");
}

tl_status tl_study_trainability(const tl_study_config_t *c, const tl_study_hooks_t *h,
                                tl_summary_t *sum, tl_error *err) {
  sets_t s;
  tl_status st = make_sets(c, &s, err);
  if (st) return st;
  if (!c->train_only && (st = expressivity(c, &s, sum, err))) {
    sets_free(&s);
    return st;
  }
  const int S = c->seeds, M = c->nmodels, E = c->epochs;
  double *vals = tl_calloc((size_t)M * S * K_N, sizeof *vals);
  double *curves = tl_calloc((size_t)M * S * E * TL_CURVE_COLS, sizeof *curves);
  double *scratch = tl_calloc((size_t)S, sizeof *scratch);
  if (!vals || !curves || !scratch) {
    st = tl_error_set(err, TL_ERR_NOMEM, "out of memory for the trainability grid");
    goto done;
  }
  for (int mi = 0; mi < M && !st; mi++)
    for (int si = 0; si < S && !st; si++) {
      const tl_study_model_t *md = &c->models[mi];
      if (tl_study_tick(h, "trainability", (long)mi * S + si, (long)M * S, md->name)) {
        st = tl_error_set(err, TL_ERR_INTERRUPTED, "interrupted");
        break;
      }
      tl_model_t *m;
      tl_cell_train_t ct;
      st = tl_cell_train(c, h, "trainability", md, si, s.train, s.test, &m, &ct, err);
      if (st) break;
      if (!m) continue; /* train_only: another process's cell, or nothing to judge */
      st = judge(c, m, &s, &ct, vals + ((size_t)mi * S + si) * K_N, err);
      memcpy(curves + ((size_t)mi * S + si) * E * TL_CURVE_COLS, ct.curve,
             (size_t)E * TL_CURVE_COLS * sizeof *curves);
      tl_cell_train_free(&ct);
      tl_model_free(m);
    }
  double control_acc = NAN;
  if (!st) st = control(c, h, &s, sum, &control_acc, err);
  if (st || c->train_only) goto done;

  char path[4096];
  tl_outfile_t o;
  /* per cell */
  if ((st = tl_study_path(c, "data", "trainability_cells.csv", path, sizeof path, err))) goto done;
  if ((st = tl_outfile_begin(&o, path, 1, 1, err))) goto done;
  fprintf(o.fp, "model,seed");
  for (int k = 0; k < K_N; k++) fprintf(o.fp, ",%s", judge_keys[k]);
  fprintf(o.fp, "\n");
  for (int mi = 0; mi < M; mi++)
    for (int si = 0; si < S; si++) {
      fprintf(o.fp, "%s,%d", c->models[mi].name, si);
      for (int k = 0; k < K_N; k++) put(o.fp, vals[((size_t)mi * S + si) * K_N + k]);
      fprintf(o.fp, "\n");
    }
  if ((st = tl_outfile_commit(&o, err))) goto done;

  /* per model: success fractions, epochs to success, final accuracies */
  if ((st = tl_study_path(c, "data", "trainability.csv", path, sizeof path, err))) goto done;
  if ((st = tl_outfile_begin(&o, path, 1, 1, err))) goto done;
  fprintf(o.fp, "model,fit_fraction,learned_fraction,epochs_median,epochs_q25,epochs_q75,"
                "fit_acc_median,fit_acc_min,fit_acc_max,acc_disorder2_median,acc_gauge_median,"
                "acc_winding2_median,W_max_err_median,cos_K_median\n");
  for (int mi = 0; mi < M; mi++) {
    double fits = 0, learned = 0, q[3] = {NAN, NAN, NAN}, lo = INFINITY, hi = -INFINITY;
    int ns = 0;
    for (int si = 0; si < S; si++) {
      const double *v = vals + ((size_t)mi * S + si) * K_N;
      fits += v[K_FITS];
      learned += v[K_LEARNED];
      lo = fmin(lo, v[K_FIT]);
      hi = fmax(hi, v[K_FIT]);
      if (v[K_EPOCHS] > 0) scratch[ns++] = v[K_EPOCHS];
    }
    if (ns) tl_quartiles(scratch, ns, &q[0], &q[1], &q[2]);
    double med[6];
    const int cols[6] = {K_FIT, K_DIS, K_GAUGE, K_W2, K_WMAX, K_COSK};
    for (int k = 0; k < 6; k++) {
      int nn = 0;
      for (int si = 0; si < S; si++) {
        double x = vals[((size_t)mi * S + si) * K_N + cols[k]];
        if (isfinite(x)) scratch[nn++] = x;
      }
      double a, b;
      med[k] = NAN;
      if (nn) tl_quartiles(scratch, nn, &a, &med[k], &b);
    }
    const char *name = c->models[mi].name;
    fprintf(o.fp, "%s,%.4g,%.4g", name, fits / S, learned / S);
    put(o.fp, q[1]);
    put(o.fp, q[0]);
    put(o.fp, q[2]);
    put(o.fp, med[0]);
    put(o.fp, lo);
    put(o.fp, hi);
    for (int k = 1; k < 6; k++) put(o.fp, med[k]);
    fprintf(o.fp, "\n");
    char key[96];
    snprintf(key, sizeof key, "%s/fit_fraction", name);
    tl_summary_add(sum, "trainability", key, fits / S, NULL);
    snprintf(key, sizeof key, "%s/learned_fraction", name);
    tl_summary_add(sum, "trainability", key, learned / S, NULL);
    snprintf(key, sizeof key, "%s/epochs_median", name);
    tl_summary_add(sum, "trainability", key, q[1], NULL);
    snprintf(key, sizeof key, "%s/acc_disorder2_median", name);
    tl_summary_add(sum, "trainability", key, med[1], NULL);
    snprintf(key, sizeof key, "%s/W_max_err_median", name);
    tl_summary_add(sum, "trainability", key, med[4], NULL);
    snprintf(key, sizeof key, "%s/cos_K_median", name);
    tl_summary_add(sum, "trainability", key, med[5], NULL);
  }
  fprintf(o.fp, "control:random-labels,,,,,,%.4g,,,,,,,\n", control_acc);
  if ((st = tl_outfile_commit(&o, err))) goto done;

  /* learning curves: median and IQR over seeds, per model */
  if ((st = tl_study_path(c, "data", "trainability_curves.csv", path, sizeof path, err))) goto done;
  if ((st = tl_outfile_begin(&o, path, 1, 1, err))) goto done;
  fprintf(o.fp, "model,epoch,loss_median,loss_q25,loss_q75,test_acc_median,test_acc_q25,"
                "test_acc_q75,cos_K_median,cos_K_q25,cos_K_q75\n");
  for (int mi = 0; mi < M; mi++)
    for (int e = 0; e < E; e++) {
      fprintf(o.fp, "%s,%d", c->models[mi].name, e + 1);
      const int cols[3] = {0, 2, 4};
      for (int k = 0; k < 3; k++) {
        int nn = 0;
        for (int si = 0; si < S; si++) {
          double x = curves[(((size_t)mi * S + si) * E + e) * TL_CURVE_COLS + cols[k]];
          if (isfinite(x)) scratch[nn++] = x;
        }
        double a = NAN, b = NAN, med = NAN;
        if (nn) tl_quartiles(scratch, nn, &a, &med, &b);
        put(o.fp, med);
        put(o.fp, a);
        put(o.fp, b);
      }
      fprintf(o.fp, "\n");
    }
  st = tl_outfile_commit(&o, err);
done:
  tl_free(vals);
  tl_free(curves);
  tl_free(scratch);
  sets_free(&s);
  return st;
}
