/* The prune study (SPEC 4, C4): every model and seed is trained, then pruned by
 * tl_model_prune (src/models/prune.c) on a clean and a D = 1 test set; the curves,
 * singular spectra, the top vectors' edge-cell and lowest-state shares and their heat
 * maps go to data/prune_*.csv, the means per model to the summary. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study/study_internal.h"
#include "topolearn/outfile.h"

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
    int states = 0; /* the pruned layer's input has a state axis (mlp on eigvec) */
    double mean_c[TL_PRUNE_MAX_POINTS] = {0}, mean_d[TL_PRUNE_MAX_POINTS] = {0};
    int kk[TL_PRUNE_MAX_POINTS] = {0}, nk_model = 0;
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
      tl_prune_t pr;
      const tl_samples_t *sets[2] = {clean, dis};
      st = tl_model_prune(m, sets, 2, NULL, e, &pr, err);
      for (int q = 0; !st && q < pr.npoints; q++) {
        fprintf(oc.fp, "%s,%d,%d,%d,%.4f,%.4f\n", md->name, sd, pr.k[q], pr.K, pr.acc[0][q],
                pr.acc[1][q]);
        kk[q] = pr.k[q];
        mean_c[q] += pr.acc[0][q] / S;
        mean_d[q] += pr.acc[1][q] / S;
      }
      for (int q = 0; !st && q < pr.K; q++)
        fprintf(os.fp, "%s/s%d,%s,%d,%d,%.6g\n", md->name, sd, md->name, sd, q + 1, pr.sigma[q]);
      const size_t cells = (size_t)pr.ax0 * pr.ax1;
      for (int q = 0; !st && q < pr.nvec; q++) {
        const double *hm = pr.heat + q * cells, tot = pr.heat_total[q];
        fprintf(ov.fp, "%s,%d,%d,%.6g,%.4f,%.4f,", md->name, sd, q + 1, pr.sigma[q],
                pr.edge_frac[q], pr.edge_uniform);
        if (pr.states) fprintf(ov.fp, "%.4f,%.4f\n", pr.lowstate_frac[q], pr.lowstate_uniform);
        else fprintf(ov.fp, ",\n");
        if (q == 0) edge1 += pr.edge_frac[q] / S;
        if (q < 2 && pr.states) low12 += pr.lowstate_frac[q] / (2.0 * S);
        if (sd == 0 && q < 2) /* the vector along the chain: weight per cell */
          for (int a1 = 0; a1 < pr.ax1; a1++) {
            double x = 0;
            for (int a0 = 0; a0 < pr.ax0; a0++) x += hm[(size_t)a0 * pr.ax1 + a1];
            fprintf(op.fp, "%s/v%d,%s,%d,%d,%.6g\n", md->name, q + 1, md->name, q + 1, a1, x / tot);
          }
        if (sd == 0 && q < 2) { /* heat maps of the top two vectors of the first seed */
          char fname[160], hp[4096];
          snprintf(fname, sizeof fname, "prune_heatmap_%s_v%d.csv", md->name, q + 1);
          for (char *c2 = fname; *c2; c2++)
            if (*c2 == ':') *c2 = '_';
          tl_outfile_t oh;
          if (!(st = tl_study_path(c, "data", fname, hp, sizeof hp, err)) &&
              !(st = tl_outfile_begin(&oh, hp, 1, 1, err))) {
            fprintf(oh.fp, "%s,cell,weight\n", pr.states ? "state" : "row");
            for (int a0 = 0; a0 < pr.ax0; a0++)
              for (int a1 = 0; a1 < pr.ax1; a1++)
                fprintf(oh.fp, "%d,%d,%.6g\n", a0, a1, hm[(size_t)a0 * pr.ax1 + a1] / tot);
            st = tl_outfile_commit(&oh, err);
          }
        }
      }
      if (!st) {
        k_sum += (double)pr.k_needed / S;
        nk_model = pr.npoints;
        states = pr.states;
      }
      tl_prune_free(&pr);
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
      tl_summary_add(sum, "prune", key, states ? low12 : NAN, NULL);
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
