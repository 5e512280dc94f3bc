/* Trainability, what it shows: expressivity (C1), the figures, the claims C1-C3 with
 * their verdicts, and the report section. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study/trainability.h"

#define EXACT_TOPO "topo:exact"
static const char *const exact_specs[2] = {EXACT_TOPO, "sym:exact"};
static const char *const expr_sets[3] = {"clean", "bond_disorder_2", "winding_2"};

/* Accuracy and max |W - RSWN| of one exact model, untrained, on set. */
static tl_status exact_on(const tl_study_config_t *c, const char *spec, const tl_samples_t *set,
                          double *acc, double *wmax, tl_error *err) {
  /* one exact model per set: the ranges of the set fix the model's shape */
  tl_study_model_t md;
  tl_model_t *m = NULL;
  tl_rng_t rng;
  tl_rng_init(&rng, 0, 0);
  tl_status st = tl_study_model_parse(spec, c->L, &md, err);
  md.hp.cmin = 0;
  md.hp.cmax = 2;
  if (!st) st = tl_model_new(&m, &md.hp, c->L, set->r_min, set->r_max, &rng, err);
  if (!st) st = tl_study_accuracy(m, set, 0, 1, acc, wmax, err);
  tl_model_free(m);
  return st;
}

tl_status tr_expressivity(const tl_study_config_t *c, const tr_ctx *s, tl_summary_t *sum,
                          tl_error *err) {
  tl_outfile_t o;
  tl_status st = tl_study_table(c, "expressivity.csv", &o, err);
  if (st) return st;
  fprintf(o.fp, "model,set,accuracy,W_max_err\n");
  const tl_samples_t *sets[3] = {s->test, s->hard, s->w2};
  for (int k = 0; k < 2 && !st; k++)
    for (int t = 0; t < 3 && !st; t++) {
      double acc, wmax;
      if ((st = exact_on(c, exact_specs[k], sets[t], &acc, &wmax, err))) break;
      fprintf(o.fp, "%s,%s,%.6f,%.3g\n", exact_specs[k], expr_sets[t], acc, wmax);
      char key[96], what[64];
      snprintf(what, sizeof what, "acc_%s", expr_sets[t]);
      tl_study_key(key, sizeof key, exact_specs[k], what);
      tl_summary_add(sum, "expressivity", key, acc, NULL);
      snprintf(what, sizeof what, "W_max_err_%s", expr_sets[t]);
      tl_study_key(key, sizeof key, exact_specs[k], what);
      tl_summary_add(sum, "expressivity", key, wmax, NULL);
    }
  if (st) {
    tl_outfile_abort(&o);
    return st;
  }
  return tl_outfile_commit(&o, err);
}

/* ---- figures ------------------------------------------------------------------------- */

/* Small multiples by family, so that curves of different models that coincide (several
 * at accuracy 1) are not drawn over each other: topo, sym, and the generic networks. */
enum { P_TOPO, P_SYM, P_GENERIC, NFAMILIES };
static const char *const family_titles[NFAMILIES] = {"topo (tensor network)", "sym (local network)",
                                                     "mlp and cnn (generic networks)"};

static int family(const tl_study_model_t *m) {
  if (!tl_study_w_head(&m->hp)) return P_GENERIC;
  return tl_study_size_independent(&m->hp) ? P_SYM : P_TOPO;
}

/* Panels for the families present; panel_of[i] for model i. */
static int family_panels(const tl_study_config_t *c, tl_plot_panel_t *panels, int *panel_of,
                         int only_w_head) {
  int index[NFAMILIES] = {-1, -1, -1}, np = 0;
  for (int i = 0; i < c->nmodels; i++) {
    const int f = family(&c->models[i]);
    panel_of[i] = -1;
    if (only_w_head && f == P_GENERIC) continue;
    if (index[f] < 0) index[f] = 0; /* present */
  }
  for (int f = 0; f < NFAMILIES; f++)
    if (index[f] == 0) {
      index[f] = np;
      panels[np++] = TL_PLOT_PANEL(family_titles[f]);
    }
  for (int i = 0; i < c->nmodels; i++)
    if (!(only_w_head && family(&c->models[i]) == P_GENERIC)) panel_of[i] = index[family(&c->models[i])];
  return np;
}

/* Median curve (column y) with its IQR band (lo, hi) of every model, by family. */
static tl_status family_figure(const tl_study_config_t *c, const char *png, int y,
                               tl_plot_axes_t *ax, int only_w_head, tl_error *err) {
  char csv[4096], out[4096];
  tl_study_data_path(c, "trainability_curves.csv", csv, sizeof csv);
  tl_plot_series_t s[TL_STUDY_MAX_MODELS];
  tl_plot_panel_t panels[NFAMILIES];
  int panel_of[TL_STUDY_MAX_MODELS], n = 0;
  ax->npanels = family_panels(c, panels, panel_of, only_w_head);
  ax->panels = panels;
  for (int i = 0; i < c->nmodels; i++)
    if (panel_of[i] >= 0)
      s[n++] = (tl_plot_series_t){csv, 2, y, y + 1, y + 2, c->models[i].name, c->models[i].name, panel_of[i]};
  if (only_w_head) { /* two quantities: each panel says which */
    for (int p = 0; p < ax->npanels; p++)
      panels[p].ylabel = panels[p].title == family_titles[P_TOPO] ? "cosine of K with K_{exact}"
                                                                   : "cosine of M with diag(-d)";
  }
  tl_study_figure_path(c, png, out, sizeof out);
  return n ? tl_plot_lines(out, s, n, ax, 1, err) : TL_OK;
}

static tl_status curve_figures(const tl_study_config_t *c, tl_figures_t *figs, tl_error *err) {
  tl_plot_axes_t ax = {.title = "Training loss (median over seeds, band: interquartile range)",
                       .xlabel = "epoch", .ylabel = "cross-entropy loss", .logy = 1,
                       .ymin = NAN, .ymax = NAN, .key = "inside top right opaque box", .dodge = 0.22};
  tl_status st = family_figure(c, "loss_curves.png", 3, &ax, 0, err);
  st = tl_study_figure_done(figs, "trainability", "loss_curves.png", "Training loss per epoch of every "
            "model and initialisation, one panel per family: median over the seeds, the "
            "interquartile range shaded.", st);
  tl_plot_axes_t ax2 = {.title = "Test accuracy on the training distribution (median over seeds)",
                        .xlabel = "epoch", .ylabel = "accuracy", .ymin = 0, .ymax = 1.06,
                        .key = "inside bottom right opaque box", .dodge = 0.22};
  if (!st) st = family_figure(c, "accuracy_curves.png", 6, &ax2, 0, err);
  st = tl_study_figure_done(figs, "trainability", "accuracy_curves.png", "Test accuracy (clean chains "
            "of the training distribution) after every epoch, one panel per family: median over "
            "the seeds with the interquartile range. Where curves coincide (at accuracy 1) the "
            "earlier models of a panel are drawn with wider lines and their markers shifted "
            "sideways, so that each stays visible.", st);
  tl_plot_axes_t ax3 = {.title = "Closeness to the exact tensors along training (median over seeds)",
                        .xlabel = "epoch", .ylabel = "cosine similarity", .ymin = -1, .ymax = 1.06,
                        .key = "inside bottom right opaque box", .dodge = 0.22};
  int any = 0;
  for (int i = 0; i < c->nmodels; i++) any |= tl_study_w_head(&c->models[i].hp);
  if (!st && any) {
    st = family_figure(c, "topo_distance.png", 9, &ax3, 1, err);
    st = tl_study_figure_done(figs, "trainability", "topo_distance.png", "Cosine similarity of the "
              "learned tensors with the exact ones along training (1: the exact direction, 0: "
              "unrelated), median over seeds with the interquartile range. topo: the cosine of K "
              "with K_exact, which ignores the rescaling lambda -> c lambda, K -> K/c^2 that "
              "leaves W unchanged. sym: the cosine of its per-cell quadratic form M = sum_h w2_h "
              "w1_h w1_h^T with the exact marker's diag(-d), which ignores the order and scale of "
              "its hidden units. Two different quantities: one panel each.", st);
  }
  return st;
}

tl_status tr_figures(const tl_study_config_t *c, tl_figures_t *figs, tl_error *err) {
  tl_status st = curve_figures(c, figs, err);
  char csv[4096], out[4096], cap[1024];
  tl_study_data_path(c, "trainability.csv", csv, sizeof csv);
  const int cols[2] = {2, 3};
  const char *labels[2] = {"fits (test accuracy >= 0.99)", "learned the invariant"};
  tl_plot_axes_t ax4 = {.title = "Share of seeds that fit / learned the invariant",
                        .ylabel = "share of seeds", .ymin = 0, .ymax = 1.1,
                        .max_rows = c->nmodels}; /* the control's row has no fractions */
  tl_study_figure_path(c, "success_fractions.png", out, sizeof out);
  if (!st) st = tl_plot_bars(csv, out, 1, cols, labels, 2, &ax4, 1, err);
  snprintf(cap, sizeof cap, "Share of the seeds of each model that fit the training distribution "
           "and that learned the invariant (also >= 0.99 at bond disorder D = 2, on "
           "gauge-flipped states, on winding-2 chains where the model can label them, and W "
           "within 0.1 of the RSWN for topo/sym). A bar of height 0 is marked 0.");
  tl_study_model_t d[TL_STUDY_MAX_MODELS];
  int nd = 0, first = 1;
  if (!tl_study_models_parse(tl_study_default_models("trainability"), c->L, d, &nd, NULL))
    for (int i = 0; i < nd; i++)
      if (tl_study_model_index(c, d[i].name) < 0) {
        tl_report_cat(cap, sizeof cap, "%s%s", first ? " Not run (not in --models): " : ", ", d[i].name);
        first = 0;
      }
  return tl_study_figure_done(figs, "trainability", "success_fractions.png", cap, st);
}

/* ---- claims -------------------------------------------------------------------------- */

/* Lowest and highest of column k over the seeds of model mi (NaN when none is finite). */
static void seed_range(const tl_grid_t *g, int mi, int k, double *lo, double *hi) {
  *lo = INFINITY;
  *hi = -INFINITY;
  for (int s = 0; s < g->c->seeds; s++) {
    const double x = tl_grid_vals(g, TR_MODELS, mi, s)[k];
    if (isfinite(x)) *lo = fmin(*lo, x), *hi = fmax(*hi, x);
  }
  if (*lo > *hi) *lo = *hi = NAN;
}

static void claim_c1(const tl_grid_t *g, const tl_summary_t *sum, tl_report_claim_t *cl) {
  cl->id = "C1";
  cl->claim = "The topo network can express the RSWN exactly.";
  cl->rule = "reproduced: the exact topo tensors, untrained, have accuracy 1 on every set "
             "(clean, bond disorder D = 2, winding 2) and max |W - RSWN| < 1e-4 (float32 "
             "round-off); partly: accuracy >= 0.99 on every set and max |W - RSWN| < 0.1; not "
             "reproduced: otherwise.";
  const char *words[3] = {"clean", "D = 2", "winding 2"};
  const tr_ctx *s = g->ctx;
  double acc_min = INFINITY, err_max = -INFINITY;
  tl_report_cat(cl->measured, sizeof cl->measured, EXACT_TOPO " untrained: accuracy ");
  for (int t = 0; t < 3; t++) {
    char key[96], what[64];
    snprintf(what, sizeof what, "acc_%s", expr_sets[t]);
    tl_study_key(key, sizeof key, EXACT_TOPO, what);
    const double a = tl_report_claim_get(cl, sum, "expressivity", key);
    snprintf(what, sizeof what, "W_max_err_%s", expr_sets[t]);
    tl_study_key(key, sizeof key, EXACT_TOPO, what);
    const double e = tl_report_claim_get(cl, sum, "expressivity", key);
    acc_min = fmin(acc_min, a);
    err_max = fmax(err_max, e);
    tl_report_cat(cl->measured, sizeof cl->measured, "%s%.4g (%s)", t ? ", " : "", a, words[t]);
  }
  /* %.3g: the precision of expressivity.csv's W_max_err, so both say the same number */
  tl_report_cat(cl->measured, sizeof cl->measured, "; max |W - RSWN| %.3g over the three sets. "
                "Deterministic (no training, no seeds): %d, %d and %d chains.",
                err_max, s->test->N, s->hard->N, s->w2->N);
  cl->verdict = acc_min == 1 && err_max < 1e-4        ? TL_VERDICT_REPRODUCED
                : acc_min >= 0.99 && err_max < 0.1    ? TL_VERDICT_PARTLY
                                                      : TL_VERDICT_NOT_REPRODUCED;
}

/* "k of S seeds" from a fraction over S seeds. */
static void seeds_of(char *buf, size_t cap, double frac, int S) {
  tl_report_cat(buf, cap, "%.0f of %d seeds", round(frac * S), S);
}

static void claim_c2(const tl_grid_t *g, const tl_summary_t *sum, tl_report_claim_t *cl) {
  const int S = g->c->seeds;
  cl->id = "C2";
  cl->claim = "topo trains poorly from random initialisation and depends on how close to the "
              "exact tensors it starts.";
  cl->rule = "'poorly': fewer than half of the seeds of topo:random learn the invariant; "
             "'depends on the start': the share of seeds that learn it from exact+noise:0.01 "
             "exceeds that from exact+noise:1 by at least 0.5. reproduced: both; partly: one; "
             "not reproduced: neither.";
  char key[96];
  tl_study_key(key, sizeof key, "topo:random", TR_FIT_FRACTION);
  const double fr = tl_report_claim_get(cl, sum, "trainability", key);
  tl_study_key(key, sizeof key, "topo:random", TR_LEARNED_FRACTION);
  const double lr = tl_report_claim_get(cl, sum, "trainability", key);
  const char *noise[3] = {"topo:exact+noise:0.01", "topo:exact+noise:0.1", "topo:exact+noise:1"};
  double ln[3];
  for (int i = 0; i < 3; i++) {
    tl_study_key(key, sizeof key, noise[i], TR_LEARNED_FRACTION);
    ln[i] = tl_report_claim_get(cl, sum, "trainability", key);
  }
  char *m = cl->measured;
  const size_t cap = sizeof cl->measured;
  tl_report_cat(m, cap, "topo:random fits in ");
  seeds_of(m, cap, fr, S);
  tl_report_cat(m, cap, " and learns the invariant in ");
  seeds_of(m, cap, lr, S);
  const int ri = tl_study_model_index(g->c, "topo:random");
  double lo = NAN, hi = NAN;
  if (ri >= 0) seed_range(g, ri, K_DIS, &lo, &hi);
  tl_report_cat(m, cap, " (its accuracy at bond disorder D = 2 from %.4g to %.4g over the "
                "seeds); topo learns it from exact+noise:0.01 in ", lo, hi);
  seeds_of(m, cap, ln[0], S);
  tl_report_cat(m, cap, ", from noise 0.1 in ");
  seeds_of(m, cap, ln[1], S);
  tl_report_cat(m, cap, ", from noise 1 in ");
  seeds_of(m, cap, ln[2], S);
  tl_report_cat(m, cap, ".");
  const int poorly = lr < 0.5, depends = ln[0] - ln[2] >= 0.5;
  cl->verdict = poorly && depends   ? TL_VERDICT_REPRODUCED
                : poorly || depends ? TL_VERDICT_PARTLY
                                    : TL_VERDICT_NOT_REPRODUCED;
  snprintf(cl->note, sizeof cl->note, "Every seed of topo:random that fits the clean training "
           "chains still fails a test of the invariant: what fails is generalisation beyond the "
           "training distribution, not fitting it.%s%s", poorly ? "" : " topo:random learns in "
           "half of the seeds or more.", depends ? "" : " No clear dependence on the noise.");
}

/* Models C3 is about: the generic networks (no W head: mlp, cnn) and the symmetry-informed
 * sym from a random start (its exact start is the answer itself). */
static int c3_model(const tl_study_model_t *m) {
  return !tl_study_w_head(&m->hp) ||
         (tl_study_size_independent(&m->hp) && m->hp.init == TL_INIT_RANDOM);
}

static void claim_c3(const tl_grid_t *g, const tl_summary_t *sum, tl_report_claim_t *cl) {
  const tl_study_config_t *c = g->c;
  cl->id = "C3";
  cl->claim = "Generic (MLP, CNN) and symmetry-informed (sym) networks reach high accuracy on "
              "clean data.";
  cl->rule = "over the mlp and cnn models and sym:random: reproduced when each fits (test "
             "accuracy >= 0.99 on clean chains) in at least 80% of its seeds; partly when at "
             "least one does; not reproduced when none does.";
  int n = 0, good = 0;
  for (int i = 0; i < c->nmodels; i++) {
    if (!c3_model(&c->models[i])) continue;
    char key[96];
    tl_study_key(key, sizeof key, c->models[i].name, TR_FIT_FRACTION);
    const double f = tl_report_claim_get(cl, sum, "trainability", key);
    double lo, hi;
    seed_range(g, i, K_FIT, &lo, &hi);
    if (!n)
      tl_report_cat(cl->measured, sizeof cl->measured, "seeds that fit, with the lowest and "
                    "highest final test accuracy of the seeds in brackets: ");
    tl_report_cat(cl->measured, sizeof cl->measured, "%s%s ", n ? "; " : "", c->models[i].name);
    seeds_of(cl->measured, sizeof cl->measured, f, c->seeds);
    tl_report_cat(cl->measured, sizeof cl->measured, " [%.4g, %.4g]", lo, hi);
    n++;
    good += f >= 0.8;
  }
  if (!n) {
    tl_report_cat(cl->missing, sizeof cl->missing, "trainability: no mlp, cnn or sym:random "
                  "model in --models");
    return;
  }
  tl_report_cat(cl->measured, sizeof cl->measured, ".");
  cl->verdict = good == n ? TL_VERDICT_REPRODUCED : good ? TL_VERDICT_PARTLY : TL_VERDICT_NOT_REPRODUCED;
}

/* ---- the section --------------------------------------------------------------------- */

static const tl_report_term_t terms[] = {
    {"set (expressivity)", "clean: the test chains of the training family; bond_disorder_2: "
                           "the same family at bond disorder D = 2; winding_2: chains of "
                           "ranges 0..2 with winding number 2"},
    {"W_max_err", "largest |W - RSWN| over the set's chains, W being what the model predicts"},
    {"fit_fraction", "share of seeds whose test accuracy on the training distribution is "
                     ">= 0.99 (the seed fits)"},
    {"learned_fraction", "share of seeds that fit and also pass every test of the invariant "
                         "that applies to the model (defined above the trainability table)"},
    {"epochs_median", "first epoch at which the test accuracy reached 0.99, median over the "
                      "seeds that reached it (empty: none did)"},
    {"fit_acc_median", "final test accuracy on the training distribution, median over seeds"},
    {"acc_disorder2_median", "accuracy at bond disorder D = 2, median over seeds"},
    {"acc_gauge_median", "accuracy on the test chains with the sign of every eigenvector "
                         "flipped at random (only models reading eigenvectors: topo, "
                         "mlp:eigvec, cnn:eigvec; empty otherwise)"},
    {"acc_winding2_median", "accuracy on winding-2 chains (only topo and sym, which can name "
                            "an integer they were not trained on; empty otherwise)"},
    {"W_max_err_median", "max |W - RSWN| on the test chains, median over seeds (topo and sym "
                         "only)"},
    {"cos_K_median", "cosine of the learned tensor with the exact one (topo: K; sym: its "
                     "per-cell quadratic form); 1 is the exact direction (in the CSV and the "
                     "distance figure)"},
    {TR_CONTROL_NAME, "an eigvec MLP trained and tested on labels drawn by a fair coin, "
                      "independent of the chains; its accuracy must be near chance, 0.5"},
    {NULL, NULL}};

void tr_report(const tl_grid_t *g, const tl_summary_t *sum, tl_report_section_t *sec) {
  const tl_study_config_t *c = g->c;
  const tr_ctx *s = g->ctx;
  sec->title = "Trainability";
  snprintf(sec->intro, sizeof sec->intro,
           "Each model is trained from %d seeds for %d epochs on %ld chains of the training "
           "family (L = %d, ranges %d..%d, bond disorder D = %g) and tested on %ld held-out "
           "chains of the same family. A seed *fits* when its test accuracy is >= %g. It "
           "*learned the invariant* when it fits and also reaches %g on chains a proxy cannot "
           "fake: bond disorder D = 2 (%d chains, every model); the test chains with the signs "
           "of their eigenvectors flipped at random (models reading eigenvectors); winding-2 "
           "chains (%d chains; topo and sym, which can name any integer); and, for topo and "
           "sym, max |W - RSWN| < %g on the test chains. An empty cell (—) means the test does "
           "not apply to that model (glossary). The last row, `" TR_CONTROL_NAME "`, is an eigvec "
           "MLP trained and tested on labels drawn by a coin flip: chance is 0.5, and a value "
           "far above it would mean that labels leak into the inputs. Per-seed values: "
           "`data/trainability_cells.csv`; learning curves: `data/trainability_curves.csv`.",
           c->seeds, c->epochs, c->n_train, c->L, c->train_r_min, c->train_r_max,
           c->train_disorder, c->n_test, c->success, c->success, s->hard->N, s->w2->N, c->w_tol);
  sec->table[sec->ntables++] = (tl_report_table_t){
      .csv = "expressivity.csv",
      .caption = "Expressivity (C1): the exact initialisations of topo and sym, untrained, "
                 "against the RSWN on each set."};
  sec->table[sec->ntables++] = (tl_report_table_t){
      .csv = "trainability.csv",
      .columns = "model,fit_fraction,learned_fraction,epochs_median,fit_acc_median,"
                 "acc_disorder2_median,acc_gauge_median,acc_winding2_median,W_max_err_median",
      .caption = "Trainability per model, over its seeds (more columns in the CSV)."};
  claim_c1(g, sum, &sec->claim[sec->nclaims++]);
  claim_c2(g, sum, &sec->claim[sec->nclaims++]);
  claim_c3(g, sum, &sec->claim[sec->nclaims++]);
  sec->terms = terms;
}
