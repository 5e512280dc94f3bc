/* Shared study machinery: paths, accuracies, quartiles, the kind questions the
 * studies ask (answered by the kinds' traits), summary keys. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "study/study_internal.h"
#include "topolearn/outfile.h"
#include "topolearn/parse.h"

tl_status tl_study_path(const tl_study_config_t *c, const char *sub, const char *name, char *buf,
                        size_t cap, tl_error *err) {
  int n = snprintf(buf, cap, "%s/%s/%s", c->out_dir, sub, name);
  if (n < 0 || (size_t)n >= cap) return tl_error_set(err, TL_ERR_INPUT, "%s/%s: path too long", c->out_dir, sub);
  return tl_outfile_make_parents(buf, err);
}

tl_status tl_study_table(const tl_study_config_t *c, const char *name, tl_outfile_t *o,
                         tl_error *err) {
  char path[4096];
  tl_status st = tl_study_path(c, "data", name, path, sizeof path, err);
  return st ? st : tl_outfile_begin(o, path, 1, 1, err);
}

void tl_study_data_path(const tl_study_config_t *c, const char *name, char *buf, size_t cap) {
  snprintf(buf, cap, "%s/data/%s", c->out_dir, name);
}

void tl_study_figure_path(const tl_study_config_t *c, const char *name, char *buf, size_t cap) {
  snprintf(buf, cap, "%s/figures/%s", c->out_dir, name);
}

tl_status tl_study_figure_done(tl_figures_t *figs, const char *study, const char *png,
                               const char *caption, tl_status st) {
  if (st) return st;
  char file[256];
  snprintf(file, sizeof file, "figures/%s", png);
  tl_figures_add(figs, study, file, caption);
  return TL_OK;
}

int tl_study_model_index(const tl_study_config_t *c, const char *name) {
  for (int i = 0; i < c->nmodels; i++)
    if (!strcmp(c->models[i].name, name)) return i;
  return -1;
}

const char *tl_study_num(char *buf, size_t cap, double x) {
  if (isfinite(x)) snprintf(buf, cap, "%.4g", x);
  else snprintf(buf, cap, "n/a");
  return buf;
}

void tl_study_put(FILE *fp, double x) {
  if (isfinite(x)) fprintf(fp, ",%.6g", x);
  else fprintf(fp, ",");
}

void tl_study_key(char *key, size_t cap, const char *model, const char *what) {
  snprintf(key, cap, "%s/%s", model, what);
}

/* The kind questions of the studies, answered by the kinds' traits (models/registry.c). */
int tl_study_w_head(const tl_model_hyper_t *hp) { return tl_model_kind_has(hp->kind, TL_MODEL_W_HEAD); }

int tl_study_eigvec_input(const tl_model_hyper_t *hp) {
  return hp->input == TL_INPUT_EIGVEC; /* topo's fixed input too; sym reads Q_AB */
}

int tl_study_size_independent(const tl_model_hyper_t *hp) {
  return tl_model_kind_has(hp->kind, TL_MODEL_SIZE_INDEPENDENT);
}

int tl_study_prunable(const tl_model_hyper_t *hp) { return tl_model_kind_has(hp->kind, TL_MODEL_PRUNABLE); }

/* One thread's time at L = 32 halved (two cores), measured with `train --threads 1`; each
 * kind's table holds its constant and how it grows with L. */
double tl_study_cost_us(const tl_model_hyper_t *hp, int L) { return tl_model_kind_cost_us(hp->kind, L); }

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

void tl_quartiles(double *x, int n, double *q25, double *median, double *q75) {
  qsort(x, (size_t)n, sizeof *x, cmp_double);
  /* linear interpolation between order statistics (numpy's default) */
  double *q[3] = {q25, median, q75};
  const double p[3] = {0.25, 0.5, 0.75};
  for (int i = 0; i < 3; i++) {
    double pos = p[i] * (n - 1);
    int lo = (int)floor(pos);
    int hi = lo + 1 < n ? lo + 1 : lo;
    *q[i] = x[lo] + (pos - lo) * (x[hi] - x[lo]);
  }
}

tl_status tl_study_accuracy(const tl_model_t *m, const tl_samples_t *s, int gauge_flip,
                            int any_integer, double *acc, double *W_max, tl_error *err) {
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  eo.gauge_flip = gauge_flip;
  eo.gauge_seed = 0x9a09e;
  eo.any_integer = any_integer;
  tl_eval_t r;
  tl_status st = tl_model_eval(m, s, &eo, NULL, NULL, &r, err);
  if (st) return st;
  *acc = r.accuracy;
  if (W_max) *W_max = r.W_max;
  tl_eval_free(&r);
  return TL_OK;
}

