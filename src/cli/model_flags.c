/* Model flags of `train`: the architecture and initialisation (topolearn/model.h). The
 * defaults differ per kind; --help lists each kind's from tl_model_hyper_default. */
#include <string.h>

#include "cli/cli.h"

void tl_cli_model_init(tl_cli_model_t *cm) {
  memset(cm, 0, sizeof *cm);
  cm->kind = cm->input = cm->act = cm->init = -1;
}

#define M tl_cli_model_t
#define GROUP(g) ((M *)(g))

static tl_status parse_kind(const tl_flag_t *row, const char *text, void *g, tl_error *err) {
  tl_model_kind k;
  tl_status st = tl_model_kind_from_name(text, &k, err);
  if (!st) GROUP(g)->kind = (int)k;
  return st;
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

/* "KIND VALUE; KIND VALUE" for the kinds a flag applies to, from the library's defaults. */
static void per_kind(const char *kinds, char *buf, size_t cap,
                     void (*one)(const tl_model_hyper_t *hp, char *b, size_t c)) {
  size_t k = 0;
  buf[0] = '\0';
  for (const char *p = kinds; *p && k < cap;) {
    size_t w = strcspn(p, " ");
    char name[16], val[64];
    snprintf(name, sizeof name, "%.*s", (int)w, p);
    tl_model_kind kind;
    tl_model_hyper_t hp;
    if (!tl_model_kind_from_name(name, &kind, NULL)) {
      tl_model_hyper_default(&hp, kind);
      one(&hp, val, sizeof val);
      k += (size_t)snprintf(buf + k, cap - k, "%s%s %s", k ? "; " : "", name, val);
    }
    p += w + (p[w] == ' ');
  }
}

static void widths_of(const tl_model_hyper_t *hp, char *b, size_t c) {
  size_t k = 0;
  for (int i = 0; i < hp->nlayers && k < c; i++) k += (size_t)snprintf(b + k, c - k, "%s%d", i ? "," : "", hp->width[i]);
}
static void input_of(const tl_model_hyper_t *hp, char *b, size_t c) { snprintf(b, c, "%s", tl_model_input_name(hp->input)); }
static void act_of(const tl_model_hyper_t *hp, char *b, size_t c) { snprintf(b, c, "%s", tl_model_act_name(hp->act)); }
static void init_of(const tl_model_hyper_t *hp, char *b, size_t c) { snprintf(b, c, "%s", tl_model_init_name(hp->init)); }
static void kernel_of(const tl_model_hyper_t *hp, char *b, size_t c) { snprintf(b, c, "%d", hp->kernel); }
static void pool_of(const tl_model_hyper_t *hp, char *b, size_t c) { snprintf(b, c, "%d", hp->pool); }
static void band_of(const tl_model_hyper_t *hp, char *b, size_t c) { snprintf(b, c, "%d", hp->band); }
static void hidden_of(const tl_model_hyper_t *hp, char *b, size_t c) { snprintf(b, c, "%d", hp->sym_hidden); }
static void beta0_of(const tl_model_hyper_t *hp, char *b, size_t c) { snprintf(b, c, "%g", hp->beta0); }

#define SHOW(fn, kinds) \
  static void show_##fn(const tl_flag_t *r, const void *g, char *b, size_t c) { per_kind(kinds, b, c, fn); }
SHOW(widths_of, "mlp cnn")
SHOW(input_of, "mlp cnn")
SHOW(act_of, "mlp cnn sym")
SHOW(init_of, "topo sym")
SHOW(kernel_of, "cnn")
SHOW(pool_of, "cnn")
SHOW(band_of, "sym")
SHOW(hidden_of, "sym")
SHOW(beta0_of, "topo sym")

#define KIND_INT(nm, fld, fn, hp) {.name = nm, .type = TL_FT_INT, .metavar = "N", .off = offsetof(M, fld), \
  .imin = 1, .imax = 100000, .show = show_##fn, .help = hp}
const tl_flag_t tl_cli_model_rows[] = {
    {.name = "model", .type = TL_FT_CUSTOM, .metavar = "topo|sym|mlp|cnn", .parse = parse_kind,
     .help = "the kind of model (required)"},
    {.name = "input", .type = TL_FT_CUSTOM, .metavar = "eigvec|hopping|qab", .parse = parse_input,
     .show = show_input_of, .help = "mlp (all three), cnn (eigvec or hopping)"},
    {.name = "hidden", .type = TL_FT_CUSTOM, .metavar = "W[,W...]", .parse = parse_widths,
     .show = show_widths_of, .help = "widths of the mlp layers (or the cnn convolutions)"},
    {.name = "channels", .type = TL_FT_CUSTOM, .metavar = "C[,C...]", .parse = parse_widths,
     .show = show_widths_of, .help = "channels of the cnn convolutions (the same as --hidden)"},
    {.name = "act", .type = TL_FT_CUSTOM, .metavar = "relu|tanh|square", .parse = parse_act,
     .show = show_act_of, .help = "activation"},
    KIND_INT("kernel", kernel, kernel_of, "cnn kernel width"),
    KIND_INT("pool", pool, pool_of, "cnn mean-pool window"),
    KIND_INT("band", band, band_of, "sym: features q[n, n+d] for |d| <= N"),
    KIND_INT("sym-hidden", sym_hidden, hidden_of, "sym: hidden units"),
    {.name = "init", .type = TL_FT_CUSTOM, .metavar = "random|exact|exact+noise:SIGMA",
     .parse = parse_init, .show = show_init_of,
     .help = "initialisation; exact and exact+noise (relative noise SIGMA) for topo and sym"},
    {.name = "freeze", .type = TL_FT_STRS, .metavar = "NAME[,NAME...]", .off = offsetof(M, freeze),
     .count_off = offsetof(M, nfreeze), .imax = 16,
     .help = "keep tensors fixed: lambda, K, beta or any tensor `topolearn info MODEL.h5` lists"},
    {.name = "beta0", .type = TL_FT_DOUBLE, .metavar = "B", .off = offsetof(M, beta0), .dmin = 1e-6,
     .dmax = 1e6, .show = show_beta0_of, .help = "initial sharpness of the nearest-integer head"},
    {0}};
#undef KIND_INT

tl_status tl_cli_model_finish(const tl_cli_model_t *cm, tl_model_hyper_t *hp, tl_error *err) {
  if (cm->kind < 0) return tl_error_set(err, TL_ERR_INPUT, "--model is required (topo, sym, mlp or cnn)");
  tl_model_hyper_default(hp, (tl_model_kind)cm->kind);
  if (cm->input >= 0) {
    if (hp->kind == TL_MODEL_TOPO || hp->kind == TL_MODEL_SYM)
      return tl_error_set(err, TL_ERR_INPUT, "--input: %s reads its fixed input (topo: eigvec, sym: qab)",
                          tl_model_kind_name(hp->kind));
    if (hp->kind == TL_MODEL_CNN && cm->input == TL_INPUT_QAB)
      return tl_error_set(err, TL_ERR_INPUT, "--input: cnn reads eigvec or hopping, not qab");
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
    if (hp->kind != TL_MODEL_TOPO && hp->kind != TL_MODEL_SYM && cm->init != TL_INIT_RANDOM)
      return tl_error_set(err, TL_ERR_INPUT, "--init: only topo and sym have exact initialisations");
    hp->init = (tl_model_init)cm->init;
    hp->init_sigma = cm->init_sigma;
  }
  if (cm->beta0 > 0) hp->beta0 = cm->beta0;
  return TL_OK;
}
