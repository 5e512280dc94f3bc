/* What the networks use (SPEC 4, C4): SVD of the first dense layer of trained mlp/cnn
 * models, accuracy after keeping the top-k singular values, and where the top right-
 * singular vectors put their weight over both input axes — edge cells against their
 * uniform share, the two lowest-energy (edge) states against theirs. The measure can
 * show either answer: a proxy reading bulk states (e.g. the sign-gauge convention) or
 * one reading edge modes. */
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study/study_internal.h"
#include "topolearn/outfile.h"

/* The first dense layer and the two axes of its input: rows x cols of the heat map
 * (eigvec: states x cells; hopping: ranges x cells; qab: cells x cells; cnn: channels x
 * pooled cells). */
typedef struct {
  int tensor, rows, cols;   /* rows/cols of the weight: out x in                     */
  int ax0, ax1;             /* input = ax0 x ax1                                     */
  int states;               /* 1 when ax0 indexes states ascending in energy         */
  int cell_axis_len;        /* cells along ax1 (for the edge share)                  */
  int cell_stride;          /* consecutive inputs per (ax0, ax1) pair (2 sites)      */
} layer_view;

static tl_status first_dense(const tl_model_t *m, layer_view *lv, tl_error *err) {
  memset(lv, 0, sizeof *lv);
  const char *name = m->hp.kind == TL_MODEL_MLP && m->hp.nlayers > 0 ? "dense1_w" : "out_w";
  if (m->hp.kind != TL_MODEL_MLP && m->hp.kind != TL_MODEL_CNN)
    return tl_error_set(err, TL_ERR_INPUT, "prune: %s has no dense layer (expected mlp or cnn)",
                        tl_model_kind_name(m->hp.kind));
  lv->tensor = tl_nn_params_find(m->params, name);
  if (lv->tensor < 0) return tl_error_set(err, TL_ERR_INTERNAL, "prune: no tensor %s", name);
  lv->rows = m->params->tensor[lv->tensor].rows;
  lv->cols = m->params->tensor[lv->tensor].cols;
  const int L = m->L;
  lv->cell_stride = 1;
  if (m->hp.kind == TL_MODEL_CNN) {
    int len = L;
    for (int i = 0; i < m->hp.nlayers; i++) len /= m->hp.pool;
    lv->ax1 = len;
    lv->ax0 = lv->cols / len;
  } else if (m->hp.input == TL_INPUT_EIGVEC) {
    lv->ax0 = L, lv->ax1 = L, lv->states = 1, lv->cell_stride = 2;
  } else if (m->hp.input == TL_INPUT_HOPPING) {
    lv->ax0 = m->R, lv->ax1 = L; /* input index n*R + k: transposed below */
  } else {
    lv->ax0 = L, lv->ax1 = L;
  }
  lv->cell_axis_len = lv->ax1;
  return TL_OK;
}

/* Weight of input i of a right-singular vector on the heat-map cell (a0, a1). */
static void heat(const tl_model_t *m, const layer_view *lv, const double *v, double *hm) {
  memset(hm, 0, (size_t)lv->ax0 * lv->ax1 * sizeof *hm);
  for (int i = 0; i < lv->cols; i++) {
    int a0, a1;
    if (m->hp.kind == TL_MODEL_MLP && m->hp.input == TL_INPUT_HOPPING) {
      a1 = i / m->R, a0 = i % m->R;
    } else {
      a0 = i / (lv->ax1 * lv->cell_stride), a1 = (i / lv->cell_stride) % lv->ax1;
    }
    hm[(size_t)a0 * lv->ax1 + a1] += v[i] * v[i];
  }
}

/* w (R x C) = the top-k part of its SVD U diag(sv) VT. At full rank the original
 * weights are the reconstruction up to round-off; using them makes full rank equal the
 * unpruned model exactly. */
static void keep_top(float *w, const float *orig, const double *U, const double *sv,
                     const double *VT, int R, int C, int K, int k) {
  if (k >= K) {
    memcpy(w, orig, (size_t)R * C * sizeof *w);
    return;
  }
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++) {
      double x = 0;
      for (int q = 0; q < k; q++) x += U[(size_t)i * K + q] * sv[q] * VT[(size_t)q * C + j];
      w[(size_t)i * C + j] = (float)x;
    }
}

tl_status tl_study_prune(const tl_study_config_t *c, const tl_study_hooks_t *h, tl_summary_t *sum,
                         tl_error *err) {
  const int M = c->nmodels, S = c->seeds, e = c->edge_cells;
  tl_samples_t *train = NULL, *clean = NULL, *dis = NULL;
  tl_set_spec_t sp;
  tl_set_spec_ssh(&sp, c->L, c->n_train, tl_study_seed(c->seed, "train", 0), c->train_disorder);
  tl_status st = tl_set_make(&sp, &train, err);
  tl_set_spec_ssh(&sp, c->L, c->n_test, tl_study_seed(c->seed, "test", 0), 0);
  if (!st) st = tl_set_make(&sp, &clean, err);
  tl_set_spec_ssh(&sp, c->L, c->n_test, tl_study_seed(c->seed, "prune-D1", 0), 1.0);
  if (!st) st = tl_set_make(&sp, &dis, err);
  char path[4096];
  tl_outfile_t oc = {0}, ov = {0}, os = {0};
  if (!st) st = tl_study_path(c, "data", "prune_curves.csv", path, sizeof path, err);
  if (!st) st = tl_outfile_begin(&oc, path, 1, 1, err);
  if (!st) st = tl_study_path(c, "data", "prune_vectors.csv", path, sizeof path, err);
  if (!st) st = tl_outfile_begin(&ov, path, 1, 1, err);
  if (!st) st = tl_study_path(c, "data", "prune_singular.csv", path, sizeof path, err);
  if (!st) st = tl_outfile_begin(&os, path, 1, 1, err);
  if (!st) {
    fprintf(oc.fp, "model,seed,k,rank,acc_clean,acc_disordered\n");
    fprintf(ov.fp, "model,seed,vector,sigma,edge_frac,edge_uniform,lowstate_frac,lowstate_uniform\n");
    fprintf(os.fp, "series,model,seed,index,sigma\n");
  }
  tl_outfile_t om = {0}, op = {0};
  if (!st) st = tl_study_path(c, "data", "prune_curves_mean.csv", path, sizeof path, err);
  if (!st) st = tl_outfile_begin(&om, path, 1, 1, err);
  if (!st) st = tl_study_path(c, "data", "prune_vector_cells.csv", path, sizeof path, err);
  if (!st) st = tl_outfile_begin(&op, path, 1, 1, err);
  if (!st) {
    fprintf(om.fp, "model,k,acc_clean_mean,acc_disordered_mean\n");
    fprintf(op.fp, "series,model,vector,cell,weight\n");
  }
  for (int mi = 0; mi < M && !st; mi++) {
    double k_sum = 0, edge1 = 0, low12 = 0;
    double mean_c[32] = {0}, mean_d[32] = {0};
    int kk[32] = {0}, nk_model = 0;
    for (int sd = 0; sd < S && !st; sd++) {
      const tl_study_model_t *md = &c->models[mi];
      if (tl_study_tick(h, "prune", (long)mi * S + sd, (long)M * S, md->name)) {
        st = tl_error_set(err, TL_ERR_INTERRUPTED, "interrupted");
        break;
      }
      tl_model_t *m;
      tl_cell_train_t ct;
      if ((st = tl_cell_train(c, h, "prune", md, sd, train, clean, &m, &ct, err))) break;
      tl_cell_train_free(&ct);
      if (!m) continue; /* train_only */
      layer_view lv;
      if ((st = first_dense(m, &lv, err))) {
        tl_model_free(m);
        break;
      }
      const int R = lv.rows, C = lv.cols, K = R < C ? R : C;
      float *w = m->params->param + m->params->tensor[lv.tensor].offset;
      float *orig = tl_malloc((size_t)R * C * sizeof *orig);
      double *a = tl_malloc((size_t)R * C * sizeof *a), *sv = tl_malloc((size_t)K * sizeof *sv);
      double *U = tl_malloc((size_t)R * K * sizeof *U), *VT = tl_malloc((size_t)K * C * sizeof *VT);
      double *hm = tl_malloc((size_t)lv.ax0 * lv.ax1 * sizeof *hm);
      if (!orig || !a || !sv || !U || !VT || !hm) st = tl_error_set(err, TL_ERR_NOMEM, "out of memory in prune");
      if (!st) {
        memcpy(orig, w, (size_t)R * C * sizeof *w);
        for (size_t i = 0; i < (size_t)R * C; i++) a[i] = orig[i];
        lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', R, C, a, C, sv, U, K, VT, C);
        if (info) st = tl_error_set(err, TL_ERR_NUMERIC, "prune: dgesdd failed (info %d)", (int)info);
      }
      double full_clean = NAN;
      int k_needed = K, nk = 0;
      for (int k = 1; !st; k = k * 2 > K && k < K ? K : k * 2) {
        keep_top(w, orig, U, sv, VT, R, C, K, k);
        double ac, ad;
        st = tl_study_accuracy(m, clean, 0, 0, &ac, NULL, err);
        if (!st) st = tl_study_accuracy(m, dis, 0, 0, &ad, NULL, err);
        if (st) break;
        fprintf(oc.fp, "%s,%d,%d,%d,%.4f,%.4f\n", md->name, sd, k, K, ac, ad);
        if (nk < 32) {
          kk[nk] = k;
          mean_c[nk] += ac / S;
          mean_d[nk] += ad / S;
          nk++;
        }
        if (k == K) {
          full_clean = ac;
          break;
        }
      }
      if (!st) { /* smallest k within 1% of the full accuracy */
        memcpy(w, orig, (size_t)R * C * sizeof *w);
        for (int k = 1; k <= K; k *= 2) {
          double ac;
          keep_top(w, orig, U, sv, VT, R, C, K, k);
          if ((st = tl_study_accuracy(m, clean, 0, 0, &ac, NULL, err))) break;
          if (ac >= 0.99 * full_clean) {
            k_needed = k;
            break;
          }
        }
        memcpy(w, orig, (size_t)R * C * sizeof *w);
      }
      for (int q = 0; !st && q < K; q++)
        fprintf(os.fp, "%s/s%d,%s,%d,%d,%.6g\n", md->name, sd, md->name, sd, q + 1, sv[q]);
      for (int q = 0; !st && q < 4 && q < K; q++) {
        heat(m, &lv, VT + (size_t)q * C, hm);
        double tot = 0, edge = 0, low = 0;
        for (int a0 = 0; a0 < lv.ax0; a0++)
          for (int a1 = 0; a1 < lv.ax1; a1++) {
            double x = hm[(size_t)a0 * lv.ax1 + a1];
            tot += x;
            if (a1 < e || a1 >= lv.ax1 - e) edge += x;
            if (lv.states && a0 < 2) low += x;
          }
        const double eu = 2.0 * e / lv.ax1, lu = lv.states ? 2.0 / lv.ax0 : NAN;
        fprintf(ov.fp, "%s,%d,%d,%.6g,%.4f,%.4f,", md->name, sd, q + 1, sv[q], edge / tot, eu);
        if (lv.states) fprintf(ov.fp, "%.4f,%.4f\n", low / tot, lu);
        else fprintf(ov.fp, ",\n");
        if (q == 0) edge1 += edge / tot / S;
        if (q < 2 && lv.states) low12 += low / tot / (2.0 * S);
        if (sd == 0 && q < 2) /* the vector along the chain: weight per cell */
          for (int a1 = 0; a1 < lv.ax1; a1++) {
            double x = 0;
            for (int a0 = 0; a0 < lv.ax0; a0++) x += hm[(size_t)a0 * lv.ax1 + a1];
            fprintf(op.fp, "%s/v%d,%s,%d,%d,%.6g\n", md->name, q + 1, md->name, q + 1, a1, x / tot);
          }
        if (sd == 0 && q < 2) { /* heat maps of the top two vectors of the first seed */
          char fname[160], hp[4096];
          snprintf(fname, sizeof fname, "prune_heatmap_%s_v%d.csv", md->name, q + 1);
          for (char *p = fname; *p; p++)
            if (*p == ':') *p = '_';
          tl_outfile_t oh;
          if (!(st = tl_study_path(c, "data", fname, hp, sizeof hp, err)) &&
              !(st = tl_outfile_begin(&oh, hp, 1, 1, err))) {
            fprintf(oh.fp, "%s,cell,weight\n", lv.states ? "state" : "row");
            for (int a0 = 0; a0 < lv.ax0; a0++)
              for (int a1 = 0; a1 < lv.ax1; a1++)
                fprintf(oh.fp, "%d,%d,%.6g\n", a0, a1, hm[(size_t)a0 * lv.ax1 + a1] / tot);
            st = tl_outfile_commit(&oh, err);
          }
        }
      }
      k_sum += (double)k_needed / S;
      nk_model = nk;
      tl_free(orig);
      tl_free(a);
      tl_free(sv);
      tl_free(U);
      tl_free(VT);
      tl_free(hm);
      tl_model_free(m);
    }
    for (int q = 0; !st && q < nk_model; q++)
      fprintf(om.fp, "%s,%d,%.4f,%.4f\n", c->models[mi].name, kk[q], mean_c[q], mean_d[q]);
    if (!st) {
      char key[96];
      snprintf(key, sizeof key, "%s/k_needed_mean", c->models[mi].name);
      tl_summary_add(sum, "prune", key, k_sum, NULL);
      snprintf(key, sizeof key, "%s/v1_edge_cell_share", c->models[mi].name);
      tl_summary_add(sum, "prune", key, edge1, NULL);
      snprintf(key, sizeof key, "%s/v1v2_lowstate_share", c->models[mi].name);
      tl_summary_add(sum, "prune", key, c->models[mi].hp.input == TL_INPUT_EIGVEC &&
                                            c->models[mi].hp.kind == TL_MODEL_MLP ? low12 : NAN, NULL);
    }
  }
  if (!st && !c->train_only) { /* train_only: the tables come from the aggregating run */
    st = tl_outfile_commit(&oc, err);
    if (!st) st = tl_outfile_commit(&ov, err);
    if (!st) st = tl_outfile_commit(&os, err);
    if (!st) st = tl_outfile_commit(&om, err);
    if (!st) st = tl_outfile_commit(&op, err);
  }
  tl_outfile_abort(&om);
  tl_outfile_abort(&op);
  tl_outfile_abort(&oc);
  tl_outfile_abort(&ov);
  tl_outfile_abort(&os);
  tl_samples_free(train);
  tl_samples_free(clean);
  tl_samples_free(dis);
  return st;
}
