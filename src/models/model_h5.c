/* Model files: architecture, parameters, optimiser state and provenance in HDF5,
 * written atomically (topolearn/outfile.h) and validated field by field on load. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/h5.h"
#include "models/kind.h"
#include "topolearn/outfile.h"

#define FORMAT_VERSION 1

void tl_model_summary(const tl_model_t *m, char *buf, size_t cap) {
  const tl_model_hyper_t *hp = &m->hp;
  int n = snprintf(buf, cap, "%s ", tl_model_kind_name(hp->kind));
  if (n < 0 || (size_t)n >= cap) return;
  if (hp->kind->describe) n += hp->kind->describe(m, buf + n, cap - n); /* its own part */
  if (n < 0 || (size_t)n >= cap) return;
  snprintf(buf + n, cap - n, "L %d, ranges %d..%d, classes %d..%d, %zu parameters", m->L,
           m->r_min, m->r_max, hp->cmin, hp->cmax, m->params->count);
}

static tl_status write_all(const tl_model_t *m, hid_t f, const char *path,
                           const tl_model_provenance_t *prov, tl_error *err) {
  const tl_model_hyper_t *hp = &m->hp;
  char w[128], created[64];
  tl_model_widths_string(hp, w, sizeof w);
  if (prov && prov->created[0]) {
    snprintf(created, sizeof created, "%s", prov->created);
  } else {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
  }
  tl_status st = TL_OK;
#define S(name, v) if (!st) st = tl_h5_write_attr_string(f, path, "/", name, v, err)
#define I(name, v) if (!st) st = tl_h5_write_attr_int(f, path, "/", name, (long)(v), err)
#define D(name, v) if (!st) st = tl_h5_write_attr_double(f, path, "/", name, v, err)
  S("kind", "model");
  I("format_version", FORMAT_VERSION);
  S("topolearn_version", TL_VERSION);
  S("model", tl_model_kind_name(hp->kind));
  S("input", tl_model_input_name(hp->input));
  S("act", tl_model_act_name(hp->act));
  S("init", tl_model_init_name(hp->init));
  D("init_sigma", hp->init_sigma);
  D("beta0", hp->beta0);
  D("bulk_fraction", hp->bulk_fraction);
  S("boundary", hp->boundary == TL_PBC ? "pbc" : "obc");
  I("band", hp->band);
  I("sym_hidden", hp->sym_hidden);
  I("kernel", hp->kernel);
  I("pool", hp->pool);
  I("nlayers", hp->nlayers);
  S("widths", w);
  I("L", m->L);
  I("r_min", m->r_min);
  I("r_max", m->r_max);
  I("cmin", hp->cmin);
  I("cmax", hp->cmax);
  I("optim_step", m->params->step);
  I("seed", prov ? (long)prov->seed : 0); /* a seed is stored as its signed 64-bit bits */
  S("command", prov ? prov->command : "");
  S("data_hash", prov ? prov->data_hash : "");
  S("created", created);
  I("epochs_done", prov ? prov->epochs_done : 0);
#undef S
#undef I
#undef D
  if (!st) st = tl_h5_make_group(f, path, "params", err);
  if (!st) st = tl_h5_make_group(f, path, "optim/m", err);
  if (!st) st = tl_h5_make_group(f, path, "optim/v", err);
  const tl_nn_params_t *p = m->params;
  for (int i = 0; !st && i < p->ntensors; i++) {
    const tl_nn_tensor_t *t = &p->tensor[i];
    const hsize_t dims[2] = {(hsize_t)t->rows, (hsize_t)t->cols};
    char name[64];
    snprintf(name, sizeof name, "params/%s", t->name);
    st = tl_h5_write_floats(f, path, name, 2, dims, p->param + t->offset, err);
    if (!st) st = tl_h5_write_attr_int(f, path, name, "frozen", t->frozen, err);
    snprintf(name, sizeof name, "optim/m/%s", t->name);
    if (!st) st = tl_h5_write_floats(f, path, name, 2, dims, p->m + t->offset, err);
    snprintf(name, sizeof name, "optim/v/%s", t->name);
    if (!st) st = tl_h5_write_floats(f, path, name, 2, dims, p->v + t->offset, err);
  }
  return st;
}

tl_status tl_model_save(const tl_model_t *m, const char *path, int force,
                        const tl_model_provenance_t *prov, tl_error *err) {
  tl_h5_quiet();
  tl_outfile_t o;
  tl_status st = tl_outfile_begin(&o, path, force, 0, err);
  if (st) return st;
  hid_t f = tl_h5_create_temporary(o.tmp_path);
  if (f < 0) st = tl_error_set(err, TL_ERR_IO, "%s: cannot create an HDF5 file", path);
  if (!st) st = write_all(m, f, path, prov, err);
  if (f >= 0 && H5Fclose(f) < 0 && !st)
    st = tl_error_set(err, TL_ERR_IO, "%s: cannot finish writing (disk full?)", path);
  if (!st) st = tl_outfile_commit(&o, err);
  if (st) tl_outfile_abort(&o);
  return st;
}

/* Reads the hyper-parameters from the root attributes. */
static tl_status read_hyper(hid_t f, const char *path, tl_model_hyper_t *hp, int *L, int *rmin,
                            int *rmax, tl_error *err) {
  char s[256];
  long v, ver;
  tl_status st = tl_h5_attr_string(f, path, "/", "kind", s, sizeof s, err);
  if (st) return st;
  if (strcmp(s, "model"))
    return tl_error_set(err, TL_ERR_INPUT, "%s: attribute kind is '%s' (expected 'model': "
                        "is this a data set?)", path, s);
  if ((st = tl_h5_attr_int(f, path, "/", "format_version", &ver, err))) return st;
  if (ver != FORMAT_VERSION)
    return tl_error_set(err, TL_ERR_INPUT, "%s: format_version %ld (this topolearn reads %d)",
                        path, ver, FORMAT_VERSION);
  if ((st = tl_h5_attr_string(f, path, "/", "model", s, sizeof s, err))) return st;
  const tl_model_kind_t *kind = tl_model_kind_find(s);
  if (!kind) {
    char names[256];
    tl_model_kind_list(names, sizeof names, "|", 0);
    return tl_error_set(err, TL_ERR_INPUT, "%s: attribute model is '%s' (expected %s)", path, s,
                        names);
  }
  tl_model_hyper_default(hp, kind);
  if ((st = tl_h5_attr_string(f, path, "/", "input", s, sizeof s, err))) return st;
  if (tl_model_input_from_name(s, &hp->input, NULL))
    return tl_error_set(err, TL_ERR_INPUT, "%s: attribute input is '%s'", path, s);
  if ((st = tl_h5_attr_string(f, path, "/", "act", s, sizeof s, err))) return st;
  if (tl_model_act_from_name(s, &hp->act, NULL))
    return tl_error_set(err, TL_ERR_INPUT, "%s: attribute act is '%s'", path, s);
  if ((st = tl_h5_attr_string(f, path, "/", "init", s, sizeof s, err))) return st;
  double sig;
  if (!strcmp(s, "exact+noise")) hp->init = TL_INIT_EXACT_NOISE;
  else if (tl_model_init_parse(s, &hp->init, &sig, NULL))
    return tl_error_set(err, TL_ERR_INPUT, "%s: attribute init is '%s'", path, s);
  if ((st = tl_h5_attr_double(f, path, "/", "init_sigma", &hp->init_sigma, err))) return st;
  if (!(hp->init_sigma >= 0 && isfinite(hp->init_sigma))) /* only validated for exact+noise */
    return tl_error_set(err, TL_ERR_INPUT, "%s: attribute init_sigma = %g (expected a finite "
                        "number >= 0)", path, hp->init_sigma);
  if ((st = tl_h5_attr_string(f, path, "/", "boundary", s, sizeof s, err))) return st;
  if (strcmp(s, "obc") && strcmp(s, "pbc"))
    return tl_error_set(err, TL_ERR_INPUT, "%s: attribute boundary is '%s' (expected obc|pbc)",
                        path, s);
  hp->boundary = strcmp(s, "pbc") ? TL_OBC : TL_PBC;
  if ((st = tl_h5_attr_double(f, path, "/", "beta0", &hp->beta0, err))) return st;
  if ((st = tl_h5_attr_double(f, path, "/", "bulk_fraction", &hp->bulk_fraction, err))) return st;
  struct { const char *name; int *dst; } ints[] = {
      {"band", &hp->band}, {"sym_hidden", &hp->sym_hidden}, {"kernel", &hp->kernel},
      {"pool", &hp->pool}, {"nlayers", &hp->nlayers}, {"L", L}, {"r_min", rmin},
      {"r_max", rmax}, {"cmin", &hp->cmin}, {"cmax", &hp->cmax}};
  for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
    if ((st = tl_h5_attr_int(f, path, "/", ints[i].name, &v, err))) return st;
    if (v < -1000000 || v > 1000000)
      return tl_error_set(err, TL_ERR_INPUT, "%s: attribute %s = %ld is out of range", path,
                          ints[i].name, v);
    *ints[i].dst = (int)v;
  }
  if (hp->nlayers < 0 || hp->nlayers > TL_MODEL_MAX_LAYERS)
    return tl_error_set(err, TL_ERR_INPUT, "%s: attribute nlayers = %d (expected 0..%d)", path,
                        hp->nlayers, TL_MODEL_MAX_LAYERS);
  if ((st = tl_h5_attr_string(f, path, "/", "widths", s, sizeof s, err))) return st;
  int n = 0;
  if (hp->nlayers && (tl_model_widths_parse(s, &n, hp->width, NULL) || n != hp->nlayers))
    return tl_error_set(err, TL_ERR_INPUT, "%s: attribute widths '%s' does not hold %d layer "
                        "widths", path, s, hp->nlayers);
  return TL_OK;
}

static tl_status read_all(hid_t f, const char *path, tl_model_t **out,
                          tl_model_provenance_t *prov, tl_error *err) {
  tl_model_hyper_t hp;
  int L, rmin, rmax;
  tl_status st = read_hyper(f, path, &hp, &L, &rmin, &rmax, err);
  if (st) return st;
  /* The stored parameters replace the initial ones; init exact is rebuilt only to keep
   * the description, so read it as random (no hidden constraints on the tensors). */
  tl_model_hyper_t build = hp;
  build.init = TL_INIT_RANDOM;
  tl_rng_t rng;
  tl_rng_init(&rng, 0, 0);
  tl_model_t *m = NULL;
  tl_error e2 = {0};
  if ((st = tl_model_new(&m, &build, L, rmin, rmax, &rng, &e2)))
    return tl_error_set(err, st, "%s: %s", path, e2.msg);
  m->hp = hp;
  tl_nn_params_t *p = m->params;
  long step = 0;
  st = tl_h5_attr_int(f, path, "/", "optim_step", &step, err);
  /* Adam divides by 1 - beta^step: a negative count made a resume "diverge" (exit 1)
   * instead of refusing the file; 2^53 keeps beta^step exact in double */
  if (!st && (step < 0 || step > (1L << 53)))
    st = tl_error_set(err, TL_ERR_INPUT, "%s: attribute optim_step = %ld is out of range "
                      "(expected 0..2^53: the optimiser steps taken)", path, step);
  p->step = step;
  for (int i = 0; !st && i < p->ntensors; i++) {
    tl_nn_tensor_t *t = &p->tensor[i];
    const hsize_t dims[2] = {(hsize_t)t->rows, (hsize_t)t->cols};
    char name[64];
    long frozen = 0;
    snprintf(name, sizeof name, "params/%s", t->name);
    st = tl_h5_read_floats(f, path, name, 2, dims, p->param + t->offset, err);
    if (!st) st = tl_h5_attr_int(f, path, name, "frozen", &frozen, err);
    if (!st && frozen != 0 && frozen != 1)
      st = tl_error_set(err, TL_ERR_INPUT, "%s: attribute frozen of '%s' = %ld (expected 0 or 1)",
                        path, name, frozen);
    t->frozen = frozen != 0;
    snprintf(name, sizeof name, "optim/m/%s", t->name);
    if (!st) st = tl_h5_read_floats(f, path, name, 2, dims, p->m + t->offset, err);
    snprintf(name, sizeof name, "optim/v/%s", t->name);
    if (!st) st = tl_h5_read_floats(f, path, name, 2, dims, p->v + t->offset, err);
    /* Adam's second moments are averages of squares: a negative one is a NaN step */
    for (size_t k = 0; !st && k < t->size; k++)
      if (p->v[t->offset + k] < 0)
        st = tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' holds %g at entry %zu (expected "
                          ">= 0: second moments are averages of squared gradients)", path, name,
                          (double)p->v[t->offset + k], k);
  }
  if (!st && prov) {
    memset(prov, 0, sizeof *prov);
    long seed = 0;
    st = tl_h5_attr_int(f, path, "/", "seed", &seed, err);
    prov->seed = (uint64_t)seed;
    if (!st) st = tl_h5_attr_string(f, path, "/", "command", prov->command, sizeof prov->command, err);
    if (!st) st = tl_h5_attr_string(f, path, "/", "data_hash", prov->data_hash, sizeof prov->data_hash, err);
    if (!st) st = tl_h5_attr_string(f, path, "/", "created", prov->created, sizeof prov->created, err);
    long done = 0;
    if (!st) st = tl_h5_attr_int(f, path, "/", "epochs_done", &done, err);
    if (!st && (done < 0 || done > 100000000))
      st = tl_error_set(err, TL_ERR_INPUT, "%s: attribute epochs_done = %ld is out of range", path, done);
    prov->epochs_done = (int)done;
  }
  if (st) {
    tl_model_free(m);
    return st;
  }
  *out = m;
  return TL_OK;
}

tl_status tl_model_load(tl_model_t **out, const char *path, tl_model_provenance_t *prov,
                        tl_error *err) {
  *out = NULL;
  hid_t f;
  tl_status st = tl_h5_open_read(path, &f, err);
  if (st) return st;
  st = read_all(f, path, out, prov, err);
  H5Fclose(f);
  return st;
}
