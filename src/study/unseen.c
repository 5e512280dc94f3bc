/* Unseen windings (beyond the paper): train on plain SSH chains (windings 0 and 1)
 * stored with ranges 0..2 (t_2 = 0, so inputs have the shape of the test chains), test
 * on chains of ranges 0..2 with winding 2. topo and sym predict round(W) over every
 * integer; mlp/cnn can only output the classes they were trained on. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study/study_internal.h"

typedef struct {
  tl_samples_t *train, *held, *w2;
} unseen_ctx;

enum { V_SEEN, V_W2, NV }; /* accuracy on held-out seen windings, on winding 2 */

static int settings(const tl_study_config_t *c, tl_grid_setting_t *out) {
  (void)c;
  out[0] = (tl_grid_setting_t){"windings 0 and 1", "unseen", NULL, NULL};
  return 1;
}

static void extra_work(const tl_study_config_t *c, tl_study_extra_work_t *w) {
  /* winding-2 chains are kept from about one candidate in three */
  w->chains_drawn = (double)c->n_train + 4.0 * (double)c->n_test;
  w->chains_judged = 2.0 * (double)c->n_test;
}

static tl_status setup(tl_grid_t *g, tl_error *err) {
  unseen_ctx *x = g->ctx;
  const tl_study_config_t *c = g->c;
  tl_set_spec_t sp;
  tl_set_spec_ssh(&sp, c->L, c->n_train, tl_study_seed(c->seed, "unseen-train", 0), c->train_disorder);
  sp.r_max = 2; /* t_2 = 0: SSH chains in the shape of the test chains */
  tl_status st = tl_set_make(&sp, &x->train, err);
  sp.n = c->n_test;
  sp.seed = tl_study_seed(c->seed, "unseen-held", 0);
  if (!st) st = tl_set_make(&sp, &x->held, err);
  tl_set_spec_winding2(&sp, c->L, c->n_test, tl_study_seed(c->seed, "unseen-w2", 0));
  if (!st) st = tl_set_make(&sp, &x->w2, err);
  return st;
}

static void cleanup(tl_grid_t *g) {
  unseen_ctx *x = g->ctx;
  tl_samples_free(x->train);
  tl_samples_free(x->held);
  tl_samples_free(x->w2);
}

static void sets(const tl_grid_t *g, int setting, const tl_samples_t **train,
                 const tl_samples_t **test) {
  (void)setting;
  const unseen_ctx *x = g->ctx;
  *train = x->train;
  *test = x->held;
}

static tl_status judge(tl_grid_t *g, const tl_grid_cell_t *cell, tl_model_t *m,
                       const tl_cell_train_t *ct, double *v, tl_error *err) {
  (void)cell, (void)ct;
  const unseen_ctx *x = g->ctx;
  tl_status st = tl_study_accuracy(m, x->held, 0, 0, &v[V_SEEN], NULL, err);
  if (!st) st = tl_study_accuracy(m, x->w2, 0, tl_study_w_head(&m->hp), &v[V_W2], NULL, err);
  return st;
}

static tl_status tables(tl_grid_t *g, tl_summary_t *sum, tl_error *err) {
  const tl_study_config_t *c = g->c;
  const int S = c->seeds;
  tl_outfile_t o;
  tl_status st = tl_study_table(c, "unseen.csv", &o, err);
  if (st) return st;
  fprintf(o.fp, "model,acc_seen_windings_mean,acc_winding2_mean,acc_winding2_min,acc_winding2_max,"
                "labels_winding2\n");
  for (int mi = 0; mi < c->nmodels; mi++) {
    double a = 0, b = 0, lo = INFINITY, hi = -INFINITY;
    for (int sd = 0; sd < S; sd++) {
      const double *v = tl_grid_vals(g, 0, mi, sd);
      a += v[V_SEEN] / S;
      b += v[V_W2] / S;
      lo = fmin(lo, v[V_W2]);
      hi = fmax(hi, v[V_W2]);
    }
    fprintf(o.fp, "%s,%.4f,%.4f,%.4f,%.4f,%s\n", c->models[mi].name, a, b, lo, hi,
            b >= c->success ? "yes" : "no");
    char key[96];
    tl_study_key(key, sizeof key, c->models[mi].name, "acc_winding2");
    tl_summary_add(sum, "unseen", key, b, b >= c->success ? "labels winding 2" : "fails on winding 2");
  }
  return tl_outfile_commit(&o, err);
}

static const tl_report_term_t terms[] = {
    {"acc_seen_windings_mean", "accuracy on held-out chains of the training family "
                               "(windings 0 and 1), mean over seeds"},
    {"acc_winding2_mean, _min, _max", "accuracy on chains of winding 2 (ranges 0..2), mean, "
                                      "lowest and highest over seeds"},
    {"labels_winding2", "yes when acc_winding2_mean >= 0.99"},
    {NULL, NULL}};

static void report(const tl_grid_t *g, const tl_summary_t *sum, tl_report_section_t *sec) {
  (void)sum;
  const tl_study_config_t *c = g->c;
  sec->title = "Unseen windings";
  snprintf(sec->intro, sizeof sec->intro,
           "Trained on plain SSH chains (windings 0 and 1, stored with ranges 0..2 and t_2 = 0 "
           "so that the inputs have the shape of the test chains), tested on %ld chains of "
           "ranges 0..2 with winding 2 (%d seeds per model). topo and sym predict round(W) "
           "and so can name any integer; an mlp or cnn outputs only the classes it was "
           "trained on, so its accuracy on winding 2 is 0 by construction.",
           c->n_test, c->seeds);
  sec->table[sec->ntables++] = (tl_report_table_t){.csv = "unseen.csv"};
  sec->terms = terms;
}

const tl_study_def_t tl_study_unseen = {
    .name = "unseen",
    .about = "train on windings 0 and 1, test on winding 2",
    .default_models = "topo:exact,topo:random,sym:exact,sym:random,mlp:eigvec:gauge",
    .reproduce_seeds = 2,
    .ctx_size = sizeof(unseen_ctx),
    .nvals = NV,
    .settings = settings,
    .extra_work = extra_work,
    .setup = setup,
    .cleanup = cleanup,
    .sets = sets,
    .judge = judge,
    .tables = tables,
    .report = report,
};
