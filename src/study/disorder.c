/* Disorder (SPEC 4, C5): models trained on clean chains (and on chains at bond disorder
 * D = 1) tested on a sweep of bond disorder and of on-site (chiral-breaking) disorder,
 * against the exact RSWN labels, beside two non-learned baselines — the log-hopping
 * rule and the edge-state indicator — and how often each model agrees with each
 * baseline, so the report can say which proxy a network's accuracy follows. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study/study_internal.h"
#include "topolearn/baseline.h"
#include "topolearn/outfile.h"

/* Baseline predictions of every chain of s. */
static tl_status baselines(const tl_samples_t *s, int *loghop, int *edge, tl_error *err) {
  tl_chain_t *c;
  tl_status st = tl_chain_new(&c, s->L, s->r_min, s->r_max, s->boundary, err);
  if (st) return st;
  tl_edge_opts_t eo;
  tl_edge_opts_default(&eo, s->L);
  const size_t L = (size_t)s->L, R = (size_t)s->R;
  for (int i = 0; i < s->N; i++) {
    memcpy(c->t, s->t + i * L * R, L * R * sizeof *c->t);
    loghop[i] = tl_baseline_loghop(c);
    edge[i] = tl_baseline_edge_modes(s->energies + i * 2 * L, s->psi + i * 2 * L * L, s->L, &eo);
  }
  tl_chain_free(c);
  return TL_OK;
}

/* Accuracy of predictions against labels over non-ambiguous chains, and agreement with
 * another predictor over the same chains. */
static double score(const tl_samples_t *s, const int *pred, const int *other) {
  long n = 0, k = 0;
  for (int i = 0; i < s->N; i++) {
    if (s->ambiguous[i]) continue;
    n++;
    k += pred[i] == (other ? other[i] : s->label[i]);
  }
  return n ? (double)k / n : NAN;
}

tl_status tl_study_disorder(const tl_study_config_t *c, const tl_study_hooks_t *h,
                            tl_summary_t *sum, tl_error *err) {
  const int NS = c->nsweep, M = c->nmodels, S = c->seeds;
  const double train_D[2] = {0.0, 1.0};
  tl_samples_t *tests[2][TL_STUDY_MAX_SWEEP] = {{0}}; /* [bond|onsite][D] */
  tl_samples_t *train[2] = {0}, *val = NULL;
  int *pred = NULL, *lh = NULL, *ed = NULL;
  tl_status st = TL_OK;
  tl_set_spec_t sp;
  for (int t = 0; t < 2 && !st; t++) {
    tl_set_spec_ssh(&sp, c->L, c->n_train, tl_study_seed(c->seed, t ? "train-D1" : "train", 0), train_D[t]);
    st = tl_set_make(&sp, &train[t], err);
  }
  tl_set_spec_ssh(&sp, c->L, c->n_test, tl_study_seed(c->seed, "test", 0), 0);
  if (!st) st = tl_set_make(&sp, &val, err);
  for (int kind = 0; kind < 2 && !st; kind++)
    for (int d = 0; d < NS && !st; d++) {
      tl_set_spec_ssh(&sp, c->L, c->n_test, tl_study_seed(c->seed, kind ? "onsite" : "bond", d),
                      kind ? 0 : c->sweep[d]);
      sp.onsite = kind ? c->sweep[d] : 0;
      st = tl_set_make(&sp, &tests[kind][d], err);
    }
  const long N = c->n_test;
  if (!st && (!(pred = tl_malloc(N * sizeof *pred)) || !(lh = tl_malloc(N * sizeof *lh)) ||
              !(ed = tl_malloc(N * sizeof *ed))))
    st = tl_error_set(err, TL_ERR_NOMEM, "out of memory for predictions");
  /* acc[t][m][kind][d][seed], agreement with the baselines likewise */
  const size_t cells = (size_t)2 * (M + 2) * 2 * NS * S;
  double *acc = st ? NULL : tl_calloc(cells, sizeof *acc);
  double *agl = st ? NULL : tl_calloc(cells, sizeof *agl), *age = st ? NULL : tl_calloc(cells, sizeof *age);
  if (!st && (!acc || !agl || !age)) st = tl_error_set(err, TL_ERR_NOMEM, "out of memory for the disorder grid");
#define AT(arr, t, m, k, d, s) arr[((((size_t)(t) * (M + 2) + (m)) * 2 + (k)) * NS + (d)) * S + (s)]
  for (int kind = 0; kind < 2 && !st; kind++)
    for (int d = 0; d < NS && !st; d++) {
      tl_samples_t *ts = tests[kind][d];
      if ((st = baselines(ts, lh, ed, err))) break;
      for (int t = 0; t < 2; t++)
        for (int sd = 0; sd < S; sd++) {
          AT(acc, t, M, kind, d, sd) = score(ts, lh, NULL);
          AT(acc, t, M + 1, kind, d, sd) = score(ts, ed, NULL);
        }
    }
  const char *study_names[2] = {"disorder", "disorder-trainD1"};
  for (int t = 0; t < 2 && !st; t++)
    for (int mi = 0; mi < M && !st; mi++)
      for (int sd = 0; sd < S && !st; sd++) {
        const tl_study_model_t *md = &c->models[mi];
        if (tl_study_tick(h, "disorder", ((long)t * M + mi) * S + sd, 2L * M * S, md->name)) {
          st = tl_error_set(err, TL_ERR_INTERRUPTED, "interrupted");
          break;
        }
        tl_model_t *m;
        tl_cell_train_t ct;
        if ((st = tl_cell_train(c, h, study_names[t], md, sd, train[t], val, &m, &ct, err))) break;
        tl_cell_train_free(&ct);
        if (!m) continue; /* train_only: nothing to evaluate here */
        tl_eval_opts_t eo;
        tl_eval_opts_default(&eo);
        for (int kind = 0; kind < 2 && !st; kind++)
          for (int d = 0; d < NS && !st; d++) {
            tl_samples_t *ts = tests[kind][d];
            tl_eval_t r;
            if ((st = tl_model_eval(m, ts, &eo, pred, NULL, &r, err))) break;
            tl_eval_free(&r);
            if ((st = baselines(ts, lh, ed, err))) break;
            AT(acc, t, mi, kind, d, sd) = score(ts, pred, NULL);
            AT(agl, t, mi, kind, d, sd) = score(ts, pred, lh);
            AT(age, t, mi, kind, d, sd) = score(ts, pred, ed);
          }
        tl_model_free(m);
      }
  if (!st && !c->train_only) {
    char path[4096];
    tl_outfile_t o;
    st = tl_study_path(c, "data", "disorder.csv", path, sizeof path, err);
    if (!st) st = tl_outfile_begin(&o, path, 1, 1, err);
    if (!st) {
      fprintf(o.fp, "series,train_D,model,disorder_kind,D,accuracy_mean,accuracy_min,accuracy_max,"
                    "agree_loghop,agree_edge\n");
      for (int t = 0; t < 2; t++)
        for (int mi = 0; mi < M + 2; mi++)
          for (int kind = 0; kind < 2; kind++)
            for (int d = 0; d < NS; d++) {
              double a = 0, lo = INFINITY, hi = -INFINITY, gl = 0, ge = 0;
              for (int sd = 0; sd < S; sd++) {
                double x = AT(acc, t, mi, kind, d, sd);
                a += x / S;
                lo = fmin(lo, x);
                hi = fmax(hi, x);
                gl += AT(agl, t, mi, kind, d, sd) / S;
                ge += AT(age, t, mi, kind, d, sd) / S;
              }
              const char *name = mi < M ? c->models[mi].name : mi == M ? "baseline:loghop" : "baseline:edge";
              fprintf(o.fp, "%s@%s@train%g,%g,%s,%s,%g,%.4f,%.4f,%.4f,", name, kind ? "onsite" : "bond",
                      train_D[t], train_D[t], name, kind ? "onsite" : "bond", c->sweep[d], a, lo, hi);
              if (mi < M) fprintf(o.fp, "%.4f,%.4f\n", gl, ge);
              else fprintf(o.fp, ",\n");
              if (t == 0 && kind == 0) {
                char key[96];
                snprintf(key, sizeof key, "%s/acc_bond_D%g", name, c->sweep[d]);
                tl_summary_add(sum, "disorder", key, a, NULL);
                if (mi < M) {
                  snprintf(key, sizeof key, "%s/agree_loghop_D%g", name, c->sweep[d]);
                  tl_summary_add(sum, "disorder", key, gl, NULL);
                  snprintf(key, sizeof key, "%s/agree_edge_D%g", name, c->sweep[d]);
                  tl_summary_add(sum, "disorder", key, ge, NULL);
                }
              }
              if (t == 0 && kind == 1) {
                char key[96];
                snprintf(key, sizeof key, "%s/acc_onsite_D%g", name, c->sweep[d]);
                tl_summary_add(sum, "disorder", key, a, NULL);
              }
            }
      st = tl_outfile_commit(&o, err);
    }
  }
#undef AT
  tl_free(acc);
  tl_free(agl);
  tl_free(age);
  tl_free(pred);
  tl_free(lh);
  tl_free(ed);
  for (int t = 0; t < 2; t++) tl_samples_free(train[t]);
  tl_samples_free(val);
  for (int kind = 0; kind < 2; kind++)
    for (int d = 0; d < NS; d++) tl_samples_free(tests[kind][d]);
  return st;
}
