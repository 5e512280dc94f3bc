/* Figures of each study, drawn from its CSVs (column numbers follow the headers written
 * in src/study/), each with the caption report.md prints under it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "topolearn/model.h"
#include "topolearn/outfile.h"
#include "topolearn/report.h"

typedef struct {
  const char *dir;
  tl_figures_t *figs;
  tl_error *err;
} fig_ctx;

static const char *data(const fig_ctx *f, const char *name, char *buf, size_t cap) {
  snprintf(buf, cap, "%s/data/%s", f->dir, name);
  return buf;
}

/* Registers figure `file` (under figures/) with its caption; renders via the status. */
static tl_status done(fig_ctx *f, const char *file, const char *caption, tl_status st) {
  if (st) return st;
  if (f->figs->n < TL_FIGURES_MAX) {
    snprintf(f->figs->file[f->figs->n], sizeof f->figs->file[0], "figures/%s", file);
    snprintf(f->figs->caption[f->figs->n], sizeof f->figs->caption[0], "%s", caption);
    f->figs->n++;
  }
  return TL_OK;
}

static const char *png(const fig_ctx *f, const char *file, char *buf, size_t cap) {
  snprintf(buf, cap, "%s/figures/%s", f->dir, file);
  return buf;
}

/* A model spec ("topo:exact+noise:0.1") whose kind has exact tensors, and so the
 * cosines with them in the learning curves (tl_model_exact_cosines). */
static int has_exact_tensors(const char *spec) {
  char kind[64];
  snprintf(kind, sizeof kind, "%.*s", (int)strcspn(spec, ":"), spec);
  return tl_model_kind_has(tl_model_kind_find(kind), TL_MODEL_EXACT_INIT);
}

static tl_status trainability(fig_ctx *f, const char *const *models, int n) {
  char csv[4096], out[4096];
  data(f, "trainability_curves.csv", csv, sizeof csv);
  tl_plot_series_t s[TL_FIGURES_MAX];
  int k = n < TL_FIGURES_MAX ? n : TL_FIGURES_MAX;
  for (int i = 0; i < k; i++) s[i] = (tl_plot_series_t){csv, 2, 3, 4, 5, models[i], models[i]};
  tl_plot_axes_t ax = {"Training loss (median over seeds, band: interquartile range)", "epoch",
                       "cross-entropy loss", 0, 1, NAN, NAN};
  tl_status st = tl_plot_lines(png(f, "loss_curves.png", out, sizeof out), s, k, &ax, 1, f->err);
  st = done(f, "loss_curves.png", "Training loss per epoch for every model and initialisation: "
            "median over seeds with the interquartile range shaded.", st);
  for (int i = 0; !st && i < k; i++) s[i] = (tl_plot_series_t){csv, 2, 6, 7, 8, models[i], models[i]};
  tl_plot_axes_t ax2 = {"Test accuracy on the training distribution", "epoch", "accuracy", 0, 0, 0, 1.02};
  if (!st) st = tl_plot_lines(png(f, "accuracy_curves.png", out, sizeof out), s, k, &ax2, 1, f->err);
  st = done(f, "accuracy_curves.png", "Test accuracy (clean chains, the training distribution) "
            "after every epoch: median over seeds with the interquartile range.", st);
  int nt = 0;
  tl_plot_series_t t[TL_FIGURES_MAX];
  for (int i = 0; i < k; i++)
    if (has_exact_tensors(models[i]))
      t[nt++] = (tl_plot_series_t){csv, 2, 9, 10, 11, models[i], models[i]};
  tl_plot_axes_t ax3 = {"Distance from the exact tensors along training", "epoch",
                        "cosine with the exact tensor", 0, 0, -1, 1.02};
  if (!st && nt) {
    st = tl_plot_lines(png(f, "topo_distance.png", out, sizeof out), t, nt, &ax3, 1, f->err);
    st = done(f, "topo_distance.png", "Distance of topo and sym from the exact tensors along "
              "training: topo, cosine of K with K_exact (scale-free, so blind to the gauge "
              "lambda -> c lambda, K -> K/c^2 that leaves W unchanged); sym, cosine of its "
              "per-cell quadratic form sum_h w2_h w1_h w1_h^T with the exact marker's diag(-d) "
              "(blind to the order and scale of hidden units); median and IQR over seeds.", st);
  }
  data(f, "trainability.csv", csv, sizeof csv);
  const int cols[2] = {2, 3};
  const char *labels[2] = {"fits (test acc >= 0.99)", "learned the invariant"};
  tl_plot_axes_t ax4 = {"Fraction of seeds that fit / learned the invariant", "", "fraction of seeds",
                        0, 0, 0, 1.05};
  if (!st) st = tl_plot_bars(csv, png(f, "success_fractions.png", out, sizeof out), 1, cols, labels, 2, &ax4, 1, f->err);
  return done(f, "success_fractions.png", "Success fractions per model: fitting the training "
              "distribution against learning the invariant (also >= 0.99 at bond disorder D = 2, "
              "on gauge-flipped states, on winding-2 chains where the model can label them, and "
              "W within 0.1 of the RSWN for topo/sym).", st);
}

static tl_status disorder(fig_ctx *f, const char *const *models, int n) {
  char csv[4096], out[4096], keys[TL_FIGURES_MAX][160], labels[TL_FIGURES_MAX][160];
  data(f, "disorder.csv", csv, sizeof csv);
  tl_status st = TL_OK;
  const char *kinds[2] = {"bond", "onsite"};
  for (int kd = 0; kd < 2 && !st; kd++) {
    tl_plot_series_t s[TL_FIGURES_MAX];
    int k = 0;
    for (int i = 0; i < n + 2 && k < TL_FIGURES_MAX; i++, k++) {
      const char *name = i < n ? models[i] : i == n ? "baseline:loghop" : "baseline:edge";
      snprintf(keys[k], sizeof keys[k], "%s@%s@train0", name, kinds[kd]);
      snprintf(labels[k], sizeof labels[k], "%s", name);
      s[k] = (tl_plot_series_t){csv, 5, 6, 7, 8, labels[k], keys[k]};
    }
    char title[160], file[64], cap[512];
    snprintf(title, sizeof title, "Accuracy vs %s disorder (trained on clean chains)",
             kd ? "on-site (chiral-breaking)" : "bond");
    snprintf(file, sizeof file, "accuracy_vs_%s_disorder.png", kinds[kd]);
    snprintf(cap, sizeof cap, "Accuracy against the exact RSWN labels as %s disorder grows, for "
             "models trained on clean chains (band: min-max over seeds), beside the log-hopping "
             "rule and the edge-state indicator.%s", kd ? "on-site" : "bond",
             kd ? " On-site terms break chiral symmetry: the labels are then the RSWN of sign(H) "
                  "of the full H, no longer a protected invariant." : "");
    tl_plot_axes_t ax = {title, kd ? "on-site disorder D_0" : "bond disorder D", "accuracy", 0, 0, 0, 1.02};
    st = tl_plot_lines(png(f, file, out, sizeof out), s, k, &ax, 1, f->err);
    st = done(f, file, cap, st);
  }
  return st;
}

static tl_status prune(fig_ctx *f, const char *const *models, int n) {
  char csv[4096], out[4096], keys[TL_FIGURES_MAX][160];
  tl_plot_series_t s[TL_FIGURES_MAX];
  const int k = n < TL_FIGURES_MAX / 2 ? n : TL_FIGURES_MAX / 2;
  data(f, "prune_curves_mean.csv", csv, sizeof csv);
  for (int i = 0; i < k; i++) s[i] = (tl_plot_series_t){csv, 2, 3, 0, 0, models[i], models[i]};
  tl_plot_axes_t ax = {"Accuracy after keeping the top-k singular values of the first dense layer",
                       "k (log scale)", "accuracy (clean test set)", 1, 0, 0, 1.02};
  tl_status st = tl_plot_lines(png(f, "pruning_curves.png", out, sizeof out), s, k, &ax, 1, f->err);
  st = done(f, "pruning_curves.png", "Pruning curves: accuracy on clean test chains when the "
            "first dense layer keeps only its top-k singular components (mean over seeds); "
            "full rank equals the unpruned model.", st);
  data(f, "prune_singular.csv", csv, sizeof csv);
  for (int i = 0; i < k; i++) {
    snprintf(keys[i], sizeof keys[i], "%s/s0", models[i]);
    s[i] = (tl_plot_series_t){csv, 4, 5, 0, 0, models[i], keys[i]};
  }
  tl_plot_axes_t ax2 = {"Singular spectrum of the first dense layer (seed 0)", "index",
                        "singular value", 0, 1, NAN, NAN};
  if (!st) st = tl_plot_lines(png(f, "singular_spectra.png", out, sizeof out), s, k, &ax2, 1, f->err);
  st = done(f, "singular_spectra.png", "Singular values of the first dense layer of each trained "
            "network (first seed): a few dominant components mean a few input directions carry "
            "the decision.", st);
  data(f, "prune_vector_cells.csv", csv, sizeof csv);
  char labels[TL_FIGURES_MAX][160];
  int ns = 0;
  for (int i = 0; i < k && ns + 1 < TL_FIGURES_MAX; i++)
    for (int v = 1; v <= 2; v++, ns++) {
      snprintf(keys[ns], sizeof keys[ns], "%s/v%d", models[i], v);
      snprintf(labels[ns], sizeof labels[ns], "%s v%d", models[i], v);
      s[ns] = (tl_plot_series_t){csv, 4, 5, 0, 0, labels[ns], keys[ns]};
    }
  tl_plot_axes_t ax3 = {"Top right-singular vectors along the chain", "cell",
                        "share of the vector's weight", 0, 0, 0, NAN};
  if (!st) st = tl_plot_lines(png(f, "singular_vectors_cells.png", out, sizeof out), s, ns, &ax3, 1, f->err);
  st = done(f, "singular_vectors_cells.png", "Where the top two right-singular vectors of the "
            "first dense layer put their weight along the chain (summed over the other input "
            "axis, first seed); weight piled on the first and last cells reads edge states.", st);
  for (int i = 0; i < k && !st; i++) {
    if (strncmp(models[i], "mlp:eigvec", 10)) continue;
    char name[160], file[160], cap[512];
    snprintf(name, sizeof name, "prune_heatmap_%s_v1.csv", models[i]);
    for (char *p = name; *p; p++)
      if (*p == ':') *p = '_';
    snprintf(file, sizeof file, "heatmap_%s_v1.png", models[i]);
    for (char *p = file; *p; p++)
      if (*p == ':') *p = '_';
    data(f, name, csv, sizeof csv);
    char title[256];
    snprintf(title, sizeof title, "%s: top right-singular vector, weight per state and cell", models[i]);
    st = tl_plot_heatmap(csv, png(f, file, out, sizeof out), 2, 1, 3, "cell", "state (ascending energy)",
                         "weight", title, NAN, NAN, 1, f->err);
    snprintf(cap, sizeof cap, "Heat map of the top right-singular vector of %s's first layer over "
             "states (rows, ascending energy: the lowest rows are the near-zero edge states) and "
             "cells (columns).", models[i]);
    st = done(f, file, cap, st);
  }
  return st;
}

tl_status tl_report_study_figures(const char *study, const char *dir, const char *const *models,
                                  int nmodels, tl_figures_t *figs, tl_error *err) {
  fig_ctx f = {dir, figs, err};
  char sub[4096];
  snprintf(sub, sizeof sub, "%s/figures/x", dir);
  tl_status st = tl_outfile_make_parents(sub, err);
  if (st) return st;
  if (!tl_gnuplot_path())
    return tl_error_set(err, TL_ERR_IO, "gnuplot not found (install gnuplot-nox); figures skipped");
  if (!strcmp(study, "trainability")) return trainability(&f, models, nmodels);
  if (!strcmp(study, "disorder")) return disorder(&f, models, nmodels);
  if (!strcmp(study, "prune")) return prune(&f, models, nmodels);
  return TL_OK; /* size and unseen are tables in the report */
}
