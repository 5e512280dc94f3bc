/* Model flags of `train`: the architecture and initialisation of SPEC 3. */
#include <string.h>

#include "cli/cli.h"

int tl_cli_model_flag(int argc, char **argv, int *i, tl_cli_model_t *cm, tl_error *err) {
  const char *a = argv[*i], *v;
  tl_model_hyper_t *hp = &cm->hp;
  long n;
  if (!strcmp(a, "--model")) {
    if (!(v = tl_cli_value(argc, argv, i, err))) return -1;
    tl_model_kind kind;
    if (tl_model_kind_from_name(v, &kind, err)) return -1;
    tl_model_hyper_default(hp, kind);
    cm->have_model = 1;
  } else if (!strcmp(a, "--input")) {
    if (!(v = tl_cli_value(argc, argv, i, err))) return -1;
    if (tl_model_input_from_name(v, &cm->input, err)) return -1;
    cm->have_input = 1;
  } else if (!strcmp(a, "--hidden") || !strcmp(a, "--channels")) {
    if (!(v = tl_cli_value(argc, argv, i, err))) return -1;
    if (tl_model_widths_parse(v, &cm->nlayers, cm->width, err)) return -1;
    cm->have_widths = 1;
  } else if (!strcmp(a, "--act")) {
    if (!(v = tl_cli_value(argc, argv, i, err))) return -1;
    if (tl_model_act_from_name(v, &cm->act, err)) return -1;
    cm->have_act = 1;
  } else if (!strcmp(a, "--kernel") || !strcmp(a, "--pool") || !strcmp(a, "--band") ||
             !strcmp(a, "--sym-hidden")) {
    if (tl_cli_int_arg(argc, argv, i, 1, 100000, &n, err)) return -1;
    if (!strcmp(a, "--kernel")) cm->kernel = (int)n;
    else if (!strcmp(a, "--pool")) cm->pool = (int)n;
    else if (!strcmp(a, "--band")) cm->band = (int)n;
    else cm->sym_hidden = (int)n;
  } else if (!strcmp(a, "--init")) {
    if (!(v = tl_cli_value(argc, argv, i, err))) return -1;
    if (tl_model_init_parse(v, &cm->init, &cm->init_sigma, err)) return -1;
    cm->have_init = 1;
  } else if (!strcmp(a, "--freeze")) {
    if (!(v = tl_cli_value(argc, argv, i, err))) return -1;
    if (strlen(cm->freeze) + strlen(v) + 2 >= sizeof cm->freeze) {
      tl_error_set(err, TL_ERR_INPUT, "--freeze: too many names");
      return -1;
    }
    if (cm->freeze[0]) strcat(cm->freeze, ",");
    strcat(cm->freeze, v);
  } else if (!strcmp(a, "--beta0")) {
    if (tl_cli_double_arg(argc, argv, i, 1e-6, 1e6, &cm->beta0, err)) return -1;
  } else {
    return 0;
  }
  return 1;
}

tl_status tl_cli_model_finish(tl_cli_model_t *cm, tl_error *err) {
  tl_model_hyper_t *hp = &cm->hp;
  if (!cm->have_model) return tl_error_set(err, TL_ERR_INPUT, "--model is required (topo, sym, mlp or cnn)");
  if (cm->have_input) {
    if (hp->kind == TL_MODEL_TOPO || hp->kind == TL_MODEL_SYM)
      return tl_error_set(err, TL_ERR_INPUT, "--input: %s reads its fixed input (topo: eigvec, sym: qab)",
                          tl_model_kind_name(hp->kind));
    if (hp->kind == TL_MODEL_CNN && cm->input == TL_INPUT_QAB)
      return tl_error_set(err, TL_ERR_INPUT, "--input: cnn reads eigvec or hopping, not qab");
    hp->input = cm->input;
  }
  if (cm->have_widths) {
    hp->nlayers = cm->nlayers;
    memcpy(hp->width, cm->width, sizeof hp->width);
  }
  if (cm->have_act) hp->act = cm->act;
  if (cm->kernel) hp->kernel = cm->kernel;
  if (cm->pool) hp->pool = cm->pool;
  if (cm->band) hp->band = cm->band;
  if (cm->sym_hidden) hp->sym_hidden = cm->sym_hidden;
  if (cm->have_init) {
    if (hp->kind != TL_MODEL_TOPO && hp->kind != TL_MODEL_SYM && cm->init != TL_INIT_RANDOM)
      return tl_error_set(err, TL_ERR_INPUT, "--init: only topo and sym have exact initialisations");
    hp->init = cm->init;
    hp->init_sigma = cm->init_sigma;
  }
  if (cm->beta0 > 0) hp->beta0 = cm->beta0;
  return TL_OK;
}
