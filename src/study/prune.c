/* Prune (claim C4): every model and seed is trained, then pruned by tl_model_prune
 * (src/models/prune.c) on a clean and a D = 1 test set; the curves, singular spectra, the
 * top vectors' edge-cell and lowest-state shares and their heat maps go to
 * data/prune_*.csv, the means per model to the summary. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study/study_internal.h"

typedef struct {
  tl_samples_t *train, *clean, *dis;
  tl_prune_t *pr; /* per cell, [model][seed] */
  int npr;
} prune_ctx;

/* Summary keys "<model>/<what>" written by the tables and read by claim C4. */
#define K_NEEDED "k_needed_mean"
#define V1_EDGE "v1_edge_cell_share"
#define V12_LOW "v1v2_lowstate_share"

static int settings(const tl_study_config_t *c, tl_grid_setting_t *out) {
  (void)c;
  out[0] = (tl_grid_setting_t){"clean chains", "prune", NULL, NULL};
  return 1;
}

static void extra_work(const tl_study_config_t *c, tl_study_extra_work_t *w) {
  w->chains_drawn = (double)c->n_train + 2.0 * c->n_test;
  w->chains_judged = 16.0 * c->n_test; /* about 8 points of the curve on two sets */
}

static tl_status setup(tl_grid_t *g, tl_error *err) {
  const tl_study_config_t *c = g->c;
  prune_ctx *x = g->ctx;
  tl_set_spec_t sp;
  tl_set_spec_ssh(&sp, c->L, c->n_train, tl_study_seed(c->seed, "train", 0), c->train_disorder);
  tl_status st = tl_set_make(&sp, &x->train, err);
  tl_set_spec_ssh(&sp, c->L, c->n_test, tl_study_seed(c->seed, "test", 0), 0);
  if (!st) st = tl_set_make(&sp, &x->clean, err);
  tl_set_spec_ssh(&sp, c->L, c->n_test, tl_study_seed(c->seed, "prune-D1", 0), 1.0);
  if (!st) st = tl_set_make(&sp, &x->dis, err);
  x->npr = c->nmodels * c->seeds;
  if (!st && !(x->pr = tl_calloc((size_t)x->npr, sizeof *x->pr)))
    st = tl_error_set(err, TL_ERR_NOMEM, "out of memory for the pruning results");
  return st;
}

static void cleanup(tl_grid_t *g) {
  prune_ctx *x = g->ctx;
  tl_samples_free(x->train);
  tl_samples_free(x->clean);
  tl_samples_free(x->dis);
  for (int i = 0; x->pr && i < x->npr; i++) tl_prune_free(&x->pr[i]);
  tl_free(x->pr);
}

static void sets(const tl_grid_t *g, int setting, const tl_samples_t **train,
                 const tl_samples_t **test) {
  (void)setting;
  const prune_ctx *x = g->ctx;
  *train = x->train;
  *test = x->clean;
}

static tl_prune_t *result(const tl_grid_t *g, int mi, int sd) {
  return &((prune_ctx *)g->ctx)->pr[mi * g->c->seeds + sd];
}

static tl_status judge(tl_grid_t *g, const tl_grid_cell_t *cell, tl_model_t *m,
                       const tl_cell_train_t *ct, double *v, tl_error *err) {
  (void)ct;
  const prune_ctx *x = g->ctx;
  const tl_samples_t *sets2[2] = {x->clean, x->dis};
  tl_prune_t *pr = result(g, cell->model, cell->seed);
  tl_status st = tl_model_prune(m, sets2, 2, NULL, g->c->edge_cells, pr, err);
  v[0] = st ? NAN : pr->k_needed;
  return st;
}

typedef struct {
  tl_outfile_t curves, vectors, singular, means, cells, spectra;
} prune_files;

/* The rows of one cell in the per-cell files, and for the first seed the vectors along
 * the chain and their heat maps. */
static tl_status cell_rows(const tl_grid_t *g, int mi, int sd, prune_files *f, tl_error *err) {
  const char *name = g->c->models[mi].name;
  const tl_prune_t *pr = result(g, mi, sd);
  for (int q = 0; q < pr->npoints; q++)
    fprintf(f->curves.fp, "%s,%d,%d,%d,%.4f,%.4f\n", name, sd, pr->k[q], pr->K, pr->acc[0][q],
            pr->acc[1][q]);
  double total = 0, cum = 0;
  for (int q = 0; q < pr->K; q++) total += pr->sigma[q] * pr->sigma[q];
  for (int q = 0; q < pr->K; q++) {
    fprintf(f->singular.fp, "%s/s%d,%s,%d,%d,%.6g\n", name, sd, name, sd, q + 1, pr->sigma[q]);
    cum += pr->sigma[q] * pr->sigma[q];
    fprintf(f->spectra.fp, "%s/s%d,%s,%d,%d,%.6g,%.6g\n", name, sd, name, sd, q + 1,
            pr->sigma[q] / pr->sigma[0], total > 0 ? cum / total : NAN);
  }
  const size_t cells = (size_t)pr->ax0 * pr->ax1;
  tl_status st = TL_OK;
  for (int q = 0; !st && q < pr->nvec; q++) {
    const double *hm = pr->heat + q * cells, tot = pr->heat_total[q];
    fprintf(f->vectors.fp, "%s,%d,%d,%.6g,%.4f,%.4f,", name, sd, q + 1, pr->sigma[q],
            pr->edge_frac[q], pr->edge_uniform);
    if (pr->states) fprintf(f->vectors.fp, "%.4f,%.4f\n", pr->lowstate_frac[q], pr->lowstate_uniform);
    else fprintf(f->vectors.fp, ",\n");
    if (sd != 0 || q >= 2) continue;
    for (int a1 = 0; a1 < pr->ax1; a1++) { /* the vector along the chain: weight per cell */
      double x = 0;
      for (int a0 = 0; a0 < pr->ax0; a0++) x += hm[(size_t)a0 * pr->ax1 + a1];
      fprintf(f->cells.fp, "%s/v%d,%s,%d,%d,%.6g\n", name, q + 1, name, q + 1, a1, x / tot);
    }
    char fname[160]; /* heat maps of the top two vectors of the first seed */
    snprintf(fname, sizeof fname, "prune_heatmap_%s_v%d.csv", name, q + 1);
    for (char *p = fname; *p; p++)
      if (*p == ':') *p = '_';
    tl_outfile_t oh;
    if ((st = tl_study_table(g->c, fname, &oh, err))) break;
    fprintf(oh.fp, "%s,cell,weight\n", pr->states ? "state" : "row");
    for (int a0 = 0; a0 < pr->ax0; a0++)
      for (int a1 = 0; a1 < pr->ax1; a1++)
        fprintf(oh.fp, "%d,%d,%.6g\n", a0, a1, hm[(size_t)a0 * pr->ax1 + a1] / tot);
    st = tl_outfile_commit(&oh, err);
  }
  return st;
}

/* A model's rows over its seeds, its mean curve and its summary numbers. */
static tl_status model_rows(const tl_grid_t *g, int mi, prune_files *f, tl_summary_t *sum,
                            tl_error *err) {
  const int S = g->c->seeds;
  double k_sum = 0, edge1 = 0, low12 = 0;
  double mean_c[TL_PRUNE_MAX_POINTS] = {0}, mean_d[TL_PRUNE_MAX_POINTS] = {0};
  tl_status st = TL_OK;
  for (int sd = 0; sd < S && !st; sd++) {
    const tl_prune_t *pr = result(g, mi, sd);
    if ((st = cell_rows(g, mi, sd, f, err))) break;
    for (int q = 0; q < pr->npoints; q++) {
      mean_c[q] += pr->acc[0][q] / S;
      mean_d[q] += pr->acc[1][q] / S;
    }
    edge1 += pr->edge_frac[0] / S;
    for (int q = 0; q < 2 && q < pr->nvec && pr->states; q++) low12 += pr->lowstate_frac[q] / (2.0 * S);
    k_sum += (double)pr->k_needed / S;
  }
  if (st) return st;
  const char *name = g->c->models[mi].name;
  const tl_prune_t *last = result(g, mi, S - 1);
  for (int q = 0; q < last->npoints; q++)
    fprintf(f->means.fp, "%s,%d,%.4f,%.4f\n", name, last->k[q], mean_c[q], mean_d[q]);
  char key[96];
  tl_study_key(key, sizeof key, name, K_NEEDED);
  tl_summary_add(sum, "prune", key, k_sum, NULL);
  tl_study_key(key, sizeof key, name, V1_EDGE);
  tl_summary_add(sum, "prune", key, edge1, NULL);
  tl_study_key(key, sizeof key, name, V12_LOW);
  tl_summary_add(sum, "prune", key, last->states ? low12 : NAN, NULL); /* eigvec MLPs: states */
  return TL_OK;
}

static tl_status tables(tl_grid_t *g, tl_summary_t *sum, tl_error *err) {
  const tl_study_config_t *c = g->c;
  prune_files f;
  memset(&f, 0, sizeof f);
  tl_status st = tl_study_table(c, "prune_curves.csv", &f.curves, err);
  if (!st) st = tl_study_table(c, "prune_vectors.csv", &f.vectors, err);
  if (!st) st = tl_study_table(c, "prune_singular.csv", &f.singular, err);
  if (!st) st = tl_study_table(c, "prune_curves_mean.csv", &f.means, err);
  if (!st) st = tl_study_table(c, "prune_vector_cells.csv", &f.cells, err);
  if (!st) st = tl_study_table(c, "prune_spectra.csv", &f.spectra, err);
  if (!st) {
    fprintf(f.curves.fp, "model,seed,k,rank,acc_clean,acc_disordered\n");
    fprintf(f.vectors.fp, "model,seed,vector,sigma,edge_frac,edge_uniform,lowstate_frac,lowstate_uniform\n");
    fprintf(f.singular.fp, "series,model,seed,index,sigma\n");
    fprintf(f.means.fp, "model,k,acc_clean_mean,acc_disordered_mean\n");
    fprintf(f.cells.fp, "series,model,vector,cell,weight\n");
    fprintf(f.spectra.fp, "series,model,seed,index,sigma_over_sigma1,cumulative_share\n");
  }
  for (int mi = 0; mi < c->nmodels && !st; mi++) st = model_rows(g, mi, &f, sum, err);
  tl_outfile_t *all[6] = {&f.curves, &f.vectors, &f.singular, &f.means, &f.cells, &f.spectra};
  for (int i = 0; i < 6 && !st; i++) st = tl_outfile_commit(all[i], err);
  for (int i = 0; i < 6; i++) tl_outfile_abort(all[i]);
  return st;
}

/* ---- figures ------------------------------------------------------------------------- */

static tl_status curves_and_spectra(const tl_study_config_t *c, tl_figures_t *figs, tl_error *err) {
  char csv[4096], out[4096], keys[TL_STUDY_MAX_MODELS][160];
  tl_plot_series_t s[2 * TL_STUDY_MAX_MODELS];
  const int k = c->nmodels;
  tl_plot_panel_t panels[2] = {TL_PLOT_PANEL("clean test chains"),
                               TL_PLOT_PANEL("test chains at bond disorder D = 1")};
  tl_study_data_path(c, "prune_curves_mean.csv", csv, sizeof csv);
  for (int p = 0; p < 2; p++)
    for (int i = 0; i < k; i++)
      s[p * k + i] = (tl_plot_series_t){csv, 2, 3 + p, 0, 0, c->models[i].name, c->models[i].name, p};
  tl_plot_axes_t ax = {.title = "Accuracy keeping the top-k singular components of the first dense layer",
                       .xlabel = "k (log scale)", .ylabel = "accuracy (mean over seeds)", .logx = 1,
                       .ymin = 0, .ymax = 1.06, .npanels = 2, .panels = panels,
                       .key = "inside bottom right opaque box", .dodge = 0.05};
  tl_study_figure_path(c, "pruning_curves.png", out, sizeof out);
  tl_status st = tl_plot_lines(out, s, 2 * k, &ax, 1, err);
  st = tl_study_figure_done(figs, "prune", "pruning_curves.png", "Pruning curves: accuracy when the "
            "first dense layer keeps only its top-k singular components (mean over seeds), on "
            "clean chains and at bond disorder D = 1; the last point (full rank) is the unpruned "
            "model.", st);
  tl_study_data_path(c, "prune_spectra.csv", csv, sizeof csv);
  panels[0].title = "singular values over the largest";
  panels[0].ylabel = "sigma_k / sigma_1";
  panels[1].title = "cumulative share of sum sigma^2";
  panels[1].ylabel = "share of the first k components";
  panels[1].ymin = 0, panels[1].ymax = 1.06;
  for (int p = 0; p < 2; p++)
    for (int i = 0; i < k; i++) {
      snprintf(keys[i], sizeof keys[i], "%s/s0", c->models[i].name);
      s[p * k + i] = (tl_plot_series_t){csv, 4, 5 + p, 0, 0, c->models[i].name, keys[i], p};
    }
  tl_plot_axes_t ax2 = {.title = "Singular spectrum of the first dense layer (first seed)",
                        .xlabel = "index k", .ylabel = "", .ymin = NAN, .ymax = NAN, .npanels = 2,
                        .panels = panels, .key = "inside center right opaque box"};
  tl_study_figure_path(c, "singular_spectra.png", out, sizeof out);
  if (!st) st = tl_plot_lines(out, s, 2 * k, &ax2, 1, err);
  return tl_study_figure_done(figs, "prune", "singular_spectra.png", "Singular values of the first "
            "dense layer of each network (first seed), divided by the largest (left), and the "
            "share of the sum of their squares held by the first k (right): a few dominant "
            "components show as a fast drop on the left and a share near 1 after a few k on the "
            "right (data/prune_spectra.csv).", st);
}

/* Positions along the chain of each model's vectors: the largest cell index + 1 in
 * prune_vector_cells.csv (L for an mlp, the pooled length for a cnn). */
static void positions(const tl_study_config_t *c, const char *csv, int *n) {
  for (int i = 0; i < c->nmodels; i++) n[i] = 0;
  FILE *fp = fopen(csv, "r");
  char line[512], series[160], model[160];
  int v, cell;
  while (fp && fgets(line, sizeof line, fp))
    if (sscanf(line, "%159[^,],%159[^,],%d,%d", series, model, &v, &cell) == 4) {
      const int i = tl_study_model_index(c, model);
      if (i >= 0 && cell + 1 > n[i]) n[i] = cell + 1;
    }
  if (fp) fclose(fp);
}

/* Where the top two vectors sit along the chain: one panel per model, its edge cells
 * shaded. */
static tl_status cells_figure(const tl_study_config_t *c, tl_figures_t *figs, tl_error *err) {
  enum { NS = 2 * TL_STUDY_MAX_MODELS };
  char csv[4096], out[4096], keys[NS][160], labels[NS][160], xl[TL_STUDY_MAX_MODELS][96];
  tl_plot_series_t s[NS];
  tl_plot_panel_t panels[TL_STUDY_MAX_MODELS];
  int npos[TL_STUDY_MAX_MODELS], ns = 0;
  tl_study_data_path(c, "prune_vector_cells.csv", csv, sizeof csv);
  positions(c, csv, npos);
  const double e = c->edge_cells;
  for (int i = 0; i < c->nmodels; i++) {
    panels[i] = TL_PLOT_PANEL(c->models[i].name);
    panels[i].xmin = -0.5;
    panels[i].xmax = npos[i] - 0.5;
    if (npos[i] && npos[i] < c->L) /* a cnn's dense head reads pooled positions */
      snprintf(xl[i], sizeof xl[i], "pooled position (%d cells each) of the dense head's input",
               c->L / npos[i]);
    else
      snprintf(xl[i], sizeof xl[i], "cell");
    panels[i].xlabel = xl[i];
    panels[i].mark_lo = e - 0.5;
    panels[i].mark_hi = npos[i] - e - 0.5;
    for (int v = 1; v <= 2; v++, ns++) {
      snprintf(keys[ns], sizeof keys[ns], "%s/v%d", c->models[i].name, v);
      snprintf(labels[ns], sizeof labels[ns], "vector %d", v);
      s[ns] = (tl_plot_series_t){csv, 4, 5, 0, 0, labels[ns], keys[ns], i};
    }
  }
  tl_plot_axes_t ax = {.title = "Top two right-singular vectors along the chain (first seed; shaded: edge cells)",
                       .xlabel = "cell", .ylabel = "share of the vector's weight", .ymin = 0,
                       .ymax = NAN, .npanels = c->nmodels, .panels = panels};
  tl_study_figure_path(c, "singular_vectors_cells.png", out, sizeof out);
  tl_status st = tl_plot_lines(out, s, ns, &ax, 1, err);
  char cap[768];
  snprintf(cap, sizeof cap, "Where the top two right-singular vectors of the first dense layer put "
           "their weight along the chain (summed over the other input axis, first seed), one "
           "panel per model; the %d edge positions at each end are shaded. For a cnn the dense "
           "head reads pooled positions, each covering several cells (at small L every pooled "
           "position may be an edge position). Weight piled on the shaded ends would read edge "
           "states.", c->edge_cells);
  return tl_study_figure_done(figs, "prune", "singular_vectors_cells.png", cap, st);
}

static tl_status heatmaps(const tl_study_config_t *c, tl_figures_t *figs, tl_error *err) {
  tl_status st = TL_OK;
  for (int i = 0; i < c->nmodels && !st; i++) {
    if (strncmp(c->models[i].name, "mlp:eigvec", 10)) continue;
    char name[160], file[160], cap[512], title[256], csv[4096], out[4096];
    snprintf(name, sizeof name, "prune_heatmap_%s_v1.csv", c->models[i].name);
    snprintf(file, sizeof file, "heatmap_%s_v1.png", c->models[i].name);
    for (char *p = name; *p; p++) *p = *p == ':' ? '_' : *p;
    for (char *p = file; *p; p++) *p = *p == ':' ? '_' : *p;
    tl_study_data_path(c, name, csv, sizeof csv);
    snprintf(title, sizeof title, "%s: top right-singular vector, weight per state and cell", c->models[i].name);
    tl_study_figure_path(c, file, out, sizeof out);
    st = tl_plot_heatmap(csv, out, 2, 1, 3, "cell", "state (ascending energy; 0, 1: the lowest)",
                         "share of the vector's weight", title, NAN, NAN, 1, err);
    snprintf(cap, sizeof cap, "Heat map of the top right-singular vector of %s's first layer over "
             "states (rows, ascending energy: the lowest rows are the near-zero edge states) and "
             "cells (columns); the colour is the share of the vector's weight.", c->models[i].name);
    st = tl_study_figure_done(figs, "prune", file, cap, st);
  }
  return st;
}

static tl_status figures(const tl_study_config_t *c, tl_figures_t *figs, tl_error *err) {
  tl_status st = curves_and_spectra(c, figs, err);
  if (!st) st = cells_figure(c, figs, err);
  return st ? st : heatmaps(c, figs, err);
}

/* ---- claim C4 and the section ------------------------------------------------------- */

/* The numbers of model `name` for C4; -1 when it is not among the models. */
static int c4_numbers(const tl_grid_t *g, tl_report_claim_t *cl, const tl_summary_t *sum,
                      const char *name, double v[3]) {
  const char *what[3] = {K_NEEDED, V12_LOW, V1_EDGE};
  for (int i = 0; i < 3; i++) {
    char key[96];
    tl_study_key(key, sizeof key, name, what[i]);
    v[i] = tl_report_claim_get(cl, sum, "prune", key);
  }
  return tl_study_model_index(g->c, name);
}

/* "k_needed 2 to 4" and the shares' ranges over the seeds of model mi. */
static void c4_spread(const tl_grid_t *g, int mi, tl_report_claim_t *cl) {
  double klo = INFINITY, khi = -INFINITY, llo = INFINITY, lhi = -INFINITY, elo = INFINITY, ehi = -INFINITY;
  for (int s = 0; mi >= 0 && s < g->c->seeds; s++) {
    const tl_prune_t *pr = result(g, mi, s);
    const double low = pr->states && pr->nvec >= 2 ? (pr->lowstate_frac[0] + pr->lowstate_frac[1]) / 2 : NAN;
    klo = fmin(klo, pr->k_needed), khi = fmax(khi, pr->k_needed);
    llo = fmin(llo, low), lhi = fmax(lhi, low);
    elo = fmin(elo, pr->edge_frac[0]), ehi = fmax(ehi, pr->edge_frac[0]);
  }
  tl_report_cat(cl->measured, sizeof cl->measured, " (over %d seeds: components %.4g to %.4g, "
                "lowest-state share %.4g to %.4g, edge-cell share %.4g to %.4g)", g->c->seeds,
                klo, khi, llo, lhi, elo, ehi);
}

static void claim_c4(const tl_grid_t *g, const tl_summary_t *sum, tl_report_claim_t *cl) {
  const tl_study_config_t *c = g->c;
  cl->id = "C4";
  cl->claim = "The generic networks do so through proxies: a few singular components of their "
              "first layer carry the decision, with weight concentrated on edge cells "
              "(edge-state features).";
  cl->rule = "for mlp:eigvec:gauge (an eigenvector MLP trained with random state signs). 'a "
             "few components': at most 8 singular components keep 99% of its accuracy (mean "
             "over seeds); 'edge states': its top two singular vectors put at least twice the "
             "uniform share of their weight on the two lowest-energy states; 'edge cells': "
             "its top vector puts at least 1.5 times the uniform share on the edge cells. "
             "reproduced: all three; partly: a few components and one of the other two; not "
             "reproduced: otherwise.";
  double gv[3], pv[3];
  const int gi = c4_numbers(g, cl, sum, "mlp:eigvec:gauge", gv);
  const int pi = c4_numbers(g, cl, sum, "mlp:eigvec", pv);
  const double u_low = 2.0 / c->L, u_edge = 2.0 * c->edge_cells / c->L;
  tl_report_cat(cl->measured, sizeof cl->measured, "mlp:eigvec:gauge: singular components "
                "kept for 99%% of its accuracy %.4g; top-two vectors' share on the two lowest "
                "states %.4g (uniform %.4g); top vector's share on the %d edge cells at each end "
                "%.4g (uniform %.4g)", gv[0], gv[1], u_low, c->edge_cells, gv[2], u_edge);
  c4_spread(g, gi, cl);
  tl_report_cat(cl->measured, sizeof cl->measured, ". Without the sign augmentation, mlp:eigvec: "
                "components %.4g, lowest-state share %.4g, edge-cell share %.4g", pv[0], pv[1], pv[2]);
  c4_spread(g, pi, cl);
  tl_report_cat(cl->measured, sizeof cl->measured, ".");
  const int few = gv[0] <= 8, states = gv[1] >= 2 * u_low, cells = gv[2] >= 1.5 * u_edge;
  cl->verdict = few && states && cells     ? TL_VERDICT_REPRODUCED
                : few && (states || cells) ? TL_VERDICT_PARTLY
                                           : TL_VERDICT_NOT_REPRODUCED;
  snprintf(cl->note, sizeof cl->note, "%s%s%s", few ? "A few components carry the decision. " : "More than 8 components are needed. ",
           states ? "They read the lowest-energy (edge) states. " : "They do not single out the lowest-energy states. ",
           cells ? "The top vector sits on the edge cells." : "Within those states the weight sits on bulk cells, not on the edge cells: the network tests whether the lowest state is extended or edge-localised.");
}

static const tl_report_term_t terms[] = {
    {"vector", "rank of a right-singular vector of the first dense layer (1: the largest "
               "singular value); a vector assigns a weight to every input"},
    {"sigma", "its singular value"},
    {"edge_frac, edge_uniform", "share of the vector's weight (squared components) on the "
                                "first and last edge cells, and that share for a uniform "
                                "vector, 2e/L"},
    {"lowstate_frac, lowstate_uniform", "share on the two lowest-energy states (the edge "
                                        "states of a topological chain) and its uniform value "
                                        "2/L; only for eigenvector MLPs, empty otherwise"},
    {"components for 99%", "smallest k of the pruning curve whose accuracy is within 1% of "
                           "the unpruned model's"},
    {NULL, NULL}};

static void report(const tl_grid_t *g, const tl_summary_t *sum, tl_report_section_t *sec) {
  const tl_study_config_t *c = g->c;
  sec->title = "What the networks use";
  snprintf(sec->intro, sizeof sec->intro,
           "Each network (%d seeds) is trained on clean chains; its first dense layer is "
           "decomposed by SVD and replaced by its top-k part, k = 1, 2, 4, ..., full rank, and "
           "the accuracy is measured on %ld clean chains and %ld chains at bond disorder "
           "D = 1 (`data/prune_curves.csv`; full rank is the unpruned model). For the top "
           "right-singular vectors, the share of their weight on the %d edge cells at each "
           "end and on the two lowest-energy states is set beside the share a uniform vector "
           "would have. The table shows the top vector of each seed (all four in "
           "`data/prune_vectors.csv`). A cnn's first dense layer is its head, which reads "
           "pooled positions (several cells each): at small L every position can be an edge "
           "position, and its shares are then 1.", c->seeds, c->n_test, c->n_test, c->edge_cells);
  sec->table[sec->ntables++] = (tl_report_table_t){
      .csv = "prune_vectors.csv", .where = "vector=1",
      .columns = "model,seed,sigma,edge_frac,edge_uniform,lowstate_frac,lowstate_uniform"};
  claim_c4(g, sum, &sec->claim[sec->nclaims++]);
  sec->terms = terms;
}

const tl_study_def_t tl_study_prune = {
    .name = "prune",
    .about = "SVD of the first dense layer: pruning curves and where the top vectors sit (C4)",
    .default_models = "mlp:eigvec,mlp:eigvec:gauge,mlp:hopping,cnn:eigvec",
    .reproduce_seeds = 2,
    .needs_prunable = 1,
    .nfigures = 5,
    .ctx_size = sizeof(prune_ctx),
    .nvals = 1,
    .settings = settings,
    .extra_work = extra_work,
    .setup = setup,
    .cleanup = cleanup,
    .sets = sets,
    .judge = judge,
    .tables = tables,
    .figures = figures,
    .report = report,
};
