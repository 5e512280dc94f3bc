/* Names of model inputs, activations and inits, and the parsers the CLI uses for
 * --input, --act, --init and --hidden/--channels (kinds: registry.c). */
#include <stdio.h>
#include <string.h>

#include "models/kind.h"
#include "topolearn/parse.h"

static const char *const INPUTS[] = {"eigvec", "hopping", "qab"};
static const char *const ACTS[] = {"relu", "tanh", "square"};
static const char *const INITS[] = {"random", "exact", "exact+noise"};

#define NAME_OF(tab, i) ((unsigned)(i) < sizeof tab / sizeof *tab ? tab[i] : "?")
const char *tl_model_input_name(tl_model_input i) { return NAME_OF(INPUTS, i); }
const char *tl_model_act_name(tl_model_act a) { return NAME_OF(ACTS, a); }
const char *tl_model_init_name(tl_model_init i) { return NAME_OF(INITS, i); }

static int lookup(const char *s, const char *const *tab, int n) {
  for (int i = 0; s && i < n; i++)
    if (!strcmp(s, tab[i])) return i;
  return -1;
}

tl_status tl_model_input_from_name(const char *s, tl_model_input *in, tl_error *err) {
  int i = lookup(s, INPUTS, 3);
  if (i < 0) return tl_error_set(err, TL_ERR_INPUT, "--input %s: unknown (expected eigvec|hopping|qab)", s ? s : "");
  *in = (tl_model_input)i;
  return TL_OK;
}

tl_status tl_model_act_from_name(const char *s, tl_model_act *a, tl_error *err) {
  int i = lookup(s, ACTS, 3);
  if (i < 0) return tl_error_set(err, TL_ERR_INPUT, "--act %s: unknown (expected relu|tanh|square)", s ? s : "");
  *a = (tl_model_act)i;
  return TL_OK;
}

tl_status tl_model_init_parse(const char *s, tl_model_init *in, double *sigma, tl_error *err) {
  *sigma = 0;
  if (s && !strcmp(s, "random")) return *in = TL_INIT_RANDOM, TL_OK;
  if (s && !strcmp(s, "exact")) return *in = TL_INIT_EXACT, TL_OK;
  const char *pre = "exact+noise:";
  if (s && !strncmp(s, pre, strlen(pre))) {
    const char *v = s + strlen(pre);
    double x;
    if (tl_parse_double(v, 0, TL_INIT_SIGMA_MAX, &x) == TL_PARSE_OK && x > 0) {
      *in = TL_INIT_EXACT_NOISE;
      *sigma = x;
      return TL_OK;
    }
    return tl_error_set(err, TL_ERR_INPUT, "--init %s: noise '%s' (expected a number in (0, %g])", s,
                        v, TL_INIT_SIGMA_MAX);
  }
  return tl_error_set(err, TL_ERR_INPUT, "--init %s: unknown (expected exact|random|exact+noise:SIGMA)",
                      s ? s : "");
}

tl_status tl_model_widths_parse(const char *s, int *n, int *w, tl_error *err) {
  *n = 0;
  tl_fields_t f = tl_fields(s ? s : "", ',');
  while (tl_fields_next(&f)) {
    long long v;
    if (tl_parse_int_n(f.at, f.len, 1, 65536, &v))
      return tl_error_set(err, TL_ERR_INPUT, "layer widths '%s': expected positive integers "
                          "up to 65536 separated by commas, e.g. 64,64", s ? s : "");
    if (*n == TL_MODEL_MAX_LAYERS)
      return tl_error_set(err, TL_ERR_INPUT, "layer widths '%s': more than %d layers", s,
                          TL_MODEL_MAX_LAYERS);
    w[(*n)++] = (int)v;
  }
  return TL_OK;
}

void tl_model_widths_string(const tl_model_hyper_t *hp, char *buf, size_t cap) {
  buf[0] = '\0';
  for (int i = 0; i < hp->nlayers; i++)
    snprintf(buf + strlen(buf), cap - strlen(buf), "%s%d", i ? "," : "", hp->width[i]);
}
