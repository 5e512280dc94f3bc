/* Disorder (claim C5): models trained on clean chains (and on chains at bond disorder
 * D = 1) tested on a sweep of bond disorder and of on-site (chiral-breaking) disorder,
 * against the exact RSWN labels, beside two non-learned baselines — the log-hopping
 * rule and the edge-state indicator — and how often each model agrees with each
 * baseline, so the report can say which proxy a network's accuracy follows. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study/study_internal.h"
#include "topolearn/baseline.h"

enum { BOND, ONSITE, NKINDS };
static const char *const kind_names[NKINDS] = {"bond", "onsite"};
static const double train_D[2] = {0.0, 1.0};
static const char *const baseline_names[2] = {"baseline:loghop", "baseline:edge"};

typedef struct {
  tl_samples_t *train[2], *val;
  tl_samples_t *tests[NKINDS][TL_STUDY_MAX_SWEEP];
  int *loghop[NKINDS][TL_STUDY_MAX_SWEEP], *edge[NKINDS][TL_STUDY_MAX_SWEEP];
  int *pred;
} dis_ctx;

/* Per cell and test set: accuracy, agreement with the log-hopping rule, with the edge
 * indicator. */
enum { V_ACC, V_LOGHOP, V_EDGE, NV };
static int at(const tl_study_config_t *c, int kind, int d, int v) {
  return ((kind * c->nsweep) + d) * NV + v;
}

/* Baseline predictions of every chain of s. */
static tl_status baselines(const tl_samples_t *s, int *loghop, int *edge, tl_error *err) {
  tl_chain_t *c;
  tl_status st = tl_chain_new(&c, s->L, s->r_min, s->r_max, s->boundary, err);
  if (st) return st;
  tl_edge_opts_t eo;
  tl_edge_opts_default(&eo, s->L);
  const size_t L = (size_t)s->L, R = (size_t)s->R;
  for (int i = 0; i < s->N; i++) {
    memcpy(c->t, s->t + i * L * R, L * R * sizeof *c->t);
    loghop[i] = tl_baseline_loghop(c);
    edge[i] = tl_baseline_edge_modes(s->energies + i * 2 * L, s->psi + i * 2 * L * L, s->L, &eo);
  }
  tl_chain_free(c);
  return TL_OK;
}

/* Accuracy of predictions against labels over non-ambiguous chains, and agreement with
 * another predictor over the same chains. */
static double score(const tl_samples_t *s, const int *pred, const int *other) {
  long n = 0, k = 0;
  for (int i = 0; i < s->N; i++) {
    if (s->ambiguous[i]) continue;
    n++;
    k += pred[i] == (other ? other[i] : s->label[i]);
  }
  return n ? (double)k / n : NAN;
}

static int settings(const tl_study_config_t *c, tl_grid_setting_t *out) {
  (void)c;
  out[0] = (tl_grid_setting_t){"trained on clean chains", "disorder", NULL, NULL};
  out[1] = (tl_grid_setting_t){"trained at D = 1", "disorder-trainD1", NULL, NULL};
  return 2;
}

static void extra_work(const tl_study_config_t *c, tl_study_extra_work_t *w) {
  w->chains_drawn = 2.0 * c->n_train + (1.0 + 2.0 * c->nsweep) * c->n_test;
  w->chains_judged = 2.0 * c->nsweep * c->n_test;
}

static tl_status setup(tl_grid_t *g, tl_error *err) {
  const tl_study_config_t *c = g->c;
  dis_ctx *x = g->ctx;
  tl_status st = TL_OK;
  tl_set_spec_t sp;
  for (int t = 0; t < 2 && !st; t++) {
    tl_set_spec_ssh(&sp, c->L, c->n_train, tl_study_seed(c->seed, t ? "train-D1" : "train", 0), train_D[t]);
    st = tl_set_make(&sp, &x->train[t], err);
  }
  tl_set_spec_ssh(&sp, c->L, c->n_test, tl_study_seed(c->seed, "test", 0), 0);
  if (!st) st = tl_set_make(&sp, &x->val, err);
  for (int kind = 0; kind < NKINDS && !st; kind++)
    for (int d = 0; d < c->nsweep && !st; d++) {
      tl_set_spec_ssh(&sp, c->L, c->n_test, tl_study_seed(c->seed, kind ? "onsite" : "bond", d),
                      kind ? 0 : c->sweep[d]);
      sp.onsite = kind ? c->sweep[d] : 0;
      st = tl_set_make(&sp, &x->tests[kind][d], err);
      const size_t n = (size_t)c->n_test;
      x->loghop[kind][d] = st ? NULL : tl_malloc(n * sizeof(int));
      x->edge[kind][d] = st ? NULL : tl_malloc(n * sizeof(int));
      if (!st && (!x->loghop[kind][d] || !x->edge[kind][d]))
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory for the baselines");
      if (!st) st = baselines(x->tests[kind][d], x->loghop[kind][d], x->edge[kind][d], err);
    }
  if (!st && !(x->pred = tl_malloc((size_t)c->n_test * sizeof *x->pred)))
    st = tl_error_set(err, TL_ERR_NOMEM, "out of memory for predictions");
  return st;
}

static void cleanup(tl_grid_t *g) {
  dis_ctx *x = g->ctx;
  for (int t = 0; t < 2; t++) tl_samples_free(x->train[t]);
  tl_samples_free(x->val);
  for (int kind = 0; kind < NKINDS; kind++)
    for (int d = 0; d < TL_STUDY_MAX_SWEEP; d++) {
      tl_samples_free(x->tests[kind][d]);
      tl_free(x->loghop[kind][d]);
      tl_free(x->edge[kind][d]);
    }
  tl_free(x->pred);
}

static void sets(const tl_grid_t *g, int setting, const tl_samples_t **train,
                 const tl_samples_t **test) {
  const dis_ctx *x = g->ctx;
  *train = x->train[setting];
  *test = x->val;
}

static tl_status judge(tl_grid_t *g, const tl_grid_cell_t *cell, tl_model_t *m,
                       const tl_cell_train_t *ct, double *v, tl_error *err) {
  (void)cell, (void)ct;
  const tl_study_config_t *c = g->c;
  dis_ctx *x = g->ctx;
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  tl_status st = TL_OK;
  for (int kind = 0; kind < NKINDS && !st; kind++)
    for (int d = 0; d < c->nsweep && !st; d++) {
      const tl_samples_t *ts = x->tests[kind][d];
      tl_eval_t r;
      if ((st = tl_model_eval(m, ts, &eo, x->pred, NULL, &r, err))) break;
      tl_eval_free(&r);
      v[at(c, kind, d, V_ACC)] = score(ts, x->pred, NULL);
      v[at(c, kind, d, V_LOGHOP)] = score(ts, x->pred, x->loghop[kind][d]);
      v[at(c, kind, d, V_EDGE)] = score(ts, x->pred, x->edge[kind][d]);
    }
  return st;
}

/* One row of disorder.csv: a model (mi < M) or a baseline, trained at train_D[t], on one
 * test set; the clean-trained models' numbers also go to the summary. */
static void row(const tl_grid_t *g, int t, int mi, int kind, int d, FILE *fp, tl_summary_t *sum) {
  const tl_study_config_t *c = g->c;
  const dis_ctx *x = g->ctx;
  const int M = c->nmodels, S = c->seeds;
  double a = 0, lo = INFINITY, hi = -INFINITY, gl = 0, ge = 0;
  for (int sd = 0; sd < S; sd++) {
    const double *v = mi < M ? tl_grid_vals(g, t, mi, sd) : NULL;
    const int *base = mi == M ? x->loghop[kind][d] : x->edge[kind][d];
    const double acc = v ? v[at(c, kind, d, V_ACC)] : score(x->tests[kind][d], base, NULL);
    a += acc / S;
    lo = fmin(lo, acc);
    hi = fmax(hi, acc);
    if (v) gl += v[at(c, kind, d, V_LOGHOP)] / S, ge += v[at(c, kind, d, V_EDGE)] / S;
  }
  const char *name = mi < M ? c->models[mi].name : baseline_names[mi - M];
  fprintf(fp, "%s@%s@train%g,%g,%s,%s,%g,%.4f,%.4f,%.4f,", name, kind_names[kind], train_D[t],
          train_D[t], name, kind_names[kind], c->sweep[d], a, lo, hi);
  if (mi < M) fprintf(fp, "%.4f,%.4f\n", gl, ge);
  else fprintf(fp, ",\n");
  if (t != 0) return;
  char key[96], what[64];
  snprintf(what, sizeof what, "acc_%s_D%g", kind_names[kind], c->sweep[d]);
  tl_study_key(key, sizeof key, name, what);
  tl_summary_add(sum, "disorder", key, a, NULL);
  if (kind != BOND || mi >= M) return;
  snprintf(what, sizeof what, "agree_loghop_D%g", c->sweep[d]);
  tl_study_key(key, sizeof key, name, what);
  tl_summary_add(sum, "disorder", key, gl, NULL);
  snprintf(what, sizeof what, "agree_edge_D%g", c->sweep[d]);
  tl_study_key(key, sizeof key, name, what);
  tl_summary_add(sum, "disorder", key, ge, NULL);
}

static tl_status tables(tl_grid_t *g, tl_summary_t *sum, tl_error *err) {
  const tl_study_config_t *c = g->c;
  tl_outfile_t o;
  tl_status st = tl_study_table(c, "disorder.csv", &o, err);
  if (st) return st;
  fprintf(o.fp, "series,train_D,model,disorder_kind,D,accuracy_mean,accuracy_min,accuracy_max,"
                "agree_loghop,agree_edge\n");
  for (int t = 0; t < 2; t++)
    for (int mi = 0; mi < c->nmodels + 2; mi++)
      for (int kind = 0; kind < NKINDS; kind++)
        for (int d = 0; d < c->nsweep; d++) row(g, t, mi, kind, d, o.fp, sum);
  return tl_outfile_commit(&o, err);
}

/* Accuracy against D of the clean-trained models: one panel for the networks that carry
 * the invariant (W head), one for the generic ones, the simple rules in both. */
static tl_status figures(const tl_study_config_t *c, tl_figures_t *figs, tl_error *err) {
  enum { NS = 2 * (TL_STUDY_MAX_MODELS + 2) };
  char csv[4096], out[4096], keys[NS][160];
  tl_study_data_path(c, "disorder.csv", csv, sizeof csv);
  tl_status st = TL_OK;
  const int n = c->nmodels;
  tl_plot_panel_t panels[2] = {TL_PLOT_PANEL("topo and sym (nearest-integer head)"),
                               TL_PLOT_PANEL("mlp and cnn (generic networks)")};
  for (int kd = 0; kd < NKINDS && !st; kd++) {
    tl_plot_series_t s[NS];
    int k = 0;
    for (int i = 0; i < n; i++, k++) {
      snprintf(keys[k], sizeof keys[k], "%s@%s@train0", c->models[i].name, kind_names[kd]);
      s[k] = (tl_plot_series_t){csv, 5, 6, 7, 8, c->models[i].name, keys[k],
                                tl_study_w_head(&c->models[i].hp) ? 0 : 1};
    }
    for (int p = 0; p < 2; p++)
      for (int b = 0; b < 2; b++, k++) {
        snprintf(keys[k], sizeof keys[k], "%s@%s@train0", baseline_names[b], kind_names[kd]);
        s[k] = (tl_plot_series_t){csv, 5, 6, 0, 0, baseline_names[b], keys[k], p};
      }
    char title[160], file[64], cap[640];
    snprintf(title, sizeof title, "Accuracy vs %s disorder, models trained on clean chains",
             kd ? "on-site (chiral-breaking)" : "bond");
    snprintf(file, sizeof file, "accuracy_vs_%s_disorder.png", kind_names[kd]);
    snprintf(cap, sizeof cap, "Accuracy against the exact RSWN labels as %s disorder grows, for "
             "models trained on clean chains: mean over seeds, the band from the lowest to the "
             "highest seed; the log-hopping rule and the edge-state indicator on the same chains "
             "in both panels.%s", kd ? "on-site" : "bond",
             kd ? " On-site terms break chiral symmetry: the labels are then the RSWN of sign(H) "
                  "of the full H, no longer a protected invariant." : "");
    tl_plot_axes_t ax = {.title = title, .xlabel = kd ? "on-site disorder D_0" : "bond disorder D",
                         .ylabel = "accuracy", .ymin = 0, .ymax = 1.06, .npanels = 2,
                         .panels = panels, .key = "inside bottom left opaque box", .dodge = 0.03};
    tl_study_figure_path(c, file, out, sizeof out);
    st = tl_plot_lines(out, s, k, &ax, 1, err);
    st = tl_study_figure_done(figs, "disorder", file, cap, st);
  }
  return st;
}

/* ---- claim C5 and the section ------------------------------------------------------- */

/* Mean accuracy of the clean-trained model (or baseline) called name at sweep point d. */
static double acc_at(tl_report_claim_t *cl, const tl_summary_t *sum, const char *name, double D) {
  char key[96], what[64];
  snprintf(what, sizeof what, "acc_bond_D%g", D);
  tl_study_key(key, sizeof key, name, what);
  return tl_report_claim_get(cl, sum, "disorder", key);
}

static void claim_c5(const tl_grid_t *g, const tl_summary_t *sum, tl_report_claim_t *cl) {
  const tl_study_config_t *c = g->c;
  const int last = c->nsweep - 1;
  const double D0 = c->sweep[0], D1 = c->sweep[last];
  cl->id = "C5";
  cl->claim = "Disorder degrades the generic networks, while the exact invariant is unaffected.";
  cl->rule = "bond disorder, models trained on clean chains, from the first to the last D of "
             "the sweep. 'degrades': the accuracy falls by at least 0.05; 'unaffected': the "
             "exact topo/sym networks keep accuracy >= 0.99 at every D. reproduced: every "
             "generic network (mlp, cnn) degrades and the invariant is unaffected; partly: the "
             "invariant is unaffected and some but not all generic networks degrade; not "
             "reproduced: otherwise.";
  char *m = cl->measured;
  const size_t cap = sizeof cl->measured;
  int ngen = 0, degrade = 0, nexact = 0, intact = 1;
  for (int i = 0; i < c->nmodels; i++) {
    const tl_study_model_t *md = &c->models[i];
    const int generic = !tl_study_w_head(&md->hp), exact = !generic && md->hp.init == TL_INIT_EXACT;
    if (!generic && !exact) continue;
    const double a0 = acc_at(cl, sum, md->name, D0), a1 = acc_at(cl, sum, md->name, D1);
    double lo = INFINITY, hi = -INFINITY;
    for (int s = 0; s < c->seeds; s++) {
      const double x = tl_grid_vals(g, 0, i, s)[at(c, BOND, last, V_ACC)];
      lo = fmin(lo, x), hi = fmax(hi, x);
    }
    if (!ngen && !nexact)
      tl_report_cat(m, cap, "mean accuracy at D = %g -> at D = %g, with the lowest and highest "
                    "of the %d seeds at D = %g in brackets: ", D0, D1, c->seeds, D1);
    tl_report_cat(m, cap, "%s%s %.4g -> %.4g [%.4g, %.4g]", ngen + nexact ? "; " : "", md->name,
                  a0, a1, lo, hi);
    if (generic) ngen++, degrade += a1 <= a0 - 0.05;
    if (exact) {
      nexact++;
      for (int d = 0; d <= last; d++) intact &= acc_at(cl, sum, md->name, c->sweep[d]) >= 0.99;
    }
  }
  tl_report_cat(m, cap, ". The simple rules on the same chains: log-hopping %.4g -> %.4g, "
                "edge-state indicator %.4g -> %.4g.",
                acc_at(cl, sum, baseline_names[0], D0), acc_at(cl, sum, baseline_names[0], D1),
                acc_at(cl, sum, baseline_names[1], D0), acc_at(cl, sum, baseline_names[1], D1));
  if (!ngen || !nexact)
    tl_report_cat(cl->missing, sizeof cl->missing, "%sdisorder: %s in --models",
                  cl->missing[0] ? ", " : "", !ngen ? "no mlp or cnn" : "no topo:exact or sym:exact");
  cl->verdict = intact && degrade == ngen ? TL_VERDICT_REPRODUCED
                : intact && degrade      ? TL_VERDICT_PARTLY
                                         : TL_VERDICT_NOT_REPRODUCED;
}

static const tl_report_term_t terms[] = {
    {"train_D", "bond disorder of the training chains: 0 (clean) or 1"},
    {"disorder_kind", "bond: chiral-preserving disorder of the hoppings; onsite: "
                      "chiral-breaking random on-site energies"},
    {"accuracy_mean, _min, _max", "accuracy against the exact RSWN labels: mean, lowest and "
                                  "highest over seeds"},
    {"agree_loghop, agree_edge", "share of the test chains on which the model predicts what "
                                 "the log-hopping rule / the edge-state indicator predicts: "
                                 "which simple rule the network behaves like"},
    {"baseline:loghop, baseline:edge", "the two simple rules as rows of the table (defined "
                                       "in the glossary); they are not trained, so train_D "
                                       "does not change them"},
    {NULL, NULL}};

static void report(const tl_grid_t *g, const tl_summary_t *sum, tl_report_section_t *sec) {
  const tl_study_config_t *c = g->c;
  sec->title = "Disorder";
  snprintf(sec->intro, sizeof sec->intro,
           "Models trained on clean chains (train_D = 0) and on chains at bond disorder D = 1 "
           "(train_D = 1), %d seeds each, are tested on %ld chains at each D of the sweep, "
           "for bond disorder and for on-site disorder, against the exact RSWN labels. The two "
           "simple rules run on the same chains. Tables: mean accuracy over seeds, one column "
           "per D; `data/disorder.csv` has the spread over seeds and the agreement of every "
           "model with each rule.", c->seeds, c->n_test);
  sec->table[sec->ntables++] = (tl_report_table_t){
      .csv = "disorder.csv", .columns = "model,train_D", .where = "disorder_kind=bond", .pivot = "D",
      .value = "accuracy_mean", .caption = "Accuracy under bond disorder, mean over seeds."};
  sec->table[sec->ntables++] = (tl_report_table_t){
      .csv = "disorder.csv", .columns = "model,train_D", .where = "disorder_kind=onsite",
      .pivot = "D", .value = "accuracy_mean", .pivot_label = "D_0",
      .caption = "Accuracy under on-site disorder, mean over seeds. On-site terms break chiral "
                 "symmetry: the labels are then the RSWN computed from sign(H) of the full H, "
                 "no longer a protected invariant."};
  sec->table[sec->ntables++] = (tl_report_table_t){
      .csv = "disorder.csv", .columns = "model", .where = "disorder_kind=bond;train_D=0",
      .pivot = "D", .value = "agree_loghop",
      .caption = "How often each model, trained on clean chains, predicts what the log-hopping "
                 "rule predicts under bond disorder (share of chains; the rules' own rows are "
                 "empty)."};
  claim_c5(g, sum, &sec->claim[sec->nclaims++]);
  sec->terms = terms;
}

const tl_study_def_t tl_study_disorder = {
    .name = "disorder",
    .about = "accuracy as bond and on-site disorder grow, beside two simple rules (C5)",
    .default_models = "topo:exact,sym:exact,mlp:eigvec:gauge,mlp:hopping,cnn:eigvec",
    .reproduce_seeds = 2,
    .nfigures = 2,
    .ctx_size = sizeof(dis_ctx),
    .nvals = NKINDS * TL_STUDY_MAX_SWEEP * NV, /* the most a sweep needs */
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
