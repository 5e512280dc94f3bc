/* The registry of studies: each study is one file holding one tl_study_def_t, listed
 * once below in the order `reproduce` runs them. Everything that names studies — the
 * CLI's `study NAME`, `reproduce`, the figures and report.md — iterates this list.
 *
 * A new study: a file src/study/NAME.c defining `const tl_study_def_t tl_study_NAME`
 * (see study_internal.h and size.c, the smallest), one line in `registry` below, and its
 * tests (tests/test_study_registry.c runs every registered study without an edit). */
#include <stdio.h>
#include <string.h>

#include "study/study_internal.h"

extern const tl_study_def_t tl_study_trainability, tl_study_disorder, tl_study_size,
    tl_study_unseen, tl_study_prune;

static const tl_study_def_t *const registry[] = {
    &tl_study_trainability, &tl_study_disorder, &tl_study_size, &tl_study_unseen, &tl_study_prune,
};
#define NSTUDIES ((int)(sizeof registry / sizeof registry[0]))

int tl_study_def_count(void) { return NSTUDIES; }
const tl_study_def_t *tl_study_def_at(int i) { return i >= 0 && i < NSTUDIES ? registry[i] : NULL; }

const tl_study_def_t *tl_study_def_find(const char *name) {
  for (int i = 0; name && i < NSTUDIES; i++)
    if (!strcmp(registry[i]->name, name)) return registry[i];
  return NULL;
}

int tl_study_count(void) { return NSTUDIES; }
const char *tl_study_name_at(int i) { return i >= 0 && i < NSTUDIES ? registry[i]->name : NULL; }

const char *tl_study_about(const char *name) {
  const tl_study_def_t *d = tl_study_def_find(name);
  return d ? d->about : NULL;
}

const char *tl_study_list(void) {
  static char list[256];
  if (!list[0]) {
    size_t k = 0;
    for (int i = 0; i < NSTUDIES && k < sizeof list; i++)
      k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i == 0 ? "" : i == NSTUDIES - 1 ? " or " : ", ",
                            registry[i]->name);
  }
  return list;
}

int tl_study_reproduce_seeds(const char *name) {
  const tl_study_def_t *d = tl_study_def_find(name);
  return d ? d->reproduce_seeds : 0;
}

const char *tl_study_default_models(const char *study) {
  const tl_study_def_t *d = tl_study_def_find(study);
  return d ? d->default_models : NULL;
}

static tl_status unknown(const char *name, tl_error *err) {
  return tl_error_set(err, TL_ERR_INPUT, "unknown study '%s' (expected %s)", name, tl_study_list());
}

tl_status tl_study_config_default(tl_study_config_t *c, const char *study, int quick,
                                  tl_error *err) {
  memset(c, 0, sizeof *c);
  if (!tl_study_def_find(study)) return unknown(study, err);
  c->L = quick ? 16 : 32;
  c->n_train = quick ? 512 : 4096;
  c->n_test = quick ? 256 : 1024;
  c->epochs = quick ? 10 : 40;
  c->batch = quick ? 32 : 64;
  c->lr = 3e-3;
  c->seeds = quick ? 2 : 5;
  c->seed = 1;
  c->success = 0.99;
  c->train_r_min = 0;
  c->train_r_max = 1;
  c->w_tol = 0.1;
  const double sweep[] = {0, 0.5, 1, 1.5, 2, 3};
  c->nsweep = 6;
  memcpy(c->sweep, sweep, sizeof sweep);
  c->edge_cells = 2;
  c->figures = 1;
  c->out_dir = "results";
  c->nranks = 1;
  return TL_OK;
}

int tl_study_owns(const tl_study_config_t *c, const char *study, const char *model, int seed) {
  if (c->nranks <= 1) return 1;
  uint64_t h = 1469598103934665603ull; /* FNV-1a: the same owner in every process */
  for (const char *p = study; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
  for (const char *p = model; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
  h = (h ^ (uint64_t)seed) * 1099511628211ull;
  return (int)(h % (uint64_t)c->nranks) == c->rank;
}

tl_status tl_study_config_finish(tl_study_config_t *c, const char *study, tl_error *err) {
  const tl_study_def_t *d = tl_study_def_find(study);
  if (!d) return unknown(study, err);
  const char *list = c->models_text ? c->models_text : d->default_models;
  /* messages name the field (the CLI names its flag) */
  if (c->L < 4 || c->L > 4096)
    return tl_error_set(err, TL_ERR_INPUT, "L = %d is out of range for a study (expected 4..4096)",
                        c->L);
  if (c->train_r_min > 0 || c->train_r_max < 1 || c->train_r_min < -3 || c->train_r_max > 3)
    return tl_error_set(err, TL_ERR_INPUT, "train_ranges = %d:%d does not hold 0 and 1 (expected a "
                        "range containing 0 and 1 within -3..3)", c->train_r_min, c->train_r_max);
  if (c->n_train < 16 || c->n_test < 16)
    return tl_error_set(err, TL_ERR_INPUT, "%s = %ld chains is too small (expected >= 16)",
                        c->n_train < 16 ? "n_train" : "n_test", c->n_train < 16 ? c->n_train : c->n_test);
  tl_status st = tl_study_models_parse(list, c->L, c->models, &c->nmodels, err);
  for (int i = 0; !st && d->needs_prunable && i < c->nmodels; i++)
    if (!tl_study_prunable(&c->models[i].hp)) {
      char kinds[64];
      tl_model_kind_list(kinds, sizeof kinds, " or ", TL_MODEL_PRUNABLE);
      return tl_error_set(err, TL_ERR_INPUT, "%s: model '%s' has no dense layer to prune "
                          "(expected %s)", study, c->models[i].name, kinds);
    }
  return st;
}

tl_status tl_study_plan(const char *name, const tl_study_config_t *c, tl_study_plan_t *plan,
                        tl_error *err) {
  const tl_study_def_t *d = tl_study_def_find(name);
  return d ? tl_grid_plan(d, c, plan, err) : unknown(name, err);
}

tl_status tl_study_run(const char *name, const tl_study_config_t *c, const tl_study_hooks_t *h,
                       tl_summary_t *sum, tl_report_section_t *sec, tl_error *err) {
  const tl_study_def_t *d = tl_study_def_find(name);
  return d ? tl_grid_run(d, c, h, sum, sec, err) : unknown(name, err);
}

tl_status tl_study_figures(const char *name, const tl_study_config_t *c, tl_figures_t *figs,
                           tl_error *err) {
  const tl_study_def_t *d = tl_study_def_find(name);
  if (!d) return unknown(name, err);
  char sub[4096];
  snprintf(sub, sizeof sub, "%s/figures/x", c->out_dir);
  tl_status st = tl_outfile_make_parents(sub, err);
  if (st) return st;
  if (!d->figures) return TL_OK; /* a study of tables only */
  if (!tl_gnuplot_path())
    return tl_error_set(err, TL_ERR_IO, "gnuplot not found (install gnuplot-nox); figures skipped");
  return d->figures(c, figs, err);
}
