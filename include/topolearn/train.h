/* topolearn/train.h — training and evaluation of the models of topolearn/model.h on
 * in-memory sample sets (SPEC 3).
 *
 * Training is deterministic given the seed and the thread count: minibatch order,
 * validation split and gauge flips come from tl_rng_t streams keyed by the seed (and
 * the epoch), the model code runs in one thread in a fixed order, and BLAS runs with a
 * fixed thread count. */
#ifndef TOPOLEARN_TRAIN_H
#define TOPOLEARN_TRAIN_H

#include "topolearn/model.h"

/* ---- evaluation --------------------------------------------------------------------- */

typedef struct {
  int keep_ambiguous;   /* count ambiguous chains (default 0: SPEC 1.3)                  */
  int gauge_flip;       /* evaluate on gauge-flipped copies: each state's sign drawn     */
  uint64_t gauge_seed;  /*   from stream (gauge_seed, chain index)                       */
  int batch;            /* chains per forward pass (default 256)                         */
  int any_integer;      /* W head: predict round(W) over every integer, not only the
                           model's classes (unseen windings; tl_model_predict_class)     */
} tl_eval_opts_t;

typedef struct {
  int n, correct;       /* chains counted, and correctly labelled                        */
  double accuracy;      /* correct / n                                                   */
  double loss;          /* mean cross-entropy over counted chains whose label is one of
                           the model's classes (NaN if none)                             */
  int cmin, cmax;       /* classes of the confusion matrix: labels and predictions       */
  long *confusion;      /* (cmax-cmin+1)^2, row = true class, column = predicted         */
  double W_mae, W_max;  /* W head: mean and max |W_pred - W| over counted chains;
                           NaN for the other kinds                                       */
} tl_eval_t;

void tl_eval_opts_default(tl_eval_opts_t *o);

/* Evaluates m on every chain of s. pred (N) and W_pred (N, W head; NaN otherwise)
 * receive per-chain predictions for ALL chains, ambiguous ones included; either may be
 * NULL. res->confusion is allocated: release with tl_eval_free. */
tl_status tl_model_eval(const tl_model_t *m, const tl_samples_t *s, const tl_eval_opts_t *o,
                        int *pred, double *W_pred, tl_eval_t *res, tl_error *err);
void tl_eval_free(tl_eval_t *res);

/* ---- what a network uses: SVD pruning of its first dense layer (SPEC 4, C4) ---------- */

#define TL_PRUNE_MAX_SETS 4
#define TL_PRUNE_MAX_POINTS 32
#define TL_PRUNE_VECTORS 4

typedef struct {
  int rows, cols, K;       /* the first dense layer (mlp: dense1, cnn: its dense head),
                              out x in, and its K = min(rows, cols) singular values      */
  double *sigma;           /* K, descending                                              */
  int npoints;             /* the curve: k = 1, 2, 4, ... and K last                      */
  int k[TL_PRUNE_MAX_POINTS];
  double acc[TL_PRUNE_MAX_SETS][TL_PRUNE_MAX_POINTS]; /* accuracy on each set, top-k kept;
                              at k = K the original weights, so it equals tl_model_eval  */
  int k_needed;            /* smallest k of the curve within 1% of set 0's k = K accuracy */
  /* The top nvec right-singular vectors over the two axes of the input (eigvec: states
   * ascending in energy x cells; hopping: ranges x cells; qab: cells x cells; cnn:
   * channels x pooled cells): heat[q] is ax0 x ax1 of summed squared components. */
  int nvec, ax0, ax1, states;
  double *heat;            /* nvec x ax0 x ax1                                           */
  double heat_total[TL_PRUNE_VECTORS];
  double edge_frac[TL_PRUNE_VECTORS], edge_uniform;         /* the edge_cells at each end */
  double lowstate_frac[TL_PRUNE_VECTORS], lowstate_uniform; /* the two lowest states; NaN
                                                               without a state axis       */
} tl_prune_t;

/* The pruning curve of m on nsets (1..TL_PRUNE_MAX_SETS) sample sets, scored by
 * tl_model_eval with eo (NULL: defaults): m's first dense layer is replaced by the top-k
 * part of its SVD for each k of the curve, then restored exactly. Kinds with
 * TL_MODEL_PRUNABLE only (TL_ERR_INPUT naming the kind otherwise). Release with tl_prune_free. */
tl_status tl_model_prune(tl_model_t *m, const tl_samples_t *const *sets, int nsets,
                         const tl_eval_opts_t *eo, int edge_cells, tl_prune_t *out,
                         tl_error *err);
void tl_prune_free(tl_prune_t *p);

/* ---- training ------------------------------------------------------------------------- */

/* One epoch's metrics, handed to the callback (progress bar, CSV). Epochs count from 1.
 * train_acc is accumulated over the epoch's minibatches as the parameters move (the
 * usual running accuracy); val_acc and val_loss are NaN without a validation split. */
typedef struct {
  int epoch, epochs;
  double loss, train_acc, val_acc, val_loss, seconds, lr;
} tl_train_epoch_t;

/* Return nonzero to stop (e.g. SIGINT seen): tl_train then returns TL_ERR_INTERRUPTED
 * with the parameters of the epoch just finished. */
typedef int (*tl_train_callback)(const tl_train_epoch_t *e, void *user);

typedef struct {
  int epochs, batch;
  int first_epoch;        /* resume: run epochs first_epoch..epochs (0 or 1: all). The
                             streams are keyed by the absolute epoch, so a run resumed
                             from a model saved after epoch k (with its optimiser state)
                             continues bit-identically (early-stopping patience restarts) */
  tl_nn_optim_t optim;
  tl_nn_lr_t lr;          /* lr.lr is the learning rate (schedules in nn.h)              */
  uint64_t seed;
  double val_fraction;    /* [0, 1): chains held out for validation                      */
  int early_stop;         /* patience in epochs (0: off); needs a validation split; the
                             parameters of the best validation epoch are kept            */
  int augment_gauge;      /* random sign of each state per sample and epoch (SPEC 3)      */
  int keep_ambiguous;     /* train on ambiguous chains too                               */
  int regress_w;          /* W head: loss (W - RSWN)^2 instead of the cross-entropy
                             (SPEC 3's regression mode); val_loss is then that MSE too    */
  int threads;            /* BLAS/OpenMP threads for the run (0: leave as is)             */
  tl_train_callback callback;
  void *user;
} tl_train_opts_t;

/* Adam, lr 1e-3 constant, 20 epochs, batch 32, seed 1, validation 0.1, no early stop,
 * no augmentation. */
void tl_train_opts_default(tl_train_opts_t *o);
/* One line naming the option on failure (lr, batch, epochs, fractions, optimiser). */
tl_status tl_train_opts_validate(const tl_train_opts_t *o, tl_error *err);

typedef struct {
  int epochs_run, best_epoch, stopped_early;
  int n_train, n_val, n_excluded;  /* excluded: ambiguous chains left out */
  double loss, train_acc, val_acc; /* of the epoch whose parameters were kept */
} tl_train_result_t;

/* Trains m on s. Labels must lie in m's classes (TL_ERR_INPUT naming the chain).
 * A NaN or inf loss (or parameter) stops training with TL_ERR_NUMERIC naming the
 * epoch; m then holds the parameters (and optimiser state) of the last good epoch. */
tl_status tl_train(tl_model_t *m, const tl_samples_t *s, const tl_train_opts_t *o,
                   tl_train_result_t *res, tl_error *err);

#endif
