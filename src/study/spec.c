/* Model specs of the studies, their default lists and the study configurations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/study_internal.h"
#include "topolearn/parse.h"

/* kind[:option...]: options are an input (mlp, cnn), an init (random, exact,
 * exact+noise:SIGMA, whose SIGMA is the next field) and gauge, each at most once. */
tl_status tl_study_model_parse(const char *spec, int L, tl_study_model_t *out, tl_error *err) {
  memset(out, 0, sizeof *out);
  if (strlen(spec) >= TL_STUDY_NAME_MAX)
    return tl_error_set(err, TL_ERR_INPUT, "model spec '%s' is too long (expected at most %d "
                        "characters)", spec, TL_STUDY_NAME_MAX - 1);
  snprintf(out->name, sizeof out->name, "%s", spec);
  tl_fields_t f = tl_fields(spec, ':');
  char tok[TL_STUDY_NAME_MAX]; /* a field of the spec, which fits (checked above) */
  tl_fields_next(&f);
  snprintf(tok, sizeof tok, "%.*s", (int)f.len, f.at);
  const tl_model_kind_t *kind;
  tl_status st = tl_model_kind_from_name(tok, &kind, err);
  if (st) return st;
  tl_model_hyper_default(&out->hp, kind);
  tl_model_hyper_fit_length(&out->hp, L); /* the exact init then represents the marker */
  int have_init = 0, have_input = 0;
  const int takes_input = !tl_model_kind_fixed_input(kind); /* "mlp:hopping" */
  while (tl_fields_next(&f)) {
    snprintf(tok, sizeof tok, "%.*s", (int)f.len, f.at);
    const int is_gauge = !strcmp(tok, "gauge");
    const int is_init = !strcmp(tok, "random") || !strcmp(tok, "exact") || !strcmp(tok, "exact+noise");
    if ((is_gauge && out->augment_gauge) || (is_init && have_init) ||
        (!is_gauge && !is_init && takes_input && have_input))
      return tl_error_set(err, TL_ERR_INPUT, "model spec '%s': '%s' is a second %s (expected each "
                          "of input, init and gauge at most once)", spec, tok,
                          is_gauge ? "gauge" : is_init ? "init" : "input");
    if (is_gauge) {
      out->augment_gauge = 1;
    } else if (is_init) {
      char init[TL_STUDY_NAME_MAX + 16];
      snprintf(init, sizeof init, "%s", tok);
      if (!strcmp(tok, "exact+noise")) { /* the sigma is the next field */
        const int more = tl_fields_next(&f);
        snprintf(init, sizeof init, "exact+noise:%.*s", more ? (int)f.len : 0, more ? f.at : "");
      }
      if ((st = tl_model_init_parse(init, &out->hp.init, &out->hp.init_sigma, err))) return st;
      have_init = 1;
    } else if (takes_input) {
      if ((st = tl_model_input_from_name(tok, &out->hp.input, err))) return st;
      have_input = 1;
    } else {
      return tl_error_set(err, TL_ERR_INPUT, "model spec '%s': '%s' is not an option of %s "
                          "(expected random, exact, exact+noise:SIGMA or gauge)", spec, tok,
                          tl_model_kind_name(kind));
    }
  }
  return TL_OK;
}

tl_status tl_study_models_parse(const char *list, int L, tl_study_model_t *models, int *n,
                                tl_error *err) {
  *n = 0;
  tl_fields_t f = tl_fields(list, ',');
  while (tl_fields_next(&f)) {
    if (*n >= TL_STUDY_MAX_MODELS)
      return tl_error_set(err, TL_ERR_INPUT, "--models: more than %d models", TL_STUDY_MAX_MODELS);
    if (f.len == 0)
      return tl_error_set(err, TL_ERR_INPUT, "--models: model %d of '%s' is empty (expected "
                          "comma-separated specs such as topo:exact,mlp:eigvec)", f.index + 1, list);
    if (f.len >= TL_STUDY_NAME_MAX)
      return tl_error_set(err, TL_ERR_INPUT, "model spec '%.*s' is too long (expected at most %d "
                          "characters)", (int)f.len, f.at, TL_STUDY_NAME_MAX - 1);
    char spec[TL_STUDY_NAME_MAX];
    snprintf(spec, sizeof spec, "%.*s", (int)f.len, f.at);
    tl_status st = tl_study_model_parse(spec, L, &models[*n], err);
    if (st) return st;
    (*n)++;
  }
  return TL_OK;
}

const char *tl_study_default_models(const char *study) {
  if (!strcmp(study, "trainability"))
    return "topo:random,topo:exact+noise:0.01,topo:exact+noise:0.1,topo:exact+noise:1,topo:exact,"
           "sym:random,sym:exact,mlp:eigvec,mlp:eigvec:gauge,mlp:hopping,cnn:eigvec";
  if (!strcmp(study, "disorder")) return "topo:exact,sym:exact,mlp:eigvec:gauge,mlp:hopping,cnn:eigvec";
  if (!strcmp(study, "size")) return "sym:random,sym:exact,topo:exact,mlp:eigvec:gauge";
  if (!strcmp(study, "unseen")) return "topo:exact,topo:random,sym:exact,sym:random,mlp:eigvec:gauge";
  if (!strcmp(study, "prune")) return "mlp:eigvec,mlp:eigvec:gauge,mlp:hopping,cnn:eigvec";
  return NULL;
}

tl_status tl_study_config_default(tl_study_config_t *c, const char *study, int quick,
                                  tl_error *err) {
  memset(c, 0, sizeof *c);
  if (!tl_study_default_models(study))
    return tl_error_set(err, TL_ERR_INPUT, "unknown study '%s' (expected trainability, disorder, "
                        "size, unseen or prune)", study);
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
  const char *list = c->models_text ? c->models_text : tl_study_default_models(study);
  if (!list)
    return tl_error_set(err, TL_ERR_INPUT, "unknown study '%s' (expected trainability, disorder, "
                        "size, unseen or prune)", study);
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
  if (!st && !strcmp(study, "prune")) /* only networks with a dense layer can be pruned */
    for (int i = 0; i < c->nmodels; i++)
      if (!tl_model_kind_has(c->models[i].hp.kind, TL_MODEL_PRUNABLE)) {
        char kinds[64];
        tl_model_kind_list(kinds, sizeof kinds, " or ", TL_MODEL_PRUNABLE);
        return tl_error_set(err, TL_ERR_INPUT, "prune: model '%s' has no dense layer to prune "
                            "(expected %s)", c->models[i].name, kinds);
      }
  return st;
}

tl_status tl_study_run(const char *name, const tl_study_config_t *c, const tl_study_hooks_t *h,
                       tl_summary_t *sum, tl_error *err) {
  if (!strcmp(name, "trainability")) return tl_study_trainability(c, h, sum, err);
  if (!strcmp(name, "disorder")) return tl_study_disorder(c, h, sum, err);
  if (!strcmp(name, "size")) return tl_study_size(c, h, sum, err);
  if (!strcmp(name, "unseen")) return tl_study_unseen(c, h, sum, err);
  if (!strcmp(name, "prune")) return tl_study_prune(c, h, sum, err);
  return tl_error_set(err, TL_ERR_INPUT, "unknown study '%s' (expected trainability, disorder, "
                      "size, unseen or prune)", name);
}
