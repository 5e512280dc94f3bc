/* src/models/registry.c — the model kinds: the one place that lists them.
 *
 * Lookup by name (the --model flag, the studies' model specs, the model file's `model`
 * attribute), iteration (help texts, messages) and the traits the generic code asks.
 *
 * A new kind needs:
 *   1. one file, src/models/kinds/<name>.c, that fills a tl_model_kind_t called
 *      tl_model_kind_<name> (each entry is described in src/models/kind.h; copy the
 *      shape of mlp.c for a network, topo.c for a W-head kind). Its passes are written
 *      once in tl_real and built in float and double (models/real.h); the build finds
 *      the file by itself (CMakeLists.txt compiles src/models/kinds/ twice).
 *   2. one line in TL_MODEL_KINDS below; the order is that of help texts and messages.
 *   3. its tests: test_model_registry.c walks this registry, so the new kind already gets
 *      the table checks, the refusal of a bad value of each hyper-parameter it reads,
 *      the signed finite-difference gradient check (every coordinate, double; the W
 *      regression too if it has a W head), the float check along one direction, the
 *      save/load round trip, and each of its traits checked against what it does; add a
 *      test of what only the new kind does (an exact initialisation, an invariance), as
 *      test_model_exact.c does for topo and sym.
 * Nothing else changes: training, evaluation, model files, pruning, the studies and the
 * CLI ask the table. A new hyper-parameter is the exception: a field of
 * tl_model_hyper_t and its TL_HYPER_* bit (model.h), its default (model.c), its
 * attribute in model_h5.c, its flag (a row in src/cli/model_flags.c, a field of
 * tl_cli_model_t in src/cli/cli.h) and a bad value in test_model_registry.c. */
#include <stdio.h>
#include <string.h>

#include "models/kind.h"

#define TL_MODEL_KINDS(X) \
  X(topo)                 \
  X(sym)                  \
  X(mlp)                  \
  X(cnn)

#define DECLARE(name) extern const tl_model_kind_t tl_model_kind_##name;
TL_MODEL_KINDS(DECLARE)
#undef DECLARE

#define ENTRY(name) &tl_model_kind_##name,
static const tl_model_kind_t *const kinds[] = {TL_MODEL_KINDS(ENTRY)};
#undef ENTRY

#define NKINDS ((int)(sizeof kinds / sizeof *kinds))

int tl_model_kind_count(void) { return NKINDS; }

const tl_model_kind_t *tl_model_kind_at(int i) {
  return i >= 0 && i < NKINDS ? kinds[i] : NULL;
}

const tl_model_kind_t *tl_model_kind_find(const char *name) {
  for (int i = 0; name && i < NKINDS; i++)
    if (!strcmp(name, kinds[i]->name)) return kinds[i];
  return NULL;
}

const char *tl_model_kind_name(const tl_model_kind_t *k) { return k ? k->name : "?"; }

const char *tl_model_kind_help(const tl_model_kind_t *k) { return k ? k->help : ""; }

int tl_model_kind_has(const tl_model_kind_t *k, unsigned traits) {
  return k && (k->traits & traits) == traits;
}

int tl_model_kind_reads(const tl_model_kind_t *k, unsigned hyper) {
  return k && (k->hyper & hyper) == hyper;
}

int tl_model_has(const tl_model_t *m, unsigned traits) {
  return tl_model_kind_has(m->hp.kind, traits);
}

int tl_model_kind_accepts(const tl_model_kind_t *k, tl_model_input in) {
  return k && (unsigned)in < 32 && (k->inputs >> (unsigned)in & 1u);
}

int tl_model_kind_fixed_input(const tl_model_kind_t *k) {
  return k && k->inputs && !(k->inputs & (k->inputs - 1)); /* one bit set */
}

/* Appends s to buf (cap bytes), after sep unless buf is empty; truncates quietly. */
static void append(char *buf, size_t cap, const char *sep, const char *s) {
  const size_t n = strlen(buf);
  if (n < cap) snprintf(buf + n, cap - n, "%s%s", n ? sep : "", s);
}

void tl_model_kind_list(char *buf, size_t cap, const char *sep, unsigned traits) {
  if (!cap) return;
  buf[0] = '\0';
  for (int i = 0; i < NKINDS; i++)
    if (tl_model_kind_has(kinds[i], traits)) append(buf, cap, sep, kinds[i]->name);
}

void tl_model_kind_inputs(const tl_model_kind_t *k, char *buf, size_t cap, const char *sep) {
  if (!cap) return;
  buf[0] = '\0';
  for (int in = TL_INPUT_EIGVEC; in <= TL_INPUT_QAB; in++)
    if (tl_model_kind_accepts(k, (tl_model_input)in))
      append(buf, cap, sep, tl_model_input_name((tl_model_input)in));
}

double tl_model_kind_cost_us(const tl_model_kind_t *k, int L) {
  /* below L = 32 a fixed part per sample (batching, featurising) stays */
  const double r = L / 32.0;
  return k->cost_us * (k->cost_power == 3 ? 0.25 + 0.75 * r * r * r : 0.5 + 0.5 * r * r);
}

tl_status tl_model_kind_from_name(const char *s, const tl_model_kind_t **k, tl_error *err) {
  const tl_model_kind_t *found = tl_model_kind_find(s);
  if (!found) {
    char names[256];
    tl_model_kind_list(names, sizeof names, "|", 0);
    return tl_error_set(err, TL_ERR_INPUT, "--model %s: unknown (expected %s)", s ? s : "",
                        names);
  }
  *k = found;
  return TL_OK;
}
