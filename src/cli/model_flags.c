/* Model flags of `train`: the architecture and initialisation (topolearn/model.h). The
 * kinds, which flags each reads and their defaults come from the model registry: --help
 * lists, per flag, every kind that reads it with that kind's tl_model_hyper_default. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

void tl_cli_model_init(tl_cli_model_t *cm) {
  memset(cm, 0, sizeof *cm);
  cm->input = cm->act = cm->init = -1;
}

#define M tl_cli_model_t
#define GROUP(g) ((M *)(g))

static tl_status parse_kind(const tl_flag_t *row, const char *text, void *g, tl_error *err) {
  return tl_model_kind_from_name(text, &GROUP(g)->kind, err);
}

static void kind_words(char *buf, size_t cap, const char *sep) {
  tl_model_kind_list(buf, cap, sep, 0);
}

static tl_status parse_input(const tl_flag_t *row, const char *text, void *g, tl_error *err) {
  tl_model_input in;
  tl_status st = tl_model_input_from_name(text, &in, err);
  if (!st) GROUP(g)->input = (int)in;
  return st;
}

static tl_status parse_act(const tl_flag_t *row, const char *text, void *g, tl_error *err) {
  tl_model_act a;
  tl_status st = tl_model_act_from_name(text, &a, err);
  if (!st) GROUP(g)->act = (int)a;
  return st;
}

static tl_status parse_init(const tl_flag_t *row, const char *text, void *g, tl_error *err) {
  tl_model_init in;
  tl_status st = tl_model_init_parse(text, &in, &GROUP(g)->init_sigma, err);
  if (!st) GROUP(g)->init = (int)in;
  return st;
}

static tl_status parse_widths(const tl_flag_t *row, const char *text, void *g, tl_error *err) {
  return tl_model_widths_parse(text, &GROUP(g)->nlayers, GROUP(g)->width, err);
}

/* "KIND VALUE; KIND VALUE" over the registered kinds a flag applies to, from the
 * library's defaults. */
static void per_kind(int (*applies)(const tl_model_kind_t *k), char *buf, size_t cap,
                     void (*one)(const tl_model_kind_t *k, const tl_model_hyper_t *hp, char *b,
                                 size_t c)) {
  size_t n = 0;
  buf[0] = '\0';
  for (int i = 0; i < tl_model_kind_count() && n < cap; i++) {
    const tl_model_kind_t *k = tl_model_kind_at(i);
    if (!applies(k)) continue;
    tl_model_hyper_t hp;
    char val[96];
    tl_model_hyper_default(&hp, k);
    one(k, &hp, val, sizeof val);
    n += (size_t)snprintf(buf + n, cap - n, "%s%s %s", n ? "; " : "", tl_model_kind_name(k), val);
  }
}

/* Which kinds a flag applies to: the hyper-parameters a kind reads, its traits. */
static int input_choice(const tl_model_kind_t *k) { return !tl_model_kind_fixed_input(k); }
static int reads_widths(const tl_model_kind_t *k) { return tl_model_kind_reads(k, TL_HYPER_WIDTHS); }
static int reads_act(const tl_model_kind_t *k) { return tl_model_kind_reads(k, TL_HYPER_ACT); }
static int reads_kernel(const tl_model_kind_t *k) { return tl_model_kind_reads(k, TL_HYPER_KERNEL); }
static int reads_pool(const tl_model_kind_t *k) { return tl_model_kind_reads(k, TL_HYPER_POOL); }
static int reads_band(const tl_model_kind_t *k) { return tl_model_kind_reads(k, TL_HYPER_BAND); }
static int reads_hidden(const tl_model_kind_t *k) { return tl_model_kind_reads(k, TL_HYPER_SYM_HIDDEN); }
static int exact_init(const tl_model_kind_t *k) { return tl_model_kind_has(k, TL_MODEL_EXACT_INIT); }
static int w_head(const tl_model_kind_t *k) { return tl_model_kind_has(k, TL_MODEL_W_HEAD); }

#define ONE(fn) static void fn(const tl_model_kind_t *k, const tl_model_hyper_t *hp, char *b, size_t c)
ONE(widths_of) {
  size_t n = 0;
  b[0] = '\0';
  for (int i = 0; i < hp->nlayers && n < c; i++) n += (size_t)snprintf(b + n, c - n, "%s%d", i ? "," : "", hp->width[i]);
}
ONE(input_of) { /* "eigvec of eigvec|hopping": the default among the kind's inputs */
  char list[64];
  tl_model_kind_inputs(k, list, sizeof list, "|");
  snprintf(b, c, "%s of %s", tl_model_input_name(hp->input), list);
}
ONE(act_of) { snprintf(b, c, "%s", tl_model_act_name(hp->act)); }
ONE(init_of) { snprintf(b, c, "%s", tl_model_init_name(hp->init)); }
ONE(kernel_of) { snprintf(b, c, "%d", hp->kernel); }
ONE(pool_of) { snprintf(b, c, "%d", hp->pool); }
ONE(band_of) { snprintf(b, c, "%d", hp->band); }
ONE(hidden_of) { snprintf(b, c, "%d", hp->sym_hidden); }
ONE(beta0_of) { snprintf(b, c, "%g", hp->beta0); }
#undef ONE

#define SHOW(fn, applies) \
  static void show_##fn(const tl_flag_t *r, const void *g, char *b, size_t c) { per_kind(applies, b, c, fn); }
SHOW(widths_of, reads_widths)
SHOW(input_of, input_choice)
SHOW(act_of, reads_act)
SHOW(init_of, exact_init)
SHOW(kernel_of, reads_kernel)
SHOW(pool_of, reads_pool)
SHOW(band_of, reads_band)
SHOW(hidden_of, reads_hidden)
SHOW(beta0_of, w_head)
#undef SHOW

#define KIND_INT(nm, fld, fn, hp) {.name = nm, .type = TL_FT_INT, .metavar = "N", .off = offsetof(M, fld), \
  .imin = 1, .imax = 100000, .show = show_##fn, .help = hp}
const tl_flag_t tl_cli_model_rows[] = {
    {.name = "model", .type = TL_FT_CUSTOM, .metavar = "KIND", .words = kind_words,
     .parse = parse_kind, .help = "the kind of model (required)"},
    {.name = "input", .type = TL_FT_CUSTOM, .metavar = "eigvec|hopping|qab", .parse = parse_input,
     .show = show_input_of, .help = "what the kinds with a choice of input read"},
    {.name = "hidden", .type = TL_FT_CUSTOM, .metavar = "W[,W...]", .parse = parse_widths,
     .show = show_widths_of, .help = "widths of the hidden layers (or the convolutions' channels)"},
    {.name = "channels", .type = TL_FT_CUSTOM, .metavar = "C[,C...]", .parse = parse_widths,
     .show = show_widths_of, .help = "channels of the convolutions (the same as --hidden)"},
    {.name = "act", .type = TL_FT_CUSTOM, .metavar = "relu|tanh|square", .parse = parse_act,
     .show = show_act_of, .help = "activation"},
    KIND_INT("kernel", kernel, kernel_of, "kernel width of the convolutions"),
    KIND_INT("pool", pool, pool_of, "mean-pool window after each convolution"),
    KIND_INT("band", band, band_of, "the cell network's features q[n, n+d] for |d| <= N"),
    KIND_INT("sym-hidden", sym_hidden, hidden_of, "hidden units of the cell network"),
    {.name = "init", .type = TL_FT_CUSTOM, .metavar = "random|exact|exact+noise:SIGMA",
     .parse = parse_init, .show = show_init_of,
     .help = "initialisation; exact and exact+noise (relative noise SIGMA) for the kinds that "
             "have the invariant's exact tensors"},
    {.name = "freeze", .type = TL_FT_STRS, .metavar = "NAME[,NAME...]", .off = offsetof(M, freeze),
     .count_off = offsetof(M, nfreeze), .imax = 16,
     .help = "keep tensors fixed: beta (the head's sharpness) or any tensor `topolearn info "
             "MODEL.h5` lists"},
    {.name = "beta0", .type = TL_FT_DOUBLE, .metavar = "B", .off = offsetof(M, beta0), .dmin = 1e-6,
     .dmax = 1e6, .show = show_beta0_of, .help = "initial sharpness of the nearest-integer head"},
    {0}};
#undef KIND_INT

/* --input for kind: refused for a kind with a fixed input, and for one it does not read. */
static tl_status check_input(const tl_model_kind_t *kind, tl_model_input in, tl_error *err) {
  char list[128] = "";
  if (tl_model_kind_fixed_input(kind)) { /* "topo: eigvec, sym: qab" */
    for (int i = 0; i < tl_model_kind_count(); i++) {
      const tl_model_kind_t *k = tl_model_kind_at(i);
      if (!tl_model_kind_fixed_input(k)) continue;
      const size_t n = strlen(list);
      snprintf(list + n, sizeof list - n, "%s%s: ", n ? ", " : "", tl_model_kind_name(k));
      tl_model_kind_inputs(k, list + strlen(list), sizeof list - strlen(list), "");
    }
    return tl_error_set(err, TL_ERR_INPUT, "--input: %s reads its fixed input (%s)",
                        tl_model_kind_name(kind), list);
  }
  if (!tl_model_kind_accepts(kind, in)) {
    tl_model_kind_inputs(kind, list, sizeof list, " or ");
    return tl_error_set(err, TL_ERR_INPUT, "--input: %s reads %s, not %s",
                        tl_model_kind_name(kind), list, tl_model_input_name(in));
  }
  return TL_OK;
}

tl_status tl_cli_model_finish(const tl_cli_model_t *cm, tl_model_hyper_t *hp, tl_error *err) {
  if (!cm->kind) {
    char kinds[128];
    tl_model_kind_list(kinds, sizeof kinds, ", ", 0);
    char *last = strrchr(kinds, ',');
    return tl_error_set(err, TL_ERR_INPUT, "--model is required (%.*s%s%s)",
                        last ? (int)(last - kinds) : (int)strlen(kinds), kinds, last ? " or" : "",
                        last ? last + 1 : "");
  }
  tl_model_hyper_default(hp, cm->kind);
  if (cm->input >= 0) {
    tl_status st = check_input(cm->kind, (tl_model_input)cm->input, err);
    if (st) return st;
    hp->input = (tl_model_input)cm->input;
  }
  if (cm->nlayers) {
    hp->nlayers = cm->nlayers;
    memcpy(hp->width, cm->width, sizeof hp->width);
  }
  if (cm->act >= 0) hp->act = (tl_model_act)cm->act;
  if (cm->kernel) hp->kernel = cm->kernel;
  if (cm->pool) hp->pool = cm->pool;
  if (cm->band) hp->band = cm->band;
  if (cm->sym_hidden) hp->sym_hidden = cm->sym_hidden;
  if (cm->init >= 0) {
    if (!tl_model_kind_has(cm->kind, TL_MODEL_EXACT_INIT) && cm->init != TL_INIT_RANDOM) {
      char kinds[64];
      tl_model_kind_list(kinds, sizeof kinds, " and ", TL_MODEL_EXACT_INIT);
      return tl_error_set(err, TL_ERR_INPUT, "--init: only %s have exact initialisations", kinds);
    }
    hp->init = (tl_model_init)cm->init;
    hp->init_sigma = cm->init_sigma;
  }
  if (cm->beta0 > 0) hp->beta0 = cm->beta0;
  return TL_OK;
}
