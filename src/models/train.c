/* Training loop (SPEC 3): shuffled minibatches, Adam/SGD with a learning-rate schedule,
 * validation split, early stopping with the best parameters kept, gauge augmentation,
 * and a stop with the last good parameters when the loss turns NaN/inf. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "models/eval_core.h"

/* Stream indices under the training seed, apart from each other and from the model's
 * initialisation stream (0) the caller uses. */
#define STREAM_SPLIT 0x5eed0001u
#define STREAM_EPOCH 0x5eed1000u /* + epoch: shuffle order, then gauge flips */

void tl_train_opts_default(tl_train_opts_t *o) {
  memset(o, 0, sizeof *o);
  o->epochs = 20;
  o->batch = 32;
  tl_nn_optim_default(&o->optim, TL_NN_ADAM);
  o->lr.kind = TL_NN_LR_CONSTANT;
  o->lr.lr = 1e-3;
  o->seed = 1;
  o->val_fraction = 0.1;
}

tl_status tl_train_opts_validate(const tl_train_opts_t *o, tl_error *err) {
  if (o->epochs < 1) return tl_error_set(err, TL_ERR_INPUT, "epochs = %d is out of range (expected >= 1)", o->epochs);
  if (o->batch < 1) return tl_error_set(err, TL_ERR_INPUT, "batch = %d is out of range (expected >= 1)", o->batch);
  if (o->first_epoch < 0 || o->first_epoch > o->epochs)
    return tl_error_set(err, TL_ERR_INPUT, "first_epoch = %d is out of range (expected 1..epochs = %d)",
                        o->first_epoch, o->epochs);
  if (!(o->lr.lr > 0) || !isfinite(o->lr.lr))
    return tl_error_set(err, TL_ERR_INPUT, "lr = %g is out of range (expected a number > 0)", o->lr.lr);
  if (!(o->val_fraction >= 0 && o->val_fraction < 1))
    return tl_error_set(err, TL_ERR_INPUT, "val_fraction = %g is out of range (expected 0 <= f < 1)", o->val_fraction);
  if (o->early_stop < 0)
    return tl_error_set(err, TL_ERR_INPUT, "early_stop = %d is out of range (expected >= 0)", o->early_stop);
  if (o->early_stop > 0 && o->val_fraction == 0)
    return tl_error_set(err, TL_ERR_INPUT, "early_stop = %d needs a validation split "
                        "(val_fraction > 0)", o->early_stop);
  if (o->threads < 0) return tl_error_set(err, TL_ERR_INPUT, "threads = %d is out of range (expected >= 0)", o->threads);
  tl_status st = tl_nn_optim_validate(&o->optim, err);
  if (!st) st = tl_nn_lr_validate(&o->lr, err);
  return st;
}

static void shuffle(int *a, int n, tl_rng_t *rng) { /* Fisher-Yates */
  for (int i = n - 1; i > 0; i--) {
    int j = (int)tl_rng_below(rng, (uint64_t)i + 1), t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

static int all_finite(const float *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(p[i])) return 0;
  return 1;
}

/* A copy of param, m and v (adjacent in the buffer after grad) and the step count. */
typedef struct {
  float *param, *mv;
  long step;
} snapshot_t;

static void snap_take(snapshot_t *s, const tl_nn_params_t *p) {
  memcpy(s->param, p->param, p->count * sizeof *p->param);
  memcpy(s->mv, p->m, 2 * p->count * sizeof *p->m);
  s->step = p->step;
}
static void snap_restore(const snapshot_t *s, tl_nn_params_t *p) {
  memcpy(p->param, s->param, p->count * sizeof *p->param);
  memcpy(p->m, s->mv, 2 * p->count * sizeof *p->m);
  p->step = s->step;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

typedef struct { /* everything allocated once per run */
  int *train, *val, *vpred; /* val: the tail of train */
  int *order;               /* this epoch's permutation of train[0..n_train) */
  double *vloss;
  float *x;
  float *xall;              /* without gauge augmentation: every training chain's input,
                               featurised once (slot k = chain train[k]); NULL otherwise */
  int *slot;                /* chain index -> its slot in xall                           */
  signed char *flips;
  tl_model_ws_t *ws;
  snapshot_t good, best;
} run_t;

static void run_free(run_t *r) {
  tl_free(r->train), tl_free(r->order), tl_free(r->vpred) /* val points into train */, tl_free(r->vloss);
  tl_free(r->x), tl_free(r->xall), tl_free(r->slot), tl_free(r->flips);
  tl_free(r->good.param), tl_free(r->good.mv), tl_free(r->best.param), tl_free(r->best.mv);
  tl_model_ws_free(r->ws);
}

/* Splits the usable chains into training and validation indices. */
static tl_status split(const tl_model_t *m, const tl_samples_t *s, const tl_train_opts_t *o,
                       run_t *r, tl_train_result_t *res, tl_error *err) {
  int n = 0;
  r->train = tl_malloc((size_t)s->N * sizeof *r->train);
  if (!r->train) return tl_error_set(err, TL_ERR_NOMEM, "out of memory for %d chain indices", s->N);
  for (int i = 0; i < s->N; i++) {
    if (s->ambiguous[i] && !o->keep_ambiguous) {
      res->n_excluded++;
      continue;
    }
    if (s->label[i] < m->hp.cmin || s->label[i] > m->hp.cmax)
      return tl_error_set(err, TL_ERR_INPUT, "chain %d: label %d is not one of the model's "
                          "classes %d..%d", i, s->label[i], m->hp.cmin, m->hp.cmax);
    r->train[n++] = i;
  }
  tl_rng_t rng;
  tl_rng_init(&rng, o->seed, STREAM_SPLIT);
  shuffle(r->train, n, &rng);
  res->n_val = (int)floor(o->val_fraction * n);
  res->n_train = n - res->n_val;
  if (res->n_train < 1)
    return tl_error_set(err, TL_ERR_INPUT, "data: %d usable chains (%d ambiguous excluded) leave "
                        "none for training", n, res->n_excluded);
  r->val = r->train + res->n_train;
  return TL_OK;
}

static tl_status run_alloc(const tl_model_t *m, const tl_train_opts_t *o, int n_train, int n_val,
                           run_t *r, tl_error *err) {
  const int B = o->batch < n_train ? o->batch : n_train;
  const int Bv = n_val > B ? n_val < 256 ? n_val : 256 : B; /* validation batches */
  const int Bmax = B > Bv ? B : Bv;
  tl_status st = tl_model_ws_new(&r->ws, m, Bmax, sizeof(float), err);
  if (st) return st;
  const size_t P = m->params->count;
  r->x = tl_malloc(tl_model_input_size(m, Bmax) * sizeof *r->x);
  r->order = tl_malloc((size_t)n_train * sizeof *r->order);
  r->flips = tl_malloc((size_t)Bmax * m->L);
  r->vpred = tl_malloc((size_t)(n_val ? n_val : 1) * sizeof *r->vpred);
  r->vloss = tl_malloc((size_t)(n_val ? n_val : 1) * sizeof *r->vloss);
  r->good.param = tl_malloc(P * sizeof(float));
  r->good.mv = tl_malloc(2 * P * sizeof(float));
  r->best.param = tl_malloc(P * sizeof(float));
  r->best.mv = tl_malloc(2 * P * sizeof(float));
  if (!r->x || !r->order || !r->flips || !r->vpred || !r->vloss || !r->good.param || !r->good.mv ||
      !r->best.param || !r->best.mv)
    return tl_error_set(err, TL_ERR_NOMEM, "out of memory for training buffers");
  return TL_OK;
}

/* Without gauge augmentation a chain's input is the same every epoch: featurise the
 * training chains once (in float, at most half the memory of the double samples) and
 * gather each batch from that copy. It is an optimisation only: without the memory the
 * batches are featurised as before, and either way the inputs are the same floats. */
static void cache_inputs(const tl_model_t *m, const tl_samples_t *s, const tl_train_opts_t *o,
                         run_t *r, int n_train) {
  if (o->augment_gauge) return;
  r->xall = tl_malloc(tl_model_input_size(m, n_train) * sizeof *r->xall);
  r->slot = tl_malloc((size_t)s->N * sizeof *r->slot);
  if (!r->xall || !r->slot) {
    tl_free(r->xall), tl_free(r->slot);
    r->xall = NULL, r->slot = NULL;
    return;
  }
  tl_model_featurise_f32(m, s, r->train, n_train, NULL, r->xall);
  for (int k = 0; k < n_train; k++) r->slot[r->train[k]] = k;
}

/* Batch idx[0..B) from the featurised copy, in the layout tl_model_featurise writes. */
static void gather_inputs(const tl_model_t *m, const run_t *r, int n_train, const int *idx,
                          int B) {
  const int planes = m->hp.kind->input_planes; /* kind.h: the layout of a batch */
  const size_t per = m->hp.kind->input_size(m) / (size_t)planes;
  /* row copies, one fork for all planes: any split over threads is the same copy */
#pragma omp parallel for collapse(2) schedule(static) if ((size_t)planes * B * per >= 65536)
  for (int p = 0; p < planes; p++)
    for (int b = 0; b < B; b++)
      memcpy(r->x + ((size_t)p * B + b) * per,
             r->xall + ((size_t)p * n_train + r->slot[idx[b]]) * per, per * sizeof *r->x);
}

/* One epoch over the training chains; *bad_batch > 0 names the batch whose loss was
 * not finite. */
static void epoch_run(tl_model_t *m, const tl_samples_t *s, const tl_train_opts_t *o, run_t *r,
                      int n_train, int epoch, double lr, double *loss, double *acc,
                      int *bad_batch) {
  /* Each epoch permutes the same base order with its own stream, so epoch e's batches
   * depend on (seed, e) only: a resumed run sees the batches of an uninterrupted one. */
  tl_rng_t rng;
  tl_rng_init(&rng, o->seed, STREAM_EPOCH + (uint64_t)epoch);
  memcpy(r->order, r->train, (size_t)n_train * sizeof *r->order);
  shuffle(r->order, n_train, &rng);
  const int Bmax = o->batch < n_train ? o->batch : n_train;
  const int kindW = tl_model_has(m, TL_MODEL_W_HEAD);
  double lsum = 0;
  int correct = 0, batch = 0;
  *bad_batch = 0;
  for (int at = 0; at < n_train; at += Bmax) {
    const int B = n_train - at < Bmax ? n_train - at : Bmax;
    const int *idx = r->order + at;
    batch++;
    if (o->augment_gauge)
      for (int b = 0; b < B; b++) tl_model_draw_flips(r->flips + (size_t)b * m->L, m->L, &rng);
    if (r->xall) gather_inputs(m, r, n_train, idx, B);
    else tl_model_featurise_f32(m, s, idx, B, o->augment_gauge ? r->flips : NULL, r->x);
    for (int b = 0; b < B; b++) {
      r->ws->labels[b] = s->label[idx[b]] - m->hp.cmin;
      r->ws->wtarget[b] = s->W[idx[b]];
    }
    tl_model_forward_f32(m, m->params->param, r->x, B, r->ws);
    float l;
    if (o->regress_w) tl_model_loss_w_f32(m, r->ws, B, &l);
    else tl_model_loss_f32(m, r->ws, B, &l);
    if (!isfinite(l)) {
      *bad_batch = batch;
      return;
    }
    const float *z = tl_model_logits_f32(m, r->ws), *w = tl_model_W_f32(m, r->ws);
    for (int b = 0; b < B; b++)
      correct += tl_model_predict_class(m, z + (size_t)b * m->C, kindW ? w[b] : 0.0f, 0) ==
                 s->label[idx[b]];
    lsum += (double)l * B;
    tl_nn_params_zero_grad(m->params);
    tl_model_backward_f32(m, m->params->param, m->params->grad, r->x, NULL, B, r->ws);
    tl_nn_optim_step(&o->optim, m->params, lr);
  }
  *loss = lsum / n_train;
  *acc = (double)correct / n_train;
}

static tl_status train_loop(tl_model_t *m, const tl_samples_t *s, const tl_train_opts_t *o,
                            run_t *r, tl_train_result_t *res, tl_error *err) {
  tl_nn_params_t *p = m->params;
  double best_key = -INFINITY;
  int since_best = 0;
  snap_take(&r->good, p);
  snap_take(&r->best, p);
  for (int e = o->first_epoch > 1 ? o->first_epoch : 1; e <= o->epochs; e++) {
    const double t0 = now(), lr = tl_nn_lr_at(&o->lr, e - 1);
    tl_train_epoch_t ep = {.epoch = e, .epochs = o->epochs, .lr = lr, .val_acc = NAN,
                           .val_loss = NAN};
    int bad;
    epoch_run(m, s, o, r, res->n_train, e, lr, &ep.loss, &ep.train_acc, &bad);
    if (bad || !all_finite(p->param, p->count)) {
      snap_restore(&r->good, p);
      char kept[64];
      if (res->epochs_run) snprintf(kept, sizeof kept, "the end of epoch %d", res->epochs_run);
      else snprintf(kept, sizeof kept, "their values before epoch %d", e);
      if (bad)
        return tl_error_set(err, TL_ERR_NUMERIC, "training diverged: the loss is not finite in "
                            "epoch %d (batch %d); parameters restored to %s", e, bad, kept);
      return tl_error_set(err, TL_ERR_NUMERIC, "training diverged: parameters not finite after "
                          "epoch %d; restored to %s", e, kept);
    }
    if (res->n_val) {
      const int nv = res->n_val;
      int ok = tl_model_eval_core(m, s, r->val, nv, r->ws, r->x, NULL, 0, 0, o->regress_w,
                                  r->vpred, NULL, r->vloss);
      double ls = 0;
      for (int k = 0; k < nv; k++) ls += r->vloss[k];
      ep.val_acc = (double)ok / nv;
      ep.val_loss = ls / nv;
    }
    ep.seconds = now() - t0;
    snap_take(&r->good, p);
    res->epochs_run = e;
    /* Best epoch: highest validation accuracy, ties to the lower validation loss (a
     * single key: accuracy steps are >= 1/n_val, the loss term stays below that). */
    double key = res->n_val ? ep.val_acc - 1e-3 / (res->n_val + 1.0) * tanh(ep.val_loss) : e;
    if (key > best_key) {
      best_key = key;
      since_best = 0;
      if (o->early_stop > 0) {
        snap_take(&r->best, p);
        res->best_epoch = e;
        res->loss = ep.loss, res->train_acc = ep.train_acc, res->val_acc = ep.val_acc;
      }
    } else {
      since_best++;
    }
    if (o->early_stop == 0) { /* without early stopping the last epoch is kept */
      res->best_epoch = e;
      res->loss = ep.loss, res->train_acc = ep.train_acc, res->val_acc = ep.val_acc;
    }
    if (o->callback && o->callback(&ep, o->user))
      return tl_error_set(err, TL_ERR_INTERRUPTED, "training interrupted after epoch %d", e);
    if (o->early_stop > 0 && since_best >= o->early_stop) {
      res->stopped_early = 1;
      break;
    }
  }
  if (o->early_stop > 0) snap_restore(&r->best, p); /* keep the best validation epoch */
  return TL_OK;
}

tl_status tl_train(tl_model_t *m, const tl_samples_t *s, const tl_train_opts_t *o,
                   tl_train_result_t *res, tl_error *err) {
  memset(res, 0, sizeof *res);
  tl_status st = tl_train_opts_validate(o, err);
  if (st) return st;
  tl_status st0 = tl_model_check_data(m, s, err);
  if (!st0) st0 = tl_samples_validate(s, err);
  if (st0) return st0;
  if (o->regress_w && !tl_model_has(m, TL_MODEL_W_HEAD)) {
    char list[64];
    tl_model_kind_list(list, sizeof list, " or ", TL_MODEL_W_HEAD);
    return tl_error_set(err, TL_ERR_INPUT, "regression on W needs a %s model (not %s)", list,
                        tl_model_kind_name(m->hp.kind));
  }
  run_t r = {0};
  const int threads_before = omp_get_max_threads();
  if (o->threads > 0) omp_set_num_threads(o->threads); /* BLAS threads: fixed per run */
  if (!(st = split(m, s, o, &r, res, err)) &&
      !(st = run_alloc(m, o, res->n_train, res->n_val, &r, err))) {
    cache_inputs(m, s, o, &r, res->n_train);
    st = train_loop(m, s, o, &r, res, err);
  }
  if (o->threads > 0) omp_set_num_threads(threads_before);
  run_free(&r);
  return st;
}
