/* One cell of a study's grid: training it with its learning curve, or reloading it
 * from its files on resume; the cell files' strict readers. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "study/study_internal.h"
#include "topolearn/outfile.h"
#include "topolearn/parse.h"

tl_status tl_cell_write(const char *path, const char *const *keys, const double *vals, int n,
                        tl_error *err) {
  tl_outfile_t o;
  tl_status st = tl_outfile_begin(&o, path, 1, 1, err);
  if (st) return st;
  for (int i = 0; i < n; i++) fprintf(o.fp, "%s,%.17g\n", keys[i], vals[i]);
  return tl_outfile_commit(&o, err);
}

/* One line of a file of ours, without its newline; 0 at the end, -1 when a line is longer
 * than cap - 2 bytes (a tampered file: refused, not read in pieces). */
static int read_line(FILE *fp, char *line, size_t cap) {
  if (!fgets(line, (int)cap, fp)) return 0;
  size_t n = strlen(line);
  if (n && line[n - 1] == '\n') line[--n] = '\0';
  else if (!feof(fp)) return -1;
  return 1;
}

/* A number we wrote with %.17g or %.9g (nan included), the whole field. */
static int cell_number(const char *s, size_t n, double *v) {
  const tl_parse_result r = tl_parse_double_n(s, n, -HUGE_VAL, HUGE_VAL, v);
  return r == TL_PARSE_OK || r == TL_PARSE_NONFINITE;
}

tl_status tl_cell_read(const char *path, const char *const *keys, double *vals, int n,
                       tl_error *err) {
  FILE *fp = fopen(path, "r");
  if (!fp) return tl_error_set(err, TL_ERR_IO, "%s: cannot open (%s)", path, strerror(errno));
  for (int i = 0; i < n; i++) vals[i] = NAN;
  char line[512];
  int found = 0, got, lineno = 0;
  tl_status st = TL_OK;
  while (!st && (got = read_line(fp, line, sizeof line)) != 0) {
    lineno++;
    char *comma = got > 0 ? strchr(line, ',') : NULL;
    if (!comma) {
      st = tl_error_set(err, TL_ERR_INPUT, "%s:%d: not a key,value line", path, lineno);
      break;
    }
    *comma = '\0';
    for (int i = 0; i < n; i++)
      if (!strcmp(line, keys[i])) {
        if (!cell_number(comma + 1, strlen(comma + 1), &vals[i]))
          st = tl_error_set(err, TL_ERR_INPUT, "%s:%d: %s = '%s' is not a number", path, lineno,
                            keys[i], comma + 1);
        found++;
      }
  }
  fclose(fp);
  if (!st && found != n)
    st = tl_error_set(err, TL_ERR_INPUT, "%s: incomplete cell file (%d of %d keys)", path, found, n);
  return st;
}

/* The learning curve a finished cell wrote: a header, then exactly one row per epoch,
 * "epoch,loss,train_acc,test_acc,cos_lambda,cos_K". */
static tl_status read_curve(const char *path, int epochs, double *curve, tl_error *err) {
  FILE *fp = fopen(path, "r");
  if (!fp) return tl_error_set(err, TL_ERR_IO, "%s: missing learning curve", path);
  char line[512];
  tl_status st = TL_OK;
  int got = read_line(fp, line, sizeof line); /* the header */
  for (int e = 0; !st && e < epochs; e++) {
    got = got > 0 ? read_line(fp, line, sizeof line) : got;
    tl_fields_t f = tl_fields(got > 0 ? line : "", ',');
    double v[TL_CURVE_COLS + 1];
    int k = 0, ok = got > 0 && tl_fields_count(line, strlen(line), ',') == TL_CURVE_COLS + 1;
    while (ok && tl_fields_next(&f)) ok = cell_number(f.at, f.len, &v[k++]);
    if (!ok || v[0] != e + 1) {
      st = tl_error_set(err, TL_ERR_INPUT, "%s:%d: expected epoch %d and %d numbers", path, e + 2,
                        e + 1, TL_CURVE_COLS);
      break;
    }
    memcpy(curve + (size_t)e * TL_CURVE_COLS, v + 1, TL_CURVE_COLS * sizeof *v);
  }
  fclose(fp);
  return st;
}

void tl_cell_name(const char *model, int s, char *name, size_t cap) {
  snprintf(name, cap, "%s__s%d", model, s);
  for (char *q = name; *q; q++)
    if (*q == ':' || *q == '/' || *q == '+') *q = '_';
}

tl_status tl_cell_paths(const tl_study_config_t *c, const char *cells, const char *model, int s,
                        tl_cell_paths_t *p, tl_error *err) {
  char name[160], sub[64], fname[200];
  tl_cell_name(model, s, name, sizeof name);
  snprintf(sub, sizeof sub, "cells/%s", cells);
  snprintf(fname, sizeof fname, "%s.h5", name);
  tl_status st = tl_study_path(c, sub, fname, p->model, sizeof p->model, err);
  snprintf(fname, sizeof fname, "%s.curve.csv", name);
  if (!st) st = tl_study_path(c, sub, fname, p->curve, sizeof p->curve, err);
  snprintf(fname, sizeof fname, "%s.cell", name);
  if (!st) st = tl_study_path(c, sub, fname, p->cell, sizeof p->cell, err);
  return st;
}

typedef struct {
  const tl_model_t *m;
  const tl_samples_t *test;
  double success;
  double *curve;
  int first_success;
  tl_status st;
  tl_error err;
  tl_cell_epoch_fn fn;
  void *fn_ctx;
} curve_ctx;

static int on_epoch(const tl_train_epoch_t *e, void *user) {
  curve_ctx *cc = user;
  double acc = NAN;
  if (!cc->st) cc->st = tl_study_accuracy(cc->m, cc->test, 0, 0, &acc, NULL, &cc->err);
  double *row = cc->curve + (size_t)(e->epoch - 1) * TL_CURVE_COLS;
  row[0] = e->loss;
  row[1] = e->train_acc;
  row[2] = acc;
  tl_model_exact_cosines(cc->m, &row[3], &row[4]);
  if (cc->first_success < 0 && acc >= cc->success) cc->first_success = e->epoch;
  /* an interruption stops mid-cell: the unfinished cell is not saved, resume redoes it */
  return cc->st != TL_OK || (cc->fn && cc->fn(cc->fn_ctx, e->epoch, e->epochs));
}

static const char *const cell_keys[] = {"epochs_to_success", "final_loss", "fit_acc", "epochs"};

/* A cell finished earlier: its numbers, model and learning curve from disk. */
static tl_status reload(const tl_study_config_t *c, const tl_cell_paths_t *p,
                        tl_model_t **out_model, tl_cell_train_t *out, tl_error *err) {
  double v[4];
  tl_status st = tl_cell_read(p->cell, cell_keys, v, 4, err);
  if (!st) st = tl_model_load(out_model, p->model, NULL, err);
  if (!st) st = read_curve(p->curve, c->epochs, out->curve, err);
  if (st) return st; /* the caller frees the model, loaded before the curve was read */
  out->epochs_to_success = (int)v[0];
  out->final_loss = v[1];
  out->fit_acc = v[2];
  return TL_OK;
}

/* The cell's three files: model, learning curve, and last the key-value file whose
 * presence marks the cell finished. */
static tl_status save(const tl_study_config_t *c, const char *cells, const tl_study_model_t *model,
                      int s, uint64_t seed, const tl_cell_paths_t *p, const tl_model_t *m,
                      const tl_cell_train_t *out, tl_error *err) {
  tl_model_provenance_t prov = {0};
  prov.seed = seed;
  snprintf(prov.command, sizeof prov.command, "study %s, model %s, seed %d", cells, model->name, s);
  prov.epochs_done = c->epochs;
  tl_status st = tl_model_save(m, p->model, 1, &prov, err);
  tl_outfile_t of;
  if (!st) st = tl_outfile_begin(&of, p->curve, 1, 1, err);
  if (st) return st;
  fprintf(of.fp, "epoch,loss,train_acc,test_acc,cos_lambda,cos_K\n");
  for (int e = 0; e < c->epochs; e++) {
    const double *row = out->curve + (size_t)e * TL_CURVE_COLS;
    fprintf(of.fp, "%d,%.9g,%.6g,%.6g,%.6g,%.6g\n", e + 1, row[0], row[1], row[2], row[3], row[4]);
  }
  if ((st = tl_outfile_commit(&of, err))) return st;
  const double v[4] = {out->epochs_to_success, out->final_loss, out->fit_acc, c->epochs};
  return tl_cell_write(p->cell, cell_keys, v, 4, err);
}

/* Trains a new model of `model` for seed index s, its curve into out. */
static tl_status train(const tl_study_config_t *c, const tl_study_model_t *model,
                       const tl_samples_t *trainset, const tl_samples_t *test,
                       tl_cell_epoch_fn fn, void *fn_ctx, uint64_t seed, tl_model_t **out_model,
                       tl_cell_train_t *out, tl_error *err) {
  tl_rng_t rng;
  tl_rng_init(&rng, seed, 0);
  tl_model_hyper_t hp = model->hp;
  tl_status st = tl_model_hyper_classes(&hp, trainset, 0, err);
  if (st) return st;
  if ((st = tl_model_new(out_model, &hp, trainset->L, trainset->r_min, trainset->r_max, &rng, err)))
    return st;
  tl_train_opts_t o;
  tl_train_opts_default(&o);
  o.epochs = c->epochs;
  o.batch = c->batch;
  o.lr.lr = c->lr;
  o.seed = seed;
  o.val_fraction = 0;
  o.augment_gauge = model->augment_gauge;
  o.threads = c->threads;
  curve_ctx cc = {*out_model, test, c->success, out->curve, -1, TL_OK, {0}, fn, fn_ctx};
  o.callback = on_epoch;
  o.user = &cc;
  tl_train_result_t tr;
  st = tl_train(*out_model, trainset, &o, &tr, err);
  if (cc.st) {
    st = cc.st;
    if (err) *err = cc.err;
  }
  if (st == TL_ERR_NUMERIC) { /* a diverged seed is a result (did not learn), not a failure */
    out->epochs_to_success = -1;
    out->final_loss = NAN;
    st = TL_OK;
  } else if (!st) {
    out->epochs_to_success = cc.first_success;
    out->final_loss = tr.loss;
  }
  if (!st) st = tl_study_accuracy(*out_model, test, 0, 0, &out->fit_acc, NULL, err);
  return st;
}

tl_status tl_cell_train(const tl_study_config_t *c, const char *cells,
                        const tl_study_model_t *model, int s, const tl_samples_t *trainset,
                        const tl_samples_t *test, tl_cell_epoch_fn on_epoch_fn, void *epoch_ctx,
                        tl_model_t **out_model, tl_cell_train_t *out, tl_error *err) {
  memset(out, 0, sizeof *out);
  *out_model = NULL;
  tl_cell_paths_t p;
  tl_status st = tl_cell_paths(c, cells, model->name, s, &p, err);
  if (st) return st;
  out->epochs = c->epochs;
  out->curve = tl_calloc((size_t)c->epochs * TL_CURVE_COLS, sizeof *out->curve);
  if (!out->curve) return tl_error_set(err, TL_ERR_NOMEM, "out of memory for a learning curve");

  struct stat sb;
  if (c->train_only && !tl_study_owns(c, cells, model->name, s)) return TL_OK; /* *out_model NULL */
  if (c->resume && stat(p.cell, &sb) == 0) { /* finished earlier: reload */
    if (c->train_only) return TL_OK;         /* nothing to train */
    st = reload(c, &p, out_model, out, err);
  } else {
    const uint64_t seed = tl_study_seed(c->seed, model->name, s);
    st = train(c, model, trainset, test, on_epoch_fn, epoch_ctx, seed, out_model, out, err);
    if (!st) st = save(c, cells, model, s, seed, &p, *out_model, out, err);
  }
  if (st) {
    tl_model_free(*out_model);
    *out_model = NULL;
    tl_cell_train_free(out);
  }
  return st;
}

void tl_cell_train_free(tl_cell_train_t *t) {
  tl_free(t->curve);
  t->curve = NULL;
}
