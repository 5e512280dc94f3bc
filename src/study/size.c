/* Size (beyond the paper): train at L, test at L, 2L and L/2. Only a model whose
 * parameters do not depend on L can be applied elsewhere — sym (one per-cell network,
 * resized by tl_model_resize); topo's K, and the first layers of mlp and cnn, are tied to
 * L and are reported as not applicable rather than retrained. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study/study_internal.h"

typedef struct {
  int sizes[3];
  tl_samples_t *train, *test[3];
} size_ctx;

enum { NSIZES = 3 }; /* values per cell: accuracy at each size, then max |W - RSWN| */

static void sizes(const tl_study_config_t *c, int out[NSIZES]) {
  out[0] = c->L;
  out[1] = 2 * c->L;
  out[2] = c->L / 2 > 4 ? c->L / 2 : 4;
}

static int settings(const tl_study_config_t *c, tl_grid_setting_t *out) {
  (void)c;
  out[0] = (tl_grid_setting_t){"clean chains", "size", NULL, NULL};
  return 1;
}

static void extra_work(const tl_study_config_t *c, tl_study_extra_work_t *w) {
  w->chains_drawn = (double)c->n_train + 5.25 * (double)c->n_test; /* L, 2L (4x), L/2 */
  w->chains_judged = 5.25 * (double)c->n_test;
}

static tl_status setup(tl_grid_t *g, tl_error *err) {
  size_ctx *x = g->ctx;
  const tl_study_config_t *c = g->c;
  sizes(c, x->sizes);
  tl_set_spec_t sp;
  tl_set_spec_ssh(&sp, c->L, c->n_train, tl_study_seed(c->seed, "train", 0), c->train_disorder);
  tl_status st = tl_set_make(&sp, &x->train, err);
  for (int k = 0; k < NSIZES && !st; k++) {
    tl_set_spec_ssh(&sp, x->sizes[k], c->n_test, tl_study_seed(c->seed, "size-test", x->sizes[k]),
                    c->train_disorder);
    st = tl_set_make(&sp, &x->test[k], err);
  }
  return st;
}

static void cleanup(tl_grid_t *g) {
  size_ctx *x = g->ctx;
  tl_samples_free(x->train);
  for (int k = 0; k < NSIZES; k++) tl_samples_free(x->test[k]);
}

static void sets(const tl_grid_t *g, int setting, const tl_samples_t **train,
                 const tl_samples_t **test) {
  (void)setting;
  const size_ctx *x = g->ctx;
  *train = x->train;
  *test = x->test[0];
}

static tl_status judge(tl_grid_t *g, const tl_grid_cell_t *cell, tl_model_t *m,
                       const tl_cell_train_t *ct, double *v, tl_error *err) {
  (void)cell, (void)ct;
  const size_ctx *x = g->ctx;
  tl_status st = tl_study_accuracy(m, x->test[0], 0, 0, &v[0], &v[NSIZES], err);
  for (int k = 1; k < NSIZES && !st && tl_study_size_independent(&m->hp); k++) {
    tl_model_t *r;
    if ((st = tl_model_resize(&r, m, x->sizes[k], err))) break;
    st = tl_study_accuracy(r, x->test[k], 0, 0, &v[k], &v[NSIZES + k], err);
    tl_model_free(r);
  }
  return st; /* the others stay NaN: not applicable */
}

static tl_status tables(tl_grid_t *g, tl_summary_t *sum, tl_error *err) {
  const tl_study_config_t *c = g->c;
  const size_ctx *x = g->ctx;
  const int S = c->seeds;
  tl_outfile_t o;
  tl_status st = tl_study_table(c, "size.csv", &o, err);
  if (st) return st;
  fprintf(o.fp, "model,L_train,L_test,applicable,accuracy_mean,W_max_err_mean\n");
  for (int mi = 0; mi < c->nmodels; mi++)
    for (int k = 0; k < NSIZES; k++) {
      double a = 0, w = 0;
      for (int sd = 0; sd < S; sd++) {
        a += tl_grid_vals(g, 0, mi, sd)[k] / S;
        w += tl_grid_vals(g, 0, mi, sd)[NSIZES + k] / S;
      }
      const int ok = isfinite(a);
      fprintf(o.fp, "%s,%d,%d,%d,", c->models[mi].name, c->L, x->sizes[k], ok);
      if (ok) fprintf(o.fp, "%.4f,", a);
      else fprintf(o.fp, ",");
      if (isfinite(w)) fprintf(o.fp, "%.4g\n", w);
      else fprintf(o.fp, "\n");
      char key[96], what[32];
      snprintf(what, sizeof what, "acc_L%d", x->sizes[k]);
      tl_study_key(key, sizeof key, c->models[mi].name, what);
      tl_summary_add(sum, "size", key, a, ok ? NULL : "not applicable (parameters tied to L)");
    }
  return tl_outfile_commit(&o, err);
}

static const tl_report_term_t terms[] = {
    {"L_train, L_test", "cells of the training chains and of the test chains"},
    {"applicable", "1 when the trained model can run on chains of L_test cells: only sym, "
                   "whose per-cell network has no parameter tied to L; 0 (not applicable) for "
                   "topo (its K is L x L), mlp and cnn (their first layer reads a fixed-length "
                   "input), whose accuracy and error cells are then empty"},
    {"accuracy_mean", "accuracy on the test chains, mean over seeds"},
    {"W_max_err_mean", "max |W - RSWN| over the test chains, mean over seeds (W-head models "
                       "topo and sym only; empty for mlp and cnn, which predict no W)"},
    {NULL, NULL}};

static void report(const tl_grid_t *g, const tl_summary_t *sum, tl_report_section_t *sec) {
  (void)sum;
  const tl_study_config_t *c = g->c;
  const size_ctx *x = g->ctx;
  sec->title = "Generalisation to other sizes";
  snprintf(sec->intro, sizeof sec->intro,
           "Each model is trained at L = %d and tested on clean chains of L = %d, %d and %d "
           "cells (%d seeds per model; %ld test chains per size). A model is applied at "
           "another size only when none of its parameters depends on L; the others are "
           "marked not applicable rather than retrained.",
           c->L, x->sizes[2], x->sizes[0], x->sizes[1], c->seeds, c->n_test);
  sec->table[sec->ntables++] = (tl_report_table_t){
      .csv = "size.csv", .columns = "model,L_test,applicable,accuracy_mean,W_max_err_mean",
      .sort = "L_test"};
  sec->terms = terms;
}

const tl_study_def_t tl_study_size = {
    .name = "size",
    .about = "train at L, test at L/2 and 2L (models whose parameters do not depend on L)",
    .default_models = "sym:random,sym:exact,topo:exact,mlp:eigvec:gauge",
    .reproduce_seeds = 2,
    .ctx_size = sizeof(size_ctx),
    .nvals = 2 * NSIZES,
    .settings = settings,
    .extra_work = extra_work,
    .setup = setup,
    .cleanup = cleanup,
    .sets = sets,
    .judge = judge,
    .tables = tables,
    .report = report,
};
