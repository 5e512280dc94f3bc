/* Model specs of the studies: "kind[:input][:init][:gauge]" and lists of them. */
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

