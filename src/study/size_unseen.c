/* Beyond the paper (SPEC 4): generalisation to other sizes and to unseen windings.
 * size: train at L, test at 2L and L/2. Only a model whose parameters do not depend on L
 * can be applied elsewhere — sym (one per-cell network, resized by tl_model_resize);
 * topo's K, and the first layers of mlp and cnn, are tied to L and are reported as not
 * applicable rather than retrained.
 * unseen: train on plain SSH chains (windings 0 and 1) stored with ranges 0..2 (t_2 = 0,
 * so inputs have the shape of the test chains), test on chains of ranges 0..2 with
 * winding 2. topo and sym predict round(W) over every integer; mlp/cnn can only output
 * the classes they were trained on. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study/study_internal.h"
#include "topolearn/outfile.h"

tl_status tl_study_size(const tl_study_config_t *c, const tl_study_hooks_t *h, tl_summary_t *sum,
                        tl_error *err) {
  const int M = c->nmodels, S = c->seeds;
  const int sizes[3] = {c->L, 2 * c->L, c->L / 2 > 4 ? c->L / 2 : 4};
  tl_samples_t *train = NULL, *test[3] = {0};
  tl_set_spec_t sp;
  tl_set_spec_ssh(&sp, c->L, c->n_train, tl_study_seed(c->seed, "train", 0), c->train_disorder);
  tl_status st = tl_set_make(&sp, &train, err);
  for (int k = 0; k < 3 && !st; k++) {
    tl_set_spec_ssh(&sp, sizes[k], c->n_test, tl_study_seed(c->seed, "size-test", sizes[k]), c->train_disorder);
    st = tl_set_make(&sp, &test[k], err);
  }
  double *acc = st ? NULL : tl_calloc((size_t)M * 3 * S, sizeof *acc);
  double *wmax = st ? NULL : tl_calloc((size_t)M * 3 * S, sizeof *wmax);
  if (!st && (!acc || !wmax)) st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
  for (int mi = 0; mi < M && !st; mi++)
    for (int sd = 0; sd < S && !st; sd++) {
      const tl_study_model_t *md = &c->models[mi];
      if (tl_study_tick(h, "size", (long)mi * S + sd, (long)M * S, md->name)) {
        st = tl_error_set(err, TL_ERR_INTERRUPTED, "interrupted");
        break;
      }
      tl_model_t *m;
      tl_cell_train_t ct;
      if ((st = tl_cell_train(c, h, "size", md, sd, train, test[0], &m, &ct, err))) break;
      tl_cell_train_free(&ct);
      if (!m) continue; /* train_only */
      for (int k = 0; k < 3 && !st; k++) {
        double *a = &acc[((size_t)mi * 3 + k) * S + sd], *w = &wmax[((size_t)mi * 3 + k) * S + sd];
        *a = *w = NAN;
        if (k == 0) {
          st = tl_study_accuracy(m, test[k], 0, 0, a, w, err);
        } else if (tl_model_has(m, TL_MODEL_SIZE_INDEPENDENT)) {
          tl_model_t *r;
          if ((st = tl_model_resize(&r, m, sizes[k], err))) break;
          st = tl_study_accuracy(r, test[k], 0, 0, a, w, err);
          tl_model_free(r);
        }
      }
      tl_model_free(m);
    }
  if (!st && !c->train_only) {
    char path[4096];
    tl_outfile_t o;
    st = tl_study_path(c, "data", "size.csv", path, sizeof path, err);
    if (!st) st = tl_outfile_begin(&o, path, 1, 1, err);
    if (!st) {
      fprintf(o.fp, "model,L_train,L_test,applicable,accuracy_mean,W_max_err_mean\n");
      for (int mi = 0; mi < M; mi++)
        for (int k = 0; k < 3; k++) {
          double a = 0, w = 0;
          for (int sd = 0; sd < S; sd++) {
            a += acc[((size_t)mi * 3 + k) * S + sd] / S;
            w += wmax[((size_t)mi * 3 + k) * S + sd] / S;
          }
          const int ok = isfinite(a);
          fprintf(o.fp, "%s,%d,%d,%d,", c->models[mi].name, c->L, sizes[k], ok);
          if (ok) fprintf(o.fp, "%.4f,", a);
          else fprintf(o.fp, ",");
          if (isfinite(w)) fprintf(o.fp, "%.4g\n", w);
          else fprintf(o.fp, "\n");
          char key[96];
          snprintf(key, sizeof key, "%s/acc_L%d", c->models[mi].name, sizes[k]);
          tl_summary_add(sum, "size", key, a, ok ? NULL : "not applicable (parameters tied to L)");
        }
      st = tl_outfile_commit(&o, err);
    }
  }
  tl_free(acc);
  tl_free(wmax);
  tl_samples_free(train);
  for (int k = 0; k < 3; k++) tl_samples_free(test[k]);
  return st;
}

tl_status tl_study_unseen(const tl_study_config_t *c, const tl_study_hooks_t *h,
                          tl_summary_t *sum, tl_error *err) {
  const int M = c->nmodels, S = c->seeds;
  tl_samples_t *train = NULL, *held = NULL, *w2 = NULL;
  tl_set_spec_t sp;
  tl_set_spec_ssh(&sp, c->L, c->n_train, tl_study_seed(c->seed, "unseen-train", 0), c->train_disorder);
  sp.r_max = 2; /* t_2 = 0: SSH chains in the shape of the test chains */
  tl_status st = tl_set_make(&sp, &train, err);
  sp.n = c->n_test;
  sp.seed = tl_study_seed(c->seed, "unseen-held", 0);
  if (!st) st = tl_set_make(&sp, &held, err);
  tl_set_spec_winding2(&sp, c->L, c->n_test, tl_study_seed(c->seed, "unseen-w2", 0));
  if (!st) st = tl_set_make(&sp, &w2, err);
  double *acc = st ? NULL : tl_calloc((size_t)M * 2 * S, sizeof *acc);
  if (!st && !acc) st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
  for (int mi = 0; mi < M && !st; mi++)
    for (int sd = 0; sd < S && !st; sd++) {
      const tl_study_model_t *md = &c->models[mi];
      if (tl_study_tick(h, "unseen", (long)mi * S + sd, (long)M * S, md->name)) {
        st = tl_error_set(err, TL_ERR_INTERRUPTED, "interrupted");
        break;
      }
      tl_model_t *m;
      tl_cell_train_t ct;
      if ((st = tl_cell_train(c, h, "unseen", md, sd, train, held, &m, &ct, err))) break;
      tl_cell_train_free(&ct);
      if (!m) continue; /* train_only */
      const int any = tl_model_has(m, TL_MODEL_W_HEAD);
      st = tl_study_accuracy(m, held, 0, 0, &acc[((size_t)mi * 2) * S + sd], NULL, err);
      if (!st) st = tl_study_accuracy(m, w2, 0, any, &acc[((size_t)mi * 2 + 1) * S + sd], NULL, err);
      tl_model_free(m);
    }
  if (!st && !c->train_only) {
    char path[4096];
    tl_outfile_t o;
    st = tl_study_path(c, "data", "unseen.csv", path, sizeof path, err);
    if (!st) st = tl_outfile_begin(&o, path, 1, 1, err);
    if (!st) {
      fprintf(o.fp, "model,acc_seen_windings_mean,acc_winding2_mean,acc_winding2_min,acc_winding2_max,"
                    "labels_winding2\n");
      for (int mi = 0; mi < M; mi++) {
        double a = 0, b = 0, lo = INFINITY, hi = -INFINITY;
        for (int sd = 0; sd < S; sd++) {
          a += acc[((size_t)mi * 2) * S + sd] / S;
          double x = acc[((size_t)mi * 2 + 1) * S + sd];
          b += x / S;
          lo = fmin(lo, x);
          hi = fmax(hi, x);
        }
        fprintf(o.fp, "%s,%.4f,%.4f,%.4f,%.4f,%s\n", c->models[mi].name, a, b, lo, hi,
                b >= c->success ? "yes" : "no");
        char key[96];
        snprintf(key, sizeof key, "%s/acc_winding2", c->models[mi].name);
        tl_summary_add(sum, "unseen", key, b, b >= c->success ? "labels winding 2" : "fails on winding 2");
      }
      st = tl_outfile_commit(&o, err);
    }
  }
  tl_free(acc);
  tl_samples_free(train);
  tl_samples_free(held);
  tl_samples_free(w2);
  return st;
}
