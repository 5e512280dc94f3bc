/* Shared study machinery: paths, accuracies, topo cosines, quartiles, the kind
 * questions the studies ask, summary keys. */
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

/* The kind questions of the studies, answered in this one place. */
int tl_study_w_head(const tl_model_hyper_t *hp) {
  return hp->kind == TL_MODEL_TOPO || hp->kind == TL_MODEL_SYM;
}

int tl_study_eigvec_input(const tl_model_hyper_t *hp) {
  return hp->input == TL_INPUT_EIGVEC; /* topo's fixed input too; sym reads Q_AB */
}

int tl_study_size_independent(const tl_model_hyper_t *hp) { return hp->kind == TL_MODEL_SYM; }

int tl_study_prunable(const tl_model_hyper_t *hp) {
  return hp->kind == TL_MODEL_MLP || hp->kind == TL_MODEL_CNN;
}

double tl_study_cost_us(const tl_model_hyper_t *hp, int L) {
  /* one thread's time at L = 32 halved (two cores), measured with `train --threads 1`:
   * topo and sym contract L x L tensors per state (L^3), mlp and cnn grow with the input
   * (L^2); below L = 32 a fixed part per sample (batching, featurising) stays */
  const double r = L / 32.0, cubic = 0.25 + 0.75 * r * r * r, square = 0.5 + 0.5 * r * r;
  switch (hp->kind) {
    case TL_MODEL_TOPO: return 3 * cubic;
    case TL_MODEL_SYM: return 6 * cubic;
    case TL_MODEL_CNN: return 10 * square;
    default: return 5 * square;
  }
}

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

/* sym with the square activation computes, per cell, x^T M x + (linear) + const with
 * M = sum_h w2_h w1_h w1_h^T over its hidden units; the exact marker is M = diag(-d),
 * d = -D..D. The cosine of M with it is blind to the order and scale of the hidden
 * units, the sym network's gauge. */
static double sym_cosine(const tl_model_t *m) {
  if (m->hp.act != TL_ACT_SQUARE) return NAN;
  tl_nn_params_t *p = m->params;
  const int i1 = tl_nn_params_find(p, "w1"), i2 = tl_nn_params_find(p, "w2");
  if (i1 < 0 || i2 < 0) return NAN;
  const int H = p->tensor[i1].rows, F = p->tensor[i1].cols, D = (F - 1) / 2;
  const float *w1 = p->param + p->tensor[i1].offset, *w2 = p->param + p->tensor[i2].offset;
  double dot = 0, mm = 0, ee = 0;
  for (int a = 0; a < F; a++)
    for (int b = 0; b < F; b++) {
      double M = 0;
      for (int h = 0; h < H; h++) M += (double)w2[h] * w1[(size_t)h * F + a] * w1[(size_t)h * F + b];
      const double e = a == b ? -(double)(a - D) : 0.0;
      dot += M * e;
      mm += M * M;
      ee += e * e;
    }
  return mm > 0 && ee > 0 ? dot / sqrt(mm * ee) : 0;
}

void tl_topo_cosines(const tl_model_t *m, double *cos_lambda, double *cos_K) {
  *cos_lambda = *cos_K = NAN;
  if (m->hp.kind == TL_MODEL_SYM) { /* the square-activation cell network */
    *cos_K = sym_cosine(m);
    return;
  }
  if (m->hp.kind != TL_MODEL_TOPO) return;
  tl_nn_params_t *p = m->params;
  int il = tl_nn_params_find(p, "lambda"), ik = tl_nn_params_find(p, "K");
  if (il < 0 || ik < 0) return;
  const float *lam = p->param + p->tensor[il].offset, *K = p->param + p->tensor[ik].offset;
  const int L = m->L;
  double dot = 0, nn = 0;
  for (int j = 0; j < (int)p->tensor[il].size; j++) {
    dot += 2.0 * lam[j];
    nn += (double)lam[j] * lam[j];
  }
  *cos_lambda = nn > 0 ? dot / (sqrt(nn) * 2.0 * sqrt((double)p->tensor[il].size)) : 0;
  /* K_exact[n, m] = -(m - n)/L' on bulk rows (SPEC 1.4); cosine is scale-free. */
  double kd = 0, kk = 0, ee = 0;
  for (int n = m->bulk_start; n < m->bulk_start + m->bulk_cells; n++)
    for (int mm = 0; mm < L; mm++) {
      int d = mm - n;
      if (m->hp.boundary == TL_PBC) {
        if (d > L / 2) d -= L;
        else if (d <= -(L + 1) / 2) d += L;
      }
      double e = -(double)d / m->bulk_cells;
      kd += e * K[(size_t)n * L + mm];
      ee += e * e;
    }
  for (size_t i = 0; i < (size_t)L * L; i++) kk += (double)K[i] * K[i];
  *cos_K = kk > 0 && ee > 0 ? kd / sqrt(kk * ee) : 0;
}

